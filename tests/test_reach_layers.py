"""Both reach layers stay exact while declared and inferred edges come and go (issue 13).

The layer of every edge (``reach``) and the declared layer (``declared_reach``)
are compared with the reference walk over the same edges
(``reach_reference.reach``, with and without ``declared_only``) and with a
rebuild from ``edges``, after random polls that add both kinds of edges and
random removals of inferred edges (what re-pointing a copy to an earlier post
does).
"""

from __future__ import annotations

import random
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from reach_reference import reach
from test_origins_perf_design import random_graph

from tracer.graph import origins, sites
from tracer.models import EdgeRecord, FeedChanges, FeedUpdate, PostRecord
from tracer.reach import ALL, DECLARED, Layer
from tracer.store import Store


def feeds_in_shuffled_pieces(store: Store, rng: random.Random) -> list[tuple[str, Any]]:
    """A random graph's feeds added to ``store``; their items in pieces of 5, shuffled (the
    order several polls would write them in)."""
    pieces = []
    for feed, items in random_graph(rng, 100).items():
        store.add_feed(feed)
        for start in range(0, len(items), 5):
            pieces.append((feed, items[start : start + 5]))
    rng.shuffle(pieces)
    return pieces


def random_kinds(
    rng: random.Random,
    items: Any,
    inferred: list[tuple[str, str]],
    declared_score: float | None,
) -> list[EdgeRecord]:
    """The edges of a piece's ``items``, each inferred (score 0.8) 2 times in 5, else
    declared; the inferred ones between two URLs are appended to ``inferred``."""
    edges = []
    for url, sources in items:
        for source in sources:
            kind = "inferred" if rng.random() < 0.4 else "declared"
            score = 0.8 if kind == "inferred" else declared_score
            edges.append(EdgeRecord(url, source, "p", "e", source, kind, score))
            if kind == "inferred" and source != url:
                inferred.append((url, source))
    return edges


def reference_origins(store: Store, declared_only: bool) -> list[dict[str, Any]]:
    found = reach(store, declared_only=declared_only)
    rows = [
        {
            "domain": domain,
            "reposts": len(found.reached[domain]),
            "direct": found.direct[domain],
            "sites": len({found.post_domain[p] for p in found.reached[domain]}),
            "articles": len(urls),
        }
        for domain, urls in found.articles.items()
    ]
    rows.sort(key=lambda r: (-r["reposts"], -r["direct"], -r["articles"], r["domain"]))
    return rows


def reference_top(store: Store, declared_only: bool) -> dict[str, dict[str, int]]:
    found = reach(store, declared_only=declared_only)
    per_site: dict[str, dict[str, int]] = {}
    for origin, posts in found.reached.items():
        for site, count in Counter(found.post_domain[p] for p in posts).items():
            per_site.setdefault(site, {})[origin] = count
    return per_site


def layer_rows(store: Store, layer: Layer) -> set[tuple[str, str, str, int]]:
    return set(
        store.execute(
            f"SELECT d.name, n.url, s.name, r.direct FROM {layer.reach} AS r"
            f" JOIN domains AS d ON d.id = r.domain_id JOIN {layer.nodes} AS n ON n.id = r.post_id"
            " JOIN domains AS s ON s.id = r.site_id"
        ).fetchall()
    )


def check(store: Store) -> None:
    for declared_only in (False, True):
        assert origins(store, declared_only=declared_only) == reference_origins(
            store, declared_only
        )
        top = reference_top(store, declared_only)
        for row in sites(store, declared_only=declared_only):
            ranked = sorted(top.get(row["domain"], {}).items(), key=lambda kv: (-kv[1], kv[0]))
            assert row["top_origins"] == [{"domain": d, "reposts": n} for d, n in ranked[:5]]


@pytest.mark.parametrize("seed", range(5))
def test_both_layers_equal_the_reference_while_inferred_edges_come_and_go(
    target: str, seed: int
) -> None:
    """On both engines: PostgreSQL merges the layers' statements (reach._add_together)."""
    rng = random.Random(seed)
    store = Store.open(target)
    pieces = feeds_in_shuffled_pieces(store, rng)
    inferred: list[tuple[str, str]] = []
    for number, (feed, items) in enumerate(pieces, 1):
        feed_row = store.feed_by_url(feed)
        assert feed_row is not None
        edges = random_kinds(rng, items, inferred, declared_score=None)
        store.apply(
            FeedUpdate(
                feed_id=feed_row["id"],
                feed=FeedChanges(),
                posts=[PostRecord(url, url, url, None, None) for url, _s in items],
                edges=edges,
            )
        )
        if number % 3 == 0 and inferred:
            gone = rng.sample(inferred, min(len(inferred), rng.randint(1, 3)))
            with store.transaction():
                store.remove_inferred_edges(gone)
            inferred = [pair for pair in inferred if pair not in gone]
        if number % 4 == 0:
            check(store)
    check(store)
    counts = dict(store.execute("SELECT kind, count(*) FROM edges GROUP BY kind").fetchall())
    assert counts.get("inferred") and counts.get("declared")
    assert origins(store) != origins(store, declared_only=True)  # the layers do differ
    maintained = {layer: layer_rows(store, layer) for layer in (ALL, DECLARED)}
    store.rebuild_reach()
    assert {layer: layer_rows(store, layer) for layer in (ALL, DECLARED)} == maintained
    store.close()


