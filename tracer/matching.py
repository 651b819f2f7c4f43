"""Copies without credit: index each post's fingerprint, find the stored posts it shares text with.

Works inside the store's transaction (:meth:`tracer.store.Store.apply` and
:mod:`tracer.rematch`) on the tables of migration 0005, through the store's
engine (:mod:`tracer.engine`: SQLite or PostgreSQL; the few statements that
differ are in :mod:`tracer.engine.queries`):

- ``text_keys`` (key, site, post): the inverted index. A new post's candidates
  come from one indexed lookup of its keys (at most
  :data:`tracer.fingerprint.MAX_KEYS`), so the cost per post does not grow with
  the number of posts stored, only with how many posts share its keys.
- ``boilerplate``: keys a site repeats (:func:`is_boilerplate`: on at least
  :data:`BOILERPLATE_MIN_POSTS` of its posts and at least
  :data:`BOILERPLATE_SHARE` of them, or on :data:`BOILERPLATE_MAX_POSTS`
  posts), learned as posts arrive. They are ignored for that site, no longer
  indexed for it, and a key that is boilerplate on :data:`GLOBAL_SITES` sites
  (theme text) or found on :data:`STOP_POSTS` posts (stock phrases such as
  "also on rt com") is ignored everywhere and taken out of the index, so no
  lookup ever reads a long list.

Two posts *share text* when they are on different sites and the containment
of the shorter sample in the longer one, without boilerplate, is at least the
threshold (``match_state.min_score``, :data:`DEFAULT_MIN_SCORE` unless
``tracer rematch --min-score`` changed it) with at least :data:`MIN_SHARED`
shared keys. The inferred edge goes from the later post (``published``, else
``first_seen``; ties by ``first_seen``, then URL) to the earliest post it
shares text with, unless a declared edge links the two; a post whose credit
explains its text gets none (:class:`Credits`).
"""

from __future__ import annotations

import json
from bisect import insort
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from itertools import compress, islice, repeat
from operator import and_, itemgetter, rshift
from typing import Any, Final, NamedTuple, Protocol

from tracer.engine import Engine
from tracer.engine.queries import ID_IN, TEXT_IN, TEXT_KEYS_INSERT, TEXT_KEYS_LOOKUP
from tracer.fingerprint import (
    BASE_MASK,
    EVIDENCE_PHRASES,
    Fingerprint,
    keys_from_blob,
)
from tracer.models import EdgeRecord


class _Rows(Protocol):
    """The pending index rows, key -> ``site << POST_BITS | post`` (:class:`PendingRows`,
    or ``tracer._pairs.RowTable``: the same methods in C)."""

    def __len__(self) -> int: ...
    def clear(self) -> None: ...
    def get(self, key: int, /) -> int | None: ...
    def keys_in(self, keys: set[int], /) -> set[int]: ...
    def drop(self, keys: Iterable[int], /) -> None: ...
    def put_batch(
        self,
        more: dict[int, list[int]],
        new_rows: list[tuple[int, tuple[int, ...]]],
        held: set[int],
        everywhere: set[int],
        /,
    ) -> None: ...
    def sorted_flat(self) -> list[int]: ...


_IndexKeys = Callable[[bytes, int], set[int]]
_KeysOnPosts = Callable[[list[bytes], int, int], dict[int, int]]
_SharedCount = Callable[[bytes, set[int]], int]
_BatchKeys = Callable[
    [list[bytes], list[set[int]], int], tuple[list[tuple[int, ...]], set[int], set[int], int]
]
_Touching = Callable[[list[tuple[int, ...]], dict[int, list[tuple[int, int]]], set[int]], bytes]


def _native_pairs() -> (
    tuple[
        Callable[[], _Rows],
        _IndexKeys,
        _KeysOnPosts,
        _SharedCount,
        _BatchKeys,
        _Touching,
    ]
    | None
):
    """``tracer._pairs``'s ``RowTable``, ``index_keys``, ``keys_on_posts``,
    ``shared_count``, ``batch_keys`` and ``touching`` (C, built by ``make compiled``),
    else None: then :class:`PendingRows`, :func:`index_keys_of`, :func:`keys_on_posts`,
    :func:`shared_count`, :func:`batch_keys` and :func:`touching` are Python, with the
    same results."""
    try:  # (the module: a compiled build binds a name imported here in the module too)
        from tracer import _pairs
    except ImportError:
        return None
    return (
        _pairs.RowTable,
        _pairs.index_keys,
        _pairs.keys_on_posts,
        _pairs.shared_count,
        _pairs.batch_keys,
        _pairs.touching,
    )


_native = _native_pairs()
_row_table = None if _native is None else _native[0]
_key_counts = None if _native is None else (_native[1], _native[2])
_shared_count = None if _native is None else _native[3]
_batch_keys = None if _native is None else _native[4]
_touching = None if _native is None else _native[5]

__all__ = [
    "BOILERPLATE_MAX_POSTS",
    "BOILERPLATE_MIN_POSTS",
    "BOILERPLATE_SHARE",
    "DEFAULT_MIN_SCORE",
    "EVIDENCE_PHRASES",
    "GLOBAL_SITES",
    "INDEX_LEVEL",
    "MIN_SHARED",
    "PATTERN",
    "PENDING_ROWS",
    "STOP_POSTS",
    "Match",
    "Matcher",
    "PostRef",
    "content_keys",
    "indexed",
    "is_boilerplate",
    "order_key",
]

DEFAULT_MIN_SCORE: Final = 0.65
MIN_SHARED: Final = 4  # shared keys (at the compared level) below this are never a copy
INDEX_LEVEL: Final = 1  # only keys kept at this sampling level (1 in 16 shingles) go into the index
INDEX_MASK: Final = (BASE_MASK + 1 << INDEX_LEVEL) - 1
SHORT_TEXT_KEYS: Final = 12  # a text with at most this many keys of its own (~100 words) is short
SHORT_BLOB_KEYS: Final = 32  # a stored text with more keys (its boilerplate too) is not short
RARE_POSTS: Final = 10  # one shared index key makes a candidate only if on at most this many posts
BOILERPLATE_MIN_POSTS: Final = 3
BOILERPLATE_SHARE: Final = 0.3
BOILERPLATE_MAX_POSTS: Final = 25
GLOBAL_SITES: Final = 3
STOP_POSTS: Final = 100  # a key on this many posts (any sites) is stock text: ignored everywhere
# New index rows kept in memory, then written in key order: a poll's whole run of
# 1,000 feeds (~500,000 rows; ~25 MB, about what the stored keys they join would take
# in memory) is written once, at its end. The keys of the rows written are
# read into the stored keys only when the next lookup needs them (:meth:`Matcher._written`).
PENDING_ROWS: Final = 600_000
PATTERN: Final = "shared-text"
POST_BITS: Final = 40  # a pending index row is one int: site << POST_BITS | post
POST_MASK: Final = (1 << POST_BITS) - 1
KEYS_PER_LOOKUP: Final = 512  # keys bound to one lookup statement (at most)
LEAST_PER_LOOKUP: Final = 16  # the smallest lookup statement: sizes are powers of two from here
ROWS_PER_INSERT: Final = 200  # index rows written by one statement (a third less CPU than one each)
FINGERPRINTS_PER_INSERT: Final = 100  # fingerprint rows written by one statement
# SQLite: keys looked up in the index, per fingerprinted post stored, before the stored
# keys are read into memory (:meth:`Matcher._maybe_stored`): a lookup costs about eight
# times what reading one stored key does, and a post has a few dozen keys stored at most
FILTER_AFTER: Final = 4
UNREAD: Final = -1  # add_posts' index_writer when the caller did not read it (PostgreSQL)
STORED_KEYS: Final = 600_000  # at most this many stored keys in memory (~36 MB; ~60,000 posts)
# Fingerprint rows of this run's posts kept in memory for scoring (~300 bytes each:
# ~18 MB), so that a candidate stored by the same run is not read back: every post of a
# cold poll of 1,000 feeds × 50 items (at 20,000, the rows of its first 400 feeds were
# read back, two statements a feed). Past it, the older half is dropped.
RECENT_POSTS: Final = 60_000
_LOOKUPS = {  # one cached statement per size: a batch's last keys pad up to the next size
    size: TEXT_KEYS_LOOKUP["sqlite"].format(marks=", ".join(["?"] * size))
    for size in (LEAST_PER_LOOKUP << i for i in range(6))
    if size <= KEYS_PER_LOOKUP
}


def _insert_rows(count: int) -> str:
    return TEXT_KEYS_INSERT["sqlite"].format(rows=", ".join(["(?, ?, ?)"] * count))


_INSERT_ROWS = _insert_rows(ROWS_PER_INSERT)
# A batch's posts added to their site's count in site_texts (the boilerplate learner's n)
_COUNT_SITE = (
    "INSERT INTO site_texts (domain_id, posts) VALUES (?, ?)"
    " ON CONFLICT (domain_id) DO UPDATE SET posts = site_texts.posts + excluded.posts"
)
_FINGERPRINT_INSERTS: dict[int, str] = {}


