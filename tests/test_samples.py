"""Golden tests: each samples/NAME.xml yields exactly samples/NAME.expected.json."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tracer.records import item_records
from tracer.feeds import parse_feed

SAMPLES = Path(__file__).resolve().parent.parent / "samples"
FEEDS = sorted(SAMPLES.glob("*.xml"))


def test_there_are_samples() -> None:
    assert len(FEEDS) >= 3
    for feed in FEEDS:
        assert feed.with_suffix(".expected.json").exists(), f"{feed.name} has no expected file"


def records(path: Path) -> tuple[list[str], list[dict[str, str]]]:
    parsed = parse_feed(path.read_bytes(), f"http://127.0.0.1/{path.name}")
    posts: list[str] = []
    edges: list[dict[str, str]] = []
    for item in parsed.items:
        post, found = item_records(item)
        assert post is not None
        posts.append(post.url)
        edges += [
            {"repost_url": e.repost_url, "source_url": e.source_url, "pattern": e.pattern}
            for e in found
        ]
    return posts, edges


@pytest.mark.parametrize("feed", FEEDS, ids=[f.stem for f in FEEDS])
def test_sample_yields_expected_edges(feed: Path) -> None:
    expected = json.loads(feed.with_suffix(".expected.json").read_text(encoding="utf-8"))
    posts, edges = records(feed)
    assert posts == expected["posts"]
    key = lambda e: (e["repost_url"], e["source_url"])  # noqa: E731
    assert sorted(edges, key=key) == sorted(expected["edges"], key=key)
