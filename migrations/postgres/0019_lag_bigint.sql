-- PostgreSQL twin of migrations/0019_lag_bigint.sql (see there): the view
-- edges_with_domains gives lag_seconds as BIGINT, where 0006 cast it to
-- INTEGER. A repost dated 68 years or more from its source (a feed's default
-- date of 1900, a year typed wrong) overflowed the cast, and then every query
-- of the view failed ("integer out of range"), datasette's and the analysts'
-- own; SQLite's integers are 64-bit and gave the number. A view's column
-- cannot change type in place: the three views are made again, as in 0006
-- with that one cast changed.
--
-- Privileges granted on the three views (to an analysts' role, say) are granted
-- again on the new ones. A view of someone else's built on one of them makes
-- this migration fail with PostgreSQL's own message naming it (nothing is
-- dropped): drop that view, run any tracer command, make it again.
CREATE TEMP TABLE tracer_view_grants ON COMMIT DROP AS
SELECT c.relname AS view_name, a.privilege_type, a.is_grantable,
       CASE WHEN a.grantee = 0 THEN 'PUBLIC' ELSE quote_ident(pg_get_userbyid(a.grantee)) END
           AS grantee
FROM pg_class AS c, aclexplode(c.relacl) AS a
WHERE c.relnamespace = current_schema()::regnamespace
  AND c.relname IN ('edges_with_domains', 'domain_edges', 'origin_urls')
  AND a.grantee <> c.relowner;

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
         AS BIGINT) AS lag_seconds,
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

DO $$
DECLARE
    g record;
BEGIN
    FOR g IN SELECT * FROM tracer_view_grants LOOP
        EXECUTE format('GRANT %s ON %I TO %s%s', g.privilege_type, g.view_name, g.grantee,
                       CASE WHEN g.is_grantable THEN ' WITH GRANT OPTION' ELSE '' END);
    END LOOP;
END
$$;
