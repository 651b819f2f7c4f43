"""Questions asked of the edge graph: chains upstream (and, later, reposts downstream).

Walks are ``WITH RECURSIVE`` queries over the two indexes on ``edges``
(repost → source and source → repost); a node already on the path is never
visited again, so cycles terminate.
"""

from __future__ import annotations

import json
from typing import Any

from tracer.store import Store
from tracer.urls import domain_of

__all__ = ["MAX_DEPTH", "chains", "known_url"]

MAX_DEPTH = 64
MAX_PATHS = 1000
_SEP = "\x1f"

_UPSTREAM_SQL = f"""
WITH RECURSIVE walk(node, depth, path, hops) AS (
    SELECT :url, 0, '{_SEP}' || :url || '{_SEP}', json_array()
    UNION ALL
    SELECT e.source_url, w.depth + 1, w.path || e.source_url || '{_SEP}',
           json_insert(w.hops, '$[#]', json_array(e.source_url, e.pattern, e.evidence))
    FROM walk AS w JOIN edges AS e ON e.repost_url = w.node
    WHERE w.depth < :max_depth
      AND instr(w.path, '{_SEP}' || e.source_url || '{_SEP}') = 0
    LIMIT :max_rows
)
SELECT node, depth, path, hops FROM walk
"""


def known_url(store: Store, url: str) -> bool:
    """True if ``url`` is a post we stored or either end of an edge."""
    row = store.db.execute(
        "SELECT EXISTS(SELECT 1 FROM posts WHERE url = :u)"
        " OR EXISTS(SELECT 1 FROM edges WHERE repost_url = :u)"
        " OR EXISTS(SELECT 1 FROM edges WHERE source_url = :u)",
        {"u": url},
    ).fetchone()
    return bool(row[0])


def chains(store: Store, url: str, max_depth: int = MAX_DEPTH) -> list[list[dict[str, Any]]]:
    """Every maximal upstream path from ``url``: ``[[post, source, source-of-source…], …]``.

    Each hop is ``{"url", "domain", "pattern", "evidence", "title", "published",
    "cycle_to"}``; the first element is the post itself (pattern None). A path
    that would revisit a node stops there and names the node in ``cycle_to``.
    """
    rows = store.db.execute(
        _UPSTREAM_SQL, {"url": url, "max_depth": max_depth, "max_rows": MAX_PATHS * 8}
    ).fetchall()
    extended = {path.rsplit(_SEP, 2)[0] + _SEP for _node, depth, path, _h in rows if depth > 0}
    ends = [(node, path, hops) for node, _d, path, hops in rows if path not in extended]
    nodes = (
        {url}
        | {node for node, _p, _h in ends}
        | {hop[0] for _n, _p, hops in ends for hop in json.loads(hops)}
    )
    info = _post_info(store, nodes)
    result = []
    for node, path, hops_json in ends[:MAX_PATHS]:
        chain = [_hop(url, None, None, info)]
        for source_url, pattern, evidence in json.loads(hops_json):
            chain.append(_hop(source_url, pattern, evidence, info))
        on_path = set(path.strip(_SEP).split(_SEP))
        loops = store.db.execute(
            "SELECT source_url FROM edges WHERE repost_url = ? ORDER BY source_url", [node]
        ).fetchall()
        back = [src for (src,) in loops if src in on_path]
        chain[-1]["cycle_to"] = back[0] if back else None
        result.append(chain)
    result.sort(key=lambda c: [hop["url"] for hop in c])
    return result


def _post_info(store: Store, urls: set[str]) -> dict[str, dict[str, Any]]:
    rows = store.query(
        "SELECT url, title, published FROM posts WHERE url IN (SELECT value FROM json_each(?))",
        [json.dumps(sorted(urls))],
    )
    return {row["url"]: row for row in rows}


def _hop(
    url: str, pattern: str | None, evidence: str | None, info: dict[str, dict[str, Any]]
) -> dict[str, Any]:
    post = info.get(url, {})
    return {
        "url": url,
        "domain": domain_of(url),
        "pattern": pattern,
        "evidence": evidence,
        "title": post.get("title"),
        "published": post.get("published"),
        "cycle_to": None,
    }
