"""NUL characters (U+0000) in what feeds and pages say, on both engines.

XML forbids them, yet feedparser's loose parser keeps a raw NUL byte of a
feed that is not well formed, and a ``&#0;`` reference becomes one.
PostgreSQL refuses them in a text column: before they were dropped, one such
title failed the feed's write and so stopped the whole poll on PostgreSQL,
while SQLite stored the NUL. Now both engines store the same rows, and every
other feed is polled.
"""

from __future__ import annotations

from contextlib import ExitStack
from pathlib import Path

from cli_helpers import one_post_store, run, sql_rows
from feedserver import FeedServer, Static
from outlets import page


def rss(
    channel: str, items: list[tuple[str, str, str, str]], site: str = "https://nul-blog.example/"
) -> bytes:
    """A feed of (title, link, guid, body HTML) items, its bytes as given (NULs too)."""
    entries = "".join(
        f"<item><title>{title}</title><link>{link}</link><guid>{guid}</guid>"
        f"<description><![CDATA[{body}]]></description></item>"
        for title, link, guid, body in items
    )
    return (
        f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
        f"<title>{channel}</title><link>{site}</link>{entries}</channel></rss>"
    ).encode()


def credit(url: str, before: str = "") -> str:
    return f"<p>{before}Source Article from <a href='{url}'>the outlet</a></p>"


def test_nul_characters_of_a_feed_are_dropped_and_every_feed_is_stored(target: str) -> None:
    with ExitStack() as stack:
        outlet = stack.enter_context(FeedServer(host="127.0.0.2"))
        blog = stack.enter_context(FeedServer(host="127.0.0.1"))
        article = outlet.url("/news/1")
        outlet.routes["/news/1"] = Static(page("Outlet\x00 &#0;headline"), "text/html")
        feeds = {
            "/raw.xml": rss(
                "Raw\x00 NUL blog",
                [("A raw \x00 NUL title", "https://nul-blog.example/a/", "a-1", credit(article))],
            ),
            "/reference.xml": rss(
                "Reference blog",
                [("A &#0; reference", "https://nul-blog.example/b/", "b-1", credit(article))],
                site="https://nul-blog.example/&#0;home",  # the channel's link (site_url)
            ),
            "/body.xml": rss(
                "Body blog",
                [
                    (
                        "Plain title",
                        "https://nul-blog.example/c/",
                        "guid-\x00c",
                        credit(article, "Quoted \x00 text. "),
                    )
                ],
            ),
            "/fine.xml": rss(
                "Fine blog",
                [("Fine title", "https://nul-blog.example/d/", "d-1", credit(article))],
            ),
        }
        for path, body in feeds.items():
            blog.routes[path] = Static(body)
        run(target, "feeds", "add", *[blog.url(path) for path in feeds])
        polled = run(target, "poll")
        resolved = run(target, "resolve")
    assert "polled 4 feeds: 0 not modified, 4 new posts, 4 new edges, 0 errors" in polled.stderr
    assert "resolved 1 page: 1 ok" in resolved.stderr and "0 error" in resolved.stderr
    sites = {site for (site,) in sql_rows(target, "SELECT site_url FROM feeds")}
    assert "https://nul-blog.example/home" in sites, sites
    titles = sorted(title for (title,) in sql_rows(target, "SELECT title FROM posts"))
    assert titles == ["A raw NUL title", "A reference", "Fine title", "Plain title"]
    assert sorted(t for (t,) in sql_rows(target, "SELECT title FROM feeds")) == [
        "Body blog",
        "Fine blog",
        "Raw NUL blog",
        "Reference blog",
    ]
    ((guid,),) = sql_rows(target, "SELECT guid FROM posts WHERE title = 'Plain title'")
    assert guid.endswith("/guid-c")  # (a permalink guid, made absolute by the feed's base)
    evidence = sql_rows(target, "SELECT evidence FROM edges WHERE repost_url LIKE '%/c/'")
    assert evidence == [("Quoted text. Source Article from the outlet",)]
    # a page's NULs: lxml's HTML parser makes them U+FFFD, as HTML says
    assert sql_rows(target, "SELECT title FROM pages") == [
        ("Outlet\ufffd \ufffdheadline | Outlet",)
    ]
    if not target.startswith("postgresql"):  # (PostgreSQL cannot hold one at all)
        for table, column in (
            ("posts", "title"),
            ("edges", "evidence"),
            ("fingerprints", "phrases"),
        ):
            nul = f"SELECT count(*) FROM {table} WHERE instr({column}, char(0)) > 0"
            assert sql_rows(target, nul) == [(0,)], (table, column)


def test_a_store_polled_before_nul_was_dropped_moves_up_to_postgresql(
    tmp_path: Path, pg_url: str
) -> None:
    """A SQLite store whose feeds were polled by an earlier tracer may hold NULs (here in a
    title and an edge's evidence); `copy-db` to PostgreSQL failed whole ("PostgreSQL text
    fields cannot contain NUL (0x00) bytes"), naming no table. It drops them, says how
    many, and copies everything else as it is."""
    import sqlite3

    db = tmp_path / "old.db"
    one_post_store(db)
    with sqlite3.connect(db) as conn:  # as an earlier tracer stored them
        conn.execute("UPDATE posts SET title = 'An old' || char(0) || ' title'")
        conn.execute("UPDATE edges SET evidence = 'Source' || char(0) || ' Article'")
    copied = run(pg_url, "copy-db", str(db), pg_url)
    assert "dropped NUL characters from 2 text values" in copied.stderr, copied.stderr
    assert sql_rows(pg_url, "SELECT title FROM posts") == [("An old title",)]
    assert sql_rows(pg_url, "SELECT evidence FROM edges") == [("Source Article",)]
    assert sql_rows(pg_url, "SELECT count(*) FROM reach") == sql_rows(
        str(db), "SELECT count(*) FROM reach"
    )
