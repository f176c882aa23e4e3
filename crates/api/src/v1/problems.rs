//! The problem ledger (问题台账): the commission or a discipline group stationed in a unit
//! registers a problem found there; the unit's principal leader or the cadre named on it
//! plans, records progress with evidence and requests closing; the commission or the group
//! rejects it back or verifies and closes it (销号). The rules (lifecycle, who may, dates,
//! lights) are the domain's, `domain::problem`; the problem types are configurable by the
//! commission.
//!
//! A problem is visible to whoever sees its unit, or the cadre named on it (DESIGN.md §2;
//! ADR 0008). Outside that it does not exist: 404 with nothing of it in the answer (commands
//! included), and lists leave it out. A visible problem is shown whole: whoever sees the unit
//! sees its cadres, and a named cadre sees their own unit.

use super::Written;
use crate::acting::Acting;
use crate::extract::{Body, Ids as Path, Params};
use crate::problem::ApiError;
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use axum::response::Response;
use chrono::NaiveDate;
use domain::events::Attachment;
use domain::ids::{CadreId, ProblemId, UnitId};
use domain::problem::taxonomy::SetProblemTypes;
use domain::problem::{
    CloseProblem, PlanRectification, ProblemCommand, ProblemSource, ProblemStatus, ProblemType,
    RecordProgress, RegisterProblem, RejectClosing, RequestClosing, Severity,
};
use ledger::{ProblemQuery, ProblemView};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// The read model these queries use.
pub const LEDGER: &str = "ledger";

/// Most problems of one page.
const MAX_LIMIT: u32 = 1000;

/// The one answer for a problem that does not exist or is outside the scope: no id in it.
fn missing() -> ApiError {
    ApiError::not_found("no such problem")
}

/// A problem to register.
#[derive(Debug, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewProblem {
    /// The id to give it; default: derived from the Idempotency-Key if one is sent, else a
    /// fresh UUIDv7.
    pub problem_id: Option<Uuid>,
    /// The unit the problem was found in.
    pub unit_id: UnitId,
    /// A cadre of that unit it concerns, if any.
    pub cadre_id: Option<CadreId>,
    /// `audit`, `inspection` (巡视巡察), `supervision`, `platform` or `other`.
    pub source: ProblemSource,
    /// A key of `GET /api/v1/problem-types`.
    #[serde(rename = "type")]
    pub type_key: String,
    /// `minor` (一般), `moderate` (较重) or `serious` (严重).
    pub severity: Severity,
    /// 1–2000 characters.
    pub description: String,
    /// The local date it was found: today or earlier.
    pub found_on: NaiveDate,
    /// The local date it must be rectified by: `found_on` or later.
    pub rectify_by: NaiveDate,
}

/// Registers a problem (登记问题): the commission, or a discipline group stationed in the unit.
#[utoipa::path(
    post,
    path = "/api/v1/problems",
    operation_id = "register_problem",
    tag = "problems",
    request_body = NewProblem,
    responses((status = 201, description = "Registered; `id` is the problem's.", body = Written))
)]
pub async fn register(
    State(s): State<AppState>,
    acting: Acting,
    Body(req): Body<NewProblem>,
) -> Result<Response, ApiError> {
    let meta = acting.meta("POST /problems", &req);
    let problem_id = ProblemId(acting.new_id(req.problem_id, "problem"));
    let actor = s.app.problem_actor(&acting.principal.user.account).await?;
    let c = RegisterProblem {
        problem_id,
        unit_id: req.unit_id,
        cadre_id: req.cadre_id,
        source: req.source,
        type_key: req.type_key,
        severity: req.severity,
        description: req.description,
        found_on: req.found_on,
        rectify_by: req.rectify_by,
    };
    let out = s.app.problem_command(c.into(), actor, &meta).await?;
    Ok(Written::new(problem_id.uuid(), &out).created())
}

