"""Where in a post's bytes may a credit line stand? Pure; cheap on bodies without one.

1. The body's bytes, tags blanked and folded (ASCII lower-cased, punctuation and
   symbols as spaces), go through one Aho-Corasick automaton of all trigger words
   of the vocabulary (:mod:`tracer.vocabulary`): whole words, or substrings for
   spaceless scripts. A body without a trigger costs a few byte operations.
2. At each trigger word near a link, the phrases it starts are matched on the
   folded bytes (a looser, byte-level form of each phrase; one alternation per
   trigger rejects most words at once); only a match goes further.
3. :func:`credit_windows` gives the byte ranges around the matches that hold
   their lines (from the previous block tag to the end of the next line), for
   :mod:`tracer.html_links` to read.

>>> raw = b'<p>Text.</p><p>Source: <a href="https://a.example/x/">A</a></p>'
>>> positions, phrases = find_credit_phrases(raw, [(0, len(raw))])
>>> positions, sorted(phrases), credit_windows(raw, positions)
([15], ['source'], [(12, 59)])
"""

from __future__ import annotations

import bisect
import re
import sys
from collections.abc import Callable
from typing import AnyStr, Final

from ahocorasick_rs import BytesAhoCorasick, Implementation

from tracer.html_links import not_a_picture
from tracer.urls import MAX_URL_LENGTH
from tracer.vocabulary import PHRASES, PLURAL_HINTS, Phrase, is_spaceless

__all__ = [
    "block_start",
    "credit_windows",
    "find_credit_phrases",
    "has_schemeless_url",
    "matches_covering",
    "past_markup",
]

_REACH_AFTER: Final = 140  # bytes past a region that a phrase starting in it may need
_MAX_HITS: Final = 12  # occurrences of one trigger word followed per span
_CUT_TAG: Final = 600  # a tag longer than this may hide words from the blanking
_BEFORE: Final = 1200  # how far back a line start is looked for
_AFTER: Final = 450  # bytes of text after a trigger that the window keeps …
_LONGEST_LINK: Final = MAX_URL_LENGTH  # … and past it, to the end of a link cut there
_NEAR: Final = 500  # bytes of text after a trigger in which a credit's link is looked for
# where a plural label starts, in the cases a heading writes it ("Sources", "SOURCES")
_PLURAL_RE: Final = re.compile(
    b"|".join(
        re.escape(spelling.encode())
        for hint in sorted(PLURAL_HINTS)
        for spelling in dict.fromkeys((hint, hint.capitalize(), hint.upper()))
    )
)
_WORD_BREAKS: Final = frozenset(b" \t\r\n\f\v<>")
_BREAK_RE: Final = re.compile(rb"[\s<]")
_ANCHOR_RE: Final = re.compile(rb"<a\s", re.I)
_BREAK_BYTES: Final = (b" ", b"\t", b"\n", b"\r", b"\f", b"\v", b">")
_TABLE: Final = bytes(
    (b + 32 if 65 <= b <= 90 else b) if (b >= 128 or chr(b).isalnum()) else 32 for b in range(256)
)


def _variants(word: str) -> set[str]:
    return {word, word.capitalize(), word.upper(), word.title()}


_WORD_TRIGGERS: Final[dict[bytes, str]] = {}  # word as bytes (any case variant) → trigger
_SPACELESS_TRIGGERS: Final[dict[bytes, str]] = {}
_BY_TRIGGER: Final[dict[str, list[Phrase]]] = {}
for _phrase in PHRASES:
    for _trigger in _phrase.triggers:
        _BY_TRIGGER.setdefault(_trigger, []).append(_phrase)
        if is_spaceless(_trigger):
            _SPACELESS_TRIGGERS[_trigger.encode()] = _trigger
        else:
            for _variant in _variants(_trigger):
                # folded exactly as a post's bytes will be (ASCII lower-cased only)
                _WORD_TRIGGERS[_variant.encode().translate(_TABLE)] = _trigger
# Every trigger in one automaton: a word as a whole word (padded with the spaces that
# folding leaves around it), a spaceless one as a substring.
_KEYS: Final[list[bytes]] = list(_WORD_TRIGGERS) + list(_SPACELESS_TRIGGERS)
_PADDED: Final = len(_WORD_TRIGGERS)
_KEY_TRIGGERS: Final[list[str]] = list(_WORD_TRIGGERS.values()) + list(_SPACELESS_TRIGGERS.values())
# An ASCII chunk can hold only the ASCII words: its own, smaller automaton (an
# automaton's size costs its scan time); the one of every key is built on the first
# chunk that needs it. ``_ASCII_KEYS`` maps its key numbers back to ``_KEYS``. Its
# three extra keys never match (folded bytes have no capitals): with every key
# starting with a space, the automaton would run a prefilter that stops at every space.
_ASCII_KEYS: Final[list[int]] = [n for n, key in enumerate(_KEYS[:_PADDED]) if key.isascii()]
_ASCII_AUTOMATON: Final = BytesAhoCorasick(
    [b" " + _KEYS[n] + b" " for n in _ASCII_KEYS] + [b"A", b"B", b"C"],
    implementation=Implementation.DFA,
)
_AUTOMATONS: Final[list[BytesAhoCorasick]] = []


def _automaton() -> BytesAhoCorasick:
    """The automaton of every key: words padded with the spaces that folding leaves
    around them (whole words), spaceless ones bare (substrings)."""
    if not _AUTOMATONS:
        _AUTOMATONS.append(
            BytesAhoCorasick(
                [b" " + key + b" " for key in _KEYS[:_PADDED]] + _KEYS[_PADDED:],
                implementation=Implementation.DFA,
            )
        )
    return _AUTOMATONS[0]


