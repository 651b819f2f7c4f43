"""copy-db's bulk load: keys and indexes dropped for the load, built again, all in one transaction.

The destination is each engine in turn (``target``: a new SQLite file, a
PostgreSQL schema on a real server). A copy that succeeds leaves exactly the
schema a fresh store has (same indexes, same constraints, SQLite back in WAL
mode); a copy whose rows break a constraint (a post pointing at a feed that
does not exist) fails as a whole and leaves the empty store as it was.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import graph_fixture as g
import pytest
from cli_helpers import run, sql_rows

from tracer.engines import engine_of
from tracer.store import Store

EDGE_COLUMNS = "(repost_url, source_url, kind, pattern, first_seen, last_seen)"

SQLITE_SCHEMA = (
    "SELECT type, name, tbl_name, sql FROM sqlite_master"
    " WHERE name NOT LIKE 'sqlite_stat%' ORDER BY name"  # ANALYZE adds those
)
POSTGRES_SCHEMA = """
SELECT t.relname, k.conname, pg_get_constraintdef(k.oid)
FROM pg_constraint AS k JOIN pg_class AS t ON t.oid = k.conrelid
WHERE t.relnamespace = current_schema()::regnamespace
UNION ALL
SELECT tablename, indexname, indexdef FROM pg_indexes WHERE schemaname = current_schema()
ORDER BY 1, 2, 3
"""


def schema(db: str) -> list[tuple[object, ...]]:
    """Every index and constraint of ``db`` with its definition."""
    return sql_rows(db, POSTGRES_SCHEMA if engine_of(db) == "postgresql" else SQLITE_SCHEMA)


def journal_mode(path: str) -> str:
    with sqlite3.connect(path) as conn:
        return str(conn.execute("PRAGMA journal_mode").fetchone()[0])


def test_a_copy_ends_with_every_index_and_constraint_of_a_fresh_store(
    tmp_path: Path, target: str
) -> None:
    original = str(g.build(tmp_path / "original.db"))
    fresh = schema(target)  # opening it migrates it: the empty store copy-db expects
    assert len(fresh) > 20
    run(original, "copy-db", original, target)
    assert schema(target) == fresh
    assert sql_rows(target, "SELECT count(*) FROM edges") == [(g.EDGE_COUNT,)]
    # the rebuilt keys hold: the same edge cannot go in twice, nor a post of no feed
    store = Store.open(target)
    try:
        with pytest.raises(store.engine.errors):
            store.execute(
                f"INSERT INTO edges {EDGE_COLUMNS} SELECT {EDGE_COLUMNS[1:-1]} FROM edges"
            )
        with pytest.raises(store.engine.errors):
            store.execute(
                "INSERT INTO posts (url, feed_id, first_seen, last_seen)"
                " VALUES ('https://new.example/p', 9999, 'x', 'x')"
            )
    finally:
        store.close()
    if engine_of(target) == "sqlite":
        assert journal_mode(target) == "wal"
        assert not Path(f"{target}-journal").exists()


def test_a_copy_whose_rows_break_a_key_leaves_the_destination_empty_and_intact(
    tmp_path: Path, target: str
) -> None:
    original = str(g.build(tmp_path / "original.db"))
    with sqlite3.connect(original) as conn:  # foreign keys are off in a bare connection
        conn.execute("UPDATE posts SET feed_id = 9999 WHERE id = (SELECT min(id) FROM posts)")
    fresh = schema(target)
    result = run(original, "copy-db", original, target, code=1)
    assert "error:" in result.stderr and "posts" in result.stderr
    assert schema(target) == fresh
    for table in ("feeds", "posts", "edges", "reach"):
        assert sql_rows(target, f"SELECT count(*) FROM {table}") == [(0,)], table
    if engine_of(target) == "sqlite":
        assert journal_mode(target) == "wal"
        assert not Path(f"{target}-journal").exists()


def test_a_store_written_during_the_copy_is_copied_as_it_was_when_the_copy_started(
    tmp_path: Path, target: str
) -> None:
    """copy-db as a backup of a live store: a poller's write mid-copy is not in the copy,
    and the counts still match (the source is read in one snapshot)."""
    from tracer.copydb import copy_store

    original = str(g.build(tmp_path / "original.db"))
    run(original, "copy-db", original, target)  # the live store, on each engine
    source, writer = Store.open(target), Store.open(target)
    backup = Store.open(str(tmp_path / "backup.db"))
    added: list[str] = []

    def poller_writes(table: str, _rows: int) -> None:
        if table == "feeds" and not added:  # mid-copy: feeds has been read in part
            added.append("https://late.example/feed")
            writer.add_feed(added[0])

    try:
        result = copy_store(source, backup, batch=1, progress=poller_writes)
    finally:
        for store in (source, writer, backup):
            store.close()
    assert added
    assert result.rows["feeds"] == len(g.FEEDS)
    assert sql_rows(target, "SELECT count(*) FROM feeds") == [(len(g.FEEDS) + 1,)]
    copied = sql_rows(str(tmp_path / "backup.db"), "SELECT count(*) FROM feeds")
    assert copied == [(len(g.FEEDS),)]


def test_a_sqlite_destination_another_connection_has_open_is_filled_in_wal_mode(
    tmp_path: Path,
) -> None:
    """Leaving WAL needs the file to itself: with a reader attached the load stays in WAL."""
    from tracer.copydb import copy_store

    original = str(g.build(tmp_path / "original.db"))
    path = str(tmp_path / "copy.db")
    source, destination = Store.open(original), Store.open(path)
    reader = sqlite3.connect(path)
    try:
        assert reader.execute("SELECT count(*) FROM feeds").fetchone() == (0,)
        result = copy_store(source, destination)
        assert reader.execute("SELECT count(*) FROM edges").fetchone() == (g.EDGE_COUNT,)
    finally:
        reader.close()
        source.close()
        destination.close()
    assert result.rows["edges"] == g.EDGE_COUNT
    assert journal_mode(path) == "wal"
