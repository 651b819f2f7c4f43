"""A cold poll, side by side: this build against another one (``--baseline``) and the floor.

Serves N generated feeds × 50 items (``feedgen.py`` via ``loopserver.py``)
and times ``tracer poll --all`` into a fresh database, alternating the
contenders ``--repeat`` times so all see the same machine load: wall time,
CPU seconds of the whole process tree (poller, forkserver, workers) and its
peak memory (``treemem.py``). With ``--baseline /other/venv/bin/tracer`` the
other build runs too (e.g. main before a change); with ``--floor`` the bare
httpx + feedparser loop (``floor.py``) as well. Prints each run and the best
of each, with the ratios to the first contender.

    python benchmarks/bench_cold_poll.py [--feeds 300] [--repeat 2] [--no-match]
        [--baseline PATH] [--floor] [--quiet]
"""

from __future__ import annotations

import argparse
import os
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

from run import LoopServer, fresh, timed  # noqa: E402
from treemem import cpu_seconds, descendants, pss_kb  # noqa: E402


def run_tree(command: list[str]) -> tuple[float, float, float, float, str]:
    """Wall seconds, CPU seconds of the whole tree and of the first process, peak MB, output.

    The first process (the poller: event loop, HTTP, SQLite) is the one whose
    time cannot spread over both cores; its CPU is reported apart.
    """
    started = time.perf_counter()
    proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    cpu: dict[int, float] = {}
    peak = [0.0]

    def sample() -> None:
        while proc.poll() is None:
            pids = descendants(proc.pid)
            peak[0] = max(peak[0], sum(pss_kb(p) for p in pids) / 1024)
            for pid in pids:
                cpu[pid] = max(cpu.get(pid, 0.0), cpu_seconds(pid))
            time.sleep(0.02)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    out, err = proc.communicate()
    sampler.join()
    wall = time.perf_counter() - started
    return wall, sum(cpu.values()), cpu.get(proc.pid, 0.0), peak[0], out + err


def write_bytecode(tracer: Path) -> None:
    """Compile the tracer package that ``tracer`` runs (as ``run.py`` does for its own).

    An editable checkout has no bytecode until a run writes it: under
    ``PYTHONDONTWRITEBYTECODE=1`` every start would compile tracer's sources again.
    """
    python = tracer.parent / "python"
    where = subprocess.run(
        [str(python), "-c", "import os, tracer; print(os.path.dirname(tracer.__file__))"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    subprocess.run([str(python), "-m", "compileall", "-q", where], check=True)


def poll_command(tracer: Path, db: Path, match: bool) -> list[str]:
    command = [str(tracer), "--db", str(db), "poll", "--all", "--concurrency", "16"]
    return command if match else [*command, "--no-match"]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--feeds", type=int, default=300)
    parser.add_argument("--repeat", type=int, default=2)
    parser.add_argument("--no-match", action="store_true", help="poll with --no-match")
    parser.add_argument("--baseline", type=Path, help="another build's tracer executable")
    parser.add_argument("--floor", action="store_true", help="run floor.py too")
    parser.add_argument(
        "--quiet",
        action="store_true",
        help="a quiet machine's view on a loaded one (root; cold_timeline.cpu_first)",
    )
    args = parser.parse_args()
    if args.quiet:
        from cold_timeline import cpu_first

        with cpu_first():
            return measure(args)
    return measure(args)


def measure(args: argparse.Namespace) -> int:
    BENCH.mkdir(exist_ok=True)
    contenders: list[tuple[str, Path | None]] = [("tracer", TRACER)]
    if args.baseline:
        contenders.append(("baseline", args.baseline))
    if args.floor:
        contenders.append(("floor", None))
    for _name, tracer in contenders:
        if tracer is not None:
            write_bytecode(tracer)
    server = LoopServer(args.feeds)
    best: dict[str, tuple[float, float, float, float]] = {}
    try:
        urls = server.urls[: args.feeds]
        urls_file = server.write_urls(args.feeds)
        for round_ in range(args.repeat):
            order = contenders if round_ % 2 == 0 else contenders[::-1]
            for name, tracer in order:
                if tracer is None:
                    command = [sys.executable, str(HERE / "floor.py"), str(urls_file)]
                    command.append(str(args.feeds))
                else:
                    db = fresh(BENCH / f"cold-{name}.db")
                    add = timed([str(tracer), "--db", str(db), "feeds", "add", *urls])
                    assert add.ok, add.output
                    command = poll_command(tracer, db, not args.no_match)
                wall, cpu, main_cpu, rss, output = run_tree(command)
                tail = output.strip().splitlines()[-1:] or [""]
                print(
                    f"{name:9} {wall:6.2f} s wall, {cpu:6.2f} s CPU ({main_cpu:5.2f} s poller),"
                    f" {rss:5.0f} MB  {tail[0][:80]}",
                    flush=True,
                )
                seen = best.get(name, (wall, cpu, main_cpu, rss))
                # fastest wall and least CPU seen; memory: the highest peak
                best[name] = (
                    min(seen[0], wall),
                    min(seen[1], cpu),
                    min(seen[2], main_cpu),
                    max(seen[3], rss),
                )
    finally:
        server.close()
    load = os.getloadavg()[0]
    first = best["tracer"]
    print(f"best of {args.repeat}, {args.feeds} feeds, load {load:.1f}:")
    for name, (wall, cpu, main_cpu, rss) in best.items():
        print(
            f"  {name:9} {wall:6.2f} s wall ({first[0] / wall:.2f}x tracer/this),"
            f" {cpu:6.2f} s CPU ({first[1] / cpu:.2f}x), poller {main_cpu:5.2f} s CPU"
            f" ({first[2] / max(main_cpu, 0.01):.2f}x), {rss:.0f} MB"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
