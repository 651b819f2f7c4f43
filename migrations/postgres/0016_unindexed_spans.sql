-- PostgreSQL twin of migrations/0016_unindexed_spans.sql (see there): the posts
-- not indexed yet as spans of consecutive post ids. PostgreSQL's matcher writes
-- its index rows with their feed and lists nothing here; the table exists on
-- both engines so `tracer copy-db` copies the same tables.
CREATE TABLE unindexed_spans (
    first_post BIGINT PRIMARY KEY,
    last_post BIGINT NOT NULL
);
INSERT INTO unindexed_spans (first_post, last_post) SELECT post_id, post_id FROM unindexed_posts;
DROP TABLE unindexed_posts;
