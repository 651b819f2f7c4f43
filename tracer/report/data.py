"""Gather the numbers of a report from the store, with the query functions of the CLI.

Every figure comes from the function that answers the matching command, so
the report and the CLI agree: the headline is :func:`tracer.graph.stats`, the
origin ranking :func:`tracer.graph.origins`, the network the domain pairs of
``tracer export --level domain`` (counted on the store's ``links``),
each article's chain :func:`tracer.graph.reposts`, feed health
:meth:`tracer.store.Store.list_feeds` (``tracer feeds list [--broken]``), and
lags :func:`tracer.graph.lag_seconds` as ``reposts`` computes it. Two
figures have no command of their own and read the tables those functions
read: weekly counts group the ``reach`` rows that ``origins`` counts by the
week of each post, and the article candidates are the origin ``nodes`` with
the most citing ``links``. With ``--declared-only`` every function gets
``declared_only=True`` and the report's own queries read the declared layer
(``declared_reach``, ``declared_nodes``, ``declared_links``; see
:mod:`tracer.reach`).
"""

from __future__ import annotations

import json
import statistics
from array import array
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from tracer.articles import article_info, published_of, with_page_status
from tracer.by_outlet import origins_by_outlet
from tracer.engine.queries import WEEK_OF
from tracer.graph import lag_seconds, origins, reposts, stats
from tracer.outlets import load_index
from tracer.reach import ALL, DECLARED, Layer
from tracer.report.scope import Scope
from tracer.store import Store
from tracer.timeutil import format_time
from tracer.urls import url_domain

__all__ = [
    "LAG_BUCKETS",
    "Article",
    "FeedHealth",
    "LagSummary",
    "Network",
    "ReportData",
    "Weekly",
    "gather",
]

MAX_SERIES = 6  # lines in the weekly chart
MAX_WEEKS_CHARTED = 104
MAX_NETWORK_NODES = 40
MAX_NETWORK_EDGES = 120
MAX_ARTICLES = 15
CHAIN_ROWS = 12  # reposts listed under each article

# (upper bound in seconds, label); a lag falls in the first bucket it is below.
LAG_BUCKETS: tuple[tuple[float, str], ...] = (
    (0, "before the source"),
    (3600, "< 1 hour"),
    (6 * 3600, "1–6 hours"),
    (86400, "6–24 hours"),
    (3 * 86400, "1–3 days"),
    (7 * 86400, "3–7 days"),
    (30 * 86400, "7–30 days"),
    (float("inf"), "30 days or more"),
)


@dataclass
class Weekly:
    """Reposts per week (Monday) for the top origins (domains, or outlets: ``--by outlet``).

    ``counts[name][week]``; ``undated[name]``: reaching posts with no usable
    date (neither ``published`` nor ``first_seen``). For every origin, the
    weeks plus ``undated`` add up to its ``reposts`` in the origin ranking.
    """

    names: list[str]
    weeks: list[str]  # every Monday from the first to the last week with data
    counts: dict[str, dict[str, int]]
    undated: dict[str, int]


@dataclass
class LagSummary:
    """Lags of edges whose repost and source both have a date.

    ``buckets``: (label, edges); ``per_site``: (reposting domain, edges with a
    lag, median seconds), most edges first; ``median``: over all such edges.
    """

    edges: int
    median: float | None
    buckets: list[tuple[str, int]]
    per_site: list[tuple[str, int, float]]
    sites_total: int


@dataclass
class Network:
    """The heaviest part of the domain-level graph.

    ``nodes``: {"domain", "role" ("origin" | "reposter" | "both"), "weight"};
    ``edges``: {"repost_domain", "source_domain", "weight"} between shown
    nodes; the ``total_*`` fields say how much there is in all. With
    ``--by outlet`` a node's "domain" is an outlet's name, or a domain in no outlet.
    """

    nodes: list[dict[str, Any]]
    edges: list[dict[str, Any]]
    total_nodes: int
    total_pairs: int
    total_weight: int
    self_loops: int


@dataclass
class Article:
    """An origin URL with every post reaching it (:func:`tracer.graph.reposts`)."""

    url: str
    domain: str
    title: str | None
    published: str | None
    reposts: list[dict[str, Any]]  # as graph.reposts returns them
    earliest: list[dict[str, Any]]  # the first CHAIN_ROWS of them by date, with "title"
    direct: int
    sites: int
    first_repost: str | None
    status: str | None = None  # its page when resolved: ok, gone, error, robots, not-html


