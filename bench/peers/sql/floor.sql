-- The floor's table: the columns, checks, primary key and unique indexes of dutytrace's own
-- event log on PostgreSQL (crates/store-postgres/migrations/0001_event_log.sql), without
-- its head row, triggers or notifications. dutytrace assigns positions itself, under the
-- lock of its head row, so that they have no holes and commit in order; the floor takes
-- them from a sequence, which does neither.
CREATE SEQUENCE events_position;

CREATE TABLE events (
    position       bigint  PRIMARY KEY,
    event_id       uuid    NOT NULL,
    stream         text    NOT NULL,
    version        bigint  NOT NULL,
    event_type     text    NOT NULL,
    schema_version integer NOT NULL,
    occurred_at    bigint  NOT NULL,
    recorded_at    bigint  NOT NULL,
    actor          text    NOT NULL,
    correlation_id uuid,
    causation_id   uuid,
    payload        text    NOT NULL,
    append_start   bigint  NOT NULL,
    CONSTRAINT events_position_positive CHECK (position > 0),
    CONSTRAINT events_version_positive CHECK (version > 0)
);

CREATE UNIQUE INDEX events_event_id ON events (event_id);
CREATE UNIQUE INDEX events_stream_version ON events (stream, version);
