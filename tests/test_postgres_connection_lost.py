"""PostgreSQL: the server drops a poller's connections in the middle of a run.

A server restart, a failover or a broken network ends every session of a
poller at once. A real ``tracer poll`` process, real HTTP over loopback: the
first feeds are written, then the server terminates the poller's sessions
(``pg_terminate_backend``, what a restart does to them) while the other
feeds' answers are held back. The run must stop with one line saying what
happened, keep every feed it wrote whole, give back its claims on the
others, and the next run must poll exactly those.
"""

from __future__ import annotations

import threading
import time

import pytest
from cli_helpers import run, sql_rows
from feedserver import FeedServer, Reply, Request
from test_postgres import count, polled, poller, rss

FEEDS = 12
ITEMS = 3
FIRST = 4  # feeds answered at once; the others wait until the sessions are gone


def test_a_poll_whose_connections_the_server_drops_stops_in_one_line_and_loses_nothing(
    pg_url: str,
) -> None:
    import psycopg

    answered = 0
    lock = threading.Lock()
    held = threading.Event()

    def feed(request: Request) -> Reply:
        nonlocal answered
        with lock:
            answered += 1
            first = answered <= FIRST
        if not first:
            held.wait(60)
        return Reply(200, rss(request.path.strip("/").split(".")[0], ITEMS))

    routes = {f"/d{i}.xml": feed for i in range(FEEDS)}
    with FeedServer(routes) as server:
        run(pg_url, "feeds", "add", *[server.url(p) for p in routes])
        running = poller(pg_url, "--concurrency", "2")
        try:
            deadline = time.monotonic() + 90  # generous: a busy machine
            while count(pg_url, "posts") < FIRST * ITEMS:
                assert running.poll() is None, running.communicate()
                if time.monotonic() > deadline:
                    pytest.fail(f"{count(pg_url, 'posts')} posts after 90 s")
                time.sleep(0.05)
            with psycopg.connect(pg_url, autocommit=True) as admin:
                ended = admin.execute(
                    "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
                    " WHERE application_name = 'tracer' AND pid <> pg_backend_pid()"
                ).fetchone()
            assert ended is not None and ended[0] >= 2  # the claims' and the writer's at least
        finally:
            held.set()
        out, err = running.communicate(timeout=90)
        stored = dict(sql_rows(pg_url, "SELECT feed_id, count(*) FROM posts GROUP BY feed_id"))
        leased = sql_rows(pg_url, "SELECT count(*) FROM feeds WHERE leased_by IS NOT NULL")
        again = run(pg_url, "poll")  # only what is still due: the feeds not written
    assert running.returncode == 1, (out, err)
    assert "Traceback" not in err and "error ignored" not in err, err
    lines = err.splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith(
        "error: database write failed: the connection to the database was lost ("
    ), err
    assert lines[0].endswith("what was committed stays; run the command again"), err
    assert len(stored) >= FIRST and all(n == ITEMS for n in stored.values())  # each feed whole
    assert leased == [(0,)]  # the claims of the feeds not written were given back at once
    assert polled(again) == FEEDS - len(stored), again.stderr
    assert "0 errors" in again.stderr
    assert count(pg_url, "posts") == FEEDS * ITEMS
    assert count(pg_url, "edges") == FEEDS * ITEMS
    assert count(pg_url, "pending_posts") == 0 and count(pg_url, "pending_edges") == 0
    # the reach tables hold every post (each reaches origin.example): the upkeep the lost
    # run left queued was done by the next one
    assert count(pg_url, "reach") == count(pg_url, "declared_reach") == FEEDS * ITEMS
