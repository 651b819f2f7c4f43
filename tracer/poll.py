"""Poll feeds: fetch concurrently, decide, store each feed in its own transaction.

This is the edge of the system where network and database meet; the logic
of what a poll means lives in :mod:`tracer.decide`.
"""

from __future__ import annotations

import asyncio
import time
from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from urllib.parse import urlsplit

import httpx

from tracer.decide import decide
from tracer.exceptions import FeedError, FetchError
from tracer.fetch import DEFAULT_MAX_BYTES, DEFAULT_TIMEOUT, fetch_feed, make_client
from tracer.models import FeedState, FetchResult
from tracer.store import Store
from tracer.timeutil import format_time, utcnow

__all__ = ["PollOptions", "PollSummary", "poll_feeds"]

PER_HOST_LIMIT = 2


@dataclass(frozen=True, slots=True)
class PollOptions:
    timeout: float = DEFAULT_TIMEOUT
    max_bytes: int = DEFAULT_MAX_BYTES
    concurrency: int = 10


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
        return (
            f"polled {self.feeds} feeds: {self.not_modified} not modified, "
            f"{self.new_posts} new posts, {self.new_edges} new edges, "
            f"{len(self.errors)} errors, {self.seconds:.2f} s"
        )


def poll_feeds(
    store: Store,
    feeds: Sequence[FeedState],
    options: PollOptions = PollOptions(),
    on_done: Callable[[FeedState], None] | None = None,
) -> PollSummary:
    """Poll ``feeds`` and store what they say; one feed's failure never stops the others."""
    started = time.monotonic()
    run_id = store.start_run(format_time(utcnow()))
    summary = PollSummary()
    asyncio.run(_poll_all(store, feeds, options, summary, on_done))
    summary.seconds = time.monotonic() - started
    store.finish_run(run_id, format_time(utcnow()), summary.counts())
    return summary


async def _poll_all(
    store: Store,
    feeds: Sequence[FeedState],
    options: PollOptions,
    summary: PollSummary,
    on_done: Callable[[FeedState], None] | None,
) -> None:
    global_limit = asyncio.Semaphore(max(1, options.concurrency))
    host_limits: dict[str, asyncio.Semaphore] = defaultdict(
        lambda: asyncio.Semaphore(PER_HOST_LIMIT)
    )

    async def fetch_one(
        client: httpx.AsyncClient, state: FeedState
    ) -> tuple[FeedState, FetchResult | FeedError]:
        host = (urlsplit(state.url).hostname or "").lower()
        async with global_limit, host_limits[host]:
            try:
                result: FetchResult | FeedError = await fetch_feed(
                    client,
                    state.url,
                    etag=state.etag,
                    last_modified=state.last_modified,
                    timeout=options.timeout,
                    max_bytes=options.max_bytes,
                )
            except FeedError as exc:
                result = exc
            except Exception as exc:  # a bug or an odd failure must not stop other feeds
                result = FetchError(state.url, f"unexpected {type(exc).__name__}: {exc}")
            return state, result

    async with make_client(options.concurrency) as client:
        tasks = [asyncio.create_task(fetch_one(client, state)) for state in feeds]
        for next_done in asyncio.as_completed(tasks):
            state, outcome = await next_done
            now = utcnow()
            try:
                update = decide(state, outcome, now)
            except Exception as exc:  # a parser bug on one feed is that feed's error
                update = decide(state, FetchError(state.url, f"internal error: {exc!r}"), now)
            new_posts, new_edges = store.apply(update, format_time(now))
            summary.feeds += 1
            summary.not_modified += int(update.not_modified)
            summary.new_posts += new_posts
            summary.new_edges += new_edges
            if update.error:
                summary.errors.append((state.url, update.error))
            if on_done:
                on_done(state)
