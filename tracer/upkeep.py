"""Reach and text-matching upkeep that several pollers share without taking turns (issue 16).

A feed's new edges must enter the reach layers (:mod:`tracer.reach`) and its
new posts must be fingerprinted and matched (:mod:`tracer.matching`). Both
read what earlier transactions wrote and write it back (a node's ``cites``,
the reach rows below a new link, an index key's posts, a site's counts), so
on PostgreSQL they are done by one transaction at a time: the holder of the
*upkeep lock* (:data:`~tracer.engine.queries.UPKEEP_TRY`). Until this module,
every feed transaction waited for that turn, and three pollers spent most of
their time waiting for each other.

Now a poller's feed only *tries* the lock (``pg_try_advisory_xact_lock``):

- with it, the feed does its upkeep in its own transaction, as one poller
  always does, and then drains the queue below if it holds rows;
- without it, the feed writes its posts and edges, queues the rest
  (``pending_edges``: edges not in the reach layers yet; ``pending_posts``: one
  batch per feed, the posts with their fingerprints) and commits at once.

A poll's writer goes further (:class:`Drainer`): its feeds never try, they
always queue, and a thread of the same poll drains the queue beside the
writer, so the two overlap.

The queue is drained in order by whoever holds the lock next, and each poll
run ends with a drain that waits for the lock (:func:`finish`), so when the
last poller of a round is done, the reach tables and the inferred edges are
exactly what one poller would have written: the reach layers depend only on
the set of edges, and matching sees the batches one at a time, each after
every batch matched before it (two pollers storing copies of each other at
once: the second batch matched finds the first). While pollers run, a query
may see the reach and inferred edges of the last few feeds late.

Everything that moves or rebuilds edges (resolve, rematch, a reach rebuild)
takes the edge lock exclusively, then the upkeep lock (:func:`tracer.reach.lock`)
and drains the queue first. On SQLite (one writer) the feed's transaction
always does its upkeep itself; the queue stays empty unless ``copy-db``
brought rows from PostgreSQL, and those are drained the same way.
"""

from __future__ import annotations

import contextlib
import threading
import uuid
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from tracer.engine import Engine
from tracer.engine.queries import TAKE_EDGES, TAKE_POSTS, UPKEEP_WAIT
from tracer.exceptions import StorageError, is_transient

if TYPE_CHECKING:
    from tracer.fingerprint import Fingerprint
    from tracer.store import Store

__all__ = [
    "DRAIN_RETRIES",
    "Drainer",
    "Remembered",
    "drain",
    "finish",
    "pending",
    "queue_edges",
    "queue_posts",
]

DRAIN_RETRIES = 3  # a drain the server failed to break a deadlock is tried again this often


def queue_edges(conn: Engine, new: Sequence[tuple[str, str]], kinds: Sequence[str]) -> None:
    """Leave the reach upkeep of newly stored edges ``(repost, source)`` to the lock's holder."""
    if new:
        conn.executemany(
            "INSERT INTO pending_edges (repost_url, source_url, kind) VALUES (?, ?, ?)",
            [(repost, source, kind) for (repost, source), kind in zip(new, kinds, strict=True)],
        )


