//! The event envelope (DESIGN.md §3): what a caller appends ([`NewEvent`]) and what the log
//! gives back ([`RecordedEvent`]).

use crate::error::InvalidInput;
use crate::limits::{MAX_APPEND_BYTES, MAX_EVENTS_PER_APPEND};
use crate::names::{Actor, EventType, StreamName};
use crate::payload::Payload;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::collections::HashSet;
use std::fmt;
use uuid::Uuid;

/// An event to append. The store adds the stream, version, position and `recorded_at`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewEvent {
    /// Unique id; appending an id that is already stored is a no-op (idempotent retry).
    /// New events get a UUIDv7; time-driven facts use deterministic ids so they are
    /// recorded once however many watchers notice them.
    pub event_id: Uuid,
    pub event_type: EventType,
    /// Version of the payload schema of this event type, from 1.
    pub schema_version: u32,
    /// When it happened in the world (a duty performed on 3 June and entered on 5 June
    /// occurred on 3 June). Stored to the microsecond, like every instant in the log.
    pub occurred_at: DateTime<Utc>,
    pub actor: Actor,
    pub correlation_id: Option<Uuid>,
    pub causation_id: Option<Uuid>,
    pub payload: Payload,
}

impl NewEvent {
    /// An event with a fresh UUIDv7, schema version 1 and no correlation.
    pub fn new(
        event_type: EventType,
        payload: Payload,
        actor: Actor,
        occurred_at: DateTime<Utc>,
    ) -> Self {
        Self {
            event_id: Uuid::now_v7(),
            event_type,
            schema_version: 1,
            occurred_at,
            actor,
            correlation_id: None,
            causation_id: None,
            payload,
        }
    }

    /// Sets the event id (e.g. a deterministic one).
    pub fn with_id(mut self, id: Uuid) -> Self {
        self.event_id = id;
        self
    }

    /// Sets the payload schema version.
    pub fn with_schema_version(mut self, v: u32) -> Self {
        self.schema_version = v;
        self
    }

    /// Sets the correlation and causation ids.
    pub fn caused_by(mut self, correlation: Uuid, causation: Option<Uuid>) -> Self {
        self.correlation_id = Some(correlation);
        self.causation_id = causation;
        self
    }

    /// Whether a stored event carries the same content as this one (the store's own
    /// fields — position, version, `recorded_at` — aside).
    pub fn same_content_as(&self, stored: &RecordedEvent) -> bool {
        self.event_id == stored.event_id
            && self.event_type == stored.event_type
            && self.schema_version == stored.schema_version
            && self.occurred_at.timestamp_micros() == stored.occurred_at.timestamp_micros()
            && self.actor == stored.actor
            && self.correlation_id == stored.correlation_id
            && self.causation_id == stored.causation_id
            && self.payload == stored.payload
    }
}

/// An event as stored in the log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordedEvent {
    /// Place in the global order: 1, 2, 3, … ; readers never see a hole filled later.
    pub position: u64,
    pub stream: StreamName,
    /// Place in its stream: the first event of a stream has version 1.
    pub version: u64,
    pub event_id: Uuid,
    pub event_type: EventType,
    pub schema_version: u32,
    pub occurred_at: DateTime<Utc>,
    /// When the platform learned of it; never decreases along the global order, so
    /// "recorded by instant t" is a prefix of the log.
    pub recorded_at: DateTime<Utc>,
    pub actor: Actor,
    pub correlation_id: Option<Uuid>,
    pub causation_id: Option<Uuid>,
    pub payload: Payload,
}

/// What the caller believes the stream's version is (optimistic concurrency).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind", content = "version")]
pub enum ExpectedVersion {
    /// Append whatever the stream's version.
    Any,
    /// The stream must not exist yet.
    NoStream,
    /// The stream must be at exactly this version (its number of events; 0 = no stream).
    Exact(u64),
}

impl ExpectedVersion {
    /// Whether a stream at `actual` satisfies this expectation.
    pub fn admits(self, actual: u64) -> bool {
        match self {
            Self::Any => true,
            Self::NoStream => actual == 0,
            Self::Exact(v) => actual == v,
        }
    }
}

impl fmt::Display for ExpectedVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Any => f.write_str("any"),
            Self::NoStream => f.write_str("no stream"),
            Self::Exact(v) => write!(f, "{v}"),
        }
    }
}

/// The result of a successful append.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AppendResult {
    /// The stream's version after the append (the version of its last event).
    pub stream_version: u64,
    /// The global position of each appended event, in order.
    pub positions: Vec<u64>,
    /// When the store recorded the events.
    pub recorded_at: DateTime<Utc>,
    /// True when every event was already stored by an earlier identical append: nothing
    /// was written and this is the original result.
    pub deduplicated: bool,
}

impl AppendResult {
    /// The position of the last appended event.
    pub fn last_position(&self) -> u64 {
        self.positions.last().copied().unwrap_or(0)
    }
}

/// Checks the rules every backend applies to an append before writing anything.
pub fn validate_append(events: &[NewEvent]) -> Result<(), InvalidInput> {
    if events.is_empty() {
        return Err(InvalidInput::EmptyAppend);
    }
    if events.len() > MAX_EVENTS_PER_APPEND {
        return Err(InvalidInput::TooManyEvents {
            count: events.len(),
            limit: MAX_EVENTS_PER_APPEND,
        });
    }
    let size: usize = events.iter().map(|e| e.payload.len()).sum();
    if size > MAX_APPEND_BYTES {
        return Err(InvalidInput::AppendTooLarge {
            size,
            limit: MAX_APPEND_BYTES,
        });
    }
    let mut seen = HashSet::with_capacity(events.len());
    for e in events {
        if e.event_id.is_nil() {
            return Err(InvalidInput::NilEventId);
        }
        if e.schema_version == 0 {
            return Err(InvalidInput::SchemaVersion);
        }
        if !seen.insert(e.event_id) {
            return Err(InvalidInput::DuplicateEventId {
                event_id: e.event_id,
            });
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event() -> NewEvent {
        NewEvent::new(
            EventType::new("DutyRecorded").unwrap(),
            Payload::from_json("{}").unwrap(),
            Actor::new("user:test").unwrap(),
            Utc::now(),
        )
    }

    #[test]
    fn expected_versions_admit_exactly_what_they_say() {
        assert!(ExpectedVersion::Any.admits(0) && ExpectedVersion::Any.admits(7));
        assert!(ExpectedVersion::NoStream.admits(0) && !ExpectedVersion::NoStream.admits(1));
        assert!(ExpectedVersion::Exact(3).admits(3) && !ExpectedVersion::Exact(3).admits(4));
        assert!(ExpectedVersion::Exact(0).admits(0));
    }

    #[test]
    fn appends_are_checked_before_anything_is_written() {
        assert_eq!(validate_append(&[]), Err(InvalidInput::EmptyAppend));
        let e = event();
        assert_eq!(
            validate_append(&[e.clone(), e.clone()]),
            Err(InvalidInput::DuplicateEventId {
                event_id: e.event_id
            })
        );
        assert_eq!(
            validate_append(&[e.clone().with_id(Uuid::nil())]),
            Err(InvalidInput::NilEventId)
        );
        assert_eq!(
            validate_append(&[e.clone().with_schema_version(0)]),
            Err(InvalidInput::SchemaVersion)
        );
        let many: Vec<_> = (0..=MAX_EVENTS_PER_APPEND).map(|_| event()).collect();
        assert!(matches!(
            validate_append(&many),
            Err(InvalidInput::TooManyEvents { .. })
        ));
        assert_eq!(validate_append(&[e]), Ok(()));
    }
}
