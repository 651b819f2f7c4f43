"""Decide what one poll of a feed means. Pure: no network, no database.

:func:`decide` turns a feed's stored state and what fetching it produced
(a :class:`FetchResult` or a :class:`FeedError`) into a :class:`FeedUpdate`:
the feed's new status and schedule, the posts and the edges to store.

The rules, in order:

- 304, or a 200 whose body hashes the same as last time: not modified, no parsing.
- 301/308 all the way: the feed moves to the new URL only once that URL has
  served a feed (a readable body, or 304); the old URL stays as an alias.
- 410: the feed is deactivated until ``tracer feeds activate URL``.
- 429/503 with ``Retry-After``: not polled again before the server asked.
- anything else that fails (4xx, 5xx, network, timeout, caps, unreadable
  body): the error is recorded and the feed is retried with exponential
  backoff and jitter, capped at a day; it is never disabled for failing.
"""

from __future__ import annotations

import hashlib
import random
from datetime import datetime, timedelta
from http import HTTPStatus
from typing import TYPE_CHECKING

from tracer.exceptions import FeedError, FetchError, InvalidURL, ParseError
from tracer.models import FeedChanges, FeedState, FeedUpdate, FetchResult
from tracer.parse_server import PARSER_MODULES  # what decide() imports on the first body
from tracer.timeutil import format_time

if TYPE_CHECKING:
    from tracer.models import ParsedFeed

__all__ = [
    "BACKOFF_BASE",
    "BACKOFF_CAP",
    "PARSER_MODULES",
    "POLL_INTERVAL",
    "backoff_seconds",
    "decide",
    "decide_safely",
]

POLL_INTERVAL = 3600.0  # a healthy feed is due again after an hour
BACKOFF_BASE = 900.0  # first retry after a failure: 15 minutes
BACKOFF_CAP = 24 * 3600.0
GONE_MESSAGE = "410 Gone: feed deactivated (reactivate with 'tracer feeds activate URL')"


def backoff_seconds(failures: int, rng: random.Random | None = None) -> float:
    """Exponential backoff with ±20 % jitter, capped at a day.

    >>> round(backoff_seconds(1, random.Random(0)) / 900, 1)
    1.1
    >>> [round(backoff_seconds(n, random.Random(1)) / 900) for n in (1, 2, 3, 4)]
    [1, 2, 3, 7]
    >>> backoff_seconds(30, random.Random(0)) <= BACKOFF_CAP
    True
    """
    base = min(BACKOFF_BASE * 2 ** min(max(failures - 1, 0), 32), BACKOFF_CAP)
    jitter = (rng or random).uniform(0.8, 1.2)
    return min(base * jitter, BACKOFF_CAP)


def decide_safely(
    state: FeedState, outcome: FetchResult | FeedError, now: datetime, match: bool = True
) -> FeedUpdate:
    """:func:`decide` (with fingerprints if ``match``) for a poll's parse worker: a parser
    bug on one feed is that feed's error, never the run's."""
    try:
        return decide(state, outcome, now, fingerprints=match)
    except Exception as exc:
        return decide(state, FetchError(state.url, f"internal error: {exc!r}"), now)


