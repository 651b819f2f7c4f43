"""A post's visible text → a small fingerprint of sampled word-shingle keys. Pure: no I/O.

The text is the title and the first body (full content, else summary) with
tags, scripts and styles removed, entities decoded, NFKC-normalized and
case-folded; punctuation and symbols are word breaks, so changed quotes,
dashes or markup do not change the words. Han and kana characters are one
word each (those scripts put no spaces between words); Thai, Lao, Khmer and
Burmese, which put none between words either and whose characters are
letters, not morphemes, are cut into words of :data:`CHUNK` characters,
counted from each run's start.

Each run of :data:`SHINGLE` consecutive words is a *shingle*. A fingerprint
keeps a content-defined sample of them: a shingle is kept when a hash of its
first three words is 0 modulo ``8 << level`` (``level`` 0 keeps about one in
eight). Whether a shingle is kept depends only on its own words, so two texts
that share a passage keep the same shingles of it, wherever it sits in each
text. A text is sampled at the smallest level that keeps at most
:data:`MAX_KEYS` keys; the samples of different levels nest (a key kept at
level 2 is kept at levels 0 and 1), so two fingerprints are compared at the
coarser of their two levels (:func:`containment`).

A key is ``crc32(shingle) << 16 | selector`` (48 bits): the low 16 bits are
the selector hash, so the level test needs no text. Texts under
:data:`MIN_WORDS` words get no keys: too short to tell a copy from a shared
quote.

>>> text = " ".join(f"word{i}" for i in range(900))
>>> fp = fingerprint_text(text)
>>> fp.words, fp.level, 0 < len(fp.keys) <= MAX_KEYS
(900, 1, True)
>>> excerpt = fingerprint_text("Breaking: " + " ".join(f"word{i}" for i in range(120)))
>>> round(containment(excerpt, fp), 2)
1.0
>>> fingerprint_text("too short to match").keys
()
"""

from __future__ import annotations

import html
import re
import unicodedata
from array import array
from collections.abc import Callable
from itertools import compress, count
from operator import itemgetter
from typing import TYPE_CHECKING
from zlib import crc32

__all__ = [
    "EVIDENCE_PHRASES",
    "MAX_KEYS",
    "MIN_WORDS",
    "SHINGLE",
    "Fingerprint",
    "at_level",
    "containment",
    "fingerprint_item",
    "fingerprint_text",
    "fingerprint_tokens",
    "folded",
    "keys_from_blob",
    "keys_to_blob",
    "selectors",
    "stored_row",
    "tokens_of",
    "unescape",
    "visible_text",
    "words_of",
]

SHINGLE = 5  # words per shingle
MIN_WORDS = 50  # texts shorter than this are never matched
MAX_KEYS = 64  # a fingerprint keeps at most this many keys (the level rises until it does)
BASE_MASK = 7  # level 0 keeps shingles whose selector is 0 modulo 8
MAX_LEVEL = 12
SELECTOR_BITS = 16
EVIDENCE_PHRASES = 16  # phrases stored per fingerprint, for evidence
CHUNK = 4  # characters per word of a script written without spaces (_CHUNKED_BLOCKS)
# selectors() computes the low SELECTOR_BITS bits of each selector only: every level's mask fits
assert (BASE_MASK + 1 << MAX_LEVEL) - 1 < 1 << SELECTOR_BITS


_NativeKeys = Callable[[str, bytes, bytes], tuple[int, int, bytes, str, str]]
_NativeItemKeys = Callable[
    [str | None, str | None, bytes, bytes, bytes], tuple[int, int, bytes, str, str] | None
]


