"""SQLite: a feed's posts and declared edges are numbered without reading RETURNING back
when every row was inserted (store._all_numbered); a feed whose rows were all stored
already must never be taken for one whose rows are all new."""

from __future__ import annotations

from pathlib import Path

import pytest

from tracer.models import EdgeRecord, FeedChanges, FeedUpdate, PostRecord
from tracer.store import Store

FEED = "https://blog.example/feed/"


def update(store: Store, urls: list[str]) -> FeedUpdate:
    feed = store.feed_by_url(FEED)
    assert feed is not None
    return FeedUpdate(
        feed_id=feed["id"],
        feed=FeedChanges(),
        posts=[PostRecord(url, url, url, f"title {url}", None) for url in urls],
        edges=[
            EdgeRecord(url, f"https://outlet.example/{n}/", "p", "e", "s", "declared", None)
            for n, url in enumerate(urls)
        ],
    )


@pytest.mark.parametrize("table", ["posts", "edges"])
def test_rows_all_stored_are_not_new_when_the_last_inserted_id_is_the_largest_plus_their_number(
    db_path: Path, table: str
) -> None:
    """The connection's last inserted id is what one would expect of all the feed's rows
    being new (another table's row numbered so): the rows, all stored, are still not."""
    store = Store.open(db_path)
    store.add_feed(FEED)
    urls = [f"https://blog.example/{n}/" for n in range(3)]
    assert store.apply(update(store, urls)) == (3, 3)
    posts_before = store.execute("SELECT id, url FROM posts ORDER BY id").fetchall()
    (largest,) = store.execute(f"SELECT max(id) FROM {table}").fetchone()
    with store.transaction():  # the last inserted id becomes largest + 3
        store.execute(
            "INSERT INTO feeds (id, url, raw_url, added_at) VALUES (?, ?, ?, ?)",
            [largest + 3, "https://other.example/feed/", "x", "2026-01-01T00:00:00Z"],
        )
        assert store.execute("SELECT last_insert_rowid()").fetchone() == (largest + 3,)
        assert store.apply(update(store, urls)) == (0, 0)
    assert store.execute("SELECT id, url FROM posts ORDER BY id").fetchall() == posts_before
    assert store.execute("SELECT count(*) FROM edges").fetchone() == (3,)
    store.close()


def test_a_feed_failing_after_its_rows_were_numbered_leaves_the_batch_writable(
    db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A feed whose write fails after its declared edges were numbered (their RETURNING
    not read) while the error, and so the traceback's frames, are still alive: its
    savepoint is undone with the error as raised, and the batch's other feeds are written
    and committed. The statement left unfinished made SQLite refuse RELEASE, the next
    SAVEPOINT and the batch's COMMIT ("SQL statements in progress")."""
    from tracer import reach

    store = Store.open(db_path)
    store.add_feed(FEED)
    # edges numbered past the posts: the last inserted id never equals largest + rows
    first = update(store, ["https://blog.example/0/"])
    first.edges.extend(
        EdgeRecord(first.posts[0].url, f"https://outlet.example/x{n}/", "p", "e", "s",
                   "declared", None)
        for n in range(4)
    )  # fmt: skip
    assert store.apply(first) == (1, 5)
    add_edges = reach.add_edges

    def failing(*args: object, **kwargs: object) -> None:
        raise ValueError("reach failed")

    kept: list[BaseException] = []
    with store.transaction():  # a poll's batch of feeds
        monkeypatch.setattr(reach, "add_edges", failing)
        with pytest.raises(ValueError, match="reach failed") as raised:
            store.apply(update(store, ["https://blog.example/1/"]))
        kept.append(raised.value)  # its traceback still holds the frames
        monkeypatch.setattr(reach, "add_edges", add_edges)
        assert store.apply(update(store, ["https://blog.example/2/"])) == (1, 1)
    urls = [url for (url,) in store.execute("SELECT url FROM posts ORDER BY id")]
    assert urls == ["https://blog.example/0/", "https://blog.example/2/"]
    assert kept
    store.close()
