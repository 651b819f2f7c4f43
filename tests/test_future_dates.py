"""A feed date after the poll that first saw the post is capped there (tracer.timeutil.not_after).

A wrong clock or time zone, or an item scheduled ahead, made a repost look older
than its source, gave lags of weeks and stretched every date range (``stats``,
the report's headline) into the future. Polled over loopback, on both engines.
"""

from __future__ import annotations

from pathlib import Path

from cli_helpers import run, run_json, sql_rows
from feedserver import FeedServer, Static

ORIGIN = "https://wire.example/2026/11/story/"
REPOST = "https://blog.example/2026/11/story-copy/"


def feed(link: str, date: str, body: str) -> bytes:
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>t</title><link>{link}</link><description>d</description>
<item><title>Story</title><link>{link}</link><guid>{link}</guid><pubDate>{date}</pubDate>
<description>{body}</description></item></channel></rss>""".encode()


def test_a_date_ahead_of_the_poll_is_capped_and_noted(target: str, tmp_path: Path) -> None:
    credit = f"&lt;p&gt;Text.&lt;/p&gt;Source Article from &lt;a href='{ORIGIN}'&gt;x&lt;/a&gt;"
    routes = {
        "/wire.xml": Static(feed(ORIGIN, "Mon, 30 Nov 2026 09:00:00 GMT", "The story.")),
        "/blog.xml": Static(feed(REPOST, "Sun, 01 Jun 2031 10:00:00 GMT", credit)),  # ahead
    }
    with FeedServer(routes) as server:
        run(target, "feeds", "add", *[server.url(path) for path in routes])
        run(target, "poll", "--all", "--quiet")
    ((published, first_seen, warning),) = sql_rows(
        target, "SELECT published, first_seen, warning FROM posts WHERE url = ?", [REPOST]
    )
    assert published == first_seen and published < "2031"
    assert warning == "feed date 2031-06-01T10:00:00Z is after the post was first seen"
    stats = run_json(target, "stats", "--json")
    assert stats["date_range"]["last_published"] < "2031"
    # the wire's story is a polled post: known from its feed, not waiting for resolve
    by_status = stats["origins_by_status"]
    assert (by_status["polled"], by_status["unresolved"]) == (1, 0)
    (row,) = run_json(target, "reposts", ORIGIN, "--json")["reposts"]
    assert row["url"] == REPOST and row["lag_seconds"] > 0  # after the wire's story, not 4.5 y


def test_a_year_of_three_digits_is_stored_and_the_poll_goes_on(target: str) -> None:
    routes = {
        "/typo.xml": Static(feed(REPOST, "Tue, 05 Mar 226 10:00:00 GMT", "A year typo.")),
        "/wire.xml": Static(feed(ORIGIN, "Mon, 30 Nov 2026 09:00:00 GMT", "The story.")),
    }
    with FeedServer(routes) as server:
        run(target, "feeds", "add", *[server.url(path) for path in routes])
        run(target, "poll", "--all", "--quiet")  # crashed every run: '226-…' sorted after now
        run(target, "poll", "--all", "--quiet")
    rows = dict(sql_rows(target, "SELECT url, published FROM posts"))
    assert rows == {REPOST: "0226-03-05T10:00:00Z", ORIGIN: "2026-11-30T09:00:00Z"}


def test_a_post_seen_again_keeps_its_cap_and_a_late_date_is_capped_too(target: str) -> None:
    from tracer.models import FeedChanges, FeedUpdate, PostRecord
    from tracer.store import Store

    store = Store.open(target)
    store.add_feed("https://blog.example/feed")
    row = store.feed_by_url("https://blog.example/feed")
    assert row is not None
    ahead, undated = "https://blog.example/a/", "https://blog.example/b/"

    def poll(now: str, a_date: str | None, b_date: str | None) -> None:
        posts = [
            PostRecord(ahead, ahead, None, "a", a_date),
            PostRecord(undated, undated, None, "b", b_date),
        ]
        store.apply(FeedUpdate(row["id"], FeedChanges(), posts, []), now)

    poll("2026-03-01T08:00:00Z", "2026-03-03T08:00:00Z", None)
    poll("2026-03-04T08:00:00Z", "2026-03-03T08:00:00Z", "2026-03-03T08:00:00Z")  # both again
    rows = {r[0]: r[1:] for r in store.execute("SELECT url, published, warning FROM posts")}
    capped = "feed date 2026-03-03T08:00:00Z is after the post was first seen"
    assert rows[ahead] == ("2026-03-01T08:00:00Z", capped)  # the warning was lost
    assert rows[undated] == ("2026-03-01T08:00:00Z", None)  # was 03-03, after first_seen
    store.close()
