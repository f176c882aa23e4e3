//! The obligations of a unit, a discipline group or a cadre as of an instant, each with its
//! light worked out from the entries known then.

use crate::codec::{self, instant, micros, parse, parse_responsibility};
use crate::sql;
use chrono::{DateTime, NaiveDate, Utc};
use domain::calendar::Period;
use domain::ids::{CadreId, GroupId, ObligationId, UnitId};
use domain::light::{self, EntryFact, Light};
use domain::obligation::Source;
use domain::org::{Responsibility, Subject};
use rusqlite::{Connection, OptionalExtension, Row, params};
use serde::Serialize;
use std::collections::HashMap;

/// One obligation as the board shows it at an instant.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ObligationView {
    pub obligation_id: ObligationId,
    pub source: Source,
    pub subject: Subject,
    /// The unit's, the cadre's or the group's name.
    pub subject_name: String,
    /// The period's key: `2026`, `2026-H1`, `2026-Q3`, `2026-M07`, `2026-once`.
    pub period: Period,
    /// How a list writes it: 2026年上半年, 2026年7月, …
    pub period_label: String,
    pub deadline: NaiveDate,
    pub required_count: u32,
    /// Entries counting at the instant asked.
    pub count: u32,
    /// Of those, entries made on time.
    pub on_time: u32,
    pub light: Light,
    /// When the required count was reached, by the entries counting then.
    pub completed_at: Option<DateTime<Utc>>,
    /// Whether late backfills count towards it.
    pub backfilled: bool,
    pub responsibility: Responsibility,
    pub category: String,
    pub content: String,
}

/// The obligations of a unit as of `as_of` — its leadership team's, and the personal ones
/// of the cadres who belonged to it then — by subject, then deadline. `None` if the unit
/// was not known then.
pub fn unit_obligations(
    conn: &Connection,
    unit_id: UnitId,
    as_of: DateTime<Utc>,
) -> rusqlite::Result<Option<Vec<ObligationView>>> {
    let id = unit_id.to_string();
    if !known(conn, sql::UNIT_KNOWN, &id, as_of)? {
        return Ok(None);
    }
    views(conn, sql::UNIT_OBLIGATIONS, &id, as_of).map(Some)
}

/// The obligations of a discipline group as of `as_of` (and the personal ones of cadres who
/// belonged to it then), by subject, then deadline. `None` if the group was not known then.
pub fn group_obligations(
    conn: &Connection,
    group_id: GroupId,
    as_of: DateTime<Utc>,
) -> rusqlite::Result<Option<Vec<ObligationView>>> {
    let id = group_id.to_string();
    if !known(conn, sql::GROUP_KNOWN, &id, as_of)? {
        return Ok(None);
    }
    views(conn, sql::GROUP_OBLIGATIONS, &id, as_of).map(Some)
}

/// A cadre's personal obligations as of `as_of`, by subject, then deadline. `None` if the
/// cadre was not known then.
pub fn cadre_obligations(
    conn: &Connection,
    cadre_id: CadreId,
    as_of: DateTime<Utc>,
) -> rusqlite::Result<Option<Vec<ObligationView>>> {
    let id = cadre_id.to_string();
    if !known(conn, sql::CADRE_KNOWN, &id, as_of)? {
        return Ok(None);
    }
    views(conn, sql::CADRE_OBLIGATIONS, &id, as_of).map(Some)
}

fn known(conn: &Connection, query: &str, id: &str, as_of: DateTime<Utc>) -> rusqlite::Result<bool> {
    conn.prepare_cached(query)?
        .query_row(params![micros(as_of), id], |_| Ok(()))
        .optional()
        .map(|r| r.is_some())
}

fn views(
    conn: &Connection,
    (query, facts_query): (&str, &str),
    id: &str,
    as_of: DateTime<Utc>,
) -> rusqlite::Result<Vec<ObligationView>> {
    let t = micros(as_of);
    let mut out: Vec<(ObligationView, i64)> = conn
        .prepare_cached(query)?
        .query_map(params![t, id], |r| Ok((view(r, as_of)?, r.get(13)?)))?
        .collect::<rusqlite::Result<_>>()?;
    let mut facts: HashMap<i64, Vec<EntryFact>> = HashMap::with_capacity(out.len());
    let mut stmt = conn.prepare_cached(facts_query)?;
    let mut rows = stmt.query(params![t, id])?;
    while let Some(r) = rows.next()? {
        facts.entry(r.get(0)?).or_default().push(EntryFact {
            recorded_at: instant(1, r.get(1)?)?,
            backfill: r.get::<_, i64>(2)? != 0,
            withdrawn_at: r
                .get::<_, Option<i64>>(3)?
                .map(|w| instant(3, w))
                .transpose()?,
        });
    }
    for (v, key) in &mut out {
        let facts = facts.get(key).map_or(&[][..], Vec::as_slice);
        let s = light::status(v.deadline, v.required_count, facts, as_of);
        (v.count, v.on_time, v.light) = (s.count, s.on_time, s.light);
        (v.completed_at, v.backfilled) = (s.completed_at, s.backfilled);
    }
    let mut out: Vec<ObligationView> = out.into_iter().map(|(v, _)| v).collect();
    out.sort_by(|a, b| {
        (a.subject, a.deadline, a.period, a.obligation_id).cmp(&(
            b.subject,
            b.deadline,
            b.period,
            b.obligation_id,
        ))
    });
    Ok(out)
}

fn view(r: &Row<'_>, _as_of: DateTime<Utc>) -> rusqlite::Result<ObligationView> {
    let text = |i: usize| -> rusqlite::Result<String> { r.get(i) };
    let period: Period = parse(6, &text(6)?)?;
    Ok(ObligationView {
        obligation_id: codec::obligation_id(0, r.get_ref(0)?.as_blob()?)?,
        source: codec::parse_source(
            1,
            &text(1)?,
            &text(2)?,
            r.get::<_, Option<String>>(3)?.as_deref(),
        )?,
        subject: codec::parse_subject(4, &text(4)?, &text(5)?)?,
        subject_name: text(12)?,
        period_label: period.label_zh(),
        period,
        deadline: codec::day(7, r.get(7)?)?,
        required_count: r.get(8)?,
        count: 0,
        on_time: 0,
        light: Light::Pending,
        completed_at: None,
        backfilled: false,
        responsibility: parse_responsibility(9, &text(9)?)?,
        category: text(10)?,
        content: text(11)?,
    })
}
