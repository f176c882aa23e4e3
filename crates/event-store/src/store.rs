//! The [`EventStore`] port that every backend implements.

use crate::copy::CopiedEvent;
use crate::envelope::{AppendResult, ExpectedVersion, NewEvent, RecordedEvent};
use crate::error::StoreError;
use crate::names::{Category, EventType, StreamName, category_of};
use async_trait::async_trait;
use tokio::sync::watch;

/// Direction of a stream read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    /// Oldest first, from the given version upwards.
    Forward,
    /// Newest first, from the given version downwards (`u64::MAX` = from the end).
    Backward,
}

/// Which events of the global log a reader wants. An empty list means "all".
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Filter {
    /// Stream categories (the part of the stream name before the first `-`).
    pub categories: Vec<Category>,
    /// Event types.
    pub event_types: Vec<EventType>,
}

impl Filter {
    /// Every event.
    pub fn all() -> Self {
        Self::default()
    }

    /// Events of these types only (the constant list a projection folds). A name that is
    /// not a valid event type matches nothing, so it is left out.
    pub fn of_types(types: &[&str]) -> Self {
        Self {
            categories: Vec::new(),
            event_types: types
                .iter()
                .filter_map(|t| EventType::new(*t).ok())
                .collect(),
        }
    }

    /// Whether nothing is filtered out.
    pub fn is_all(&self) -> bool {
        self.categories.is_empty() && self.event_types.is_empty()
    }

    /// Whether an event of this stream and type passes the filter.
    pub fn matches(&self, stream: &str, event_type: &str) -> bool {
        (self.categories.is_empty() || {
            let c = category_of(stream);
            self.categories.iter().any(|k| k.as_str() == c)
        }) && (self.event_types.is_empty()
            || self.event_types.iter().any(|t| t.as_str() == event_type))
    }
}

/// One page of the global log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReadAllPage {
    /// The events that passed the filter, in global order.
    pub events: Vec<RecordedEvent>,
    /// The first position not yet examined: read on from here. Events skipped by the
    /// filter are behind it, so a filtered reader does not scan them again.
    pub next: u64,
}

/// The event log. Implementations: `store-sqlite` (embedded default), later PostgreSQL and
/// KurrentDB. All must pass the `store-contract` suite.
///
/// Guarantees:
/// - `append` is atomic for all events of one call and checks `expected` against the
///   stream's version at the moment of writing;
/// - appending an event id that is already stored, with the same content, in the same
///   stream, is a no-op returning the original result; the same id with other content is
///   [`StoreError::IdempotencyConflict`];
/// - global positions start at 1 and readers see them without gaps: if a reader sees
///   position p, it has seen or can see every position below p, and no later commit
///   inserts one below it;
/// - `recorded_at` never decreases along the global order;
/// - nothing is ever deleted or rewritten: there is no operation for it.
#[async_trait]
pub trait EventStore: Send + Sync + std::fmt::Debug + 'static {
    /// Appends events to one stream, atomically.
    async fn append(
        &self,
        stream: &StreamName,
        expected: ExpectedVersion,
        events: Vec<NewEvent>,
    ) -> Result<AppendResult, StoreError>;

    /// Reads up to `limit` events of one stream starting at version `from` (inclusive).
    /// A stream that does not exist reads as empty.
    async fn read_stream(
        &self,
        stream: &StreamName,
        direction: Direction,
        from: u64,
        limit: usize,
    ) -> Result<Vec<RecordedEvent>, StoreError>;

    /// Every event of each stream, one list per stream in the order asked (a stream that
    /// does not exist reads as empty): what a cadre's history gathers. A backend that can
    /// reads them all at once (SQLite: one task on one snapshot); the default reads them one
    /// after another.
    async fn read_streams(
        &self,
        streams: &[StreamName],
    ) -> Result<Vec<Vec<RecordedEvent>>, StoreError> {
        let mut out = Vec::with_capacity(streams.len());
        for stream in streams {
            out.push(
                self.read_stream(stream, Direction::Forward, 1, usize::MAX)
                    .await?,
            );
        }
        Ok(out)
    }

    /// The stream's version: its number of events (0 if it does not exist).
    async fn stream_version(&self, stream: &StreamName) -> Result<u64, StoreError>;

    /// Reads the global log from position `from` (inclusive), up to `limit` events that
    /// pass `filter`.
    async fn read_all(
        &self,
        from: u64,
        filter: &Filter,
        limit: usize,
    ) -> Result<ReadAllPage, StoreError>;

    /// The position of the last event in the log (0 if empty), as the store sees it now.
    async fn head(&self) -> Result<u64, StoreError>;

    /// A watch on the head position, updated after each commit made by this process (and,
    /// where the backend can tell, by other processes). Subscriptions wait on it and also
    /// poll [`EventStore::head`] now and then, so commits made by other processes are seen
    /// in any case.
    fn watch_head(&self) -> watch::Receiver<u64>;

    /// Reads up to `limit` events from position `from` (inclusive), each with the first
    /// position of the append that stored it: the source side of copying a log to another
    /// backend.
    async fn read_for_copy(&self, from: u64, limit: usize) -> Result<Vec<CopiedEvent>, StoreError>;

    /// Stores events exactly as another store recorded them — positions, versions,
    /// `recorded_at`, appends and all — atomically, checked by
    /// [`crate::validate_import`] against this log first (so the first must be at the
    /// head + 1). An event id already stored is an [`StoreError::IdempotencyConflict`].
    /// Returns the new head. Only for copying a whole log into a new store; ordinary
    /// writes go through [`EventStore::append`].
    async fn import(&self, events: Vec<CopiedEvent>) -> Result<u64, StoreError>;
}

#[cfg(test)]
mod tests {
    use super::Filter;

    #[test]
    fn a_filter_of_types_passes_those_types_in_any_stream_and_nothing_else() {
        let f = Filter::of_types(&["DutyRecorded", "UnitRegistered"]);
        assert!(f.matches("obligation-1", "DutyRecorded"));
        assert!(f.matches("unit-9", "UnitRegistered"));
        assert!(!f.matches("obligation-1", "DutyWithdrawn"));
        assert!(!f.is_all());
    }
}
