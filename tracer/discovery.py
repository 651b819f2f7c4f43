"""Find the feeds of a site: those its page advertises, else a few usual paths, politely.

:func:`advertised_feeds` and :func:`looks_like_feed` are pure. :func:`discover_site`
reads the page through :class:`tracer.resolve.Polite` (robots.txt, 2 connections
per host, a pause between requests to one host): the feeds it advertises with
``<link rel="alternate" type="application/rss+xml">`` (or Atom, RDF), else it
tries :data:`PROBE_PATHS` in order and keeps the first that answers with a
feed. :func:`unpolled_domains` lists the domains that appear in chains
(intermediaries and origins) but have no polled feed: the next layer of the map.
"""

from __future__ import annotations

import asyncio
import re
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urljoin, urlsplit

from tracer.exceptions import FeedError
from tracer.fetch import ACCEPT
from tracer.items import clean_text
from tracer.pagemeta import is_html, parse_html
from tracer.resolve import Disallowed, Polite, ResolveOptions
from tracer.store import Store
from tracer.urls import domain_of

__all__ = [
    "FEED_TYPES",
    "PROBE_PATHS",
    "FoundFeed",
    "SiteFeeds",
    "advertised_feeds",
    "discover_sites",
    "looks_like_feed",
    "unpolled_domains",
]

FEED_TYPES = {
    "application/rss+xml": "rss",
    "application/atom+xml": "atom",
    "application/rdf+xml": "rdf",
    "application/rss": "rss",
    "text/rss+xml": "rss",
    "text/atom+xml": "atom",
}
# Plain XML types are feeds only when the link says so (title or address)
_XML_TYPES = ("text/xml", "application/xml")
_FEED_WORDS = re.compile(r"rss|atom|feed|rdf", re.IGNORECASE)
PROBE_PATHS = ("/feed/", "/rss", "/atom.xml", "/feed", "/rss.xml", "/index.xml")
PAGE_BYTES = 2 * 1024 * 1024
PROBE_BYTES = 256 * 1024  # enough to tell a feed from a page


@dataclass(frozen=True, slots=True)
class FoundFeed:
    url: str
    title: str | None = None
    type: str | None = None  # rss | atom | rdf
    how: str = "advertised"  # advertised | probed


@dataclass(slots=True)
class SiteFeeds:
    """What discovery found for one site: its page, the feeds, or why there are none."""

    page: str
    feeds: list[FoundFeed] = field(default_factory=list)
    error: str | None = None
    is_feed: bool = False  # the page itself is a feed


def advertised_feeds(
    body: bytes, base_url: str, content_type: str | None = None
) -> list[FoundFeed]:
    """The feeds an HTML page advertises, absolute, in document order, without duplicates.

    >>> page = b'''<html><head><base href="https://blog.example/">
    ... <link rel="alternate" type="application/rss+xml" title="Posts" href="/feed/">
    ... <link rel="alternate" type="application/atom+xml" href="atom.xml">
    ... <link rel="alternate" hreflang="de" href="/de/">
    ... <link rel="stylesheet" type="text/css" href="/s.css"></head></html>'''
    >>> old = b'<link rel="Alternate" type="text/xml" title="RSS 2.0" href="//blog.example/rss">'
    >>> [(f.url, f.type) for f in advertised_feeds(old, "https://blog.example/")]
    [('https://blog.example/rss', 'rss')]
    >>> for feed in advertised_feeds(page, "https://blog.example/x/"):
    ...     print(feed.url, feed.title, feed.type)
    https://blog.example/feed/ Posts rss
    https://blog.example/atom.xml None atom
    """
    root = parse_html(body, content_type)
    if root is None:
        return []
    base = base_url
    for element in root.iter("base"):
        href = element.get("href")
        if href:
            base = urljoin(base_url, href.strip())
            break
    found: list[FoundFeed] = []
    seen: set[str] = set()
    for link in root.iter("link"):
        rels = (link.get("rel") or "").lower().split()
        media = (link.get("type") or "").split(";", 1)[0].strip().lower()
        href = (link.get("href") or "").strip()
        kind = FEED_TYPES.get(media)
        if media in _XML_TYPES and _FEED_WORDS.search(f"{link.get('title') or ''} {href}"):
            kind = "rss" if "atom" not in href.lower() else "atom"
        if "alternate" not in rels or kind is None or not href:
            continue
        try:
            url = urljoin(base, href)
        except ValueError:
            continue
        if urlsplit(url).scheme not in ("http", "https") or url in seen:
            continue
        seen.add(url)
        title = clean_text(link.get("title"))
        found.append(FoundFeed(url, title, kind))
    return found


