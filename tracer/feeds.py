"""Feed bytes → :class:`ParsedFeed`. Pure: no network, no database.

Plain UTF-8 RSS 2.0, RSS 1.0 (RDF) and Atom documents are read with lxml
(:mod:`tracer.plain_feeds`, same result, several times faster); anything
it does not fully understand is read with feedparser, with HTML
sanitizing and relative-URI rewriting off (we need the markup as published,
and both cost most of feedparser's time).

Hostile documents are refused before any parser sees them: a document type
declaration that declares entities (billion laughs, external entities) is an
error, not something to expand.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from tracer.baseuri import document_base
from tracer.exceptions import ParseError
from tracer.items import clean_text, item_from_entry, without_nul
from tracer.models import ParsedFeed
from tracer.plain_feeds import parse_plain_feed
from tracer.wording import counted
from tracer.xmlguard import declares_entities

__all__ = ["parse_feed"]

# Numeric character references (decimal or hex) to a UTF-16 high surrogate
# (U+D800-U+DBFF) and to a low one (U+DC00-U+DFFF): a high one right before a low one
# is a pair; any other is a lone half (also a half whose neighbour is not its other
# half: that neighbour may pair with the reference after it)
_HIGH = (
    rb"[xX]0*[dD][89abAB][0-9a-fA-F]{2}"
    rb"|0*(?:5529[6-9]|55[3-9][0-9]{2}|56[0-2][0-9]{2}|563[01][0-9])"
)
_LOW = (
    rb"[xX]0*[dD][c-fC-F][0-9a-fA-F]{2}"
    rb"|0*(?:563[2-9][0-9]|56[4-9][0-9]{2}|57[0-2][0-9]{2}|573[0-3][0-9]|5734[0-3])"
)
_SURROGATE_REFS = re.compile(
    rb"&#(" + _HIGH + rb");&#(" + _LOW + rb");|&#(?:" + _HIGH + rb"|" + _LOW + rb");"
)


def parse_feed(
    body: bytes, url: str, content_type: str | None = None, content_location: str | None = None
) -> ParsedFeed:
    """Parse a feed document; raise :class:`ParseError` naming ``url`` if it is not one.

    Relative links resolve against the response's ``Content-Location`` (resolved
    against ``url``) when it has one, else against ``url``; ``xml:base`` wins over both.
    """
    if not body or body.isspace():  # (no stripped copy of the whole body to test it)
        raise ParseError(url, "empty body")
    _refuse_entity_declarations(body, url)
    base = document_base(url, content_location)
    plain = parse_plain_feed(body, base, content_type)  # lxml; None: feedparser reads it
    if plain is not None:
        return plain
    # feedparser only now: most documents never need it (≈ 0.15 s of imports a worker skips)
    import feedparser

    headers = {"content-location": base}
    if content_type:
        headers["content-type"] = content_type
    parsed = feedparser.parse(
        _surrogate_refs_joined(body),
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
    # feedparser flags these as "bozo" though the document itself is well formed: a
    # served Content-Type that is not an XML type, or a charset that overrides the XML
    # declaration's. They are not worth a warning on the feed.
    not_malformed = (feedparser.NonXMLContentType, feedparser.CharacterEncodingOverride)
    if parsed.get("bozo") and entries and not isinstance(problem, not_malformed):
        warning = f"malformed XML, kept {counted(len(entries), 'item')}: {problem}"
    feed_meta = parsed.get("feed") or {}
    items = tuple(item_from_entry(entry) for entry in entries)
    return ParsedFeed(
        title=clean_text(feed_meta.get("title")),
        site_url=without_nul(str(feed_meta.get("link") or "")) or None,
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


def _surrogate_refs_joined(body: bytes) -> bytes:
    """Numeric references to UTF-16 surrogates as the character a pair makes, a lone one as
    U+FFFD. They are not XML characters (so lxml leaves such a document to feedparser),
    and feedparser decodes each half to a surrogate, which no UTF-8 text can hold.

    >>> _surrogate_refs_joined(b"<t>a &#55357;&#56832; b &#xD800;&#xd800; &#1234;</t>")
    b'<t>a &#x1F600; b &#xFFFD;&#xFFFD; &#1234;</t>'
    >>> _surrogate_refs_joined(b"&#xDC00;&#xD83D;&#xDE00; &#55357;&#55357;&#56832;")
    b'&#xFFFD;&#x1F600; &#xFFFD;&#x1F600;'
    """
    if b"&#" not in body:
        return body
    return _SURROGATE_REFS.sub(_joined, body)


def _joined(match: re.Match[bytes]) -> bytes:
    high, low = match.groups()
    if high is None:  # a lone half
        return b"&#xFFFD;"
    code = 0x10000 + ((_code(high) - 0xD800) << 10) + (_code(low) - 0xDC00)
    return b"&#x%X;" % code


def _code(digits: bytes) -> int:
    return int(digits[1:], 16) if digits[:1] in (b"x", b"X") else int(digits)
