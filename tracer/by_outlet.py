"""``origins``, ``sites`` and the domain-level export, grouped by outlet.

Each domain of an outlet counts as the outlet; a domain in no outlet stands
for itself. The counting rules are those of :func:`tracer.graph.origins` and
:func:`tracer.graph.sites`, with one difference that grouping forces: a post
that reaches several domains of one outlet counts **once** for it (distinct
posts), so an outlet's ``reposts`` is at most the sum of its domains'.
Reposting sites are grouped the same way (``sites`` counts distinct
reposting outlets-or-domains).

Like the by-domain queries, everything is an aggregation of the ``reach``
table (origin domain × reaching post): the outlet of each stored domain is
looked up once, put in a temporary table, and SQL counts distinct posts only
for the outlets' domains (a range of reach's primary key each).
"""

from __future__ import annotations

import sys
from collections import defaultdict
from collections.abc import Iterator
from typing import Any

from tracer.outlets import OutletIndex, load_index
from tracer.reach import ALL, DECLARED
from tracer.store import Store

__all__ = ["OUTLET_FIELDS", "iter_outlet_edges", "origins_by_outlet", "sites_by_outlet"]

OUTLET_FIELDS = ("repost_outlet", "source_outlet", "weight", "first_seen", "last_seen")


def _members(store: Store, index: OutletIndex) -> tuple[dict[int, str], dict[int, str]]:
    """(domain id → name of every stored domain, domain id → outlet name of outlet
    members); fills ``outlet_member (domain_id, outlet_key)`` with the members,
    outlet_key a negative number per outlet (never a domain id).

    ``outlet_member`` is a temporary table of the connection (SQLite's ``temp``
    schema, PostgreSQL's ``pg_temp``), named without a schema: both engines look
    there first."""
    conn = store.engine
    names: dict[int, str] = dict(conn.execute("SELECT id, name FROM domains"))
    member = {i: o for i, n in names.items() if (o := index.outlet_of(n)) is not None}
    keys = {name: -(number + 1) for number, name in enumerate(sorted(set(member.values())))}
    conn.execute(
        "CREATE TEMP TABLE IF NOT EXISTS outlet_member"
        " (domain_id INTEGER PRIMARY KEY, outlet_key INTEGER NOT NULL)"
    )
    conn.execute("DELETE FROM outlet_member")
    conn.executemany(
        "INSERT INTO outlet_member VALUES (?, ?)",
        [(i, keys[o]) for i, o in member.items()],
    )
    if conn.name == "postgresql":
        conn.execute("ANALYZE outlet_member")  # the planner sees no statistics of temp tables
    return names, member


def _site_key() -> str:
    return "coalesce(ms.outlet_key, r.site_id)"


def origins_by_outlet(
    store: Store, limit: int | None = None, *, declared_only: bool = False
) -> list[dict[str, Any]]:
    """One row per origin outlet (or domain in no outlet), by reach.

    ``{"name", "outlet", "domains", "reposts", "direct", "sites", "articles"}``:
    ``outlet`` says whether ``name`` is an outlet (else a domain), ``domains``
    the origin domains counted in the row; ``reposts`` distinct posts reaching
    an origin URL of any of them, ``direct`` those citing one themselves,
    ``sites`` distinct reposting outlets-or-domains, ``articles`` origin URLs.
    ``declared_only`` aggregates the declared layer (as if no inferred edge
    existed), as :func:`tracer.graph.origins` does.
    """
    layer = DECLARED if declared_only else ALL
    reach_table, nodes_table = layer.reach, layer.nodes
    index = load_index(store)
    conn = store.engine
    names, member = _members(store, index)
    rows: dict[str, dict[str, Any]] = {}
    for domain_id, articles in conn.execute(
        f"SELECT domain_id, count(*) FROM {nodes_table} WHERE cites = 0 GROUP BY domain_id"
    ):
        name = member.get(domain_id, names[domain_id])
        row = rows.setdefault(
            name,
            {
                "name": name,
                "outlet": domain_id in member,
                "domains": [],
                "reposts": 0,
                "direct": 0,
                "sites": 0,
                "articles": 0,
            },
        )
        row["domains"].append(names[domain_id])
        row["articles"] += articles
    alone = conn.execute(
        "SELECT r.domain_id, count(*), sum(r.direct),"
        f" count(DISTINCT {_site_key()}) FROM {reach_table} AS r"
        " LEFT JOIN outlet_member AS ms ON ms.domain_id = r.site_id"
        " WHERE r.domain_id NOT IN (SELECT domain_id FROM outlet_member)"
        " GROUP BY r.domain_id"
    ).fetchall()
    grouped = conn.execute(
        "SELECT min(m.domain_id), count(DISTINCT r.post_id),"
        " count(DISTINCT CASE WHEN r.direct <> 0 THEN r.post_id END),"
        f" count(DISTINCT {_site_key()})"
        f" FROM outlet_member AS m JOIN {reach_table} AS r ON r.domain_id = m.domain_id"
        " LEFT JOIN outlet_member AS ms ON ms.domain_id = r.site_id"
        " GROUP BY m.outlet_key"
    ).fetchall()
    for domain_id, reposts, direct, sites in alone + grouped:
        counted = rows.get(member.get(domain_id, names[domain_id]))
        if counted is not None:  # reach rows always have origin nodes; keep it safe
            counted.update(reposts=reposts, direct=direct or 0, sites=sites)
    result = sorted(
        rows.values(), key=lambda r: (-r["reposts"], -r["direct"], -r["articles"], r["name"])
    )
    for row in result:
        row["domains"].sort()
    return result[:limit] if limit is not None else result


