"""Watches: follow the posts that reach an outlet, a domain or a URL, or a site's posts.

A watch on a **URL** matches the posts whose chain reaches that URL: exactly
the posts ``tracer reposts URL`` lists. A watch on a **domain** or an
**outlet** matches the posts whose chain reaches any URL of the domain(s)
(origin articles and the domain's own posts alike), except the posts that
are on the watched domain(s) themselves: a site citing its own articles is
not somebody reposting it. A watch on a **site** matches the site's own
posts that carry at least one edge.

Each match is marked with ``kind``: ``declared`` when a path of declared
edges leads to the target, else the kind of the first non-declared edge on
the shortest path (``inferred`` edges of issue 13, where they exist), and
``score`` = that edge's score (``None`` for a declared match). With
``declared_only`` inferred edges are left out, as in every query
(the declared layer of :mod:`tracer.reach`).

Matching is one breadth-first walk downstream over the ``(source_url,
repost_url)`` index of ``edges``, one query per level, started from every
URL of the watched domains (found through ``nodes (domain_id)``, migration
0007) — about 10,000 matches in tens of milliseconds on a 1.1 M-edge store.

State for ``tracer watch new`` lives in ``watch_seen``: the matches present
when the watch was added and every match printed since. A match not there
is new; a new match whose site has no row yet is that site's first.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from tracer.articles import article_for
from tracer.engine.queries import LOCK_WATCH
from tracer.exceptions import InvalidURL, TracerError
from tracer.graph import MAX_DEPTH, chains
from tracer.outlets import OutletError, OutletIndex, normalize_pattern
from tracer.reach import ALL, Layer
from tracer.reach import DECLARED as DECLARED_LAYER
from tracer.store import Store
from tracer.timeutil import format_time, utcnow
from tracer.urls import canonicalize, domain_of

__all__ = [
    "KINDS",
    "Match",
    "Watch",
    "WatchError",
    "add_watch",
    "feed_document",
    "list_watches",
    "match_watch",
    "new_matches",
    "remove_watch",
]

KINDS = ("outlet", "domain", "url", "site")
DECLARED = "declared"
_EPOCH = "1970-01-01T00:00:00Z"


class WatchError(TracerError):
    """A watch command that cannot be done (bad target, unknown id or outlet)."""


@dataclass(frozen=True)
class Watch:
    id: int
    kind: str
    target: str
    added_at: str

    @property
    def label(self) -> str:
        return f"{self.kind} {self.target}"


@dataclass
class Match:
    """A post matching a watch; ``chain`` runs from the post down to the origin."""

    url: str
    site: str
    kind: str
    depth: int
    via: str
    chain: list[str]
    title: str | None = None
    first_seen: str | None = None
    published: str | None = None
    score: float | None = None


# -- the watch list -------------------------------------------------------


def _normalize_target(store: Store, kind: str, target: str) -> str:
    if kind not in KINDS:
        raise WatchError(f"unknown watch kind {kind!r} (expected {', '.join(KINDS)})")
    try:
        if kind == "url":
            return canonicalize(target)
        if kind == "outlet":
            name = target.strip()
            row = store.execute("SELECT 1 FROM outlets WHERE name = ?", [name]).fetchone()
            if row is None:
                raise WatchError(f"unknown outlet {name!r} (see 'tracer outlets list')")
            return name
        return normalize_pattern(target)
    except (InvalidURL, OutletError) as exc:
        raise WatchError(str(exc)) from None


def _watch(row: Iterable[Any]) -> Watch:
    watch_id, kind, target, added_at = row
    return Watch(int(watch_id), kind, target, added_at)


def get_watches(store: Store, ids: Iterable[int] | None = None) -> list[Watch]:
    rows = store.execute(
        "SELECT id, kind, target, added_at FROM watches ORDER BY id"
    ).fetchall()
    watches = [_watch(r) for r in rows]
    if ids is None:
        return watches
    wanted = set(ids)
    unknown = wanted - {w.id for w in watches}
    if unknown:
        raise WatchError(f"unknown watch {', '.join(map(str, sorted(unknown)))}")
    return [w for w in watches if w.id in wanted]


def add_watch(store: Store, kind: str, target: str) -> tuple[Watch, int, bool]:
    """Add a watch; return (watch, matches it has already, created).

    The matches present now are recorded as seen, so ``watch new`` reports
    only what arrives later (``watch feed`` shows them all). Adding the same
    watch twice is a no-op.
    """
    target = _normalize_target(store, kind, target)
    row = store.execute(
        "SELECT id, kind, target, added_at FROM watches WHERE kind = ? AND target = ?",
        [kind, target],
    ).fetchone()
    if row is not None:
        return _watch(row), 0, False
    now = format_time(utcnow())
    with store.transaction():
        (watch_id,) = store.execute(
            "INSERT INTO watches (kind, target, added_at) VALUES (?, ?, ?) RETURNING id",
            [kind, target, now],
        ).fetchone()
        watch = Watch(int(watch_id), kind, target, now)
        found = match_watch(store, watch, chain_for=_none)
        store.executemany(
            "INSERT OR IGNORE INTO watch_seen (watch_id, url, site, reported_at)"
            " VALUES (?, ?, ?, ?)",
            [(watch.id, m.url, m.site, now) for m in found],
        )
    return watch, len(found), True


def remove_watch(store: Store, watch_id: int) -> Watch:
    [watch] = get_watches(store, [watch_id])
    with store.transaction():
        store.execute("DELETE FROM watches WHERE id = ?", [watch_id])
    return watch


def list_watches(store: Store) -> list[dict[str, Any]]:
    """Every watch: ``{"id", "kind", "target", "added_at", "reported", "sites"}``.

    ``reported``: matches already known to ``watch new`` (present when the
    watch was added, or printed since); ``sites``: their distinct sites.
    """
    counts = {
        watch_id: (n, sites)
        for watch_id, n, sites in store.execute(
            "SELECT watch_id, count(*), count(DISTINCT site) FROM watch_seen GROUP BY watch_id"
        )
    }
    return [
        {
            "id": w.id,
            "kind": w.kind,
            "target": w.target,
            "added_at": w.added_at,
            "reported": counts.get(w.id, (0, 0))[0],
            "sites": counts.get(w.id, (0, 0))[1],
        }
        for w in get_watches(store)
    ]


# -- matching -------------------------------------------------------------

def _layer(declared_only: bool) -> Layer:
    """The reach layer whose edges a watch follows (declared ones only, or all)."""
    return DECLARED_LAYER if declared_only else ALL


def _citers(store: Store, layer: Layer) -> str:
    return (
        "SELECT e.source_url, e.repost_url, e.kind, e.score FROM edges AS e"
        f" WHERE e.source_url {store.text_in('?')}{layer.kinds}"
    )


def _domain_ids(store: Store, patterns: Iterable[str]) -> list[int]:
    index = OutletIndex(dict.fromkeys(patterns, "x"))
    return [
        domain_id
        for domain_id, name in store.execute("SELECT id, name FROM domains")
        if index.outlet_of(name) is not None
    ]


def _patterns(store: Store, watch: Watch) -> list[str]:
    if watch.kind == "outlet":
        return [
            p
            for (p,) in store.execute(
                "SELECT pattern FROM outlet_domains AS d JOIN outlets AS o ON o.id = d.outlet_id"
                " WHERE o.name = ?",
                [watch.target],
            )
        ]
    return [watch.target]


def _urls_of_domains(
    store: Store, domain_ids: list[int], layer: Layer, citing_only: bool = False
) -> dict[str, bool]:
    """Every URL of the domains (either end of a layer's edge) → whether it cites something."""
    sql = f"SELECT url, cites FROM {layer.nodes} WHERE domain_id {store.int_in('?')}" + (
        " AND cites = 1" if citing_only else ""
    )
    return {url: bool(cites) for url, cites in store.execute(sql, [json.dumps(domain_ids)])}


@dataclass
class _Walk:
    """Shortest paths down from the seeds: post → (depth, via, kind of path), and the
    score of the edge that gave a path its kind."""

    declared: dict[str, tuple[int, str]]
    any_kind: dict[str, tuple[int, str, str]]
    score: dict[str, float | None]

    def step(self, url: str, kind: str) -> str:
        return self.declared[url][1] if kind == DECLARED else self.any_kind[url][1]


def _walk_down(
    store: Store, seeds: Iterable[str], layer: Layer = ALL, max_depth: int = MAX_DEPTH
) -> _Walk:
    """Breadth-first downstream over the layer's edges and, alongside, over declared edges."""
    citers = _citers(store, layer)
    front_d = set(seeds)
    front_a = set(front_d)
    seen_d, seen_a = set(front_d), set(front_a)
    declared: dict[str, tuple[int, str]] = {}
    any_kind: dict[str, tuple[int, str, str]] = {}
    path_kind: dict[str, str] = dict.fromkeys(front_a, DECLARED)
    path_score: dict[str, float | None] = dict.fromkeys(front_a)
    depth = 0
    while (front_d or front_a) and depth < max_depth:
        depth += 1
        rows = store.execute(citers, [json.dumps(sorted(front_d | front_a))]).fetchall()
        rows.sort(key=lambda row: (row[1], row[0]))
        next_d: set[str] = set()
        next_a: set[str] = set()
        for source, repost, kind, score in rows:
            if source in front_a and repost not in seen_a:
                seen_a.add(repost)
                via_kind = path_kind[source]
                path_kind[repost] = via_kind if via_kind != DECLARED else kind
                path_score[repost] = path_score[source] if via_kind != DECLARED else score
                any_kind[repost] = (depth, source, path_kind[repost])
                next_a.add(repost)
            if kind == DECLARED and source in front_d and repost not in seen_d:
                seen_d.add(repost)
                declared[repost] = (depth, source)
                next_d.add(repost)
        front_d, front_a = next_d, next_a
    return _Walk(declared, any_kind, path_score)


class _ChainTails:
    """The chain from a seed URL down to its origin (cached): [] for an origin."""

    def __init__(self, store: Store, declared_only: bool = False) -> None:
        self.store = store
        self.declared_only = declared_only
        self.cache: dict[str, list[str]] = {}

    def __call__(self, url: str) -> list[str]:
        if url not in self.cache:
            found = chains(self.store, url, declared_only=self.declared_only)
            self.cache[url] = [hop["url"] for hop in found[0][1:]] if found else []
        return self.cache[url]


ChainFilter = Callable[[str], bool]


def _all(_url: str) -> bool:
    return True


def _none(_url: str) -> bool:
    return False


def match_watch(
    store: Store, watch: Watch, *, chain_for: ChainFilter = _all, declared_only: bool = False
) -> list[Match]:
    """Every post matching ``watch``, oldest first (by first seen, then URL).

    ``chain`` (down to the origin) is computed for the posts ``chain_for``
    accepts; the others get ``[post, via]``. ``declared_only``: through
    declared edges only.
    """
    found, chain_of = _matches(store, watch, declared_only=declared_only)
    for match in found:
        if chain_for(match.url):
            match.chain = chain_of(match)
    return found


Chainer = Callable[[Match], list[str]]


def _matches(
    store: Store, watch: Watch, *, with_posts: bool = True, declared_only: bool = False
) -> tuple[list[Match], Chainer]:
    """The matches (``chain`` = ``[post, via]``) and a function giving a match's full chain.

    ``with_posts``: fill title and dates from ``posts`` and sort oldest first
    (else the caller does it with :func:`_with_posts` on the matches it keeps).
    """
    match = _match_site if watch.kind == "site" else _match_walk
    found, chain_of = match(store, watch, declared_only)
    return (_with_posts(store, found) if with_posts else found), chain_of


def _match_walk(
    store: Store, watch: Watch, declared_only: bool
) -> tuple[list[Match], Chainer]:
    """A url, domain or outlet watch: the posts downstream of the target's URLs."""
    target = watch.target
    layer = _layer(declared_only)
    if watch.kind == "url":
        target = article_for(store, target)  # a spelling `tracer resolve` merged into an article
        row = store.execute(
            f"SELECT EXISTS (SELECT 1 FROM edges AS e WHERE e.repost_url = ?{layer.kinds})",
            [target],
        ).fetchone()
        seeds = {target: bool(row[0])}
        excluded_sites: set[str] = set()
    else:
        domain_ids = _domain_ids(store, _patterns(store, watch))
        seeds = _urls_of_domains(store, domain_ids, layer)
        names = dict(store.execute("SELECT id, name FROM domains"))
        excluded_sites = {names[i] for i in domain_ids}
    walk = _walk_down(store, seeds, layer)
    tails = _ChainTails(store, declared_only)
    found: list[Match] = []
    for url, (depth, via, path_kind) in walk.any_kind.items():
        site = domain_of(url)
        if site in excluded_sites or url == target:
            continue
        kind = DECLARED if url in walk.declared else path_kind
        if kind == DECLARED:
            depth, via = walk.declared[url]
        score = None if kind == DECLARED else walk.score[url]
        found.append(Match(url, site, kind, depth, via, [url, via], score=score))

    def chain_of(match: Match) -> list[str]:
        chain = [match.url]
        node = match.url
        for _ in range(match.depth):
            node = walk.step(node, match.kind)
            chain.append(node)
        if seeds.get(node):
            chain += tails(node)
        return chain

    return found, chain_of


def _match_site(
    store: Store, watch: Watch, declared_only: bool
) -> tuple[list[Match], Chainer]:
    layer = _layer(declared_only)
    domain_ids = _domain_ids(store, [watch.target])
    urls = _urls_of_domains(store, domain_ids, layer, citing_only=True)
    rows = store.execute(
        "SELECT e.repost_url, e.source_url, e.kind, e.score FROM edges AS e"
        f" WHERE e.repost_url {store.text_in('?')}{layer.kinds}"
        " ORDER BY e.repost_url, e.kind <> 'declared', e.source_url",
        [json.dumps(list(urls))],
    ).fetchall()
    found: dict[str, Match] = {}
    for url, source, kind, score in rows:
        if url not in found:
            score = None if kind == DECLARED else score
            found[url] = Match(url, domain_of(url), kind, 1, source, [url, source], score=score)
    tails = _ChainTails(store, declared_only)

    def chain_of(match: Match) -> list[str]:
        return [match.url, *tails(match.url)]

    return list(found.values()), chain_of


def _with_posts(store: Store, found: list[Match]) -> list[Match]:
    """Fill title, first_seen and published from ``posts``; sort oldest first."""
    info = {
        url: (title, first_seen, published)
        for url, title, first_seen, published in store.execute(
            "SELECT url, title, first_seen, published FROM posts"
            f" WHERE url {store.text_in('?')}",
            [json.dumps([m.url for m in found])],
        )
    }
    for match in found:
        match.title, match.first_seen, match.published = info.get(match.url, (None, None, None))
    found.sort(key=lambda m: (m.first_seen or _EPOCH, m.url))
    return found


def _as_dict(watch: Watch, match: Match, new_site: bool | None = None) -> dict[str, Any]:
    row: dict[str, Any] = {
        "watch": watch.id,
        "watch_kind": watch.kind,
        "watch_target": watch.target,
        "url": match.url,
        "title": match.title,
        "site": match.site,
        "first_seen": match.first_seen,
        "published": match.published,
        "kind": match.kind,
        "score": match.score,
        "depth": match.depth,
        "via": match.via,
        "chain": match.chain,
        "origin": match.chain[-1] if len(match.chain) > 1 else None,
    }
    if new_site is not None:
        row["new_site"] = new_site
    return row


# -- watch new ------------------------------------------------------------


def new_matches(
    store: Store, ids: Iterable[int] | None = None, *, declared_only: bool = False
) -> list[dict[str, Any]]:
    """The matches no earlier ``watch new`` reported (nor present at ``watch add``).

    ``declared_only``: only the matches reached through declared edges are
    reported (and remembered); the others stay new for a later run without it.

    They are recorded as reported in the same call. The watch's state is read
    again inside the write transaction (which holds the database's write
    lock on SQLite, the watch's row on PostgreSQL), so two runs at the same time
    never report one match twice.
    ``new_site`` is true when the watch had never matched a post of that site
    before.
    """
    now = format_time(utcnow())
    result: list[dict[str, Any]] = []
    for watch in get_watches(store, ids):
        found, chain_of = _matches(store, watch, with_posts=False, declared_only=declared_only)
        if not _unseen(store, watch, found):  # the common case, without the write lock
            continue
        with store.transaction():
            # hold the watch: two runs at once never report one match twice
            store.execute(store.engine.sql(LOCK_WATCH), {"id": watch.id})
            fresh = _with_posts(store, _unseen(store, watch, found))
            known_sites = {
                site
                for (site,) in store.execute(
                    "SELECT DISTINCT site FROM watch_seen WHERE watch_id = ?", [watch.id]
                )
            }
            store.executemany(
                "INSERT INTO watch_seen (watch_id, url, site, reported_at) VALUES (?, ?, ?, ?)",
                [(watch.id, m.url, m.site, now) for m in fresh],
            )
        for match in fresh:
            match.chain = chain_of(match)
            result.append(_as_dict(watch, match, match.site not in known_sites))
    return result


def _unseen(store: Store, watch: Watch, found: list[Match]) -> list[Match]:
    seen = {
        url
        for (url,) in store.execute(
            "SELECT url FROM watch_seen WHERE watch_id = ?", [watch.id]
        )
    }
    return [m for m in found if m.url not in seen]


# -- watch feed -----------------------------------------------------------


def feed_entries(
    store: Store,
    limit: int | None = None,
    ids: Iterable[int] | None = None,
    *,
    declared_only: bool = False,
) -> list[dict[str, Any]]:
    """The newest matching posts (one per post, newest first, then by URL).

    Each: the post's fields and chain (from the first watch it matched, by
    id) and ``watches``: the labels of every watch it matches.
    """
    matched = [
        (watch, *_matches(store, watch, declared_only=declared_only))
        for watch in get_watches(store, ids)
    ]
    newest: dict[str, str] = {}  # url -> first_seen, over every watch
    for _watch, found, _chain_of in matched:
        for match in found:
            newest[match.url] = match.first_seen or _EPOCH
    ordered = sorted(newest)  # by URL, then (stable) newest first
    ordered.sort(key=newest.__getitem__, reverse=True)
    if limit is not None:
        ordered = ordered[:limit]
    chosen = set(ordered)
    by_url: dict[str, dict[str, Any]] = {}
    for watch, found, chain_of in matched:
        for match in found:
            if match.url not in chosen:
                continue
            entry = by_url.get(match.url)
            if entry is None:
                match.chain = chain_of(match)
                by_url[match.url] = {**_as_dict(watch, match), "watches": [watch.label]}
            else:
                entry["watches"].append(watch.label)
    return [by_url[url] for url in ordered]


def _summary(entry: dict[str, Any]) -> str:
    chain = " → ".join(entry["chain"])
    origin = f" Origin: {entry['origin']}." if entry["origin"] else ""
    kind = ""
    if entry["kind"] != DECLARED:
        score = "" if entry["score"] is None else f", score {entry['score']:.2f}"
        kind = f" (through {entry['kind']} edges{score})"
    return (
        f"Site: {entry['site']}. Watch: {'; '.join(entry['watches'])}{kind}."
        f" Chain: {chain}.{origin}"
    )


def feed_document(
    store: Store,
    limit: int | None = 50,
    ids: Iterable[int] | None = None,
    *,
    declared_only: bool = False,
) -> bytes:
    """The Atom feed of the newest matches: the same database gives the same bytes.

    The feed's ``updated`` is its newest entry's (else the newest watch's
    ``added_at``, else 1970), never the clock.
    """
    from tracer.atom import AtomEntry, AtomFeed, atom_document  # lxml: only for the feed

    id_list = None if ids is None else sorted(set(ids))
    watches = get_watches(store, id_list)
    entries = feed_entries(store, limit, id_list, declared_only=declared_only)
    updated = entries[0]["first_seen"] if entries else None
    if updated is None:
        updated = max((w.added_at for w in watches), default=_EPOCH)
    suffix = "" if id_list is None else ":" + ",".join(map(str, id_list))
    feed = AtomFeed(
        id=f"urn:tracer:watches{suffix}",
        title="tracer watches" + (f" {', '.join(w.label for w in watches)}" if suffix else ""),
        updated=updated,
        subtitle="Posts whose chain reaches a watched outlet, domain or URL, or a watched"
        " site's attributed posts, newest first.",
    )
    atom_entries = [
        AtomEntry(
            id=e["url"],
            title=e["title"] or e["url"],
            updated=e["first_seen"] or _EPOCH,
            link=e["url"],
            summary=_summary(e),
            related=e["origin"],
            related_title="origin" if e["origin"] else None,
        )
        for e in entries
    ]
    return atom_document(feed, atom_entries)
