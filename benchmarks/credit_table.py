"""Recall and precision of extraction on the real-world credit table.

``python benchmarks/credit_table.py`` prints, per family and per language,
how many expected edges the extractor finds (recall) and how many of the
edges it finds are right (precision), then the totals; ``--failures`` also
lists every case it gets wrong. The table is ``tests/credit_cases_real.py``.
"""

from __future__ import annotations

import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from credit_cases_real import CASES, POST, TITLE, RealCase  # noqa: E402

from tracer.models import FeedItem  # noqa: E402
from tracer.posts import post_and_edges  # noqa: E402
from tracer.urls import canonicalize  # noqa: E402


def found_urls(case: RealCase) -> list[str]:
    """The sources stored for the case's post: extraction, canonical URLs, no self-reference."""
    _post, edges = post_and_edges(FeedItem(link=POST, title=TITLE, bodies=(case.body,)))
    return [edge.source_url for edge in edges]


def expected_urls(case: RealCase) -> list[str]:
    return [canonicalize(url) for url in case.expected]


def score(cases: list[RealCase]) -> dict[str, dict[str, list[int]]]:
    """``{grouping: {key: [expected, found, right, cases, cases_ok]}}``."""
    table: dict[str, dict[str, list[int]]] = {
        "family": defaultdict(lambda: [0, 0, 0, 0, 0]),
        "language": defaultdict(lambda: [0, 0, 0, 0, 0]),
        "kind": defaultdict(lambda: [0, 0, 0, 0, 0]),
        "all": defaultdict(lambda: [0, 0, 0, 0, 0]),
    }
    for case in cases:
        found = found_urls(case)
        expected = expected_urls(case)
        right = len(set(found) & set(expected))
        ok = sorted(set(found)) == sorted(expected)
        for grouping, key in (
            ("family", case.family),
            ("language", case.language),
            ("kind", case.kind),
            ("all", "all"),
        ):
            row = table[grouping][key]
            row[0] += len(expected)
            row[1] += len(found)
            row[2] += right
            row[3] += 1
            row[4] += ok
    return table


def _ratio(part: int, whole: int) -> str:
    return f"{part / whole:.2f}" if whole else "  - "


def report(cases: list[RealCase]) -> str:
    lines = []
    for grouping, rows in score(cases).items():
        header = f"{grouping:<22} {'cases':>5} {'ok':>4} {'exp':>4} {'found':>5}"
        lines.append(header + " recall precision")
        for key, (expected, found, right, count, ok) in sorted(rows.items()):
            lines.append(
                f"{key:<22} {count:>5} {ok:>4} {expected:>4} {found:>5} "
                f"{_ratio(right, expected):>6} {_ratio(right, found):>9}"
            )
        lines.append("")
    return "\n".join(lines)


def failures(cases: list[RealCase]) -> list[str]:
    out = []
    for case in cases:
        found = found_urls(case)
        if sorted(set(found)) != sorted(expected_urls(case)):
            out.append(
                f"{case.id}: {case.shape}\n    expected {list(case.expected)}\n    found    {found}"
            )
    return out


if __name__ == "__main__":
    print(report(CASES))
    negatives = [c for c in CASES if not c.expected]
    wrong = sum(bool(found_urls(c)) for c in negatives)
    print(f"{len(CASES)} cases, {len(negatives)} without a source; {wrong} of those get an edge")
    if "--failures" in sys.argv:
        print("\n".join(failures(CASES)))
