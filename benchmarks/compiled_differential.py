"""The compiled build against pure Python, result by result: are they identical?

``python benchmarks/compiled_differential.py [--quick | --step N]`` runs this file twice as a
child process, once with TRACER_PURE_PYTHON=1 (every module from its source) and once
without (the modules ``make compiled`` compiled), and compares what each wrote, line
by line: for every module compiled, what it produces from the same input.

- extraction (``tracer.extract``): the items of ``extract_differential.py`` (the
  benchmark's entries, the credit table, ``samples/``, feedparser's corpus when
  present) and their variants; each item's attributions (pattern, URL, evidence);
- feed parsing (``tracer.plain_feeds``, ``tracer.items``): every ``samples/`` and
  corpus document and the benchmark's generated feeds, the parsed feed in full;
- URLs (``tracer.urls``): every URL of the test cases and every link extracted,
  canonicalized (or the error).

The first differences are printed; the exit status is 1 if there is any (or when the
tree has no compiled build to compare). ``--step N`` extracts one item in N (``--quick``:
20).
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(HERE))


def _documents() -> Iterator[tuple[bytes, str]]:
    import tarfile

    import feedgen
    from extract_differential import CORPUS

    for path in sorted((ROOT / "samples").glob("*.xml")):
        yield path.read_bytes(), "https://samples.example/" + path.name
    for feed in feedgen.make_feeds(40):
        yield feed.body, "http://127.0.0.1:8000" + feed.path
    if CORPUS.exists():
        with tempfile.TemporaryDirectory() as folder, tarfile.open(CORPUS) as tar:
            tar.extractall(folder, filter="data")
            for path in sorted(Path(folder).rglob("*.xml")):
                yield path.read_bytes(), "https://corpus.example/" + path.name


def _canonical(url: str) -> str:
    from tracer.exceptions import InvalidURL
    from tracer.urls import canonicalize

    try:
        return canonicalize(url)
    except InvalidURL as error:
        return f"InvalidURL({error})"


def results(step: int) -> Iterator[str]:
    """One line per input: what this process's tracer made of it."""
    from extract_differential import base_items, variants

    from tracer.extract import extract_attributions
    from tracer.plain_feeds import parse_plain_feed

    for body, url in _documents():
        try:
            parsed = parse_plain_feed(body, url)
            yield f"feed {url}: {parsed!r}"
        except Exception as error:  # the same refusal on both sides is fine
            yield f"feed {url}: {type(error).__name__}: {error}"
    items = list(base_items())
    for number, item in enumerate(variants(items)):
        if number % step:
            continue
        found = [(a.pattern, a.raw_url, a.evidence) for a in extract_attributions(item)]
        yield f"item {number}: {found!r}"
        for _, raw_url, _ in found:
            yield f"url {raw_url!r}: {_canonical(raw_url)}"
    sys.path.insert(0, str(ROOT / "tests"))
    import url_cases

    for name in sorted(vars(url_cases)):
        value = getattr(url_cases, name)
        if isinstance(value, list):
            for case in value:
                if isinstance(getattr(case, "raw", None), str):
                    yield f"url {case.raw!r}: {_canonical(case.raw)}"


def _child(out: Path, step: int) -> None:
    import tracer.extract

    with out.open("w") as file:
        file.write(f"extract from {Path(str(tracer.extract.__file__)).name}\n")
        for line in results(step):
            file.write(line.replace("\n", "\\n") + "\n")


def main() -> int:
    step = 20 if "--quick" in sys.argv else 1
    if "--step" in sys.argv:
        step = int(sys.argv[sys.argv.index("--step") + 1])
    if sys.argv[1:2] == ["--child"]:
        _child(Path(sys.argv[2]), int(sys.argv[3]))
        return 0
    with tempfile.TemporaryDirectory() as folder:
        outputs = []
        for pure in ("1", ""):
            out = Path(folder) / f"pure-{pure or 0}.txt"
            env = {**os.environ, "TRACER_PURE_PYTHON": pure}
            command = [sys.executable, __file__, "--child", str(out), str(step)]
            subprocess.run(command, check=True, env=env)
            outputs.append(out.read_text().splitlines())
    pure_lines, compiled_lines = outputs
    print(f"pure: {pure_lines[0]}; compiled: {compiled_lines[0]}")
    if compiled_lines[0].endswith(".py"):
        print("no compiled build in this tree (make compiled)")
        return 1
    differ = [
        (mine, theirs)
        for mine, theirs in zip(pure_lines[1:], compiled_lines[1:], strict=False)
        if mine != theirs
    ]
    for mine, theirs in differ[:10]:
        print(f"DIFFERENT:\n  pure     {mine[:400]}\n  compiled {theirs[:400]}")
    if len(pure_lines) != len(compiled_lines):
        print(f"{len(pure_lines)} lines pure, {len(compiled_lines)} compiled")
        return 1
    print(f"{len(pure_lines) - 1} results compared, {len(differ)} different")
    return 1 if differ else 0


if __name__ == "__main__":
    raise SystemExit(main())