_QuickMatch = Callable[[bytes, int], "re.Match[bytes] | None"]


class _QuickChecks(dict[str, "_QuickMatch | None"]):
    """Trigger → the bound ``match`` of one alternation of its (anchored) folded phrases,
    or None when one of them is not anchored: where it fails to match, none of them can,
    and the trigger's occurrence needs no further look. Compiled on a trigger's first
    occurrence: a body meets few of the vocabulary's triggers."""

    def __missing__(self, trigger: str) -> _QuickMatch | None:
        phrases = _BY_TRIGGER[trigger]
        quick = None
        if all(p.anchored for p in phrases):
            alternation = b"|".join(b"(?:" + p.prefilter_pattern + b")" for p in phrases)
            quick = re.compile(alternation).match
            if _ASSERTION.search(alternation) is None and all(
                quick(key, 0) is not None for key in _keys_of(trigger)
            ):
                # it matches the bare trigger ("via", "sources?"), and without an
                # assertion a longer text can only match as well: no check needed
                quick = None
        self[trigger] = quick
        return quick


# anything that looks at more than the bytes a match consumes (or at where it starts)
_ASSERTION: Final = re.compile(rb"\(\?[=!<]|\\[bBAZ]|\$|(?<!\[)\^")


def _keys_of(trigger: str) -> list[bytes]:
    """The folded forms under which ``trigger`` is found (its case variants)."""
    return [key for key, known in zip(_KEYS, _KEY_TRIGGERS, strict=True) if known == trigger]


_QUICK: Final = _QuickChecks()
# UTF-8 of punctuation and symbols that may touch a word: NBSP, « », curly quotes,
# dashes, bullets, arrows, dingbats (✅), CJK and full-width punctuation (：（【),
# emoji, Armenian punctuation (՝). Folded to spaces of the same length so that
# "«Source»", "Source：" and "📰Source" still show the word "source" to the trigger search.
_SYMBOL_BYTES: Final = re.compile(
    rb"\xc2[\xa0-\xbf]|\xe2[\x80-\xaf][\x80-\xbf]|\xe3\x80[\x80-\xbf]"
    rb"|\xef\xbc[\x80-\x8f\x9a-\xa0\xbb-\xbf]|\xef\xbd[\x80\x9b-\xa5]|\xf0\x9f[\x80-\xbf]{2}"
    rb"|\xd5[\x9c-\x9e]|\xd6\x89"  # Armenian ՜ ՝ ՞ and ։ ("Աղբյուր՝ <a>")
)
# Runs of tags with only white space between them ("</a></li>\n<li><a href=…>"): one
# piece each for the split below, a third as many as single tags. White space folds to
# a space anyway, so blanking it with its tags changes nothing.
# (Possessive: nothing after a repeat ever needs a byte of it back.)
_SYMBOL_LEADS: Final = (b"\xc2", b"\xd5", b"\xd6", b"\xe2", b"\xe3", b"\xef", b"\xf0")  # 1st bytes
_TAG_RUNS: Final = re.compile(rb"(<[^<>]*+>(?:\s*+<[^<>]*+>)*+)")
_TAG_RUNS_FAST: Final = re.compile(rb"(<[^>]*+>(?:\s*+<[^>]*+>)*+)")


class _Spaces(dict[int, bytes]):
    """Runs of spaces by length, made on first use: blanks tags without a Python loop."""

    def __missing__(self, size: int) -> bytes:
        spaces = b" " * size
        if size <= 4096:
            self[size] = spaces
        return spaces


_SPACES: Final = _Spaces()
# "t.me/channel/12": a URL without its scheme, found from its dot (see has_schemeless_url)
_DOT_TLD: Final = re.compile(rb"\.[a-zA-Z]{2,24}/[^\s/<]")
_TAG_MARK: Final = rb"<(?:p|br|div|li|h[1-6]|td|tr|blockquote|/p|/div|/li|/h[1-6])[\s>/]"
_BLANK_LINE: Final = rb"\n[ \t\r]*\n"
_LINE_MARK: Final = re.compile(_TAG_MARK + b"|" + _BLANK_LINE, re.I)
_TAG_MARK_RE: Final = re.compile(_TAG_MARK, re.I)
_BLANK_LINE_RE: Final = re.compile(_BLANK_LINE)
# What may follow a label in markup: a separator, a link or a URL (tags and spaces between).
# a label's qualifier words, then a colon ("Fuente original:"); the text rule decides
_QUALIFIED_BYTES: Final = re.compile(
    rb"(?:\s|&nbsp;|\xc2\xa0)+[^\s:<>|]{1,24}(?:\s[^\s:<>|]{1,24}){0,2}\s*(?::|\xef\xbc\x9a)"
)
_LABEL_FOLLOW_BYTES: Final = re.compile(
    # tags, spaces and closing brackets or quotes ("«Source»:", "[출처]", "[Quelle](")
    rb"(?:\s|\xc2\xa0|\xe2\x80\xaf|&nbsp;|&#160;|&#8239;|&#x(?:a0|202f);|</?(?:strong|b|em|i|u|span|font|small|mark|code)\b[^<>]*>"
    rb"|[\])}\"'*]|\xe2\x80[\x98\x99\x9c\x9d\xba]|\xc2\xbb|\xe3\x80[\x8d\x8f\x91\x95]|\xef\xbc\x89)*"
    rb"(?:[:|(\[-]|\xef\xbc\x9a|\xef\xbd\x9c|\xe4\xb8\xa8|\xd5\x9d|\xe2\x80[\x93\x94\xba]|\xc2\xbb|\xe2\x86\x92|&[mn]dash;|"
    rb"&#821[12];|&raquo;|&#187;|</?a[\s>]|https?://|www\.|<br|</p|</div|</li|</h\d|</?t[dh]\b|"
    rb"\n|$)",
    re.I,
)


