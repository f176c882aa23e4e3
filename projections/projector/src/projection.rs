//! What a read model is to the runtime: a stateless fold from events to row writes.

use crate::error::ProjectionError;
use event_store::{Filter, RecordedEvent};

/// A read model: its tables and the fold that writes them.
///
/// A projection keeps no state in memory — everything it knows is in its tables — so the
/// runtime can commit its rows together with its checkpoint and a crash can never leave the
/// two out of step.
pub trait Projection: Send + Sync + 'static {
    /// Stable name; the key of its checkpoint. Never rename a deployed projection.
    fn name(&self) -> &'static str;

    /// Version of the DDL and fold. Bump it whenever either changes: a projector that
    /// finds its model built by another version rebuilds it from zero at start.
    fn version(&self) -> u32;

    /// The DDL of its tables and indexes (`CREATE … IF NOT EXISTS`, unqualified names),
    /// usually `include_str!("../schema.sql")`.
    fn schema(&self) -> &'static str;

    /// The DDL of the indexes only its queries use, not its fold (`CREATE INDEX … IF NOT
    /// EXISTS`). The live model always has them; a rebuild creates them once its fold is
    /// done — one sort each instead of a random B-tree insert per row.
    fn query_indexes(&self) -> &'static str {
        ""
    }

    /// The DDL of what is derived from its tables, not folded, and kept in step by
    /// triggers on them — a full-text index (`CREATE … IF NOT EXISTS`). The live model
    /// always has it: it is created with the tables and at every start. A rebuild's scratch
    /// file never has it, so the fold does not build it row by row, and the swap copies the
    /// tables without firing its triggers; [`Projection::derive`] then builds it from the
    /// copied rows.
    fn derived(&self) -> &'static str {
        ""
    }

    /// Drops and rebuilds what [`Projection::derived`] creates from the rows the tables
    /// hold now (for an FTS5 index over external content: create it, then `'rebuild'`).
    /// Runs after a rebuild's swap has copied the tables, and on tables of no checkpoint.
    fn derive(&self) -> &'static str {
        ""
    }

    /// Every table the schema creates; a rebuild replaces exactly these.
    fn tables(&self) -> &'static [&'static str];

    /// The events it wants; the checkpoint moves past the others without calling it.
    fn filter(&self) -> Filter {
        Filter::all()
    }

    /// Applies one event. Runs inside the transaction that will also save the checkpoint;
    /// an error rolls back the whole batch.
    fn apply(
        &self,
        tx: &rusqlite::Transaction<'_>,
        event: &RecordedEvent,
    ) -> Result<(), ProjectionError>;

    /// Applies a batch of events, in global order, in one transaction. Override it to
    /// aggregate in memory and write once per row touched.
    fn apply_batch(
        &self,
        tx: &rusqlite::Transaction<'_>,
        events: &[RecordedEvent],
    ) -> Result<(), ProjectionError> {
        events.iter().try_for_each(|e| self.apply(tx, e))
    }
}
