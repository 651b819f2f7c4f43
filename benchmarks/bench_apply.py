"""Write speed of ``Store.apply``: edges per second, on a fresh store or on top of a big one.

Posts on a few hundred sites cite origin articles and each other, grouped
into feed polls of 20 posts that are applied in random order, so posts are
often cited before their own feed is polled (the case where an origin turns
into an intermediary and ``Store.apply`` recomputes that domain's reach).

    .venv/bin/python benchmarks/bench_apply.py [--edges 100000] [--db existing.db]

With ``--db``, the polls are applied to a copy-on-write of nothing: the file
itself is written to, so pass a scratch copy (e.g. the bench_queries database).
Last line: ``apply … edges/s (cpu …)``. ``--again``: then every poll is applied a
second time, a minute later (a warm poll where every feed changed: each edge is
stored already, its ``last_seen`` moves), timed apart: ``again … edges/s``.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tracer.models import EdgeRecord, FeedChanges, FeedUpdate, PostRecord
from tracer.store import Store


def polls(n_edges: int, seed: int = 3) -> list[tuple[str, list[tuple[str, list[str]]]]]:
    rng = random.Random(seed)
    n_posts = int(n_edges / 1.5)
    articles = [
        f"https://www.origin{rng.randrange(300)}.com/w/{i}-story/" for i in range(n_posts // 7)
    ]
    n_sites = max(5, n_posts // 400)
    posts = [f"https://site{rng.randrange(n_sites)}.example/w/{i}-post/" for i in range(n_posts)]
    items: dict[str, list[tuple[str, list[str]]]] = {}
    for i, url in enumerate(posts):
        sources = {articles[int(len(articles) * rng.random() ** 2)]}
        if i and rng.random() < 0.5:
            sources.add(posts[rng.randrange(n_posts)])  # maybe not polled yet
        feed = url.split("/w/")[0] + "/feed/"
        items.setdefault(feed, []).append((url, sorted(sources)))
    result = [
        (feed, chunk[k : k + 20]) for feed, chunk in items.items() for k in range(0, len(chunk), 20)
    ]
    rng.shuffle(result)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--edges", type=int, default=100_000)
    parser.add_argument("--db", type=Path, help="apply on top of this database (written to)")
    parser.add_argument("--again", action="store_true", help="then apply every poll again")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        store = Store.open(args.db or Path(tmp) / "apply.db")
        work = polls(args.edges)
        feed_ids = {}
        for feed, _items in work:
            if feed not in feed_ids:
                store.add_feed(feed)
                row = store.feed_by_url(feed)
                assert row is not None
                feed_ids[feed] = row["id"]
        updates = [
            FeedUpdate(
                feed_id=feed_ids[feed],
                feed=FeedChanges(),
                posts=[PostRecord(url, url, url, None, None) for url, _s in items],
                edges=[
                    EdgeRecord(url, source, "source-article-from", "Source", source)
                    for url, sources in items
                    for source in sources
                ],
            )
            for feed, items in work
        ]
        edges = 0
        start, start_cpu = time.perf_counter(), time.process_time()
        for update in updates:
            edges += store.apply(update)[1]
        wall, cpu = time.perf_counter() - start, time.process_time() - start_cpu
        if args.again:
            seen = sum(len(update.edges) for update in updates)
            start, start_cpu = time.perf_counter(), time.process_time()
            for update in updates:
                store.apply(update, "2100-01-01T00:01:00Z")
            again = time.perf_counter() - start, time.process_time() - start_cpu
        store.close()
    print(f"{len(work)} polls, {edges} new edges in {wall:.1f} s")
    if args.again:
        print(f"again {seen / again[0]:,.0f} edges/s (cpu {seen / again[1]:,.0f} edges/s)")
    print(f"apply {edges / wall:,.0f} edges/s (cpu {edges / cpu:,.0f} edges/s)")


if __name__ == "__main__":
    main()
