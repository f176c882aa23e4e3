//! Where a projection's batches are committed: the live read-model file, or the scratch
//! file of a rebuild. Each batch that writes rows is one transaction holding the rows and
//! the checkpoint; one of only filtered-out events writes nothing (see [`Target`]).

use crate::error::ProjectionError;
use crate::models::read_checkpoint;
use crate::projection::Projection;
use crate::sql;
use event_store::{Batch, RecordedEvent};
use rusqlite::{Connection, TransactionBehavior, params};
use std::path::Path;
use std::sync::Arc;

/// A connection holding a projection's tables, and the checkpoint it last committed.
/// Used on blocking threads only.
///
/// A batch of only filtered-out events (a `HistoryRead`, say, for the board) changes no
/// row: it moves `position` in memory and writes nothing. The checkpoint in the file
/// (`persisted`) catches up with the next batch that writes, or when the target is closed;
/// until then the file's checkpoint is behind what the projector reports, which is safe —
/// every event between the two was filtered out, and a projector opened on the file
/// reads them again and skips them. Each event of the log would otherwise cost every
/// projector a write transaction on the shared file, whether it folds the event or not.
pub(crate) struct Target {
    conn: Connection,
    projection: Arc<dyn Projection>,
    /// Every event at or below it is in the tables (or was filtered out).
    position: u64,
    /// The checkpoint in the file: at most `position`.
    persisted: u64,
    /// Events applied through this target since it was opened.
    applied: u64,
    /// A rebuild's scratch file: [`Target::commit_all`] folds every batch in one
    /// transaction.
    scratch: bool,
}

/// What a projector must do first.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Start {
    /// The tables were built by this version: read on from the checkpoint.
    Resume,
    /// They were built by another version of the fold: rebuild from zero.
    Rebuild { built_by: u32 },
}

impl Target {
    /// Opens a projection's tables in `conn`, creating them (at position 0) if it never ran.
    pub(crate) fn open(
        conn: Connection,
        projection: Arc<dyn Projection>,
    ) -> Result<(Self, Start), ProjectionError> {
        Self::open_with(conn, projection, true)
    }

    /// [`Target::open`], creating the query indexes and what is derived with the tables
    /// or (a rebuild's scratch file) leaving the indexes for [`Target::finish_scratch`] and
    /// what is derived to the swap.
    fn open_with(
        mut conn: Connection,
        projection: Arc<dyn Projection>,
        query_indexes: bool,
    ) -> Result<(Self, Start), ProjectionError> {
        conn.execute_batch(sql::CHECKPOINTS_DDL)?;
        let (position, start) = match read_checkpoint(&conn, projection.name())? {
            Some(c) if c.version == projection.version() => (c.position, Start::Resume),
            Some(c) => (
                c.position,
                Start::Rebuild {
                    built_by: c.version,
                },
            ),
            None => {
                // No checkpoint: whatever rows these tables may hold are not ours to trust.
                let tx = conn.transaction_with_behavior(TransactionBehavior::Immediate)?;
                for table in projection.tables() {
                    tx.execute_batch(&sql::drop_live_table(table))?;
                }
                tx.execute_batch(projection.schema())?;
                if query_indexes {
                    tx.execute_batch(projection.query_indexes())?;
                    tx.execute_batch(projection.derive())?;
                }
                tx.execute(
                    sql::INIT_CHECKPOINT,
                    params![projection.name(), projection.version()],
                )?;
                tx.commit()?;
                (0, Start::Resume)
            }
        };
        Ok((
            Self {
                conn,
                projection,
                position,
                persisted: position,
                applied: 0,
                scratch: false,
            },
            start,
        ))
    }

    /// A fresh scratch file for a rebuild. It is thrown away if anything fails, so it
    /// needs no journal and no syncs.
    pub(crate) fn scratch(
        path: &Path,
        projection: Arc<dyn Projection>,
        cache_mib: u32,
    ) -> Result<Self, ProjectionError> {
        let conn = Connection::open(path)?;
        conn.execute_batch("PRAGMA journal_mode = OFF; PRAGMA synchronous = OFF;")?;
        // A negative cache_size is in KiB.
        conn.pragma_update(None, "cache_size", -(i64::from(cache_mib.max(1)) * 1024))?;
        conn.set_prepared_statement_cache_capacity(64);
        crate::models::stable_plans(&conn)?;
        let (mut target, _) = Self::open_with(conn, projection, false)?;
        target.scratch = true;
        Ok(target)
    }

    /// Creates a scratch file's query indexes once its fold is done.
    pub(crate) fn finish_scratch(&self) -> Result<(), ProjectionError> {
        self.conn.execute_batch(self.projection.query_indexes())?;
        Ok(())
    }

