//! The integer keys of subjects and obligations, handed out the first time each is seen.

use crate::codec;
use crate::sql;
use domain::ids::ObligationId;
use domain::org::Subject;
use rusqlite::Transaction;

pub(crate) fn subject(tx: &Transaction<'_>, s: &Subject) -> rusqlite::Result<i64> {
    let (kind, id, owner_kind) = codec::subject(s);
    tx.prepare_cached(sql::ADD_SUBJECT)?
        .execute(rusqlite::params![id, kind, owner_kind])?;
    tx.prepare_cached(sql::SUBJECT_KEY)?
        .query_row([id], |r| r.get(0))
}

pub(crate) fn obligation(tx: &Transaction<'_>, id: ObligationId) -> rusqlite::Result<i64> {
    let id = id.to_string();
    tx.prepare_cached(sql::ADD_OBLIGATION_KEY)?.execute([&id])?;
    tx.prepare_cached(sql::OBLIGATION_KEY)?
        .query_row([&id], |r| r.get(0))
}
