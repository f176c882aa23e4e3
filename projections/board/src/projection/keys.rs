//! The integer keys of subjects and obligations, handed out the first time each is seen.
//! Looked up first: after its first sight every later one (each duty entry names its
//! obligation) costs one index probe, not an insert attempt and a probe.

use crate::codec;
use crate::sql;
use domain::ids::ObligationId;
use domain::org::Subject;
use rusqlite::{OptionalExtension, Transaction};

pub(crate) fn subject(tx: &Transaction<'_>, s: &Subject) -> rusqlite::Result<i64> {
    let (kind, id, owner_kind) = codec::subject(s);
    if let Some(key) = tx
        .prepare_cached(sql::SUBJECT_KEY)?
        .query_row([&id], |r| r.get(0))
        .optional()?
    {
        return Ok(key);
    }
    tx.prepare_cached(sql::ADD_SUBJECT)?
        .execute(rusqlite::params![id, kind, owner_kind])?;
    Ok(tx.last_insert_rowid())
}

pub(crate) fn obligation(tx: &Transaction<'_>, id: ObligationId) -> rusqlite::Result<i64> {
    let id = id.to_string();
    if let Some(key) = tx
        .prepare_cached(sql::OBLIGATION_KEY)?
        .query_row([&id], |r| r.get(0))
        .optional()?
    {
        return Ok(key);
    }
    tx.prepare_cached(sql::ADD_OBLIGATION_KEY)?.execute([&id])?;
    Ok(tx.last_insert_rowid())
}

/// The key of an obligation expected to be new: inserted first, looked up only if it
/// turns out to exist after all (one index descent instead of two).
pub(crate) fn new_obligation(tx: &Transaction<'_>, id: ObligationId) -> rusqlite::Result<i64> {
    let id = id.to_string();
    if tx
        .prepare_cached(sql::ADD_NEW_OBLIGATION_KEY)?
        .execute([&id])?
        == 1
    {
        return Ok(tx.last_insert_rowid());
    }
    tx.prepare_cached(sql::OBLIGATION_KEY)?
        .query_row([&id], |r| r.get(0))
}
