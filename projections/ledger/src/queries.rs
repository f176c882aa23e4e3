//! Reading the ledger: one problem with its timeline, or a page of problems by unit,
//! status, type, source, found-on range and overdue as of an instant, within what the
//! reader may see. The light is computed here, as of the instant asked.

use crate::sql;
use chrono::{DateTime, NaiveDate, Utc};
use domain::calendar::local_date;
use domain::events::Attachment;
use domain::ids::{CadreId, ProblemId, UnitId};
use domain::light::Light;
use domain::problem::{self, ProblemSource, ProblemStatus, ProblemType, Relation, Severity};
use domain::user::Scope;
use rusqlite::{Connection, OptionalExtension as _, Row, params};
use serde::Serialize;
use std::str::FromStr;

/// What a step of the timeline was.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum StepKind {
    Registered,
    Planned,
    Progressed,
    ClosingRequested,
    ClosingRejected,
    Closed,
}

impl StepKind {
    const ALL: [StepKind; 6] = [
        Self::Registered,
        Self::Planned,
        Self::Progressed,
        Self::ClosingRequested,
        Self::ClosingRejected,
        Self::Closed,
    ];

    fn as_str(self) -> &'static str {
        match self {
            Self::Registered => "registered",
            Self::Planned => "planned",
            Self::Progressed => "progressed",
            Self::ClosingRequested => "closing_requested",
            Self::ClosingRejected => "closing_rejected",
            Self::Closed => "closed",
        }
    }
}

/// One step of a problem's rectification.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Step {
    /// The global position of its event.
    pub position: u64,
    pub step: StepKind,
    /// Who, as recorded on the event (`user:<username>`).
    pub actor: String,
    /// Their relation to the problem.
    pub relation: Relation,
    pub at: DateTime<Utc>,
    /// The description, plan, progress, summary, reason or conclusion.
    pub text: String,
    /// Evidence of a progress step (empty otherwise).
    pub evidence: Vec<Attachment>,
}

/// One problem of the ledger, as it stands now, with its light as of `as_of`.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ProblemView {
    pub problem_id: ProblemId,
    /// The global position of its registration: the ledger's order (newest first), and the
    /// `before` of the next page.
    pub position: u64,
    pub unit_id: UnitId,
    pub unit_name: Option<String>,
    pub cadre_id: Option<CadreId>,
    pub cadre_name: Option<String>,
    pub source: ProblemSource,
    /// The type as registered (key and label).
    #[serde(rename = "type")]
    pub problem_type: ProblemType,
    pub severity: Severity,
    pub description: String,
    pub found_on: NaiveDate,
    pub rectify_by: NaiveDate,
    pub status: ProblemStatus,
    /// The rectification plan (整改方案), once planned.
    pub plan: Option<String>,
    pub progress_entries: u32,
    /// How many closing requests were rejected.
    pub rejections: u32,
    pub last_rejection_reason: Option<String>,
    /// The local date it was closed (销号) on.
    pub closed_on: Option<NaiveDate>,
    pub closed_at: Option<DateTime<Utc>>,
    pub registered_on: NaiveDate,
    pub registered_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// The instant the light is computed at.
    pub as_of: DateTime<Utc>,
    /// `red` overdue; `green` closed by the rectify-by date, `orange` closed late; `yellow`
    /// due within 7 days; `pending` otherwise.
    pub light: Light,
    /// Not closed by `as_of`, and the rectify-by date has passed.
    pub overdue: bool,
    /// Every step, oldest first (only when one problem is read).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub timeline: Option<Vec<Step>>,
}

/// Which problems to list, newest first.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ProblemQuery {
    pub unit: Option<UnitId>,
    pub status: Option<ProblemStatus>,
    pub type_key: Option<String>,
    pub source: Option<ProblemSource>,
    /// Found on or after / on or before these local dates.
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    /// Only those overdue at `as_of`.
    pub overdue_only: bool,
    /// The instant asked about: problems registered by then, lights as of then.
    pub as_of: DateTime<Utc>,
    /// Only problems at positions below this (the previous page's last), for paging.
    pub before: Option<u64>,
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

fn opt<T: FromStr>(r: &Row<'_>, column: usize) -> rusqlite::Result<Option<T>> {
    r.get::<_, Option<String>>(column)?
        .map(|s| parse(column, &s))
        .transpose()
}

