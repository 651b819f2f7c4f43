"""The single writer of a cold poll, alone: replay saved feed updates into a fresh store.

``cold_timeline.py --save-updates FILE`` pickles the updates of a real cold
poll (what the workers sent back); this writes them again into a fresh
database, batched as the poll's writer does (a transaction per
``WRITE_BATCH`` feeds, each feed a savepoint), with no network and no
workers, so the writer's cost can be measured exactly (CPU, ``cProfile``,
callgrind instructions) and compared before/after a change.

    python benchmarks/replay_writes.py FILE [--feeds N] [--profile] [--dry]

``--dry`` does everything but the writes (callgrind: subtract its count).
"""

from __future__ import annotations

import argparse
import os
import pickle
import sys
import tempfile
import time
from contextlib import nullcontext
from dataclasses import replace
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
BENCH = HERE.parent / ".bench"
sys.path.insert(0, str(HERE.parent))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("updates", type=Path)
    parser.add_argument("--feeds", type=int, help="only the first N updates")
    parser.add_argument("--profile", action="store_true", help="cProfile the writes")
    parser.add_argument("--no-match", action="store_true", help="drop the fingerprints")
    parser.add_argument("--dry", action="store_true", help="load and open only, write nothing")
    parser.add_argument("--db", type=Path, help="write into this (new) file, kept")
    parser.add_argument("--urls", type=Path, default=BENCH / "timeline-urls.txt")
    args = parser.parse_args()

    from tracer import poll_loop

    WRITE_BATCH = poll_loop.WRITE_BATCH
    RUN_WAL_PAGES = getattr(poll_loop, "RUN_WAL_PAGES", 0)  # 0: a build before it
    from tracer.store import Store
    from tracer.timeutil import format_time, utcnow

    updates = pickle.loads(args.updates.read_bytes())[: args.feeds]
    if args.no_match:
        for update in updates:
            update.posts = [replace(post, fingerprint=None) for post in update.posts]
    urls = args.urls.read_text().split()
    with tempfile.TemporaryDirectory() as tmp:
        store = Store.open(args.db or Path(tmp) / "replay.db")
        for pragma in filter(None, os.environ.get("REPLAY_PRAGMAS", "").split(";")):
            store.execute(f"PRAGMA {pragma}")
        with store.transaction():
            for url in urls:
                store.add_feed(url)
        now = format_time(utcnow())
        profiler = None
        if args.profile:
            import cProfile

            profiler = cProfile.Profile()
            profiler.enable()
        cpu, wall = time.process_time(), time.perf_counter()
        posts = edges = 0
        if not args.dry:
            # as a poll writes (tracer.poll_loop.run_feeds): batches, fewer checkpoints...
            settings = getattr(poll_loop, "run_write_settings", None)  # None: a build before it
            if settings is not None:
                run_settings = settings(store)
            elif RUN_WAL_PAGES:
                run_settings = store.engine.wal_pages(RUN_WAL_PAGES)
            else:
                run_settings = nullcontext()
            with run_settings:
                _replay(store, updates, now, WRITE_BATCH)
            store.flush_matching()
            posts = int(store.execute("SELECT count(*) FROM posts").fetchone()[0])
            edges = int(store.execute("SELECT count(*) FROM edges").fetchone()[0])
        cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
        if profiler is not None:
            profiler.disable()
            import pstats

            pstats.Stats(profiler).sort_stats(os.environ.get("SORT","tottime")).print_stats(int(os.environ.get("NSTAT","25")))
        store.close()
    print(
        f"replayed {len(updates)} feeds: {posts} posts, {edges} edges,"
        f" {cpu:.2f} s CPU, {wall:.2f} s wall"
    )
    return 0


def _replay(store: Any, updates: list[Any], now: str, batch: int) -> None:
    for start in range(0, len(updates), batch):
        with store.transaction():
            for update in updates[start : start + batch]:
                store.apply(update, now)


if __name__ == "__main__":
    raise SystemExit(main())
