//! Statistics of the filings register (统计分析): filings per month, and the late ones per
//! unit for the year-end assessment.
//!
//! Every query is as of an instant: only filings recorded by `as_of` count, a filing is
//! late if it was late by then (at its filing, or since the revision or reported return
//! that made a travel need filing), and cancelled if it was cancelled by then. Filings are
//! counted by the local (Asia/Shanghai) date they were filed on. A cancelled filing still
//! counts as filed, and as late if it was: the lateness is a fact of the filing.

use crate::sql;
use chrono::{DateTime, Datelike, NaiveDate, Utc};
use domain::ids::{CadreId, UnitId};
use rusqlite::{Connection, params};
use serde::Serialize;
use std::collections::BTreeMap;

/// The filings filed in one month.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MonthFilings {
    /// 1–12.
    pub month: u32,
    /// Travels out of Ningbo city (外出报备) filed.
    pub travel: u32,
    /// Family events (婚丧嫁娶) filed.
    pub family: u32,
    /// Of those, filed late.
    pub late: u32,
    /// Of those, cancelled.
    pub cancelled: u32,
}

/// Each month of `year` (all twelve, in order), the filings filed in it and recorded by
/// `as_of`.
pub fn filings_by_month(
    conn: &Connection,
    year: i32,
    as_of: DateTime<Utc>,
) -> rusqlite::Result<Vec<MonthFilings>> {
    let mut months: Vec<MonthFilings> = (1..=12)
        .map(|month| MonthFilings {
            month,
            travel: 0,
            family: 0,
            late: 0,
            cancelled: 0,
        })
        .collect();
    let (Some(from), Some(to)) = (
        NaiveDate::from_ymd_opt(year, 1, 1),
        NaiveDate::from_ymd_opt(year, 12, 31),
    ) else {
        return Ok(months);
    };
    for f in rows(conn, from, to, as_of)? {
        let Some(m) = months.get_mut(f.filed_on.month0() as usize) else {
            continue;
        };
        match f.kind.as_str() {
            "travel" => m.travel += 1,
            "family_event" => m.family += 1,
            _ => continue,
        }
        m.late += u32::from(f.late);
        m.cancelled += u32::from(f.cancelled);
    }
    Ok(months)
}

/// For the annual assessment: per unit, the filings filed in `from..=to` (recorded by
/// `as_of`) that were late by `as_of`, counted under the unit the filer belonged to when
/// filing (filers serving in a discipline group belong to no unit). Units with none are
/// left out; ordered by unit id.
pub fn late_filings_by_unit(
    conn: &Connection,
    from: NaiveDate,
    to: NaiveDate,
    as_of: DateTime<Utc>,
) -> rusqlite::Result<Vec<(UnitId, u32)>> {
    let mut units: BTreeMap<UnitId, u32> = BTreeMap::new();
    for f in rows(conn, from, to, as_of)? {
        if let (true, Some(unit)) = (f.late, f.unit_id) {
            *units.entry(unit).or_default() += 1;
        }
    }
    Ok(units.into_iter().collect())
}

/// Like [`late_filings_by_unit`], per filer (for the proposals of graded accountability).
/// Cadres with none are left out; ordered by cadre id.
pub fn late_filings_by_cadre(
    conn: &Connection,
    from: NaiveDate,
    to: NaiveDate,
    as_of: DateTime<Utc>,
) -> rusqlite::Result<Vec<(CadreId, u32)>> {
    let mut cadres: BTreeMap<CadreId, u32> = BTreeMap::new();
    for f in rows(conn, from, to, as_of)? {
        if f.late {
            *cadres.entry(f.cadre_id).or_default() += 1;
        }
    }
    Ok(cadres.into_iter().collect())
}

/// What the statistics read of a filing.
struct Fact {
    cadre_id: CadreId,
    kind: String,
    unit_id: Option<UnitId>,
    filed_on: NaiveDate,
    late: bool,
    cancelled: bool,
}

fn rows(
    conn: &Connection,
    from: NaiveDate,
    to: NaiveDate,
    as_of: DateTime<Utc>,
) -> rusqlite::Result<Vec<Fact>> {
    conn.prepare_cached(sql::STATS_FILINGS)?
        .query_map(
            params![as_of.timestamp_micros(), from.to_string(), to.to_string()],
            |r| {
                let unit: Option<String> = r.get(1)?;
                let filed_on: String = r.get(2)?;
                Ok(Fact {
                    kind: r.get(0)?,
                    unit_id: unit.map(|u| parse(1, &u)).transpose()?,
                    filed_on: parse(2, &filed_on)?,
                    late: r.get(3)?,
                    cancelled: r.get(4)?,
                    cadre_id: parse(5, &r.get::<_, String>(5)?)?,
                })
            },
        )?
        .collect()
}

fn parse<T: std::str::FromStr>(column: usize, s: &str) -> rusqlite::Result<T> {
    s.parse().map_err(|_| {
        rusqlite::Error::FromSqlConversionFailure(
            column,
            rusqlite::types::Type::Text,
            format!("unexpected stored value {s:?}").into(),
        )
    })
}
