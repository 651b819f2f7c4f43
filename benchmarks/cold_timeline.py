"""Where a cold poll's wall time goes: a per-stage timeline of one ``tracer poll --all``.

Serves N generated feeds × 50 items (``loopserver.py``), adds them to a fresh
database and runs the real CLI in a child process whose poll loop is wrapped
to log, per feed, when its fetch ran, when its body waited for and was parsed
by a worker, and when the single writer wrote it (``store.apply``: the
matching call timed apart). Meanwhile this process samples the CPU time of
every process of the tree (poller; forkserver and worker processes) and of
the feed server from ``/proc`` every 50 ms. It prints the CPU seconds of each
role, the writer's busy time by part, the bytes workers send back (pickled
updates), and a timeline in tenths of the run: what each stage did when.

    python benchmarks/cold_timeline.py [--feeds 300] [--no-match] [--pickled] [--quiet]

On a loaded machine (other processes on both cores) the wall times and the
slices say little; ``--quiet`` (root) gives a quiet machine's view: the run
and the feed server in a cgroup that outweighs every other process
(:func:`cpu_first`). Knobs of the child, for experiments: ``TIMELINE_SWITCH`` (the
poller's ``sys.setswitchinterval``), ``TIMELINE_EXTRA`` (the process pool's
queued calls beyond one per worker), ``TIMELINE_WORKER_NICE`` (the workers'
niceness), ``TIMELINE_FAST_EXIT=1`` (``os._exit``
after the log is written: the interpreter's teardown is then left out).

Only a measuring tool (the lead's ``make bench`` does not run it); the
wrappers add a few microseconds per feed to the poller.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
BENCH = ROOT / ".bench"
TICK = os.sysconf("SC_CLK_TCK")


def child(db: str, events_path: str, match: bool, pickled: bool, save: str | None) -> None:
    """Run ``tracer poll --all`` in this process with its stages wrapped."""
    started = time.monotonic()
    import atexit
    import pickle

    from tracer import poll_loop, store

    log: dict[str, list] = {
        "fetch": [],
        "decide": [],
        "write": [],
        "copies": [],
        "posts": [],
        "edges": [],
        "commit": [],
        "pool": [],
        "bytes": [],
        "flush": [],
        "close": [],
        "run_feeds": [],
        "finish_run": [],
        "store_close": [],
    }

    def wrap_async(owner, name, key):  # type: ignore[no-untyped-def]
        original = getattr(owner, name)

        async def wrapped(*args, **kwargs):  # type: ignore[no-untyped-def]
            t0 = time.monotonic()
            result = await original(*args, **kwargs)
            log[key].append((t0, time.monotonic()))
            if key == "decide" and pickled:
                log["bytes"].append(len(pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL)))
            if key == "decide" and save:
                updates.append(result)
            return result

        setattr(owner, name, wrapped)

    def wrap(owner, name, key):  # type: ignore[no-untyped-def]
        original = getattr(owner, name)

        def wrapped(*args, **kwargs):  # type: ignore[no-untyped-def]
            t0, c0 = time.monotonic(), time.thread_time()
            try:
                return original(*args, **kwargs)
            finally:
                log[key].append((t0, time.monotonic(), time.thread_time() - c0))

        setattr(owner, name, wrapped)

    wrap_async(poll_loop, "_fetch", "fetch")
    wrap_async(poll_loop._Parsers, "decide", "decide")
    wrap(poll_loop._Recorder, "write_now", "write")
    wrap(poll_loop._Recorder, "commit", "commit")
    wrap(poll_loop, "_start_process_pool", "pool")
    wrap(store.Store, "_write_copies", "copies")
    wrap(store.Store, "_write_posts", "posts")
    wrap(store.Store, "_write_edges", "edges")
    wrap(store.Store, "flush_matching", "flush")
    wrap(poll_loop._Parsers, "close", "close")
    wrap(store.Store, "finish_run", "finish_run")
    wrap(store.Store, "close", "store_close")
    wrap(poll_loop, "run_feeds", "run_feeds")
    if os.environ.get("TIMELINE_WORKER_NICE"):  # the workers' niceness, whatever the run's
        forced, logged = int(os.environ["TIMELINE_WORKER_NICE"]), poll_loop._start_process_pool
        poll_loop._start_process_pool = lambda nice=0: logged(forced)

    if os.environ.get("TIMELINE_EXTRA"):
        from concurrent.futures import process as _process

        _process.EXTRA_QUEUED_CALLS = int(os.environ["TIMELINE_EXTRA"])
    if os.environ.get("TIMELINE_SWITCH"):
        sys.setswitchinterval(float(os.environ["TIMELINE_SWITCH"]))
    import gc

    log["gc"] = [[0.0, 0], [0.0, 0], [0.0, 0]]  # per generation: seconds, collections
    gc_started = [0.0]

    def gc_timer(phase: str, info: dict) -> None:  # type: ignore[type-arg]
        if phase == "start":
            gc_started[0] = time.perf_counter()
        else:
            row = log["gc"][info["generation"]]
            row[0] += time.perf_counter() - gc_started[0]
            row[1] += 1

    gc.callbacks.append(gc_timer)
    updates: list[object] = []
    log["threads"] = []  # (name, CPU seconds) of every thread that ended before the exit
    run_thread = threading.Thread.run

    def timed_run(self: threading.Thread) -> None:
        try:
            run_thread(self)
        finally:
            log["threads"].append((self.name, time.thread_time()))

    threading.Thread.run = timed_run  # type: ignore[method-assign]
    from concurrent.futures import process

    manager_run = process._ExecutorManagerThread.run
    if os.environ.get("TIMELINE_PROFILE_RESULTS"):  # cProfile the pool's result thread
        import cProfile

        def profiled_run(self: threading.Thread) -> None:
            profiler = cProfile.Profile(time.thread_time)
            try:
                profiler.runcall(manager_run, self)
            finally:
                profiler.dump_stats(os.environ["TIMELINE_PROFILE_RESULTS"])
                log["threads"].append((self.name + "-results", time.thread_time()))

        process._ExecutorManagerThread.run = profiled_run  # type: ignore[method-assign]
    else:

        def timed_manager_run(self: threading.Thread) -> None:
            try:
                manager_run(self)
            finally:
                log["threads"].append(("pool-results", time.thread_time()))

        process._ExecutorManagerThread.run = timed_manager_run  # type: ignore[method-assign]

    def dump() -> None:
        log["span"] = [(started, time.monotonic())]
        log["main_cpu"] = [time.thread_time()]  # the loop's thread (atexit runs on it)
        if save:
            Path(save).write_bytes(pickle.dumps(updates, protocol=pickle.HIGHEST_PROTOCOL))
        Path(events_path).write_text(json.dumps(log))
        if os.environ.get("TIMELINE_FAST_EXIT"):
            os._exit(0)

    atexit.register(dump)
    sys.argv = ["tracer", "--db", db, "poll", "--all", "--concurrency", "16"]
    if not match:
        sys.argv.append("--no-match")
    from tracer.cli import main

    if os.environ.get("TIMELINE_PROFILE"):
        import cProfile

        profiler = cProfile.Profile(time.thread_time)
        atexit.register(lambda: profiler.dump_stats(os.environ["TIMELINE_PROFILE"]))
        profiler.enable()
    main()


def cpu_of(pid: int) -> float:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return -1.0
    return (int(fields[11]) + int(fields[12])) / TICK


def sample_tree(proc: subprocess.Popen, server: int, out: list) -> None:  # type: ignore[type-arg]
    sys.path.insert(0, str(HERE))
    from treemem import descendants

    while proc.poll() is None:
        now = time.monotonic()
        row = {"t": now, "server": cpu_of(server)}
        for pid in descendants(proc.pid):
            row[str(pid)] = cpu_of(pid)
        out.append(row)
        time.sleep(0.05)


CPU_GROUP = Path("/sys/fs/cgroup/cpu")  # cgroup v1's cpu controller
TOP_SHARES = 262144  # the most cpu.shares allows (a process of the root group counts 1024)


@contextlib.contextmanager
def cpu_first() -> Iterator[None]:
    """Within the block, this process and all it starts get nearly all the CPU (root).

    A cgroup of their own with the most ``cpu.shares``: against the other
    processes of a loaded machine they weigh 256 times as much as each one, and
    among themselves the scheduler runs as on a quiet machine (the workers'
    ``nice`` counts). Without a writable cgroup v1 ``cpu`` controller, a warning.
    """
    group = CPU_GROUP / f"tracer-timeline-{os.getpid()}"
    try:
        group.mkdir()
        (group / "cpu.shares").write_text(str(TOP_SHARES))
        (group / "cgroup.procs").write_text(str(os.getpid()))
    except OSError as exc:
        print(f"--quiet: no cgroup of its own ({exc}); measured as it is", file=sys.stderr)
        yield
        return
    try:
        yield
    finally:
        (CPU_GROUP / "cgroup.procs").write_text(str(os.getpid()))
        for _ in range(50):  # the group is removable once its processes are gone
            try:
                group.rmdir()
                break
            except OSError:
                time.sleep(0.1)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--feeds", type=int, default=300)
    parser.add_argument("--no-match", action="store_true")
    parser.add_argument("--pickled", action="store_true", help="measure pickled update sizes")
    parser.add_argument("--slices", type=int, default=10, help="rows of the timeline")
    parser.add_argument("--until", type=float, help="timeline of the first S seconds only")
    parser.add_argument("--save-updates", help="pickle every feed's update to this file")
    parser.add_argument(
        "--quiet",
        action="store_true",
        help="a quiet machine's view on a loaded one (root): the run and the feed server in"
        " a cgroup that outweighs every other process",
    )
    parser.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    parser.add_argument("--tracer", default=str(Path(sys.executable).parent / "tracer"))
    args = parser.parse_args()
    if args.child:
        child(args.child[0], args.child[1], not args.no_match, args.pickled, args.save_updates)
        return 0
    with cpu_first() if args.quiet else contextlib.nullcontext():
        return measure(args)


def measure(args: argparse.Namespace) -> int:
    sys.path.insert(0, str(HERE))
    from run import LoopServer, fresh

    BENCH.mkdir(exist_ok=True)
    server = LoopServer(args.feeds)
    try:
        db = fresh(BENCH / "timeline.db")
        add = subprocess.run(
            [args.tracer, "--db", str(db), "feeds", "add", *server.urls[: args.feeds]],
            capture_output=True,
            text=True,
        )
        assert add.returncode == 0, add.stderr
        events = BENCH / "timeline-events.json"
        command = [sys.executable, __file__, "--child", str(db), str(events)]
        if args.no_match:
            command.append("--no-match")
        if args.pickled:
            command.append("--pickled")
        if args.save_updates:
            command += ["--save-updates", args.save_updates]
            (BENCH / "timeline-urls.txt").write_text("\n".join(server.urls[: args.feeds]))
        server_cpu0 = cpu_of(server.proc.pid)
        t0 = time.monotonic()
        proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        samples: list[dict[str, float]] = []
        sampler = threading.Thread(
            target=sample_tree, args=(proc, server.proc.pid, samples), daemon=True
        )
        sampler.start()
        _out, err = proc.communicate()
        sampler.join()
        wall = time.monotonic() - t0
        server_cpu = cpu_of(server.proc.pid) - server_cpu0
    finally:
        server.close()
    log = json.loads(events.read_text())
    report(args, log, samples, t0, wall, server_cpu, proc.pid, err.strip().splitlines()[-1:])
    return 0


def busy(intervals: list[list[float]], lo: float, hi: float) -> float:
    return sum(max(0.0, min(row[1], hi) - max(row[0], lo)) for row in intervals)


def report(args, log, samples, t0, wall, server_cpu, poller, tail) -> None:  # type: ignore[no-untyped-def]
    # t0 and the child's times are both time.monotonic(): one clock for all processes
    # CPU per process: last value seen; roles: poller, the rest of the tree (forkserver, workers)
    last: dict[str, float] = {}
    for row in samples:
        for key, value in row.items():
            if key != "t" and value >= 0:
                last[key] = value
    poller_cpu = last.get(str(poller), 0.0)
    workers_cpu = sum(v for k, v in last.items() if k not in ("server", str(poller)))
    print(f"cold poll, {args.feeds} feeds, match {'off' if args.no_match else 'on'},"
          f" load {os.getloadavg()[0]:.1f}: {tail[0] if tail else ''}")
    print(f"  wall {wall:.2f} s; CPU: poller {poller_cpu:.2f} s, workers+forkserver"
          f" {workers_cpu:.2f} s, feed server {server_cpu:.2f} s")
    main_cpu = log.get("main_cpu", [0.0])[0]
    writer_cpu = sum(row[2] for row in log["write"])
    print(f"  poller threads CPU: loop (main) {main_cpu:.2f} s, writes {writer_cpu:.2f} s,"
          f" other threads (results, pool start) {poller_cpu - main_cpu - writer_cpu:.2f} s")
    threads: dict[str, float] = {}
    for name, cpu in log.get("threads", []):
        kind = name.rsplit("_", 1)[0].rstrip("-0123456789") or name
        threads[kind] = threads.get(kind, 0.0) + cpu
    print("  threads that ended: " + ", ".join(f"{k} {v:.2f} s" for k, v in threads.items()))
    span = log["span"][0]
    print(f"  child start-up before the poll's first fetch:"
          f" {min(row[0] for row in log['fetch']) - span[0]:.2f} s; process pool started at"
          f" {[round(r[0] - span[0], 2) for r in log['pool']]} s, ready at"
          f" {[round(r[1] - span[0], 2) for r in log['pool']]} s")
    for n, what in ((0, "wall"), (2, "thread CPU")):
        write = sum(row[n] if n else row[1] - row[0] for row in log["write"])
        parts = {
            k: sum(row[n] if n else row[1] - row[0] for row in log[k])
            for k in ("copies", "posts", "edges", "commit")
        }
        print(f"  writer {what} {write:.2f} s (store.apply and batch commits): "
              + ", ".join(f"{k} {v:.2f} s" for k, v in parts.items())
              + f", rest {write - parts['copies'] - parts['posts'] - parts['edges']:.2f} s")
    last_decided = max(b for _a, b in log["decide"])
    last_write = max(row[1] for row in log["write"])
    print(f"  last body parsed at {last_decided - span[0]:.2f} s, last write done at"
          f" {last_write - span[0]:.2f} s, process ends {span[1] - span[0]:.2f} s")
    print(f"  parent saw the child end at {t0 + wall - span[0]:.2f} s")
    print("  poller's cyclic GC (wall, all threads): " + ", ".join(
        f"gen{g} {sec:.2f} s in {n}" for g, (sec, n) in enumerate(log["gc"])))
    for key in ("run_feeds", "close", "flush", "finish_run", "store_close"):
        print(f"  {key}: " + ", ".join(
            f"{r[0] - span[0]:.2f}-{r[1] - span[0]:.2f} s ({r[2]:.2f} s CPU)" for r in log[key]))
    if log["bytes"]:
        total = sum(log["bytes"])
        print(f"  pickled updates: {total / 1e6:.1f} MB, {total / len(log['bytes']) / 1e3:.0f} kB"
              " per feed")
    # timeline in tenths of the child's life
    start, end = span
    end = start + args.until if args.until else end
    step = (end - start) / args.slices
    print("  slice  fetch-busy  parse-wait  writer  poller-CPU  workers-CPU  server-CPU")
    cpu_at = _cpu_series(samples, str(poller))
    for i in range(args.slices):
        lo, hi = start + i * step, start + (i + 1) * step
        pc, wc, sc = (_delta(cpu_at, key, lo, hi) / step for key in ("poller", "workers", "server"))
        print(
            f"  {i:5d}  {busy(log['fetch'], lo, hi) / step:9.1f}  "
            f"{busy(log['decide'], lo, hi) / step:9.1f}  {busy(log['write'], lo, hi) / step:6.0%}"
            f"  {pc:9.0%}  {wc:10.0%}  {sc:10.0%}"
        )


def _cpu_series(samples, poller):  # type: ignore[no-untyped-def]
    series = []
    for row in samples:
        workers = sum(v for k, v in row.items() if k not in ("t", "server", poller) and v >= 0)
        series.append((row["t"], row.get(poller, 0.0), workers, row["server"]))
    return series


def _delta(series, key, lo, hi):  # type: ignore[no-untyped-def]
    index = {"poller": 1, "workers": 2, "server": 3}[key]
    before = [row[index] for row in series if row[0] <= lo]
    upto = [row[index] for row in series if row[0] <= hi]
    a = before[-1] if before else 0.0
    b = upto[-1] if upto else a
    return max(0.0, b - a)


if __name__ == "__main__":
    raise SystemExit(main())
