"""PostgreSQL refuses a value that SQLite stores: that feed's or page's error, not the run's.

What tracer sends is made to fit (NUL characters dropped, URL keys and guids
at most :data:`tracer.urls.MAX_KEY_LENGTH` bytes), but a server can still
refuse a value: a limit met by a value nobody foresaw, a rule a DBA added.
When the server refuses one of a feed's values (a value it cannot store, or
one past one of its limits), the write of that feed (or page) is rolled back
and recorded as its error, retried with backoff; every other feed or page is
written. Before, the refusal was a database failure that stopped the run at
that feed, on every run. Here a trigger refuses marked titles, with the
SQLSTATE of "index row size exceeds maximum" (54000), which is what an
over-long URL met before keys had a limit. Real server, real ``tracer``
processes, loopback HTTP.
"""

from __future__ import annotations

import psycopg
from cli_helpers import run, sql_rows
from feedserver import FeedServer, Reply, Static
from outlets import meta_time, page
from test_postgres import count, rss

from tracer.store import Store

MARK = "refused-by-the-server"


def refuse_marked_titles(pg_url: str, table: str) -> None:
    """Make the server refuse a row of ``table`` whose title holds :data:`MARK`."""
    Store.open(pg_url).close()  # the schema, made by tracer's migrations
    with psycopg.connect(pg_url, autocommit=True) as conn:
        conn.execute(
            "CREATE OR REPLACE FUNCTION refuse_marked() RETURNS trigger LANGUAGE plpgsql AS $$"
            f" BEGIN IF NEW.title LIKE '%{MARK}%' THEN RAISE EXCEPTION"
            " 'index row size 3248 exceeds btree version 4 maximum 2704 (a stand-in)'"
            " USING ERRCODE = '54000'; END IF; RETURN NEW; END $$"
        )
        conn.execute(
            f"CREATE TRIGGER refuse_marked BEFORE INSERT OR UPDATE ON {table}"
            " FOR EACH ROW EXECUTE FUNCTION refuse_marked()"
        )


def test_a_value_postgresql_refuses_is_that_feeds_error_and_the_other_feeds_are_stored(
    pg_url: str,
) -> None:
    """The server refuses one post of a feed: that feed's write is rolled back and kept
    as its error (for `feeds list`, retried with backoff), and the other feeds are
    written."""
    refuse_marked_titles(pg_url, "posts")
    routes = {
        "/refused.xml": lambda _r: Reply(200, rss_with_title("refused", f"A {MARK} title")),
        **{f"/ok{i}.xml": (lambda r: Reply(200, rss(r.path[1:4]))) for i in range(3)},
    }
    with FeedServer(routes) as server:
        run(pg_url, "feeds", "add", *[server.url(p) for p in routes])
        result = run(pg_url, "poll")
    assert "polled 4 feeds: 0 not modified, 9 new posts, 9 new edges, 1 error" in result.stderr
    line = next(x for x in result.stderr.splitlines() if x.startswith("feed error: "))
    refused = server.url("/refused.xml")
    assert line.startswith(f"feed error: {refused}: nothing stored: the database")
    assert "exceeds btree version 4 maximum 2704 (a stand-in)" in line
    ((error, failures, due, posts),) = sql_rows(
        pg_url,
        "SELECT last_error, consecutive_failures, next_poll_at > last_polled_at,"
        " (SELECT count(*) FROM posts WHERE feed_id = feeds.id) FROM feeds"
        " WHERE url LIKE '%/refused.xml'",
    )
    assert error.startswith("nothing stored: the database refused a value of this feed (")
    assert (failures, due, posts) == (1, True, 0)
    assert count(pg_url, "posts") == 9 and count(pg_url, "edges") == 9


def rss_with_title(name: str, title: str) -> bytes:
    return (
        f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>{name}'
        f"</title><link>https://{name}.example/</link><item><title>{title}</title>"
        f"<link>https://{name}.example/post</link><description><![CDATA[<p>Source Article"
        f" from <a href="
        f'"https://origin.example/{name}">origin.example</a></p>]]></description></item>'
        f"</channel></rss>"
    ).encode()


def test_a_page_postgresql_refuses_is_that_pages_error(pg_url: str) -> None:
    """The server refuses what resolve read of one cited page: resolve stores that page
    as an error and the other page as read, where the refusal stopped the whole
    resolve."""
    refuse_marked_titles(pg_url, "pages")
    with FeedServer(host="127.0.0.2") as outlet, FeedServer(host="127.0.0.1") as blog:
        dated = meta_time("2026-11-30T08:00:00Z")
        outlet.routes["/news/long"] = Static(page(f"A {MARK} story", head=dated), "text/html")
        outlet.routes["/news/fine"] = Static(page("Fine"), "text/html")
        items = "".join(
            f"<item><title>{name}</title><link>https://cites.example/{name}/</link>"
            f"<description><![CDATA[<p>Source Article from <a href='{outlet.url(path)}'>"
            f"the outlet</a></p>]]></description></item>"
            for name, path in (("a", "/news/long"), ("b", "/news/fine"))
        )
        blog.routes["/feed.xml"] = Static(
            f'<?xml version="1.0"?><rss version="2.0"><channel><title>Cites</title>'
            f"<link>https://cites.example/</link>{items}</channel></rss>".encode()
        )
        run(pg_url, "feeds", "add", blog.url("/feed.xml"))
        run(pg_url, "poll")
        result = run(pg_url, "resolve")
    # (the refused page's date is not counted: it was not stored)
    assert "resolved 2 pages: 1 ok (0 dated)" in result.stderr, result.stderr
    assert "1 error" in result.stderr, result.stderr
    pages = dict(sql_rows(pg_url, "SELECT url, outcome FROM pages"))
    assert pages == {outlet.url("/news/long"): "error", outlet.url("/news/fine"): "ok"}
    ((error, article),) = sql_rows(
        pg_url, "SELECT error, article_url FROM pages WHERE outcome = 'error'"
    )
    assert error.startswith("nothing stored: the database refused a value of this page (")
    assert article == outlet.url("/news/long")  # the edge still cites what the post cited
    assert count(pg_url, "edges") == 2
