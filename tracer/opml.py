"""OPML 2.0 feed lists in and out. Pure: bytes in, records out (and back).

Reading accepts nested outlines (folders) at any depth: every ``outline``
with an ``xmlUrl`` is a feed, its folders become a ``category`` path. The
document is parsed with entities, DTD loading and network access off, and a
document that declares entities is refused outright.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from email.utils import format_datetime

from lxml import etree

from tracer.wording import xml_text
from tracer.xmlguard import declares_entities, safe_xml_parser

__all__ = ["OpmlError", "OpmlFeed", "parse_opml", "to_opml"]


class OpmlError(ValueError):
    """The bytes are not an OPML document we can read."""


@dataclass(frozen=True, slots=True)
class OpmlFeed:
    url: str  # as written in xmlUrl
    title: str | None = None
    html_url: str | None = None
    category: str | None = None  # enclosing outlines, "News/Russia"


def parse_opml(data: bytes) -> list[OpmlFeed]:
    """The feeds of an OPML document, in document order.

    >>> doc = b'''<opml version="2.0"><head/><body>
    ...   <outline text="News"><outline text="Deep"><outline text="A" type="rss"
    ...     xmlUrl="https://a.example/feed" htmlUrl="https://a.example/"/></outline></outline>
    ...   <outline text="B" xmlUrl="http://b.example/rss"/></body></opml>'''
    >>> [(f.url, f.title, f.category) for f in parse_opml(doc)]
    [('https://a.example/feed', 'A', 'News/Deep'), ('http://b.example/rss', 'B', None)]
    >>> parse_opml(b"<html/>")
    Traceback (most recent call last):
    tracer.opml.OpmlError: not an OPML document (root element is <html>)
    """
    if declares_entities(data):
        raise OpmlError("document declares XML entities (refused: entity expansion attack)")
    try:
        root = etree.fromstring(data, safe_xml_parser())
    except etree.XMLSyntaxError as exc:
        raise OpmlError(f"not well-formed XML: {exc.msg or exc}") from None  # no '(<string>…)'
    if not isinstance(root.tag, str) or etree.QName(root).localname.lower() != "opml":
        raise OpmlError(f"not an OPML document (root element is <{root.tag}>)")
    feeds: list[OpmlFeed] = []
    for outline in root.iter("{*}outline"):
        attrs = {k.lower(): v.strip() for k, v in outline.attrib.items() if isinstance(k, str)}
        url = attrs.get("xmlurl")
        if not url:
            continue
        folders = [
            (parent.get("text") or parent.get("title") or "").strip()
            for parent in outline.iterancestors("{*}outline")
        ]
        category = "/".join(name for name in reversed(folders) if name) or None
        feeds.append(
            OpmlFeed(
                url=url,
                title=attrs.get("title") or attrs.get("text") or None,
                html_url=attrs.get("htmlurl") or None,
                category=category,
            )
        )
    return feeds


def to_opml(feeds: Iterable[Mapping[str, object]], created: datetime, title: str) -> bytes:
    """An OPML 2.0 document listing ``feeds`` (mappings with ``url``, ``title``, ``site_url``).

    >>> from datetime import UTC
    >>> out = to_opml([{"url": "https://a.example/f?x=1&y=2", "title": "A & B"}],
    ...               datetime(2026, 1, 2, tzinfo=UTC), "tracer feeds")
    >>> [(f.url, f.title) for f in parse_opml(out)]
    [('https://a.example/f?x=1&y=2', 'A & B')]
    """
    root = etree.Element("opml", version="2.0")
    head = etree.SubElement(root, "head")
    etree.SubElement(head, "title").text = title
    etree.SubElement(head, "dateCreated").text = format_datetime(created, usegmt=True)
    body = etree.SubElement(root, "body")
    for feed in feeds:
        url = str(feed["url"])
        name = xml_text(str(feed.get("title") or url))  # a feed's title may hold controls
        outline = etree.SubElement(body, "outline", type="rss", text=name, title=name)
        outline.set("xmlUrl", url)
        if feed.get("site_url"):
            outline.set("htmlUrl", str(feed["site_url"]))
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