/// Runs a command on a problem the actor can see (404 otherwise, like a missing id).
async fn step(
    s: &AppState,
    acting: &Acting,
    route: String,
    request: &impl Serialize,
    c: ProblemCommand,
) -> Result<Response, ApiError> {
    let meta = acting.meta(&route, request);
    let id = c.problem_id();
    s.app
        .problem(id)
        .await?
        .filter(|p| acting.scope().sees_record(p.unit_id, p.cadre_id))
        .ok_or_else(missing)?;
    let actor = s.app.problem_actor(&acting.principal.user.account).await?;
    let out = s.app.problem_command(c, actor, &meta).await?;
    Ok(Written::new(id.uuid(), &out).ok())
}

/// A rectification plan (整改方案).
#[derive(Debug, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Plan {
    /// 1–2000 characters.
    pub plan: String,
}

/// Plans the rectification (制定整改方案): the unit's principal leader or the cadre named on the problem, once, from `registered`. The problem stays `planned` until its first progress entry.
#[utoipa::path(
    post,
    path = "/api/v1/problems/{id}/plan",
    operation_id = "plan_rectification",
    tag = "problems",
    params(("id" = ProblemId, Path, description = "The problem.")),
    request_body = Plan,
    responses((status = 200, description = "Planned.", body = Written))
)]
pub async fn plan(
    State(s): State<AppState>,
    acting: Acting,
    Path(id): Path<ProblemId>,
    Body(req): Body<Plan>,
) -> Result<Response, ApiError> {
    let c = PlanRectification {
        problem_id: id,
        plan: req.plan.clone(),
    };
    step(
        &s,
        &acting,
        format!("POST /problems/{id}/plan"),
        &req,
        c.into(),
    )
    .await
}

/// A progress entry (整改进展) with its evidence.
#[derive(Debug, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Progress {
    /// What was done, 1–2000 characters.
    pub text: String,
    /// 1–50 evidence files (佐证材料), by content hash.
    pub attachments: Vec<Attachment>,
}

/// Records rectification progress with evidence: the unit's principal leader or the named cadre, once planned and until closing is requested.
#[utoipa::path(
    post,
    path = "/api/v1/problems/{id}/progress",
    operation_id = "record_problem_progress",
    tag = "problems",
    params(("id" = ProblemId, Path, description = "The problem.")),
    request_body = Progress,
    responses((status = 200, description = "Recorded.", body = Written))
)]
pub async fn progress(
    State(s): State<AppState>,
    acting: Acting,
    Path(id): Path<ProblemId>,
    Body(req): Body<Progress>,
) -> Result<Response, ApiError> {
    let c = RecordProgress {
        problem_id: id,
        text: req.text.clone(),
        attachments: req.attachments.clone(),
    };
    step(
        &s,
        &acting,
        format!("POST /problems/{id}/progress"),
        &req,
        c.into(),
    )
    .await
}

/// A closing request (申请销号).
#[derive(Debug, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ClosingRequest {
    /// What was rectified, 1–2000 characters.
    pub summary: String,
}

/// Requests closing (申请销号): the unit's principal leader or the named cadre, from `rectifying` (after at least one progress entry).
#[utoipa::path(
    post,
    path = "/api/v1/problems/{id}/closing-request",
    operation_id = "request_problem_closing",
    tag = "problems",
    params(("id" = ProblemId, Path, description = "The problem.")),
    request_body = ClosingRequest,
    responses((status = 200, description = "Submitted.", body = Written))
)]
pub async fn request_closing(
    State(s): State<AppState>,
    acting: Acting,
    Path(id): Path<ProblemId>,
    Body(req): Body<ClosingRequest>,
) -> Result<Response, ApiError> {
    let c = RequestClosing {
        problem_id: id,
        summary: req.summary.clone(),
    };
    let route = format!("POST /problems/{id}/closing-request");
    step(&s, &acting, route, &req, c.into()).await
}

/// A rejection of a closing request.
#[derive(Debug, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Rejection {
    /// Why, 1–2000 characters.
    pub reason: String,
}

