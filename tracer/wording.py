"""Counts in words for the lines people read: ``1 feed``, ``2 feeds``; text from
feeds and pages made safe to print on a terminal (:func:`shown`) or to write in an
XML document (:func:`xml_text`).

Only for human output (stderr summaries, plain listings, the report's text);
``--json`` keys never change with the count.
"""

from __future__ import annotations

import re

# C0 controls, DEL and C1 controls: a terminal acts on them (escape sequences).
# The bidirectional embeddings, overrides and isolates (U+202A-U+202E, U+2066-U+2069):
# a terminal that orders right-to-left text keeps them in force to the end of the line,
# so a title could show the columns after it, or a URL, in reverse ('moc.elpmaxe').
# The marks (U+200E, U+200F, U+061C) stay: each acts as one invisible letter of its
# direction (no more than any Hebrew or Arabic letter does), and real titles use them.
_CONTROLS = {c: "\ufffd" for c in (*range(32), *range(127, 160))}
_CONTROLS.update({c: "\ufffd" for c in (*range(0x202A, 0x202F), *range(0x2066, 0x206A))})
# line breaks (and the Unicode line and paragraph separators) and tabs: one space
_CONTROLS.update({ord(c): " " for c in "\t\n\r\u2028\u2029"})

# what JSON output escapes besides what json.dumps(ensure_ascii=False) does (C0 controls):
# DEL and C1 controls, the bidirectional controls, the line and paragraph separators
_JSON_RAW = re.compile("[\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")

# what XML 1.0 cannot carry: the C0 controls but tab and line breaks, lone surrogates
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def counted(count: int, singular: str, plural: str | None = None, *, grouped: bool = False) -> str:
    """``count`` and its noun, singular for exactly one (``plural`` defaults to noun + s);
    ``grouped`` writes thousands separators (the report).

    >>> counted(1, "feed"), counted(0, "feed"), counted(12, "new post")
    ('1 feed', '0 feeds', '12 new posts')
    >>> counted(1, "match", "matches"), counted(3, "match", "matches")
    ('1 match', '3 matches')
    >>> counted(1200, "repost", grouped=True), counted(1200, "repost")
    ('1,200 reposts', '1200 reposts')
    """
    number = f"{count:,}" if grouped else str(count)
    return f"{number} {singular if count == 1 else plural or singular + 's'}"


def shown(text: str | None) -> str:
    """``text`` from a feed or a page as plain output prints it: every control character
    a terminal would act on (ESC, BEL, a C1 CSI…) and every bidirectional embedding,
    override or isolate as U+FFFD, tabs and line breaks as a space (a title never breaks
    a tab-separated line); ``None`` as empty.

    >>> shown("Title \\x1b]0;owned\\x07 x\\tsplit\\nline"), shown(None)
    ('Title \ufffd]0;owned\ufffd x split line', '')
    >>> shown("gro.\\u202eexample\\u202c \\u2067x\\u2069 \\u05e9\\u200f.")
    'gro.\ufffdexample\ufffd \ufffdx\ufffd \u05e9\\u200f.'
    """
    return (text or "").translate(_CONTROLS)


def xml_text(text: str) -> str:
    r"""``text`` without the characters XML 1.0 cannot carry (a document holding one is
    not XML: every parser refuses it, and lxml refuses to write it). The exports and
    feeds tracer writes (GEXF, OPML, Atom) pass their text through it.

    >>> xml_text("a\x01b\tc\x1b[2J\ud800")
    'ab\tc[2J'
    """
    return _NOT_XML.sub("", text)


def json_quiet(document: str) -> str:
    r"""A JSON text from ``json.dumps(..., ensure_ascii=False)`` with the characters a
    terminal acts on that json.dumps leaves raw (DEL, C1 controls, bidirectional
    controls, U+2028/U+2029) written as ``\u`` escapes: the same data once parsed
    (they can only be inside strings), safe to print. ``--json`` and JSON lines use it.

    >>> import json
    >>> text = json_quiet(json.dumps({"t": "a\x9b2J\u202eb\u05e9"}, ensure_ascii=False))
    >>> text, json.loads(text) == {"t": "a\x9b2J\u202eb\u05e9"}
    ('{"t": "a\\u009b2J\\u202ebש"}', True)
    """
    return _JSON_RAW.sub(lambda found: f"\\u{ord(found.group()):04x}", document)