# … and after a plural label, a list: "<dt>Sources</dt>", "Sources<ul>" (not after a
# singular one: "<dt>Credit</dt><dd><a>photographer</a>" is a picture's metadata)
_LIST_FOLLOW_BYTES: Final = re.compile(
    rb"(?:\s|</?(?:strong|b|em|i|u|span|font|small)\b[^<>]*>)*(?:</?d[dlt]\b|<[ou]l\b)", re.I
)
# Where the list under a plural label ends (_list_end): a list container that opens
# within this many bytes of text after the label …
_LIST_NEAR: Final = 120
_LIST_OPEN: Final = re.compile(rb"<(ul|ol|dl)[\s>]", re.I)
_LIST_TAGS: Final = {
    name: re.compile(rb"<(/?)" + name + rb"[\s>]", re.I) for name in (b"ul", b"ol", b"dl")
}
_LONGEST_LIST_BYTES: Final = 16384  # a list of 30 long links, with their titles
# … or else the block that holds its first link (lines joined by <br>), and the
# blocks after it that open as list items do: with their link (a paragraph a line,
# as the block editor writes them; not after <br>-joined lines), numbered ("<p>[2]
# <a>", "<p>3. <a>", "<p>b) <a>") or naming their outlet before their link
# ("<p>Reuters: <a>", "<p>AP: https://…"); which are items is credit_rules' to say
_BLOCK_END: Final = re.compile(
    rb"</(?:p|div|li|h[1-6]|blockquote|td|dd)\s*>|<(?:p|div|h[1-6]|hr|ul|ol|dl|table)[\s>/]"
    rb"|<br\s*/?>\s*+(?:(?:&nbsp;|\xc2\xa0)\s*+)?<br",
    re.I,
)
_ITEM_BLOCK: Final = re.compile(
    rb"\s*+(?:</(?:p|div)>\s*+)?"
    rb"(?:<(?:p|div)\b[^<>]*+>(?:\s|&nbsp;|\xc2\xa0|<br\s*+/?>)*+</(?:p|div)>\s*+)*+"  # spacers
    rb"<(?:p|div)\b[^<>]*+>\s*+(?:<(?:strong|b|em|i|u|span)\b[^<>]*+>\s*+){0,2}"
    # its link or URL, after a typed bullet, a symbol or an emoji at most ("- ", "• ",
    # "► ", "🔗 ") …
    rb"(?:(?P<bare>(?:(?:[-*]|\xe2[\x80-\xbf]{2}|\xf0\x9f[\x80-\xbf]{2})(?:\xef\xb8\x8f)?\s*+)?"
    rb"<a\s|https?://)"
    rb"|\[\d{1,3}\]|\d{1,3}[.)]|\(?(?:[a-z]|[\xd0\xd1][\x80-\xbf])\)"  # … [1] 2. b) б)
    # … or a name (40 characters of any script, not opening with a space), its mark
    rb"|[^<>\s][^<>\n]{0,119}?(?:</(?:strong|b|em|i|span)>)?(?:[ \t]|\xc2\xa0|&nbsp;)*+"
    rb"(?::|\||,|-|\xc2\xb7|\xe2\x80[\x93\x94]|\xd8\x8c|\xef\xbc\x9a"  # : | , - · – — ، ：
    rb"|&(?:#8211|#8212|#183|ndash|mdash|middot);)"
    rb"\s*+(?:</(?:strong|b|em|i|span)>\s*+)?(?:<a\s|https?://))",
    re.I,
)
_LINE_BREAK: Final = re.compile(rb"<br[\s/>]", re.I)
_FAR_CHECKS: Final = 24  # trigger words a body may have checked past markup (_link_past_markup)


