-- A server that answered 429/503 with Retry-After is not asked again before
-- this time, even by `tracer poll --all` (ISO 8601 UTC text, NULL when none).
ALTER TABLE feeds ADD COLUMN retry_after_until TEXT;
