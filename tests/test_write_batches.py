"""Feeds written in batches: each whole, those before a failure kept, committed on time.

A poll writes the feeds it decides in transactions shared by up to
``WRITE_BATCH`` feeds (each in its own savepoint), committed at least every
``WRITE_BATCH_SECONDS``. These tests run real polls over loopback into a real
SQLite file.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from cli_helpers import run
from feedserver import FeedServer, Reply, Request, Static
from write_faults import fail_nth_feed_write

from tracer.exceptions import StorageError
from tracer.store import Store

ROOT = Path(__file__).resolve().parent.parent


def rss(name: str, items: int) -> bytes:
    entries = "".join(
        f"<item><title>{name} post {i}</title><link>https://{name}.example/post-{i}/</link>"
        f"<description><![CDATA[<p>Text {i}.</p><p>Source Article from "
        f'<a href="https://origin.example/{name}/{i}">origin.example</a></p>]]></description>'
        "</item>"
        for i in range(items)
    )
    return (
        f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
        f"<title>{name}</title><link>https://{name}.example/</link>{entries}</channel></rss>"
    ).encode()


def rows(db: Path, sql: str) -> list[tuple[Any, ...]]:
    with sqlite3.connect(db) as conn:
        return conn.execute(sql).fetchall()


def test_a_write_failure_keeps_the_feeds_before_it_and_nothing_of_its_own(
    db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    routes = {f"/f{i}.xml": Static(rss(f"f{i}", 4)) for i in range(8)}
    with FeedServer(routes) as server:
        run(db_path, "feeds", "add", *[server.url(p) for p in routes])
        message = "database write failed: disk I/O error (injected)"
        applied = fail_nth_feed_write(monkeypatch, 5, message)
        failed = run(db_path, "poll", "--all", code=1)
        monkeypatch.undo()
        stored = rows(db_path, "SELECT feed_id, count(*) FROM posts GROUP BY feed_id")
        statuses = dict(rows(db_path, "SELECT id, last_status FROM feeds"))
        edges = len(rows(db_path, "SELECT 1 FROM edges"))
        again = run(db_path, "poll", "--all")  # the next run reads the rest
    assert "disk I/O error (injected)" in failed.stderr
    by_feed = dict(stored)
    failing = applied[4]
    # the four written before it were committed (a feed decided in the same instant may
    # follow it before the run stops: it is kept too, whole)
    assert set(applied[:4]) <= set(by_feed) <= set(applied) - {failing}
    assert all(count == 4 for count in by_feed.values())  # every stored feed is whole
    assert statuses[failing] is None  # the failing feed: not even its status
    assert {i for i, status in statuses.items() if status == 200} == set(by_feed)
    assert edges == 4 * len(by_feed)
    assert "0 errors" in again.stderr
    assert len(rows(db_path, "SELECT 1 FROM posts")) == 8 * 4
    assert rows(db_path, "PRAGMA integrity_check") == [("ok",)]


def test_a_batch_is_committed_on_time_while_other_feeds_are_still_coming(
    db_path: Path,
) -> None:
    release = threading.Event()  # the slow feed ends only once the test has looked

    def slow(_request: Request) -> Reply:
        body = rss("slow", 3)

        def chunks() -> Iterator[bytes]:
            yield body[:50]
            release.wait(120)
            yield body[50:]

        return Reply(200, chunks())

    routes = {"/fast.xml": Static(rss("fast", 3)), "/slow.xml": slow}
    with FeedServer(routes) as server:
        run(db_path, "feeds", "add", *[server.url(p) for p in routes])
        command = ["--db", str(db_path), "poll", "--all", "--timeout", "150"]
        poller = subprocess.Popen(
            [sys.executable, "-m", "tracer", *command],
            env=dict(os.environ),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            cwd=ROOT,
        )
        try:
            deadline = time.monotonic() + 90
            while not rows(db_path, "SELECT 1 FROM posts"):  # another connection reads
                assert poller.poll() is None, poller.communicate()
                assert time.monotonic() < deadline, "the fast feed was never committed"
                time.sleep(0.05)
            # the fast feed is readable while the slow one is still being fetched
            assert poller.poll() is None
            assert {url for (url,) in rows(db_path, "SELECT url FROM posts")} == {
                f"https://fast.example/post-{i}/" for i in range(3)
            }
        finally:
            release.set()
            _out, errors = poller.communicate(timeout=60)
    assert poller.returncode == 0, errors
    assert len(rows(db_path, "SELECT 1 FROM posts")) == 6


def test_a_savepoint_undoes_only_its_own_writes(tmp_path: Path) -> None:
    store = Store.open(tmp_path / "t.db")
    with store.transaction():
        store.add_feed("https://a.example/feed")
        with pytest.raises(StorageError), store.transaction():
            store.add_feed("https://b.example/feed")
            store.execute("INSERT INTO no_such_table VALUES (1)")
        store.add_feed("https://c.example/feed")
    urls = [row["url"] for row in store.query("SELECT url FROM feeds ORDER BY url")]
    store.close()
    assert urls == ["https://a.example/feed", "https://c.example/feed"]


def test_a_poll_checkpoints_the_log_every_run_wal_pages_then_as_before(
    db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """During a run the log is copied back every RUN_WAL_PAGES pages, not at each batch.

    Checked on the poll's own connection while it writes, and after the run
    (the default again, so the next commit checkpoints what is left). The
    posts are all there and the file is sound.
    """
    from tracer.poll_loop import RUN_WAL_PAGES

    seen: list[int] = []
    beside: list[bool] = []
    apply = Store.apply

    def watching(self: Store, update: Any, now: str | None = None) -> tuple[int, int]:
        seen.append(self.execute("PRAGMA wal_autocheckpoint").fetchone()[0])
        beside.append(any(t.name == "tracer-checkpoints" for t in threading.enumerate()))
        return apply(self, update, now)

    monkeypatch.setattr(Store, "apply", watching)
    routes = {f"/ck{i}.xml": Static(rss(f"ck{i}", 3)) for i in range(5)}
    with FeedServer(routes) as server:
        run(db_path, "feeds", "add", *[server.url(p) for p in routes])
        result = run(db_path, "poll", "--all")
    assert "polled 5 feeds: 0 not modified, 15 new posts" in result.stderr
    assert RUN_WAL_PAGES > 1000 and seen and set(seen) == {RUN_WAL_PAGES}
    assert set(beside) == {True}  # and a thread copies it back meanwhile
    assert not any(t.name == "tracer-checkpoints" for t in threading.enumerate())
    store = Store.open(db_path)
    try:
        assert store.execute("PRAGMA wal_autocheckpoint").fetchone()[0] == 1000
        assert store.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert store.execute("SELECT count(*) FROM posts").fetchone()[0] == 15
    finally:
        store.close()


def test_a_thread_beside_the_writer_copies_the_log_back_while_it_writes(tmp_path: Path) -> None:
    """checkpoints_beside: while the writer's own checkpoints are held back, the
    database file grows as the log is copied into it by the thread; without the
    thread it stays as it was until a checkpoint. The thread ends with the block,
    everything is stored and the file is sound."""
    from tracer.engine.sqlite import SQLiteEngine

    def written_through(db: Path, beside: bool) -> bool:
        store = Store.open(db)
        engine = store.engine
        assert isinstance(engine, SQLiteEngine)
        try:
            before = db.stat().st_size
            with engine.wal_pages(1_000_000):
                context = engine.checkpoints_beside(0.02) if beside else contextlib.nullcontext()
                with context:
                    for batch in range(4):
                        with store.transaction():
                            for i in range(500):
                                store.add_feed(f"https://f{batch}.example/feed/{i}")
                    deadline = time.monotonic() + 10
                    while db.stat().st_size == before and beside and time.monotonic() < deadline:
                        time.sleep(0.02)
                    grown = db.stat().st_size > before
            assert not any(t.name == "tracer-checkpoints" for t in threading.enumerate())
            assert store.execute("SELECT count(*) FROM feeds").fetchone()[0] == 2000
            assert store.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        finally:
            store.close()
        return grown

    assert written_through(tmp_path / "beside.db", beside=True)
    assert not written_through(tmp_path / "alone.db", beside=False)


def test_no_checkpoint_thread_for_an_in_memory_database() -> None:
    store = Store.memory()
    engine = store.engine
    try:
        with engine.checkpoints_beside(0.01):  # type: ignore[attr-defined]
            assert not any(t.name == "tracer-checkpoints" for t in threading.enumerate())
            with store.transaction():
                store.add_feed("https://a.example/feed")
    finally:
        store.close()


def test_the_log_size_setting_comes_back_after_a_failure(tmp_path: Path) -> None:
    from tracer.engine.sqlite import SQLiteEngine

    store = Store.open(tmp_path / "wal.db")
    engine = store.engine
    assert isinstance(engine, SQLiteEngine)
    try:
        with pytest.raises(RuntimeError), engine.wal_pages(5000):
            assert store.execute("PRAGMA wal_autocheckpoint").fetchone()[0] == 5000
            raise RuntimeError("a run cut short")
        assert store.execute("PRAGMA wal_autocheckpoint").fetchone()[0] == 1000
    finally:
        store.close()


def test_a_poll_keeps_the_savepoints_sub_journals_in_memory_then_as_before(
    db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """While a run writes, SQLite's temporary files are in memory (temp_store = 2);
    on the next connection the default (0) again. Everything is stored and sound."""
    seen: list[int] = []
    apply = Store.apply

    def watching(self: Store, update: Any, now: str | None = None) -> tuple[int, int]:
        seen.append(self.execute("PRAGMA temp_store").fetchone()[0])
        return apply(self, update, now)

    monkeypatch.setattr(Store, "apply", watching)
    routes = {f"/tm{i}.xml": Static(rss(f"tm{i}", 3)) for i in range(4)}
    with FeedServer(routes) as server:
        run(db_path, "feeds", "add", *[server.url(p) for p in routes])
        result = run(db_path, "poll", "--all")
    assert "polled 4 feeds: 0 not modified, 12 new posts" in result.stderr
    assert seen and set(seen) == {2}
    store = Store.open(db_path)
    try:
        assert store.execute("PRAGMA temp_store").fetchone()[0] == 0
        assert store.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert store.execute("SELECT count(*) FROM posts").fetchone()[0] == 12
    finally:
        store.close()


def test_a_feed_that_fails_in_memory_sub_journals_is_undone_alone(tmp_path: Path) -> None:
    """A savepoint rolled back with its sub-journal in memory: the feed's writes are
    undone, the batch's other feeds kept, the setting restored after the block."""
    from tracer.engine.sqlite import SQLiteEngine

    store = Store.open(tmp_path / "sub.db")
    engine = store.engine
    assert isinstance(engine, SQLiteEngine)
    try:
        with engine.temp_in_memory():
            assert store.execute("PRAGMA temp_store").fetchone()[0] == 2
            with store.transaction():
                store.add_feed("https://a.example/feed")
                with pytest.raises(StorageError), store.transaction():
                    for i in range(2000):  # past the 64 KiB an in-file sub-journal starts at
                        store.add_feed(f"https://b.example/feed/{i}")
                    store.execute("INSERT INTO no_such_table VALUES (1)")
                store.add_feed("https://c.example/feed")
        assert store.execute("PRAGMA temp_store").fetchone()[0] == 0
        urls = [row["url"] for row in store.query("SELECT url FROM feeds ORDER BY url")]
        assert urls == ["https://a.example/feed", "https://c.example/feed"]
    finally:
        store.close()
