"""PostgreSQL beside SQLite: cold poll of N feeds, 3 pollers at once, copy-db and walks.

``python benchmarks/bench_postgres.py [--feeds 1000] [--edges 1000000]``

- Poll: the benchmark's feeds (``feedgen``, 50 items each) on loopback
  (``loopserver``); ``tracer poll --all`` as a process, cold (fresh
  database): SQLite, PostgreSQL, and three PostgreSQL pollers started at the
  same instant (they share the feeds through leases). Goals: PostgreSQL
  ≤ 1.5 × SQLite; three pollers ≤ 0.6 × one. ``--latency 0,50-200`` (the
  default) runs the comparison twice: answers at once, and each answer held
  back 50–200 ms as across the internet (then also warm: every feed 304).
  Beside wall times, the CPU seconds of the pollers' process trees
  (forkservers and parse workers included) and of the server.
- Store: the 1.1 M-edge store of ``bench_queries`` built in SQLite, copied to
  PostgreSQL with ``tracer copy-db`` and back (goal < 3 min), then ``chain``
  and ``reposts`` timed on PostgreSQL (goal p99 < 2 ms) beside SQLite, with
  the p50/p95/p99 of one empty round trip (``SELECT 1``: what the machine adds
  to the one statement each of them sends) and of the server's own execution
  time (``EXPLAIN ANALYZE``) in the same run, and the load average.

The server is ``TRACER_BENCH_PG`` (a database URL whose ``public`` schema the
benchmark may wipe) or a throwaway cluster (``tests/pgcluster.py``, durable:
fsync on, ``synchronous_commit=off`` like SQLite's WAL + ``synchronous=NORMAL``).

Comparing two trees side by side: ``--baseline DIR`` (another tracer checkout,
e.g. ``git archive main | tar -x -C DIR``) runs its single PostgreSQL poller
beside this tree's, alternately (``--rounds N``: this, baseline, baseline,
this, …), on the same cluster and feeds; ``--pollers 1`` leaves out the three
pollers; ``--statements`` (throwaway cluster only) loads
``pg_stat_statements`` and prints, per single-poller run, the statements per
feed and the heaviest statements by the server's execution time.

The writer alone: ``--replay FILE`` (updates saved by ``cold_timeline.py
--save-updates FILE``, their URLs in ``.bench/timeline-urls.txt``) writes
them into a fresh schema as a PostgreSQL poller's writer thread does (one
transaction per feed, in its pipeline, then the end-of-run drain), with no
network and no workers: the writer's wall time (the poll's critical path on
PostgreSQL), its CPU and the server's, per tree (``--baseline``, ``--rounds``
alternate as above; ``--statements`` adds the statement report).
``REPLAY_SQL`` (statements separated by ``;``) runs once the schema is made,
for experiments (e.g. ``ALTER TABLE nodes DROP CONSTRAINT …``).
"""

from __future__ import annotations

import argparse
import contextlib
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(ROOT / "tests"))

TRACER = [sys.executable, "-m", "tracer"]


def tracer_command(root: Path) -> list[str]:
    """``python -m tracer`` for the tree at ``root`` (run in it): with the tree's own
    virtualenv when it has one. Run by this tree's interpreter, a built baseline tree's
    parse workers died on their first feeds (c58d89a lost 17-32 of 1,000 feeds a run,
    "the parser process died"; with its own virtualenv, none), and a poll that lost
    feeds is not comparable."""
    own = root / ".venv" / "bin" / "python"
    return [str(own), "-m", "tracer"] if root != ROOT and own.exists() else TRACER
SUMMARY: list[str] = []  # printed last: `make bench` copies the last lines into its report


def report(line: str) -> None:
    print(line, flush=True)
    SUMMARY.append(line)


@contextlib.contextmanager
def postgres(statements: bool = False) -> Iterator[str]:
    """A PostgreSQL URL: ``TRACER_BENCH_PG``, or a throwaway durable cluster (with
    ``pg_stat_statements`` loaded when ``statements``)."""
    url = os.environ.get("TRACER_BENCH_PG")
    if url:
        yield url
        return
    import pgcluster

    folder = Path(tempfile.mkdtemp(prefix="tracer-bench-pg-"))
    folder.chmod(0o755)
    try:
        url = pgcluster.start(folder / "cluster", durable=True)
        if statements:
            load_statements(url, folder / "cluster")
        yield url
    finally:
        pgcluster.stop(folder / "cluster")
        shutil.rmtree(folder, ignore_errors=True)


