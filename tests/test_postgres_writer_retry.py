"""A poll's writer on PostgreSQL that the server picks as a deadlock's victim tries the feed
again (issue 16): the poll goes on, nothing is lost or written twice.

The writer keeps one pipeline for its whole run and sends a feed's ``BEGIN`` and
``COMMIT`` as statements in it (``PostgresEngine._piped_transaction``). When the
server breaks a deadlock by failing the writer's transaction, the feed is rolled
back and written again; psycopg's cache of prepared statements must then forget
what the failed transaction may have left half-known, as ``conn.rollback()`` does.
"""

from __future__ import annotations

import threading
import time

import psycopg
import pytest
from cli_helpers import sql_rows
from test_matching import article, post

from tracer.models import EdgeRecord, FeedChanges, FeedUpdate
from tracer.store import Store


def _edge(repost: str, source: str) -> EdgeRecord:
    return EdgeRecord(repost, source, "via", "via the source", source)


def _update(feed_id: int, n: int) -> FeedUpdate:
    url = f"https://blog.example/p/{n}/"
    source = f"https://outlet.example/a/{n}/"
    changes = FeedChanges(title=f"Blog {n}")
    return FeedUpdate(feed_id, changes, [post(url, article(n), "2026-03-01")], [_edge(url, source)])


def _waiting_on_advisory(url: str, timeout: float = 20.0) -> None:
    """Return once a tracer session waits for an advisory lock."""
    deadline = time.monotonic() + timeout
    with psycopg.connect(url, autocommit=True) as conn:
        while time.monotonic() < deadline:
            row = conn.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'tracer'"
                " AND wait_event_type = 'Lock' AND wait_event = 'advisory'"
            ).fetchone()
            if row and row[0]:
                return
            time.sleep(0.02)
    raise AssertionError("the writer never waited for the edge lock")


def _deadlocked(writes: Store, holder: psycopg.Connection, update: FeedUpdate, url: str) -> None:
    """``writes.apply(update)`` while ``holder`` deadlocks with it: ``holder`` takes the
    edge lock (as `tracer resolve` does), the feed locks its feed row and waits for the
    edge lock, then ``holder`` updates that feed row. ``holder`` waits a minute before
    looking for a deadlock, the writer's server process a second, so the server fails
    the writer's transaction; ``holder`` commits at once then."""
    holder.execute("SELECT pg_advisory_xact_lock(hashtext(current_schema() || ':reach'))")
    failures: list[BaseException] = []

    def write() -> None:
        try:
            writes.apply(update)
        except BaseException as exc:  # raised below
            failures.append(exc)

    writer = threading.Thread(target=write)
    writer.start()
    _waiting_on_advisory(url)
    holder.execute("UPDATE feeds SET title = 'held' WHERE id = %s", [update.feed_id])
    holder.commit()  # reached once the server failed the writer's transaction
    writer.join(60)
    assert not writer.is_alive()
    if failures:
        raise failures[0]


def test_the_writer_as_a_deadlock_victim_writes_the_feed_again(pg_url: str) -> None:
    """The server fails the writer's transaction to break a deadlock, twice: the writer
    writes each feed again once the other session committed, and the run goes on.

    The second time, the feed's statements that follow the one waiting (the posts,
    the edges, the queue) run for the sixth time, when psycopg prepares them: their
    preparation was sent in the failed part of the pipeline, which the server skips,
    so the writer must forget them (psycopg's cache of prepared statements) as
    psycopg's own rollback does, or the feed's second try names statements the server
    never prepared (the first rollback of a connection happens to clear the cache)."""
    store = Store.open(pg_url)
    try:
        ids = []
        for n in range(7):
            feed = f"https://blog.example/feed/{n}"
            store.add_feed(feed)
            ids.append(store.feed_by_url(feed)["id"])  # type: ignore[index]
        holder = psycopg.connect(pg_url)  # not autocommit: its locks last to its commit
        holder.execute("SET deadlock_timeout = '60s'")
        holder.commit()
        with store.writer() as writes:
            _deadlocked(writes, holder, _update(ids[0], 0), pg_url)
            for n in range(1, 5):  # the statements' 2nd to 5th runs since the rollback
                writes.apply(_update(ids[n], n))
            _deadlocked(writes, holder, _update(ids[5], 5), pg_url)  # their 6th: prepared
            for n in range(6, 7):
                writes.apply(_update(ids[n], n))
        holder.close()
        assert sql_rows(pg_url, "SELECT count(*) FROM posts") == [(7,)]
        assert sql_rows(pg_url, "SELECT count(*) FROM edges WHERE kind = 'declared'") == [(7,)]
        titles = sql_rows(pg_url, "SELECT title FROM feeds ORDER BY id")
        assert titles == [(f"Blog {n}",) for n in range(7)]  # the feeds' own, written last
        assert sql_rows(pg_url, "SELECT count(*) FROM pending_posts") == [(0,)]
        assert sql_rows(pg_url, "SELECT count(*) FROM fingerprints") == [(7,)]
    finally:
        store.close()


