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
use event_store::StreamName;
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
    /// Only events that occurred at or after this instant (RFC 3339).
    #[param(format = DateTime)]
    pub from: Option<String>,
    /// Only events that occurred at or before this instant (RFC 3339).
    #[param(format = DateTime)]
    pub to: Option<String>,
    /// Only events of these types, comma-separated (e.g. `DutyRecorded,DutyBackfilled`).
    pub types: Option<String>,
}

/// Which events of a history are shown: recorded by `as_of`, occurred within `from`–`to`,
/// of one of `types` (all if empty).
#[derive(Debug, Clone)]
pub(crate) struct Window {
    pub(crate) as_of: DateTime<Utc>,
    pub(crate) from: Option<DateTime<Utc>>,
    pub(crate) to: Option<DateTime<Utc>>,
    pub(crate) types: Vec<String>,
}

impl Window {
    pub(crate) fn parse(
        as_of: DateTime<Utc>,
        from: Option<&str>,
        to: Option<&str>,
        types: Option<&str>,
    ) -> Result<Self, ApiError> {
        let instant = crate::extract::instant;
        let (from, to) = (instant("from", from)?, instant("to", to)?);
        if let (Some(f), Some(t)) = (from, to)
            && t < f
        {
            return Err(ApiError::invalid("to", format!("{t} is before from {f}")));
        }
        let types: Vec<String> = types
            .unwrap_or_default()
            .split(',')
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .map(str::to_owned)
            .collect();
        if let Some(unknown) = types
            .iter()
            .find(|t| !domain::events::Event::TYPES.contains(&t.as_str()))
        {
            return Err(ApiError::invalid(
                "types",
                format!("{unknown:?} is not an event type"),
            ));
        }
        Ok(Self {
            as_of,
            from,
            to,
            types,
        })
    }

    fn shows(&self, e: &event_store::RecordedEvent) -> bool {
        e.recorded_at <= self.as_of
            && self.from.is_none_or(|f| e.occurred_at >= f)
            && self.to.is_none_or(|t| e.occurred_at <= t)
            && (self.types.is_empty() || self.types.iter().any(|t| t == e.event_type.as_str()))
    }
}