def load_statements(url: str, cluster: Path) -> None:
    """Restart the throwaway cluster with ``pg_stat_statements`` (same options)."""
    import pgcluster
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("ALTER SYSTEM SET shared_preload_libraries = 'pg_stat_statements'")
    bindir = pgcluster.find_bindir()
    assert bindir is not None
    command = [str(bindir / "pg_ctl"), "-D", str(cluster / "data"), "-w", "restart"]
    if os.geteuid() == 0:
        command = ["runuser", "-u", "nobody", "--", *command]
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("CREATE SCHEMA IF NOT EXISTS bench_stats")  # wipe() drops public
        conn.execute("CREATE EXTENSION IF NOT EXISTS pg_stat_statements SCHEMA bench_stats")
        conn.execute("ALTER SYSTEM SET pg_stat_statements.track_utility = off")
        conn.execute("ALTER SYSTEM SET pg_stat_statements.track_planning = on")
        conn.execute("SELECT pg_reload_conf()")


def statements_reset(url: str) -> None:
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("SELECT bench_stats.pg_stat_statements_reset()")


def statements_report(url: str, feeds: int, top: int = 12) -> list[str]:
    """Statements per feed and the heaviest ones since the last reset (tracer's only)."""
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        rows = conn.execute(
            "SELECT calls, total_exec_time, total_plan_time, query"
            " FROM bench_stats.pg_stat_statements"
            " WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database())"
            " AND query NOT LIKE '%pg_stat_%' ORDER BY total_exec_time DESC"
        ).fetchall()
    calls = sum(row[0] for row in rows)
    spent = sum(row[1] for row in rows) or 1.0
    planning = sum(row[2] for row in rows)
    lines = [
        f"  statements: {calls} ({calls / feeds:.1f} a feed), server execution"
        f" {spent / 1000:.1f} s, planning {planning / 1000:.1f} s"
    ]
    for n, ms, plan_ms, query in rows[:top]:
        text = " ".join(query.split())[:100]
        lines.append(
            f"  {ms / 1000:6.2f} s {100 * ms / spent:3.0f} % plan {plan_ms / 1000:5.2f} s"
            f" {n:7d} x  {text}"
        )
    return lines


def wipe(url: str) -> None:
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("DROP SCHEMA public CASCADE")
        conn.execute("CREATE SCHEMA public")


def add_feeds(db: str, urls: list[str]) -> None:
    from tracer.store import Store

    store = Store.open(db)
    for url in urls:
        store.add_feed(url)
    store.close()


class TreeCPU:
    """CPU seconds (user + system) of process trees, sampled from /proc while they run.

    Sampling catches the processes nobody reaps for us (a poller's
    forkserver and its parse workers, a server's backends): each process
    counts with the last figure seen before it exited.
    """

    def __init__(self, roots: list[int], interval: float = 0.1) -> None:
        self.roots, self.interval = roots, interval
        self.seen: dict[int, float] = {}
        self.kinds: dict[int, str] = {}  # pid -> what it is (a server's backend, autovacuum…)
        self.done = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        from treemem import cpu_seconds, descendants

        while True:
            for root in self.roots:
                for pid in descendants(root):
                    self.seen[pid] = max(self.seen.get(pid, 0.0), cpu_seconds(pid))
                    if pid not in self.kinds:
                        self.kinds[pid] = process_kind(pid)
            if self.done.wait(self.interval):
                return

    def __enter__(self) -> TreeCPU:
        self.before = {pid: cpu for pid, cpu in self._snapshot().items()}
        self.thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self.done.set()
        self.thread.join()

    def _snapshot(self) -> dict[int, float]:
        from treemem import cpu_seconds, descendants

        return {pid: cpu_seconds(pid) for root in self.roots for pid in descendants(root)}

    @property
    def seconds(self) -> float:
        """CPU used since ``__enter__`` (a process alive before counts its growth only)."""
        return sum(cpu - self.before.get(pid, 0.0) for pid, cpu in self.seen.items())

    def by_kind(self) -> dict[str, float]:
        """:attr:`seconds` split by :func:`process_kind`."""
        split: dict[str, float] = {}
        for pid, cpu in self.seen.items():
            kind = self.kinds.get(pid, "?")
            split[kind] = split.get(kind, 0.0) + cpu - self.before.get(pid, 0.0)
        return split


