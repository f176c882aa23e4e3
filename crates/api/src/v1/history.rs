//! A cadre's history (履责档案) and the record of who read it (查阅记录).
//!
//! Every read of another person's history is itself recorded, as a `HistoryRead` event
//! appended before the history is served, with the purpose the reader stated (查阅事由): if
//! it cannot be recorded, it is not served (DESIGN.md §2). Only the commission may list
//! those records.

use super::board::BOARD;
use crate::acting::{Acting, DIRECTORY};
use crate::extract::{Ids as Path, Params};
use crate::problem::ApiError;
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use chrono::{DateTime, Utc};
use directory::{AccessQuery, AccessRead};
use domain::events::{HistoryRead, stream};
use domain::ids::{CadreId, UserId};
use event_store::{Direction, StreamName};
use serde::{Deserialize, Serialize};

/// `?as_of=&purpose=`
#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct HistoryQuery {
    /// Only what was recorded by this instant, RFC 3339; default now.
    #[param(format = DateTime, example = "2026-06-30T23:59:59+08:00")]
    pub as_of: Option<String>,
    /// Why the history is read (查阅事由), 1–200 characters, recorded with the read; none is
    /// recorded as "not stated". Reading one's own history is not recorded.
    #[param(min_length = 1, max_length = 200, example = "2026年度考核")]
    pub purpose: Option<String>,
}

/// One event of a history.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct HistoryEvent {
    pub position: u64,
    pub stream: String,
    pub stream_version: u64,
    pub event_type: String,
    pub schema_version: u32,
    pub occurred_at: DateTime<Utc>,
    pub recorded_at: DateTime<Utc>,
    /// Who caused it: `user:<username>`.
    pub actor: String,
    #[schema(value_type = Object)]
    pub payload: serde_json::Value,
}

/// A cadre's events, oldest first.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct History {
    pub cadre_id: CadreId,
    pub as_of: DateTime<Utc>,
    pub events: Vec<HistoryEvent>,
}

/// A cadre's history (履责档案): the cadre's own stream and the entries of their personal
/// obligations, as recorded by `as_of`, oldest first. A read by anyone but the cadre is
/// recorded first, with its `purpose`.
#[utoipa::path(
    get,
    path = "/api/v1/cadres/{id}/history",
    operation_id = "cadre_history",
    tag = "history",
    params(("id" = CadreId, Path, description = "The cadre."), HistoryQuery),
    responses((status = 200, description = "The cadre's events, oldest first.", body = History))
)]
pub async fn cadre_history(
    State(s): State<AppState>,
    acting: Acting,
    Path(id): Path<CadreId>,
    Params(q): Params<HistoryQuery>,
) -> Result<Json<History>, ApiError> {
    let scope = acting.reader()?;
    let now = s.app.clock().now();
    let as_of = crate::extract::as_of(q.as_of.as_deref(), now)?;
    let purpose = q
        .purpose
        .as_deref()
        .map(HistoryRead::purpose)
        .transpose()?
        .unwrap_or_default();
    let missing = || ApiError::not_found("no such cadre");
    if !scope.sees_cadre(id) {
        return Err(missing());
    }
    let cadre_stream = StreamName::new(stream::cadre(id)).map_err(ApiError::internal)?;
    if s.store.stream_version(&cadre_stream).await? == 0 {
        return Err(missing());
    }
    if acting.principal.cadre() != Some(id) {
        let read = HistoryRead {
            reader: acting.user_id(),
            cadre_id: id,
            as_of: q.as_of.is_some().then_some(as_of),
            purpose,
        };
        let meta = acting.meta(
            &format!("GET /cadres/{id}/history"),
            &(&q.as_of, &read.purpose),
        );
        s.app.record_history_read(read, &meta).await?;
    }
    // The obligations the cadre owed as of then, from the board (caught up with the log).
    let head = s.store.head().await?;
    s.wait_for(BOARD, head).await?;
    let obligations = s
        .views
        .query(move |c| board::cadre_obligations(c, id, as_of))
        .await?
        .unwrap_or_default();
    let mut streams = vec![cadre_stream];
    for o in obligations {
        streams.push(
            StreamName::new(stream::obligation(o.obligation_id)).map_err(ApiError::internal)?,
        );
    }
    let mut events = Vec::new();
    for name in streams {
        for e in s
            .store
            .read_stream(&name, Direction::Forward, 1, usize::MAX)
            .await?
        {
            if e.recorded_at > as_of {
                break;
            }
            events.push(HistoryEvent {
                position: e.position,
                stream: e.stream.to_string(),
                stream_version: e.version,
                event_type: e.event_type.to_string(),
                schema_version: e.schema_version,
                occurred_at: e.occurred_at,
                recorded_at: e.recorded_at,
                actor: e.actor.to_string(),
                payload: serde_json::from_str(e.payload.as_str())
                    .map_err(|e| ApiError::new("internal", e.to_string()))?,
            });
        }
    }
    events.sort_by_key(|e| e.position);
    Ok(Json(History {
        cadre_id: id,
        as_of,
        events,
    }))
}

/// `?cadre_id=&reader=&before=&limit=`
#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct AccessLogQuery {
    /// Only reads of this cadre's history.
    pub cadre_id: Option<CadreId>,
    /// Only reads by this user.
    pub reader: Option<UserId>,
    /// Only reads before this position (the last `position` of the previous page).
    pub before: Option<u64>,
    /// At most this many (1–1,000; default 100).
    pub limit: Option<u32>,
}

/// The record of history reads (查阅记录), newest first; the commission only.
#[utoipa::path(
    get,
    path = "/api/v1/access-log",
    operation_id = "access_log",
    tag = "history",
    params(AccessLogQuery),
    responses((status = 200, description = "Reads of cadres' histories, newest first.", body = Vec<AccessRead>))
)]
pub async fn access_log(
    State(s): State<AppState>,
    acting: Acting,
    Params(q): Params<AccessLogQuery>,
) -> Result<Json<Vec<AccessRead>>, ApiError> {
    acting.commission("read the record of history reads")?;
    let limit = q.limit.unwrap_or(100);
    if !(1..=1000).contains(&limit) {
        return Err(ApiError::invalid("limit", "must be 1 to 1000"));
    }
    let head = s.store.head().await?;
    s.wait_for(DIRECTORY, head).await?;
    let query = AccessQuery {
        cadre: q.cadre_id,
        reader: q.reader,
        before: q.before,
        limit,
    };
    Ok(Json(
        s.views
            .query(move |c| directory::access_reads(c, query))
            .await?,
    ))
}
