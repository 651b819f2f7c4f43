"""SQLite: one file, WAL, a 30 s busy timeout, the default engine (standard library only)."""

from __future__ import annotations

import json
import os
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from itertools import chain
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from tracer.engine.base import Engine, Params
from tracer.exceptions import StorageError

if TYPE_CHECKING:
    import threading

    from sqlite_utils import Database

__all__ = [
    "BUSY_TIMEOUT_MS",
    "SQLiteEngine",
    "all_numbered",
    "cannot_write",
    "id_mark",
    "not_a_file",
]

BUSY_TIMEOUT_MS = 30_000
CACHE_KIB = 16_384  # page cache per connection: 16 MiB, filled only as pages are read
# Prepared statements kept per connection (sqlite3's default: 128). A poll's multi-row
# INSERTs differ by their number of rows (posts, edges, nodes, reach: tens of variants
# each): with 128 (and two new savepoint names per feed) most were parsed again at
# every use. 256 holds those of feeds up to ~50 items; a 500-row one is ~100 KiB.
CACHED_STATEMENTS = 256


def _has_tracer_tables(conn: sqlite3.Connection) -> bool:
    from tracer.migrations import applied_names

    return bool(applied_names(conn))


def no_schema_message(path: Path) -> str:
    """What a reading command says about a SQLite file tracer never wrote to.

    >>> print(no_schema_message(Path("notes.db")))  # doctest: +NORMALIZE_WHITESPACE
    no tracer schema in database 'notes.db' (a SQLite file without tracer's tables: another
    program's database?): create it with a command that writes, e.g. `tracer poll` or
    `tracer feeds add URL`, or fill it with `tracer copy-db`
    """
    return (
        f"no tracer schema in database {str(path)!r} (a SQLite file without tracer's tables:"
        " another program's database?): create it with a command that writes, e.g. `tracer"
        " poll` or `tracer feeds add URL`, or fill it with `tracer copy-db`"
    )


# SQLite's primary result codes of a file it may not write or open (SQLITE_PERM,
# SQLITE_READONLY, SQLITE_CANTOPEN): the ones :func:`cannot_write` may explain
_NOT_WRITABLE_CODES = frozenset({3, 8, 14})


def cannot_write(path: Path, *, reading: bool = False) -> str | None:
    """Why tracer cannot create or write the SQLite database ``path``, as one line; None
    when its folder exists and is writable and the file (if any) is writable. With
    ``reading``, why a command that only reads cannot open it (a read-only folder).

    tracer creates the database file, never its folder: a mistyped ``--db`` folder is an
    error, not a new empty store somewhere. SQLite writes its ``-wal`` and ``-shm`` files
    beside the database and tracer its lock files, so the folder must be writable too.

    >>> print(cannot_write(Path("/nonexistent-folder/tracer.db")))  # doctest: +NORMALIZE_WHITESPACE
    no folder '/nonexistent-folder' for database '/nonexistent-folder/tracer.db' (tracer
    creates the database file, not its folder: check the path, or create the folder first)
    """
    folder = path.parent
    if not folder.is_dir():
        return (
            f"no folder {str(folder)!r} for database {str(path)!r} (tracer creates the"
            " database file, not its folder: check the path, or create the folder first)"
        )
    if not os.access(folder, os.W_OK | os.X_OK):
        if reading:
            return (
                f"cannot read database {str(path)!r}: its folder {str(folder)!r} is not"
                " writable, and SQLite keeps a -shm file beside a WAL database even to read"
                " it (copy the database to a writable folder)"
            )
        return (
            f"cannot write database {str(path)!r}: its folder {str(folder)!r} is not writable"
            " (SQLite keeps its -wal and -shm files beside the database, tracer its lock files)"
        )
    if path.exists() and not os.access(path, os.R_OK):
        return f"cannot read database {str(path)!r}: the file is not readable (permission denied)"
    if path.exists() and not os.access(path, os.W_OK):
        return f"cannot write database {str(path)!r}: the file is read-only"
    return None


