//! Statistics of the problem ledger (统计分析): problems counted by type, source, unit,
//! month found or severity; how concentrated they are in a few units; and the overdue
//! rectifications that count against a unit in the year-end assessment.
//!
//! Every query is as of an instant: only problems registered by `as_of` count, a problem
//! is closed if it was closed by then, and overdue is [`domain::problem::light`] at
//! `as_of`. Dates (`found_on`, `rectify_by`) are local dates of Asia/Shanghai.

use crate::sql;
use chrono::{DateTime, NaiveDate, Utc};
use domain::ids::{CadreId, UnitId};
use domain::light::Light;
use domain::problem::{self, ProblemSource, Severity};
use rusqlite::{Connection, Row, params};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashMap};
use std::str::FromStr;

/// What problems are counted by.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ProblemDimension {
    /// By problem type, as registered (key and label).
    Type,
    /// By where it was found (审计, 巡视巡察, …).
    Source,
    /// By the unit it was registered against.
    Unit,
    /// By the local month it was found in (`2026-03`).
    Month,
    /// By severity (一般, 较重, 严重).
    Severity,
}

/// The problems of one value of a dimension.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Bucket {
    /// The value: a type key, a source or severity wire name, a unit id, or a month
    /// `YYYY-MM`.
    pub key: String,
    /// What people read: the type's label (as last registered), the source's or severity's
    /// Chinese name, the unit's name, or the month `YYYY-MM`.
    pub label: String,
    /// Problems registered by `as_of` (= open + closed).
    pub count: u32,
    /// Not closed by `as_of`.
    pub open: u32,
    /// Of the open ones, those past their rectify-by date at `as_of`.
    pub overdue: u32,
    /// Closed (销号) by `as_of`.
    pub closed: u32,
}

/// How concentrated the problems are in a few units.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Concentration {
    /// Problems counted.
    pub total: u32,
    /// Units with at least one of them.
    pub units_with_problems: u32,
    /// The units with the most, at most [`TOP_UNITS`] (as [`problems_by`] orders them).
    pub top: Vec<Bucket>,
    /// The share of `total` in `top`; 0 when there are none.
    pub top_share: f64,
}

/// How many units [`unit_concentration`] names.
pub const TOP_UNITS: usize = 5;

/// The problems found (`found_on`) in `from..=to` and registered by `as_of`, counted by
/// `dimension`; most problems first, then by key. Values with no problem are left out.
pub fn problems_by(
    conn: &Connection,
    dimension: ProblemDimension,
    from: NaiveDate,
    to: NaiveDate,
    as_of: DateTime<Utc>,
) -> rusqlite::Result<Vec<Bucket>> {
    let mut buckets: HashMap<String, Bucket> = HashMap::new();
    for p in rows(conn, sql::STATS_BY_FOUND_ON, from, to, as_of)? {
        let (key, label) = match dimension {
            ProblemDimension::Type => (p.type_key, p.type_label),
            ProblemDimension::Source => {
                (p.source.as_str().to_owned(), p.source.label_zh().to_owned())
            }
            ProblemDimension::Unit => {
                let key = p.unit_id.to_string();
                (key.clone(), p.unit_name.unwrap_or(key))
            }
            ProblemDimension::Month => {
                let month = p.found_on.format("%Y-%m").to_string();
                (month.clone(), month)
            }
            ProblemDimension::Severity => (
                p.severity.as_str().to_owned(),
                p.severity.label_zh().to_owned(),
            ),
        };
        let b = buckets.entry(key.clone()).or_insert_with(|| Bucket {
            key,
            label: String::new(),
            count: 0,
            open: 0,
            overdue: 0,
            closed: 0,
        });
        // Rows come in the ledger's order: the latest registration names the value.
        b.label = label;
        b.count += 1;
        match problem::light(p.rectify_by, p.closed_at, as_of) {
            Light::Green | Light::Orange => b.closed += 1,
            Light::Red => (b.open, b.overdue) = (b.open + 1, b.overdue + 1),
            Light::Yellow | Light::Pending => b.open += 1,
        }
    }
    let mut out: Vec<Bucket> = buckets.into_values().collect();
    out.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.key.cmp(&b.key)));
    Ok(out)
}

/// How the problems found in `from..=to` (registered by `as_of`) are spread over units:
/// how many units have any, and the share of the [`TOP_UNITS`] units with the most.
pub fn unit_concentration(
    conn: &Connection,
    from: NaiveDate,
    to: NaiveDate,
    as_of: DateTime<Utc>,
) -> rusqlite::Result<Concentration> {
    let mut units = problems_by(conn, ProblemDimension::Unit, from, to, as_of)?;
    let total: u32 = units.iter().map(|b| b.count).sum();
    let units_with_problems = u32::try_from(units.len()).unwrap_or(u32::MAX);
    units.truncate(TOP_UNITS);
    let in_top: u32 = units.iter().map(|b| b.count).sum();
    Ok(Concentration {
        total,
        units_with_problems,
        top: units,
        top_share: if total == 0 {
            0.0
        } else {
            f64::from(in_top) / f64::from(total)
        },
    })
}

