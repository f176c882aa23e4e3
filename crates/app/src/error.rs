//! Errors of the application layer, joined from the domain's and the store's.

use domain::error::DomainError;
use domain::events::DecodeError;
use event_store::StoreError;
use thiserror::Error;

#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum AppError {
    /// The domain refused the command.
    #[error(transparent)]
    Domain(#[from] DomainError),
    /// The stream kept changing under the command, even after retries.
    #[error("the {stream} stream kept changing; try again")]
    Conflict { stream: String },
    /// The idempotency key was used before for a different request.
    #[error("the Idempotency-Key was already used for a different request")]
    IdempotencyKeyReused,
    /// A stored event could not be read.
    #[error("a stored event could not be read: {0}")]
    Decode(#[from] DecodeError),
    /// An event's payload does not match its schema in `schemas/events/` (a bug: the
    /// event is not appended). `pointer` is the JSON pointer of the failing value.
    #[error(
        "payload of {event_type} v{version} does not match its schema at {pointer:?}: {reason}"
    )]
    InvalidPayload {
        event_type: String,
        version: u32,
        pointer: String,
        reason: String,
    },
    /// The event store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}
