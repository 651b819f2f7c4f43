"""Feed bytes → :class:`ParsedFeed`. Pure: no network, no database.

Plain UTF-8 RSS 2.0, RSS 1.0 (RDF) and Atom documents are read by the lxml
fast path (:mod:`tracer.fastparse`, same result, about 10× faster); anything
it does not fully understand is read with feedparser, with HTML
sanitizing and relative-URI rewriting off (we need the markup as published,
and both cost most of feedparser's time).

Hostile documents are refused before any parser sees them: a document type
declaration that declares entities (billion laughs, external entities) is an
error, not something to expand.
"""

from __future__ import annotations

import calendar
import time
from collections.abc import Mapping
from html import escape
from typing import Any

import feedparser

from tracer import fastparse  # module import: the two modules import each other
from tracer.baseuri import document_base
from tracer.exceptions import ParseError
from tracer.models import FeedItem, ParsedFeed
from tracer.xmlguard import declares_entities

__all__ = ["parse_feed"]

# feedparser flags these as "bozo" though the document itself is well formed:
# a served Content-Type that is not an XML type, or a charset that overrides the
# XML declaration's. They are not worth a warning on the feed.
_NOT_MALFORMED = (feedparser.NonXMLContentType, feedparser.CharacterEncodingOverride)


def parse_feed(
    body: bytes, url: str, content_type: str | None = None, content_location: str | None = None
) -> ParsedFeed:
    """Parse a feed document; raise :class:`ParseError` naming ``url`` if it is not one.

    Relative links resolve against the response's ``Content-Location`` (resolved
    against ``url``) when it has one, else against ``url``; ``xml:base`` wins over both.
    """
    if not body or not body.strip():
        raise ParseError(url, "empty body")
    _refuse_entity_declarations(body, url)
    base = document_base(url, content_location)
    fast = fastparse.parse_fast(body, base, content_type)  # lxml; None: feedparser reads it
    if fast is not None:
        return fast
    headers = {"content-location": base}
    if content_type:
        headers["content-type"] = content_type
    parsed = feedparser.parse(
        body,
        response_headers=headers,
        sanitize_html=False,
        resolve_relative_uris=False,
    )
    version = parsed.get("version") or ""
    entries = parsed.get("entries") or []
    if not version and not entries:
        raise ParseError(url, _describe_non_feed(body, parsed))
    warning = None
    problem = parsed.get("bozo_exception")
    if parsed.get("bozo") and entries and not isinstance(problem, _NOT_MALFORMED):
        warning = f"malformed XML, kept {len(entries)} items: {problem}"
    feed_meta = parsed.get("feed") or {}
    items = tuple(_item_from_entry(entry) for entry in entries)
    return ParsedFeed(
        title=_clean_text(feed_meta.get("title")),
        site_url=feed_meta.get("link") or None,
        items=items,
        warning=warning,
    )


def _refuse_entity_declarations(body: bytes, url: str) -> None:
    # The whole prolog is walked (padding, comments, UTF-16/32), not a fixed head.
    if declares_entities(body):
        raise ParseError(url, "document declares XML entities (refused: entity expansion attack)")


def _describe_non_feed(body: bytes, parsed: Mapping[str, Any]) -> str:
    head = body[:512].lstrip().lower()
    if head.startswith((b"<!doctype html", b"<html")):
        return "got an HTML page, not a feed"
    exc = parsed.get("bozo_exception")
    if exc is not None:
        return f"no RSS, Atom or RDF document found ({exc})"
    return "no RSS, Atom or RDF document found"


def _item_from_entry(entry: Mapping[str, Any]) -> FeedItem:
    """One feedparser entry → :class:`FeedItem` (raw URLs; bodies as HTML)."""
    bodies: list[str] = []
    for content in entry.get("content") or []:
        html = _as_html(content)
        if html and html not in bodies:
            bodies.append(html)
    summary = entry.get("summary_detail")
    if summary and summary.get("value"):
        html = _as_html(summary)
        if html not in bodies:
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
        guid=entry.get("id") or None,
        title=_clean_text(entry.get("title")),
        published=_iso(entry.get("published_parsed") or entry.get("updated_parsed")),
        origlink=(str(entry.get("feedburner_origlink") or "").strip() or None),
        bodies=tuple(bodies),
        source_feed_url=source_feed_url,
        source_entry_url=source_entry_url,
        via_urls=via,
        source_title=_clean_text(source.get("title")) if source else None,
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


def _clean_text(value: object) -> str | None:
    if not value:
        return None
    text = " ".join(str(value).split())
    return text or None


def _iso(parsed: time.struct_time | None) -> str | None:
    if not parsed:
        return None
    try:
        return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(calendar.timegm(parsed)))
    except (OverflowError, ValueError):
        return None
