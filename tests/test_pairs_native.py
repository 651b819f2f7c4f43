"""The pending index rows and a fingerprint's keys split (``tracer/_pairs.c``, built by
``make compiled``): the C table and functions give what the Python twins give
(``tracer.matching.PendingRows``, ``indexed_of`` and the keys below it counted)."""

from __future__ import annotations

import sys
from collections import Counter

import pytest
from conftest import require_native
from hypothesis import given
from hypothesis import strategies as st

from tracer import matching
from tracer.fingerprint import Fingerprint

U64 = st.integers(min_value=0, max_value=2**64 - 1)
SMALL = st.integers(min_value=0, max_value=40).map(lambda k: k * 8 + k % 3)  # some repeat


def native_rows():  # a C table, or a skip (a failure in CI)
    require_native(matching._row_table is not None, "the C pending rows (tracer._pairs)")
    from tracer._pairs import RowTable

    return RowTable()


def python_put_batch(
    rows: dict[int, int],
    more: dict[int, list[int]],
    new_rows: list[tuple[int, tuple[int, ...]]],
    held: set[int],
    everywhere: set[int],
) -> None:
    for row, keys in new_rows:
        for key in set(keys) - everywhere:
            if key in held and key in rows:
                if rows[key] != row:
                    more.setdefault(key, []).append(row)
            else:
                rows[key] = row


def flat(rows: dict[int, int]) -> list[int]:
    return [value for key in sorted(rows) for value in (key, rows[key])]


# keys a few of which share a first slot of a small table (their low bits differ), and
# the extreme ones: 0 (the C table's empty mark) and 2**64 - 1
KEYS = st.sets(st.one_of(SMALL, U64, st.sampled_from([0, 2**64 - 1, 2**63])), max_size=20)
ROWS = st.one_of(st.integers(0, 3), U64)


@given(
    st.lists(st.tuples(st.lists(st.tuples(ROWS, KEYS), max_size=6), KEYS, KEYS, KEYS), max_size=6),
    st.sets(st.one_of(SMALL, U64), max_size=10),
)
def test_the_c_rows_are_the_python_twin_s(
    batches: list[tuple[list[tuple[int, set[int]]], set[int], set[int], set[int]]],
    asked: set[int],
) -> None:
    # batches of put_batch, each followed by a drop of some keys; the same answers from
    # both tables and from a plain dict at every step
    native, twin = native_rows(), matching.PendingRows()
    expected: dict[int, int] = {}
    mores: list[dict[int, list[int]]] = [{5: [1]}, {5: [1]}, {5: [1]}]
    for batch, held, everywhere, dropped in batches:
        new_rows = [(row, tuple(keys)) for row, keys in batch]
        python_put_batch(expected, mores[0], new_rows, held, everywhere)
        native.put_batch(mores[1], new_rows, held, everywhere)
        twin.put_batch(mores[2], new_rows, held, everywhere)
        assert mores[1] == mores[2] == mores[0]
        for key in dropped:
            expected.pop(key, None)
        native.drop(list(dropped))
        twin.drop(dropped)
        wanted = asked | held | dropped
        for rows in (native, twin):
            assert len(rows) == len(expected)
            assert rows.sorted_flat() == flat(expected)
            assert rows.keys_in(wanted) == wanted & expected.keys()
            assert [rows.get(key) for key in sorted(wanted)] == [
                expected.get(key) for key in sorted(wanted)
            ]
    for rows in (native, twin):
        rows.clear()
        assert len(rows) == 0 and rows.sorted_flat() == [] and rows.keys_in(asked) == set()


def test_a_cold_poll_s_worth_of_rows_grows_drops_and_sorts() -> None:
    # 200,000 rows through the table's growth, a quarter dropped (the runs after each
    # removed key move back), in key order as a sort of the dict gives them
    rows = native_rows()
    expected = {(i * 2654435761 % 2**44) << 4: (i % 3000) << 40 | i for i in range(200_000)}
    expected[0], expected[2**64 - 16] = 7, 2**64 - 1
    items = list(expected.items())
    rows.put_batch({}, [(row, (key,)) for key, row in items], set(), set())
    dropped = [key for key, _row in items[::4]]
    rows.drop(dropped)
    for key in dropped:
        del expected[key]
    assert len(rows) == len(expected)
    assert rows.sorted_flat() == flat(expected)
    assert all(rows.get(key) == row for key, row in items[1::4])
    rows.clear()
    assert len(rows) == 0 and rows.get(items[1][0]) is None
    assert rows.__sizeof__() < 1024  # the slots given back


