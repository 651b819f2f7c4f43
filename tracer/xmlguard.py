"""Cheap safety checks on XML bytes before (or instead of) a full parse. Pure: no I/O.

- :func:`declares_entities`: does the document's prolog declare entities in a
  DOCTYPE internal subset (billion laughs, external entities)? Such a document
  is refused outright, in microseconds, whatever parser comes next. The scan
  walks the prolog (XML declaration, comments, processing instructions), so
  padding before the DOCTYPE does not hide it, and an article that merely
  *mentions* ``<!ENTITY`` in its text is not refused.
- :func:`malformed_reason`: why a document is not well-formed XML (truncated,
  garbage), using lxml with entities, DTD loading and network access off.
- :func:`safe_xml_parser`: that lxml parser, for modules that read XML we did
  not write (OPML files).
"""

from __future__ import annotations

import codecs

from lxml import etree

__all__ = ["declares_entities", "malformed_reason", "safe_xml_parser"]

_UTF16_32 = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
    (b"<\x00\x00\x00", "utf-32-le"),
    (b"\x00\x00\x00<", "utf-32-be"),
    (b"<\x00?\x00", "utf-16-le"),
    (b"\x00<\x00?", "utf-16-be"),
)


def safe_xml_parser(*, recover: bool = False) -> etree.XMLParser:
    """An lxml parser that never expands entities, loads a DTD or touches the network."""
    return etree.XMLParser(
        resolve_entities=False,
        load_dtd=False,
        no_network=True,
        huge_tree=False,
        recover=recover,
        remove_comments=True,
        remove_pis=True,
    )


def declares_entities(body: bytes) -> bool:
    """True if the prolog has a DOCTYPE whose internal subset declares entities.

    >>> declares_entities(b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY a "aa">]><r>&a;</r>')
    True
    >>> declares_entities(b"<!-- " + b"x" * 100000 + b' --><!DOCTYPE r [<!ENTITY a "a">]><r/>')
    True
    >>> declares_entities("<!DOCTYPE r [<!ENTITY a 'a'>]><r/>".encode("utf-16"))
    True
    >>> declares_entities(b"<rss><description><![CDATA[<!ENTITY y>]]></description></rss>")
    False
    >>> declares_entities(b'<!DOCTYPE rss PUBLIC "-//Netscape//DTD RSS 0.91//EN" "x.dtd"><rss/>')
    False
    """
    text = _ascii_compatible(body)
    position = 3 if text.startswith(codecs.BOM_UTF8) else 0
    length = len(text)
    while position < length:
        while position < length and text[position] in b" \t\r\n":
            position += 1
        if text.startswith(b"<?", position):
            end, closer = text.find(b"?>", position), 2
        elif text.startswith(b"<!--", position):
            end, closer = text.find(b"-->", position + 4), 3
        elif text[position : position + 9].upper() == b"<!DOCTYPE":
            return _subset_declares_entities(text, position)
        else:
            return False  # the root element (or junk): the prolog is over
        if end < 0:
            return False
        position = end + closer
    return False


def _subset_declares_entities(text: bytes, start: int) -> bool:
    bracket = text.find(b"[", start)
    close = text.find(b">", start)
    if bracket < 0 or (0 <= close < bracket):
        return False  # no internal subset
    end = text.find(b"]", bracket)
    subset = text[bracket : end if end >= 0 else len(text)]
    return b"<!ENTITY" in subset.upper()


def _ascii_compatible(body: bytes) -> bytes:
    for mark, encoding in _UTF16_32:
        if body.startswith(mark):
            return body.decode(encoding, errors="replace").encode("utf-8")
    # Every other encoding a feed uses is ASCII-compatible for markup characters.
    return body


def malformed_reason(body: bytes) -> str | None:
    """Why ``body`` is not well-formed XML, or None when it is.

    Undefined HTML entities (``&nbsp;``) alone do not count: feed readers accept them.

    >>> malformed_reason(b"<rss><channel><title>a&nbsp;b</title></channel></rss>") is None
    True
    >>> malformed_reason(b'<rss version="2.0"><channel><title>t</title><item><ti')
    "line 1: Couldn't find end of Start Tag ti line 1"
    """
    parser = safe_xml_parser(recover=True)
    try:
        etree.fromstring(body, parser)
    except etree.XMLSyntaxError as exc:  # only when recovery gives up entirely
        return str(exc) or "not XML"
    for error in parser.error_log:
        if error.type_name != "ERR_UNDECLARED_ENTITY":
            return f"line {error.line}: {error.message}"
    return None
