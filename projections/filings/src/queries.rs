//! Reading the register: one filing, or a page of them by cadre, unit, date range and
//! lateness, within what the reader may see.

use crate::sql;
use chrono::{DateTime, NaiveDate, Utc};
use domain::filing::{FamilyEvent, FamilyEventKind, FilingStatus, TravelPurpose};
use domain::ids::{CadreId, FilingId, GroupId, UnitId, UserId};
use domain::user::{Role, Scope};
use rusqlite::{Connection, OptionalExtension as _, Row, params};
use serde::Serialize;
use std::str::FromStr;

/// What a filing is about.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FilingKind {
    /// 外出报备: travel out of Ningbo city.
    Travel,
    /// 婚丧嫁娶报备
    FamilyEvent,
}

/// A travel, with its length.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TravelView {
    pub purpose: TravelPurpose,
    pub destination: String,
    pub leave_on: NaiveDate,
    /// The planned return (the actual one is the filing's `returned_on`).
    pub return_on: NaiveDate,
    /// Days away, both ends counted.
    pub days: u32,
}

/// 已阅: someone the filing was shown to recorded that they saw it.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Acknowledgement {
    /// Who: named only to those who see everything and to the acknowledger themself.
    pub user_id: Option<UserId>,
    pub role: Role,
    pub acknowledged_at: DateTime<Utc>,
}

/// One filing of the register, as it stands now.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FilingView {
    pub filing_id: FilingId,
    /// The global position of the filing's first event: the register's order (newest
    /// first), and the `before` of the next page.
    pub position: u64,
    pub kind: FilingKind,
    /// The filer.
    pub cadre_id: CadreId,
    pub cadre_name: Option<String>,
    /// The filer's unit when filing (absent for a discipline group member, or outside the
    /// reader's scope).
    pub unit_id: Option<UnitId>,
    pub unit_name: Option<String>,
    /// The filer's discipline group when filing (absent otherwise, or outside the scope).
    pub group_id: Option<GroupId>,
    pub group_name: Option<String>,
    /// For a travel.
    pub travel: Option<TravelView>,
    /// For a family event.
    pub family_event: Option<FamilyEvent>,
    /// A filing was required: a family event, or a travel of 3 days or more.
    pub required: bool,
    /// The last local date it could have been filed on time.
    pub due_by: Option<NaiveDate>,
    /// Filed late (迟报): `days_late` > 0.
    pub late: bool,
    /// Local days late, fixed at the first filing (see the `filing` rules).
    pub days_late: u32,
    pub status: FilingStatus,
    pub revisions: u32,
    /// The actual return of a travel, once reported.
    pub returned_on: Option<NaiveDate>,
    pub cancellation_reason: Option<String>,
    /// The local date of the first filing.
    pub filed_on: NaiveDate,
    pub filed_at: DateTime<Utc>,
    /// When it last changed (a revision, cancellation or return).
    pub updated_at: DateTime<Utc>,
    /// Oldest first.
    pub acknowledgements: Vec<Acknowledgement>,
}

/// Which filings to list, newest first.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct FilingQuery {
    pub cadre: Option<CadreId>,
    /// The filer's unit when filing.
    pub unit: Option<UnitId>,
    /// Only filings whose days (leave to planned return, or the event's date) overlap
    /// `from`–`to`, each end optional and included.
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    pub late_only: bool,
    /// Only filings at positions below this (the previous page's last), for paging.
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

