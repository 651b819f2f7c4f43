"""Graph queries on the fixture graph (tests/graph_fixture.py) in a real SQLite file."""

from __future__ import annotations

import graph_fixture as g
import pytest

from tracer.graph import chains, lag_seconds, origins, reposts, sites, stats
from tracer.store import Store


@pytest.fixture
def store(target: str):
    opened = Store.open(g.build(target))
    yield opened
    opened.close()


def urls(rows: list[dict]) -> list[str]:
    return [row["url"] for row in rows]


def test_reposts_walks_fan_in_and_multi_hop_nearest_first(store: Store) -> None:
    rows = reposts(store, g.RT1)
    assert [(r["url"], r["depth"], r["via"]) for r in rows] == [
        (g.AGG1, 1, g.RT1),
        (g.BLOG2, 1, g.RT1),
        (g.BLOG1, 2, g.AGG1),
        (g.MIRROR1, 3, g.BLOG1),
    ]
    first = rows[0]
    assert first["domain"] == "newsfront-aggregator.example"
    assert first["feed_url"] == "https://newsfront-aggregator.example/feed/"
    assert first["first_seen"] == g.SEEN
    assert first["published"] == "2019-03-23T10:00:00Z"


def test_lag_is_known_only_when_the_source_is_a_dated_post(store: Store) -> None:
    lags = {r["url"]: r["lag_seconds"] for r in reposts(store, g.RT1)}
    assert lags == {g.AGG1: None, g.BLOG2: None, g.BLOG1: 7200, g.MIRROR1: 3600}
    # MIRROR2 has no published date; DE was never polled
    assert [r["lag_seconds"] for r in reposts(store, g.DE)] == [None]


def test_direct_reposts_only_cite_the_url_itself(store: Store) -> None:
    assert urls(reposts(store, g.RT1, direct=True)) == [g.AGG1, g.BLOG2]


def test_reposts_of_an_intermediary_and_of_a_leaf(store: Store) -> None:
    assert urls(reposts(store, g.AGG1)) == [g.BLOG1, g.MIRROR1]
    assert reposts(store, g.MIRROR1) == []


def test_reposts_terminate_in_cycles_and_exclude_the_url(store: Store) -> None:
    assert [(r["url"], r["depth"]) for r in reposts(store, g.LOOPA)] == [
        (g.LOOPC, 1),
        (g.LOOPB, 1),
    ]
    # BLOG3 <-> MIRROR3 loop: each post once, at its smallest depth
    assert [(r["url"], r["depth"]) for r in reposts(store, g.SP)] == [
        (g.AGG1, 1),
        (g.MIRROR3, 1),
        (g.BLOG1, 2),
        (g.BLOG3, 2),
        (g.MIRROR1, 3),
    ]


def test_origins_rank_domains_by_reach(store: Store) -> None:
    assert origins(store) == [
        {"domain": "rt.com", "reposts": 5, "direct": 3, "sites": 3, "articles": 2},
        {"domain": "sputniknews.com", "reposts": 5, "direct": 2, "sites": 3, "articles": 1},
        {"domain": "de.rt.com", "reposts": 1, "direct": 1, "sites": 1, "articles": 1},
    ]
    assert [row["domain"] for row in origins(store, limit=1)] == ["rt.com"]


def test_intermediaries_and_pure_cycles_are_not_origins(store: Store) -> None:
    domains = {row["domain"] for row in origins(store)}
    assert "newsfront-aggregator.example" not in domains  # AGG1 is cited but cites RT1
    assert not domains & {"loop.example", "loop-twin.example"}


def test_sites_count_posts_edges_share_and_top_origins(store: Store) -> None:
    rows = {row["domain"]: row for row in sites(store)}
    agg = rows["newsfront-aggregator.example"]
    assert (agg["posts"], agg["edges"], agg["attributed"]) == (3, 3, 2)
    assert agg["share"] == pytest.approx(2 / 3, abs=1e-3)
    assert agg["top_origins"] == [
        {"domain": "rt.com", "reposts": 2},
        {"domain": "sputniknews.com", "reposts": 1},
    ]
    mirror = rows["mirror.example"]
    assert (mirror["posts"], mirror["edges"], mirror["share"]) == (3, 4, 1.0)
    assert mirror["top_origins"][0] == {"domain": "sputniknews.com", "reposts": 2}
    assert rows["loop.example"]["top_origins"] == []
    assert set(rows) == {
        "newsfront-aggregator.example",
        "truth-digest.example",
        "mirror.example",
        "loop.example",
        "loop-twin.example",
    }


def test_stats_counts_and_date_range(store: Store) -> None:
    data = stats(store)
    assert {k: data[k] for k in ("feeds", "posts", "edges", "sources", "origins", "domains")} == {
        "feeds": 4,
        "posts": len(g.POSTS),
        "edges": g.EDGE_COUNT,
        "sources": 10,
        "origins": 4,
        "domains": 8,
    }
    assert data["date_range"]["first_published"] == "2019-01-01T09:00:00Z"
    assert data["date_range"]["last_published"] == "2019-03-24T08:00:00Z"


def test_chain_through_a_cycle_names_the_loop(store: Store) -> None:
    [chain] = chains(store, g.LOOPC)
    assert [hop["url"] for hop in chain] == [g.LOOPC, g.LOOPA, g.LOOPB]
    assert chain[-1]["cycle_to"] == g.LOOPA
    found = chains(store, g.MIRROR1)
    assert sorted([hop["url"] for hop in c] for c in found) == [
        [g.MIRROR1, g.BLOG1, g.AGG1, g.SP],
        [g.MIRROR1, g.BLOG1, g.AGG1, g.RT1],
    ]


def test_lag_seconds_never_guesses() -> None:
    assert lag_seconds("2019-03-23T10:00:00Z", "2019-03-23T09:00:00Z") == -3600
    assert lag_seconds("not a date", "2019-03-23T09:00:00Z") is None
    assert lag_seconds("2019-03-23T10:00:00Z", None) is None
