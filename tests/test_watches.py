"""Watches and by-outlet counts against the reference answers, on the shared fixture graph.

The fixture (tests/graph_fixture.py) has fan-in, fan-out, a three-hop chain,
``www.``/bare spellings of one domain, a subdomain edition, a cycle with an
exit and a pure cycle: every watch is compared with ``reposts`` (or the
in-memory ``reach``) rather than with numbers written here.
"""

from __future__ import annotations

from collections import defaultdict

import graph_fixture as g
import pytest
from hypothesis import given
from hypothesis import strategies as st

from tracer.by_outlet import origins_by_outlet, sites_by_outlet
from tracer.graph import reposts
from tracer.models import EdgeRecord, FeedUpdate, PostRecord
from tracer.outlets import OutletIndex, add_outlet, overlaps
from tracer.store import Store
from tracer.urls import domain_of
from tracer.watches import add_watch, match_watch

ALL_URLS = sorted({*g.POSTS, g.RT1, g.RT2, g.SP, g.DE})


@pytest.fixture
def store(target: str) -> Store:
    """The fixture graph on a SQLite file and on PostgreSQL (one run each)."""
    opened = Store.open(g.build(target))
    yield opened
    opened.close()


@pytest.mark.parametrize("url", ALL_URLS)
def test_a_url_watch_matches_what_reposts_lists(store: Store, url: str) -> None:
    watch, _n, _c = add_watch(store, "url", url)
    found = {m.url: m for m in match_watch(store, watch)}
    expected = {r["url"]: r for r in reposts(store, url)}
    assert set(found) == set(expected)
    for post, row in expected.items():
        assert (found[post].depth, found[post].via) == (row["depth"], row["via"])
        assert found[post].chain[: row["depth"] + 1][-1] == url  # the chain passes the target
        assert found[post].kind == "declared"


@pytest.mark.parametrize("domain", sorted({domain_of(u) for u in ALL_URLS}))
def test_a_domain_watch_is_the_union_of_its_urls_reposts(store: Store, domain: str) -> None:
    watch, _n, _c = add_watch(store, "domain", domain)
    expected = {r["url"] for u in ALL_URLS if domain_of(u) == domain for r in reposts(store, u)} - {
        u for u in g.POSTS if domain_of(u) == domain
    }
    assert {m.url for m in match_watch(store, watch)} == expected


def test_site_watch_matches_the_sites_posts_with_an_edge(store: Store) -> None:
    watch, _n, _c = add_watch(store, "site", "newsfront-aggregator.example")
    assert {m.url for m in match_watch(store, watch)} == {g.AGG1, g.AGG2}  # AGG3 cites nothing


def test_chains_run_down_to_the_origin(store: Store) -> None:
    watch, _n, _c = add_watch(store, "domain", "newsfront-aggregator.example")
    chains = {m.url: m.chain for m in match_watch(store, watch)}
    assert chains[g.MIRROR1] == [g.MIRROR1, g.BLOG1, g.AGG1, g.SP]  # then on to an origin


NEWCOMER = "https://newcomer.example/p/1/"
FOLLOWER = "https://follower.example/p/2/"


def _add_inferred(store: Store) -> None:
    """NEWCOMER copies RT1 (an inferred edge), FOLLOWER credits NEWCOMER; BLOG1 copies RT1."""
    feed = store.feed_by_url("https://www.mirror.example/rss")
    assert feed is not None
    newcomer, follower = NEWCOMER, FOLLOWER
    posts = [PostRecord(u, u, u, "t", None) for u in (newcomer, follower)]
    edges = [
        EdgeRecord(newcomer, g.RT1, "fingerprint", "same text", g.RT1, "inferred", 0.81),
        EdgeRecord(follower, newcomer, "source-label", "Source: x", newcomer),
        # BLOG1 already reaches RT1 by declared edges (through AGG1): stays declared
        EdgeRecord(g.BLOG1, g.RT1, "fingerprint", "same text", g.RT1, "inferred", 0.93),
    ]
    store.apply(FeedUpdate(feed["id"], posts=posts, edges=edges))


def test_inferred_edges_mark_the_matches_they_alone_explain(store: Store) -> None:
    _add_inferred(store)
    newcomer, follower = NEWCOMER, FOLLOWER
    watch, _n, _c = add_watch(store, "url", g.RT1)
    found = {m.url: m for m in match_watch(store, watch)}
    assert set(found) == {r["url"] for r in reposts(store, g.RT1)}
    assert found[newcomer].kind == found[follower].kind == "inferred"
    assert found[follower].chain == [follower, newcomer, g.RT1]
    assert (found[g.BLOG1].kind, found[g.BLOG1].depth, found[g.BLOG1].via) == (
        "declared",
        2,
        g.AGG1,
    )
    assert {m.kind for u, m in found.items() if u not in (newcomer, follower)} == {"declared"}


@pytest.mark.parametrize(("kind", "watched"), [("url", g.RT1), ("domain", "rt.com")])
def test_declared_only_watches_follow_declared_edges_only(
    store: Store, kind: str, watched: str
) -> None:
    _add_inferred(store)
    watch, _n, _c = add_watch(store, kind, watched)
    everything = {m.url: m for m in match_watch(store, watch)}
    declared = {m.url: m for m in match_watch(store, watch, declared_only=True)}
    expected = {r["url"] for r in reposts(store, g.RT1, declared_only=True)}
    if kind == "url":
        assert set(declared) == expected
    assert NEWCOMER in everything and FOLLOWER in everything
    assert NEWCOMER not in declared and FOLLOWER not in declared
    assert set(declared) == {u for u, m in everything.items() if m.kind == "declared"}
    assert {(m.kind, m.score) for m in declared.values()} == {("declared", None)}
    # an inferred match carries the score of the edge its kind comes from
    assert (everything[NEWCOMER].kind, everything[NEWCOMER].score) == ("inferred", 0.81)
    assert (everything[FOLLOWER].kind, everything[FOLLOWER].score) == ("inferred", 0.81)
    for url, match in declared.items():  # declared chains never go through a copy
        assert NEWCOMER not in match.chain, url
        assert (match.depth, match.via) == (everything[url].depth, everything[url].via)