    pub(crate) fn position(&self) -> u64 {
        self.position
    }

    pub(crate) fn applied(&self) -> u64 {
        self.applied
    }

    pub(crate) fn name(&self) -> &'static str {
        self.projection.name()
    }

    /// Commits every batch `next` hands out, until it hands out none; `progress` hears the
    /// position after each. A live target commits each batch on its own ([`Target::commit`]).
    /// A rebuild's scratch file folds them all in one transaction: nobody reads it and a
    /// failure throws it away, and each page is then written to the file once, at the end
    /// (or when the page cache spills), instead of at every batch — a province's board
    /// rewrote its hot pages some 280 times.
    pub(crate) fn commit_all(
        &mut self,
        mut next: impl FnMut() -> Option<Batch>,
        progress: impl Fn(u64),
    ) -> Result<(), ProjectionError> {
        if !self.scratch {
            while let Some(batch) = next() {
                self.commit(&batch.events, batch.through)?;
                progress(self.position);
            }
            return Ok(());
        }
        let name = self.projection.name();
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        let mut position = self.position;
        let mut applied = 0;
        while let Some(batch) = next() {
            if !in_order(name, position, &batch.events, batch.through)? {
                continue;
            }
            if !batch.events.is_empty() {
                apply(self.projection.as_ref(), &tx, &batch.events)?;
                applied += batch.events.len() as u64;
            }
            position = batch.through;
            progress(position);
        }
        if position > self.persisted {
            advance(&tx, name, self.persisted, position)?;
        }
        tx.commit()?;
        self.position = position;
        self.persisted = position;
        self.applied += applied;
        Ok(())
    }

    /// Applies `events` and moves the checkpoint to `through`, in one transaction: either
    /// both land or neither does.
    pub(crate) fn commit(
        &mut self,
        events: &[RecordedEvent],
        through: u64,
    ) -> Result<(), ProjectionError> {
        let name = self.projection.name();
        if !in_order(name, self.position, events, through)? {
            return Ok(());
        }
        if events.is_empty() {
            // Nothing to write: the checkpoint in the file follows later (see the type).
            self.position = through;
            return Ok(());
        }
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        apply(self.projection.as_ref(), &tx, events)?;
        advance(&tx, name, self.persisted, through)?;
        tx.commit()?;
        self.position = through;
        self.persisted = through;
        self.applied += events.len() as u64;
        Ok(())
    }

    /// Writes the checkpoint reached by batches that wrote nothing, if any. Done when the
    /// target is closed, so that a stopped service's file says how far it got.
    pub(crate) fn flush(&mut self) -> Result<(), ProjectionError> {
        if self.persisted == self.position {
            return Ok(());
        }
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        advance(&tx, self.projection.name(), self.persisted, self.position)?;
        tx.commit()?;
        self.persisted = self.position;
        Ok(())
    }

    /// Replaces the live tables with those of a finished scratch file and sets the
    /// checkpoint to `through`, in one transaction: readers see the old model until it
    /// commits, then the new one.
    pub(crate) fn swap_in(&mut self, scratch: &Path, through: u64) -> Result<(), ProjectionError> {
        let path = scratch
            .to_str()
            .ok_or_else(|| ProjectionError::Io(format!("{} is not UTF-8", scratch.display())))?;
        self.conn.execute(&sql::attach_scratch(), [path])?;
        let swapped = self.replace_tables(through);
        let detached = self.conn.execute_batch(&sql::detach_scratch());
        swapped?;
        detached?;
        self.position = through;
        self.persisted = through;
        Ok(())
    }

    fn replace_tables(&mut self, through: u64) -> Result<(), ProjectionError> {
        let p = &self.projection;
        let tx = self
            .conn
            .transaction_with_behavior(TransactionBehavior::Immediate)?;
        for table in p.tables() {
            tx.execute_batch(&sql::drop_live_table(table))?;
        }
        // Unqualified names in the DDL resolve to `main`, the live file.
        tx.execute_batch(p.schema())?;
        tx.execute_batch(p.query_indexes())?;
        for table in p.tables() {
            tx.execute(&sql::copy_from_scratch(table), [])?;
        }
        // Built from the rows just copied (the copy fired no trigger of it).
        tx.execute_batch(p.derive())?;
        tx.execute(
            sql::SET_CHECKPOINT,
            params![p.name(), to_sql(through), p.version()],
        )?;
        tx.commit()?;
        Ok(())
    }
}