@dataclass
class FeedHealth:
    """Feeds needing attention: deactivated, or failing (``consecutive_failures`` > 0)."""

    total: int
    active: int
    failing: list[dict[str, Any]]
    broken_urls: set[str]
    never_polled: int = 0  # active feeds no poll has reached yet


@dataclass
class ReportData:
    generated_at: str
    database: str
    scope: Scope
    top: int
    stats: dict[str, Any]
    edge_kinds: dict[str, int]
    origins: list[dict[str, Any]]
    origin_domains: int
    weekly: Weekly
    lag: LagSummary
    network: Network
    articles: list[Article]
    article_origins: int
    feeds: FeedHealth
    notes: list[str] = field(default_factory=list)


def gather(
    store: Store, *, top: int, scope: Scope, now: datetime, database: str = ""
) -> ReportData:
    """Every number of the report, from ``store`` (already narrowed to ``scope.since``).

    ``scope.declared_only`` is passed to the query functions (``--declared-only``)
    and selects the declared layer of the reach tables for the report's own counts.
    ``now`` decides which feeds count as broken and stamps the report.
    """
    declared = scope.declared_only
    layer = DECLARED if declared else ALL
    ranking = with_page_status(store, _ranking(store, scope), declared_only=declared)
    shown = ranking[:top]
    group = load_index(store).group_of if scope.by == "outlet" else None
    articles, article_origins = top_articles(store, min(top, MAX_ARTICLES), layer)
    numbers = stats(store, declared_only=declared)
    return ReportData(
        generated_at=format_time(now),
        database=database,
        scope=scope,
        top=top,
        stats=numbers,
        edge_kinds={k: n for k, n in numbers.get("edges_by_kind", {}).items() if n},
        origins=shown,
        origin_domains=len(ranking),
        weekly=weekly(store, {row["domain"]: row["domains"] for row in shown[:MAX_SERIES]}, layer),
        lag=lag_summary(store, top, layer),
        network=network(store, ranking, top, layer, group=group),
        articles=articles,
        article_origins=article_origins,
        feeds=feed_health(store, now),
    )


def _ranking(store: Store, scope: Scope) -> list[dict[str, Any]]:
    """The origin ranking rows, each with ``domain`` (the name shown: a domain, or an
    outlet's name with ``--by outlet``) and ``domains`` (the origin domains it counts).

    By domain the rows of :func:`tracer.graph.origins`; by outlet those of
    :func:`tracer.by_outlet.origins_by_outlet` (``tracer origins --by outlet``).
    """
    if scope.by == "outlet":
        rows = origins_by_outlet(store, declared_only=scope.declared_only)
        return [{**row, "domain": row["name"]} for row in rows]
    rows = origins(store, declared_only=scope.declared_only)
    return [{**row, "domains": [row["domain"]]} for row in rows]


def weekly(store: Store, series: dict[str, list[str]], layer: Layer = ALL) -> Weekly:
    """Reaching posts per week for each named group of origin domains: the ``reach`` rows
    ``origins`` counts, a post reaching several domains of a group counted once."""
    names = list(series)
    counts: dict[str, dict[str, int]] = {name: {} for name in names}
    undated: dict[str, int] = dict.fromkeys(names, 0)
    week_of = store.engine.sql(WEEK_OF).format(t="coalesce(p.published, p.first_seen)")
    sql = (
        f"SELECT {week_of}, count(DISTINCT r.post_id)"
        f" FROM domains AS d JOIN {layer.reach} AS r ON r.domain_id = d.id"
        f" JOIN {layer.nodes} AS n ON n.id = r.post_id LEFT JOIN posts AS p ON p.url = n.url"
        f" WHERE d.name {store.text_in('?')} GROUP BY 1"
    )
    for name, domains in series.items():
        for week, count in store.execute(sql, [json.dumps(domains)]):
            if week is None:
                undated[name] += count
            else:
                counts[name][week] = count
    found = sorted({week for per in counts.values() for week in per})
    return Weekly(names, _mondays(found[0], found[-1]) if found else [], counts, undated)


def _mondays(first: str, last: str) -> list[str]:
    """Every Monday from ``first`` to ``last`` (both Mondays, ``YYYY-MM-DD``).

    >>> _mondays("2019-03-18", "2019-04-01")
    ['2019-03-18', '2019-03-25', '2019-04-01']
    """
    from datetime import date, timedelta

    day, end = date.fromisoformat(first), date.fromisoformat(last)
    weeks = []
    while day <= end:
        weeks.append(day.isoformat())
        day += timedelta(days=7)
    return weeks


