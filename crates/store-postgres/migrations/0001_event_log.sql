-- The event log on PostgreSQL (DESIGN.md §3; ADR 0013). One row per event; nothing is ever
-- updated or deleted. The columns are those of the SQLite log, instants in microseconds
-- since the Unix epoch (UTC), so that a log copied between the two is the same bit for bit.
CREATE TABLE events (
    position       bigint  PRIMARY KEY,  -- global order: 1, 2, 3, … without holes
    event_id       uuid    NOT NULL,
    stream         text    NOT NULL,
    version        bigint  NOT NULL,     -- 1 for the first event of a stream
    event_type     text    NOT NULL,
    schema_version integer NOT NULL,
    occurred_at    bigint  NOT NULL,     -- µs since the Unix epoch, UTC
    recorded_at    bigint  NOT NULL,     -- µs since the Unix epoch, UTC; never decreases
    actor          text    NOT NULL,
    correlation_id uuid,
    causation_id   uuid,
    payload        text    NOT NULL,     -- the JSON object exactly as appended (not jsonb,
                                         -- which would not keep its bytes)
    append_start   bigint  NOT NULL,     -- position of the first event of the same append
    CONSTRAINT events_position_positive CHECK (position > 0),
    CONSTRAINT events_version_positive CHECK (version > 0)
);

-- Idempotency: an event id is stored once.
CREATE UNIQUE INDEX events_event_id ON events (event_id);
-- Optimistic concurrency and stream reads: one event per (stream, version).
CREATE UNIQUE INDEX events_stream_version ON events (stream, version);

-- The head of the log: its last position and when it was recorded. Every append locks this
-- one row (SELECT … FOR UPDATE) before it reads versions or assigns positions, and holds it
-- until it commits; so appends commit one after another in the order of their positions, in
-- any number of processes, and a reader can never see position p + 1 before p.
CREATE TABLE log_head (
    singleton   boolean PRIMARY KEY DEFAULT true CHECK (singleton),
    position    bigint  NOT NULL,
    recorded_at bigint  NOT NULL
);
INSERT INTO log_head (position, recorded_at) VALUES (0, 0);

-- The log is append-only, also for anyone who connects with another tool.
CREATE FUNCTION events_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the event log is append-only: events cannot be %d', lower(TG_OP)
        USING ERRCODE = 'restrict_violation';
END;
$$;
CREATE TRIGGER events_no_update BEFORE UPDATE OR DELETE ON events
    FOR EACH ROW EXECUTE FUNCTION events_refuse_change();
CREATE TRIGGER events_no_truncate BEFORE TRUNCATE ON events
    FOR EACH STATEMENT EXECUTE FUNCTION events_refuse_change();
CREATE FUNCTION log_head_refuse_delete() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'the head of the event log cannot be removed'
        USING ERRCODE = 'restrict_violation';
END;
$$;
CREATE TRIGGER log_head_no_delete BEFORE DELETE ON log_head
    FOR EACH ROW EXECUTE FUNCTION log_head_refuse_delete();
CREATE TRIGGER log_head_no_truncate BEFORE TRUNCATE ON log_head
    FOR EACH STATEMENT EXECUTE FUNCTION log_head_refuse_delete();
CREATE FUNCTION log_head_forward_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.position < OLD.position OR NEW.recorded_at < OLD.recorded_at THEN
        RAISE EXCEPTION 'the head of the event log only moves forward'
            USING ERRCODE = 'restrict_violation';
    END IF;
    RETURN NEW;
END;
$$;
CREATE TRIGGER log_head_forward BEFORE UPDATE ON log_head
    FOR EACH ROW EXECUTE FUNCTION log_head_forward_only();
