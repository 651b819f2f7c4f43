"""tracer.decide: stored state + fetch outcome → FeedUpdate, without network or database."""

from __future__ import annotations

import hashlib
import random
from datetime import UTC, datetime, timedelta

import pytest

from tracer.decide import GONE_MESSAGE, decide
from tracer.exceptions import FetchError
from tracer.models import FeedState, FetchResult
from tracer.timeutil import format_time

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=UTC)
URL = "https://blog.example/feed"
FEED = (
    b'<?xml version="1.0"?><rss version="2.0"><channel><title>Blog</title>'
    b"<item><title>One</title><link>https://blog.example/one/</link>"
    b"<description>Source Article from &lt;a href='https://origin.example/a'&gt;x&lt;/a&gt;"
    b"</description></item></channel></rss>"
)


def state(**changes: object) -> FeedState:
    return FeedState(**{"id": 1, "url": URL, **changes})  # type: ignore[arg-type]


def ok(body: bytes = FEED, **changes: object) -> FetchResult:
    values: dict[str, object] = {"url": URL, "status": 200, "final_url": URL, "body": body}
    return FetchResult(**{**values, **changes})  # type: ignore[arg-type]


def at(hours: float) -> str:
    return format_time(NOW + timedelta(hours=hours))


def test_a_readable_feed_yields_posts_edges_validators_and_an_hourly_schedule() -> None:
    update = decide(state(consecutive_failures=4), ok(etag='"v1"'), NOW)
    assert [p.url for p in update.posts] == ["https://blog.example/one/"]
    assert update.error is None and not update.not_modified
    assert update.feed.etag == '"v1"' and update.feed.title == "Blog"
    assert update.feed.consecutive_failures == 0 and update.feed.next_poll_at == at(1)


def test_same_body_is_not_parsed_again_but_new_validators_are_kept() -> None:
    known = state(body_hash=hashlib.sha256(FEED).hexdigest())
    update = decide(known, ok(etag='"v2"'), NOW)
    assert update.not_modified and update.posts == []
    assert update.feed.etag == '"v2"'


def test_permanent_move_only_once_the_target_serves_a_feed() -> None:
    moved = ok(final_url="https://new.example/feed", permanent_url="https://new.example/feed")
    assert decide(state(), moved, NOW).new_url == "https://new.example/feed"
    unchanged = FetchResult(URL, 304, "https://new.example/feed", "https://new.example/feed")
    assert decide(state(etag='"v1"'), unchanged, NOW).new_url == "https://new.example/feed"
    broken = ok(b"<html>moved</html>", permanent_url="https://new.example/feed")
    update = decide(state(), broken, NOW)
    assert update.new_url is None and update.error


def test_304_to_an_unconditional_request_is_an_error() -> None:
    update = decide(state(), FetchResult(URL, 304), NOW)
    assert update.error and "not conditional" in update.error and not update.not_modified
    assert decide(state(last_modified="x"), FetchResult(URL, 304), NOW).not_modified


def test_gone_deactivates() -> None:
    update = decide(state(), FetchResult(URL, 410), NOW)
    assert update.feed.active == 0 and update.feed.next_poll_at is None
    assert update.error == GONE_MESSAGE


@pytest.mark.parametrize("status", [429, 503])
def test_retry_after_sets_the_next_poll_exactly(status: int) -> None:
    update = decide(state(), FetchResult(URL, status, retry_after=7200.0), NOW)
    assert update.feed.next_poll_at == update.feed.retry_after_until == at(2)
    assert update.feed.consecutive_failures == 1


def test_503_without_retry_after_backs_off_like_any_failure() -> None:
    update = decide(state(), FetchResult(URL, 503), NOW, random.Random(0))
    assert update.feed.retry_after_until is None
    assert at(0.25 * 0.8) <= str(update.feed.next_poll_at) <= at(0.25 * 1.2)
    assert update.error == "HTTP 503 Service Unavailable"


def test_failures_keep_counting_and_keep_when_they_started() -> None:
    failing = state(consecutive_failures=5, failing_since="2026-11-20T00:00:00Z")
    update = decide(failing, FetchError(URL, "timed out after 20 s"), NOW, random.Random(0))
    assert update.feed.consecutive_failures == 6
    assert update.feed.failing_since == "2026-11-20T00:00:00Z"
    assert update.feed.last_status is None and update.feed.last_error == "timed out after 20 s"
    assert at(8 * 0.8) <= str(update.feed.next_poll_at) <= at(8 * 1.2)  # 15 min × 2⁵
    assert "active" not in update.feed.columns()  # never disabled for failing


@pytest.mark.parametrize(
    "body, fragment",
    [
        (b"", "empty body"),
        (b" \r\n\t\x0b\x0c ", "empty body"),  # only whitespace
        (b"<!DOCTYPE html><html><body>hi</body></html>", "HTML page"),
        (FEED[:60], "truncated"),
        (
            b"<?xml version='1.0'?><!--" + b" " * 70000 + b'--><!DOCTYPE r [<!ENTITY a "b">]><r/>',
            "entities",
        ),
    ],
)
def test_unreadable_bodies_are_errors_and_keep_no_validators(body: bytes, fragment: str) -> None:
    update = decide(state(), ok(body, etag='"x"'), NOW)
    assert fragment in (update.error or "")
    assert "etag" not in update.feed.columns() and update.posts == []
