"""What a store needs from a database engine, whatever the engine."""

from __future__ import annotations

import re
from abc import ABC, abstractmethod
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import AbstractContextManager, nullcontext
from typing import Any, ClassVar

__all__ = ["Engine", "Params", "redact"]

Params = Sequence[Any] | Mapping[str, Any]


def redact(target: str) -> str:
    """A connection string fit for messages: the password replaced by ``***``.

    >>> redact("postgresql://tracer:s3cret@db.example/tracer")
    'postgresql://tracer:***@db.example/tracer'
    >>> redact("postgresql://tracer@db.example/tracer?sslmode=require&password=s3cret")
    'postgresql://tracer@db.example/tracer?sslmode=require&password=***'
    >>> redact("/var/lib/tracer.db")
    '/var/lib/tracer.db'
    """
    if not re.match(r"postgres(?:ql)?://", target, flags=re.I):
        return target
    target = re.sub(r"^(postgres(?:ql)?://[^:/@]*:)[^@]*@", r"\1***@", target, flags=re.I)
    return re.sub(r"([?&]password=)[^&#]*", r"\1***", target, flags=re.I)


class Engine(ABC):
    """One open connection to a tracer database, migrated.

    SQL is written in SQLite's spelling (``?``/``:name`` placeholders, ``INSERT
    OR IGNORE``); engines translate it. Statements whose SQL differs between
    engines are picked with :meth:`sql` from :mod:`tracer.engine.queries`.
    """

    name: ClassVar[str]  # "sqlite" or "postgresql"
    errors: tuple[type[BaseException], ...]  # the driver's error classes
    supports_leases: ClassVar[bool] = False  # row locks with SKIP LOCKED
    session_id: int | None = None  # a server's process of this connection (PostgreSQL)
    # SQLite: the number of the write transaction open on this connection (its BEGIN
    # IMMEDIATE's, counted from 1), else 0. While one is open no other connection can
    # commit, so what was read of others' commits holds until it ends
    # (tracer.matching.Matcher._check_stored)
    write_transaction: int = 0

    def __init__(self, target: str) -> None:
        self.target = redact(target)

    @abstractmethod
    def execute(self, sql: str, params: Params = ()) -> Any:
        """Run one statement; return a cursor (iterable of tuples, ``fetchone``, ``rowcount``)."""

    @abstractmethod
    def executemany(self, sql: str, rows: Iterable[Params]) -> int:
        """Run one statement per row (pipelined where the engine can); return rows affected."""

    def query(self, sql: str, params: Params = ()) -> list[dict[str, Any]]:
        """Rows as dicts, column name → value."""
        cursor = self.execute(sql, params)
        names = [column[0] for column in cursor.description or ()]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]

    @abstractmethod
    def transaction(self) -> AbstractContextManager[None]:
        """A write transaction (a savepoint when nested); commits on success."""

    def pipeline(self) -> AbstractContextManager[None]:
        """Statements sent inside go without waiting for each answer (one round trip for
        those whose results nobody reads before the next one that is read).

        A cursor is still a cursor: reading its rows, ``rowcount`` or
        ``description`` waits for its answer; an error surfaces there, or when the
        transaction ends at the latest (an error in a transaction fails it whole
        anyway). :meth:`executemany` returns -1 inside (its count is not known
        yet). Re-entrant; engines without a network round trip (SQLite) do nothing.
        """
        return nullcontext()

    @abstractmethod
    def migrate(self) -> list[str]:
        """Apply pending migrations; return the names applied now."""

    @abstractmethod
    def tables(self) -> list[str]:
        """User tables (not views, not the engine's own), by name."""

    @abstractmethod
    def columns(self, table: str) -> list[str]:
        """The columns of ``table`` in definition order."""

    @abstractmethod
    def stream(self, sql: str, batch: int) -> Iterator[list[tuple[Any, ...]]]:
        """Rows of a big SELECT in lists of at most ``batch``, without loading them all."""

    @abstractmethod
    def bulk_insert(
        self, table: str, columns: Sequence[str], batches: Iterable[list[tuple[Any, ...]]]
    ) -> None:
        """Append every row of ``batches`` to ``table`` as fast as the engine can.

        Inside :meth:`bulk_load`; one statement per table where the engine can
        stream (the batches are read while the server is still writing).
        """

    def bulk_load(self, tables: Sequence[str]) -> AbstractContextManager[None]:
        """One write transaction that fills the empty ``tables`` with :meth:`bulk_insert`.

        Engines drop the tables' secondary indexes and constraints when it
        starts and build them again (a sort each, not a B-tree insert per row)
        when the block ends, still inside the transaction: rows that break a
        constraint fail the whole load, and any failure leaves the database as
        it was. The default is a plain :meth:`transaction`.
        """
        return self.transaction()

    @abstractmethod
    def snapshot(self) -> AbstractContextManager[None]:
        """A read-only transaction: every read inside sees the database as of its start,
        while other connections go on writing (copy-db of a store pollers are writing)."""

    def after_bulk_insert(self, table: str) -> None:  # noqa: B027 - optional hook
        """Bring sequences etc. up to date after :meth:`bulk_insert` wrote explicit ids."""

    def analyze(self) -> None:
        """Refresh the planner's statistics (after a bulk load)."""
        self.execute("ANALYZE")

    def another(self) -> Engine:
        """A second connection to the same database, already migrated: on an engine
        with leases a poll writes on it while its loop claims feeds on this one."""
        raise NotImplementedError(f"{self.name}: one connection per store")

    @abstractmethod
    def close(self) -> None: ...

    def sql(self, variants: Mapping[str, str]) -> str:
        """This engine's spelling of a statement that differs between engines."""
        return variants[self.name]