def looks_like_feed(content_type: str | None, body: bytes) -> bool:
    """Whether an answer is an RSS/Atom/RDF document (by its start, whatever its type says).

    >>> looks_like_feed("text/xml", b'<?xml version="1.0"?>\\n<rss version="2.0"><channel>')
    True
    >>> looks_like_feed("application/xml", b"<feed xmlns='http://www.w3.org/2005/Atom'>")
    True
    >>> looks_like_feed("text/html", b"<!DOCTYPE html><html><body>404</body></html>")
    False
    """
    head = body[:2048].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if head.startswith(b"<?xml"):
        head = head[head.find(b"?>") + 2 :]
    while True:  # skip comments and doctypes before the root element
        head = head.lstrip()
        if head.startswith(b"<!--"):
            head = head[head.find(b"-->") + 3 :] if b"-->" in head else b""
        elif head.startswith((b"<!doctype", b"<?")):
            head = head[head.find(b">") + 1 :]
        else:
            break
    return head.startswith((b"<rss", b"<feed", b"<rdf:rdf", b"<rdf"))


async def _discover_one(polite: Polite, page: str) -> SiteFeeds:
    result = SiteFeeds(page)
    try:
        answer = await polite.get(page, max_bytes=PAGE_BYTES, want_body=_status_ok)
    except (FeedError, Disallowed) as exc:
        result.error = str(exc.message if isinstance(exc, FeedError) else exc)
        return result
    if answer.status != 200:
        result.error = f"HTTP {answer.status}"
        return result
    body = answer.body or b""
    final = answer.final_url or page
    if looks_like_feed(answer.content_type, body):
        result.is_feed = True
        result.feeds = [FoundFeed(final, None, None, "given")]
        return result
    if is_html(answer.content_type, body):
        result.feeds = advertised_feeds(body, final, answer.content_type)
    if not result.feeds:
        parts = urlsplit(final)
        root = f"{parts.scheme}://{parts.netloc}"
        for path in PROBE_PATHS:
            probe = root + path
            try:
                reply = await polite.get(
                    probe, max_bytes=PROBE_BYTES, want_body=_status_ok, headers={"Accept": ACCEPT}
                )
            except (Disallowed, FeedError):
                continue  # not there (or not for us): try the next usual path
            if reply.status == 200 and looks_like_feed(reply.content_type, reply.body or b""):
                result.feeds = [FoundFeed(reply.final_url or probe, None, None, "probed")]
                break
    if not result.feeds:
        result.error = "advertises no feed (no <link rel=alternate> to RSS/Atom, no usual path)"
    return result


def _status_ok(status: int, _headers: Any) -> bool:
    return status == 200


def discover_sites(pages: Sequence[str], options: ResolveOptions | None = None) -> list[SiteFeeds]:
    """Discover the feeds of every page (concurrently, politely); results in the given order."""
    options = options or ResolveOptions()

    async def run() -> list[SiteFeeds]:
        limit = asyncio.Semaphore(max(1, options.concurrency))
        async with Polite.open(options) as polite:

            async def one(page: str) -> SiteFeeds:
                async with limit:
                    try:
                        return await _discover_one(polite, page)
                    except Exception as exc:  # one site's odd failure must not stop the others
                        return SiteFeeds(page, error=f"unexpected {type(exc).__name__}: {exc}")

            return list(await asyncio.gather(*(one(page) for page in pages)))

    return asyncio.run(run())


def unpolled_domains(store: Store) -> list[dict[str, Any]]:
    """Domains seen in chains (intermediaries and origins) that no polled feed covers.

    ``{"domain", "home", "reposts"}`` per domain, most reposts first:
    ``home`` is ``scheme://host/`` of the domain's most cited spelling,
    ``reposts`` the stored posts whose chains reach a URL of the domain
    (directly or through intermediaries). A domain is covered when some
    feed's URL, or some post of a feed, is on it.
    """
    conn = store.engine  # SQLite or PostgreSQL: the SQL below is the same on both
    covered = {domain_of(url) for (url,) in conn.execute("SELECT url FROM feeds")}
    covered |= {
        domain_of(url)
        for (url,) in conn.execute(
            "SELECT min(url) FROM posts WHERE feed_id IS NOT NULL"
            " GROUP BY substr(url, 1, instr(substr(url, 9) || '/', '/') + 7)"
        )
    }
    citers: dict[str, list[str]] = defaultdict(list)
    for source, repost in conn.execute("SELECT source_url, repost_url FROM edges"):
        citers[source].append(repost)
    by_domain: dict[str, list[str]] = defaultdict(list)
    homes: dict[str, Counter[str]] = defaultdict(Counter)
    for source in citers:
        domain = domain_of(source)
        if domain in covered:
            continue
        by_domain[domain].append(source)
        parts = urlsplit(source)
        homes[domain][f"{parts.scheme}://{parts.netloc}/"] += len(citers[source])
    rows: list[dict[str, Any]] = []
    for domain, urls in by_domain.items():
        seen: set[str] = set()
        frontier = list(urls)
        while frontier:
            node = frontier.pop()
            for repost in citers.get(node, ()):
                if repost not in seen:
                    seen.add(repost)
                    frontier.append(repost)
        home = homes[domain].most_common(1)[0][0]
        rows.append({"domain": domain, "home": home, "reposts": len(seen)})
    rows.sort(key=lambda r: (-r["reposts"], r["domain"]))
    return rows