class Remembered:
    """The fingerprints of the posts a poll's writer queued, by batch, for the drains of
    its :class:`Drainer` (same process): they take those batches' rows back without the
    fingerprint's columns (:data:`~tracer.engine.queries.TAKE_POSTS`).

    A batch is remembered when the feed's transaction queues it, before its commit (a
    drain sees it only once committed, so it finds it here), forgotten when that
    transaction rolls back (it never reaches the queue) or once a drain that took it
    committed (a drain rolled back leaves it queued, and here, for the next one). Its
    name starts with :attr:`token`, this poll's own: the batches of other pollers, or
    of a run killed before its drain, come back whole. A batch another poller's drain
    took is forgotten after this poll's next drain: every batch committed before a
    drain's take is out of the queue once that drain committed (:meth:`committed`).
    """

    def __init__(self) -> None:
        self.token = f"{uuid.uuid4().hex[:16]}-"
        self._batches: dict[str, dict[int, Fingerprint]] = {}
        self._committed: set[str] = set()  # of _batches: their feed committed
        self.taken: set[str] = set()  # by the drain running (its thread only): see Drainer

    def add(self, posts: Sequence[tuple[int, Fingerprint]]) -> str:
        """Remember a batch of posts ``(post id, fingerprint)``; its name."""
        name = self.token + uuid.uuid4().hex
        self._batches[name] = dict(posts)
        return name

    def fingerprint(self, batch: str, post_id: int) -> Fingerprint:
        """The fingerprint queued for ``post_id`` in ``batch`` (one of :attr:`token`'s)."""
        try:
            return self._batches[batch][post_id]
        except KeyError:  # never remembered, or forgotten too soon: not to be guessed
            raise StorageError(f"queued batch {batch!r} is not in this poll's memory") from None

    def committed(self, batches: Iterable[str]) -> None:
        """The writer's feed that queued ``batches`` committed (see :meth:`ready`)."""
        self._committed.update(name for name in batches if name in self._batches)

    def ready(self) -> set[str]:
        """The batches whose feed committed: read before a drain's take, all of them are
        out of the queue once the drain committed (taken by it or by an earlier one)."""
        return set(self._committed)

    def forget(self, batches: Iterable[str]) -> None:
        for name in batches:
            self._batches.pop(name, None)
            self._committed.discard(name)

    def __len__(self) -> int:
        return len(self._batches)


def queue_posts(
    conn: Engine, posts: Sequence[tuple[int, Fingerprint]], remembered: Remembered | None = None
) -> str | None:
    """Leave the fingerprinting and matching of one feed's posts ``(post id, fingerprint)``
    to the lock's holder, as one batch (matched together, as the feed would have); the
    batch's name (None: no posts). ``remembered``: a poll's writer keeps the batch in
    memory for its drainer (:class:`Remembered`)."""
    if not posts:
        return None
    batch = uuid.uuid4().hex if remembered is None else remembered.add(posts)
    # the fingerprint's stored form (Fingerprint.packed reads it back: _batch_posts)
    rows = [
        (batch, post_id, fp.words, fp.level, fp.blob, fp.stored_phrases, fp.other_phrases)
        for post_id, fp in posts
    ]
    conn.executemany(
        "INSERT INTO pending_posts (batch, post_id, words, level, keys, head, tail)"
        " VALUES (?, ?, ?, ?, ?, ?, ?)",
        rows,
    )
    return batch


def pending(conn: Engine) -> bool:
    """Whether the queue holds anything (a committed row of either table)."""
    row = conn.execute(
        "SELECT EXISTS (SELECT 1 FROM pending_edges) OR EXISTS (SELECT 1 FROM pending_posts)"
    ).fetchone()
    return bool(row and row[0])


def finish(store: Store, now: str) -> int:
    """The drain at the end of a poll run: wait for the upkeep lock, then empty the queue of
    every row committed so far. Returns the inferred edges it added, and those the run's
    upkeep thread added before (:class:`Drainer`, counted in ``store.drained``)."""
    added, store.drained = store.drained, 0
    if not pending(store.engine):
        return added
    return added + _drain_now(store, now)


def _drain_now(store: Store, now: str) -> int:
    """Wait for the upkeep lock, then drain (in one pipelined transaction)."""
    with store.engine.pipeline(), store.transaction():
        store.execute(store.engine.sql(UPKEEP_WAIT))
        return drain(store, now)


