//! Statistics (统计分析): lights per unit and month, completion per unit, problems by type,
//! source, unit, month or severity, their concentration in a few units, and filings per
//! month — each as of an instant (default now), from the board, ledger and filings read
//! models, after they have applied everything appended before the request.
//!
//! Per-unit figures (lights, completion, problems by unit) are cut to the units the reader
//! sees (DESIGN.md §2). District-wide aggregates (problems by anything but unit, their
//! concentration, filings by month) cannot be cut that way, so only a reader who sees
//! everything (the commission, auditors) gets them; anyone else gets 403. The helpers here
//! are shared with the spreadsheet reports (`reports.rs`).

use super::board::BOARD;
use super::filings::FILINGS;
use super::problems::LEDGER;
use crate::acting::Acting;
use crate::extract::Params;
use crate::problem::ApiError;
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use board::{UnitCompletion, UnitMonthLights};
use chrono::{DateTime, Datelike, NaiveDate, Utc};
use domain::calendar::local_date;
use domain::ids::UnitId;
use domain::user::Scope;
use filings::MonthFilings;
use ledger::{Bucket, Concentration, ProblemDimension};
use serde::{Deserialize, Serialize};

/// The years statistics may be asked for.
const YEARS: std::ops::RangeInclusive<i32> = 2000..=2100;

/// `?year=&as_of=`
#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct YearQuery {
    /// The year (2000–2100; default the current local year).
    #[param(value_type = Option<i32>, minimum = 2000, maximum = 2100, example = 2026)]
    pub year: Option<String>,
    /// The instant to answer as of (RFC 3339; default now).
    #[param(format = DateTime, example = "2026-06-30T23:59:59+08:00")]
    pub as_of: Option<String>,
}

/// `?from=&to=&as_of=`
#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct RangeQuery {
    /// The first local date counted (default 1 January of `to`'s year, else of this year).
    #[param(format = Date, example = "2026-01-01")]
    pub from: Option<String>,
    /// The last local date counted (default 31 December of `from`'s year, else of this
    /// year); not before `from`.
    #[param(format = Date, example = "2026-12-31")]
    pub to: Option<String>,
    /// The instant to answer as of (RFC 3339; default now).
    #[param(format = DateTime, example = "2026-06-30T23:59:59+08:00")]
    pub as_of: Option<String>,
}

/// `?dimension=&from=&to=&as_of=`
#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ProblemsQuery {
    /// What to count by: `type`, `source`, `unit`, `month` or `severity` (required). Only
    /// `unit` is open to readers who do not see the whole district.
    #[param(value_type = ProblemDimension, required = true)]
    pub dimension: Option<String>,
    /// The first local date found on (default 1 January of `to`'s year, else of this year).
    #[param(format = Date, example = "2026-01-01")]
    pub from: Option<String>,
    /// The last local date found on (default 31 December of `from`'s year, else of this
    /// year).
    #[param(format = Date, example = "2026-12-31")]
    pub to: Option<String>,
    /// The instant to answer as of (RFC 3339; default now).
    #[param(format = DateTime, example = "2026-06-30T23:59:59+08:00")]
    pub as_of: Option<String>,
}

/// The year asked for: `param`, else the local year of `now`; 422 outside 2000–2100.
pub(super) fn year(param: Option<&str>, now: DateTime<Utc>) -> Result<i32, ApiError> {
    let Some(raw) = param else {
        return Ok(local_date(now).year());
    };
    // As sent: " 2026" is not the integer the description asks for.
    match raw.parse::<i32>() {
        Ok(y) if YEARS.contains(&y) => Ok(y),
        _ => Err(ApiError::invalid(
            "year",
            format!("{raw:?} is not a year from 2000 to 2100"),
        )),
    }
}

fn date(field: &'static str, value: Option<&str>) -> Result<Option<NaiveDate>, ApiError> {
    value
        .map(|v| match v.parse::<NaiveDate>() {
            Ok(d) if YEARS.contains(&d.year()) => Ok(d),
            Ok(_) => Err(ApiError::invalid(
                field,
                format!("{v} is not in the years 2000 to 2100"),
            )),
            Err(e) => Err(ApiError::invalid(
                field,
                format!("{v:?} is not a date (e.g. 2026-03-01): {e}"),
            )),
        })
        .transpose()
}

