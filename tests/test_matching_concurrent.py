"""Several pollers matching text at once on PostgreSQL (issue 16): no deadlock, nothing lost.

Matching is done by one transaction at a time, the holder of the upkeep lock
(``tracer.upkeep``: a transaction-level advisory lock on PostgreSQL), so
fingerprints, index rows, site counts, boilerplate and inferred edges are
written by one transaction at a time, each seeing what the others committed; a
feed that does not get the lock queues its posts for the holder.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from cli_helpers import run, sql_rows
from feedserver import FeedServer, Static
from test_matching import COPY, ORIGINAL, apply, article, inferred, post
from test_reach_layers import check

from tracer import upkeep
from tracer.models import EdgeRecord, FeedChanges, FeedUpdate, PostRecord
from tracer.store import Store

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))
copyworld = pytest.importorskip("copyworld")
POLL = [sys.executable, "-m", "tracer"]


@pytest.mark.parametrize("first_written", ["original", "copy"])
def test_copies_written_at_once_by_two_pollers_end_up_pointing_at_the_earliest(
    pg_url: str, first_written: str
) -> None:
    """Poller A's feed holds the upkeep turn and is not committed yet; poller B writes a
    copy of (or the original of) A's post meanwhile. B does not wait: it queues its
    matching and commits at once. Once A commits and B's run ends (its last drain),
    the inferred edge goes from the copy to the earliest post, whoever wrote first."""
    first, second = Store.open(pg_url), Store.open(pg_url)
    original = ("https://outlet.example/feed", post(ORIGINAL, article(1), "2026-03-01"))
    copy = ("https://blog.example/feed", post(COPY, article(1), "2026-03-01T12:00:00Z"))
    mine, theirs = (original, copy) if first_written == "original" else (copy, original)
    try:
        second.add_feed(theirs[0])
        feed = second.feed_by_url(theirs[0])
        assert feed is not None
        update = FeedUpdate(feed["id"], FeedChanges(), [theirs[1]], [])
        done = threading.Event()
        with first.transaction():  # a poller's feed, not committed yet
            apply(first, *mine)
            writer = threading.Thread(target=lambda: (second.apply(update), done.set()))
            writer.start()
            writer.join(30)
            assert done.is_set()  # the other poller did not wait for the turn
            assert sql_rows(pg_url, "SELECT count(*) FROM pending_posts") == [(1,)]
            assert inferred(second) == []
        assert upkeep.finish(second, "2026-03-02T00:00:00Z") == 1  # the end of B's run
        assert inferred(second) == [(COPY, ORIGINAL)]
        assert sql_rows(pg_url, "SELECT count(*) FROM pending_posts") == [(0,)]
        check(second)
    finally:
        first.close()
        second.close()


def test_a_feed_that_gets_the_turn_drains_what_others_queued(pg_url: str) -> None:
    """The queue is drained by the next feed that gets the upkeep lock, in order."""
    import psycopg

    from tracer.engine.queries import UPKEEP_WAIT

    store = Store.open(pg_url)
    try:
        with psycopg.connect(pg_url) as other:  # another poller's turn, until the block ends
            other.execute(UPKEEP_WAIT["postgresql"])
            apply(store, "https://blog.example/feed", post(COPY, article(2), "2026-03-02"))
            apply(store, "https://outlet.example/feed", post(ORIGINAL, article(2), "2026-03-01"))
            assert sql_rows(pg_url, "SELECT count(*) FROM pending_posts") == [(2,)]
        third = post("https://third.example/x/", article(3), "2026-03-03")
        apply(store, "https://third.example/feed", third)
        assert sql_rows(pg_url, "SELECT count(*) FROM pending_posts") == [(0,)]
        assert inferred(store) == [(COPY, ORIGINAL)]
    finally:
        store.close()


def test_a_poller_finds_the_index_rows_another_poller_wrote_since_it_read_the_keys(
    pg_url: str,
) -> None:
    """A PostgreSQL matcher keeps the stored index keys in memory and looks up only those
    (migration 0014) while its session is the index's last writer; once another session
    wrote rows, they are found all the same, and every key is looked up from then on."""
    first, second = Store.open(pg_url), Store.open(pg_url)
    try:
        other = post("https://other.example/a/1/", article(7), "2026-03-01T09:00:00Z")
        apply(first, "https://other.example/feed", other)  # the first poller reads the keys
        matcher = first._matcher
        # its own rows join them (at the next lookup: kept apart until then)
        assert matcher is not None and matcher._stored is not None and matcher._unmerged
        assert sql_rows(pg_url, "SELECT index_writer FROM match_state") == [
            (first.engine.session_id,)
        ]
        kept = matcher._stored
        third = post("https://third.example/a/1/", article(8), "2026-03-01T09:30:00Z")
        apply(first, "https://third.example/feed", third)
        assert matcher._stored is kept  # nobody else wrote: kept, not read again
        original = post(ORIGINAL, article(1), "2026-03-01T10:00:00Z")
        apply(second, "https://outlet.example/feed", original)  # committed by another session
        apply(first, "https://blog.example/feed", post(COPY, article(1), "2026-03-01T12:00:00Z"))
        assert inferred(first) == [(COPY, ORIGINAL)]
        assert matcher._stored is None  # every key looked up from now on
    finally:
        first.close()
        second.close()


def test_boilerplate_another_poller_learned_replaces_the_cached_one(pg_url: str) -> None:
    footer = article(99, 120)  # the same long footer on every post of the blog
    first, second = Store.open(pg_url), Store.open(pg_url)
    try:

        def blog_post(n: int) -> PostRecord:
            url = f"https://blog.example/p/{n}/"
            return post(url, article(10 + n, 80) + footer, f"2026-03-0{n + 1}")

        apply(second, "https://blog.example/feed", blog_post(0))  # caches: no boilerplate yet
        for n in range(1, 4):
            apply(first, "https://blog.example/feed", blog_post(n))  # learns the footer
        site = "SELECT id FROM domains WHERE name = 'blog.example'"
        [(blog,)] = sql_rows(pg_url, site)
        rows = sql_rows(pg_url, f"SELECT key FROM boilerplate WHERE domain_id = ({site})")
        learned = {key for (key,) in rows}
        assert learned
        matcher = second._matcher
        assert matcher is not None and not matcher.boilerplate(blog) & learned  # cached
        matcher._fresh_boilerplate()  # what its next feed does first, under the lock
        assert learned <= matcher.boilerplate(blog)
    finally:
        first.close()
        second.close()


@pytest.mark.slow
def test_three_pollers_at_once_lose_no_fingerprint_index_row_or_site_count(pg_url: str) -> None:
    world = copyworld.build(9)
    routes = {path: Static(body) for path, body in world.feeds.items()}
    with FeedServer(routes) as server:
        run(pg_url, "feeds", "add", *(server.url(path) for path in world.feeds))
        pollers = [
            subprocess.Popen(
                [*POLL, "--db", pg_url, "poll", "--concurrency", "2"],  # the due feeds: all
                stderr=subprocess.PIPE,
                text=True,
                env={**os.environ, "PYTHONUNBUFFERED": "1"},
            )
            for _ in range(3)
        ]
        errors = [p.communicate(timeout=300)[1] for p in pollers]
        assert [p.returncode for p in pollers] == [0, 0, 0], errors
        assert not any("error:" in text for text in errors), errors  # no deadlock, no failure
        assert all(len(server.requests_for(path)) == 1 for path in world.feeds)
    assert sql_rows(pg_url, "SELECT count(*) FROM posts") == [(len(world.posts),)]
    assert sql_rows(pg_url, "SELECT count(*) FROM fingerprints") == [(len(world.posts),)]
    assert sql_rows(pg_url, "SELECT count(*) FROM unindexed_spans") == [(0,)]
    counted = sql_rows(pg_url, "SELECT domain_id, posts FROM site_texts ORDER BY 1")
    fingerprinted = sql_rows(
        pg_url,
        "SELECT domain_id, count(*) FROM fingerprints WHERE length(keys) > 0"
        " GROUP BY domain_id ORDER BY 1",
    )
    assert counted == fingerprinted  # no increment lost between pollers
    # every key of every post is in the index unless boilerplate of its site or everywhere
    missing = sql_rows(
        pg_url,
        "SELECT count(*) FROM fingerprints AS f WHERE length(f.keys) > 0 AND NOT EXISTS"
        " (SELECT 1 FROM text_keys AS t WHERE t.post_id = f.post_id)",
    )
    assert missing == [(0,)]
    edges = inferred(Store.open(pg_url))
    assert len({repost for repost, _source in edges}) == len(edges)  # one inferred edge a copy
    result = copyworld.score(world, edges)
    assert result["precision"] >= 0.97 and result["recall"] >= 0.90, result
    check(Store.open(pg_url))


def test_a_poll_writer_queues_its_feeds_upkeep_for_the_thread_beside_it(pg_url: str) -> None:
    """A poll's writer on PostgreSQL (Store.writer) never does the upkeep in its feeds'
    transactions: each feed commits its posts and queues the rest, which the drainer
    thread beside it (tracer.upkeep.Drainer) matches in the feeds' order, so the copy
    written first still points at the original written after it. The edges it added
    reach the poll's count through upkeep.finish."""
    import psycopg

    from tracer.engine.queries import UPKEEP_WAIT

    store = Store.open(pg_url)
    try:
        for feed in ("https://blog.example/feed", "https://outlet.example/feed"):
            store.add_feed(feed)
        ids = {
            url: store.feed_by_url(url)["id"]  # type: ignore[index]
            for url in ("https://blog.example/feed", "https://outlet.example/feed")
        }
        with psycopg.connect(pg_url) as other:  # the drainer cannot drain until the block ends
            other.execute(UPKEEP_WAIT["postgresql"])
            with store.writer() as writes:
                for feed, record in (
                    ("https://blog.example/feed", post(COPY, article(4), "2026-03-02")),
                    ("https://outlet.example/feed", post(ORIGINAL, article(4), "2026-03-01")),
                ):
                    writes.apply(FeedUpdate(ids[feed], FeedChanges(), [record], []))
                # both feeds committed, their matching queued for the thread (waiting)
                assert sql_rows(pg_url, "SELECT count(*) FROM pending_posts") == [(2,)]
                assert sql_rows(pg_url, "SELECT count(*) FROM fingerprints") == [(0,)]
                other.commit()  # the lock is free: the writer's block ends with a last drain
        assert sql_rows(pg_url, "SELECT count(*) FROM pending_posts") == [(0,)]
        assert inferred(store) == [(COPY, ORIGINAL)]
        assert upkeep.finish(store, "2026-03-03T00:00:00Z") == 1  # the drainer's, counted
        check(store)
    finally:
        store.close()


