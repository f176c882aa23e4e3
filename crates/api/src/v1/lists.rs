//! Responsibility lists (责任清单): publish, revise, assign; annual key tasks.

use super::Written;
use crate::acting::Acting;
use crate::extract::{Body, Ids as Path};
use crate::problem::ApiError;
use crate::state::AppState;
use axum::extract::State;
use axum::response::Response;
use chrono::NaiveDate;
use domain::calendar::{Cadence, DeadlineRule};
use domain::ids::{ItemId, ListId, TaskId};
use domain::list::{AssignList, PublishList, ReviseList};
use domain::obligation::DutyItem;
use domain::org::{Responsibility, Subject, SubjectKind};
use domain::task::SetKeyTask;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// One item of a list as sent; `item_id` may be left out for a new item.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Item {
    pub item_id: Option<ItemId>,
    pub subject_kind: SubjectKind,
    pub responsibility: Responsibility,
    pub category: String,
    pub content: String,
    pub cadence: Cadence,
    /// Entries needed per period, at least 1.
    pub required_count: u32,
    pub deadline: DeadlineRule,
}

fn items(acting: &Acting, list: ListId, items: Vec<Item>, revision: &str) -> Vec<DutyItem> {
    items
        .into_iter()
        .enumerate()
        .map(|(i, it)| DutyItem {
            item_id: it.item_id.unwrap_or_else(|| {
                ItemId(acting.new_id(None, &format!("list:{list}:{revision}:item:{i}")))
            }),
            subject_kind: it.subject_kind,
            responsibility: it.responsibility,
            category: it.category,
            content: it.content,
            cadence: it.cadence,
            required_count: it.required_count,
            deadline: it.deadline,
        })
        .collect()
}

/// A responsibility list to publish.
#[derive(Debug, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewList {
    /// The id to give it; default: derived from the Idempotency-Key if one is sent (so a
    /// retry creates the same thing), else a fresh UUIDv7.
    pub list_id: Option<Uuid>,
    pub year: i32,
    pub title: String,
    pub items: Vec<Item>,
}

/// Publishes a responsibility list (责任清单) of a year.
#[utoipa::path(
    post,
    path = "/api/v1/lists",
    operation_id = "publish_list",
    tag = "lists",
    request_body = NewList,
    responses((status = 201, description = "Published; `id` is the list's.", body = Written))
)]
pub async fn publish(
    State(s): State<AppState>,
    acting: Acting,
    Body(req): Body<NewList>,
) -> Result<Response, ApiError> {
    acting.commission("publish, revise and assign responsibility lists and key tasks")?;
    let meta = acting.meta("POST /lists", &req);
    let list_id = ListId(acting.new_id(req.list_id, "list"));
    let c = PublishList {
        list_id,
        year: req.year,
        title: req.title,
        items: items(&acting, list_id, req.items, "published"),
    };
    let out = s.app.list_command(list_id, c.into(), &meta).await?;
    Ok(Written::new(list_id.uuid(), &out).created())
}

/// A list's revised items (all of them), and why.
#[derive(Debug, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Revision {
    pub items: Vec<Item>,
    pub reason: String,
}

/// Revises a list's items, with a reason.
#[utoipa::path(
    post,
    path = "/api/v1/lists/{id}/revisions",
    operation_id = "revise_list",
    tag = "lists",
    params(("id" = ListId, Path, description = "The list.")),
    request_body = Revision,
    responses((status = 200, description = "Revised.", body = Written))
)]
pub async fn revise(
    State(s): State<AppState>,
    acting: Acting,
    Path(list_id): Path<ListId>,
    Body(req): Body<Revision>,
) -> Result<Response, ApiError> {
    acting.commission("publish, revise and assign responsibility lists and key tasks")?;
    let meta = acting.meta(&format!("POST /lists/{list_id}/revisions"), &req);
    // New items of a revision get ids from the request's own fingerprint, so two different
    // revisions never mint the same item id.
    let tag = meta.fingerprint.to_string();
    let c = ReviseList {
        list_id,
        items: items(&acting, list_id, req.items, &tag),
        reason: req.reason,
    };
    let out = s.app.list_command(list_id, c.into(), &meta).await?;
    Ok(Written::new(list_id.uuid(), &out).ok())
}

/// The duty subjects a list binds.
#[derive(Debug, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Assignment {
    pub subjects: Vec<Subject>,
}

/// Assigns a list to duty subjects.
#[utoipa::path(
    post,
    path = "/api/v1/lists/{id}/assignments",
    operation_id = "assign_list",
    tag = "lists",
    params(("id" = ListId, Path, description = "The list.")),
    request_body = Assignment,
    responses((status = 200, description = "Assigned; the subjects' obligations are derived.", body = Written))
)]
pub async fn assign(
    State(s): State<AppState>,
    acting: Acting,
    Path(list_id): Path<ListId>,
    Body(req): Body<Assignment>,
) -> Result<Response, ApiError> {
    acting.commission("publish, revise and assign responsibility lists and key tasks")?;
    let meta = acting.meta(&format!("POST /lists/{list_id}/assignments"), &req);
    let c = AssignList {
        list_id,
        subjects: req.subjects,
    };
    let out = s.app.list_command(list_id, c.into(), &meta).await?;
    Ok(Written::new(list_id.uuid(), &out).ok())
}

/// An annual key task to set.
#[derive(Debug, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewKeyTask {
    /// The id to give it; default: derived from the Idempotency-Key if one is sent (so a
    /// retry creates the same thing), else a fresh UUIDv7.
    pub task_id: Option<Uuid>,
    pub year: i32,
    pub subject: Subject,
    pub target: String,
    pub measures: Vec<String>,
    pub deadline: NaiveDate,
}

/// Sets an annual key task (年度重点工作任务) of a subject.
#[utoipa::path(
    post,
    path = "/api/v1/key-tasks",
    tag = "lists",
    request_body = NewKeyTask,
    responses((status = 201, description = "Set; `id` is the task's.", body = Written))
)]
pub async fn set_key_task(
    State(s): State<AppState>,
    acting: Acting,
    Body(req): Body<NewKeyTask>,
) -> Result<Response, ApiError> {
    acting.commission("publish, revise and assign responsibility lists and key tasks")?;
    let meta = acting.meta("POST /key-tasks", &req);
    let task_id = TaskId(acting.new_id(req.task_id, "task"));
    let c = SetKeyTask {
        task_id,
        year: req.year,
        subject: req.subject,
        target: req.target,
        measures: req.measures,
        deadline: req.deadline,
    };
    let out = s.app.set_key_task(c, &meta).await?;
    Ok(Written::new(task_id.uuid(), &out).created())
}