def find_credit_phrases(
    raw: bytes, spans: list[tuple[int, int]]
) -> tuple[list[int], dict[str, dict[Phrase, None]]]:
    """Byte offsets in ``raw`` (within ``spans``) where a credit phrase may start, and,
    per trigger word, the phrases that matched there loosely (to be read on the text)."""
    positions: list[int] = []
    phrases: dict[str, dict[Phrase, None]] = {}  # trigger → phrases verified somewhere
    far_checks = _FAR_CHECKS  # (thousands of labels in tag soup: not each one 4 KB on)
    for lo, hi in spans:
        lo, hi = max(0, lo), min(len(raw), hi)
        if lo >= hi:
            continue
        # folded: tags blanked (URLs in attributes are full of "source", "story"…),
        # ASCII lower-cased, punctuation as spaces; same offsets as raw[lo:]
        limit = hi - lo
        if _FOLD_NATIVE is not None:
            folded, padded, ascii_only = _FOLD_NATIVE(raw, lo, hi + _REACH_AFTER, limit)
        else:
            folded, padded, ascii_only = fold_chunk(raw, lo, hi + _REACH_AFTER, limit)
        # occurrences of each trigger, last first: credit lines sit near the end
        occurrences: dict[int, list[int]] = {}
        if ascii_only:
            if _WORDS_NATIVE is not None:
                found = _WORDS_NATIVE(padded, _WORD_TABLE)
            else:
                found = [
                    (_ASCII_KEYS[key], start, end)
                    for key, start, end in _ASCII_AUTOMATON.find_matches_as_indexes(
                        padded, overlapping=True
                    )
                ]
        else:
            found = _automaton().find_matches_as_indexes(padded, overlapping=True)
        for key, start, end in found:
            if key >= _PADDED:
                start -= 1
            elif end == limit + 2 and limit < len(folded) and folded[limit] != 32:
                continue  # the padding stood for a letter that follows the region
            known = occurrences.get(key)
            if known is None:
                occurrences[key] = [start]
            else:
                known.append(start)
        for key, hits in occurrences.items():
            trigger = _KEY_TRIGGERS[key]
            quick = _QUICK[trigger]
            if len(hits) == 1:
                if quick is not None and quick(folded, hits[0]) is None:
                    continue  # the usual case: one occurrence, in plain prose
            else:
                hits.reverse()
                if quick is not None and len(hits) <= _MAX_HITS:
                    # every hit is followed: the cheap phrase check can go first
                    hits = [at for at in hits if quick(folded, at) is not None]
                    if not hits:
                        continue
            count = 0
            for at in hits:
                if count >= _MAX_HITS:
                    break
                # tags are blanked; only a tag cut by the chunk's start can hide a word
                if at <= _CUT_TAG and _in_tag(raw, lo + at):
                    continue
                near = _near_link(raw, lo + at)
                if near:
                    count += 1
                elif far_checks > 0 and raw.find(b"<", lo + at, lo + at + _NEAR) >= 0:
                    far_checks -= 1  # (bounded by its own budget, not by count)
                    near = _link_past_markup(raw, lo + at)
                if near:
                    verified = _verified(raw, folded, lo, at, trigger)
                    if verified:
                        positions.append(lo + at)
                        phrases.setdefault(trigger, {}).update(dict.fromkeys(verified))
    return sorted(positions), phrases


def fold_chunk(raw: bytes, lo: int, end: int, limit: int) -> tuple[bytes, bytes, bool]:
    """``raw[lo:end]`` folded for the trigger search, that folding padded with a space on
    each side and cut to ``limit`` bytes, and whether the span is ASCII outside its tags.

    Folded: tags blanked (:func:`_blank_tags`), punctuation and symbols as spaces when
    the span is not ASCII (:func:`_blank_symbols`), ASCII lower-cased, other ASCII
    bytes as spaces; one byte for one. ``tracer/_fold_bytes.c`` does the same in one
    pass over the bytes (:data:`_FOLD_NATIVE`, built with the compiled modules); this is
    the pure-Python build's and the reference the tests compare it with.

    >>> fold_chunk(b'<p>Source: <a href="/x">A</a></p>', 0, 99, 12)
    (b'   source               a        ', b'    source    ', True)
    >>> fold_chunk("«Quelle»<br>: x".encode(), 0, 99, 8)
    (b'  quelle        x', b'   quelle ', False)

    ``lo``, ``end`` and ``limit`` are taken as slices take them (below 0: from the end;
    out of range: clamped), in C too.
    """
    # raw[lo:end], written so that lo <= end: mypyc's bytes slicing (mypy 2.4) fails
    # on lo > end with a SystemError (a negative size) where Python gives b""
    lo, end, _ = slice(lo, end).indices(len(raw))
    chunk = _blank_tags(raw[lo : max(lo, end)])
    ascii_only = chunk.isascii()
    if not ascii_only:
        chunk = _blank_symbols(chunk)
    folded = chunk.translate(_TABLE)
    padded = b"".join((b" ", memoryview(folded)[:limit], b" "))  # one copy, not three
    return folded, padded, ascii_only


_Fold = Callable[[bytes, int, int, int], tuple[bytes, bytes, bool]]
_FindWords = Callable[[bytes, bytes], list[tuple[int, int, int]]]


def _native() -> tuple[_Fold | None, _FindWords | None, bytes]:
    """The C helper ``tracer/_fold_bytes.c``, built with the compiled modules: its
    :func:`fold_chunk`, its search of the ASCII automaton's words (the same matches in
    the same order: every such word is a run of letters and digits) and the table of
    those words, numbered as in ``_KEYS``, that the search reads. (None, None, b"")
    without the compiled build (pure Python: TRACER_PURE_PYTHON=1, or no C compiler),
    and when the C code folds by other tables than :data:`_TABLE` and
    :data:`_SYMBOL_BYTES` (one edited without the other; one line on stderr says so).
    The word search only (None, b"": the automaton finds the words) when a trigger
    word is longer than its table takes (``WORD_MAX``, 31 bytes)."""
    try:
        from tracer import _fold_bytes
    except ImportError:
        return None, None, b""
    differs = [
        name
        for name, ours, theirs in (
            ("_TABLE", _TABLE, _fold_bytes.FOLD_TABLE),
            ("_SYMBOL_BYTES", _SYMBOL_BYTES.pattern, _fold_bytes.SYMBOL_PATTERN),
        )
        if ours != theirs
    ]
    if differs:
        print(
            f"tracer: tracer/_fold_bytes.c folds otherwise than trigger_search.py's"
            f" {' and '.join(differs)}: the trigger search runs its Python code (make the C"
            " code agree, then `make compiled`)",
            file=sys.stderr,
        )
        return None, None, b""
    words = [_KEYS[n] for n in _ASCII_KEYS]
    if max(map(len, words)) > _fold_bytes.WORD_MAX:
        return _fold_bytes.fold_chunk, None, b""
    table = _fold_bytes.word_table(words, list(_ASCII_KEYS))
    return _fold_bytes.fold_chunk, _fold_bytes.find_words, table


