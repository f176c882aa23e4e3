//! Reading decisions and talks: one, a page by kind, unit, cadre and date range within
//! what the reader may see, and the counts the assessment and the proposals page need.

use crate::sql;
use chrono::{DateTime, NaiveDate, Utc};
use domain::accountability::{Basis, Measure, TargetKind};
use domain::ids::{CadreId, DecisionId, UnitId};
use projector::Page;
use rusqlite::types::Value;
use rusqlite::{Connection, OptionalExtension as _, Row, params};
use serde::{Deserialize, Serialize};
use std::str::FromStr;

/// Whether a record is a decision (问责决定) or a talk held (约谈).
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RecordKind {
    /// `AccountabilityDecided`.
    Decision,
    /// `AdmonishmentTalkHeld`.
    Talk,
}

impl RecordKind {
    pub const ALL: [RecordKind; 2] = [Self::Decision, Self::Talk];

    /// The wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Decision => "decision",
            Self::Talk => "talk",
        }
    }
}

const TARGET_KINDS: [TargetKind; 2] = [TargetKind::Unit, TargetKind::Cadre];

pub(crate) fn target_kind_str(k: TargetKind) -> &'static str {
    match k {
        TargetKind::Unit => "unit",
        TargetKind::Cadre => "cadre",
    }
}

/// One decision or talk, with the names of its unit and cadre as known now.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DecisionView {
    /// The decision id, or the talk id.
    pub id: DecisionId,
    pub kind: RecordKind,
    /// `cadre` for a talk.
    pub target_kind: TargetKind,
    /// The unit, or the unit the cadre belonged to then.
    pub unit_id: UnitId,
    /// Empty if the unit is unknown (a decision's unit is checked when it is decided).
    pub unit_name: String,
    pub cadre_id: Option<CadreId>,
    pub cadre_name: Option<String>,
    /// `talk` for a talk.
    pub measure: Measure,
    /// The measure in Chinese, e.g. 诫勉谈话.
    pub measure_label: String,
    /// A decision's reason, or a talk's summary.
    pub text: String,
    /// Who held the talk (talks only).
    pub held_by: Option<String>,
    /// The obligations, problems and filings it cites.
    pub basis: Basis,
    /// The local date decided on, or the talk held on.
    pub on: NaiveDate,
    /// What the platform had proposed when the decider looked (decisions only).
    pub proposed: Option<Measure>,
    pub recorded_at: DateTime<Utc>,
    /// Who recorded it, as on the event (`user:<username>`).
    pub actor: String,
    /// The global position of its event: the order, and the `before` of the next page.
    pub position: u64,
}

/// Which decisions and talks to list, newest first. Every filter given must hold.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DecisionQuery {
    pub kind: Option<RecordKind>,
    /// Against this unit or one of its cadres (the cadre's unit then).
    pub unit: Option<UnitId>,
    pub cadre: Option<CadreId>,
    /// Decided or held on or after / on or before these local dates.
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    /// Only records at positions below this: the last [`DecisionView::position`] of the
    /// previous page.
    pub before: Option<u64>,
    /// How many, at most.
    pub limit: u32,
}

fn bad(column: usize, value: &str) -> rusqlite::Error {
    rusqlite::Error::FromSqlConversionFailure(
        column,
        rusqlite::types::Type::Text,
        format!("unexpected stored value {value:?}").into(),
    )
}

fn parse<T: FromStr>(column: usize, s: &str) -> rusqlite::Result<T> {
    s.parse().map_err(|_| bad(column, s))
}

pub(crate) fn opt<T: FromStr>(r: &Row<'_>, column: usize) -> rusqlite::Result<Option<T>> {
    r.get::<_, Option<String>>(column)?
        .map(|s| parse(column, &s))
        .transpose()
}

pub(crate) fn req<T: FromStr>(r: &Row<'_>, column: usize) -> rusqlite::Result<T> {
    parse(column, &r.get::<_, String>(column)?)
}

pub(crate) fn instant(r: &Row<'_>, column: usize) -> rusqlite::Result<DateTime<Utc>> {
    let micros: i64 = r.get(column)?;
    DateTime::from_timestamp_micros(micros).ok_or_else(|| bad(column, &micros.to_string()))
}

pub(crate) fn position(r: &Row<'_>, column: usize) -> rusqlite::Result<u64> {
    let p: i64 = r.get(column)?;
    u64::try_from(p).map_err(|_| bad(column, &p.to_string()))
}

/// A JSON column back to its value.
pub(crate) fn from_json<T: serde::de::DeserializeOwned>(
    r: &Row<'_>,
    column: usize,
) -> rusqlite::Result<T> {
    let s: String = r.get(column)?;
    serde_json::from_str(&s).map_err(|_| bad(column, &s))
}