def _native() -> tuple[
    _NativeKeys | None, Callable[[str], str | None] | None, _NativeItemKeys | None
]:
    """``tracer._shingles``' ``shingle_keys_text``, ``strip_tags`` and ``item_keys`` (C,
    built by ``make compiled``) when it is built with this module's constants, else
    (None, None, None): then the Python code below does the same (one line on stderr says
    so when the constants differ). ``tracer/__init__.py`` keeps it from loading when its
    source is newer or under TRACER_PURE_PYTHON."""
    try:
        from tracer import _shingles
    except ImportError:
        return None, None, None
    params = (
        SHINGLE, MIN_WORDS, MAX_KEYS, BASE_MASK, MAX_LEVEL, SELECTOR_BITS, EVIDENCE_PHRASES, CHUNK
    )  # fmt: skip
    if params != _shingles.PARAMS:
        import sys

        print(
            f"tracer: tracer/_shingles.c has other constants {_shingles.PARAMS} than"
            f" fingerprint.py {params}: fingerprints are made by its Python code (make the"
            " C code agree, then `make compiled`)",
            file=sys.stderr,
        )
        return None, None, None
    return _shingles.shingle_keys_text, _shingles.strip_tags, _shingles.item_keys


# The one place that decides between the C helper and the Python code below.
_shingle_keys, _strip_tags, _item_keys = _native()

_DROP = re.compile(r"<(script|style|noscript)\b.*?</\1\s*>|<!--.*?-->", re.S | re.I)
_TAG = re.compile(r"<[^>]*>")
# where a _DROP match can start: group 1 the element's name as written, none for a comment
_DROP_START = re.compile(r"<(?:(script|style|noscript)\b|!--)", re.I)
_HAN_KANA = re.compile(r"([\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff])")


def _breaks() -> dict[int, str | None]:
    """Punctuation, symbols and separators of the BMP → a space (str.translate table).

    Spaces too, all but the six ASCII ones that ``bytes.split()`` splits on
    (U+00A0, U+2003, U+001C…): the UTF-8 of a translated text then splits
    into its words.
    """
    table: dict[int, str | None] = {}
    for code in range(0x10000):
        char = chr(code)
        category = unicodedata.category(char)
        if category == "Cf":
            table[code] = None  # soft hyphens, zero-width joiners: not word breaks
        elif char.isspace():
            if char not in " \t\n\r\x0b\x0c":
                table[code] = " "
        elif category[0] in "PSZC":
            table[code] = " "
    return table


_BREAKS = _breaks()
# An ASCII byte → what casefold and _BREAKS make of it (one byte each), for bytes.translate.
_ASCII_FOLD = bytes(ord(chr(b).casefold().translate(_BREAKS)) if b < 128 else b for b in range(256))
# The C helper reads a folded ASCII byte <= " " as a break: so are only bytes.split()'s
# spaces (the other control characters are breaks, made " "), and "&" and "<" are ones.
assert all((b <= 32) == (b in b" \t\n\r\x0b\x0c") for b in _ASCII_FOLD[:128])
assert _ASCII_FOLD[ord("&")] == _ASCII_FOLD[ord("<")] == ord(" ")
# The Han and kana blocks of _HAN_KANA (tests check that they are the same characters).
_HAN_KANA_BLOCKS = ((0x3040, 0x30FF), (0x3400, 0x4DBF), (0x4E00, 0x9FFF), (0xF900, 0xFAFF))
# Scripts written without spaces between words whose characters are letters (Thai,
# Lao, Myanmar and its extensions, Khmer and its symbols): a run of them is cut into
# words of CHUNK characters (a phrase between two spaces would be one word otherwise,
# and most posts would stay under MIN_WORDS). Format characters (zero-width joiners)
# are dropped first and do not count; a break or any other character ends the run.
_CHUNKED_BLOCKS = (
    (0x0E00, 0x0E7F),
    (0x0E80, 0x0EFF),
    (0x1000, 0x109F),
    (0x1780, 0x17FF),
    (0x19E0, 0x19FF),
    (0xA9E0, 0xA9FF),
    (0xAA60, 0xAA7F),
)
_UNSPACED = "[" + "".join(f"{chr(first)}-{chr(last)}" for first, last in _CHUNKED_BLOCKS) + "]"
_CHUNKED = re.compile(f"{_UNSPACED}{{1,{CHUNK}}}")


def _classes() -> bytes:
    """What folding does with each BMP character, for the C helper: 1 a break (a space),
    2 dropped (``_BREAKS``), 4 a word of its own (``_HAN_KANA``), 8 cut into words of
    :data:`CHUNK` characters (``_CHUNKED``), 0 kept."""
    classes = bytearray(0x10000)
    for code, char in _BREAKS.items():
        classes[code] = 1 if char else 2
    for blocks, bit in ((_HAN_KANA_BLOCKS, 4), (_CHUNKED_BLOCKS, 8)):
        with_bit = bytes(b | bit for b in range(256))
        for first, last in blocks:
            classes[first : last + 1] = classes[first : last + 1].translate(with_bit)
    return bytes(classes)


