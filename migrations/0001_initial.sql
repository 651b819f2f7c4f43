-- tracer's first schema: feeds, their posts, repost -> source edges, poll runs.
-- Times are ISO 8601 UTC text ("2026-11-25T19:44:52Z"); URLs are canonical keys
-- (tracer.urls.canonicalize), with the raw spelling kept beside them.

CREATE TABLE feeds (
    id INTEGER PRIMARY KEY,
    url TEXT NOT NULL UNIQUE,
    raw_url TEXT,
    title TEXT,
    site_url TEXT,
    etag TEXT,
    last_modified TEXT,
    body_hash TEXT,
    last_status INTEGER,
    last_error TEXT,
    warning TEXT,
    consecutive_failures INTEGER NOT NULL DEFAULT 0,
    failing_since TEXT,
    active INTEGER NOT NULL DEFAULT 1,
    added_at TEXT NOT NULL,
    last_polled_at TEXT,
    last_success_at TEXT,
    next_poll_at TEXT
);
CREATE INDEX feeds_due ON feeds (active, next_poll_at);

-- Old URLs of a feed (after a permanent redirect), so history stays findable.
CREATE TABLE feed_aliases (
    url TEXT PRIMARY KEY,
    feed_id INTEGER NOT NULL REFERENCES feeds (id) ON DELETE CASCADE,
    added_at TEXT NOT NULL
);

CREATE TABLE posts (
    id INTEGER PRIMARY KEY,
    url TEXT NOT NULL UNIQUE,
    raw_url TEXT,
    guid TEXT,
    feed_id INTEGER REFERENCES feeds (id) ON DELETE SET NULL,
    title TEXT,
    published TEXT,
    warning TEXT,
    first_seen TEXT NOT NULL,
    last_seen TEXT NOT NULL
);
CREATE INDEX posts_feed_guid ON posts (feed_id, guid);

-- repost_url and source_url are canonical URLs. The source is a node even
-- when we never polled it (the origin article): it need not be in posts.
CREATE TABLE edges (
    id INTEGER PRIMARY KEY,
    repost_url TEXT NOT NULL,
    source_url TEXT NOT NULL,
    kind TEXT NOT NULL DEFAULT 'declared',
    pattern TEXT NOT NULL,
    evidence TEXT,
    raw_source_url TEXT,
    first_seen TEXT NOT NULL,
    last_seen TEXT NOT NULL,
    UNIQUE (repost_url, source_url)
);
-- UNIQUE (repost_url, source_url) serves upstream walks; this one downstream.
CREATE INDEX edges_source_repost ON edges (source_url, repost_url);

CREATE TABLE poll_runs (
    id INTEGER PRIMARY KEY,
    started_at TEXT NOT NULL,
    finished_at TEXT,
    feeds INTEGER NOT NULL DEFAULT 0,
    not_modified INTEGER NOT NULL DEFAULT 0,
    new_posts INTEGER NOT NULL DEFAULT 0,
    new_edges INTEGER NOT NULL DEFAULT 0,
    errors INTEGER NOT NULL DEFAULT 0
);