fn filing_row(r: &Row<'_>) -> rusqlite::Result<FilingView> {
    let kind: String = r.get(2)?;
    let (kind, travel, family_event) = match kind.as_str() {
        "travel" => {
            let purpose: String = r.get(9)?;
            let leave_on: NaiveDate = req(r, 11)?;
            let return_on: NaiveDate = req(r, 12)?;
            let travel = TravelView {
                purpose: named(
                    9,
                    &purpose,
                    &[TravelPurpose::OnDuty, TravelPurpose::Private],
                    TravelPurpose::as_str,
                )?,
                destination: r.get(10)?,
                leave_on,
                return_on,
                days: u32::try_from((return_on - leave_on).num_days() + 1).unwrap_or(0),
            };
            (FilingKind::Travel, Some(travel), None)
        }
        "family_event" => {
            let event_kind: String = r.get(13)?;
            let event = FamilyEvent {
                kind: named(
                    13,
                    &event_kind,
                    &[
                        FamilyEventKind::Wedding,
                        FamilyEventKind::ChildWedding,
                        FamilyEventKind::Funeral,
                    ],
                    FamilyEventKind::as_str,
                )?,
                date: req(r, 14)?,
                scale: r.get(15)?,
                venue: r.get(16)?,
            };
            (FilingKind::FamilyEvent, None, Some(event))
        }
        other => return Err(bad(2, other)),
    };
    let status: String = r.get(20)?;
    let days_late: u32 = r.get(19)?;
    Ok(FilingView {
        filing_id: req(r, 0)?,
        position: u64::try_from(r.get::<_, i64>(1)?).unwrap_or_default(),
        kind,
        cadre_id: req(r, 3)?,
        cadre_name: r.get(4)?,
        unit_id: opt(r, 5)?,
        unit_name: r.get(6)?,
        group_id: opt(r, 7)?,
        group_name: r.get(8)?,
        travel,
        family_event,
        required: r.get(17)?,
        due_by: opt(r, 18)?,
        late: days_late > 0,
        days_late,
        status: named(
            20,
            &status,
            &[
                FilingStatus::Filed,
                FilingStatus::Revised,
                FilingStatus::Cancelled,
                FilingStatus::Returned,
            ],
            FilingStatus::as_str,
        )?,
        revisions: r.get(21)?,
        returned_on: opt(r, 22)?,
        cancellation_reason: r.get(23)?,
        filed_on: req(r, 24)?,
        filed_at: instant(25, r.get(25)?)?,
        updated_at: instant(26, r.get(26)?)?,
        acknowledgements: Vec::new(),
    })
}

fn with_acknowledgements(c: &Connection, mut f: FilingView) -> rusqlite::Result<FilingView> {
    let mut stmt = c.prepare_cached(sql::ACKNOWLEDGEMENTS)?;
    let rows = stmt.query_map([f.filing_id.to_string()], |r| {
        let role: String = r.get(1)?;
        Ok(Acknowledgement {
            user_id: Some(req(r, 0)?),
            role: named(1, &role, &Role::ALL, Role::as_str)?,
            acknowledged_at: instant(2, r.get(2)?)?,
        })
    })?;
    f.acknowledgements = rows.collect::<rusqlite::Result<_>>()?;
    Ok(f)
}

/// One filing, whoever filed it (the caller checks the scope).
pub fn filing(c: &Connection, id: FilingId) -> rusqlite::Result<Option<FilingView>> {
    let found = c
        .prepare_cached(sql::FILING)?
        .query_row([id.to_string()], filing_row)
        .optional()?;
    found.map(|f| with_acknowledgements(c, f)).transpose()
}

/// The ids of `cadre`'s filings, oldest first: one index range, for a cadre's history
/// (where [`filings`], whose filters are all optional, would scan the register).
pub fn filing_ids_of_cadre(c: &Connection, cadre: CadreId) -> rusqlite::Result<Vec<FilingId>> {
    filing_ids(c, sql::FILING_IDS_OF_CADRE, cadre.to_string())
}

/// The ids of the filings counted under `unit`, oldest first, for a unit's history.
pub fn filing_ids_of_unit(c: &Connection, unit: UnitId) -> rusqlite::Result<Vec<FilingId>> {
    filing_ids(c, sql::FILING_IDS_OF_UNIT, unit.to_string())
}

fn filing_ids(c: &Connection, query: &str, whose: String) -> rusqlite::Result<Vec<FilingId>> {
    c.prepare_cached(query)?
        .query_map([whose], |r| {
            let id: String = r.get(0)?;
            id.parse().map_err(|_| {
                rusqlite::Error::FromSqlConversionFailure(
                    0,
                    rusqlite::types::Type::Text,
                    format!("unexpected stored filing id {id:?}").into(),
                )
            })
        })?
        .collect()
}

/// The filings asked for whose filer `scope` sees, newest first.
pub fn filings(c: &Connection, q: FilingQuery, scope: &Scope) -> rusqlite::Result<Vec<FilingView>> {
    let visible = match scope {
        Scope::Everything => None,
        Scope::Only(v) => Some(format!(
            "[{}]",
            v.cadres
                .iter()
                .map(|c| format!("\"{c}\""))
                .collect::<Vec<_>>()
                .join(",")
        )),
    };
    let before = q
        .before
        .map_or(i64::MAX, |p| i64::try_from(p).unwrap_or(i64::MAX));
    let mut stmt = c.prepare_cached(sql::FILINGS)?;
    let rows = stmt
        .query_map(
            params![
                q.cadre.map(|c| c.to_string()),
                q.unit.map(|u| u.to_string()),
                q.from.map(|d| d.to_string()),
                q.to.map(|d| d.to_string()),
                q.late_only,
                before,
                visible,
                q.limit
            ],
            filing_row,
        )?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    rows.into_iter()
        .map(|f| with_acknowledgements(c, f))
        .collect()
}
