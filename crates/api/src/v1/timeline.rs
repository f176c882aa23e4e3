//! For auditors: a unit's history, and what changed in a cadre's or a unit's record between
//! two instants — the events recorded in between and the obligations whose light moved —
//! all bitemporal: "as of t" is only what was recorded by t, evaluated at t.

use super::board::BOARD;
use super::history::{HistoryEvent, Window, cadre_streams, collect};
use crate::acting::Acting;
use crate::extract::{Ids as Path, Params};
use crate::problem::ApiError;
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use board::ObligationView;
use chrono::{DateTime, Utc};
use domain::events::stream;
use domain::ids::{CadreId, ObligationId, UnitId};
use domain::light::Light;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// `?as_of=&from=&to=&types=`
#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct UnitHistoryQuery {
    /// Only what was recorded by this instant, RFC 3339; default now.
    #[param(format = DateTime, example = "2026-06-30T23:59:59+08:00")]
    pub as_of: Option<String>,
    /// Only events that occurred at or after this instant (RFC 3339).
    #[param(format = DateTime)]
    pub from: Option<String>,
    /// Only events that occurred at or before this instant (RFC 3339).
    #[param(format = DateTime)]
    pub to: Option<String>,
    /// Only events of these types, comma-separated.
    pub types: Option<String>,
}

/// A unit's events, oldest first.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct UnitHistory {
    pub unit_id: UnitId,
    pub as_of: DateTime<Utc>,
    pub events: Vec<HistoryEvent>,
}

/// Every stream of a unit's record as of `as_of`: the unit's own, the entries and reminders
/// of the obligations counted under it then, its cadres' filings, its problems, the
/// accountability decisions about it or its cadres and its oversight records entered by hand.
async fn unit_streams(
    s: &AppState,
    id: UnitId,
    as_of: DateTime<Utc>,
) -> Result<Option<Vec<String>>, ApiError> {
    let head = s.store.head().await?;
    for model in [BOARD, "filings", "ledger", "accountability", "oversight"] {
        s.wait_for(model, head).await?;
    }
    s.views
        .query(move |c| {
            let Some(obligations) = board::unit_obligations(c, id, as_of)? else {
                return Ok(None);
            };
            let mut streams = vec![stream::unit(id)];
            for o in obligations {
                streams.push(stream::obligation(o.obligation_id));
                streams.push(stream::reminder(o.obligation_id));
            }
            for f in filings::filing_ids_of_unit(c, id)? {
                streams.push(stream::filing(f));
            }
            streams.extend(super::history::problem_streams(ledger::problems_of_unit(
                c, id, as_of,
            )?));
            let decisions = accountability::DecisionQuery {
                unit: Some(id),
                limit: 10_000,
                ..Default::default()
            };
            for d in accountability::decisions(c, &decisions, |_, _| true)? {
                streams.push(stream::accountability(d.id));
            }
            let records = oversight::RecordQuery {
                unit: Some(id),
                limit: 10_000,
                ..Default::default()
            };
            for r in oversight::records(c, &records, |_, _| true)? {
                if r.import_id.is_none() {
                    streams.push(stream::oversight(r.record_id));
                }
            }
            Ok(Some(streams))
        })
        .await
}

/// A unit's history (单位履责档案): its own stream, the entries and reminders of the obligations counted under it, its cadres' filings, its problems, the accountability decisions and talks about it or its cadres and its oversight records entered by hand — as recorded by `as_of`, oldest first, optionally only those that occurred within `from`–`to` and of some `types`.
#[utoipa::path(
    get,
    path = "/api/v1/units/{id}/history",
    operation_id = "unit_history",
    tag = "history",
    params(("id" = UnitId, Path, description = "The unit."), UnitHistoryQuery),
    responses((status = 200, description = "The unit's events, oldest first.", body = UnitHistory))
)]
pub async fn unit_history(
    State(s): State<AppState>,
    acting: Acting,
    Path(id): Path<UnitId>,
    Params(q): Params<UnitHistoryQuery>,
) -> Result<Json<UnitHistory>, ApiError> {
    let scope = acting.reader()?.clone();
    let as_of = crate::extract::as_of(q.as_of.as_deref(), s.app.clock().now())?;
    let window = Window::parse(
        as_of,
        q.from.as_deref(),
        q.to.as_deref(),
        q.types.as_deref(),
    )?;
    let missing = || ApiError::not_found("no such unit");
    if !scope.sees_unit(id) {
        return Err(missing());
    }
    let streams = unit_streams(&s, id, as_of).await?.ok_or_else(missing)?;
    let events = collect(&s, streams, &window).await?;
    Ok(Json(UnitHistory {
        unit_id: id,
        as_of,
        events,
    }))
}

/// `?from=&to=`
#[derive(Debug, Clone, Default, Serialize, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct DiffQuery {
    /// The earlier instant (RFC 3339).
    #[param(format = DateTime)]
    pub from: String,
    /// The later instant (RFC 3339; default now).
    #[param(format = DateTime)]
    pub to: Option<String>,
    /// Why the cadre's record is read (查阅事由), as for the history.
    #[param(min_length = 1, max_length = 200)]
    pub purpose: Option<String>,
}

