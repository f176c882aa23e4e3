//! Every statement the SQLite backend runs against the log (the schema is in
//! `migrations/`). Column order of [`COLUMNS`] is what `row::decode` reads.

macro_rules! columns {
    () => {
        "position, event_id, stream, version, event_type, schema_version, occurred_at, \
         recorded_at, actor, correlation_id, causation_id, payload"
    };
}

pub(crate) const HEAD: &str =
    "SELECT position, recorded_at FROM events ORDER BY position DESC LIMIT 1";

pub(crate) const STREAM_VERSION: &str = "SELECT max(version) FROM events WHERE stream = ?1";

/// The event with an id, and the first position of the append that stored it.
pub(crate) const FIND_BY_ID: &str = concat!(
    "SELECT ",
    columns!(),
    ", append_start FROM events WHERE event_id = ?1"
);

/// The append a position belongs to (to tell a whole append from part of one).
pub(crate) const APPEND_START_AT: &str = "SELECT append_start FROM events WHERE position = ?1";

pub(crate) const INSERT: &str = concat!(
    "INSERT INTO events (",
    columns!(),
    ", append_start) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13)"
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

/// Each append in a group commit runs inside its own savepoint, so a refused one leaves
/// nothing behind while the others in the batch go on.
pub(crate) const SAVEPOINT: &str = "SAVEPOINT append";
pub(crate) const RELEASE: &str = "RELEASE append";
pub(crate) const ROLLBACK_TO: &str = "ROLLBACK TO append";

/// The log with each event's append, for copying it to another store.
pub(crate) const READ_FOR_COPY: &str = concat!(
    "SELECT ",
    columns!(),
    ", append_start FROM events WHERE position >= ?1 ORDER BY position LIMIT ?2"
);
