"""Over-long URLs and guids, on both engines: one limit, the same rows, every post kept.

A PostgreSQL B-tree entry holds at most 2,704 bytes, and an edge's unique key
holds two URLs. tracer took URLs of up to 4,096 characters (SQLite stores any),
so a post whose link or source was a long token that does not compress made
PostgreSQL refuse the whole feed's write, on every poll, until the item left
the feed. A key is now at most :data:`tracer.urls.MAX_KEY_LENGTH` bytes on both
engines: a post whose own key is longer is left out (as a post with no usable
link is), a source whose key is longer is a warning on the post, a longer
guid is not kept, and the feed's other posts are stored. Real server, real
``tracer`` commands, loopback HTTP.
"""

from __future__ import annotations

from pathlib import Path

from cli_helpers import one_post_store, run, sql_rows
from feedserver import FeedServer, Static

from tracer.urls import MAX_KEY_LENGTH

# hex of consecutive numbers: PostgreSQL's compression finds nothing to gain in it
TOKEN = "".join(f"{i:04x}" for i in range(400))  # 1,600 characters


def item(title: str, link: str, source: str, guid: str | None = None) -> str:
    guid_element = f"<guid isPermaLink='false'>{guid}</guid>" if guid else ""
    return (
        f"<item><title>{title}</title><link>{link}</link>{guid_element}<description>"
        f"<![CDATA[<p>A story.</p><p>Source Article from <a href='{source}'>{source[:40]}</a>"
        f"</p>]]></description></item>"
    )


def test_over_long_keys_are_left_out_the_same_way_on_both_engines(target: str) -> None:
    assert len(TOKEN) > MAX_KEY_LENGTH
    blog, outlet = "https://long-blog.example", "https://outlet.example"
    items = [
        item("Plain", f"{blog}/plain/", f"{outlet}/news/1"),
        item("Long own link", f"{blog}/story?id={TOKEN}", f"{outlet}/news/2"),
        item("Long source", f"{blog}/cites-long/", f"{outlet}/news?id={TOKEN}"),
        item("Long guid", f"{blog}/long-guid/", f"{outlet}/news/3", guid=f"urn:{TOKEN}"),
        # a long raw link whose tracking parameters go: its key is short
        item("Long but tracked", f"{blog}/tracked/?utm_content={TOKEN}", f"{outlet}/news/4"),
    ]
    feed = (
        '<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
        f"<title>Long blog</title><link>{blog}/</link>{''.join(items)}</channel></rss>"
    ).encode()
    with FeedServer() as server:
        server.routes["/feed.xml"] = Static(feed)
        run(target, "feeds", "add", server.url("/feed.xml"))
        polled = run(target, "poll")
    assert "polled 1 feed: 0 not modified, 4 new posts, 3 new edges, 0 errors" in polled.stderr
    posts = sql_rows(target, "SELECT url, guid, warning FROM posts ORDER BY url")
    assert [(url, guid) for url, guid, _ in posts] == [
        (f"{blog}/cites-long/", None),
        (f"{blog}/long-guid/", None),  # not kept: longer than a key may be
        (f"{blog}/plain/", None),
        (f"{blog}/tracked/", None),
    ]
    warnings = {url: warning for url, _, warning in posts if warning}
    assert list(warnings) == [f"{blog}/cites-long/"]
    assert "its key would be longer than 1300 bytes (1631)" in warnings[f"{blog}/cites-long/"]
    edges = sql_rows(target, "SELECT repost_url, source_url FROM edges ORDER BY repost_url")
    assert edges == [
        (f"{blog}/long-guid/", f"{outlet}/news/3"),
        (f"{blog}/plain/", f"{outlet}/news/1"),
        (f"{blog}/tracked/", f"{outlet}/news/4"),
    ]
    ((error,),) = sql_rows(target, "SELECT last_error FROM feeds")
    assert error is None


def test_a_query_for_an_over_long_url_says_why(target: str) -> None:
    result = run(target, "chain", f"https://outlet.example/news?id={TOKEN}", code=1)
    assert "its key would be longer than 1300 bytes" in result.stderr, result.stderr


def test_copy_db_of_an_older_store_with_a_key_postgresql_cannot_index_says_so(
    tmp_path: Path, pg_url: str
) -> None:
    """A SQLite store polled before keys had a limit may hold a longer one. copy-db to
    PostgreSQL fails whole (nothing kept), and says why and what to do, where it
    said "database write failed: index row size …"."""
    import sqlite3

    db = tmp_path / "old.db"
    one_post_store(db)
    with sqlite3.connect(db) as conn:  # as an earlier tracer could store it
        long_id = "".join(f"{i:04x}" for i in range(800))  # 3,200 bytes that do not compress
        conn.execute("UPDATE posts SET url = url || '?id=' || ?", (long_id,))
    copied = run(pg_url, "copy-db", str(db), pg_url, code=1)
    assert "refused a value: index row size" in copied.stderr, copied.stderr
    assert "nothing was kept" in copied.stderr and "keys and guids to 1300 bytes" in copied.stderr
    assert sql_rows(pg_url, "SELECT count(*) FROM posts") == [(0,)]