def lag_summary(store: Store, top: int, layer: Layer = ALL) -> LagSummary:
    """Lag of every edge whose repost and source both have a date.

    As ``tracer reposts`` gives a direct repost's ``lag_seconds``: the source's
    date is its feed's (a polled post), else the one its page gave
    (:func:`tracer.articles.published_of`, issue 14's ``tracer resolve``);
    the lag is :func:`tracer.graph.lag_seconds`.
    """
    per_site: dict[str, list[int]] = defaultdict(list)
    buckets: Counter[str] = Counter()
    every: list[int] = []
    for repost_url, source_published, repost_published in _dated_edges(store, layer):
        lag = lag_seconds(source_published, repost_published)
        if lag is None:
            continue
        every.append(lag)
        per_site[url_domain(repost_url)].append(lag)
        buckets[bucket_of(lag)] += 1
    ranked = sorted(per_site.items(), key=lambda kv: (-len(kv[1]), kv[0]))
    return LagSummary(
        edges=len(every),
        median=statistics.median(every) if every else None,
        buckets=[(label, buckets[label]) for _bound, label in LAG_BUCKETS],
        per_site=[(site, len(lags), statistics.median(lags)) for site, lags in ranked[:top]],
        sites_total=len(per_site),
    )


def _dated_edges(store: Store, layer: Layer) -> Iterator[tuple[str, str, str]]:
    """``(repost url, source date, repost date)`` of the edges where both are known."""
    conn = store.engine
    yield from conn.execute(
        "SELECT e.repost_url, s.published, r.published FROM edges AS e"
        " JOIN posts AS r ON r.url = e.repost_url JOIN posts AS s ON s.url = e.source_url"
        " WHERE r.published IS NOT NULL AND s.published IS NOT NULL" + layer.kinds
    )
    if not _has_table(store, "pages"):
        return
    # sources without a feed date whose page gave one (cheap: only URLs with a dated page)
    rows = conn.execute(
        "SELECT e.repost_url, e.source_url, r.published FROM edges AS e"
        " JOIN posts AS r ON r.url = e.repost_url"
        " WHERE r.published IS NOT NULL AND e.source_url IN"
        "   (SELECT article_url FROM pages WHERE published IS NOT NULL)"
        " AND NOT EXISTS (SELECT 1 FROM posts AS s WHERE s.url = e.source_url"
        "   AND s.published IS NOT NULL)" + layer.kinds
    ).fetchall()
    pages = article_info(store, {source for _r, source, _p in rows})
    for repost_url, source_url, repost_published in rows:
        source_published, _from = published_of(None, pages.get(source_url))
        if source_published:
            yield repost_url, source_published, repost_published


def _has_table(store: Store, name: str) -> bool:
    return name in store.engine.tables()


def bucket_of(lag: float) -> str:
    """The :data:`LAG_BUCKETS` label of a lag in seconds.

    >>> bucket_of(-5), bucket_of(0), bucket_of(7200), bucket_of(40 * 86400)
    ('before the source', '< 1 hour', '1–6 hours', '30 days or more')
    """
    for bound, label in LAG_BUCKETS:
        if lag < bound:
            return label
    return LAG_BUCKETS[-1][1]


def domain_pairs(store: Store, layer: Layer = ALL) -> Iterator[tuple[int, int, int]]:
    """``(repost domain id, source domain id, edges)`` for every pair, self-pairs included.

    The pairs and weights of ``tracer export --level domain``, counted over
    the ``links`` and ``nodes`` tables the store keeps beside ``edges`` (one
    link per edge, each node with its domain), by integer ids: several times
    cheaper than grouping the URLs' text on a large store.
    """
    yield from store.execute(
        f"SELECT r.domain_id, s.domain_id, count(*) FROM {layer.links} AS l"
        f" JOIN {layer.nodes} AS s ON s.id = l.source_id"
        f" JOIN {layer.nodes} AS r ON r.id = l.repost_id"
        " GROUP BY r.domain_id, s.domain_id"
    )


