//! Every statement of the catalog (its DDL is in `schema.sql`).

pub(crate) const SCHEMA: &str = include_str!("../schema.sql");
pub(crate) const QUERY_INDEXES: &str = include_str!("../indexes.sql");

/// Adds a batch's events of one stream. Events arrive in global order, so the batch's
/// last event is the stream's last.
pub(crate) const UPSERT_STREAM: &str = "\
INSERT INTO catalog_streams \
    (stream, category, events, first_position, last_position, last_version, last_recorded_at) \
VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) \
ON CONFLICT (stream) DO UPDATE SET \
    events = events + excluded.events, \
    last_position = excluded.last_position, \
    last_version = excluded.last_version, \
    last_recorded_at = excluded.last_recorded_at";

pub(crate) const UPSERT_EVENT_TYPE: &str = "\
INSERT INTO catalog_event_types (event_type, events, last_position) VALUES (?1, ?2, ?3) \
ON CONFLICT (event_type) DO UPDATE SET \
    events = events + excluded.events, \
    last_position = excluded.last_position";

macro_rules! stream_columns {
    () => {
        "stream, category, events, first_position, last_position, last_version, last_recorded_at"
    };
}

pub(crate) const STREAM: &str = concat!(
    "SELECT ",
    stream_columns!(),
    " FROM catalog_streams WHERE stream = ?1"
);

pub(crate) const STREAMS_IN_CATEGORY: &str = concat!(
    "SELECT ",
    stream_columns!(),
    " FROM catalog_streams WHERE category = ?1 AND stream > ?2 ORDER BY stream LIMIT ?3"
);

pub(crate) const CATEGORIES: &str = "SELECT category, count(*), sum(events) \
     FROM catalog_streams GROUP BY category ORDER BY category";

pub(crate) const EVENT_TYPES: &str =
    "SELECT event_type, events, last_position FROM catalog_event_types ORDER BY event_type";

pub(crate) const TOTALS: &str = "SELECT \
    (SELECT count(*) FROM catalog_streams), \
    (SELECT coalesce(sum(events), 0) FROM catalog_streams), \
    (SELECT count(*) FROM catalog_event_types), \
    (SELECT coalesce(max(last_position), 0) FROM catalog_streams)";
