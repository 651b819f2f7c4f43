"""`tracer rematch`: rebuild the text index, boilerplate and inferred edges from fingerprints.

Run after an upgrade or to apply a new threshold (``--min-score``), which
later polls keep using. Three phases, recorded in ``match_state`` so a killed
run (even ``kill -9``) resumes where it stopped; each batch is one transaction:

1. *start* (one transaction): inferred edges deleted (the reach layer of every
   edge rebuilt), index and boilerplate emptied, the fingerprinted posts
   queued in publication order;
2. *index*: every queued fingerprint's keys go into ``text_keys``; then the
   boilerplate of every site is computed at once from the whole index (the
   same rule as at poll time, :func:`tracer.matching.is_boilerplate`, but with
   every post known) and its keys are taken out of the index;
3. *match*: each queued post gets an inferred edge to the earliest earlier
   post it shares text with (:meth:`tracer.matching.Matcher.earliest_match`).

Fingerprints themselves are rebuilt from text only at poll time: tracer keeps
a post's fingerprint, not its text, so posts stored before migration 0005 get
one when their feed serves them again.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from tracer import reach
from tracer.matching import (
    BOILERPLATE_MAX_POSTS,
    BOILERPLATE_MIN_POSTS,
    BOILERPLATE_SHARE,
    GLOBAL_SITES,
    STOP_POSTS,
    Matcher,
    PostRef,
)
from tracer.reach import ALL, ReachIndex
from tracer.store import Store
from tracer.timeutil import format_time, utcnow
from tracer.wording import counted

__all__ = ["BATCH", "RematchSummary", "rematch"]

BATCH = 500


@dataclass(slots=True)
class RematchSummary:
    posts: int = 0
    edges: int = 0
    boilerplate: int = 0
    min_score: float = 0.0
    resumed: bool = False
    seconds: float = 0.0

    def line(self) -> str:
        again = " (resumed)" if self.resumed else ""
        return (
            f"rematched {counted(self.posts, 'post')}{again}:"
            f" {counted(self.edges, 'inferred edge')},"
            f" {counted(self.boilerplate, 'boilerplate key')}, min score {self.min_score:g},"
            f" {self.seconds:.2f} s"
        )


def rematch(
    store: Store,
    min_score: float | None = None,
    batch: int = BATCH,
    progress: Callable[[str, int, int], None] | None = None,
) -> RematchSummary:
    """Rebuild index, boilerplate and inferred edges; resume an unfinished run.

    An unfinished run with the same threshold (or none given) is resumed; a
    different ``min_score`` starts over. ``progress(phase, done, total)`` is
    called after each batch.
    """
    started = time.monotonic()
    conn = store.engine
    current, phase, _seq = conn.execute(
        "SELECT min_score, phase, next_seq FROM match_state"
    ).fetchone()
    summary = RematchSummary(min_score=current if min_score is None else min_score)
    if phase is not None and (min_score is None or min_score == current):
        summary.resumed = True
    else:
        _start(store, summary.min_score)
    (total,) = conn.execute("SELECT count(*) FROM rematch_queue").fetchone()
    while True:
        phase, next_seq = conn.execute("SELECT phase, next_seq FROM match_state").fetchone()
        if phase == "index":
            if not _index_batch(store, next_seq, batch):
                _boilerplate(store)
                phase = "boilerplate"
        elif phase == "match":
            if not _match_batch(store, next_seq, batch, summary.min_score):
                with store.transaction():
                    conn.execute("UPDATE match_state SET phase = NULL, next_seq = 0")
                    conn.execute("DELETE FROM rematch_queue")
                break
        else:
            break
        if progress:
            done = conn.execute("SELECT next_seq FROM match_state").fetchone()[0]
            progress(phase, total if phase == "boilerplate" else min(done, total), total)
    summary.posts = total
    summary.edges = conn.execute("SELECT count(*) FROM edges WHERE kind = 'inferred'").fetchone()[0]
    summary.boilerplate = conn.execute("SELECT count(*) FROM boilerplate").fetchone()[0]
    summary.seconds = time.monotonic() - started
    return summary


def _start(store: Store, min_score: float) -> None:
    conn = store.engine
    with store.transaction():
        reach.lock(conn)
        conn.execute("DELETE FROM edges WHERE kind = 'inferred'")
        ReachIndex(store.engine, ALL).rebuild()
        for table in ("text_keys", "boilerplate", "site_texts", "rematch_queue"):
            conn.execute(f"DELETE FROM {table}")
        conn.execute("DELETE FROM unindexed_spans")  # all indexed below
        conn.execute(  # seq numbered explicitly: the same order on both engines
            "INSERT INTO rematch_queue (seq, post_id) SELECT row_number() OVER ("
            "ORDER BY coalesce(p.published, p.first_seen), p.first_seen, p.url), f.post_id"
            " FROM fingerprints AS f JOIN posts AS p ON p.id = f.post_id WHERE length(f.keys) > 0"
        )
        conn.execute(
            "UPDATE match_state SET min_score = ?, phase = 'index', next_seq = 0,"
            " boiler_gen = boiler_gen + 1",
            [min_score],
        )


def _index_batch(store: Store, after: int, batch: int) -> bool:
    conn = store.engine
    rows = conn.execute(
        "SELECT q.seq, f.post_id, f.domain_id, f.keys FROM rematch_queue AS q"
        " JOIN fingerprints AS f ON f.post_id = q.post_id WHERE q.seq > ? ORDER BY q.seq LIMIT ?",
        [after, batch],
    ).fetchall()
    if not rows:
        return False
    matcher = Matcher(conn, 0.0)
    with store.transaction():
        reach.lock(conn)  # PostgreSQL: after a poll's matching transaction, never beside it
        matcher.index_only((post_id, domain_id, blob) for _seq, post_id, domain_id, blob in rows)
        conn.execute("UPDATE match_state SET next_seq = ?", [rows[-1][0]])
    return True


def _boilerplate(store: Store) -> None:
    """Every site's boilerplate from the whole index, taken out of the index (one transaction)."""
    conn = store.engine
    with store.transaction():
        reach.lock(conn)
        conn.execute(
            "INSERT OR IGNORE INTO boilerplate (domain_id, key)"
            " SELECT t.domain_id, t.key FROM text_keys AS t"
            " JOIN site_texts AS s ON s.domain_id = t.domain_id"
            " GROUP BY t.domain_id, t.key HAVING count(*) >= :least"
            " AND (count(*) >= :share * max(s.posts) OR count(*) >= :most)",
            {
                "least": BOILERPLATE_MIN_POSTS,
                "share": BOILERPLATE_SHARE,
                "most": BOILERPLATE_MAX_POSTS,
            },
        )
        conn.execute(
            "INSERT OR IGNORE INTO boilerplate (domain_id, key) SELECT 0, key FROM boilerplate"
            " WHERE domain_id != 0 GROUP BY key HAVING count(*) >= ?",
            [GLOBAL_SITES],
        )
        conn.execute(
            "INSERT OR IGNORE INTO boilerplate (domain_id, key) SELECT 0, key FROM text_keys"
            " GROUP BY key HAVING count(*) >= ?",
            [STOP_POSTS],
        )
        conn.execute(
            "DELETE FROM text_keys WHERE EXISTS (SELECT 1 FROM boilerplate AS b"
            " WHERE b.key = text_keys.key AND b.domain_id IN (0, text_keys.domain_id))"
        )
        conn.execute(
            "UPDATE match_state SET phase = 'match', next_seq = 0, boiler_gen = boiler_gen + 1"
        )


def _match_batch(store: Store, after: int, batch: int, min_score: float) -> bool:
    conn = store.engine
    rows = conn.execute(
        "SELECT q.seq, p.id, p.url, f.domain_id, p.published, p.first_seen"
        " FROM rematch_queue AS q JOIN posts AS p ON p.id = q.post_id"
        " JOIN fingerprints AS f ON f.post_id = q.post_id"
        " WHERE q.seq > ? ORDER BY q.seq LIMIT ?",
        [after, batch],
    ).fetchall()
    if not rows:
        return False
    matcher = Matcher(conn, min_score)
    now = format_time(utcnow())
    with store.transaction():
        reach.lock(conn)
        for _seq, post_id, url, domain_id, published, first_seen in rows:
            edge = matcher.earliest_match(PostRef(post_id, url, domain_id, published, first_seen))
            if edge is not None:
                store.add_inferred([edge], now)
        conn.execute("UPDATE match_state SET next_seq = ?", [rows[-1][0]])
    return True
