//! Every statement of the Merkle tree (its DDL is in `schema.sql`).

pub(crate) const SCHEMA: &str = include_str!("../schema.sql");

pub(crate) const NODE: &str = "SELECT hash FROM merkle_nodes WHERE level = ?1 AND idx = ?2";

pub(crate) const INSERT: &str = "INSERT INTO merkle_nodes (level, idx, hash) VALUES (?1, ?2, ?3)";

/// The number of leaves.
pub(crate) const SIZE: &str = "SELECT COALESCE(MAX(idx) + 1, 0) FROM merkle_nodes WHERE level = 0";

/// The leaves of positions `?1 + 1 ..= ?2` (indexes `?1 .. ?2`), in order.
pub(crate) const LEAVES: &str =
    "SELECT idx, hash FROM merkle_nodes WHERE level = 0 AND idx >= ?1 AND idx < ?2 ORDER BY idx";