def _grouped_pairs(
    names: dict[int, str], pairs: Iterable[tuple[int, int, int]], group: Callable[[str], str]
) -> tuple[dict[int, str], list[tuple[int, int, int]]]:
    """``pairs`` of domain ids merged into pairs of groups (``group``: domain → its
    outlet's name, or itself), with new ids: ``(group id → name, pairs)``.

    >>> outlet = {"rt.com": "RT", "de.rt.com": "RT"}.get
    >>> _grouped_pairs({1: "rt.com", 2: "de.rt.com", 3: "blog.example"},
    ...                [(3, 1, 2), (3, 2, 1), (2, 1, 4)], lambda d: outlet(d, d))
    ({0: 'RT', 1: 'blog.example'}, [(1, 0, 3), (0, 0, 4)])
    """
    ids: dict[str, int] = {}
    for name in sorted({group(name) for name in names.values()}):
        ids[name] = len(ids)
    of = {domain: ids[group(name)] for domain, name in names.items()}
    merged: Counter[tuple[int, int]] = Counter()
    for repost, source, count in pairs:
        merged[of[repost], of[source]] += count
    return {i: name for name, i in ids.items()}, [(r, s, n) for (r, s), n in merged.items()]


def network(
    store: Store,
    ranking: list[dict[str, Any]],
    top: int,
    layer: Layer = ALL,
    *,
    group: Callable[[str], str] | None = None,
) -> Network:
    """The top domains (or outlets: ``group`` maps a domain to its outlet's name, or to
    itself) and the heaviest pairs between them.

    Nodes: the top origin domains of ``ranking`` (40 % of the budget of
    ``2 × top``, at most :data:`MAX_NETWORK_NODES`; more when fewer reposting
    domains need room), then the reposting domains of the heaviest pairs into
    them, then those with the most edges to other domains. Edges: the heaviest pairs
    (:func:`domain_pairs`) between chosen domains, at most
    :data:`MAX_NETWORK_EDGES`; a chosen domain left without a drawn edge is
    dropped. Self-loops (a site citing itself, or an outlet one of its own
    domains) are counted, not drawn.
    """
    names: dict[int, str] = dict(store.execute("SELECT id, name FROM domains"))
    pairs: Iterable[tuple[int, int, int]] = domain_pairs(store, layer)
    if group is not None:
        names, pairs = _grouped_pairs(names, pairs, group)
    max_nodes = max(4, min(MAX_NETWORK_NODES, 2 * top))
    origin_domains = {row["domain"] for row in ranking}
    reposts, sources, weights = array("l"), array("l"), array("l")
    out_weight: Counter[int] = Counter()
    everyone: set[int] = set()
    total_weight = loops = 0
    for repost, source, count in pairs:
        everyone.update((repost, source))
        total_weight += count
        if repost == source:
            loops += count
            continue
        reposts.append(repost)
        sources.append(source)
        weights.append(count)
        out_weight[repost] += count
    ids = {name: i for i, name in names.items()}
    origin_slots = max(int(max_nodes * 0.4), max_nodes - len(out_weight))
    chosen = [ids[row["domain"]] for row in ranking[:origin_slots]]
    # the reposting domains of the heaviest pairs into the chosen origins first (a domain
    # with many light edges must not push out the one with the heaviest pair), then
    # those with the most edges
    origins_chosen = set(chosen)
    into_chosen = sorted(
        (i for i in range(len(weights)) if sources[i] in origins_chosen),
        key=lambda i: (-weights[i], names[reposts[i]], names[sources[i]]),
    )
    by_pairs = [reposts[i] for i in into_chosen]
    by_weight = sorted(out_weight, key=lambda d: (-out_weight[d], names[d]))
    for domain in (*by_pairs, *by_weight):
        if len(chosen) >= max_nodes:
            break
        if domain not in chosen:
            chosen.append(domain)
    wanted = set(chosen)
    between = [
        (weights[i], names[reposts[i]], names[sources[i]])
        for i in range(len(weights))
        if reposts[i] in wanted and sources[i] in wanted
    ]
    between.sort(key=lambda p: (-p[0], p[1], p[2]))
    drawn: list[dict[str, Any]] = [
        {"repost_domain": r, "source_domain": s, "weight": w}
        for w, r, s in between[:MAX_NETWORK_EDGES]
    ]
    weight: Counter[str] = Counter()
    for edge in drawn:
        weight[edge["repost_domain"]] += edge["weight"]
        weight[edge["source_domain"]] += edge["weight"]
    reposting = {names[i] for i in out_weight}
    nodes = [
        {
            "domain": names[d],
            "role": _role(names[d], reposting, origin_domains),
            "weight": weight[names[d]],
        }
        for d in chosen
        if weight[names[d]]
    ]
    return Network(
        nodes=nodes,
        edges=drawn,
        total_nodes=len(everyone),
        total_pairs=len(weights),
        total_weight=total_weight,
        self_loops=loops,
    )


