"""The pending index rows in key order (``tracer/_pairs.c``, built by ``make compiled``):
the C sort gives what the Python way gives (``tracer.matching._in_key_order``)."""

from __future__ import annotations

from array import array

import pytest
from conftest import require_native
from hypothesis import given
from hypothesis import strategies as st

from tracer import matching

U64 = st.integers(min_value=0, max_value=2**64 - 1)


def python_order(rows: dict[int, int]) -> tuple[list[int], list[int]]:
    keys = sorted(rows)
    return keys, [rows[key] for key in keys]


def sorted_pairs():  # the C function, or a skip (a failure in CI)
    require_native(matching._sorted_pairs is not None, "the C index row sort (tracer._pairs)")
    from tracer._pairs import sorted_pairs

    return sorted_pairs


@given(st.dictionaries(U64, U64, max_size=300))
def test_the_c_sort_gives_the_python_order(rows: dict[int, int]) -> None:
    sort = sorted_pairs()
    assert sort(array("Q", rows), array("Q", rows.values())) == python_order(rows)
    assert matching._in_key_order(rows) == python_order(rows)


@given(st.lists(st.tuples(st.integers(0, 3), U64), max_size=200))
def test_pairs_of_one_key_keep_their_order(pairs: list[tuple[int, int]]) -> None:
    sort = sorted_pairs()
    keys, rows = sort(array("Q", [k for k, _r in pairs]), array("Q", [r for _k, r in pairs]))
    expected = sorted(pairs, key=lambda pair: pair[0])  # Python's sort is stable
    assert list(zip(keys, rows, strict=True)) == expected


def test_a_cold_poll_s_worth_of_rows_and_the_extreme_keys() -> None:
    sort = sorted_pairs()
    rows = {(i * 2654435761 % 2**44) << 4: (i % 3000) << 40 | i for i in range(200_000)}
    rows[0], rows[2**64 - 16] = 7, 2**64 - 1
    assert sort(array("Q", rows), array("Q", rows.values())) == python_order(rows)
    assert sort(array("Q"), array("Q")) == ([], [])


def test_buffers_of_other_lengths_are_refused() -> None:
    sort = sorted_pairs()
    with pytest.raises(ValueError, match="as many 8-byte integers"):
        sort(array("Q", [1, 2]), array("Q", [1]))
    with pytest.raises(ValueError, match="as many 8-byte integers"):
        sort(b"1234567", b"1234567")


def test_a_row_over_64_bits_is_sorted_in_python() -> None:
    rows = {32: 2**70, 16: 1}
    assert matching._in_key_order(rows) == ([16, 32], [1, 2**70])
