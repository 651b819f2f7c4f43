"""Time and size of `tracer report` on the ~1.1 M-edge store of bench_queries.

    .venv/bin/python benchmarks/bench_report.py [--db PATH] [--edges N] [--filtered]

With ``--db PATH`` an existing store there is reused (e.g. one kept by
``bench_queries.py --db PATH``); otherwise one is built (in a temporary
folder, or at PATH when it does not exist yet). The report is written by
``tracer report`` in a fresh process, as a user runs it; the wall and CPU
time of that process and the file's size are printed. ``--filtered`` also
times ``--since`` (half the year), which copies the edges in scope into a
temporary store and rebuilds its reach tables. Goals: under 60 s and 10 MB.
"""

from __future__ import annotations

import argparse
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from bench_queries import build  # noqa: E402

GOAL_SECONDS = 60
GOAL_BYTES = 10 * 1024 * 1024


def timed_report(db: Path, out: Path, *options: str) -> tuple[float, float, int]:
    """(wall s, CPU s, bytes) of one `tracer report` run in its own process."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "tracer", "--db", str(db), "report", "--out", str(out), *options],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, out.stat().st_size


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, help="reuse (or build and keep) the store here")
    parser.add_argument("--edges", type=int, default=1_000_000)
    parser.add_argument("--filtered", action="store_true", help="also time --since")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        db = args.db or Path(tmp) / "bench.db"
        if not db.exists():
            start = time.perf_counter()
            count, _tiers, _articles = build(db, args.edges)
            print(f"built {count} edges in {time.perf_counter() - start:.1f} s: {db}")
        out = Path(tmp) / "report.html"
        runs = [("report", ())]
        if args.filtered:
            runs.append(("report --since 2019-07-01", ("--since", "2019-07-01")))
        for name, options in runs:
            wall, cpu, size = timed_report(db, out, *options)
            met = wall < GOAL_SECONDS and size < GOAL_BYTES
            print(
                f"{name}: {wall:.1f} s wall, {cpu:.1f} s CPU, {size / 1024:.0f} KiB"
                f" (goal < {GOAL_SECONDS} s and < 10 MiB: {'met' if met else 'MISSED'})"
            )


if __name__ == "__main__":
    main()
