"""The statements whose SQL differs between SQLite and PostgreSQL, side by side.

Everything else is written once, in SQLite's spelling, and translated by the
PostgreSQL engine (:func:`tracer.engine.postgres.translate`). Each entry maps
an engine name (:attr:`Engine.name`) to its SQL; :meth:`Engine.sql` picks.

Lists travel as one JSON text parameter (``json.dumps(list)``) on both engines.
PostgreSQL's text columns are ``COLLATE "C"`` (byte order, as SQLite), so
``ORDER BY`` on URLs gives the same order on both.
"""

from __future__ import annotations

__all__ = [
    "BOILER_GEN",
    "CLAIM_FEEDS",
    "DOWNSTREAM",
    "GROUP_CONCAT",
    "ID_IN",
    "INT_IN",
    "LOCK_REACH",
    "LOCK_WATCH",
    "MATCH_LOCK",
    "MATCH_LOCK_SHARED",
    "MATCH_UNLOCK",
    "MATCH_UNLOCK_SHARED",
    "PLAN_EACH_CALL",
    "SEP",
    "SEP_SQL",
    "TABLES_AND_VIEWS",
    "TAKE_EDGES",
    "TAKE_POSTS",
    "TEXT_IN",
    "TEXT_KEYS_INSERT",
    "TEXT_KEYS_LOOKUP",
    "TRY_LOCK",
    "UNLOCK",
    "UPKEEP_LEAVE",
    "UPKEEP_TRY",
    "UPKEEP_WAIT",
    "UPSTREAM_WALK",
    "WEEK_OF",
]

SEP = "\x1f"  # joins URLs in a walk's path: never in a canonical URL
SEP_SQL = f"'{SEP}'"  # the same as a SQL string literal

# PostgreSQL plans a statement that holds this at each call (psycopg's
# ``prepare=False``), for the list it got and the table as it is now. A
# prepared statement soon runs a generic plan, made for the table's size when
# it was planned and kept until the next ANALYZE (autovacuum: at most once a
# minute); a poll fills its tables from empty, and a plan made while ``nodes``
# had 1,000 rows (a hash join over a scan of the whole table) was still used at
# 10,000. Only the list lookups below carry it (not TEXT_KEYS_LOOKUP: planned
# for its actual keys, PostgreSQL expects most of text_keys to match, random
# 64-bit keys fooling its statistics, where the generic plan probes the index).
PLAN_EACH_CALL = "/* plan each call */"

# ``column {TEXT_IN}`` / ``column {INT_IN}``: the column is one of the JSON
# array of strings / integers bound to the parameter {p} (one parameter
# whatever the length). SQLite: a subquery over ``json_each``. PostgreSQL:
# ``= ANY(array)``, one index probe per value, where ``IN (SELECT …)`` is a
# semi-join for which the planner assumes 100 values and hashes them against a
# scan of the whole table as long as that looks cheaper (up to ≈ 20,000 rows,
# which a poll's first feeds fill: a lookup of 90 URLs in ``nodes`` took 21 ms
# that way, 0.5 ms by the index). Integers travel as JSON too and become a
# bigint[] literal by swapping the brackets (no JSON parse on the server).
TEXT_IN = {
    "sqlite": "IN (SELECT value FROM json_each({p}))",
    "postgresql": "= ANY(ARRAY(SELECT jsonb_array_elements_text(CAST({p} AS jsonb))))"
    + PLAN_EACH_CALL,
}
INT_IN = {
    "sqlite": "IN (SELECT value FROM json_each({p}))",
    "postgresql": "= ANY(CAST(translate({p}, '[]', '{{}}') AS bigint[]))" + PLAN_EACH_CALL,
}

# ``column {ID_IN}``: INT_IN with its parameter ``?`` (tracer.matching).
ID_IN = {name: sql.format(p="?") for name, sql in INT_IN.items()}

# An aggregate joining {expr} with the separator literal {sep}.
GROUP_CONCAT = {
    "sqlite": "group_concat({expr}, {sep})",
    "postgresql": "string_agg({expr}, {sep})",
}

