//! The Merkle tree over the global log (DESIGN.md §3 "Evidence-grade export", RFC 9162):
//! each event is a leaf — the SHA-256 of `0x00` and its canonical line
//! (`event_store::canonical_json`) — at index `position − 1`, and every perfect subtree's
//! hash is kept (`schema.sql`), so the root of any prefix of the log, an inclusion proof
//! for any event and a consistency proof between any two sizes take O(log² n) reads.
//!
//! Run [`Merkle`] with the `projector` runtime; read it with the functions here on a read
//! connection. The tree is what checkpoints sign; it is only ever added to.

mod projection;
mod queries;
mod sql;

pub use projection::Merkle;
pub use queries::{Tree, consistency, inclusion, leaves, root, size};
