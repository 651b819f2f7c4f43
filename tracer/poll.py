"""Poll feeds: which ones a run polls, and the run itself (options, summary).

:func:`select_feeds` picks the feeds (due, all, named, one shard);
:func:`poll_feeds` records the run and hands the feeds to
:mod:`tracer.poll_loop`, imported only when there is a feed to poll, so a
run with nothing due starts without the HTTP client and the event loop.
This is the edge of the system where network and database meet; the logic
of what a poll means lives in :mod:`tracer.decide`. Per feed, the loop does:

1. wait for a slot: one of its host's :data:`~tracer.defaults.PER_HOST_LIMIT`, then one of
   ``concurrency`` in all (so a busy host never starves the others);
2. fetch under one deadline (:func:`tracer.fetch.fetch_feed`);
3. decide: a body off the event loop, so parsing a large body never stalls
   it (and with it the other feeds' deadlines): in one of 2 worker processes
   when the run has :data:`~tracer.parse_server.PROCESS_POOL_MIN_FEEDS` feeds or more, once
   :data:`~tracer.parse_server.PROCESS_POOL_MIN_BODIES` bodies have come (parsing is
   pure CPU and threads share one core under the GIL), else in a worker
   thread; no body (304, errors) right on the loop, where it costs
   microseconds;
4. apply the update on one writer, a thread of its own, so the loop never
   waits on the database (with leases on a second connection: the loop claims
   feeds on the store's), all or nothing
   (a savepoint) in a transaction shared by up to
   :data:`~tracer.poll_loop.WRITE_BATCH` feeds, committed at least every
   :data:`~tracer.poll_loop.WRITE_BATCH_SECONDS`; unchanged feeds, whose
   update is one small row, share a transaction per
   :data:`~tracer.poll_loop.UNCHANGED_BATCH` feeds.

Nothing that parses bodies (feedparser, lxml, extraction) is imported until a
feed sends one, so a poll where every feed answers 304 starts fast.

A feed's slot is held until its update is handed to the writer, so at most
``concurrency`` bodies (each at most ``max_bytes``) are in memory at once, and at
most :data:`~tracer.poll_loop.WRITE_QUEUE` updates wait for the writer (plus, with worker
processes, a pickled copy of those being parsed, and while they start up to
:data:`~tracer.poll_loop.PARKED_BYTES` of bodies waiting for them). A feed's failure is
recorded on that feed; a database failure stops the run (:class:`StorageError`).
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from typing import TYPE_CHECKING

from tracer import defaults
from tracer.timeutil import format_time, parse_time, utcnow

if TYPE_CHECKING:
    from tracer.models import FeedState
    from tracer.store import Store

__all__ = [
    "Leases",
    "PollOptions",
    "PollSummary",
    "in_shard",
    "parse_shard",
    "poll_feeds",
    "select_feeds",
]


@dataclass(frozen=True, slots=True)
class Leases:
    """How a run claims its feeds on an engine with leases (PostgreSQL).

    ``owner`` names the poller (host:pid) in ``feeds.leased_by``; a claim
    lasts ``seconds`` unless the feed is written first. ``due``: claim only
    feeds still due at that time (None with ``--all`` / ``--feed``);
    ``retry``: leave out feeds whose server asked to wait past that time.
    """

    owner: str
    seconds: float = 600.0
    due: str | None = None
    retry: str | None = None


Claim = Callable[[Sequence["FeedState"]], list["FeedState"]]


@dataclass(frozen=True, slots=True)
class PollOptions:
    timeout: float = defaults.TIMEOUT
    max_bytes: int = defaults.MAX_BYTES
    concurrency: int = defaults.CONCURRENCY
    match: bool = True  # fingerprint posts so the store finds copies (tracer.matching)
    proxy: str | None = None  # --proxy URL; None: the environment's proxies (issue 14)
    # No other poller writes this database meanwhile (SQLite, no --shard): the parse
    # workers keep the poller's priority (else they yield the CPU to the pollers' writers,
    # tracer.poll_loop.PARSE_WORKER_NICE)
    alone: bool = False


@dataclass(slots=True)
class PollSummary:
    feeds: int = 0
    not_modified: int = 0
    new_posts: int = 0
    new_edges: int = 0
    errors: list[tuple[str, str]] = field(default_factory=list)  # (feed url, message)
    seconds: float = 0.0

    def counts(self) -> dict[str, int]:
        return {
            "feeds": self.feeds,
            "not_modified": self.not_modified,
            "new_posts": self.new_posts,
            "new_edges": self.new_edges,
            "errors": len(self.errors),
        }

    def line(self) -> str:
        from tracer.wording import counted

        return (
            f"polled {counted(self.feeds, 'feed')}: {self.not_modified} not modified, "
            f"{counted(self.new_posts, 'new post')}, {counted(self.new_edges, 'new edge')}, "
            f"{counted(len(self.errors), 'error')}, {self.seconds:.2f} s"
        )


def parse_shard(text: str) -> tuple[int, int]:
    """``"I/N"`` → ``(I, N)`` with ``0 <= I < N``; ValueError otherwise.

    >>> parse_shard("1/4")
    (1, 4)
    >>> parse_shard("4/4")
    Traceback (most recent call last):
    ValueError: shard '4/4': expected I/N with 0 <= I < N, e.g. 0/4
    """
    index, _, count = text.partition("/")
    try:
        i, n = int(index), int(count)
    except ValueError:
        i, n = -1, 0
    if not 0 <= i < n:
        raise ValueError(f"shard {text!r}: expected I/N with 0 <= I < N, e.g. 0/4")
    return i, n


def in_shard(feed_id: int, index: int, count: int) -> bool:
    """Whether a feed belongs to shard ``index`` of ``count``.

    A stable hash of the feed's id (not its URL, which a 301 changes), so the
    N pollers of one shared store split the feeds disjointly and evenly, and a
    feed stays in its shard for life.

    >>> [sum(in_shard(i, s, 3) for i in range(1, 3001)) for s in range(3)]
    [1040, 983, 977]
    >>> sum(in_shard(7, s, 5) for s in range(5))
    1
    """
    import hashlib  # here: a run without --shard never needs it

    digest = hashlib.blake2b(str(feed_id).encode(), digest_size=8).digest()
    return int.from_bytes(digest, "big") % count == index


def select_feeds(
    store: Store,
    now: str,
    *,
    everything: bool = False,
    urls: Sequence[str] | None = None,
    shard: tuple[int, int] | None = None,
    limit: int | None = None,
) -> tuple[list[FeedState], list[str]]:
    """The feeds a run polls, most overdue first, and the named ``urls`` that are no active feed.

    Due feeds by default; every active feed with ``everything`` (except those
    whose server asked, with Retry-After, to be left alone until after ``now``);
    exactly the named feeds (canonical URLs or old URLs) with ``urls``.
    """
    missing: list[str] = []
    if urls is not None:
        feeds = store.feed_states(urls=urls)
        ids = {feed.id for feed in feeds}
        for url in urls:
            row = store.feed_by_url(url)
            if row is None or row["id"] not in ids:
                missing.append(url)
    else:
        feeds = store.feed_states(due_before=None if everything else now, respect_retry_after=now)
    if shard is not None:
        feeds = [feed for feed in feeds if in_shard(feed.id, *shard)]
    if limit is not None:
        feeds = feeds[:limit]
    return feeds, missing


def poll_feeds(
    store: Store,
    feeds: Sequence[FeedState],
    options: PollOptions = PollOptions(),
    on_done: Callable[[FeedState], None] | None = None,
    leases: Leases | None = None,
) -> PollSummary:
    """Poll ``feeds`` and store what they say; one feed's failure never stops the others.

    With ``leases`` (engines with leases only), ``feeds`` are candidates: each
    is polled only if this run can claim it (another poller has not).
    Raises :class:`StorageError` (after stopping every fetch) if the database
    cannot be written; each feed stored before that stays stored.
    """
    started = time.monotonic()
    if feeds:
        from tracer.parse_server import start_early

        start_early(feeds)  # the parse workers' server starts up beside the run's own start
    started_at = format_time(utcnow())
    run_id = store.start_run(started_at)
    summary = PollSummary()
    claim = None
    if leases is not None and store.engine.supports_leases:
        claim = _claimer(store, leases, started_at)
    if feeds:
        from tracer.startup import importing

        with importing():
            from tracer.poll_loop import run_feeds  # asyncio, httpx, parser workers: only now

        try:
            run_feeds(store, feeds, options, summary, on_done, claim)
        finally:
            if claim is not None and leases is not None:
                _give_back(store, leases.owner)
    # what other pollers' feeds left to this one's turn and were not done yet (tracer.upkeep)
    from tracer import upkeep

    summary.new_edges += upkeep.finish(store, format_time(utcnow()))
    store.flush_matching()  # the text index rows kept pending (tracer.matching)
    summary.seconds = time.monotonic() - started
    store.finish_run(run_id, format_time(utcnow()), summary.counts())
    return summary


def _give_back(store: Store, owner: str) -> None:
    """Give back the leases of the feeds this run claimed and did not write; on a new
    connection when the run's own is lost (the server restarted), so that the next run
    polls them at once instead of after the leases expire. One try: a server still
    down (or rows its lost session still locks) leaves them to expire."""
    from tracer.exceptions import StorageError

    try:
        store.release_leases(owner)
    except StorageError:
        with contextlib.suppress(StorageError):
            again = store.another()  # (one try: CONNECT_TIMEOUT at most)
            try:
                # rows the lost session still locks (its server side not gone yet): not
                # waited for, they are left to expire
                again.execute("SET lock_timeout = '5s'")
                again.release_leases(owner)
            finally:
                again.close(flush=False)


def _claimer(store: Store, leases: Leases, started_at: str) -> Claim:
    """Claim a batch of candidate feeds for this run; the ones it got, in order."""

    # Runs started before this one and still running (cron on several hosts, a
    # few seconds apart): a feed one of them polled is done for this run too.
    # A run killed longer than a lease ago is not waited for.
    since = parse_time(started_at) - timedelta(seconds=leases.seconds)
    beside = store.runs_beside(format_time(since))

    def claim(batch: Sequence[FeedState]) -> list[FeedState]:
        now = utcnow()
        return store.claim_feeds(
            batch,
            now=format_time(now),
            started=started_at,
            until=format_time(now + timedelta(seconds=leases.seconds)),
            owner=leases.owner,
            due=leases.due,
            retry=leases.retry,
            beside=beside,
        )

    return claim