# chain: every upstream path from :url, in one statement (one round trip to a
# server): per path (row, in walk order) its end node, depth, path, hops as
# JSON text, ``cycle_to`` (the first URL, in byte order, that the end cites
# and that is already on the path), and what is known of the end node: whether
# it is a stored post, its title and publication time, and the best page a
# resolve read for it (the ``articles`` view's order: ok first, then one with
# a date, the latest, the first URL). Every lookup is one index probe per row
# (LATERAL … LIMIT 1 keeps PostgreSQL's planner from hashing a whole table
# when it overestimates a walk; SQLite's LEFT JOIN already loops over the walk).
_BEST_PAGE_ORDER = (
    "ORDER BY b.outcome = 'ok' DESC, b.published IS NOT NULL DESC, b.fetched_at DESC, b.url"
)
_PAGE_COLUMNS = "g.outcome, g.title, g.published, g.published_from, g.site_name, g.language"
UPSTREAM_WALK = {
    "sqlite": f"""
WITH RECURSIVE walk(node, depth, path, hops) AS (
    SELECT :url, 0, '{SEP}' || :url || '{SEP}', json_array()
    UNION ALL
    SELECT e.source_url, w.depth + 1, w.path || e.source_url || '{SEP}',
           json_insert(w.hops, '$[#]',
                       json_array(e.source_url, e.pattern, e.evidence, e.kind, e.score))
    FROM walk AS w JOIN edges AS e ON e.repost_url = w.node
    WHERE w.depth < :max_depth AND (:declared_only = 0 OR e.kind = 'declared')
      AND instr(w.path, '{SEP}' || e.source_url || '{SEP}') = 0
    LIMIT :max_rows
),
r AS MATERIALIZED (SELECT node, depth, path, hops, row_number() OVER () AS seq FROM walk)
SELECT r.node, r.depth, r.path, r.hops,
       (SELECT min(e.source_url) FROM edges AS e WHERE e.repost_url = r.node
          AND (:declared_only = 0 OR e.kind = 'declared')
          AND instr(r.path, '{SEP}' || e.source_url || '{SEP}') > 0),
       p.url IS NOT NULL, p.title, p.published, {_PAGE_COLUMNS}
FROM r LEFT JOIN posts AS p ON p.url = r.node
LEFT JOIN pages AS g ON g.url = (
    SELECT b.url FROM pages AS b WHERE b.article_url = r.node {_BEST_PAGE_ORDER} LIMIT 1)
ORDER BY r.seq
""",
    "postgresql": f"""
WITH RECURSIVE walk(node, depth, path, hops) AS (
    SELECT CAST(:url AS text) COLLATE "C", 0,
           CAST('{SEP}' || :url || '{SEP}' AS text) COLLATE "C", CAST('[]' AS jsonb)
    UNION ALL
    SELECT e.source_url, w.depth + 1, w.path || e.source_url || '{SEP}',
           w.hops || jsonb_build_array(
               jsonb_build_array(e.source_url, e.pattern, e.evidence, e.kind, e.score))
    FROM walk AS w JOIN edges AS e ON e.repost_url = w.node
    WHERE w.depth < :max_depth
      AND (CAST(:declared_only AS integer) = 0 OR e.kind = 'declared')
      AND strpos(w.path, '{SEP}' || e.source_url || '{SEP}') = 0
),
r AS MATERIALIZED (
    SELECT node, depth, path, hops, row_number() OVER () AS seq FROM walk LIMIT :max_rows)
SELECT r.node, r.depth, r.path, CAST(r.hops AS text),
       (SELECT min(e.source_url) FROM edges AS e WHERE e.repost_url = r.node
          AND (CAST(:declared_only AS integer) = 0 OR e.kind = 'declared')
          AND strpos(r.path, '{SEP}' || e.source_url || '{SEP}') > 0),
       p.url IS NOT NULL, p.title, p.published, {_PAGE_COLUMNS}
FROM r
LEFT JOIN LATERAL (
    SELECT url, title, published FROM posts WHERE url = r.node LIMIT 1) AS p ON true
LEFT JOIN LATERAL (
    SELECT b.* FROM pages AS b WHERE b.article_url = r.node {_BEST_PAGE_ORDER} LIMIT 1
) AS g ON true
ORDER BY r.seq
""",
}

