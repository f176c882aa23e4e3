//! Which positions an export covers, and what is in them.
//!
//! `recorded_at` never decreases along the global order, so a time range is a range of
//! positions, found by binary search in O(log n) single-event reads.

use std::collections::BTreeSet;
use std::sync::Arc;

use chrono::{DateTime, Utc};
use event_store::{EventStore, Filter, RecordedEvent};

use super::pages::Pages;
use crate::error::ExportError;
use crate::format::schema_id;
use crate::request::{ExportFilter, ExportRequest};

/// The positions `from ..= to` of the log, the filter applied to them, and the tree the
/// proofs are of.
#[derive(Debug, Clone)]
pub(crate) struct Plan {
    pub complete: bool,
    pub from: u64,
    pub to: u64,
    pub tree_size: u64,
    pub filter: ExportFilter,
    /// How many events the export holds (known after the survey).
    pub events: u64,
}

/// What the survey pass found.
#[derive(Debug)]
pub(crate) struct Survey {
    pub events: u64,
    pub schemas: BTreeSet<String>,
}

impl Plan {
    pub async fn make(
        store: &Arc<dyn EventStore>,
        request: &ExportRequest,
        tree_size: u64,
    ) -> Result<Self, ExportError> {
        let filter = request.filter();
        let mut from = request.after + 1;
        let mut to = tree_size;
        if let Some(t) = filter.recorded_from {
            from = from.max(first_recorded_at_or_after(store, t, tree_size).await?);
        }
        if let Some(t) = filter.recorded_to {
            to = to.min(last_recorded_at_or_before(store, t, tree_size).await?);
        }
        Ok(Self {
            complete: filter.is_empty(),
            from,
            to,
            tree_size,
            filter,
            events: 0,
        })
    }

    /// Reads the export's events once, without hashing, for the header. A complete export
    /// must find every position of its range.
    pub async fn survey(&mut self, store: &Arc<dyn EventStore>) -> Result<Survey, ExportError> {
        let mut pages = Pages::new(store.clone(), self);
        let mut schemas = BTreeSet::new();
        let mut events = 0u64;
        while let Some(page) = pages.next().await? {
            for e in &page {
                if self.complete && e.position != self.from + events {
                    return Err(ExportError::EventMissing {
                        position: self.from + events,
                    });
                }
                events += 1;
                if !schemas.iter().any(|s: &String| is_schema_of(s, e)) {
                    schemas.insert(schema_id(e.event_type.as_str(), e.schema_version));
                }
            }
        }
        if self.complete && self.from + events <= self.to {
            return Err(ExportError::EventMissing {
                position: self.from + events,
            });
        }
        self.events = events;
        Ok(Survey { events, schemas })
    }
}

/// Whether `id` is the schema id of `e` (without building a string per event).
fn is_schema_of(id: &str, e: &RecordedEvent) -> bool {
    id.strip_prefix("urn:dutytrace:event:")
        .and_then(|rest| rest.strip_prefix(e.event_type.as_str()))
        .and_then(|rest| rest.strip_prefix(":v"))
        .is_some_and(|v| v.parse() == Ok(e.schema_version))
}

async fn recorded_at(
    store: &Arc<dyn EventStore>,
    position: u64,
) -> Result<DateTime<Utc>, ExportError> {
    let page = store.read_all(position, &Filter::all(), 1).await?;
    match page.events.first() {
        Some(e) if e.position == position => Ok(e.recorded_at),
        _ => Err(ExportError::EventMissing { position }),
    }
}

/// The first position of `1 ..= size` recorded at or after `t`, or `size + 1`.
async fn first_recorded_at_or_after(
    store: &Arc<dyn EventStore>,
    t: DateTime<Utc>,
    size: u64,
) -> Result<u64, ExportError> {
    // Invariant: every position below `lo` is before t; every position from `hi` on is not.
    let (mut lo, mut hi) = (1, size + 1);
    while lo < hi {
        let mid = lo + (hi - lo) / 2;
        if recorded_at(store, mid).await? < t {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    Ok(lo)
}

/// The last position of `1 ..= size` recorded at or before `t`, or 0.
async fn last_recorded_at_or_before(
    store: &Arc<dyn EventStore>,
    t: DateTime<Utc>,
    size: u64,
) -> Result<u64, ExportError> {
    // The first position recorded after t, minus one.
    let (mut lo, mut hi) = (1, size + 1);
    while lo < hi {
        let mid = lo + (hi - lo) / 2;
        if recorded_at(store, mid).await? <= t {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    Ok(lo - 1)
}
