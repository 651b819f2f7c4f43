"""Decide what one poll of a feed means. Pure: no network, no database.

:func:`decide` turns a feed's stored state and what fetching it produced
(a :class:`FetchResult` or a :class:`FeedError`) into a :class:`FeedUpdate`:
the feed's new status and schedule, the posts and the edges to store.
"""

from __future__ import annotations

import hashlib
import random
from datetime import datetime, timedelta

from tracer.exceptions import FeedError, InvalidURL
from tracer.feeds import parse_feed
from tracer.models import FeedState, FeedUpdate, FetchResult
from tracer.records import item_records
from tracer.timeutil import format_time
from tracer.urls import canonicalize

__all__ = ["backoff_seconds", "decide"]

POLL_INTERVAL = 3600.0  # a healthy feed is due again after an hour
BACKOFF_BASE = 900.0  # first retry after a failure: 15 minutes
BACKOFF_CAP = 24 * 3600.0


def backoff_seconds(failures: int, rng: random.Random | None = None) -> float:
    """Exponential backoff with ±20 % jitter, capped at a day.

    >>> round(backoff_seconds(1, random.Random(0)) / 900, 1)
    1.1
    >>> backoff_seconds(30, random.Random(0)) <= BACKOFF_CAP
    True
    """
    base = min(BACKOFF_BASE * 2 ** max(failures - 1, 0), BACKOFF_CAP)
    jitter = (rng or random).uniform(0.8, 1.2)
    return min(base * jitter, BACKOFF_CAP)


def decide(state: FeedState, outcome: FetchResult | FeedError, now: datetime) -> FeedUpdate:
    """The :class:`FeedUpdate` for one poll of ``state`` at ``now``."""
    stamp = format_time(now)
    feed: dict[str, object] = {"last_polled_at": stamp}
    update = FeedUpdate(feed_id=state.id, feed=feed)
    if isinstance(outcome, FeedError):
        feed["last_status"] = outcome.status
        return _failure(update, state, outcome.message, now)

    feed["last_status"] = outcome.status
    status = outcome.status or 0
    if status == 304:
        update.not_modified = True
        return _success(update, now)
    if status == 410:
        feed.update(
            active=0,
            last_error="410 Gone: feed deactivated (reactivate with 'tracer feeds activate URL')",
            next_poll_at=None,
        )
        update.error = str(feed["last_error"])
        return update
    if status in (429, 503) and outcome.retry_after is not None:
        update = _failure(
            update, state, f"HTTP {status}: asked to retry after {outcome.retry_after:.0f} s", now
        )
        feed["next_poll_at"] = format_time(now + timedelta(seconds=outcome.retry_after))
        return update
    if status != 200 or outcome.body is None:
        return _failure(update, state, f"HTTP {status}", now)

    body_hash = hashlib.sha256(outcome.body).hexdigest()
    if outcome.permanent_url:
        try:
            update.new_url = canonicalize(outcome.permanent_url)
        except InvalidURL:
            update.new_url = None
    if body_hash == state.body_hash and not update.new_url:
        update.not_modified = True
        return _success(update, now)
    try:
        parsed = parse_feed(outcome.body, outcome.final_url or state.url, outcome.content_type)
    except FeedError as exc:
        return _failure(update, state, exc.message, now)
    # Validators are kept only for a body we could read: a broken body must be
    # fetched in full again, not answered with 304.
    feed.update(
        etag=outcome.etag,
        last_modified=outcome.last_modified,
        body_hash=body_hash,
        title=parsed.title,
        site_url=parsed.site_url,
        warning=parsed.warning,
    )
    for item in parsed.items:
        post, edges = item_records(item)
        if post is not None:
            update.posts.append(post)
            update.edges.extend(edges)
    return _success(update, now)


def _success(update: FeedUpdate, now: datetime) -> FeedUpdate:
    stamp = format_time(now)
    update.feed.update(
        last_error=None,
        consecutive_failures=0,
        failing_since=None,
        last_success_at=stamp,
        next_poll_at=format_time(now + timedelta(seconds=POLL_INTERVAL)),
    )
    return update


def _failure(update: FeedUpdate, state: FeedState, message: str, now: datetime) -> FeedUpdate:
    failures = state.consecutive_failures + 1
    update.error = message
    update.feed.update(
        last_error=message,
        consecutive_failures=failures,
        failing_since=state.failing_since or format_time(now),
        next_poll_at=format_time(now + timedelta(seconds=backoff_seconds(failures))),
    )
    return update
