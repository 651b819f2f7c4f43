"""Timestamps as tracer stores them: ISO 8601 UTC text with a trailing Z."""

from __future__ import annotations

from datetime import UTC, datetime

__all__ = [
    "FUTURE_WARNING",
    "FUTURE_WARNING_SECONDS",
    "format_time",
    "not_after",
    "parse_time",
    "utcnow",
]

FUTURE_WARNING_SECONDS = 3600  # a feed date this far past its first sighting is worth a warning
FUTURE_WARNING = "feed date {} is after the post was first seen"  # the warning, for the date


def utcnow() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


def format_time(moment: datetime) -> str:
    """Format an aware datetime as stored text.

    >>> format_time(datetime(2019, 3, 23, 10, 0, tzinfo=UTC))
    '2019-03-23T10:00:00Z'
    """
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_time(text: str) -> datetime:
    """Parse stored text back into an aware datetime.

    >>> parse_time("2019-03-23T10:00:00Z").hour
    10
    """
    moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def not_after(published: str | None, seen: str) -> tuple[str | None, str | None]:
    """A feed's date for a post first seen at ``seen``, capped there, and a warning
    when it was more than :data:`FUTURE_WARNING_SECONDS` ahead.

    A post cannot be published after a poll found it in its feed: such a date is a
    wrong clock or time zone, or an item scheduled ahead. Left as it is, it makes a
    repost look older than its source and stretches every date range to the future
    (Feedbin and selfoss cap it the same way).

    >>> not_after("2031-06-01T00:00:00Z", "2026-12-02T08:00:00Z")
    ('2026-12-02T08:00:00Z', 'feed date 2031-06-01T00:00:00Z is after the post was first seen')
    >>> not_after("2026-12-02T08:20:00Z", "2026-12-02T08:00:00Z")  # a clock a little ahead
    ('2026-12-02T08:00:00Z', None)
    >>> not_after("2026-12-01T10:00:00Z", "2026-12-02T08:00:00Z"), not_after(None, "x")
    (('2026-12-01T10:00:00Z', None), (None, None))
    >>> not_after("226-03-05T10:00:00Z", "2026-12-02T08:00:00Z")  # not comparable: as it is
    ('226-03-05T10:00:00Z', None)
    """
    if published is None or published <= seen:
        return published, None
    try:
        ahead = (parse_time(published) - parse_time(seen)).total_seconds()
    except ValueError:  # not a time as tracer writes them (a year of 3 digits): no cap
        return published, None
    if ahead <= FUTURE_WARNING_SECONDS:
        return seen, None
    return seen, FUTURE_WARNING.format(published)
