"""Keep the ``reach`` table exact as edges arrive: which posts reach each origin domain.

``tracer origins`` and ``tracer sites`` aggregate the ``reach`` table instead
of walking the graph (migration 0004). Edges are mirrored as integer
``links`` between ``nodes`` (one per URL, with its domain and whether it
cites anything); :func:`add_edges` updates ``reach`` for newly stored edges
inside the caller's transaction, :func:`rebuild` recomputes everything from
``edges``.

Invariant (outside a transaction): ``reach`` holds one row per (origin
domain D, post P) such that P reaches an origin URL of D by following edges
upstream, i.e. exactly what a downstream walk from every origin URL of D
finds. A new edge A -> B only adds rows (B's domains flow down to A and
everything downstream of A), except when A was an origin until now: then the
posts downstream of A are rechecked for A's domain (:func:`_unreach`).

Every function takes an open connection and never commits: the caller (the
store) owns the transaction.
"""

from __future__ import annotations

import json
import sqlite3

from tracer.urls import url_domain

__all__ = ["add_edges", "rebuild"]


def rebuild(conn: sqlite3.Connection) -> None:
    """Recompute ``domains``, ``nodes``, ``links`` and ``reach`` from ``edges``."""
    for table in ("reach", "links", "nodes"):
        conn.execute(f"DELETE FROM {table}")
    rows = conn.execute(
        "SELECT url, max(cites) FROM (SELECT repost_url AS url, 1 AS cites FROM edges"
        " UNION ALL SELECT source_url, 0 FROM edges) GROUP BY url ORDER BY url"
    ).fetchall()
    names = sorted({url_domain(url) for url, _c in rows})
    conn.executemany("INSERT OR IGNORE INTO domains (name) VALUES (?)", [(n,) for n in names])
    ids = dict(conn.execute("SELECT name, id FROM domains"))
    conn.executemany(
        "INSERT INTO nodes (url, domain_id, cites) VALUES (?, ?, ?)",
        [(url, ids[url_domain(url)], cites) for url, cites in rows],
    )
    del rows
    conn.execute(
        "INSERT INTO links (source_id, repost_id)"
        " SELECT s.id, r.id FROM edges AS e JOIN nodes AS s ON s.url = e.source_url"
        " JOIN nodes AS r ON r.url = e.repost_url ORDER BY 1, 2"
    )
    _fill(conn)
    conn.execute("UPDATE reach_state SET stale = 0")


def _fill(conn: sqlite3.Connection) -> None:
    """Insert every reach row by a recursive walk down from all origins (``reach`` empty)."""
    seeds = (
        "SELECT n.domain_id AS domain_id, l.repost_id AS post_id FROM nodes AS n"
        " JOIN links AS l ON l.source_id = n.id WHERE n.cites = 0"
    )
    conn.execute(
        "INSERT INTO reach (domain_id, post_id, site_id)"
        f" WITH RECURSIVE walk(domain_id, post_id) AS ({seeds} UNION"
        " SELECT w.domain_id, l.repost_id FROM walk AS w"
        " JOIN links AS l ON l.source_id = w.post_id)"
        " SELECT w.domain_id, w.post_id, n.domain_id FROM walk AS w"
        " JOIN nodes AS n ON n.id = w.post_id ORDER BY 1, 2"
    )
    conn.execute(f"UPDATE reach SET direct = 1 WHERE (domain_id, post_id) IN ({seeds})")


def _nodes(conn: sqlite3.Connection, urls: set[str]) -> dict[str, list[int]]:
    """``url -> [id, domain id, cites]`` for ``urls``, creating missing nodes (cites = 0)."""
    sql = (
        "SELECT url, id, domain_id, cites FROM nodes"
        " WHERE url IN (SELECT value FROM json_each(?))"
    )
    found = {url: [i, d, c] for url, i, d, c in conn.execute(sql, [json.dumps(list(urls))])}
    missing = [url for url in urls if url not in found]
    if missing:
        names = {url: url_domain(url) for url in missing}
        conn.executemany(
            "INSERT OR IGNORE INTO domains (name) VALUES (?)",
            [(n,) for n in set(names.values())],
        )
        conn.executemany(
            "INSERT INTO nodes (url, domain_id) SELECT ?, id FROM domains WHERE name = ?",
            [(url, name) for url, name in names.items()],
        )
        for url, i, d, c in conn.execute(sql, [json.dumps(missing)]):
            found[url] = [i, d, c]
    return found


