"""The SQLite store: the only module that writes to the database.

Opening a store migrates it (see :mod:`tracer.migrations`), turns on WAL mode
and a busy timeout, and enforces foreign keys. Everything a poll decided
about one feed (:class:`~tracer.models.FeedUpdate`) is written in one
transaction by :meth:`Store.apply`, so a killed run loses at most the feed it
was writing.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlite_utils import Database

from tracer.exceptions import StorageError
from tracer.migrations import migrate
from tracer.models import FeedState, FeedUpdate
from tracer.timeutil import format_time, utcnow

__all__ = ["Store"]

BUSY_TIMEOUT_MS = 30_000

_FEED_COLUMNS = frozenset(
    {
        "title",
        "site_url",
        "etag",
        "last_modified",
        "body_hash",
        "last_status",
        "last_error",
        "warning",
        "consecutive_failures",
        "failing_since",
        "active",
        "last_polled_at",
        "last_success_at",
        "next_poll_at",
    }
)


class Store:
    """A tracer database file, migrated and ready."""

    def __init__(self, db: Database, path: Path | None = None) -> None:
        self.db = db
        self.path = path

    @classmethod
    def open(cls, path: str | Path) -> Store:
        path = Path(path)
        try:
            if path.parent and not path.parent.exists():
                path.parent.mkdir(parents=True, exist_ok=True)
            conn = sqlite3.connect(path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None)
            conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            conn.execute("PRAGMA journal_mode = WAL")
            conn.execute("PRAGMA synchronous = NORMAL")
            conn.execute("PRAGMA foreign_keys = ON")
            db = Database(conn)
            migrate(db)
        except (sqlite3.Error, OSError) as exc:
            raise StorageError(f"cannot open database {str(path)!r}: {exc}") from exc
        return cls(db, path)

    @classmethod
    def memory(cls) -> Store:
        db = Database(memory=True)
        db.execute("PRAGMA foreign_keys = ON")
        migrate(db)
        return cls(db)

    def close(self) -> None:
        self.db.close()

    @contextmanager
    def transaction(self) -> Iterator[None]:
        try:
            with self.db.atomic():
                yield
        except sqlite3.Error as exc:
            raise StorageError(f"database write failed: {exc}") from exc

    # -- reads ------------------------------------------------------------

    def query(self, sql: str, params: Iterable[Any] | dict[str, Any] = ()) -> list[dict[str, Any]]:
        return list(self.db.query(sql, params))

    def feed_by_url(self, url: str) -> dict[str, Any] | None:
        rows = self.query(
            "SELECT * FROM feeds WHERE url = :u"
            " OR id = (SELECT feed_id FROM feed_aliases WHERE url = :u)",
            {"u": url},
        )
        return rows[0] if rows else None

    def feed_states(
        self, *, due_before: str | None = None, urls: Iterable[str] | None = None
    ) -> list[FeedState]:
        """Active feeds to poll: all, those due before a time, or those named."""
        sql = (
            "SELECT id, url, etag, last_modified, body_hash, consecutive_failures,"
            " failing_since FROM feeds WHERE active = 1"
        )
        params: dict[str, Any] = {}
        if due_before is not None:
            sql += " AND (next_poll_at IS NULL OR next_poll_at <= :due)"
            params["due"] = due_before
        if urls is not None:
            wanted = list(urls)
            sql += (
                " AND (url IN (SELECT value FROM json_each(:urls))"
                " OR id IN (SELECT feed_id FROM feed_aliases"
                " WHERE url IN (SELECT value FROM json_each(:urls))))"
            )
            params["urls"] = json.dumps(wanted)
        sql += " ORDER BY next_poll_at IS NOT NULL, next_poll_at, id"
        return [FeedState(**row) for row in self.query(sql, params)]

    # -- writes -----------------------------------------------------------

    def add_feed(self, url: str, raw_url: str | None = None) -> bool:
        """Add a feed by canonical URL; False if it (or an alias) already exists."""
        if self.feed_by_url(url):
            return False
        with self.transaction():
            cursor = self.db.execute(
                "INSERT OR IGNORE INTO feeds (url, raw_url, added_at) VALUES (?, ?, ?)",
                [url, raw_url or url, format_time(utcnow())],
            )
        return cursor.rowcount == 1

    def set_feed_active(self, url: str, active: bool) -> bool:
        feed = self.feed_by_url(url)
        if not feed:
            return False
        with self.transaction():
            self.db.execute(
                "UPDATE feeds SET active = ?, consecutive_failures = 0, failing_since = NULL,"
                " next_poll_at = NULL WHERE id = ?",
                [int(active), feed["id"]],
            )
        return True

    def remove_feed(self, url: str) -> bool:
        feed = self.feed_by_url(url)
        if not feed:
            return False
        with self.transaction():
            self.db.execute("DELETE FROM feeds WHERE id = ?", [feed["id"]])
        return True

    def apply(self, update: FeedUpdate, now: str | None = None) -> tuple[int, int]:
        """Write one feed's poll in one transaction; return (new posts, new edges)."""
        now = now or format_time(utcnow())
        columns = {k: v for k, v in update.feed.items() if k in _FEED_COLUMNS}
        with self.transaction():
            if update.new_url:
                self._move_feed(update.feed_id, update.new_url, now)
            if columns:
                assignments = ", ".join(f"{name} = :{name}" for name in columns)
                self.db.execute(
                    f"UPDATE feeds SET {assignments} WHERE id = :_id",
                    {**columns, "_id": update.feed_id},
                )
            new_posts = self._write_posts(update, now)
            new_edges = self._write_edges(update, now)
        return new_posts, new_edges

    def _move_feed(self, feed_id: int, new_url: str, now: str) -> None:
        (old_url,) = self.db.execute("SELECT url FROM feeds WHERE id = ?", [feed_id]).fetchone()
        if old_url == new_url:
            return
        other = self.db.execute("SELECT id FROM feeds WHERE url = ?", [new_url]).fetchone()
        if other:
            # The target is already a feed of its own: keep that one, retire this one.
            self.db.execute(
                "UPDATE feeds SET active = 0, last_error = ? WHERE id = ?",
                [f"moved permanently to {new_url}, which is already a feed", feed_id],
            )
            return
        self.db.execute(
            "INSERT OR IGNORE INTO feed_aliases (url, feed_id, added_at) VALUES (?, ?, ?)",
            [old_url, feed_id, now],
        )
        self.db.execute("DELETE FROM feed_aliases WHERE url = ?", [new_url])
        self.db.execute("UPDATE feeds SET url = ? WHERE id = ?", [new_url, feed_id])

    def _write_posts(self, update: FeedUpdate, now: str) -> int:
        if not update.posts:
            return 0
        rows = [
            (p.url, p.raw_url, p.guid, update.feed_id, p.title, p.published, p.warning, now, now)
            for p in update.posts
        ]
        cursor = self.db.conn.executemany(
            "INSERT OR IGNORE INTO posts (url, raw_url, guid, feed_id, title, published,"
            " warning, first_seen, last_seen) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            rows,
        )
        inserted = cursor.rowcount
        self.db.conn.executemany(
            "UPDATE posts SET last_seen = ?, title = coalesce(?, title),"
            " published = coalesce(published, ?), warning = ? WHERE url = ? AND last_seen < ?",
            [(now, p.title, p.published, p.warning, p.url, now) for p in update.posts],
        )
        return max(inserted, 0)

    def _write_edges(self, update: FeedUpdate, now: str) -> int:
        if not update.edges:
            return 0
        cursor = self.db.conn.executemany(
            "INSERT OR IGNORE INTO edges (repost_url, source_url, kind, pattern, evidence,"
            " raw_source_url, first_seen, last_seen) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [
                (
                    e.repost_url,
                    e.source_url,
                    e.kind,
                    e.pattern,
                    e.evidence,
                    e.raw_source_url,
                    now,
                    now,
                )
                for e in update.edges
            ],
        )
        inserted = cursor.rowcount
        self.db.conn.executemany(
            "UPDATE edges SET last_seen = ? WHERE repost_url = ? AND source_url = ?"
            " AND last_seen < ?",
            [(now, e.repost_url, e.source_url, now) for e in update.edges],
        )
        return max(inserted, 0)

    def start_run(self, now: str) -> int:
        with self.transaction():
            cursor = self.db.execute("INSERT INTO poll_runs (started_at) VALUES (?)", [now])
        return int(cursor.lastrowid or 0)

    def finish_run(self, run_id: int, now: str, counts: dict[str, int]) -> None:
        with self.transaction():
            self.db.execute(
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
