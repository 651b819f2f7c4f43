"""What finding copies costs a cold poll: ``tracer poll --all`` with and without ``--no-match``.

Serves the generated feeds (``feedgen.py``: N feeds × 50 items, via
``loopserver.py`` in its own process) and times a cold poll into a fresh
database with matching on and off, alternating, ``--repeat`` times each, so
both see the same machine load. Prints each run, the best of each mode and
the ratio (goal: at most 1.25 for 1,000 feeds), the median of the rounds'
ratios (each round's two runs back to back: one machine load for both), and
the database sizes.

With ``--baseline /other/venv/bin/tracer`` another build is timed in the
same rounds (its runs alternate with this build's), and each build's ratio
of process-tree CPU with/without matching is printed: before/after numbers
from one run. Every poll runs in ``.bench/`` (no ``tracer/`` package there):
multiprocessing's forkserver puts the current directory first on the
workers' path, so a poll started in a checkout would parse with that
checkout's code, whatever build it is.

    python benchmarks/bench_copies_poll.py [--feeds 1000] [--repeat 2] [--baseline PATH]
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
BENCH = ROOT / ".bench"
TRACER = Path(sys.executable).parent / "tracer"
sys.path.insert(0, str(HERE))

from run import LoopServer, fresh  # noqa: E402

_SUMMARY = re.compile(r"polled (\d+) feeds: \d+ not modified, (\d+) new posts, (\d+) new edges")


def _child_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


TICK = os.sysconf("SC_CLK_TCK")


def _cpu_of(pid: int) -> tuple[int, float] | None:
    """(parent pid, user + system CPU seconds) of a live process, from /proc."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return None
    return int(fields[1]), (int(fields[11]) + int(fields[12])) / TICK


class TreeCpu:
    """CPU seconds of a process and of its descendants, sampled from /proc until it exits.

    The main process (``tracer poll``: HTTP and the one writer) is the critical
    path when its CPU seconds are close to the wall time; the descendants are
    the forkserver and the parse workers.
    """

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.seen: dict[int, float] = {}
        self.done = threading.Event()
        self.thread = threading.Thread(target=self._watch, daemon=True)
        self.thread.start()

    def _watch(self) -> None:
        while not self.done.wait(0.05):
            tree = {self.pid}
            for entry in os.listdir("/proc"):
                if entry.isdigit() and (found := _cpu_of(int(entry))) and found[0] in tree:
                    tree.add(int(entry))
            for pid in tree:
                if (found := _cpu_of(pid)) is not None:
                    self.seen[pid] = max(self.seen.get(pid, 0.0), found[1])

    def stop(self) -> tuple[float, float]:
        """(main process, descendants) CPU seconds, as last sampled."""
        self.done.set()
        self.thread.join()
        main = self.seen.get(self.pid, 0.0)
        return main, sum(self.seen.values()) - main


def cold_poll(
    urls: list[str], match: bool, tag: str, tracer: Path = TRACER
) -> tuple[float, int, int, int, float, float, float]:
    """Seconds, new posts, new edges, database bytes, CPU seconds (``getrusage`` of
    the children; the sampled main process and its descendants) of one cold poll.

    CPU seconds (user + system of the ``tracer poll`` process tree) vary far
    less than wall time on a loaded machine.
    """
    db = fresh(BENCH / f"copies-{tag}.db")
    subprocess.run(
        [str(tracer), "--db", str(db), "feeds", "add", *urls],
        capture_output=True,
        check=True,
        cwd=BENCH,
    )
    command = [str(tracer), "--db", str(db), "poll", "--all", "--concurrency", "16"]
    if not match:
        command.append("--no-match")
    cpu = _child_cpu()
    started = time.perf_counter()
    proc = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=BENCH
    )
    tree = TreeCpu(proc.pid)
    _out, stderr = proc.communicate()
    seconds = time.perf_counter() - started
    main_cpu, workers_cpu = tree.stop()
    cpu = _child_cpu() - cpu
    if proc.returncode:
        raise SystemExit(f"tracer poll failed ({proc.returncode}): {stderr[-2000:]}")
    print(f"  main process {main_cpu:.2f} s CPU, workers {workers_cpu:.2f} s CPU", flush=True)
    done = subprocess.CompletedProcess(command, proc.returncode, _out, stderr)
    found = _SUMMARY.search(done.stderr)
    posts, edges = (int(found.group(2)), int(found.group(3))) if found else (0, 0)
    size = sum(p.stat().st_size for p in db.parent.glob(db.name + "*"))
    return seconds, posts, edges, size, cpu, main_cpu, workers_cpu


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--feeds", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--baseline", type=Path, help="another build's tracer executable")
    args = parser.parse_args()
    BENCH.mkdir(exist_ok=True)
    builds = {"this build": TRACER}
    if args.baseline:
        builds["baseline"] = args.baseline
    server = LoopServer(args.feeds)
    runs: dict[tuple[str, bool], list[tuple[float, int, int, int, float, float, float]]] = {}
    try:
        urls = server.urls[: args.feeds]
        order = [(build, match) for match in (False, True) for build in builds]
        for round_ in range(args.repeat):
            for build, match in order if round_ % 2 == 0 else order[::-1]:
                tag = f"{'base-' if build == 'baseline' else ''}{'on' if match else 'off'}"
                result = cold_poll(urls, match, tag, builds[build])
                runs.setdefault((build, match), []).append(result)
                label = "matching on " if match else "matching off"
                print(
                    f"{build}, {label}: {result[0]:.2f} s, {result[1]} posts, {result[2]} edges,"
                    f" {result[3] / 1e6:.1f} MB, {result[4]:.2f} s CPU",
                    flush=True,
                )
    finally:
        server.close()
    for build in builds:
        off, on = runs[(build, False)], runs[(build, True)]
        wall = min(r[0] for r in on) / min(r[0] for r in off)
        cpu_off = min(off, key=lambda r: r[5] + r[6])
        cpu_on = min(on, key=lambda r: r[5] + r[6])
        tree_off, tree_on = cpu_off[5] + cpu_off[6], cpu_on[5] + cpu_on[6]
        # each round's two runs were back to back: their ratio saw one machine load
        paired = statistics.median(a[0] / b[0] for a, b in zip(on, off, strict=True))
        print(
            f"copies poll, {build}: {args.feeds} feeds cold, best of {args.repeat}:"
            f" off {min(r[0] for r in off):.2f} s, on {min(r[0] for r in on):.2f} s,"
            f" ratio {wall:.2f} (goal <= 1.25); database {off[0][3] / 1e6:.1f} ->"
            f" {on[0][3] / 1e6:.1f} MB; CPU of the process tree off {tree_off:.2f} s"
            f" (main {cpu_off[5]:.2f}, workers {cpu_off[6]:.2f}), on {tree_on:.2f} s"
            f" (main {cpu_on[5]:.2f}, workers {cpu_on[6]:.2f}), ratio {tree_on / tree_off:.2f};"
            f" median of the {args.repeat} rounds' ratios {paired:.2f}"
            f" (medians: off {statistics.median(r[0] for r in off):.2f} s,"
            f" on {statistics.median(r[0] for r in on):.2f} s)"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
