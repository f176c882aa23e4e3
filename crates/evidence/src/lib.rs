//! Tamper evidence for the event log (DESIGN §3 "Evidence-grade export", ADR 0012).
//!
//! Every event in the global order is a leaf of an append-only Merkle tree hashed as in
//! RFC 9162 (Certificate Transparency v2): [`leaf_hash`], [`node_hash`], [`empty_root`]. The
//! tree is kept as its *perfect subtrees* — the node at `(level, index)` covers the leaves
//! `[index·2^level, (index+1)·2^level)` — read through the [`Nodes`] trait, so the same proof
//! code runs over [`MemoryTree`] here and over the SQLite table the projector keeps. A new
//! leaf completes at most `log2(n) + 1` such nodes ([`completed_nodes`]); the root of any
//! earlier size, and every proof, needs O(log n) node reads ([`root`], [`inclusion_proof`],
//! [`consistency_proof`]). Proofs are checked with nothing but hashes ([`verify_inclusion`],
//! [`verify_consistency`]), and [`Hasher`] recomputes a root from a stream of leaves in
//! O(log n) memory, for checking a whole export offline.
//!
//! A tree head is published as a [`SignedCheckpoint`]: a C2SP-style checkpoint note signed
//! with Ed25519 by a [`Signer`], checked against a [`PublicKey`].
//!
//! The crate does no IO: bytes in, bytes out.

mod checkpoint;
mod error;
mod hash;
mod hasher;
pub mod hex;
mod key;
mod memory;
mod nodes;
mod proof;
mod verify;

pub use checkpoint::{Checkpoint, SignedCheckpoint};
pub use error::{CheckpointError, KeyError, ProofError};
pub use hash::{Hash, empty_root, leaf_hash, node_hash};
pub use hasher::Hasher;
pub use key::{PublicKey, Signer};
pub use memory::MemoryTree;
pub use nodes::{Nodes, completed_nodes, root, subtree};
pub use proof::{consistency_proof, inclusion_proof};
pub use verify::{verify_consistency, verify_inclusion};
