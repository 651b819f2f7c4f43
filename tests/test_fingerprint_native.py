"""The C word hashing (``tracer._shingles``, built by ``make compiled``) gives exactly the
fingerprints of the Python formulation (:func:`tracer.fingerprint.fingerprint_tokens`),
which stays in the module as its fallback: words, level, keys, phrases, and the stored
form (keys' blob, first and other phrases) byte for byte.

Checked on every item of the sample feeds, the copy worlds, the benchmark feeds and
feedparser's corpus (when ``../shared/corpora/`` is here), on generated Unicode text
(CJK, entities, NBSP, soft hyphens, every space), on arbitrary bytes read as text and at
every level boundary, always through the path production takes
(:func:`tracer.fingerprint.fingerprint_text`). Without a built module these tests skip,
except in CI (CI=true), which must test the C path.
"""

from __future__ import annotations

import pickle
import random
import re
import sys
from pathlib import Path
from zlib import crc32

import pytest
from conftest import require_native
from hypothesis import given, settings
from hypothesis import strategies as st
from test_corpus import CORPUS, corpus_documents

from tracer import fingerprint
from tracer.exceptions import FeedError
from tracer.feeds import parse_feed
from tracer.fingerprint import (
    MAX_KEYS,
    Fingerprint,
    fingerprint_tokens,
    folded,
    tokens_of,
    unescape,
    visible_text,
)

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))


@pytest.fixture(scope="module", autouse=True)
def native() -> None:
    """Skip unless the C module is in use (CI: fail)."""
    in_use = fingerprint._shingle_keys is not None
    require_native(in_use, "the C fingerprint path (tracer._shingles)")


def _stored(fp: Fingerprint) -> tuple[object, ...]:
    return (fp.words, fp.level, fp.blob, fp.stored_phrases, fp.other_phrases, fp.keys, fp.phrases)


def _same(text: str) -> Fingerprint:
    """The C path's fingerprint of ``text``, checked against the Python path's."""
    got = fingerprint.fingerprint_text(text)
    want = fingerprint_tokens(tokens_of(text))
    assert _stored(got) == _stored(want), text[:200]
    assert pickle.dumps(got) == pickle.dumps(want)
    return got


def _item_texts(body: bytes, content_type: str = "text/xml") -> list[str]:
    """The text each item's fingerprint reads (as fingerprint_item builds it)."""
    try:
        parsed = parse_feed(body, "https://example.org/feed", content_type, None)
    except FeedError:
        return []
    return [
        (unescape(item.title) if item.title else "")
        + (" \n " + visible_text(item.bodies[0]) if item.bodies else "")
        for item in parsed.items
    ]


def test_the_samples_copy_worlds_and_benchmark_feeds_get_the_same_fingerprints() -> None:
    import copyworld
    import feedgen

    texts: list[str] = []
    for path in sorted((ROOT / "samples").glob("*.xml")):
        texts += _item_texts(path.read_bytes())
    for seed in (7, 8, 9):
        world = copyworld.build(seed)
        for body in world.feeds.values():
            texts += _item_texts(body)
    short = copyworld.build(11, short_excerpts=True)
    for body in short.feeds.values():
        texts += _item_texts(body)
    for feed in feedgen.make_feeds(12, seed=3):
        texts += _item_texts(feed.body, feed.content_type)
    assert len(texts) > 1000
    keyed = sum(bool(_same(text).keys) for text in texts)
    assert keyed > 800
    assert sum(not text.isascii() for text in texts) > 50  # both folding paths


@pytest.mark.skipif(not CORPUS.exists(), reason=f"{CORPUS} is not here")
def test_the_feedparser_corpus_gets_the_same_fingerprints(tmp_path: Path) -> None:
    texts: list[str] = []
    for body, _headers in corpus_documents(tmp_path).values():
        texts += _item_texts(body)
    assert len(texts) > 1000
    for text in texts:
        _same(text)
        # the corpus' items are short: the same words repeated reach the keyed paths too
        _same(" ".join([text] * 20))