@pytest.mark.parametrize("seed", range(3))
def test_reach_queued_by_feeds_without_the_upkeep_turn_ends_exact(pg_url: str, seed: int) -> None:
    """PostgreSQL, several pollers: while another poller holds the upkeep lock, a feed
    queues its edges (tracer.upkeep); the next holder drains them. Checked against the
    reference walk whenever the queue is empty, and at the end after a rebuild."""
    import psycopg

    from tracer import reach as reach_upkeep
    from tracer import upkeep
    from tracer.engine.queries import UPKEEP_WAIT

    rng = random.Random(seed)
    store = Store.open(pg_url)
    pieces = feeds_in_shuffled_pieces(store, rng)
    inferred: list[tuple[str, str]] = []
    queued = 0
    with psycopg.connect(pg_url) as other:  # another poller, holding the turn now and then
        holding = False
        for number, (feed, items) in enumerate(pieces, 1):
            if not holding and rng.random() < 0.4:
                other.execute(UPKEEP_WAIT["postgresql"])
                holding = True
            elif holding and rng.random() < 0.3:
                other.commit()
                holding = False
            feed_row = store.feed_by_url(feed)
            assert feed_row is not None
            edges = random_kinds(rng, items, inferred, declared_score=0.8)
            store.apply(
                FeedUpdate(
                    feed_row["id"],
                    FeedChanges(),
                    [PostRecord(url, url, url, None, None) for url, _s in items],
                    edges,
                )
            )
            waiting = store.execute("SELECT count(*) FROM pending_edges").fetchone()[0]
            queued += holding and waiting > 0
            if number % 3 == 0 and inferred:  # what re-pointing a copy does: with the turn
                if holding:
                    other.commit()
                    holding = False
                gone = rng.sample(inferred, min(len(inferred), rng.randint(1, 3)))
                with store.transaction():
                    reach_upkeep.lock(store.engine)  # drains the queue first
                    store.remove_inferred_edges(gone)
                inferred = [pair for pair in inferred if pair not in gone]
                check(store)
        other.commit()
    assert queued  # some feeds did queue their upkeep
    upkeep.finish(store, "2026-01-01T00:00:00Z")
    assert store.execute("SELECT count(*) FROM pending_edges").fetchone() == (0,)
    check(store)
    maintained = {layer: layer_rows(store, layer) for layer in (ALL, DECLARED)}
    store.rebuild_reach()
    assert {layer: layer_rows(store, layer) for layer in (ALL, DECLARED)} == maintained
    store.close()


def test_removing_the_only_edge_of_a_copy_makes_its_source_an_origin_again(
    target: str,
) -> None:
    store = Store.open(target)
    store.add_feed("https://f.example/feed/")
    feed = store.feed_by_url("https://f.example/feed/")
    assert feed is not None
    a, b, c = (f"https://{n}.example/p/" for n in "abc")
    store.apply(
        FeedUpdate(
            feed_id=feed["id"],
            feed=FeedChanges(),
            posts=[PostRecord(u, u, u, None, None) for u in (a, b)],
            edges=[
                EdgeRecord(a, b, "shared-text", "e", b, "inferred", 0.9),
                EdgeRecord(b, c, "shared-text", "e", c, "inferred", 0.9),
            ],
        )
    )
    assert [r["domain"] for r in origins(store)] == ["c.example"]
    with store.transaction():
        store.remove_inferred_edges([(b, c)])
    assert [(r["domain"], r["reposts"]) for r in origins(store)] == [("b.example", 1)]
    with store.transaction():
        store.remove_inferred_edges([(a, b)])
    assert origins(store) == []
    assert store.execute("SELECT count(*) FROM nodes").fetchone()[0] == 0
    check(store)


def test_sqlite_nodes_made_after_the_largest_possible_id_are_looked_up(db_path: Path) -> None:
    """SQLite numbers a layer's new nodes from its largest id (reach: nothing read back);
    once a node holds the largest possible id, SQLite picks ids at random and the new
    nodes are looked up by URL instead. The layers stay exact."""
    rng = random.Random(7)
    store = Store.open(db_path)
    pieces = feeds_in_shuffled_pieces(store, rng)
    stray = "https://stray.example/last/"
    with store.transaction():
        (domain_id,) = store.execute(
            "INSERT INTO domains (name) VALUES ('stray.example') RETURNING id"
        ).fetchone()
        for layer in (ALL, DECLARED):
            store.execute(
                f"INSERT INTO {layer.nodes} (id, url, domain_id, cites) VALUES (?, ?, ?, 1)",
                [2**63 - 1, stray, domain_id],
            )
    inferred: list[tuple[str, str]] = []
    for feed, items in pieces:
        feed_row = store.feed_by_url(feed)
        assert feed_row is not None
        store.apply(
            FeedUpdate(
                feed_id=feed_row["id"],
                feed=FeedChanges(),
                posts=[PostRecord(url, url, url, None, None) for url, _s in items],
                edges=random_kinds(rng, items, inferred, declared_score=None),
            )
        )
    with store.transaction():
        for layer in (ALL, DECLARED):
            store.execute(f"DELETE FROM {layer.nodes} WHERE url = ?", [stray])
    ids = [row[0] for row in store.execute("SELECT id FROM nodes")]
    assert max(ids) > 10 * len(ids)  # random ids: the lookup by URL did its work
    check(store)
    maintained = {layer: layer_rows(store, layer) for layer in (ALL, DECLARED)}
    store.rebuild_reach()
    assert {layer: layer_rows(store, layer) for layer in (ALL, DECLARED)} == maintained
    store.close()
