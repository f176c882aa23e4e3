//! The catalog's fold: per stream and per event type, how many events and where the last
//! one is. Each batch is aggregated in memory and written with one upsert per key.

use crate::sql;
use event_store::RecordedEvent;
use projector::{Projection, ProjectionError};
use rusqlite::{Transaction, params};
use std::collections::BTreeMap;

/// The catalog projection.
#[derive(Debug, Clone, Copy, Default)]
pub struct Catalog;

impl Catalog {
    /// Its name, the key of its checkpoint.
    pub const NAME: &'static str = "catalog";
    /// Its tables.
    pub const TABLES: &'static [&'static str] = &["catalog_streams", "catalog_event_types"];
}

/// One stream's share of a batch.
struct StreamDelta<'a> {
    category: &'a str,
    events: i64,
    first_position: u64,
    last: &'a RecordedEvent,
}

impl Projection for Catalog {
    fn name(&self) -> &'static str {
        Self::NAME
    }

    fn version(&self) -> u32 {
        1
    }

    fn schema(&self) -> &'static str {
        sql::SCHEMA
    }

    fn query_indexes(&self) -> &'static str {
        sql::QUERY_INDEXES
    }

    fn tables(&self) -> &'static [&'static str] {
        Self::TABLES
    }

    fn apply(&self, tx: &Transaction<'_>, event: &RecordedEvent) -> Result<(), ProjectionError> {
        self.apply_batch(tx, std::slice::from_ref(event))
    }

    fn apply_batch(
        &self,
        tx: &Transaction<'_>,
        events: &[RecordedEvent],
    ) -> Result<(), ProjectionError> {
        // Sorted keys: the upserts walk each B-tree in order.
        let mut streams: BTreeMap<&str, StreamDelta<'_>> = BTreeMap::new();
        let mut types: BTreeMap<&str, (i64, u64)> = BTreeMap::new();
        for e in events {
            streams
                .entry(e.stream.as_str())
                .and_modify(|d| {
                    d.events += 1;
                    d.last = e;
                })
                .or_insert(StreamDelta {
                    category: e.stream.category(),
                    events: 1,
                    first_position: e.position,
                    last: e,
                });
            let t = types.entry(e.event_type.as_str()).or_insert((0, 0));
            t.0 += 1;
            t.1 = e.position;
        }
        let mut upsert = tx.prepare_cached(sql::UPSERT_STREAM)?;
        for (stream, d) in &streams {
            upsert.execute(params![
                stream,
                d.category,
                d.events,
                int(d.first_position),
                int(d.last.position),
                int(d.last.version),
                d.last.recorded_at.timestamp_micros(),
            ])?;
        }
        let mut upsert = tx.prepare_cached(sql::UPSERT_EVENT_TYPE)?;
        for (event_type, (n, last)) in &types {
            upsert.execute(params![event_type, n, int(*last)])?;
        }
        Ok(())
    }
}

pub(crate) fn int(v: u64) -> i64 {
    i64::try_from(v).unwrap_or(i64::MAX)
}
