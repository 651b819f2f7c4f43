"""Export the edge graph for other tools: JSONL, CSV, GEXF 1.3 (Gephi), DOT (Graphviz).

Edges point from a repost to the source it cites, as stored. At ``level="post"``
every stored edge is one exported edge; at ``level="domain"`` edges are
aggregated per (repost domain, source domain) pair with ``weight`` = the
number of post edges; ``level="outlet"`` merges those pairs further by outlet
(:mod:`tracer.by_outlet`; a domain in no outlet stands for itself). ``since``
keeps the edges whose repost was published on or after that time (first
seen, when the feed gave no date). Every format writes the same edges for the
same arguments.

Rows are streamed from the database: post-level exports never hold the graph in
memory; domain-level exports hold one row per domain pair.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Callable, Iterable, Iterator
from datetime import UTC, datetime
from typing import Any, TextIO
from xml.sax.saxutils import quoteattr

from tracer.articles import published_of
from tracer.graph import lag_seconds, prefix_sql
from tracer.store import Store
from tracer.timeutil import format_time
from tracer.urls import domain_of_prefix
from tracer.wording import json_quiet, shown, xml_text

__all__ = [
    "DOMAIN_FIELDS",
    "EDGE_FIELDS",
    "FORMATS",
    "LEVELS",
    "check_choices",
    "export",
    "iter_domain_edges",
    "iter_edges",
    "merge_pairs",
    "normalize_since",
]

FORMATS = ("jsonl", "csv", "gexf", "dot")
LEVELS = ("post", "domain", "outlet")

EDGE_FIELDS = (
    "repost_url",
    "source_url",
    "kind",
    "score",
    "pattern",
    "evidence",
    "raw_source_url",
    "first_seen",
    "last_seen",
    "repost_domain",
    "source_domain",
    # issue 14: what `tracer resolve` learnt; the lag uses the source's feed date, else its page's
    "cited_url",
    "repost_published",
    "source_published",
    "source_published_source",
    "lag_seconds",
)
DOMAIN_FIELDS = ("repost_domain", "source_domain", "weight", "first_seen", "last_seen")

_STORED = EDGE_FIELDS[:9]
_WHEN = "coalesce(p.published, e.first_seen)"


def check_choices(fmt: str, level: str) -> None:
    """ValueError naming the choice if ``fmt`` is not one of :data:`FORMATS` or ``level`` of
    :data:`LEVELS`.

    >>> check_choices("csv", "domain")
    >>> check_choices("xml", "post")
    Traceback (most recent call last):
    ValueError: unknown format 'xml' (expected jsonl, csv, gexf, dot)
    """
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r} (expected {', '.join(FORMATS)})")
    if level not in LEVELS:
        raise ValueError(f"unknown level {level!r} (expected {' or '.join(LEVELS)})")


def normalize_since(text: str) -> str:
    """A user's date or time → stored UTC text, for comparison with stored times.

    >>> normalize_since("2019-03-23")
    '2019-03-23T00:00:00Z'
    >>> normalize_since("2019-03-23T12:00:00+02:00")
    '2019-03-23T10:00:00Z'
    """
    value = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return format_time(value)


def _filter(since: str | None, declared_only: bool = False) -> tuple[str, str, dict[str, Any]]:
    """(join, where, params) selecting the exported edges ``e``."""
    kinds = " AND e.kind = 'declared'" if declared_only else ""
    if since is None:
        return "", f" WHERE 1 = 1{kinds}" if kinds else "", {}
    join = " LEFT JOIN posts AS p ON p.url = e.repost_url"
    return join, f" WHERE {_WHEN} >= :since{kinds}", {"since": since}


def iter_edges(
    store: Store, since: str | None = None, declared_only: bool = False
) -> Iterator[dict[str, Any]]:
    """Every stored edge (repost published since ``since``), in insertion order."""
    join, where, params = _filter(since, declared_only)
    columns = ", ".join(f"e.{name}" for name in _STORED)
    sql = (
        f"SELECT {columns}, {prefix_sql('e.repost_url')}, {prefix_sql('e.source_url')},"
        " e.cited_url, (SELECT published FROM posts WHERE url = e.repost_url),"
        " (SELECT published FROM posts WHERE url = e.source_url),"
        " (SELECT published FROM pages WHERE article_url = e.source_url AND published IS NOT NULL"
        "  ORDER BY outcome = 'ok' DESC, fetched_at DESC, url LIMIT 1)"
        f" FROM edges AS e{join}{where} ORDER BY e.id"
    )
    for row in store.execute(sql, params):
        edge = dict(zip(_STORED, row[:9], strict=True))
        edge["repost_domain"] = domain_of_prefix(row[9])
        edge["source_domain"] = domain_of_prefix(row[10])
        edge["cited_url"] = row[11]
        edge["repost_published"] = row[12]
        source_published, source = published_of(row[13], {"published": row[14]})
        edge["source_published"] = source_published
        edge["source_published_source"] = source
        edge["lag_seconds"] = lag_seconds(source_published, row[12])
        yield edge


def iter_domain_edges(
    store: Store, since: str | None = None, declared_only: bool = False
) -> Iterator[dict[str, Any]]:
    """Edges aggregated per (repost domain, source domain), heaviest first."""
    join, where, params = _filter(since, declared_only)
    sql = (
        f"SELECT {prefix_sql('e.repost_url')} AS rh, {prefix_sql('e.source_url')} AS sh,"
        f" count(*), min(e.first_seen), max(e.last_seen) FROM edges AS e{join}{where}"
        " GROUP BY rh, sh"
    )
    pairs = (
        (domain_of_prefix(rh), domain_of_prefix(sh), weight, first, last)
        for rh, sh, weight, first, last in store.execute(sql, params)
    )
    for repost, source, weight, first, last in merge_pairs(pairs):
        yield {
            "repost_domain": repost,
            "source_domain": source,
            "weight": weight,
            "first_seen": first,
            "last_seen": last,
        }


def merge_pairs(
    pairs: Iterable[tuple[str, str, int, str, str]],
) -> list[tuple[str, str, int, str, str]]:
    """``(repost, source, weight, first_seen, last_seen)`` rows with equal ends merged into one:
    weights summed, the earliest first and the latest last seen; heaviest first, then by name.

    >>> merge_pairs([("a", "rt", 1, "2019-02", "2019-03"), ("b", "rt", 2, "2019-01", "2019-01"),
    ...              ("a", "rt", 1, "2019-01", "2019-04")])
    [('a', 'rt', 2, '2019-01', '2019-04'), ('b', 'rt', 2, '2019-01', '2019-01')]
    """
    merged: dict[tuple[str, str], list[Any]] = {}
    for repost, source, weight, first, last in pairs:
        row = merged.get((repost, source))
        if row is None:
            merged[(repost, source)] = [weight, first, last]
        else:
            row[0] += weight
            row[1] = min(row[1], first)
            row[2] = max(row[2], last)
    ranked = sorted(merged.items(), key=lambda kv: (-kv[1][0], kv[0]))
    return [(repost, source, *row) for (repost, source), row in ranked]


def _iter_nodes(
    store: Store, since: str | None, declared_only: bool = False
) -> Iterator[dict[str, Any]]:
    """The URLs at either end of exported edges, with domain, kind, title and published.

    ``kind`` is ``origin`` for a URL that cites nothing (the end of a chain),
    ``post`` otherwise; ``polled`` says whether it is a stored post.
    """
    join, where, params = _filter(since, declared_only)
    kinds = " AND o.kind = 'declared'" if declared_only else ""
    sql = (
        "WITH x AS (SELECT e.repost_url, e.source_url FROM edges AS e"
        f"{join}{where}),"
        " n(url) AS (SELECT repost_url FROM x UNION SELECT source_url FROM x)"
        f" SELECT n.url, {prefix_sql('n.url')},"
        f" EXISTS (SELECT 1 FROM edges AS o WHERE o.repost_url = n.url{kinds}),"
        " q.url IS NOT NULL, coalesce(q.title, a.title), coalesce(q.published, a.published)"
        " FROM n LEFT JOIN posts AS q ON q.url = n.url"
        " LEFT JOIN articles AS a ON a.url = n.url ORDER BY n.url"
    )
    for url, host, cites, polled, title, published in store.execute(sql, params):
        yield {
            "id": url,
            "label": title or url,
            "domain": domain_of_prefix(host),
            "kind": "post" if cites else "origin",
            "polled": bool(polled),
            "title": title,
            "published": published,
        }


def _iter_domain_nodes(
    edges: list[dict[str, Any]], level: str = "domain", outlets: frozenset[str] = frozenset()
) -> Iterator[dict[str, Any]]:
    repost_key, source_key = _ends(level)
    reposting = {e[repost_key] for e in edges}
    for name in sorted(reposting | {e[source_key] for e in edges}):
        node = {"id": name, "label": name, "kind": "post" if name in reposting else "origin"}
        if level == "outlet":
            node["outlet"] = name in outlets  # else a domain in no outlet
        else:
            node["domain"] = name
        yield node


# -- writers --------------------------------------------------------------


def _write_jsonl(out: TextIO, edges: Iterator[dict[str, Any]], _fields: tuple[str, ...]) -> int:
    count = 0
    for edge in edges:
        out.write(json_quiet(json.dumps(edge, ensure_ascii=False)) + "\n")
        count += 1
    return count


def _write_csv(out: TextIO, edges: Iterator[dict[str, Any]], fields: tuple[str, ...]) -> int:
    writer = csv.DictWriter(out, fieldnames=fields, lineterminator="\n")
    writer.writeheader()
    count = 0
    for edge in edges:
        writer.writerow(edge)
        count += 1
    return count


_GEXF_HEAD = """<?xml version="1.0" encoding="UTF-8"?>
<gexf xmlns="http://gexf.net/1.3" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" \
xsi:schemaLocation="http://gexf.net/1.3 http://gexf.net/1.3/gexf.xsd" version="1.3">
  <meta lastmodifieddate="{date}">
    <creator>tracer</creator>
    <description>{description}</description>
  </meta>
  <graph defaultedgetype="directed" mode="static">
