//! The export and its verifier over a real log: SQLite store, Merkle read model, signed
//! checkpoints. Every kind of export verifies; every kind of tampering is caught and named.

#![allow(clippy::unwrap_used, reason = "tests")]

mod documents;
mod failures;
mod roundtrip;
mod support;
mod tampering;