def process_kind(pid: int) -> str:
    """What a PostgreSQL server process does, from its title: "client backend",
    "autovacuum worker", "walwriter"…; "" for other processes."""
    try:
        title = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode().strip()
    except OSError:
        return "?"
    if not title.startswith("postgres: "):
        return ""
    rest = title.removeprefix("postgres: ")
    known = ("autovacuum", "walwriter", "checkpointer", "background writer", "logical")
    return next((k for k in known if rest.startswith(k)), "backends")


def server_pid(url: str) -> int | None:
    """The postmaster of the benchmark's own cluster (None for TRACER_BENCH_PG)."""
    if os.environ.get("TRACER_BENCH_PG"):
        return None
    import psycopg

    with psycopg.connect(url) as conn:
        (data,) = conn.execute("SHOW data_directory").fetchone()
    try:
        return int((Path(data) / "postmaster.pid").read_text().split()[0])
    except (OSError, ValueError):
        return None


@dataclass
class PollRun:
    wall: float
    cpu: float  # the pollers' process trees (pollers, forkservers, parse workers)
    server_cpu: float | None  # the PostgreSQL server's processes
    lines: list[str]
    lock_share: float | None = None  # of the pollers' sessions' samples: waiting on a lock
    server_split: dict[str, float] | None = None  # of server_cpu, by kind of process
    lock_by: dict[str, int] | None = None  # the waiting samples by statement


class LockWaits:
    """Samples ``pg_stat_activity`` while pollers run: how often their sessions wait on an
    advisory lock (``tracer.upkeep``: the edge lock, which feeds take shared and a resolve
    exclusively, and the upkeep lock, which a feed only tries and the drain at the end of
    each run waits for), and on which statement (``by``: its first words)."""

    def __init__(self, url: str | None, interval: float = 0.05) -> None:
        self.url, self.interval = url, interval
        self.samples = self.waiting = 0
        self.by: dict[str, int] = {}
        self.done = threading.Event()
        self.thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        import psycopg

        assert self.url is not None
        with psycopg.connect(self.url, autocommit=True) as conn:
            while not self.done.wait(self.interval):
                for event, query in conn.execute(
                    "SELECT coalesce(wait_event, ''), left(query, 60) FROM pg_stat_activity"
                    " WHERE backend_type = 'client backend' AND pid <> pg_backend_pid()"
                    " AND datname = current_database() AND state <> 'idle'"
                ):
                    self.samples += 1
                    if event == "advisory":
                        self.waiting += 1
                        self.by[query] = self.by.get(query, 0) + 1

    def __enter__(self) -> LockWaits:
        if self.url:
            self.thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self.done.set()
        if self.url:
            self.thread.join()

    @property
    def share(self) -> float | None:
        return self.waiting / self.samples if self.samples else None


def poll_wall(
    db: str, pollers: int, concurrency: int, server: int | None, root: Path = ROOT
) -> PollRun:
    """Start ``pollers`` × ``tracer poll --all`` at once; wall and CPU until the last ends
    (and, on PostgreSQL, the share of the sessions' busy samples spent waiting on the lock).
    ``root``: the tracer tree the pollers run (``python -m tracer`` there)."""
    start = time.perf_counter()
    procs = [
        subprocess.Popen(
            [*tracer_command(root), "--db", db, "poll", "--all", "--concurrency", str(concurrency)],
            stderr=subprocess.PIPE,
            text=True,
            cwd=root,
        )
        for _ in range(pollers)
    ]
    waits = LockWaits(db if db.startswith("postgresql") else None)
    with TreeCPU([p.pid for p in procs]) as cpu, TreeCPU([server] if server else []) as srv, waits:
        lines = [p.communicate()[1].strip().splitlines()[-1] for p in procs]
    if any(p.returncode for p in procs):
        raise SystemExit(f"a poller failed: {lines}")
    wall = time.perf_counter() - start
    return PollRun(
        wall,
        cpu.seconds,
        srv.seconds if server else None,
        lines,
        waits.share,
        srv.by_kind() if server else None,
        waits.by,
    )


