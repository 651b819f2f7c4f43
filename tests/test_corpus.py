"""Poll feedparser's own test corpus over loopback: never crash, never corrupt, store the entries.

The corpus (about 2,100 well-formed, ill-formed, oddly encoded and hostile
documents) lives in ``../shared/corpora/``; the test skips where it is absent
(a clone elsewhere) and never copies it into the repository.
"""

from __future__ import annotations

import json
import re
import sqlite3
import tarfile
from collections.abc import Callable
from pathlib import Path

import feedparser
import pytest
from cli_helpers import run
from feedserver import FeedServer, Reply, Request

from tracer.baseuri import document_base
from tracer.exceptions import FeedError, InvalidURL
from tracer.feeds import parse_feed
from tracer.posts import post_and_edges
from tracer.urls import canonicalize

CORPUS = (
    Path(__file__).resolve().parents[1].parent / "shared" / "corpora" / "feedparser-tests.tar.gz"
)
HEADER = re.compile(rb"^Header:\s*([A-Za-z-]+):\s*(.*?)\s*$", re.MULTILINE)

pytestmark = pytest.mark.skipif(not CORPUS.exists(), reason=f"{CORPUS} is not here")


def corpus_documents(folder: Path) -> dict[str, tuple[bytes, dict[str, str]]]:
    """``/path`` → (bytes, headers from the document's own ``Header:`` comment lines)."""
    with tarfile.open(CORPUS) as archive:
        archive.extractall(folder, filter="data")
    documents: dict[str, tuple[bytes, dict[str, str]]] = {}
    for path in sorted(folder.rglob("*.xml")):
        body = path.read_bytes()
        headers = {"Content-Type": "application/xml"}
        for name, value in HEADER.findall(body[:2000]):
            if name.lower() not in ("content-length", "transfer-encoding", "content-encoding"):
                headers[name.decode().title()] = value.decode("latin-1")
        documents["/" + path.relative_to(folder).as_posix()] = (body, headers)
    return documents


def _address(entry: dict[str, object]) -> str | None:
    """The post address feedparser gives an entry, canonical, or None."""
    raw = entry.get("feedburner_origlink") or entry.get("link")
    if not isinstance(raw, str) or not raw.startswith(("http://", "https://")):
        return None
    links = entry.get("links") or []
    if not entry.get("feedburner_origlink") and not any(
        isinstance(link, dict) and link.get("rel") == "alternate" and link.get("href") == raw
        for link in links
    ):
        return None  # feedparser's fallback to an enclosure's link: not the post's address
    try:
        return canonicalize(raw)
    except InvalidURL:
        return None


def reply_for(body: bytes, headers: dict[str, str]) -> Callable[[Request], Reply]:
    return lambda request: Reply(200, body, headers)


def test_polling_the_feedparser_corpus(tmp_path: Path) -> None:
    documents = corpus_documents(tmp_path / "corpus")
    assert len(documents) > 2000
    db = tmp_path / "tracer.db"
    routes = {path: reply_for(body, headers) for path, (body, headers) in documents.items()}
    with FeedServer(routes) as server:
        run(db, "feeds", "add", *[server.url(p) for p in routes])
        first = run(db, "poll", "--all", "--concurrency", "20")
        second = run(db, "poll", "--all", "--concurrency", "20")
    assert "polled" in first.stderr and "polled" in second.stderr

    with sqlite3.connect(db) as conn:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        records = {
            url: (status, error)
            for url, status, error in conn.execute("SELECT url, last_status, last_error FROM feeds")
        }
        stored = {row[0] for row in conn.execute("SELECT url FROM posts")}
        unfinished = conn.execute("SELECT count(*) FROM poll_runs WHERE finished_at IS NULL")
        assert unfinished.fetchone()[0] == 0
    assert len(records) == len(documents)
    assert all(status is not None for status, _ in records.values())  # every feed has a record

    # What a feed reader finds: every entry tracer's parser reads from the bytes on disk
    # was stored from the bytes that came over HTTP.
    expected: set[str] = set()
    derived: set[str] = set()  # every entry address feedparser derives from a readable feed
    readable = reader_found = both = 0
    for path, (body, headers) in documents.items():
        url = server.url(path)
        try:
            parsed = parse_feed(
                body, url, headers.get("Content-Type"), headers.get("Content-Location")
            )
        except FeedError:
            parsed = None
        if parsed is not None and parsed.items:
            readable += 1
            expected |= {post.url for post, _ in map(post_and_edges, parsed.items) if post}
        # a bare feedparser, with its defaults, as a reader fetching the URL would run it:
        # the response's Content-Location (resolved against the URL) is the base URI
        location = document_base(url, headers.get("Content-Location"))
        entries = feedparser.parse(body, response_headers={"content-location": location}).entries
        finds = bool(entries)
        reader_found += finds
        if parsed is not None and parsed.items:
            derived |= {address for entry in entries if (address := _address(entry))}
        if finds and url in records and records[url][1] is None:
            both += 1
    missing = expected - stored
    assert not missing, sorted(missing)[:10]
    missing = derived - stored
    assert not missing, sorted(missing)[:10]
    assert readable > 1000
    # Documents a bare feedparser finds entries in are, with few exceptions (those that
    # declare entities, refused on purpose), polled without an error by tracer.
    assert both >= 0.95 * reader_found, (both, reader_found)