def test_every_level_and_the_word_count_boundaries() -> None:
    rng = random.Random(13)
    vocabulary = [f"w{i}" for i in range(5000)]
    levels = set()
    sizes = [0, 1, 4, 5, 6, 48, 49, 50, 51, 52, 53, 54, 55, 100]
    for words in sizes + [int(300 * 1.5**k) for k in range(14)]:  # 300 to 58,000 words
        levels.add(_same(" ".join(rng.choice(vocabulary) for _ in range(words))).level)
    # one word repeated: every shingle has the same selector, so all or none are kept,
    # up to the highest level; two words alternating: two selectors
    for word in ("a", "b", "word", "w7", "x1", "ü", "外"):
        for words in (50, 70, 500, 3000):
            fp = _same(" ".join([word] * words))
            levels.add(fp.level)
            _same(" ".join([word, "other"] * words))
    assert set(range(9)).issubset(levels)


def test_more_than_max_keys_at_the_highest_level_are_all_kept() -> None:
    """A word whose repeats make every shingle's selector 0 modulo 2**15: kept at every level."""
    for i in range(1_000_000):
        h = crc32(b"w%d" % i)
        if not ((h & 0xFFFF ^ (h >> 7) & 0xFFFF) + (h & 0xFFFF)) & 0x7FFF:
            break
    word = f"w{i}"
    assert _same(" ".join([word] * 60)).level == 0  # 56 keys: level 0 keeps them
    for words in (69, 200, 20_000):
        fp = _same(" ".join([word] * words))
        assert fp.level == fingerprint.MAX_LEVEL and len(fp.keys) == words - 4 > MAX_KEYS


def test_every_ascii_whitespace_splits_words_and_no_other_byte_does() -> None:
    words = [f"w{i}" for i in range(80)]
    for space in (" ", "\t", "\n", "\r", "\x0b", "\x0c", "  \t\n", "\x1c", "\x85", "\xa0"):
        _same(space + space.join(words) + space)
    for code in range(256):  # every character of one byte, as the separator
        _same(chr(code).join(words))


_PIECES = st.sampled_from(
    [
        "Ministry", "ÉCOLE", "straße", "ﬁnal", "Ⅻ", "23.03", "don’t", "don&#8217;t",
        "co\u00adoperation", "co&shy;operation", "zero\u200bwidth", "外交部", "カタカナ",
        "ひらがな", "한국어", "Москва", "Ελλάδα", "עברית", "العربية", "\u00a0", "&nbsp;",
        "\u2003", "\u3000", "\u001c", "\u0085", "\u2028", "\t", "\n", "\r\n", "\x0b",
        "\x0c", " — ", "«", "»", "!", "😀", "𝔘𝔫𝔦", "&amp;", "&lt;p&gt;", "AT&T", "&hellip;",
        "<p>", "</p>", "<b>", "<script>x()</script>", "<!-- c -->", "İ", "ǅ", "ß", "Σ",
    ]
)  # fmt: skip


@settings(max_examples=400, deadline=None)
@given(st.lists(_PIECES, max_size=500), st.integers(0, 2**32))
def test_generated_unicode_items_get_the_same_fingerprints(pieces: list[str], seed: int) -> None:
    rng = random.Random(seed)
    body = "".join(p + (" " if rng.random() < 0.7 else "") for p in pieces)
    title = "".join(rng.sample(pieces, min(len(pieces), 6)))
    text = unescape(title) + " \n " + visible_text(body)
    _same(text)
    _same(text + " " + " ".join(f"filler{rng.randrange(40)}" for _ in range(60)))
    assert fingerprint.fingerprint_item(title, (body,)) == fingerprint_tokens(
        tokens_of(text)
    )


@settings(max_examples=300, deadline=None)
@given(st.text(st.characters(exclude_categories=("Cs",)), max_size=3000))
def test_any_text_gets_the_same_fingerprint(text: str) -> None:
    _same(text)
    _same(" ".join([text] * 30))


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=2000), st.integers(1, 40))
def test_any_bytes_read_as_text_get_the_same_fingerprint(data: bytes, times: int) -> None:
    """Arbitrary bytes as one-byte text (every Latin-1 character, the C helper's
    one-byte path) and as UTF-8 with its errors replaced (wider text)."""
    for text in (data.decode("latin-1"), data.decode("utf-8", "replace")):
        _same(text)
        _same(" ".join([text] * times))


