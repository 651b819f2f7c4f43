"""PostgreSQL: a poll writes on a connection of its own while its loop claims and fetches.

A real server (``pg_url``), real HTTP over loopback and a real ``tracer poll``
process. Another session holds the lock every feed's write transaction takes
(:data:`tracer.engine.queries.LOCK_REACH`), so the poller's first write waits
on the server: the loop must go on claiming and fetching every feed meanwhile
(it could not if it wrote on its own connection), nothing is visible before
the lock goes, and everything is written, once, after.
"""

from __future__ import annotations

import time

import pytest
from cli_helpers import run, sql_rows
from feedserver import FeedServer, Reply, Request
from test_postgres import count, poller, rss
from write_faults import fail_nth_feed_write

from tracer.engine.queries import LOCK_REACH
from tracer.wording import counted

FEEDS = 24  # fewer than the writer thread's queue (WRITE_QUEUE): all can wait for it


def test_the_loop_claims_and_fetches_every_feed_while_a_write_waits_on_the_server(
    pg_url: str,
) -> None:
    import psycopg

    def feed(request: Request) -> Reply:
        return Reply(200, rss(request.path.strip("/").split(".")[0]))

    routes = {f"/w{i}.xml": feed for i in range(FEEDS)}
    with FeedServer(routes) as server:
        run(pg_url, "feeds", "add", *[server.url(p) for p in routes])
        with psycopg.connect(pg_url) as blocker:  # a transaction until the block ends
            blocker.execute(LOCK_REACH["postgresql"])
            running = poller(pg_url, "--concurrency", "4")
            try:
                deadline = time.monotonic() + 90  # generous: a busy machine
                leased = "SELECT count(*) FROM feeds WHERE leased_by IS NOT NULL"
                # one of the poller's two sessions waits for the lock, the other claimed
                # (the writer may reach the lock a moment after the last fetch)
                waiting = (
                    "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'tracer'"
                    " AND wait_event_type = 'Lock' AND wait_event = 'advisory'"
                )
                while (
                    len(server.log) < FEEDS
                    or sql_rows(pg_url, leased) != [(FEEDS,)]
                    or sql_rows(pg_url, waiting) != [(1,)]
                ):
                    if time.monotonic() > deadline:
                        pytest.fail(
                            f"the loop stopped while a write waited: {len(server.log)} of"
                            f" {FEEDS} fetched, {sql_rows(pg_url, leased)[0][0]} claimed,"
                            f" {sql_rows(pg_url, waiting)[0][0]} sessions waiting"
                        )
                    assert running.poll() is None, running.communicate()
                    time.sleep(0.05)
                assert count(pg_url, "posts") == 0  # nothing committed yet
            except BaseException:
                running.kill()
                raise
        out, err = running.communicate(timeout=60)  # the blocker committed: writes go on
        assert running.returncode == 0, (out, err)
        assert f"polled {FEEDS} feeds" in err
        assert sorted(r.path for r in server.log) == sorted(routes)  # each feed once
    assert count(pg_url, "posts") == 3 * FEEDS
    assert count(pg_url, "edges") == 3 * FEEDS
    assert sql_rows(pg_url, "SELECT count(*) FROM feeds WHERE leased_by IS NOT NULL") == [(0,)]
    assert sql_rows(pg_url, "SELECT count(*) FROM feeds WHERE last_polled_at IS NULL") == [(0,)]


def test_a_write_failure_on_the_writer_connection_stops_the_run_and_loses_nothing(
    pg_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    routes = {f"/f{i}.xml": (lambda r: Reply(200, rss(r.path[1:3], 4))) for i in range(8)}
    with FeedServer(routes) as server:
        run(pg_url, "feeds", "add", *[server.url(p) for p in routes])
        message = "database write failed: connection lost (injected)"
        applied = fail_nth_feed_write(monkeypatch, 5, message)
        failed = run(pg_url, "poll", code=1)
        monkeypatch.undo()
        by_feed = dict(sql_rows(pg_url, "SELECT feed_id, count(*) FROM posts GROUP BY feed_id"))
        statuses = dict(sql_rows(pg_url, "SELECT id, last_status FROM feeds"))
        leased = sql_rows(pg_url, "SELECT count(*) FROM feeds WHERE leased_by IS NOT NULL")
        again = run(pg_url, "poll")  # only what is still due: the feeds not written
    assert "connection lost (injected)" in failed.stderr and failed.stderr.startswith("error: ")
    failing = applied[4]
    assert set(applied[:4]) <= set(by_feed) <= set(applied) - {failing}  # each committed alone
    assert all(n == 4 for n in by_feed.values())  # every stored feed is whole
    assert statuses[failing] is None  # the failing feed: not even its status
    assert {i for i, status in statuses.items() if status == 200} == set(by_feed)
    assert leased == [(0,)]  # the claims of the feeds not written were given back
    assert f"polled {counted(len(routes) - len(by_feed), 'feed')}:" in again.stderr
    assert "0 errors" in again.stderr
    assert count(pg_url, "posts") == 4 * len(routes)
    assert count(pg_url, "edges") == 4 * len(routes)


def test_a_poll_writers_transaction_that_fails_is_rolled_back_whenever_the_error_shows(
    pg_url: str,
) -> None:
    """The writer's feed transactions send BEGIN and COMMIT in its pipeline
    (PostgresEngine._piped_transaction): an error read inside the block, or one only
    read at the commit, rolls the whole transaction back and is a StorageError."""
    from tracer.exceptions import StorageError
    from tracer.store import Store

    store = Store.open(pg_url)
    try:
        store.add_feed("https://blog.example/feed")
        for read_at_once in (True, False):
            with (
                pytest.raises(StorageError, match="division by zero"),
                store.writer() as writes,
                writes.transaction(),
            ):
                writes.execute("UPDATE feeds SET title = 'written'")
                failing = writes.execute("SELECT 1 / 0")
                if read_at_once:
                    failing.fetchone()
            assert sql_rows(pg_url, "SELECT title FROM feeds") == [(None,)]
        with store.writer() as writes, writes.transaction():  # then a transaction commits
            writes.execute("UPDATE feeds SET title = 'written'")
        assert sql_rows(pg_url, "SELECT title FROM feeds") == [("written",)]
    finally:
        store.close()
