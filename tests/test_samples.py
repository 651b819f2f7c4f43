"""Golden tests: each samples/NAME.xml yields exactly samples/NAME.expected.json."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tracer.feeds import parse_feed
from tracer.posts import post_and_edges

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
        post, found = post_and_edges(item)
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


@pytest.mark.parametrize("feed", FEEDS, ids=[f.stem for f in FEEDS])
def test_sample_evidence_is_short_visible_text(feed: Path) -> None:
    parsed = parse_feed(feed.read_bytes(), f"http://127.0.0.1/{feed.name}")
    for item in parsed.items:
        _post, edges = post_and_edges(item)
        for edge in edges:
            assert 0 < len(edge.evidence) <= 200, edge
            assert "<a " not in edge.evidence and "href=" not in edge.evidence, edge


def test_invalid_source_in_a_sample_is_a_warning_on_the_post() -> None:
    feed = SAMPLES / "source-label-rss-multilingual.xml"
    parsed = parse_feed(feed.read_bytes(), "http://127.0.0.1/multi.xml")
    warned = {}
    for item in parsed.items:
        post, _edges = post_and_edges(item)
        assert post is not None
        if post.warning:
            warned[post.url] = post.warning
    assert list(warned) == ["https://multi-news.example/en/5/"]
    assert "javascript" in warned["https://multi-news.example/en/5/"]


def test_feedburner_origlink_is_the_post_identity_not_an_edge() -> None:
    feed = SAMPLES / "read-full-article-feedburner.xml"
    posts, edges = records(feed)
    assert posts == [
        "https://burned-blog.example/2019/03/sanctions/",
        "https://burned-blog.example/2019/03/own/",
    ]
    assert all("feedproxy" not in e["source_url"] for e in edges)
