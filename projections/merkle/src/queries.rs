//! Roots and proofs read from the stored subtrees.

use crate::sql;
use evidence::{Hash, Nodes};
use rusqlite::{Connection, params};

/// The stored subtrees, read through a connection (a transaction derefs to one).
#[derive(Debug, Clone, Copy)]
pub struct Tree<'a>(pub &'a Connection);

impl Nodes for Tree<'_> {
    type Error = rusqlite::Error;

    fn node(&self, level: u32, index: u64) -> Result<Hash, rusqlite::Error> {
        let bytes: Vec<u8> = self
            .0
            .prepare_cached(sql::NODE)?
            .query_row(params![level, int(index)], |r| r.get(0))?;
        bytes.try_into().map_err(|b: Vec<u8>| {
            rusqlite::Error::FromSqlConversionFailure(
                0,
                rusqlite::types::Type::Blob,
                format!("a node of {} bytes, not 32", b.len()).into(),
            )
        })
    }
}

/// The number of leaves: the position of the last event folded.
pub fn size(conn: &Connection) -> rusqlite::Result<u64> {
    let n: i64 = conn
        .prepare_cached(sql::SIZE)?
        .query_row([], |r| r.get(0))?;
    Ok(u64::try_from(n).unwrap_or_default())
}

/// A count or index as SQLite stores it (far below `i64::MAX` for any real log).
pub(crate) fn int(n: u64) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

/// The root of the first `size` events (`size` at most [`size()`]).
pub fn root(conn: &Connection, size: u64) -> rusqlite::Result<Hash> {
    evidence::root(&Tree(conn), size)
}

/// The leaves of positions `from ..= to`, as (position, leaf hash), in order.
pub fn leaves(conn: &Connection, from: u64, to: u64) -> rusqlite::Result<Vec<(u64, Hash)>> {
    let mut stmt = conn.prepare_cached(sql::LEAVES)?;
    let rows = stmt.query_map(params![int(from.saturating_sub(1)), int(to)], |r| {
        let idx = u64::try_from(r.get::<_, i64>(0)?).unwrap_or_default();
        let bytes: Vec<u8> = r.get(1)?;
        let hash: Hash = bytes.try_into().map_err(|_| {
            rusqlite::Error::FromSqlConversionFailure(
                1,
                rusqlite::types::Type::Blob,
                "a leaf of the wrong length".into(),
            )
        })?;
        Ok((idx + 1, hash))
    })?;
    rows.collect()
}

/// The inclusion proof (RFC 9162 §2.1.3) of the event at `position` in the tree of the
/// first `tree_size` events.
pub fn inclusion(conn: &Connection, position: u64, tree_size: u64) -> rusqlite::Result<Vec<Hash>> {
    evidence::inclusion_proof(&Tree(conn), position.saturating_sub(1), tree_size)
}

/// The consistency proof (RFC 9162 §2.1.4) between the trees of the first `old` and the
/// first `new` events.
pub fn consistency(conn: &Connection, old: u64, new: u64) -> rusqlite::Result<Vec<Hash>> {
    evidence::consistency_proof(&Tree(conn), old, new)
}
