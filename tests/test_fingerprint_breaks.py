"""item_keys' fast path over the punctuation of real feeds (curly quotes, dashes,
ellipses, no-break spaces, as characters and as entities): the tables that let the C
helper fold them without NFKC (``fingerprint._SAFE``, ``_SAFE_NAMES``) hold only what
NFKC, casefold and the break table make word breaks of wherever they stand, and the
items get exactly the fingerprints of fingerprint_item's steps.
"""

from __future__ import annotations

import html
import random
import sys
import unicodedata
from html.entities import html5

import pytest
from conftest import require_native
from hypothesis import given, settings
from hypothesis import strategies as st
from test_fingerprint_native import _item_keys

from tracer import fingerprint
from tracer.fingerprint import Fingerprint, fingerprint_tokens, tokens_of, unescape, visible_text

SPACES = " \t\n\r\x0b\x0c"  # what bytes.split() splits on


@pytest.fixture(scope="module", autouse=True)
def native() -> None:
    """Skip unless the C module is in use (CI: fail)."""
    require_native(fingerprint._item_keys is not None, "the C fingerprint path (tracer._shingles)")
    fingerprint._safe_tables()  # made by the first item: now, for the tests that read them


def _by_steps(title: str | None, body: str | None) -> Fingerprint:
    """fingerprint_item's text built step by step (unescape, visible_text), fingerprinted
    by the Python formulation (NFKC and casefold of the whole text)."""
    text = unescape(title) if title else ""
    if body is not None:
        text += " \n " + visible_text(body)
    return fingerprint_tokens(tokens_of(text))


def _is_break(text: str) -> bool:
    """Does folding (NFKC, casefold, the break table) make only spaces of text?"""
    folds = unicodedata.normalize("NFKC", text).casefold().translate(fingerprint._BREAKS)
    return bool(folds) and all(c in SPACES for c in folds)


def _safe_chars() -> list[str]:
    return [chr(code) for code in range(0x10000) if fingerprint._SAFE[code] & 1]


def _composition_seconds() -> set[str]:
    """Every character that canonical composition can join to the one before it: the
    second of each two-character canonical decomposition, and Hangul's vowel and
    trailing jamo."""
    seconds = {chr(c) for c in (*range(0x1161, 0x1176), *range(0x11A8, 0x11C3))}
    for code in range(sys.maxunicode + 1):
        parts = unicodedata.decomposition(chr(code)).split()
        if len(parts) == 2 and not parts[0].startswith("<"):
            seconds.add(chr(int(parts[1], 16)))
    return seconds


def test_the_safe_characters_are_breaks_wherever_they_stand() -> None:
    """Each is a break (folding makes only spaces of it), of combining class 0; its NFKD
    is itself or ASCII; no character of those NFKDs, nor any ASCII one, is the second of
    a composition (so NFKC never joins one to a neighbour), and NFKC of each between
    any two ASCII characters is the three folded in turn."""
    safe = _safe_chars()
    assert 3000 < len(safe) < 5000  # what Unicode's punctuation and symbols give
    seconds = _composition_seconds()
    assert "\u0301" in seconds and "\u0338" in seconds  # the composition data is read
    ascii_chars = [chr(b) for b in range(128)]
    assert not seconds & set(ascii_chars)
    for c in safe:
        nfkd = unicodedata.normalize("NFKD", c)
        assert _is_break(c), c
        assert nfkd == c or nfkd.isascii(), c
        assert all(unicodedata.combining(d) == 0 and d not in seconds for d in nfkd), c
    rng = random.Random(5)
    for c in safe:
        for x in [*rng.sample(ascii_chars, 16), "<", "=", ">", "a", "e"]:
            nfkc = unicodedata.normalize("NFKC", x + c + x)
            assert nfkc == x + unicodedata.normalize("NFKC", c) + x, (x, c)
    for _ in range(20000):  # two safe characters side by side
        a, b = rng.choice(safe), rng.choice(safe)
        assert unicodedata.normalize("NFKC", a + b) == unicodedata.normalize(
            "NFKC", a
        ) + unicodedata.normalize("NFKC", b)


