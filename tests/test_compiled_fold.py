"""The C helper ``tracer/_fold_bytes.c`` (built by ``make compiled``) against its
pure-Python twins: ``fold_chunk`` against ``trigger_search.fold_chunk`` (the same folded
bytes, padding and ASCII flag for every input), ``find_words`` against the ASCII
Aho-Corasick automaton (the same matches in the same order), and the twins in use
without the build.

Inputs: random byte strings over an alphabet of what the folding treats apart (tag
brackets, white space, letters, the lead and continuation bytes of the symbol
sequences, cut sequences), and real bodies (the benchmark's entries, the credit
table, ``samples/``) cut where the trigger search cuts them.
"""

from __future__ import annotations

import os
import random
import subprocess
import sys
from collections.abc import Callable, Iterator

import pytest
from conftest import ROOT, require_native
from hypothesis import given, settings
from hypothesis import strategies as st

from tracer import trigger_search

Fold = Callable[[bytes, int, int, int], tuple[bytes, bytes, bool]]

_PIECES = [
    b"<", b">", b" ", b"\n", b"\t", b"\x0b", b"\x0c", b"a", b"Z", b"9", b"-", b":", b"&",
    b"\xc2", b"\xa0", b"\xab", b"\xbf", b"\xe2", b"\x80", b"\x9c", b"\xaf", b"\xb0",
    b"\xe3", b"\xef", b"\xbc", b"\xbd", b"\x9a", b"\xa5", b"\xa6", b"\xf0", b"\x9f",
    b"\x8d", b"\xff", "İ".encode(), "«".encode(), "：".encode(), "📰".encode(),
    "Источник".encode(), "来源".encode(), b"<p>", b"</a>", b'<a href="x">', b"Source",
]


@pytest.fixture(scope="module")
def native() -> Fold:
    """The C helper; skips without the compiled build (CI: fails)."""
    fold = trigger_search._FOLD_NATIVE
    require_native(fold is not None, "the C helper tracer._fold_bytes")
    assert fold is not None
    return fold


def _same(native: Fold, raw: bytes, lo: int, end: int, limit: int) -> None:
    expected = trigger_search.fold_chunk(raw, lo, end, limit)
    assert native(raw, lo, end, limit) == expected, (raw, lo, end, limit)


def test_random_spans_fold_alike(native: Fold) -> None:
    rng = random.Random(20)
    for _ in range(40_000):
        raw = b"".join(rng.choice(_PIECES) for _ in range(rng.randint(0, 40)))
        lo = rng.randint(0, len(raw) + 2)
        end = rng.randint(lo, len(raw) + 5)
        _same(native, raw, lo, end, rng.randint(0, end - lo + 3))


@settings(max_examples=400, deadline=None)
@given(
    st.lists(st.sampled_from(_PIECES), max_size=60).map(b"".join),
    st.integers(-90, 80),
    st.integers(-90, 80),
    st.integers(-90, 80),
)
def test_any_span_folds_alike(native: Fold, raw: bytes, lo: int, size: int, limit: int) -> None:
    _same(native, raw, lo, lo + size, limit)


def _bodies() -> Iterator[str]:
    sys.path.insert(0, str(ROOT / "benchmarks"))
    import bench_extract

    from tests.credit_cases_real import CASES
    from tracer.feeds import parse_feed

    for item in bench_extract.entries(400, seed=5):
        yield from item.bodies
    for case in CASES:
        yield case.body
    for path in sorted((ROOT / "samples").glob("*.xml")):
        for item in parse_feed(path.read_bytes(), "https://samples.example/").items:
            yield from item.bodies


def test_real_bodies_fold_alike_where_the_search_cuts_them(native: Fold) -> None:
    count = 0
    for body in _bodies():
        raw = body.encode("utf-8", "surrogatepass")
        size = len(raw)
        for lo, hi in ((0, size), (size - 1024, size), (0, 512), (256, size - 768)):
            lo, hi = max(0, lo), min(size, hi)
            if lo < hi:
                _same(native, raw, lo, hi + 140, hi - lo)
                count += 1
    assert count > 1000