def test_the_corpus_is_stored_the_same_on_both_engines(tmp_path: Path, pg_url: str) -> None:
    """Every feed's record, post and edge of the corpus, polled into SQLite and into
    PostgreSQL from the same loopback server: the same rows (issue 16: same outputs on
    the same data), odd encodings, broken documents and hostile ones included.

    A post address that several documents give is written by whichever of them is
    written last (its title, say), and two parse workers finish in either order: those
    posts and their edges are compared by address only.
    """
    from collections import Counter

    from cli_helpers import sql_rows

    documents = corpus_documents(tmp_path / "corpus")
    db = str(tmp_path / "tracer.db")
    routes = {path: reply_for(body, headers) for path, (body, headers) in documents.items()}
    with FeedServer(routes) as server:
        for target in (db, pg_url):
            run(target, "feeds", "add", *[server.url(p) for p in routes])
            run(target, "poll", "--all", "--concurrency", "4")
        given = Counter(
            address
            for path, (body, headers) in documents.items()
            for address in _post_addresses(server.url(path), body, headers)
        )
    shared = sorted(address for address, count in given.items() if count > 1)
    assert shared  # (the corpus has some: else the exclusion below tests nothing)
    for sql in (
        "SELECT url, last_status, last_error, title, site_url, warning, consecutive_failures,"
        " etag, last_modified, body_hash FROM feeds ORDER BY url",
        "SELECT p.url, p.raw_url, p.guid, p.title, p.published, p.warning, f.url"
        " FROM posts AS p JOIN feeds AS f ON f.id = p.feed_id"
        " WHERE p.url NOT IN (SELECT value FROM json_each(?)) ORDER BY p.url",
        "SELECT url FROM posts ORDER BY url",
        "SELECT repost_url, source_url, kind, pattern, evidence, raw_source_url, cited_url"
        " FROM edges WHERE repost_url NOT IN (SELECT value FROM json_each(?))"
        " ORDER BY repost_url, source_url",
        "SELECT repost_url, source_url FROM edges ORDER BY repost_url, source_url",
    ):
        params = [json.dumps(shared)] if "?" in sql else []
        on_sqlite = sql_rows(db, sql, params)
        assert on_sqlite, sql
        assert sql_rows(pg_url, translated(sql), params) == on_sqlite, sql


def translated(sql: str) -> str:
    """``json_each(?)`` of SQLite as PostgreSQL spells it."""
    return sql.replace("SELECT value FROM json_each(?)", "SELECT json_array_elements_text(?::json)")


def _post_addresses(url: str, body: bytes, headers: dict[str, str]) -> set[str]:
    """The post addresses tracer's parser reads from one document (none if unreadable)."""
    try:
        parsed = parse_feed(body, url, headers.get("Content-Type"), headers.get("Content-Location"))
    except FeedError:
        return set()
    return {post.url for post, _ in map(post_and_edges, parsed.items) if post}
