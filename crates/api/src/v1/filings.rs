//! Filings (事项报备): a cadre files their own travel out of Ningbo city or family event,
//! revises, cancels it or reports the return; those who see the cadre read the register and
//! leaders acknowledge what they were shown (已阅). The rules (windows, lateness, what may
//! change when) are the domain's, `domain::filing`.
//!
//! A filing is visible to whoever sees its filer (DESIGN.md §2; ADR 0008): the filer, their
//! unit's principal leader, the discipline group stationed in the unit, the unit's leader in
//! charge, the commission and auditors. Outside that it does not exist: 404 with nothing of
//! it in the answer, and lists leave it out.

use super::Written;
use crate::acting::Acting;
use crate::extract::{Body, Ids as Path, Params};
use crate::problem::ApiError;
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use axum::response::Response;
use chrono::NaiveDate;
use domain::filing::{
    AcknowledgeFiling, CancelFiling, FamilyEvent, FamilyEventKind, FileFamilyEvent, FileTravel,
    FilingChanges, FilingState, ReportReturn, ReviseFiling, Travel, TravelPurpose, may_acknowledge,
};
use domain::ids::{CadreId, FilingId, UnitId};
use domain::user::Scope;
use filings::{FilingQuery, FilingView};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// The read model these queries use.
pub const FILINGS: &str = "filings";

/// Most filings of one page.
const MAX_LIMIT: u32 = 1000;

/// The one answer for a filing that does not exist or is outside the scope: no id in it.
fn missing() -> ApiError {
    ApiError::not_found("no such filing")
}

/// The signed-in cadre, who files for themself.
fn filer(acting: &Acting) -> Result<CadreId, ApiError> {
    acting.principal.cadre().ok_or_else(|| {
        ApiError::forbidden("filings are made by a cadre, for themself, with their own login")
    })
}

/// The filing `id` as the log says now, if its filer is in `scope`.
async fn visible(s: &AppState, scope: &Scope, id: FilingId) -> Result<FilingState, ApiError> {
    s.app
        .filing(id)
        .await?
        .filter(|f| scope.sees_cadre(f.cadre_id))
        .ok_or_else(missing)
}

/// A travel out of Ningbo city to file.
#[derive(Debug, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewTravel {
    /// The id to give it; default: derived from the Idempotency-Key if one is sent (so a
    /// retry creates the same thing), else a fresh UUIDv7.
    pub filing_id: Option<Uuid>,
    /// `on_duty` (因公) or `private` (因私).
    pub purpose: TravelPurpose,
    /// Where to (1–200 characters).
    pub destination: String,
    /// The local date of leaving (at most a year back or ahead).
    pub leave_on: NaiveDate,
    /// The local date of coming back: the leave date or later, at most 366 days away.
    pub return_on: NaiveDate,
}

/// Files a travel out of Ningbo city (外出报备). A travel of 3 days or more (both ends counted) must be filed before the leave date; filed on or after it, it is stored and marked late by `filed_on − leave_on + 1` days.
#[utoipa::path(
    post,
    path = "/api/v1/filings/travel",
    operation_id = "file_travel",
    tag = "filings",
    request_body = NewTravel,
    responses((status = 201, description = "Filed; `id` is the filing's. Read it (with its lateness) at `GET /api/v1/filings/{id}`.", body = Written))
)]
pub async fn file_travel(
    State(s): State<AppState>,
    acting: Acting,
    Body(req): Body<NewTravel>,
) -> Result<Response, ApiError> {
    let cadre_id = filer(&acting)?;
    let meta = acting.meta("POST /filings/travel", &req);
    let filing_id = FilingId(acting.new_id(req.filing_id, "filing"));
    let c = FileTravel {
        filing_id,
        cadre_id,
        travel: Travel {
            purpose: req.purpose,
            destination: req.destination,
            leave_on: req.leave_on,
            return_on: req.return_on,
        },
    };
    let out = s.app.filing_command(c.into(), &meta).await?;
    Ok(Written::new(filing_id.uuid(), &out).created())
}

