"""The upkeep queue (tracer.upkeep) drained on SQLite too: what ``copy-db`` brings from a
PostgreSQL store whose pollers left work queued ends up in the reach tables and matched."""

from __future__ import annotations

from pathlib import Path

from test_matching import COPY, ORIGINAL, article, inferred, post
from test_reach_layers import check

from tracer import upkeep
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
