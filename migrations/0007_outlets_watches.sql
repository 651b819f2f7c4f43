-- Outlets group the domains of one publisher (language editions, mirrors), and
-- watches follow new reposts of an outlet, a domain, a URL or a site's posts.
-- Everything here is user data: nothing is derived from edges.

-- A named outlet, with optional free-text notes and where the grouping comes from.
CREATE TABLE outlets (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    notes TEXT,
    source TEXT,
    added_at TEXT NOT NULL
);

-- The domains of an outlet: a grouping domain ("rt.com", as tracer.urls.domain_of
-- gives it) or a pattern "*.rt.com" for every subdomain of rt.com (not rt.com
-- itself). tracer.outlets refuses a pattern that overlaps another outlet's, so
-- a domain belongs to at most one outlet.
CREATE TABLE outlet_domains (
    pattern TEXT PRIMARY KEY,
    outlet_id INTEGER NOT NULL REFERENCES outlets (id) ON DELETE CASCADE
);
CREATE INDEX outlet_domains_outlet ON outlet_domains (outlet_id);

-- What to follow: kind 'outlet' (target = outlet name), 'domain' (a grouping
-- domain), 'url' (a canonical URL) or 'site' (a domain whose own posts are followed).
CREATE TABLE watches (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL CHECK (kind IN ('outlet', 'domain', 'url', 'site')),
    target TEXT NOT NULL,
    added_at TEXT NOT NULL,
    UNIQUE (kind, target)
);

-- The matches of a watch already known to `tracer watch new`: those present
-- when the watch was added and those it printed since. site = the post's domain
-- (a match from a site with no row here yet is that site's first).
CREATE TABLE watch_seen (
    watch_id INTEGER NOT NULL REFERENCES watches (id) ON DELETE CASCADE,
    url TEXT NOT NULL,
    site TEXT NOT NULL,
    reported_at TEXT NOT NULL,
    PRIMARY KEY (watch_id, url)
) WITHOUT ROWID;
CREATE INDEX watch_seen_site ON watch_seen (watch_id, site);

-- Watches start from every URL of a domain: find a domain's nodes by index
-- (0004's nodes_origins covers only the URLs that cite nothing).
CREATE INDEX nodes_domain ON nodes (domain_id);