def add_edges(conn: sqlite3.Connection, new: list[tuple[str, str]]) -> None:
    """Add newly inserted edges (repost, source) to ``links`` and keep ``reach`` exact.

    All the new links are written first, then each edge spreads the origin
    domains its source reaches down to its repost and everything downstream
    of it (through every link, so the order of edges does not matter). A
    repost that was an origin until now marks its domain for a recomputation
    from scratch, done last.
    """
    if not new:
        return
    nodes = _nodes(conn, {url for pair in new for url in pair})
    conn.executemany(
        "INSERT OR IGNORE INTO links (source_id, repost_id) VALUES (?, ?)",
        [(nodes[source][0], nodes[repost][0]) for repost, source in new],
    )
    reposts = {repost for repost, _s in new}
    cited = {
        node_id
        for (node_id,) in conn.execute(
            "SELECT DISTINCT source_id FROM links"
            " WHERE source_id IN (SELECT value FROM json_each(?))",
            [json.dumps([nodes[url][0] for url in reposts])],
        )
    }
    lost: dict[int, list[int]] = {}  # domain -> its nodes that stop being origins
    now_citing = [nodes[url] for url in reposts if not nodes[url][2]]
    conn.executemany("UPDATE nodes SET cites = 1 WHERE id = ?", [(n[0],) for n in now_citing])
    for node in now_citing:
        if node[0] in cited:
            lost.setdefault(node[1], []).append(node[0])  # an origin until now
        node[2] = 1
    for repost, source in new:
        a, a_domain, _c = nodes[repost]
        b, b_domain, b_cites = nodes[source]
        if not b_cites:
            domains = [(b_domain, 1)]
        else:
            domains = conn.execute(
                "SELECT domain_id, 0 FROM reach WHERE post_id = ?", [b]
            ).fetchall()
        for domain_id, direct in domains:
            _spread(conn, domain_id, a, a_domain, direct, a in cited)
    for domain_id, former in lost.items():
        _unreach(conn, domain_id, former)


def _unreach(conn: sqlite3.Connection, domain_id: int, former: list[int]) -> None:
    """Fix ``domain_id``'s reach after the origins ``former`` started citing something.

    Only posts downstream of them can lose the domain: their rows are
    deleted, then each gets it back if it still cites an origin URL of the
    domain or a post outside that set which reaches it, and spreads it
    down again from there.
    """
    suspects: set[int] = set()
    frontier = list(former)
    while frontier:
        node = frontier.pop()
        for (post,) in conn.execute(
            "SELECT l.repost_id FROM links AS l JOIN reach AS r ON r.domain_id = ?"
            " AND r.post_id = l.repost_id WHERE l.source_id = ?",
            [domain_id, node],
        ).fetchall():
            if post not in suspects:
                suspects.add(post)
                frontier.append(post)
    if not suspects:
        return
    conn.executemany(
        "DELETE FROM reach WHERE domain_id = ? AND post_id = ?",
        [(domain_id, post) for post in suspects],
    )
    keep = []
    for post in suspects:
        row = conn.execute(
            "SELECT n.domain_id,"
            " max(s.cites = 0 AND s.domain_id = :d),"
            " max(EXISTS (SELECT 1 FROM reach AS r WHERE r.domain_id = :d"
            "   AND r.post_id = s.id))"
            " FROM nodes AS n JOIN edges AS e ON e.repost_url = n.url"
            " JOIN nodes AS s ON s.url = e.source_url WHERE n.id = :p",
            {"d": domain_id, "p": post},
        ).fetchone()
        if row and (row[1] or row[2]):
            keep.append((post, row[0], int(row[1])))
    for post, site_id, direct in keep:
        _spread(conn, domain_id, post, site_id, direct, True)


def _spread(
    conn: sqlite3.Connection,
    domain_id: int,
    start: int,
    site_id: int,
    direct: int,
    has_citers: bool,
) -> None:
    """Record that ``start`` and everything downstream of it reach ``domain_id``."""
    cursor = conn.execute(
        "INSERT OR IGNORE INTO reach (domain_id, post_id, site_id, direct) VALUES (?, ?, ?, ?)",
        [domain_id, start, site_id, direct],
    )
    if cursor.rowcount != 1:  # already there, and so is everything downstream of it
        if direct:
            conn.execute(
                "UPDATE reach SET direct = 1 WHERE domain_id = ? AND post_id = ?",
                [domain_id, start],
            )
        return
    frontier = [start] if has_citers else []
    while frontier:
        node = frontier.pop()
        for post, site in conn.execute(
            "SELECT l.repost_id, n.domain_id FROM links AS l JOIN nodes AS n"
            " ON n.id = l.repost_id WHERE l.source_id = ? AND NOT EXISTS"
            " (SELECT 1 FROM reach AS r WHERE r.domain_id = ? AND r.post_id = l.repost_id)",
            [node, domain_id],
        ).fetchall():
            cursor = conn.execute(
                "INSERT OR IGNORE INTO reach (domain_id, post_id, site_id) VALUES (?, ?, ?)",
                [domain_id, post, site],
            )
            if cursor.rowcount == 1:
                frontier.append(post)
