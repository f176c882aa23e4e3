//! Reading circulars (通报) as they stand now, and the finalised years of the assessment.

use crate::queries::{from_json, instant, named, opt, req};
use crate::sql;
use chrono::{DateTime, NaiveDate, Utc};
use domain::assessment::{AssessmentRules, UnitScore};
use domain::circular::CircularItem;
use domain::ids::CircularId;
use rusqlite::{Connection, OptionalExtension as _, Row, params};
use serde::{Deserialize, Serialize};

/// Where a circular stands.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CircularStatus {
    /// 草稿: seen by the commission only; may still be revised.
    Draft,
    /// 已发布: every unit may read it; final.
    Published,
}

impl CircularStatus {
    pub const ALL: [CircularStatus; 2] = [Self::Draft, Self::Published];

    /// The wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Draft => "draft",
            Self::Published => "published",
        }
    }
}

/// A circular as it stands now: its latest text.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CircularView {
    pub circular_id: CircularId,
    pub title: String,
    pub body: String,
    /// The period whose facts it reports.
    pub period_from: NaiveDate,
    pub period_to: NaiveDate,
    pub items: Vec<CircularItem>,
    pub status: CircularStatus,
    /// The local date published on.
    pub published_on: Option<NaiveDate>,
    pub drafted_at: DateTime<Utc>,
    /// How many times the draft was revised.
    pub revisions: u32,
    /// When it was last drafted, revised or published.
    pub updated_at: DateTime<Utc>,
}

/// A year's assessment, finalised (考核定格): the scores as they were fixed.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FinalisedView {
    pub year: i32,
    /// The rules the scores were computed by.
    pub rules: AssessmentRules,
    /// The local date finalised on.
    pub finalised_on: NaiveDate,
    pub scores: Vec<UnitScore>,
    pub recorded_at: DateTime<Utc>,
}

/// A circular from the columns of `sql::circular_columns!`.
fn circular_row(r: &Row<'_>) -> rusqlite::Result<CircularView> {
    Ok(CircularView {
        circular_id: req(r, 0)?,
        title: r.get(1)?,
        body: r.get(2)?,
        period_from: req(r, 3)?,
        period_to: req(r, 4)?,
        items: from_json(r, 5)?,
        status: named(r, 6, &CircularStatus::ALL, CircularStatus::as_str)?,
        published_on: opt(r, 7)?,
        drafted_at: instant(r, 8)?,
        revisions: r.get(9)?,
        updated_at: instant(r, 10)?,
    })
}

/// Every circular, or only the published ones, newest first: by the date published
/// (drafts after every published one), then by when drafted.
pub fn circulars(c: &Connection, published_only: bool) -> rusqlite::Result<Vec<CircularView>> {
    let mut stmt = c.prepare_cached(sql::CIRCULARS)?;
    let rows = stmt.query_map([published_only], circular_row)?;
    rows.collect()
}

/// One circular, draft or published (the caller decides who may see a draft).
pub fn circular(c: &Connection, id: CircularId) -> rusqlite::Result<Option<CircularView>> {
    c.prepare_cached(sql::CIRCULAR)?
        .query_row([id.to_string()], circular_row)
        .optional()
}

/// Whether the circular was published by `as_of` (false for a draft or an unknown id).
pub fn circular_published_at(
    c: &Connection,
    id: CircularId,
    as_of: DateTime<Utc>,
) -> rusqlite::Result<bool> {
    c.prepare_cached(sql::CIRCULAR_PUBLISHED_AT)?
        .query_row(params![id.to_string(), as_of.timestamp_micros()], |r| {
            r.get(0)
        })
}

/// The year's assessment, if finalised.
pub fn finalised(c: &Connection, year: i32) -> rusqlite::Result<Option<FinalisedView>> {
    c.prepare_cached(sql::FINALISED)?
        .query_row([year], |r| {
            Ok(FinalisedView {
                year: r.get(0)?,
                rules: from_json(r, 1)?,
                finalised_on: req(r, 2)?,
                scores: from_json(r, 3)?,
                recorded_at: instant(r, 4)?,
            })
        })
        .optional()
}
