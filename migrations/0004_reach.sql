-- Integer node ids and, per origin domain, the posts whose chains reach it,
-- kept up to date by Store.apply so `tracer origins` and `tracer sites` are
-- aggregations instead of a walk over the whole graph. The edges table stays
-- the record; everything here can be rebuilt from it
-- (Store.rebuild_reach), which Store.open does once after this migration
-- (reach_state.stale = 1): domains are computed by tracer.urls.domain_of,
-- which SQL cannot call.

-- Grouping domains (tracer.urls.domain_of: lower-cased host, "www." folded).
CREATE TABLE domains (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE
);

-- Every URL at either end of an edge. cites = 1 when it is the repost of at
-- least one edge; a node with cites = 0 is cited by something: an origin.
CREATE TABLE nodes (
    id INTEGER PRIMARY KEY,
    url TEXT NOT NULL UNIQUE,
    domain_id INTEGER NOT NULL REFERENCES domains (id),
    cites INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX nodes_origins ON nodes (domain_id) WHERE cites = 0;

-- edges as (source, repost) node ids, sorted for downstream walks.
CREATE TABLE links (
    source_id INTEGER NOT NULL,
    repost_id INTEGER NOT NULL,
    PRIMARY KEY (source_id, repost_id)
) WITHOUT ROWID;

-- One row per (origin domain, post whose chain reaches an origin URL of it):
-- site_id is the post's own domain, direct = 1 when the post cites such an
-- origin URL itself.
CREATE TABLE reach (
    domain_id INTEGER NOT NULL,
    post_id INTEGER NOT NULL,
    site_id INTEGER NOT NULL,
    direct INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (domain_id, post_id)
) WITHOUT ROWID;
CREATE INDEX reach_post ON reach (post_id);

CREATE TABLE reach_state (stale INTEGER NOT NULL);
INSERT INTO reach_state (stale) VALUES (1);
