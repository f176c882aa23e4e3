//! Every statement the SQLite backend runs against the log (the schema is in
//! `migrations/`). Column order of [`COLUMNS`] is what `row::decode` reads.

macro_rules! columns {
    () => {
        "position, event_id, stream, version, event_type, schema_version, occurred_at, \
         recorded_at, actor, correlation_id, causation_id, payload"
    };
}

pub(crate) const HEAD: &str = "SELECT position, recorded_at FROM events ORDER BY position DESC LIMIT 1";

pub(crate) const STREAM_VERSION: &str = "SELECT max(version) FROM events WHERE stream = ?1";

pub(crate) const FIND_BY_ID: &str = concat!("SELECT ", columns!(), " FROM events WHERE event_id = ?1");

pub(crate) const INSERT: &str = concat!(
    "INSERT INTO events (",
    columns!(),
    ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)"
);

pub(crate) const READ_STREAM_FORWARD: &str = concat!(
    "SELECT ",
    columns!(),
    " FROM events WHERE stream = ?1 AND version >= ?2 ORDER BY version LIMIT ?3"
);

pub(crate) const READ_STREAM_BACKWARD: &str = concat!(
    "SELECT ",
    columns!(),
    " FROM events WHERE stream = ?1 AND version <= ?2 ORDER BY version DESC LIMIT ?3"
);

pub(crate) const READ_ALL: &str = concat!(
    "SELECT ",
    columns!(),
    " FROM events WHERE position >= ?1 ORDER BY position LIMIT ?2"
);
