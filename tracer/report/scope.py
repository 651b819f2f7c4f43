"""The part of the graph a report covers: everything, or a filtered temporary copy.

``--declared-only`` needs no copy: the query functions take
``declared_only`` and read the declared layer of the reach tables that the
store maintains. ``tracer report --since DATE`` must also give numbers that
agree with those functions (:func:`tracer.graph.origins`, ``sites``,
``stats``, ``reposts``), which read reach tables maintained for *all* edges,
so a date cannot be a ``WHERE`` clause on their queries. Instead the edges
(and posts) in scope are copied into a temporary database, migrated by the
same code, whose reach tables are rebuilt by :meth:`Store.rebuild_reach`;
the very same functions then answer on that copy. Without ``since`` the
store itself is used. A PostgreSQL store is filtered on the server and its
rows in scope are copied into the same kind of temporary SQLite file.

What is in scope:

- ``since``: the edges whose repost was published on or after it (first seen,
  when the feed gave no date): the edges ``tracer export --since`` writes. A
  chain is cut where it crosses ``since``: an older post cited from inside
  the window is the end of that chain (an origin) in the report. Posts: those
  published on or after it, and the older posts that in-scope edges cite (so
  their titles and dates, hence lags, stay known).
- ``declared_only``: the edges whose ``kind`` is ``declared`` (inferred edges
  left out).
"""

from __future__ import annotations

import re
import sqlite3
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from tracer.store import Store

__all__ = ["COPIED_TABLES", "Scope", "scoped_store"]

# What the report reads; everything else (the reach layers, rebuilt from edges by
# Store.rebuild_reach; fingerprints and matching state) stays empty in the copy.
# Pages (titles, dates, resolved/gone) and outlets are copied whole: small, and
# only the rows of articles in scope are ever read.
COPIED_TABLES = (
    "feeds",
    "feed_aliases",
    "posts",
    "edges",
    "poll_runs",
    "pages",
    "outlets",
    "outlet_domains",
)


@dataclass(frozen=True)
class Scope:
    """What a report covers. ``since`` is stored UTC text (see ``normalize_since``)."""

    since: str | None = None
    declared_only: bool = False
    by: str = "domain"  # or "outlet": origins, weekly series and network nodes by outlet

    def describe(self) -> str:
        """A phrase for the report header.

        >>> Scope().describe()
        'all stored posts and edges'
        >>> Scope("2019-03-01T00:00:00Z", True).describe().split("; ")
        ['edges of reposts published since 2019-03-01 (the posts they cite may be older)', \
'declared edges only']
        >>> Scope("2019-03-01T12:30:00Z").describe()
        'edges of reposts published since 2019-03-01 12:30 UTC (the posts they cite may be older)'
        >>> Scope(by="outlet").describe()
        'all stored posts and edges; origins grouped by outlet'
        """
        parts = []
        if self.since:
            day = self.since.removesuffix("T00:00:00Z")  # a date alone: no midnight
            shown = day if day != self.since else self.since[:16].replace("T", " ") + " UTC"
            parts.append(
                f"edges of reposts published since {shown} (the posts they cite may be older)"
            )
        if self.declared_only:
            parts.append("declared edges only")
        scope = "; ".join(parts) or "all stored posts and edges"
        return scope + ("; origins grouped by outlet" if self.by == "outlet" else "")


@contextmanager
def scoped_store(store: Store, scope: Scope) -> Iterator[Store]:
    """Yield ``store`` itself, or a temporary copy holding only the edges since ``scope.since``.

    ``scope.declared_only`` is left to the query functions (their
    ``declared_only``); the copy keeps only declared edges then too, which
    makes it smaller and changes no answer.
    """
    if scope.since is None:
        yield store
        return
    if store.path is None and store.engine.name == "sqlite":
        raise ValueError("a filtered report needs a database file, not an in-memory store")
    with tempfile.TemporaryDirectory(prefix="tracer-report-") as folder:
        copy = Store.open(Path(folder) / "scope.db")
        try:
            if store.path is None:
                _fill_from_server(copy, store, scope)
            else:
                _fill(copy, store.path, scope)
            copy.rebuild_reach()
            yield copy
        finally:
            copy.close()


