"""The SQLite store: the only module that writes to the database.

Opening a store migrates it (see :mod:`tracer.migrations`), turns on WAL mode
and a busy timeout, and enforces foreign keys. Everything a poll decided
about one feed (:class:`~tracer.models.FeedUpdate`) is written in one
transaction by :meth:`Store.apply`, so a killed run loses at most the feed it
was writing.

In the same transaction, :mod:`tracer.reach` mirrors new edges as integer
``links`` between ``nodes`` and keeps the ``reach`` table (origin domain ×
post whose chain reaches it) exact, so ``tracer origins`` and ``tracer
sites`` aggregate instead of walking the graph (migration 0004;
:meth:`Store.rebuild_reach` recomputes it from ``edges``), for every edge and
for declared edges only; and the fingerprints of new posts are indexed and
matched by :mod:`tracer.matching`, adding inferred edges (issue 13).
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tracer.defaults import BROKEN_AFTER_HOURS, BROKEN_FAILURES
from tracer.exceptions import StorageError
from tracer.migrations import migrate
from tracer.timeutil import format_time, utcnow

if TYPE_CHECKING:  # imported where used: opening and reading a store stays light
    from sqlite_utils import Database

    from tracer.fingerprint import Fingerprint
    from tracer.matching import Matcher
    from tracer.models import EdgeRecord, FeedState, FeedUpdate

__all__ = ["Store"]

BUSY_TIMEOUT_MS = 30_000
CACHE_KIB = 65_536  # page cache per connection: 64 MiB, filled only as pages are read

class Store:
    """A tracer database file, migrated and ready.

    ``conn`` is the plain :mod:`sqlite3` connection every query runs on;
    ``db`` wraps it with sqlite-utils, imported on first use only (opening a
    store and reading it never pays for that import).
    """

    def __init__(self, conn: sqlite3.Connection, path: Path | None = None) -> None:
        self.conn = conn
        self.path = path
        self._matcher: Matcher | None = None
        self._db: Database | None = None
        self._savepoints = 0

    @property
    def db(self) -> Database:
        """The connection as a ``sqlite_utils.Database`` (for tables, inserts, introspection)."""
        if self._db is None:
            from sqlite_utils import Database

            self._db = Database(self.conn)
        return self._db

    @classmethod
    def open(cls, path: str | Path, *, create: bool = True) -> Store:
        """Open (and migrate) the database at ``path``.

        With ``create=False`` a missing file is a :class:`StorageError` and
        nothing is created: commands that only read must not leave an empty
        database behind a mistyped path.
        """
        path = Path(path)
        try:
            if create:
                if path.parent and not path.parent.exists():
                    path.parent.mkdir(parents=True, exist_ok=True)
                target: str | Path = path
            else:
                # mode=rw: SQLite opens an existing file and never creates one
                target = path.resolve().as_uri() + "?mode=rw"
            conn = sqlite3.connect(
                target, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None, uri=not create
            )
            conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            conn.execute("PRAGMA journal_mode = WAL")
            conn.execute("PRAGMA synchronous = NORMAL")
            conn.execute(f"PRAGMA cache_size = -{CACHE_KIB}")  # the text index is read at random
            conn.execute("PRAGMA foreign_keys = ON")
            conn.execute("PRAGMA recursive_triggers = ON")  # as sqlite-utils connections have
            migrate(conn)
            store = cls(conn, path)
            store._ensure_reach()
        except (sqlite3.Error, OSError) as exc:
            if not create and not path.is_file():
                raise StorageError(f"no database at {str(path)!r}") from None
            raise StorageError(f"cannot open database {str(path)!r}: {exc}") from exc
        return store

    @classmethod
    def memory(cls) -> Store:
        conn = sqlite3.connect(":memory:", isolation_level=None)
        conn.execute("PRAGMA foreign_keys = ON")
        conn.execute("PRAGMA recursive_triggers = ON")
        migrate(conn)
        store = cls(conn)
        store._ensure_reach()
        return store

    def close(self) -> None:
        try:
            self.flush_matching()
        except StorageError:
            pass  # the pending index rows stay recoverable (fingerprints.indexed = 0)
        finally:
            self.conn.close()

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
            try:
                yield
            except BaseException:
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")
        except sqlite3.Error as exc:
            raise StorageError(f"database write failed: {exc}") from exc

    @contextmanager
    def _savepoint(self) -> Iterator[None]:
        self._savepoints += 1
        name = f"tracer_{self._savepoints}"
        self.conn.execute(f"SAVEPOINT {name}")
        try:
            yield
        except BaseException:
            if self.conn.in_transaction:
                self.conn.execute(f"ROLLBACK TO SAVEPOINT {name}")
                self.conn.execute(f"RELEASE SAVEPOINT {name}")
            raise
        self.conn.execute(f"RELEASE SAVEPOINT {name}")

    # -- reads ------------------------------------------------------------

    def query(self, sql: str, params: Sequence[Any] | dict[str, Any] = ()) -> list[dict[str, Any]]:
        cursor = self.conn.execute(sql, params)
        names = [column[0] for column in cursor.description or ()]
        return [dict(zip(names, row, strict=True)) for row in cursor]

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
            sql += (
                " AND (url IN (SELECT value FROM json_each(:urls))"
                " OR id IN (SELECT feed_id FROM feed_aliases"
                " WHERE url IN (SELECT value FROM json_each(:urls))))"
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
            " (SELECT json_group_array(a.url) FROM feed_aliases a WHERE a.feed_id = f.id)"
            "   AS aliases"
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
            row["aliases"] = sorted(json.loads(row["aliases"] or "[]"))
        return rows

    # -- writes -----------------------------------------------------------

    def add_feed(self, url: str, raw_url: str | None = None, title: str | None = None) -> bool:
        """Add a feed by canonical URL; False if it (or an alias) already exists."""
        if self.feed_by_url(url):
            return False
        with self.transaction():
            cursor = self.conn.execute(
                "INSERT OR IGNORE INTO feeds (url, raw_url, title, added_at) VALUES (?, ?, ?, ?)",
                [url, raw_url or url, title, format_time(utcnow())],
            )
        return cursor.rowcount == 1

    def set_feed_active(self, url: str, active: bool) -> bool:
        feed = self.feed_by_url(url)
        if not feed:
            return False
        with self.transaction():
            self.conn.execute(
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
            self.conn.execute("DELETE FROM feeds WHERE id = ?", [feed["id"]])
        return True

    def apply(self, update: FeedUpdate, now: str | None = None) -> tuple[int, int]:
        """Write one feed's poll in one transaction; return (new posts, new edges)."""
        now = now or format_time(utcnow())
        columns = update.feed.columns()
        with self.transaction():
            feed_id = update.feed_id
            if not self.conn.execute("SELECT 1 FROM feeds WHERE id = ?", [feed_id]).fetchone():
                return 0, 0  # removed (`feeds remove`) while it was being polled
            if update.new_url:
                feed_id = self._move_feed(feed_id, update.new_url, now)
            if columns:
                assignments = ", ".join(f"{name} = :{name}" for name in columns)
                self.conn.execute(
                    f"UPDATE feeds SET {assignments} WHERE id = :_id",
                    {**columns, "_id": feed_id},
                )
            new_posts = self._write_posts(update, feed_id, now)
            new_edges = self._write_edges(update, now)
            new_edges += self._write_copies(update, now)
        return new_posts, new_edges

    def _move_feed(self, feed_id: int, new_url: str, now: str) -> int:
        """Give feed ``feed_id`` the URL ``new_url``, its old URL kept as an alias.

        If ``new_url`` is already another feed, the two are merged into that one
        (posts and aliases follow). Returns the id of the feed that lives on.
        """
        row = self.conn.execute("SELECT url FROM feeds WHERE id = ?", [feed_id]).fetchone()
        if row is None or row[0] == new_url:
            return feed_id
        old_url = row[0]
        other = self.conn.execute("SELECT id FROM feeds WHERE url = ?", [new_url]).fetchone()
        if other:
            target = int(other[0])
            self.conn.execute("UPDATE posts SET feed_id = ? WHERE feed_id = ?", [target, feed_id])
            self.conn.execute(
                "UPDATE feed_aliases SET feed_id = ? WHERE feed_id = ?", [target, feed_id]
            )
            self.conn.execute("DELETE FROM feeds WHERE id = ?", [feed_id])
        else:
            target = feed_id
            self.conn.execute("DELETE FROM feed_aliases WHERE url = ?", [new_url])
            self.conn.execute("UPDATE feeds SET url = ? WHERE id = ?", [new_url, feed_id])
        self.conn.execute(
            "INSERT OR REPLACE INTO feed_aliases (url, feed_id, added_at) VALUES (?, ?, ?)",
            [old_url, target, now],
        )
        return target

    def _write_posts(self, update: FeedUpdate, feed_id: int, now: str) -> int:
        if not update.posts:
            return 0
        rows = [
            (p.url, p.raw_url, p.guid, feed_id, p.title, p.published, p.warning, now, now)
            for p in update.posts
        ]
        cursor = self.conn.executemany(
            "INSERT OR IGNORE INTO posts (url, raw_url, guid, feed_id, title, published,"
            " warning, first_seen, last_seen) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            rows,
        )
        inserted = cursor.rowcount
        self.conn.executemany(
            "UPDATE posts SET last_seen = ?, title = coalesce(?, title),"
            " published = coalesce(published, ?), warning = ? WHERE url = ? AND last_seen < ?",
            [(now, p.title, p.published, p.warning, p.url, now) for p in update.posts],
        )
        return max(inserted, 0)

    def _write_edges(self, update: FeedUpdate, now: str) -> int:
        if not update.edges:
            return 0
        from tracer.pages import article_edges  # issue 14: one node per article

        edges = article_edges(self.conn, update.edges)
        new = self._insert_edges(edges, now)
        self.conn.executemany(
            "UPDATE edges SET last_seen = ? WHERE repost_url = ? AND source_url = ?"
            " AND last_seen < ?",
            [(now, e.repost_url, e.source_url, now) for e, _cited in edges],
        )
        return new

    def flush_matching(self) -> None:
        """Write the text index rows a poll keeps pending (:meth:`Matcher.flush`)."""
        if self._matcher is not None:
            with self.transaction():
                self._matcher.flush()

    def add_inferred(self, edges: list[EdgeRecord], now: str) -> int:
        """Insert inferred edges inside the caller's transaction (``tracer rematch``)."""
        return self._insert_edges([(e, None) for e in edges], now)

    def _insert_edges(self, edges: list[tuple[EdgeRecord, str | None]], now: str) -> int:
        """Insert edges that are not stored yet and index them; return how many were new.

        Each edge comes with the URL it cited when that was resolved to another
        article (``cited_url``, issue 14), else None.
        """
        conn = self.conn
        new: list[tuple[str, str]] = []
        kinds: list[str] = []
        for e, cited_url in edges:
            cursor = conn.execute(
                "INSERT OR IGNORE INTO edges (repost_url, source_url, kind, pattern, evidence,"
                " raw_source_url, cited_url, first_seen, last_seen, score)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
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
                ),
            )
            if cursor.rowcount == 1:
                new.append((e.repost_url, e.source_url))
                kinds.append(e.kind)
        from tracer import reach  # only a write of new edges needs it

        reach.add_edges(conn, new, kinds)
        return len(new)

    def _remove_edges(self, gone: list[tuple[str, str]]) -> None:
        """Delete inferred edges (repost, source) and take them out of the reach layers."""
        if not gone:
            return
        self.conn.executemany(
            "DELETE FROM edges WHERE repost_url = ? AND source_url = ? AND kind = 'inferred'", gone
        )
        from tracer import reach

        reach.remove_edges(self.conn, gone)

    def _write_copies(self, update: FeedUpdate, now: str) -> int:
        """Fingerprint the feed's posts that have none yet and link them to the posts they copy.

        In publication order, so posts of one feed copying each other point
        the right way; see :mod:`tracer.matching`. Returns the inferred edges added.
        """
        texts: dict[str, Fingerprint] = {
            p.url: p.fingerprint for p in update.posts if p.fingerprint is not None
        }
        if not texts:
            return 0
        from tracer.matching import Matcher, PostRef

        conn = self.conn
        rows = conn.execute(
            "SELECT p.id, p.url, p.published, p.first_seen FROM posts AS p"
            " WHERE p.url IN (SELECT value FROM json_each(?))"
            " AND NOT EXISTS (SELECT 1 FROM fingerprints AS f WHERE f.post_id = p.id)",
            [json.dumps(list(texts))],
        ).fetchall()
        if not rows:
            return 0
        from tracer.urls import url_domain

        names = {url: url_domain(url) for _i, url, _p, _f in rows}
        conn.executemany(
            "INSERT OR IGNORE INTO domains (name) VALUES (?)", [(n,) for n in set(names.values())]
        )
        ids = dict(
            conn.execute(
                "SELECT name, id FROM domains WHERE name IN (SELECT value FROM json_each(?))",
                [json.dumps(sorted(set(names.values())))],
            )
        )
        posts = sorted(
            (
                PostRef(i, url, ids[names[url]], published, first_seen)
                for i, url, published, first_seen in rows
            ),
            key=lambda post: post.order,
        )
        matcher = self._matcher or Matcher(conn)
        self._matcher = matcher
        added = 0

        def apply(adds: list[EdgeRecord], removes: list[tuple[str, str]]) -> None:
            nonlocal added
            self._remove_edges(removes)
            added += self.add_inferred(adds, now) - len(removes)

        matcher.add_posts([(post, texts[post.url]) for post in posts], apply)
        return max(added, 0)

    # -- reach: kept exact by tracer.reach, in the same transaction ------

    def _ensure_reach(self) -> None:
        """Build the reach tables if a migration just created them (or a rebuild was cut)."""
        row = self.conn.execute("SELECT max(stale) FROM reach_state").fetchone()
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
            reach.rebuild(self.conn)

    def start_run(self, now: str) -> int:
        with self.transaction():
            cursor = self.conn.execute("INSERT INTO poll_runs (started_at) VALUES (?)", [now])
        return int(cursor.lastrowid or 0)

    def finish_run(self, run_id: int, now: str, counts: dict[str, int]) -> None:
        with self.transaction():
            self.conn.execute(
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
