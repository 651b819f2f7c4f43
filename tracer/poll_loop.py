"""The event loop of a poll run: fetch concurrently, decide and write off the loop.

:func:`run_feeds` polls a list of feeds within the limits (overall
concurrency, :data:`~tracer.defaults.PER_HOST_LIMIT` per host), parses bodies in
worker threads or processes (:class:`_Parsers`) and writes each feed's
update (:class:`_Recorder`) on a writer thread of its own
(:class:`_WriterThread`; with leases, on a connection of its own),
counting it in the run's :class:`~tracer.poll.PollSummary`.
:mod:`tracer.poll` describes the steps.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import queue
import threading
import time
from collections.abc import Callable, Coroutine, Iterator, Sequence
from concurrent.futures import BrokenExecutor, Executor, ThreadPoolExecutor
from contextlib import AbstractContextManager
from datetime import datetime
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from tracer.decide import decide
from tracer.decide import decide_safely as _decide_safely
from tracer.defaults import PER_HOST_LIMIT
from tracer.exceptions import FeedError, FetchError, StorageError, refused_value
from tracer.models import FeedState, FeedUpdate, FetchResult
from tracer.parse_server import bodies_expected, min_bodies, wants_processes
from tracer.parse_server import start_worker as _start_worker
from tracer.timeutil import format_time, parse_time, utcnow

if TYPE_CHECKING:
    from tracer.fetch import Clients
    from tracer.poll import Claim, PollOptions, PollSummary
    from tracer.store import Store

__all__ = [
    "CHECKPOINT_SECONDS",
    "PARKED_BYTES",
    "PARSE_WORKERS",
    "PROCESS_POOL_WAIT",
    "RUN_WAL_PAGES",
    "UNCHANGED_BATCH",
    "WRITE_BATCH",
    "WRITE_BATCH_SECONDS",
    "WRITE_QUEUE",
    "run_feeds",
    "run_write_settings",
]

PARSE_WORKERS = 2
# Where other pollers may write the same database (PostgreSQL, SQLite shards), parse
# workers run at this lower priority (os.nice): on a busy machine the poller's writer
# thread (which, on PostgreSQL, may hold the lock every poller's edge writes take
# turns on) and its loop get a core before parsing does (issue 16: three pollers).
# A poller alone on its database (PollOptions.alone) does not lower them: there the
# poller's many short wake-ups preempting the workers at once cost a cold poll 5-10 %
# of its wall time (issue 12: side by side, the same CPU seconds); nice 3 was no
# faster side by side and took more CPU (issue 12).
PARSE_WORKER_NICE = 10
# When a run parses in worker processes: tracer.parse_server (PROCESS_POOL_MIN_FEEDS,
# PROCESS_POOL_MIN_BODIES), which also starts their forkserver early by the same rule
PROCESS_POOL_WAIT = 0.5  # seconds the first bodies of a big run wait for that many more
# Bodies that wait for the starting processes may give back their slot up to this many
# bytes in all: the loop fetches on during the start-up instead of waiting with it.
PARKED_BYTES = 8 * 1024 * 1024
UNCHANGED_BATCH = 100  # unchanged feeds whose schedule updates share one transaction
WRITE_BATCH = 20  # feeds with a body that share one transaction (each in its own savepoint)
WRITE_BATCH_SECONDS = 0.5  # ... committed at least this often
WRITE_QUEUE = 2 * WRITE_BATCH  # decided feeds waiting for the writer thread, at most
# SQLite: the write-ahead log is copied back into the database (and both synced) once
# it holds this many pages (64 MiB of 4 KiB pages), not at nearly every batch commit.
RUN_WAL_PAGES = 16_000
# ... and a thread of the run copies it back this often meanwhile (passive checkpoints on
# a connection of its own): the writer's commits, and the first after the run, find
# little left to copy (SQLiteEngine.checkpoints_beside).
CHECKPOINT_SECONDS = 0.5


def run_feeds(
    store: Store,
    feeds: Sequence[FeedState],
    options: PollOptions,
    summary: PollSummary,
    on_done: Callable[[FeedState], None] | None = None,
    claim: Claim | None = None,
) -> None:
    """Poll ``feeds`` and store what they say, counting each in ``summary``.

    With ``claim`` (leases, PostgreSQL), ``feeds`` are candidates, claimed a
    batch at a time as slots free up (see :func:`_claim_and_poll`).
    Raises :class:`StorageError` (after stopping every fetch) if the database
    cannot be written; each feed stored before that stays stored.
    """
    with run_write_settings(store):
        asyncio.run(_poll_all(feeds, options, store, summary, on_done, claim))


@contextlib.contextmanager
def run_write_settings(store: Store) -> Iterator[None]:
    """On SQLite, within the block: a checkpoint every :data:`RUN_WAL_PAGES` pages, not
    every batch, by the writer, and every :data:`CHECKPOINT_SECONDS` beside it
    (:meth:`~tracer.engine.sqlite.SQLiteEngine.checkpoints_beside`), and the feeds'
    savepoint sub-journals in memory, not in a temporary file
    (:meth:`~tracer.engine.sqlite.SQLiteEngine.temp_in_memory`)."""
    from tracer.engine.sqlite import SQLiteEngine

    engine = store.engine
    if not isinstance(engine, SQLiteEngine):
        yield
        return
    with (
        engine.wal_pages(RUN_WAL_PAGES),
        engine.temp_in_memory(),
        engine.checkpoints_beside(CHECKPOINT_SECONDS),
    ):
        yield


async def _poll_all(
    feeds: Sequence[FeedState],
    options: PollOptions,
    store: Store,
    summary: PollSummary,
    on_done: Callable[[FeedState], None] | None,
    claim: Claim | None = None,
) -> None:
    """Poll every feed concurrently within the limits; write each as it is decided."""
    # The writes run beside the loop, on a connection of their own where claims
    # need the loop's (sqlite3 and psycopg release the GIL while the database works).
    with store.writer() as writes:
        recorder = _WriterThread(_Recorder(writes, summary, on_done), asyncio.get_running_loop())
        try:
            await _poll_with(feeds, options, claim, recorder)
        finally:
            recorder.close()  # the feeds written before a failure or Ctrl-C stay written


async def _poll_with(
    feeds: Sequence[FeedState],
    options: PollOptions,
    claim: Claim | None,
    recorder: _WriterThread,
) -> None:
    limits = _Slots(options.concurrency)
    parsers = _Parsers(
        processes=wants_processes(feeds),
        match=options.match,
        min_bodies=min_bodies(feeds),
        nice=0 if options.alone else PARSE_WORKER_NICE,
    )
    # A feed with no validators and no body hash cannot answer 304: a run with
    # enough of them (new feeds) starts the processes while the first fetches go.
    if parsers.expect(bodies_expected(feeds)):
        # a cold run: the writer imports what the first feed's write needs while the
        # processes start, not when that feed is parsed (tens of milliseconds)
        recorder.warm_up(WRITE_MODULES if options.match else WRITE_MODULES[:2])
    # The HTTP client (httpx: a few hundred milliseconds of imports) is imported
    # once the processes are starting, so their start-up runs beside it.
    await asyncio.sleep(0)
    from tracer.fetch import Clients

    try:
        async with Clients(options.concurrency, proxy=options.proxy) as client:
            try:
                async with asyncio.TaskGroup() as group:
                    if claim is None:
                        for state in feeds:
                            group.create_task(
                                _poll_one(client, state, options, limits, parsers, recorder)
                            )
                    else:
                        await _claim_and_poll(
                            group,
                            feeds,
                            claim,
                            options.concurrency,
                            lambda state: _poll_one(
                                client, state, options, limits, parsers, recorder
                            ),
                        )
                await recorder.finish()
            except* StorageError as failed:
                raise failed.exceptions[0] from None
    finally:
        parsers.close()


async def _claim_and_poll(
    group: asyncio.TaskGroup,
    feeds: Sequence[FeedState],
    claim: Claim,
    concurrency: int,
    poll_one: Callable[[FeedState], Coroutine[Any, Any, None]],
) -> None:
    """Claim ``feeds`` a batch at a time, never more than twice ``concurrency`` ahead.

    Claiming lazily lets other pollers take what this one has not reached:
    N pollers started together share the due feeds instead of the first one
    leasing them all.
    """
    batch = max(1, concurrency)
    window = asyncio.Semaphore(2 * batch)
    for start in range(0, len(feeds), batch):
        for _ in range(batch):  # room for a whole batch before claiming it
            await window.acquire()
        claimed = claim(feeds[start : start + batch])
        for _ in range(batch - len(claimed)):
            window.release()
        for state in claimed:
            task = group.create_task(poll_one(state))
            task.add_done_callback(lambda _task: window.release())


async def _poll_one(
    client: Clients,
    state: FeedState,
    options: PollOptions,
    limits: _Slots,
    parsers: _Parsers,
    recorder: _WriterThread,
) -> None:
    # The host's slot first: feeds queued behind a busy host must not hold
    # global slots that feeds of other hosts could use.
    async with limits.host(state.url):
        await limits.overall.acquire()
        try:
            outcome = await _fetch(client, state, options)
        except BaseException:
            limits.overall.release()
            raise
    # The global slot is held until the update is handed to the writer: bounded memory
    # (a writer thread that falls behind holds back the fetches, not a pile of updates).
    held = True
    try:
        now = utcnow()
        if isinstance(outcome, FeedError) or outcome.body is None:
            # No body (304, errors, redirects gone wrong): deciding is a few
            # microseconds, cheaper than a hand-off to a worker.
            update = _decide_safely(state, outcome, now)
        elif (parked := parsers.park(len(outcome.body))) is not None:
            # The processes are starting: the body waits for them without its
            # slot, so the loop fetches on meanwhile (within PARKED_BYTES).
            limits.overall.release()
            held = False
            with parked:
                update = await parsers.decide(state, outcome, now)
        else:
            update = await parsers.decide(state, outcome, now)
        del outcome
        await recorder.write(state, update, format_time(now))
    finally:
        if held:
            limits.overall.release()


async def _fetch(
    client: Clients, state: FeedState, options: PollOptions
) -> FetchResult | FeedError:
    from tracer.fetch import fetch_feed  # imported by _poll_all already

    try:
        return await fetch_feed(
            client.for_url(state.url),
            state.url,
            client_for=client.for_url,
            etag=state.etag,
            last_modified=state.last_modified,
            timeout=options.timeout,
            max_bytes=options.max_bytes,
        )
    except FeedError as exc:
        return exc
    except Exception as exc:  # a bug or an odd failure must not stop other feeds
        return FetchError(state.url, f"unexpected {type(exc).__name__}: {exc}")


class _Slots:
    """``concurrency`` requests at once in all, :data:`PER_HOST_LIMIT` per host."""

    def __init__(self, concurrency: int) -> None:
        self.overall = asyncio.Semaphore(max(1, concurrency))
        self._hosts: dict[str, asyncio.Semaphore] = {}

    def host(self, url: str) -> asyncio.Semaphore:
        name = (urlsplit(url).hostname or "").lower()
        if name not in self._hosts:
            self._hosts[name] = asyncio.Semaphore(PER_HOST_LIMIT)
        return self._hosts[name]


class _Parsers:
    """Where bodies are decided, off the event loop.

    Parsing and extraction are pure CPU: in a big run they go to worker
    processes (the GIL would keep threads on one core), which get plain
    picklable inputs and return a :class:`FeedUpdate`; in a small run, or
    when processes cannot start or one died, to worker threads.

    A big run starts the processes once :data:`PROCESS_POOL_MIN_BODIES`
    bodies have come (:mod:`tracer.parse_server`; at once when that many feeds are new: they cannot
    answer 304); the first bodies wait up to
    :data:`PROCESS_POOL_WAIT` seconds for the others (in a cold run they
    follow at once), and bodies wait while the processes start, rather than
    being parsed on the loop's process, which would import every parser
    there and take the loop's time. Bodies that waited in vain (a run where
    nearly every feed answers 304) are parsed in threads, with no process.
    While the processes start, waiting bodies give back their fetch slot
    (:meth:`park`, up to :data:`PARKED_BYTES` in all), so the loop fetches on
    instead of idling through the start-up.
    """

    def __init__(
        self, processes: bool, match: bool = True, min_bodies: int = 1, nice: int = 0
    ) -> None:
        self._threads = ThreadPoolExecutor(PARSE_WORKERS, thread_name_prefix="tracer-parse")
        self._nice = nice  # the worker processes' niceness (os.nice)
        self._want_processes = processes
        self._min_bodies = min_bodies  # processes start with this body, not before
        self._bodies = 0
        self._match = match  # the workers fingerprint each post's text too
        self._processes: Executor | None = None
        self._enough = asyncio.Event()  # set when the processes start
        self._starting: asyncio.Future[Executor | None] | None = None
        self._parked = 0  # bytes of bodies waiting for the processes without a slot

    async def decide(self, state: FeedState, outcome: FetchResult, now: datetime) -> FeedUpdate:
        self._bodies += 1
        executor = await self._executor()
        loop = asyncio.get_running_loop()
        try:
            return await loop.run_in_executor(
                executor, _decide_safely, state, outcome, now, self._match
            )
        except BrokenExecutor:  # BrokenProcessPool (threads without an initializer never break)
            # A worker died (killed, out of memory) on this feed or another one:
            # this feed records the error; the rest of the run parses in threads.
            self._processes = None
            message = "internal error: the parser process died while reading this feed"
            return _decide_safely(state, FetchError(state.url, message), now)

    def park(self, size: int) -> AbstractContextManager[None] | None:
        """Room for a body of ``size`` bytes to wait for the starting processes without a
        slot (until the block ends), or None: they are not starting, or there is no room."""
        if self._starting is None or self._parked + size > PARKED_BYTES:
            return None
        self._parked += size
        return self._unpark(size)

    @contextlib.contextmanager
    def _unpark(self, size: int) -> Iterator[None]:
        try:
            yield
        finally:
            self._parked -= size

    def expect(self, bodies: int) -> bool:
        """Start the processes now if at least that many bodies are sure to come (True)."""
        if self._want_processes and bodies >= self._min_bodies:
            self._start()
            return True
        return False

    def _start(self) -> None:
        self._want_processes = False
        self._starting = asyncio.ensure_future(
            asyncio.to_thread(_start_process_pool, self._nice)
        )
        self._enough.set()

    async def _executor(self) -> Executor:
        if self._want_processes:
            if self._bodies >= self._min_bodies:
                self._start()
            else:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._enough.wait(), PROCESS_POOL_WAIT)
        starting = self._starting
        if starting is not None:
            pool = await asyncio.shield(starting)
            if self._starting is starting:  # the first body back installs the pool
                self._starting = None
                self._processes = pool
        return self._processes or self._threads

    def close(self) -> None:
        self._threads.shutdown(wait=True, cancel_futures=True)
        starting, self._starting = self._starting, None
        if starting is not None and starting.done() and not starting.cancelled():
            self._processes = self._processes or starting.result()  # started, never used
        if self._processes is not None:
            self._processes.shutdown(wait=True, cancel_futures=True)


class _Recorder:
    """Writes each feed's update and counts it (run by a :class:`_WriterThread`).

    Feeds with posts, errors or moves are written as they are decided, each in
    its own savepoint of a transaction shared by at most :data:`WRITE_BATCH`
    feeds and committed at least every :data:`WRITE_BATCH_SECONDS` (one commit
    per feed wrote most B-tree pages again and again to the write-ahead log).
    Each feed is all or nothing; a run killed before a commit loses at most
    the feeds of that batch (polled again next run: their validators and
    schedule were in the same transaction). On an engine with leases
    (PostgreSQL) each feed is committed at once, with its lease given back:
    other pollers see it as soon as it is written.

    Unchanged feeds (304 or the same body) only move their schedule: one tiny
    UPDATE each, written together in one transaction per
    :data:`UNCHANGED_BATCH` feeds instead of one commit each. A run killed
    before the flush loses at most these schedule updates.

    The thread commits an open batch at :attr:`due`; ``report`` brings each
    feed's counts to the loop's thread.
    """

    def __init__(
        self,
        store: Store,
        summary: PollSummary,
        on_done: Callable[[FeedState], None] | None,
    ) -> None:
        self.store = store
        self.summary = summary
        self.on_done = on_done
        self.report: Callable[[FeedState, FeedUpdate, int, int], None] = self.count
        self._unchanged: list[tuple[FeedState, FeedUpdate, str]] = []
        self._batch: AbstractContextManager[None] | None = None  # the open transaction
        self._batched = 0  # feeds written in it
        self.due: float | None = None  # when the open batch must be committed (monotonic)
        # With leases (PostgreSQL) each feed commits at once: the other pollers must
        # see it (and its lease given back) as soon as it is written.
        self._batching = not store.engine.supports_leases

    def write_now(self, state: FeedState, update: FeedUpdate, now: str) -> None:
        if unchanged(update):
            self._unchanged.append((state, update, now))
            if len(self._unchanged) >= UNCHANGED_BATCH:
                self.flush()
            return
        if self._batch is None and self._batching:
            self._begin()
        try:
            new_posts, new_edges = self.store.apply(update, now)  # a savepoint of the batch
            refused = None
        except StorageError as exc:
            refused = refused_value(exc)
            if refused is None:
                raise  # the database itself failed: the run stops
        if refused is not None:
            # the database refused one of this feed's values (rolled back): that feed's
            # error, retried with backoff; the other feeds go on
            message = f"nothing stored: the database refused a value of this feed ({refused})"
            update = decide(state, FeedError(state.url, message), parse_time(now))
            new_posts, new_edges = self.store.apply(update, now)
        self._batched += 1
        self.report(state, update, new_posts, new_edges)
        if self._batched >= WRITE_BATCH:
            self.commit()

    def write_unchanged(self, batch: list[tuple[FeedState, FeedUpdate, str]]) -> None:
        """Move the schedule of unchanged feeds, in one transaction."""
        with self.store.transaction():
            for _state, update, now in batch:
                self.store.apply(update, now)
        for state, update, _now in batch:
            self.report(state, update, 0, 0)

    def flush(self) -> None:
        """Write the unchanged feeds kept so far, then commit everything written."""
        if self._unchanged:
            batch, self._unchanged = self._unchanged, []
            self.write_unchanged(batch)
        self.commit()

    def commit(self) -> None:
        """Commit the open batch of feeds, if any (StorageError if that fails)."""
        batch, self._batch, self._batched = self._batch, None, 0
        self.due = None
        if batch is not None:
            try:
                batch.__exit__(None, None, None)
            except BaseException:
                # Its feeds' posts may not be committed (SQLite rolls a transaction back
                # when its COMMIT fails on a full disk or an I/O error): the matcher's
                # pending index rows may name them, and a close would write them.
                self.store.forget_matching()
                raise

    def close(self) -> None:
        """At the end of a run that failed or was cut: keep the feeds written in full."""
        with contextlib.suppress(StorageError):
            self.commit()

    def _begin(self) -> None:
        batch = self.store.transaction()
        batch.__enter__()
        self._batch = batch
        self.due = time.monotonic() + WRITE_BATCH_SECONDS

    def count(self, state: FeedState, update: FeedUpdate, new_posts: int, new_edges: int) -> None:
        summary = self.summary
        summary.feeds += 1
        summary.not_modified += int(update.not_modified)
        summary.new_posts += new_posts
        summary.new_edges += new_edges
        if update.error:
            summary.errors.append((state.url, update.error))
        if self.on_done:
            self.on_done(state)


def unchanged(update: FeedUpdate) -> bool:
    """A feed whose poll only moves its schedule (304 or the same body, no move, no error)."""
    return update.not_modified and not update.new_url and not update.error


# What a feed's first write imports (edges; matching): see _WriterThread.warm_up
WRITE_MODULES = ("tracer.pages", "tracer.reach", "tracer.fingerprint", "tracer.matching")
_FINISH = object()  # the writer thread's queue: flush, commit and stop
_CLOSE = object()  # ... commit what is written in full and stop (a failed or cut run)


class _WriterThread:
    """A :class:`_Recorder` on a thread of its own, so the loop never waits on the database.

    :mod:`sqlite3` releases the GIL while SQLite works, and psycopg while it
    waits for the server's answers, so the loop fetches,
    hands bodies to the workers and takes their results meanwhile. Decided
    feeds queue up to :data:`WRITE_QUEUE` (then :meth:`write` waits: memory
    stays bounded) and are written in order, in the recorder's batches; the
    thread commits a batch at :attr:`_Recorder.due` if no feed comes.
    Unchanged feeds are gathered on the loop and handed over
    :data:`UNCHANGED_BATCH` at a time. Counts reach the summary on the loop's
    thread. A write that fails (:class:`StorageError`) is raised by the next
    :meth:`write` or by :meth:`finish`; the thread writes nothing after it.
    The recorder's store (:meth:`Store.writer`) is used by this thread only, from start
    to :meth:`finish` or :meth:`close`: on SQLite the run's store, on an engine
    with leases a second connection, while the loop claims feeds on the first.
    """

    def __init__(self, recorder: _Recorder, loop: asyncio.AbstractEventLoop) -> None:
        recorder.report = self._report
        self._recorder = recorder
        self._loop = loop
        self._queue: queue.SimpleQueue[object] = queue.SimpleQueue()
        self._room = asyncio.Semaphore(WRITE_QUEUE)
        self._unchanged: list[tuple[FeedState, FeedUpdate, str]] = []
        self._reports: list[tuple[FeedState, FeedUpdate, int, int]] = []  # not on the loop yet
        self._failed: BaseException | None = None
        self._closing = False  # close(): what is still queued is not written
        self._done: asyncio.Future[None] = loop.create_future()
        self._thread = threading.Thread(target=self._run, name="tracer-writer", daemon=True)
        self._thread.start()

    async def write(self, state: FeedState, update: FeedUpdate, now: str) -> None:
        if self._failed is not None:
            raise self._failed
        if unchanged(update):
            self._unchanged.append((state, update, now))
            if len(self._unchanged) >= UNCHANGED_BATCH:
                batch, self._unchanged = self._unchanged, []
                await self._put(batch)
            return
        await self._put((state, update, now))

    def warm_up(self, modules: Sequence[str]) -> None:
        """Have the thread import ``modules`` before the first feed comes (a big cold run:
        while the parse processes start, the writer has nothing else to do)."""
        self._queue.put(_Imports(modules))

    async def finish(self) -> None:
        """Write everything queued and gathered, commit, stop the thread; raise its failure."""
        if self._unchanged:
            batch, self._unchanged = self._unchanged, []
            await self._put(batch)
        self._queue.put(_FINISH)
        await self._done
        if self._failed is not None:
            raise self._failed

    def close(self) -> None:
        """Stop the thread (at once after a failure or Ctrl-C); feeds written in full stay."""
        self._closing = True
        self._queue.put(_CLOSE)
        self._thread.join()

    async def _put(self, item: object) -> None:
        await self._room.acquire()
        self._queue.put(item)

    def _report(self, state: FeedState, update: FeedUpdate, new_posts: int, new_edges: int) -> None:
        self._reports.append((state, update, new_posts, new_edges))

    def _hand_over(self, room: int) -> None:
        """Bring the counts reported so far and ``room`` freed queue places to the loop's
        thread, in one wake-up of the loop (not one per feed, nor one more per place)."""
        reports, self._reports = self._reports, []
        if reports or room:
            self._loop.call_soon_threadsafe(self._counted, reports, room)

    def _counted(self, reports: list[tuple[FeedState, FeedUpdate, int, int]], room: int) -> None:
        for _ in range(room):
            self._room.release()
        count = self._recorder.count
        for report in reports:
            try:  # each feed counted apart, as one callback of the loop each would be
                count(*report)
            except Exception as exc:  # e.g. an on_done callback's bug: the loop's handler says it
                self._loop.call_exception_handler(
                    {"message": "Exception in a poll's on_done callback", "exception": exc}
                )

    def _run(self) -> None:
        recorder = self._recorder
        try:
            while True:
                due = recorder.due
                try:
                    if due is None:
                        item = self._queue.get()
                    else:
                        item = self._queue.get(timeout=max(0.0, due - time.monotonic()))
                except queue.Empty:
                    self._attempt(recorder.commit)
                    continue
                if item is _CLOSE:
                    break
                if item is _FINISH:
                    self._attempt(recorder.flush)
                    break
                if isinstance(item, _Imports):
                    item.run()
                    continue
                if isinstance(item, list):
                    self._attempt(recorder.write_unchanged, item)
                elif isinstance(item, tuple):
                    self._attempt(recorder.write_now, *item)
                self._hand_over(1)
        finally:
            recorder.close()  # commits what is written in full (a failure is kept already)
            self._hand_over(0)  # the flush's counts, before the end
            self._loop.call_soon_threadsafe(self._finished)

    def _attempt(self, step: Callable[..., None], *args: Any) -> None:
        if self._failed is not None or self._closing:
            return
        try:
            step(*args)
        except BaseException as exc:  # raised on the loop's thread by the next write
            self._failed = exc

    def _finished(self) -> None:
        if not self._done.done():
            self._done.set_result(None)


class _Imports:
    """Modules for the writer thread to import (:meth:`_WriterThread.warm_up`)."""

    def __init__(self, modules: Sequence[str]) -> None:
        self.modules = modules

    def run(self) -> None:
        import importlib

        for name in self.modules:
            with contextlib.suppress(ImportError):  # imported (and raised) where used, then
                importlib.import_module(name)


def _start_process_pool(nice: int = 0) -> Executor | None:
    """Worker processes for parsing, ``nice`` lower in priority (:func:`os.nice`) than this
    one, or None (parse in threads) if they cannot start.

    ``forkserver``: the workers are forked from a clean server process that
    has imported the parsers once, never from this multi-threaded process
    (:mod:`tracer.parse_server`, which a big run starts before this is called).
    multiprocessing is imported by the runs that start processes only.
    """
    from concurrent.futures.process import ProcessPoolExecutor

    from tracer import parse_server

    pool: ProcessPoolExecutor | None = None
    try:
        context = parse_server.start()  # started early by the run, as a rule
        pool = ProcessPoolExecutor(
            PARSE_WORKERS,
            mp_context=context,
            initializer=_start_worker,
            initargs=(os.getpid(), nice),
        )
        pool.submit(int).result(timeout=30)  # fail here, not on a feed, if it cannot start
    except Exception:  # no /dev/shm, no fork, a sandbox, too slow to start: threads still work
        if pool is not None:  # never leave a half-started pool to the interpreter's exit
            pool.shutdown(wait=False, cancel_futures=True)
        return None
    return pool
