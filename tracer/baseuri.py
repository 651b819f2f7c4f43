"""The base URI that relative links in a fetched feed resolve against. Pure.

A 200 response may say where its document lives with the ``Content-Location``
header (RFC 9110 §8.7): relative links in the document then resolve against
that address, resolved itself against the URL that was fetched, as feedparser
does when it fetches a feed (``feedparser.parse(url)``). An ``xml:base`` inside
the document still wins over both; the parsers apply it.
"""

from __future__ import annotations

from urllib.parse import urljoin, urlsplit

__all__ = ["document_base"]


def document_base(url: str, content_location: str | None) -> str:
    """The base URI of the document fetched from ``url``.

    >>> document_base("https://a.example/feeds/x.xml", "/feed/pg.cgi")
    'https://a.example/feed/pg.cgi'
    >>> document_base("https://a.example/feed", "http://example.com/")
    'http://example.com/'
    >>> document_base("https://a.example/feed", "javascript:alert(1)")
    'https://a.example/feed'
    >>> document_base("https://a.example/feed", None)
    'https://a.example/feed'
    """
    if not content_location or not content_location.strip():
        return url
    try:
        resolved = urljoin(url, content_location.strip())
        parts = urlsplit(resolved)
    except ValueError:
        return url  # a malformed header (bad IPv6 literal, …) changes nothing
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return url  # feedparser ignores an unsafe or unusable location the same way
    return resolved
