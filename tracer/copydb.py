"""Copy a whole tracer store between databases (SQLite ⇄ PostgreSQL), in batches.

Every table is copied row for row, ids included (feeds, posts, edges, poll
runs, feed state and leases, and the ``nodes``/``links``/``reach`` tables the
aggregate queries read), so the copy answers every query exactly as the
original. The destination must be empty (freshly created or migrated; both
sides are migrated to the same version when opened). Everything is written
in one transaction on the destination and the row count of every table is
compared before it commits: a failed or short copy leaves the destination as
it was. The source is read in one snapshot (a read-only transaction), so a
store that pollers are writing to copies as it was when the copy started,
whole and with matching counts: ``tracer copy-db URL backup.db`` is a backup.

The load goes through :meth:`Engine.bulk_load`: the destination's keys and
indexes are dropped when the transaction starts and built again (one sort
each) before it commits, so rows that break a key or a reference fail the
whole copy; each table is one streamed :meth:`Engine.bulk_insert` (one
``COPY`` on PostgreSQL, one ``executemany`` on SQLite).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from itertools import chain
from typing import Any

from tracer.engine.base import Engine
from tracer.exceptions import StorageError, refused_value
from tracer.items import without_nul
from tracer.store import Store
from tracer.urls import MAX_KEY_LENGTH

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


class _Counted:
    """The batches of one table's rows, counted (and reported) as they are read; with
    ``drop_nul``, NUL characters dropped from their text (counted in ``nul_values``)."""

    def __init__(
        self,
        table: str,
        batches: Iterator[list[tuple[Any, ...]]],
        progress: Callable[[str, int], None] | None,
        drop_nul: bool = False,
    ) -> None:
        self.table, self.batches, self.progress = table, batches, progress
        self.drop_nul = drop_nul
        self.rows = self.nul_values = 0

    def __iter__(self) -> Iterator[list[tuple[Any, ...]]]:
        for rows in self.batches:
            self.rows += len(rows)
            if self.progress:
                self.progress(self.table, self.rows)
            yield self._without_nul(rows) if self.drop_nul else rows

    def _without_nul(self, rows: list[tuple[Any, ...]]) -> list[tuple[Any, ...]]:
        """``rows`` with NUL characters dropped from their text, which PostgreSQL cannot
        hold: a SQLite store polled before tracer dropped them from feeds
        (:func:`tracer.items.clean_text`) may have some in titles or evidence. One
        search of the batch's text (30-110 ns a value: ≈ 3 s of the 33 s
        copy of the 1.1 M-edge benchmark store); rows are remade only when found."""
        if "\x00" not in "".join([v for v in chain.from_iterable(rows) if type(v) is str]):
            return rows
        cleaned: list[tuple[Any, ...]] = []
        for row in rows:
            found = sum(type(v) is str and "\x00" in v for v in row)
            if found:
                self.nul_values += found
                row = tuple(without_nul(v) if type(v) is str else v for v in row)
            cleaned.append(row)
        return cleaned


@dataclass
class CopyResult:
    rows: dict[str, int] = field(default_factory=dict)  # table -> rows copied (= counted)
    seconds: float = 0.0
    nul_values: int = 0  # text values whose NUL characters were dropped (to PostgreSQL)

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
    try:
        _copy_tables(src, dst, order, batch, progress, result)
    except StorageError as exc:
        refused = refused_value(exc)
        if refused is None:
            raise
        raise StorageError(
            f"{dst.target} refused a value: {refused}; nothing was kept. A store polled"
            f" before tracer kept URL keys and guids to {MAX_KEY_LENGTH} bytes may hold"
            " longer ones, which PostgreSQL cannot index: delete those rows from the source"
            " (README, 'Long values') and copy again"
        ) from exc
    dst.analyze()
    result.seconds = time.monotonic() - started
    return result


def _copy_tables(
    src: Engine,
    dst: Engine,
    order: list[str],
    batch: int,
    progress: Callable[[str, int], None] | None,
    result: CopyResult,
) -> None:
    with src.snapshot(), dst.bulk_load([t for t in order if t not in _STATE_TABLES]):
        for table in order:
            if table in _STATE_TABLES:
                dst.execute(f'DELETE FROM "{table}"')
            wanted = set(dst.columns(table))
            columns = [c for c in src.columns(table) if c in wanted]
            names = ", ".join(f'"{c}"' for c in columns)
            rows = src.stream(f'SELECT {names} FROM "{table}"', batch)
            read = _Counted(table, rows, progress, drop_nul=dst.name == "postgresql")
            dst.bulk_insert(table, columns, read)
            result.nul_values += read.nul_values
            dst.after_bulk_insert(table)
            (expected,) = src.execute(f'SELECT count(*) FROM "{table}"').fetchone()
            (stored,) = dst.execute(f'SELECT count(*) FROM "{table}"').fetchone()
            if not expected == stored == read.rows:
                raise StorageError(
                    f"copy of {table} is short: {src.target} has {expected} rows,"
                    f" {read.rows} were read and {dst.target} holds {stored}; nothing was kept"
                )
            result.rows[table] = stored