fn req<T: FromStr>(r: &Row<'_>, column: usize) -> rusqlite::Result<T> {
    parse(column, &r.get::<_, String>(column)?)
}

fn instant(column: usize, micros: i64) -> rusqlite::Result<DateTime<Utc>> {
    DateTime::from_timestamp_micros(micros).ok_or_else(|| bad(column, &micros.to_string()))
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

fn problem_row(r: &Row<'_>, as_of: DateTime<Utc>) -> rusqlite::Result<ProblemView> {
    let rectify_by: NaiveDate = req(r, 12)?;
    let closed_at = r
        .get::<_, Option<i64>>(19)?
        .map(|m| instant(19, m))
        .transpose()?;
    let light = problem::light(rectify_by, closed_at, as_of);
    Ok(ProblemView {
        problem_id: req(r, 0)?,
        position: u64::try_from(r.get::<_, i64>(1)?).unwrap_or_default(),
        unit_id: req(r, 2)?,
        unit_name: r.get(3)?,
        cadre_id: opt(r, 4)?,
        cadre_name: r.get(5)?,
        source: named(r, 6, &ProblemSource::ALL, ProblemSource::as_str)?,
        problem_type: ProblemType {
            key: r.get(7)?,
            label: r.get(8)?,
        },
        severity: named(r, 9, &Severity::ALL, Severity::as_str)?,
        description: r.get(10)?,
        found_on: req(r, 11)?,
        rectify_by,
        status: named(r, 13, &ProblemStatus::ALL, ProblemStatus::as_str)?,
        plan: r.get(14)?,
        progress_entries: r.get(15)?,
        rejections: r.get(16)?,
        last_rejection_reason: r.get(17)?,
        closed_on: opt(r, 18)?,
        closed_at,
        registered_on: req(r, 20)?,
        registered_at: instant(21, r.get(21)?)?,
        updated_at: instant(22, r.get(22)?)?,
        as_of,
        light,
        overdue: light == Light::Red,
        timeline: None,
    })
}

fn timeline(c: &Connection, id: ProblemId) -> rusqlite::Result<Vec<Step>> {
    let mut stmt = c.prepare_cached(sql::TIMELINE)?;
    let rows = stmt.query_map([id.to_string()], |r| {
        let evidence: String = r.get(6)?;
        Ok(Step {
            position: u64::try_from(r.get::<_, i64>(0)?).unwrap_or_default(),
            step: named(r, 1, &StepKind::ALL, StepKind::as_str)?,
            actor: r.get(2)?,
            relation: named(r, 3, &Relation::ALL, Relation::as_str)?,
            at: instant(4, r.get(4)?)?,
            text: r.get(5)?,
            evidence: serde_json::from_str(&evidence).map_err(|_| bad(6, &evidence))?,
        })
    })?;
    rows.collect()
}

/// One problem with its timeline, its light as of `as_of`, whoever may see it (the caller
/// checks the scope).
pub fn problem(
    c: &Connection,
    id: ProblemId,
    as_of: DateTime<Utc>,
) -> rusqlite::Result<Option<ProblemView>> {
    let found = c
        .prepare_cached(sql::PROBLEM)?
        .query_row([id.to_string()], |r| problem_row(r, as_of))
        .optional()?;
    found
        .map(|mut p| {
            p.timeline = Some(timeline(c, id)?);
            Ok(p)
        })
        .transpose()
}

fn json_ids<T: ToString>(ids: impl IntoIterator<Item = T>) -> String {
    let quoted: Vec<String> = ids
        .into_iter()
        .map(|i| format!("\"{}\"", i.to_string()))
        .collect();
    format!("[{}]", quoted.join(","))
}

/// The problems asked for that `scope` sees (their unit, or their named cadre), newest
/// first.
pub fn problems(
    c: &Connection,
    q: &ProblemQuery,
    scope: &Scope,
) -> rusqlite::Result<Vec<ProblemView>> {
    let (units, cadres) = match scope {
        Scope::Everything => (None, None),
        Scope::Only(v) => (
            Some(json_ids(v.units.iter())),
            Some(json_ids(v.cadres.iter())),
        ),
    };
    let before = q
        .before
        .map_or(i64::MAX, |p| i64::try_from(p).unwrap_or(i64::MAX));
    let as_of = q.as_of;
    let mut stmt = c.prepare_cached(sql::PROBLEMS)?;
    let rows = stmt.query_map(
        params![
            q.unit.map(|u| u.to_string()),
            q.status.map(ProblemStatus::as_str),
            q.type_key,
            q.source.map(ProblemSource::as_str),
            q.from.map(|d| d.to_string()),
            q.to.map(|d| d.to_string()),
            q.overdue_only,
            as_of.timestamp_micros(),
            local_date(as_of).to_string(),
            before,
            units,
            cadres,
            q.limit
        ],
        |r| problem_row(r, as_of),
    )?;
    rows.collect()
}

/// The problems registered by `as_of` that name `cadre` (as their responsible cadre), oldest
/// first: one index range, for a cadre's history.
pub fn problems_naming(
    c: &Connection,
    cadre: CadreId,
    as_of: DateTime<Utc>,
) -> rusqlite::Result<Vec<ProblemId>> {
    ids(c, sql::PROBLEMS_NAMING, cadre.to_string(), as_of)
}

/// The problems of `unit` registered by `as_of`, oldest first, for a unit's history.
pub fn problems_of_unit(
    c: &Connection,
    unit: UnitId,
    as_of: DateTime<Utc>,
) -> rusqlite::Result<Vec<ProblemId>> {
    ids(c, sql::PROBLEMS_OF_UNIT, unit.to_string(), as_of)
}

fn ids(
    c: &Connection,
    query: &str,
    whose: String,
    as_of: DateTime<Utc>,
) -> rusqlite::Result<Vec<ProblemId>> {
    c.prepare_cached(query)?
        .query_map(params![whose, as_of.timestamp_micros()], |r| {
            let id: String = r.get(0)?;
            parse(0, &id)
        })?
        .collect()
}

/// The problems whose overdue reminder (整改逾期提醒) is due by `today` (a local date) and not
/// yet in the log: past their rectify-by date and not closed by it (closed later or not at
/// all). The ledger must have applied the log up to its head for the answer to be complete.
pub fn overdue_due(
    c: &Connection,
    today: chrono::NaiveDate,
) -> rusqlite::Result<Vec<domain::reminders::OverdueProblem>> {
    let mut stmt = c.prepare_cached(sql::OVERDUE_DUE)?;
    let rows = stmt.query_map([today.to_string()], |r| {
        let text = |i: usize| -> rusqlite::Result<String> { r.get(i) };
        let bad = |i: usize, v: &str| {
            rusqlite::Error::FromSqlConversionFailure(
                i,
                rusqlite::types::Type::Text,
                format!("unexpected stored value {v:?}").into(),
            )
        };
        let problem = text(0)?;
        let unit = text(1)?;
        let cadre: Option<String> = r.get(2)?;
        let rectify_by = text(3)?;
        let closed_on: Option<String> = r.get(4)?;
        Ok(domain::reminders::OverdueProblem {
            problem_id: problem.parse().map_err(|_| bad(0, &problem))?,
            unit_id: unit.parse().map_err(|_| bad(1, &unit))?,
            cadre_id: cadre
                .map(|c| c.parse().map_err(|_| bad(2, &c)))
                .transpose()?,
            rectify_by: rectify_by.parse().map_err(|_| bad(3, &rectify_by))?,
            closed_on: closed_on
                .map(|d| d.parse().map_err(|_| bad(4, &d)))
                .transpose()?,
        })
    })?;
    rows.collect()
}

/// Per unit, how many problems were overdue (red) as of `as_of`: registered by then, not
/// closed by then, and past their rectify-by date — what the board shows beside a unit's
/// lights. Units with none are absent.
pub fn overdue_by_unit(
    c: &Connection,
    as_of: DateTime<Utc>,
) -> rusqlite::Result<std::collections::BTreeMap<UnitId, u32>> {
    let mut stmt = c.prepare_cached(sql::OVERDUE_BY_UNIT)?;
    let rows = stmt.query_map(
        params![as_of.timestamp_micros(), local_date(as_of).to_string()],
        |r| {
            let unit: String = r.get(0)?;
            let id = unit.parse::<UnitId>().map_err(|_| {
                rusqlite::Error::FromSqlConversionFailure(
                    0,
                    rusqlite::types::Type::Text,
                    format!("unexpected stored value {unit:?}").into(),
                )
            })?;
            Ok((id, r.get::<_, u32>(1)?))
        },
    )?;
    rows.collect()
}
