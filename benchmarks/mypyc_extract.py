"""What compiling the extraction with mypyc would give: a measurement, not a build step.

``python benchmarks/mypyc_extract.py [N] [ROUNDS]`` copies ``tracer/`` to a temporary
directory, compiles the extraction modules there with mypyc (it comes with mypy, a dev
dependency; it needs a C compiler and Python's headers), and runs
``bench_extract.py N`` on this tree and on the compiled copy in turn, ROUNDS times (the
runs alternate, so a busy machine weighs on both). It prints each pair and the ratio;
``--check`` also compares the two copies' results with ``extract_differential.py``.
Nothing in the repository is compiled or changed.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MODULES = ("trigger_search", "html_links", "credit_rules", "closing_link", "extract")


def _rate(tree: Path, count: int) -> float:
    out = subprocess.run(
        [sys.executable, str(tree / "benchmarks" / "bench_extract.py"), str(count)],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    found = re.search(r"extraction: (\d+) entries/s", out)
    assert found is not None, out
    return float(found.group(1))


def main() -> None:
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    count = int(args[0]) if args else 10_000
    rounds = int(args[1]) if len(args) > 1 else 3
    with tempfile.TemporaryDirectory() as folder:
        copy = Path(folder)
        shutil.copytree(ROOT / "tracer", copy / "tracer")
        shutil.copytree(ROOT / "benchmarks", copy / "benchmarks")
        sources = [f"tracer/{name}.py" for name in MODULES]
        subprocess.run(
            [sys.executable, "-m", "mypyc", *sources], cwd=copy, check=True, capture_output=True
        )
        for built in copy.glob("*.so"):  # mypyc's shared runtime, beside the package
            shutil.copy(built, copy / "tracer")
        ratios = []
        for _ in range(rounds):
            plain, compiled = _rate(ROOT, count), _rate(copy, count)
            ratios.append(compiled / plain)
            print(f"this tree {plain:.0f} entries/s, compiled {compiled:.0f} entries/s")
        print(f"compiled/this: {min(ratios):.2f}-{max(ratios):.2f}")
        if "--check" in sys.argv:
            shutil.copy(ROOT / "benchmarks" / "extract_differential.py", copy / "benchmarks")
            shutil.copytree(ROOT / "samples", copy / "samples")
            (copy / "tests").mkdir()
            (copy / "tests" / "__init__.py").touch()
            shutil.copy(ROOT / "tests" / "credit_cases_real.py", copy / "tests")
            subprocess.run(
                [sys.executable, "benchmarks/extract_differential.py", str(ROOT)],
                cwd=copy,
                check=True,
            )


if __name__ == "__main__":
    main()