/// An obligation whose light moved between two instants.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct LightChange {
    pub obligation_id: ObligationId,
    pub subject_name: String,
    pub period_label: String,
    pub content: String,
    /// Its light at `from`; absent if the board did not know it then.
    pub from: Option<Light>,
    pub to: Light,
    pub count_from: u32,
    pub count_to: u32,
}

/// What changed between two instants.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Diff {
    pub from: DateTime<Utc>,
    pub to: DateTime<Utc>,
    /// The events recorded after `from` and by `to`, oldest first.
    pub events: Vec<HistoryEvent>,
    /// The obligations whose light (or count) differs between the two instants.
    pub lights: Vec<LightChange>,
}

fn instants(s: &AppState, q: &DiffQuery) -> Result<(DateTime<Utc>, DateTime<Utc>), ApiError> {
    let now = s.app.clock().now();
    let from = crate::extract::instant("from", Some(&q.from))?.unwrap_or(now);
    let to = crate::extract::instant("to", q.to.as_deref())?.unwrap_or(now);
    if to < from {
        return Err(ApiError::invalid(
            "to",
            format!("{to} is before from {from}"),
        ));
    }
    Ok((from, to))
}

fn changes(then: Vec<ObligationView>, now: Vec<ObligationView>) -> Vec<LightChange> {
    let then: BTreeMap<ObligationId, ObligationView> =
        then.into_iter().map(|o| (o.obligation_id, o)).collect();
    now.into_iter()
        .filter_map(|o| {
            let before = then.get(&o.obligation_id);
            let moved = before.is_none_or(|b| b.light != o.light || b.count != o.count);
            moved.then(|| LightChange {
                obligation_id: o.obligation_id,
                subject_name: o.subject_name,
                period_label: o.period_label,
                content: o.content,
                from: before.map(|b| b.light),
                to: o.light,
                count_from: before.map_or(0, |b| b.count),
                count_to: o.count,
            })
        })
        .collect()
}

/// The events of `streams` recorded in (`from`, `to`].
async fn between(
    s: &AppState,
    streams: Vec<String>,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> Result<Vec<HistoryEvent>, ApiError> {
    let window = Window::parse(to, None, None, None)?;
    let mut events = collect(s, streams, &window).await?;
    events.retain(|e| e.recorded_at > from);
    Ok(events)
}

/// What changed in a cadre's record between two instants (for auditors): the events recorded in between and the personal obligations whose light or count moved. Recorded as a read of the cadre's history, like the history itself.
#[utoipa::path(
    get,
    path = "/api/v1/cadres/{id}/history/diff",
    operation_id = "cadre_history_diff",
    tag = "history",
    params(("id" = CadreId, Path, description = "The cadre."), DiffQuery),
    responses((status = 200, description = "The changes.", body = Diff))
)]
pub async fn cadre_diff(
    State(s): State<AppState>,
    acting: Acting,
    Path(id): Path<CadreId>,
    Params(q): Params<DiffQuery>,
) -> Result<Json<Diff>, ApiError> {
    acting.reader()?;
    let (from, to) = instants(&s, &q)?;
    let purpose = super::history::purpose(q.purpose.as_deref())?;
    let route = format!("GET /cadres/{id}/history/diff");
    let head = s.store.head().await?;
    let read = super::history::Read {
        id,
        as_of: Some(to),
        purpose,
        route: &route,
        request: &q,
    };
    let gather = async {
        let streams = cadre_streams(&s, id, to, head).await?;
        between(&s, streams, from, to).await
    };
    let events = super::history::served_once_recorded(&s, &acting, read, gather).await?;
    let (then, now) = s
        .views
        .query(move |c| {
            Ok((
                board::cadre_obligations(c, id, from)?.unwrap_or_default(),
                board::cadre_obligations(c, id, to)?.unwrap_or_default(),
            ))
        })
        .await?;
    Ok(Json(Diff {
        from,
        to,
        events,
        lights: changes(then, now),
    }))
}

/// What changed in a unit's record between two instants: the events recorded in between and the obligations counted under it whose light or count moved.
#[utoipa::path(
    get,
    path = "/api/v1/units/{id}/history/diff",
    operation_id = "unit_history_diff",
    tag = "history",
    params(("id" = UnitId, Path, description = "The unit."), DiffQuery),
    responses((status = 200, description = "The changes.", body = Diff))
)]
pub async fn unit_diff(
    State(s): State<AppState>,
    acting: Acting,
    Path(id): Path<UnitId>,
    Params(q): Params<DiffQuery>,
) -> Result<Json<Diff>, ApiError> {
    let scope = acting.reader()?.clone();
    let (from, to) = instants(&s, &q)?;
    // A unit's record is not a cadre's: its read is not recorded, so a purpose is not
    // needed; one given is still checked, as the query's description promises.
    super::history::purpose(q.purpose.as_deref())?;
    let missing = || ApiError::not_found("no such unit");
    if !scope.sees_unit(id) {
        return Err(missing());
    }
    let streams = unit_streams(&s, id, to).await?.ok_or_else(missing)?;
    let events = between(&s, streams, from, to).await?;
    let (then, now) = s
        .views
        .query(move |c| {
            Ok((
                board::unit_obligations(c, id, from)?.unwrap_or_default(),
                board::unit_obligations(c, id, to)?.unwrap_or_default(),
            ))
        })
        .await?;
    Ok(Json(Diff {
        from,
        to,
        events,
        lights: changes(then, now),
    }))
}
