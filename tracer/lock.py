"""A non-blocking lock file beside the database (an advisory lock on PostgreSQL), so cron
runs never overlap."""

from __future__ import annotations

import contextlib
import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

from tracer.exceptions import PollLocked, StorageError

if TYPE_CHECKING:
    from tracer.store import Store

__all__ = ["command_lock", "matching_lock", "poll_lock"]


@contextmanager
def poll_lock(
    db_path: Path, shard: tuple[int, int] | None = None, *, name: str | None = None
) -> Iterator[Path]:
    """Hold ``DB.lock`` for the duration; raise :class:`PollLocked` if held elsewhere.

    Pollers of disjoint shards (``--shard I/N``) take ``DB.lock.I-of-N``, so
    they run side by side while two runs of the same shard still exclude
    each other.

    Other cron commands name their own lock (``name="resolve"`` takes
    ``DB.resolve.lock``), so a resolve and a poll run side by side while two
    resolves exclude each other.

    The lock is an ``flock`` on an open file: the kernel releases it when the
    process dies, even on ``kill -9``, so a stale lock file never blocks cron.
    """
    suffix = ".lock" if shard is None else f".lock.{shard[0]}-of-{shard[1]}"
    if name is not None:
        suffix = f".{name}{suffix}"
    lock_path = db_path.with_name(db_path.name + suffix)
    with _flock(lock_path, db_path, shared=False, busy="another poll is running"):
        yield lock_path


@contextmanager
def _flock(lock_path: Path, db_path: Path, *, shared: bool, busy: str) -> Iterator[None]:
    """Hold an ``flock`` on ``lock_path`` (shared or exclusive), beside the database
    ``db_path``, without waiting; :class:`PollLocked` (``busy``) when the other side
    holds it. A folder that does not exist is an error, as for the database itself."""
    from tracer.engine.sqlite import cannot_write

    try:
        fd = os.open(lock_path, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as exc:
        why = cannot_write(db_path)
        raise StorageError(why or f"cannot open lock file {str(lock_path)!r}: {exc}") from exc
    try:
        try:
            fcntl.flock(fd, (fcntl.LOCK_SH if shared else fcntl.LOCK_EX) | fcntl.LOCK_NB)
        except BlockingIOError:
            raise PollLocked(f"{busy} (lock held on {str(lock_path)!r})") from None
        if not shared:  # who holds it, for people looking (shared holders are many)
            os.ftruncate(fd, 0)
            os.write(fd, f"{os.getpid()}\n".encode())
        yield
    finally:
        os.close(fd)


@contextmanager
def command_lock(store: Store, name: str) -> Iterator[None]:
    """One run of command ``name`` at a time per store; :class:`PollLocked` when one runs.

    A SQLite file takes the lock file ``DB.<name>.lock`` (:func:`poll_lock`).
    PostgreSQL has no file beside the database: a session-level advisory lock
    keyed by the schema and ``name`` (:data:`~tracer.engine.queries.TRY_LOCK`)
    excludes runs on every host, and the server releases it when the
    connection ends, even on ``kill -9``. An in-memory store takes none.
    """
    if store.path is not None:
        with poll_lock(store.path, name=name):
            yield
        return
    from tracer.engine.queries import TRY_LOCK, UNLOCK

    if store.engine.name not in TRY_LOCK:  # an in-memory SQLite store: nobody else sees it
        yield
        return
    key = {"name": f"tracer:{name}"}
    (taken,) = store.execute(store.engine.sql(TRY_LOCK), key).fetchone()
    if not taken:
        raise PollLocked(f"another {name} is running (advisory lock held on {store.engine.target})")
    try:
        yield
    except BaseException:
        with contextlib.suppress(StorageError, *store.engine.errors):
            store.execute(store.engine.sql(UNLOCK), key)
        raise
    store.execute(store.engine.sql(UNLOCK), key)


@contextmanager
def matching_lock(store: Store, *, exclusive: bool) -> Iterator[None]:
    """No ``tracer rematch`` while pollers run, and no poller while a rematch runs.

    Every poller holds the shared side for its run (any number at once, every
    shard, on any host), a rematch the exclusive side; neither waits:
    :class:`PollLocked` when the other side is held. On PostgreSQL,
    session-level advisory locks keyed by the schema
    (:data:`~tracer.engine.queries.MATCH_LOCK`), freed by the server when the
    connection ends; on a SQLite file, an ``flock`` on ``DB.match.lock``
    (shard pollers take different poll lock files, so that one cannot keep a
    rematch out), freed by the kernel; both even on ``kill -9``. An in-memory
    store takes none.
    """
    from tracer.engine.queries import (
        MATCH_LOCK,
        MATCH_LOCK_SHARED,
        MATCH_UNLOCK,
        MATCH_UNLOCK_SHARED,
    )

    busy = "a poll or another rematch is running" if exclusive else "a rematch is running"
    if store.path is not None:
        lock_path = store.path.with_name(store.path.name + ".match.lock")
        with _flock(lock_path, store.path, shared=not exclusive, busy=busy):
            yield
        return
    if store.engine.name not in MATCH_LOCK:
        yield
        return
    (taken,) = store.execute(
        store.engine.sql(MATCH_LOCK if exclusive else MATCH_LOCK_SHARED)
    ).fetchone()
    if not taken:
        raise PollLocked(busy)
    unlock = store.engine.sql(MATCH_UNLOCK if exclusive else MATCH_UNLOCK_SHARED)
    try:
        yield
    except BaseException:
        # the lock is the session's: gone with a lost connection, whose failure is the
        # one to report, not the unlock's
        with contextlib.suppress(StorageError, *store.engine.errors):
            store.execute(unlock)
        raise
    # a session lost by now fails the command, though everything was written: the
    # lock went with it, and a rematch may have run beside the rest of this run
    store.execute(unlock)