def _insert_fingerprints(count: int) -> str:
    """``count`` fingerprint rows in one statement (its text made once per count).

    >>> _insert_fingerprints(2).endswith("VALUES (?, ?, ?, ?, ?, ?), (?, ?, ?, ?, ?, ?)")
    True
    """
    sql = _FINGERPRINT_INSERTS.get(count)
    if sql is None:
        marks = ", ".join(["(?, ?, ?, ?, ?, ?)"] * count)
        sql = _FINGERPRINT_INSERTS[count] = (
            "INSERT OR IGNORE INTO fingerprints (post_id, domain_id, words, level, keys, phrases)"
            f" VALUES {marks}"
        )
    return sql


def _insert_packed(count: int) -> str:
    """SQLite: ``count`` index rows, each bound as two values, ``key`` and ``site <<
    POST_BITS | post`` (a pending row as kept), split by the statement: no Python
    integer is made per column.

    >>> _insert_packed(1).endswith("VALUES (?1, ?2 >> 40, ?2 & 1099511627775)")
    True
    """
    rows = ", ".join(
        f"(?{2 * i + 1}, ?{2 * i + 2} >> {POST_BITS}, ?{2 * i + 2} & {POST_MASK})"
        for i in range(count)
    )
    return TEXT_KEYS_INSERT["sqlite"].format(rows=rows)


_INSERT_PACKED = _insert_packed(ROWS_PER_INSERT)


def _insert_spans(count: int) -> str:
    """``count`` rows of ``unindexed_spans`` in one statement (SQLite). A post is in one
    span only: a first post met again (never, as a post is fingerprinted once) keeps
    the longer span.

    >>> _insert_spans(2).split(" VALUES ")[1].startswith("(?, ?), (?, ?) ON CONFLICT")
    True
    """
    return (
        "INSERT INTO unindexed_spans (first_post, last_post) VALUES "
        + ", ".join(["(?, ?)"] * count)
        + " ON CONFLICT (first_post) DO UPDATE SET last_post = max(last_post, excluded.last_post)"
    )


def _spans(ids: list[int]) -> list[tuple[int, int]]:
    """The runs of consecutive ints in the sorted, non-empty ``ids``, as (first, last).

    >>> _spans([3, 4, 5, 9, 11, 12])
    [(3, 5), (9, 9), (11, 12)]
    """
    spans: list[tuple[int, int]] = []
    first = last = ids[0]
    for post in ids[1:]:
        if post != last + 1:
            spans.append((first, last))
            first = post
        last = post
    spans.append((first, last))
    return spans


def is_boilerplate(posts_with_key: int, site_posts: int) -> bool:
    """Whether a key on ``posts_with_key`` of a site's ``site_posts`` posts is its boilerplate.

    >>> is_boilerplate(3, 3), is_boilerplate(2, 2), is_boilerplate(3, 20), is_boilerplate(25, 1000)
    (True, False, False, True)
    """
    if posts_with_key < BOILERPLATE_MIN_POSTS:
        return False
    return posts_with_key >= BOILERPLATE_SHARE * site_posts or (
        posts_with_key >= BOILERPLATE_MAX_POSTS
    )


def order_key(published: str | None, first_seen: str, url: str) -> tuple[str, str, str]:
    """Sort key of a post in time: ``published`` (else ``first_seen``), then ``first_seen``, URL.

    >>> order_key(None, "2026-01-02T00:00:00Z", "u") < order_key("2026-01-03T00:00:00Z", "x", "a")
    True
    """
    return (published or first_seen, first_seen, url)


class PostRef(NamedTuple):  # a tuple: built for every new post, ~5x faster than a frozen dataclass
    id: int
    url: str
    domain_id: int
    published: str | None
    first_seen: str

    @property
    def order(self) -> tuple[str, str, str]:
        return order_key(self.published, self.first_seen, self.url)


@dataclass(frozen=True, slots=True)
class Match:
    post: PostRef
    score: float
    shared: tuple[int, ...]  # the shared keys


class Credits:
    """The declared edges among a post and the stored posts it shares text with (its
    *cluster*), and what they leave to an inferred edge.

    An inferred edge is for a copy that declares nothing of where its text came from.
    A post's text is *explained* by its credit when it declares a post of the cluster
    (the article it copies, or a repost of it), a source that declares one (a repost of
    it that shares less text), or a source that another post of the cluster declares too
    (two reposts of one credited article that is not stored), unless a post of the
    cluster that declares nothing is earlier (it may be that article, under another
    address). An explained post gets no inferred edge, neither to the earliest post of
    the cluster nor to a later copy, and loses the one it had. Two posts that a
    declared edge links (either direction) are never linked by an inferred edge.

    >>> credits = Credits({"b2": 3, "a2": 2}, [("b2", "n2"), ("a2", "n2")])
    >>> credits.explained("b2"), credits.explained("a2")  # n2 not stored
    (True, True)
    >>> credits = Credits({"c1": 4, "z": 1}, [("c1", "z")])
    >>> credits.explained("c1"), credits.explained("z"), credits.link("z", "c1")
    (True, False, True)
    >>> Credits({"b2": 2, "a2": 1}, [("b2", "n2"), ("a2", "m9")]).explained("b2")
    False
    >>> Credits({"n": 1, "b": 2, "f": 3}, [("b", "h"), ("f", "h")]).explained("f")
    False
    >>> Credits({"b": 2, "n": 1}, [("b", "a")], beyond=[("a", "n")]).explained("b")
    True
    """

    def __init__(
        self,
        orders: dict[str, Any],
        declared: Iterable[tuple[str, str]],
        beyond: Iterable[tuple[str, str]] = (),
    ) -> None:
        self._order = orders  # the cluster: url -> order (:attr:`PostRef.order`)
        self._sources: dict[str, set[str]] = defaultdict(set)
        for repost, source in declared:
            self._sources[repost].add(source)
        self._beyond: dict[str, set[str]] = defaultdict(set)  # a source's own sources
        for repost, source in beyond:
            self._beyond[repost].add(source)
        declarers = Counter(source for sources in self._sources.values() for source in sources)
        self._shared = {source for source, n in declarers.items() if n > 1}
        self._plain = [order for url, order in orders.items() if url not in self._sources]

    def outside(self) -> set[str]:
        """The sources the cluster declares that are not in it (whose own sources tell
        whether they lead back into it)."""
        return {s for sources in self._sources.values() for s in sources} - set(self._order)

    def link(self, one: str, other: str) -> bool:
        """Whether a declared edge links ``one`` and ``other``, either direction."""
        return other in self._sources.get(one, ()) or one in self._sources.get(other, ())

    def explained(self, url: str) -> bool:
        """Whether the post ``url`` owes its text to a credit (see the class)."""
        sources = self._sources.get(url)
        if not sources:
            return False
        cluster = self._order.keys()
        if not sources.isdisjoint(cluster):
            return True
        if any(not self._beyond.get(source, set()).isdisjoint(cluster) for source in sources):
            return True
        if sources.isdisjoint(self._shared):
            return False
        order = self._order[url]
        return not any(plain < order for plain in self._plain)

    def earliest_source(self, post: PostRef, matches: list[Match]) -> Match | None:
        """The earliest earlier post ``post`` shares text with, if its inferred edge may
        go there (``None``: no inferred edge from ``post``)."""
        if self.explained(post.url):
            return None
        earlier = [
            m for m in matches if m.post.order < post.order and not self.link(post.url, m.post.url)
        ]
        return min(earlier, key=lambda m: m.post.order) if earlier else None


