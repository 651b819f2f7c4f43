"""A feedparser-shaped entry dictionary → :class:`FeedItem`. Pure.

Both feed readers build their items here: :mod:`tracer.feeds` from
feedparser's entries, :mod:`tracer.plain_feeds` from the same dictionaries
rebuilt with lxml, so the two give identical items.
"""

from __future__ import annotations

import calendar
import time
from collections.abc import Mapping
from html import escape
from typing import Any

from tracer.models import FeedItem

__all__ = ["MONTH_DAYS", "clean_text", "is_leap", "item_from_entry", "without_nul"]


def item_from_entry(entry: Mapping[str, Any]) -> FeedItem:
    """One feedparser entry → :class:`FeedItem` (raw URLs; bodies as HTML)."""
    bodies: list[str] = []
    for content in entry.get("content") or []:
        html = without_nul(_as_html(content))
        if html and html not in bodies:
            bodies.append(html)
    summary = entry.get("summary_detail")
    if summary and summary.get("value"):
        html = without_nul(_as_html(summary))
        if html and html not in bodies:
            bodies.append(html)
    source = entry.get("source") or {}
    source_feed_url = None
    source_entry_url = None
    if source.get("href") and not source.get("links"):
        source_feed_url = str(source["href"]).strip() or None  # RSS <source url="...">
    elif source:
        # Atom <source>: the original entry's alternate link, else an id that is a URL
        identifier = str(source.get("id") or "").strip()
        source_entry_url = _alternate_link(source.get("links") or []) or (
            identifier if _is_http(identifier) else None
        )
    via = tuple(
        str(link["href"]).strip()
        for link in entry.get("links") or []
        if link.get("rel") == "via" and link.get("href")
    )
    return FeedItem(
        link=_alternate_link(entry.get("links") or []) or entry.get("link") or None,
        guid=without_nul(str(entry.get("id") or "")) or None,
        title=clean_text(entry.get("title")),
        published=_iso(entry.get("published_parsed") or entry.get("updated_parsed")),
        origlink=(str(entry.get("feedburner_origlink") or "").strip() or None),
        bodies=tuple(bodies),
        source_feed_url=source_feed_url,
        source_entry_url=source_entry_url,
        via_urls=via,
        source_title=clean_text(source.get("title")) if source else None,
    )


def _is_http(value: str) -> bool:
    return value.lower().startswith(("http://", "https://"))


def _alternate_link(links: list[Mapping[str, Any]]) -> str | None:
    for link in links:
        if link.get("rel", "alternate") == "alternate" and link.get("href"):
            return str(link["href"])
    return None


def _as_html(detail: Mapping[str, Any]) -> str:
    r"""Content as HTML: plain text is escaped and its line breaks become ``<br>``.

    >>> _as_html({"type": "text/plain", "value": "a < b\nSource: https://x.example/?a=1&b=2"})
    'a &lt; b<br>\nSource: https://x.example/?a=1&amp;b=2'
    """
    value = str(detail.get("value") or "")
    if detail.get("type") == "text/plain":
        return escape(value, quote=False).replace("\n", "<br>\n")
    return value


def clean_text(value: object) -> str | None:
    """A title or name on one line: runs of whitespace one space, NUL characters dropped.

    >>> clean_text("  Breaking:\\n  a\\x00 title "), clean_text("\\x00"), clean_text(None)
    ('Breaking: a title', None, None)
    """
    if not value:
        return None
    text = " ".join(without_nul(str(value)).split())
    return text or None


def without_nul(text: str) -> str:
    """``text`` without NUL characters (U+0000).

    XML forbids them, and a feed read leniently (feedparser's loose parser, a
    ``&#0;`` reference) can still hand one over. HTML drops them from a page's
    text, and PostgreSQL refuses them in a text column: dropped here, the same
    rows reach either engine.
    """
    return text.replace("\x00", "") if "\x00" in text else text


# days in each month of a common year (plain_feeds' date reader uses them too)
MONTH_DAYS = (31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)
_TWO_DIGITS = tuple(f"{number:02d}" for number in range(100))


def _iso(parsed: time.struct_time | None) -> str | None:
    """``2019-03-23T10:02:13Z``: the UTC instant of ``parsed`` (normalized first, as
    :func:`calendar.timegm` reads it: "31 Feb" is 3 March).

    >>> _iso(time.struct_time((2019, 3, 23, 10, 2, 13, 0, 0, 0)))
    '2019-03-23T10:02:13Z'
    >>> _iso(time.struct_time((2019, 2, 31, 24, 0, 0, 0, 0, 0)))
    '2019-03-04T00:00:00Z'
    >>> _iso(time.struct_time((226, 3, 5, 10, 0, 0, 0, 0, 0)))  # a typo's year, padded
    '0226-03-05T10:00:00Z'
    """
    if not parsed:
        return None
    year, month, day, hour, minute, second = parsed[:6]
    if (
        # already normalized, with a 4-digit year: the round trip below changes nothing
        1000 <= year <= 9999
        and 1 <= month <= 12
        and day >= 1
        and (day <= MONTH_DAYS[month - 1] or (month == 2 and day == 29 and is_leap(year)))
        and 0 <= hour <= 23
        and 0 <= minute <= 59
        and 0 <= second <= 59
    ):
        two = _TWO_DIGITS
        return f"{year}-{two[month]}-{two[day]}T{two[hour]}:{two[minute]}:{two[second]}Z"
    try:
        moment = time.gmtime(calendar.timegm(parsed))
    except (OverflowError, ValueError):
        return None
    # the year padded to 4 digits (strftime's %Y gives "226" for the year 226): stored
    # times compare as text
    return f"{moment.tm_year:04d}-" + time.strftime("%m-%dT%H:%M:%SZ", moment)


def is_leap(year: int) -> bool:
    return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)
