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
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Item {
    pub item_id: Option<ItemId>,
    pub subject_kind: SubjectKind,
    pub responsibility: Responsibility,
    pub category: String,
    pub content: String,
    pub cadence: Cadence,
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

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewList {
    pub list_id: Option<Uuid>,
    pub year: i32,
    pub title: String,
    pub items: Vec<Item>,
}

pub async fn publish(
    State(s): State<AppState>,
    acting: Acting,
    Body(req): Body<NewList>,
) -> Result<Response, ApiError> {
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

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Revision {
    pub items: Vec<Item>,
    pub reason: String,
}

pub async fn revise(
    State(s): State<AppState>,
    acting: Acting,
    Path(list_id): Path<ListId>,
    Body(req): Body<Revision>,
) -> Result<Response, ApiError> {
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

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Assignment {
    pub subjects: Vec<Subject>,
}

pub async fn assign(
    State(s): State<AppState>,
    acting: Acting,
    Path(list_id): Path<ListId>,
    Body(req): Body<Assignment>,
) -> Result<Response, ApiError> {
    let meta = acting.meta(&format!("POST /lists/{list_id}/assignments"), &req);
    let c = AssignList {
        list_id,
        subjects: req.subjects,
    };
    let out = s.app.list_command(list_id, c.into(), &meta).await?;
    Ok(Written::new(list_id.uuid(), &out).ok())
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewKeyTask {
    pub task_id: Option<Uuid>,
    pub year: i32,
    pub subject: Subject,
    pub target: String,
    pub measures: Vec<String>,
    pub deadline: NaiveDate,
}

pub async fn set_key_task(
    State(s): State<AppState>,
    acting: Acting,
    Body(req): Body<NewKeyTask>,
) -> Result<Response, ApiError> {
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
