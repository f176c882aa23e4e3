-- The catalog read model: what the event log holds, per stream and per event type.
-- Built by projections/catalog; rebuilt from zero whenever its version changes.

CREATE TABLE IF NOT EXISTS catalog_streams (
    stream           TEXT    PRIMARY KEY,
    category         TEXT    NOT NULL,  -- the part of the stream name before the first '-'
    events           INTEGER NOT NULL,
    first_position   INTEGER NOT NULL,
    last_position    INTEGER NOT NULL,
    last_version     INTEGER NOT NULL,
    last_recorded_at INTEGER NOT NULL   -- microseconds since the Unix epoch, UTC
) STRICT, WITHOUT ROWID;

CREATE TABLE IF NOT EXISTS catalog_event_types (
    event_type    TEXT    PRIMARY KEY,
    events        INTEGER NOT NULL,
    last_position INTEGER NOT NULL
) STRICT, WITHOUT ROWID;

-- The indexes only its queries use are in indexes.sql.
