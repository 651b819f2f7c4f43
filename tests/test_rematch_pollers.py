"""`tracer rematch` and pollers exclude each other, sharded pollers (`--shard I/N`) too.

A rematch rebuilds every inferred edge from the text index; a poll that matched
new posts meanwhile would add edges the rebuild then misses or doubles. Every
poller holds the shared side of a lock for its run and a rematch the exclusive
one (a lock file on SQLite, an advisory lock on PostgreSQL), whatever the shard.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

from cli_helpers import run
from feedserver import FeedServer, Reply, Request
from test_postgres import rss

ROOT = Path(__file__).resolve().parent.parent
FEEDS = 6  # split between two shards


def tracer(db: str, *args: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "tracer", "--db", db, *args],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT,
    )  # fmt: skip


def wait_for(condition: object, what: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while not condition():  # type: ignore[operator]
        assert time.monotonic() < deadline, f"gave up waiting: {what}"
        time.sleep(0.05)


def test_a_rematch_is_refused_while_a_shard_poller_runs_and_a_shard_poll_waits_for_it(
    target: str,
) -> None:
    release = threading.Event()

    def stalls(request: Request) -> Reply:
        release.wait(60)  # until the test lets the poll finish
        return Reply(200, rss(request.path.strip("/").split(".")[0]))

    routes = {f"/s{i}.xml": stalls for i in range(FEEDS)}
    with FeedServer(routes) as server:
        run(target, "feeds", "add", *[server.url(p) for p in routes])
        shards = [tracer(target, "poll", "--all", "--shard", f"{i}/2") for i in range(2)]
        try:
            wait_for(lambda: len(server.log) >= 2, "the shard pollers asking for their feeds")
            refused = run(target, "rematch", code=1)
            assert "a poll or another rematch is running" in refused.stderr
        finally:
            release.set()
        outputs = [p.communicate(timeout=120) for p in shards]
        assert [p.returncode for p in shards] == [0, 0], outputs
        assert sorted(r.path for r in server.log) == sorted(routes)
    assert "rematched " in run(target, "rematch").stderr  # free again

    # While a rematch runs (here a process holding what `tracer rematch` holds), no
    # poller starts, whatever its shard; killed with -9, it holds nothing after (the
    # kernel, or the server, drops the lock).
    code = (
        "import sys, time; from tracer.store import Store; from tracer.lock import matching_lock\n"
        "store = Store.open(sys.argv[1])\n"
        "with matching_lock(store, exclusive=True):\n"
        "    print('held', flush=True); time.sleep(120)\n"
    )
    rematching = subprocess.Popen(
        [sys.executable, "-c", code, target], stdout=subprocess.PIPE, text=True, cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
    )  # fmt: skip
    try:
        assert rematching.stdout is not None and rematching.stdout.readline() == "held\n"
        for shard in ("0/2", "1/2"):
            waiting = run(target, "poll", "--all", "--shard", shard)  # exit 0: the next cron
            assert "a rematch is running" in waiting.stderr, waiting.stderr
        assert "a rematch is running" in run(target, "poll", "--all").stderr
    finally:
        rematching.send_signal(signal.SIGKILL)
        rematching.wait(timeout=10)
    after = run(target, "poll", "--all", "--shard", "1/2")
    assert "rematch is running" not in after.stderr and "polled " in after.stderr
    assert "rematched " in run(target, "rematch").stderr
