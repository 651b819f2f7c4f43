"""Where a big run parses its bodies: in the worker processes, never on the poller's threads.

The poller's process runs the event loop, HTTP and the database writes; a body
parsed there takes the loop's time (the GIL) and imports every parser into it.
So in a run big enough for worker processes, bodies that come before the
processes are up wait for them. Real polls over loopback.
"""

from __future__ import annotations

import concurrent.futures.process
import time
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from cli_helpers import run
from feedserver import FeedServer, Static


def rss(name: str, items: int) -> bytes:
    entries = "".join(
        f"<item><title>{name} {i}</title><link>https://{name}.example/p{i}/</link>"
        f"<description>Text {i}. Source: https://origin.example/{name}/{i}</description></item>"
        for i in range(items)
    )
    return (
        f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
        f"<title>{name}</title><link>https://{name}.example/</link>{entries}</channel></rss>"
    ).encode()


class CountingThreads(ThreadPoolExecutor):
    """The poller's parse threads, counting the bodies handed to them."""

    jobs = 0

    def submit(self, fn: Any, /, *args: Any, **kwargs: Any) -> Future[Any]:
        CountingThreads.jobs += 1
        return super().submit(fn, *args, **kwargs)


def test_a_big_cold_run_parses_every_body_in_the_worker_processes(
    db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import tracer.poll_loop

    monkeypatch.setattr(tracer.poll_loop, "ThreadPoolExecutor", CountingThreads)
    monkeypatch.setattr(tracer.poll_loop, "PROCESS_POOL_WAIT", 30.0)  # a slow machine too
    monkeypatch.setattr(CountingThreads, "jobs", 0)
    feeds = tracer.poll_loop.PROCESS_POOL_MIN_FEEDS + 5
    routes = {f"/b{i}.xml": Static(rss(f"b{i}", 3)) for i in range(feeds)}
    with FeedServer(routes) as server:
        run(db_path, "feeds", "add", *[server.url(p) for p in routes])
        result = run(db_path, "poll", "--all")
    assert f"polled {feeds} feeds: 0 not modified, {feeds * 3} new posts" in result.stderr
    assert CountingThreads.jobs == 0  # not one body parsed on the poller's threads


def test_a_big_run_with_few_bodies_waits_a_moment_then_parses_them_in_threads(
    db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import tracer.poll_loop

    started: list[int] = []
    monkeypatch.setattr(tracer.poll_loop, "ThreadPoolExecutor", CountingThreads)
    monkeypatch.setattr(tracer.poll_loop, "PROCESS_POOL_MIN_FEEDS", 10)
    monkeypatch.setattr(tracer.poll_loop, "_start_process_pool", lambda nice: started.append(1))
    routes = {f"/few{i}.xml": Static(rss(f"few{i}", 2)) for i in range(20)}
    with FeedServer(routes) as server:
        run(db_path, "feeds", "add", *[server.url(p) for p in routes])
        run(db_path, "poll", "--all")
        for i in range(3):  # three feeds change; the 17 others answer 304
            routes[f"/few{i}.xml"].set_body(rss(f"few{i}", 3))
        monkeypatch.setattr(CountingThreads, "jobs", 0)
        again = run(db_path, "poll", "--all")
    assert "20 feeds: 17 not modified, 3 new posts" in again.stderr
    assert started == [1]  # processes only for the first run, where every feed sent a body
    assert CountingThreads.jobs == 3


def test_posts_and_edges_cross_the_process_boundary_whole() -> None:
    import pickle
    from dataclasses import fields

    from tracer.fingerprint import fingerprint_item
    from tracer.models import EdgeRecord, FeedChanges, FeedUpdate, PostRecord

    text = "<p>" + " ".join(f"word{i}" for i in range(80)) + "</p>"
    post = PostRecord(
        "https://a.example/p/", "https://a.example/p/?utm=x", "g-1", "Title",
        "2019-03-23T10:00:00Z", "a warning", fingerprint_item("Title", (text,)),
    )  # fmt: skip
    edge = EdgeRecord(
        post.url, "https://b.example/s/", "source-article-from", "Source: b", "https://b.example/s",
        "inferred", 0.75,
    )  # fmt: skip
    update = FeedUpdate(7, FeedChanges(last_status=200), [post], [edge], "https://n.example/", True)
    again = pickle.loads(pickle.dumps(update))
    assert again == update
    for record in (post, edge):  # every field, in order, whatever fields are added later
        copy = pickle.loads(pickle.dumps(record))
        assert [getattr(copy, f.name) for f in fields(copy)] == [
            getattr(record, f.name) for f in fields(record)
        ]
        assert type(record).__slots__ == tuple(f.name for f in fields(record))


def test_a_pool_that_cannot_start_in_time_is_shut_down_not_left_to_exit(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The poll then parses in threads; the half-started pool is stopped at once."""
    import tracer.poll_loop

    stopped: list[bool] = []

    class NeverReady:
        def result(self, timeout: float | None = None) -> int:
            raise TimeoutError

    class SlowPool:
        def __init__(self, *args: object, **kwargs: object) -> None:
            pass

        def submit(self, *args: object) -> NeverReady:
            return NeverReady()

        def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
            stopped.append(cancel_futures)

    monkeypatch.setattr(concurrent.futures.process, "ProcessPoolExecutor", SlowPool)
    assert tracer.poll_loop._start_process_pool() is None
    assert stopped == [True]


def test_bodies_that_wait_for_the_starting_processes_free_their_slots_within_a_budget(
    db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """While the processes start, the loop fetches on: waiting bodies give back their slot.

    With ``--concurrency 2`` only two feeds could be fetched before the
    processes are up if the bodies kept their slots; parked within
    ``PARKED_BYTES``, every small body is fetched meanwhile. A budget too
    small for any body keeps them in their slots, as before.
    """
    import tracer.poll_loop

    routes = {f"/park{i}.xml": Static(rss(f"park{i}", 2)) for i in range(20)}
    seen_at_start: list[int] = []
    patience = [30.0]  # seconds the slow start waits to see every feed fetched (at most)

    with FeedServer(routes) as server:

        def slow_start(nice: int) -> None:  # processes that take a while: threads after all
            deadline = time.monotonic() + patience[0]
            while len(server.log) < len(routes) and time.monotonic() < deadline:
                time.sleep(0.02)
            seen_at_start.append(len(server.log))

        monkeypatch.setattr(tracer.poll_loop, "PROCESS_POOL_MIN_FEEDS", 10)
        monkeypatch.setattr(tracer.poll_loop, "_start_process_pool", slow_start)
        run(db_path, "feeds", "add", *[server.url(p) for p in routes])
        result = run(db_path, "poll", "--all", "--concurrency", "2")
        assert "polled 20 feeds: 0 not modified, 40 new posts" in result.stderr
        assert seen_at_start == [20]  # all fetched while the processes were starting

        for i, route in enumerate(routes.values()):
            route.set_body(rss(f"again{i}", 3))
        server.log.clear()
        patience[0] = 1.0
        monkeypatch.setattr(tracer.poll_loop, "PARKED_BYTES", 10)  # no room: slots kept
        monkeypatch.setattr(tracer.poll_loop, "PROCESS_POOL_MIN_BODIES", 1)
        result = run(db_path, "poll", "--all", "--concurrency", "2")
        assert "polled 20 feeds: 0 not modified, 60 new posts" in result.stderr
        assert seen_at_start[1] <= 2 + 2  # the two in their slots (and their hosts' next ones)


def poll_enough_feeds_for_workers(
    tmp_path: Path, cwd: Path | None = None, env: dict[str, str] | None = None
) -> None:
    """Add and poll (with the installed ``tracer`` command, in ``cwd`` with ``env``) enough
    loopback feeds that the poll starts its parse workers; the poll must store them all."""
    import subprocess
    import sys

    import tracer.poll_loop

    feeds = tracer.poll_loop.PROCESS_POOL_MIN_FEEDS + 2
    routes = {f"/w{i}.xml": Static(rss(f"w{i}", 2)) for i in range(feeds)}
    command = [str(Path(sys.executable).parent / "tracer"), "--db", str(tmp_path / "t.db")]
    with FeedServer(routes) as server:
        urls = [server.url(p) for p in routes]
        subprocess.run([*command, "feeds", "add", *urls], cwd=cwd, env=env, check=True)
        polled = subprocess.run(
            [*command, "poll", "--all"], cwd=cwd, env=env, capture_output=True, text=True
        )
    assert polled.returncode == 0, polled.stderr
    assert f"polled {feeds} feeds: 0 not modified, {feeds * 2} new posts" in polled.stderr


def test_workers_never_import_a_tracer_package_from_the_current_directory(tmp_path: Path) -> None:
    """Run from a checkout of another version, the workers still use the installed parsers.

    multiprocessing starts its forkserver with ``python -c``, which would put the
    current directory first on the workers' ``sys.path``.
    """

    checkout = tmp_path / "other-checkout"
    (checkout / "tracer").mkdir(parents=True)
    marker = tmp_path / "foreign-tracer-imported"
    (checkout / "tracer" / "__init__.py").write_text(
        f"open({str(marker)!r}, 'w').close()\nraise ImportError('a foreign tracer')\n"
    )
    poll_enough_feeds_for_workers(tmp_path, cwd=checkout)
    assert not marker.exists()


WATCH_IMPORTS = """
import os, sys

class _Watch:
    # In a parse worker (forked from the forkserver, which has imported
    # multiprocessing.forkserver; the poller imports typer long before it),
    # record an import of the CLI's typer.
    def find_spec(self, name, path=None, target=None):
        if name == "typer" and "multiprocessing.forkserver" in sys.modules:
            open(os.environ["TRACER_TEST_MARKER"], "w").close()
        return None

sys.meta_path.insert(0, _Watch())
"""


def test_workers_started_by_the_tracer_command_never_import_the_cli(tmp_path: Path) -> None:
    """A forkserver worker runs the script that started the poll (``tracer``) as its
    ``__mp_main__`` before it takes a body: that script must not import typer and the
    CLI there (the console script enters at ``tracer.__main__:main``)."""
    import os

    site = tmp_path / "site"
    site.mkdir()
    (site / "sitecustomize.py").write_text(WATCH_IMPORTS)
    marker = tmp_path / "a-worker-imported-typer"
    env = {**os.environ, "PYTHONPATH": str(site), "TRACER_TEST_MARKER": str(marker)}
    poll_enough_feeds_for_workers(tmp_path, env=env)
    assert not marker.exists()


def test_the_workers_yield_the_cpu_only_where_other_pollers_may_write(
    db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A poller alone on its SQLite file starts its workers at its own priority; one of
    several shard pollers lowers theirs, so the writers that hold the lock get a core."""
    import tracer.poll_loop

    niceness: list[int] = []
    monkeypatch.setattr(tracer.poll_loop, "PROCESS_POOL_MIN_FEEDS", 10)
    monkeypatch.setattr(  # no processes: the bodies are parsed in threads
        tracer.poll_loop, "_start_process_pool", lambda nice: niceness.append(nice)
    )
    routes = {f"/n{i}.xml": Static(rss(f"n{i}", 2)) for i in range(12)}
    with FeedServer(routes) as server:
        run(db_path, "feeds", "add", *[server.url(p) for p in routes])
        alone = run(db_path, "poll", "--all")
        for i, route in enumerate(routes.values()):
            route.set_body(rss(f"again{i}", 3))
        sharded = run(db_path, "poll", "--all", "--shard", "0/1")
    assert "polled 12 feeds: 0 not modified, 24 new posts" in alone.stderr
    assert "polled 12 feeds: 0 not modified, 36 new posts" in sharded.stderr
    assert niceness == [0, tracer.poll_loop.PARSE_WORKER_NICE]


def test_a_worker_lowers_its_priority_by_the_niceness_it_is_given() -> None:
    import os

    import tracer.poll_loop

    with concurrent.futures.process.ProcessPoolExecutor(
        1, initializer=tracer.poll_loop._start_worker, initargs=(os.getpid(), 3)
    ) as niced, concurrent.futures.process.ProcessPoolExecutor(
        1, initializer=tracer.poll_loop._start_worker, initargs=(os.getpid(), 0)
    ) as plain:
        mine = os.nice(0)
        assert niced.submit(os.nice, 0).result(timeout=60) == mine + 3
        assert plain.submit(os.nice, 0).result(timeout=60) == mine
