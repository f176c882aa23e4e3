//! Every statement the PostgreSQL backend runs against the log (the schema is in
//! `migrations/`). Column order of `columns!()` is what `row::decode` reads.

macro_rules! columns {
    () => {
        "position, event_id, stream, version, event_type, schema_version, occurred_at, \
         recorded_at, actor, correlation_id, causation_id, payload"
    };
}

/// The head, locked until the transaction ends: every writer takes it first, so commits
/// follow one another in position order.
pub(crate) const LOCK_HEAD: &str = "SELECT position, recorded_at FROM log_head FOR UPDATE";

/// The head as committed now.
pub(crate) const HEAD: &str = "SELECT position FROM log_head";

/// The version of each stream named (0 for one that does not exist), one index probe each.
pub(crate) const STREAM_VERSIONS: &str = "SELECT s, coalesce((SELECT max(version) FROM events \
     WHERE stream = s), 0) FROM unnest($1::text[]) AS s";

pub(crate) const STREAM_VERSION: &str =
    "SELECT coalesce(max(version), 0) FROM events WHERE stream = $1";

/// The stored events among these ids, with the first position of their append.
pub(crate) const FIND_BY_IDS: &str = concat!(
    "SELECT ",
    columns!(),
    ", append_start FROM events WHERE event_id = ANY($1::uuid[])"
);

/// The append a position belongs to (to tell a whole append from part of one).
pub(crate) const APPEND_START_AT: &str = "SELECT append_start FROM events WHERE position = $1";

/// Inserts a batch of rows given column by column, moves the head and notifies the
/// listeners of the new head, in one statement ($14 head, $15 its recorded_at, $16 the
/// channel).
pub(crate) const WRITE: &str = concat!(
    "WITH inserted AS (INSERT INTO events (",
    columns!(),
    ", append_start) SELECT * FROM unnest($1::bigint[], $2::uuid[], $3::text[], \
     $4::bigint[], $5::text[], $6::integer[], $7::bigint[], $8::bigint[], $9::text[], \
     $10::uuid[], $11::uuid[], $12::text[], $13::bigint[])), \
     moved AS (UPDATE log_head SET position = $14, recorded_at = $15) \
     SELECT pg_notify($16, $14::text)"
);

pub(crate) const READ_STREAM_FORWARD: &str = concat!(
    "SELECT ",
    columns!(),
    " FROM events WHERE stream = $1 AND version >= $2 ORDER BY version LIMIT $3"
);

/// Every event of the streams named, by stream and version: one statement, one snapshot.
pub(crate) const READ_STREAMS: &str = concat!(
    "SELECT ",
    columns!(),
    " FROM events WHERE stream = ANY($1::text[]) ORDER BY stream, version"
);

pub(crate) const READ_STREAM_BACKWARD: &str = concat!(
    "SELECT ",
    columns!(),
    " FROM events WHERE stream = $1 AND version <= $2 ORDER BY version DESC LIMIT $3"
);

pub(crate) const READ_ALL: &str = concat!(
    "SELECT ",
    columns!(),
    " FROM events WHERE position >= $1 ORDER BY position LIMIT $2"
);

/// A filtered read of positions `$1..=$2`: categories `$3` (all if empty) and event types
/// `$4` (all if empty).
pub(crate) const READ_ALL_FILTERED: &str = concat!(
    "SELECT ",
    columns!(),
    " FROM events WHERE position BETWEEN $1 AND $2 \
     AND (cardinality($3::text[]) = 0 OR split_part(stream, '-', 1) = ANY($3::text[])) \
     AND (cardinality($4::text[]) = 0 OR event_type = ANY($4::text[])) \
     ORDER BY position LIMIT $5"
);

pub(crate) const READ_FOR_COPY: &str = concat!(
    "SELECT ",
    columns!(),
    ", append_start FROM events WHERE position >= $1 ORDER BY position LIMIT $2"
);

/// The schema's own number, which names its notification channel.
pub(crate) const SCHEMA: &str = "SELECT current_schema()::text, \
     (SELECT oid::bigint FROM pg_namespace WHERE nspname = current_schema())";