_CLASSES = _classes() if _shingle_keys is not None else b""

_SPACES = " \t\n\r\x0b\x0c"  # what bytes.split() splits on
# Named entities of feeds that may decode to word breaks (_safe() keeps those that do),
# the most frequent first: the C helper tries them in this order.
_BREAK_NAMES = (
    "amp;", "nbsp;", "hellip;", "rsquo;", "ldquo;", "rdquo;", "lsquo;", "mdash;", "ndash;",
    "quot;", "lt;", "gt;", "apos;", "laquo;", "raquo;", "sbquo;", "bdquo;", "bull;",
    "middot;", "thinsp;", "ensp;", "emsp;", "copy;", "reg;", "deg;", "sect;", "para;",
    "dagger;", "Dagger;", "prime;", "Prime;", "lsaquo;", "rsaquo;", "iexcl;", "iquest;",
    "times;", "divide;", "plusmn;", "minus;", "larr;", "rarr;", "uarr;", "darr;", "harr;",
    "AMP;", "QUOT;", "LT;", "GT;", "COPY;", "REG;",
)  # fmt: skip


def _safe() -> tuple[bytes, bytes]:
    """What the C helper's item_keys may fold without NFKC, besides ASCII: a table of the
    BMP (1: the character is a word break wherever it stands; 2: the decimal entity
    ``&#N;`` decodes to such breaks or ASCII ones) and the names of :data:`_BREAK_NAMES`
    whose entity does (NUL-separated).

    A character is a break wherever it stands when it is a punctuation, symbol or space
    character that NFKC, casefold and :data:`_BREAKS` make only spaces of, and NFKC
    composes it with no neighbour: its NFKD is itself (of combining class 0) or ASCII, and
    no ASCII character, nor any of these, is the second of a canonical composition (tests
    check it), so NFKC of a text of them and ASCII is their NFKD, each one's in turn.
    """
    table = bytearray(0x10000)
    normalize, combining = unicodedata.normalize, unicodedata.combining
    for code, char in _BREAKS.items():
        if char != " " or code < 0x80 or 0xD800 <= code < 0xF900:  # surrogates, private use
            continue
        c = chr(code)
        if unicodedata.category(c)[0] not in "PSZ":
            continue
        nfkd = normalize("NFKD", c)
        if combining(c) if nfkd == c else not nfkd.isascii():
            continue
        folds = nfkd.casefold().translate(_BREAKS)
        if folds and not folds.strip(_SPACES):
            table[code] = 1

    def breaks_only(text: str) -> bool:
        return bool(text) and all(
            _ASCII_FOLD[ord(d)] <= 32 if d.isascii() else ord(d) < 0x10000 and table[ord(d)] & 1
            for d in text
        )

    # "&#N;" is chr(N) for the characters above (html.unescape's exceptions are controls,
    # surrogates and noncharacters, none of them: tests check every N)
    with_number = bytes(b | 2 if b else 0 for b in range(256))
    table[0x100:] = table[0x100:].translate(with_number)
    for code in range(0x100):
        table[code] = table[code] & 1 | 2 * breaks_only(html.unescape(f"&#{code};"))
    names = [name for name in _BREAK_NAMES if breaks_only(html.unescape("&" + name))]
    return bytes(table), "\0".join(names).encode()


# _safe()'s tables, made by the first item that the C helper folds (import stays quick:
# they take ~10 ms)
_SAFE = _SAFE_NAMES = b""


def _safe_tables() -> tuple[bytes, bytes]:
    """_safe()'s tables, made on the first call."""
    global _SAFE, _SAFE_NAMES
    if not _SAFE:
        _SAFE, _SAFE_NAMES = _safe()
    return _SAFE, _SAFE_NAMES


