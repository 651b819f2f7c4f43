"""Questions asked of the edge graph: chains upstream, reposts downstream, origins, sites, stats.

An edge points from a repost to the source it cites (``repost_url → source_url``).
Walking *upstream* follows edges (where did this come from?); walking
*downstream* follows them backwards (who republished this?). ``chains`` and
``reposts`` are indexed SQL walks over the two indexes on ``edges``
(``UNIQUE (repost_url, source_url)`` and ``edges_source_repost``); ``origins``
and ``sites`` aggregate the ``reach`` table (origin domain × reaching post)
that :meth:`Store.apply` maintains as edges arrive (:mod:`tracer.reach`).
No walk visits a node twice, so cycles terminate.

An **origin** is the end of a chain: a node that is cited by some post and
cites nothing itself. A source that is a polled post with its own source is an
intermediary, not an origin. A post whose every chain runs into a cycle
(A cites B, B cites A, nothing else) reaches no origin and is counted for none.

Domains group URLs the way :func:`tracer.urls.domain_of` does (lower-cased
host, ``www.`` folded into the bare host; other subdomains kept). Aggregate
queries group by the ``scheme://host`` start of each URL and call
:func:`tracer.urls.domain_of_prefix` once per distinct start.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from collections.abc import Callable
from functools import lru_cache, partial
from typing import Any

from tracer.articles import article_info, published_of
from tracer.engine.queries import DOWNSTREAM, UPSTREAM_WALK
from tracer.engine.queries import SEP as _SEP
from tracer.reach import ALL, DECLARED
from tracer.store import Store
from tracer.timeutil import parse_time
from tracer.urls import domain_of, domain_of_prefix

__all__ = [
    "MAX_DEPTH",
    "chains",
    "known_url",
    "lag_seconds",
    "origins",
    "prefix_sql",
    "reposts",
    "sites",
    "stats",
    "with_ints",
]

MAX_DEPTH = 64
MAX_PATHS = 1000
TOP_ORIGINS = 5



def lag_seconds(source_published: str | None, repost_published: str | None) -> int | None:
    """Seconds from the source's publication to the repost's; None unless both are known.

    >>> lag_seconds("2019-03-23T10:00:00Z", "2019-03-23T12:30:00Z")
    9000
    >>> lag_seconds(None, "2019-03-23T12:30:00Z") is None
    True
    """
    if not source_published or not repost_published:
        return None
    try:
        delta = parse_time(repost_published) - parse_time(source_published)
    except ValueError:
        return None
    return int(delta.total_seconds())


@lru_cache(maxsize=64)
def _with_ints(sql: str, values: tuple[tuple[str, int], ...]) -> str:
    for name, value in values:
        sql = re.sub(rf":{name}\b", str(int(value)), sql)
    return sql


def with_ints(sql: str, **values: int) -> str:
    """``sql`` with its ``:name`` placeholders for ``values`` replaced by integer literals.

    The walks' flags and limits are written into the statement instead of
    being sent as parameters: PostgreSQL then plans each variant once (a
    prepared statement's generic plan) instead of planning every call again
    to fold a parameter (measured: 0.17 ms a `reposts` instead of 0.47 ms).

    >>> with_ints("SELECT :url WHERE :d = 0 AND x < :depth_max", d=1, depth_max=64)
    'SELECT :url WHERE 1 = 0 AND x < 64'
    """
    return _with_ints(sql, tuple(sorted(values.items())))


def known_url(store: Store, url: str) -> bool:
    """True if ``url`` is a post we stored or either end of an edge."""
    row = store.execute(
        "SELECT EXISTS(SELECT 1 FROM posts WHERE url = :u)"
        " OR EXISTS(SELECT 1 FROM edges WHERE repost_url = :u)"
        " OR EXISTS(SELECT 1 FROM edges WHERE source_url = :u)",
        {"u": url},
    ).fetchone()
    return bool(row[0])


# -- upstream -------------------------------------------------------------


def chains(
    store: Store, url: str, max_depth: int = MAX_DEPTH, *, declared_only: bool = False
) -> list[list[dict[str, Any]]]:
    """Every maximal upstream path from ``url``: ``[[post, source, source-of-source…], …]``.

    Each hop is ``{"url", "domain", "pattern", "evidence", "kind", "score",
    "title", "published", "cycle_to"}``; ``kind`` and ``score`` are those of
    the edge that leads to the hop (``declared``, or ``inferred`` with its
    score); the first element is the post itself (pattern and kind None). A
    path that would revisit a node stops there and names the node in
    ``cycle_to``. ``declared_only`` follows declared edges only.
    """
    walk = with_ints(
        store.engine.sql(UPSTREAM_WALK),
        max_depth=max_depth,
        max_rows=MAX_PATHS * 8,
        declared_only=int(declared_only),
    )
    rows = store.execute(walk, {"url": url}).fetchall()
    extended = {row[2].rsplit(_SEP, 2)[0] + _SEP for row in rows if row[1] > 0}
    ends = [row for row in rows if row[2] not in extended]
    info = _node_info(rows)
    result = []
    for _node, _depth, _path, hops_json, cycle_to, *_known in ends[:MAX_PATHS]:
        chain = [_hop(url, None, None, info)]
        for source_url, pattern, evidence, kind, score in json.loads(hops_json):
            chain.append(_hop(source_url, pattern, evidence, info, kind, score))
        chain[-1]["cycle_to"] = cycle_to
        result.append(chain)
    result.sort(key=lambda c: [hop["url"] for hop in c])
    return result


_PAGE_KEYS = ("outcome", "title", "published", "published_from", "site_name", "language")


def _node_info(rows: list[Any]) -> dict[str, dict[str, Any]]:
    """``node -> {"url", "title", "published"[, "page"]}`` from the walk's rows: the
    stored post's title and date, and (issue 14) what its best resolved page said."""
    info: dict[str, dict[str, Any]] = {}
    for node, _d, _p, _h, _c, is_post, title, published, *page in rows:
        if node in info or (not is_post and page[0] is None):
            continue
        info[node] = {"url": node, "title": title, "published": published}
        if page[0] is not None:
            info[node]["page"] = dict(zip(_PAGE_KEYS, page, strict=True))
    return info


def _hop(
    url: str,
    pattern: str | None,
    evidence: str | None,
    info: dict[str, dict[str, Any]],
    kind: str | None = None,
    score: float | None = None,
) -> dict[str, Any]:
    post = info.get(url, {})
    page = post.get("page")
    published, published_source = published_of(post.get("published"), page)
    return {
        "url": url,
        "domain": domain_of(url),
        "pattern": pattern,
        "evidence": evidence,
        "kind": kind,
        "score": score,
        "title": post.get("title") or (page or {}).get("title"),
        "published": published,
        "published_source": published_source,
        "status": page["outcome"] if page else None,
        "cycle_to": None,
    }


# -- downstream -----------------------------------------------------------

_Edge = tuple[str, str, str, str, float | None]  # source, repost, first_seen, kind, score

_CITERS_ONE = (
    "SELECT source_url, repost_url, first_seen, kind, score FROM edges WHERE source_url = ?"
    " {kinds}"
)
_CITERS_MANY = (
    "SELECT source_url, repost_url, first_seen, kind, score FROM edges"
    " WHERE source_url {urls} {kinds}"
)
_REPOST_INFO = (
    "SELECT p.url, p.published, p.first_seen, f.url FROM posts AS p"
    " LEFT JOIN feeds AS f ON f.id = p.feed_id"
    " WHERE p.url {urls}"
)


def _citing_query(store: Store, declared_only: bool) -> Callable[[list[str]], list[_Edge]]:
    """The edges citing a frontier, one indexed query (SQLite: no round trip to save)."""
    kinds = "AND kind = 'declared'" if declared_only else ""
    one = _CITERS_ONE.format(kinds=kinds)
    many = _CITERS_MANY.format(kinds=kinds, urls=store.text_in("?"))

    def level_of(frontier: list[str]) -> list[_Edge]:
        if len(frontier) == 1:
            return store.execute(one, frontier).fetchall()
        return store.execute(many, [json.dumps(frontier)]).fetchall()

    return level_of


def _citing(citers: dict[str, list[_Edge]], frontier: list[str]) -> list[_Edge]:
    """The edges citing a frontier, from those :func:`_downstream` read."""
    return [edge for source in frontier for edge in citers.get(source, ())]


def _downstream(
    store: Store, url: str, direct: bool, max_depth: int, declared_only: bool
) -> tuple[
    dict[str, list[_Edge]],
    dict[str, tuple[str | None, str | None, str | None]],
    dict[str, dict[str, Any]],
]:
    """What a walk downstream from ``url`` reads, in one statement (:data:`DOWNSTREAM`):
    the edges citing each node by source, posts (published, first_seen, feed URL) and
    best pages by URL."""
    walk = with_ints(
        store.engine.sql(DOWNSTREAM),
        deep=int(not direct and max_depth > 1),
        declared_only=int(declared_only),
    )
    citers: dict[str, list[_Edge]] = defaultdict(list)
    info: dict[str, tuple[str | None, str | None, str | None]] = {}
    pages: dict[str, dict[str, Any]] = {}
    for tag, a, b, c, d, e, f, g, score in store.execute(walk, {"url": url}).fetchall():
        if tag == "e":
            citers[a].append((a, b, c, d, score))
        elif tag == "p":
            info[a] = (b, c, d)
        else:
            pages[a] = dict(zip(_PAGE_KEYS, (b, c, d, e, f, g), strict=True))
    return citers, info, pages


def reposts(
    store: Store,
    url: str,
    *,
    direct: bool = False,
    max_depth: int = MAX_DEPTH,
    declared_only: bool = False,
) -> list[dict[str, Any]]:
    """Every post whose provenance reaches ``url``, nearest first.

    A breadth-first walk downstream, one indexed query per level (on
    PostgreSQL, every edge it can need read at once: one round trip); each post
    is reported once, at its smallest ``depth`` (1 = cites ``url`` itself).
    ``via`` is the URL the post cites on that shortest path (``url`` itself
    for direct reposts; the alphabetically first one on a tie) and
    ``lag_seconds`` the time from ``via``'s publication to the post's, when
    both are known. ``url`` itself is never in the result, even in a cycle.
    ``kind`` and ``score`` are those of the edge from the post to ``via``;
    ``declared_only`` follows declared edges only.
    """
    info: dict[str, tuple[str | None, str | None, str | None]] | None = None
    pages: dict[str, dict[str, Any]] = {}
    level_of: Callable[[list[str]], list[_Edge]]
    if store.engine.name in DOWNSTREAM:  # a server: everything in one round trip
        citers, info, pages = _downstream(store, url, direct, max_depth, declared_only)
        level_of = partial(_citing, citers)
    else:  # in-process: one indexed query per level reads only what the walk needs
        level_of = _citing_query(store, declared_only)
    limit = 1 if direct else max_depth
    found: dict[str, tuple[int, str, str, str, float | None]] = {}  # repost -> edge on the path
    seen = {url}
    frontier = [url]
    depth = 0
    while frontier and depth < limit:
        depth += 1
        level = sorted(level_of(frontier), key=lambda edge: (edge[1], edge[0]))
        frontier = []
        for source, repost, cited_at, kind, score in level:
            if repost in seen:
                continue
            seen.add(repost)
            found[repost] = (depth, source, cited_at, kind, score)
            frontier.append(repost)
    if not found:
        return []
    if info is None:
        wanted = set(found) | {edge[1] for edge in found.values()}
        info_sql = _REPOST_INFO.format(urls=store.text_in("?"))
        info = {row[0]: row[1:] for row in store.execute(info_sql, [json.dumps(list(wanted))])}
        pages = article_info(store, {edge[1] for edge in found.values()} - info.keys())
    result = []
    for repost, (depth, via, edge_seen, kind, score) in found.items():
        published, first_seen, feed_url = info.get(repost, (None, None, None))
        page = None if via in info else pages.get(via)  # a page only for a via with no post
        via_published, via_source = published_of(info.get(via, (None,))[0], page)
        result.append(
            {
                "url": repost,
                "depth": depth,
                "via": via,
                "domain": domain_of(repost),
                "feed_url": feed_url,
                "first_seen": first_seen or edge_seen,
                "published": published,
                "via_published": via_published,
                "via_published_source": via_source,
                "lag_seconds": lag_seconds(via_published, published),
                "kind": kind,
                "score": score,
            }
        )
    result.sort(key=lambda row: (row["depth"], row["url"]))
    return result


# -- aggregates -----------------------------------------------------------


def prefix_sql(column: str) -> str:
    """SQL for the ``scheme://authority`` start of a canonical URL column.

    Cheap (three string functions): aggregate queries group by it in SQL and
    call :func:`domain_of_prefix` once per distinct value.

    >>> import sqlite3
    >>> sql = f"SELECT {prefix_sql('u')} FROM (SELECT ? AS u)"
    >>> sqlite3.connect(":memory:").execute(sql, ["http://www.rt.com/news/"]).fetchone()
    ('http://www.rt.com',)
    """
    return f"substr({column}, 1, instr(substr({column}, 9) || '/', '/') + 7)"


def origins(
    store: Store, limit: int | None = None, *, declared_only: bool = False
) -> list[dict[str, Any]]:
    """One row per origin domain, by reach: ``{"domain", "reposts", "direct", "sites",
    "articles"}``.

    ``reposts``: distinct posts whose chain reaches an origin URL of the
    domain (directly or through intermediaries); ``direct``: those citing
    such a URL themselves; ``sites``: distinct domains of those posts;
    ``articles``: distinct origin URLs of the domain. Sorted by reposts,
    then direct, articles, and domain name.

    Aggregates the ``reach`` table that :meth:`Store.apply` keeps up to date
    (one row per origin domain and reaching post), so no walk happens here;
    :func:`reach` is the same answer computed by walking the edges.
    ``declared_only`` reads the declared layer (``declared_reach``,
    ``declared_nodes``): the answer as if no inferred edge existed.
    """
    layer = DECLARED if declared_only else ALL
    names = dict(store.execute("SELECT id, name FROM domains"))
    counts = {
        domain_id: (reposts, direct, sites)
        for domain_id, reposts, direct, sites in store.execute(
            "SELECT domain_id, count(*), sum(direct), count(DISTINCT site_id)"
            f" FROM {layer.reach} GROUP BY domain_id"
        )
    }
    rows = []
    for domain_id, articles in store.execute(
        f"SELECT domain_id, count(*) FROM {layer.nodes} WHERE cites = 0 GROUP BY domain_id"
    ):
        reposts, direct, site_count = counts.get(domain_id, (0, 0, 0))
        rows.append(
            {
                "domain": names[domain_id],
                "reposts": reposts,
                "direct": direct,
                "sites": site_count,
                "articles": articles,
            }
        )
    rows.sort(key=lambda r: (-r["reposts"], -r["direct"], -r["articles"], r["domain"]))
    return rows[:limit] if limit is not None else rows


def sites(
    store: Store, top: int = TOP_ORIGINS, *, declared_only: bool = False
) -> list[dict[str, Any]]:
    """Per reposting domain: ``{"domain", "posts", "edges", "attributed", "copied",
    "share", "top_origins": [{"domain", "reposts"}, …]}``, most posts first.

    ``posts`` counts stored posts of the domain; ``attributed`` those that say
    where they come from (at least one declared edge), ``copied`` those that
    share text with an earlier post and credit nothing (an inferred edge, no
    declared one; 0 with ``declared_only``); ``share`` = attributed / posts;
    ``edges`` the edges whose repost is on the domain; ``top_origins`` the
    origin domains its posts reach most (directly or through intermediaries;
    from the ``reach`` table). ``declared_only`` counts declared edges only.
    """
    layer = DECLARED if declared_only else ALL
    kinds = " AND e.kind = 'declared'" if declared_only else ""
    rows: dict[str, dict[str, Any]] = {}

    def row(domain: str) -> dict[str, Any]:
        return rows.setdefault(
            domain,
            {
                "domain": domain,
                "posts": 0,
                "edges": 0,
                "attributed": 0,
                "copied": 0,
                "share": 0.0,
            },
        )

    edge_of_kind = "EXISTS (SELECT 1 FROM edges AS e WHERE e.repost_url = p.url AND e.kind = '{}')"
    declared, inferred = edge_of_kind.format("declared"), edge_of_kind.format("inferred")
    copied = "0" if declared_only else f"CASE WHEN {inferred} AND NOT {declared} THEN 1 ELSE 0 END"
    for host, posts, attributed, copies in store.execute(
        f"SELECT {prefix_sql('p.url')} AS h, count(*),"
        f" sum(CASE WHEN {declared} THEN 1 ELSE 0 END), sum({copied})"
        " FROM posts AS p GROUP BY h"
    ):
        r = row(domain_of_prefix(host))
        r["posts"] += posts
        r["attributed"] += attributed
        r["copied"] += copies
    for host, edges in store.execute(
        f"SELECT {prefix_sql('e.repost_url')} AS h, count(*) FROM edges AS e WHERE 1 = 1{kinds}"
        " GROUP BY h"
    ):
        row(domain_of_prefix(host))["edges"] += edges
    names = dict(store.execute("SELECT id, name FROM domains"))
    reached: dict[str, dict[str, int]] = defaultdict(dict)
    for site_id, domain_id, count in store.execute(
        f"SELECT site_id, domain_id, count(*) FROM {layer.reach} GROUP BY site_id, domain_id"
    ):
        reached[names[site_id]][names[domain_id]] = count
    result = []
    for domain, r in rows.items():
        r["share"] = round(r["attributed"] / r["posts"], 4) if r["posts"] else 0.0
        ranked = sorted(reached.get(domain, {}).items(), key=lambda kv: (-kv[1], kv[0]))
        r["top_origins"] = [{"domain": d, "reposts": n} for d, n in ranked[:top]]
        result.append(r)
    result.sort(key=lambda r: (-r["posts"], -r["edges"], r["domain"]))
    return result


def stats(store: Store, *, declared_only: bool = False) -> dict[str, Any]:
    """Counts and date range: ``{"feeds", "active_feeds", "posts", "edges", "sources",
    "origins", "domains", "date_range": {"first_published", "last_published",
    "first_seen", "last_seen"}}``.

    ``domains`` counts the distinct domains of every known URL (posts and
    both ends of edges); ``sources`` the distinct cited URLs; ``origins``
    those that cite nothing themselves; ``edges_by_kind`` splits ``edges``
    into ``declared`` and ``inferred``. ``declared_only`` counts as if no
    inferred edge existed.
    """
    kinds = " WHERE kind = 'declared'" if declared_only else ""
    also = " AND x.kind = 'declared'" if declared_only else ""

    def one(sql: str) -> Any:
        return store.execute(sql).fetchone()

    feeds, active = one("SELECT count(*), coalesce(sum(active), 0) FROM feeds")
    posts, first_pub, last_pub, first_seen, last_seen = one(
        "SELECT count(*), min(published), max(published), min(first_seen), max(last_seen)"
        " FROM posts"
    )
    by_kind = {"declared": 0, "inferred": 0}
    for kind, count in store.execute(f"SELECT kind, count(*) FROM edges{kinds} GROUP BY kind"):
        by_kind[kind] = count
    edges = sum(by_kind.values())
    sources, origin_count = one(
        "SELECT count(*), coalesce(sum(CASE WHEN EXISTS (SELECT 1 FROM edges AS x"
        f" WHERE x.repost_url = s.source_url{also}) THEN 0 ELSE 1 END), 0)"
        f" FROM (SELECT DISTINCT source_url FROM edges{kinds}) AS s"
    )
    hosts = store.execute(
        f"SELECT DISTINCT {prefix_sql('url')} FROM (SELECT url FROM posts"
        f" UNION SELECT repost_url FROM edges{kinds} UNION SELECT source_url FROM edges{kinds})"
        " AS u"
    ).fetchall()
    domains = {domain_of_prefix(h) for (h,) in hosts}
    # "polled": an origin that is a stored post; resolve never reads it (its feed gave
    # its title and date), so it is not waiting for anything
    by_status = dict.fromkeys(
        ("ok", "gone", "error", "robots", "not-html", "polled", "unresolved"), 0
    )
    for outcome, count in store.execute(
        "SELECT coalesce((SELECT g.outcome FROM pages AS g WHERE g.article_url = n.url"
        "   ORDER BY g.outcome = 'ok' DESC, g.published IS NOT NULL DESC, g.fetched_at DESC,"
        "   g.url LIMIT 1), CASE WHEN EXISTS (SELECT 1 FROM posts AS p WHERE p.url = n.url)"
        "   THEN 'polled' ELSE 'unresolved' END), count(*)"
        f" FROM (SELECT DISTINCT source_url AS url FROM edges{kinds}) AS n"
        " WHERE NOT EXISTS (SELECT 1 FROM edges AS x"
        f" WHERE x.repost_url = n.url{also}) GROUP BY 1"
    ):
        by_status[outcome] = count
    return {
        "feeds": feeds,
        "active_feeds": active,
        "posts": posts,
        "edges": edges,
        "edges_by_kind": by_kind,
        "sources": sources,
        "origins": origin_count,
        "domains": len(domains),
        "origins_by_status": by_status,
        "date_range": {
            "first_published": first_pub,
            "last_published": last_pub,
            "first_seen": first_seen,
            "last_seen": last_seen,
        },
    }