@pytest.fixture(scope="module")
def words() -> Callable[[bytes], list[tuple[int, int, int]]]:
    """The C word search with its table; skips without the compiled build (CI: fails)."""
    find = trigger_search._WORDS_NATIVE
    require_native(find is not None, "the C helper tracer._fold_bytes")
    assert find is not None
    return lambda text: find(text, trigger_search._WORD_TABLE)


def _automaton(text: bytes) -> list[tuple[int, int, int]]:
    return [
        (trigger_search._ASCII_KEYS[key], start, end)
        for key, start, end in trigger_search._ASCII_AUTOMATON.find_matches_as_indexes(
            text, overlapping=True
        )
    ]


def test_random_texts_find_the_automatons_words(
    words: Callable[[bytes], list[tuple[int, int, int]]],
) -> None:
    """Folded text has no capitals (the automaton's three stand-in keys never match)."""
    rng = random.Random(21)
    keys = [trigger_search._KEYS[n] for n in trigger_search._ASCII_KEYS]
    pieces = [*keys, b"the", b"x", b"sourc", b"sources1", b"\x80", b"\x00", b"a" * 40]
    gaps = [b" ", b"  ", b"", b"\x01", b"z", b"\x00"]
    for _ in range(40_000):
        text = b"".join(
            rng.choice(pieces) + rng.choice(gaps) for _ in range(rng.randint(0, 12))
        )
        if rng.random() < 0.5:
            text = b" " + text
        assert words(text) == _automaton(text), text


def test_real_bodies_find_the_automatons_words(
    words: Callable[[bytes], list[tuple[int, int, int]]],
) -> None:
    count = 0
    for body in _bodies():
        raw = body.encode("utf-8", "surrogatepass")
        _folded, padded, ascii_only = trigger_search.fold_chunk(raw, 0, len(raw), len(raw))
        if ascii_only:
            assert words(padded) == _automaton(padded)
            count += 1
    assert count > 500


def test_the_word_table_takes_words_the_search_can_find() -> None:
    if trigger_search._WORDS_NATIVE is None:
        pytest.skip("no compiled build")
    from tracer._fold_bytes import word_table

    with pytest.raises(ValueError, match="without a space"):
        word_table([b"two words"], [0])
    with pytest.raises(ValueError, match="twice"):
        word_table([b"via", b"via"], [0, 1])


def test_offsets_are_taken_as_python_slices_take_them(native: Fold) -> None:
    """Offsets below 0 count from the end and offsets out of range are clamped, in
    ``raw[lo:end]`` and in ``folded[:limit]``, by the C helper as by the Python twin
    (integers past 64 bits included); what is not bytes and integers is refused."""
    raw = "<p>Source: x</p> «y» <b".encode()
    size = len(raw)
    offsets = [-(2**70), -(2**63), -100, -size - 1, -size, -size + 1, -5, -1, 0, 1, 5]
    offsets += [size - 1, size, size + 1, 100, 2**63 - 1, 2**70]
    for lo in offsets:
        for end in offsets:
            for limit in offsets:
                _same(native, raw, lo, end, limit)
    with pytest.raises(TypeError):
        native("abc", 0, 2, 1)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        native(b"abc", 0.5, 2, 1)  # type: ignore[arg-type]