def test_the_c_rows_refuse_keys_and_rows_outside_64_bits_and_bad_arguments() -> None:
    rows = native_rows()
    for key in (-1, 2**64, 2**70):
        with pytest.raises(OverflowError, match="outside"):
            rows.put_batch({}, [(1, (16, key))], set(), set())
        assert rows.get(key) is None and rows.keys_in({key}) == set()
        rows.drop([key])
    with pytest.raises(OverflowError, match="outside"):
        rows.put_batch({}, [(2**64, (16,))], set(), set())
    with pytest.raises(TypeError, match="ints"):
        rows.put_batch({}, [(1, ("16",))], set(), set())  # type: ignore[list-item]
    with pytest.raises(TypeError, match="tuple of keys"):
        rows.put_batch({}, [(1, {2})], set(), set())  # type: ignore[list-item]
    with pytest.raises(TypeError, match="a dict, a list"):
        rows.put_batch({}, [(1, (2,))], [1], set())  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="a set"):
        rows.keys_in([16])  # type: ignore[arg-type]
    with pytest.raises(TypeError, match="no arguments"):
        type(rows)({})  # type: ignore[call-arg]
    assert rows.sorted_flat() == [16, 1]  # the first batch's key before the bad one


def test_the_twin_takes_any_int() -> None:
    rows = matching.PendingRows()
    rows.put_batch({}, [(7, (2**70, 16))], {2**70}, {-1})
    assert rows.sorted_flat() == [16, 7, 2**70, 7]


def test_a_matcher_keeps_its_pending_rows_in_the_c_table_when_built() -> None:
    native_rows()
    assert type(matching.pending_rows()).__name__ == "RowTable"


def native_key_counts():  # the C functions, or a skip (a failure in CI)
    require_native(matching._key_counts is not None, "the C key counts (tracer._pairs)")
    from tracer._pairs import index_keys, keys_on_posts

    return index_keys, keys_on_posts


def python_on_posts(fps: list[Fingerprint]) -> dict[int, int]:
    counts = Counter(key for fp in fps for key in matching.below_index_of(fp))
    return {key: n for key, n in counts.items() if n >= matching.BOILERPLATE_MIN_POSTS}


def fingerprint(keys: list[int]) -> Fingerprint:
    return Fingerprint(60, 0, tuple(keys), tuple("p" for _ in keys))


@given(st.lists(U64, max_size=80))
def test_the_c_index_keys_are_the_python_ones(keys: list[int]) -> None:
    index_keys, _on_posts = native_key_counts()
    fp = fingerprint(keys)
    assert index_keys(fp.blob, matching.INDEX_MASK) == matching.indexed_of(fp)
    assert matching.index_keys_of(fp) == matching.indexed_of(fp)
    assert matching.index_keys_in(fp.blob) == matching.indexed_of(fp)


@given(st.lists(st.lists(st.one_of(SMALL, U64), max_size=40), max_size=12))
def test_the_c_counts_of_keys_on_posts_are_the_python_ones(texts: list[list[int]]) -> None:
    _index_keys, on_posts = native_key_counts()
    fps = [fingerprint(keys) for keys in texts]
    expected = python_on_posts(fps)
    blobs = [fp.blob for fp in fps]
    assert on_posts(blobs, matching.INDEX_MASK, matching.BOILERPLATE_MIN_POSTS) == expected
    assert matching.keys_on_posts(blobs) == expected


def test_a_key_twice_in_a_post_counts_once_and_a_site_s_page_of_keys() -> None:
    _index_keys, on_posts = native_key_counts()
    twice = fingerprint([8, 8, 24])
    assert on_posts([twice.blob] * 2, 15, 3) == {}
    assert on_posts([twice.blob] * 3, 15, 3) == {8: 3, 24: 3}
    page = [fingerprint([(i * 7 + j) * 16 + 1 for j in range(64)]) for i in range(50)]
    assert on_posts([fp.blob for fp in page], 15, 3) == python_on_posts(page)


