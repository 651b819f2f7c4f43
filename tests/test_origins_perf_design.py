"""The ``reach`` table that ``origins`` and ``sites`` aggregate stays exact.

``Store.apply`` maintains it edge by edge (migration 0004); these tests
compare it, after random polls, with the in-memory reference walk
(``reach_reference.reach``) and with a rebuild from the edges, including the
hard case: a URL that was an origin (cited, never polled) turns out to cite
something itself when its own feed is polled later.
"""

from __future__ import annotations

import random
from collections import Counter
from pathlib import Path
from typing import Any

import pytest
from reach_reference import reach
from test_migrations import migrated_before

from tracer.graph import origins, sites
from tracer.models import EdgeRecord, FeedChanges, FeedUpdate, PostRecord
from tracer.store import Store

Graph = dict[str, list[tuple[str, list[str]]]]  # feed URL -> [(post, sources)]


def reference_origins(store: Store) -> list[dict[str, Any]]:
    found = reach(store)
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


def reference_top_origins(store: Store) -> dict[str, dict[str, int]]:
    found = reach(store)
    per_site: dict[str, dict[str, int]] = {}
    for origin, posts in found.reached.items():
        for site, count in Counter(found.post_domain[p] for p in posts).items():
            per_site.setdefault(site, {})[origin] = count
    return per_site


def reach_rows(store: Store) -> set[tuple[str, str, str, int]]:
    return set(
        store.db.execute(
            "SELECT d.name, n.url, s.name, r.direct FROM reach AS r"
            " JOIN domains AS d ON d.id = r.domain_id JOIN nodes AS n ON n.id = r.post_id"
            " JOIN domains AS s ON s.id = r.site_id"
        ).fetchall()
    )


def random_graph(rng: random.Random, n_posts: int = 120) -> Graph:
    """Posts on a few sites citing origin articles and each other (cycles, self-citations,
    ``www.``/bare and http/https spellings of one origin domain)."""
    articles = [
        f"{rng.choice(['https', 'http'])}://{rng.choice(['www.', '', 'de.'])}"
        f"origin{rng.randrange(4)}.example/a/{i}/"
        for i in range(30)
    ]
    feeds = [f"https://site{i}.example/feed/" for i in range(6)]
    posts = [
        (rng.randrange(len(feeds)), f"https://{rng.choice(['www.', ''])}site{i % 6}.example/p/{i}/")
        for i in range(n_posts)
    ]
    graph: Graph = {feed: [] for feed in feeds}
    for feed_index, url in posts:
        sources: set[str] = set()
        for _ in range(rng.choice([0, 1, 1, 1, 2, 2, 3])):
            roll = rng.random()
            if roll < 0.45:
                sources.add(rng.choice(articles))
            elif roll < 0.97:
                sources.add(rng.choice(posts)[1])
            else:
                sources.add(url)
        graph[feeds[feed_index]].append((url, sorted(sources)))
    return graph


def apply_in_batches(store: Store, graph: Graph, rng: random.Random, check_every: int) -> int:
    """Poll the graph's feeds in random pieces; compare with the reference every few polls."""
    pieces = []
    for feed, items in graph.items():
        store.add_feed(feed)
        for start in range(0, len(items), 5):
            pieces.append((feed, items[start : start + 5]))
    rng.shuffle(pieces)
    checks = 0
    for number, (feed, items) in enumerate(pieces, 1):
        feed_row = store.feed_by_url(feed)
        assert feed_row is not None
        update = FeedUpdate(
            feed_id=feed_row["id"],
            feed=FeedChanges(),
            posts=[PostRecord(url, url, url, None, None) for url, _s in items],
            edges=[
                EdgeRecord(url, source, "source-article-from", f"Source: {source}", source)
                for url, sources in items
                for source in sources
            ],
        )
        store.apply(update)
        if number % check_every == 0:
            assert origins(store) == reference_origins(store)
            checks += 1
    return checks


@pytest.mark.parametrize("seed", range(6))
def test_reach_maintained_by_apply_equals_the_reference_walk(tmp_path: Path, seed: int) -> None:
    rng = random.Random(seed)
    store = Store.open(tmp_path / "t.db")
    assert apply_in_batches(store, random_graph(rng), rng, check_every=4) > 0
    expected = reference_origins(store)
    assert expected, "the random graph has origins"
    assert origins(store) == expected
    top = reference_top_origins(store)
    for row in sites(store):
        ranked = sorted(top.get(row["domain"], {}).items(), key=lambda kv: (-kv[1], kv[0]))
        assert row["top_origins"] == [{"domain": d, "reposts": n} for d, n in ranked[:5]]
    maintained = reach_rows(store)
    store.rebuild_reach()
    assert reach_rows(store) == maintained
    store.close()


def test_an_origin_that_gets_polled_later_stops_being_one(tmp_path: Path) -> None:
    store = Store.open(tmp_path / "t.db")
    blog, agg, rt = "https://blog.example/1/", "https://agg.example/1/", "https://www.rt.com/1/"
    for feed in ("https://agg.example/feed/", "https://blog.example/feed/"):
        store.add_feed(feed)

    def poll(feed: str, post: str, source: str) -> None:
        row = store.feed_by_url(feed)
        assert row is not None
        edge = EdgeRecord(post, source, "via-link", "via", source)
        store.apply(
            FeedUpdate(row["id"], FeedChanges(), [PostRecord(post, post, post, None, None)], [edge])
        )

    poll("https://blog.example/feed/", blog, agg)  # agg is an origin for now
    assert [r["domain"] for r in origins(store)] == ["agg.example"]
    poll("https://agg.example/feed/", agg, rt)  # now agg cites RT: RT is the origin
    assert origins(store) == [
        {"domain": "rt.com", "reposts": 2, "direct": 1, "sites": 2, "articles": 1}
    ]
    assert origins(store) == reference_origins(store)
    store.close()


def test_existing_database_gets_reach_when_upgraded(tmp_path: Path) -> None:
    """A database from before migration 0004 is backfilled when opened."""
    path = tmp_path / "old.db"
    db = migrated_before("0004", path, tmp_path / "old-migrations")
    rng = random.Random(99)
    graph = random_graph(rng, 60)
    rows = [
        (url, source, "via-link", "via", source, "2026-01-01T00:00:00Z", "2026-01-01T00:00:00Z")
        for items in graph.values()
        for url, sources in items
        for source in sources
    ]
    db.conn.executemany(
        "INSERT OR IGNORE INTO edges (repost_url, source_url, pattern, evidence,"
        " raw_source_url, first_seen, last_seen) VALUES (?, ?, ?, ?, ?, ?, ?)",
        rows,
    )
    db.close()
    store = Store.open(path)
    assert store.db.execute("SELECT stale FROM reach_state").fetchone() == (0,)
    assert store.db.execute("SELECT count(*) FROM links").fetchone() == (len(set(rows)),)
    expected = reference_origins(store)
    assert expected
    assert origins(store) == expected
    store.close()
