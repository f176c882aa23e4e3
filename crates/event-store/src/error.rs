//! Errors of the event-store port. Plain data, so tests can compare them.

use crate::envelope::ExpectedVersion;
use thiserror::Error;
use uuid::Uuid;

/// Why an append or a read was refused or failed.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum StoreError {
    /// The stream is not at the version the caller expected (optimistic concurrency).
    #[error("stream {stream} is at version {actual}, not the expected {expected}")]
    WrongExpectedVersion {
        stream: String,
        expected: ExpectedVersion,
        actual: u64,
    },
    /// An event with this id is stored, but with other content (or in another stream, or
    /// as part of another append): a retry must repeat the original append exactly.
    #[error("event {event_id} is already stored with different content")]
    IdempotencyConflict { event_id: Uuid },
    /// The input breaks a rule of the envelope; nothing was written.
    #[error(transparent)]
    Invalid(#[from] InvalidInput),
    /// The storage has no space left; nothing was written.
    #[error("the event store has no space left: {0}")]
    StorageFull(String),
    /// The store cannot be reached or cannot write now (a server away, a file read-only or
    /// locked): worth trying again later.
    #[error("the event store is unavailable: {0}")]
    Unavailable(String),
    /// This process closed the store (it is stopping): nothing more will be done with it.
    #[error("the event store was closed")]
    Closed,
    /// Anything else that went wrong inside the backend.
    #[error("event store failure: {0}")]
    Internal(String),
}

/// A rule of the event envelope that an input broke.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum InvalidInput {
    #[error("stream name {name:?} is invalid: {reason}")]
    StreamName { name: String, reason: &'static str },
    #[error("category {name:?} is invalid: {reason}")]
    Category { name: String, reason: &'static str },
    #[error("event type {name:?} is invalid: {reason}")]
    EventType { name: String, reason: &'static str },
    #[error("actor {name:?} is invalid: {reason}")]
    Actor { name: String, reason: &'static str },
    #[error("payload is not a JSON object: {reason}")]
    Payload { reason: String },
    #[error("payload of {size} bytes is over the limit of {limit} bytes")]
    PayloadTooLarge { size: usize, limit: usize },
    #[error("an append needs at least one event")]
    EmptyAppend,
    #[error("an append of {count} events is over the limit of {limit}")]
    TooManyEvents { count: usize, limit: usize },
    #[error("an append of {size} payload bytes is over the limit of {limit} bytes")]
    AppendTooLarge { size: usize, limit: usize },
    #[error("event id {event_id} appears twice in one append")]
    DuplicateEventId { event_id: uuid::Uuid },
    #[error("the nil UUID is not an event id")]
    NilEventId,
    #[error("schema version must be at least 1")]
    SchemaVersion,
    #[error("an imported event must be at position {expected}, not {found}")]
    ImportPosition { expected: u64, found: u64 },
    #[error("an imported event of stream {stream} must have version {expected}, not {found}")]
    ImportVersion {
        stream: String,
        expected: u64,
        found: u64,
    },
    #[error("the imported event at position {position} was recorded before the one before it")]
    ImportRecordedAt { position: u64 },
    #[error(
        "the imported event at position {position} cannot belong to an append that began at {append_start}"
    )]
    ImportAppendStart { position: u64, append_start: u64 },
}
