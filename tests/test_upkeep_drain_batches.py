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


@pytest.mark.slow
def test_one_drain_of_every_feed_matches_as_feed_by_feed(
    tmp_path: Path, pg_url: str, pg_schemas: Callable[[], str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The reference: each feed matched in its own transaction, on SQLite and on
    PostgreSQL (a lone poller's feeds get the upkeep turn). Then every feed queued
    behind a held upkeep lock and drained at once. SQLite keeps a run's index rows in
    memory and leaves out those of keys that became boilerplate meanwhile, so its
    index holds fewer rows: those are compared with PostgreSQL's reference only."""
    world = copyworld.build(7)
    sqlite = Store.open(str(tmp_path / "tracer.db"))
    reference = Store.open(pg_schemas())
    try:
        for store in (sqlite, reference):
            for update in _updates(store, world):
                store.apply(update)
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
        assert _tables(store) == expected
        check(store)
    finally:
        store.close()
