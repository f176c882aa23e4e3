//! The regulators' export of the event log and its offline verifier (DESIGN §3
//! "Evidence-grade export", §5 `dutytrace export`, `dutytrace verify`, `GET /api/v1/export`).
//!
//! An export is NDJSON (optionally one gzip member): a [`Header`] line naming the signed
//! checkpoint it is checked against, then one line per event with the event's canonical
//! line (`event_store::canonical_json`, what the Merkle tree hashes) and its leaf as the tree
//! holds it. A *complete* export (every event of a range, no filter) is checked by
//! recomputing the tree; a *filtered* one carries an inclusion proof per event. See
//! [`Header`] for the exact lines.
//!
//! - [`export`] streams an export in constant memory, a page of events at a time, and
//!   resumes after a given position; [`write_to`] writes it to a file or stdout.
//! - [`verify`] checks an export offline with nothing but the public key (and, if given,
//!   checkpoints published earlier off the machine), naming the first bad position;
//!   [`verify_checkpoints`] checks a file of published checkpoints and the consistency
//!   proofs between them; [`verify_proof`] checks one inclusion-proof document;
//!   [`file_kind`] tells which of the three a file is.
//! - [`verify_speed`] times the verifier on a made-up export (`dutytrace bench`).

mod bench;
mod checkpoints;
mod error;
mod export;
mod format;
mod kind;
mod proof;
mod request;
mod verify;

pub use bench::{VerifySpeed, verify_speed};
pub use checkpoints::{PublishedCheckpoints, published_line, verify_checkpoints};
pub use error::{ExportError, VerifyError, VerifyErrorKind};
pub use export::{Export, export, write_to};
pub use format::{FORMAT, Header, schema_id};
pub use kind::{FileKind, file_kind};
pub use proof::{ProofDocument, ProofReport, verify_proof};
pub use request::{ExportFilter, ExportRequest, RequestError};
pub use verify::{VerifyReport, verify};