def test_the_safe_characters_include_feeds_punctuation_and_no_letters() -> None:
    """The punctuation of English feeds is in; characters whose NFKC or casefold makes a
    word (or joins one) are out, though some are breaks as they stand ('™' is 'TM')."""
    for c in "’‘“”„–—…\xa0\u2009\u2002\u2003\u202f«»•·′©®°§¶†‡×÷±−→←‹›¡¿":
        assert fingerprint._SAFE[ord(c)] & 1, hex(ord(c))
    for c in "⑴⒈™℠½¹²ªº´¨¸˘\u0301éßİſ\u00ad\u200b\u200d\ufeff外アｱ😀\ud800":
        assert ord(c) > 0xFFFF or not fingerprint._SAFE[ord(c)] & 1, hex(ord(c))
    # symbols whose NFKC makes a word or a combining mark: out, though breaks as they stand
    for c in "™℠´¨":
        assert unicodedata.category(c)[0] == "S" and fingerprint._BREAKS[ord(c)] == " "
        assert not _is_break(c), c
    assert ord("⑴") not in fingerprint._BREAKS and not _is_break("⑴")  # a number: a word


def test_every_decimal_entity_is_marked_as_html_unescape_decodes_it() -> None:
    """_SAFE's bit 2 for N: "&#N;" (any leading zeros) decodes to breaks only, as
    html.unescape decodes it (cp1252's quotes for 145-151, U+FFFD for 0, none for
    controls): checked for every N of the BMP (surrogates' U+FFFD is not marked)."""

    def breaks_only(text: str) -> bool:
        return bool(text) and all(
            fingerprint._ASCII_FOLD[ord(d)] <= 32
            if d.isascii()
            else ord(d) < 0x10000 and fingerprint._SAFE[ord(d)] & 1
            for d in text
        )

    for number in range(0x10000):
        decoded = html.unescape(f"&#{number};")
        if 0xD800 <= number < 0xE000:  # U+FFFD, a break: left to the steps all the same
            assert not fingerprint._SAFE[number] & 2 and decoded == "\ufffd"
            continue
        assert bool(fingerprint._SAFE[number] & 2) == breaks_only(decoded), number
        assert html.unescape(f"&#000{number};") == decoded
    assert fingerprint._SAFE[8217] & 2 and fingerprint._SAFE[146] & 2  # ’ and cp1252's ’
    assert not fingerprint._SAFE[8482] & 2 and not fingerprint._SAFE[65] & 2  # ™ and A
    names = fingerprint._SAFE_NAMES.decode().split("\0")
    assert {"nbsp;", "hellip;", "rsquo;", "mdash;", "amp;", "lt;"} <= set(names)
    for name in names:
        assert name.endswith(";") and name in html5 and breaks_only(html5[name]), name
    for name in set(fingerprint._BREAK_NAMES) - set(names):
        assert not breaks_only(html5[name]), name


_WORDS = [f"word{i}" for i in range(30)] + ["Don", "t", "AT", "T", "Ministry", "23", "03"]
_MARKUP = ["<p>", "</p>", "<a href='https://example.org/x'>", "</a>", "<br />", "<!-- c -->",
           "<em>", "</em>", "<", ">", "<script>x()</script>", "\n", " ", "\t"]  # fmt: skip
_SAFE_PIECES = ["’", "‘", "“", "”", "–", "—", "…", "\xa0", "\u2009", "«", "»", "•", "©",
                "&#8217;", "&#8216;", "&#8220;", "&#8221;", "&#8211;", "&#8212;", "&#8230;",
                "&#160;", "&#0160;", "&#146;", "&#150;", "&nbsp;", "&hellip;", "&rsquo;",
                "&ldquo;", "&rdquo;", "&mdash;", "&ndash;", "&amp;", "&#038;", "&lt;",
                "&gt;", "&quot;", "&#39;", "&laquo;", "&raquo;", "&copy;", "&AMP;"]  # fmt: skip
_UNSAFE_PIECES = ["\u0301", "\u0338", "⑴", "é", "e\u0301", "外", "ア", "😀", "\ud800",
                  "&", "&amp", "&#8217", "&#x2019;", "&#8482;", "&#65;", "&eacute;",
                  "&trade;", "&#99999999;", "&#;", "&nbsp", "ß", "™", "\u00ad", "´",
                  "\u200b", "İ", "ſcript"]  # fmt: skip


