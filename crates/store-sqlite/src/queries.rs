//! Every statement the SQLite backend runs against the log (the schema is in
//! `migrations/`). Column order of [`COLUMNS`] is what `row::decode` reads.

macro_rules! columns {
    () => {
        "position, event_id, stream, version, event_type, schema_version, occurred_at, \
         recorded_at, actor, correlation_id, causation_id, payload"
    };
}

/// The columns of `columns!` for an event found through `stream_index s` joined to `events e`; the stream
/// and version come from the index, so that SQLite knows the rows come in version order.
macro_rules! indexed_columns {
    () => {
        "e.position, e.event_id, s.stream, s.version, e.event_type, e.schema_version, \
         e.occurred_at, e.recorded_at, e.actor, e.correlation_id, e.causation_id, e.payload"
    };
}

/// The events not yet folded into `stream_index` (migration 0002): the end of the log.
macro_rules! unfolded {
    () => {
        "position > (SELECT position FROM stream_index_head)"
    };
}

pub(crate) const HEAD: &str =
    "SELECT position, recorded_at FROM events ORDER BY position DESC LIMIT 1";

/// A stream's version: its last folded one, or a later one at the end of the log.
pub(crate) const STREAM_VERSION: &str = concat!(
    "SELECT max(v) FROM (SELECT max(version) AS v FROM stream_index WHERE stream = ?1 \
     UNION ALL SELECT max(version) FROM events WHERE ",
    unfolded!(),
    " AND stream = ?1)"
);

/// The last position folded into `stream_index`.
pub(crate) const FOLDED: &str = "SELECT position FROM stream_index_head";

/// Folds the events after `?1` into `stream_index`, sorted so that each stream's entries go
/// into its pages together.
pub(crate) const FOLD: &str = "INSERT INTO stream_index (stream, version, position) \
     SELECT stream, version, position FROM events WHERE position > ?1 ORDER BY stream, version";

pub(crate) const SET_FOLDED: &str = "UPDATE stream_index_head SET position = ?1";

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

/// A stream from a version on: the folded events through the index, in its order, merged
/// with those at the end of the log (SQLite's `MERGE (UNION ALL)`, which stops at the limit).
pub(crate) const READ_STREAM_FORWARD: &str = concat!(
    "SELECT ",
    indexed_columns!(),
    " FROM stream_index s CROSS JOIN events e ON e.position = s.position \
     WHERE s.stream = ?1 AND s.version >= ?2 UNION ALL SELECT ",
    columns!(),
    " FROM events WHERE ",
    unfolded!(),
    " AND stream = ?1 AND version >= ?2 ORDER BY 4 LIMIT ?3"
);

/// A stream's folded events, in version order (the first part of [`READ_STREAM_FORWARD`]).
pub(crate) const READ_FOLDED: &str = concat!(
    "SELECT ",
    indexed_columns!(),
    " FROM stream_index s CROSS JOIN events e ON e.position = s.position \
     WHERE s.stream = ?1 ORDER BY s.version"
);

/// The events not yet folded into the stream index, in position order.
pub(crate) const READ_UNFOLDED: &str = concat!(
    "SELECT ",
    columns!(),
    " FROM events WHERE ",
    unfolded!(),
    " ORDER BY position"
);

/// A stream from a version back, as [`READ_STREAM_FORWARD`].
pub(crate) const READ_STREAM_BACKWARD: &str = concat!(
    "SELECT ",
    indexed_columns!(),
    " FROM stream_index s CROSS JOIN events e ON e.position = s.position \
     WHERE s.stream = ?1 AND s.version <= ?2 UNION ALL SELECT ",
    columns!(),
    " FROM events WHERE ",
    unfolded!(),
    " AND stream = ?1 AND version <= ?2 ORDER BY 4 DESC LIMIT ?3"
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