/// A family event (婚丧嫁娶) to file.
#[derive(Debug, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewFamilyEvent {
    /// The id to give it; default: derived from the Idempotency-Key if one is sent, else a
    /// fresh UUIDv7.
    pub filing_id: Option<Uuid>,
    /// `wedding` (本人婚礼), `child_wedding` (子女婚嫁) or `funeral` (丧事).
    pub kind: FamilyEventKind,
    /// The local date of the event: today or later, at most 366 days ahead.
    pub date: NaiveDate,
    /// How large, as stated (e.g. "宴请亲友8桌约80人"), 1–200 characters.
    pub scale: String,
    /// Where, 1–200 characters.
    pub venue: String,
}

/// Files a family event (婚丧嫁娶报备). It must be filed at least 30 days ahead; filed d < 30 days ahead, it is stored and marked late by 30 − d days. An event before today is refused.
#[utoipa::path(
    post,
    path = "/api/v1/filings/family-events",
    operation_id = "file_family_event",
    tag = "filings",
    request_body = NewFamilyEvent,
    responses((status = 201, description = "Filed; `id` is the filing's.", body = Written))
)]
pub async fn file_family_event(
    State(s): State<AppState>,
    acting: Acting,
    Body(req): Body<NewFamilyEvent>,
) -> Result<Response, ApiError> {
    let cadre_id = filer(&acting)?;
    let meta = acting.meta("POST /filings/family-events", &req);
    let filing_id = FilingId(acting.new_id(req.filing_id, "filing"));
    let c = FileFamilyEvent {
        filing_id,
        cadre_id,
        event: FamilyEvent {
            kind: req.kind,
            date: req.date,
            scale: req.scale,
            venue: req.venue,
        },
    };
    let out = s.app.filing_command(c.into(), &meta).await?;
    Ok(Written::new(filing_id.uuid(), &out).created())
}

/// What a revision changes, and why: the fields left out stay as they are. A travel takes
/// only `purpose`, `destination`, `leave_on`, `return_on`; a family event only `kind`,
/// `date`, `scale`, `venue`.
#[derive(Debug, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Revision {
    pub purpose: Option<TravelPurpose>,
    pub destination: Option<String>,
    pub leave_on: Option<NaiveDate>,
    pub return_on: Option<NaiveDate>,
    pub kind: Option<FamilyEventKind>,
    pub date: Option<NaiveDate>,
    pub scale: Option<String>,
    pub venue: Option<String>,
    /// Why, 1–500 characters.
    pub reason: String,
}

/// Revises one's own filing (报备变更). Its lateness stays as first judged, unless the revision makes a travel that needed no filing one of 3 days or more: then it is judged as filed today.
#[utoipa::path(
    post,
    path = "/api/v1/filings/{id}/revisions",
    operation_id = "revise_filing",
    tag = "filings",
    params(("id" = FilingId, Path, description = "The filing.")),
    request_body = Revision,
    responses((status = 200, description = "Revised.", body = Written))
)]
pub async fn revise(
    State(s): State<AppState>,
    acting: Acting,
    Path(id): Path<FilingId>,
    Body(req): Body<Revision>,
) -> Result<Response, ApiError> {
    let cadre_id = filer(&acting)?;
    let meta = acting.meta(&format!("POST /filings/{id}/revisions"), &req);
    visible(&s, acting.scope(), id).await?;
    let c = ReviseFiling {
        filing_id: id,
        cadre_id,
        changes: FilingChanges {
            purpose: req.purpose,
            destination: req.destination,
            leave_on: req.leave_on,
            return_on: req.return_on,
            kind: req.kind,
            date: req.date,
            scale: req.scale,
            venue: req.venue,
        },
        reason: req.reason,
    };
    let out = s.app.filing_command(c.into(), &meta).await?;
    Ok(Written::new(id.uuid(), &out).ok())
}