/// The events of `streams` a window shows, oldest first (each stream read once).
pub(crate) async fn collect(
    s: &AppState,
    streams: Vec<String>,
    window: &Window,
) -> Result<Vec<HistoryEvent>, ApiError> {
    let mut names: Vec<String> = streams;
    names.sort();
    names.dedup();
    let names = names
        .into_iter()
        .map(StreamName::new)
        .collect::<Result<Vec<_>, _>>()
        .map_err(ApiError::internal)?;
    let mut events = Vec::new();
    for stream in s.store.read_streams(&names).await? {
        for e in stream {
            if e.recorded_at > window.as_of {
                break;
            }
            if !window.shows(&e) {
                continue;
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
    Ok(events)
}

/// Every stream of a cadre's record as of `as_of`: the cadre's own, their personal
/// obligations' entries and reminders, their filings, the problems naming them and the
/// accountability decisions and talks about them — once the read models have applied the
/// log up to `head`, the head when the request came (before its `HistoryRead`, which none
/// of them folds: waiting for it too cost a read by another a few milliseconds).
pub(crate) async fn cadre_streams(
    s: &AppState,
    id: CadreId,
    as_of: DateTime<Utc>,
    head: u64,
) -> Result<Vec<String>, ApiError> {
    for model in [BOARD, "filings", "ledger", "accountability"] {
        s.wait_for(model, head).await?;
    }
    s.views
        .query(move |c| {
            let mut streams = vec![stream::cadre(id)];
            for o in board::cadre_obligations(c, id, as_of)?.unwrap_or_default() {
                streams.push(stream::obligation(o.obligation_id));
                streams.push(stream::reminder(o.obligation_id));
            }
            for f in filings::filing_ids_of_cadre(c, id)? {
                streams.push(stream::filing(f));
            }
            streams.extend(problem_streams(ledger::problems_naming(c, id, as_of)?));
            let decisions = accountability::DecisionQuery {
                cadre: Some(id),
                limit: 10_000,
                ..Default::default()
            };
            for d in accountability::decisions(c, &decisions, |_, _| true)? {
                streams.push(stream::accountability(d.id));
            }
            Ok(streams)
        })
        .await
}

/// The streams of these problems: each problem's and its overdue reminder's.
pub(crate) fn problem_streams(problems: Vec<domain::ids::ProblemId>) -> Vec<String> {
    problems
        .into_iter()
        .flat_map(|p| [stream::problem(p), stream::problem_reminder(p)])
        .collect()
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

/// The purpose a reader states (查阅事由), checked; "" when none is stated. The
/// description's 200 characters bound the parameter as sent: blanks around a longer one
/// (trimmed before it is recorded) do not bring it within them.
pub(crate) fn purpose(given: Option<&str>) -> Result<String, ApiError> {
    let sent = given.map_or(0, |p| p.chars().count());
    if sent > HistoryRead::MAX_PURPOSE {
        return Err(ApiError::invalid(
            "purpose",
            format!(
                "must be at most {} characters, not {sent}",
                HistoryRead::MAX_PURPOSE
            ),
        ));
    }
    Ok(given
        .map(HistoryRead::purpose)
        .transpose()?
        .unwrap_or_default())
}

/// What a read of a cadre's record is about, for its `HistoryRead`.
pub(crate) struct Read<'a, R: Serialize> {
    pub(crate) id: CadreId,
    pub(crate) as_of: Option<DateTime<Utc>>,
    pub(crate) purpose: String,
    pub(crate) route: &'a str,
    pub(crate) request: &'a R,
}

/// Checks that cadre `read.id` exists and is in the reader's scope (404 otherwise, nothing
/// recorded), then records the read (`HistoryRead`, unless it is the reader's own) while
/// `gather` collects the answer: the answer is returned only once the read is recorded,
/// and a read that cannot be recorded is not served. Side by side, a read by another costs
/// about the longer of the two, not both (the record is a durable append).
pub(crate) async fn served_once_recorded<T, R: Serialize>(
    s: &AppState,
    acting: &Acting,
    read: Read<'_, R>,
    gather: impl std::future::Future<Output = Result<T, ApiError>>,
) -> Result<T, ApiError> {
    let missing = || ApiError::not_found("no such cadre");
    let id = read.id;
    if !acting.reader()?.sees_cadre(id) {
        return Err(missing());
    }
    let cadre_stream = StreamName::new(stream::cadre(id)).map_err(ApiError::internal)?;
    if s.store.stream_version(&cadre_stream).await? == 0 {
        return Err(missing());
    }
    let record = record_read(s, acting, read);
    let ((), answer) = tokio::try_join!(record, gather)?;
    Ok(answer)
}

/// Records a read of cadre `read.id`'s record (`HistoryRead`) unless it is the reader's own.
async fn record_read<R: Serialize>(
    s: &AppState,
    acting: &Acting,
    read: Read<'_, R>,
) -> Result<(), ApiError> {
    let Read {
        id,
        as_of,
        purpose,
        route,
        request,
    } = read;
    if acting.principal.cadre() != Some(id) {
        let read = HistoryRead {
            reader: acting.user_id(),
            cadre_id: id,
            as_of,
            purpose,
        };
        s.app
            .record_history_read(read, &acting.meta(route, request))
            .await?;
    }
    Ok(())
}

/// A cadre's history (履责档案): the cadre's own stream, the entries and reminders of their personal obligations, their filings, the problems naming them and the accountability decisions and talks about them, as recorded by `as_of`, oldest first, optionally only those that occurred within `from`–`to` and of some `types`. A read by anyone but the cadre is recorded first, with its `purpose`.
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
    acting.reader()?;
    let now = s.app.clock().now();
    let as_of = crate::extract::as_of(q.as_of.as_deref(), now)?;
    let purpose = purpose(q.purpose.as_deref())?;
    // Checked before anything is recorded.
    let window = Window::parse(
        as_of,
        q.from.as_deref(),
        q.to.as_deref(),
        q.types.as_deref(),
    )?;
    let as_asked = q.as_of.is_some().then_some(as_of);
    let request = (&q.as_of, &purpose);
    let route = format!("GET /cadres/{id}/history");
    let head = s.store.head().await?;
    let read = Read {
        id,
        as_of: as_asked,
        purpose: purpose.clone(),
        route: &route,
        request: &request,
    };
    let gather = async {
        let streams = cadre_streams(&s, id, as_of, head).await?;
        collect(&s, streams, &window).await
    };
    let events = served_once_recorded(&s, &acting, read, gather).await?;
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
    #[serde(default, deserialize_with = "crate::extract::position")]
    pub before: Option<u64>,
    /// At most this many (1–1,000; default 100).
    #[param(minimum = 1, maximum = 1000)]
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
