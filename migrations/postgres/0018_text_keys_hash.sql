-- The text-key index on PostgreSQL by a hash index on `key` instead of the
-- primary key (key, domain_id, post_id) (issue 16). Every read of text_keys
-- is by key equality (`key = ANY(…)`, `key IN …`) or reads the whole table;
-- the keys are random 64-bit hashes, so each batch of new rows lands on
-- leaf pages all over the primary key's B-tree, and its inserts were most of
-- the statement's server time. 500,000 rows in 1,000 statements of 500 (a
-- cold poll of 1,000 feeds), backend CPU, best of 3
-- (benchmarks/bench_text_keys_layout.py): primary key 2.20 s, hash index
-- 1.36 s, no index at all 0.97 s; a lookup of 512 keys the same (2.0 ms);
-- the matcher's one read of all stored keys 0.13 s -> 0.34 s (a seq scan
-- instead of the B-tree's).
--
-- The engines differ physically here: SQLite keeps its primary key, which its
-- INSERT OR IGNORE relies on. PostgreSQL's insert never had ON CONFLICT: the
-- rows it sends are those of posts with none yet (each post's keys once), so
-- the primary key only guarded against a bug; without it such a duplicate
-- would be stored instead of failing the feed's transaction. A hash index
-- cannot be unique.
ALTER TABLE text_keys DROP CONSTRAINT text_keys_pkey;
CREATE INDEX text_keys_key ON text_keys USING hash (key);