def _fill(copy: Store, source: Path, scope: Scope) -> None:
    conn = copy.conn
    conn.execute("PRAGMA foreign_keys = OFF")
    conn.execute("PRAGMA synchronous = OFF")
    # read-only: a report never writes to the database it reads
    conn.execute("ATTACH DATABASE ? AS src", [f"file:{quote(str(source.resolve()))}?mode=ro"])
    try:
        conn.execute("BEGIN")
        # bulk load: secondary indexes are dropped and rebuilt once, after the rows
        indexes = conn.execute(
            "SELECT name, sql FROM main.sqlite_master WHERE type = 'index' AND sql IS NOT NULL"
        ).fetchall()
        for name, _sql in indexes:
            conn.execute(f'DROP INDEX main."{name}"')
        for table in COPIED_TABLES:
            columns = _shared_columns(conn, table)
            if not columns:
                continue
            names = ", ".join(f'"{c}"' for c in columns)
            where, params = _where(table, scope)
            conn.execute(
                f'INSERT INTO main."{table}" ({names}) SELECT {names} FROM src."{table}" AS e'
                + where,
                params,
            )
        for _name, sql in indexes:
            conn.execute(sql)
        conn.execute("COMMIT")
    finally:
        conn.execute("DETACH DATABASE src")


def _fill_from_server(copy: Store, source: Store, scope: Scope, batch: int = 10_000) -> None:
    """Fill the SQLite copy from a PostgreSQL store: the same rows :func:`_fill` selects,
    read with the same filters (run on the server, a server-side cursor: the rows in
    scope are never all in memory) and written in batches."""
    conn = copy.conn
    conn.execute("PRAGMA foreign_keys = OFF")
    conn.execute("PRAGMA synchronous = OFF")
    with copy.transaction():
        for table in COPIED_TABLES:
            theirs = set(source.engine.columns(table))
            columns = [c for c in copy.engine.columns(table) if c in theirs]
            if not columns:
                continue
            names = ", ".join(f'"{c}"' for c in columns)
            where, params = _where(table, scope, schema="")
            for name, value in params.items():  # a server-side cursor takes no parameters
                where = where.replace(f":{name}", _time_literal(value))
            insert = f'INSERT INTO "{table}" ({names}) VALUES ({", ".join("?" * len(columns))})'
            for rows in source.engine.stream(f'SELECT {names} FROM "{table}" AS e' + where, batch):
                conn.executemany(insert, rows)


def _time_literal(value: str) -> str:
    """A stored UTC time as a SQL literal; anything else is refused (never quoted blindly).

    >>> _time_literal("2019-03-24T00:00:00Z")
    "'2019-03-24T00:00:00Z'"
    """
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z", value):
        raise ValueError(f"not a stored UTC time: {value!r}")
    return f"'{value}'"


def _shared_columns(conn: sqlite3.Connection, table: str) -> list[str]:
    """The columns of ``table`` in both the copy and the source (same migrations: all)."""
    mine = [row[1] for row in conn.execute(f'PRAGMA main.table_info("{table}")')]
    theirs = {row[1] for row in conn.execute(f'PRAGMA src.table_info("{table}")')}
    return [c for c in mine if c in theirs]


def _edge_clauses(alias: str, scope: Scope, schema: str = "src.") -> list[str]:
    """SQL conditions keeping the in-scope edges of ``src.edges AS <alias>``."""
    clauses = []
    if scope.since:
        clauses.append(
            f"coalesce((SELECT p.published FROM {schema}posts AS p"
            f" WHERE p.url = {alias}.repost_url), {alias}.first_seen) >= :since"
        )
    if scope.declared_only:
        clauses.append(f"{alias}.kind = 'declared'")
    return clauses


def _where(table: str, scope: Scope, schema: str = "src.") -> tuple[str, dict[str, str]]:
    """The filter on ``src.<table> AS e`` for ``scope`` (posts and edges only); ``schema``
    is where the source tables are (``""``: the connection's own, a PostgreSQL store)."""
    clauses = []
    if table == "edges":
        clauses = _edge_clauses("e", scope, schema)
    elif table == "posts" and scope.since:
        cited = " AND ".join(_edge_clauses("x", scope, schema))
        clauses = [
            "(coalesce(e.published, e.first_seen) >= :since OR e.url IN"
            f" (SELECT x.source_url FROM {schema}edges AS x WHERE {cited}))"
        ]
    params = {"since": scope.since} if scope.since and clauses else {}
    return (" WHERE " + " AND ".join(clauses) if clauses else ""), params
