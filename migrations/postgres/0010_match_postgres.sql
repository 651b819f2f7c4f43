-- Text matching on PostgreSQL (issue 16).
--
-- 0005 created match_state here with a threshold of 0.6 where SQLite has
-- 0.65; nothing matched on PostgreSQL before this version, so a store whose
-- fingerprints table is empty (polled here, never given fingerprints by
-- copy-db) gets SQLite's default. A store filled by copy-db keeps the
-- threshold it came with.
UPDATE match_state SET min_score = 0.65
WHERE min_score = 0.6 AND phase IS NULL AND NOT EXISTS (SELECT 1 FROM fingerprints);

-- Bumped by every transaction that adds boilerplate (and by rematch): a
-- poller that sees another value than it last wrote or read reloads the
-- boilerplate it keeps in memory, so several pollers at once ignore the same
-- keys as one poller would (tracer.matching.Matcher._fresh_boilerplate).
ALTER TABLE match_state ADD COLUMN boiler_gen BIGINT NOT NULL DEFAULT 0;