def test_a_drain_that_fails_stops_the_poll_writer(pg_url: str) -> None:
    """The drainer's failure is raised by the writer's next feed, before it writes."""
    from tracer.exceptions import StorageError

    store = Store.open(pg_url)
    try:
        store.add_feed("https://blog.example/feed")
        feed_id = store.feed_by_url("https://blog.example/feed")["id"]  # type: ignore[index]
        first = post(COPY, article(5), "2026-03-02")
        later = post("https://blog.example/p/2/", article(6), "2026-03-03")
        with pytest.raises(StorageError, match="pending_posts"), store.writer() as writes:
            drainer = writes._drainer
            assert drainer is not None
            drainer._failed = StorageError("database write failed: pending_posts (test)")
            writes.apply(FeedUpdate(feed_id, FeedChanges(), [first], []))
        assert sql_rows(pg_url, "SELECT count(*) FROM posts") == [(0,)]  # never written
        with store.writer() as writes:  # the next run's writer works, then drains
            writes.apply(FeedUpdate(feed_id, FeedChanges(), [first, later], []))
        assert sql_rows(pg_url, "SELECT count(*) FROM fingerprints") == [(2,)]
    finally:
        store.close()


def test_a_drain_the_server_fails_to_break_a_deadlock_is_tried_again(
    pg_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A drain that PostgreSQL failed with deadlock_detected (its transaction rolled
    back, the queue intact) runs again on a new connection: the poll goes on, the copy
    points at the original. Any other failure still stops the writer (test above)."""
    from tracer.exceptions import StorageError

    class Deadlock(Exception):
        sqlstate = "40P01"

    real = upkeep._drain_now
    calls: list[int] = []  # the server process of each drain's connection

    def deadlocked_once(store: Store, now: str) -> int:
        calls.append(store.execute("SELECT pg_backend_pid()").fetchone()[0])
        if len(calls) == 1:
            with store.transaction():  # what the server does: the drain rolled back
                raise StorageError("database write failed: deadlock detected") from Deadlock()
        return real(store, now)

    monkeypatch.setattr(upkeep, "_drain_now", deadlocked_once)
    store = Store.open(pg_url)
    try:
        ids = []
        for feed in ("https://blog.example/feed", "https://outlet.example/feed"):
            store.add_feed(feed)
            ids.append(store.feed_by_url(feed)["id"])  # type: ignore[index]
        with store.writer() as writes:
            writes.apply(
                FeedUpdate(ids[1], FeedChanges(), [post(ORIGINAL, article(7), "2026-03-01")], [])
            )
            writes.apply(
                FeedUpdate(ids[0], FeedChanges(), [post(COPY, article(7), "2026-03-02")], [])
            )
        assert len(calls) >= 2 and calls[1] != calls[0]  # tried again, on another connection
        assert sql_rows(pg_url, "SELECT count(*) FROM pending_posts") == [(0,)]
        assert inferred(store) == [(COPY, ORIGINAL)]
        check(store)
    finally:
        store.close()


def test_the_poll_writer_wakes_its_drainer_after_each_feed_that_queued_upkeep(
    pg_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Store._queue_upkeep is the one place a feed's queued upkeep is noted: a feed that
    queued posts to match or new edges to reach wakes the drainer once it committed;
    one that queued nothing does not."""
    nudges: list[int] = []
    real = upkeep.Drainer.nudge

    def nudge(drainer: upkeep.Drainer) -> None:
        nudges.append(1)
        real(drainer)

    monkeypatch.setattr(upkeep.Drainer, "nudge", nudge)
    store = Store.open(pg_url)
    try:
        store.add_feed("https://blog.example/feed")
        feed_id = store.feed_by_url("https://blog.example/feed")["id"]  # type: ignore[index]
        credit = EdgeRecord(COPY, ORIGINAL, "source-label", "Source: outlet", ORIGINAL)
        with store.writer() as writes:
            writes.apply(
                FeedUpdate(feed_id, FeedChanges(), [post(COPY, article(8), "2026-03-02")], [])
            )
            assert nudges == [1]  # its post to match
            writes.apply(FeedUpdate(feed_id, FeedChanges(), [], []))
            assert nudges == [1]  # nothing queued
            writes.apply(FeedUpdate(feed_id, FeedChanges(), [], [credit]))
            assert nudges == [1, 1]  # its new edge to reach
            writes.apply(FeedUpdate(feed_id, FeedChanges(), [], [credit]))
            assert nudges == [1, 1]  # stored already: nothing new to reach
        assert sql_rows(pg_url, "SELECT count(*) FROM pending_edges") == [(0,)]
        check(store)
    finally:
        store.close()
