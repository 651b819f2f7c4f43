"""The upkeep queue (tracer.upkeep) drained on SQLite too: what ``copy-db`` brings from a
PostgreSQL store whose pollers left work queued ends up in the reach tables and matched."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_matching import COPY, ORIGINAL, article, inferred, post
from test_reach_layers import check

from tracer import upkeep
from tracer.exceptions import StorageError
from tracer.graph import origins
from tracer.store import Store


def test_a_queue_left_in_a_sqlite_store_is_drained_by_the_next_poll_end(tmp_path: Path) -> None:
    store = Store.open(tmp_path / "t.db")
    now = "2026-03-02T00:00:00Z"
    store.add_feed("https://blog.example/feed")
    with store.transaction():  # as a poller without the upkeep turn leaves a feed
        for p in (post(ORIGINAL, article(1), "2026-03-01"), post(COPY, article(1), "2026-03-02")):
            store.execute(
                "INSERT INTO posts (url, raw_url, guid, feed_id, title, published, first_seen,"
                " last_seen) VALUES (?, ?, ?, 1, ?, ?, ?, ?)",
                [p.url, p.url, p.url, p.title, p.published, now, now],
            )
        store.execute(
            "INSERT INTO edges (repost_url, source_url, kind, pattern, first_seen, last_seen)"
            " VALUES (?, 'https://www.rt.com/news/1/', 'declared', 'p', ?, ?)",
            [ORIGINAL, now, now],
        )
        upkeep.queue_edges(store.engine, [(ORIGINAL, "https://www.rt.com/news/1/")], ["declared"])
        ids = dict(store.execute("SELECT url, id FROM posts").fetchall())
        upkeep.queue_posts(
            store.engine,
            [(ids[p.url], p.fingerprint) for p in (post(ORIGINAL, article(1), "2026-03-01"),)],
        )
        upkeep.queue_posts(
            store.engine,
            [(ids[p.url], p.fingerprint) for p in (post(COPY, article(1), "2026-03-02"),)],
        )
    assert origins(store) == []  # not in the reach tables yet
    assert upkeep.finish(store, now) == 1
    store.flush_matching()
    assert [row["domain"] for row in origins(store)] == ["rt.com"]
    assert inferred(store) == [(COPY, ORIGINAL)]
    assert store.execute("SELECT count(*) FROM pending_posts").fetchone()[0] == 0
    assert not upkeep.pending(store.engine)
    check(store)
    store.close()


def _queued_pair(store: Store, now: str) -> dict[str, int]:
    """Two posts (ORIGINAL, COPY: the same article) stored as a poller without the upkeep
    turn leaves them; their ids. Nothing queued yet."""
    store.add_feed("https://blog.example/feed")
    with store.transaction():
        for p in (post(ORIGINAL, article(1), "2026-03-01"), post(COPY, article(1), "2026-03-02")):
            store.execute(
                "INSERT INTO posts (url, raw_url, guid, feed_id, title, published, first_seen,"
                " last_seen) VALUES (?, ?, ?, 1, ?, ?, ?, ?)",
                [p.url, p.url, p.url, p.title, p.published, now, now],
            )
    return dict(store.execute("SELECT url, id FROM posts").fetchall())


def test_a_drainer_matches_its_own_batches_by_the_fingerprints_it_remembers(pg_url: str) -> None:
    """A poll's drainer takes back the batches its writer queued without their fingerprint
    columns and matches them by the fingerprints in memory (here they differ from the
    queued row's: only the remembered one copies ORIGINAL); another poller's batch comes
    back whole. Once the drain committed, its batches are forgotten."""
    store = Store.open(pg_url)
    now = "2026-03-02T00:00:00Z"
    ids = _queued_pair(store, now)
    drainer = upkeep.Drainer(store)
    with store.transaction():  # another poller's batch: matched by its row
        upkeep.queue_posts(
            store.engine, [(ids[ORIGINAL], post(ORIGINAL, article(1), "x").fingerprint)]
        )
    with store.transaction():  # the writer's own: the row holds another text
        name = drainer.remembered.add([(ids[COPY], post(COPY, article(1), "x").fingerprint)])
        other = post(COPY, article(2), "x").fingerprint
        store.execute(
            "INSERT INTO pending_posts (batch, post_id, words, level, keys, head, tail)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)",
            [name, ids[COPY], other.words, other.level, other.blob, other.stored_phrases,
             other.other_phrases],
        )  # fmt: skip
    assert len(drainer.remembered) == 1
    drainer.nudge()
    assert drainer.close() == 1
    assert inferred(store) == [(COPY, ORIGINAL)]
    assert len(drainer.remembered) == 0
    assert not upkeep.pending(store.engine)
    store.close()


def test_a_batch_of_this_poll_missing_from_its_memory_fails_the_drain(pg_url: str) -> None:
    """A row that came back without its fingerprint is never matched by a guess: the drain
    fails (rolled back: the row stays queued for the next holder of the lock)."""
    store = Store.open(pg_url)
    now = "2026-03-02T00:00:00Z"
    ids = _queued_pair(store, now)
    remembered = upkeep.Remembered()
    with store.transaction():
        name = upkeep.queue_posts(
            store.engine, [(ids[COPY], post(COPY, article(1), "x").fingerprint)], remembered
        )
    assert name is not None and name.startswith(remembered.token)
    remembered.forget([name])  # lost, as by a bug
    store.remembered = remembered
    with pytest.raises(StorageError, match="not in this poll's memory"), store.transaction():
        upkeep.drain(store, now)
    assert store.execute("SELECT count(*) FROM pending_posts").fetchone()[0] == 1
    store.close()


def test_a_batch_another_pollers_drain_took_is_forgotten_after_the_next_drain(
    pg_url: str,
) -> None:
    """With several pollers, the batches of one poller's writer may be drained by another
    poller (they come back whole there); its own drainer forgets them after its next
    drain, which sees them gone from the queue, rather than keep their fingerprints
    until the run ends."""
    store = Store.open(pg_url)
    now = "2026-03-02T00:00:00Z"
    ids = _queued_pair(store, now)
    drainer = upkeep.Drainer(store)
    with store.transaction():
        name = upkeep.queue_posts(
            store.engine,
            [(ids[COPY], post(COPY, article(1), "x").fingerprint)],
            drainer.remembered,
        )
    assert name is not None
    drainer.remembered.committed([name])
    with store.transaction():  # another poller's drain (nothing in memory): the row whole
        assert upkeep.drain(store, now) == 0
    assert len(drainer.remembered) == 1
    drainer.nudge()
    drainer.close()
    assert len(drainer.remembered) == 0
    store.close()