/// Why a filing is cancelled.
#[derive(Debug, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Cancellation {
    /// 1–500 characters.
    pub reason: String,
}

/// Cancels one's own filing (撤销报备): the travel or event will not happen. Allowed up to and including the leave or event date.
#[utoipa::path(
    post,
    path = "/api/v1/filings/{id}/cancellation",
    operation_id = "cancel_filing",
    tag = "filings",
    params(("id" = FilingId, Path, description = "The filing.")),
    request_body = Cancellation,
    responses((status = 200, description = "Cancelled.", body = Written))
)]
pub async fn cancel(
    State(s): State<AppState>,
    acting: Acting,
    Path(id): Path<FilingId>,
    Body(req): Body<Cancellation>,
) -> Result<Response, ApiError> {
    let cadre_id = filer(&acting)?;
    let meta = acting.meta(&format!("POST /filings/{id}/cancellation"), &req);
    visible(&s, acting.scope(), id).await?;
    let c = CancelFiling {
        filing_id: id,
        cadre_id,
        reason: req.reason,
    };
    let out = s.app.filing_command(c.into(), &meta).await?;
    Ok(Written::new(id.uuid(), &out).ok())
}

/// The actual return from a travel.
#[derive(Debug, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReturnReport {
    /// The local date of return: on or after the leave date, not after today.
    pub returned_on: NaiveDate,
}

/// Reports the return from one's own travel (返回报告), once, not before the leave date.
#[utoipa::path(
    post,
    path = "/api/v1/filings/{id}/return",
    operation_id = "report_return",
    tag = "filings",
    params(("id" = FilingId, Path, description = "The filing (a travel).")),
    request_body = ReturnReport,
    responses((status = 200, description = "Reported.", body = Written))
)]
pub async fn report_return(
    State(s): State<AppState>,
    acting: Acting,
    Path(id): Path<FilingId>,
    Body(req): Body<ReturnReport>,
) -> Result<Response, ApiError> {
    let cadre_id = filer(&acting)?;
    let meta = acting.meta(&format!("POST /filings/{id}/return"), &req);
    visible(&s, acting.scope(), id).await?;
    let c = ReportReturn {
        filing_id: id,
        cadre_id,
        returned_on: req.returned_on,
    };
    let out = s.app.filing_command(c.into(), &meta).await?;
    Ok(Written::new(id.uuid(), &out).ok())
}

/// Acknowledges a filing one was shown (已阅): principal leaders, leaders in charge, discipline groups and the commission, for filings they see, never their own; once per user (a repeat changes nothing).
#[utoipa::path(
    post,
    path = "/api/v1/filings/{id}/acknowledgement",
    operation_id = "acknowledge_filing",
    tag = "filings",
    params(("id" = FilingId, Path, description = "The filing.")),
    responses((status = 200, description = "Acknowledged (or already so).", body = Written))
)]
pub async fn acknowledge(
    State(s): State<AppState>,
    acting: Acting,
    Path(id): Path<FilingId>,
) -> Result<Response, ApiError> {
    let role = acting.role();
    if !may_acknowledge(role) {
        return Err(ApiError::forbidden(
            "filings are acknowledged by principal leaders, leaders in charge, discipline groups and the commission",
        ));
    }
    let meta = acting.meta(&format!("POST /filings/{id}/acknowledgement"), &());
    visible(&s, acting.scope(), id).await?;
    let c = AcknowledgeFiling {
        filing_id: id,
        user_id: acting.user_id(),
        role,
        cadre_id: acting.principal.cadre(),
    };
    let out = s.app.filing_command(c.into(), &meta).await?;
    Ok(Written::new(id.uuid(), &out).ok())
}

