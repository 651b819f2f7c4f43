"""PostgreSQL refuses a value that SQLite stores: that feed's or page's error, not the run's.

A text index entry holds at most 2,704 bytes on PostgreSQL, and tracer
accepts URLs of up to 4,096 characters (SQLite stores any). When the server
refuses one of a feed's values (a data exception, or a value past one of
its limits), the write of that feed (or page) is rolled back and recorded as
its error, retried with backoff; every other feed or page is written. Before,
the refusal was a database failure that stopped the run at that feed, on
every run. Real server, real ``tracer`` processes, loopback HTTP.
"""

from __future__ import annotations

from cli_helpers import run, sql_rows
from feedserver import FeedServer, Reply, Static
from outlets import canonical, meta_time, page
from test_postgres import count, rss

LONG_TOKEN = "".join(f"{i:04x}" for i in range(800))  # 3,200 characters that do not compress


def test_a_value_postgresql_refuses_is_that_feeds_error_and_the_other_feeds_are_stored(
    pg_url: str,
) -> None:
    """A post whose URL is too long for PostgreSQL's index entries (2,704 bytes; tracer
    accepts URLs up to 4,096 characters, and SQLite stores them): the server refuses the
    feed's write. That was a database failure, which stopped the whole run at that feed,
    every run; it is now that feed's error (kept for `feeds list`, retried with backoff),
    and the other feeds are written."""
    long_link = f"https://long.example/story?id={LONG_TOKEN}"
    routes = {
        "/long.xml": lambda _r: Reply(200, rss_with_link("long", long_link)),
        **{f"/ok{i}.xml": (lambda r: Reply(200, rss(r.path[1:4]))) for i in range(3)},
    }
    with FeedServer(routes) as server:
        run(pg_url, "feeds", "add", *[server.url(p) for p in routes])
        result = run(pg_url, "poll")
    assert "polled 4 feeds: 0 not modified, 9 new posts, 9 new edges, 1 error" in result.stderr
    line = next(x for x in result.stderr.splitlines() if x.startswith("feed error: "))
    assert line.startswith(f"feed error: {server.url('/long.xml')}: nothing stored: the database")
    assert 'exceeds btree version 4 maximum 2704 for index "posts_url_key"' in line
    ((error, failures, due, posts),) = sql_rows(
        pg_url,
        "SELECT last_error, consecutive_failures, next_poll_at > last_polled_at,"
        " (SELECT count(*) FROM posts WHERE feed_id = feeds.id) FROM feeds"
        " WHERE url LIKE '%/long.xml'",
    )
    assert error.startswith("nothing stored: the database refused a value of this feed (")
    assert (failures, due, posts) == (1, True, 0)
    assert count(pg_url, "posts") == 9 and count(pg_url, "edges") == 9


def rss_with_link(name: str, link: str) -> bytes:
    return (
        f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>{name}'
        f"</title><link>https://{name}.example/</link><item><title>{name} post</title>"
        f"<link>{link}</link><description><![CDATA[<p>Source Article from <a href="
        f'"https://origin.example/{name}">origin.example</a></p>]]></description></item>'
        f"</channel></rss>"
    ).encode()


def test_a_page_whose_canonical_postgresql_refuses_is_that_pages_error(pg_url: str) -> None:
    """A cited page whose canonical URL (on its own site, so trusted: the article node)
    is too long for the index of ``pages.article_url``: resolve stores that page as an
    error and the other page as read, where the refusal stopped the whole resolve."""
    with FeedServer(host="127.0.0.2") as outlet, FeedServer(host="127.0.0.1") as blog:
        long_canonical = canonical(f"/story?id={LONG_TOKEN}") + meta_time("2026-11-30T08:00:00Z")
        outlet.routes["/news/long"] = Static(page("Long", head=long_canonical), "text/html")
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
