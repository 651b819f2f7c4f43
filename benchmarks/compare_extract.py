"""Extraction throughput of this tree against another tree's, interleaved in one process.

On a shared machine two runs of ``bench_extract.py`` differ by 10-20 %; batches of
500 entries alternating between the two versions share the load and give a fair
ratio. ``python benchmarks/compare_extract.py OTHER_TREE [N]`` where OTHER_TREE
holds a ``tracer`` package (e.g. ``git worktree add /tmp/base main``); it is
imported as ``tracer_base`` from a copy under a temporary directory.
"""

from __future__ import annotations

import re
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))


def _import_other(tree: Path, into: Path):  # type: ignore[no-untyped-def]
    copy = into / "tracer_base"
    # the sources only: a compiled module (make compiled) is built for the name tracer.*
    shutil.copytree(tree / "tracer", copy, ignore=shutil.ignore_patterns("*.so", "native.json"))
    for path in copy.rglob("*.py"):
        text = path.read_text()
        text = re.sub(r"\b(from|import) tracer\b", r"\1 tracer_base", text)
        path.write_text(text)
    sys.path.insert(0, str(into))
    import tracer_base.extract  # type: ignore[import-not-found]
    import tracer_base.models  # type: ignore[import-not-found]

    return tracer_base.extract.extract_attributions, tracer_base.models.FeedItem


def main() -> None:
    import bench_extract

    from tracer.extract import extract_attributions as new

    other = Path(sys.argv[1])
    count = int(sys.argv[2]) if len(sys.argv) > 2 else 12_000
    with tempfile.TemporaryDirectory() as folder:
        old, old_item = _import_other(other, Path(folder))
        items = bench_extract.entries(count)
        old_items = [old_item(link=i.link, bodies=i.bodies) for i in items]
        for item, old_one in zip(items[:300], old_items[:300], strict=True):
            new(item)
            old(old_one)
        new_time = old_time = 0.0
        for start in range(0, count, 500):
            began = time.process_time()
            for item in items[start : start + 500]:
                new(item)
            new_time += time.process_time() - began
            began = time.process_time()
            for item in old_items[start : start + 500]:
                old(item)
            old_time += time.process_time() - began
    print(
        f"other {count / old_time:.0f} entries/s, this {count / new_time:.0f} entries/s, "
        f"this/other {old_time / new_time:.3f}"
    )


if __name__ == "__main__":
    main()