# reposts: everything a breadth-first walk downstream from :url needs, in one
# statement: the nodes that reach :url (``down``; ``UNION`` keeps each once, so
# cycles end; only :url itself when :deep = 0, i.e. --direct), then tagged rows:
# 'e' every edge citing one of them (source, repost, first_seen, kind, score),
# 'p' every stored post among them and their citers (url, published,
# first_seen, feed URL), 'a' the best page a resolve read for each
# (article_url, outcome, title, published, published_from, site_name,
# language). The walk itself (depth, shortest path, tie on the first URL) is
# done in Python over these rows (:func:`tracer.graph.reposts`). No SQLite
# twin: in-process, a query per level costs no round trip, and SQLite's
# planner may build a Bloom filter over all of ``edges`` for the recursive
# step (measured on a 20,000-edge store: 0.008 ms a walk became 4.6 ms).
DOWNSTREAM = {
    "postgresql": f"""
WITH RECURSIVE down(node) AS (
    SELECT CAST(:url AS text) COLLATE "C"
    UNION
    SELECT e.repost_url FROM down AS d JOIN edges AS e ON e.source_url = d.node
    WHERE CAST(:deep AS integer) = 1
      AND (CAST(:declared_only AS integer) = 0 OR e.kind = 'declared')
),
sub AS MATERIALIZED (
    SELECT e.* FROM down AS d CROSS JOIN LATERAL (
        SELECT source_url, repost_url, first_seen, kind, score FROM edges
        WHERE source_url = d.node
          AND (CAST(:declared_only AS integer) = 0 OR kind = 'declared') OFFSET 0) AS e),
r AS MATERIALIZED (SELECT node FROM down UNION SELECT repost_url FROM sub)
SELECT 'e', source_url, repost_url, first_seen, kind, NULL, NULL, NULL, score FROM sub
UNION ALL
SELECT 'p', p.url, p.published, p.first_seen,
       (SELECT f.url FROM feeds AS f WHERE f.id = p.feed_id), NULL, NULL, NULL, NULL
FROM r CROSS JOIN LATERAL (
    SELECT url, published, first_seen, feed_id FROM posts WHERE url = r.node LIMIT 1) AS p
UNION ALL
SELECT 'a', g.article_url, {_PAGE_COLUMNS}, NULL
FROM r CROSS JOIN LATERAL (
    SELECT b.* FROM pages AS b WHERE b.article_url = r.node {_BEST_PAGE_ORDER} LIMIT 1) AS g
""",
}

# poll on PostgreSQL: lease the due feeds among the candidate ids (JSON :ids)
# that no live lease holds and nobody polled after the second this run started
# in (times are stored to the second: a run right after another one in the
# same second still polls) and no run beside this one polled (polled_run: a run
# started since, :run or later, or one of :beside, those that were running when
# it started: with --all, pollers started seconds apart poll each feed once), skipping
# rows another poller is claiming right now. No SQLite twin: SQLite pollers
# split work with --shard and the lock file instead.
CLAIM_FEEDS = {
    "postgresql": """
UPDATE feeds SET lease_until = :until, leased_by = :owner
WHERE id IN (
    SELECT id FROM feeds
    WHERE id {INT_IN}
      AND active = 1
      AND (lease_until IS NULL OR lease_until <= :now)
      AND (last_polled_at IS NULL OR last_polled_at <= :started)
      AND (polled_run IS NULL OR polled_run < :run AND NOT (polled_run {BESIDE_IN}))
      AND (CAST(:due AS text) IS NULL OR next_poll_at IS NULL OR next_poll_at <= :due)
      AND (CAST(:retry AS text) IS NULL OR retry_after_until IS NULL
           OR retry_after_until <= :retry)
    ORDER BY id
    FOR UPDATE SKIP LOCKED
)
RETURNING id
""".replace("{INT_IN}", INT_IN["postgresql"].format(p=":ids")).replace(
        "{BESIDE_IN}", INT_IN["postgresql"].format(p=":beside")
    ),
}


# -- issue 16: resolve, outlets, watch, report on both engines -------------

