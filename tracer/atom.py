"""An Atom 1.0 (RFC 4287) document from plain entries: pure, deterministic bytes.

Nothing here reads the clock: the feed's ``updated`` is given by the caller
(tracer uses its newest entry), so the same entries give byte-identical
output. Text is written by lxml, which escapes it; characters XML 1.0 cannot
carry (control characters, lone surrogates) are dropped first.

>>> feed = AtomFeed("urn:x", "t", "2026-11-20T08:00:00Z")
>>> entry = AtomEntry("https://a.example/1", "One & two", "2026-11-20T08:00:00Z",
...                   "https://a.example/1", "a\\x01b", related="https://o.example/")
>>> b"<title>One &amp; two</title>" in atom_document(feed, [entry])
True
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from lxml import etree

from tracer.wording import xml_text

__all__ = ["ATOM_NS", "AtomEntry", "AtomFeed", "atom_document"]

ATOM_NS = "http://www.w3.org/2005/Atom"


@dataclass(frozen=True)
class AtomFeed:
    id: str
    title: str
    updated: str
    subtitle: str | None = None
    author: str = "tracer"
    generator_uri: str = "https://github.com/tracer-provenance/tracer"


@dataclass(frozen=True)
class AtomEntry:
    id: str
    title: str
    updated: str
    link: str
    summary: str
    related: str | None = None
    related_title: str | None = None


def _child(parent: etree._Element, tag: str, text: str | None = None, **attrs: str) -> None:
    element = etree.SubElement(parent, f"{{{ATOM_NS}}}{tag}")
    for name, value in attrs.items():
        element.set(name, xml_text(value))
    if text is not None:
        element.text = xml_text(text)


def atom_document(feed: AtomFeed, entries: Iterable[AtomEntry]) -> bytes:
    """The feed and its entries, in the given order, as UTF-8 bytes with a declaration."""
    root = etree.Element(f"{{{ATOM_NS}}}feed", nsmap={None: ATOM_NS})
    _child(root, "id", feed.id)
    _child(root, "title", feed.title)
    if feed.subtitle:
        _child(root, "subtitle", feed.subtitle)
    _child(root, "updated", feed.updated)
    author = etree.SubElement(root, f"{{{ATOM_NS}}}author")
    _child(author, "name", feed.author)
    _child(root, "generator", "tracer", uri=feed.generator_uri)
    for entry in entries:
        element = etree.SubElement(root, f"{{{ATOM_NS}}}entry")
        _child(element, "id", entry.id)
        _child(element, "title", entry.title)
        _child(element, "updated", entry.updated)
        _child(element, "link", rel="alternate", href=entry.link)
        if entry.related:
            extra = {"title": entry.related_title} if entry.related_title else {}
            _child(element, "link", rel="related", href=entry.related, **extra)
        _child(element, "summary", entry.summary, type="text")
    data: bytes = etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
    return data
