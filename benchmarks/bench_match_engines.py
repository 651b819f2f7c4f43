"""Text matching on both engines: a cold poll with matching, SQLite beside PostgreSQL.

``python benchmarks/bench_match_engines.py [--feeds 300] [--repeat 2] [--before DIR]``

Serves the benchmark's feeds (``feedgen``, 50 items each) on loopback
(``loopserver``) and runs ``tracer poll --all`` as a process into a fresh
store, in alternating order each round so every contender sees the same
machine load: SQLite and PostgreSQL, each with and without ``--no-match``
(``--matching-only`` leaves those out). ``--before DIR`` adds a SQLite poll
with matching by another checkout of tracer (e.g. ``git archive main | tar
-x -C DIR``), to compare the SQLite path of two versions side by side.
Prints wall time, the CPU seconds of the poller's process tree (forkserver
and parse workers included) and, for PostgreSQL, of the server's processes;
then the best wall and the least CPU of each, and the ratios (issue 16's
goal: PostgreSQL ≤ 1.5 × SQLite).

The server is ``TRACER_BENCH_PG`` (a database URL whose ``public`` schema the
benchmark may wipe) or a throwaway durable cluster (``tests/pgcluster.py``),
as in ``bench_postgres.py``.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(ROOT / "tests"))

from bench_postgres import TreeCPU, add_feeds, postgres, server_pid, wipe  # noqa: E402


@dataclass
class Run:
    wall: float
    cpu: float  # the poller's process tree
    server: float  # the PostgreSQL server's processes (0 on SQLite)
    line: str

    @property
    def total(self) -> float:
        return self.cpu + self.server


def cold_poll(db: str, match: bool, code: Path, server: int | None) -> Run:
    """One ``tracer poll --all`` of the tracer in ``code`` (its checkout is the cwd)."""
    command = [sys.executable, "-m", "tracer", "--db", db, "poll", "--all", "--concurrency", "16"]
    if not match:
        command.append("--no-match")
    start = time.perf_counter()
    proc = subprocess.Popen(command, stderr=subprocess.PIPE, text=True, cwd=code)
    with TreeCPU([proc.pid]) as cpu, TreeCPU([server] if server else []) as srv:
        _out, err = proc.communicate()
    if proc.returncode:
        raise SystemExit(f"tracer poll failed: {err[-2000:]}")
    wall = time.perf_counter() - start
    return Run(wall, cpu.seconds, srv.seconds if server else 0.0, err.strip().splitlines()[-1])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--feeds", type=int, default=300)
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--before", type=Path, help="another tracer checkout: its SQLite poll too")
    parser.add_argument(
        "--matching-only", action="store_true", help="leave out the --no-match polls (faster)"
    )
    args = parser.parse_args()
    with postgres() as url, tempfile.TemporaryDirectory() as tmp:
        server = server_pid(url)
        urls_file = Path(tmp) / "urls.txt"
        serve = [sys.executable, str(HERE / "loopserver.py"), "--count", str(args.feeds)]
        feeds = subprocess.Popen(
            [*serve, "--urls", str(urls_file)],
            stdout=subprocess.PIPE,
            text=True,
        )
        try:
            assert feeds.stdout is not None
            while "READY" not in feeds.stdout.readline():
                pass
            urls = urls_file.read_text().split()
            contenders: list[tuple[str, str, bool, Path]] = [
                ("sqlite, no match", "sqlite", False, ROOT),
                ("sqlite", "sqlite", True, ROOT),
                ("postgresql, no match", "postgresql", False, ROOT),
                ("postgresql", "postgresql", True, ROOT),
            ]
            if args.matching_only:
                contenders = [c for c in contenders if c[2]]
            if args.before:
                contenders.insert(2, ("sqlite, before", "sqlite", True, args.before.resolve()))
            best: dict[str, Run] = {}  # least CPU (poller + server)
            fastest: dict[str, float] = {}  # least wall
            for round_ in range(args.repeat):
                for name, engine, match, code in contenders[:: 1 if round_ % 2 == 0 else -1]:
                    if engine == "sqlite":
                        db = str(Path(tmp) / f"poll-{time.time_ns()}.db")
                    else:
                        db = url
                        wipe(url)
                    add_feeds(db, urls)
                    run = cold_poll(db, match, code, server if engine == "postgresql" else None)
                    srv = f", server CPU {run.server:.1f} s" if engine == "postgresql" else ""
                    print(
                        f"{name}: {run.wall:.1f} s wall, poller CPU {run.cpu:.1f} s{srv}"
                        f"  | {run.line}",
                        flush=True,
                    )
                    if name not in best or run.total < best[name].total:
                        best[name] = run
                    fastest[name] = min(fastest.get(name, run.wall), run.wall)
        finally:
            feeds.terminate()
            feeds.wait()
    lite, pg = best["sqlite"], best["postgresql"]
    print(f"best of {args.repeat} (wall and CPU each), {args.feeds} feeds x 50 items, cold:")
    for name, run in best.items():
        print(
            f"  {name}: {fastest[name]:.1f} s wall, CPU {run.cpu:.1f} s poller"
            f" + {run.server:.1f} s server = {run.total:.1f} s"
        )
    print(
        f"postgresql / sqlite with matching: wall {fastest['postgresql'] / fastest['sqlite']:.2f}x"
        f" (goal <= 1.5), CPU (poller + server) {pg.total / lite.total:.2f}x,"
        f" poller CPU {pg.cpu / lite.cpu:.2f}x"
    )
    for engine in ("sqlite", "postgresql") if not args.matching_only else ():
        off = f"{engine}, no match"
        print(
            f"{engine}: matching costs {best[engine].total / best[off].total:.2f}x CPU,"
            f" {fastest[engine] / fastest[off]:.2f}x wall"
        )
    if "sqlite, before" in best:
        before = best["sqlite, before"]
        print(
            f"sqlite with matching, this checkout / --before: CPU {lite.cpu / before.cpu:.3f}x,"
            f" wall {fastest['sqlite'] / fastest['sqlite, before']:.2f}x"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