def test_a_write_that_fails_otherwise_is_not_tried_again(pg_url: str) -> None:
    """Only a deadlock or a serialization conflict is tried again: a feed whose write
    fails for another reason stops the writer, as before."""
    from tracer.exceptions import StorageError

    store = Store.open(pg_url)
    try:
        store.add_feed("https://blog.example/feed")
        feed_id = store.feed_by_url("https://blog.example/feed")["id"]  # type: ignore[index]
        calls: list[int] = []
        with pytest.raises(StorageError, match="division by zero"), store.writer() as writes:
            real = writes._apply

            def failing(*args, **kwargs):  # type: ignore[no-untyped-def]
                calls.append(1)
                with writes.transaction():
                    writes.execute("SELECT 1/0").fetchone()
                return real(*args, **kwargs)

            writes._apply = failing  # type: ignore[method-assign]
            writes.apply(_update(feed_id, 1))
        assert calls == [1]  # once: not tried again
    finally:
        store.close()


DEADLOCK_SQL = "DO $$BEGIN RAISE EXCEPTION 'deadlock detected' USING ERRCODE = '40P01'; END$$"


@pytest.mark.parametrize("surfaces", ["read later", "at commit", "python error"])
def test_a_failed_piped_transaction_ends_out_of_its_transaction(pg_url: str, surfaces: str) -> None:
    """The writer's transaction fails on a statement whose answer is not read at once
    (the server's failure then surfaces when a later answer is read, at the commit, or
    not at all when Python code fails first): the rollback must still reach the server.
    psycopg's ``rollback()`` syncs the pipeline first, which raises that failure and
    stopped short of ``ROLLBACK``; the next transaction then failed at once ("current
    transaction is aborted"), which the writer does not try again."""
    from tracer.exceptions import StorageError

    store = Store.open(pg_url)
    writes = store.another()
    try:
        engine = writes.engine
        with engine.pipeline():
            for trailing in range(8):  # how many statements follow the failing one
                with pytest.raises((StorageError, ValueError)), engine.transaction():
                    engine.execute(DEADLOCK_SQL)  # its answer not read
                    for _ in range(trailing):
                        engine.execute("SELECT 1")
                    if surfaces == "read later":
                        engine.execute("SELECT 1").fetchone()
                    elif surfaces == "python error":
                        raise ValueError("the feed's code failed")
                with engine.transaction():
                    assert engine.execute("SELECT 2").fetchone() == (2,), trailing
    finally:
        writes.close()
        store.close()


@pytest.mark.parametrize("surfaces", ["read later", "at commit"])
def test_a_deadlock_seen_on_a_later_answer_is_tried_again(pg_url: str, surfaces: str) -> None:
    """The feed's first try fails with a deadlock on a statement whose answer the writer
    reads only later (or at the commit): the feed is written on its second try (the
    connection is out of the failed transaction), for any count of statements sent
    between."""
    store = Store.open(pg_url)
    try:
        ids = []
        for n in range(8):
            store.add_feed(f"https://blog.example/feed/{n}")
            ids.append(store.feed_by_url(f"https://blog.example/feed/{n}")["id"])  # type: ignore[index]
        with store.writer() as writes:
            real = writes._apply
            for n, feed_id in enumerate(ids):
                tries: list[int] = []

                def flaky(*args, n=n, tries=tries):  # type: ignore[no-untyped-def]
                    tries.append(1)
                    if len(tries) == 1:  # the first try: the server fails it
                        with writes.transaction():
                            writes.execute(DEADLOCK_SQL)
                            for _ in range(n):
                                writes.execute("SELECT 1")
                            if surfaces == "read later":
                                writes.execute("SELECT 1").fetchone()
                    return real(*args)

                writes._apply = flaky  # type: ignore[method-assign]
                assert writes.apply(_update(feed_id, n)) == (1, 1)
                assert len(tries) == 2
        assert sql_rows(pg_url, "SELECT count(*) FROM posts") == [(8,)]
        assert sql_rows(pg_url, "SELECT count(*) FROM edges WHERE kind = 'declared'") == [(8,)]
    finally:
        store.close()
