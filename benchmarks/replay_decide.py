"""A cold poll's parse workers, alone: decide N generated feeds in this process.

What one worker process does per feed of a cold poll (``decide.decide_safely``:
hash the body, parse it, extract each item's credits, canonicalize, fingerprint;
then pickle the update it sends back), on the benchmark's own feeds
(``feedgen.py``), with no network, no pool and no database, so the workers'
cost can be measured exactly and compared before/after a change: CPU seconds,
or instructions under callgrind (``--skip`` feeds are decided first and not
counted, so a run with ``--feeds 0`` is the baseline to subtract), or a
``cProfile`` (``--profile``). The digest of the pickled updates tells whether two
builds send back the same bytes. ``--unpickle`` then times the writer's process's
share of the transfer: loading each update and reading each post's fingerprint
columns, as its results thread and the writer do. The writer's side is
``replay_writes.py``.

    python benchmarks/replay_decide.py [--feeds 300] [--skip 1] [--no-match] [--profile]
        [--unpickle]
    valgrind --tool=callgrind python benchmarks/replay_decide.py --feeds 20   (minus --feeds 0)
"""

from __future__ import annotations

import argparse
import hashlib
import pickle
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

from feedgen import make_feeds  # noqa: E402


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--feeds", type=int, default=300, help="feeds decided and counted")
    parser.add_argument("--skip", type=int, default=1, help="feeds decided first, not counted")
    parser.add_argument("--no-match", action="store_true", help="no fingerprints (--no-match)")
    parser.add_argument("--profile", action="store_true", help="cProfile the counted feeds")
    parser.add_argument(
        "--unpickle", action="store_true", help="then time loading the updates (writer's share)"
    )
    args = parser.parse_args()

    import tracer.fingerprint  # noqa: F401  (a worker preloads these: tracer.parse_server)
    from tracer.decide import PARSER_MODULES
    from tracer.decide import decide_safely as _decide_safely
    from tracer.models import FeedState, FetchResult

    for module in PARSER_MODULES:
        __import__(module)
    now = datetime(2026, 1, 1, tzinfo=UTC)
    jobs: list[tuple[Any, Any]] = []
    for index, feed in enumerate(make_feeds(args.skip + args.feeds)):
        url = f"http://127.0.0.1:8000{feed.path}"
        headers = {"content-type": feed.content_type}
        outcome = FetchResult(
            url=url,
            status=200,
            final_url=url,
            body=feed.body,
            etag='"1"',
            content_type=feed.content_type,
            headers=headers,
        )
        jobs.append((FeedState(id=index + 1, url=url), outcome))

    digest = hashlib.sha256()  # of every update sent back: two builds compare by it

    pickled: list[bytes] = []  # the counted feeds' updates, for --unpickle

    def decide(batch: list[tuple[Any, Any]]) -> tuple[int, int, int]:
        posts = edges = size = 0
        for state, outcome in batch:
            update = _decide_safely(state, outcome, now, not args.no_match)
            sent = pickle.dumps(update, protocol=pickle.HIGHEST_PROTOCOL)
            if args.unpickle:
                pickled.append(sent)
            digest.update(sent)
            size += len(sent)
            posts += len(update.posts)
            edges += len(update.edges)
        return posts, edges, size

    decide(jobs[: args.skip])  # imports, compiled patterns, caches: not counted
    pickled.clear()
    profiler = None
    if args.profile:
        import cProfile

        profiler = cProfile.Profile()
        profiler.enable()
    cpu = time.process_time()
    posts, edges, size = decide(jobs[args.skip :])
    cpu = time.process_time() - cpu
    if profiler is not None:
        profiler.disable()
        import pstats

        pstats.Stats(profiler).sort_stats("tottime").print_stats(30)
    per_feed = cpu / max(args.feeds, 1) * 1e3
    print(
        f"decided {args.feeds} feeds: {posts} posts, {edges} edges, {size / 1e6:.1f} MB pickled,"
        f" {cpu:.2f} s CPU ({per_feed:.2f} ms per feed), digest {digest.hexdigest()[:16]}"
    )
    if args.unpickle:
        times = []
        for _ in range(5):  # best of five: a short measurement
            loaded = time.process_time()
            for sent in pickled:
                for post in pickle.loads(sent).posts:
                    if post.fingerprint is not None:
                        post.fingerprint.columns  # noqa: B018  (what the writer reads of each)
            times.append(time.process_time() - loaded)
        print(
            f"unpickled {len(pickled)} updates, each post's fingerprint columns read, best of 5:"
            f" {min(times):.3f} s CPU ({min(times) / max(posts, 1) * 1e6:.2f} µs per post)"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