# The one place that decides between the C helper and the Python code below.
_NATIVE: Final = _native()
_FOLD_NATIVE: Final = _NATIVE[0]
_WORDS_NATIVE: Final = _NATIVE[1]
_WORD_TABLE: Final = _NATIVE[2]


def _blank_tags(chunk: bytes) -> bytes:
    """``chunk`` with every complete tag (``<[^<>]*>``) as spaces of the same length
    (and the white space between two tags: it folds to spaces all the same).

    The split on ``<[^>]*>`` is the cheaper one for the regex engine (a run of
    "not ``>``" is a tight loop, a class is not); it finds the same tags as
    ``<[^<>]*>`` whenever none of them holds a second ``<``, which the counts check
    (each tag of a run ends with the one ``>`` it holds). A ``<`` in text ("a < b")
    falls back to the exact split.

    >>> _blank_tags(b'<p>Source: <a href="/x">A</a></p>')
    b'   Source:              A        '
    >>> _blank_tags(b"<p>1 < 2 and <b>x</b> <br>")
    b'   1 < 2 and    x         '
    """
    parts = _TAG_RUNS_FAST.split(chunk)
    if len(parts) == 1:
        return chunk
    joined = b"".join(parts[1::2])
    if joined.count(b"<") != joined.count(b">"):
        parts = _TAG_RUNS.split(chunk)
    for index in range(1, len(parts), 2):
        parts[index] = _SPACES[len(parts[index])]
    return b"".join(parts)


def _blank_symbols(chunk: bytes) -> bytes:
    """``chunk`` with punctuation and symbol sequences (see ``_SYMBOL_BYTES``) as spaces.

    >>> _blank_symbols("«Source»：x".encode())
    b'  Source     x'
    """
    if not any(lead in chunk for lead in _SYMBOL_LEADS):
        return chunk  # none starts here (Cyrillic, Greek, Arabic… text): no regex scan
    return _SYMBOL_BYTES.sub(lambda found: b" " * len(found.group()), chunk)


def _verified(raw: bytes, folded: bytes, shift: int, at: int, trigger: str) -> list[Phrase]:
    """The phrases of ``trigger`` that (loosely) stand at byte ``at``: often none.

    ``folded`` is ``raw[shift:]`` folded (see :func:`find_credit_phrases`) and ``at`` an
    offset in it; matching is on bytes, without decoding. The folded form of
    a phrase is looser than the phrase: the visible-text reading decides.
    """
    verified: list[Phrase] = []
    size = len(folded)
    for check in _CHECKS[trigger]:
        if check.anchored:
            found = check.folded.match(folded, at)
            if found is None:
                continue
            spans = [(at, found.end())]
        else:
            spans = _folded_spans(check.phrase, folded, at)
        for start, end in spans:
            if end < size and folded[end] != 32 and folded[end - 1] != 32 and not check.spaceless:
                continue
            if folded[end - 1] == 32 and end > start:
                # an optional tail matched only spaces (and blanked tags)
                end = start + len(folded[start:end].rstrip(b" "))
            if not check.label or _label_ends(raw, shift, start, end):
                verified.append(check.phrase)
                break
            if _shorter_label_ends(check.folded, raw, folded, shift, start, end):
                verified.append(check.phrase)
                break
    return verified


def _label_ends(raw: bytes, shift: int, start: int, end: int) -> bool:
    """Whether what follows the label at ``start:end`` of the folded bytes (``shift``
    before them in ``raw``) is what may follow a label: a separator, a link…"""
    return bool(
        _LABEL_FOLLOW_BYTES.match(raw, shift + end)
        or _QUALIFIED_BYTES.match(raw, shift + end)
        or (_LIST_FOLLOW_BYTES.match(raw, shift + end) and _PLURAL_RE.match(raw, shift + start))
    )


def _shorter_label_ends(
    regex: re.Pattern[bytes], raw: bytes, folded: bytes, shift: int, start: int, end: int
) -> bool:
    """:func:`_label_ends` for a shorter match of the label, word by word back from
    ``end``. The folded form reads any word of a script without case as one class of
    bytes, so a label's optional words ("المصدر الخبر", "по материалам сайта") also
    match the first word of the link text after it (``المصدر: <a>الجزيرة نت</a>``):
    the longest match then ends inside the link, and the label without its optional
    words is the one that stands.

    >>> label = re.compile(rb"[^ ]+(?: +[^ ]+)?")  # a word, an optional second one
    >>> raw = "المصدر <a>الجزيرة نت</a>".encode()
    >>> folded = raw.replace(b"<a>", b"   ").replace(b"</a>", b"    ")
    >>> end = label.match(folded).end()
    >>> _label_ends(raw, 0, 0, end), _shorter_label_ends(label, raw, folded, 0, 0, end)
    (False, True)
    """
    cut = end
    while True:
        cut = folded.rfind(b" ", start, cut)
        if cut <= start:
            return False
        word_end = start + len(folded[start:cut].rstrip(b" "))
        if word_end <= start:
            return False
        if regex.fullmatch(folded, start, word_end) and _label_ends(raw, shift, start, word_end):
            return True
        cut = word_end


