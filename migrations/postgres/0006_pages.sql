-- PostgreSQL twin of migrations/0006_pages.sql (see there).
-- The pages that posts cite, as `tracer resolve` read them (issue 14).
--
-- One row per cited URL that was fetched (a source URL of an edge that is not
-- a stored post). `article_url` is the article node the URL resolves to: the
-- final URL after redirects, or the page's own canonical / og:url when that is
-- on the same site (tracer.urls.domain_of) as the final URL. pages.url ->
-- pages.article_url is the alias table: Store writes and `tracer resolve`
-- point every edge citing `url` at `article_url` (the spelling it cited stays
-- in edges.cited_url, the raw one in edges.raw_source_url), so every spelling
-- of one article is one node.
CREATE TABLE pages (
    url TEXT COLLATE "C" PRIMARY KEY,          -- the cited URL (canonical key)
    article_url TEXT COLLATE "C" NOT NULL,     -- the article node it resolves to
    outcome TEXT COLLATE "C" NOT NULL,         -- ok | gone | error | robots | not-html
    http_status INTEGER,
    final_url TEXT COLLATE "C",                -- after redirects (as fetched)
    canonical_url TEXT COLLATE "C",            -- <link rel=canonical> or og:url, as declared
    canonical_trusted INTEGER NOT NULL DEFAULT 0,
    title TEXT COLLATE "C",
    published TEXT COLLATE "C",                -- ISO 8601 UTC, when the page states it
    published_from TEXT COLLATE "C",           -- article:published_time | json-ld | time
    site_name TEXT COLLATE "C",
    language TEXT COLLATE "C",
    content_type TEXT COLLATE "C",
    error TEXT COLLATE "C",
    attempts INTEGER NOT NULL DEFAULT 0,     -- failures in a row
    fetched_at TEXT COLLATE "C" NOT NULL,
    next_check_at TEXT COLLATE "C"                       -- NULL: never again (ok / not-html)
);
CREATE INDEX pages_article ON pages (article_url);
CREATE INDEX pages_due ON pages (next_check_at) WHERE next_check_at IS NOT NULL;

-- The URL the post cited, when resolution moved the edge to another article
-- node (NULL when source_url is what it cited).
ALTER TABLE edges ADD COLUMN cited_url TEXT COLLATE "C";

-- What is known of each article node from its pages: the best page (ok first,
-- then the most recently fetched).
CREATE VIEW articles AS
SELECT article_url AS url, outcome, title, published, published_from, site_name, language,
       final_url, fetched_at
FROM (
    SELECT *, row_number() OVER (
        PARTITION BY article_url ORDER BY outcome = 'ok' DESC, published IS NOT NULL DESC,
        fetched_at DESC, url) AS rank
    FROM pages
) AS ranked
WHERE rank = 1;

-- edges_with_domains: as in 0005, plus the cited URL, and the source's
-- publication time from its feed (a polled post) or else from its page.
DROP VIEW origin_urls;
DROP VIEW domain_edges;
DROP VIEW edges_with_domains;

CREATE VIEW edges_with_domains AS
SELECT
    e.id,
    e.repost_url,
    e.source_url,
    CASE WHEN e.repost_host LIKE 'www.%' THEN substr(e.repost_host, 5)
         ELSE e.repost_host END AS repost_domain,
    CASE WHEN e.source_host LIKE 'www.%' THEN substr(e.source_host, 5)
         ELSE e.source_host END AS source_domain,
    e.kind,
    e.score,
    e.pattern,
    e.evidence,
    e.raw_source_url,
    e.cited_url,
    e.first_seen,
    e.last_seen,
    p.title AS repost_title,
    p.published AS repost_published,
    f.url AS repost_feed_url,
    coalesce(s.published, a.published) AS source_published,
    CASE WHEN s.published IS NOT NULL THEN 'feed'
         WHEN a.published IS NOT NULL THEN 'page' END AS source_published_source,
    coalesce(s.title, a.title) AS source_title,
    a.outcome AS source_page_outcome,
    CAST(round(extract(epoch FROM CAST(p.published AS timestamptz)
                              - CAST(coalesce(s.published, a.published) AS timestamptz)))
         AS INTEGER) AS lag_seconds,
    CAST(NOT EXISTS (SELECT 1 FROM edges AS x WHERE x.repost_url = e.source_url) AS INTEGER)
        AS source_is_origin
FROM (
    SELECT
        *,
        lower(CASE WHEN instr(r_host, ':') > 0 AND substr(r_host, 1, 1) <> '['
                   THEN substr(r_host, 1, instr(r_host, ':') - 1) ELSE r_host END) AS repost_host,
        lower(CASE WHEN instr(s_host, ':') > 0 AND substr(s_host, 1, 1) <> '['
                   THEN substr(s_host, 1, instr(s_host, ':') - 1) ELSE s_host END) AS source_host
    FROM (
        SELECT
            *,
            substr(r_hostport, instr(r_hostport, '@') + 1) AS r_host,
            substr(s_hostport, instr(s_hostport, '@') + 1) AS s_host
        FROM (
            SELECT
                *,
                substr(r_rest, 1, instr(r_rest || '/', '/') - 1) AS r_hostport,
                substr(s_rest, 1, instr(s_rest || '/', '/') - 1) AS s_hostport
            FROM (
                SELECT
                    edges.*,
                    substr(repost_url, instr(repost_url, '://') + 3) AS r_rest,
                    substr(source_url, instr(source_url, '://') + 3) AS s_rest
                FROM edges
            ) AS e3
        ) AS e2
    ) AS e1
) AS e
LEFT JOIN posts AS p ON p.url = e.repost_url
LEFT JOIN feeds AS f ON f.id = p.feed_id
LEFT JOIN posts AS s ON s.url = e.source_url
LEFT JOIN articles AS a ON a.url = e.source_url;

-- Edges aggregated per (repost domain, source domain): the domain-level graph,
-- as `tracer export --level domain` writes it (weight = edges).
CREATE VIEW domain_edges AS
SELECT
    repost_domain,
    source_domain,
    count(*) AS weight,
    count(DISTINCT repost_url) AS posts,
    min(first_seen) AS first_seen,
    max(last_seen) AS last_seen
FROM edges_with_domains
GROUP BY repost_domain, source_domain;

-- Origin URLs: cited by at least one post, citing nothing themselves; with the
-- number of posts citing them directly.
-- Origin URLs with their page's outcome, title and publication time.
CREATE VIEW origin_urls AS
SELECT
    source_url AS url,
    min(source_domain) AS domain,
    count(*) AS direct_reposts,
    min(first_seen) AS first_seen,
    max(source_page_outcome) AS outcome,
    max(source_title) AS title,
    max(source_published) AS published
FROM edges_with_domains
WHERE source_is_origin = 1
GROUP BY source_url;
