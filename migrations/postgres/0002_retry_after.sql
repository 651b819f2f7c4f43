-- PostgreSQL twin of migrations/0002_retry_after.sql.
ALTER TABLE feeds ADD COLUMN retry_after_until TEXT COLLATE "C";