# One run of a cron command at a time (tracer.lock.command_lock). SQLite uses a
# lock file beside the database instead; on PostgreSQL a session-level advisory
# lock, keyed by the schema and :name, released when the connection ends.
TRY_LOCK = {
    "postgresql": "SELECT pg_try_advisory_lock(hashtext(current_schema() || ':' || :name))",
}
UNLOCK = {
    "postgresql": "SELECT pg_advisory_unlock(hashtext(current_schema() || ':' || :name))",
}

# The edge lock and the upkeep lock (issue 16; tracer.reach, tracer.upkeep).
# SQLite's write transaction holds the database's write lock already: no-ops.
#
# LOCK_REACH, exclusive: a transaction that moves or rebuilds edges (a resolve
# batch, a rematch batch, a reach rebuild) takes the edge lock exclusively and
# then the upkeep lock, waiting for both: no poller's feed writes edges
# meanwhile and nobody else maintains the reach tables (tracer.reach.lock).
LOCK_REACH = {
    "sqlite": "SELECT 1",
    "postgresql": "SELECT pg_advisory_xact_lock(hashtext(current_schema() || ':upkeep'))"
    " FROM (SELECT pg_advisory_xact_lock(hashtext(current_schema() || ':reach'))) AS edges",
}
# UPKEEP_TRY: a poller's feed takes the edge lock shared (any number of feeds
# at once; they wait only for a resolve) and *tries* the upkeep lock, never
# waiting for it. With it, the feed maintains the reach layers and matches its
# text itself (and drains the queue, if the second column says it holds rows);
# without it, it queues that work (tracer.upkeep) and commits at once.
# Whether the queue holds rows is asked only with the lock (a scan of two
# small tables; the fingerprints of queued posts live in the TOAST table).
UPKEEP_TRY = {
    "postgresql": "SELECT turn, turn AND (EXISTS (SELECT 1 FROM pending_edges)"
    " OR EXISTS (SELECT 1 FROM pending_posts))"
    " FROM (SELECT pg_try_advisory_xact_lock(hashtext(current_schema() || ':upkeep')) AS turn"
    " FROM (SELECT pg_advisory_xact_lock_shared(hashtext(current_schema() || ':reach')))"
    " AS edges) AS tried",
}
# UPKEEP_LEAVE: UPKEEP_TRY's answer without trying: the feed of a poll whose
# upkeep thread drains the queue beside its writer (tracer.upkeep.Drainer) takes
# the edge lock shared and always queues its reach and matching upkeep.
UPKEEP_LEAVE = {
    "postgresql": "SELECT false, false"
    " FROM (SELECT pg_advisory_xact_lock_shared(hashtext(current_schema() || ':reach')))"
    " AS edges",
}
# UPKEEP_WAIT: the drain at the end of a poll run waits for the upkeep lock.
UPKEEP_WAIT = {
    "sqlite": "SELECT 1",
    "postgresql": "SELECT pg_advisory_xact_lock(hashtext(current_schema() || ':upkeep'))",
}