class Fingerprint(tuple[int, int, bytes, str, str]):
    """Sampled shingle keys of one text, in text order, and the shingle of each key.

    Immutable. It is the tuple of its stored form, the one the ``fingerprints``
    table stores and a parse worker sends to the writer (:func:`stored_row`):
    ``(words, level, keys' blob, first phrases, other phrases)``, the keys as one
    blob, the first :data:`EVIDENCE_PHRASES` phrases one per line and the others
    in another string; ``keys`` and ``phrases`` are read from it (the writer
    reads them only of a post that matches another one). It is pickled as that
    tuple and rebuilt by ``tuple.__new__``, so the writer's process, which loads
    one per post, runs no Python code for it; and its columns are read by C code
    (``itemgetter``) too.
    """

    __slots__ = ()

    def __new__(
        cls, words: int, level: int, keys: tuple[int, ...], phrases: tuple[str, ...]
    ) -> Fingerprint:
        head = "\n".join(phrases[:EVIDENCE_PHRASES])
        tail = "\n".join(phrases[EVIDENCE_PHRASES:])
        return _new_row(cls, (words, level, keys_to_blob(keys), head, tail))

    @classmethod
    def packed(cls, words: int, level: int, blob: bytes, head: str, tail: str) -> Fingerprint:
        """A fingerprint from its stored form: keys' blob, first phrases, other phrases."""
        return _new_row(cls, (words, level, blob, head, tail))

    if TYPE_CHECKING:

        @property
        def words(self) -> int: ...
        @property
        def level(self) -> int: ...
        @property
        def blob(self) -> bytes:
            """The keys as stored (:func:`keys_to_blob`)."""
        @property
        def stored_phrases(self) -> str:
            """The first :data:`EVIDENCE_PHRASES` phrases, one per line, as stored."""
        @property
        def other_phrases(self) -> str:
            """The phrases after the first :data:`EVIDENCE_PHRASES`, one per line (not stored)."""
        @property
        def columns(self) -> tuple[int, int, bytes]:
            """(words, level, keys' blob): what the writer stores of it, in one read."""
    else:
        words = property(itemgetter(0))
        level = property(itemgetter(1))
        blob = property(itemgetter(2))
        stored_phrases = property(itemgetter(3))
        other_phrases = property(itemgetter(4))
        columns = property(itemgetter(0, 1, 2))

    @property
    def keys(self) -> tuple[int, ...]:
        return tuple(keys_from_blob(self[2]))

    @property
    def phrases(self) -> tuple[str, ...]:  # phrases[i] is the shingle (folded words) of keys[i]
        if not self[2]:
            return ()
        phrases = self[3].split("\n")
        if self[4]:
            phrases += self[4].split("\n")
        return tuple(phrases)

    @property
    def all_phrases(self) -> str:
        """Every phrase, one per line (what a post that shares text with another stores)."""
        head, tail = self[3], self[4]
        return f"{head}\n{tail}" if tail else head

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Fingerprint):
            # a plain tuple is no fingerprint, even one of the same stored form (tuple's
            # own == would say it equals, with another hash)
            return False if isinstance(other, tuple) else NotImplemented
        return (self.words, self.level, self.keys, self.phrases) == (
            other.words,
            other.level,
            other.keys,
            other.phrases,
        )

    def __ne__(self, other: object) -> bool:
        equal = self.__eq__(other)
        return equal if equal is NotImplemented else not equal

    def __hash__(self) -> int:
        return hash((self.words, self.level, self.keys, self.phrases))

    def __repr__(self) -> str:
        return (
            f"Fingerprint(words={self.words!r}, level={self.level!r}, keys={self.keys!r},"
            f" phrases={self.phrases!r})"
        )

    def __reduce__(self) -> tuple[Callable[..., Fingerprint], tuple[type, tuple[object, ...]]]:
        """Pickled as its tuple, rebuilt by ``tuple.__new__`` (C: no Python call per post in
        the writer's process)."""
        return _new_row, (Fingerprint, tuple(self))


_new_row = tuple.__new__


def stored_row(fp: Fingerprint) -> tuple[bytes, str]:
    """The keys (:func:`keys_to_blob`) and the first :data:`EVIDENCE_PHRASES` phrases
    (one per line) of a fingerprint, as stored.

    >>> blob, head = stored_row(Fingerprint(60, 0, (8, 16), ("a b c d e", "b c d e f")))
    >>> keys_from_blob(blob), head
    ([8, 16], 'a b c d e\\nb c d e f')
    """
    return fp.blob, fp.stored_phrases


