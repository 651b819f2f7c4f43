-- Which session wrote text_keys last (issue 16): the server process id of the
-- last transaction that inserted index rows, kept by a trigger whatever the
-- statement (a poller's matcher, a rematch, copy-db's COPY). A poller's
-- matcher keeps the keys of text_keys in memory and looks up only the keys
-- found there (most keys of a new post are on no stored post); it keeps them
-- while it finds its own process id here at the start of each feed's
-- matching, which it reads under the upkeep lock, so another session's rows
-- are never missed (tracer.matching.Matcher.check_index_writer). No other
-- live session has that process id, and the row is updated only when the
-- writer changes: one poller writes it once.
ALTER TABLE match_state ADD COLUMN index_writer INTEGER;

CREATE FUNCTION tracer_index_written() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE match_state SET index_writer = pg_backend_pid()
    WHERE index_writer IS DISTINCT FROM pg_backend_pid();
    RETURN NULL;
END
$$;

CREATE TRIGGER text_keys_written AFTER INSERT ON text_keys
    FOR EACH STATEMENT EXECUTE FUNCTION tracer_index_written();
