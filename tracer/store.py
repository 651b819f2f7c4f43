"""The SQLite store: the only module that writes to the database.

Opening a store migrates it (see :mod:`tracer.migrations`), turns on WAL mode
and a busy timeout, and enforces foreign keys. Everything a poll decided
about one feed (:class:`~tracer.models.FeedUpdate`) is written in one
transaction by :meth:`Store.apply`, so a killed run loses at most the feed it
was writing.

In the same transaction, new edges are mirrored as integer ``links`` between
``nodes`` and the ``reach`` table (origin domain × post whose chain reaches
it) is kept exact, so ``tracer origins`` and ``tracer sites`` aggregate
instead of walking the graph (migration 0004; :meth:`Store.rebuild_reach`
recomputes it from ``edges``). This roughly triples the cost of writing an
edge (about 35 µs → 90 µs, mostly more pages per commit).
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from functools import lru_cache
from pathlib import Path
from typing import Any

from sqlite_utils import Database

from tracer.exceptions import StorageError
from tracer.migrations import migrate
from tracer.models import FeedState, FeedUpdate
from tracer.timeutil import format_time, utcnow
from tracer.urls import domain_of

__all__ = ["Store"]

BUSY_TIMEOUT_MS = 30_000
BROKEN_FAILURES = 3  # `feeds list --broken`: this many failures in a row

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
        "retry_after_until",
    }
)


class Store:
    """A tracer database file, migrated and ready."""

    def __init__(self, db: Database, path: Path | None = None) -> None:
        self.db = db
        self.path = path

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
            conn.execute("PRAGMA foreign_keys = ON")
            db = Database(conn)
            migrate(db)
            store = cls(db, path)
            store._ensure_reach()
        except (sqlite3.Error, OSError) as exc:
            if not create and not path.is_file():
                raise StorageError(f"no database at {str(path)!r}") from None
            raise StorageError(f"cannot open database {str(path)!r}: {exc}") from exc
        return store

    @classmethod
    def memory(cls) -> Store:
        db = Database(memory=True)
        db.execute("PRAGMA foreign_keys = ON")
        migrate(db)
        store = cls(db)
        store._ensure_reach()
        return store

    def close(self) -> None:
        self.db.close()

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """One write transaction (a savepoint when nested).

        ``BEGIN IMMEDIATE`` takes the write lock first, waiting for it within
        the busy timeout: a deferred transaction that reads, then writes, fails
        at once with "database is locked" when another process (a poller of
        another shard) wrote in between.
        """
        conn = self.db.conn
        try:
            if conn.in_transaction:
                with self.db.atomic():
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
        return [FeedState(**row) for row in self.query(sql, params)]

    def list_feeds(self, *, broken_since: str | None = None) -> list[dict[str, Any]]:
        """Every feed with its record, post and edge counts and old URLs, by URL.

        With ``broken_since`` (a time): only feeds that need a human: failing
        since before that time or at least :data:`BROKEN_FAILURES` times in a
        row, or deactivated by an error (410 Gone).
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
        if broken_since is not None:
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
            cursor = self.db.execute(
                "INSERT OR IGNORE INTO feeds (url, raw_url, title, added_at) VALUES (?, ?, ?, ?)",
                [url, raw_url or url, title, format_time(utcnow())],
            )
        return cursor.rowcount == 1

    def set_feed_active(self, url: str, active: bool) -> bool:
        feed = self.feed_by_url(url)
        if not feed:
            return False
        with self.transaction():
            self.db.execute(
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
            self.db.execute("DELETE FROM feeds WHERE id = ?", [feed["id"]])
        return True

    def apply(self, update: FeedUpdate, now: str | None = None) -> tuple[int, int]:
        """Write one feed's poll in one transaction; return (new posts, new edges)."""
        now = now or format_time(utcnow())
        columns = {k: v for k, v in update.feed.items() if k in _FEED_COLUMNS}
        with self.transaction():
            feed_id = update.feed_id
            if not self.db.execute("SELECT 1 FROM feeds WHERE id = ?", [feed_id]).fetchone():
                return 0, 0  # removed (`feeds remove`) while it was being polled
            if update.new_url:
                feed_id = self._move_feed(feed_id, update.new_url, now)
            if columns:
                assignments = ", ".join(f"{name} = :{name}" for name in columns)
                self.db.execute(
                    f"UPDATE feeds SET {assignments} WHERE id = :_id",
                    {**columns, "_id": feed_id},
                )
            new_posts = self._write_posts(update, feed_id, now)
            new_edges = self._write_edges(update, now)
        return new_posts, new_edges

    def _move_feed(self, feed_id: int, new_url: str, now: str) -> int:
        """Give feed ``feed_id`` the URL ``new_url``, its old URL kept as an alias.

        If ``new_url`` is already another feed, the two are merged into that one
        (posts and aliases follow). Returns the id of the feed that lives on.
        """
        row = self.db.execute("SELECT url FROM feeds WHERE id = ?", [feed_id]).fetchone()
        if row is None or row[0] == new_url:
            return feed_id
        old_url = row[0]
        other = self.db.execute("SELECT id FROM feeds WHERE url = ?", [new_url]).fetchone()
        if other:
            target = int(other[0])
            self.db.execute("UPDATE posts SET feed_id = ? WHERE feed_id = ?", [target, feed_id])
            self.db.execute(
                "UPDATE feed_aliases SET feed_id = ? WHERE feed_id = ?", [target, feed_id]
            )
            self.db.execute("DELETE FROM feeds WHERE id = ?", [feed_id])
        else:
            target = feed_id
            self.db.execute("DELETE FROM feed_aliases WHERE url = ?", [new_url])
            self.db.execute("UPDATE feeds SET url = ? WHERE id = ?", [new_url, feed_id])
        self.db.execute(
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
        conn = self.db.conn
        new: list[tuple[str, str]] = []
        for e in update.edges:
            cursor = conn.execute(
                "INSERT OR IGNORE INTO edges (repost_url, source_url, kind, pattern, evidence,"
                " raw_source_url, first_seen, last_seen) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    e.repost_url,
                    e.source_url,
                    e.kind,
                    e.pattern,
                    e.evidence,
                    e.raw_source_url,
                    now,
                    now,
                ),
            )
            if cursor.rowcount == 1:
                new.append((e.repost_url, e.source_url))
        conn.executemany(
            "UPDATE edges SET last_seen = ? WHERE repost_url = ? AND source_url = ?"
            " AND last_seen < ?",
            [(now, e.repost_url, e.source_url, now) for e in update.edges],
        )
        self._index_edges(new)
        return len(new)

    # -- reach: nodes, links and the posts reaching each origin domain ----
    #
    # Invariant (outside a transaction): ``reach`` holds one row per (origin
    # domain D, post P) such that P reaches an origin URL of D by following
    # edges upstream, i.e. exactly what a downstream walk from every origin URL
    # of D finds. A new edge A -> B only adds rows (B's domains flow down to A
    # and everything downstream of A), except when A was an origin until now:
    # then the posts downstream of A are rechecked for A's domain (_unreach).

    def _ensure_reach(self) -> None:
        """Build the reach tables if a migration just created them (or a rebuild was cut)."""
        row = self.db.execute("SELECT max(stale) FROM reach_state").fetchone()
        if row and row[0]:
            self.rebuild_reach()

    def rebuild_reach(self) -> None:
        """Recompute ``domains``, ``nodes``, ``links`` and ``reach`` from ``edges``.

        Run once by :meth:`open` after migration 0004 on an existing database,
        and by bulk loaders that insert into ``edges`` directly (the query
        benchmark) instead of going through :meth:`apply`.
        """
        conn = self.db.conn
        with self.transaction():
            for table in ("reach", "links", "nodes"):
                conn.execute(f"DELETE FROM {table}")
            rows = conn.execute(
                "SELECT url, max(cites) FROM (SELECT repost_url AS url, 1 AS cites FROM edges"
                " UNION ALL SELECT source_url, 0 FROM edges) GROUP BY url ORDER BY url"
            ).fetchall()
            names = sorted({_url_domain(url) for url, _c in rows})
            conn.executemany(
                "INSERT OR IGNORE INTO domains (name) VALUES (?)", [(n,) for n in names]
            )
            ids = dict(conn.execute("SELECT name, id FROM domains"))
            conn.executemany(
                "INSERT INTO nodes (url, domain_id, cites) VALUES (?, ?, ?)",
                [(url, ids[_url_domain(url)], cites) for url, cites in rows],
            )
            del rows
            conn.execute(
                "INSERT INTO links (source_id, repost_id)"
                " SELECT s.id, r.id FROM edges AS e JOIN nodes AS s ON s.url = e.source_url"
                " JOIN nodes AS r ON r.url = e.repost_url ORDER BY 1, 2"
            )
            self._fill_reach()
            conn.execute("UPDATE reach_state SET stale = 0")

    def _fill_reach(self) -> None:
        """Insert every reach row by a recursive walk down from all origins (``reach`` empty)."""
        seeds = (
            "SELECT n.domain_id AS domain_id, l.repost_id AS post_id FROM nodes AS n"
            " JOIN links AS l ON l.source_id = n.id WHERE n.cites = 0"
        )
        conn = self.db.conn
        conn.execute(
            "INSERT INTO reach (domain_id, post_id, site_id)"
            f" WITH RECURSIVE walk(domain_id, post_id) AS ({seeds} UNION"
            " SELECT w.domain_id, l.repost_id FROM walk AS w"
            " JOIN links AS l ON l.source_id = w.post_id)"
            " SELECT w.domain_id, w.post_id, n.domain_id FROM walk AS w"
            " JOIN nodes AS n ON n.id = w.post_id ORDER BY 1, 2"
        )
        conn.execute(f"UPDATE reach SET direct = 1 WHERE (domain_id, post_id) IN ({seeds})")

    def _nodes(self, urls: set[str]) -> dict[str, list[int]]:
        """``url -> [id, domain id, cites]`` for ``urls``, creating missing nodes (cites = 0)."""
        conn = self.db.conn
        sql = (
            "SELECT url, id, domain_id, cites FROM nodes"
            " WHERE url IN (SELECT value FROM json_each(?))"
        )
        found = {url: [i, d, c] for url, i, d, c in conn.execute(sql, [json.dumps(list(urls))])}
        missing = [url for url in urls if url not in found]
        if missing:
            names = {url: _url_domain(url) for url in missing}
            conn.executemany(
                "INSERT OR IGNORE INTO domains (name) VALUES (?)",
                [(n,) for n in set(names.values())],
            )
            conn.executemany(
                "INSERT INTO nodes (url, domain_id) SELECT ?, id FROM domains WHERE name = ?",
                [(url, name) for url, name in names.items()],
            )
            for url, i, d, c in conn.execute(sql, [json.dumps(missing)]):
                found[url] = [i, d, c]
        return found

    def _index_edges(self, new: list[tuple[str, str]]) -> None:
        """Add newly inserted edges (repost, source) to ``links`` and keep ``reach`` exact.

        All the poll's links are written first, then each edge spreads the
        origin domains its source reaches down to its repost and everything
        downstream of it (through every link, so the order of edges does not
        matter). A repost that was an origin until now marks its domain for
        a recomputation from scratch, done last.
        """
        if not new:
            return
        conn = self.db.conn
        nodes = self._nodes({url for pair in new for url in pair})
        conn.executemany(
            "INSERT OR IGNORE INTO links (source_id, repost_id) VALUES (?, ?)",
            [(nodes[source][0], nodes[repost][0]) for repost, source in new],
        )
        reposts = {repost for repost, _s in new}
        cited = {
            node_id
            for (node_id,) in conn.execute(
                "SELECT DISTINCT source_id FROM links"
                " WHERE source_id IN (SELECT value FROM json_each(?))",
                [json.dumps([nodes[url][0] for url in reposts])],
            )
        }
        lost: dict[int, list[int]] = {}  # domain -> its nodes that stop being origins
        now_citing = [nodes[url] for url in reposts if not nodes[url][2]]
        conn.executemany("UPDATE nodes SET cites = 1 WHERE id = ?", [(n[0],) for n in now_citing])
        for node in now_citing:
            if node[0] in cited:
                lost.setdefault(node[1], []).append(node[0])  # an origin until now
            node[2] = 1
        for repost, source in new:
            a, a_domain, _c = nodes[repost]
            b, b_domain, b_cites = nodes[source]
            if not b_cites:
                domains = [(b_domain, 1)]
            else:
                domains = conn.execute(
                    "SELECT domain_id, 0 FROM reach WHERE post_id = ?", [b]
                ).fetchall()
            for domain_id, direct in domains:
                self._spread(domain_id, a, a_domain, direct, a in cited)
        for domain_id, former in lost.items():
            self._unreach(domain_id, former)

    def _unreach(self, domain_id: int, former: list[int]) -> None:
        """Fix ``domain_id``'s reach after the origins ``former`` started citing something.

        Only posts downstream of them can lose the domain: their rows are
        deleted, then each gets it back if it still cites an origin URL of the
        domain or a post outside that set which reaches it, and spreads it
        down again from there.
        """
        conn = self.db.conn
        suspects: set[int] = set()
        frontier = list(former)
        while frontier:
            node = frontier.pop()
            for (post,) in conn.execute(
                "SELECT l.repost_id FROM links AS l JOIN reach AS r ON r.domain_id = ?"
                " AND r.post_id = l.repost_id WHERE l.source_id = ?",
                [domain_id, node],
            ).fetchall():
                if post not in suspects:
                    suspects.add(post)
                    frontier.append(post)
        if not suspects:
            return
        conn.executemany(
            "DELETE FROM reach WHERE domain_id = ? AND post_id = ?",
            [(domain_id, post) for post in suspects],
        )
        keep = []
        for post in suspects:
            row = conn.execute(
                "SELECT n.domain_id,"
                " max(s.cites = 0 AND s.domain_id = :d),"
                " max(EXISTS (SELECT 1 FROM reach AS r WHERE r.domain_id = :d"
                "   AND r.post_id = s.id))"
                " FROM nodes AS n JOIN edges AS e ON e.repost_url = n.url"
                " JOIN nodes AS s ON s.url = e.source_url WHERE n.id = :p",
                {"d": domain_id, "p": post},
            ).fetchone()
            if row and (row[1] or row[2]):
                keep.append((post, row[0], int(row[1])))
        for post, site_id, direct in keep:
            self._spread(domain_id, post, site_id, direct, True)

    def _spread(
        self, domain_id: int, start: int, site_id: int, direct: int, has_citers: bool
    ) -> None:
        """Record that ``start`` and everything downstream of it reach ``domain_id``."""
        conn = self.db.conn
        cursor = conn.execute(
            "INSERT OR IGNORE INTO reach (domain_id, post_id, site_id, direct) VALUES (?, ?, ?, ?)",
            [domain_id, start, site_id, direct],
        )
        if cursor.rowcount != 1:  # already there, and so is everything downstream of it
            if direct:
                conn.execute(
                    "UPDATE reach SET direct = 1 WHERE domain_id = ? AND post_id = ?",
                    [domain_id, start],
                )
            return
        frontier = [start] if has_citers else []
        while frontier:
            node = frontier.pop()
            for post, site in conn.execute(
                "SELECT l.repost_id, n.domain_id FROM links AS l JOIN nodes AS n"
                " ON n.id = l.repost_id WHERE l.source_id = ? AND NOT EXISTS"
                " (SELECT 1 FROM reach AS r WHERE r.domain_id = ? AND r.post_id = l.repost_id)",
                [node, domain_id],
            ).fetchall():
                cursor = conn.execute(
                    "INSERT OR IGNORE INTO reach (domain_id, post_id, site_id) VALUES (?, ?, ?)",
                    [domain_id, post, site],
                )
                if cursor.rowcount == 1:
                    frontier.append(post)

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


@lru_cache(maxsize=65536)
def _prefix_domain(prefix: str) -> str:
    return domain_of(prefix + "/")


def _url_domain(url: str) -> str:
    """:func:`domain_of` of a URL, cached per ``scheme://authority`` (as tracer.graph does)."""
    cut = url.find("/", url.find("://") + 3)
    return _prefix_domain(url if cut < 0 else url[:cut])