/// Both dates of a range, as given or defaulted (see [`RangeQuery`]); 422 naming the field
/// for a bad date, and `to` when it is before `from`.
pub(super) fn range(
    from: Option<&str>,
    to: Option<&str>,
    now: DateTime<Utc>,
) -> Result<(NaiveDate, NaiveDate), ApiError> {
    let (from, to) = dates(from, to)?;
    let this_year = local_date(now).year();
    let jan_1 = |y: i32| NaiveDate::from_ymd_opt(y, 1, 1);
    let dec_31 = |y: i32| NaiveDate::from_ymd_opt(y, 12, 31);
    let bad = || ApiError::internal("a default date out of range");
    let from = match from {
        Some(d) => d,
        None => jan_1(to.map_or(this_year, |d| d.year())).ok_or_else(bad)?,
    };
    let to = match to {
        Some(d) => d,
        None => dec_31(from.year()).ok_or_else(bad)?,
    };
    Ok((from, to))
}

/// The dates given, parsed; 422 for a bad one, or for `to` before `from`.
pub(super) fn dates(
    from: Option<&str>,
    to: Option<&str>,
) -> Result<(Option<NaiveDate>, Option<NaiveDate>), ApiError> {
    let from = date("from", from)?;
    let to = date("to", to)?;
    if let (Some(f), Some(t)) = (from, to)
        && t < f
    {
        return Err(ApiError::invalid("to", format!("{t} is before from {f}")));
    }
    Ok((from, to))
}

/// Whether the reader sees the whole district, which district-wide aggregates need.
pub(super) fn sees_district(scope: &Scope) -> bool {
    matches!(scope, Scope::Everything)
}

/// 403 unless the reader sees the whole district.
fn district_wide(scope: &Scope, what: &str) -> Result<(), ApiError> {
    if sees_district(scope) {
        Ok(())
    } else {
        Err(ApiError::forbidden(format!(
            "{what} cover the whole district, and are for the commission and auditors; \
             per-unit statistics (lights, completion, problems by unit) show your units"
        )))
    }
}

/// Waits until read model `name` has applied everything appended before now.
pub(super) async fn caught_up(s: &AppState, name: &str) -> Result<(), ApiError> {
    let head = s.store.head().await?;
    s.wait_for(name, head).await
}

/// The lights per unit and month of `year`, of the units in `scope`.
pub(super) async fn lights(
    s: &AppState,
    scope: &Scope,
    year: i32,
    as_of: DateTime<Utc>,
) -> Result<Vec<UnitMonthLights>, ApiError> {
    caught_up(s, BOARD).await?;
    let mut rows = s
        .views
        .query(move |c| board::lights_by_unit_month(c, year, as_of))
        .await?;
    rows.retain(|r| scope.sees_unit(r.unit_id));
    Ok(rows)
}

/// The completion of the units in `scope`, for deadlines in `from..=to`.
pub(super) async fn completion(
    s: &AppState,
    scope: &Scope,
    (from, to): (NaiveDate, NaiveDate),
    as_of: DateTime<Utc>,
) -> Result<Vec<UnitCompletion>, ApiError> {
    caught_up(s, BOARD).await?;
    let mut rows = s
        .views
        .query(move |c| board::completion_by_unit(c, from, to, as_of))
        .await?;
    rows.retain(|r| scope.sees_unit(r.unit_id));
    Ok(rows)
}

/// The problems found in `from..=to` counted by `dimension`; by unit, only the units in
/// `scope`. Other dimensions are for a reader who sees everything (the caller checks).
pub(super) async fn problems(
    s: &AppState,
    scope: &Scope,
    dimension: ProblemDimension,
    (from, to): (NaiveDate, NaiveDate),
    as_of: DateTime<Utc>,
) -> Result<Vec<Bucket>, ApiError> {
    caught_up(s, LEDGER).await?;
    let mut rows = s
        .views
        .query(move |c| ledger::problems_by(c, dimension, from, to, as_of))
        .await?;
    if dimension == ProblemDimension::Unit {
        rows.retain(|b| b.key.parse::<UnitId>().is_ok_and(|u| scope.sees_unit(u)));
    }
    Ok(rows)
}

