"""A drain of many queued feeds on PostgreSQL matches them as one writer would (issue 16).

A poll's upkeep thread (``tracer.upkeep.Drainer``) often finds the queued
batches of many feeds at once. It reads what each batch would read (the sites,
their boilerplate and post counts, the index rows of the keys the batches may
look up) once, at the drain's start (``Store.begin_drain``), then matches the
batches one after the other without waiting for the server. The outcome must be
what a writer matching each feed in its own transaction wrote.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import psycopg
import pytest
from test_postgres_writer_retry import DEADLOCK_SQL
from test_reach_layers import check

from tracer.decide import decide
from tracer.models import FeedState, FeedUpdate, FetchResult
from tracer.store import Store

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))
copyworld = pytest.importorskip("copyworld")

NOW = datetime(2026, 3, 10, tzinfo=UTC)
TABLES = {
    "inferred edges": "SELECT repost_url, source_url, score, evidence FROM edges"
    " WHERE kind = 'inferred' ORDER BY 1, 2",
    "site counts": "SELECT d.name, s.posts FROM site_texts AS s"
    " JOIN domains AS d ON d.id = s.domain_id ORDER BY 1",
    "boilerplate": "SELECT coalesce(d.name, ''), b.key FROM boilerplate AS b"
    " LEFT JOIN domains AS d ON d.id = b.domain_id ORDER BY 1, 2",
    "index rows": "SELECT d.name, count(*), CAST(sum(t.key % 1000003) AS bigint)"
    " FROM text_keys AS t JOIN domains AS d ON d.id = t.domain_id GROUP BY d.name ORDER BY 1",
}


def _updates(store: Store, world: Any) -> list[FeedUpdate]:
    """The world's feeds, the outlet last, as one poll of each decides them."""
    paths = sorted(world.feeds, key=lambda path: (path == "/feeds/outlet.xml", path))
    updates = []
    for path in paths:
        url = f"https://feeds.example{path}"
        store.add_feed(url)
        feed_id = store.feed_by_url(url)["id"]  # type: ignore[index]
        fetched = FetchResult(url, 200, url, body=world.feeds[path])
        updates.append(decide(FeedState(feed_id, url), fetched, NOW))
    return updates


def _tables(store: Store) -> dict[str, list[tuple[Any, ...]]]:
    return {name: [tuple(row) for row in store.execute(sql)] for name, sql in TABLES.items()}


def _failing_after(monkeypatch: pytest.MonkeyPatch, calls: set[int]) -> list[int]:
    """``Store.add_inferred`` (a matched post's inferred edges, written while the
    matcher goes through its batch) fails with a deadlock (40P01, from the server)
    after its n-th call wrote its edges, for each n of ``calls`` (counted from 1, the
    tries again included): the transaction rolls back in the middle of a batch, after
    the matcher learned from the posts before. The calls that failed are returned."""
    failed: list[int] = []
    count = [0]
    real = Store.add_inferred

    def failing(self: Store, *args: Any) -> int:
        added = real(self, *args)
        count[0] += 1
        if count[0] in calls:
            failed.append(count[0])
            self.execute(DEADLOCK_SQL).fetchall()
        return added

    monkeypatch.setattr(Store, "add_inferred", failing)
    return failed


@pytest.mark.slow
@pytest.mark.parametrize("fail", ["none", "drain", "feed"])
def test_one_drain_of_every_feed_matches_as_feed_by_feed(
    tmp_path: Path,
    pg_url: str,
    pg_schemas: Callable[[], str],
    monkeypatch: pytest.MonkeyPatch,
    fail: str,
) -> None:
    """The reference: each feed matched in its own transaction, on SQLite and on
    PostgreSQL (a lone poller's feeds get the upkeep turn). Then every feed queued
    behind a held upkeep lock and drained at once. SQLite keeps a run's index rows in
    memory and leaves out those of keys that became boilerplate meanwhile, so its
    index holds fewer rows: those are compared with PostgreSQL's reference only.

    ``fail``: "drain", the drain fails with a deadlock at its third post's inferred
    edges and is tried again whole (on a new connection, with a new matcher); "feed",
    the reference fails so twice (the 3rd and 9th edges written) and the feeds are
    written again (``Store.apply``, same connection): what the matcher learned from
    the rolled-back posts (boilerplate, site counts, index rows, stored keys) must go
    with them, so the same tables come out."""
    world = copyworld.build(7)
    sqlite = Store.open(str(tmp_path / "tracer.db"))
    reference = Store.open(pg_schemas())
    try:
        for update in _updates(sqlite, world):
            sqlite.apply(update)
        failed = _failing_after(monkeypatch, {3, 9} if fail == "feed" else set())
        for update in _updates(reference, world):
            reference.apply(update)
        assert failed == ([3, 9] if fail == "feed" else [])  # the 3rd and 9th edges' writes
        sqlite.flush_matching()  # the index rows SQLite keeps in memory for a while
        expected = _tables(reference)
        on_sqlite = _tables(sqlite)
    finally:
        sqlite.close()
        reference.close()
    assert len(expected["inferred edges"]) >= 40  # the world's copies were found at all
    assert expected["boilerplate"]  # and some site's template learned
    for name in ("inferred edges", "site counts", "boilerplate"):
        assert on_sqlite[name] == expected[name], name

    drains: list[int] = []  # batches each drain read ahead for
    begin = Store.begin_drain

    def counted(self: Store, batches: Any) -> None:
        drains.append(len(batches))
        begin(self, batches)

    monkeypatch.setattr(Store, "begin_drain", counted)
    failed = _failing_after(monkeypatch, {3} if fail == "drain" else set())
    store = Store.open(pg_url)
    try:
        updates = _updates(store, world)
        holder = psycopg.connect(pg_url, autocommit=True)  # the drains wait for it
        holder.execute("SELECT pg_advisory_lock(hashtext(current_schema() || ':upkeep'))")
        try:
            with store.writer() as writes:
                for update in updates:
                    writes.apply(update)
                holder.execute("SELECT pg_advisory_unlock_all()")
        finally:
            holder.close()
        assert drains and drains[0] == len(updates)  # every feed's batch in the first drain
        if fail == "drain":  # tried again whole
            assert failed == [3] and drains[1] == len(updates)
        assert _tables(store) == expected
        check(store)
    finally:
        store.close()
