-- Copies without credit (issue 13): text fingerprints of posts, an inverted
-- index of their sampled shingle keys, per-site boilerplate, and inferred
-- edges (edges.kind = 'inferred', with a score) beside the declared ones.
-- The reach tables of 0004 now cover every edge; declared_nodes,
-- declared_links and declared_reach are the same tables for declared edges
-- only (`--declared-only`). Both are rebuilt from edges on the next open
-- (reach_state.stale = 1).

-- 0..1 for inferred edges (containment of the shorter text in the longer);
-- NULL for declared edges.
ALTER TABLE edges ADD COLUMN score REAL;

-- One row per post whose text was fingerprinted (tracer.fingerprint):
-- keys = the sampled shingle keys (8-byte little-endian integers, text
-- order), phrases = the shingles of the first keys (newline-separated), for
-- evidence. A post under 50 words has a row with no keys. A poll writes the
-- index rows of many feeds at once: until then indexed = 0 (a killed run's
-- are indexed by the next one).
CREATE TABLE fingerprints (
    post_id INTEGER PRIMARY KEY REFERENCES posts (id) ON DELETE CASCADE,
    domain_id INTEGER NOT NULL,
    words INTEGER NOT NULL,
    level INTEGER NOT NULL,
    keys BLOB NOT NULL,
    phrases TEXT NOT NULL,
    indexed INTEGER NOT NULL DEFAULT 1  -- 0: its keys are not in text_keys yet
);
CREATE INDEX fingerprints_unindexed ON fingerprints (post_id) WHERE indexed = 0;

-- Inverted index: which posts (and of which site) have each key. A key that
-- is boilerplate of a site is no longer added for that site's posts.
CREATE TABLE text_keys (
    key INTEGER NOT NULL,
    domain_id INTEGER NOT NULL,
    post_id INTEGER NOT NULL,
    PRIMARY KEY (key, domain_id, post_id)
) WITHOUT ROWID;

-- Fingerprinted posts (with keys) per site, for the boilerplate share.
CREATE TABLE site_texts (
    domain_id INTEGER PRIMARY KEY,
    posts INTEGER NOT NULL
);

-- Keys learned as boilerplate: of one site (domain_id), or of every site
-- (domain_id = 0: boilerplate on several sites, e.g. theme text).
CREATE TABLE boilerplate (
    domain_id INTEGER NOT NULL,
    key INTEGER NOT NULL,
    PRIMARY KEY (key, domain_id)
) WITHOUT ROWID;

-- The matching threshold (tracer rematch --min-score changes it) and the
-- progress of a rematch (phase NULL: none running).
CREATE TABLE match_state (
    min_score REAL NOT NULL,
    phase TEXT,
    next_seq INTEGER NOT NULL DEFAULT 0
);
INSERT INTO match_state (min_score) VALUES (0.65);

-- The posts a running rematch goes through, in publication order.
CREATE TABLE rematch_queue (
    seq INTEGER PRIMARY KEY,
    post_id INTEGER NOT NULL
);

-- The reach tables of 0004, for declared edges only.
CREATE TABLE declared_nodes (
    id INTEGER PRIMARY KEY,
    url TEXT NOT NULL UNIQUE,
    domain_id INTEGER NOT NULL REFERENCES domains (id),
    cites INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX declared_nodes_origins ON declared_nodes (domain_id) WHERE cites = 0;

CREATE TABLE declared_links (
    source_id INTEGER NOT NULL,
    repost_id INTEGER NOT NULL,
    PRIMARY KEY (source_id, repost_id)
) WITHOUT ROWID;

CREATE TABLE declared_reach (
    domain_id INTEGER NOT NULL,
    post_id INTEGER NOT NULL,
    site_id INTEGER NOT NULL,
    direct INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (domain_id, post_id)
) WITHOUT ROWID;
CREATE INDEX declared_reach_post ON declared_reach (post_id);

UPDATE reach_state SET stale = 1;

-- The views carry each edge's score (kind was there already).
DROP VIEW origin_urls;
DROP VIEW domain_edges;
DROP VIEW edges_with_domains;

CREATE VIEW edges_with_domains AS
SELECT
    e.id,
    e.repost_url,
    e.source_url,
    CASE WHEN e.repost_host LIKE 'www.%' THEN substr(e.repost_host, 5)
         ELSE e.repost_host END AS repost_domain,
    CASE WHEN e.source_host LIKE 'www.%' THEN substr(e.source_host, 5)
         ELSE e.source_host END AS source_domain,
    e.kind,
    e.score,
    e.pattern,
    e.evidence,
    e.raw_source_url,
    e.first_seen,
    e.last_seen,
    p.title AS repost_title,
    p.published AS repost_published,
    f.url AS repost_feed_url,
    s.published AS source_published,
    CAST(round((julianday(p.published) - julianday(s.published)) * 86400) AS INTEGER)
        AS lag_seconds,
    NOT EXISTS (SELECT 1 FROM edges AS x WHERE x.repost_url = e.source_url) AS source_is_origin
FROM (
    SELECT
        *,
        lower(CASE WHEN instr(r_host, ':') > 0 AND substr(r_host, 1, 1) <> '['
                   THEN substr(r_host, 1, instr(r_host, ':') - 1) ELSE r_host END) AS repost_host,
        lower(CASE WHEN instr(s_host, ':') > 0 AND substr(s_host, 1, 1) <> '['
                   THEN substr(s_host, 1, instr(s_host, ':') - 1) ELSE s_host END) AS source_host
    FROM (
        SELECT
            *,
            substr(r_hostport, instr(r_hostport, '@') + 1) AS r_host,
            substr(s_hostport, instr(s_hostport, '@') + 1) AS s_host
        FROM (
            SELECT
                *,
                substr(r_rest, 1, instr(r_rest || '/', '/') - 1) AS r_hostport,
                substr(s_rest, 1, instr(s_rest || '/', '/') - 1) AS s_hostport
            FROM (
                SELECT
                    edges.*,
                    substr(repost_url, instr(repost_url, '://') + 3) AS r_rest,
                    substr(source_url, instr(source_url, '://') + 3) AS s_rest
                FROM edges
            )
        )
    )
) AS e
LEFT JOIN posts AS p ON p.url = e.repost_url
LEFT JOIN feeds AS f ON f.id = p.feed_id
LEFT JOIN posts AS s ON s.url = e.source_url;

CREATE VIEW domain_edges AS
SELECT
    repost_domain,
    source_domain,
    count(*) AS weight,
    count(DISTINCT repost_url) AS posts,
    min(first_seen) AS first_seen,
    max(last_seen) AS last_seen
FROM edges_with_domains
GROUP BY repost_domain, source_domain;

CREATE VIEW origin_urls AS
SELECT
    source_url AS url,
    source_domain AS domain,
    count(*) AS direct_reposts,
    min(first_seen) AS first_seen
FROM edges_with_domains
WHERE source_is_origin
GROUP BY source_url;
