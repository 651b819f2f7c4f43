-- Faster matching (issue 13): the posts whose fingerprint keys are not in
-- text_keys yet. A poll keeps the index rows of many feeds in memory and
-- writes them at once, in key order; until then each such post has a row
-- here, added in the post's own transaction and deleted by that write, so a
-- killed run's fingerprints are indexed by the next one. This replaces
-- fingerprints.indexed = 0, which cost a second write of every fingerprint
-- row; the column stays (always 1 from now on).
CREATE TABLE unindexed_posts (
    post_id INTEGER PRIMARY KEY
);
INSERT INTO unindexed_posts (post_id) SELECT post_id FROM fingerprints WHERE indexed = 0;
UPDATE fingerprints SET indexed = 1 WHERE indexed = 0;
DROP INDEX fingerprints_unindexed;
