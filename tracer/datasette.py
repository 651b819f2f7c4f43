"""A Datasette metadata file for a tracer database: descriptions and canned queries.

``tracer datasette-metadata > metadata.json`` then
``datasette tracer.db -m metadata.json`` opens an explorer where every table
and view says what one row is, and three canned queries answer the CLI's
questions in SQL: ``chain`` (upstream paths of ``:url``), ``reposts``
(everything downstream of ``:url``, nearest first) and ``origins`` (the
ranking of ``tracer origins``). Their SQL gives the CLI's answers (the tests
run it with :mod:`sqlite3` against the CLI); the URL must be given as its
canonical key (``tracer clean-url`` prints it), since SQL cannot canonicalize.
"""

from __future__ import annotations

from typing import Any

from tracer.store import Store

__all__ = ["CHAIN_SQL", "ORIGINS_SQL", "REPOSTS_SQL", "TABLES", "metadata"]

MAX_DEPTH = 64

# Canonical URLs never contain a space, so ' ' separates the URLs of a path.
CHAIN_SQL = f"""WITH RECURSIVE walk(node, depth, path) AS (
  SELECT :url, 0, ' ' || :url || ' '
  UNION ALL
  SELECT e.source_url, w.depth + 1, w.path || e.source_url || ' '
  FROM walk AS w JOIN edges AS e ON e.repost_url = w.node
  WHERE w.depth < {MAX_DEPTH} AND instr(w.path, ' ' || e.source_url || ' ') = 0
)
SELECT
  w.depth AS hops,
  replace(trim(w.path), ' ', ' → ') AS chain,
  w.node AS furthest_source,
  p.title AS furthest_title,
  p.published AS furthest_published,
  (SELECT min(e.source_url) FROM edges AS e WHERE e.repost_url = w.node
     AND instr(w.path, ' ' || e.source_url || ' ') > 0) AS cycle_to
FROM walk AS w LEFT JOIN posts AS p ON p.url = w.node
WHERE NOT EXISTS (
  SELECT 1 FROM edges AS e
  WHERE e.repost_url = w.node AND instr(w.path, ' ' || e.source_url || ' ') = 0
)
ORDER BY w.path"""

REPOSTS_SQL = f"""WITH RECURSIVE down(url, depth, via) AS (
  SELECT repost_url, 1, source_url FROM edges WHERE source_url = :url
  UNION
  SELECT e.repost_url, d.depth + 1, e.source_url
  FROM down AS d JOIN edges AS e ON e.source_url = d.url
  WHERE d.depth < {MAX_DEPTH} AND d.url <> :url
),
nearest AS (
  SELECT url, min(depth) AS depth FROM down WHERE url <> :url GROUP BY url
)
SELECT
  n.url,
  n.depth,
  (SELECT min(d.via) FROM down AS d WHERE d.url = n.url AND d.depth = n.depth) AS via,
  p.title,
  p.published,
  coalesce(p.first_seen, (SELECT min(e.first_seen) FROM edges AS e
                          WHERE e.repost_url = n.url)) AS first_seen,
  f.url AS feed_url
FROM nearest AS n
LEFT JOIN posts AS p ON p.url = n.url
LEFT JOIN feeds AS f ON f.id = p.feed_id
ORDER BY n.depth, n.url"""

ORIGINS_SQL = """SELECT
  d.name AS domain,
  coalesce(r.reposts, 0) AS reposts,
  coalesce(r.direct, 0) AS direct,
  coalesce(r.sites, 0) AS sites,
  a.articles,
  a.resolved,
  a.gone
FROM (
  SELECT domain_id, count(*) AS articles, sum(read) AS resolved, sum(gone AND NOT read) AS gone
  FROM (
    SELECT n.domain_id,
      EXISTS (SELECT 1 FROM pages AS g WHERE g.article_url = n.url
              AND g.outcome IN ('ok', 'not-html')) AS read,
      EXISTS (SELECT 1 FROM pages AS g WHERE g.article_url = n.url AND g.outcome = 'gone') AS gone
    FROM nodes AS n WHERE n.cites = 0
  ) GROUP BY domain_id
) AS a
JOIN domains AS d ON d.id = a.domain_id
LEFT JOIN (
  SELECT domain_id, count(*) AS reposts, sum(direct) AS direct, count(DISTINCT site_id) AS sites
  FROM reach GROUP BY domain_id
) AS r ON r.domain_id = a.domain_id
ORDER BY reposts DESC, direct DESC, a.articles DESC, domain"""

