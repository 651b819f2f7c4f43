"""The database engines behind :class:`tracer.store.Store`: SQLite (default) and PostgreSQL.

``open_engine(target)`` takes what ``--db`` / ``TRACER_DB`` holds: a file path
(SQLite, no extra dependency) or a ``postgresql://user:pass@host:port/dbname``
URL (psycopg 3, the ``tracer[postgres]`` extra). Both engines offer the same
small interface (:class:`~tracer.engine.base.Engine`): ``execute`` /
``executemany`` / ``query`` with SQL written once in SQLite's spelling
(``?`` and ``:name`` placeholders, ``INSERT OR IGNORE``), which the
PostgreSQL engine translates; ``transaction()`` taking the write lock;
``migrate()``; and ``sql(VARIANTS)`` for the few statements whose SQL differs,
which live side by side in :mod:`tracer.engine.queries`.
"""

from __future__ import annotations

from pathlib import Path

from tracer.engine.base import Engine, redact

__all__ = ["Engine", "open_engine", "redact"]


def open_engine(target: str | Path, *, create: bool = True) -> Engine:
    """Connect to (and migrate) the database ``target`` names: a path or a PostgreSQL URL.

    ``create=False``: a missing SQLite file, or a PostgreSQL database (schema)
    with no tracer tables, is an error and nothing is created; an existing
    store is still migrated. (A PostgreSQL database itself is never created;
    its tables are, by the migrations, when ``create`` is true.)
    """
    from tracer.engines import engine_of

    text = str(target)
    if engine_of(text) == "postgresql":
        from tracer.engine.postgres import PostgresEngine

        return PostgresEngine.connect(text, create=create)
    from tracer.engine.sqlite import SQLiteEngine

    return SQLiteEngine.open(Path(text), create=create)