def strip_tags(html_text: str) -> str:
    """``_TAG.sub(" ", _DROP.sub(" ", html_text))`` in time linear in the text's length.

    The regexes alone take quadratic time on hostile bodies: each ``<script``
    (``<style``, ``<noscript``, ``<!--``) without its end, and each ``<``
    without a ``>`` after it, is scanned to the end of the text (a body of
    ``"<!--" * 20000 + "<script>"``: seconds). Here a kind of opening whose
    match failed once is not tried again: a later one has fewer endings after
    it (the backreference compares lower-cased letters, so the kind is the
    lower-cased name), and tags are looked for only before the last ``>``.

    >>> strip_tags("a<!-- x -->b<SCRIPT>c</script >d<style>e<p>f")
    'a b d e f'
    >>> strip_tags("<!--" * 3 + "<script x")
    '<!--<!--<!--<script x'
    """
    parts: list[str] = []
    done = 0  # html_text[:done] is in parts
    search = 0
    failed: set[str | None] = set()  # kinds (lower-cased name, None: comment) with no end
    start_at = _DROP_START.search
    while (opening := start_at(html_text, search)) is not None:
        start = opening.start()
        name = opening.group(1)
        kind = name.lower() if name is not None else None
        found = None if kind in failed else _DROP.match(html_text, start)
        if found is None:
            failed.add(kind)
            search = start + 1
            continue
        parts.append(html_text[done:start])
        parts.append(" ")
        done = search = found.end()
    parts.append(html_text[done:])
    text = "".join(parts)
    cut = text.rfind(">") + 1  # every "<" before it has a ">" after it: one scan each
    return _TAG.sub(" ", text[:cut]) + text[cut:] if cut else text


def visible_text(html_text: str) -> str:
    """The text a reader sees: tags, scripts, styles and comments removed, entities decoded.

    >>> visible_text('<p>Caf&eacute; <b>bold</b><script>x()</script>end</p>')
    ' Café  bold  end '
    """
    if "<" in html_text:
        # the C helper gives what the regexes give, or None when a "<" is followed by
        # a name _DROP could match (script, style, noscript): then the regexes run
        stripped = _strip_tags(html_text) if _strip_tags is not None else None
        if stripped is None:
            stripped = strip_tags(html_text)
        html_text = stripped
    return unescape(html_text)


# The most frequent entities in feeds (WordPress writes "&#038;" and "&#8217;"), as the
# text after "&" → what html.unescape makes of them (so the same, by construction).
_ENTITIES = {
    name: html.unescape("&" + name)
    for name in (
        "amp;", "#038;", "#38;", "lt;", "gt;", "quot;", "#39;", "#039;", "apos;", "nbsp;",
        "#160;", "#8211;", "#8212;", "#8216;", "#8217;", "#8220;", "#8221;", "#8222;",
        "#8230;", "hellip;", "rsquo;", "lsquo;", "ldquo;", "rdquo;", "mdash;", "ndash;",
        "eacute;",
    )
}  # fmt: skip
_LONGEST_ENTITY = max(map(len, _ENTITIES))


def unescape(text: str) -> str:
    """``html.unescape(text)``, in one split and join when every entity is a common one
    (:data:`_ENTITIES`; else html.unescape itself).

    Each "&" starts one known entity, whose character contains no "&": so
    replacing them one after the other decodes each once, as html.unescape does.

    >>> text = "a &amp;lt; b&#8217;s &quot;x&quot; &#038; y"
    >>> unescape(text), unescape(text) == html.unescape(text)
    ('a &lt; b’s "x" & y', True)
    >>> unescape("AT&T &amp; co") == html.unescape("AT&T &amp; co")
    True
    """
    if "&" not in text:
        return text
    parts = text.split("&")
    out = [parts[0]]
    for part in parts[1:]:
        end = part.find(";", 1, _LONGEST_ENTITY) + 1
        char = _ENTITIES.get(part[:end]) if end else None
        if char is None:  # another entity, or a bare "&": the general decoder
            return html.unescape(text)
        out.append(char)
        out.append(part[end:])
    return "".join(out)


