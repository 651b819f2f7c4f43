"""A declared edge wins over an inferred edge of the same two posts, on both engines (issue 13).

A post first stored without a credit line is inferred (shared text) to copy
an earlier post; when it is served again with a credit line to that post (the
blog edited it, or another feed carries it credited), its edge becomes the
declared edge, so ``--declared-only`` answers what a store polled without
matching answers. An inferred edge never changes a declared one, and a
declared edge A -> B removes an inferred B -> A. The reach layers stay equal
to the reference walk throughout. On PostgreSQL the poll's upkeep thread
(:class:`tracer.upkeep.Drainer`) may store the inferred edge before or after
the declared one: both orders end alike.
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any

import pytest
from cli_helpers import run, run_json, sql_rows
from feedserver import FeedServer, Static
from test_matching import COPY, ORIGINAL, apply, article, inferred, post
from test_reach_layers import check, layer_rows

from tracer.models import EdgeRecord, FeedChanges, FeedUpdate
from tracer.reach import ALL, DECLARED
from tracer.store import Store

OUTLET_FEED = "https://outlet.example/feed"
BLOG_FEED = "https://blog.example/feed"
PLANET_FEED = "https://planet.example/feed"
TIMES = {"first_seen", "last_seen", "lag_seconds"}


def credit(repost: str, source: str) -> EdgeRecord:
    """The declared edge a "Source Article from" line gives."""
    return EdgeRecord(repost, source, "source_article_from", "Source Article from", source)


def edge_rows(store: Store) -> list[tuple[Any, ...]]:
    return [
        tuple(row)
        for row in store.execute(
            "SELECT repost_url, source_url, kind, pattern, evidence, score FROM edges ORDER BY 1, 2"
        ).fetchall()
    ]


def assert_reach_exact(store: Store) -> None:
    """Both layers equal the reference walk and what a rebuild from ``edges`` gives, and
    hold a node for each end of their edges, no other."""
    check(store)
    for layer, kinds in ((ALL, ""), (DECLARED, " WHERE kind = 'declared'")):
        ends = {url for pair in store.execute(f"SELECT repost_url, source_url FROM edges{kinds}")
                for url in pair}  # fmt: skip
        assert {url for (url,) in store.execute(f"SELECT url FROM {layer.nodes}")} == ends
    maintained = {layer: layer_rows(store, layer) for layer in (ALL, DECLARED)}
    store.rebuild_reach()
    assert {layer: layer_rows(store, layer) for layer in (ALL, DECLARED)} == maintained


def copied(store: Store) -> None:
    """The outlet's article, then the blog's uncredited copy: an inferred edge."""
    apply(store, OUTLET_FEED, post(ORIGINAL, article(1), "2026-03-01T10:00:00Z"))
    apply(store, BLOG_FEED, post(COPY, article(1), "2026-03-01T12:00:00Z"))
    assert inferred(store) == [(COPY, ORIGINAL)]


# -- the store's rules, on both engines -------------------------------------


@pytest.mark.parametrize("carrier", [BLOG_FEED, PLANET_FEED])
def test_a_credit_served_later_turns_the_inferred_edge_declared(
    target: str, carrier: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The blog edits its post to add the credit line (same feed), or another feed
    carries the credited post: the row becomes the declared edge as it would have been
    stored first (pattern, evidence, spellings, first_seen of now, no score). It is
    added to the declared reach layer only (never twice to the layer of every edge)."""
    from tracer import reach

    store = Store.open(target)
    copied(store)
    assert_reach_exact(store)
    declared_before = layer_rows(store, DECLARED)
    added: list[tuple[list[tuple[str, str]], list[str] | None]] = []
    real_add = reach.add_edges

    def add_edges(conn: Any, new: list[tuple[str, str]], kinds: list[str] | None = None) -> None:
        added.append((list(new), kinds))
        real_add(conn, new, kinds)

    monkeypatch.setattr(reach, "add_edges", add_edges)
    _new, new_edges = apply(
        store,
        carrier,
        post(COPY, article(1), "2026-03-01T12:00:00Z"),
        edges=[credit(COPY, ORIGINAL)],
    )
    assert new_edges == 0  # the pair was stored: not a new edge
    assert added == [([(COPY, ORIGINAL)], [reach.UPGRADED])]
    assert DECLARED.keeps(reach.UPGRADED) and not ALL.keeps(reach.UPGRADED)
    monkeypatch.undo()
    assert edge_rows(store) == [
        (COPY, ORIGINAL, "declared", "source_article_from", "Source Article from", None)
    ]
    first_seen, last_seen = store.execute("SELECT first_seen, last_seen FROM edges").fetchone()
    assert first_seen == last_seen  # the declared edge's own first sighting
    assert layer_rows(store, DECLARED) != declared_before  # it entered the declared layer
    assert_reach_exact(store)
    # served again: nothing changes, and the text match does not bring the inferred edge back
    apply(store, BLOG_FEED, post(COPY, article(1), "2026-03-01T12:00:00Z"))
    assert [row[2] for row in edge_rows(store)] == ["declared"]
    store.close()


