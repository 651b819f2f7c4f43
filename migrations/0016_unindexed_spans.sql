-- The posts whose fingerprint keys are not in text_keys yet (migration 0009) as
-- spans of consecutive post ids, one row per run of a feed's fingerprinted posts
-- instead of one per post: a cold poll of 1,000 feeds inserted ~50,000 rows here
-- and deleted them all at its end (~7 % of the instructions its copy matching
-- cost the poll's writer). A span lists every id from first_post to last_post.
CREATE TABLE unindexed_spans (
    first_post INTEGER PRIMARY KEY,
    last_post INTEGER NOT NULL
);
INSERT INTO unindexed_spans (first_post, last_post) SELECT post_id, post_id FROM unindexed_posts;
DROP TABLE unindexed_posts;
