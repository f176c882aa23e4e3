//! Reading the catalog, on any connection to the read-model file
//! ([`projector::ReadModels::reader`]).

use crate::projection::int;
use crate::sql;
use chrono::{DateTime, Utc};
use rusqlite::{Connection, OptionalExtension, Row};

/// One stream as the catalog knows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StreamSummary {
    pub stream: String,
    pub category: String,
    /// Its number of events.
    pub events: u64,
    /// Global position of its first and last events.
    pub first_position: u64,
    pub last_position: u64,
    /// Its version: the stream version of its last event.
    pub last_version: u64,
    /// When its last event was recorded.
    pub last_recorded_at: DateTime<Utc>,
}

/// One category: its streams and their events.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CategorySummary {
    pub category: String,
    pub streams: u64,
    pub events: u64,
}

/// One event type: how many events of it, and the position of the last.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EventTypeSummary {
    pub event_type: String,
    pub events: u64,
    pub last_position: u64,
}

/// The whole log at a glance.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Totals {
    pub streams: u64,
    pub events: u64,
    pub event_types: u64,
    /// Position of the last event projected (0 if none).
    pub last_position: u64,
}

/// One stream, if the catalog has seen it.
pub fn stream(conn: &Connection, stream: &str) -> rusqlite::Result<Option<StreamSummary>> {
    conn.prepare_cached(sql::STREAM)?
        .query_row([stream], stream_row)
        .optional()
}

/// Streams of a category in name order: up to `limit` of them after the name `after`
/// (`""` for the first page; pass the last name of a page to get the next).
pub fn streams_in_category(
    conn: &Connection,
    category: &str,
    after: &str,
    limit: usize,
) -> rusqlite::Result<Vec<StreamSummary>> {
    conn.prepare_cached(sql::STREAMS_IN_CATEGORY)?
        .query_map(
            rusqlite::params![category, after, int(limit as u64)],
            stream_row,
        )?
        .collect()
}

/// Every category, by name.
pub fn categories(conn: &Connection) -> rusqlite::Result<Vec<CategorySummary>> {
    conn.prepare_cached(sql::CATEGORIES)?
        .query_map([], |r| {
            Ok(CategorySummary {
                category: r.get(0)?,
                streams: r.get::<_, i64>(1)? as u64,
                events: r.get::<_, i64>(2)? as u64,
            })
        })?
        .collect()
}

/// Every event type, by name.
pub fn event_types(conn: &Connection) -> rusqlite::Result<Vec<EventTypeSummary>> {
    conn.prepare_cached(sql::EVENT_TYPES)?
        .query_map([], |r| {
            Ok(EventTypeSummary {
                event_type: r.get(0)?,
                events: r.get::<_, i64>(1)? as u64,
                last_position: r.get::<_, i64>(2)? as u64,
            })
        })?
        .collect()
}

/// Counts over the whole catalog.
pub fn totals(conn: &Connection) -> rusqlite::Result<Totals> {
    conn.prepare_cached(sql::TOTALS)?.query_row([], |r| {
        Ok(Totals {
            streams: r.get::<_, i64>(0)? as u64,
            events: r.get::<_, i64>(1)? as u64,
            event_types: r.get::<_, i64>(2)? as u64,
            last_position: r.get::<_, i64>(3)? as u64,
        })
    })
}

fn stream_row(r: &Row<'_>) -> rusqlite::Result<StreamSummary> {
    let us: i64 = r.get(6)?;
    Ok(StreamSummary {
        stream: r.get(0)?,
        category: r.get(1)?,
        events: r.get::<_, i64>(2)? as u64,
        first_position: r.get::<_, i64>(3)? as u64,
        last_position: r.get::<_, i64>(4)? as u64,
        last_version: r.get::<_, i64>(5)? as u64,
        last_recorded_at: DateTime::from_timestamp_micros(us)
            .ok_or(rusqlite::Error::IntegralValueOutOfRange(6, us))?,
    })
}
