"""The parse workers' forkserver, started as soon as a poll knows it needs one.

A big run parses its bodies in worker processes (:mod:`tracer.poll_loop`),
forked from a *forkserver*: a clean Python process that imports the parsers
once (:data:`PRELOAD`), which takes it a tenth of a second or more. The
workers can start only once it has, and every body of a cold run waits for
them. :func:`start_early` starts the server as soon as the run has chosen
its feeds, so its start-up overlaps the poller's own (importing the event
loop and the HTTP client, opening the run) instead of following it.

Light on purpose: the poller imports it before :mod:`tracer.poll_loop`, and
:mod:`multiprocessing` only when a server is started.
"""

from __future__ import annotations

import contextlib
import os
import threading
import time
from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from multiprocessing.context import ForkServerContext

    from tracer.models import FeedState

__all__ = [
    "PARSER_MODULES",
    "PRELOAD",
    "PROCESS_POOL_MIN_BODIES",
    "PROCESS_POOL_MIN_FEEDS",
    "bodies_expected",
    "start",
    "start_early",
    "start_worker",
]

# What reading a body imports (lxml, extraction; feedparser only for a document the
# lxml reader declines, see tracer.feeds): imported by
# decide() on the first body only, so a poll where every feed answers 304
# never pays for them; worker processes preload them.
PARSER_MODULES = ("tracer.feeds", "tracer.posts", "tracer.xmlguard")
# What the server imports, once for all its workers: the task (tracer.decide.decide_safely),
# the parsers, the pool's worker loop and this module (start_worker).
PRELOAD = (
    "tracer.decide",
    "tracer.fingerprint",
    *PARSER_MODULES,
    "concurrent.futures.process",
    "tracer.parse_server",
)
PROCESS_POOL_MIN_FEEDS = 50  # runs this big parse bodies in worker processes (below: threads)
# ... once this many bodies have come: a run where nearly every feed answers 304
# parses its few bodies in threads, without starting processes.
PROCESS_POOL_MIN_BODIES = 10


def bodies_expected(feeds: Sequence[FeedState]) -> int:
    """How many of ``feeds`` are sure to send a body: those with no validators and no
    body hash cannot answer 304 (new feeds)."""
    return sum(1 for s in feeds if not (s.etag or s.last_modified or s.body_hash))


def start_early(feeds: Sequence[FeedState]) -> None:
    """Start the forkserver now if a run of ``feeds`` will start its worker processes at
    once (:class:`tracer.poll_loop._Parsers`: enough feeds, enough of them new).

    If it cannot start, nothing happens here: the run's pool tries again and falls
    back to threads (:func:`tracer.poll_loop._start_process_pool`).
    """
    if len(feeds) < PROCESS_POOL_MIN_FEEDS:
        return
    if bodies_expected(feeds) < min(PROCESS_POOL_MIN_BODIES, len(feeds)):
        return
    with contextlib.suppress(Exception):  # no fork, no /dev/shm, a sandbox: the pool decides
        start()


def start() -> ForkServerContext:
    """The forkserver context of the parse workers, its server started (once per process:
    a server that is running already is used as it is)."""
    import multiprocessing

    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(list(PRELOAD))
    _start_forkserver_without_cwd()
    return context


def _start_forkserver_without_cwd() -> None:
    """Start the forkserver with the current directory left off its ``sys.path``.

    multiprocessing starts it with ``python -c``, which puts the current
    directory first on ``sys.path``: run from a checkout of another tracer
    version, the workers would import that checkout's parsers and send back
    results this poller cannot read. ``PYTHONSAFEPATH`` (Python 3.11) keeps
    the directory off; it is set only while the server process is spawned.
    """
    from multiprocessing import forkserver

    saved = os.environ.get("PYTHONSAFEPATH")
    os.environ["PYTHONSAFEPATH"] = "1"
    try:
        forkserver.ensure_running()
    finally:
        if saved is None:
            del os.environ["PYTHONSAFEPATH"]
        else:
            os.environ["PYTHONSAFEPATH"] = saved


def start_worker(parent: int, nice: int) -> None:
    """In a worker: lower its priority by ``nice``, and exit when the poller is gone."""
    if nice:
        with contextlib.suppress(OSError):  # a sandbox may refuse it: parse at full priority
            os.nice(nice)
    _exit_with_parent(parent)


def _exit_with_parent(parent: int) -> None:
    """In a worker: exit as soon as the poller is gone (e.g. ``kill -9``), never linger."""

    def watch() -> None:
        while True:
            time.sleep(1.0)
            try:
                os.kill(parent, 0)
            except ProcessLookupError:
                os._exit(1)
            except PermissionError:  # the pid was reused by another user's process
                os._exit(1)

    threading.Thread(target=watch, name="tracer-parent-watch", daemon=True).start()