/// Whether a batch of `events` through `through` follows a checkpoint at `position`:
/// `Ok(false)` for an empty batch at the checkpoint itself (nothing to do), an error if
/// it overlaps what is applied or its events lie beyond `through`.
fn in_order(
    projection: &str,
    position: u64,
    events: &[RecordedEvent],
    through: u64,
) -> Result<bool, ProjectionError> {
    let out_of_order = |at| ProjectionError::OutOfOrder {
        projection: projection.to_owned(),
        checkpoint: position,
        position: at,
    };
    if let Some(first) = events.first()
        && first.position <= position
    {
        return Err(out_of_order(first.position));
    }
    if let Some(last) = events.last()
        && last.position > through
    {
        return Err(out_of_order(last.position));
    }
    if through <= position {
        return if through == position && events.is_empty() {
            Ok(false)
        } else {
            Err(out_of_order(through))
        };
    }
    Ok(true)
}

/// Applies a batch in `tx`; a failure that is not the disk's is logged and named by the
/// batch's positions.
fn apply(
    projection: &dyn Projection,
    tx: &rusqlite::Transaction<'_>,
    events: &[RecordedEvent],
) -> Result<(), ProjectionError> {
    let name = projection.name();
    projection.apply_batch(tx, events).map_err(|e| {
        // The disk, not the batch: the projector applies it again once it can.
        if e.is_transient() {
            return e;
        }
        let (first, last) = (events[0].position, events[events.len() - 1].position);
        tracing::error!(
            projection = name,
            first_position = first,
            last_position = last,
            error = %e,
            "a batch failed to apply; nothing of it was written"
        );
        ProjectionError::Failed {
            projection: name.to_owned(),
            first,
            last,
            reason: e.to_string(),
        }
    })
}

/// Moves `projection`'s checkpoint in the file from `from` to `to`, refusing if another
/// writer moved it meanwhile.
fn advance(
    tx: &rusqlite::Transaction<'_>,
    projection: &str,
    from: u64,
    to: u64,
) -> Result<(), ProjectionError> {
    let moved = tx
        .prepare_cached(sql::ADVANCE_CHECKPOINT)?
        .execute(params![projection, to_sql(to), to_sql(from)])?;
    if moved != 1 {
        return Err(ProjectionError::CheckpointMoved {
            projection: projection.to_owned(),
        });
    }
    Ok(())
}