def describe(run: PollRun) -> str:
    server = f", server CPU {run.server_cpu:.1f} s" if run.server_cpu is not None else ""
    if run.server_split:
        parts = sorted(run.server_split.items(), key=lambda kv: -kv[1])
        server += " (" + ", ".join(f"{k or 'postmaster'} {v:.1f}" for k, v in parts if v >= 0.05)
        server += ")"
    waiting = (
        f", waiting on an advisory lock {100 * run.lock_share:.0f} % of busy session samples"
        if run.lock_share is not None
        else ""
    )
    if run.lock_by:
        waiting += " (" + "; ".join(f"{n}: {q!r}" for q, n in sorted(run.lock_by.items())) + ")"
    failed = sum(_errors(line) for line in run.lines)
    lost = f", {failed} FEEDS FAILED: not comparable" if failed else ""
    return f"{run.wall:.1f} s wall, pollers' CPU {run.cpu:.1f} s{server}{waiting}{lost}"


def _errors(summary: str) -> int:
    """The feeds a poller's summary line says failed (``…, 3 errors, 1.2 s``)."""
    found = re.search(r"(\d+) errors", summary)
    return int(found.group(1)) if found else 0


@dataclass
class Options:
    pollers: tuple[int, ...] = (1, 3)  # PostgreSQL runs: 1 poller, 3 pollers at once
    baseline: Path | None = None  # another tracer tree, run alternately with this one
    rounds: int = 1
    statements: bool = False


def bench_poll(
    url: str, feeds: int, concurrency: int, latency: str, options: Options | None = None
) -> None:
    """Cold polls of ``feeds`` on loopback; with ``latency`` ("50-200" ms) only 1 vs 3 on PG."""
    options = options or Options()
    server = server_pid(url)
    with tempfile.TemporaryDirectory() as tmp:
        urls_file = Path(tmp) / "urls.txt"
        feed_server = subprocess.Popen(
            [
                sys.executable,
                str(HERE / "loopserver.py"),
                "--count",
                str(feeds),
                "--urls",
                str(urls_file),
                "--latency",
                latency,
            ],
            stdout=subprocess.PIPE,
            text=True,
        )
        try:
            assert feed_server.stdout is not None
            while "READY" not in feed_server.stdout.readline():
                pass
            urls = urls_file.read_text().split()
            results: dict[str, PollRun] = {}
            contenders = cold_contenders(url, str(Path(tmp) / "poll.db"), latency, options)
            for name, db, pollers, root in contenders:
                if db == url:
                    wipe(url)
                elif Path(db).exists():
                    Path(db).unlink()
                add_feeds(db, urls)
                if options.statements and db == url and pollers == 1:
                    statements_reset(url)
                run = poll_wall(db, pollers, concurrency, server, root)
                results.setdefault(name, run)
                results[name] = min(results[name], run, key=lambda r: r.wall)
                print(
                    f"cold poll {feeds} feeds (latency {latency} ms), {name}: {describe(run)}"
                    f", load {os.getloadavg()[0]:.1f}  {' | '.join(run.lines)}",
                    flush=True,
                )
                if options.statements and db == url and pollers == 1:
                    print("\n".join(statements_report(url, feeds)), flush=True)
            if latency != "0":  # warm: every feed answers 304, the poll waits on the network
                poll_wall(url, 1, concurrency, None)  # settle: feeds that failed cold are fetched
                for name, pollers in (("warm postgresql", 1), ("warm postgresql x3", 3)):
                    results[name] = run = poll_wall(url, pollers, concurrency, server)
                    print(f"warm poll, {name}: {describe(run)}  {' | '.join(run.lines)}")
        finally:
            feed_server.terminate()
            feed_server.wait()
    pg = results["postgresql"]
    head = f"cold poll {feeds} feeds"
    if "postgresql baseline" in results:
        base = results["postgresql baseline"]
        report(
            f"{head} (best of {options.rounds}), postgresql: this tree {describe(pg)};"
            f" baseline {describe(base)}"
        )
    if "postgresql x3" not in results:
        if "sqlite" in results:
            lite = results["sqlite"]
            report(f"{head}: sqlite {describe(lite)}; postgresql {pg.wall / lite.wall:.2f}x")
        return
    three = results["postgresql x3"]
    shared_ok = "met" if three.wall <= 0.6 * pg.wall else "MISSED"
    cpu_ratio = f"CPU {three.cpu / pg.cpu:.2f}x"
    if "sqlite" in results:
        lite = results["sqlite"]
        ratio_ok = "met" if pg.wall <= 1.5 * lite.wall else "MISSED"
        head += (
            f": sqlite {lite.wall:.1f} s, postgresql {pg.wall:.1f} s ({pg.wall / lite.wall:.2f}x,"
            f" goal <= 1.5: {ratio_ok})"
        )
    else:
        warm, warm3 = results["warm postgresql"], results["warm postgresql x3"]
        head += (
            f", {latency} ms per answer: warm (304s) 1 poller {warm.wall:.1f} s, 3 pollers"
            f" {warm3.wall:.1f} s ({warm3.wall / warm.wall:.2f}x); cold 1 poller {pg.wall:.1f} s"
        )
    lock = (
        f"; their sessions wait on an advisory lock {100 * three.lock_share:.0f} % of busy samples"
        if three.lock_share is not None
        else ""
    )
    polls = sum(polled(line) for line in three.lines)  # more than feeds: feeds polled twice
    report(
        f"{head}, 3 pollers {three.wall:.1f} s ({three.wall / pg.wall:.2f}x one, goal <= 0.6:"
        f" {shared_ok}; {cpu_ratio}: {three.cpu:.0f} vs {pg.cpu:.0f} s{lock}; {polls} polls"
        f" for {feeds} feeds)"
    )


