"""Precision and recall of inferred edges on the generated copy worlds, and a digest of them.

Builds the worlds of ``copyworld.py`` for each seed (default 7–11), feeds
them through the poller's path without HTTP (:func:`tracer.decide.decide`,
then :meth:`Store.apply` one feed at a time: first in the world's order, the
outlet first; then a second store with the outlet last, so copies are
re-pointed to it), scores the inferred edges against the truth, then runs
``rematch`` on the first store and scores again. The digest (SHA-256 of
every inferred edge with its score and evidence) shows whether a change to
the matching code changed any output at all.

    python benchmarks/eval_copies.py [--seeds 7-11] [--short-excerpts]
"""

from __future__ import annotations

import argparse
import hashlib
import sys
import tempfile
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

import copyworld  # noqa: E402

from tracer.decide import decide  # noqa: E402
from tracer.models import FeedState, FetchResult  # noqa: E402
from tracer.store import Store  # noqa: E402

NOW = datetime(2026, 3, 30, 12, 0, tzinfo=UTC)
Edge = tuple[str, str, float, str]


def poll_world(path: Path, world: copyworld.World, outlet_last: bool) -> list[Edge]:
    """Apply every feed of ``world`` to a fresh store at ``path``; its inferred edges."""
    store = Store.open(path, create=True)
    feeds = sorted(world.feeds, key=lambda p: (outlet_last and p.endswith("/outlet.xml"), p))
    for path_ in feeds:
        url = f"http://127.0.0.1:9/{path_.lstrip('/')}"
        store.add_feed(url)
        row = store.feed_by_url(url)
        assert row is not None
        outcome = FetchResult(url, 200, url, body=world.feeds[path_], content_type="text/xml")
        store.apply(decide(FeedState(row["id"], url), outcome, NOW))
    store.flush_matching()
    edges = inferred(store)
    store.close()
    return edges


def inferred(store: Store) -> list[Edge]:
    return [
        (r, s, score, evidence)
        for r, s, score, evidence in store.execute(
            "SELECT repost_url, source_url, score, evidence FROM edges"
            " WHERE kind = 'inferred' ORDER BY 1, 2"
        )
    ]


KINDS = ("whole", "excerpt", "edited", "copy-of-copy", "short excerpt")


def by_kind(world: copyworld.World, edges: list[Edge]) -> Counter[str]:
    """Copies found and copies in all, per kind of copy; wrong edges by what the repost is.

    A wrong edge's repost is a copy (linked to another article's family), a
    rival outlet's own article on the same story, or a blog's own post.
    """
    counts: Counter[str] = Counter()
    found = {
        r for r, s, _score, _e in edges if world.family.get(r) == world.family.get(s) is not None
    }
    for url, kind in world.kinds.items():
        counts[f"{kind} copies"] += 1
        counts[f"{kind} found"] += url in found
    for r, s, _score, _e in edges:
        if world.family.get(r) is None or world.family.get(r) != world.family.get(s):
            what = world.kinds.get(r) or ("own post" if "/own/" in r else "rival article")
            counts[f"wrong {what}"] += 1
    return counts


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", default="7-11")
    parser.add_argument(
        "--short-excerpts",
        action="store_true",
        help="also a 50-120-word excerpt of each article (copyworld.build short_excerpts)",
    )
    args = parser.parse_args()
    first, _, last = args.seeds.partition("-")
    seeds = range(int(first), int(last or first) + 1)
    from tracer.rematch import rematch

    digest = hashlib.sha256()
    totals: dict[str, dict[str, int]] = {}
    kinds: dict[str, Counter[str]] = {}  # run -> "kind found" / "kind copies" / "wrong into"
    with tempfile.TemporaryDirectory() as tmp:
        for seed in seeds:
            world = copyworld.build(seed, short_excerpts=args.short_excerpts)
            runs = {
                "poll": poll_world(Path(tmp) / f"{seed}.db", world, False),
                "outlet last": poll_world(Path(tmp) / f"{seed}-late.db", world, True),
            }
            store = Store.open(Path(tmp) / f"{seed}.db")
            rematch(store)
            runs["rematch"] = inferred(store)
            store.close()
            for name, edges in runs.items():
                digest.update(repr((seed, name, edges)).encode())
                got = copyworld.score(world, [(r, s) for r, s, _score, _e in edges])
                total = totals.setdefault(name, {"edges": 0, "right": 0, "found": 0, "copies": 0})
                for key in total:
                    total[key] += int(got[key])
                kinds.setdefault(name, Counter()).update(by_kind(world, edges))
    for name, total in totals.items():
        precision = total["right"] / total["edges"] if total["edges"] else 1.0
        recall = total["found"] / total["copies"]
        print(
            f"{name}: {total['edges']} edges, {total['edges'] - total['right']} wrong,"
            f" {total['found']}/{total['copies']} copies found:"
            f" precision {precision:.4f}, recall {recall:.4f}"
        )
        per_kind = kinds[name]
        print(
            "  recall by copy kind: "
            + ", ".join(
                f"{kind} {per_kind[f'{kind} found']}/{per_kind[f'{kind} copies']}"
                f" ({per_kind[f'{kind} found'] / per_kind[f'{kind} copies']:.3f})"
                for kind in KINDS
                if per_kind[f"{kind} copies"]
            )
        )
        wrong = sorted((k, n) for k, n in per_kind.items() if k.startswith("wrong"))
        print("  wrong edges by repost: " + (", ".join(f"{k[6:]} {n}" for k, n in wrong) or "none"))
    print(f"digest {digest.hexdigest()[:16]}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
