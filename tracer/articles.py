"""What the pages read by `tracer resolve` say about article nodes, for the queries.

A small read-only layer over the ``articles`` view (migration 0006): for a set
of URLs, the outcome, title, publication time and site of the best page that
resolved to each. :mod:`tracer.graph` and :mod:`tracer.export` use it to give
origins a title, a date (``published_source: "page"``) and a status, and to
compute lags from the origin's own publication time.
"""

from __future__ import annotations

import json
import statistics
from collections.abc import Iterable
from typing import Any

from tracer.store import Store
from tracer.timeutil import parse_time

__all__ = [
    "article_for",
    "article_info",
    "direct_lags",
    "lag_between",
    "origin_status_counts",
    "published_of",
    "with_page_status",
]


def article_for(store: Store, url: str) -> str:
    """The article node a URL resolved to (``pages.article_url``), else the URL itself."""
    row = store.db.conn.execute("SELECT article_url FROM pages WHERE url = ?", [url]).fetchone()
    return row[0] if row else url


def article_info(store: Store, urls: Iterable[str]) -> dict[str, dict[str, Any]]:
    """``url -> {"outcome", "title", "published", "published_from", "site_name", "language"}``
    for the URLs that some read page resolved to (others are absent)."""
    wanted = sorted(set(urls))
    if not wanted:
        return {}
    rows = store.db.conn.execute(
        "SELECT url, outcome, title, published, published_from, site_name, language"
        " FROM articles WHERE url IN (SELECT value FROM json_each(?))",
        [json.dumps(wanted)],
    )
    keys = ("outcome", "title", "published", "published_from", "site_name", "language")
    return {row[0]: dict(zip(keys, row[1:], strict=True)) for row in rows}


def published_of(
    feed_published: str | None, page: dict[str, Any] | None
) -> tuple[str | None, str | None]:
    """A node's publication time and where it came from: its feed first, else its page.

    >>> published_of("2019-03-23T10:00:00Z", {"published": "2019-03-23T09:00:00Z"})
    ('2019-03-23T10:00:00Z', 'feed')
    >>> published_of(None, {"published": "2019-03-23T09:00:00Z"}), published_of(None, None)
    (('2019-03-23T09:00:00Z', 'page'), (None, None))
    """
    if feed_published:
        return feed_published, "feed"
    if page and page.get("published"):
        return page["published"], "page"
    return None, None


def origin_status_counts(store: Store) -> dict[str, dict[str, int]]:
    """Per origin domain name: ``{"resolved", "gone"}``.

    ``resolved``: origin articles of the domain whose page was read (``ok``
    or ``not-html``); ``gone``: those whose page answered 404/410.
    """
    rows = store.db.conn.execute(
        "SELECT d.name, sum(a.outcome IN ('ok', 'not-html')), sum(a.outcome = 'gone')"
        " FROM nodes AS n JOIN domains AS d ON d.id = n.domain_id"
        " JOIN articles AS a ON a.url = n.url WHERE n.cites = 0 GROUP BY d.name"
    )
    return {name: {"resolved": ok or 0, "gone": gone or 0} for name, ok, gone in rows}


def with_page_status(store: Store, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """`origins` rows with ``resolved``, ``gone`` (see :func:`origin_status_counts`) and
    ``median_lag_seconds``: the median, over the posts citing an origin article of the
    domain themselves, of the time from the article's publication (its page's) to the
    post's (its feed's); null when no such pair has both dates."""
    counts = origin_status_counts(store)
    lags = direct_lags(store)
    for row in rows:
        row.update(counts.get(row["domain"], {"resolved": 0, "gone": 0}))
        found = lags.get(row["domain"])
        row["median_lag_seconds"] = int(statistics.median(found)) if found else None
    return rows


def direct_lags(store: Store) -> dict[str, list[int]]:
    """Per origin domain, the lags (seconds) of the edges citing its origin articles."""
    rows = store.db.conn.execute(
        "SELECT d.name, p.published, a.published FROM nodes AS n"
        " JOIN domains AS d ON d.id = n.domain_id"
        " JOIN articles AS a ON a.url = n.url AND a.published IS NOT NULL"
        " JOIN edges AS e ON e.source_url = n.url"
        " JOIN posts AS p ON p.url = e.repost_url AND p.published IS NOT NULL"
        " WHERE n.cites = 0"
    )
    found: dict[str, list[int]] = {}
    for domain, repost_published, source_published in rows:
        lag = lag_between(source_published, repost_published)
        if lag is not None:
            found.setdefault(domain, []).append(lag)
    return found


def lag_between(source_published: str, repost_published: str) -> int | None:
    """Whole seconds from one stored time to another (None if either is unreadable).

    >>> lag_between("2019-03-23T10:00:00Z", "2019-03-23T12:00:00Z")
    7200
    """
    try:
        delta = parse_time(repost_published) - parse_time(source_published)
    except ValueError:
        return None
    return int(delta.total_seconds())
