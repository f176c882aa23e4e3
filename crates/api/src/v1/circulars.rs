//! Exposure circulars (通报, 动态化曝光): the commission drafts one from the facts of a
//! period — units with red lights, rectifications overdue, accountability decisions — as
//! the read models show them now; edits it; publishes it. A published circular is read by
//! everyone signed in (every unit); drafts only by the commission (others: 404).

use super::Written;
use super::accountability::caught_up;
use crate::acting::Acting;
use crate::extract::{Body, Ids as Path};
use crate::problem::ApiError;
use crate::state::AppState;
use accountability::{CircularStatus, CircularView, DecisionQuery, RecordKind};
use axum::Json;
use axum::extract::State;
use axum::response::Response;
use chrono::NaiveDate;
use domain::circular::{CircularCommand, CircularItem, CircularText, ItemKind, default_title};
use domain::ids::CircularId;
use domain::user::{Role, Scope};
use ledger::ProblemQuery;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// Longest problem description quoted in a drafted item, in characters.
const QUOTE: usize = 60;

fn missing() -> ApiError {
    ApiError::not_found("no such circular")
}

/// A circular to draft from the facts of a period.
#[derive(Debug, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewCircular {
    /// The id to give it; default: from the Idempotency-Key if sent, else a fresh UUIDv7.
    pub circular_id: Option<Uuid>,
    /// The first local date of the period.
    pub period_from: NaiveDate,
    /// The last local date of the period.
    pub period_to: NaiveDate,
    /// Default: 关于…至…落实“两个责任”情况的通报.
    pub title: Option<String>,
    /// Default: an opening sentence naming the period.
    pub body: Option<String>,
}

/// Drafts a circular (起草通报) from the period's facts, the commission only: one item per unit with red lights (obligations due in the period), one per problem due in the period and overdue now, one per accountability decision of the period. Edit it with `PUT /circulars/{id}`, then publish.
#[utoipa::path(
    post,
    path = "/api/v1/circulars",
    operation_id = "draft_circular",
    tag = "circulars",
    request_body = NewCircular,
    responses((status = 201, description = "Drafted; `id` is the circular's.", body = Written))
)]
pub async fn draft(
    State(s): State<AppState>,
    acting: Acting,
    Body(req): Body<NewCircular>,
) -> Result<Response, ApiError> {
    acting.commission("draft circulars")?;
    let meta = acting.meta("POST /circulars", &req);
    let id = CircularId(acting.new_id(req.circular_id, "circular"));
    let (from, to) = (req.period_from, req.period_to);
    if to < from {
        return Err(ApiError::invalid(
            "period_to",
            format!("{to} is before period_from {from}"),
        ));
    }
    let items = facts(&s, from, to).await?;
    let text = CircularText {
        title: req.title.unwrap_or_else(|| default_title(from, to)),
        body: req.body.unwrap_or_else(|| {
            format!(
                "现将{}至{}全区落实“两个责任”有关情况通报如下。",
                from.format("%Y年%-m月%-d日"),
                to.format("%Y年%-m月%-d日")
            )
        }),
        items,
    };
    let actor = s.app.problem_actor(&acting.principal.user.account).await?;
    let c = CircularCommand::Draft {
        circular_id: id,
        period_from: from,
        period_to: to,
        text,
    };
    let out = s.app.circular_command(c, actor, &meta).await?;
    Ok(Written::new(id.uuid(), &out).created())
}

/// The items a draft starts with, as the read models show the period now.
async fn facts(
    s: &AppState,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Vec<CircularItem>, ApiError> {
    let now = s.app.clock().now();
    let head = s.store.head().await?;
    for model in ["board", "ledger", super::accountability::ACCOUNTABILITY] {
        s.wait_for(model, head).await?;
    }
    s.views
        .query(move |c| {
            let mut items = Vec::new();
            let names: std::collections::HashMap<_, _> = board::district_overview(c, now)?
                .into_iter()
                .filter_map(|r| match r.owner {
                    board::Owner::Unit { unit_id } => Some((unit_id, r.name)),
                    board::Owner::DisciplineGroup { .. } => None,
                })
                .collect();
            for (unit_id, n) in board::red_lights_by_unit(c, from, to, now)? {
                let name = names.get(&unit_id).map_or("", String::as_str);
                items.push(CircularItem {
                    kind: ItemKind::RedLight,
                    unit_id,
                    cadre_id: None,
                    subject_id: None,
                    text: format!("{name}：{n}项履责事项未按期完成（红灯）。"),
                });
            }
            let overdue = ProblemQuery {
                unit: None,
                status: None,
                type_key: None,
                source: None,
                from: None,
                to: None,
                overdue_only: true,
                as_of: now,
                before: None,
                limit: 1000,
            };
            for p in ledger::problems(c, &overdue, &Scope::Everything)? {
                if p.rectify_by < from || p.rectify_by > to {
                    continue;
                }
                let quote: String = p.description.chars().take(QUOTE).collect();
                let ellipsis = if p.description.chars().count() > QUOTE {
                    "…"
                } else {
                    ""
                };
                items.push(CircularItem {
                    kind: ItemKind::OverdueProblem,
                    unit_id: p.unit_id,
                    cadre_id: p.cadre_id,
                    subject_id: Some(p.problem_id.uuid()),
                    text: format!(
                        "{}：“{}”问题（{quote}{ellipsis}）整改期限{}，至今未销号。",
                        p.unit_name.as_deref().unwrap_or(""),
                        p.problem_type.label,
                        p.rectify_by.format("%Y年%-m月%-d日")
                    ),
                });
            }
            let decisions = DecisionQuery {
                kind: Some(RecordKind::Decision),
                unit: None,
                cadre: None,
                from: Some(from),
                to: Some(to),
                before: None,
                limit: 1000,
            };
            for d in accountability::decisions(c, &decisions, |_, _| true)? {
                let whom = match &d.cadre_name {
                    Some(cadre) => format!("{}{cadre}", d.unit_name),
                    None => d.unit_name.clone(),
                };
                items.push(CircularItem {
                    kind: ItemKind::Accountability,
                    unit_id: d.unit_id,
                    cadre_id: d.cadre_id,
                    subject_id: Some(d.id.uuid()),
                    text: format!("{whom}：{}。{}", d.measure_label, d.text),
                });
            }
            Ok(items)
        })
        .await
}

/// A circular's whole text.
#[derive(Debug, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CircularRevision {
    /// 1–200 characters.
    pub title: String,
    /// Up to 20,000 characters.
    pub body: String,
    /// Up to 500 items, each 1–1000 characters.
    pub items: Vec<CircularItem>,
}

