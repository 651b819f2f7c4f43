"""The store side of `tracer resolve`: which pages to read, and what reading them changes.

Storage is migration 0006: ``pages`` (one row per cited URL that was read)
and ``edges.cited_url``. **One node per article**: a page row maps the cited
URL to the article node it resolves to (``article_url``). Writing a page
whose article is another URL *retargets* every edge citing it: the edge's
``source_url`` becomes the article URL and the spelling it cited moves to
``cited_url`` (the raw spelling stays in ``raw_source_url``), so ``chain``,
``reposts``, ``origins``, exports and views all see one node, with no alias
lookups at query time. Edges that a later poll stores for an already
resolved spelling are retargeted as they are written (:func:`article_edges`).
A post citing two spellings of one article keeps one edge; an edge that
would cite its own repost is dropped.

The reach tables (both layers, migrations 0004 and 0005) are kept exact in
the same transaction that retargets edges (:func:`tracer.reach.move_sources`).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, fields, replace
from datetime import datetime, timedelta
from typing import Any

from tracer import reach
from tracer.engine import Engine
from tracer.engine.queries import TEXT_IN
from tracer.models import EdgeRecord
from tracer.store import Store
from tracer.timeutil import format_time

__all__ = [
    "OUTCOMES",
    "PageRecord",
    "article_edges",
    "ask_articles",
    "next_check",
    "pages_to_resolve",
    "repair_late_edges",
    "write_pages",
]

OUTCOMES = ("ok", "gone", "error", "robots", "not-html")
_READ = ("ok", "not-html")  # outcomes of a page that was read
READ_RECHECK = timedelta(days=90)
GONE_RECHECK = timedelta(days=30)
ROBOTS_RECHECK = timedelta(days=7)
ERROR_BACKOFF = timedelta(hours=1)
MAX_BACKOFF = timedelta(days=30)


@dataclass(frozen=True, slots=True)
class PageRecord:
    """What reading one cited URL established; a row of ``pages``."""

    url: str
    article_url: str
    outcome: str
    http_status: int | None = None
    final_url: str | None = None
    canonical_url: str | None = None
    canonical_trusted: int = 0
    title: str | None = None
    published: str | None = None
    published_from: str | None = None
    site_name: str | None = None
    language: str | None = None
    content_type: str | None = None
    error: str | None = None


_COLUMNS = [f.name for f in fields(PageRecord)]
_WRITTEN = [*_COLUMNS, "attempts", "fetched_at", "next_check_at"]
# One page row, new or replacing the stored one (every column is written): the
# same SQL on both engines (SQLite >= 3.24 and PostgreSQL know ON CONFLICT … DO UPDATE).
_UPSERT_PAGE = (
    f"INSERT INTO pages ({', '.join(_WRITTEN)}) VALUES ({', '.join('?' * len(_WRITTEN))})"
    " ON CONFLICT (url) DO UPDATE SET "
    + ", ".join(f"{name} = excluded.{name}" for name in _WRITTEN if name != "url")
)


def next_check(outcome: str, attempts: int, now: datetime) -> str | None:
    """When a page is read again: after 90 days when it was read (to learn it was deleted),
    30 days when gone, 7 when robots.txt refused it; errors back off.

    ``attempts`` counts failures in a row, this one included: errors back off
    1 h × 2^(attempts − 1), at most 30 days.

    >>> from datetime import UTC
    >>> now = datetime(2026, 1, 1, tzinfo=UTC)
    >>> next_check("ok", 0, now), next_check("gone", 1, now)
    ('2026-04-01T00:00:00Z', '2026-01-31T00:00:00Z')
    >>> next_check("error", 1, now), next_check("error", 3, now), next_check("error", 40, now)
    ('2026-01-01T01:00:00Z', '2026-01-01T04:00:00Z', '2026-01-31T00:00:00Z')
    """
    if outcome in ("ok", "not-html"):
        return format_time(now + READ_RECHECK)
    if outcome == "gone":
        return format_time(now + GONE_RECHECK)
    if outcome == "robots":
        return format_time(now + ROBOTS_RECHECK)
    wait = ERROR_BACKOFF * (2 ** min(max(attempts - 1, 0), 20))
    return format_time(now + min(wait, MAX_BACKOFF))


def pages_to_resolve(
    store: Store, now: str, limit: int | None = None, *, retry_failed: bool = False
) -> list[str]:
    """Cited URLs to read: never read ones first (oldest edge first), then those due again
    (with ``retry_failed``, every page whose last read failed, whenever it is due).

    A URL is never read when it is a stored post, or already the article of
    a page that was read successfully.
    """
    fresh = [
        url
        for (url,) in store.execute(
            "SELECT e.source_url FROM edges AS e"
            " WHERE NOT EXISTS (SELECT 1 FROM posts AS p WHERE p.url = e.source_url)"
            " AND NOT EXISTS (SELECT 1 FROM pages AS g WHERE g.url = e.source_url)"
            " AND NOT EXISTS (SELECT 1 FROM pages AS g WHERE g.article_url = e.source_url"
            "   AND g.outcome = 'ok')"
            " GROUP BY e.source_url ORDER BY min(e.id)"
            + (" LIMIT :limit" if limit is not None else ""),
            {"limit": limit} if limit is not None else {},
        )
    ]
    if limit is not None and len(fresh) >= limit:
        return fresh
    due = [
        url
        for (url,) in store.execute(
            "SELECT url FROM pages WHERE next_check_at IS NOT NULL"
            " AND (next_check_at <= ? OR (? AND outcome = 'error'))"
            " ORDER BY next_check_at, url",
            [now, retry_failed],
        )
    ]
    found = fresh + due
    return found[:limit] if limit is not None else found


def failed_waiting(store: Store, now: str) -> tuple[int, str | None]:
    """Pages whose last read failed and whose retry is not due at ``now``: how many,
    and when the first is due."""
    count, first = store.execute(
        "SELECT count(*), min(next_check_at) FROM pages"
        " WHERE outcome = 'error' AND next_check_at > ?",
        [now],
    ).fetchone()
    return int(count), first


def write_pages(store: Store, records: Sequence[PageRecord], now: datetime) -> int:
    """Store pages read, in one transaction; retarget the edges citing them. Returns edges moved."""
    moves: list[_Move] = []
    conn = store.engine
    stamp = format_time(now)
    with store.transaction():
        reach.lock(conn)  # before any edge is read or moved: see tracer.reach.lock
        for record in records:
            previous = conn.execute(
                "SELECT attempts, outcome, article_url FROM pages WHERE url = ?", [record.url]
            ).fetchone()
            record = _keep_known_article(record, previous)
            failed = record.outcome == "error"
            attempts = (previous[0] if previous else 0) + 1 if failed else 0
            row = {name: getattr(record, name) for name in _COLUMNS}
            row.update(
                attempts=attempts,
                fetched_at=stamp,
                next_check_at=next_check(record.outcome, attempts, now),
            )
            if previous and previous[1] in _READ:
                # What a page said once stays: its article never moves, a later error only
                # schedules another look, and a page deleted since (gone) or closed to us
                # (robots) keeps its title and date under its new outcome.
                if failed:
                    conn.execute(
                        "UPDATE pages SET attempts = ?, next_check_at = ?, error = ? WHERE url = ?",
                        [attempts, row["next_check_at"], record.error, record.url],
                    )
                    continue
                if record.outcome not in _READ:
                    conn.execute(
                        "UPDATE pages SET outcome = ?, http_status = ?, error = ?, attempts = 0,"
                        " fetched_at = ?, next_check_at = ? WHERE url = ?",
                        [
                            record.outcome,
                            record.http_status,
                            record.error,
                            stamp,
                            row["next_check_at"],
                            record.url,
                        ],
                    )
                    continue
                row["article_url"] = previous[2]
            conn.execute(_UPSERT_PAGE, [row[name] for name in _WRITTEN])
            if row["article_url"] != record.url and not (previous and previous[1] in _READ):
                moves.append(_retarget(conn, record.url, str(row["article_url"])))
        moved = sum(len(move.reposts) for move in moves)
        _reindex(store, moves)
    return moved


def repair_late_edges(store: Store) -> int:
    """Point at their article the edges that still cite a spelling resolved to another one.

    :func:`article_edges` retargets a poll's new edges as they are written.
    On SQLite the poll's transaction holds the database's write lock, so it
    reads ``pages`` after any resolve batch committed. On PostgreSQL writers
    do not exclude each other: a poll that read ``pages`` just before a
    concurrent :func:`write_pages` committed stores its edge on the old
    spelling. Such edges are moved here (``tracer resolve`` does it first
    thing); a store where none exist costs one index join. Returns edges moved.
    """
    late = store.execute(
        "SELECT DISTINCT g.url, g.article_url FROM pages AS g"
        " JOIN edges AS e ON e.source_url = g.url WHERE g.article_url <> g.url ORDER BY g.url"
    ).fetchall()
    if not late:
        return 0
    with store.transaction():
        reach.lock(store.engine)
        moves = [_retarget(store.engine, url, article) for url, article in late]
        _reindex(store, moves)
    return sum(len(move.reposts) for move in moves)


def _keep_known_article(record: PageRecord, previous: tuple[int, str, str] | None) -> PageRecord:
    """A failed re-read does not undo where an earlier read said the URL leads."""
    if previous and record.outcome == "error" and previous[2] != record.url:
        return replace(record, article_url=previous[2])
    return record


@dataclass(slots=True)
class _Move:
    """Edges that stopped citing ``url``: moved to ``article``, or dropped."""

    url: str
    article: str
    reposts: list[str]  # their edges now cite the article
    dropped: list[str]  # their edges were deleted (a duplicate, or citing their own repost)
    # of the dropped: their inferred edge to the article became the declared edge dropped
    upgraded: list[str]


def _retarget(conn: Engine, url: str, article: str) -> _Move:
    """Point every edge citing ``url`` (or an alias of it) at ``article``.

    A post with an inferred edge to the article and a declared one to ``url``:
    the declared edge wins (as :meth:`tracer.store.Store._insert_new_edges` does at
    poll time): the inferred row becomes that declared edge (its pattern,
    evidence, spellings and ``first_seen``), and the declared row to ``url``
    goes as a duplicate.
    """
    conn.execute("UPDATE pages SET article_url = ? WHERE article_url = ?", [article, url])
    upgraded = [
        repost
        for (repost,) in conn.execute(
            "UPDATE edges SET kind = 'declared', pattern = d.pattern, evidence = d.evidence,"
            " raw_source_url = d.raw_source_url, cited_url = coalesce(d.cited_url, :u),"
            " score = NULL, first_seen = d.first_seen, last_seen = d.last_seen"
            " FROM edges AS d WHERE edges.source_url = :a AND edges.kind = 'inferred'"
            " AND d.source_url = :u AND d.repost_url = edges.repost_url AND d.kind = 'declared'"
            " RETURNING edges.repost_url",
            {"u": url, "a": article},
        ).fetchall()
    ]
    # an edge that would cite its own repost, or duplicate an edge to the article, goes
    dropped = [
        repost
        for (repost,) in conn.execute(
            "DELETE FROM edges WHERE source_url = :u AND (repost_url = :a OR repost_url IN"
            " (SELECT repost_url FROM edges WHERE source_url = :a)) RETURNING repost_url",
            {"u": url, "a": article},
        ).fetchall()
    ]
    reposts = [
        repost
        for (repost,) in conn.execute(
            "UPDATE edges SET source_url = ?, cited_url = coalesce(cited_url, ?)"
            " WHERE source_url = ? RETURNING repost_url",
            [article, url, url],
        ).fetchall()
    ]
    return _Move(url, article, reposts, dropped, upgraded)


def _reindex(store: Store, moves: list[_Move]) -> None:
    """Keep ``nodes``/``links``/``reach`` (both layers) exact after edges were retargeted.

    An inferred edge turned declared enters the declared layer; an inferred
    edge going the other way of a declared edge now citing the article goes
    (:meth:`tracer.store.Store._declared_wins`)."""
    if not moves:
        return
    reach.move_sources(
        store.engine,
        [(repost, move.url, move.article) for move in moves for repost in move.reposts],
        [(repost, move.url) for move in moves for repost in move.dropped],
    )
    upgraded = [(repost, move.article) for move in moves for repost in move.upgraded]
    reach.add_edges(store.engine, upgraded, [reach.UPGRADED] * len(upgraded))
    reverse = sorted({(move.article, repost) for move in moves for repost in move.reposts})
    if reverse:
        store.remove_inferred_edges(reverse)


def ask_articles(conn: Engine, edges: Sequence[EdgeRecord]) -> Any:
    """Send the lookup :func:`article_edges` reads (its cursor): on PostgreSQL a feed's
    writer sends it ahead, in the pipeline of a statement it reads before the edges."""
    sources = json.dumps(sorted({e.source_url for e in edges}))
    return conn.execute(
        "SELECT url, article_url FROM pages"
        f" WHERE url {conn.sql(TEXT_IN).format(p='?')} AND article_url <> url",
        [sources],
    )


def article_edges(
    conn: Engine, edges: Sequence[EdgeRecord], asked: Any = None
) -> list[tuple[EdgeRecord, str | None]]:
    """``(edge, cited_url)`` for edges about to be stored: sources already resolved to another
    article are pointed at it (``cited_url`` = the spelling cited); others are unchanged (None).
    ``asked``: the cursor of :func:`ask_articles` for these edges, if sent already.
    """
    if not edges:
        return []
    moved = dict(asked if asked is not None else ask_articles(conn, edges))
    if not moved:
        return [(e, None) for e in edges]
    result: list[tuple[EdgeRecord, str | None]] = []
    for edge in edges:
        article = moved.get(edge.source_url)
        if article is None:
            result.append((edge, None))
        elif article != edge.repost_url:
            result.append(
                (
                    EdgeRecord(
                        edge.repost_url,
                        article,
                        edge.pattern,
                        edge.evidence,
                        edge.raw_source_url,
                        edge.kind,
                    ),
                    edge.source_url,
                )
            )
    return result