@settings(max_examples=800, deadline=None)
@given(
    st.lists(
        st.one_of(st.sampled_from(_WORDS), st.sampled_from(_MARKUP), st.sampled_from(_SAFE_PIECES)),
        max_size=200,
    ),
    st.lists(st.tuples(st.sampled_from(_UNSAFE_PIECES), st.integers(0, 200)), max_size=2),
    st.integers(0, 2**32),
    st.booleans(),
    st.booleans(),
)
def test_items_with_feed_punctuation_get_the_fingerprints_of_the_steps(
    pieces: list[str], unsafe: list[tuple[str, int]], seed: int, no_title: bool, no_body: bool
) -> None:
    """item_keys vs fingerprint_item's steps over words, tags, the safe characters and
    entities, and up to two unsafe pieces (combining marks, '⑴', letters, CJK,
    surrogates, a bare "&"): the same fingerprint, or None; None only when an unsafe
    piece is left."""
    pieces = list(pieces)
    for piece, at in unsafe:
        pieces.insert(at, piece)
    rng = random.Random(seed)
    filler = " ".join(rng.choice(_WORDS) for _ in range(rng.choice((0, 70))))
    body = "".join(p + (" " if rng.random() < 0.5 else "") for p in pieces) + filler
    if no_body:
        body = None
    title = None if no_title else "".join(rng.sample(pieces, min(len(pieces), 8)))
    native = _item_keys(title, body)
    want = _by_steps(title, body)
    if native is not None:
        assert Fingerprint.packed(*native) == want, (title, body)
    got = fingerprint.fingerprint_item(title, () if body is None else (body,))
    assert got == want and got.blob == want.blob
    if "script>" in (body or ""):  # left to the regexes
        return
    left = [title or "", fingerprint.strip_tags(body) if body is not None else ""]
    for piece in sorted(_SAFE_PIECES, key=len, reverse=True):
        left = [text.replace(piece, "") for text in left]
    if not any(piece in text for piece in _UNSAFE_PIECES for text in left):
        assert native is not None, (title, body)


@settings(max_examples=300, deadline=None)
@given(st.text(st.sampled_from("ab ’…—\xa0&#;0123456789<>/p\u0301é⑴"), max_size=300))
def test_dense_text_of_breaks_entities_and_marks(text: str) -> None:
    """Characters and entity pieces packed close (marks after breaks, digits after "&#")."""
    body = text + " " + " ".join(f"w{i}" for i in range(60))
    for title, item_body in ((text, body), (None, body), (text, None)):
        native = _item_keys(title, item_body)
        if native is not None:
            assert Fingerprint.packed(*native) == _by_steps(title, item_body), (title, item_body)


# Our own WordPress-shaped items: a title with curly quotes, a body of paragraphs with
# entities, literal punctuation, a credit line and a "continue reading" link.
_WORDPRESS_ITEMS = [
    (
        "Council&#8217;s &#8220;green corridor&#8221; plan &#8211; what we know",
        "<p>The council&#8217;s plan for a &#8220;green corridor&#8221; along the river was "
        "approved on Tuesday&nbsp;&#8212; after three years of debate. Residents said they "
        "were &#8220;cautiously optimistic&#8221;&hellip;</p>\n<p>Work begins in spring, "
        "the council said, and the first section should open by the end of next year; the "
        "rest depends on funding that has not yet been agreed with the regional "
        'authority.</p>\n<p>This article first appeared on <a href="https://example.org/'
        'news/corridor">The Riverside Gazette</a> and is republished here with '
        'permission.</p>\n<p><a href="https://example.net/?p=123">Continue reading '
        "&#8594;</a></p>",
    ),
    (
        "Why the library’s new hours matter — a reader’s view",
        "<p>“We’ve waited a long time for this,” said one reader — and she wasn’t alone. "
        "The library’s evening hours return next month… at least for now.</p><p>Longer "
        "opening hours mean students can study after school, parents can bring children "
        "after work, and older readers can join the weekly clubs again.</p>\n<p>Originally "
        "published by <em>Northside Voice</em>. Republished under a Creative Commons "
        "licence.</p>",
    ),
    (
        "Market report: prices up 3&#037; &#8212; again",
        "<p>Prices rose 3% in the year to March&#8230; the third rise in a row.</p>"
        "<p>Analysts said food and energy drove most of the increase, while clothing and "
        "furniture were slightly cheaper than a year earlier, a pattern seen across the "
        "region since the autumn.</p><p>Source: <a href='https://example.com/'>Regional "
        "Statistics Office</a>&nbsp;&middot; Photo &copy; Example Photo Agency</p>",
    ),
]


@pytest.mark.parametrize("title, body", _WORDPRESS_ITEMS)
def test_wordpress_items_take_the_fast_path(title: str, body: str) -> None:
    """Items of real feeds' shapes (entities and literal punctuation) stay in C, with the
    steps' fingerprint; with an accented word (left to the steps) too."""
    native = _item_keys(title, body)
    assert native is not None
    assert Fingerprint.packed(*native) == _by_steps(title, body)
    assert native[0] >= 50  # long enough to have keys
    accented = body.replace("debate", "débâcle").replace("school", "café").replace("year", "année")
    assert accented != body
    assert _item_keys(title, accented) is None
    assert fingerprint.fingerprint_item(title, (accented,)) == _by_steps(title, accented)