def test_every_character_is_folded_the_same() -> None:
    """Each code point inside words, alone and beside Han and ASCII letters, in texts
    long enough to be keyed (so its word is hashed, and kept in phrases)."""
    words = [f"w{i}" for i in range(60)]
    chars = [chr(c) for c in range(sys.maxunicode + 1) if not 0xD800 <= c <= 0xDFFF]
    for first in range(0, len(chars), 60):
        chunk = chars[first : first + 60]
        _same(" ".join(f"a{c}b" for c in chunk) + " " + " ".join(words))
        _same(" ".join(f"{c}" for c in chunk) + " " + " ".join(words))
        _same("".join(f"{c}外{c}Z" for c in chunk) + " " + " ".join(words))


def test_casefold_leaves_han_and_kana_alone_and_makes_none() -> None:
    """The C path splits Han and kana after casefold, the Python path before: the same
    words because casefold maps each of them to itself and no other character to one.
    And the C table marks exactly the characters of the _HAN_KANA pattern."""
    pattern = fingerprint._HAN_KANA
    for code in range(sys.maxunicode + 1):
        char = chr(code)
        folded_char = char.casefold()
        if pattern.match(char):
            assert folded_char == char, hex(code)
        else:
            assert not pattern.search(folded_char), hex(code)
        if code < 0x10000:
            assert bool(fingerprint._CLASSES[code] & 4) == bool(pattern.match(char)), hex(code)


_UNSPACED = st.sampled_from(
    [
        "รัฐบาล", "ประกาศ", "ก", "\u0e33", "๏", "ฯ", "๕", "ສະບາຍດີ", "ព័ត៌មាន", "မြန်မာ",
        "\ua9e5", "\uaa60", "\u200d", "\u200c", "\u00ad", "外", "か", "a", "Z9", " ", "\n",
        "-", "é", "😀", "\u00a0",
    ]
)  # fmt: skip


@settings(max_examples=500, deadline=None)
@given(st.lists(_UNSPACED, min_size=1, max_size=40))
def test_scripts_without_spaces_are_cut_into_the_same_words_by_both_paths(
    pieces: list[str],
) -> None:
    """Thai, Lao, Khmer and Burmese runs cut into words of CHUNK characters, with dropped
    joiners and soft hyphens inside them, Han, ASCII, breaks and other letters beside
    them: the same fingerprint (keys and phrases) from C and Python."""
    text = "".join(pieces)
    _same(" ".join([text] * 3) + " " + " ".join(f"w{i}" for i in range(60)))


def test_the_c_table_cuts_exactly_the_characters_of_the_unspaced_pattern() -> None:
    """The C table's CHUNKED bit marks the characters of _CHUNKED's class, which casefold
    maps to themselves; and no other character folds into one of them."""
    single = re.compile(fingerprint._UNSPACED)
    for code in range(sys.maxunicode + 1):
        char = chr(code)
        if single.fullmatch(char):
            assert char.casefold() == char, hex(code)
        else:
            assert not single.search(char.casefold()), hex(code)
        if code < 0x10000:
            assert bool(fingerprint._CLASSES[code] & 8) == bool(single.fullmatch(char)), hex(code)


def test_a_thai_text_has_words_and_keys() -> None:
    """A Thai article (no spaces between words) is cut into words of CHUNK characters:
    enough for keys, where a phrase between spaces used to be one word."""
    sentence = "รัฐบาลประกาศมาตรการใหม่เพื่อช่วยเหลือเกษตรกรที่ได้รับผลกระทบจากภัยแล้ง"
    words = fingerprint.words_of(sentence)
    assert "".join(words) == sentence
    assert all(len(word) == fingerprint.CHUNK for word in words[:-1])
    assert 0 < len(words[-1]) <= fingerprint.CHUNK
    fp = _same(" ".join(f"{sentence}{n}" for n in range(8)))
    assert fp.words >= fingerprint.MIN_WORDS and fp.keys


