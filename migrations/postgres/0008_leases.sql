-- PostgreSQL twin of migrations/0008_leases.sql: a poller's claim on a feed.
ALTER TABLE feeds ADD COLUMN lease_until TEXT COLLATE "C";
ALTER TABLE feeds ADD COLUMN leased_by TEXT COLLATE "C";
CREATE INDEX feeds_lease ON feeds (lease_until) WHERE lease_until IS NOT NULL;