# name -> (description, hidden)
TABLES: dict[str, tuple[str, bool]] = {
    "feeds": ("One row per feed to poll: its URL, caching headers, health and schedule.", False),
    "feed_aliases": ("Old URLs of feeds that moved (permanent redirects).", False),
    "posts": (
        "One row per polled item: canonical URL, feed, title, published (as the feed says).",
        False,
    ),
    "edges": (
        "One row per repost → source pair: the post (repost_url) cites source_url; kind"
        " (declared: a credit line; inferred: shared text, with a score), pattern (how it"
        " was found) and evidence; cited_url: the spelling cited when tracer resolve"
        " pointed the edge at the article it resolved to.",
        False,
    ),
    "pages": (
        "One row per cited URL read by tracer resolve: the article it resolves to"
        " (article_url), outcome (ok, gone, error, robots, not-html), final and canonical"
        " URL, title, publication time (published_from: which tag gave it), site, language.",
        False,
    ),
    "poll_runs": ("One row per run of tracer poll, with its counts.", False),
    "domains": ("Grouping domains (host lower-cased, leading www. folded).", False),
    "nodes": ("Every URL at either end of an edge; cites = 0 marks an origin.", False),
    "links": ("Edges as integer node ids (source_id, repost_id).", True),
    "reach": (
        "One row per (origin domain, post whose chain reaches it): what tracer origins and"
        " tracer sites count.",
        False,
    ),
    "reach_state": ("Internal: whether reach must be rebuilt.", True),
    "declared_nodes": ("nodes, for declared edges only (--declared-only).", True),
    "declared_links": ("links, for declared edges only (--declared-only).", True),
    "declared_reach": (
        "reach, for declared edges only: what tracer origins --declared-only counts.",
        False,
    ),
    "fingerprints": (
        "One row per fingerprinted post: the sampled shingle keys of its text, for finding"
        " copies without credit (inferred edges).",
        False,
    ),
    "text_keys": ("Inverted index of fingerprint keys: which posts have each key.", True),
    "site_texts": ("Fingerprinted posts per site, for the boilerplate share.", True),
    "boilerplate": ("Fingerprint keys learned as a site's (or every site's) boilerplate.", False),
    "match_state": ("The matching threshold and the progress of a rematch.", False),
    "rematch_queue": ("Internal: the posts a running rematch goes through.", True),
    "unindexed_spans": (
        "Internal: spans of fingerprinted posts whose text-index rows a running poll has not"
        " written yet.",
        True,
    ),
    "pending_edges": (
        "Internal (PostgreSQL pollers): new edges waiting for the reach upkeep of whichever"
        " poller holds the upkeep lock next.",
        True,
    ),
    "pending_posts": (
        "Internal (PostgreSQL pollers): new posts and their fingerprints waiting to be"
        " matched by whichever poller holds the upkeep lock next.",
        True,
    ),
    "outlets": (
        "One row per outlet you defined (tracer outlets): a name for a group of domains,"
        " with optional notes and the source of the grouping.",
        False,
    ),
    "outlet_domains": (
        "The domain patterns of each outlet (rt.com, *.rt.com); a pattern belongs to one"
        " outlet.",
        False,
    ),
    "watches": (
        "One row per watch (tracer watch add): an outlet, domain, article URL or site to"
        " follow.",
        False,
    ),
    "watch_seen": ("Internal: the matches tracer watch new has already reported.", True),
    "_sqlite_migrations": ("Internal: the migrations applied.", True),
    "edges_with_domains": (
        "Every edge with both domains, the repost's title, date and feed, the source's date"
        " (its feed's, else its page's: source_published_source), lag_seconds and whether"
        " the source is an origin.",
        False,
    ),
    "domain_edges": (
        "Edges per (repost domain, source domain): the graph of tracer export --level domain.",
        False,
    ),
    "origin_urls": (
        "Origin URLs (cited, citing nothing) with their direct reposts and their page's"
        " outcome, title and publication time.",
        False,
    ),
    "articles": (
        "Per article node, what its best page said (ok first, then the latest): outcome,"
        " title, publication time, site, language.",
        False,
    ),
}

QUERIES: dict[str, dict[str, str]] = {
    "chain": {
        "title": "Chain: where did this post come from?",
        "description": "Every maximal upstream path from :url (a canonical URL; tracer"
        " clean-url prints it), as tracer chain URL. cycle_to names the URL a path would"
        " revisit.",
        "sql": CHAIN_SQL,
    },
    "reposts": {
        "title": "Reposts: who republished this article?",
        "description": "Every post whose provenance reaches :url, directly (depth 1) or"
        " through intermediaries, at its shortest distance, as tracer reposts URL.",
        "sql": REPOSTS_SQL,
    },
    "origins": {
        "title": "Origins: which outlets end up at the root of chains?",
        "description": "Origin domains by reposts (posts whose chain reaches them), direct"
        " citers, reposting sites, origin articles, and articles whose page was read or"
        " found gone by tracer resolve, as tracer origins.",
        "sql": ORIGINS_SQL,
    },
}


def metadata(store: Store, database: str | None = None) -> dict[str, Any]:
    """The metadata document for ``store``'s file (Datasette names it by the file's stem)."""
    name = database or (store.path.stem if store.path is not None else "tracer")
    from tracer.engine.queries import TABLES_AND_VIEWS

    present = [row[0] for row in store.execute(store.engine.sql(TABLES_AND_VIEWS))]
    tables: dict[str, dict[str, Any]] = {}
    for table in present:
        description, hidden = TABLES.get(table, ("", False))
        entry: dict[str, Any] = {"title": table.replace("_", " ").strip()}
        if description:
            entry["description"] = description
        if hidden:
            entry["hidden"] = True
        tables[table] = entry
    return {
        "title": "tracer: where news content comes from",
        "description": "Repost → source edges found in RSS/Atom/RDF feeds by tracer. Start"
        " with the canned queries origins, chain and reposts.",
        "databases": {name: {"tables": tables, "queries": QUERIES}},
    }
