-- Which PostgreSQL session wrote text_keys last (issue 16): the twin of
-- migrations/postgres/0014_index_writer.sql, where a trigger keeps it. SQLite
-- leaves it NULL (one writer per file: its matcher asks PRAGMA data_version);
-- the column exists on both engines so `tracer copy-db` copies the same tables.
ALTER TABLE match_state ADD COLUMN index_writer INTEGER;
