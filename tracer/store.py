"""The store: the only module that writes to the database, SQLite or PostgreSQL.

Opening a store connects through an engine (:mod:`tracer.engine`: a SQLite
file in WAL mode with a busy timeout, or a ``postgresql://`` URL) and
migrates it (see :mod:`tracer.migrations`). SQL here is written once, in
SQLite's spelling; the few statements that differ come from
:mod:`tracer.engine.queries`. Everything a poll decided
about one feed (:class:`~tracer.models.FeedUpdate`) is written in one
transaction by :meth:`Store.apply` (a savepoint when the caller holds one
open: a poll shares a transaction among a few feeds), so a killed run never
leaves half a feed.

In the same transaction, :mod:`tracer.reach` mirrors new edges as integer
``links`` between ``nodes`` and keeps the ``reach`` table (origin domain ×
post whose chain reaches it) exact, so ``tracer origins`` and ``tracer
sites`` aggregate instead of walking the graph (migration 0004;
:meth:`Store.rebuild_reach` recomputes it from ``edges``), for every edge and
for declared edges only; and the fingerprints of new posts are indexed and
matched by :mod:`tracer.matching`, adding inferred edges (issue 13), on both
engines (issue 16). On PostgreSQL, with several pollers, that upkeep is done
by one transaction at a time; a feed's transaction that does not get the turn
queues it for the one that has it (:mod:`tracer.upkeep`).
"""

from __future__ import annotations

import json
from collections.abc import Collection, Iterable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from dataclasses import replace
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tracer.defaults import BROKEN_AFTER_HOURS, BROKEN_FAILURES
from tracer.engine import Engine, open_engine
from tracer.engine.queries import GROUP_CONCAT, INT_IN, SEP, SEP_SQL, TEXT_IN
from tracer.engine.sqlite import SQLiteEngine, all_numbered, id_mark
from tracer.exceptions import StorageError
from tracer.timeutil import FUTURE_WARNING, format_time, not_after, utcnow

# The index's last writer (PostgreSQL): the matcher's cached index rows hold while it is
# this store's (tracer.matching.Matcher.check_index_writer)
_INDEX_WRITER = "SELECT index_writer FROM match_state"
WRITE_RETRIES = 3  # a feed whose write the server failed to break a deadlock: tried again

if TYPE_CHECKING:  # the rest is imported where used: opening and reading a store stays light
    import sqlite3

    from sqlite_utils import Database

    from tracer.fingerprint import Fingerprint
    from tracer.matching import Matcher
    from tracer.models import EdgeRecord, FeedState, FeedUpdate, PostRecord
    from tracer.upkeep import Drainer, Remembered

__all__ = ["Store"]

_ROWS_PER_INSERT = 500  # multi-row INSERTs stay under both engines' parameter limits

# What inserting an edge whose pair is stored does (Store._insert_new_edges): a declared
# edge moves last_seen (a row seen again this second is left alone); one meeting an
# inferred row turns it into itself (a declared edge wins); an inferred one does nothing.
_TURNS = "edges.kind = 'inferred' AND excluded.kind = 'declared'"
_EDGE_CONFLICT = (
    "ON CONFLICT (repost_url, source_url) DO UPDATE SET last_seen = excluded.last_seen,"
    + ", ".join(
        f" {column} = CASE WHEN {_TURNS} THEN excluded.{column} ELSE edges.{column} END"
        for column in (
            "kind", "pattern", "evidence", "raw_source_url", "cited_url", "score", "first_seen"
        )
    )
    + f" WHERE (excluded.kind = 'declared' AND edges.last_seen < excluded.last_seen)"
    f" OR ({_TURNS})"
)  # fmt: skip


def _dated(post: PostRecord, now: str) -> PostRecord:
    """``post`` with its feed date capped at ``now``, the poll that sees it
    (:func:`tracer.timeutil.not_after`); a date far ahead becomes a warning on it."""
    if post.published is None or post.published <= now:
        return post  # (the common case: no new object)
    published, warning = not_after(post.published, now)
    if warning and post.warning:
        warning = f"{post.warning}; {warning}"
    return replace(post, published=published, warning=warning or post.warning)


def _all_numbered(cursor: Any, mark: tuple[int, int] | None, rows: int) -> bool:
    """Whether the INSERT of ``rows`` rows that ``cursor`` ran, ``mark`` taken just before
    it (:meth:`Store._id_mark`), numbered them all in order
    (:func:`tracer.engine.sqlite.all_numbered`); then its RETURNING is not read. ``mark``
    None: not SQLite."""
    if mark is None or not all_numbered(mark, cursor.lastrowid, rows):
        return False
    # Its RETURNING rows are not read: reset the statement now. Left unfinished (the
    # cursor alive, e.g. in the frame of a traceback), it is a write statement in
    # progress, for which SQLite refuses SAVEPOINT, RELEASE and COMMIT ("SQL
    # statements in progress"): one feed's failure then lost the poll's whole batch.
    cursor.close()  # (lastrowid stays readable)
    return True


