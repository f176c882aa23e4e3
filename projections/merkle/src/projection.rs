//! The tree's fold: one leaf per event, in the log's order, with the subtrees it completes.

use crate::queries::Tree;
use crate::sql;
use event_store::{Filter, RecordedEvent, canonical_json};
use projector::{Projection, ProjectionError};
use rusqlite::{Transaction, params};

/// The Merkle projection.
#[derive(Debug, Clone, Copy, Default)]
pub struct Merkle;

impl Merkle {
    /// Its name, the key of its checkpoint.
    pub const NAME: &'static str = "merkle";
    /// Its tables.
    pub const TABLES: &'static [&'static str] = &["merkle_nodes"];
}

impl Projection for Merkle {
    fn name(&self) -> &'static str {
        Self::NAME
    }

    fn version(&self) -> u32 {
        1
    }

    fn schema(&self) -> &'static str {
        sql::SCHEMA
    }

    fn tables(&self) -> &'static [&'static str] {
        Self::TABLES
    }

    fn filter(&self) -> Filter {
        Filter::all()
    }

    fn apply(&self, tx: &Transaction<'_>, event: &RecordedEvent) -> Result<(), ProjectionError> {
        let size = crate::queries::size(tx)?;
        // Every event is a leaf at index position − 1: a hole would shift every leaf after it.
        if event.position != size + 1 {
            return Err(ProjectionError::event(
                event,
                format!(
                    "the tree holds {size} leaves, so the next event must be at position {}",
                    size + 1
                ),
            ));
        }
        let leaf = evidence::leaf_hash(canonical_json(event).as_bytes());
        let nodes = evidence::completed_nodes(&Tree(tx), size, leaf)?;
        let mut insert = tx.prepare_cached(sql::INSERT)?;
        for (level, idx, hash) in nodes {
            insert.execute(params![level, crate::queries::int(idx), &hash[..]])?;
        }
        Ok(())
    }
}