/// A wire name back to its value.
pub(crate) fn named<T: Copy>(
    r: &Row<'_>,
    column: usize,
    all: &[T],
    name: fn(T) -> &'static str,
) -> rusqlite::Result<T> {
    let s: String = r.get(column)?;
    find(column, &s, all, name)
}

fn find<T: Copy>(
    column: usize,
    s: &str,
    all: &[T],
    name: fn(T) -> &'static str,
) -> rusqlite::Result<T> {
    all.iter()
        .copied()
        .find(|v| name(*v) == s)
        .ok_or_else(|| bad(column, s))
}

/// A record from the columns of `sql::record_columns!`.
fn record_row(r: &Row<'_>) -> rusqlite::Result<DecisionView> {
    let measure = named(r, 7, &Measure::ALL, Measure::as_str)?;
    let proposed = r
        .get::<_, Option<String>>(12)?
        .map(|s| find(12, &s, &Measure::ALL, Measure::as_str))
        .transpose()?;
    Ok(DecisionView {
        id: req(r, 2)?,
        kind: named(r, 3, &RecordKind::ALL, RecordKind::as_str)?,
        target_kind: named(r, 4, &TARGET_KINDS, target_kind_str)?,
        unit_id: req(r, 0)?,
        unit_name: r.get(5)?,
        cadre_id: opt(r, 1)?,
        cadre_name: r.get(6)?,
        measure,
        measure_label: measure.label_zh().to_owned(),
        text: r.get(8)?,
        held_by: r.get(9)?,
        basis: from_json(r, 10)?,
        on: req(r, 11)?,
        proposed,
        recorded_at: instant(r, 13)?,
        actor: r.get(14)?,
        position: position(r, 15)?,
    })
}

/// One decision or talk, whoever may see it (the caller checks the scope).
pub fn decision(c: &Connection, id: DecisionId) -> rusqlite::Result<Option<DecisionView>> {
    c.prepare_cached(sql::RECORD)?
        .query_row([id.to_string()], record_row)
        .optional()
}

/// The decisions and talks asked for that `visible(unit, cadre)` lets the reader see,
/// newest first: up to `limit` of them, the scope applied before the limit (a page is full
/// whenever that many visible records are left).
pub fn decisions(
    c: &Connection,
    q: &DecisionQuery,
    visible: impl Fn(UnitId, Option<CadreId>) -> bool,
) -> rusqlite::Result<Vec<DecisionView>> {
    let before = q
        .before
        .map_or(i64::MAX, |b| i64::try_from(b).unwrap_or(i64::MAX));
    Page {
        select: sql::RECORDS,
        first: Value::Integer(before),
        filters: vec![
            (sql::AND_KIND, q.kind.map(|k| k.as_str().to_owned())),
            (sql::AND_UNIT, q.unit.map(|u| u.to_string())),
            (sql::AND_CADRE, q.cadre.map(|c| c.to_string())),
            (sql::AND_FROM, q.from.map(|d| d.to_string())),
            (sql::AND_TO, q.to.map(|d| d.to_string())),
        ],
        order: sql::RECORDS_ORDER,
        limit: q.limit,
    }
    .read(c, |r| Ok(visible(req(r, 0)?, opt(r, 1)?)), record_row)
}

/// Per unit, how many accountability measures were decided (not talks held) against the
/// unit or one of its cadres (the cadre's unit then) on a local date from `from` to `to`
/// (both included), counting only those recorded by `as_of` — what the assessment
/// deducts for. By unit id; units with none are absent.
pub fn measures_by_unit(
    c: &Connection,
    from: NaiveDate,
    to: NaiveDate,
    as_of: DateTime<Utc>,
) -> rusqlite::Result<Vec<(UnitId, u32)>> {
    let mut stmt = c.prepare_cached(sql::MEASURES_BY_UNIT)?;
    let rows = stmt.query_map(
        params![from.to_string(), to.to_string(), as_of.timestamp_micros()],
        |r| Ok((req(r, 0)?, r.get(1)?)),
    )?;
    rows.collect()
}

/// Every decision and talk dated from `from` to `to` (both included), in the order of the
/// log: its unit, cadre (none for a measure against a unit) and measure (`talk` for a
/// talk) — what the proposals page shows as already decided.
pub fn decided_targets(
    c: &Connection,
    from: NaiveDate,
    to: NaiveDate,
) -> rusqlite::Result<Vec<(UnitId, Option<CadreId>, Measure)>> {
    let mut stmt = c.prepare_cached(sql::DECIDED_TARGETS)?;
    let rows = stmt.query_map(params![from.to_string(), to.to_string()], |r| {
        Ok((
            req(r, 0)?,
            opt(r, 1)?,
            named(r, 2, &Measure::ALL, Measure::as_str)?,
        ))
    })?;
    rows.collect()
}