def words_of(text: str) -> list[str]:
    """Folded words of a visible text: NFKC, case-folded, punctuation as breaks, CJK per character.

    >>> words_of("“Don’t” — SAID the Ministry, on 23.03!")
    ['don', 't', 'said', 'the', 'ministry', 'on', '23', '03']
    >>> words_of("俄罗斯外交部 said")
    ['俄', '罗', '斯', '外', '交', '部', 'said']
    >>> words_of("รัฐบาลประกาศ มาตรการ")
    ['รัฐบ', 'าลปร', 'ะกาศ', 'มาตร', 'การ']
    """
    return [token.decode() for token in tokens_of(text)]


def tokens_of(text: str) -> list[bytes]:
    """The words of :func:`words_of` as UTF-8 bytes, the form the hashing reads.

    >>> tokens_of("“Don’t” — SAID\xa0the Ministry")
    [b'don', b't', b'said', b'the', b'ministry']
    """
    return folded(text).split()


def folded(text: str) -> bytes:
    """The UTF-8 of a text with its words folded and its breaks made ASCII spaces:
    :func:`tokens_of` is its ``split()``.

    >>> folded("“Don’t” SAID")
    b' don t  said'
    """
    if text.isascii():  # the same words, folded by one bytes table
        return text.encode().translate(_ASCII_FOLD)
    text = unicodedata.normalize("NFKC", text)
    if _HAN_KANA.search(text):
        text = _HAN_KANA.sub(r" \1 ", text)
    text = text.casefold().translate(_BREAKS)
    if _CHUNKED.search(text):  # (after the breaks and dropped characters are done)
        text = _CHUNKED.sub(r" \g<0> ", text)
    return text.encode()


def selectors(hashes: list[int]) -> array[int]:
    """``(h[i] ^ (h[i + 1] >> 7)) + h[i + 2]`` modulo 2**16 for each word hash ``h[i]``,
    all at once (each value may keep a 17th bit: read them ``& 0xFFFF``).

    Only those 16 bits are ever read (the key's selector, and the level tests,
    whose masks are under 2**15), and they depend only on the low 16 bits of
    ``h[i]`` and ``h[i + 2]`` and on bits 7-22 of ``h[i + 1]`` (a sum carries
    upwards only). Every hash (32 bits) gets a 32-bit lane of one big integer,
    and each operation works on all lanes in one go (in C, not word by word):
    the values stay under 2**17, so no lane carries into the next. The last
    two values (no third word) are not used.

    >>> h = [3897986027, 1632952643, 2871801320, 12, 7]
    >>> [s & 0xFFFF for s in selectors(h)[:3]] == [
    ...     ((h[i] ^ (h[i + 1] >> 7)) + h[i + 2]) & 0xFFFF for i in range(3)
    ... ]
    True
    """
    n = len(hashes)
    packed = int.from_bytes(array("I", hashes).tobytes(), "little")
    mask = _MASK if n <= _MASK_LANES else int.from_bytes(_LOW_16_BITS * n, "little")
    low = packed & mask  # & costs the shorter operand: a longer mask is free
    next_shifted = (packed >> 39) & mask  # bits 7-22 of the next lane's hash
    mixed = (low ^ next_shifted) + (low >> 64)
    return array("I", mixed.to_bytes(4 * n, "little"))


if array("I").itemsize != 4:  # pragma: no cover - every supported platform has 4-byte I
    raise RuntimeError("array('I') is not 4 bytes on this platform")
_LOW_16_BITS = (0xFFFF).to_bytes(4, "little")  # one lane of the mask
_MASK_LANES = 4096  # texts up to this many words use one mask built once (16 KiB)
_MASK = int.from_bytes(_LOW_16_BITS * _MASK_LANES, "little")
# first byte of a selector → 1 when level 0 keeps its shingle (bytes.translate table)
_KEPT_AT_LEVEL_0 = bytes(0 if b & BASE_MASK else 1 for b in range(256))


