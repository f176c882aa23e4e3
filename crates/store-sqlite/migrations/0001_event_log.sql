-- The event log (DESIGN.md §3). One row per event; nothing is ever updated or deleted.
CREATE TABLE events (
    position       INTEGER PRIMARY KEY,  -- global order: 1, 2, 3, … without holes
    event_id       BLOB    NOT NULL,     -- 16-byte UUID
    stream         TEXT    NOT NULL,
    version        INTEGER NOT NULL,     -- 1 for the first event of a stream
    event_type     TEXT    NOT NULL,
    schema_version INTEGER NOT NULL,
    occurred_at    INTEGER NOT NULL,     -- microseconds since the Unix epoch, UTC
    recorded_at    INTEGER NOT NULL,     -- microseconds since the Unix epoch, UTC; never decreases
    actor          TEXT    NOT NULL,
    correlation_id BLOB,
    causation_id   BLOB,
    payload        TEXT    NOT NULL,     -- the JSON object exactly as appended
    append_start   INTEGER NOT NULL      -- position of the first event of the same append call
) STRICT;

-- Idempotency: an event id is stored once.
CREATE UNIQUE INDEX events_event_id ON events (event_id);
-- Optimistic concurrency and stream reads: one event per (stream, version).
CREATE UNIQUE INDEX events_stream_version ON events (stream, version);

-- The log is append-only, also for anyone who opens the file with another tool.
CREATE TRIGGER events_no_update BEFORE UPDATE ON events
BEGIN
    SELECT RAISE(ABORT, 'the event log is append-only: events cannot be updated');
END;
CREATE TRIGGER events_no_delete BEFORE DELETE ON events
BEGIN
    SELECT RAISE(ABORT, 'the event log is append-only: events cannot be deleted');
END;
