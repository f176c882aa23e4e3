//! Errors of the projector runtime and of the projections it runs.

use event_store::{RecordedEvent, StoreError};
use thiserror::Error;

/// Why a projection could not run, or stopped.
///
/// Messages never carry payload contents: they are logged, and payloads may hold personal
/// data. Plain data and `Clone`, so a projector's failure can be shown to every caller that
/// waits on it.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ProjectionError {
    /// Reading the event log failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The read-model database refused or failed a statement.
    #[error("read-model database: {0}")]
    Database(String),
    /// The read-model file cannot be written now — its disk is full, or read-only, or
    /// failing — and nothing of the batch was written: a live projector waits and applies
    /// it again from its checkpoint (see [`ProjectionError::is_transient`]).
    #[error("the read-model file cannot be written now: {0}")]
    Storage(String),
    /// The fold cannot handle this event (e.g. its payload does not parse).
    #[error("event at position {position} cannot be projected: {reason}")]
    Event { position: u64, reason: String },
    /// The runtime was handed events out of order or twice; nothing was written.
    #[error(
        "projection {projection} is at position {checkpoint} and was handed position {position}"
    )]
    OutOfOrder {
        projection: String,
        checkpoint: u64,
        position: u64,
    },
    /// Another writer moved this projection's checkpoint (a second process running it?).
    #[error("the checkpoint of projection {projection} was moved by someone else")]
    CheckpointMoved { projection: String },
    /// This projection already runs in this process (live, catching up or rebuilding).
    #[error("projection {projection} is already running in this process")]
    AlreadyRunning { projection: String },
    /// The projector stopped because a batch failed; its read model stays as of the last
    /// good batch.
    #[error("projector {projection} failed at positions {first}..={last}: {reason}")]
    Failed {
        projection: String,
        first: u64,
        last: u64,
        reason: String,
    },
    /// The projector was shut down (or its task ended) before the request was answered.
    #[error("projector {projection} has stopped")]
    Stopped { projection: String },
    /// A file of the read-model store could not be handled.
    #[error("read-model file: {0}")]
    Io(String),
}

impl ProjectionError {
    /// An event the fold cannot handle. `reason` must not quote the payload.
    pub fn event(event: &RecordedEvent, reason: impl Into<String>) -> Self {
        Self::Event {
            position: event.position,
            reason: reason.into(),
        }
    }

    /// A payload that does not deserialise. Only the kind of error and where it is are
    /// kept: serde's message may quote the offending value.
    pub fn payload(event: &RecordedEvent, err: &serde_json::Error) -> Self {
        let kind = match err.classify() {
            serde_json::error::Category::Io => "an I/O error",
            serde_json::error::Category::Syntax => "a syntax error",
            serde_json::error::Category::Data => "a field of the wrong type or missing",
            serde_json::error::Category::Eof => "an unexpected end",
        };
        Self::event(
            event,
            format!(
                "payload of {} v{} has {kind} at line {} column {}",
                event.event_type,
                event.schema_version,
                err.line(),
                err.column()
            ),
        )
    }
}

impl ProjectionError {
    /// Whether the failure is of the storage rather than of the fold or the log's content:
    /// the read-model file full, read-only or failing, or the log unreachable or full. A
    /// live projector waits it out and goes on from its checkpoint instead of stopping.
    pub fn is_transient(&self) -> bool {
        matches!(
            self,
            Self::Storage(_) | Self::Store(StoreError::Unavailable(_) | StoreError::StorageFull(_))
        )
    }
}

impl From<rusqlite::Error> for ProjectionError {
    fn from(e: rusqlite::Error) -> Self {
        use rusqlite::ErrorCode;
        match e.sqlite_error_code() {
            // SQLITE_FULL, SQLITE_READONLY, SQLITE_IOERR_* (a write or sync refused: ENOSPC
            // on shared memory, EROFS, EIO) and SQLITE_CANTOPEN: the disk, not the data.
            Some(
                ErrorCode::DiskFull
                | ErrorCode::ReadOnly
                | ErrorCode::SystemIoFailure
                | ErrorCode::CannotOpen,
            ) => Self::Storage(e.to_string()),
            _ => Self::Database(e.to_string()),
        }
    }
}

impl From<std::io::Error> for ProjectionError {
    fn from(e: std::io::Error) -> Self {
        Self::Io(e.to_string())
    }
}
