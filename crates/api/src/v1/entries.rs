//! Duty entries (履责记录): record — stored as a backfill (补录) when the deadline has
//! passed — correct, withdraw.

use super::Written;
use super::board::BOARD;
use crate::acting::Acting;
use crate::extract::{Body, Ids as Path};
use crate::problem::ApiError;
use crate::state::AppState;
use axum::extract::State;
use axum::response::Response;
use chrono::NaiveDate;
use domain::duty::{CorrectDuty, RecordDuty, WithdrawDuty};
use domain::events::Attachment;
use domain::ids::{EntryId, ObligationId};
use domain::obligation::ObligationRef;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// What names an obligation (source, subject, period), looked up on the board. Only when
/// the board does not know it yet does this wait for the board to catch up with everything
/// written so far, so a list just assigned is found. The application then checks the
/// answer against the list or task itself. An obligation outside the actor's scope is not
/// found, exactly as one that does not exist (ADR 0008).
async fn source(
    s: &AppState,
    acting: &Acting,
    id: ObligationId,
) -> Result<ObligationRef, ApiError> {
    // Not the id: the answer for a target outside the scope repeats nothing of it.
    let missing = || ApiError::not_found("no such obligation");
    let lookup = || s.views.query(move |c| board::obligation_ref(c, id));
    let found = match lookup().await? {
        Some(found) => found,
        None => {
            let head = s.store.head().await?;
            s.wait_for(BOARD, head).await?;
            lookup().await?.ok_or_else(missing)?
        }
    };
    if !acting.scope().sees_subject(&found.subject) {
        return Err(missing());
    }
    Ok(found)
}

/// A duty entry to record.
#[derive(Debug, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewEntry {
    /// The id to give it; default: derived from the Idempotency-Key if one is sent (so a
    /// retry creates the same thing), else a fresh UUIDv7.
    pub entry_id: Option<Uuid>,
    /// The local date the duty was performed (not in the future).
    pub performed_on: NaiveDate,
    /// What was done.
    pub content: String,
    #[serde(default)]
    pub attachments: Vec<Attachment>,
}

/// Records a duty entry (履责记录) for an obligation; after the deadline it is stored as a backfill (补录).
#[utoipa::path(
    post,
    path = "/api/v1/obligations/{id}/entries",
    operation_id = "record_entry",
    tag = "entries",
    params(("id" = ObligationId, Path, description = "The obligation.")),
    request_body = NewEntry,
    responses((status = 201, description = "Recorded; `id` is the entry's, `kind` says `recorded` or `backfilled` (after the deadline).", body = Written))
)]
pub async fn record(
    State(s): State<AppState>,
    acting: Acting,
    Path(id): Path<ObligationId>,
    Body(req): Body<NewEntry>,
) -> Result<Response, ApiError> {
    let actor = acting.cadre()?;
    let meta = acting.meta(&format!("POST /obligations/{id}/entries"), &req);
    let entry_id = EntryId(acting.new_id(req.entry_id, "entry"));
    let source = source(&s, &acting, id).await?;
    let c = RecordDuty {
        entry_id,
        performed_on: req.performed_on,
        content: req.content,
        attachments: req.attachments,
        actor,
    };
    let out = s.app.duty_command(source, id, c.into(), &meta).await?;
    let backfilled = out.event_types.iter().any(|t| t == "DutyBackfilled");
    let kind = if backfilled { "backfilled" } else { "recorded" };
    let mut written = Written::new(entry_id.uuid(), &out);
    written.kind = Some(kind);
    Ok(written.created())
}

/// An entry's corrected content, and why.
#[derive(Debug, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Correction {
    pub performed_on: NaiveDate,
    pub content: String,
    #[serde(default)]
    pub attachments: Vec<Attachment>,
    pub reason: String,
}

/// Corrects a duty entry, with a reason.
#[utoipa::path(
    post,
    path = "/api/v1/obligations/{id}/entries/{entry_id}/corrections",
    operation_id = "correct_entry",
    tag = "entries",
    params(("id" = ObligationId, Path, description = "The obligation."), ("entry_id" = EntryId, Path, description = "The entry.")),
    request_body = Correction,
    responses((status = 200, description = "Corrected.", body = Written))
)]
pub async fn correct(
    State(s): State<AppState>,
    acting: Acting,
    Path((id, entry_id)): Path<(ObligationId, EntryId)>,
    Body(req): Body<Correction>,
) -> Result<Response, ApiError> {
    let actor = acting.cadre()?;
    let meta = acting.meta(
        &format!("POST /obligations/{id}/entries/{entry_id}/corrections"),
        &req,
    );
    let source = source(&s, &acting, id).await?;
    let c = CorrectDuty {
        entry_id,
        performed_on: req.performed_on,
        content: req.content,
        attachments: req.attachments,
        reason: req.reason,
        actor,
    };
    let out = s.app.duty_command(source, id, c.into(), &meta).await?;
    Ok(Written::new(entry_id.uuid(), &out).ok())
}

/// Why an entry is withdrawn.
#[derive(Debug, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Withdrawal {
    pub reason: String,
}

/// Withdraws a duty entry, with a reason.
#[utoipa::path(
    post,
    path = "/api/v1/obligations/{id}/entries/{entry_id}/withdrawal",
    operation_id = "withdraw_entry",
    tag = "entries",
    params(("id" = ObligationId, Path, description = "The obligation."), ("entry_id" = EntryId, Path, description = "The entry.")),
    request_body = Withdrawal,
    responses((status = 200, description = "Withdrawn.", body = Written))
)]
pub async fn withdraw(
    State(s): State<AppState>,
    acting: Acting,
    Path((id, entry_id)): Path<(ObligationId, EntryId)>,
    Body(req): Body<Withdrawal>,
) -> Result<Response, ApiError> {
    let actor = acting.cadre()?;
    let meta = acting.meta(
        &format!("POST /obligations/{id}/entries/{entry_id}/withdrawal"),
        &req,
    );
    let source = source(&s, &acting, id).await?;
    let c = WithdrawDuty {
        entry_id,
        reason: req.reason,
        actor,
    };
    let out = s.app.duty_command(source, id, c.into(), &meta).await?;
    Ok(Written::new(entry_id.uuid(), &out).ok())
}
