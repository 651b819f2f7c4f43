"""What finding copies costs each side of a poll, without HTTP: parse workers and the writer.

Decides the generated feeds (``feedgen.py``: N feeds × 50 items) in this
process, with and without fingerprints (the parse workers' share), then
applies the updates through :meth:`Store.apply` to two fresh databases, one
with the fingerprints and one without (the writer's share), one transaction
per feed as ``tracer poll`` writes them. Prints CPU seconds of each step, per
post, the index rows written per post and the database sizes. CPU seconds and
``valgrind --tool=callgrind`` counts of this script are steady on a busy
machine, where wall times of a whole poll are not.

    python benchmarks/bench_copies_apply.py [--feeds 300] [--only decide|apply]
"""

from __future__ import annotations

import argparse
import dataclasses
import sqlite3
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

from feedgen import make_feeds  # noqa: E402

from tracer.decide import decide  # noqa: E402
from tracer.models import FeedState, FeedUpdate, FetchResult  # noqa: E402
from tracer.store import Store  # noqa: E402

NOW = datetime(2026, 3, 23, 12, 0, tzinfo=UTC)


def decide_all(count: int, fingerprints: bool) -> tuple[list[FeedUpdate], float]:
    """The updates of ``count`` generated feeds and the CPU seconds deciding them took."""
    feeds = make_feeds(count)
    started = time.process_time()
    updates = []
    for index, feed in enumerate(feeds, start=1):
        url = f"http://127.0.0.1:8000{feed.path}"
        outcome = FetchResult(url, 200, url, body=feed.body, content_type=feed.content_type)
        updates.append(decide(FeedState(index, url), outcome, NOW, fingerprints=fingerprints))
    return updates, time.process_time() - started


def apply_all(path: Path, updates: list[FeedUpdate]) -> float:
    """CPU seconds of applying ``updates`` (and the final index flush) to a fresh store."""
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    store = Store.open(path, create=True)
    with store.transaction():
        for update in updates:
            store.execute(
                "INSERT INTO feeds (id, url, added_at) VALUES (?, ?, 'x')",
                [update.feed_id, f"http://127.0.0.1:8000/{update.feed_id}"],
            )
    started = time.process_time()
    for update in updates:
        store.apply(update, "2026-03-23T12:00:00Z")
    store.flush_matching()
    seconds = time.process_time() - started
    store.close()
    return seconds


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--feeds", type=int, default=300)
    parser.add_argument("--only", choices=["decide", "apply"])
    parser.add_argument("--repeat", type=int, default=1, help="best of N applies of each kind")
    args = parser.parse_args()
    with_fp, decide_on = decide_all(args.feeds, True)
    posts = sum(len(u.posts) for u in with_fp)
    if args.only != "apply":
        _updates, decide_off = decide_all(args.feeds, False)
        print(
            f"decide: off {decide_off:.2f} s, on {decide_on:.2f} s CPU;"
            f" fingerprints {1e6 * (decide_on - decide_off) / posts:.0f} us a post"
        )
    if args.only == "decide":
        return 0
    without = [
        dataclasses.replace(u, posts=[dataclasses.replace(p, fingerprint=None) for p in u.posts])
        for u in with_fp
    ]
    with tempfile.TemporaryDirectory() as tmp:
        off = on = float("inf")
        for _round in range(args.repeat):
            off = min(off, apply_all(Path(tmp) / "off.db", without))
            on = min(on, apply_all(Path(tmp) / "on.db", with_fp))
        size_off = (Path(tmp) / "off.db").stat().st_size
        size_on = (Path(tmp) / "on.db").stat().st_size
        conn = sqlite3.connect(Path(tmp) / "on.db")
        (rows,) = conn.execute("SELECT count(*) FROM text_keys").fetchone()
        (inferred,) = conn.execute("SELECT count(*) FROM edges WHERE kind = 'inferred'").fetchone()
        conn.close()
    print(
        f"apply: off {off:.2f} s, on {on:.2f} s CPU; matching {1e6 * (on - off) / posts:.0f} us"
        f" a post; {rows / posts:.1f} index rows a post; {inferred} inferred edges;"
        f" database {size_off / 1e6:.1f} -> {size_on / 1e6:.1f} MB ({posts} posts)"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
