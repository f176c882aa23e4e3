//! Duty entries: recorded on time, backfilled late, corrected, withdrawn. Each fact keeps
//! the instant it was recorded, so the lights of any instant can be worked out again.

use super::{Applied, keys};
use crate::sql;
use domain::events::{DutyBackfilled, DutyCorrected, DutyRecorded, DutyWithdrawn, EntryContent};
use domain::ids::{CadreId, EntryId, ObligationId};
use rusqlite::{Transaction, params};

pub(crate) fn recorded(tx: &Transaction<'_>, e: &DutyRecorded, at: i64) -> Applied {
    insert(
        tx,
        e.entry_id,
        e.obligation_id,
        false,
        &e.entry,
        e.recorded_by,
        at,
    )
}

pub(crate) fn backfilled(tx: &Transaction<'_>, e: &DutyBackfilled, at: i64) -> Applied {
    insert(
        tx,
        e.entry_id,
        e.obligation_id,
        true,
        &e.entry,
        e.recorded_by,
        at,
    )
}

/// A correction changes what the entry says from `at` on; whether it counts does not change.
pub(crate) fn corrected(tx: &Transaction<'_>, e: &DutyCorrected, at: i64, seq: i64) -> Applied {
    tx.prepare_cached(sql::CORRECT_ENTRY)?.execute(params![
        keys::obligation(tx, e.obligation_id)?,
        e.entry_id.to_string(),
        at,
        seq,
        e.entry.performed_on.to_string(),
        e.entry.content,
    ])?;
    Ok(())
}

/// The entry stops counting from `at` on (the first withdrawal stands).
pub(crate) fn withdrawn(tx: &Transaction<'_>, e: &DutyWithdrawn, at: i64) -> Applied {
    tx.prepare_cached(sql::WITHDRAW_ENTRY)?.execute(params![
        keys::obligation(tx, e.obligation_id)?,
        e.entry_id.to_string(),
        at,
    ])?;
    Ok(())
}

fn insert(
    tx: &Transaction<'_>,
    entry: EntryId,
    obligation: ObligationId,
    backfill: bool,
    content: &EntryContent,
    by: CadreId,
    at: i64,
) -> Applied {
    tx.prepare_cached(sql::INSERT_ENTRY)?.execute(params![
        keys::obligation(tx, obligation)?,
        entry.to_string(),
        i64::from(backfill),
        at,
        content.performed_on.to_string(),
        content.content,
        by.to_string(),
    ])?;
    Ok(())
}