class Drainer:
    """A poll's reach and matching upkeep on PostgreSQL, done beside its writer thread.

    A feed's transaction alone runs its statements one after the other: the
    writer's Python (rows built, posts matched) waits for the server's answer
    to each, and the server waits for the next statement, so one poller used
    at most one core for its whole write. With a drainer, the writer's feeds
    always queue their upkeep (:data:`~tracer.engine.queries.UPKEEP_LEAVE`)
    and commit their posts and edges at once; this thread, on a connection of
    its own, waits for the upkeep lock and drains the queue (:func:`drain`)
    each time a feed committed rows to it, so one thread's Python runs while the server
    works for the other (both release the GIL while they wait for it). The
    batches are matched in the order the feeds committed, as :func:`drain`
    always does: the inferred edges are the ones the writer alone would have
    written. A post served again by a later feed of the run with a credit line
    to the post it was found to copy ends with the declared edge whichever
    commits first (:meth:`tracer.store.Store._declared_wins`): the writer turns
    an inferred edge a drain stored already, and a drain stores no inferred
    edge for a pair declared already.
    Each feed is done once its own transaction committed; a run killed
    before the drain leaves its queue to the next holder of the lock.
    """

    def __init__(self, store: Store) -> None:
        self._source = store  # where a new connection comes from (see _reconnect)
        # the fingerprints of the batches the writer's feeds queue (see queue_posts)
        self.remembered = Remembered()
        self._store = self._connect()
        self.added = 0  # inferred edges the drains added
        self._wake = threading.Event()
        self._stopping = False
        self._last = True  # close(): drain what is left
        self._failed: BaseException | None = None
        self._thread = threading.Thread(target=self._run, name="tracer-upkeep", daemon=True)
        self._thread.start()

    def nudge(self) -> None:
        """A feed committed queued upkeep: drain it (at once, or after the drain running)."""
        self._wake.set()

    def check(self) -> None:
        """Raise the failure of a drain, if one failed."""
        if self._failed is not None:
            raise self._failed

    def close(self, last: bool = True) -> int:
        """Stop the thread, after a last drain when ``last`` (then raise a drain's failure);
        close its connection. Returns the inferred edges added."""
        self._last = last
        self._stopping = True
        self._wake.set()
        self._thread.join()
        try:
            if last and self._failed is None:
                self._store.flush_matching()
        finally:
            self._store.close()
        if last:
            self.check()
        return self.added

    def _connect(self) -> Store:
        store = self._source.another()
        store.remembered = self.remembered
        return store

    def _run(self) -> None:
        while True:
            self._wake.wait()
            self._wake.clear()
            stopping = self._stopping  # read after clear: a nudge since brings another turn
            if self._failed is None and (self._last or not stopping):
                try:
                    # a nudge comes from a feed that committed queued rows: no pending()
                    self.added += self._drain()
                except BaseException as exc:  # raised by the writer's next feed, or close()
                    # its matcher may hold index rows of posts the failed drain rolled
                    # back: closing the store must not write them
                    self._store.forget_matching()
                    self._failed = exc
            if stopping:
                return

    def _drain(self) -> int:
        """One drain; again on a new connection when the server broke a deadlock (or a
        serialization conflict) by failing it, at most :data:`DRAIN_RETRIES` times.

        The failed drain rolled back, so the queue is intact. A declared edge of
        the writer's open feed and the same edge inferred here wait for each
        other's commit; two such pairs in opposite order are a deadlock. A new
        connection, so that nothing of the failed transaction's session is carried
        over (the piped rollback also clears psycopg's cache of prepared statements,
        which could name statements the server never prepared).
        """
        from tracer.timeutil import format_time, utcnow

        remembered = self.remembered
        for attempt in range(DRAIN_RETRIES + 1):
            remembered.taken.clear()
            ready = remembered.ready()  # committed before the take: out of the queue after it
            try:
                added = _drain_now(self._store, format_time(utcnow()))
            except StorageError as exc:
                if attempt == DRAIN_RETRIES or not is_transient(exc):
                    raise
            else:  # committed: the batches it took (and those other pollers took) are gone
                remembered.forget(ready | remembered.taken)
                remembered.taken.clear()
                return added
            self._store.forget_matching()  # rows of the rolled-back drain: never written
            with contextlib.suppress(StorageError):
                self._store.close()
            self._store = self._connect()
        raise AssertionError("unreachable")  # pragma: no cover


