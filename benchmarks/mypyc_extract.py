"""Extraction throughput of the compiled build against pure Python, in one run.

``python benchmarks/mypyc_extract.py [N] [ROUNDS]`` runs ``bench_extract.py N`` on this
tree with TRACER_PURE_PYTHON=1 (every module from its source) and without (the modules
``make compiled`` compiled with mypyc), in turn, ROUNDS times (the runs alternate, so a
busy machine weighs on both), and prints each pair and the ratio. ``--check`` also
compares the two builds' results (``compiled_differential.py``).
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent


def _rate(count: int, pure: bool) -> float:
    out = subprocess.run(
        [sys.executable, str(HERE / "bench_extract.py"), str(count)],
        check=True,
        capture_output=True,
        text=True,
        env={**os.environ, "TRACER_PURE_PYTHON": "1" if pure else ""},
    ).stdout
    found = re.search(r"extraction: (\d+) entries/s", out)
    assert found is not None, out
    return float(found.group(1))


def main() -> int:
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    count = int(args[0]) if args else 10_000
    rounds = int(args[1]) if len(args) > 1 else 3
    ratios = []
    for _ in range(rounds):
        pure, compiled = _rate(count, pure=True), _rate(count, pure=False)
        ratios.append(compiled / pure)
        print(f"pure Python {pure:.0f} entries/s, compiled {compiled:.0f} entries/s", flush=True)
    print(f"compiled/pure: {min(ratios):.2f}-{max(ratios):.2f} (load {os.getloadavg()[0]:.1f})")
    if "--check" in sys.argv:
        return subprocess.run([sys.executable, str(HERE / "compiled_differential.py")]).returncode
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
