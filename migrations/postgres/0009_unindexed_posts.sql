-- PostgreSQL twin of migrations/0009_unindexed_posts.sql (see there): the
-- posts whose fingerprint keys are not in text_keys yet, instead of
-- fingerprints.indexed = 0.
CREATE TABLE unindexed_posts (
    post_id BIGINT PRIMARY KEY
);
INSERT INTO unindexed_posts (post_id) SELECT post_id FROM fingerprints WHERE indexed = 0;
UPDATE fingerprints SET indexed = 1 WHERE indexed = 0;
DROP INDEX fingerprints_unindexed;
