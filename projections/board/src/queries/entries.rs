//! The duty entries of one obligation as of an instant, with what they said then.

use crate::codec::{date, instant, micros, parse};
use crate::projection::keys;
use crate::sql;
use chrono::{DateTime, NaiveDate, Utc};
use domain::ids::{CadreId, EntryId, ObligationId};
use rusqlite::{Connection, params};
use serde::Serialize;

/// One duty entry as known at an instant.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EntryView {
    pub entry_id: EntryId,
    pub obligation_id: ObligationId,
    /// Recorded after the deadline, as a late backfill (补录).
    pub backfill: bool,
    pub recorded_at: DateTime<Utc>,
    /// When it was withdrawn, if that was known at the instant asked.
    pub withdrawn_at: Option<DateTime<Utc>>,
    pub performed_on: NaiveDate,
    /// What was done, as last corrected by the instant asked.
    pub content: String,
    pub recorded_by: CadreId,
    /// When it was last corrected, by the instant asked.
    pub corrected_at: Option<DateTime<Utc>>,
}

/// The entries of an obligation recorded by `as_of`, oldest first.
pub fn obligation_entries(
    conn: &Connection,
    obligation_id: ObligationId,
    as_of: DateTime<Utc>,
) -> rusqlite::Result<Vec<EntryView>> {
    let t = micros(as_of);
    let Some(key) = keys::known_obligation(conn, obligation_id)? else {
        return Ok(Vec::new());
    };
    conn.prepare_cached(sql::ENTRIES)?
        .query_map(params![t, key], |r| {
            let withdrawn_at: Option<i64> = r.get(3)?;
            let corrected_at: Option<i64> = r.get(7)?;
            Ok(EntryView {
                entry_id: parse(0, &r.get::<_, String>(0)?)?,
                obligation_id,
                backfill: r.get::<_, i64>(1)? != 0,
                recorded_at: instant(2, r.get(2)?)?,
                withdrawn_at: withdrawn_at
                    .filter(|w| *w <= t)
                    .map(|w| instant(3, w))
                    .transpose()?,
                performed_on: date(4, &r.get::<_, String>(4)?)?,
                content: r.get(5)?,
                recorded_by: parse(6, &r.get::<_, String>(6)?)?,
                corrected_at: corrected_at.map(|c| instant(7, c)).transpose()?,
            })
        })?
        .collect()
}