def decide(
    state: FeedState,
    outcome: FetchResult | FeedError,
    now: datetime,
    rng: random.Random | None = None,
    fingerprints: bool = True,
) -> FeedUpdate:
    """The :class:`FeedUpdate` for one poll of ``state`` at ``now``.

    With ``fingerprints`` each post carries the fingerprint of its text, so
    the store can find copies (:mod:`tracer.matching`).
    """
    feed = FeedChanges(last_polled_at=format_time(now), retry_after_until=None)
    update = FeedUpdate(feed_id=state.id, feed=feed)
    if isinstance(outcome, FeedError):
        feed.last_status = outcome.status
        return _failure(update, state, outcome.message, now, rng)

    status = outcome.status or 0
    feed.last_status = status
    if status == 304 and not (state.etag or state.last_modified):
        message = "HTTP 304 Not Modified to a request that was not conditional"
        return _failure(update, state, message, now, rng)
    if status == 304:
        update.not_modified = True
        update.new_url = _moved_to(outcome, state)
        return _success(update, now)
    if status == 410:
        feed.active, feed.last_error, feed.next_poll_at = 0, GONE_MESSAGE, None
        update.error = GONE_MESSAGE
        return update
    if status in (429, 503) and outcome.retry_after is not None:
        message = f"{_status_text(status)}: asked to retry after {outcome.retry_after:.0f} s"
        _failure(update, state, message, now, rng)
        until = format_time(now + timedelta(seconds=outcome.retry_after))
        feed.next_poll_at = feed.retry_after_until = until
        return update
    if status != 200 or outcome.body is None:
        return _failure(update, state, _status_text(status), now, rng)

    body_hash = hashlib.sha256(outcome.body).hexdigest()
    if body_hash == state.body_hash:
        # Same bytes as the last readable body: nothing to parse, but keep new validators.
        update.not_modified = True
        update.new_url = _moved_to(outcome, state)
        feed.etag, feed.last_modified = outcome.etag, outcome.last_modified
        return _success(update, now)
    try:
        parsed = _parse(
            outcome.body,
            outcome.final_url or state.url,
            outcome.content_type,
            outcome.headers.get("content-location"),
        )
    except FeedError as exc:
        return _failure(update, state, exc.message, now, rng)
    # Validators are kept only for a body we could read: a broken body must be
    # fetched in full again, not answered with 304.
    update.new_url = _moved_to(outcome, state)
    feed.etag, feed.last_modified = outcome.etag, outcome.last_modified
    feed.body_hash = body_hash
    feed.title, feed.site_url, feed.warning = parsed.title, parsed.site_url, parsed.warning
    from tracer.posts import post_and_edges  # lazy: see PARSER_MODULES

    for item in parsed.items:
        post, edges = post_and_edges(item, fingerprints)
        if post is not None:
            update.posts.append(post)
            update.edges.extend(edges)
    return _success(update, now)


def _parse(
    body: bytes, url: str, content_type: str | None, content_location: str | None
) -> ParsedFeed:
    from tracer.feeds import parse_feed  # lazy: see PARSER_MODULES
    from tracer.xmlguard import malformed_reason

    # refuses entity declarations itself; Content-Location is the base for relative links
    parsed = parse_feed(body, url, content_type, content_location)
    if not parsed.items:
        reason = malformed_reason(body)
        if reason:
            raise ParseError(url, f"malformed or truncated XML with no items ({reason})")
    return parsed


def _moved_to(outcome: FetchResult, state: FeedState) -> str | None:
    """The canonical new URL after 301/308 all the way, or None."""
    if not outcome.permanent_url:
        return None
    from tracer.urls import canonicalize  # here: a poll that no feed redirects never needs it

    try:
        new_url = canonicalize(outcome.permanent_url)
    except InvalidURL:
        return None
    return new_url if new_url != state.url else None


def _status_text(status: int) -> str:
    """``HTTP 404 Not Found``.

    >>> _status_text(404), _status_text(599)
    ('HTTP 404 Not Found', 'HTTP 599')
    """
    try:
        return f"HTTP {status} {HTTPStatus(status).phrase}"
    except ValueError:
        return f"HTTP {status}"


def _success(update: FeedUpdate, now: datetime) -> FeedUpdate:
    feed = update.feed
    feed.last_error, feed.consecutive_failures, feed.failing_since = None, 0, None
    feed.last_success_at = format_time(now)
    feed.next_poll_at = format_time(now + timedelta(seconds=POLL_INTERVAL))
    return update


def _failure(
    update: FeedUpdate,
    state: FeedState,
    message: str,
    now: datetime,
    rng: random.Random | None,
) -> FeedUpdate:
    failures = state.consecutive_failures + 1
    update.error = message
    feed = update.feed
    feed.last_error, feed.consecutive_failures = message, failures
    feed.failing_since = state.failing_since or format_time(now)
    feed.next_poll_at = format_time(now + timedelta(seconds=backoff_seconds(failures, rng)))
    return update
