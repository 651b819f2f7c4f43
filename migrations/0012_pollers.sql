-- Many pollers on PostgreSQL (issue 16, issue-16-pollers). SQLite keeps both
-- tables empty (one writer does its upkeep in the feed's transaction); they
-- exist on both engines so `tracer copy-db` copies the same tables both ways.
--
-- feeds.polled_run: the poll run (poll_runs.id) that wrote the feed last. A
-- poller claims a feed only if no run working beside it polled it already, so
-- `poll --all` started by cron on several hosts a few seconds apart polls each
-- feed once (a poll time stored to the second could not tell).
ALTER TABLE feeds ADD COLUMN polled_run INTEGER;

-- Reach and text-matching upkeep a feed's transaction left to whoever holds
-- the upkeep lock (tracer.upkeep): edges stored but not in the reach layers
-- yet, and posts stored but not fingerprinted and matched yet (one batch per
-- feed, matched in order). Drained at the latest when a poll run ends.
CREATE TABLE pending_edges (
    id INTEGER PRIMARY KEY,
    repost_url TEXT NOT NULL,
    source_url TEXT NOT NULL,
    kind TEXT NOT NULL
);
CREATE TABLE pending_posts (
    id INTEGER PRIMARY KEY,
    batch TEXT NOT NULL,
    post_id INTEGER NOT NULL,
    words INTEGER NOT NULL,
    level INTEGER NOT NULL,
    keys BLOB NOT NULL,
    head TEXT NOT NULL,
    tail TEXT NOT NULL
);
