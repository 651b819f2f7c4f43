"""Timestamps as tracer stores them: ISO 8601 UTC text with a trailing Z."""

from __future__ import annotations

from datetime import UTC, datetime

__all__ = ["format_time", "parse_time", "utcnow"]


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