# The drain's take of the upkeep queue (tracer.upkeep.drain): its rows, and what the
# drain needs to know of each. SQLite (one writer): read, then deleted. PostgreSQL: one
# DELETE … RETURNING, which takes the rows committed before it started (those committed
# since stay for the next drain). Its lookups are LATERAL … LIMIT 1, an index probe per
# queued row: written as EXISTS and a join, they were planned as hashes of the whole of
# ``edges``, ``posts`` and ``fingerprints`` at every drain (the queue's row estimate was
# too high), a cost that grew with the store (10,000 rows a drain hashed the 40,000 edges
# of a cold poll of 1,000 feeds, and would hash every edge of a large store).
#
# TAKE_EDGES: (id, repost, source, kind, the edge is still stored, a declared edge whose
# pair is stored as an inferred edge the other way: see tracer.store.Store._declared_wins).
TAKE_EDGES = {
    "sqlite": "WITH q AS (SELECT id, repost_url, source_url, kind FROM pending_edges)"
    " SELECT q.id, q.repost_url, q.source_url, q.kind, EXISTS (SELECT 1 FROM edges AS e"
    " WHERE e.repost_url = q.repost_url AND e.source_url = q.source_url),"
    " q.kind <> 'inferred' AND EXISTS (SELECT 1 FROM edges AS e"
    " WHERE e.repost_url = q.source_url AND e.source_url = q.repost_url"
    " AND e.kind = 'inferred') FROM q",
    "postgresql": "WITH q AS (DELETE FROM pending_edges RETURNING id, repost_url, source_url, kind)"
    " SELECT q.id, q.repost_url, q.source_url, q.kind, s.found IS NOT NULL,"
    " r.found IS NOT NULL FROM q"
    " LEFT JOIN LATERAL (SELECT true AS found FROM edges AS e WHERE e.repost_url = q.repost_url"
    " AND e.source_url = q.source_url LIMIT 1) AS s ON true"
    " LEFT JOIN LATERAL (SELECT true AS found FROM edges AS e WHERE q.kind <> 'inferred'"
    " AND e.repost_url = q.source_url AND e.source_url = q.repost_url"
    " AND e.kind = 'inferred' LIMIT 1) AS r ON true",
}
# TAKE_POSTS: (id, batch, post, words, level, keys, head, tail, the post's URL, published
# and first_seen (NULL: deleted since), it has a fingerprint already). PostgreSQL: the
# fingerprint's columns (keys, head, tail) are NULL for the batches whose names start
# with :mine (NULL: none), those the poll's writer queued for this drain's thread, which
# has their fingerprints in memory (tracer.upkeep.Remembered): ~1 kB a post neither kept
# by the statement (its RETURNING rows, spilled to a temporary file past work_mem) nor
# sent back and decoded.
TAKE_POSTS = {
    "sqlite": "WITH q AS (SELECT id, batch, post_id, words, level, keys, head, tail"
    " FROM pending_posts) SELECT q.id, q.batch, q.post_id, q.words, q.level, q.keys, q.head,"
    " q.tail, p.url, p.published, p.first_seen,"
    " EXISTS (SELECT 1 FROM fingerprints AS f WHERE f.post_id = q.post_id)"
    " FROM q LEFT JOIN posts AS p ON p.id = q.post_id",
    "postgresql": "WITH q AS (DELETE FROM pending_posts RETURNING id, batch, post_id, words,"
    " level, CASE WHEN starts_with(batch, CAST(:mine AS text)) THEN NULL ELSE keys END AS keys,"
    " CASE WHEN starts_with(batch, CAST(:mine AS text)) THEN NULL ELSE head END AS head,"
    " CASE WHEN starts_with(batch, CAST(:mine AS text)) THEN NULL ELSE tail END AS tail)"
    " SELECT q.id, q.batch, q.post_id, q.words, q.level, q.keys, q.head, q.tail,"
    " p.url, p.published, p.first_seen, f.found IS NOT NULL FROM q"
    " LEFT JOIN LATERAL (SELECT url, published, first_seen FROM posts"
    " WHERE id = q.post_id LIMIT 1) AS p ON true"
    " LEFT JOIN LATERAL (SELECT true AS found FROM fingerprints"
    " WHERE post_id = q.post_id LIMIT 1) AS f ON true",
}

# `watch new`: inside the write transaction, hold watch :id so two runs at once
# never report one match twice. SQLite's transaction already holds the
# database's write lock (BEGIN IMMEDIATE); PostgreSQL locks the watch's row.
LOCK_WATCH = {
    "sqlite": "SELECT id FROM watches WHERE id = :id",
    "postgresql": "SELECT id FROM watches WHERE id = :id FOR UPDATE",
}

# The Monday (YYYY-MM-DD) of the week of the ISO 8601 UTC time {t}; NULL when
# {t} is NULL or not a date (the report's weekly chart counts those as undated).
WEEK_OF = {
    "sqlite": "date({t}, '-6 days', 'weekday 1')",
    "postgresql": "CASE WHEN {t} ~ '^[0-9]{{4}}-[0-9]{{2}}-[0-9]{{2}}' THEN"
    " to_char(date_trunc('week', CAST(substr({t}, 1, 10) AS date)), 'YYYY-MM-DD') END",
}

