//! Notifications (通知提醒): the signed-in user's inbox — reminders of the deadline watcher
//! and filings awaiting their acknowledgement, addressed by their role and scope now — and
//! marking them read (an event, like everything else).

use crate::acting::Acting;
use crate::extract::{Body, Params};
use crate::problem::ApiError;
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use event_store::StoreError;
use inbox::{Notification, Recipient};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// The read model these queries use.
pub const INBOX: &str = "inbox";

/// `?unread=&before=&limit=`
#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct InboxQuery {
    /// Only the unread ones.
    pub unread: Option<bool>,
    /// Only those before this position (the last `position` of the previous page).
    #[serde(default, deserialize_with = "crate::extract::position")]
    pub before: Option<u64>,
    /// At most this many (1–500; default 100).
    #[param(minimum = 1, maximum = 500)]
    pub limit: Option<u32>,
}

/// An inbox page.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct InboxView {
    /// Unread notifications in the whole inbox.
    pub unread: u32,
    /// Newest first.
    pub items: Vec<Notification>,
}

/// The user's whole inbox now, after the read model has applied the log up to its head (so
/// a reminder or a read just written is there).
async fn whole_inbox(s: &AppState, acting: &Acting) -> Result<(Vec<Notification>, u32), ApiError> {
    let scope = acting.reader()?.clone();
    let head = s.store.head().await?;
    s.wait_for(INBOX, head).await?;
    let (user_id, role, cadre) = (acting.user_id(), acting.role(), acting.principal.cadre());
    s.views
        .query(move |c| {
            inbox::inbox(
                c,
                &Recipient {
                    user_id,
                    role,
                    scope: &scope,
                    cadre,
                },
            )
        })
        .await
}

/// My notifications (我的通知), newest first.
#[utoipa::path(
    get,
    path = "/api/v1/notifications",
    operation_id = "notifications",
    tag = "notifications",
    params(InboxQuery),
    responses((status = 200, description = "The inbox, newest first, and the unread count.", body = InboxView))
)]
pub async fn list(
    State(s): State<AppState>,
    acting: Acting,
    Params(q): Params<InboxQuery>,
) -> Result<Json<InboxView>, ApiError> {
    let limit = q.limit.unwrap_or(100);
    if !(1..=500).contains(&limit) {
        return Err(ApiError::invalid("limit", "must be 1 to 500"));
    }
    let (all, unread) = whole_inbox(&s, &acting).await?;
    let items = all
        .into_iter()
        .filter(|n| !q.unread.unwrap_or(false) || !n.read)
        .filter(|n| q.before.is_none_or(|b| n.position < b))
        .take(limit as usize)
        .collect();
    Ok(Json(InboxView { unread, items }))
}

/// Which notifications to mark read: some, by key, or all.
#[derive(Debug, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MarkRead {
    /// The keys of notifications of one's own inbox.
    #[serde(default)]
    pub keys: Vec<Uuid>,
    /// Every unread notification instead.
    #[serde(default)]
    pub all: bool,
}

/// What was marked.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Marked {
    /// Notifications newly marked read.
    pub marked: usize,
    /// The position of the event that recorded it (absent when nothing was unread); pass it
    /// as `min_position`-style proof that it is recorded.
    pub position: Option<u64>,
}

/// Marks notifications read (标记已读).
#[utoipa::path(
    post,
    path = "/api/v1/notifications/read",
    operation_id = "mark_notifications_read",
    tag = "notifications",
    request_body = MarkRead,
    responses((status = 200, description = "Marked.", body = Marked))
)]
pub async fn mark_read(
    State(s): State<AppState>,
    acting: Acting,
    Body(req): Body<MarkRead>,
) -> Result<Json<Marked>, ApiError> {
    if req.all != req.keys.is_empty() {
        return Err(ApiError::invalid(
            "keys",
            "name the notifications to mark (keys), or send all: true — one of the two",
        ));
    }
    let meta = acting.meta("POST /notifications/read", &req);
    let (inbox, _) = whole_inbox(&s, &acting).await?;
    // A retry (the same Idempotency-Key) gets the first answer back, even when what it
    // would mark now differs ("all" after more notifications came); the key with another
    // request is refused as reused. The inbox is at the head here, so it holds the marking.
    if let Some(key) = &meta.key {
        let event_id = key.event_id(0);
        if let Some(m) = s.views.query(move |c| inbox::marking(c, event_id)).await? {
            if m.user_id != acting.user_id() || m.request != Some(meta.fingerprint) {
                return Err(StoreError::IdempotencyConflict { event_id }.into());
            }
            return Ok(Json(Marked {
                marked: m.marked,
                position: Some(m.position),
            }));
        }
    }
    let unread: Vec<Uuid> = if req.all {
        inbox.iter().filter(|n| !n.read).map(|n| n.key).collect()
    } else {
        for key in &req.keys {
            // A key of someone else's inbox is answered like one that does not exist.
            if !inbox.iter().any(|n| n.key == *key) {
                return Err(ApiError::invalid(
                    "keys",
                    "not a notification of your inbox",
                ));
            }
        }
        let mut keys = req.keys.clone();
        keys.sort_unstable();
        keys.dedup();
        keys.retain(|k| inbox.iter().any(|n| n.key == *k && !n.read));
        keys
    };
    if unread.is_empty() {
        return Ok(Json(Marked {
            marked: 0,
            position: None,
        }));
    }
    let marked = unread.len();
    let position = s
        .app
        .mark_notifications_read(acting.user_id(), unread, &meta)
        .await?;
    Ok(Json(Marked {
        marked,
        position: Some(position),
    }))
}
