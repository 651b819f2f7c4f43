"""Apply ``migrations/NNNN_name.sql`` files in order, each in a transaction.

Built on ``sqlite_utils.Migrations``: every applied file is recorded by name
in ``_sqlite_migrations``, so a database made by an older tracer is upgraded
when it is opened. Whether anything is pending is read with plain SQL, so
opening an up-to-date database never imports sqlite-utils. The files are shipped inside the wheel as
``tracer/migrations/``; in a source checkout they are read from the
repository's top-level ``migrations/``. PostgreSQL databases get the twin
files in ``migrations/postgres/`` (same names; see :func:`postgres_migrations_dir`).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sqlite_utils import Database

__all__ = ["migrate", "migration_files", "postgres_migrations_dir", "split_statements"]

MIGRATION_SET = "tracer"


def migrations_dir() -> Path:
    here = Path(__file__).resolve().parent
    for candidate in (here / "migrations", here.parent / "migrations"):
        if candidate.is_dir() and any(candidate.glob("[0-9][0-9][0-9][0-9]_*.sql")):
            return candidate
    raise FileNotFoundError("tracer's migrations/ folder is missing from this installation")


def postgres_migrations_dir() -> Path:
    """``migrations/postgres/``: the PostgreSQL twin of every migration, under the same name.

    Applied by :meth:`tracer.engine.postgres.PostgresEngine.migrate` and
    recorded in a ``_sqlite_migrations`` table of the same shape, so both
    engines list the same applied names.
    """
    return migrations_dir() / "postgres"


def migration_files(directory: Path | None = None) -> list[Path]:
    """The ``NNNN_name.sql`` files, in number order."""
    folder = directory or migrations_dir()
    return sorted(folder.glob("[0-9][0-9][0-9][0-9]_*.sql"))


def split_statements(script: str) -> list[str]:
    """Split a SQL script into complete statements (``executescript`` would commit).

    >>> split_statements("CREATE TABLE a (x); -- note; here\\nCREATE TABLE b (y);")
    ['CREATE TABLE a (x); -- note; here', 'CREATE TABLE b (y);']
    """
    statements: list[str] = []
    current = ""
    for line in script.splitlines(keepends=True):
        current += line
        if sqlite3.complete_statement(current):
            statements.append(current.strip())
            current = ""
    if current.strip() and not all(
        part.strip().startswith("--") or not part.strip() for part in current.splitlines()
    ):
        raise ValueError(f"incomplete SQL statement at the end of a migration: {current!r}")
    return statements


def _runner(path: Path) -> Callable[[Database], None]:
    """A function running one migration file's statements (sqlite-utils registers it)."""
    statements = split_statements(path.read_text(encoding="utf-8"))

    def run(db: Database) -> None:
        for statement in statements:
            db.execute(statement)

    return run


def applied_names(conn: sqlite3.Connection) -> set[str]:
    """The names of tracer's migrations already applied to a database."""
    table = conn.execute(
        "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = '_sqlite_migrations'"
    ).fetchone()
    if table is None:
        return set()
    rows = conn.execute(
        "SELECT name FROM _sqlite_migrations WHERE migration_set = ?", [MIGRATION_SET]
    )
    return {name for (name,) in rows}


def migrate(db: Database | sqlite3.Connection, directory: Path | None = None) -> list[str]:
    """Apply pending migrations; return the names applied now."""
    conn = db if isinstance(db, sqlite3.Connection) else db.conn
    files = migration_files(directory)
    done = applied_names(conn)
    if all(path.stem in done for path in files):
        return []
    from sqlite_utils import Database, Migrations

    migrations = Migrations(MIGRATION_SET)
    for path in files:
        migrations(name=path.stem)(_runner(path))
    wrapped = Database(conn) if isinstance(db, sqlite3.Connection) else db
    pending = [m.name for m in migrations.pending(wrapped)]
    migrations.apply(wrapped)
    return pending