def not_a_file(path: Path) -> str | None:
    """The error for a database path that names a folder (SQLite says 'unable to open
    database file', and a poll would leave its lock file beside the folder); None else.

    >>> print(not_a_file(Path("/")))
    '/' is a folder, not a database file (e.g. '/tracer.db')
    """
    if path.is_dir():
        return f"{str(path)!r} is a folder, not a database file (e.g. {str(path / 'tracer.db')!r})"
    return None


def _unwritable(exc: BaseException, path: Path, *, reading: bool = False) -> str | None:
    """:func:`cannot_write`'s line when ``exc`` is SQLite (or the OS) refusing to open or
    write ``path`` and the file system says why; None for any other error."""
    code = getattr(exc, "sqlite_errorcode", None)
    # (an error of Python's sqlite3 module itself, a parameter it cannot bind, has no code)
    if isinstance(exc, sqlite3.Error) and (code is None or code & 0xFF not in _NOT_WRITABLE_CODES):
        return None
    return cannot_write(path, reading=reading)


def id_mark(conn: Engine, table: str) -> tuple[int, int]:
    """``table``'s largest id and the connection's last inserted id, taken just before an
    INSERT of rows without ids into it (see :func:`all_numbered`)."""
    largest, last = conn.execute(
        f"SELECT coalesce(max(id), 0), last_insert_rowid() FROM {table}"
    ).fetchone()
    return int(largest), int(last)


def all_numbered(mark: tuple[int, int], lastrowid: int, rows: int) -> bool:
    """Whether the INSERTs of ``rows`` rows without ids into a table, ``mark``
    (:func:`id_mark`) taken just before them and ``lastrowid`` the connection's last
    inserted id after them, inserted every row, numbered ``largest + 1``,
    ``largest + 2``... in order: then their ids are known without reading them back
    (``RETURNING`` made Python fetch each column, releasing and taking the GIL, which a
    poll's loop thread also wants).

    SQLite gives a row inserted without an id the largest id plus one (one writer: the
    transaction holds the write lock). An INSERT that inserted rows leaves its last row's
    id as the connection's last inserted id, one that inserted none leaves it as it was:
    so the statements inserted all their rows exactly when that id moved to
    ``largest + rows`` (a row skipped on a conflict leaves it lower; ids picked at
    random, once the largest possible id is taken, never land there).

    >>> all_numbered((10, 4), 13, 3), all_numbered((10, 4), 12, 3), all_numbered((10, 13), 13, 3)
    (True, False, False)
    """
    largest, last = mark
    return lastrowid == largest + rows != last


