from __future__ import annotations

import sqlite3
import subprocess
import sys
import zipfile
from pathlib import Path

from conftest import database_before
from sqlite_utils import Database

from tracer.migrations import migrate, migration_files
from tracer.store import Store

ROOT = Path(__file__).resolve().parent.parent


def test_fresh_database_gets_every_migration(db_path: Path) -> None:
    store = Store.open(db_path)
    applied = [r["name"] for r in store.query("SELECT name FROM _sqlite_migrations")]
    assert applied == [p.stem for p in migration_files()]
    assert {"feeds", "posts", "edges", "poll_runs", "feed_aliases"} <= set(store.db.table_names())
    assert store.db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert store.db.execute("PRAGMA busy_timeout").fetchone()[0] >= 5000
    assert "retry_after_until" in store.db["feeds"].columns_dict  # 0002


def test_older_database_is_upgraded_on_open(tmp_path: Path, db_path: Path) -> None:
    only_first = tmp_path / "old"
    only_first.mkdir()
    first = migration_files()[0]
    (only_first / first.name).write_text(first.read_text())
    db = Database(sqlite3.connect(db_path, isolation_level=None))
    assert migrate(db, only_first) == [first.stem]
    db.execute("INSERT INTO feeds (url, added_at) VALUES ('https://a.example/f', 'now')")
    db.close()
    store = Store.open(db_path)
    names = [r["name"] for r in store.query("SELECT name FROM _sqlite_migrations")]
    assert names == [p.stem for p in migration_files()]
    assert store.query("SELECT url FROM feeds") == [{"url": "https://a.example/f"}]
    assert migrate(store.db) == []  # idempotent


def test_posts_listed_unindexed_before_0016_are_spans_of_one_post_after(
    tmp_path: Path, db_path: Path
) -> None:
    db = database_before(db_path, tmp_path / "before", "0016")
    db.execute("INSERT INTO unindexed_posts (post_id) VALUES (3), (4), (9)")
    db.close()
    store = Store.open(db_path)
    spans = store.db.execute("SELECT first_post, last_post FROM unindexed_spans ORDER BY 1")
    assert spans.fetchall() == [(3, 3), (4, 4), (9, 9)]
    assert "unindexed_posts" not in store.db.table_names()


def test_non_editable_install_ships_and_applies_migrations(tmp_path: Path) -> None:
    """A wheel built from the repository can create and migrate a database."""
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "-w",
            str(tmp_path / "dist"),
            str(ROOT),
        ],
        check=True,
    )
    [wheel] = (tmp_path / "dist").glob("tracer-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    for path in migration_files():
        assert f"tracer/migrations/{path.name}" in names
    site = tmp_path / "site"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--no-deps",
            "-q",
            "--target",
            str(site),
            str(wheel),
        ],
        check=True,
    )
    db = tmp_path / "fresh.db"
    code = (
        "import sys; sys.path.insert(0, sys.argv[1]); import tracer, tracer.store as s;"
        "assert tracer.__file__.startswith(sys.argv[1]), tracer.__file__;"
        "st = s.Store.open(sys.argv[2]);"
        "print(len(st.query('SELECT * FROM _sqlite_migrations')))"
    )
    done = subprocess.run(
        [sys.executable, "-c", code, str(site), str(db)],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        check=True,
    )
    assert int(done.stdout) == len(migration_files())


def test_0015_keeps_the_nodes_and_their_indexes_and_drops_the_domain_key(
    tmp_path: Path, db_path: Path
) -> None:
    """A store from before 0015 keeps every node (ids, URLs, domains, cites) of both layers
    and their indexes; inserting a node no longer checks its domain (no foreign key)."""
    db = database_before(db_path, tmp_path / "old", "0015")
    db.execute("UPDATE reach_state SET stale = 0")  # no rebuild on open: the rows stay as given
    db.execute("INSERT INTO domains (id, name) VALUES (7, 'a.example'), (9, 'b.example')")
    rows = [(3, "https://a.example/1", 7, 0), (5, "https://b.example/2", 9, 1)]
    for table in ("nodes", "declared_nodes"):
        db.conn.executemany(f"INSERT INTO {table} VALUES (?, ?, ?, ?)", rows)
        assert db.execute(f"PRAGMA foreign_key_list({table})").fetchall() != []
    db.close()
    store = Store.open(db_path)
    indexes = {
        name
        for (name,) in store.db.execute(
            "SELECT name FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL"
        )
    }
    assert {"nodes_origins", "nodes_domain", "declared_nodes_origins"} <= indexes
    for table in ("nodes", "declared_nodes"):
        assert store.db.execute(f"SELECT * FROM {table} ORDER BY id").fetchall() == rows
        assert store.db.execute(f"PRAGMA foreign_key_list({table})").fetchall() == []
        assert store.db.execute(f"PRAGMA index_list({table})").fetchall() != []
    store.close()
