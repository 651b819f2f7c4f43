"""The fingerprint keys are a stored format: a faster hashing must give exactly the same keys.

``reference_fingerprint`` is the word-by-word formulation the keys were defined
with (and stored by every database fingerprinted since migration 0005);
:func:`tracer.fingerprint.fingerprint_text` must agree with it on every text,
or stored fingerprints would stop matching new ones until ``tracer rematch``.
"""

from __future__ import annotations

import random
import sys
import unicodedata
from pathlib import Path
from zlib import crc32

from hypothesis import given, settings
from hypothesis import strategies as st

from tracer.fingerprint import (
    BASE_MASK,
    MAX_KEYS,
    MAX_LEVEL,
    MIN_WORDS,
    SELECTOR_BITS,
    SHINGLE,
    Fingerprint,
    fingerprint_item,
    fingerprint_text,
    visible_text,
)

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))


def _reference_breaks() -> dict[int, str | None]:
    table: dict[int, str | None] = {}
    for code in range(0x10000):
        category = unicodedata.category(chr(code))
        if category == "Cf":
            table[code] = None
        elif category[0] in "PSZC" and not chr(code).isspace():
            table[code] = " "
    return table


_REFERENCE_BREAKS = _reference_breaks()


def reference_fingerprint(text: str) -> tuple[int, int, tuple[int, ...], tuple[str, ...]]:
    """(words, level, keys, phrases) computed word by word, as first defined."""
    if not text.isascii():
        text = unicodedata.normalize("NFKC", text)
        han = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
        text = "".join(f" {c} " if any(ord(c) in r for r in _ranges(han)) else c for c in text)
    words = text.casefold().translate(_REFERENCE_BREAKS).split()
    n = len(words)
    if n < MIN_WORDS:
        return n, 0, (), ()
    tokens = " ".join(words).encode().split(b" ")
    hashes = [crc32(t) for t in tokens]
    selectors = [(hashes[i] ^ (hashes[i + 1] >> 7)) + hashes[i + 2] for i in range(n - 2)]
    starts = [i for i in range(n - SHINGLE + 1) if selectors[i] & BASE_MASK == 0]
    level = 0
    while len(starts) > MAX_KEYS and level < MAX_LEVEL:
        level += 1
        starts = [i for i in starts if selectors[i] & ((BASE_MASK + 1 << level) - 1) == 0]
    keys, phrases = [], []
    for i in starts:
        shingle = b" ".join(tokens[i : i + SHINGLE])
        keys.append(crc32(shingle) << SELECTOR_BITS | selectors[i] & ((1 << SELECTOR_BITS) - 1))
        phrases.append(shingle.decode())
    return n, level, tuple(keys), tuple(phrases)


def _ranges(spec: str) -> list[range]:
    return [range(ord(spec[i]), ord(spec[i + 2]) + 1) for i in range(0, len(spec), 3)]


def _same(text: str) -> None:
    fp = fingerprint_text(text)
    assert (fp.words, fp.level, fp.keys, fp.phrases) == reference_fingerprint(text)


def test_the_keys_of_the_copy_worlds_and_the_benchmark_feeds_are_unchanged() -> None:
    import copyworld
    import feedgen

    from tracer.feeds import parse_feed

    texts = []
    for seed in (7, 8):
        world = copyworld.build(seed)
        for body in world.feeds.values():
            parsed = parse_feed(body, "https://example.org/feed", "text/xml", None)
            texts += [(i.title or "") + " \n " + visible_text(i.bodies[0]) for i in parsed.items]
    for feed in feedgen.make_feeds(4):
        parsed = parse_feed(feed.body, "https://example.org/feed", feed.content_type, None)
        texts += [(i.title or "") + " \n " + visible_text(i.bodies[0]) for i in parsed.items]
    assert len(texts) > 300
    fingerprinted = 0
    for text in texts:
        _same(text)
        fingerprinted += bool(fingerprint_text(text).keys)
    assert fingerprinted > 300


def test_long_texts_at_high_levels_keep_the_same_keys() -> None:
    rng = random.Random(5)
    vocabulary = [f"w{i}" for i in range(3000)]
    for words in (49, 50, 51, 300, 2_000, 20_000):
        _same(" ".join(rng.choice(vocabulary) for _ in range(words)))


# Words mixing scripts, case, digits and every kind of space, break and format
# character that the folding treats specially.
_PIECES = st.sampled_from(
    [
        "Ministry",
        "ÉCOLE",
        "straße",
        "ﬁnal",  # NFKC: "final"
        "Ⅻ",
        "23.03",
        "don’t",
        "co\u00adoperation",  # soft hyphen: not a break
        "zero\u200bwidth",  # zero-width space (Cf)
        "外交部",
        "カタカナ",
        "한국어",
        "Москва",
        "\u00a0",
        "\u2003",
        "\u3000",
        "\u001c",
        "\u0085",
        "\u2028",
        "\t",
        "\n",
        " — ",
        "«",
        "»",
        "!",
        "😀",
        "𝔘𝔫𝔦",
    ]
)


@settings(max_examples=300, deadline=None)
@given(st.lists(_PIECES, min_size=0, max_size=400), st.integers(0, 2**32))
def test_any_text_gets_the_keys_of_the_word_by_word_definition(
    pieces: list[str], seed: int
) -> None:
    rng = random.Random(seed)
    text = "".join(p + (" " if rng.random() < 0.7 else "") for p in pieces)
    _same(text)
    _same(text + " " + " ".join(f"filler{rng.randrange(40)}" for _ in range(60)))


def test_items_with_markup_and_entities_match_their_visible_text() -> None:
    body = "<p>Caf&eacute; &amp; <b>bold</b>&nbsp;text</p><script>x()</script>" * 30
    fp = fingerprint_item("Title &amp; more", (body,))
    expected = reference_fingerprint("Title & more \n " + visible_text(body))
    assert (fp.words, fp.level, fp.keys, fp.phrases) == expected


def test_a_fingerprint_equals_no_plain_tuple_of_its_stored_form() -> None:
    # A Fingerprint is a tuple (its stored form), but equal objects must hash alike:
    # as before it was a tuple, it equals only fingerprints (either side of ==)
    fp = fingerprint_text(" ".join(f"word{i}" for i in range(300)))
    row = tuple(fp)
    assert fp != row and row != fp and not fp == row and not row == fp  # noqa: SIM201
    assert len({fp, row}) == 2 and row not in {fp} and fp not in [row]
    assert fp == Fingerprint.packed(*row) and hash(fp) == hash(Fingerprint.packed(*row))