/// Each month of `year`, the filings filed in it (district-wide).
pub(super) async fn filings(
    s: &AppState,
    year: i32,
    as_of: DateTime<Utc>,
) -> Result<Vec<MonthFilings>, ApiError> {
    caught_up(s, FILINGS).await?;
    s.views
        .query(move |c| filings::filings_by_month(c, year, as_of))
        .await
}

/// Lights per unit and month.
#[derive(Debug, Serialize, utoipa::ToSchema)]
#[schema(as = StatisticsLights)]
pub struct LightsView {
    pub year: i32,
    pub as_of: DateTime<Utc>,
    /// Per unit (by name) and month, the obligations with a deadline in that month by their
    /// light at `as_of`; months without any are left out.
    pub rows: Vec<UnitMonthLights>,
}

/// 各单位各月亮灯: per unit (of those one sees) and month of the year, the obligations whose deadline falls in that month, counted by their light as of the instant.
#[utoipa::path(
    get,
    path = "/api/v1/statistics/lights",
    operation_id = "statistics_lights",
    tag = "statistics",
    params(YearQuery),
    responses((status = 200, description = "Lights per unit and month.", body = LightsView))
)]
pub async fn lights_by_month(
    State(s): State<AppState>,
    acting: Acting,
    Params(q): Params<YearQuery>,
) -> Result<Json<LightsView>, ApiError> {
    let scope = acting.reader()?;
    let now = s.app.clock().now();
    let year = year(q.year.as_deref(), now)?;
    let as_of = crate::extract::as_of(q.as_of.as_deref(), now)?;
    let rows = lights(&s, scope, year, as_of).await?;
    Ok(Json(LightsView { year, as_of, rows }))
}

/// Completion per unit.
#[derive(Debug, Serialize, utoipa::ToSchema)]
#[schema(as = StatisticsCompletion)]
pub struct CompletionView {
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub as_of: DateTime<Utc>,
    /// Every unit one sees (by name), with the obligations due by `as_of`.
    pub units: Vec<UnitCompletion>,
}

/// 完成率: per unit (of those one sees), of the obligations with a deadline in the range that had fallen due by the instant, how many were completed on time (green), late by backfills (orange) or not at all (red), and the rates.
#[utoipa::path(
    get,
    path = "/api/v1/statistics/completion",
    operation_id = "statistics_completion",
    tag = "statistics",
    params(RangeQuery),
    responses((status = 200, description = "Completion per unit.", body = CompletionView))
)]
pub async fn completion_by_unit(
    State(s): State<AppState>,
    acting: Acting,
    Params(q): Params<RangeQuery>,
) -> Result<Json<CompletionView>, ApiError> {
    let scope = acting.reader()?;
    let now = s.app.clock().now();
    let (from, to) = range(q.from.as_deref(), q.to.as_deref(), now)?;
    let as_of = crate::extract::as_of(q.as_of.as_deref(), now)?;
    let units = completion(&s, scope, (from, to), as_of).await?;
    Ok(Json(CompletionView {
        from,
        to,
        as_of,
        units,
    }))
}

/// Problems counted by one dimension.
#[derive(Debug, Serialize, utoipa::ToSchema)]
#[schema(as = StatisticsProblems)]
pub struct ProblemsView {
    pub dimension: ProblemDimension,
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub as_of: DateTime<Utc>,
    /// Most problems first, then by key; values without problems are left out.
    pub buckets: Vec<Bucket>,
}

/// The dimension asked for; 422 naming `dimension` when missing or unknown.
fn dimension(param: Option<&str>) -> Result<ProblemDimension, ApiError> {
    let expected = "type, source, unit, month or severity";
    let raw = param.ok_or_else(|| ApiError::invalid("dimension", format!("give {expected}")))?;
    serde_json::from_value(serde_json::Value::String(raw.to_owned())).map_err(|_| {
        ApiError::invalid(
            "dimension",
            format!("{raw:?} is not a dimension: expected {expected}"),
        )
    })
}