class SQLiteEngine(Engine):
    """A SQLite file (or ``:memory:``) through :mod:`sqlite3`; migrations by sqlite-utils."""

    name: ClassVar[str] = "sqlite"
    errors = (sqlite3.Error,)

    def __init__(self, conn: sqlite3.Connection, target: str) -> None:
        super().__init__(target)
        self.conn = conn
        self._db: Database | None = None
        self._savepoints = 0  # how deep the open savepoints nest: names them apart
        self._write_transactions = 0  # BEGIN IMMEDIATEs so far (write_transaction)

    @property
    def db(self) -> Database:
        """The connection wrapped by sqlite-utils, imported on first use only (a command
        that opens an up-to-date database and reads it never pays for that import)."""
        if self._db is None:
            from sqlite_utils import Database

            self._db = Database(self.conn)
        return self._db

    @classmethod
    def open(cls, path: Path, *, create: bool = True) -> SQLiteEngine:
        """Open (and migrate) ``path``; with ``create=False`` a missing file, or one without
        tracer's tables, is an error and nothing is written (the commands that only read)."""
        folder = not_a_file(path)
        if folder is not None:
            raise StorageError(folder)
        try:
            if create:
                if not path.parent.is_dir():  # never made: a mistyped folder is an error
                    raise StorageError(str(cannot_write(path)))
                target: str | Path = path
            else:
                # mode=rw: SQLite opens an existing file and never creates one
                target = path.resolve().as_uri() + "?mode=rw"
            # check_same_thread=False: a poll hands the connection to its writer
            # thread for the run (tracer.poll_loop), one thread at a time, never two
            conn = sqlite3.connect(
                target,
                timeout=BUSY_TIMEOUT_MS / 1000,
                isolation_level=None,
                uri=not create,
                check_same_thread=False,
                cached_statements=CACHED_STATEMENTS,
            )
            conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            if not create and not _has_tracer_tables(conn):
                conn.close()  # another program's database, or an empty file: leave it as is
                raise StorageError(no_schema_message(path))
            conn.execute("PRAGMA journal_mode = WAL")
            conn.execute("PRAGMA synchronous = NORMAL")
            conn.execute(f"PRAGMA cache_size = -{CACHE_KIB}")  # the text index is read at random
            conn.execute("PRAGMA foreign_keys = ON")
            conn.execute("PRAGMA recursive_triggers = ON")  # as sqlite-utils connections have
            engine = cls(conn, str(path))
            engine.migrate()
        except (sqlite3.Error, OSError) as exc:
            if not create and not path.is_file():
                raise StorageError(f"no database at {str(path)!r}") from None
            why = _unwritable(exc, path, reading=not create)
            if why is not None:
                raise StorageError(why) from exc
            raise StorageError(f"cannot open database {str(path)!r}: {exc}") from exc
        return engine

    @classmethod
    def memory(cls) -> SQLiteEngine:
        conn = sqlite3.connect(  # as open()
            ":memory:", check_same_thread=False, cached_statements=CACHED_STATEMENTS
        )
        conn.execute("PRAGMA foreign_keys = ON")
        conn.execute("PRAGMA recursive_triggers = ON")  # as sqlite-utils connections have
        engine = cls(conn, ":memory:")
        engine.migrate()
        return engine

    def execute(self, sql: str, params: Params = ()) -> sqlite3.Cursor:
        return self.conn.execute(sql, params)

    def executemany(self, sql: str, rows: Iterable[Params]) -> int:
        return max(self.conn.executemany(sql, rows).rowcount, 0)

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """One write transaction (a savepoint when nested).

        ``BEGIN IMMEDIATE`` takes the write lock first, waiting for it within
        the busy timeout: a deferred transaction that reads, then writes, fails
        at once with "database is locked" when another process (a poller of
        another shard) wrote in between.
        """
        conn = self.conn
        try:
            if conn.in_transaction:
                with self._savepoint():
                    yield
                return
            conn.execute("BEGIN IMMEDIATE")
            self._write_transactions += 1
            self.write_transaction = self._write_transactions
            try:
                yield
            except BaseException:
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
                raise
            finally:
                self.write_transaction = 0
            conn.execute("COMMIT")
        except sqlite3.Error as exc:
            why = _unwritable(exc, Path(self.target)) if self.target != ":memory:" else None
            raise StorageError(why or f"database write failed: {exc}") from exc

    @contextmanager
    def wal_pages(self, pages: int) -> Iterator[None]:
        """Let the write-ahead log grow to ``pages`` pages before a commit copies it back.

        SQLite checkpoints (copies the log into the database file and syncs
        both) at the first commit past ``wal_autocheckpoint`` pages, 1,000 by
        default: a poll whose batches each write more than that synced twice
        per batch on the loop's thread. Within the block it checkpoints once
        per ``pages``; after it, the setting is what it was (the next commit
        checkpoints what is left).
        """
        conn = self.conn
        before = int(conn.execute("PRAGMA wal_autocheckpoint").fetchone()[0])
        conn.execute(f"PRAGMA wal_autocheckpoint = {int(pages)}")
        try:
            yield
        finally:
            conn.execute(f"PRAGMA wal_autocheckpoint = {before}")

    @contextmanager
    def checkpoints_beside(self, every: float) -> Iterator[None]:
        """Within the block, copy the write-ahead log back into the database on a thread
        of its own, every ``every`` seconds, while this connection goes on writing.

        A commit past ``wal_autocheckpoint`` pages copies the log back on the
        committing thread (and syncs both files): tens of megabytes in a big poll,
        during which the writer writes nothing, and the first commit after the run
        copies everything left. Here a second connection runs *passive*
        checkpoints (they never wait for, nor block, the writer: SQLite copies
        the frames committed so far, and starts the log over at the next
        transaction once all of them are in): the copies and syncs overlap the
        run's other work, and the commits find little or nothing left to copy.
        Nothing else changes: the same pages reach the database file, synced
        as before (``synchronous = NORMAL``). A checkpoint that fails (another
        process checkpoints, the disk is full) is left to the next one or to
        the writer's own. No thread for an in-memory database or without WAL.
        """
        mode = str(self.conn.execute("PRAGMA journal_mode").fetchone()[0]).lower()
        if self.target == ":memory:" or mode != "wal":
            yield
            return
        import threading  # a poll's writer only

        stop = threading.Event()
        thread = threading.Thread(
            target=_checkpoint_until,
            args=(self.target, every, stop),
            name="tracer-checkpoints",
            daemon=True,
        )
        thread.start()
        try:
            yield
        finally:
            stop.set()
            thread.join()

    @contextmanager
    def temp_in_memory(self) -> Iterator[None]:
        """Keep SQLite's temporary files (the savepoints' sub-journals) in memory in the block.

        A poll writes each feed in a savepoint; SQLite keeps the original of
        every page the savepoint changes in a *sub-journal*, which past
        64 KiB is a temporary file: about 300 small writes per feed of 50
        posts (90,000 system calls for 300 feeds), for page copies that the
        feed's ``RELEASE`` then discards. In memory they cost no system call
        (the writer's system CPU falls by a third); a sub-journal holds one
        feed's pages and is emptied at its ``RELEASE``. After the block the
        setting is what it was (unless a transaction is still open then:
        SQLite refuses the change inside one, and it ends with the connection).
        """
        conn = self.conn
        before = int(conn.execute("PRAGMA temp_store").fetchone()[0])
        conn.execute("PRAGMA temp_store = MEMORY")
        try:
            yield
        finally:
            if not conn.in_transaction:
                conn.execute(f"PRAGMA temp_store = {before}")

    @contextmanager
    def _savepoint(self) -> Iterator[None]:
        """A nested transaction: undone alone if its block fails, kept with the outer one.

        Named by its depth (``tracer_1`` inside the transaction, ``tracer_2``
        inside that…): the names of a poll's thousands of savepoints repeat,
        so their statements come from sqlite3's statement cache and never push
        the big multi-row INSERTs out of it (a name counted up forever made two
        new statements per feed).
        """
        conn = self.conn
        self._savepoints += 1
        name = f"tracer_{self._savepoints}"
        try:
            conn.execute(f"SAVEPOINT {name}")
            try:
                yield
            except BaseException:
                # an error such as SQLITE_FULL may have ended the whole transaction already
                if conn.in_transaction:
                    conn.execute(f"ROLLBACK TO SAVEPOINT {name}")
                    conn.execute(f"RELEASE SAVEPOINT {name}")
                raise
            conn.execute(f"RELEASE SAVEPOINT {name}")
        finally:
            self._savepoints -= 1

    def migrate(self) -> list[str]:
        from tracer.migrations import migrate

        return migrate(self.conn)  # sqlite-utils is imported only if one is pending

    def tables(self) -> list[str]:
        return sorted(
            name for name in self.db.table_names() if not name.startswith(("sqlite_", "_sqlite_"))
        )

    def columns(self, table: str) -> list[str]:
        return [row[1] for row in self.conn.execute(f'PRAGMA table_info("{table}")')]

    def stream(self, sql: str, batch: int) -> Iterator[list[tuple[Any, ...]]]:
        cursor = self.conn.execute(sql)
        while rows := cursor.fetchmany(batch):
            yield rows

    @contextmanager
    def snapshot(self) -> Iterator[None]:
        """A deferred transaction fixed by its first read: in WAL mode, writers go on."""
        conn = self.conn
        if conn.in_transaction:
            yield
            return
        conn.execute("BEGIN")
        try:
            conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
            yield
        finally:
            if conn.in_transaction:
                conn.execute("COMMIT")

    BULK_CACHE_KIB: ClassVar[int] = 262_144  # page cache while copy-db fills a store: 256 MiB

    def bulk_insert(
        self, table: str, columns: Sequence[str], batches: Iterable[list[tuple[Any, ...]]]
    ) -> None:
        names = ", ".join(f'"{c}"' for c in columns)
        marks = ", ".join("?" for _ in columns)
        self.conn.executemany(
            f'INSERT INTO "{table}" ({names}) VALUES ({marks})', chain.from_iterable(batches)
        )

    @contextmanager
    def bulk_load(self, tables: Sequence[str]) -> Iterator[None]:
        """Fill the empty ``tables`` in one transaction, indexes built at the end.

        For the load, a file switches from WAL to a rollback journal (when no
        other connection has it open): a transaction that only adds pages to
        an empty store journals next to nothing, where WAL would write every
        page twice (to the log, then back). A crash leaves the journal, and
        SQLite rolls the file back to the empty store on next open.
        ``synchronous = FULL`` for the few syncs of that commit. Foreign keys
        are checked once at the end (``PRAGMA foreign_key_check``), explicit
        indexes dropped and built again by their own ``CREATE INDEX``.
        """
        conn = self.conn
        wal = conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        if wal:
            try:
                wal = conn.execute("PRAGMA journal_mode = DELETE").fetchone()[0] != "wal"
            except sqlite3.OperationalError:  # another connection has it open: load in WAL
                wal = False
        foreign_keys = conn.execute("PRAGMA foreign_keys").fetchone()[0]
        conn.execute("PRAGMA foreign_keys = OFF")
        conn.execute("PRAGMA synchronous = FULL")
        conn.execute(f"PRAGMA cache_size = -{self.BULK_CACHE_KIB}")
        try:
            with self.transaction():
                indexes = conn.execute(
                    "SELECT name, sql FROM sqlite_master WHERE type = 'index'"
                    " AND sql IS NOT NULL AND tbl_name IN (SELECT value FROM json_each(?))",
                    [json.dumps(list(tables))],
                ).fetchall()
                for name, _sql in indexes:
                    conn.execute(f'DROP INDEX "{name}"')
                yield
                for _name, sql in indexes:
                    conn.execute(sql)
                if foreign_keys:
                    for table in tables:
                        broken = conn.execute(f'PRAGMA foreign_key_check("{table}")').fetchone()
                        if broken:
                            raise StorageError(
                                f"{table} row {broken[1]} refers to a missing {broken[2]} row"
                            )
        finally:
            conn.execute(f"PRAGMA cache_size = -{CACHE_KIB}")
            conn.execute("PRAGMA synchronous = NORMAL")
            conn.execute(f"PRAGMA foreign_keys = {int(bool(foreign_keys))}")
            if wal:
                conn.execute("PRAGMA journal_mode = WAL")

    def close(self) -> None:
        self.conn.close()


def _checkpoint_until(path: str, every: float, stop: threading.Event) -> None:
    """Passive checkpoints of ``path`` every ``every`` seconds until ``stop`` is set
    (:meth:`SQLiteEngine.checkpoints_beside`), on a connection of this thread's own."""
    try:
        conn = sqlite3.connect(
            Path(path).resolve().as_uri() + "?mode=rw", uri=True, isolation_level=None
        )
    except sqlite3.Error:
        return  # the writer's own checkpoints still run
    try:
        while not stop.wait(every):
            try:
                conn.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()
            except sqlite3.Error:
                continue  # busy or failing now: the next one, or the writer's own
    finally:
        conn.close()