def _regexes(text: str) -> str:
    return fingerprint._TAG.sub(" ", fingerprint._DROP.sub(" ", text))


_TAGS = st.sampled_from(
    [
        "<p>", "</p>", "<b class='x'>", "<!-- c -->", "<!--", "-->", "<!-->", "<!--->", "--",
        "<", ">", "<<", ">>", "<br/>", "<a <!-- x --> b>", "<!-- <script> -->", "<scripts>",
        "<script>x()</script>", "<SCRIPT>", "</script >", "<Style>", "<noscript>", "<ſcript>",
        "<scrıpt>", "<scrİpt>", "<nosc", "<sty", "<strong>", "<span>", "<section>", "<nav>",
        "word", "Ünïcode", "外交部", "😀", "𝔘", "\n", " ", "&amp;", "\u00a0", "-", "!",
    ]
)  # fmt: skip


@settings(max_examples=1000, deadline=None)
@given(st.lists(_TAGS, max_size=60))
def test_strip_tags_gives_what_the_regexes_give_or_leaves_them_to_it(pieces: list[str]) -> None:
    from tracer import _shingles

    for text in ("".join(pieces), " ".join(pieces)):
        stripped = _shingles.strip_tags(text)
        if stripped is None:  # a name _DROP could match: the regexes run
            assert fingerprint.visible_text(text) == unescape(_regexes(text))
        else:
            assert stripped == _regexes(text), text


@settings(max_examples=300, deadline=None)
@given(st.text(st.sampled_from("<>!-sciptylnoSCRIPT ſıİx\n外😀"), max_size=200))
def test_strip_tags_on_dense_markup(text: str) -> None:
    from tracer import _shingles

    stripped = _shingles.strip_tags(text)
    assert stripped is None or stripped == _regexes(text), text


def test_strip_tags_leaves_every_spelling_of_a_dropped_name_to_the_regexes() -> None:
    """Every character that re's IGNORECASE matches with a letter of script, style or
    noscript (found by re itself, over all of Unicode) makes the C helper step aside;
    other characters in that place do not."""
    from tracer import _shingles

    everything = "".join(chr(c) for c in range(sys.maxunicode + 1) if not 0xD800 <= c <= 0xDFFF)
    rng = random.Random(3)
    others = rng.sample(everything, 3000)
    for name in ("script", "style", "noscript"):
        for k, letter in enumerate(name):
            spelled = set(re.findall(re.escape(letter), everything, re.I))
            for char in spelled:
                text = f"a<{name[:k]}{char}{name[k + 1 :]}>b</{name}>c <p>d</p>"
                assert _shingles.strip_tags(text) is None, (name, hex(ord(char)))
            for char in others:
                if char not in spelled:
                    text = f"a<{name[:k]}{char}{name[k + 1 :]}>b</{name}>c <p>d</p>"
                    assert _shingles.strip_tags(text) == _regexes(text), (name, hex(ord(char)))


def test_folded_is_what_tokens_of_splits() -> None:
    for text in ("“Don’t” SAID\xa0the 外交部", "plain ascii text", ""):
        assert folded(text).split() == tokens_of(text)


def test_strip_tags_is_linear_in_unclosed_comments() -> None:
    """A hostile body of many "<!--" and no "-->" (each "<!--" once looked for its
    "-->" up to the end of the text: 400 KB took 12 s) is stripped in one pass, in
    each of the C helper's two paths (one byte a character, and wider)."""
    import time

    from tracer import _shingles

    for text in ("<!--" * 100_000, "<!--é" * 80_000, "<!--€" * 80_000):
        started = time.process_time()
        stripped = _shingles.strip_tags(text)
        assert time.process_time() - started < 1.0, text[:10]
        assert stripped == text  # no comment closes, no ">": unchanged
        # a comment that closes before them is still one space
        assert _shingles.strip_tags("a<!--x-->b" + text[:40]) == "a b" + text[:40]