class Store:
    """A tracer database (SQLite file or PostgreSQL), migrated and ready."""

    def __init__(self, engine: Engine, path: Path | None = None) -> None:
        self.engine = engine
        self.path = path
        self._matcher: Matcher | None = None
        self.run_id: int | None = None  # the poll run writing through this store (start_run)
        # Inside apply on PostgreSQL: (holds the upkeep lock, the queue had rows), once tried
        # (_upkeep_turn); None elsewhere: the upkeep is done in the transaction (tracer.upkeep)
        self._turn: tuple[bool, bool] | None = None
        self._asked: dict[str, Any] = {}  # inside apply on PostgreSQL: cursors sent ahead
        # A poll's writer on PostgreSQL: the upkeep thread beside it (tracer.upkeep.Drainer),
        # which does the reach and matching upkeep its feeds always queue
        self._drainer: Drainer | None = None
        self.drained = 0  # inferred edges its drainers added (counted by upkeep.finish)
        self._closed = False
        self._queued = False  # the feed in apply queued upkeep (set by _queue_upkeep)
        self._batches: list[str] = []  # the batches of posts it queued (_queue_upkeep)
        # A drainer's store: the fingerprints its writer's feeds queued (tracer.upkeep)
        self.remembered: Remembered | None = None
        self._drain_domains: dict[str, int] | None = None  # a drain's sites (begin_drain)

    @classmethod
    def open(cls, target: str | Path, *, create: bool = True) -> Store:
        """Open (and migrate) a SQLite file or a ``postgresql://`` database.

        With ``create=False`` a missing SQLite file is a :class:`StorageError`
        and nothing is created: commands that only read must not leave an
        empty database behind a mistyped path.
        """
        engine = open_engine(target, create=create)
        path = Path(target) if isinstance(engine, SQLiteEngine) else None
        store = cls(engine, path)
        try:
            store._ensure_reach()
        except engine.errors as exc:
            engine.close()
            raise StorageError(f"cannot open database {engine.target!r}: {exc}") from exc
        return store

    @classmethod
    def memory(cls) -> Store:
        store = cls(SQLiteEngine.memory())
        store._ensure_reach()
        return store

    @property
    def db(self) -> Database:
        """The sqlite-utils database of a SQLite store (SQLite-only tools and tests)."""
        if not isinstance(self.engine, SQLiteEngine):
            raise StorageError(f"{self.engine.target}: this works on SQLite stores only (for now)")
        return self.engine.db

    @property
    def conn(self) -> sqlite3.Connection:
        """The plain :mod:`sqlite3` connection of a SQLite store (SQLite-only tools and tests)."""
        if not isinstance(self.engine, SQLiteEngine):
            raise StorageError(f"{self.engine.target}: this works on SQLite stores only (for now)")
        return self.engine.conn

    def close(self, *, flush: bool = True) -> None:
        """Write what matching keeps pending (unless not ``flush``) and close the
        connection (again: nothing).

        On SQLite the last connection to close checkpoints the write-ahead log into
        the database file and deletes it: until then the file alone may lack
        everything a poll wrote (a copy of ``tracer.db`` without its ``-wal``).
        Pending index rows not written stay listed in ``unindexed_spans``: the
        next matcher indexes them.
        """
        if self._closed:
            return
        self._closed = True
        try:
            if flush:
                self.flush_matching()
        except StorageError:
            pass  # the pending index rows stay recoverable (unindexed_spans)
        finally:
            self.engine.close()

    @contextmanager
    def writer(self) -> Iterator[Store]:
        """The store a poll's writer thread writes through, for the block.

        This one on SQLite. On an engine with leases, a store on a second
        connection (:meth:`Engine.another`): the loop claims feeds on this
        one (each claim committed before its feed is fetched, so the writer
        sees it) while the writer thread waits on the server; closed at the
        end of the block, its matching flushed (a failure raised, unless the
        block failed already). Its feeds queue their reach and matching
        upkeep for a thread beside it, on a third connection
        (:class:`tracer.upkeep.Drainer`), which drains what is left when the
        block ends well (its failure raised then, or by the next feed's apply).
        """
        if not self.engine.supports_leases:
            yield self
            return
        from tracer.upkeep import Drainer

        writes = self.another()
        drainer: Drainer | None = None
        done = False
        try:
            # the feeds' reach and matching upkeep, done beside the writes by a thread
            # on a connection of its own (tracer.upkeep.Drainer)
            drainer = writes._drainer = Drainer(self)
            # one pipeline for the whole block: a feed's transaction waits for its
            # COMMIT's answer, not for a pipeline's end and start again (two round trips)
            with writes.engine.pipeline():
                yield writes
                writes.flush_matching()
            done = True
        finally:
            try:
                writes.close()
            finally:
                if drainer is not None:  # drains what is left (raises its failure) if done
                    self.drained += drainer.close(done)

    def transaction(self) -> AbstractContextManager[None]:
        """One write transaction (a savepoint when nested); StorageError if it fails."""
        return self.engine.transaction()

    # -- SQL through the engine ---------------------------------------------

    def execute(self, sql: str, params: Sequence[Any] | dict[str, Any] = ()) -> Any:
        """Run one statement (SQLite spelling); the engine's cursor."""
        return self.engine.execute(sql, params)

    def executemany(self, sql: str, rows: Iterable[Sequence[Any] | dict[str, Any]]) -> int:
        return self.engine.executemany(sql, rows)

    def text_in(self, param: str) -> str:
        """``column {text_in}``: the column is one of the JSON array of strings bound to
        ``param`` (:data:`~tracer.engine.queries.TEXT_IN`)."""
        return self.engine.sql(TEXT_IN).format(p=param)

    def int_in(self, param: str) -> str:
        """``column {int_in}``: the column is one of the JSON array of integers bound to
        ``param`` (:data:`~tracer.engine.queries.INT_IN`)."""
        return self.engine.sql(INT_IN).format(p=param)

    def group_concat(self, expr: str, sep: str) -> str:
        """An aggregate joining ``expr`` with ``sep`` (a SQL string literal)."""
        return self.engine.sql(GROUP_CONCAT).format(expr=expr, sep=sep)

    # -- reads ------------------------------------------------------------

    def query(self, sql: str, params: Sequence[Any] | dict[str, Any] = ()) -> list[dict[str, Any]]:
        return self.engine.query(sql, params)

    def feed_by_url(self, url: str) -> dict[str, Any] | None:
        rows = self.query(
            "SELECT * FROM feeds WHERE url = :u"
            " OR id = (SELECT feed_id FROM feed_aliases WHERE url = :u)",
            {"u": url},
        )
        return rows[0] if rows else None

    def feed_states(
        self,
        *,
        due_before: str | None = None,
        urls: Iterable[str] | None = None,
        respect_retry_after: str | None = None,
    ) -> list[FeedState]:
        """Active feeds to poll: all, those due before a time, or those named.

        ``respect_retry_after`` (a time) leaves out feeds whose server answered
        429/503 and asked to be left alone until after that time, even when
        polling everything.
        """
        sql = (
            "SELECT id, url, etag, last_modified, body_hash, consecutive_failures,"
            " failing_since FROM feeds WHERE active = 1"
        )
        params: dict[str, Any] = {}
        if due_before is not None:
            sql += " AND (next_poll_at IS NULL OR next_poll_at <= :due)"
            params["due"] = due_before
        if respect_retry_after is not None:
            sql += " AND (retry_after_until IS NULL OR retry_after_until <= :retry)"
            params["retry"] = respect_retry_after
        if urls is not None:
            wanted = list(urls)
            urls_in = self.text_in(":urls")
            sql += (
                f" AND (url {urls_in}"
                f" OR id IN (SELECT feed_id FROM feed_aliases WHERE url {urls_in}))"
            )
            params["urls"] = json.dumps(wanted)
        sql += " ORDER BY next_poll_at IS NOT NULL, next_poll_at, id"
        rows = self.query(sql, params)
        if not rows:
            return []  # nothing due: a cron run stops here, without loading the models
        from tracer.models import FeedState

        return [FeedState(**row) for row in rows]

    def list_feeds(self, *, broken_at: datetime | None = None) -> list[dict[str, Any]]:
        """Every feed with its record, post and edge counts and old URLs, by URL.

        With ``broken_at`` (now): only feeds that need a human at that time:
        failing for :data:`~tracer.defaults.BROKEN_AFTER_HOURS` or at least
        :data:`~tracer.defaults.BROKEN_FAILURES` times in a row, or
        deactivated by an error (410 Gone).
        """
        sql = (
            "SELECT f.url, f.title, f.active, f.last_status, f.last_error, f.warning,"
            " f.consecutive_failures, f.failing_since, f.last_polled_at, f.last_success_at,"
            " f.next_poll_at,"
            " (SELECT count(*) FROM posts p WHERE p.feed_id = f.id) AS posts,"
            " (SELECT count(*) FROM posts p JOIN edges e ON e.repost_url = p.url"
            "   WHERE p.feed_id = f.id) AS edges,"
            f" (SELECT {self.group_concat('a.url', SEP_SQL)} FROM feed_aliases a"
            "   WHERE a.feed_id = f.id) AS aliases"
            " FROM feeds f"
        )
        params: dict[str, Any] = {}
        if broken_at is not None:
            broken_since = format_time(broken_at - timedelta(hours=BROKEN_AFTER_HOURS))
            sql += (
                " WHERE (f.active = 1 AND f.last_error IS NOT NULL"
                "   AND (f.consecutive_failures >= :n OR f.failing_since <= :since))"
                " OR (f.active = 0 AND f.last_error IS NOT NULL)"
            )
            params.update(n=BROKEN_FAILURES, since=broken_since)
        rows = self.query(sql + " ORDER BY f.url", params)
        for row in rows:
            row["active"] = bool(row["active"])
            row["aliases"] = sorted(row["aliases"].split(SEP)) if row["aliases"] else []
        return rows

    # -- writes -----------------------------------------------------------

    def add_feed(self, url: str, raw_url: str | None = None, title: str | None = None) -> bool:
        """Add a feed by canonical URL; False if it (or an alias) already exists."""
        if self.feed_by_url(url):
            return False
        with self.transaction():
            cursor = self.execute(
                "INSERT OR IGNORE INTO feeds (url, raw_url, title, added_at) VALUES (?, ?, ?, ?)",
                [url, raw_url or url, title, format_time(utcnow())],
            )
        return cursor.rowcount == 1

    def set_feed_active(self, url: str, active: bool) -> bool:
        feed = self.feed_by_url(url)
        if not feed:
            return False
        with self.transaction():
            self.execute(
                "UPDATE feeds SET active = ?, consecutive_failures = 0, failing_since = NULL,"
                " next_poll_at = NULL, retry_after_until = NULL WHERE id = ?",
                [int(active), feed["id"]],
            )
        return True

    def remove_feed(self, url: str) -> bool:
        feed = self.feed_by_url(url)
        if not feed:
            return False
        with self.transaction():
            self.execute("DELETE FROM feeds WHERE id = ?", [feed["id"]])
        return True

    def apply(self, update: FeedUpdate, now: str | None = None) -> tuple[int, int]:
        """Write one feed's poll in one transaction; return (new posts, new edges)."""
        now = now or format_time(utcnow())
        columns = update.feed.columns()
        if self.engine.supports_leases:
            # the feed is done: unclaimed, and polled by this run (for the claims of
            # the runs beside it: see claim_feeds)
            columns.update(lease_until=None, leased_by=None, polled_run=self.run_id)
        drainer = self._drainer
        if drainer is not None:
            drainer.check()  # its failure stops the writes
        for attempt in range(WRITE_RETRIES + 1):
            try:
                self._queued = False
                self._batches.clear()
                counts = self._apply(update, columns, now)
                if drainer is not None and self._queued:
                    drainer.remembered.committed(self._batches)
                    drainer.nudge()  # the feed's queued upkeep is committed
                return counts
            except BaseException as exc:
                # The feed's transaction rolled back: the matcher's memory (index rows kept
                # pending, recent fingerprints, boilerplate) may name its posts, whose ids
                # the next feed's posts can take. A new matcher starts from what was
                # committed (the pending rows of earlier feeds are listed in unindexed_spans).
                self.forget_matching()
                if drainer is not None:  # its queued batches never reached the queue
                    drainer.remembered.forget(self._batches)
                if attempt == WRITE_RETRIES or not self._retries(exc):
                    raise
        raise AssertionError("unreachable")  # pragma: no cover

    def _retries(self, exc: BaseException) -> bool:
        """Whether a feed whose write failed with ``exc`` is written again: on an engine with
        leases (PostgreSQL), when the server failed its transaction to break a deadlock or
        a serialization conflict (:func:`~tracer.exceptions.is_transient`). The transaction
        rolled back whole, so the same update again is a first write. A poll's writer and
        its drainer (or another poller, or a resolve) can wait for each other: a declared
        edge of the writer's feed and the same edge inferred by the drain, two such pairs
        in opposite order, and the server may pick either side."""
        from tracer.exceptions import is_transient

        return self.engine.supports_leases and isinstance(exc, StorageError) and is_transient(exc)

    def _matching(self) -> Matcher:
        """This store's matcher, made on first use (:meth:`forget_matching` drops it)."""
        from tracer.matching import Matcher

        if self._matcher is None:
            self._matcher = Matcher(self.engine)
        return self._matcher

    def forget_matching(self) -> None:
        """Drop the matcher's memory after a rolled-back transaction: its pending index
        rows may name posts that were never committed. The next matcher starts from
        what was (earlier feeds' pending rows are listed in ``unindexed_spans``)."""
        self._matcher = None

    def another(self) -> Store:
        """A store on a new connection to the same database, in the same poll run."""
        store = Store(self.engine.another(), self.path)
        store.run_id = self.run_id
        return store

    def _apply(self, update: FeedUpdate, columns: dict[str, object], now: str) -> tuple[int, int]:
        # PostgreSQL: the feed's statements go out in one pipeline, waiting only for
        # the answers read before the next statement (Engine.pipeline)
        with self.engine.pipeline(), self.transaction():
            feed_id = update.feed_id
            if columns and not update.new_url:  # the UPDATE tells whether the feed is there
                if not self._update_feed(feed_id, columns).fetchone():
                    return 0, 0  # removed (`feeds remove`) while it was being polled
            else:
                if not self.execute("SELECT 1 FROM feeds WHERE id = ?", [feed_id]).fetchone():
                    return 0, 0  # removed (`feeds remove`) while it was being polled
                if update.new_url:
                    feed_id = self._move_feed(feed_id, update.new_url, now)
                if columns:
                    self._update_feed(feed_id, columns).fetchall()
            try:
                self._ask_ahead(update)
                inserted = self._write_posts(update, feed_id, now)
                new_edges = self._write_edges(update, now, inserted)
                new_edges += self._write_copies(update, now, inserted)
                if self._turn is not None and all(self._turn):  # our turn: drain the queue
                    from tracer import upkeep

                    self._turn = None
                    new_edges += upkeep.drain(self, now)
            finally:
                self._turn = None
                self._asked.clear()
        return len(inserted), new_edges

    def _ask_ahead(self, update: FeedUpdate) -> None:
        """PostgreSQL: send the upkeep lock's try (:meth:`_upkeep_turn`), the index's last
        writer (:meth:`~tracer.matching.Matcher.check_index_writer`) and the pages lookup
        of the edges (:func:`tracer.pages.article_edges`) with the posts' insert, whose
        answer is read at once: one round trip for them all instead of one each. The lock
        is then taken before the posts are written, not after (held a statement longer)."""
        if self.engine.name == "sqlite":
            return
        fingerprints = any(p.fingerprint is not None for p in update.posts)
        if update.edges or fingerprints:
            self._asked["turn"] = self.execute(self._turn_query())
        if fingerprints and self._drainer is None:  # read after the lock, for the matcher
            # (Matcher.check_index_writer); with a drainer, the feed queues its posts
            self.ask_index_writer()
        if update.edges:
            from tracer.pages import ask_articles

            self._asked["articles"] = ask_articles(self.engine, update.edges)

    def _update_feed(self, feed_id: int, columns: dict[str, object]) -> Any:
        """Set ``columns`` of feed ``feed_id``; a cursor over its id (no row: no such feed)."""
        assignments = ", ".join(f"{name} = :{name}" for name in columns)
        return self.execute(
            f"UPDATE feeds SET {assignments} WHERE id = :_id RETURNING id",
            {**columns, "_id": feed_id},
        )

    def _upkeep_turn(self) -> bool:
        """Whether this feed's transaction does its reach and matching upkeep itself.

        On PostgreSQL the first call of the transaction takes the edge lock
        shared and tries the upkeep lock (:data:`~tracer.engine.queries.UPKEEP_TRY`):
        without it, the upkeep is queued for its holder (:mod:`tracer.upkeep`).
        Always on SQLite (one writer), and outside :meth:`apply`.
        """
        if self.engine.name == "sqlite":
            return True
        if self._turn is None:
            asked = self._asked.pop("turn", None)  # sent ahead (_ask_ahead)
            if asked is None:
                asked = self.execute(self._turn_query())
            got, queued = asked.fetchone()
            self._turn = (bool(got), bool(queued))
        return self._turn[0]

    def _turn_query(self) -> str:
        """:data:`~tracer.engine.queries.UPKEEP_TRY`, or with an upkeep thread beside this
        writer :data:`~tracer.engine.queries.UPKEEP_LEAVE` (its feeds always queue)."""
        from tracer.engine.queries import UPKEEP_LEAVE, UPKEEP_TRY

        return self.engine.sql(UPKEEP_TRY if self._drainer is None else UPKEEP_LEAVE)

    def _deferring(self) -> bool:
        """Inside a feed's transaction that did not get the upkeep lock (see _upkeep_turn)."""
        return self._turn is not None and not self._turn[0]

    def _queue_upkeep(
        self,
        edges: Sequence[tuple[str, str]] = (),
        kinds: Sequence[str] = (),
        posts: Sequence[tuple[int, Fingerprint]] = (),
    ) -> None:
        """Leave the reach upkeep of new ``edges`` (of ``kinds``) and the matching of
        ``posts`` (id, fingerprint) to the upkeep lock's holder (:mod:`tracer.upkeep`);
        :meth:`apply` wakes this writer's drainer once the feed committed them."""
        from tracer import upkeep

        upkeep.queue_edges(self.engine, edges, kinds)
        remembered = None if self._drainer is None else self._drainer.remembered
        batch = upkeep.queue_posts(self.engine, posts, remembered)
        if batch is not None:
            self._batches.append(batch)
        self._queued = self._queued or bool(edges) or bool(posts)

    # -- leases (PostgreSQL): many pollers, each due feed polled once --------

    def claim_feeds(
        self,
        feeds: Sequence[FeedState],
        *,
        now: str,
        started: str,
        until: str,
        owner: str,
        due: str | None,
        retry: str | None,
        beside: Sequence[int] = (),
    ) -> list[FeedState]:
        """Lease those of ``feeds`` that are still free, in their order; the others are taken.

        A feed is taken while another poller's lease runs (until ``lease_until``),
        once anybody polled it after ``started`` (this run's start), once a run
        working beside this one polled it (``beside``: the runs that were
        running when this one started; any run started since), or, with
        ``due``, once it is no longer due; ``retry`` (a time) keeps out feeds a
        server asked to be left alone until later. Rows another poller is
        claiming at this instant are skipped (``FOR UPDATE SKIP LOCKED``), never
        waited for. Only engines with :attr:`Engine.supports_leases`.
        """
        if not feeds:
            return []
        from tracer.engine.queries import CLAIM_FEEDS

        params = {
            "ids": json.dumps([feed.id for feed in feeds]),
            "now": now,
            "started": started,
            "until": until,
            "owner": owner,
            "due": due,
            "retry": retry,
            "run": self.run_id or 0,
            "beside": json.dumps(list(beside)),
        }
        with self.transaction():
            claimed = {row[0] for row in self.execute(self.engine.sql(CLAIM_FEEDS), params)}
        return [feed for feed in feeds if feed.id in claimed]

    def release_leases(self, owner: str) -> int:
        """Give back the leases ``owner`` still holds (feeds it claimed but did not poll)."""
        with self.transaction():
            cursor = self.execute(
                "UPDATE feeds SET lease_until = NULL, leased_by = NULL WHERE leased_by = ?",
                [owner],
            )
        return int(cursor.rowcount)

    def _move_feed(self, feed_id: int, new_url: str, now: str) -> int:
        """Give feed ``feed_id`` the URL ``new_url``, its old URL kept as an alias.

        If ``new_url`` is already another feed, the two are merged into that one
        (posts and aliases follow). Returns the id of the feed that lives on.
        """
        row = self.execute("SELECT url FROM feeds WHERE id = ?", [feed_id]).fetchone()
        if row is None or row[0] == new_url:
            return feed_id
        old_url = row[0]
        other = self.execute("SELECT id FROM feeds WHERE url = ?", [new_url]).fetchone()
        if other:
            target = int(other[0])
            self.execute("UPDATE posts SET feed_id = ? WHERE feed_id = ?", [target, feed_id])
            self.execute("UPDATE feed_aliases SET feed_id = ? WHERE feed_id = ?", [target, feed_id])
            self.execute("DELETE FROM feeds WHERE id = ?", [feed_id])
        else:
            target = feed_id
            self.execute("DELETE FROM feed_aliases WHERE url = ?", [new_url])
            self.execute("UPDATE feeds SET url = ? WHERE id = ?", [new_url, feed_id])
        self.execute("DELETE FROM feed_aliases WHERE url = ?", [old_url])
        self.execute(
            "INSERT INTO feed_aliases (url, feed_id, added_at) VALUES (?, ?, ?)",
            [old_url, target, now],
        )
        return target

    def _write_posts(
        self, update: FeedUpdate, feed_id: int, now: str
    ) -> dict[str, tuple[int, str | None, str]]:
        """Insert the new posts, mark the others seen; ``url -> (id, published, first_seen)``
        of the posts inserted now (what matching needs of them: no second read)."""
        if not update.posts:
            return {}
        posts = [_dated(p, now) for p in update.posts]  # no date after this poll's
        rows = [
            (p.url, p.raw_url, p.guid, feed_id, p.title, p.published, p.warning, now, now)
            for p in posts
        ]
        published: dict[str, str | None] = {}  # as inserted: a URL given twice, first
        for p in posts:
            published.setdefault(p.url, p.published)
        inserted = {
            url: (post_id, published[url], now) for url, post_id in self._insert_posts(rows)
        }
        # posts stored before: seen again (a post inserted now has last_seen = now already).
        # A date given only now is capped at the post's first sighting, and a cap's
        # warning stays while nothing else is to be said of the post.
        seen = [
            (now, p.title, p.published, p.published, p.warning, p.url, now)
            for p in update.posts
            if p.url not in inserted
        ]
        if seen:
            self.executemany(
                "UPDATE posts SET last_seen = ?, title = coalesce(?, title),"
                " published = coalesce(published,"
                "   CASE WHEN ? > first_seen THEN first_seen ELSE ? END),"
                f" warning = coalesce(?, CASE WHEN warning LIKE '{FUTURE_WARNING.format('%')}'"
                " THEN warning END)"
                " WHERE url = ? AND last_seen < ?",
                seen,
            )
        return inserted

    def _insert_posts(self, rows: Sequence[Sequence[Any]]) -> list[tuple[str, int]]:
        """Insert post ``rows`` (url first), skipping those already stored; ``(url, id)`` of
        the rows inserted. Multi-row INSERTs of :data:`_ROWS_PER_INSERT` rows."""
        inserted: list[tuple[str, int]] = []
        for start in range(0, len(rows), _ROWS_PER_INSERT):
            chunk = rows[start : start + _ROWS_PER_INSERT]
            mark = self._id_mark("posts")
            values = "(" + ", ".join(["?"] * len(chunk[0])) + ")"
            cursor = self.execute(
                "INSERT INTO posts (url, raw_url, guid, feed_id, title, published, warning,"
                " first_seen, last_seen) VALUES " + ", ".join([values] * len(chunk))
                + " ON CONFLICT DO NOTHING RETURNING url, id",
                [value for row in chunk for value in row],
            )  # fmt: skip
            if _all_numbered(cursor, mark, len(chunk)):
                first = cursor.lastrowid - len(chunk) + 1
                inserted.extend((row[0], post_id) for post_id, row in enumerate(chunk, first))
            else:
                inserted.extend((url, int(post_id)) for url, post_id in cursor.fetchall())
        return inserted

    def _id_mark(self, table: str) -> tuple[int, int] | None:
        """SQLite: ``table``'s largest id and the connection's last inserted id, before an
        INSERT into it (see :func:`_all_numbered`); None elsewhere."""
        return id_mark(self.engine, table) if self.engine.name == "sqlite" else None

    def _write_edges(
        self, update: FeedUpdate, now: str, fresh: Collection[str] = frozenset()
    ) -> int:
        """Write the feed's declared edges; return how many were new. ``fresh``: the
        URLs of the posts inserted just now (no inferred edge can cite them yet)."""
        if not update.edges:
            return 0
        from tracer.pages import article_edges  # issue 14: one node per article

        # before reading pages or writing edges: waits only for a resolve (tracer.upkeep)
        self._upkeep_turn()
        edges = article_edges(self.engine, update.edges, self._asked.pop("articles", None))
        # edges stored before are seen again there (last_seen; _EDGE_CONFLICT)
        return len(self._insert_new_edges(edges, now, fresh))

    def flush_matching(self) -> None:
        """Write the text index rows a poll keeps pending (:meth:`Matcher.flush`).

        If it fails, its transaction rolled back the rows written while the matcher let
        go of them (or of its spans): the matcher is dropped (:meth:`forget_matching`),
        so that nothing, e.g. :meth:`close`, commits the rest of the flush alone. The
        posts stay listed in ``unindexed_spans``, which the next matcher indexes."""
        if self._matcher is not None:
            try:
                with self.transaction():
                    self._matcher.flush()
            except BaseException:
                self.forget_matching()
                raise

    def add_inferred(self, edges: list[EdgeRecord], now: str) -> int:
        """Insert inferred edges inside the caller's transaction (``tracer rematch``)."""
        return self._insert_edges([(e, None) for e in edges], now)

    def _insert_edges(self, edges: list[tuple[EdgeRecord, str | None]], now: str) -> int:
        """Insert edges that are not stored yet and index them; return how many were new."""
        return len(self._insert_new_edges(edges, now))

    def _insert_new_edges(
        self,
        edges: list[tuple[EdgeRecord, str | None]],
        now: str,
        fresh: Collection[str] | None = frozenset(),
    ) -> list[tuple[str, str]]:
        """Insert edges that are not stored yet and index them; return the new (repost, source).

        Each edge comes with the URL it cited when that was resolved to another
        article (``cited_url``, issue 14), else None. One multi-row statement
        per :data:`_ROWS_PER_INSERT` edges (one round trip on a server), which
        also does what an edge stored already needs, on its conflict path
        (:data:`_EDGE_CONFLICT`): a declared edge seen again gets its
        ``last_seen``; a declared edge of a pair stored as inferred *turns* that
        row into itself, exactly as storing the declared edge first would have
        made it (its pattern, evidence, spellings, ``first_seen`` = now; no
        score), so ``--declared-only`` answers what a store that never matched
        answers; an inferred edge of a pair stored already changes nothing.
        ``RETURNING`` tells the rows inserted (PostgreSQL: ``xmax = 0``; SQLite:
        an id above the largest before, read only when an edge is declared: DO
        NOTHING returns the rows it inserted only) from those turned (the others
        touched keep a ``first_seen`` before now). ``fresh``: the URLs of the posts
        inserted by this transaction (see :meth:`_declared_wins`); None: unknown.
        """
        unique: dict[tuple[str, str], tuple[EdgeRecord, str | None]] = {}
        for edge in edges:  # a pair given twice is stored once, as given first
            unique.setdefault((edge[0].repost_url, edge[0].source_url), edge)
        rows = [
            (
                e.repost_url,
                e.source_url,
                e.kind,
                e.pattern,
                e.evidence,
                e.raw_source_url,
                cited_url,
                now,
                now,
                e.score,
            )
            for e, cited_url in unique.values()
        ]
        if not rows:
            return []
        # no declared edge (rematch, matching): nothing to do for a pair stored, and no row
        # lock taken on it (PostgreSQL), as ever
        declared = any(e.kind == "declared" for e, _cited in unique.values())
        conflict = _EDGE_CONFLICT if declared else "ON CONFLICT DO NOTHING"
        mark = None  # see _all_numbered: declared edges only (inferred: no read of max(id))
        if self.engine.name != "sqlite":
            was_inserted, params = "xmax = 0", []
        elif declared:  # one writer: ids above it are this statement's
            mark = self._id_mark("edges")
            was_inserted, params = "id > ?", [mark[0] if mark else 0]
        else:  # DO NOTHING returns the rows it inserted only
            was_inserted, params = "1", []
        touched: dict[tuple[str, str], bool] = {}  # pair -> inserted (else turned)
        for start in range(0, len(rows), _ROWS_PER_INSERT):
            chunk = rows[start : start + _ROWS_PER_INSERT]
            cursor = self.execute(
                "INSERT INTO edges (repost_url, source_url, kind, pattern, evidence,"
                " raw_source_url, cited_url, first_seen, last_seen, score) VALUES "
                + ", ".join(["(?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"] * len(chunk))
                + f" {conflict} RETURNING repost_url, source_url, {was_inserted},"
                " first_seen = last_seen AND last_seen = ?",
                [value for row in chunk for value in row] + params + [now],
            )  # fmt: skip
            if _all_numbered(cursor, mark, len(chunk)):
                touched.update(((row[0], row[1]), True) for row in chunk)
                mark = (cursor.lastrowid, cursor.lastrowid)  # for the next chunk
                continue
            mark = None
            for repost, source, inserted, now_first in cursor.fetchall():
                if inserted or now_first:
                    touched[(repost, source)] = bool(inserted)
        new: list[tuple[str, str]] = []
        kinds: list[str] = []
        upgraded: list[tuple[str, str]] = []
        for pair, (e, _cited) in unique.items():
            if pair in touched:
                if touched[pair]:
                    new.append(pair)
                    kinds.append(e.kind)
                else:
                    upgraded.append(pair)
        self._declared_wins(new, kinds, upgraded, fresh)
        return new

    def _declared_wins(
        self,
        new: list[tuple[str, str]],
        kinds: list[str],
        upgraded: list[tuple[str, str]],
        fresh: Collection[str] | None,
    ) -> None:
        """Index the new edges ``new`` (of ``kinds``) and the edges ``upgraded`` from
        inferred to declared (:meth:`_insert_new_edges`) in the reach layers; a new declared
        edge wins over an inferred edge going the other way.

        A turned edge is in the layer of every edge already and enters the
        declared layer (:data:`tracer.reach.UPGRADED`). A new declared edge
        A -> B removes an inferred B -> A (a two-post cycle otherwise: what the
        site declared is the truth). Only declared edges whose repost was stored
        before (not in ``fresh``) can meet one: a post inserted now is matched
        after its edges are written, and no inferred edge is stored between two
        posts a declared edge links.

        When another transaction holds the upkeep turn (PostgreSQL), the reach
        work is queued, and so is the check for inferred edges going the other
        way: its holder does it (:func:`tracer.upkeep.drain`), after any
        inferred edge a drain beside this transaction may still be adding.
        """
        from tracer import reach

        if self._deferring():  # another transaction's turn: its holder does it (tracer.upkeep)
            self._queue_upkeep(edges=new + upgraded, kinds=kinds + [reach.UPGRADED] * len(upgraded))
            return
        reach.add_edges(self.engine, new + upgraded, kinds + [reach.UPGRADED] * len(upgraded))
        # after the adds: every stored edge is in the layers when reach.remove rechecks
        reverse = [
            (source, repost)
            for (repost, source), kind in zip(new, kinds, strict=True)
            if kind == "declared" and (fresh is None or repost not in fresh)
        ]
        if reverse:
            self.remove_inferred_edges(reverse)

    def remove_inferred_edges(self, gone: list[tuple[str, str]]) -> int:
        """Delete inferred edges (repost, source) and take out of the reach layers those
        really deleted (one may be declared by now: another transaction turned it);
        return how many."""
        deleted: list[tuple[str, str]] = []
        for start in range(0, len(gone), _ROWS_PER_INSERT):
            chunk = gone[start : start + _ROWS_PER_INSERT]
            cursor = self.execute(  # a join through the pair's index (a row-value IN scans)
                # kind is tested on the deleted row too: on PostgreSQL a DELETE that waited
                # for a writer turning the row declared re-checks only the deleted row
                "DELETE FROM edges WHERE kind = 'inferred' AND id IN (SELECT e.id FROM (VALUES "
                + ", ".join(["(?, ?)"] * len(chunk))
                + ") AS v JOIN edges AS e ON e.repost_url = v.column1"
                " AND e.source_url = v.column2 WHERE e.kind = 'inferred')"
                " RETURNING repost_url, source_url",
                [value for pair in chunk for value in pair],
            )
            deleted.extend((repost, source) for repost, source in cursor.fetchall())
        if deleted:
            from tracer import reach

            reach.remove_edges(self.engine, deleted)
        return len(deleted)

    def _write_copies(
        self,
        update: FeedUpdate,
        now: str,
        inserted: dict[str, tuple[int, str | None, str]] | None = None,
    ) -> int:
        """Fingerprint the feed's posts that have none yet and link them to the posts they copy.

        In publication order, so posts of one feed copying each other point
        the right way; see :mod:`tracer.matching`. Returns the inferred edges added.
        ``inserted``: the posts this transaction just inserted (``url -> (id,
        published, first_seen)``), which have no fingerprint; only the others are read.
        """
        texts: dict[str, Fingerprint] = {
            p.url: p.fingerprint for p in update.posts if p.fingerprint is not None
        }
        if not texts:
            return 0
        from tracer.engine.queries import BOILER_GEN

        # Matching transactions take turns (PostgreSQL: several pollers), before
        # the first read, so each sees every post another one committed; one that
        # does not get the turn queues its posts (tracer.upkeep).
        deferred = not self._upkeep_turn()
        gen = self.engine.sql(BOILER_GEN)
        fresh = inserted or {}
        # (id, url, published, first_seen) of the posts to fingerprint
        rows: list[tuple[Any, ...]] = []
        for url in texts:
            if url in fresh:
                post_id, published, first_seen = fresh[url]
                rows.append((post_id, url, published, first_seen))
        boiler_gen = None  # read with the older posts when there are some: one round trip
        older = [url for url in texts if url not in fresh]
        if older:
            found = self.execute(
                f"SELECT p.id, p.url, p.published, p.first_seen, {gen}"
                f" FROM posts AS p WHERE p.url {self.text_in('?')}"
                " AND NOT EXISTS (SELECT 1 FROM fingerprints AS f WHERE f.post_id = p.id)",
                [json.dumps(older)],
            ).fetchall()
            rows += [row[:4] for row in found]
            boiler_gen = found[0][4] if found else None
        if not rows:
            return 0
        if deferred:
            self._queue_upkeep(posts=[(int(row[0]), texts[row[1]]) for row in rows])
            return 0
        return self.match_posts(rows, texts, now, boiler_gen)

    def match_posts(
        self,
        rows: list[tuple[Any, ...]],
        texts: dict[str, Fingerprint],
        now: str,
        boiler_gen: int | None = None,
    ) -> int:
        """Fingerprint posts ``(id, url, published, first_seen)`` (``texts``: url ->
        fingerprint) and link them to the posts they copy, inside the caller's transaction,
        which has the turn to (see :meth:`_write_copies`). Returns the inferred edges added."""
        from tracer.engine.queries import BOILER_GEN
        from tracer.matching import UNREAD, PostRef

        matcher = self._matching()
        if matcher.draining:  # read once for the drain's batches (begin_drain)
            boiler_gen = 0
        # asked now, read after the domains: one round trip for both (Engine.pipeline)
        gen = self.engine.sql(BOILER_GEN)
        if boiler_gen is None and gen.isdigit():  # a constant (SQLite's): no statement
            boiler_gen = int(gen)
        gen_cursor = self.execute(f"SELECT {gen}") if boiler_gen is None else None

        from tracer.urls import url_domain

        names = {row[1]: url_domain(row[1]) for row in rows}
        ids = self._domain_ids(sorted(set(names.values())))
        if gen_cursor is not None:
            boiler_gen = gen_cursor.fetchone()[0]
        assert boiler_gen is not None  # read with the older posts, or just now
        posts = sorted(
            (
                PostRef(i, url, ids[names[url]], published, first_seen)
                for i, url, published, first_seen in rows
            ),
            key=lambda post: post.order,
        )
        added = 0

        def apply(adds: list[EdgeRecord], removes: list[tuple[str, str]]) -> None:
            nonlocal added
            removed = self.remove_inferred_edges(removes)
            added += self.add_inferred(adds, now) - removed

        asked = self._asked.pop("writer", None)  # sent ahead (PostgreSQL: _ask_ahead)
        writer = asked.fetchone()[0] if asked is not None else UNREAD
        matcher.add_posts([(post, texts[post.url]) for post in posts], apply, boiler_gen, writer)
        return max(added, 0)

    def ask_index_writer(self) -> None:
        """PostgreSQL: send the read of ``match_state.index_writer`` for the next
        :meth:`match_posts`, which reads it with its domains (no round trip of its own)."""
        if self.engine.name != "sqlite":
            self._asked["writer"] = self.execute(_INDEX_WRITER)

    def begin_drain(
        self, batches: list[tuple[list[tuple[Any, ...]], dict[str, Fingerprint]]]
    ) -> None:
        """PostgreSQL: before a drain matches its queued batches (``(posts, texts)`` as
        :meth:`match_posts` takes them, in order), read at once what each would read
        (:meth:`tracer.matching.Matcher.begin_drain`: the caller holds the upkeep lock,
        so until :meth:`end_drain` only it changes these): the sites' ids, the
        boilerplate generation and the index's last writer, in one round trip, then the
        boilerplate, site counts and index rows of them all."""
        from tracer.engine.queries import BOILER_GEN
        from tracer.urls import url_domain

        gen_cursor = self.execute(f"SELECT {self.engine.sql(BOILER_GEN)}")
        writer_cursor = self.execute(_INDEX_WRITER)
        names = {row[1]: url_domain(row[1]) for posts, _texts in batches for row in posts}
        ids = self._domain_ids(sorted(set(names.values())))
        (boiler_gen,) = gen_cursor.fetchone()
        (writer,) = writer_cursor.fetchone()
        matcher = self._matching()
        items = [[(ids[names[row[1]]], texts[row[1]]) for row in posts] for posts, texts in batches]
        matcher.begin_drain(items, boiler_gen, writer)
        self._drain_domains = ids

    def write_drained(self) -> None:
        """PostgreSQL: write the index rows of the drain's batches, after the last one
        (:meth:`tracer.matching.Matcher.write_drained`)."""
        if self._matcher is not None:
            self._matcher.write_drained()

    def end_drain(self) -> None:
        """Back to reading for each batch (:meth:`begin_drain`)."""
        self._drain_domains = None
        if self._matcher is not None:
            self._matcher.end_drain()

    def _domain_ids(self, names: list[str]) -> dict[str, int]:
        """``name -> id`` in ``domains``; names not there yet are inserted (most are there:
        the feed's edges inserted them). During a drain, those it read (:meth:`begin_drain`)."""
        known = self._drain_domains
        if known is not None and all(name in known for name in names):
            return {name: known[name] for name in names}
        select = f"SELECT name, id FROM domains WHERE name {self.text_in('?')}"
        ids = dict(self.execute(select, [json.dumps(names)]).fetchall())
        missing = [name for name in names if name not in ids]
        if missing:
            insert = "INSERT OR IGNORE INTO domains (name) VALUES (?)"
            self.executemany(insert, [(name,) for name in missing])
            ids.update(self.execute(select, [json.dumps(missing)]).fetchall())
        return ids

    # -- reach: kept exact by tracer.reach, in the same transaction ------

    def _ensure_reach(self) -> None:
        """Build the reach tables if a migration just created them (or a rebuild was cut)."""
        row = self.execute("SELECT max(stale) FROM reach_state").fetchone()
        if row and row[0]:
            self.rebuild_reach()

    def rebuild_reach(self) -> None:
        """Recompute both reach layers (every edge; declared only) from ``edges``.

        Run once by :meth:`open` after migrations 0004/0005 on an existing database,
        and by bulk loaders that insert into ``edges`` directly (the query
        benchmark) instead of going through :meth:`apply`.
        """
        from tracer import reach

        with self.transaction():
            reach.lock(self.engine)
            reach.rebuild(self.engine)

    def start_run(self, now: str) -> int:
        with self.transaction():
            row = self.execute(
                "INSERT INTO poll_runs (started_at) VALUES (?) RETURNING id", [now]
            ).fetchone()
        self.run_id = int(row[0])
        return self.run_id

    def runs_beside(self, since: str) -> list[int]:
        """The poll runs started at ``since`` or later and before this one that have not
        finished: those working beside it (a run killed earlier than ``since`` is not)."""
        rows = self.execute(
            "SELECT id FROM poll_runs WHERE finished_at IS NULL AND id < ? AND started_at >= ?",
            [self.run_id or 0, since],
        )
        return [int(run_id) for (run_id,) in rows]

    def finish_run(self, run_id: int, now: str, counts: dict[str, int]) -> None:
        with self.transaction():
            self.execute(
                "UPDATE poll_runs SET finished_at = ?, feeds = ?, not_modified = ?,"
                " new_posts = ?, new_edges = ?, errors = ? WHERE id = ?",
                [
                    now,
                    counts.get("feeds", 0),
                    counts.get("not_modified", 0),
                    counts.get("new_posts", 0),
                    counts.get("new_edges", 0),
                    counts.get("errors", 0),
                    run_id,
                ],
            )