/// 问题统计: the problems found in the range (registered by the instant) counted by type, source, unit, month found or severity, with how many are open, overdue and closed. By unit, only the units one sees; the other dimensions are district-wide, for the commission and auditors only (403 otherwise).
#[utoipa::path(
    get,
    path = "/api/v1/statistics/problems",
    operation_id = "statistics_problems",
    tag = "statistics",
    params(ProblemsQuery),
    responses((status = 200, description = "Problems by the dimension asked.", body = ProblemsView))
)]
pub async fn problems_by(
    State(s): State<AppState>,
    acting: Acting,
    Params(q): Params<ProblemsQuery>,
) -> Result<Json<ProblemsView>, ApiError> {
    let scope = acting.reader()?;
    let now = s.app.clock().now();
    let dimension = dimension(q.dimension.as_deref())?;
    let (from, to) = range(q.from.as_deref(), q.to.as_deref(), now)?;
    let as_of = crate::extract::as_of(q.as_of.as_deref(), now)?;
    if dimension != ProblemDimension::Unit {
        district_wide(scope, "problem statistics by anything but unit")?;
    }
    let buckets = problems(&s, scope, dimension, (from, to), as_of).await?;
    Ok(Json(ProblemsView {
        dimension,
        from,
        to,
        as_of,
        buckets,
    }))
}

/// How concentrated the problems are in a few units.
#[derive(Debug, Serialize, utoipa::ToSchema)]
#[schema(as = StatisticsConcentration)]
pub struct ConcentrationView {
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub as_of: DateTime<Utc>,
    #[serde(flatten)]
    pub concentration: Concentration,
}

/// 问题集中度: how the problems found in the range spread over units — how many units have any, the five with the most and their share. District-wide: for the commission and auditors only (403 otherwise).
#[utoipa::path(
    get,
    path = "/api/v1/statistics/problem-concentration",
    operation_id = "statistics_problem_concentration",
    tag = "statistics",
    params(RangeQuery),
    responses((status = 200, description = "The concentration of problems.", body = ConcentrationView))
)]
pub async fn problem_concentration(
    State(s): State<AppState>,
    acting: Acting,
    Params(q): Params<RangeQuery>,
) -> Result<Json<ConcentrationView>, ApiError> {
    let scope = acting.reader()?;
    let now = s.app.clock().now();
    let (from, to) = range(q.from.as_deref(), q.to.as_deref(), now)?;
    let as_of = crate::extract::as_of(q.as_of.as_deref(), now)?;
    district_wide(scope, "problem concentration figures")?;
    caught_up(&s, LEDGER).await?;
    let concentration = s
        .views
        .query(move |c| ledger::unit_concentration(c, from, to, as_of))
        .await?;
    Ok(Json(ConcentrationView {
        from,
        to,
        as_of,
        concentration,
    }))
}

/// Filings per month.
#[derive(Debug, Serialize, utoipa::ToSchema)]
#[schema(as = StatisticsFilings)]
pub struct FilingsView {
    pub year: i32,
    pub as_of: DateTime<Utc>,
    /// All twelve months, in order.
    pub months: Vec<MonthFilings>,
}

/// 报备统计: each month of the year, the travels and family events filed in it (recorded by the instant), how many late and cancelled. District-wide: for the commission and auditors only (403 otherwise).
#[utoipa::path(
    get,
    path = "/api/v1/statistics/filings",
    operation_id = "statistics_filings",
    tag = "statistics",
    params(YearQuery),
    responses((status = 200, description = "Filings per month.", body = FilingsView))
)]
pub async fn filings_by_month(
    State(s): State<AppState>,
    acting: Acting,
    Params(q): Params<YearQuery>,
) -> Result<Json<FilingsView>, ApiError> {
    let scope = acting.reader()?;
    let now = s.app.clock().now();
    let year = year(q.year.as_deref(), now)?;
    let as_of = crate::extract::as_of(q.as_of.as_deref(), now)?;
    district_wide(scope, "filing statistics")?;
    let months = filings(&s, year, as_of).await?;
    Ok(Json(FilingsView {
        year,
        as_of,
        months,
    }))
}