# `datasette-metadata`: the store's tables and views by name (the engine's own left out).
TABLES_AND_VIEWS = {
    "sqlite": "SELECT name FROM sqlite_master WHERE type IN ('table', 'view')"
    " AND name NOT LIKE 'sqlite_%' ORDER BY name",
    "postgresql": "SELECT CAST(table_name AS text) FROM information_schema.tables"
    " WHERE table_schema = current_schema() ORDER BY 1",
}


# -- issue 16: text matching (tracer.matching) on both engines -------------
#
# Matching transactions take turns on the upkeep lock (UPKEEP_TRY, LOCK_REACH):
# fingerprints, index rows, site counts, boilerplate and inferred edges are
# written by one transaction at a time, each seeing what the others committed;
# a poller's feed that does not get the lock queues its posts (tracer.upkeep).

# The boilerplate generation (match_state.boiler_gen, migration 0010) as a
# column of the query that starts a feed's matching: PostgreSQL pollers
# reload their cached boilerplate when another poller changed it. SQLite has
# one writer: a constant.
BOILER_GEN = {
    "sqlite": "0",
    "postgresql": "(SELECT boiler_gen FROM match_state)",
}

# The index rows (key, site, post) of a set of keys. SQLite: {marks} is a fixed
# number of ``?`` (one cached statement; short lists are padded). PostgreSQL:
# one array (a binary bigint[]), one index scan, whatever its length.
TEXT_KEYS_LOOKUP = {
    "sqlite": "SELECT key, domain_id, post_id FROM text_keys WHERE key IN ({marks})",
    "postgresql": "SELECT key, domain_id, post_id FROM text_keys"
    " WHERE key = ANY(CAST(? AS bigint[]))",
}

# New index rows. SQLite: {rows} is ``(?, ?, ?), …`` (flat values key, site,
# post…). PostgreSQL: three arrays (keys, sites, posts) in one statement, each
# sent as a binary bigint[] (``tracer.engine.postgres.encoded_array``: less
# client CPU than joining the decimal text, and no text for the server to split
# and parse), and no ON CONFLICT: the rows are those of posts that have none yet (posts
# fingerprinted in this transaction, or a rematch's queue on an emptied
# index), each (key, post) once, so a conflict is impossible; ON CONFLICT's
# speculative insertion (an index probe before each row, then its
# confirmation) took 30 % more server CPU for these B-tree inserts, the bulk
# of a poll's. Were a duplicate ever sent, the primary key fails the feed's
# transaction instead of storing it twice. The rows go in in key order (ORDER BY:
# the server sorts the arrays): the keys are random 64-bit hashes, and each insert
# then lands on the primary key's leaf page next to the one before instead of on a
# random one (same rows, nothing reads them in the heap's order; an insert of 6,000
# rows into a 300,000-row copy of the table: 27 ms against 32 ms, medians of 40).
TEXT_KEYS_INSERT = {
    "sqlite": "INSERT OR IGNORE INTO text_keys (key, domain_id, post_id) VALUES {rows}",
    "postgresql": "INSERT INTO text_keys (key, domain_id, post_id)"
    " SELECT * FROM unnest(CAST(? AS bigint[]), CAST(? AS bigint[]), CAST(? AS bigint[]))"
    " AS u (key, domain_id, post_id) ORDER BY key",
}

# `tracer rematch` against pollers on PostgreSQL (SQLite: the poll's lock file).
# A poller holds the shared lock for its run, a rematch the exclusive one; each
# only tries (never waits), and the server frees it when the connection ends.
MATCH_LOCK = {
    "postgresql": "SELECT pg_try_advisory_lock(hashtext(current_schema() || ':match'))",
}
MATCH_LOCK_SHARED = {
    "postgresql": "SELECT pg_try_advisory_lock_shared(hashtext(current_schema() || ':match'))",
}
MATCH_UNLOCK = {
    "postgresql": "SELECT pg_advisory_unlock(hashtext(current_schema() || ':match'))",
}
MATCH_UNLOCK_SHARED = {
    "postgresql": "SELECT pg_advisory_unlock_shared(hashtext(current_schema() || ':match'))",
}