def test_an_inferred_edge_never_changes_a_declared_one(target: str) -> None:
    """Declared first: no inferred edge is stored for the pair, whether the matcher finds
    the copy or an inferred edge of the same pair is written directly."""
    store = Store.open(target)
    apply(store, OUTLET_FEED, post(ORIGINAL, article(1), "2026-03-01T10:00:00Z"))
    apply(
        store,
        BLOG_FEED,
        post(COPY, article(1), "2026-03-01T12:00:00Z"),
        edges=[credit(COPY, ORIGINAL)],
    )
    before = edge_rows(store)
    assert before == [
        (COPY, ORIGINAL, "declared", "source_article_from", "Source Article from", None)
    ]
    reach_before = {layer: layer_rows(store, layer) for layer in (ALL, DECLARED)}
    with store.transaction():
        added = store.add_inferred(
            [EdgeRecord(COPY, ORIGINAL, "shared-text", "x", ORIGINAL, "inferred", 0.9)],
            "2026-03-02T00:00:00Z",
        )
    assert added == 0
    assert edge_rows(store) == before
    assert {layer: layer_rows(store, layer) for layer in (ALL, DECLARED)} == reach_before
    assert_reach_exact(store)
    store.close()


def test_a_batch_of_inferred_edges_inserts_only_the_pairs_not_stored(
    target: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Inferred edges only (rematch, matching): the pairs not stored are inserted and
    counted, once each; a pair stored (inferred or declared) changes nothing. On SQLite
    no largest id is read for it: only the declared edges' upsert needs one, to tell
    the rows it inserted from those it turned."""
    store = Store.open(target)
    copied(store)
    third = "https://planet.example/p/3/"
    credited = post(third, article(3), "2026-03-01T11:00:00Z")
    apply(store, PLANET_FEED, credited, edges=[credit(third, ORIGINAL)])
    before = edge_rows(store)
    assert [row[:3] for row in before] == [
        (COPY, ORIGINAL, "inferred"),
        (third, ORIGINAL, "declared"),
    ]
    statements: list[str] = []
    real_execute = store.execute

    def execute(sql: str, params: Any = ()) -> Any:
        statements.append(sql)
        return real_execute(sql, params)

    monkeypatch.setattr(store, "execute", execute)
    first, second = "https://copies.example/1/", "https://copies.example/2/"

    def guess(repost: str, source: str, score: float) -> EdgeRecord:
        return EdgeRecord(repost, source, "shared-text", "x", source, "inferred", score)

    with store.transaction():
        added = store.add_inferred(
            [
                guess(COPY, ORIGINAL, 0.8),
                guess(first, ORIGINAL, 0.7),
                guess(third, ORIGINAL, 0.8),
                guess(first, ORIGINAL, 0.6),
                guess(second, COPY, 0.5),
            ],
            "2026-03-02T00:00:00Z",
        )
    monkeypatch.undo()
    assert added == 2
    assert edge_rows(store) == sorted(
        [
            *before,
            (first, ORIGINAL, "inferred", "shared-text", "x", 0.7),
            (second, COPY, "inferred", "shared-text", "x", 0.5),
        ]
    )
    assert_reach_exact(store)
    store.close()
    assert not [sql for sql in statements if "max(id)" in sql]


def test_a_declared_edge_removes_the_inferred_edge_going_the_other_way(target: str) -> None:
    """The matcher took the earlier-dated post for the original; the other one credits the
    later-dated post (its dates were wrong): the declared edge is the truth, and the
    inferred edge the other way would make a two-post cycle. Neither a later poll nor
    ``rematch`` brings it back."""
    store = Store.open(target)
    copied(store)
    _new, new_edges = apply(
        store,
        OUTLET_FEED,
        post(ORIGINAL, article(1), "2026-03-01T10:00:00Z"),
        edges=[credit(ORIGINAL, COPY)],
    )
    assert new_edges == 1
    assert edge_rows(store) == [
        (ORIGINAL, COPY, "declared", "source_article_from", "Source Article from", None)
    ]
    assert_reach_exact(store)
    apply(store, BLOG_FEED, post(COPY, article(1) + "<p>Updated.</p>", "2026-03-01T12:00:00Z"))
    assert inferred(store) == []
    store.close()
    run(target, "rematch")
    store = Store.open(target)
    assert [row[:3] for row in edge_rows(store)] == [(ORIGINAL, COPY, "declared")]
    assert_reach_exact(store)
    store.close()


def test_removing_inferred_edges_takes_out_of_reach_only_the_rows_deleted(target: str) -> None:
    """A removal asked for a pair that is declared by now (another transaction turned it)
    deletes nothing and leaves both layers alone; the count says what went."""
    store = Store.open(target)
    copied(store)
    apply(store, PLANET_FEED, post(COPY, article(1), "2026-03-01T12:00:00Z"),
          edges=[credit(COPY, ORIGINAL)])  # fmt: skip
    reach_before = {layer: layer_rows(store, layer) for layer in (ALL, DECLARED)}
    with store.transaction():
        gone = [(COPY, ORIGINAL), ("https://x.example/", ORIGINAL)]
        assert store.remove_inferred_edges(gone) == 0
    assert [row[2] for row in edge_rows(store)] == ["declared"]
    assert {layer: layer_rows(store, layer) for layer in (ALL, DECLARED)} == reach_before
    assert_reach_exact(store)
    store.close()


# -- tracer resolve: a credit through another spelling of the copied post --------

SHORT = "https://short.example/x7"


def resolved(store: Store, url: str, article: str) -> None:
    """What `tracer resolve` writes when ``url`` leads to ``article``."""
    from datetime import UTC, datetime

    from tracer.pages import PageRecord, write_pages

    write_pages(store, [PageRecord(url, article, "ok", 200, article)], datetime.now(UTC))


def test_a_credit_through_a_short_link_resolved_to_the_copied_post_turns_the_edge_declared(
    target: str,
) -> None:
    """The copy credits a short link (a declared edge to another URL, beside its inferred
    edge to the outlet's post); `resolve` finds that the link leads to that post: the
    inferred edge becomes the declared one (which it duplicates), instead of the declared
    edge being dropped as the duplicate."""
    store = Store.open(target)
    copied(store)
    apply(store, PLANET_FEED, post(COPY, article(1), "2026-03-01T12:00:00Z"),
          edges=[credit(COPY, SHORT)])  # fmt: skip
    declared_seen = store.execute(
        "SELECT first_seen FROM edges WHERE source_url = ?", [SHORT]
    ).fetchone()[0]
    resolved(store, SHORT, ORIGINAL)
    assert edge_rows(store) == [
        (COPY, ORIGINAL, "declared", "source_article_from", "Source Article from", None)
    ]
    assert store.execute("SELECT cited_url, raw_source_url, first_seen FROM edges").fetchone() == (
        SHORT,
        SHORT,
        declared_seen,
    )
    assert_reach_exact(store)
    store.close()


def test_a_credit_resolved_to_the_post_an_inferred_edge_comes_from_removes_that_edge(
    target: str,
) -> None:
    store = Store.open(target)
    copied(store)
    apply(store, OUTLET_FEED, post(ORIGINAL, article(1), "2026-03-01T10:00:00Z"),
          edges=[credit(ORIGINAL, SHORT)])  # fmt: skip
    resolved(store, SHORT, COPY)
    assert [row[:3] for row in edge_rows(store)] == [(ORIGINAL, COPY, "declared")]
    assert_reach_exact(store)
    store.close()


# -- end to end: real feeds over loopback, the CLI, both engines --------------

ORIGINAL_URL = "https://outlet.example/news/2026/03/01/grain-talks/"
COPY_URL = "https://blog.example/2026/03/grain-talks-copy/"


def rss(title: str, link: str, items: list[tuple[str, str, str]]) -> bytes:
    """An RSS 2.0 feed of ``(link, published, html)`` items."""
    entries = "".join(
        f"<item><title>Grain talks</title><link>{url}</link><guid>{url}</guid>"
        f"<pubDate>{published}</pubDate><description><![CDATA[{html}]]></description></item>"
        for url, published, html in items
    )
    return (
        f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
        f"<title>{title}</title><link>{link}</link>{entries}</channel></rss>"
    ).encode()


def credit_line(source: str) -> str:
    return f'<p>Source Article from <a href="{source}">the outlet</a></p>'


ORIGINAL_ITEM = (ORIGINAL_URL, "Sun, 01 Mar 2026 10:00:00 GMT", article(1))
COPY_ITEM = (COPY_URL, "Sun, 01 Mar 2026 12:00:00 GMT", "<p>For our readers.</p>" + article(1))
CREDITED_COPY_ITEM = (COPY_ITEM[0], COPY_ITEM[1], COPY_ITEM[2] + credit_line(ORIGINAL_URL))


def _without_times(data: Any, left_out: frozenset[str] = frozenset()) -> Any:
    """``data`` without the times a poll stamped (and the keys ``left_out``)."""
    if isinstance(data, dict):
        return {
            k: _without_times(v, left_out)
            for k, v in data.items()
            if k not in TIMES and k not in left_out
        }
    if isinstance(data, list):
        return [_without_times(v, left_out) for v in data]
    return data


def declared_answers(db: str, flag: list[str]) -> dict[str, Any]:
    """What the query commands answer (``flag``: ``["--declared-only"]`` or none)."""
    export = run(db, "export", "--format", "jsonl", *flag).stdout.splitlines()
    return {
        "chain": {u: run_json(db, "chain", u, "--json", *flag) for u in (COPY_URL, ORIGINAL_URL)},
        "reposts": run_json(db, "reposts", ORIGINAL_URL, "--json", *flag),
        "origins": run_json(db, "origins", "--json", *flag),
        "sites": run_json(db, "sites", "--json", *flag),
        "stats": run_json(db, "stats", "--json", *flag),
        "export": [json.loads(line) for line in export],
    }


@pytest.mark.parametrize("how", ["edited", "second_feed", "one_run"])
def test_a_copy_credited_later_answers_declared_only_like_a_store_without_matching(
    target: str, tmp_path: Path, how: str
) -> None:
    """The outlet and the blog's uncredited copy are polled (an inferred edge); then the
    blog adds the credit line to the same post (``edited``), or a planet feed carrying
    the post with its credit line is added (``second_feed``), and everything is polled
    again. ``one_run``: the planet feed is polled in the same run as the uncredited copy
    (on PostgreSQL the run's upkeep thread decides which edge is stored first). The
    answers of ``--declared-only`` equal those of a store polled with ``--no-match``
    (but for the times), and the reach layers equal the reference walk."""
    plain = str(tmp_path / "plain.db")
    outlet = Static(rss("Outlet", "https://outlet.example/", [ORIGINAL_ITEM]))
    blog = Static(rss("Blog", "https://blog.example/", [COPY_ITEM]))
    planet = Static(rss("Planet", "https://planet.example/", [CREDITED_COPY_ITEM]))
    routes = {"/outlet.xml": outlet, "/blog.xml": blog, "/planet.xml": planet}
    with FeedServer(routes) as server:
        first = [server.url("/outlet.xml"), server.url("/blog.xml")]
        if how == "one_run":
            first.append(server.url("/planet.xml"))
        for db, extra in ((target, []), (plain, ["--no-match"])):
            run(db, "feeds", "add", *first)
            run(db, "poll", "--all", "--quiet", *extra)
        if how != "one_run":
            assert sql_rows(target, "SELECT repost_url, source_url, kind FROM edges") == [
                (COPY_URL, ORIGINAL_URL, "inferred")
            ]
            if how == "edited":
                blog.set_body(rss("Blog", "https://blog.example/", [CREDITED_COPY_ITEM]))
            for db, extra in ((target, []), (plain, ["--no-match"])):
                if how == "second_feed":
                    run(db, "feeds", "add", server.url("/planet.xml"))
                run(db, "poll", "--all", "--quiet", *extra)
    assert sql_rows(target, "SELECT repost_url, source_url, kind, score FROM edges") == [
        (COPY_URL, ORIGINAL_URL, "declared", None)
    ]
    matched = declared_answers(target, ["--declared-only"])
    assert matched["stats"]["edges_by_kind"] == {"declared": 1, "inferred": 0}
    hops = [hop["url"] for chain in matched["chain"][COPY_URL]["chains"] for hop in chain]
    assert ORIGINAL_URL in hops
    assert [row["domain"] for row in matched["origins"]] == ["outlet.example"]
    # in one run, which of the two feeds stores the post first (its feed_url) is the
    # order the feeds' writes came in, in each store
    left_out = frozenset({"feed_url"} if how == "one_run" else ())
    want = _without_times(declared_answers(plain, []), left_out)
    for part, got in _without_times(matched, left_out).items():
        assert got == want[part], part
    store = Store.open(target)
    assert_reach_exact(store)
    store.close()


def test_the_original_crediting_its_copy_later_removes_the_inferred_edge_end_to_end(
    target: str,
) -> None:
    """Reverse direction over HTTP: the post dated earlier is later served with a credit
    line to the one dated later; ``chain`` of the latter no longer shows an inferred hop,
    and the former's chain goes through it."""
    outlet = Static(rss("Outlet", "https://outlet.example/", [ORIGINAL_ITEM]))
    blog = Static(rss("Blog", "https://blog.example/", [COPY_ITEM]))
    with FeedServer({"/outlet.xml": outlet, "/blog.xml": blog}) as server:
        run(target, "feeds", "add", server.url("/outlet.xml"), server.url("/blog.xml"))
        run(target, "poll", "--all", "--quiet")
        assert sql_rows(target, "SELECT repost_url, source_url, kind FROM edges") == [
            (COPY_URL, ORIGINAL_URL, "inferred")
        ]
        edited = (ORIGINAL_ITEM[0], ORIGINAL_ITEM[1], ORIGINAL_ITEM[2] + credit_line(COPY_URL))
        outlet.set_body(rss("Outlet", "https://outlet.example/", [edited]))
        run(target, "poll", "--all", "--quiet")
    assert sql_rows(target, "SELECT repost_url, source_url, kind FROM edges") == [
        (ORIGINAL_URL, COPY_URL, "declared")
    ]
    chains = run_json(target, "chain", COPY_URL, "--json")["chains"]
    assert all(len(chain) == 1 for chain in chains)  # the copy cites nothing
    chains = run_json(target, "chain", ORIGINAL_URL, "--json")["chains"]
    assert [[hop["url"] for hop in chain] for chain in chains] == [[ORIGINAL_URL, COPY_URL]]
    store = Store.open(target)
    assert_reach_exact(store)
    store.close()


# -- PostgreSQL: the poll's upkeep thread decides the order; the result is the same ---------


def _wait_for(pg_url: str, sql: str, want: list[tuple[Any, ...]]) -> None:
    deadline = time.monotonic() + 60  # generous: a busy machine
    while sql_rows(pg_url, sql) != want:
        if time.monotonic() > deadline:
            pytest.fail(f"{sql}: {sql_rows(pg_url, sql)}, not {want}")
        time.sleep(0.02)


def _feed_update(store: Store, feed: str, *posts: Any, edges: list[EdgeRecord] | None = None):
    store.add_feed(feed)
    row = store.feed_by_url(feed)
    assert row is not None
    return FeedUpdate(row["id"], FeedChanges(), list(posts), edges or [])


@pytest.mark.parametrize("order", ["inferred_drained_first", "declared_committed_first"])
def test_postgresql_poll_writer_ends_declared_whichever_edge_its_drainer_stores_first(
    pg_url: str, order: str
) -> None:
    """One poll's writer (``Store.writer``: its feeds queue their upkeep for the drainer
    thread) writes the uncredited copy, then the same post credited by another feed.
    ``inferred_drained_first``: the drainer matched the copy (an inferred edge) before the
    credited feed is written. ``declared_committed_first``: another session holds the
    upkeep lock until both feeds are committed, so the drain finds the declared edge."""
    import psycopg

    from tracer.engine.queries import UPKEEP_WAIT

    store = Store.open(pg_url)
    apply(store, OUTLET_FEED, post(ORIGINAL, article(1), "2026-03-01T10:00:00Z"))
    blog = _feed_update(store, BLOG_FEED, post(COPY, article(1), "2026-03-01T12:00:00Z"))
    planet = _feed_update(
        store,
        PLANET_FEED,
        post(COPY, article(1), "2026-03-01T12:00:00Z"),
        edges=[credit(COPY, ORIGINAL)],
    )
    kinds = "SELECT kind FROM edges"
    with psycopg.connect(pg_url) as blocker:
        if order == "declared_committed_first":
            blocker.execute(UPKEEP_WAIT["postgresql"])  # held until the block's commit
        with store.writer() as writes:
            writes.apply(blog)
            if order == "inferred_drained_first":
                _wait_for(pg_url, kinds, [("inferred",)])
            writes.apply(planet)
            if order == "declared_committed_first":
                assert sql_rows(pg_url, kinds) == [("declared",)]  # before any drain
                blocker.commit()
    assert edge_rows(store) == [
        (COPY, ORIGINAL, "declared", "source_article_from", "Source Article from", None)
    ]
    assert sql_rows(pg_url, "SELECT count(*) FROM pending_edges") == [(0,)]
    assert_reach_exact(store)
    store.close()


def test_postgresql_drain_removes_an_inferred_edge_stored_beside_a_queued_declared_one(
    pg_url: str,
) -> None:
    """The race of the reverse case: a drain matched P (inferred P -> Q) while the
    writer's feed declaring Q -> P was being committed, so neither saw the other. Another
    session plays that drain: it holds the upkeep lock while the writer commits Q -> P
    (queued), then stores the inferred P -> Q and commits. The poll's drainer, which gets
    the lock next, removes it."""
    from tracer.engine.queries import UPKEEP_WAIT

    store = Store.open(pg_url)
    apply(store, OUTLET_FEED, post(ORIGINAL, article(1), "2026-03-01T10:00:00Z"))
    apply(store, BLOG_FEED, post(COPY, article(1), "2026-03-01T12:00:00Z"))
    with store.transaction():  # the blog's copy is not matched yet: no inferred edge
        store.remove_inferred_edges([(COPY, ORIGINAL)])
    declaring = _feed_update(
        store,
        OUTLET_FEED,
        post(ORIGINAL, article(1), "2026-03-01T10:00:00Z"),
        edges=[credit(ORIGINAL, COPY)],
    )
    racing = Store.open(pg_url)
    with store.writer() as writes:
        with racing.transaction():
            racing.execute(racing.engine.sql(UPKEEP_WAIT))
            writes.apply(declaring)  # committed and queued; the drainer waits for the lock
            assert sql_rows(pg_url, "SELECT count(*) FROM pending_edges") == [(1,)]
            racing.add_inferred(
                [EdgeRecord(COPY, ORIGINAL, "shared-text", "x", ORIGINAL, "inferred", 0.95)],
                "2026-03-02T00:00:00Z",
            )
        _wait_for(pg_url, "SELECT count(*) FROM pending_edges", [(0,)])
    racing.close()
    assert [row[:3] for row in edge_rows(store)] == [(ORIGINAL, COPY, "declared")]
    assert_reach_exact(store)
    store.close()


def test_postgresql_removing_an_inferred_edge_spares_a_row_a_writer_turned_meanwhile(
    pg_url: str,
) -> None:
    """A writer's feed turns COPY -> ORIGINAL declared and has not committed; meanwhile a
    drain re-points COPY's inferred edge (``remove_inferred_edges``), so its DELETE waits for the
    writer's row lock. Under READ COMMITTED the waiting DELETE re-checks only the row it
    deletes: the declared edge must survive the writer's commit."""
    import threading

    import psycopg

    from tracer.store import _EDGE_CONFLICT

    store = Store.open(pg_url)
    copied(store)
    with psycopg.connect(pg_url) as writer:
        writer.execute(
            "INSERT INTO edges (repost_url, source_url, kind, pattern, evidence,"
            " raw_source_url, cited_url, first_seen, last_seen, score) VALUES"
            " (%s, %s, 'declared', 'source_article_from', 'Source Article from', %s, NULL,"
            " '2026-03-05T00:00:00Z', '2026-03-05T00:00:00Z', NULL) " + _EDGE_CONFLICT,
            [COPY, ORIGINAL, ORIGINAL],
        )  # the row is turned and locked, not committed
        removed: list[int] = []

        def drain() -> None:
            other = Store.open(pg_url)
            with other.transaction():
                removed.append(other.remove_inferred_edges([(COPY, ORIGINAL)]))
            other.close()

        draining = threading.Thread(target=drain)
        draining.start()
        waited = time.monotonic() + 10
        while not sql_rows(pg_url, "SELECT 1 FROM pg_locks WHERE NOT granted") and (
            time.monotonic() < waited
        ):
            time.sleep(0.02)  # until the drain's DELETE waits for the writer's row lock
        writer.commit()
        draining.join(30)
    assert removed == [0]
    assert [row[:3] for row in edge_rows(store)] == [(COPY, ORIGINAL, "declared")]
    store.close()