class Matcher:
    """Index fingerprints and find matches, inside the caller's transaction.

    Compiled with mypyc (``make compiled``): a test that replaces one of its methods
    on the class is accepted but never called by the compiled code; wrap a
    :class:`tracer.store.Store` method instead.

    On SQLite (one writer per file) the index rows of new posts wait in
    memory and are written many feeds at a time, in key order (:meth:`flush`).
    On PostgreSQL, where several pollers write at once and each must see the
    others' posts as soon as they commit, they are written with their feed,
    in one statement; the caller holds :func:`tracer.reach.lock` (see
    :data:`~tracer.engine.queries.LOCK_REACH`) so matching transactions take turns.
    """

    def __init__(self, engine: Engine, min_score: float | None = None) -> None:
        self.engine = engine
        self._sqlite = engine.name == "sqlite"
        # SQLite: the sqlite3 connection's own execute (the hot path, no translation)
        self._run: Callable[..., Any] = (
            engine.conn.execute if self._sqlite else engine.execute  # type: ignore[attr-defined]
        )
        self._id_in = engine.sql(ID_IN)  # one of a JSON list of ints (indexed on PostgreSQL)
        if min_score is None:
            row = self._run("SELECT min_score FROM match_state").fetchone()
            min_score = float(row[0]) if row else DEFAULT_MIN_SCORE
        self.min_score = min_score
        self._boiler: dict[int, set[int]] = {}
        # SQLite: every site's own boilerplate keys (site -> keys), read at once when a
        # site's are first needed, so a site with none (a new one: most, in a cold
        # poll) costs no statement; read again once another connection committed
        self._boiler_rows: dict[int, set[int]] | None = None
        # PostgreSQL: match_state.boiler_gen when _boiler was last known to be
        # current; another poller's new boilerplate changes it (see _fresh_boilerplate)
        self._boiler_gen: int | None = None
        # Index rows not written yet (see flush), searched from here: key ->
        # site << POST_BITS | post of its first row (pending_rows(): a C table of
        # 64-bit pairs when built), further rows of a key (rare) in _pending_more;
        # and their posts' spans (first post). Written in key order once
        # PENDING_ROWS gather.
        self._pending: _Rows = pending_rows()
        self._pending_more: dict[int, list[int]] = {}
        self._pending_spans: list[int] = []  # first post of each span in unindexed_spans
        self._recovered = False
        # The fingerprint rows this matcher stored, as _fingerprint_rows reads
        # them (post id -> (post id, site, words, level, keys' blob)): a new post's
        # candidates are often posts of the same run, not read back then
        self._recent: dict[int, tuple[int, int, int, int, bytes]] = {}
        # The keys in text_keys (pending rows aside), so that the keys of a new
        # post that are on no stored post (most) are not looked up; valid while
        # no other connection commits (SQLite: _check_stored) or writes index
        # rows (PostgreSQL: check_index_writer)
        self._stored: set[int] | None = None
        self._unmerged: list[list[int]] = []  # keys written since, not yet in _stored
        self._data_version: int | None = None
        self._checked_in = 0  # the engine's write transaction data_version was read in
        self._unfiltered = 0  # keys looked up since the stored keys were last dropped
        self._filter_after: int | None = None  # lookups that make reading them worth it
        # PostgreSQL, during a drain's batches (begin_drain .. end_drain): the index rows
        # (key -> sorted [(site, post)]) of every key the batches may look up, as read at
        # the drain's start plus the rows its batches wrote since; the sites' post counts
        self._drain_rows: dict[int, list[tuple[int, int]]] | None = None
        self._drain_sites: dict[int, int] | None = None
        self._drain_again: set[int] = set()  # keys two of the drain's batches may look up

    # -- boilerplate -------------------------------------------------------

    def boilerplate(self, domain_id: int) -> set[int]:
        """Keys ignored for ``domain_id``: its own boilerplate and every site's."""
        if domain_id not in self._boiler:
            if self._sqlite:
                rows = self._site_boilerplate()  # (it makes site 0's set: every site's)
                if domain_id not in self._boiler:
                    self._boiler[domain_id] = rows.get(domain_id, set()) | self._boiler[0]
            else:
                self._boiler[domain_id] = {
                    key
                    for (key,) in self._run(
                        "SELECT key FROM boilerplate WHERE domain_id IN (0, ?)", [domain_id]
                    )
                }
        return self._boiler[domain_id]

    def _site_boilerplate(self) -> dict[int, set[int]]:
        """SQLite: each site's own boilerplate keys (every site's: site 0), from one read of
        the table; every site's keys are in :attr:`_boiler` from then on (kept current by
        :meth:`_mark`, like each site's set made from these)."""
        rows = self._boiler_rows
        if rows is None:
            rows = self._boiler_rows = defaultdict(set)
            for domain, key in self._run("SELECT domain_id, key FROM boilerplate"):
                rows[domain].add(key)
            everywhere = self._boiler.setdefault(0, set())
            everywhere.update(rows.get(0, ()))  # (boilerplate only grows in a run)
        return rows

    def _fresh_boilerplate(self, gen: int | None = None) -> None:
        """Forget the cached boilerplate if another poller learned some since (PostgreSQL).

        ``gen`` is ``match_state.boiler_gen`` read under the matching lock at
        the start of the feed (read here when not given): every transaction
        that adds boilerplate bumps it (migration 0010), so several pollers
        ignore the same keys as one poller would. The cache is kept otherwise.
        """
        if gen is None:
            (gen,) = self._run("SELECT boiler_gen FROM match_state").fetchone()
        if gen != self._boiler_gen:
            self._boiler.clear()
            self._boiler_gen = gen

    def _mark(self, domain_id: int, keys: Iterable[int]) -> None:
        keys = list(keys)
        if not keys:
            return
        if not self._sqlite:  # other pollers reload their cache (_fresh_boilerplate)
            (self._boiler_gen,) = self._run(
                "UPDATE match_state SET boiler_gen = boiler_gen + 1 RETURNING boiler_gen"
            ).fetchone()
        self.engine.executemany(
            "INSERT OR IGNORE INTO boilerplate (domain_id, key) VALUES (?, ?)",
            [(domain_id, k) for k in keys],
        )
        self.boilerplate(domain_id).update(keys)
        if domain_id == 0:
            for cached in self._boiler.values():
                cached.update(keys)
            self._drop_pending(keys)
            return
        widespread = [
            key
            for key, sites in self._run(
                "SELECT key, count(*) FROM boilerplate WHERE domain_id != 0"
                f" AND key {self._id_in} GROUP BY key",
                [json.dumps(keys)],
            )
            if sites >= GLOBAL_SITES
        ]
        if widespread:
            self.engine.executemany(
                "INSERT OR IGNORE INTO boilerplate (domain_id, key) VALUES (0, ?)",
                [(k,) for k in widespread],
            )
            for cached in self._boiler.values():
                cached.update(widespread)
            if self._sqlite:  # PostgreSQL keeps their rows, as once written (a drain's: pending)
                self._drop_pending(widespread)

    def _drop_pending(self, keys: list[int]) -> None:
        """Keys ignored everywhere from now on leave the pending index rows (never written)."""
        self._pending.drop(keys)
        for key in keys:
            self._pending_more.pop(key, None)

    # -- a drain's batches at once (PostgreSQL) ----------------------------------

    @property
    def draining(self) -> bool:
        """Between :meth:`begin_drain` and :meth:`end_drain`."""
        return self._drain_rows is not None

    def begin_drain(
        self,
        batches: list[list[tuple[int, Fingerprint]]],
        boiler_gen: int,
        index_writer: int | None,
    ) -> None:
        """PostgreSQL: read at once what the queued batches of one drain (each its posts'
        ``(site, fingerprint)``, in order) would read one by one, a round trip each
        (:func:`tracer.upkeep.drain`, which then matches each batch with
        :meth:`add_posts` as before, until :meth:`end_drain`).

        The drain holds the upkeep lock for its whole transaction, so until its end
        only this matcher writes the boilerplate, the site counts and the index
        (``boiler_gen`` and ``index_writer`` are read under it, once): the
        boilerplate of every site of the batches, their sites' post counts (then
        counted here, the increments sent without waiting), and the index rows of
        every key a batch may look up (the index keys of its posts but their sites'
        boilerplate, which only grows; the rows the batches write are added as they
        go, those of keys a later batch may look up). Each batch then finds what its
        own reads would have, without waiting for the server, whose writes of the
        earlier batches run meanwhile.
        """
        items = [item for batch in batches for item in batch]
        self._fresh_boilerplate(boiler_gen)
        self.check_index_writer(index_writer)
        if not self._recovered:
            self._recover()  # its rows are then among those read below
        domains = {domain for domain, _fp in items}
        missing = sorted(domains - self._boiler.keys())
        if missing:  # one read for every site: its own boilerplate and every site's
            own: dict[int, set[int]] = {domain: set() for domain in [0, *missing]}
            for domain, key in self._run(
                f"SELECT domain_id, key FROM boilerplate WHERE domain_id {self._id_in}",
                [json.dumps([0, *missing])],
            ):
                own[domain].add(key)
            for domain in missing:
                self._boiler[domain] = own[domain] | own[0]
            self._boiler.setdefault(0, own[0])
        sites = dict.fromkeys(domains, 0)
        for domain, posts in self._run(
            f"SELECT domain_id, posts FROM site_texts WHERE domain_id {self._id_in}",
            [json.dumps(sorted(domains))],
        ):
            sites[domain] = posts
        wanted: set[int] = set()
        again: set[int] = set()  # keys of more than one batch
        for batch in batches:
            keys: set[int] = set()
            for domain, fp in batch:
                if fp.blob:
                    keys |= index_keys_of(fp) - self.boilerplate(domain)
            again |= wanted & keys
            wanted |= keys
        rows: dict[int, list[tuple[int, int]]] = {}
        ordered = sorted(self._maybe_stored(wanted)) if wanted else []
        if ordered:
            for key, d, post in self._run(self.engine.sql(TEXT_KEYS_LOOKUP), [ordered]):
                rows.setdefault(key, []).append((d, post))
            for found in rows.values():
                found.sort()
        self._drain_rows, self._drain_sites, self._drain_again = rows, sites, again

    def write_drained(self) -> None:
        """Write the index rows of a drain's batches, after its last one (PostgreSQL).

        Until then they wait in memory, searched from there by the later batches
        (as SQLite's pending rows: :meth:`flush`), and go in one statement in key
        order rather than one per batch: a B-tree insert in key order finds the
        pages it changes in the CPU's cache, and a drain of 60 feeds sends one
        statement instead of 60. Other sessions see the rows when the drain
        commits, as they did; a drain that fails rolls back and its matcher is
        dropped (:meth:`tracer.store.Store.forget_matching`) with the rows.
        """
        self._drain_again = set()  # no batch left to look them up in the drain's rows
        self._write_pending()

    def end_drain(self) -> None:
        """Back to reading for each batch (:meth:`begin_drain`)."""
        self._drain_rows = self._drain_sites = None
        self._drain_again = set()

    # -- indexing ----------------------------------------------------------

    def add_posts(
        self,
        items: list[tuple[PostRef, Fingerprint]],
        apply: Callable[[list[EdgeRecord], list[tuple[str, str]]], None],
        boiler_gen: int = 0,
        index_writer: int | None = UNREAD,
    ) -> None:
        """Store, learn from and index the fingerprints of one feed's new posts, in order.

        One statement each for the fingerprints, the lookup of every key of
        the batch, the site counts and the new index rows: the cost per post is
        a few microseconds of SQL plus Python over its own keys. Posts that
        share text with stored posts (or with earlier posts of the batch) are
        scored and ``apply(adds, removes)`` writes their edges at once: the
        edge from the post to the earliest earlier post it shares text with,
        and from each later post sharing its text to it, when it is earlier
        than that post's current target (which is removed: each copy points
        to the earliest post it shares text with).

        ``boiler_gen``: ``match_state.boiler_gen`` as read under the matching
        lock (PostgreSQL; see :meth:`_fresh_boilerplate`); ``index_writer``:
        ``match_state.index_writer`` as read there (see :meth:`check_index_writer`).
        """
        if self._sqlite:
            self._check_stored()
        elif self._drain_rows is None:  # a drain read them once for its batches (begin_drain)
            self._fresh_boilerplate(boiler_gen)
            self.check_index_writer(index_writer)
        if not self._recovered:
            self._recover()  # before this batch's posts are listed in unindexed_spans
        # in post id order: rows appended to the table's last page fill it (in
        # publication order they land between each other and split pages half full)
        columns = _columns([fp for _post, fp in items])  # (one read of each fingerprint)
        rows = sorted(
            (post.id, post.domain_id, c[0], c[1], c[2])
            for (post, _fp), c in zip(items, columns, strict=True)
        )
        texts = {post.id: fp for post, fp in items}
        near: set[int] = set()  # posts that share text with another site's (their phrases stored)
        # the posts with keys, and their keys' blobs (not decoded here)
        blobs = [c[2] for c in columns if c[2]]
        items = [item for item, c in zip(items, columns, strict=True) if c[2]]
        if not items:
            self._store_fingerprints(rows, texts, near)
            return
        recent = self._recent
        if len(recent) >= RECENT_POSTS:  # the older half goes (dicts keep insertion order)
            for post_id in list(islice(recent, len(recent) // 2)):
                del recent[post_id]
        recent.update(zip(map(itemgetter(0), rows), rows, strict=True))
        if self._sqlite:  # index rows written later (flush); PostgreSQL writes them below
            # the batch's fingerprinted posts (rows: in id order) as spans of consecutive ids
            spans = _spans([row[0] for row in rows])
            self._run(_insert_spans(len(spans)), [post for span in spans for post in span])
            self._pending_spans.extend(first for first, _last in spans)
        # Keys already ignored for a post's site (its boilerplate, stock text)
        # are never looked up: the index is read only for keys that can count.
        # Each post's distinct index keys but those ignored (sets: their order counts
        # nowhere below, and every step is then one set operation in C), their union;
        # the keys on two posts of the batch, the only ones a later post of the batch
        # can find on an earlier one (most batches have none).
        ignoreds = [self.boilerplate(post.domain_id) for post, _fp in items]
        sizes = {id(ignored): len(ignored) for ignored in ignoreds}  # (they only grow)
        index_keys, wanted, repeats, looked_up = batch_keys(blobs, ignoreds)
        if len(wanted) == looked_up:  # no candidate on two posts
            repeats = set()
        # key -> [(site, post)]; and the keys with pending rows, of earlier batches
        index, held = self._lookup(wanted) if wanted else ({}, set())
        batch_posts = Counter(post.domain_id for post, _fp in items)
        site_posts = self._count_sites(batch_posts)
        self._learn_from_batch(items, blobs, site_posts, batch_posts)
        # (site << POST_BITS | post, its keys)
        new_rows: list[tuple[int, tuple[int, ...]]] = []
        stock: list[int] = []
        everywhere = self.boilerplate(0)
        boiler = self._boiler
        # the posts with a key that an earlier post has (most have none: only new keys)
        touches = touching(index_keys, index, repeats)
        for (post, fp), keys, touched in zip(items, index_keys, touches, strict=True):
            domain, post_id = post.domain_id, post.id
            site_posts[domain] += 1
            ignored = self.boilerplate(domain)
            # (keys are without the boilerplate as it was: only what was learned since)
            if len(ignored) != sizes.get(id(ignored)) and not ignored.isdisjoint(keys):
                keys = _without(keys, ignored)
            if not touched:  # (index only gains keys of repeats below)
                new_rows.append((domain << POST_BITS | post_id, keys))
                continue
            if not index or index.keys().isdisjoint(keys):
                new_rows.append((domain << POST_BITS | post_id, keys))
                if repeats:  # (most batches have none)
                    for k in repeats.intersection(keys):
                        index.setdefault(k, []).append((domain, post_id))
                continue
            hits = index.keys() & keys
            own: dict[int, int] = {}
            shared: dict[int, set[int]] = {}
            for k in hits:
                entries = index[k]
                if len(entries) + 1 >= STOP_POSTS:
                    # Stock text from now on: ignored everywhere (below), so its
                    # long list is not worth reading (the per-post work cap).
                    own[k] = 0
                    if k not in everywhere:
                        stock.append(k)
                        self._mark(0, [k])
                    continue
                mine = 0
                for d, other in entries:
                    if d == domain:
                        mine += 1
                    elif k in (boiler[d] if d in boiler else self.boilerplate(d)):
                        continue
                    else:
                        found = shared.get(other)
                        if found is None:
                            shared[other] = {k}
                        else:
                            found.add(k)
                own[k] = mine
            learned = [k for k in hits if is_boilerplate(own[k] + 1, site_posts[domain])]
            if learned:
                self._mark(domain, learned)
            if learned or stock:
                keys = _without(keys, ignored)
                for found in shared.values():
                    found.difference_update(ignored)
            new_rows.append((domain << POST_BITS | post_id, keys))
            if repeats:
                for k in repeats.intersection(keys):
                    index.setdefault(k, []).append((domain, post_id))
            if not shared:
                continue
            least = MIN_SHARED if fp.level >= INDEX_LEVEL else 1
            if not any(len(found) >= least for found in shared.values()):
                continue
            # Until a site has enough posts for the boilerplate rule, its template
            # would count as this post's own text: the score is also computed
            # without the keys the site already has on another post, and the
            # higher one is kept (a site's second copy of an article still has
            # the article's text on another post).
            repeated = {k for k, mine in own.items() if mine}
            crowded = {k for k in hits if len(index[k]) > RARE_POSTS}
            near.add(post_id)  # whatever the threshold (rematch may lower it): its phrases
            matches = self._score(post, fp.keys, fp.level, shared, repeated, crowded=crowded)
            if matches:
                apply(*self._edges(post, fp, matches))
        self._store_fingerprints(rows, texts, near)
        if stock:
            self._run(f"DELETE FROM text_keys WHERE key {self._id_in}", [json.dumps(stock)])
        pending = self._pending
        # A key has a pending row already if an earlier batch's post has it (held) or
        # an earlier post of this batch (among the repeats): only those few are looked up.
        held |= repeats
        pending.put_batch(self._pending_more, new_rows, held, everywhere)
        if not self._sqlite:
            if self._drain_rows is None:  # a drain's batches: all at its end (write_drained)
                self._write_pending()  # with the feed: other pollers find them once it commits
        else:
            if len(pending) >= PENDING_ROWS:
                self.flush()

    def _store_fingerprints(
        self,
        rows: list[tuple[int, int, int, int, bytes]],
        texts: dict[int, Fingerprint],
        near: set[int],
    ) -> None:
        """Insert the batch's fingerprint rows ``(post, site, words, level, keys' blob)``; the
        phrases (``texts``: post -> fingerprint) only of the posts in ``near``.

        A phrase is read only for the evidence of an edge (:func:`_evidence`): a new
        post's edges take it from the fingerprint in memory, and ``rematch`` from the
        stored phrases of either post of the pair (:meth:`phrases`). So only a post
        that was scored against a stored post of another site (it shares index keys
        with one; the later of the two: the earlier one was stored before) keeps its
        phrases, all of them. For the others (most posts) they were two thirds of the
        row (a cold poll of 1,000 generated feeds: 35 MB of fingerprints).
        """
        # no fingerprint is stored for these posts yet (Store._write_copies). One statement
        # of many rows: one round trip on PostgreSQL, and on SQLite a third less CPU than
        # executemany's step per row; its values made flat at once (no tuple per row)
        for start in range(0, len(rows), FINGERPRINTS_PER_INSERT):
            chunk = rows[start : start + FINGERPRINTS_PER_INSERT]
            values: list[object] = []
            for row in chunk:  # (the row's ints as they are: none taken apart, made again)
                values += row
                values.append(texts[row[0]].all_phrases if near and row[0] in near else "")
            self._run(_insert_fingerprints(len(chunk)), values)

    def _learn_from_batch(
        self,
        items: list[tuple[PostRef, Fingerprint]],
        blobs: list[bytes],
        site_posts: dict[int, int],
        batch_posts: Counter[int],
    ) -> None:
        """Learn the boilerplate among the batch's keys that are not indexed (``items``:
        its posts with keys, ``blobs`` their keys' blobs).

        The index counts a key's posts per site only for index keys; a key
        below the index level is counted on the batch's posts of the site
        (often a feed's whole first page), with the same rule
        (:func:`is_boilerplate`, the site's posts including the batch).
        Runs of boilerplate the batch does not show are left to
        :func:`content_keys`.
        """
        by_site: dict[int, list[bytes]] = {}
        for (post, _fp), blob in zip(items, blobs, strict=True):
            if batch_posts[post.domain_id] >= BOILERPLATE_MIN_POSTS:  # keys below the index level
                by_site.setdefault(post.domain_id, []).append(blob)
        for domain, blobs in by_site.items():
            counts = keys_on_posts(blobs)
            if not counts:
                continue
            posts = site_posts[domain] + batch_posts[domain]
            ignored = self.boilerplate(domain)
            learned = [
                k for k, n in counts.items() if k not in ignored and is_boilerplate(n, posts)
            ]
            if learned:
                self._mark(domain, learned)

    def _lookup(self, keys: set[int]) -> tuple[dict[int, list[tuple[int, int]]], set[int]]:
        """key -> [(site, post)] of the stored and pending index rows of ``keys``; and
        the keys of ``keys`` that have pending rows."""
        index: dict[int, list[tuple[int, int]]] = {}
        ordered = sorted(self._maybe_stored(keys))
        for found in self._lookup_rows(ordered):
            for key, d, other in found:
                listed = index.get(key)
                if listed is None:
                    index[key] = [(d, other)]
                else:
                    listed.append((d, other))
        pending, more = self._pending, self._pending_more
        held = pending.keys_in(keys)
        for key in held:
            first = pending.get(key)
            rows = [first, *more.get(key, ())] if first is not None else more.get(key, [])
            index.setdefault(key, []).extend((row >> POST_BITS, row & POST_MASK) for row in rows)
        return index, held

    # -- the stored keys in memory (SQLite) ------------------------------------

    def _check_stored(self) -> None:
        """Forget the stored keys read into memory if another connection committed since.

        ``PRAGMA data_version`` changes when another connection (a poller of
        another shard, a rematch) commits, never for this one's own commits:
        those may have written index rows not in memory. Within one write
        transaction (``BEGIN IMMEDIATE`` holds the write lock) no other connection
        can commit, so it is asked once per transaction, not at every feed.
        """
        current = self.engine.write_transaction
        if current and current == self._checked_in:
            return
        self._checked_in = current
        (version,) = self._run("PRAGMA data_version").fetchone()
        if version != self._data_version:
            self._data_version = version
            # every site's boilerplate as committed now, cached sites too (another
            # shard's poller may have learned keys of a site cached here): read again
            # from one read of the table (a site's own read would scan it as well)
            self._boiler_rows = None
            self._boiler.clear()
            self._stored = None
            self._unmerged = []
            self._unfiltered = 0
            self._filter_after = None

    def check_index_writer(self, writer: int | None = UNREAD) -> None:
        """PostgreSQL: forget the stored keys read into memory unless this connection's
        server process wrote ``text_keys`` last.

        ``writer`` is ``match_state.index_writer`` (migration 0014: the process id
        of the last session that inserted index rows, kept by a trigger), read
        under the upkeep lock at the start of the feed's matching (read here when
        :data:`UNREAD`): matching transactions take turns on that lock, so while it
        names this session, every row in ``text_keys`` was there when the keys
        were read or was written by this matcher since (:meth:`_written`). Once
        another session wrote rows, every key is looked up for the rest of the
        run: with several pollers the keys would be read again and again.
        """
        if self._stored is None:
            return  # none in memory (keys read later are read under the lock)
        if writer == UNREAD:
            (writer,) = self._run("SELECT index_writer FROM match_state").fetchone()
        if writer != self.engine.session_id:
            self._stored = None
            self._unmerged = []
            self._filter_after = 1 << 62

    def _maybe_stored(self, keys: set[int]) -> Iterable[int]:
        """The keys that may have rows in ``text_keys``: those among the stored keys in
        memory (SQLite), else all of them.

        A cold poll looks up about ten index keys of each new post and finds
        almost none (7,964 of 497,344 on 1,000 generated feeds): each such
        lookup reads the index for nothing. So the keys looked up are
        counted, and once they cost more than reading every stored key once
        (:data:`FILTER_AFTER` per fingerprinted post: at the first feed of a
        cold poll, whose index is empty), the stored keys are read into a set
        that index rows written later join; a store with more than
        :data:`STORED_KEYS` keys looks every key up. On PostgreSQL other
        pollers write rows too: the keys in memory are dropped whenever another
        session wrote index rows (:meth:`check_index_writer`).
        """
        stored = self._stored  # a local: a compiled build narrows it (not the attribute)
        if stored is None:
            self._unfiltered += len(keys)
            if self._filter_after is None:
                (posts,) = self._run("SELECT coalesce(sum(posts), 0) FROM site_texts").fetchone()
                self._filter_after = FILTER_AFTER * posts
            if self._unfiltered < self._filter_after:
                return keys
            stored = self._read_stored()
            if stored is None:
                return keys
        elif self._unmerged:
            stored = self._merge_written(stored)
            if stored is None:
                return keys
        return keys & stored

    def _read_stored(self) -> set[int] | None:
        """The keys of ``text_keys`` into memory (unless there are more than
        :data:`STORED_KEYS`: then never again for this matcher); the set kept."""
        self._filter_after = 1 << 62
        rows = self._run(f"SELECT DISTINCT key FROM text_keys LIMIT {STORED_KEYS + 1}")
        stored = {key for (key,) in rows}
        if len(stored) <= STORED_KEYS:
            self._stored = stored
        return self._stored

    def _written(self, keys: list[int]) -> None:
        """Index rows of ``keys`` were written: the stored keys in memory have them too,
        from the next lookup on (:meth:`_merge_written`: a run's last write, often its
        only one, is never merged)."""
        if self._stored is not None:
            self._unmerged.append(keys)

    def _merge_written(self, stored: set[int]) -> set[int] | None:
        """The stored keys in memory with the keys written since (None: too many, and
        looked up from now on)."""
        for keys in self._unmerged:
            stored.update(keys)
        self._unmerged = []
        if len(stored) > STORED_KEYS:
            self._stored = None
            return None
        return stored

    def _lookup_rows(self, ordered: list[int]) -> Iterator[Iterable[tuple[int, int, int]]]:
        """Cursors over the stored index rows of the sorted keys ``ordered``."""
        if not self._sqlite:
            drain_rows = self._drain_rows
            if drain_rows is not None:  # read at the drain's start (begin_drain)
                yield [(key, d, post) for key in ordered for d, post in drain_rows.get(key, ())]
                return
            yield self._run(self.engine.sql(TEXT_KEYS_LOOKUP), [ordered])  # a bigint[]
            return
        for start in range(0, len(ordered), KEYS_PER_LOOKUP):
            chunk = ordered[start : start + KEYS_PER_LOOKUP]
            size = LEAST_PER_LOOKUP
            while size < len(chunk):
                size <<= 1
            chunk += chunk[-1:] * (size - len(chunk))  # a repeated key is looked up once
            yield self._run(_LOOKUPS[size], chunk)

    def flush(self) -> None:
        """Write the pending index rows, in key order (inside the caller's transaction).

        Index rows of new posts wait in memory (and are searched from there)
        until :data:`PENDING_ROWS` gather: a B-tree insert dirties a page per
        random key, so one sorted write of many feeds' rows costs far fewer
        page writes than one per feed. Their fingerprints are stored at once
        and their posts listed in ``unindexed_spans`` (migrations 0009 and 0016)
        until then; a run killed before the flush leaves them to :meth:`_recover`,
        so nothing is lost.
        """
        self._write_pending()
        if self._pending_spans:
            self._run(
                f"DELETE FROM unindexed_spans WHERE first_post {self._id_in}",
                [json.dumps(self._pending_spans)],
            )
        self._pending_spans.clear()

    def _write_pending(self) -> None:
        """Write the pending index rows in key order and forget them."""
        if len(self._pending):
            flat = self._pending_in_key_order()
            if self._sqlite:  # (key, site << POST_BITS | post) pairs, split by the statement
                step = 2 * ROWS_PER_INSERT
                for start in range(0, len(flat), step):
                    pairs = flat[start : start + step]
                    count = len(pairs) // 2
                    self._run(
                        _INSERT_PACKED if count == ROWS_PER_INSERT else _insert_packed(count), pairs
                    )
                self._written(flat[0::2])
            else:
                keys, rows = flat[0::2], flat[1::2]
                values: list[int] = [0] * (3 * len(keys))
                values[0::3] = keys
                values[1::3] = map(rshift, rows, repeat(POST_BITS))
                values[2::3] = map(and_, rows, repeat(POST_MASK))
                self._write_rows(values)
        self._pending.clear()
        self._pending_more.clear()

    def _write_rows(self, values: list[int]) -> None:
        """Insert index rows given flat (key, site, post, key, site, post…)."""
        if not values:
            return
        if not self._sqlite:  # one statement of three arrays (bigint[], sent in binary)
            columns = [values[i::3] for i in range(3)]  # keys, sites, posts
            self._run(self.engine.sql(TEXT_KEYS_INSERT), columns)
            self._written(columns[0])
            drain_rows = self._drain_rows
            again = self._drain_again
            if drain_rows is not None and not again.isdisjoint(columns[0]):
                # the drain's next batches find them there (only keys they may look up)
                rows = zip(*columns, strict=True)
                for key, site, post in compress(rows, map(again.__contains__, columns[0])):
                    insort(drain_rows.setdefault(key, []), (site, post))
            return
        step = 3 * ROWS_PER_INSERT
        for start in range(0, len(values), step):
            chunk = values[start : start + step]
            sql = _INSERT_ROWS if len(chunk) == step else _insert_rows(len(chunk) // 3)
            self._run(sql, chunk)
        self._written(values[0::3])

    def _pending_in_key_order(self) -> list[int]:
        """The pending rows flat, ``[key, site << POST_BITS | post, key, ...]``, in key
        order (the rare further rows of a key last)."""
        flat = self._pending.sorted_flat()
        more = self._pending_more
        for key in sorted(more):
            for row in more[key]:
                flat += (key, row)
        return flat

    def _recover(self) -> None:
        """Index the fingerprints a killed run stored but never indexed (``unindexed_spans``)."""
        self._recovered = True
        rows = self._run(
            "SELECT f.post_id, f.domain_id, f.keys FROM unindexed_spans AS u"
            " JOIN fingerprints AS f ON f.post_id BETWEEN u.first_post AND u.last_post"
        ).fetchall()
        for post_id, domain_id, blob in rows:
            ignored = self.boilerplate(domain_id)
            keys = [k for k in indexed(keys_from_blob(blob)) if k not in ignored]
            self.engine.executemany(
                "INSERT OR IGNORE INTO text_keys (key, domain_id, post_id) VALUES (?, ?, ?)",
                [(k, domain_id, post_id) for k in keys],
            )
            self._written(keys)
        self._run("DELETE FROM unindexed_spans")

    def _count_sites(self, per_site: Counter[int]) -> dict[int, int]:
        """Add the batch's posts to ``site_texts``; each site's count before the batch."""
        counts = self._drain_sites
        if counts is not None and per_site.keys() <= counts.keys():  # a drain's (begin_drain)
            before = {domain: counts[domain] for domain in per_site}
            for domain, added in per_site.items():
                counts[domain] += added
                self._run(_COUNT_SITE, [domain, added])  # sent, not waited for
            return before
        before = {}
        for domain, added in per_site.items():
            (posts,) = self._run(_COUNT_SITE + " RETURNING posts", [domain, added]).fetchone()
            before[domain] = posts - added
        return before

    def _score(
        self,
        post: PostRef,
        keys: Iterable[int],
        level: int,
        shared: dict[int, set[int]],
        repeated: set[int] | None = None,
        crowded: set[int] | frozenset[int] = frozenset(),
    ) -> list[Match]:
        """Candidates (post id → shared index keys) scored; those at or above the threshold.

        ``keys`` in text order (see :func:`content_keys`). From level 1 on the
        index keys are the keys compared: a candidate shares at least
        :data:`MIN_SHARED` of them. At level 0 the index holds about half of
        the keys compared: two shared index keys make a candidate, and one
        does when either text is short (at most :data:`SHORT_TEXT_KEYS` keys
        of its own, ~100 words: a short excerpt may share a single index key
        with its original, two long texts that share so little are no copies)
        and the key is not ``crowded`` (on more than :data:`RARE_POSTS` posts:
        common phrasing, such as a credit line, is no sign of a copy).
        """
        least = MIN_SHARED if level >= INDEX_LEVEL else 2
        wanted = [other for other, found in shared.items() if len(found) >= least]
        weak: set[int] = set()  # candidates that count only if they are short
        if level < INDEX_LEVEL:
            weak = {
                other
                for other, found in shared.items()
                if len(found) == 1 and found.isdisjoint(crowded)
            }
            wanted += weak
        if not wanted:
            return []
        keys = list(keys)
        # the post's own content keys (and without ``repeated``) when first needed: most
        # candidates are left out before (same site, or too few keys in common)
        own = content_keys(keys, self.boilerplate(post.domain_id)) if weak else None
        if own is not None and len(own) <= SHORT_TEXT_KEYS:
            weak = set()
        own_repeated: list[int] | None = None
        found: list[tuple[int, int, float, tuple[int, ...]]] = []  # (post, site, score, shared)
        mine_at: dict[int, set[int]] = {}  # own keys at each compared level
        # In post id order (SQLite's order anyway; PostgreSQL's would vary),
        # sorted here rather than by an ORDER BY that steers PostgreSQL's plan.
        for other, d, _words, other_level, blob in sorted(
            self._fingerprint_rows(wanted), key=itemgetter(0)
        ):
            if d == post.domain_id or (other in weak and len(blob) > 8 * SHORT_BLOB_KEYS):
                continue
            top = max(level, other_level)
            mine = mine_at.get(top)
            if mine is None:
                if own is None:
                    own = content_keys(keys, self.boilerplate(post.domain_id))
                mine = mine_at[top] = _keys_at(own, top)
            if shared_count(blob, mine) < MIN_SHARED:
                continue  # common (below) is a subset: most candidates share a key or two
            their_keys = keys_from_blob(blob)
            if other in weak and _not_short(their_keys, other_level >= level, self.boilerplate(d)):
                continue
            theirs = _keys_at(content_keys(their_keys, self.boilerplate(d)), top)
            if other in weak and len(theirs) > SHORT_TEXT_KEYS:
                continue
            common = mine & theirs
            if len(common) < MIN_SHARED:
                continue
            score = _containment(common, mine, theirs)
            if repeated:
                if own_repeated is None:
                    own_repeated = content_keys(keys, self.boilerplate(post.domain_id) | repeated)
                alone = _keys_at(own_repeated, top)
                score = max(score, _containment(common & alone, alone, theirs))
            if score >= self.min_score:
                found.append((other, d, round(score, 3), tuple(common)))
        if not found:
            return []
        # the matches' URLs and times (few posts: most candidates are not copies)
        times = {
            other: (url, published, first_seen)
            for other, url, published, first_seen in self._run(
                f"SELECT id, url, published, first_seen FROM posts WHERE id {self._id_in}",
                [json.dumps([other for other, _d, _score, _shared in found])],
            )
        }
        matches = []
        for other, d, score, shared_keys in found:
            if other not in times:  # deleted since it was stored (`feeds remove` elsewhere)
                continue
            url, published, first_seen = times[other]
            matches.append(Match(PostRef(other, url, d, published, first_seen), score, shared_keys))
        return matches

    def _fingerprint_rows(self, post_ids: list[int]) -> list[tuple[int, int, int, int, bytes]]:
        """(post id, site, words, level, keys' blob) of stored fingerprints (those this
        matcher stored lately from memory: its rows as stored)."""
        recent = self._recent
        found = [recent[post] for post in post_ids if post in recent]
        if len(found) < len(post_ids):
            found += self._run(
                "SELECT post_id, domain_id, words, level, keys FROM fingerprints"
                f" WHERE post_id {self._id_in}",
                [json.dumps([post for post in post_ids if post not in recent])],
            ).fetchall()
        return found

    def _credits(self, post: PostRef, matches: list[Match]) -> Credits:
        """The declared edges of ``post`` and of the posts it shares text with."""
        orders = {post.url: post.order, **{m.post.url: m.post.order for m in matches}}
        declared = self._declared_of(list(orders))
        credits = Credits(orders, declared)
        outside = credits.outside()
        if not outside:
            return credits
        return Credits(orders, declared, self._declared_of(sorted(outside)))

    def _declared_of(self, urls: list[str]) -> list[tuple[str, str]]:
        """(repost, source) of the declared edges of the posts ``urls``."""
        return self._run(
            "SELECT repost_url, source_url FROM edges WHERE kind = 'declared'"
            f" AND repost_url {self.engine.sql(TEXT_IN).format(p='?')}",
            [json.dumps(urls)],
        ).fetchall()

    def _edges(
        self, post: PostRef, fp: Fingerprint, matches: list[Match]
    ) -> tuple[list[EdgeRecord], list[tuple[str, str]]]:
        adds: list[EdgeRecord] = []
        removes: list[tuple[str, str]] = []
        phrases = dict(zip(fp.keys, fp.phrases, strict=True))
        credits = self._credits(post, matches)
        first = credits.earliest_source(post, matches)
        if first is not None:
            adds.append(_edge(post.url, first, phrases))
        for match in matches:
            later = match.post.order > post.order
            explained = credits.explained(match.post.url)
            if not explained and (not later or credits.link(match.post.url, post.url)):
                continue
            current = self._run(
                "SELECT e.source_url, p.published, coalesce(p.first_seen, e.first_seen)"
                " FROM edges AS e LEFT JOIN posts AS p ON p.url = e.source_url"
                " WHERE e.repost_url = ? AND e.kind = 'inferred'",
                [match.post.url],
            ).fetchone()
            if explained:  # its credit explains its text now (this post made it so)
                if current is not None:
                    removes.append((match.post.url, current[0]))
                continue
            if current is not None:
                if order_key(current[1], current[2], current[0]) <= post.order:
                    continue
                removes.append((match.post.url, current[0]))
            adds.append(_edge(match.post.url, Match(post, match.score, match.shared), phrases))
        return adds, removes

    # -- rematch -----------------------------------------------------------

    def index_only(self, fingerprints: Iterable[tuple[int, int, bytes]]) -> None:
        """Put stored fingerprints' keys (post, site, keys) in the index (rematch, first pass).

        Every key, not only the index keys (:func:`indexed`): rematch learns
        every site's boilerplate from the whole index, with all its posts at
        once. Lookups read only the index keys, so the others are never read
        again; the next rematch starts from an empty index.
        """
        values: list[int] = []
        per_site: Counter[int] = Counter()
        for post_id, domain_id, blob in fingerprints:
            keys = list(dict.fromkeys(keys_from_blob(blob)))
            if not keys:
                continue
            per_site[domain_id] += 1
            for key in keys:
                values += (key, domain_id, post_id)
        self._count_sites(per_site)
        self._write_rows(values)

    def stored_matches(self, post: PostRef) -> list[Match]:
        """The stored posts (earlier and later) that a stored post shares text with."""
        row = self._run(
            "SELECT level, keys FROM fingerprints WHERE post_id = ?", [post.id]
        ).fetchone()
        if row is None:
            return []
        level, blob = row
        keys = keys_from_blob(blob)
        own = [k for k in dict.fromkeys(indexed(keys)) if k not in self.boilerplate(post.domain_id)]
        if not own:
            return []
        shared: dict[int, set[int]] = defaultdict(set)
        posts_with: Counter[int] = Counter()
        for key, d, other in self._run(
            f"SELECT key, domain_id, post_id FROM text_keys WHERE key {self._id_in}",
            [json.dumps(own)],
        ):
            posts_with[key] += 1
            if d != post.domain_id and key not in self.boilerplate(d):
                shared[other].add(key)
        crowded = {key for key, n in posts_with.items() if n > RARE_POSTS}
        return self._score(post, keys, level, shared, crowded=crowded)

    def earliest_match(self, post: PostRef) -> EdgeRecord | None:
        """The edge from a stored post to the earliest earlier post sharing its text (rematch)."""
        matches = self.stored_matches(post)
        if not matches:
            return None
        first = self._credits(post, matches).earliest_source(post, matches)
        if first is None:
            return None
        phrases = self.phrases([post.id, first.post.id])
        return _edge(post.url, first, phrases)

    def phrases(self, post_ids: list[int]) -> dict[int, str]:
        """key → phrase of the first :data:`EVIDENCE_PHRASES` keys of the stored posts
        ``post_ids`` (in post id order, then text order), those whose phrase is stored.

        The phrases of one post of a pair sharing text are stored, all of them (see
        :meth:`_store_fingerprints`; a database from before kept the first
        :data:`EVIDENCE_PHRASES` of every post): the pair's shared keys have a phrase.
        """
        rows = self._run(
            f"SELECT post_id, keys, phrases FROM fingerprints WHERE post_id {self._id_in}",
            [json.dumps(post_ids)],
        ).fetchall()
        rows = sorted(rows, key=itemgetter(0))  # post id order, as above
        known: dict[int, str] = {}
        for _, blob, text in rows:
            if text:
                known.update(zip(keys_from_blob(blob), text.split("\n"), strict=False))
        found: dict[int, str] = {}
        for _, blob, _text in rows:
            for key in keys_from_blob(blob)[:EVIDENCE_PHRASES]:
                if key in known and key not in found:
                    found[key] = known[key]
        return found


def indexed(keys: Iterable[int]) -> list[int]:
    """The keys that go into the index: those kept at :data:`INDEX_LEVEL` (in their order).

    Lookups and index rows cost per key, so the index holds a coarser sample
    than the one scored: a text's candidates are the posts sharing one of
    these keys with it, then :meth:`Matcher._score` compares the whole samples.

    >>> indexed([0x10000, 0x10008, 0x10010])
    [65536, 65552]
    """
    return [k for k in keys if not k & INDEX_MASK]


# low byte of a key (the selector's) → 1 when the key is an index key, or when it is not
_INDEXED = bytes(0 if b & INDEX_MASK else 1 for b in range(256))
_BELOW_INDEX = bytes(1 if b & INDEX_MASK else 0 for b in range(256))


def indexed_of(fp: Fingerprint) -> set[int]:
    """The distinct keys of :func:`indexed` of a fingerprint's keys, picked by the low
    byte of each key in its blob (little-endian: ``blob[::8]``), in C.

    >>> fp = Fingerprint(60, 0, (0x10000, 0x10008, 0x10010), ("a", "b", "c"))
    >>> indexed_of(fp) == set(indexed(fp.keys)), below_index_of(fp)
    (True, {65544})
    """
    return _picked(fp.blob, _INDEXED)


def below_index_of(fp: Fingerprint) -> set[int]:
    """The distinct keys of a fingerprint that :func:`indexed_of` leaves out."""
    return _picked(fp.blob, _BELOW_INDEX)


def _picked(blob: bytes, table: bytes) -> set[int]:
    """The distinct keys of a keys' blob whose low byte ``table`` maps to 1."""
    return set(compress(keys_from_blob(blob), blob[::8].translate(table)))


def index_keys_of(fp: Fingerprint) -> set[int]:
    """:func:`indexed_of`, from the fingerprint's blob (:func:`index_keys_in`).

    >>> sorted(index_keys_of(Fingerprint(60, 0, (0x10000, 0x10008, 0x10010), ("a", "b", "c"))))
    [65536, 65552]
    """
    return index_keys_in(fp.blob)


def index_keys_in(blob: bytes) -> set[int]:
    """The distinct index keys of a fingerprint's keys' blob (:func:`indexed_of`), in C
    when ``tracer._pairs`` is built (the keys are not decoded into a tuple)."""
    if _key_counts is not None:
        return _key_counts[0](blob, INDEX_MASK)
    return _picked(blob, _INDEXED)


def keys_on_posts(blobs: list[bytes]) -> dict[int, int]:
    """The keys below the index level (:func:`below_index_of`) on at least
    :data:`BOILERPLATE_MIN_POSTS` of the fingerprints (their keys' blobs), each with the
    number of them it is on: in C when ``tracer._pairs`` is built (no int is made for
    the others).

    In Python, the keys on that many posts are found by set operations (most keys are
    on one post only), then counted exactly: ``on_more[i]`` holds the keys seen on
    more than ``i`` posts so far.

    >>> a, b = Fingerprint(60, 0, (8, 16, 24), ("a", "b", "c")), Fingerprint(60, 0, (8,), ("a",))
    >>> keys_on_posts([a.blob, b.blob, a.blob]), keys_on_posts([a.blob, b.blob])
    ({8: 3}, {})
    """
    if _key_counts is not None:
        return _key_counts[1](blobs, INDEX_MASK, BOILERPLATE_MIN_POSTS)
    texts = [_picked(blob, _BELOW_INDEX) for blob in blobs]
    on_more: list[set[int]] = [set() for _ in range(BOILERPLATE_MIN_POSTS)]
    for keys in texts:
        for i in range(BOILERPLATE_MIN_POSTS - 1, 0, -1):
            on_more[i] |= on_more[i - 1] & keys
        on_more[0] |= keys
    return {k: sum(k in keys for keys in texts) for k in on_more[-1]}


def shared_count(blob: bytes, keys: set[int]) -> int:
    """How many of ``keys`` the stored keys ``blob`` hold (``len(keys &
    set(keys_from_blob(blob)))``): in C when ``tracer._pairs`` is built (the blob is not
    decoded into ints). :meth:`Matcher._score`'s first test of a candidate, which most
    fail.

    >>> shared_count(Fingerprint(60, 0, (8, 16, 8, 24), ("a",) * 4).blob, {8, 24, 32})
    2
    """
    if _shared_count is not None:
        return _shared_count(blob, keys)
    return len(keys.intersection(keys_from_blob(blob)))


def batch_keys(
    blobs: list[bytes], ignoreds: list[set[int]]
) -> tuple[list[tuple[int, ...]], set[int], set[int], int]:
    """A batch's index keys sorted out, from its posts' keys' blobs and the keys each post
    ignores (``ignoreds[i]``: its site's boilerplate): each post's distinct index keys
    (:func:`index_keys_in`) but those it ignores (its candidates, a tuple: their order
    counts nowhere), their union, the index keys on two or more posts (ignored or not),
    and the sum of the candidates' numbers. In one C call when ``tracer._pairs`` is built
    (the tuples in the blobs' order; here in their sets').

    >>> a, b = Fingerprint(60, 0, (16, 32, 8), ("a",) * 3), Fingerprint(60, 0, (16,), ("a",))
    >>> batch_keys([a.blob, b.blob], [{32}, set()])
    ([(16,), (16,)], {16}, {16}, 2)
    """
    if _batch_keys is not None:
        return _batch_keys(blobs, ignoreds, INDEX_MASK)
    candidates: list[tuple[int, ...]] = []
    wanted: set[int] = set()
    again: set[int] = set()
    seen: set[int] = set()
    for blob, ignored in zip(blobs, ignoreds, strict=True):
        keys = index_keys_in(blob)
        again |= seen & keys
        seen |= keys
        if not ignored.isdisjoint(keys):
            keys = keys - ignored
        candidates.append(tuple(keys))
        wanted |= keys
    return candidates, wanted, again, sum(map(len, candidates))


def touching(
    tuples: list[tuple[int, ...]], index: dict[int, list[tuple[int, int]]], repeats: set[int]
) -> bytes:
    """For each post's keys, 1 if one of them is a key of ``index`` or of ``repeats``, else
    0. In C when ``tracer._pairs`` is built, by their hashes: a key whose hash is one of
    theirs counts as one of them (so, rarely, a key of 61 bits or more that is not: a 1
    only sends the post the long way, :meth:`Matcher.add_posts`).

    >>> list(touching([(8, 16), (24,), ()], {16: []}, {32})), list(touching([(32,)], {}, {32}))
    ([1, 0, 0], [1])
    """
    if _touching is not None:
        return _touching(tuples, index, repeats)
    return bytes(
        not (index.keys().isdisjoint(keys) and repeats.isdisjoint(keys)) for keys in tuples
    )


class PendingRows:
    """The matcher's pending index rows (key -> ``site << POST_BITS | post``) in a dict:
    the Python twin of ``tracer._pairs.RowTable`` (C: the pairs inline in a hash table of
    64-bit slots, no int object kept per key or row), with its methods and results
    (:func:`pending_rows` gives one or the other).

    >>> rows, more = PendingRows(), {}
    >>> rows.put_batch(more, [(1, (8, 16)), (2, (8, 16, 24, 32))], {8, 16}, {32})
    >>> rows.sorted_flat(), more, rows.keys_in({8, 40}), len(rows)
    ([8, 1, 16, 1, 24, 2], {8: [2], 16: [2]}, {8}, 3)
    >>> rows.drop([8, 99]); rows.get(8), rows.get(16)
    (None, 1)
    """

    def __init__(self) -> None:
        self._rows: dict[int, int] = {}

    def __len__(self) -> int:
        return len(self._rows)

    def clear(self) -> None:
        self._rows.clear()

    def get(self, key: int, /) -> int | None:
        return self._rows.get(key)

    def keys_in(self, keys: set[int], /) -> set[int]:
        """The keys of ``keys`` that have a row."""
        return keys & self._rows.keys()

    def drop(self, keys: Iterable[int], /) -> None:
        """The rows of ``keys`` (those there are) leave."""
        for key in keys:
            self._rows.pop(key, None)

    def put_batch(
        self,
        more: dict[int, list[int]],
        new_rows: list[tuple[int, tuple[int, ...]]],
        held: set[int],
        everywhere: set[int],
        /,
    ) -> None:
        """A batch's new index rows ``(row, keys)`` (``keys``: distinct): every key but
        those in ``everywhere`` (ignored everywhere) gets ``row``; a key of ``held`` that
        has a row already keeps it, and a different ``row`` goes into ``more[key]``."""
        rows = self._rows
        for row, keys in new_rows:
            for key in keys:
                if key in everywhere:  # became stock or theme text in this batch
                    continue
                current = rows.get(key) if key in held else None
                if current is None:
                    rows[key] = row
                elif current != row:
                    more.setdefault(key, []).append(row)

    def sorted_flat(self) -> list[int]:
        """``[key, row, key, row, ...]`` in key order (as an INSERT of pairs binds them)."""
        rows = self._rows
        flat: list[int] = []
        for key in sorted(rows):
            flat += (key, rows[key])
        return flat


def pending_rows() -> _Rows:
    """Empty pending index rows: ``tracer._pairs.RowTable`` when built, else
    :class:`PendingRows`."""
    return PendingRows() if _row_table is None else _row_table()


def content_keys(keys: list[int], ignored: set[int]) -> list[int]:
    """A text's keys (in text order) without those that are not its own content.

    Ignored keys (boilerplate, stock text) are learned from the index, so
    only for index keys (:func:`indexed`). A key below the index level counts
    unless it is ignored itself or it lies inside a run of boilerplate: the
    index keys before and after it in the text are both ignored (a footer or
    a byline block). At either end of the text it counts.

    >>> content_keys([0x10000, 0x10008, 0x20000, 0x20008, 0x30000, 0x30008], {0x20000, 0x30000})
    [65536, 65544, 196616]
    """
    if ignored.isdisjoint(keys):  # most texts: nothing to leave out
        return list(keys)
    result: list[int] = []
    run: list[int] = []  # keys below the index level since the last index key
    before = False  # whether that index key is ignored
    for key in keys:
        if key & INDEX_MASK:
            if key not in ignored:
                run.append(key)
            continue
        after = key in ignored
        if not (before and after):
            result += run
        run = []
        if not after:
            result.append(key)
        before = after
    return result + run


def _not_short(keys: list[int], at_own_level: bool, ignored: set[int]) -> bool:
    """Whether a stored text's keys are surely more than a short text has: too many
    distinct keys, all of them its content (none ignored) at the compared level (its own).

    A cheap test before :func:`content_keys` (most stored texts are not short);
    False when unsure: the caller then counts exactly.

    >>> _not_short(list(range(0, 13 * 16, 16)), True, set()), _not_short([16] * 13, True, set())
    (True, False)
    """
    return (
        at_own_level
        and len(keys) > SHORT_TEXT_KEYS
        and len(set(keys)) > SHORT_TEXT_KEYS
        and ignored.isdisjoint(keys)
    )


def _columns(fps: list[Fingerprint]) -> list[tuple[int, int, bytes]]:
    """``fp.columns`` of each fingerprint (words, level, keys' blob), read in C: a
    Fingerprint is the tuple of its stored form (its property would run in the
    interpreter once per post).

    >>> fp = Fingerprint(60, 0, (16,), ("a",))
    >>> _columns([fp]) == [fp.columns], _columns([Fingerprint.packed(60, 0, b"", "", "")])
    (True, [(60, 0, b'')])
    """
    return list(map(_COLUMNS, fps))


_COLUMNS = itemgetter(0, 1, 2)


def _without(keys: tuple[int, ...], ignored: set[int]) -> tuple[int, ...]:
    """``keys`` but those in ``ignored``, in their order.

    >>> _without((16, 32, 48), {32})
    (16, 48)
    """
    return tuple([k for k in keys if k not in ignored])


def _keys_at(keys: list[int], level: int) -> set[int]:
    """``set(at_level(keys, level))``, compiled with this module (no call into
    :mod:`tracer.fingerprint`'s Python per text).

    >>> _keys_at([0x10000, 0x10008, 0x10010, 0x10000], 1) == {0x10000, 0x10010}
    True
    """
    mask = (BASE_MASK + 1 << level) - 1
    return {k for k in keys if not k & mask}


def _containment(common: set[int], mine: set[int], theirs: set[int]) -> float:
    smaller = min(len(mine), len(theirs))
    return len(common) / smaller if smaller and len(common) >= MIN_SHARED else 0.0


def _edge(repost_url: str, match: Match, phrases: dict[int, str]) -> EdgeRecord:
    return EdgeRecord(
        repost_url,
        match.post.url,
        PATTERN,
        _evidence(match.shared, phrases),
        match.post.url,
        kind="inferred",
        score=match.score,
    )


def _evidence(shared: Iterable[int], phrases: dict[int, str]) -> str:
    """Up to three shared shingles, in the text's order, joined by ' … '."""
    order = {key: i for i, key in enumerate(phrases)}
    known = sorted((k for k in shared if k in phrases), key=order.__getitem__)
    return " … ".join(phrases[k] for k in known[:3])[:200]
