"""Start-up cost of the CLI against the floor of any typer CLI on SQLite.

``python benchmarks/bench_startup.py [ROUNDS]`` times, interleaved round by
round (so a load change hits every contender alike), whole processes:

- the floor: ``python -c "import typer, sqlite3"``;
- ``tracer poll`` with nothing due (a database with one feed polled just now);
- ``tracer chain URL`` of a known post (a database with a two-hop chain);
- ``tracer clean-url URL``.

It prints the median wall time and the median CPU time (user + system, less
sensitive to other processes on a shared machine) of each, and its ratio to
the floor's. The goal: ``poll`` and ``chain`` within 1.5× the floor.
"""

from __future__ import annotations

import os
import resource
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
TRACER = Path(sys.executable).parent / "tracer"
POST = "https://blog.example/2019/03/a-post/"


def prepare(folder: Path) -> Path:
    """A database with one feed, polled just now, and a two-hop chain from POST."""
    sys.path.insert(0, str(HERE.parent))
    from tracer.models import EdgeRecord, FeedChanges, FeedUpdate, PostRecord
    from tracer.store import Store
    from tracer.timeutil import format_time, utcnow

    db = folder / "startup.db"
    store = Store.open(db)
    store.add_feed("https://blog.example/feed/")
    feed_id = store.query("SELECT id FROM feeds")[0]["id"]
    later = format_time(utcnow().replace(year=utcnow().year + 1))
    middle = "https://agg.example/2019/03/a-post/"
    store.apply(
        FeedUpdate(
            feed_id,
            FeedChanges(last_status=200, next_poll_at=later),
            posts=[PostRecord(POST, POST, None, "A post", None)],
            edges=[
                EdgeRecord(POST, middle, "via-link", "via", middle),
                EdgeRecord(middle, "https://www.rt.com/news/1/", "via-link", "via", "x"),
            ],
        )
    )
    store.close()
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT count(*) FROM edges").fetchone()[0] == 2
    return db


def run_once(command: list[str]) -> tuple[float, float]:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    proc = subprocess.run(command, capture_output=True, check=False)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(command)} exited {proc.returncode}: {proc.stderr[-400:]!r}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def main(rounds: int) -> int:
    # Installed packages carry bytecode (pip compiles it); a checkout run with
    # PYTHONDONTWRITEBYTECODE=1 would recompile tracer's sources at every start.
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(ROOT / "tracer")], check=True)
    with tempfile.TemporaryDirectory() as tmp:
        db = prepare(Path(tmp))
        env_db = ["--db", str(db)]
        contenders = {
            "floor (import typer, sqlite3)": [sys.executable, "-c", "import typer, sqlite3"],
            "tracer poll, nothing due": [str(TRACER), *env_db, "poll"],
            "tracer chain URL": [str(TRACER), *env_db, "chain", POST],
            "tracer clean-url URL": [str(TRACER), "clean-url", POST + "?utm_source=x"],
        }
        times: dict[str, list[tuple[float, float]]] = {name: [] for name in contenders}
        for _ in range(rounds):
            for name, command in contenders.items():
                times[name].append(run_once(command))
    floor_wall = statistics.median(w for w, _c in times["floor (import typer, sqlite3)"])
    floor_cpu = statistics.median(c for _w, c in times["floor (import typer, sqlite3)"])
    print(f"start-up, median of {rounds} interleaved runs ({os.cpu_count()} CPUs, shared):")
    for name, samples in times.items():
        wall = statistics.median(w for w, _c in samples)
        cpu = statistics.median(c for _w, c in samples)
        print(
            f"  {name:<32} wall {wall * 1000:6.0f} ms ({wall / floor_wall:4.2f}× floor)"
            f"  cpu {cpu * 1000:6.0f} ms ({cpu / floor_cpu:4.2f}× floor)"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main(int(sys.argv[1]) if len(sys.argv) > 1 else 21))