/// Rejects a closing request back to rectifying (退回整改): the commission or a discipline group stationed in the unit, never a cadre of the unit.
#[utoipa::path(
    post,
    path = "/api/v1/problems/{id}/rejection",
    operation_id = "reject_problem_closing",
    tag = "problems",
    params(("id" = ProblemId, Path, description = "The problem.")),
    request_body = Rejection,
    responses((status = 200, description = "Rejected; the problem is rectifying again.", body = Written))
)]
pub async fn reject(
    State(s): State<AppState>,
    acting: Acting,
    Path(id): Path<ProblemId>,
    Body(req): Body<Rejection>,
) -> Result<Response, ApiError> {
    let c = RejectClosing {
        problem_id: id,
        reason: req.reason.clone(),
    };
    step(
        &s,
        &acting,
        format!("POST /problems/{id}/rejection"),
        &req,
        c.into(),
    )
    .await
}

/// The verifier's conclusion (验收意见).
#[derive(Debug, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Closure {
    /// 1–2000 characters.
    pub conclusion: String,
}

/// Verifies and closes a submitted problem (验收销号): the commission or a discipline group stationed in the unit, never a cadre of the unit.
#[utoipa::path(
    post,
    path = "/api/v1/problems/{id}/closure",
    operation_id = "close_problem",
    tag = "problems",
    params(("id" = ProblemId, Path, description = "The problem.")),
    request_body = Closure,
    responses((status = 200, description = "Closed (销号).", body = Written))
)]
pub async fn close(
    State(s): State<AppState>,
    acting: Acting,
    Path(id): Path<ProblemId>,
    Body(req): Body<Closure>,
) -> Result<Response, ApiError> {
    let c = CloseProblem {
        problem_id: id,
        conclusion: req.conclusion.clone(),
    };
    step(
        &s,
        &acting,
        format!("POST /problems/{id}/closure"),
        &req,
        c.into(),
    )
    .await
}

/// `?unit_id=&status=&overdue=&type=&source=&from=&to=&as_of=&before=&limit=`
#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ProblemsQuery {
    /// Only this unit's problems.
    pub unit_id: Option<UnitId>,
    /// Only problems in this status now.
    pub status: Option<ProblemStatus>,
    /// `true`: only problems overdue (red) as of `as_of`.
    pub overdue: Option<bool>,
    /// Only problems of this type key.
    #[serde(rename = "type")]
    #[param(rename = "type")]
    pub type_key: Option<String>,
    pub source: Option<ProblemSource>,
    /// Only problems found on this local date or later.
    #[param(format = Date, example = "2026-01-01")]
    pub from: Option<String>,
    /// Only problems found on this local date or earlier.
    #[param(format = Date, example = "2026-12-31")]
    pub to: Option<String>,
    /// The instant asked about (RFC 3339; default now): problems registered by then, with
    /// their lights then.
    #[param(format = DateTime, example = "2026-06-30T23:59:59+08:00")]
    pub as_of: Option<String>,
    /// Only problems before this position (the last `position` of the previous page).
    #[serde(default, deserialize_with = "crate::extract::position")]
    pub before: Option<u64>,
    /// At most this many (1–1,000; default 100).
    #[param(minimum = 1, maximum = 1000)]
    pub limit: Option<u32>,
}

fn date(field: &'static str, value: Option<&str>) -> Result<Option<NaiveDate>, ApiError> {
    value
        .map(|v| {
            v.parse::<NaiveDate>().map_err(|e| {
                ApiError::invalid(field, format!("{v:?} is not a date (e.g. 2026-03-01): {e}"))
            })
        })
        .transpose()
}

/// `?from=&to=` as local dates, `to` not before `from`.
pub(crate) fn range(
    from: Option<&str>,
    to: Option<&str>,
) -> Result<(Option<NaiveDate>, Option<NaiveDate>), ApiError> {
    let from = date("from", from)?;
    let to = date("to", to)?;
    if let (Some(from), Some(to)) = (from, to)
        && to < from
    {
        return Err(ApiError::invalid(
            "to",
            format!("{to} is before from {from}"),
        ));
    }
    Ok((from, to))
}

