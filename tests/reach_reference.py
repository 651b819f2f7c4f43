"""The reference for the ``reach`` table: the same sets computed by walking the edges in memory.

Tests compare :func:`reach` with what :mod:`tracer.reach` keeps up to date edge
by edge (and with a rebuild). Too slow for queries on large stores.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from itertools import chain

from tracer.engine.queries import SEP as _SEP
from tracer.engine.queries import SEP_SQL
from tracer.store import Store
from tracer.urls import url_domain


@dataclass
class Reach:
    """Who reaches each origin domain, computed in memory from one scan of ``edges``.

    ``articles[d]``: the origin URLs of domain ``d``; ``direct[d]``: how many
    posts cite one of them; ``reached[d]``: the posts whose chains reach one
    of them through any number of intermediaries (direct citers included);
    ``post_domain``: the domain of every post that cites something.
    """

    articles: dict[str, list[str]]
    direct: dict[str, int]
    reached: dict[str, set[str]]
    post_domain: dict[str, str]


def reach(store: Store, *, declared_only: bool = False) -> Reach:
    """Walk downstream from every origin, one breadth-first walk per origin domain.

    The edges are read once, grouped by source through the
    ``(source_url, repost_url)`` index, and walked as Python sets; the whole
    edge list is held in memory. ``declared_only``: declared edges only.
    """
    kinds = " WHERE kind = 'declared'" if declared_only else ""
    joined = store.group_concat("repost_url", SEP_SQL)
    sql = (
        f"SELECT source_url, {joined} FROM edges{kinds}"
        " GROUP BY source_url"
    )
    citers = {source: group.split(_SEP) for source, group in store.execute(sql)}
    reposters = set(chain.from_iterable(citers.values()))
    articles: dict[str, list[str]] = defaultdict(list)
    for source in citers.keys() - reposters:
        articles[url_domain(source)].append(source)
    intermediaries = {s: c for s, c in citers.items() if s in reposters}
    hubs = intermediaries.keys()
    direct: dict[str, int] = {}
    reached: dict[str, set[str]] = {}
    for domain, urls in articles.items():
        seen: set[str] = set()
        for url in urls:
            seen.update(citers[url])
        direct[domain] = len(seen)
        frontier = hubs & seen
        while frontier:
            found: set[str] = set()
            for node in frontier:
                found.update(intermediaries[node])
            found -= seen
            seen |= found
            frontier = hubs & found
        reached[domain] = seen
    post_domain = {}
    for url in reposters:
        post_domain[url] = url_domain(url)
    return Reach(dict(articles), direct, reached, post_domain)
