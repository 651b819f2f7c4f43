-- Text matching on PostgreSQL (issue 16): the twin of
-- migrations/postgres/0010_match_postgres.sql. The threshold fix there is for
-- PostgreSQL stores only; boiler_gen is counted by `tracer rematch` here but
-- read only by PostgreSQL pollers (several pollers on one database; SQLite
-- has one writer per file).
ALTER TABLE match_state ADD COLUMN boiler_gen INTEGER NOT NULL DEFAULT 0;
