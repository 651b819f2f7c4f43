"""Copy a whole tracer store between databases (SQLite ⇄ PostgreSQL), in batches.

Every table is copied row for row, ids included (feeds, posts, edges, poll
runs, feed state and leases, and the ``nodes``/``links``/``reach`` tables the
aggregate queries read), so the copy answers every query exactly as the
original. The destination must be empty (freshly created or migrated; both
sides are migrated to the same version when opened). Everything is written
in one transaction on the destination and the row count of every table is
compared before it commits: a failed or short copy leaves the destination as
it was.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

from tracer.exceptions import StorageError
from tracer.store import Store

__all__ = ["BATCH", "CopyResult", "copy_store"]

BATCH = 10_000

# Parents before children (foreign keys); tables of later migrations follow by name.
_ORDER = (
    "feeds",
    "feed_aliases",
    "posts",
    "edges",
    "poll_runs",
    "domains",
    "nodes",
    "links",
    "reach",
    "reach_state",
    "outlets",  # before outlet_domains (its foreign key), which sorts first by name
    "outlet_domains",
    "watches",
    "watch_seen",
)
_STATE_TABLES = frozenset({"reach_state", "match_state"})  # rows written by migrations: replaced


@dataclass
class CopyResult:
    rows: dict[str, int] = field(default_factory=dict)  # table -> rows copied (= counted)
    seconds: float = 0.0

    @property
    def total(self) -> int:
        return sum(self.rows.values())


def copy_store(
    source: Store,
    destination: Store,
    *,
    batch: int = BATCH,
    progress: Callable[[str, int], None] | None = None,
) -> CopyResult:
    """Copy every table of ``source`` into the empty ``destination``; counts checked."""
    started = time.monotonic()
    src, dst = source.engine, destination.engine
    tables = src.tables()
    missing = sorted(set(tables) - set(dst.tables()))
    if missing:
        raise StorageError(
            f"{dst.target} has no table {', '.join(missing)}: is it older than {src.target}?"
        )
    order = [t for t in _ORDER if t in tables] + sorted(set(tables) - set(_ORDER))
    for table in order:
        if table in _STATE_TABLES:
            continue
        (count,) = dst.execute(f'SELECT count(*) FROM "{table}"').fetchone()
        if count:
            raise StorageError(
                f"{dst.target} is not empty ({table}: {count} rows); copy-db only fills"
                " an empty database"
            )
    result = CopyResult()
    with destination.transaction():
        for table in order:
            if table in _STATE_TABLES:
                dst.execute(f'DELETE FROM "{table}"')
            wanted = set(dst.columns(table))
            columns = [c for c in src.columns(table) if c in wanted]
            names = ", ".join(f'"{c}"' for c in columns)
            copied = 0
            for rows in src.stream(f'SELECT {names} FROM "{table}"', batch):
                dst.bulk_insert(table, columns, rows)
                copied += len(rows)
                if progress:
                    progress(table, copied)
            dst.after_bulk_insert(table)
            (expected,) = src.execute(f'SELECT count(*) FROM "{table}"').fetchone()
            (stored,) = dst.execute(f'SELECT count(*) FROM "{table}"').fetchone()
            if not expected == stored == copied:
                raise StorageError(
                    f"copy of {table} is short: {src.target} has {expected} rows,"
                    f" {copied} were read and {dst.target} holds {stored}; nothing was kept"
                )
            result.rows[table] = stored
    dst.analyze()
    result.seconds = time.monotonic() - started
    return result