/// Positions fit in SQLite's signed integers for any log that can exist.
fn to_sql(v: u64) -> i64 {
    i64::try_from(v).unwrap_or(i64::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    struct Nothing;

    impl Projection for Nothing {
        fn name(&self) -> &'static str {
            "nothing"
        }
        fn version(&self) -> u32 {
            1
        }
        fn schema(&self) -> &'static str {
            "CREATE TABLE IF NOT EXISTS nothing_rows (n INTEGER) STRICT;"
        }
        fn tables(&self) -> &'static [&'static str] {
            &["nothing_rows"]
        }
        fn apply(
            &self,
            _: &rusqlite::Transaction<'_>,
            _: &RecordedEvent,
        ) -> Result<(), ProjectionError> {
            Ok(())
        }
    }

    /// Keeps the position of every event it applies; refuses the one at `fail_at`.
    struct Positions {
        fail_at: u64,
    }

    impl Projection for Positions {
        fn name(&self) -> &'static str {
            "positions"
        }
        fn version(&self) -> u32 {
            1
        }
        fn schema(&self) -> &'static str {
            "CREATE TABLE IF NOT EXISTS positions_seen (position INTEGER PRIMARY KEY) STRICT;"
        }
        fn tables(&self) -> &'static [&'static str] {
            &["positions_seen"]
        }
        fn apply(
            &self,
            tx: &rusqlite::Transaction<'_>,
            event: &RecordedEvent,
        ) -> Result<(), ProjectionError> {
            if event.position == self.fail_at {
                return Err(ProjectionError::event(event, "refused".to_owned()));
            }
            tx.execute(
                "INSERT INTO positions_seen (position) VALUES (?1)",
                [to_sql(event.position)],
            )?;
            Ok(())
        }
    }

    fn event(position: u64) -> RecordedEvent {
        use event_store::{Actor, EventType, Payload, StreamName};
        let at = chrono::DateTime::from_timestamp(1_767_225_600 + position as i64, 0).unwrap();
        RecordedEvent {
            position,
            stream: StreamName::new(format!("unit-{position}")).unwrap(),
            version: 1,
            event_id: uuid::Uuid::from_u128(u128::from(position)),
            event_type: EventType::new("UnitRegistered").unwrap(),
            schema_version: 1,
            occurred_at: at,
            recorded_at: at,
            actor: Actor::new("user:admin").unwrap(),
            correlation_id: None,
            causation_id: None,
            payload: Payload::from_json("{}".to_owned()).unwrap(),
        }
    }

    fn batch(positions: &[u64], through: u64) -> Batch {
        Batch {
            events: positions.iter().copied().map(event).collect(),
            through,
        }
    }

    /// The positions the scratch file holds, and its checkpoint.
    fn scratch_holds(path: &Path) -> (Vec<u64>, u64) {
        let c = Connection::open(path).unwrap();
        let seen = c
            .prepare("SELECT position FROM positions_seen ORDER BY position")
            .unwrap()
            .query_map([], |r| r.get::<_, i64>(0))
            .unwrap()
            .map(|p| p.unwrap() as u64)
            .collect();
        let at = crate::models::read_checkpoint(&c, "positions")
            .unwrap()
            .unwrap()
            .position;
        (seen, at)
    }

    fn scratch_fold(
        path: &Path,
        fail_at: u64,
        batches: Vec<Batch>,
    ) -> Result<Target, ProjectionError> {
        let mut target = Target::scratch(path, Arc::new(Positions { fail_at }), 1)?;
        let heard = std::cell::RefCell::new(Vec::new());
        let mut batches = batches.into_iter();
        target.commit_all(|| batches.next(), |p| heard.borrow_mut().push(p))?;
        // Progress is heard after every batch, filtered-only ones included.
        assert_eq!(heard.into_inner().len(), 4);
        Ok(target)
    }

    #[test]
    fn a_scratch_fold_commits_every_batch_at_once_through_the_last_checkpoint() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("scratch.db");
        let batches = vec![
            batch(&[1, 2], 2),
            batch(&[], 5),
            batch(&[6], 6),
            batch(&[], 9),
        ];
        let target = scratch_fold(&path, 0, batches).unwrap();
        assert_eq!((target.position(), target.applied()), (9, 3));
        drop(target);
        // The trailing filtered-out batch moved the checkpoint in the file too.
        assert_eq!(scratch_holds(&path), (vec![1, 2, 6], 9));
    }

    #[test]
    fn a_scratch_fold_that_fails_late_keeps_nothing_of_its_earlier_batches() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("scratch.db");
        let batches = vec![
            batch(&[1, 2], 2),
            batch(&[3], 3),
            batch(&[4], 4),
            batch(&[5], 5),
        ];
        let failed = scratch_fold(&path, 4, batches);
        assert!(matches!(
            failed,
            Err(ProjectionError::Failed {
                first: 4,
                last: 4,
                ..
            })
        ));
        // A live target would have kept 1..3; the scratch's one transaction rolled back.
        assert_eq!(scratch_holds(&path), (vec![], 0));

        let overlapping = vec![batch(&[1, 2], 2), batch(&[2], 3)];
        let path = dir.path().join("overlap.db");
        let mut target = Target::scratch(&path, Arc::new(Positions { fail_at: 0 }), 1).unwrap();
        let mut batches = overlapping.into_iter();
        assert!(matches!(
            target.commit_all(|| batches.next(), |_| {}),
            Err(ProjectionError::OutOfOrder {
                checkpoint: 2,
                position: 2,
                ..
            })
        ));
        drop(target);
        assert_eq!(scratch_holds(&path), (vec![], 0));
    }

    fn open(path: &Path) -> Target {
        let (t, start) = Target::open(Connection::open(path).unwrap(), Arc::new(Nothing)).unwrap();
        assert_eq!(start, Start::Resume);
        t
    }

    fn in_file(path: &Path) -> u64 {
        let c = Connection::open(path).unwrap();
        crate::models::read_checkpoint(&c, "nothing")
            .unwrap()
            .unwrap()
            .position
    }

    #[test]
    fn skipped_events_move_the_position_and_reach_the_file_only_when_flushed() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("views.db");
        let mut t = open(&path);
        t.commit(&[], 5).unwrap();
        assert_eq!((t.position(), in_file(&path)), (5, 0));
        // Dropped without a flush (a killed process): the file is behind, and a target
        // opened on it starts there and reads the skipped events again.
        drop(t);
        let mut t = open(&path);
        assert_eq!(t.position(), 0);
        t.commit(&[], 7).unwrap();
        t.flush().unwrap();
        assert_eq!(in_file(&path), 7);
        drop(t);
        assert_eq!(open(&path).position(), 7);
    }

    #[test]
    fn a_flush_still_refuses_a_checkpoint_another_writer_moved() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("views.db");
        let mut t = open(&path);
        t.commit(&[], 3).unwrap();
        Connection::open(&path)
            .unwrap()
            .execute(
                "UPDATE projector_checkpoints SET position = 9 WHERE projection = 'nothing'",
                [],
            )
            .unwrap();
        assert!(matches!(
            t.flush(),
            Err(ProjectionError::CheckpointMoved { .. })
        ));
        assert_eq!(in_file(&path), 9);
    }
}