def sites_by_outlet(
    store: Store, top: int = 5, *, declared_only: bool = False
) -> list[dict[str, Any]]:
    """Per reposting outlet (or domain in no outlet): ``{"name", "outlet", "domains",
    "posts", "edges", "attributed", "copied", "share", "top_origins": [{"name", "outlet",
    "reposts"}]}``, most posts first; ``top_origins`` grouped by outlet too, each
    post counted once per origin outlet."""
    from tracer.graph import sites

    index = load_index(store)
    conn = store.engine
    rows: dict[str, dict[str, Any]] = {}
    reached: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    reach_table = (DECLARED if declared_only else ALL).reach
    for site in sites(store, top=sys.maxsize, declared_only=declared_only):  # every origin
        name = index.group_of(site["domain"])
        for origin in site["top_origins"]:  # domains in no outlet: counts add up
            if index.outlet_of(origin["domain"]) is None:
                reached[name][origin["domain"]] += origin["reposts"]
        row = rows.setdefault(
            name,
            {
                "name": name,
                "outlet": index.outlet_of(site["domain"]) is not None,
                "domains": [],
                "posts": 0,
                "edges": 0,
                "attributed": 0,
                "copied": 0,
                "share": 0.0,
            },
        )
        row["domains"].append(site["domain"])
        for key in ("posts", "edges", "attributed", "copied"):
            row[key] += site[key]
    # outlets: distinct posts over the outlet's domains (a post may reach several)
    names, member = _members(store, index)
    for site_id, domain_id, count in conn.execute(
        "SELECT r.site_id, min(m.domain_id), count(DISTINCT r.post_id)"
        f" FROM outlet_member AS m JOIN {reach_table} AS r ON r.domain_id = m.domain_id"
        " GROUP BY r.site_id, m.outlet_key"
    ):
        reached[index.group_of(names[site_id])][member[domain_id]] += count
    result = []
    for name, row in rows.items():
        row["share"] = round(row["attributed"] / row["posts"], 4) if row["posts"] else 0.0
        ranked = sorted(reached.get(name, {}).items(), key=lambda kv: (-kv[1], kv[0]))
        row["top_origins"] = [
            {"name": origin, "outlet": origin in index.patterns.values(), "reposts": n}
            for origin, n in ranked[:top]
        ]
        row["domains"].sort()
        result.append(row)
    result.sort(key=lambda r: (-r["posts"], -r["edges"], r["name"]))
    return result


def iter_outlet_edges(
    store: Store, since: str | None = None, declared_only: bool = False
) -> Iterator[dict[str, Any]]:
    """Domain-level edges with both ends replaced by their outlet, merged, heaviest first.

    ``weight`` is the number of stored edges, as at domain level.
    """
    from tracer.export import iter_domain_edges, merge_pairs

    index = load_index(store)
    pairs = (
        (
            index.group_of(edge["repost_domain"]),
            index.group_of(edge["source_domain"]),
            edge["weight"],
            edge["first_seen"],
            edge["last_seen"],
        )
        for edge in iter_domain_edges(store, since, declared_only)
    )
    for repost, source, weight, first, last in merge_pairs(pairs):
        yield {
            "repost_outlet": repost,
            "source_outlet": source,
            "weight": weight,
            "first_seen": first,
            "last_seen": last,
        }