def test_pure_python_runs_the_twin() -> None:
    code = (
        "import tracer.trigger_search as t;"
        " print(t._FOLD_NATIVE is None, t._WORDS_NATIVE is None, t.__file__)"
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env={**os.environ, "TRACER_PURE_PYTHON": "1"},
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["True", "True", str(ROOT / "tracer" / "trigger_search.py")]
    assert done.stderr == ""


def test_the_c_helper_folds_by_the_python_tables(native: Fold) -> None:
    """The C code's byte table and symbol pattern are trigger_search's (else it would not
    be in use: see the next tests), and its symbol search finds exactly what the pattern
    matches: every sequence of a lead byte and up to three following bytes (each a
    continuation byte, or an ASCII or lead byte that cuts the sequence)."""
    from tracer import _fold_bytes

    assert trigger_search._TABLE == _fold_bytes.FOLD_TABLE
    assert trigger_search._SYMBOL_BYTES.pattern == _fold_bytes.SYMBOL_PATTERN
    assert native(bytes(range(256)), 0, 256, 256) == trigger_search.fold_chunk(
        bytes(range(256)), 0, 256, 256
    )
    follow = [bytes([b]) for b in range(0x80, 0xC0)] + [b"a", b"\xc2", b"\xf0"]
    for lead in range(0xC0, 0x100):
        sequences = [
            bytes([lead]) + second + third + fourth
            for second in follow
            for third in follow
            for fourth in (follow if lead >= 0xF0 else [b""])
        ]
        raw = b" ".join(sequences)
        assert native(raw, 0, len(raw), len(raw)) == trigger_search.fold_chunk(
            raw, 0, len(raw), len(raw)
        ), hex(lead)


# A stand-in for the C helper, put in place before trigger_search is imported (compiled
# or not): prints whether the search took it, and what it said on stderr.
_STAND_IN = """
import sys, types
import tracer
helper = types.ModuleType("tracer._fold_bytes")
helper.FOLD_TABLE, helper.SYMBOL_PATTERN, helper.WORD_MAX = {table!r}, {pattern!r}, {longest}
helper.fold_chunk = lambda raw, lo, end, limit: (b"", b"  ", True)
helper.find_words = lambda text, table: []
helper.word_table = lambda words, numbers: b"words"
sys.modules["tracer._fold_bytes"] = tracer._fold_bytes = helper
from tracer import trigger_search
print(
    trigger_search._FOLD_NATIVE is helper.fold_chunk,
    trigger_search._WORDS_NATIVE is helper.find_words,
    trigger_search._WORD_TABLE,
)
"""


def _with_stand_in(table: bytes, pattern: bytes, longest: int = 31) -> tuple[str, str]:
    code = _STAND_IN.format(table=table, pattern=pattern, longest=longest)
    done = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout.strip(), done.stderr


def test_a_c_helper_with_other_tables_is_not_used() -> None:
    """A C helper whose byte table or symbol pattern is not trigger_search's (one was
    edited without the other) is left alone, and one line on stderr says why; with the
    same ones it is used. (Run in a fresh process with a stand-in for the helper, on
    the compiled trigger_search when it is built.)"""
    table, pattern = trigger_search._TABLE, trigger_search._SYMBOL_BYTES.pattern
    dash = ord("-")
    other_table = table[:dash] + b"-" + table[dash + 1 :]  # "-" kept instead of blanked
    assert other_table != table
    for other, named in (
        ((other_table, pattern), "_TABLE"),
        ((table, pattern.replace(b"{2}", b"")), "_SYMBOL_BYTES"),
        ((other_table, b""), "_TABLE and _SYMBOL_BYTES"),
    ):
        out, err = _with_stand_in(*other)
        assert out == "False False b''", err
        assert err.count("\n") == 1, err
        assert f"folds otherwise than trigger_search.py's {named}:" in err, err
    assert _with_stand_in(table, pattern) == ("True True b'words'", "")


def test_trigger_words_longer_than_the_c_word_table_takes_go_to_the_automaton() -> None:
    """The C word table holds words of up to WORD_MAX bytes: it takes a word of that
    length and finds it, refuses a longer one, and the trigger search keeps the C
    folding but searches the words with its automaton when a trigger word is longer
    (a stand-in helper with a smaller WORD_MAX); today's vocabulary fits."""
    longest = max(len(trigger_search._KEYS[n]) for n in trigger_search._ASCII_KEYS)
    table, pattern = trigger_search._TABLE, trigger_search._SYMBOL_BYTES.pattern
    assert _with_stand_in(table, pattern, longest) == ("True True b'words'", "")
    assert _with_stand_in(table, pattern, longest - 1) == ("True False b''", "")
    if trigger_search._WORDS_NATIVE is None:
        pytest.skip("no compiled build")
    from tracer._fold_bytes import WORD_MAX, find_words, word_table

    assert longest <= WORD_MAX == 31
    word = b"w" * WORD_MAX
    words = word_table([word, b"via"], [4, 9])
    assert find_words(b" via " + word + b" " + word + b"w ", words) == [(9, 0, 5), (4, 4, 37)]
    with pytest.raises(ValueError, match="1 to 31 bytes"):
        word_table([word + b"w"], [0])