"""


def _attr_decl(klass: str, names: tuple[str, ...], types: dict[str, str]) -> str:
    lines = [f'    <attributes class="{klass}">']
    for index, name in enumerate(names):
        lines.append(
            f'      <attribute id="{index}" title="{name}" type="{types.get(name, "string")}"/>'
        )
    lines.append("    </attributes>\n")
    return "\n".join(lines)


def _attvalues(values: dict[str, Any], names: tuple[str, ...]) -> str:
    parts = [
        f'<attvalue for="{i}" value={quoteattr(_text(values[name]))}/>'
        for i, name in enumerate(names)
        if values.get(name) is not None
    ]
    return f"<attvalues>{''.join(parts)}</attvalues>" if parts else ""


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return xml_text(str(value))


def _write_gexf(
    out: TextIO,
    nodes: Iterator[dict[str, Any]],
    edges: Iterator[dict[str, Any]],
    level: str,
) -> int:
    node_attrs: tuple[str, ...] = {
        "post": ("domain", "kind", "polled", "published"),
        "outlet": ("outlet", "kind"),
    }.get(level, ("domain", "kind"))
    edge_attrs: tuple[str, ...] = (
        ("pattern", "kind", "first_seen", "last_seen", "score")
        if level == "post"
        else ("first_seen", "last_seen")
    )
    out.write(
        _GEXF_HEAD.format(
            date=datetime.now(UTC).strftime("%Y-%m-%d"),
            description=f"tracer repost graph ({level} level): edges point from repost to source",
        )
    )
    out.write(_attr_decl("node", node_attrs, {"polled": "boolean", "outlet": "boolean"}))
    out.write(_attr_decl("edge", edge_attrs, {"score": "double"}))
    out.write("    <nodes>\n")
    for node in nodes:
        out.write(
            f"      <node id={quoteattr(_text(node['id']))}"
            f" label={quoteattr(_text(node['label']))}>"
            f"{_attvalues(node, node_attrs)}</node>\n"
        )
    out.write("    </nodes>\n    <edges>\n")
    count = 0
    source_key, target_key = _ends(level)
    for edge in edges:
        weight = f' weight="{edge["weight"]}"' if level != "post" else ""
        out.write(
            f'      <edge id="{count}" source={quoteattr(_text(edge[source_key]))}'
            f" target={quoteattr(_text(edge[target_key]))}{weight}>"
            f"{_attvalues(edge, edge_attrs)}</edge>\n"
        )
        count += 1
    out.write("    </edges>\n  </graph>\n</gexf>\n")
    return count


def _dot_id(value: Any) -> str:
    r"""``value`` as a DOT quoted string: a title's control characters and bidirectional
    overrides as U+FFFD, its line breaks as a space (:func:`~tracer.wording.shown`: a
    .dot file is read in terminals and drawn as labels), then quotes and backslashes
    escaped.

    >>> _dot_id('"hi" \\ \x1b[2J\u202eevil\nnext') == '"\\"hi\\" \\\\ \ufffd[2J\ufffdevil next"'
    True
    """
    text = shown(str(value)).replace("\\", "\\\\").replace('"', '\\"')
    return f'"{text}"'


def _write_dot(
    out: TextIO,
    nodes: Iterator[dict[str, Any]],
    edges: Iterator[dict[str, Any]],
    level: str,
) -> int:
    out.write(f"digraph tracer {{\n  // {level} level: edges point from repost to source\n")
    out.write("  node [shape=box];\n")
    for node in nodes:
        shape = ", shape=ellipse" if node["kind"] == "origin" else ""
        group = (
            f"outlet={_dot_id(str(node['outlet']).lower())}"
            if "outlet" in node
            else f"domain={_dot_id(node['domain'])}"
        )
        out.write(
            f"  {_dot_id(node['id'])} [label={_dot_id(node['label'])},"
            f" {group}, kind={_dot_id(node['kind'])}{shape}];\n"
        )
    source_key, target_key = _ends(level)
    count = 0
    for edge in edges:
        if level != "post":
            attrs = f'weight={edge["weight"]}, label="{edge["weight"]}"'
        else:
            attrs = (
                f"label={_dot_id(edge['pattern'])}, first_seen={_dot_id(edge['first_seen'])},"
                f" kind={_dot_id(edge['kind'])}"
            )
            if edge["score"] is not None:
                attrs += f", score={edge['score']}"
        out.write(f"  {_dot_id(edge[source_key])} -> {_dot_id(edge[target_key])} [{attrs}];\n")
        count += 1
    out.write("}\n")
    return count


def _ends(level: str) -> tuple[str, str]:
    return {
        "post": ("repost_url", "source_url"),
        "outlet": ("repost_outlet", "source_outlet"),
    }.get(level, ("repost_domain", "source_domain"))


def export(
    store: Store,
    out: TextIO,
    fmt: str = "jsonl",
    *,
    level: str = "post",
    since: str | None = None,
    declared_only: bool = False,
) -> int:
    """Write the graph to ``out`` in ``fmt``; return the number of edges written.

    ``declared_only`` leaves inferred edges (and URLs only they reach) out.
    """
    check_choices(fmt, level)
    edges_of: Callable[[], Iterator[dict[str, Any]]]
    fields: tuple[str, ...]
    if level == "post":
        fields = EDGE_FIELDS

        def edges_of() -> Iterator[dict[str, Any]]:
            return iter_edges(store, since, declared_only)

        def nodes_of() -> Iterator[dict[str, Any]]:
            return _iter_nodes(store, since, declared_only)
    else:
        outlets: frozenset[str] = frozenset()
        if level == "outlet":
            from tracer.by_outlet import OUTLET_FIELDS, iter_outlet_edges
            from tracer.outlets import load_index

            fields = OUTLET_FIELDS
            domain_edges = list(iter_outlet_edges(store, since, declared_only))
            outlets = frozenset(load_index(store).patterns.values())
        else:
            fields = DOMAIN_FIELDS
            domain_edges = list(iter_domain_edges(store, since, declared_only))

        def edges_of() -> Iterator[dict[str, Any]]:
            return iter(domain_edges)

        def nodes_of() -> Iterator[dict[str, Any]]:
            return _iter_domain_nodes(domain_edges, level, outlets)

    if fmt == "jsonl":
        return _write_jsonl(out, edges_of(), fields)
    if fmt == "csv":
        return _write_csv(out, edges_of(), fields)
    if fmt == "gexf":
        return _write_gexf(out, nodes_of(), edges_of(), level)
    return _write_dot(out, nodes_of(), edges_of(), level)