def polled(summary: str) -> int:
    """The feeds a poller's summary line says it polled (``polled 120 feeds: …``)."""
    return int(summary.split("polled ")[1].split(" ")[0]) if "polled " in summary else 0


def cold_contenders(
    url: str, sqlite: str, latency: str, options: Options
) -> list[tuple[str, str, int, Path]]:
    """(name, database, pollers, tree) of each cold run, in the order they run: this
    tree and the baseline alternate (ABBA…) round by round, SQLite first in each round."""
    runs: list[tuple[str, str, int, Path]] = []
    for round_ in range(options.rounds):
        if latency == "0":
            runs.append(("sqlite", sqlite, 1, ROOT))
        single = [("postgresql", url, 1, ROOT)]
        if options.baseline is not None:
            single.append(("postgresql baseline", url, 1, options.baseline))
            if round_ % 2:
                single.reverse()
        runs += single if 1 in options.pollers else []
        runs += [("postgresql x3", url, 3, ROOT)] if 3 in options.pollers else []
    return runs


def copy_db(source: str, destination: str, server: int | None) -> str:
    """``tracer copy-db`` as a process: wall, its CPU, the server's CPU."""
    start = time.perf_counter()
    proc = subprocess.Popen([*TRACER, "copy-db", source, destination], cwd=ROOT)
    with TreeCPU([proc.pid]) as cpu, TreeCPU([server] if server else []) as srv:
        if proc.wait():
            raise SystemExit(f"copy-db {source} {destination} failed")
    server_cpu = f", server CPU {srv.seconds:.0f} s" if server else ""
    return f"{time.perf_counter() - start:.0f} s (CPU {cpu.seconds:.0f} s{server_cpu})"


def server_times(store: Any, fn: Callable[[str], object], urls: list[str]) -> list[float]:
    """Per call of ``fn``: the server's own execution time (ms, EXPLAIN ANALYZE of each
    statement it runs, summed), free of the round trips and of the client."""
    from tracer.engine.postgres import translate

    engine, plain = store.engine, store.engine.execute
    spent: list[float] = []

    def explained(sql: str, params: Any = ()) -> Any:
        text = translate(sql) if params else translate(sql, with_params=False)
        plan = engine.conn.execute(f"EXPLAIN (ANALYZE, FORMAT JSON) {text}", params or None)
        spent.append(plan.fetchone()[0][0]["Execution Time"])
        return plain(sql, params)

    totals = []
    engine.execute = explained
    try:
        for url in urls:
            spent.clear()
            fn(url)
            totals.append(sum(spent))
    finally:
        engine.execute = plain
    return totals