/// `?cadre_id=&unit_id=&from=&to=&late=&before=&limit=`
#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct FilingsQuery {
    /// Only this cadre's filings.
    pub cadre_id: Option<CadreId>,
    /// Only filings made while the filer belonged to this unit.
    pub unit_id: Option<UnitId>,
    /// Only filings whose days (leave to planned return, or the event's date) reach this
    /// local date or later.
    #[param(format = Date, example = "2026-03-01")]
    pub from: Option<String>,
    /// Only filings whose days start on this local date or earlier.
    #[param(format = Date, example = "2026-03-31")]
    pub to: Option<String>,
    /// `true`: only late filings (迟报).
    pub late: Option<bool>,
    /// Only filings before this position (the last `position` of the previous page).
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

/// What of a visible filing the reader may not see: the unit or group it was filed under
/// when that is outside the scope now (unless it is the reader's own filing), and who
/// acknowledged it, but to those who see everything and to the acknowledger themself.
fn redact(acting: &Acting, scope: &Scope, mut f: FilingView) -> FilingView {
    let own = acting.principal.cadre() == Some(f.cadre_id);
    if f.unit_id.is_some_and(|u| !own && !scope.sees_unit(u)) {
        f.unit_id = None;
        f.unit_name = None;
    }
    if f.group_id.is_some_and(|g| !own && !scope.sees_group(g)) {
        f.group_id = None;
        f.group_name = None;
    }
    if !matches!(scope, Scope::Everything) {
        for a in &mut f.acknowledgements {
            if a.user_id != Some(acting.user_id()) {
                a.user_id = None;
            }
        }
    }
    f
}

/// The filings register (事项报备台账), newest first: the filings of the cadres one sees, by cadre, unit, date range and lateness.
#[utoipa::path(
    get,
    path = "/api/v1/filings",
    operation_id = "list_filings",
    tag = "filings",
    params(FilingsQuery),
    responses((status = 200, description = "Filings, newest first, each as it stands now.", body = Vec<FilingView>))
)]
pub async fn list(
    State(s): State<AppState>,
    acting: Acting,
    Params(q): Params<FilingsQuery>,
) -> Result<Json<Vec<FilingView>>, ApiError> {
    let scope = acting.reader()?.clone();
    let limit = q.limit.unwrap_or(100);
    if !(1..=MAX_LIMIT).contains(&limit) {
        return Err(ApiError::invalid("limit", "must be 1 to 1000"));
    }
    let from = date("from", q.from.as_deref())?;
    let to = date("to", q.to.as_deref())?;
    if let (Some(from), Some(to)) = (from, to)
        && to < from
    {
        return Err(ApiError::invalid(
            "to",
            format!("{to} is before from {from}"),
        ));
    }
    let query = FilingQuery {
        cadre: q.cadre_id,
        unit: q.unit_id,
        from,
        to,
        late_only: q.late.unwrap_or(false),
        before: q.before,
        limit,
    };
    let head = s.store.head().await?;
    s.wait_for(FILINGS, head).await?;
    let in_scope = scope.clone();
    let rows = s
        .views
        .query(move |c| filings::filings(c, query, &in_scope))
        .await?;
    Ok(Json(
        rows.into_iter()
            .map(|f| redact(&acting, &scope, f))
            .collect(),
    ))
}

/// One filing, as it stands now, with its acknowledgements.
#[utoipa::path(
    get,
    path = "/api/v1/filings/{id}",
    operation_id = "get_filing",
    tag = "filings",
    params(("id" = FilingId, Path, description = "The filing.")),
    responses((status = 200, description = "The filing.", body = FilingView))
)]
pub async fn get(
    State(s): State<AppState>,
    acting: Acting,
    Path(id): Path<FilingId>,
) -> Result<Json<FilingView>, ApiError> {
    let scope = acting.reader()?;
    let head = s.store.head().await?;
    s.wait_for(FILINGS, head).await?;
    let found = s
        .views
        .query(move |c| filings::filing(c, id))
        .await?
        .filter(|f| scope.sees_cadre(f.cadre_id))
        .ok_or_else(missing)?;
    Ok(Json(redact(&acting, scope, found)))
}