def drain(store: Store, now: str) -> int:
    """Do the queued upkeep, oldest first, inside the caller's transaction, which holds the
    upkeep lock; delete the rows done. Returns the inferred edges added."""
    from tracer import reach

    conn = store.engine
    remembered = store.remembered
    # PostgreSQL: both taken in one round trip (the second sent before the first is read)
    # each edge: (id, repost, source, kind, still stored, a declared edge A -> B whose
    # inferred B -> A is stored: that one goes, as in Store._declared_wins, also when a
    # drain added it while A -> B was queued)
    edges_taken = _take(conn, "pending_edges", conn.sql(TAKE_EDGES))
    mine = None if remembered is None else remembered.token
    posts_taken = _take(conn, "pending_posts", conn.sql(TAKE_POSTS), {"mine": mine})
    edges = sorted(edges_taken.fetchall())  # by id
    stored = [row for row in edges if row[4]]  # an inferred edge removed since is not
    if stored:
        reach.add_edges(conn, [(row[1], row[2]) for row in stored], [row[3] for row in stored])
        reverse = sorted({(row[2], row[1]) for row in stored if row[5]})
        if reverse:  # after the adds, as Store._declared_wins does
            store.remove_inferred_edges(reverse)
    added = 0
    batches: dict[str, list[Any]] = {}
    for row in sorted(posts_taken.fetchall()):
        if remembered is not None and row[5] is None:  # forgotten once this drain committed
            remembered.taken.add(row[1])
        if row[8] is not None:  # a post deleted since has nothing to match
            batches.setdefault(row[1], []).append(row)
    done: set[int] = set()  # posts with a fingerprint: before the drain, or by a batch of it
    work: list[tuple[list[tuple[Any, ...]], dict[str, Fingerprint]]] = []
    for batch in batches.values():
        posts, texts = _batch_posts(batch, done, remembered)
        if posts:
            work.append((posts, texts))
    if not work:
        return added
    if conn.name == "sqlite":
        for posts, texts in work:
            added += store.match_posts(posts, texts, now)
        return added
    # PostgreSQL: what each batch would read (sites, boilerplate, site counts, index rows)
    # read once for them all; each batch is then matched without waiting for the server
    store.begin_drain(work)
    try:
        for posts, texts in work:
            added += store.match_posts(posts, texts, now)
        store.write_drained()  # their index rows: one statement, in key order
    finally:
        store.end_drain()
    return added


def _take(conn: Engine, table: str, sql: str, params: dict[str, Any] | None = None) -> Any:
    """Read and delete the queue rows of ``table`` (``sql``: :data:`TAKE_EDGES` or
    :data:`TAKE_POSTS`); a cursor over them, in no order. PostgreSQL: one statement, which
    takes the rows committed before it started (those committed since stay for the next
    drain), its answer read when the rows are. SQLite: one writer (and no ``params``)."""
    if conn.name == "sqlite":
        rows = conn.execute(sql).fetchall()
        conn.execute(f"DELETE FROM {table}")
        return _Rows(rows)
    return conn.execute(sql, params or {})


class _Rows:
    """Rows already read, as a cursor gives them (:func:`_take` on SQLite)."""

    def __init__(self, rows: list[Any]) -> None:
        self._rows = rows

    def fetchall(self) -> list[Any]:
        return self._rows


def _batch_posts(
    batch: list[Any], done: set[int], remembered: Remembered | None = None
) -> tuple[list[tuple[Any, ...]], dict[str, Fingerprint]]:
    """The posts of one queued feed's batch to fingerprint and match, as
    :meth:`~tracer.store.Store.match_posts` takes them: those with no fingerprint yet
    (another feed's batch may have brought the same post first: before the drain, the
    row's last column says so; in it, ``done`` lists the posts of the drain's batches
    before this one, to which this batch's are added). A row taken without its
    fingerprint (NULL keys) is one of this poll's own, whose fingerprint ``remembered``
    holds."""
    from tracer.fingerprint import Fingerprint  # not at import: poll start-up

    texts: dict[str, Fingerprint] = {}
    posts: list[tuple[Any, ...]] = []
    for row in batch:
        _id, name, post_id, words, level, blob, head, tail, url, published, first_seen = row[:11]
        if row[11] or int(post_id) in done or url in texts:
            continue
        if blob is None:
            if remembered is None:
                raise StorageError(f"queued batch {name!r} came back without its fingerprints")
            texts[url] = remembered.fingerprint(name, int(post_id))
        else:
            texts[url] = Fingerprint.packed(int(words), int(level), bytes(blob), head, tail or "")
        posts.append((int(post_id), url, published, first_seen))
    done.update(post[0] for post in posts)
    return posts, texts
