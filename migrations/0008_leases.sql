-- Leases (issue 16): on PostgreSQL, `tracer poll` claims a due feed by setting
-- lease_until (ISO 8601 UTC text) and leased_by (host:pid) with SELECT … FOR
-- UPDATE SKIP LOCKED; Store.apply clears both in the feed's transaction. A
-- poller that dies leaves its lease to expire. SQLite pollers do not use them
-- (they split work with --shard and the lock file); the columns exist on both
-- engines so `tracer copy-db` copies the same tables both ways.
ALTER TABLE feeds ADD COLUMN lease_until TEXT;
ALTER TABLE feeds ADD COLUMN leased_by TEXT;
