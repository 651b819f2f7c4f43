"""Extraction remembers what it has read (anchors by their attributes, sharing hosts,
character references, each phrase's regular expressions compiled on first use); what it
finds must never depend on what it met before.

The same items are read with every cache emptied, in order, then in the reverse order,
then shuffled with the caches full: the benchmark's entries, the credit table, the
samples, and those bodies cut where extraction changes its method, spliced,
upper-cased, with relative links (each read against two posts' addresses) and with a
"READ MORE:" paragraph or an "@" before a link (``benchmarks/extract_differential.py``
compares two trees on the same items).
"""

from __future__ import annotations

import random
import sys
from pathlib import Path

import pytest

from tracer import html_links
from tracer.extract import extract_attributions
from tracer.models import FeedItem

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))

Result = list[tuple[str, str, str]]


def _items() -> list[FeedItem]:
    import bench_extract
    import extract_differential

    from tests.credit_cases_real import CASES, POST, TITLE
    from tracer.feeds import parse_feed

    items = bench_extract.entries(400, seed=3)
    items += [FeedItem(link=POST, title=TITLE, bodies=(case.body,)) for case in CASES]
    for path in sorted((ROOT / "samples").glob("*.xml")):
        items += parse_feed(path.read_bytes(), "https://samples.example/" + path.name).items
    return list(extract_differential.variants(items[::3]))


def _read(items: list[FeedItem]) -> list[Result]:
    return [[(a.pattern, a.raw_url, a.evidence) for a in extract_attributions(i)] for i in items]


def _forget() -> None:
    for cache in (
        html_links._ANCHORS,
        html_links._ANY_BASE,
        html_links._SHARE_HOSTS,
        html_links._DECODED,
    ):
        cache.clear()


@pytest.mark.slow
def test_what_is_found_does_not_depend_on_what_was_read_before() -> None:
    items = _items()
    assert len(items) > 3000
    _forget()
    first = _read(items)
    assert sum(map(len, first)) > 1000  # a corpus full of credits, not of empty results
    _forget()
    assert _read(items[::-1])[::-1] == first
    order = list(range(len(items)))
    random.Random(5).shuffle(order)
    shuffled = _read([items[index] for index in order])  # caches full from the runs above
    assert [shuffled[order.index(index)] for index in range(len(items))] == first
