//! Why an export could not be made, and why an export, a proof or a checkpoint file did not
//! verify.

use event_store::StoreError;
use evidence::CheckpointError;
use projector::ProjectionError;

use crate::request::RequestError;

/// Why an export could not be made (or was cut short).
#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    /// The request makes no sense (a 400 for the API).
    #[error(transparent)]
    Request(#[from] RequestError),
    /// The checkpoint handed in does not verify with the public key handed in.
    #[error("the checkpoint to export against does not verify with the public key: {0}")]
    Checkpoint(CheckpointError),
    /// The Merkle read model is behind the checkpoint (the caller must let it catch up).
    #[error(
        "the Merkle tree holds {projected} events but the checkpoint covers {tree_size}: let the merkle projection catch up first"
    )]
    NotCaughtUp { projected: u64, tree_size: u64 },
    /// The tree kept here does not have the checkpoint's root: the checkpoint is of another
    /// log, or the read model is not the tree of this log.
    #[error(
        "the Merkle tree's root at size {tree_size} is not the checkpoint's: the checkpoint is not of this log"
    )]
    CheckpointMismatch { tree_size: u64 },
    /// An event's leaf is missing from the Merkle read model.
    #[error("the Merkle tree has no leaf for position {position}")]
    LeafMissing { position: u64 },
    /// The log holds fewer events than the checkpoint covers, or has a hole.
    #[error("the event log has no event at position {position}, which the checkpoint covers")]
    EventMissing { position: u64 },
    /// The two passes over the log disagree (the store broke its append-only promise).
    #[error("the log changed during the export: {0}")]
    Changed(String),
    /// Reading the event log failed.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// Opening the read-model file failed.
    #[error(transparent)]
    ReadModel(#[from] ProjectionError),
    /// A query of the Merkle read model failed.
    #[error("Merkle read model: {0}")]
    Sqlite(#[from] rusqlite::Error),
    /// Compressing or writing the export failed.
    #[error("writing the export: {0}")]
    Io(#[from] std::io::Error),
    /// A blocking task died.
    #[error("a read-model task failed: {0}")]
    Task(String),
}

/// What kind of failure a [`VerifyError`] is, for callers that react differently (and for
/// tests).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum VerifyErrorKind {
    /// The input could not be read (or decompressed).
    Read,
    /// A line is not what the format says (not JSON, not canonical, a field missing).
    Format,
    /// A checkpoint's signature does not check out, or it is signed by another key.
    Signature,
    /// A position is missing, repeated or out of order.
    Sequence,
    /// The file ends before the checkpoint's (or the header's) last event.
    Truncated,
    /// An event's content does not hash to its leaf in the signed tree.
    Altered,
    /// The leaves of a complete export do not add up to the signed root.
    RootMismatch,
    /// An inclusion or consistency proof does not lead to the signed root.
    Proof,
    /// An event of a filtered export is outside its range or filter.
    Filter,
    /// A checkpoint published earlier disagrees: the log was rewritten.
    Rewritten,
}

/// Why a verification failed: the first bad position (when there is one) and a sentence
/// that says what is wrong.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct VerifyError {
    pub kind: VerifyErrorKind,
    /// The position of the first bad event, if the failure is about one.
    pub position: Option<u64>,
    pub message: String,
}

impl VerifyError {
    pub(crate) fn new(kind: VerifyErrorKind, message: impl Into<String>) -> Self {
        Self {
            kind,
            position: None,
            message: message.into(),
        }
    }

    pub(crate) fn at(kind: VerifyErrorKind, position: u64, message: impl Into<String>) -> Self {
        Self {
            kind,
            position: Some(position),
            message: message.into(),
        }
    }
}