/// For the annual assessment: per unit, the problems due (`rectify_by`) in `from..=to`
/// that went overdue by `as_of` — the rectify-by date passed before they were closed:
/// still open at `as_of` past it (red), or closed after it (orange, closed late; it was
/// overdue for a while and still counts). A problem whose rectify-by date is the day of
/// `as_of`, or later, has not gone overdue. Only problems registered by `as_of`; units
/// with none are left out; ordered by unit id.
pub fn overdue_problems_by_unit(
    conn: &Connection,
    from: NaiveDate,
    to: NaiveDate,
    as_of: DateTime<Utc>,
) -> rusqlite::Result<Vec<(UnitId, u32)>> {
    let mut units: BTreeMap<UnitId, u32> = BTreeMap::new();
    for p in rows(conn, sql::STATS_BY_RECTIFY_BY, from, to, as_of)? {
        if matches!(
            problem::light(p.rectify_by, p.closed_at, as_of),
            Light::Red | Light::Orange
        ) {
            *units.entry(p.unit_id).or_default() += 1;
        }
    }
    Ok(units.into_iter().collect())
}

/// Like [`overdue_problems_by_unit`], per cadre named on the problems (for the proposals
/// of graded accountability). Cadres with none are left out; ordered by cadre id.
pub fn overdue_problems_by_cadre(
    conn: &Connection,
    from: NaiveDate,
    to: NaiveDate,
    as_of: DateTime<Utc>,
) -> rusqlite::Result<Vec<(CadreId, u32)>> {
    let mut cadres: BTreeMap<CadreId, u32> = BTreeMap::new();
    for p in rows(conn, sql::STATS_BY_RECTIFY_BY, from, to, as_of)? {
        if let Some(cadre) = p.cadre_id
            && matches!(
                problem::light(p.rectify_by, p.closed_at, as_of),
                Light::Red | Light::Orange
            )
        {
            *cadres.entry(cadre).or_default() += 1;
        }
    }
    Ok(cadres.into_iter().collect())
}

/// What the statistics read of a problem.
struct Fact {
    unit_id: UnitId,
    cadre_id: Option<CadreId>,
    unit_name: Option<String>,
    source: ProblemSource,
    type_key: String,
    type_label: String,
    severity: Severity,
    found_on: NaiveDate,
    rectify_by: NaiveDate,
    closed_at: Option<DateTime<Utc>>,
}

fn rows(
    conn: &Connection,
    query: &str,
    from: NaiveDate,
    to: NaiveDate,
    as_of: DateTime<Utc>,
) -> rusqlite::Result<Vec<Fact>> {
    conn.prepare_cached(query)?
        .query_map(
            params![as_of.timestamp_micros(), from.to_string(), to.to_string()],
            fact,
        )?
        .collect()
}

fn fact(r: &Row<'_>) -> rusqlite::Result<Fact> {
    Ok(Fact {
        unit_id: parsed(r, 0)?,
        unit_name: r.get(1)?,
        source: named(r, 2, &ProblemSource::ALL, ProblemSource::as_str)?,
        type_key: r.get(3)?,
        type_label: r.get(4)?,
        severity: named(r, 5, &Severity::ALL, Severity::as_str)?,
        found_on: parsed(r, 6)?,
        rectify_by: parsed(r, 7)?,
        closed_at: r
            .get::<_, Option<i64>>(8)?
            .map(|m| DateTime::from_timestamp_micros(m).ok_or_else(|| bad(8, &m.to_string())))
            .transpose()?,
        cadre_id: r
            .get::<_, Option<String>>(9)?
            .map(|c| c.parse().map_err(|_| bad(9, &c)))
            .transpose()?,
    })
}

fn bad(column: usize, value: &str) -> rusqlite::Error {
    rusqlite::Error::FromSqlConversionFailure(
        column,
        rusqlite::types::Type::Text,
        format!("unexpected stored value {value:?}").into(),
    )
}

fn parsed<T: FromStr>(r: &Row<'_>, column: usize) -> rusqlite::Result<T> {
    let s: String = r.get(column)?;
    s.parse().map_err(|_| bad(column, &s))
}

/// A wire name back to its value.
fn named<T: Copy>(
    r: &Row<'_>,
    column: usize,
    all: &[T],
    name: fn(T) -> &'static str,
) -> rusqlite::Result<T> {
    let s: String = r.get(column)?;
    all.iter()
        .copied()
        .find(|v| name(*v) == s)
        .ok_or_else(|| bad(column, &s))
}