/// Revises a draft (修改通报): its whole text from now on; the commission only, until published.
#[utoipa::path(
    put,
    path = "/api/v1/circulars/{id}",
    operation_id = "revise_circular",
    tag = "circulars",
    params(("id" = CircularId, Path, description = "The circular.")),
    request_body = CircularRevision,
    responses((status = 200, description = "Revised.", body = Written))
)]
pub async fn revise(
    State(s): State<AppState>,
    acting: Acting,
    Path(id): Path<CircularId>,
    Body(req): Body<CircularRevision>,
) -> Result<Response, ApiError> {
    acting.commission("revise circulars")?;
    let meta = acting.meta(&format!("PUT /circulars/{id}"), &req);
    let actor = s.app.problem_actor(&acting.principal.user.account).await?;
    let c = CircularCommand::Revise {
        circular_id: id,
        text: CircularText {
            title: req.title,
            body: req.body,
            items: req.items,
        },
    };
    let out = s.app.circular_command(c, actor, &meta).await?;
    Ok(Written::new(id.uuid(), &out).ok())
}

/// Publishes a draft (发布通报): visible to every unit from now on, and final; the commission only.
#[utoipa::path(
    post,
    path = "/api/v1/circulars/{id}/publication",
    operation_id = "publish_circular",
    tag = "circulars",
    params(("id" = CircularId, Path, description = "The circular.")),
    responses((status = 200, description = "Published.", body = Written))
)]
pub async fn publish(
    State(s): State<AppState>,
    acting: Acting,
    Path(id): Path<CircularId>,
) -> Result<Response, ApiError> {
    acting.commission("publish circulars")?;
    let meta = acting.meta(&format!("POST /circulars/{id}/publication"), &());
    let actor = s.app.problem_actor(&acting.principal.user.account).await?;
    let c = CircularCommand::Publish { circular_id: id };
    let out = s.app.circular_command(c, actor, &meta).await?;
    Ok(Written::new(id.uuid(), &out).ok())
}

/// Circulars, newest first: published ones for everyone; drafts too for the commission.
#[utoipa::path(
    get,
    path = "/api/v1/circulars",
    operation_id = "list_circulars",
    tag = "circulars",
    responses((status = 200, description = "Circulars, newest first.", body = Vec<CircularView>))
)]
pub async fn list(
    State(s): State<AppState>,
    acting: Acting,
) -> Result<Json<Vec<CircularView>>, ApiError> {
    acting.reader()?;
    let published_only = acting.role() != Role::Commission;
    caught_up(&s).await?;
    Ok(Json(
        s.views
            .query(move |c| accountability::circulars(c, published_only))
            .await?,
    ))
}

/// One circular (a draft: the commission only).
#[utoipa::path(
    get,
    path = "/api/v1/circulars/{id}",
    operation_id = "get_circular",
    tag = "circulars",
    params(("id" = CircularId, Path, description = "The circular.")),
    responses((status = 200, description = "The circular.", body = CircularView))
)]
pub async fn get(
    State(s): State<AppState>,
    acting: Acting,
    Path(id): Path<CircularId>,
) -> Result<Json<CircularView>, ApiError> {
    acting.reader()?;
    let drafts = acting.role() == Role::Commission;
    caught_up(&s).await?;
    s.views
        .query(move |c| accountability::circular(c, id))
        .await?
        .filter(|v| drafts || v.status == CircularStatus::Published)
        .map(Json)
        .ok_or_else(missing)
}