def test_blobs_that_are_not_keys_are_refused() -> None:
    index_keys, on_posts = native_key_counts()
    assert index_keys(b"", 15) == set() and on_posts([], 15, 3) == {}
    assert index_keys(bytes(8) + (2**64 - 1).to_bytes(8, sys.byteorder), 15) == {0}
    with pytest.raises(ValueError, match="8-byte"):
        index_keys(b"1234567", 15)
    with pytest.raises(ValueError, match="8-byte"):
        on_posts([b"1234567"], 15, 3)
    with pytest.raises(TypeError):
        index_keys("not bytes", 15)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        on_posts([bytearray(8)], 15, 3)  # type: ignore[list-item]
    with pytest.raises(TypeError):
        on_posts((b"",), 15, 3)  # type: ignore[arg-type]


def native_shared_count():  # the C function, or a skip (a failure in CI)
    require_native(matching._shared_count is not None, "the C shared key count (tracer._pairs)")
    from tracer._pairs import shared_count

    return shared_count


@given(st.lists(st.one_of(SMALL, U64), max_size=90), st.sets(st.one_of(SMALL, U64), max_size=30))
def test_the_c_shared_count_is_the_python_one(keys: list[int], wanted: set[int]) -> None:
    shared_count = native_shared_count()
    blob = fingerprint(keys).blob
    expected = len(wanted & set(keys))
    assert shared_count(blob, wanted) == expected
    assert shared_count(blob, frozenset(wanted)) == expected
    assert matching.shared_count(blob, wanted) == expected


def test_the_shared_count_of_keys_outside_a_blob_s_range_and_of_bad_blobs() -> None:
    shared_count = native_shared_count()
    blob = fingerprint([0, 2**64 - 1, 16, 16]).blob
    assert shared_count(blob, {0, 2**64 - 1, 16, -16, 2**64 + 16, 2**70, 32}) == 3
    assert shared_count(b"", {0, 1}) == 0 and shared_count(blob, set()) == 0
    long_text = fingerprint([k * 16 for k in range(200)]).blob  # over its 64 keys on the stack
    assert shared_count(long_text, {0, 16 * 199, 16 * 200, 17}) == 2
    with pytest.raises(ValueError, match="8-byte"):
        shared_count(b"1234567", {1})
    with pytest.raises(TypeError, match="a set"):
        shared_count(blob, [0, 16])  # type: ignore[arg-type]


def native_batch_keys():  # the C function, or a skip (a failure in CI)
    require_native(matching._batch_keys is not None, "the C batch key sort (tracer._pairs)")
    from tracer._pairs import batch_keys

    return batch_keys


def python_batch_keys(
    fps: list[Fingerprint], ignoreds: list[set[int]]
) -> tuple[list[set[int]], set[int], set[int], int]:
    own = [matching.indexed_of(fp) for fp in fps]
    candidates = [keys - ignored for keys, ignored in zip(own, ignoreds, strict=True)]
    on_posts = Counter(key for keys in own for key in keys)
    wanted = set().union(*candidates)
    return candidates, wanted, {k for k, n in on_posts.items() if n > 1}, sum(map(len, candidates))


def as_sets(
    found: tuple[list[tuple[int, ...]], set[int], set[int], int],
) -> tuple[list[set[int]], set[int], set[int], int]:
    """batch_keys' result with its tuples as sets (their order is the blobs' in C); each
    tuple's keys distinct."""
    tuples, wanted, again, looked_up = found
    assert all(len(set(keys)) == len(keys) for keys in tuples)
    return [set(keys) for keys in tuples], wanted, again, looked_up


IGNORED = st.sets(st.one_of(SMALL.map(lambda k: k * 2), U64), max_size=12)


@given(
    st.lists(
        st.tuples(
            st.lists(st.one_of(SMALL.map(lambda k: k * 2), U64), max_size=30), st.integers(0, 2)
        ),
        max_size=10,
    ),
    st.lists(IGNORED, min_size=3, max_size=3),
)
def test_the_c_batch_keys_are_the_python_ones(
    texts: list[tuple[list[int], int]], sites: list[set[int]]
) -> None:
    batch_keys = native_batch_keys()
    fps = [fingerprint(keys) for keys, _site in texts]
    ignoreds = [sites[site] for _keys, site in texts]  # posts of one site share its set
    expected = python_batch_keys(fps, ignoreds)
    blobs = [fp.blob for fp in fps]
    assert as_sets(batch_keys(blobs, ignoreds, matching.INDEX_MASK)) == expected
    assert as_sets(matching.batch_keys(blobs, ignoreds)) == expected