def _role(domain: str, reposting: set[str], origin_domains: set[str]) -> str:
    if domain in reposting:
        return "both" if domain in origin_domains else "reposter"
    return "origin"


def top_articles(store: Store, count: int, layer: Layer = ALL) -> tuple[list[Article], int]:
    """The ``count`` origin URLs with the most reposts (as ``tracer reposts`` counts them).

    Candidates are the origins with the most direct citers (3 × ``count``);
    each is walked with :func:`tracer.graph.reposts`. Returns the articles and
    the number of origin URLs in all.
    """
    conn = store.engine
    (total,) = conn.execute(f"SELECT count(*) FROM {layer.nodes} WHERE cites = 0").fetchone()
    if count <= 0:
        return [], total
    candidates = conn.execute(
        f"SELECT n.url FROM {layer.nodes} AS n JOIN {layer.links} AS l ON l.source_id = n.id"
        " WHERE n.cites = 0"
        " GROUP BY n.id ORDER BY count(*) DESC, n.url LIMIT ?",
        [3 * count],
    ).fetchall()
    declared = layer is DECLARED
    walked = [(url, reposts(store, url, declared_only=declared)) for (url,) in candidates]
    walked.sort(key=lambda item: (-len(item[1]), -_direct(item[1]), item[0]))
    walked = walked[:count]
    earliest = {url: sorted(found, key=_when)[:CHAIN_ROWS] for url, found in walked}
    wanted = {url for url, _r in walked} | {r["url"] for rows in earliest.values() for r in rows}
    info = _titles(store, wanted)
    pages = article_info(store, [url for url, _r in walked]) if _has_table(store, "pages") else {}
    articles = []
    for url, found in walked:
        shown = [{**row, "title": info.get(row["url"], (None, None))[0]} for row in earliest[url]]
        dates = [row["published"] or row["first_seen"] for row in found]
        title, published = info.get(url, (None, None))
        articles.append(
            Article(
                url=url,
                domain=url_domain(url),
                title=title,
                published=published,
                reposts=found,
                earliest=shown,
                direct=_direct(found),
                sites=len({row["domain"] for row in found}),
                first_repost=min((d for d in dates if d), default=None),
                status=pages.get(url, {}).get("outcome"),
            )
        )
    return articles, total


def _when(row: dict[str, Any]) -> tuple[bool, str, int, str]:
    """Sort key: dated reposts first, earliest first (published, else first seen)."""
    date = row["published"] or row["first_seen"]
    return (date is None, date or "", row["depth"], row["url"])


def _direct(found: list[dict[str, Any]]) -> int:
    return sum(1 for row in found if row["depth"] == 1)


def _titles(store: Store, urls: set[str]) -> dict[str, tuple[str | None, str | None]]:
    """``url -> (title, published)``: a post's own, else what its page said (issue 14)."""
    rows = store.execute(
        f"SELECT url, title, published FROM posts WHERE url {store.text_in('?')}",
        [json.dumps(sorted(urls))],
    )
    found = {url: (title, published) for url, title, published in rows}
    pages = article_info(store, urls) if _has_table(store, "pages") else {}
    for url, page in pages.items():
        title, published = found.get(url, (None, None))
        found[url] = (title or page.get("title"), published_of(published, page)[0])
    return found


def feed_health(store: Store, now: datetime) -> FeedHealth:
    """Feeds deactivated or failing; flagged when ``feeds list --broken`` lists them at ``now``."""
    every = store.list_feeds()
    broken = store.list_feeds(broken_at=now)
    failing = [
        row
        for row in every
        if not row["active"] or row["consecutive_failures"] or row["last_error"]
    ]
    failing.sort(key=lambda r: (r["active"], -(r["consecutive_failures"] or 0), r["url"]))
    return FeedHealth(
        total=len(every),
        active=sum(1 for row in every if row["active"]),
        failing=failing,
        broken_urls={row["url"] for row in broken},
        never_polled=sum(1 for row in every if row["active"] and not row["last_polled_at"]),
    )