def _by_steps(title: str | None, bodies: tuple[str, ...]) -> Fingerprint:
    """fingerprint_item's text built step by step (unescape, visible_text), fingerprinted
    by the Python formulation."""
    text = (unescape(title) if title else "") + (" \n " + visible_text(bodies[0]) if bodies else "")
    return fingerprint_tokens(tokens_of(text))


_ASCII_PIECES = st.sampled_from(
    [
        "word", "Ministry", "23.03", "AT&T", "&amp;", "&#038;", "&#38;", "&lt;p&gt;", "&quot;",
        "&#39;", "&#039;", "&apos;", "&AMP;", "&amp", "&", "&#8217;", "&nbsp;", "&hellip;",
        "&eacute;", "&copy;", "&;", "&&amp;", "<p>", "</p>", "<b class='x'>", "<!-- c -->",
        "<!--", "-->", "<", ">", "<script>x()</script>", "<style>", "<br/>", "\n", "\t", " ",
        "don't", "--", "!", "\x0b", "\x1c",
    ]
)  # fmt: skip


@settings(max_examples=600, deadline=None)
@given(st.lists(_ASCII_PIECES, max_size=300), st.integers(0, 2**32), st.booleans())
def test_items_in_one_pass_get_the_fingerprints_of_the_steps(
    pieces: list[str], seed: int, no_title: bool
) -> None:
    """item_keys (the title and body in one C pass) gives what the steps give, or None
    (then fingerprint_item takes the steps): ASCII items with known and unknown entities,
    bare "&", tags, comments, scripts."""
    rng = random.Random(seed)
    filler = " ".join(f"filler{rng.randrange(40)}" for _ in range(rng.choice((0, 60))))
    body = "".join(p + (" " if rng.random() < 0.7 else "") for p in pieces) + filler
    title = None if no_title else "".join(rng.sample(pieces, min(len(pieces), 6)))
    for bodies in ((body,), ()):
        want = _by_steps(title, bodies)
        got = fingerprint.fingerprint_item(title, bodies)
        assert _stored(got) == _stored(want), (title, bodies)
        assert pickle.dumps(got) == pickle.dumps(want)
        native = _item_keys(title, bodies[0] if bodies else None)
        if native is not None:
            assert Fingerprint.packed(*native) == want


def _item_keys(title: str | None, body: str | None) -> tuple[int, int, bytes, str, str] | None:
    """The C helper's item_keys with fingerprint's tables, as fingerprint_item calls it."""
    from tracer import _shingles

    return _shingles.item_keys(title, body, fingerprint._ASCII_FOLD, *fingerprint._safe_tables())


def test_items_in_one_pass_leave_what_they_do_not_decode_to_the_steps() -> None:
    """Letters that are not ASCII, an entity whose character is not a break or is unknown,
    a bare "&" and a script: None; the known entities of breaks and plain markup: the
    steps' fingerprint."""
    words = " ".join(f"w{i}" for i in range(80))
    for text in ("café " + words, "a&eacute;s " + words, "AT&T " + words, "&copy " + words,
                 "a &#x2019; b " + words, "&#8482; " + words, "&trade; " + words):  # fmt: skip
        assert _item_keys(None, text) is None, text
        assert _item_keys(text, None) is None, text
    script = "<script>x</script>" + words  # a title's tags are words: only a body's is left
    assert _item_keys(None, script) is None
    assert Fingerprint.packed(*_item_keys(script, None) or ()) == _by_steps(script, ())
    for name in ("amp;", "#038;", "#38;", "lt;", "gt;", "quot;", "#39;", "#039;", "apos;"):
        assert name in fingerprint._ENTITIES and fingerprint._ENTITIES[name].isascii()
        body = f"<p>x&{name}y</p> {words}"
        native = _item_keys(f"t&{name}", body)
        assert native is not None, name
        assert Fingerprint.packed(*native) == _by_steps(f"t&{name}", (body,))
    for name, char in fingerprint._ENTITIES.items():  # é is a letter: left to the steps
        body = f"<p>x&{name}y</p> {words}"
        native = _item_keys(f"t&{name}", body)
        assert (native is None) == (char == "é"), name
        if native is not None:
            assert Fingerprint.packed(*native) == _by_steps(f"t&{name}", (body,))