def test_watch_new_and_feed_with_declared_only(store: Store, target: str) -> None:
    """`watch new --declared-only` reports and remembers declared matches only; a later run
    without it reports the inferred ones, with kind and score; the feed leaves them out."""
    import feedparser
    from cli_helpers import run, run_json

    run(target, "watch", "add", "--url", g.RT1)
    _add_inferred(store)
    assert run(target, "watch", "new", "--declared-only").stdout == ""  # no new declared match
    news = run_json(target, "watch", "new", "--json")
    assert {(n["url"], n["kind"], n["score"]) for n in news} == {
        (NEWCOMER, "inferred", 0.81),
        (FOLLOWER, "inferred", 0.81),
    }
    assert run(target, "watch", "new").stdout == ""
    full = run(target, "watch", "feed", "--limit", "500").stdout
    assert "through inferred edges, score 0.81" in full
    declared_feed = feedparser.parse(run(target, "watch", "feed", "--declared-only").stdout)
    ids = {e.id for e in declared_feed.entries}
    assert ids == {r["url"] for r in reposts(store, g.RT1, declared_only=True)}
    assert "inferred" not in run(target, "watch", "feed", "--declared-only").stdout


def test_watch_new_plain_output_shows_kind_and_score(store: Store, target: str) -> None:
    from cli_helpers import run

    run(target, "watch", "add", "--site", "newcomer.example")
    _add_inferred(store)
    assert run(target, "watch", "new", "--declared-only").stdout == ""
    text = run(target, "watch", "new").stdout
    assert "newcomer.example  NEW SITE  [inferred, score 0.81]" in text


def test_by_outlet_layers_follow_the_by_domain_layers(store: Store) -> None:
    from tracer.graph import origins, sites

    _add_inferred(store)
    for declared_only in (False, True):
        by_domain = origins(store, declared_only=declared_only)
        by_outlet = origins_by_outlet(store, declared_only=declared_only)
        assert [(r["domain"], r["reposts"], r["direct"], r["sites"]) for r in by_domain] == [
            (r["name"], r["reposts"], r["direct"], r["sites"]) for r in by_outlet
        ]
        grouped = sites_by_outlet(store, declared_only=declared_only)
        assert [(r["domain"], r["posts"]) for r in sites(store, declared_only=declared_only)] == [
            (r["name"], r["posts"]) for r in grouped
        ]
    everything = {r["name"]: r["reposts"] for r in origins_by_outlet(store)}
    declared = {r["name"]: r["reposts"] for r in origins_by_outlet(store, declared_only=True)}
    assert everything["rt.com"] == declared["rt.com"] + 2  # the newcomer and its follower


def _reference(store: Store) -> tuple[dict[str, set[str]], dict[str, set[str]]]:
    """(origin domain → its origin URLs, origin domain → posts reaching one), by `reposts`."""
    origins = [
        url
        for (url,) in store.execute(
            "SELECT DISTINCT source_url FROM edges WHERE source_url NOT IN"
            " (SELECT repost_url FROM edges)"
        )
    ]
    articles: dict[str, set[str]] = defaultdict(set)
    reached: dict[str, set[str]] = defaultdict(set)
    for url in origins:
        articles[domain_of(url)].add(url)
        reached[domain_of(url)] |= {r["url"] for r in reposts(store, url)}
    return articles, reached


def test_outlet_counts_equal_the_union_of_reposts(store: Store) -> None:
    add_outlet(store, "RT", ["rt.com", "*.rt.com"])
    articles, reached = _reference(store)
    row = next(r for r in origins_by_outlet(store) if r["name"] == "RT")
    union = reached["rt.com"] | reached["de.rt.com"]
    assert row["reposts"] == len(union)
    assert row["articles"] == len(articles["rt.com"]) + len(articles["de.rt.com"])
    assert row["sites"] == len({domain_of(p) for p in union})
    # top origins of each reposting site, grouped: distinct posts per (site, origin group)
    reaching: dict[str, set[str]] = defaultdict(set)
    for domain, posts in reached.items():
        reaching["RT" if domain.endswith("rt.com") else domain] |= posts
    expected: dict[str, dict[str, int]] = defaultdict(dict)
    for group, posts in reaching.items():
        for post in posts:
            site = domain_of(post)
            expected[site][group] = expected[site].get(group, 0) + 1
    for site in sites_by_outlet(store, top=10):
        got = {o["name"]: o["reposts"] for o in site["top_origins"]}
        assert got == expected.get(site["name"], {})


# -- patterns ----------------------------------------------------------------

labels = st.sampled_from(["rt", "de", "com", "a", "www2", "x"])
domains = st.lists(labels, min_size=2, max_size=4).map(".".join)
patterns = st.one_of(domains, domains.map(lambda d: "*." + d))


@given(patterns, patterns, domains)
def test_patterns_that_do_not_overlap_never_match_one_domain(a: str, b: str, domain: str) -> None:
    assert overlaps(a, b) == overlaps(b, a)
    matched_a = OutletIndex({a: "A"}).outlet_of(domain) is not None
    matched_b = OutletIndex({b: "B"}).outlet_of(domain) is not None
    if matched_a and matched_b:
        assert overlaps(a, b)