class _PhraseCheck:
    """What :func:`_verified` reads of a phrase, read once: a :class:`Phrase` works its
    attributes out on first use, and every later read is a generic attribute lookup."""

    __slots__ = ("anchored", "folded", "label", "phrase", "spaceless")

    def __init__(self, phrase: Phrase) -> None:
        self.phrase = phrase
        self.anchored: bool = phrase.anchored
        self.folded: re.Pattern[bytes] = phrase.folded
        self.spaceless: bool = phrase.spaceless
        self.label: bool = phrase.role == "label"


class _Checks(dict[str, list[_PhraseCheck]]):
    """Trigger → the checks of its phrases, made on the trigger's first verification."""

    def __missing__(self, trigger: str) -> list[_PhraseCheck]:
        checks = [_PhraseCheck(phrase) for phrase in _BY_TRIGGER[trigger]]
        self[trigger] = checks
        return checks


_CHECKS: Final = _Checks()


def _folded_spans(phrase: Phrase, folded: bytes, at: int) -> list[tuple[int, int]]:
    # tags between words make a folded match longer than the text: leave room
    return matches_covering(phrase.folded, folded, at, 2 * phrase.reach + 20, 2 * phrase.after + 40)


def matches_covering(
    regex: re.Pattern[AnyStr], text: AnyStr, at: int, reach: int, after: int
) -> list[tuple[int, int]]:
    """Spans of ``regex`` matches that start at most ``reach`` before ``at`` and cover it."""
    spans = []
    position, stop = max(0, at - reach), min(len(text), at + after)
    while position <= at:
        found = regex.search(text, position, stop)
        if found is None or found.start() > at:
            break
        if found.end() > at:
            spans.append(found.span())
        position = found.start() + 1
    return spans


def _in_tag(raw: bytes, at: int) -> bool:
    """Is byte ``at`` inside a tag (an attribute such as ``utm_source``)?"""
    lo = max(0, at - 400)
    return raw.rfind(b"<", lo, at) > raw.rfind(b">", lo, at)


def _near_link(raw: bytes, at: int) -> bool:
    """A credit needs a link or a URL close by: skip triggers in plain prose."""
    lo, hi = max(0, at - 700), at + _NEAR
    return _link_between(raw, lo, hi) or has_schemeless_url(raw, at, hi)


def _link_past_markup(raw: bytes, at: int) -> bool:
    """:func:`_near_link` with "close" counted in text, not markup: a word processor's
    spans may stand between a label and its link (:func:`past_markup`)."""
    hi = at + _NEAR
    farther = past_markup(raw, at, _NEAR)
    return farther > hi and (
        _link_between(raw, hi - 8, farther) or has_schemeless_url(raw, hi, farther)
    )


def _link_between(raw: bytes, lo: int, hi: int) -> bool:
    return (
        raw.find(b"href", lo, hi) >= 0
        or raw.find(b"http", lo, hi) >= 0
        or raw.find(b"www.", lo, hi) >= 0
        or raw.find(b"HREF", lo, hi) >= 0
        or raw.find(b"HTTP", lo, hi) >= 0
    )


def past_markup(raw: bytes, at: int, keep: int) -> int:
    """The offset after ``at`` where ``keep`` bytes of text end, tags not counted.

    Microsoft Word's HTML wraps every run of text in a ``<span style="mso-…">`` of
    100-300 bytes: counted as text, those push a label's link out of reach. The
    offset is at most :data:`_LONGEST_LINK` past ``at`` (or the end of ``raw``).

    >>> span = b"<span style='" + b"x" * 300 + b"'>"
    >>> raw = b"Source:" + span * 3 + b"<a href='https://a.example/'>A</a>"
    >>> raw[past_markup(raw, 0, 8) :]  # "Source:" and "A"
    b'</a>'
    >>> past_markup(b"Source: plain text and more", 0, 10)
    10

    A tag cut short (a body cut inside an ``href``: another tag opens before its
    ``>``) is not markup; from there bytes count as text, as before.

    >>> cut = b"Via: <a href='https://a.example/x?utm_sour" + b"rmy text. " * 50 + b"<p>"
    >>> past_markup(cut, 0, 20)
    20
    """
    limit = min(len(raw), at + _LONGEST_LINK)
    position, left = at, keep
    while position < limit:
        lt = raw.find(b"<", position, min(limit, position + left))
        if lt < 0:
            break
        gt = raw.find(b">", lt, limit)
        if gt < 0 or raw.find(b"<", lt + 1, gt) >= 0:
            break  # cut short
        left -= lt - position
        position = gt + 1
    return min(limit, position + left)


def has_schemeless_url(raw: bytes, lo: int, hi: int) -> bool:
    r"""Does ``raw[lo:hi]`` hold a URL without its scheme ("t.me/channel/12"), i.e. a
    match of ``[a-zA-Z0-9]\.[a-zA-Z]{2,24}/[^\s/<]``?

    The regex engine skips to the dot, a literal, instead of testing the letter class
    at every byte; the letter before the dot is checked here.

    >>> has_schemeless_url(b"Source: t.me/channel/12", 0, 23)
    True
    >>> has_schemeless_url(b"Ends. /x and .example/x", 0, 23), has_schemeless_url(b"t.me/c", 1, 6)
    (False, False)
    """
    found = _DOT_TLD.search(raw, lo + 1, hi)
    while found is not None:
        dot = found.start()
        before = raw[dot - 1] | 32  # ASCII letters lower-cased
        if 97 <= before <= 122 or 48 <= raw[dot - 1] <= 57:
            return True
        found = _DOT_TLD.search(raw, dot + 1, hi)
    return False


