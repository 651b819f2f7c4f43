-- The reach layers' nodes lose their foreign key to domains: the twin of
-- migrations/postgres/0015_nodes_without_domain_key.sql, where its check cost
-- a trigger call per inserted node. A node's domain id comes from the domains
-- row its writer reads or inserts (tracer.reach) and no statement deletes a
-- domain, so the key guarded nothing; both engines keep the same schema.
-- SQLite drops a foreign key by copying the table (same ids, same indexes).
CREATE TABLE nodes_copy (
    id INTEGER PRIMARY KEY,
    url TEXT NOT NULL UNIQUE,
    domain_id INTEGER NOT NULL,
    cites INTEGER NOT NULL DEFAULT 0
);
INSERT INTO nodes_copy (id, url, domain_id, cites) SELECT id, url, domain_id, cites FROM nodes;
DROP TABLE nodes;
ALTER TABLE nodes_copy RENAME TO nodes;
CREATE INDEX nodes_origins ON nodes (domain_id) WHERE cites = 0;
CREATE INDEX nodes_domain ON nodes (domain_id);

CREATE TABLE declared_nodes_copy (
    id INTEGER PRIMARY KEY,
    url TEXT NOT NULL UNIQUE,
    domain_id INTEGER NOT NULL,
    cites INTEGER NOT NULL DEFAULT 0
);
INSERT INTO declared_nodes_copy (id, url, domain_id, cites)
SELECT id, url, domain_id, cites FROM declared_nodes;
DROP TABLE declared_nodes;
ALTER TABLE declared_nodes_copy RENAME TO declared_nodes;
CREATE INDEX declared_nodes_origins ON declared_nodes (domain_id) WHERE cites = 0;
