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

from tracer.engine.queries import LOCK_REACH

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
                deadline = time.monotonic() + 30
                leased = "SELECT count(*) FROM feeds WHERE leased_by IS NOT NULL"
                while len(server.log) < FEEDS or sql_rows(pg_url, leased) != [(FEEDS,)]:
                    if time.monotonic() > deadline:
                        pytest.fail(
                            f"the loop stopped while a write waited: {len(server.log)} of"
                            f" {FEEDS} fetched, {sql_rows(pg_url, leased)[0][0]} claimed"
                        )
                    assert running.poll() is None, running.communicate()
                    time.sleep(0.05)
                # one of the poller's two sessions waits for the lock, the other claimed
                waiting = sql_rows(
                    pg_url,
                    "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'tracer'"
                    " AND wait_event_type = 'Lock' AND wait_event = 'advisory'",
                )
                assert waiting == [(1,)]
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