def credit_windows(raw: bytes, positions: list[int]) -> list[tuple[int, int]]:
    """Byte ranges from each trigger's line start to the end of the next line, merged."""
    lo = max(0, positions[0] - _BEFORE)
    limit = positions[-1] + _AFTER
    marks: list[int] | None = None
    if _BLANK_LINE_RE.search(raw, lo, limit) is not None:
        # blank lines may overlap tag marks: take the marks as one scan finds them
        marks = [m.start() for m in _LINE_MARK.finditer(raw, lo, limit)]
    merged: list[tuple[int, int]] = []
    for at in positions:
        floor = max(0, at - _BEFORE)
        if marks is None:
            # only tag marks, which never overlap: look for the few that matter
            previous = block_start(raw, floor, at, limit)
            following = []
            for found in _TAG_MARK_RE.finditer(raw, at + 1, limit):
                following.append(found.start())
                if len(following) == 3:
                    break
        else:
            index = bisect.bisect_right(marks, at)
            previous = marks[index - 1] if index and marks[index - 1] >= floor else -1
            following = marks[index : index + 3]
        if previous >= 0:
            start = previous
        else:
            start = floor
            gt, lt = raw.find(b">", floor, at), raw.find(b"<", floor, at)
            if gt >= 0 and (lt < 0 or gt < lt):  # we were inside a tag: a long link's?
                opened = raw.rfind(b"<", max(0, floor - _LONGEST_LINK), floor)
                inside = opened >= 0 and raw.find(b">", opened, floor) < 0
                start = opened if inside and _ANCHOR_RE.match(raw, opened) else gt + 1
        if _PLURAL_RE.match(raw, at) is not None:
            end = _list_end(raw, at)  # "Sources:" over a list: the list
        else:
            # the trigger's line and the next one (a label may end its line) …
            end = len(raw)
            later = [m for m in following if m > at + 8]
            if later:
                # a link after the trigger on its own line: that line is enough
                end_of_line = later[0]
                own_line = raw.find(b"<a", at, end_of_line) >= 0
                own_line = own_line or raw.find(b"http", at, end_of_line) >= 0
                stop = 0 if own_line else 2
                if len(later) > stop:
                    end = later[stop]
            # … within _AFTER bytes of text (markup, a Word span, is not counted)
            if end > at + _AFTER:
                end = min(end, past_markup(raw, at, _AFTER))
        if end < len(raw):
            end = _uncut_end(raw, start, end)
        start = _picture_before(raw, start, end)
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


_PICTURE_REACH: Final = 3000  # bytes back to a picture's tag (srcset lists are long)
_ONLY_MARKUP: Final = re.compile(rb"(?:\s++|<[^<>]*+>|&nbsp;|&#160;)*+")
_LINK_CLOSE: Final = re.compile(rb"</a\s*>", re.I)


def _picture_before(raw: bytes, start: int, end: int) -> int:
    """``start``, or the start of an ``<img>`` tag with no text between it and
    ``start``: the window then shows the picture that a credit line stands under
    (:func:`tracer.credit_rules._under_image`).

    >>> raw = b"<p>Text.</p><p><img src='d.jpg' alt='Dam'></p>\\n<p>Credit: <a>J</a>"
    >>> raw[_picture_before(raw, raw.index(b"<p>Credit"), len(raw)) :][:8]
    b'<img src'
    >>> raw = b"<p><img src='d.jpg'> A dam.</p><p>Credit: <a>J</a>"
    >>> _picture_before(raw, raw.index(b"<p>Credit"), len(raw)) == raw.index(b"<p>Credit")
    True
    >>> raw = b"<img src='d.jpg'><br>Source: <a>J</a>"  # a picture post: the picture's source
    >>> _picture_before(raw, raw.index(b"<br>"), len(raw)) == raw.index(b"<br>")
    True
    >>> raw += b"<p>The story, under its featured picture.</p>"
    >>> _picture_before(raw, raw.index(b"<br>"), raw.index(b"<p>The"))
    0
    """
    lo = max(0, start - _PICTURE_REACH)
    picture = max(raw.rfind(b"<img", lo, start), raw.rfind(b"<IMG", lo, start))
    if picture < 0:
        return start
    close = raw.find(b">", picture, start)
    if close < 0 or _ONLY_MARKUP.fullmatch(raw, close + 1, start) is None:
        return start
    tag = raw[picture:close].decode("utf-8", "replace")
    if not_a_picture(tag) or _LINK_CLOSE.search(raw, close + 1, start) is not None:
        return start  # a pixel or an emoji; an icon inside a link
    if (
        picture < _PICTURE_REACH
        and _ONLY_MARKUP.fullmatch(raw, 0, picture) is not None
        and _ONLY_MARKUP.fullmatch(raw, end, min(len(raw), end + _PICTURE_REACH)) is not None
    ):
        return start  # the post is the picture and its credit: a picture post's source
    return picture


