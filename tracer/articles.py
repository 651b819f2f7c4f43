"""What the pages read by `tracer resolve` say about article nodes, for the queries.

A small read-only layer over the ``articles`` view (migration 0006): for a set
of URLs, the outcome, title, publication time and site of the best page that
resolved to each. :mod:`tracer.graph` and :mod:`tracer.export` use it to give
origins a title, a date (``published_source: "page"``) and a status, and to
compute lags from the origin's own publication time.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from tracer.store import Store

__all__ = [
    "article_for",
    "article_info",
    "origin_status_counts",
    "published_of",
    "with_page_status",
]


def article_for(store: Store, url: str) -> str:
    """The article node a URL resolved to (``pages.article_url``), else the URL itself."""
    row = store.execute("SELECT article_url FROM pages WHERE url = ?", [url]).fetchone()
    return row[0] if row else url


def article_info(store: Store, urls: Iterable[str]) -> dict[str, dict[str, Any]]:
    """``url -> {"outcome", "title", "published", "published_from", "site_name", "language"}``
    for the URLs that some read page resolved to (others are absent).

    The best page per article as the ``articles`` view picks it (``ok`` first,
    then one with a date, the latest, the first URL), read through the
    ``pages (article_url)`` index: the view itself is computed over all pages.
    """
    wanted = sorted(set(urls))
    if not wanted:
        return {}
    rows = store.execute(
        "SELECT article_url, outcome, title, published, published_from, site_name, language"
        f" FROM pages WHERE article_url {store.text_in('?')}"
        " ORDER BY article_url, outcome = 'ok' DESC, published IS NOT NULL DESC,"
        " fetched_at DESC, url",
        [json.dumps(wanted)],
    )
    keys = ("outcome", "title", "published", "published_from", "site_name", "language")
    found: dict[str, dict[str, Any]] = {}
    for row in rows:
        if row[0] not in found:
            found[row[0]] = dict(zip(keys, row[1:], strict=True))
    return found


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


def origin_status_counts(store: Store, *, declared_only: bool = False) -> dict[str, dict[str, int]]:
    """Per origin domain name: ``{"resolved", "gone"}``.

    ``resolved``: origin articles of the domain whose page was read (``ok``
    or ``not-html``); ``gone``: those whose page answered 404/410 (and no
    other spelling of them was read).
    """
    nodes = "declared_nodes" if declared_only else "nodes"  # the reach layer's nodes
    page = "EXISTS (SELECT 1 FROM pages AS g WHERE g.article_url = n.url AND g.outcome"
    read, gone = f"{page} IN ('ok', 'not-html'))", f"{page} = 'gone')"
    rows = store.execute(
        f"SELECT n.domain_id, sum(CASE WHEN {read} THEN 1 ELSE 0 END),"
        f" sum(CASE WHEN {gone} AND NOT {read} THEN 1 ELSE 0 END) FROM {nodes} AS n"
        " WHERE n.cites = 0 GROUP BY n.domain_id"
    ).fetchall()
    names = dict(store.execute("SELECT id, name FROM domains"))
    return {names[d]: {"resolved": read or 0, "gone": gone or 0} for d, read, gone in rows}


def with_page_status(
    store: Store, rows: list[dict[str, Any]], *, declared_only: bool = False
) -> list[dict[str, Any]]:
    """`origins` rows with ``resolved`` and ``gone`` added (see :func:`origin_status_counts`).

    A row of ``origins --by outlet`` (:func:`tracer.by_outlet.origins_by_outlet`)
    gets the sums over its ``domains``. ``declared_only``: count the origin
    articles of the declared layer, as the rows' ``articles`` do.
    """
    counts = origin_status_counts(store, declared_only=declared_only)
    for row in rows:
        domains = row["domains"] if "domains" in row else [row["domain"]]
        for key in ("resolved", "gone"):
            row[key] = sum(counts.get(d, {}).get(key, 0) for d in domains)
    return rows
