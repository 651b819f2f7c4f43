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

from tracer.engine.base import Engine, is_postgres_url, redact

__all__ = ["Engine", "is_postgres_url", "open_engine", "redact"]


def open_engine(target: str | Path) -> Engine:
    """Connect to (and migrate) the database ``target`` names: a path or a PostgreSQL URL."""
    text = str(target)
    if is_postgres_url(text):
        from tracer.engine.postgres import PostgresEngine

        return PostgresEngine.connect(text)
    from tracer.engine.sqlite import SQLiteEngine

    return SQLiteEngine.open(Path(text))