def bench_store(url: str, edges: int, queries: int) -> None:
    from bench_queries import build, line, percentile, timed

    from tracer.graph import chains, origins, reposts
    from tracer.store import Store

    server = server_pid(url)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bench.db"
        start = time.perf_counter()
        count, tier_urls, articles = build(path, edges)
        print(f"built {count} edges in SQLite in {time.perf_counter() - start:.1f} s")
        wipe(url)
        start = time.perf_counter()
        there = copy_db(str(path), url, server)
        copy_s = time.perf_counter() - start
        back = copy_db(url, str(Path(tmp) / "back.db"), server)
        report(
            f"copy-db of {count} edges SQLite -> PostgreSQL {there}"
            f" (goal < 180 s: {'met' if copy_s < 180 else 'MISSED'}), back {back}"
        )
        rng = random.Random(1)
        posts = [u for urls in tier_urls for u in urls]
        chain_urls = [rng.choice(posts) for _ in range(queries)]
        cited = tier_urls[0] + tier_urls[1] + articles
        repost_urls = [rng.choice(cited) for _ in range(queries)]
        for name, target in (("sqlite", str(path)), ("postgresql", url)):
            store = Store.open(target)

            def floor(_url: str, s: Any = store) -> None:  # a chain's one round trip, empty
                s.execute("SELECT 1").fetchall()

            timed(lambda u, s=store: chains(s, u), chain_urls[:200])  # warm caches
            timed(lambda u, s=store: reposts(s, u), repost_urls[:200])
            floor_t = timed(floor, chain_urls)
            chain_t = timed(lambda u, s=store: chains(s, u), chain_urls)
            repost_t = timed(lambda u, s=store: reposts(s, u), repost_urls)
            start = time.perf_counter()
            origins(store)
            print(f"{name}: {line('SELECT 1', floor_t)}")
            print(f"{name}: {line('chain', chain_t)}")
            print(f"{name}: {line('reposts', repost_t)}")
            print(f"{name}: origins {time.perf_counter() - start:.3f} s")
            if name == "postgresql":
                on_server = [
                    server_times(store, lambda u, s=store, f=fn: f(s, u), urls[:1000])
                    for fn, urls in ((chains, chain_urls), (reposts, repost_urls))
                ]
                ok = [percentile(t[0], 0.99) < 2 for t in (chain_t, repost_t)]

                def pct(t: list[float]) -> str:
                    return "/".join(
                        f"{q:.2f}"
                        for q in (statistics.median(t), percentile(t, 0.95), percentile(t, 0.99))
                    )

                report(
                    f"postgresql p50/p95/p99: chain {pct(chain_t[0])} ms (CPU {pct(chain_t[1])}),"
                    f" reposts {pct(repost_t[0])} ms (CPU {pct(repost_t[1])}) (goal p99 < 2 ms:"
                    f" {'met' if all(ok) else 'MISSED'}); SELECT 1 in the same run"
                    f" {pct(floor_t[0])} ms; server execution {pct(on_server[0])} and"
                    f" {pct(on_server[1])} ms; load average {os.getloadavg()[0]:.1f}"
                )
            store.close()


def replay_child(updates_file: str, url: str) -> None:
    """In a child process (run in the tree being measured): replay the saved updates as a
    PostgreSQL poller's writer thread writes them; print one JSON line of figures."""
    import json
    import pickle

    from tracer import upkeep
    from tracer.store import Store
    from tracer.timeutil import format_time, utcnow

    updates = pickle.loads(Path(updates_file).read_bytes())
    urls = (ROOT / ".bench" / "timeline-urls.txt").read_text().split()
    store = Store.open(url)
    trips = count_round_trips()
    for statement in filter(None, os.environ.get("REPLAY_SQL", "").split(";")):  # experiments
        store.execute(statement)
    with store.transaction():
        for feed_url in urls:
            store.add_feed(feed_url)
    now = format_time(utcnow())
    store.start_run(now)
    server = server_pid(url)
    with TreeCPU([server] if server else []) as srv:
        trips.clear()
        cpu, wall = time.process_time(), time.perf_counter()
        with store.writer() as writes:
            for update in updates:
                writes.apply(update, now)  # one transaction each, as with leases
        added = upkeep.finish(store, now)
        cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    posts, edges = store.execute(
        "SELECT (SELECT count(*) FROM posts), (SELECT count(*) FROM edges)"
    ).fetchone()
    store.close()
    server_cpu = srv.seconds if server else float("nan")
    figures = {"feeds": len(updates), "cpu": cpu, "wall": wall, "server": server_cpu}
    figures["trips"] = sum(trips.values()) / len(updates)
    figures["writer_trips"] = trips.get("MainThread", 0) / len(updates)  # the writer's own
    print(json.dumps({**figures, "posts": posts, "edges": edges, "drain": added}))


