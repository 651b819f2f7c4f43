"""Content-Location over loopback: the base URI of a 200 response, as feedparser has it.

Relative links resolve against ``xml:base`` inside the document, then the
response's ``Content-Location`` (itself resolved against the fetched URL),
then the fetched URL; both parsers (the lxml fast path and feedparser) agree.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from cli_helpers import run
from feedserver import FeedServer, Reply, Request

RSS = b"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>T</title><link>https://blog.example/</link>
<item><title>One</title><link>posts/1/</link>
<description>&lt;p&gt;Source: &lt;a href="/news/9-story/"&gt;Origin&lt;/a&gt;&lt;/p&gt;
</description>
</item></channel></rss>"""
# the same feed in a legacy encoding: feedparser reads it, not the fast path
RSS_LATIN1 = RSS.replace(b'encoding="utf-8"', b'encoding="iso-8859-1"').replace(
    b"<title>One</title>", b"<title>Caf\xe9</title>"
)
ATOM_XML_BASE = b"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:base="https://base.example/atom/">
<title>T</title><id>urn:t</id><updated>2019-03-23T00:00:00Z</updated>
<entry><title>One</title><id>urn:1</id><updated>2019-03-23T00:00:00Z</updated>
<link rel="alternate" href="posts/1/"/></entry></feed>"""


def _stored(db: Path) -> tuple[set[str], set[str]]:
    with sqlite3.connect(db) as conn:
        posts = {row[0] for row in conn.execute("SELECT url FROM posts")}
        sources = {row[0] for row in conn.execute("SELECT source_url FROM edges")}
    return posts, sources


def _serve(body: bytes, location: str | None) -> dict[str, object]:
    headers = {"Content-Type": "application/xml"}
    if location is not None:
        headers["Content-Location"] = location

    def reply(request: Request) -> Reply:
        return Reply(200, body, headers)

    return {"/feeds/one.xml": reply}


@pytest.mark.parametrize("body", [RSS, RSS_LATIN1], ids=["fast-path", "feedparser"])
def test_relative_content_location_is_the_base(db_path: Path, body: bytes) -> None:
    with FeedServer(_serve(body, "/mirror/feed.xml")) as server:  # type: ignore[arg-type]
        run(db_path, "feeds", "add", server.url("/feeds/one.xml"))
        run(db_path, "poll", "--all")
        root = server.url("/")
    posts, sources = _stored(db_path)
    assert posts == {root + "mirror/posts/1/"}
    assert sources == {root + "news/9-story/"}


@pytest.mark.parametrize("body", [RSS, RSS_LATIN1], ids=["fast-path", "feedparser"])
def test_absolute_content_location_on_another_host(db_path: Path, body: bytes) -> None:
    with FeedServer(_serve(body, "https://origin.example/blog/feed")) as server:  # type: ignore[arg-type]
        run(db_path, "feeds", "add", server.url("/feeds/one.xml"))
        run(db_path, "poll", "--all")
    assert _stored(db_path) == (
        {"https://origin.example/blog/posts/1/"},
        {"https://origin.example/news/9-story/"},
    )


def test_no_or_unsafe_content_location_keeps_the_feed_url(db_path: Path) -> None:
    for location in (None, "javascript:alert(1)"):
        db = db_path.with_name(f"{location is None}.db")
        with FeedServer(_serve(RSS, location)) as server:  # type: ignore[arg-type]
            run(db, "feeds", "add", server.url("/feeds/one.xml"))
            run(db, "poll", "--all")
            root = server.url("/")
        assert _stored(db)[0] == {root + "feeds/posts/1/"}


def test_xml_base_wins_over_content_location(db_path: Path) -> None:
    with FeedServer(_serve(ATOM_XML_BASE, "https://other.example/x/feed")) as server:  # type: ignore[arg-type]
        run(db_path, "feeds", "add", server.url("/feeds/one.xml"))
        run(db_path, "poll", "--all")
    assert _stored(db_path)[0] == {"https://base.example/atom/posts/1/"}