def fingerprint_text(text: str) -> Fingerprint:
    """The fingerprint of a visible text (see the module docstring)."""
    if _shingle_keys is not None:
        # NFKC and casefold as folded(); Han and kana are split after casefold in C,
        # the same since casefold leaves them alone and makes none (tests check both)
        if not text.isascii():
            text = unicodedata.normalize("NFKC", text).casefold()
        # the C helper's tuple is the stored form (under MIN_WORDS: (n, 0, b"", "", ""),
        # what Fingerprint(n, 0, (), ()) is)
        return _new_row(Fingerprint, _shingle_keys(text, _ASCII_FOLD, _CLASSES))
    return fingerprint_tokens(tokens_of(text))


def fingerprint_tokens(tokens: list[bytes]) -> Fingerprint:
    """The fingerprint of a text's words (:func:`tokens_of`), in Python: what the native
    helper ``tracer._shingles`` computes in one pass when it is built."""
    n = len(tokens)
    if n < MIN_WORDS:
        return Fingerprint(n, 0, (), ())
    # selector of the shingle starting at i: a mix of its first three words' hashes
    mixed = selectors(list(map(crc32, tokens)))
    last = n - SHINGLE + 1
    lowest_bytes = mixed.tobytes()[: 4 * last : 4]  # little-endian: each selector's low byte
    starts = list(compress(count(), lowest_bytes.translate(_KEPT_AT_LEVEL_0)))
    level = 0
    while len(starts) > MAX_KEYS and level < MAX_LEVEL:
        level += 1
        mask = (BASE_MASK + 1 << level) - 1
        starts = [i for i in starts if not mixed[i] & mask]
    keys = array("Q")
    shingles = []
    low = (1 << SELECTOR_BITS) - 1
    for i in starts:
        shingle = b" ".join(tokens[i : i + SHINGLE])
        keys.append(crc32(shingle) << SELECTOR_BITS | mixed[i] & low)
        shingles.append(shingle)
    # the stored form at once (what the writer reads): the phrases decoded as two strings
    head = b"\n".join(shingles[:EVIDENCE_PHRASES]).decode()
    tail = b"\n".join(shingles[EVIDENCE_PHRASES:]).decode()
    return Fingerprint.packed(n, level, keys.tobytes(), head, tail)


def fingerprint_item(title: str | None, bodies: tuple[str, ...]) -> Fingerprint:
    """The fingerprint of a feed item: its title and its first body (full content, else summary)."""
    if _item_keys is not None:  # all of it in one C pass, when it folds without NFKC
        if not _SAFE:
            _safe_tables()
        native = _item_keys(title, bodies[0] if bodies else None, _ASCII_FOLD, _SAFE, _SAFE_NAMES)
        if native is not None:
            return _new_row(Fingerprint, native)
    parts = [unescape(title) if title else ""]
    if bodies:
        parts.append(visible_text(bodies[0]))
    return fingerprint_text(" \n ".join(parts))


def at_level(keys: tuple[int, ...] | list[int], level: int) -> list[int]:
    """The keys that a sample at ``level`` keeps (levels nest).

    >>> at_level([0x10000, 0x10008, 0x10010], 1)
    [65536, 65552]
    """
    mask = (BASE_MASK + 1 << level) - 1
    return [k for k in keys if not k & mask]


def containment(a: Fingerprint, b: Fingerprint) -> float:
    """Estimated share of the shorter text's shingles found in the other one (0–1).

    Both samples are read at the coarser of the two levels; 0 when the
    shorter one keeps no key there.
    """
    level = max(a.level, b.level)
    ka, kb = set(at_level(a.keys, level)), set(at_level(b.keys, level))
    smaller = min(len(ka), len(kb))
    return len(ka & kb) / smaller if smaller else 0.0


def keys_to_blob(keys: tuple[int, ...] | list[int]) -> bytes:
    """Keys as stored (8 bytes each, little-endian).

    >>> keys_from_blob(keys_to_blob([1, 2**47]))
    [1, 140737488355328]
    """
    data = array("Q", keys)
    if data.itemsize != 8:  # pragma: no cover - every supported platform has 8-byte Q
        raise RuntimeError("array('Q') is not 8 bytes on this platform")
    return data.tobytes()


def keys_from_blob(blob: bytes) -> list[int]:
    return array("Q", blob).tolist()
