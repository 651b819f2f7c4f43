"""The reach tables: who reaches each origin domain, kept exact as edges come and go.

Two *layers* of the same tables exist (migrations 0004 and 0005): :data:`ALL`
(``nodes``, ``links``, ``reach``) covers every edge, declared and inferred;
:data:`DECLARED` (``declared_nodes``, ``declared_links``, ``declared_reach``)
covers declared edges only, for ``--declared-only``. :class:`ReachIndex`
maintains one layer inside the caller's transaction.

Every function takes the store's engine (:class:`tracer.engine.Engine`,
SQLite or PostgreSQL) and never commits: the caller (the store) owns the
transaction.

Invariant (outside a transaction): a layer's ``reach`` holds one row per
(origin domain D, post P) such that P reaches an origin URL of D by following
the layer's edges upstream, i.e. exactly what a downstream walk from every
origin URL of D finds. A new edge A -> B only adds rows (B's domains flow down
to A and everything downstream of A), except when A was an origin until now:
then the posts downstream of A are rechecked for A's domain (``_unreach``).
A removed edge A -> B (an inferred edge re-pointed to an earlier post)
rechecks A and everything downstream of it for each domain A reached, and A
becomes an origin if it cites nothing any more.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

from tracer.engine import Engine
from tracer.engine.queries import INT_IN, LOCK_REACH, PLAN_EACH_CALL, TEXT_IN
from tracer.engine.sqlite import all_numbered, id_mark
from tracer.exceptions import StorageError
from tracer.urls import url_domain

__all__ = [
    "ALL",
    "DECLARED",
    "LAYERS",
    "UPGRADED",
    "Layer",
    "ReachIndex",
    "add_edges",
    "is_stale",
    "lock",
    "move_sources",
    "rebuild",
    "remove_edges",
]


@dataclass(frozen=True, slots=True)
class Layer:
    """The tables of one layer and the SQL condition its edges (alias ``e``) meet."""

    nodes: str
    links: str
    reach: str
    kinds: str  # e.g. " AND e.kind = 'declared'"; "" for every edge

    def keeps(self, kind: str) -> bool:
        """Whether an edge of ``kind`` joining the store enters this layer."""
        if kind == UPGRADED:  # in the layer of every edge already
            return bool(self.kinds)
        return not self.kinds or kind == "declared"


UPGRADED = "upgraded"
"""The kind given to :func:`add_edges` for an inferred edge that became declared (a
declared edge of the same pair came, :meth:`tracer.store.Store._declared_wins`): it
enters the declared layer only, being in the layer of every edge already."""

ALL = Layer("nodes", "links", "reach", "")
DECLARED = Layer("declared_nodes", "declared_links", "declared_reach", " AND e.kind = 'declared'")
LAYERS = (ALL, DECLARED)


def lock(conn: Engine) -> None:
    """Wait for the sole right to move edges and to write the reach tables, until the
    transaction ends; then bring the reach tables and matching up to date (the queue of
    :mod:`tracer.upkeep`).

    Called first by every transaction that moves or rebuilds edges (a resolve
    batch, a rematch batch, a rebuild), before it touches them: no poller's feed
    writes edges meanwhile (each takes the edge lock shared) and nobody else
    does reach or matching upkeep. On SQLite the write transaction holds the
    database's write lock already; the queue is drained all the same (empty
    unless ``copy-db`` brought one from PostgreSQL).
    """
    conn.execute(conn.sql(LOCK_REACH))
    from tracer import upkeep
    from tracer.store import Store
    from tracer.timeutil import format_time, utcnow

    if upkeep.pending(conn):
        store = Store(conn)
        upkeep.drain(store, format_time(utcnow()))
        store.flush_matching()  # SQLite keeps index rows in memory until a flush


def is_stale(conn: Engine) -> bool:
    """True when the reach tables must be rebuilt (a migration just created them, or a
    rebuild was cut)."""
    row = conn.execute("SELECT max(stale) FROM reach_state").fetchone()
    return bool(row and row[0])


def rebuild(conn: Engine) -> None:
    """Recompute both layers from ``edges`` (inside the caller's transaction)."""
    for layer in LAYERS:
        ReachIndex(conn, layer).rebuild()
    conn.execute("UPDATE reach_state SET stale = 0")


def add_edges(conn: Engine, new: list[tuple[str, str]], kinds: list[str] | None = None) -> None:
    """Add newly stored edges (repost, source) of the given kinds (default: declared) to
    the layers that keep them (:meth:`Layer.keeps`; :data:`UPGRADED`: the declared layer)."""
    if not new:
        return
    kinds = kinds or ["declared"] * len(new)
    work = []
    for layer in LAYERS:
        kept = {kind for kind in set(kinds) if layer.keeps(kind)}
        pairs = [p for p, kind in zip(new, kinds, strict=True) if kind in kept]
        work.append((ReachIndex(conn, layer), pairs))
    if conn.name == "postgresql":  # the layers' statements merged: fewer round trips
        _add_together(conn, [(index, pairs) for index, pairs in work if pairs])
        return
    domains: dict[str, int] = {}  # url -> domain id, shared by the layers
    for index, pairs in work:
        index.add(pairs, domains)


def remove_edges(conn: Engine, gone: list[tuple[str, str]]) -> None:
    """Take inferred edges, already deleted from ``edges``, out of the layers that have them."""
    for layer in LAYERS:
        if layer.keeps("inferred"):
            ReachIndex(conn, layer).remove(gone)


_ROWS_PER_INSERT = 500  # multi-row INSERTs stay under both engines' parameter limits


def domain_ids(conn: Engine, names: list[str]) -> dict[str, int]:
    """``name -> id`` in ``domains`` for ``names``, inserting those not there yet (in
    their order; one statement per :data:`_ROWS_PER_INSERT`, not one per name)."""
    for start in range(0, len(names), _ROWS_PER_INSERT):
        chunk = names[start : start + _ROWS_PER_INSERT]
        conn.execute(
            "INSERT OR IGNORE INTO domains (name) VALUES " + ", ".join(["(?)"] * len(chunk)),
            chunk,
        )
    names_in = conn.sql(TEXT_IN).format(p="?")
    rows = conn.execute(
        f"SELECT name, id FROM domains WHERE name {names_in}", [json.dumps(list(names))]
    )
    return {name: int(domain_id) for name, domain_id in rows}


class ReachIndex:
    """One layer's ``nodes``, ``links`` and ``reach``, updated by the caller's transaction."""

    def __init__(self, conn: Engine, layer: Layer) -> None:
        self.conn = conn
        self.layer = layer

    def rebuild(self) -> None:
        """Recompute the layer from ``edges`` (inside the caller's transaction)."""
        conn, lay = self.conn, self.layer
        for table in (lay.reach, lay.links, lay.nodes):
            conn.execute(f"DELETE FROM {table}")
        rows = conn.execute(
            "SELECT url, max(cites) FROM (SELECT e.repost_url AS url, 1 AS cites FROM edges AS e"
            f" WHERE 1 = 1{lay.kinds} UNION ALL SELECT e.source_url, 0 FROM edges AS e"
            f" WHERE 1 = 1{lay.kinds}) AS u GROUP BY url ORDER BY url"
        ).fetchall()
        names = sorted({url_domain(url) for url, _c in rows})
        conn.executemany("INSERT OR IGNORE INTO domains (name) VALUES (?)", [(n,) for n in names])
        ids = dict(conn.execute("SELECT name, id FROM domains"))
        conn.executemany(
            f"INSERT INTO {lay.nodes} (url, domain_id, cites) VALUES (?, ?, ?)",
            [(url, ids[url_domain(url)], cites) for url, cites in rows],
        )
        del rows
        conn.execute(
            f"INSERT INTO {lay.links} (source_id, repost_id)"
            f" SELECT s.id, r.id FROM edges AS e JOIN {lay.nodes} AS s ON s.url = e.source_url"
            f" JOIN {lay.nodes} AS r ON r.url = e.repost_url WHERE 1 = 1{lay.kinds} ORDER BY 1, 2"
        )
        self._fill()

    def _fill(self) -> None:
        """Insert every reach row by a recursive walk down from all origins (``reach`` empty)."""
        lay = self.layer
        seeds = (
            f"SELECT n.domain_id AS domain_id, l.repost_id AS post_id FROM {lay.nodes} AS n"
            f" JOIN {lay.links} AS l ON l.source_id = n.id WHERE n.cites = 0"
        )
        self.conn.execute(
            f"INSERT INTO {lay.reach} (domain_id, post_id, site_id)"
            f" WITH RECURSIVE walk(domain_id, post_id) AS ({seeds} UNION"
            f" SELECT w.domain_id, l.repost_id FROM walk AS w"
            f" JOIN {lay.links} AS l ON l.source_id = w.post_id)"
            f" SELECT w.domain_id, w.post_id, n.domain_id FROM walk AS w"
            f" JOIN {lay.nodes} AS n ON n.id = w.post_id ORDER BY 1, 2"
        )
        self.conn.execute(
            f"UPDATE {lay.reach} SET direct = 1 WHERE (domain_id, post_id) IN ({seeds})"
        )

    def _nodes(
        self,
        urls: set[str],
        create: bool = True,
        citing: set[str] | frozenset[str] = frozenset(),
        domains: dict[str, int] | None = None,
    ) -> dict[str, list[int]]:
        """``url -> [id, domain id, cites]`` for ``urls``, creating missing nodes.

        A node created here has ``cites = 1`` when its URL is in ``citing``
        (the reposts of the edges being added), else 0. ``domains`` (url ->
        domain id) is filled and reused, so layers share the lookups.
        """
        return self._nodes_made(urls, create, citing, domains)[0]

    def _nodes_made(
        self,
        urls: set[str],
        create: bool = True,
        citing: set[str] | frozenset[str] = frozenset(),
        domains: dict[str, int] | None = None,
    ) -> tuple[dict[str, list[int]], list[str]]:
        """:meth:`_nodes`, and the URLs of the nodes it created."""
        conn, nodes = self.conn, self.layer.nodes
        urls_in = conn.sql(TEXT_IN).format(p="?")
        sql = f"SELECT url, id, domain_id, cites FROM {nodes} WHERE url {urls_in}"
        found = {url: [i, d, c] for url, i, d, c in conn.execute(sql, [json.dumps(list(urls))])}
        missing = sorted(urls.difference(found))  # ids: not set order
        if missing and create:
            known = {} if domains is None else domains
            unknown = {url: url_domain(url) for url in missing if url not in known}
            if unknown:
                # sorted: new ids never follow a set's order (it changes with PYTHONHASHSEED)
                ids = domain_ids(conn, sorted(set(unknown.values())))
                known.update((url, ids[name]) for url, name in unknown.items())
            if conn.name == "sqlite":
                self._create_nodes(missing, known, citing, found)
                return found, missing
            # RETURNING gives each new node's id: no second lookup by URL
            for start in range(0, len(missing), _ROWS_PER_INSERT):
                chunk = missing[start : start + _ROWS_PER_INSERT]
                cursor = conn.execute(
                    f"INSERT INTO {nodes} (url, domain_id, cites) VALUES "
                    + ", ".join(["(?, ?, ?)"] * len(chunk))
                    + " RETURNING url, id, domain_id, cites",
                    [v for url in chunk for v in (url, known[url], int(url in citing))],
                )
                for url, i, d, c in cursor.fetchall():
                    found[url] = [i, d, c]
            return found, missing
        return found, []

    def _create_nodes(
        self,
        missing: list[str],
        domains: dict[str, int],
        citing: set[str] | frozenset[str],
        found: dict[str, list[int]],
    ) -> None:
        """SQLite: insert the nodes of ``missing`` (in that order) and put them in ``found``.

        Nothing is read back: the nodes of ``missing`` get the ids after the largest
        before them, in order (:func:`tracer.engine.sqlite.all_numbered` checks it);
        if not (a node holds the largest possible id and SQLite picks ids at random),
        they are looked up by URL."""
        conn, nodes = self.conn, self.layer.nodes
        mark = id_mark(conn, nodes)
        rows = [(url, domains[url], int(url in citing)) for url in missing]
        last = mark[1]
        for start in range(0, len(rows), _ROWS_PER_INSERT):
            chunk = rows[start : start + _ROWS_PER_INSERT]
            cursor = conn.execute(
                f"INSERT INTO {nodes} (url, domain_id, cites) VALUES "
                + ", ".join(["(?, ?, ?)"] * len(chunk)),
                [value for row in chunk for value in row],
            )
            last = cursor.lastrowid
        if all_numbered(mark, last, len(rows)):
            for node_id, (url, domain_id, cites) in enumerate(rows, mark[0] + 1):
                found[url] = [node_id, domain_id, cites]
            return
        urls_in = conn.sql(TEXT_IN).format(p="?")
        sql = f"SELECT url, id, domain_id, cites FROM {nodes} WHERE url {urls_in}"
        found.update((u, [i, d, c]) for u, i, d, c in conn.execute(sql, [json.dumps(missing)]))

    def add(self, new: list[tuple[str, str]], url_domains: dict[str, int] | None = None) -> None:
        """Add newly inserted edges (repost, source) to ``links`` and keep ``reach`` exact.

        All the new links are written first, then each edge spreads the
        origin domains its source reaches down to its repost and everything
        downstream of it (through every link, so the order of edges does not
        matter). A repost that was an origin until now marks its domain for
        a recomputation from scratch, done last. A repost new to the layer is
        created citing: it was never an origin, nothing to recompute.
        ``url_domains`` (url -> domain id) is shared with the other layer's call.
        """
        if not new:
            return
        conn, lay = self.conn, self.layer
        reposts = {repost for repost, _s in new}
        sources = {source for _r, source in new}
        urls = {url for pair in new for url in pair}
        nodes, made = self._nodes_made(urls, citing=reposts, domains=url_domains)
        self._insert_links([(nodes[source][0], nodes[repost][0]) for repost, source in new])
        # The reposts some link cites. A node created just now is cited only by the
        # links just written (no stored link names an id that had no node): by the
        # edges whose source it is. The others are looked up.
        made_reposts = reposts.intersection(made)
        cited = {nodes[url][0] for url in made_reposts & sources}
        older = [nodes[url][0] for url in reposts - made_reposts]
        if older:
            cited.update(
                node_id
                for (node_id,) in conn.execute(
                    f"SELECT DISTINCT source_id FROM {lay.links}"
                    f" WHERE source_id {conn.sql(INT_IN).format(p='?')}",
                    [json.dumps(older)],
                )
            )
        lost = self._mark_citing(nodes, reposts, cited)
        first = _first_rows(new, nodes, cited, self._reach_of)
        if conn.name == "sqlite":  # the rows of posts nothing cites: nothing read back
            self._put_reach([(d, a, s, dr) for (d, a), (s, dr, c) in first.items() if not c])
            first = {key: row for key, row in first.items() if row[2]}
        inserted = self._insert_reach(
            [(d, a, site, direct) for (d, a), (site, direct, _c) in first.items()]
        )
        self._finish_add(first, inserted, lost)

    def _insert_links(self, links: list[tuple[int, int]]) -> None:
        """Insert the layer's links ``(source id, repost id)`` not there yet."""
        conn, table = self.conn, self.layer.links
        for start in range(0, len(links), _ROWS_PER_INSERT):
            chunk = links[start : start + _ROWS_PER_INSERT]
            conn.execute(
                f"INSERT INTO {table} (source_id, repost_id) VALUES "
                + ", ".join(["(?, ?)"] * len(chunk))
                + " ON CONFLICT DO NOTHING",
                [value for pair in chunk for value in pair],
            )

    def _put_reach(self, rows: list[tuple[int, int, int, int]]) -> None:
        """SQLite: insert reach rows ``(domain, post, site, direct)``, and mark direct those
        there already that are given direct (as :meth:`_finish_add` does for the rows of
        posts nothing cites, which have nothing below them to spread to)."""
        for start in range(0, len(rows), _ROWS_PER_INSERT):
            chunk = rows[start : start + _ROWS_PER_INSERT]
            self.conn.execute(
                f"INSERT INTO {self.layer.reach} (domain_id, post_id, site_id, direct) VALUES "
                + ", ".join(["(?, ?, ?, ?)"] * len(chunk))
                + " ON CONFLICT (domain_id, post_id)"
                " DO UPDATE SET direct = 1 WHERE excluded.direct = 1 AND direct = 0",
                [value for row in chunk for value in row],
            )

    def _reach_of(self, node_id: int) -> list[tuple[int, int]]:
        """``(domain, 0)`` for each origin domain node ``node_id`` reaches."""
        return [
            (int(d), int(z))
            for d, z in self.conn.execute(
                f"SELECT domain_id, 0 FROM {self.layer.reach} WHERE post_id = ?", [node_id]
            ).fetchall()
        ]

    def _mark_citing(
        self, nodes: dict[str, list[int]], reposts: set[str], cited: set[int]
    ) -> dict[int, list[int]]:
        """Set ``cites`` on the reposts that cited nothing until now; their domain -> those
        of them that were origins (something cites them), to recheck (:meth:`_unreach`)."""
        lost: dict[int, list[int]] = {}  # domain -> its nodes that stop being origins
        now_citing = [nodes[url] for url in reposts if not nodes[url][2]]
        if now_citing:
            self.conn.execute(
                f"UPDATE {self.layer.nodes} SET cites = 1"
                f" WHERE id {self.conn.sql(INT_IN).format(p='?')}",
                [json.dumps([n[0] for n in now_citing])],
            )
        for node in now_citing:
            if node[0] in cited:
                lost.setdefault(node[1], []).append(node[0])  # an origin until now
            node[2] = 1
        return lost

    def _finish_add(
        self,
        first: dict[tuple[int, int], list[int]],
        inserted: set[tuple[int, int]],
        lost: dict[int, list[int]],
    ) -> None:
        """After the first reach rows of new edges are in: spread those new to their post
        on down, mark the others direct where they now are, recheck former origins."""
        now_direct: list[tuple[int, int]] = []
        for (domain_id, a), (_site, direct, has_citers) in first.items():
            if (domain_id, a) not in inserted:
                if direct:  # already there (and so is everything downstream of it)
                    now_direct.append((domain_id, a))
            elif has_citers:
                self._spread_below(domain_id, a)
        self._set_direct(now_direct)
        for domain_id, former in lost.items():
            self._unreach(domain_id, former)

    def remove(self, gone: list[tuple[str, str]]) -> None:
        """Take edges (repost, source) already deleted from ``edges`` out of the layer."""
        if not gone:
            return
        conn, lay = self.conn, self.layer
        nodes = self._nodes({url for pair in gone for url in pair}, create=False)
        for repost, source in gone:
            if repost not in nodes or source not in nodes:
                continue
            a, a_domain, _c = nodes[repost]
            b = nodes[source][0]
            conn.execute(f"DELETE FROM {lay.links} WHERE source_id = ? AND repost_id = ?", [b, a])
            reached = [
                d
                for (d,) in conn.execute(
                    f"SELECT domain_id FROM {lay.reach} WHERE post_id = ?", [a]
                )
            ]
            still_cites = self._cites(repost)
            if not still_cites:
                conn.execute(f"UPDATE {lay.nodes} SET cites = 0 WHERE id = ?", [a])
            for domain_id in reached:
                self._unreach(domain_id, [a], include_start=True)
            citers = conn.execute(
                f"SELECT l.repost_id, n.domain_id FROM {lay.links} AS l"
                f" JOIN {lay.nodes} AS n ON n.id = l.repost_id WHERE l.source_id = ?",
                [a],
            ).fetchall()
            if not still_cites:  # an origin now: its domain flows down to its citers
                for citer, site in citers:
                    self._spread(a_domain, citer, site, 1, True)
            for node_id, url in ((a, repost), (b, source)):
                if (
                    not self._cites(url)
                    and not conn.execute(
                        f"SELECT 1 FROM {lay.links} WHERE source_id = ? LIMIT 1", [node_id]
                    ).fetchone()
                ):
                    conn.execute(f"DELETE FROM {lay.nodes} WHERE id = ?", [node_id])

    def _cites(self, url: str) -> bool:
        row = self.conn.execute(
            f"SELECT 1 FROM edges AS e WHERE e.repost_url = ?{self.layer.kinds} LIMIT 1", [url]
        ).fetchone()
        return row is not None

    def _unreach(self, domain_id: int, former: list[int], include_start: bool = False) -> None:
        """Fix ``domain_id``'s reach after ``former`` lost a way to it.

        Without ``include_start``: the origins ``former`` started citing
        something, so only posts downstream of them can lose the domain. With
        it: ``former`` lost an edge, so they are suspects too. The suspects'
        rows are deleted, then each gets it back if it still cites an origin
        URL of the domain or a post outside that set which reaches it, and
        spreads it down again from there.
        """
        conn, lay = self.conn, self.layer
        suspects: set[int] = set(former) if include_start else set()
        frontier = list(former)
        while frontier:
            node = frontier.pop()
            for (post,) in conn.execute(
                f"SELECT l.repost_id FROM {lay.links} AS l JOIN {lay.reach} AS r"
                " ON r.domain_id = ? AND r.post_id = l.repost_id WHERE l.source_id = ?",
                [domain_id, node],
            ).fetchall():
                if post not in suspects:
                    suspects.add(post)
                    frontier.append(post)
        if not suspects:
            return
        conn.executemany(
            f"DELETE FROM {lay.reach} WHERE domain_id = ? AND post_id = ?",
            [(domain_id, post) for post in suspects],
        )
        keep = []
        for post in suspects:
            row = conn.execute(
                "SELECT min(n.domain_id),"
                " max(CASE WHEN s.cites = 0 AND s.domain_id = :d THEN 1 ELSE 0 END),"
                f" max(CASE WHEN EXISTS (SELECT 1 FROM {lay.reach} AS r WHERE r.domain_id = :d"
                "   AND r.post_id = s.id) THEN 1 ELSE 0 END)"
                f" FROM {lay.nodes} AS n JOIN edges AS e ON e.repost_url = n.url{lay.kinds}"
                f" JOIN {lay.nodes} AS s ON s.url = e.source_url WHERE n.id = :p",
                {"d": domain_id, "p": post},
            ).fetchone()
            if row and (row[1] or row[2]):
                keep.append((post, row[0], int(row[1])))
        for post, site_id, direct in keep:
            self._spread(domain_id, post, site_id, direct, True)

    def _set_direct(self, pairs: list[tuple[int, int]]) -> None:
        """Mark the reach rows ``(domain, post)`` direct, a few hundred per statement."""
        for start in range(0, len(pairs), 500):
            chunk = pairs[start : start + 500]
            self.conn.execute(
                f"UPDATE {self.layer.reach} SET direct = 1 WHERE direct = 0"
                " AND (domain_id, post_id) IN (VALUES " + ", ".join(["(?, ?)"] * len(chunk)) + ")",
                [value for pair in chunk for value in pair],
            )

    def _insert_reach(self, rows: list[tuple[int, int, int, int]]) -> set[tuple[int, int]]:
        """Insert ``(domain, post, site, direct)`` rows not there yet; the pairs inserted."""
        inserted: set[tuple[int, int]] = set()
        for start in range(0, len(rows), _ROWS_PER_INSERT):
            chunk = rows[start : start + _ROWS_PER_INSERT]
            cursor = self.conn.execute(
                f"INSERT INTO {self.layer.reach} (domain_id, post_id, site_id, direct) VALUES "
                + ", ".join(["(?, ?, ?, ?)"] * len(chunk))
                + " ON CONFLICT DO NOTHING RETURNING domain_id, post_id",
                [value for row in chunk for value in row],
            )
            inserted.update((d, p) for d, p in cursor.fetchall())
        return inserted

    def _spread(
        self, domain_id: int, start: int, site_id: int, direct: int, has_citers: bool
    ) -> None:
        """Record that ``start`` and everything downstream of it reach ``domain_id``."""
        conn, lay = self.conn, self.layer
        cursor = conn.execute(
            f"INSERT OR IGNORE INTO {lay.reach} (domain_id, post_id, site_id, direct)"
            " VALUES (?, ?, ?, ?)",
            [domain_id, start, site_id, direct],
        )
        if cursor.rowcount != 1:  # already there, and so is everything downstream of it
            if direct:
                conn.execute(
                    f"UPDATE {lay.reach} SET direct = 1 WHERE domain_id = ? AND post_id = ?",
                    [domain_id, start],
                )
            return
        if has_citers:
            self._spread_below(domain_id, start)

    def _spread_below(self, domain_id: int, start: int) -> None:
        """Give ``domain_id`` to everything downstream of ``start`` (which has it) lacking it."""
        conn, lay = self.conn, self.layer
        frontier = [start]
        while frontier:
            node = frontier.pop()
            for post, site in conn.execute(
                f"SELECT l.repost_id, n.domain_id FROM {lay.links} AS l JOIN {lay.nodes} AS n"
                " ON n.id = l.repost_id WHERE l.source_id = ? AND NOT EXISTS"
                f" (SELECT 1 FROM {lay.reach} AS r WHERE r.domain_id = ?"
                " AND r.post_id = l.repost_id)",
                [node, domain_id],
            ).fetchall():
                cursor = conn.execute(
                    f"INSERT OR IGNORE INTO {lay.reach} (domain_id, post_id, site_id)"
                    " VALUES (?, ?, ?)",
                    [domain_id, post, site],
                )
                if cursor.rowcount == 1:
                    frontier.append(post)


def _first_rows(
    new: list[tuple[str, str]],
    nodes: dict[str, list[int]],
    cited: set[int],
    reach_of: Callable[[int], list[tuple[int, int]]],
) -> dict[tuple[int, int], list[int]]:
    """The first reach rows of new edges: ``(domain, A) -> [A's site, direct, A is cited]``.

    Each edge A -> B gives A the origin domains B reaches (``reach_of(B)``;
    B's own domain, direct, when B is an origin); only the rows new to A then
    spread on down from A (:meth:`ReachIndex._finish_add`). Links are all
    written before any spreads, so the order of edges does not matter.
    """
    first: dict[tuple[int, int], list[int]] = {}
    for repost, source in new:
        a, a_domain, _c = nodes[repost]
        b, b_domain, b_cites = nodes[source]
        if not b_cites:  # an origin: its own domain, direct (most edges)
            entry = first.get((b_domain, a))
            if entry is None:
                first[(b_domain, a)] = [a_domain, 1, int(a in cited)]
            else:
                entry[1] = 1
            continue
        for domain_id, direct in reach_of(b):
            entry = first.setdefault((domain_id, a), [a_domain, 0, int(a in cited)])
            entry[1] = max(entry[1], direct)
    return first


def _add_together(conn: Engine, work: list[tuple[ReachIndex, list[tuple[str, str]]]]) -> None:
    """:meth:`ReachIndex.add` for several layers at once, on PostgreSQL, in fewer round trips.

    The same steps and rows as one ``add`` per layer, but each step is one
    statement for every layer (tagged by the layer's position): the nodes
    (with whether a link cites each already), the missing nodes with their
    domains, the reach of the sources that cite, then the links and the first
    reach rows together. A feed's edges cost about 4 round trips instead of
    12, all of them inside the transaction that holds :func:`lock`, which
    every poller takes turns on (issue 16). The rare steps (an origin that
    starts citing, rows to spread further down) run per layer as in ``add``.
    """
    if not work:
        return
    # the URLs as one text[] (sent in binary: tracer.engine.postgres.encoded_array), not
    # TEXT_IN's JSON, which the server parsed for each layer (~40,000 URLs a cold drain)
    urls_in = f"= ANY(CAST(? AS text[])){PLAN_EACH_CALL}"
    everything = sorted({url for _i, new in work for pair in new for url in pair})
    lookup = " UNION ALL ".join(
        f"SELECT {tag}, n.url, n.id, n.domain_id, n.cites, EXISTS (SELECT 1 FROM"
        f" {index.layer.links} AS l WHERE l.source_id = n.id) FROM {index.layer.nodes} AS n"
        f" WHERE n.url {urls_in}"
        for tag, (index, _new) in enumerate(work)
    )
    found: list[dict[str, list[int]]] = [{} for _w in work]
    linked: list[set[int]] = [set() for _w in work]  # nodes some stored link cites
    for tag, url, node_id, domain_id, cites, has_link in conn.execute(
        lookup, [everything] * len(work)
    ):
        found[tag][url] = [int(node_id), int(domain_id), int(cites)]
        if has_link:
            linked[tag].add(int(node_id))
    reposts = [{repost for repost, _s in new} for _i, new in work]
    absent = [
        (tag, url)
        for tag, (_index, new) in enumerate(work)
        for url in sorted({url for pair in new for url in pair})
        if url not in found[tag]
    ]
    # each URL's domain once, not once per layer (a cold poll: every node in both)
    names = {url: url_domain(url) for url in dict.fromkeys(url for _tag, url in absent)}
    missing = [(tag, url, names[url], int(url in reposts[tag])) for tag, url in absent]
    if missing:
        for tag, url, node_id, domain_id, cites in _create_nodes(conn, work, missing):
            found[tag][url] = [int(node_id), int(domain_id), int(cites)]
    plans = []
    for tag, (index, new) in enumerate(work):
        nodes = found[tag]
        cited = {nodes[url][0] for url in reposts[tag] if nodes[url][0] in linked[tag]}
        cited |= {nodes[source][0] for _r, source in new if source in reposts[tag]}
        lost = index._mark_citing(nodes, reposts[tag], cited)
        plans.append((nodes, cited, lost))
    reached: list[dict[int, list[tuple[int, int]]]] = [{} for _w in work]
    wanted = [
        sorted({nodes[source][0] for _r, source in new if nodes[source][2]})
        for (_index, new), (nodes, _c, _l) in zip(work, plans, strict=True)
    ]
    if any(wanted):
        ids_in = conn.sql(INT_IN).format(p="?")
        sql = " UNION ALL ".join(
            f"SELECT {tag}, post_id, domain_id FROM {index.layer.reach} WHERE post_id {ids_in}"
            for tag, (index, _new) in enumerate(work)
        )
        for tag, post_id, domain_id in conn.execute(sql, [json.dumps(ids) for ids in wanted]):
            reached[tag].setdefault(int(post_id), []).append((int(domain_id), 0))
    firsts = [
        _first_rows(new, nodes, cited, partial(_reach_in, got))
        for got, (_index, new), (nodes, cited, _l) in zip(reached, work, plans, strict=True)
    ]
    links = [
        [(nodes[source][0], nodes[repost][0]) for repost, source in new]
        for (_index, new), (nodes, _c, _l) in zip(work, plans, strict=True)
    ]
    rows = [
        [(d, a, site, direct) for (d, a), (site, direct, _c) in first.items()] for first in firsts
    ]
    inserted = _insert_links_and_reach(conn, work, links, rows)
    for tag, (index, _new) in enumerate(work):
        index._finish_add(firsts[tag], inserted[tag], plans[tag][2])


def _reach_in(got: dict[int, list[tuple[int, int]]], node_id: int) -> list[tuple[int, int]]:
    return got.get(node_id, [])


def _create_nodes(
    conn: Engine,
    work: list[tuple[ReachIndex, list[tuple[str, str]]]],
    missing: list[tuple[int, str, str, int]],
) -> list[tuple[int, str, int, int, int]]:
    """Insert nodes ``(layer tag, url, domain name, cites)`` and the domains not stored yet,
    in one statement (the rows as arrays: one text whatever their number, planned once);
    ``(tag, url, id, domain id, cites)`` of each (PostgreSQL). New ids follow the byte
    order of the names and URLs (``COLLATE "C"``, as SQLite's and Python's sorts), not
    the database's default collation (slower to sort: ICU, or the locale's).

    The domains' CTE ``d`` is ``MATERIALIZED``: read by one layer only (inferred edges
    alone: a drain's matching, ``rematch``), PostgreSQL would inline it, and the generic
    plan of the prepared statement (which expects a few rows from ``unnest``) then ran it
    again for every new node: 5,000 nodes of 300 sites took 1.7 s instead of 50 ms."""
    tags = sorted({row[0] for row in missing})
    ctes = "".join(
        f", n{tag} AS (INSERT INTO {work[tag][0].layer.nodes} (url, domain_id, cites)"
        f" SELECT v.url, d.id, v.cites FROM v JOIN d ON d.name = v.name WHERE v.tag = {tag}"
        f" ORDER BY v.url RETURNING {tag}, url, id, domain_id, cites)"
        for tag in tags
    )
    sql = (
        'WITH v (tag, url, name, cites) AS (SELECT tag, url COLLATE "C", name COLLATE "C",'
        " cites FROM unnest(CAST(? AS integer[]), CAST(? AS text[]), CAST(? AS text[]),"
        " CAST(? AS integer[])) AS u (tag, url, name, cites)),"
        " added AS (INSERT INTO domains (name) SELECT DISTINCT name FROM v ORDER BY name"
        " ON CONFLICT DO NOTHING RETURNING name, id),"
        " d AS MATERIALIZED (SELECT name, id FROM added UNION ALL"
        " SELECT name, id FROM domains WHERE name IN (SELECT name FROM v))"
        f"{ctes} " + " UNION ALL ".join(f"SELECT * FROM n{tag}" for tag in tags)
    )
    columns = [list(column) for column in zip(*missing, strict=True)]
    rows = [tuple(row) for row in conn.execute(sql, columns)]
    if len(rows) < len(missing):
        # A domain committed by another transaction after this statement's snapshot
        # (every writer of domains holds the lock, so never in practice): the
        # statement again, with a snapshot that sees it.
        if not rows:
            raise StorageError(f"reach: could not create the nodes of {missing[0][1]!r}")
        made = {(row[0], row[1]) for row in rows}
        rows += _create_nodes(conn, work, [m for m in missing if (m[0], m[1]) not in made])
    return rows


def _insert_links_and_reach(
    conn: Engine,
    work: list[tuple[ReachIndex, list[tuple[str, str]]]],
    links: list[list[tuple[int, int]]],
    rows: list[list[tuple[int, int, int, int]]],
) -> list[set[tuple[int, int]]]:
    """Insert each layer's new links and first reach rows in one statement, the rows as
    arrays (PostgreSQL); the ``(domain, post)`` pairs of reach rows really inserted."""
    ctes: list[str] = []
    selects: list[str] = []
    params: list[list[int]] = []
    for tag, (index, _new) in enumerate(work):
        lay = index.layer
        if links[tag]:
            ctes.append(
                f"l{tag} AS (INSERT INTO {lay.links} (source_id, repost_id)"
                " SELECT * FROM unnest(CAST(? AS bigint[]), CAST(? AS bigint[]))"
                " ON CONFLICT DO NOTHING)"
            )
            params.extend(list(column) for column in zip(*links[tag], strict=True))
        if rows[tag]:
            ctes.append(
                f"r{tag} AS (INSERT INTO {lay.reach} (domain_id, post_id, site_id, direct)"
                " SELECT * FROM unnest(CAST(? AS bigint[]), CAST(? AS bigint[]),"
                " CAST(? AS bigint[]), CAST(? AS integer[]))"
                f" ON CONFLICT DO NOTHING RETURNING {tag} AS tag, domain_id, post_id)"
            )
            params.extend(list(column) for column in zip(*rows[tag], strict=True))
            selects.append(f"SELECT * FROM r{tag}")
    inserted: list[set[tuple[int, int]]] = [set() for _w in work]
    if not ctes:
        return inserted
    final = " UNION ALL ".join(selects) or "SELECT 0, 0, 0 WHERE false"
    for tag, domain_id, post_id in conn.execute(f"WITH {', '.join(ctes)} {final}", params):
        inserted[tag].add((int(domain_id), int(post_id)))
    return inserted


def move_sources(
    conn: Engine,
    moved: list[tuple[str, str, str]],
    dropped: list[tuple[str, str]],
) -> None:
    """Keep both layers exact after `tracer resolve` re-pointed edges at an article (issue 14).

    ``moved``: ``(repost, old source, new source)`` for each edge whose
    ``source_url`` changed; ``dropped``: ``(repost, old source)`` for each edge
    deleted instead (it duplicated an edge to the article, or would cite its
    own repost). Both are already written in ``edges``; these edges are
    declared (inferred edges cite polled posts, which are never resolved).

    The new links are added first, then the old ones removed. When the new
    source is an origin of the old one's domain (a tracked or relative
    spelling resolved to the article on the same site), nothing changes for
    the posts below: the old link and, once nothing cites it, its node just go.
    Otherwise the repost is rechecked as when an inferred edge is removed.

    The common case is set-based: one lookup of every node involved, then one
    DELETE of links and one of nodes per batch of edges (a few round trips per
    resolve batch on a server, not several per edge). Which edges take it is
    decided on the nodes as they are once the new links are in: removing the
    old links of other edges cannot change it (an old source still cited by an
    edge not yet handled keeps its link, so its node stays until the end).
    """
    for layer in LAYERS:
        index = ReachIndex(conn, layer)
        index.add([(repost, new) for repost, _old, new in moved])
        nodes = index._nodes({url for edge in moved for url in edge}, create=False)
        slow = list(dropped)
        quick: list[tuple[int, int]] = []  # (old source's node, repost's node)
        olds: set[str] = set()
        for repost, old, new in moved:
            if _same_domain_origin(nodes.get(old), nodes.get(new)) and repost in nodes:
                quick.append((nodes[old][0], nodes[repost][0]))
                olds.add(old)
            else:
                slow.append((repost, old))
        _delete_links(conn, layer, quick)
        if olds:  # an old source nothing cites any more goes
            conn.execute(
                f"DELETE FROM {layer.nodes} WHERE url {conn.sql(TEXT_IN).format(p='?')}"
                f" AND cites = 0 AND NOT EXISTS"
                f" (SELECT 1 FROM {layer.links} AS l WHERE l.source_id = {layer.nodes}.id)",
                [json.dumps(sorted(olds))],
            )
        index.remove(slow)


def _delete_links(conn: Engine, layer: Layer, pairs: list[tuple[int, int]]) -> None:
    """Delete the layer's links ``(source id, repost id)``, a few hundred per statement."""
    for start in range(0, len(pairs), 500):
        chunk = pairs[start : start + 500]
        conn.execute(
            f"DELETE FROM {layer.links} WHERE (source_id, repost_id) IN (VALUES "
            + ", ".join(["(?, ?)"] * len(chunk))
            + ")",
            [value for pair in chunk for value in pair],
        )


def _same_domain_origin(old: list[int] | None, new: list[int] | None) -> bool:
    """Whether the new source (``[id, domain id, cites]``) is an origin of the old one's domain."""
    return old is not None and new is not None and old[1] == new[1] and not new[2]
