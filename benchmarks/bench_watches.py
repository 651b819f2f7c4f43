"""`watch new`, `watch feed` and the by-outlet queries on the ~1.1 M-edge query store.

Builds the store of ``bench_queries.py`` (or reuses ``--db``), groups the most
reached origin domains into one outlet until it reaches at least
``--matches`` posts (10,000 by default), watches it, and times in-process
(best of ``--repeat``, wall clock and CPU):

* ``watch add`` (records the matches already there),
* ``watch new`` with nothing new, and with every match new (its state cleared),
* ``watch feed`` with the default 50 entries and with every match,
* ``tracer watch new`` and ``tracer watch feed --out`` as commands (a new
  process each: interpreter start and imports included; wall clock, and the
  CPU column is the parent's, not the child's),
* ``origins`` / ``sites`` by domain and by outlet.

    .venv/bin/python benchmarks/bench_watches.py [--db PATH] [--edges N] [--matches N]
        [--postgresql URL]   # the same, on a copy of the store in PostgreSQL

Goals (issue 17): ``watch new`` and ``watch feed`` under 1 s each.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_queries import build

from tracer.by_outlet import origins_by_outlet, sites_by_outlet
from tracer.graph import origins, sites
from tracer.outlets import add_outlet
from tracer.store import Store
from tracer.watches import add_watch, feed_document, new_matches


def best(fn: Callable[[], Any], repeat: int) -> tuple[float, float, Any]:
    """(best wall seconds, CPU seconds of that run, result)."""
    results = []
    for _ in range(repeat):
        start, start_cpu = time.perf_counter(), time.process_time()
        value = fn()
        results.append((time.perf_counter() - start, time.process_time() - start_cpu, value))
    return min(results, key=lambda r: r[0])


def report(name: str, timing: tuple[float, float, Any], goal: float | None = None) -> bool:
    wall, cpu, _ = timing
    verdict = "" if goal is None else (" met" if wall < goal else " MISSED")
    print(f"{name:<34} {wall:7.3f} s (cpu {cpu:.3f} s){verdict}")
    return goal is None or wall < goal


def _cli(db: Path | str, command: list[str]) -> None:
    """The command in a fresh process (interpreter start, imports and opening included)."""
    tracer = Path(sys.executable).with_name("tracer")
    subprocess.run([str(tracer), "--db", str(db), *command], check=True, stdout=subprocess.DEVNULL)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, help="reuse (or keep) the store here")
    parser.add_argument("--edges", type=int, default=1_000_000)
    parser.add_argument("--matches", type=int, default=10_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument(
        "--postgresql",
        metavar="URL",
        help="copy the store into this (empty) PostgreSQL database and time it there",
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        path = args.db or Path(tmp) / "bench.db"
        if not path.exists():
            start = time.perf_counter()
            count, _tiers, _articles = build(path, args.edges)
            print(f"built {count} edges in {time.perf_counter() - start:.1f} s: {path}")
        target: Path | str = path
        if args.postgresql:
            from tracer.copydb import copy_store

            start = time.perf_counter()
            source, destination = Store.open(path), Store.open(args.postgresql)
            copy_store(source, destination)
            source.close()
            destination.close()
            print(f"copied to PostgreSQL in {time.perf_counter() - start:.1f} s")
            target = args.postgresql
        store = Store.open(target)
        for table in ("watches", "outlet_domains", "outlets"):
            store.execute(f"DELETE FROM {table}")
        ranked = origins(store)
        chosen, total = [], 0
        for row in ranked:
            chosen.append(row["domain"])
            total += row["reposts"]
            if total >= args.matches * 1.05:  # a post may reach several: count distinct below
                break
        add_outlet(store, "Bench outlet", chosen)
        (edges,) = store.execute("SELECT count(*) FROM edges").fetchone()
        print(f"store: {edges} edges; outlet of {len(chosen)} origin domains")
        print("load average (1, 5, 15 min): " + ", ".join(f"{x:.1f}" for x in os.getloadavg()))
        report("origins --by domain", best(lambda: origins(store), args.repeat))
        report("origins --by outlet", best(lambda: origins_by_outlet(store), args.repeat))
        report("sites --by domain", best(lambda: sites(store), 1))
        report("sites --by outlet", best(lambda: sites_by_outlet(store), 1))
        timing = best(lambda: add_watch(store, "outlet", "Bench outlet"), 1)
        watch, matches, _created = timing[2]
        print(f"watch {watch.id} on the outlet matches {matches} posts")
        report("watch add", timing)
        timing = best(lambda: feed_document(store, None), args.repeat)
        report(f"watch feed (all, {len(timing[2]) // 1024} KiB)", timing)
        # the goals last (make bench keeps the last five lines)
        ok = report("watch new (nothing new)", best(lambda: new_matches(store), args.repeat), 1)

        def all_new() -> list[dict[str, Any]]:
            store.execute("DELETE FROM watch_seen WHERE watch_id = ?", [watch.id])
            return new_matches(store)

        timing = best(all_new, args.repeat)
        ok &= report(f"watch new ({len(timing[2])} new)", timing, 1)
        timing = best(lambda: feed_document(store, 50), args.repeat)
        ok &= report("watch feed --limit 50", timing, 1)
        out = str(Path(tmp) / "w.xml")
        new_cli = best(lambda: _cli(target, ["watch", "new"]), args.repeat)
        feed_cli = best(lambda: _cli(target, ["watch", "feed", "--out", out]), args.repeat)
        ok &= new_cli[0] < 1 and feed_cli[0] < 1
        print(
            f"$ tracer watch new / watch feed --out F (new processes): {new_cli[0]:.3f} s"
            f" / {feed_cli[0]:.3f} s wall"
        )
        print("goals: watch new and watch feed < 1 s: " + ("met" if ok else "MISSED"))
        store.close()


if __name__ == "__main__":
    main()