def test_batch_keys_of_a_feed_s_page_and_bad_arguments() -> None:
    batch_keys = native_batch_keys()
    page = [fingerprint([(i * 7 + j) * 16 for j in range(64)]) for i in range(50)]
    ignoreds = [{k * 16 for k in range(0, 400, 3)}] * 50
    expected = python_batch_keys(page, ignoreds)
    found = batch_keys([fp.blob for fp in page], ignoreds, 15)
    assert as_sets(found) == expected
    assert found[0][0] == tuple(k for k in matching.indexed(page[0].keys) if k not in ignoreds[0])
    assert batch_keys([], [], 15) == ([], set(), set(), 0)
    with pytest.raises(ValueError, match="8-byte"):
        batch_keys([b"1234567"], [set()], 15)
    with pytest.raises(TypeError):
        batch_keys([b""], [], 15)
    with pytest.raises(TypeError):
        batch_keys([b""], [[1]], 15)  # type: ignore[list-item]


def native_touching():  # the C function, or a skip (a failure in CI)
    require_native(matching._touching is not None, "the C touching posts (tracer._pairs)")
    from tracer._pairs import touching

    return touching


BELOW_61 = st.integers(min_value=0, max_value=2**61 - 2)  # ints that are their own hashes


@given(
    st.lists(st.lists(st.one_of(SMALL, BELOW_61), max_size=12, unique=True), max_size=10),
    st.sets(st.one_of(SMALL, BELOW_61), max_size=20),
    st.sets(st.one_of(SMALL, BELOW_61), max_size=6),
)
def test_the_c_touching_is_the_python_one(
    posts: list[list[int]], index_keys: set[int], repeats: set[int]
) -> None:
    touching = native_touching()
    tuples = [tuple(keys) for keys in posts]
    index: dict[int, list[tuple[int, int]]] = {key: [] for key in index_keys}
    expected = bytes(bool((index_keys | repeats) & set(keys)) for keys in posts)
    assert touching(tuples, index, repeats) == expected
    assert matching.touching(tuples, index, repeats) == expected


def test_touching_flags_a_hash_it_shares_and_refuses_other_arguments() -> None:
    touching = native_touching()
    big = 2**61 - 1 + 16  # its hash is 16's: a 1 that only sends the post the long way
    assert touching([(big,), (24,)], {16: []}, set()) == b"\x01\x00"
    assert touching([(16,)], {}, set()) == b"\x00" and touching([], {16: []}, set()) == b""
    with pytest.raises(TypeError, match="tuples"):
        touching([[16]], {16: []}, set())  # type: ignore[list-item]
    with pytest.raises(TypeError, match="a list of tuples"):
        touching([(16,)], [16], set())  # type: ignore[arg-type]


_CHANGING_LIST = """
from tracer._pairs import touching

class Emptying:  # a key whose hash empties the list of tuples being read
    def __init__(self, tuples):
        self.tuples = tuples
    def __hash__(self):
        self.tuples.clear()
        return 24

def tuples():
    made = []
    made += [(Emptying(made), 32), (16,), (16,)]
    return made

index, repeats = {16: []}, set()
print(touching(tuples(), index, repeats).hex())
# matching.touching's Python way, interpreted (compiled, it takes the keys for ints)
print(bytes(
    not (index.keys().isdisjoint(keys) and repeats.isdisjoint(keys)) for keys in tuples()
).hex())
"""


def test_touching_survives_a_hash_that_changes_the_list() -> None:
    # A key's __hash__ is Python code that may free the tuple being read and shrink the
    # list (tracer's keys are ints: a guard, not a case): the C code holds the tuple and
    # reads the list's size again, as the Python way's loop does (in a child process: a
    # crash fails the test instead of ending the run)
    native_touching()
    import subprocess

    done = subprocess.run(
        [sys.executable, "-c", _CHANGING_LIST], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    native, python = done.stdout.split()
    assert native == python == "00"  # the first tuple only: none of its keys is 16