/// The problem ledger (问题台账), newest first: the problems of the units (or named cadres) one sees, by unit, status, type, source, found-on range and overdue as of an instant; each with its light then.
#[utoipa::path(
    get,
    path = "/api/v1/problems",
    operation_id = "list_problems",
    tag = "problems",
    params(ProblemsQuery),
    responses((status = 200, description = "Problems, newest first.", body = Vec<ProblemView>))
)]
pub async fn list(
    State(s): State<AppState>,
    acting: Acting,
    Params(q): Params<ProblemsQuery>,
) -> Result<Json<Vec<ProblemView>>, ApiError> {
    let scope = acting.reader()?.clone();
    let limit = q.limit.unwrap_or(100);
    if !(1..=MAX_LIMIT).contains(&limit) {
        return Err(ApiError::invalid("limit", "must be 1 to 1000"));
    }
    let (from, to) = range(q.from.as_deref(), q.to.as_deref())?;
    let query = ProblemQuery {
        unit: q.unit_id,
        status: q.status,
        type_key: q.type_key,
        source: q.source,
        from,
        to,
        overdue_only: q.overdue.unwrap_or(false),
        as_of: crate::extract::as_of(q.as_of.as_deref(), s.app.clock().now())?,
        before: q.before,
        limit,
    };
    let head = s.store.head().await?;
    s.wait_for(LEDGER, head).await?;
    let rows = s
        .views
        .query(move |c| ledger::problems(c, &query, &scope))
        .await?;
    Ok(Json(rows))
}

/// `?as_of=`
#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct AsOf {
    /// The instant the light is computed at (RFC 3339; default now).
    #[param(format = DateTime, example = "2026-06-30T23:59:59+08:00")]
    pub as_of: Option<String>,
}

/// One problem, as it stands now, with its timeline and its light as of `as_of`.
#[utoipa::path(
    get,
    path = "/api/v1/problems/{id}",
    operation_id = "get_problem",
    tag = "problems",
    params(("id" = ProblemId, Path, description = "The problem."), AsOf),
    responses((status = 200, description = "The problem with every step.", body = ProblemView))
)]
pub async fn get(
    State(s): State<AppState>,
    acting: Acting,
    Path(id): Path<ProblemId>,
    Params(q): Params<AsOf>,
) -> Result<Json<ProblemView>, ApiError> {
    let scope = acting.reader()?;
    let as_of = crate::extract::as_of(q.as_of.as_deref(), s.app.clock().now())?;
    let head = s.store.head().await?;
    s.wait_for(LEDGER, head).await?;
    let found = s
        .views
        .query(move |c| ledger::problem(c, id, as_of))
        .await?
        .filter(|p| scope.sees_record(p.unit_id, p.cadre_id))
        .ok_or_else(missing)?;
    Ok(Json(found))
}

/// The problem types in force (问题类型): the commission's, else the built-in defaults.
#[utoipa::path(
    get,
    path = "/api/v1/problem-types",
    operation_id = "list_problem_types",
    tag = "problems",
    responses((status = 200, description = "Every type, in order.", body = Vec<ProblemType>))
)]
pub async fn types(
    State(s): State<AppState>,
    _acting: Acting,
) -> Result<Json<Vec<ProblemType>>, ApiError> {
    Ok(Json(s.app.problem_types().await?))
}

/// The whole taxonomy from now on.
#[derive(Debug, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ProblemTypes {
    /// 1–200 types, keys distinct (`a`–`z`, `0`–`9`, `_`, starting with a letter).
    pub types: Vec<ProblemType>,
}

/// Sets the problem types (the commission only). Registered problems keep the type they were registered with.
#[utoipa::path(
    put,
    path = "/api/v1/problem-types",
    operation_id = "set_problem_types",
    tag = "problems",
    request_body = ProblemTypes,
    responses((status = 200, description = "Set (nothing is written if unchanged).", body = Written))
)]
pub async fn set_types(
    State(s): State<AppState>,
    acting: Acting,
    Body(req): Body<ProblemTypes>,
) -> Result<Response, ApiError> {
    acting.commission("set the problem types")?;
    let meta = acting.meta("PUT /problem-types", &req);
    let out = s
        .app
        .set_problem_types(SetProblemTypes { types: req.types }, &meta)
        .await?;
    Ok(Written::new(Uuid::nil(), &out).ok())
}