def _list_end(raw: bytes, at: int) -> int:
    """Where the list under the plural label at ``at`` ends: the close of a list
    container (``<ul>``, ``<ol>``, ``<dl>``) that opens right after it, or else the
    end of the block that holds its first link (``<br>``-joined lines), and of the
    blocks after it that open as list items (a link alone, numbered, or an outlet's
    name first; a link alone only after a first item that is a block of its own).
    Nothing after the list is read with it: a related-posts list, share buttons, a
    channel's own link.

    >>> raw = b"<h3>Sources</h3><ul><li><a href='a'>A</a><ul><li>x</li></ul></li></ul><p><a>N</a>"
    >>> raw[_list_end(raw, 4) :]
    b'</ul><p><a>N</a>'
    >>> raw = b"<p>Sources:<br>1. <a href='a'>A</a><br>2. <a href='b'>B</a><br><br><a>N</a>"
    >>> raw[_list_end(raw, 3) :]
    b'<br><br><a>N</a>'
    >>> raw = b"<p>Sources:</p><p>[1] <a href='a'>A</a></p><p>[2] <a href='b'>B</a></p><p>N</p>"
    >>> raw[_list_end(raw, 3) :]
    b'</p><p>N</p>'
    >>> raw = b"<p>Sources:</p><p>TASS: <a href='a'>A</a></p><p><b>AP</b> - <a href='b'>B</a>"
    >>> raw += b"</p><p>N</p>"
    >>> raw[_list_end(raw, 3) :]
    b'</p><p>N</p>'
    """
    reach = past_markup(raw, at, _AFTER)  # (a label's colon may skip a site name)
    anchor = _ANCHOR_RE.search(raw, at, reach)
    link = anchor.start() if anchor is not None else -1
    plain = raw.find(b"http", at, reach)
    while plain >= 0 and _in_tag(raw, plain):  # an image's src, a schema.org itemtype
        plain = raw.find(b"http", plain + 4, reach)
    first = min(link, plain) if link >= 0 and plain >= 0 else max(link, plain)
    near = past_markup(raw, at, _LIST_NEAR)
    opened = _LIST_OPEN.search(raw, at, near if first < 0 else min(near, first))
    if opened is not None:
        limit = min(len(raw), opened.start() + _LONGEST_LIST_BYTES)
        depth = 0
        for tag in _LIST_TAGS[opened.group(1).lower()].finditer(raw, opened.start(), limit):
            depth += -1 if tag.group(1) else 1
            if depth == 0:
                return tag.start()
        # never closed (a summary cut short, sloppy markup): as a list without one
    if first < 0:
        return reach
    limit = min(len(raw), first + _LONGEST_LIST_BYTES)
    block_end = _BLOCK_END.search(raw, first, limit)
    # blocks that are only a link go on a list of one paragraph a line, not one of
    # lines joined by <br>: after "Sources:<br><a>A</a><br><a>B</a></p>" such a
    # block is something else ("<p><a>Follow us on Google News</a></p>")
    joined = block_end is not None and _LINE_BREAK.search(raw, at, block_end.start()) is not None
    while block_end is not None:
        item = _ITEM_BLOCK.match(raw, block_end.start(), limit)
        if item is None or (joined and item.group("bare") is not None):
            return block_end.start()
        block_end = _BLOCK_END.search(raw, item.end(), limit)
    return limit


def _uncut_end(raw: bytes, start: int, end: int) -> int:
    """A window's ``end`` moved so that it cuts no link, tag or word in two.

    A link may be far longer than the bytes a window keeps after its trigger: a
    percent-encoded Arabic or Russian slug takes 6 bytes a letter. Cut, its
    ``href`` was dropped (no credit found) and a URL in text was shortened (a
    wrong key). So a cut tag is kept to its ``>`` (an ``<a>`` to its ``</a>``) and
    a cut word to its end, within :data:`_LONGEST_LINK` bytes; past that, or when
    another tag opens before the ``>`` (a body cut inside the tag), the cut tag or
    word is left out.

    >>> raw = b"<p>Source: <a href='https://a.example/" + b"%D8%A8" * 100 + b"'>A</a></p>"
    >>> raw[_uncut_end(raw, 3, 60) :]
    b'</a></p>'
    >>> text = b"<p>Source: https://a.example/" + b"%D8%A8" * 100 + b" and more</p>"
    >>> text[_uncut_end(text, 3, 60) :]
    b' and more</p>'
    >>> _uncut_end(b"<p>Source: word and <a href='" + b"x" * 9000, 3, 30)
    20
    >>> _uncut_end(b"<p>Source: <a href='https://a.example/cut here</p>", 3, 30)  # a cut body
    11
    """
    lt = raw.rfind(b"<", start, end)
    if lt >= 0 and raw.find(b">", lt, end) < 0:  # inside a tag
        gt = raw.find(b">", end, lt + _LONGEST_LINK)
        if gt < 0 or raw.find(b"<", end, gt) >= 0:
            return lt  # not closed before the next tag: a body cut inside it
        end = gt + 1
        if _ANCHOR_RE.match(raw, lt) is not None:
            close = raw.find(b"</", end, end + _LONGEST_LINK)
            if close >= 0:
                end = close
        return end
    if end == len(raw) or raw[end - 1] in _WORD_BREAKS or raw[end] in _WORD_BREAKS:
        return end
    found = _BREAK_RE.search(raw, end, end + _LONGEST_LINK)
    if found is not None:
        return found.start()
    if len(raw) - end <= _LONGEST_LINK:
        return len(raw)  # the word ends the body
    cut = max(raw.rfind(byte, start, end) for byte in _BREAK_BYTES)  # the word is left out
    return cut + 1 if cut >= 0 else start


def block_start(raw: bytes, floor: int, at: int, limit: int) -> int:
    """The last tag mark that starts in ``[floor, at]`` (or -1)."""
    lt = raw.rfind(b"<", floor, at)
    for _step in range(8):
        if lt < 0:
            return -1
        if _TAG_MARK_RE.match(raw, lt, limit) is not None:
            return lt
        lt = raw.rfind(b"<", floor, lt)
    last = -1
    for found in _TAG_MARK_RE.finditer(raw, floor, limit):
        if found.start() > at:
            break
        last = found.start()
    return last