def count_round_trips() -> dict[str, int]:
    """Count, per thread, the waits for the server's answers from now on (psycopg
    patched): each read of a pipeline's answers, and each statement sent outside one."""
    from psycopg import Connection
    from psycopg._pipeline_base import BasePipeline

    counts: dict[str, int] = {}  # thread name -> waits
    fetch, wait = BasePipeline._fetch_gen, Connection.wait

    def counted_fetch(self: Any, *, flush: bool) -> Any:
        if self.result_queue:
            key = threading.current_thread().name
            counts[key] = counts.get(key, 0) + 1
        return (yield from fetch(self, flush=flush))

    def counted_wait(self: Any, gen: Any, *args: Any, **kwargs: Any) -> Any:
        if self._pipeline is None:
            key = threading.current_thread().name
            counts[key] = counts.get(key, 0) + 1
        return wait(self, gen, *args, **kwargs)

    BasePipeline._fetch_gen = counted_fetch  # type: ignore[method-assign]
    Connection.wait = counted_wait  # type: ignore[method-assign]
    return counts


def bench_replay(url: str, updates_file: Path, options: Options) -> None:
    """The saved updates replayed by each tree in turn (ABBA…), each into a fresh schema."""
    import json

    trees = [("this tree", ROOT)]
    if options.baseline is not None:
        trees.append(("baseline", options.baseline))
    results: dict[str, list[dict[str, float]]] = {}
    for round_ in range(options.rounds):
        for name, root in trees if round_ % 2 == 0 else trees[::-1]:
            wipe(url)
            if options.statements:
                statements_reset(url)
            env = {**os.environ, "PYTHONPATH": str(root)}
            command = [sys.executable, str(HERE / "bench_postgres.py"), "--replay-child"]
            out = subprocess.run(
                [*command, str(updates_file), url],
                capture_output=True,
                text=True,
                env=env,
                cwd=root,
                check=True,
            ).stdout
            figures = json.loads(out.strip().splitlines()[-1])
            results.setdefault(name, []).append(figures)
            print(
                f"replay, {name}: {figures['wall']:.2f} s wall, writer CPU"
                f" {figures['cpu']:.2f} s, server CPU {figures['server']:.2f} s,"
                f" {figures.get('trips', 0):.1f} round trips a feed"
                f" ({figures.get('writer_trips', 0):.1f} the writer's),"
                f" {figures['posts']} posts, {figures['edges']} edges,"
                f" load {os.getloadavg()[0]:.1f}",
                flush=True,
            )
            if options.statements:
                print("\n".join(statements_report(url, int(figures["feeds"]))), flush=True)
    for name, runs in results.items():
        report(
            f"replay {updates_file.name}, {name} (mean of {len(runs)}):"
            + ", ".join(
                f" {key} {statistics.mean(r[key] for r in runs):.2f} s"
                for key in ("wall", "cpu", "server")
            )
            + f", {statistics.mean(r.get('trips', 0) for r in runs):.1f} round trips a feed"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--feeds", type=int, default=1000)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument(
        "--latency",
        default="0,50-200",
        help="ms per answer of the loopback feeds, one poll comparison each (e.g. 0 or 50-200)",
    )
    parser.add_argument("--edges", type=int, default=1_000_000)
    parser.add_argument("--queries", type=int, default=3000)
    parser.add_argument("--skip-poll", action="store_true")
    parser.add_argument("--skip-store", action="store_true")
    parser.add_argument("--pollers", default="1,3", help="PostgreSQL runs: 1 and/or 3 pollers")
    parser.add_argument("--baseline", type=Path, help="another tracer tree, run alternately")
    parser.add_argument("--rounds", type=int, default=1)
    parser.add_argument("--statements", action="store_true", help="pg_stat_statements")
    parser.add_argument("--replay", type=Path, help="the writer alone: saved updates")
    parser.add_argument("--replay-child", nargs=2, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.replay_child:
        replay_child(*args.replay_child)
        return
    options = Options(
        tuple(int(n) for n in args.pollers.split(",")),
        args.baseline.resolve() if args.baseline else None,
        args.rounds,
        args.statements,
    )
    try:
        import psycopg  # noqa: F401
    except ImportError:
        raise SystemExit(
            "skipped: psycopg is not installed (pip install -e '.[postgres]')"
        ) from None
    with postgres(args.statements) as url:
        if args.replay:
            bench_replay(url, args.replay.resolve(), options)
        elif not args.skip_poll:
            for latency in args.latency.split(","):
                bench_poll(url, args.feeds, args.concurrency, latency.strip(), options)
        if not args.skip_store and not args.replay:
            bench_store(url, args.edges, args.queries)
    print("summary:")
    for line in SUMMARY:
        print(f"  {line}")


if __name__ == "__main__":
    main()
