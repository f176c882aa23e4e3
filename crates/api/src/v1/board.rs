//! The board (履责红黄绿灯) and obligation queries; every one answers `as_of` an instant
//! (default now) and can wait for `min_position` to read the caller's own writes.

use crate::acting::Acting;
use crate::cache::AsOfKey;
use crate::extract::{Ids as Path, Params};
use crate::problem::ApiError;
use crate::spliced::Tail;
use crate::state::{AppState, Overview, Target};
use axum::Json;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::Response;
use board::{LightCounts, ObligationView, Owner, OwnerLights};
use chrono::{DateTime, Utc};
use domain::ids::{CadreId, GroupId, UnitId};
use domain::user::Scope;
use event_store::Filter;
use serde::{Deserialize, Serialize};
use std::sync::Arc;

/// The read model these queries use.
pub const BOARD: &str = "board";

/// `?as_of=&min_position=`
#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct Query {
    /// The instant to answer as of, RFC 3339 (e.g. `2026-06-30T23:59:59+08:00`); default now.
    #[param(format = DateTime, example = "2026-06-30T23:59:59+08:00")]
    pub as_of: Option<String>,
    /// Wait (up to 5 s) until the board has applied the log up to this position (the
    /// `position` a command answered), to read your own writes. A position beyond the end
    /// of the log is refused (422).
    pub min_position: Option<u64>,
}

impl Query {
    /// The instant asked for, after waiting for `min_position`.
    async fn resolve(&self, s: &AppState) -> Result<DateTime<Utc>, ApiError> {
        if let Some(p) = self.min_position {
            // A position the log has not reached was answered by no command: waiting for
            // it would only time out (a 503 for a bad request).
            let head = s.store.head().await?;
            if p > head {
                return Err(ApiError::invalid(
                    "min_position",
                    format!(
                        "position {p} is beyond the end of the log ({head}): pass the \
                         `position` a command answered"
                    ),
                ));
            }
            s.wait_for(BOARD, p).await?;
        }
        crate::extract::as_of(self.as_of.as_deref(), s.app.clock().now())
    }
}

/// The district overview.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct BoardView {
    pub as_of: DateTime<Utc>,
    /// Every obligation of the district (in scope), by light.
    pub totals: LightCounts,
    /// Problems of the ledger (in scope) whose rectification was overdue (red) then.
    pub overdue_problems: u32,
    /// One row per unit and per discipline group.
    pub units: Vec<BoardRow>,
}

/// One row of the board: a unit's (or group's) obligations by light, and its problems
/// overdue.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct BoardRow {
    #[serde(flatten)]
    pub lights: OwnerLights,
    /// Problems of the unit whose rectification was overdue (red) then (整改逾期); 0 for a
    /// discipline group.
    pub overdue_problems: u32,
}

/// The district overview: per unit and discipline group, its obligations counted by light,
/// and each unit's overdue rectifications.
#[utoipa::path(
    get,
    path = "/api/v1/board",
    operation_id = "board",
    tag = "board",
    params(Query),
    responses((status = 200, description = "The board as of the instant asked.", body = BoardView))
)]
pub async fn board(
    State(s): State<AppState>,
    acting: Acting,
    headers: HeaderMap,
    Params(q): Params<Query>,
) -> Result<Response, ApiError> {
    let scope = acting.reader()?;
    let as_of = q.resolve(&s).await?;
    let key = as_of_key(&s, as_of).await?;
    let head = head(as_of)?;
    let gzip = crate::spliced::accepts_gzip(&headers);
    if let Scope::Everything = scope {
        // The whole district: the same bytes for every reader at this key (ADR 0005).
        let cache_key = (key, s.position(LEDGER).await?);
        let tail = match s.caches.board_tail.get(&cache_key) {
            Some(hit) => hit,
            None => {
                let (totals, rows) = overview_at(&s, key, as_of).await?;
                let overdue = overdue_by_unit(&s, key, as_of).await?;
                let tail = Arc::new(tail(totals, board_rows(rows.iter().cloned(), &overdue))?);
                s.caches.board_tail.put(cache_key, tail.clone());
                tail
            }
        };
        return Ok(tail.answer(&head, gzip));
    }
    let (_, rows) = overview_at(&s, key, as_of).await?;
    let visible = visible_rows(scope, &rows);
    let totals = totals_of(&visible);
    let overdue = overdue_by_unit(&s, key, as_of).await?;
    let tail = tail(totals, board_rows(visible.into_iter(), &overdue))?;
    // Made for this request alone: compressed only if that pays.
    let gzip = gzip && tail.len() >= crate::spliced::WORTH_COMPRESSING;
    Ok(tail.answer(&head, gzip))
}

/// `{"as_of":"…",`: the head of a [`BoardView`], the one field that differs between
/// requests answered from the same cached rows.
fn head(as_of: DateTime<Utc>) -> Result<Vec<u8>, ApiError> {
    let mut head = br#"{"as_of":"#.to_vec();
    serde_json::to_writer(&mut head, &as_of).map_err(ApiError::internal)?;
    head.push(b',');
    Ok(head)
}

/// A [`BoardView`] after its `as_of`, in the same order of fields.
#[derive(Serialize)]
struct BoardTail {
    totals: LightCounts,
    overdue_problems: u32,
    units: Vec<BoardRow>,
}

/// The board after its `as_of`: `totals` and the rows, with their overdue problems summed.
fn tail(totals: LightCounts, units: Vec<BoardRow>) -> Result<Tail, ApiError> {
    Tail::of(&BoardTail {
        totals,
        overdue_problems: units.iter().map(|u| u.overdue_problems).sum(),
        units,
    })
    .map_err(ApiError::internal)
}

/// Board rows of `lights`, each unit's with its overdue problems.
fn board_rows(
    lights: impl Iterator<Item = OwnerLights>,
    overdue: &std::collections::BTreeMap<UnitId, u32>,
) -> Vec<BoardRow> {
    lights
        .map(|lights| {
            let overdue_problems = match lights.owner {
                Owner::Unit { unit_id } => overdue.get(&unit_id).copied().unwrap_or(0),
                Owner::DisciplineGroup { .. } => 0,
            };
            BoardRow {
                lights,
                overdue_problems,
            }
        })
        .collect()
}

/// The ledger's overdue problems per unit as of `as_of`, computed once per board instant
/// and ledger position (the ledger moves on its own, so its position is part of the key).
async fn overdue_by_unit(
    s: &AppState,
    board: AsOfKey,
    as_of: DateTime<Utc>,
) -> Result<Arc<std::collections::BTreeMap<domain::ids::UnitId, u32>>, ApiError> {
    let key = (board, s.position(LEDGER).await?);
    if let Some(hit) = s.caches.overdue.get(&key) {
        return Ok(hit);
    }
    let found = Arc::new(
        s.views
            .query(move |c| ledger::overdue_by_unit(c, as_of))
            .await?,
    );
    s.caches.overdue.put(key, found.clone());
    Ok(found)
}

/// The lights of `rows`, added up.
fn totals_of(rows: &[OwnerLights]) -> LightCounts {
    let mut totals = LightCounts::default();
    for u in rows {
        for l in domain::light::Light::ALL {
            totals.add(l, u.lights.get(l));
        }
    }
    totals
}

/// The read model of problems.
const LEDGER: &str = "ledger";

/// The board rows of the units and groups in scope.
fn visible_rows(scope: &Scope, rows: &[OwnerLights]) -> Vec<OwnerLights> {
    rows.iter()
        .filter(|r| match r.owner {
            Owner::Unit { unit_id } => scope.sees_unit(unit_id),
            Owner::DisciplineGroup { group_id } => scope.sees_group(group_id),
        })
        .cloned()
        .collect()
}

/// When the answer for `as_of` holds, given how far the board has got.
async fn as_of_key(s: &AppState, as_of: DateTime<Utc>) -> Result<AsOfKey, ApiError> {
    let position = s.position(BOARD).await?;
    let latest = match s.caches.recorded_at.get(&position) {
        Some(t) => t,
        None if position == 0 => None,
        None => {
            let t = s
                .store
                .read_all(position, &Filter::all(), 1)
                .await?
                .events
                .first()
                .map(|e| e.recorded_at);
            s.caches.recorded_at.put(position, t);
            t
        }
    };
    Ok(AsOfKey::new(as_of, position, latest))
}

/// The district overview as of `as_of`, computed once per [`AsOfKey`] (ADR 0005).
async fn overview(s: &AppState, as_of: DateTime<Utc>) -> Result<Overview, ApiError> {
    let key = as_of_key(s, as_of).await?;
    overview_at(s, key, as_of).await
}

/// The district overview for `key`, the [`AsOfKey`] of `as_of`.
async fn overview_at(
    s: &AppState,
    key: AsOfKey,
    as_of: DateTime<Utc>,
) -> Result<Overview, ApiError> {
    if let Some(hit) = s.caches.board.get(&key) {
        return Ok(hit);
    }
    let units = s
        .views
        .query(move |c| board::district_overview(c, as_of))
        .await?;
    let answer = (totals_of(&units), Arc::new(units));
    s.caches.board.put(key, answer.clone());
    Ok(answer)
}

/// The obligations of a unit, group or cadre as of `as_of`, computed once per
/// [`AsOfKey`].
async fn obligations(
    s: &AppState,
    target: Target,
    as_of: DateTime<Utc>,
) -> Result<Arc<Option<Vec<ObligationView>>>, ApiError> {
    let key = (target, as_of_key(s, as_of).await?);
    if let Some(hit) = s.caches.obligations.get(&key) {
        return Ok(hit);
    }
    let found = s
        .views
        .query(move |c| match target {
            Target::Unit(id) => board::unit_obligations(c, id, as_of),
            Target::Group(id) => board::group_obligations(c, id, as_of),
            Target::Cadre(id) => board::cadre_obligations(c, id, as_of),
        })
        .await?;
    let answer = Arc::new(found);
    s.caches.obligations.put(key, answer.clone());
    Ok(answer)
}

/// Obligations of one unit, group or cadre.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Obligations {
    pub as_of: DateTime<Utc>,
    pub obligations: Vec<ObligationView>,
}

/// The answer, with only the obligations whose subject is in scope. A target outside the
/// scope is answered exactly as one that does not exist (ADR 0008).
fn found(
    scope: &Scope,
    in_scope: bool,
    as_of: DateTime<Utc>,
    what: &str,
    found: &Option<Vec<ObligationView>>,
) -> Result<Json<Obligations>, ApiError> {
    found
        .as_ref()
        .filter(|_| in_scope)
        .map(|obligations| {
            Json(Obligations {
                as_of,
                obligations: obligations
                    .iter()
                    .filter(|o| scope.sees_subject(&o.subject))
                    .cloned()
                    .collect(),
            })
        })
        // Not the id: the answer for a target outside the scope repeats nothing of it.
        .ok_or_else(|| ApiError::not_found(format!("no such {what} as of {as_of}")))
}

/// The obligations of a unit: its leadership team's and its cadres', each with its light.
#[utoipa::path(
    get,
    path = "/api/v1/units/{id}/obligations",
    tag = "board",
    params(("id" = UnitId, Path, description = "The unit."), Query),
    responses((status = 200, description = "The unit's obligations, by subject, then deadline.", body = Obligations))
)]
pub async fn unit_obligations(
    State(s): State<AppState>,
    Path(id): Path<UnitId>,
    acting: Acting,
    Params(q): Params<Query>,
) -> Result<Json<Obligations>, ApiError> {
    let scope = acting.reader()?;
    let as_of = q.resolve(&s).await?;
    let in_scope = scope.sees_unit(id);
    let r = if in_scope {
        obligations(&s, Target::Unit(id), as_of).await?
    } else {
        Arc::new(None)
    };
    found(scope, in_scope, as_of, "unit", &r)
}

/// The obligations of a discipline group (and of its cadres), each with its light.
#[utoipa::path(
    get,
    path = "/api/v1/groups/{id}/obligations",
    tag = "board",
    params(("id" = GroupId, Path, description = "The discipline group."), Query),
    responses((status = 200, description = "The group's obligations, by subject, then deadline.", body = Obligations))
)]
pub async fn group_obligations(
    State(s): State<AppState>,
    Path(id): Path<GroupId>,
    acting: Acting,
    Params(q): Params<Query>,
) -> Result<Json<Obligations>, ApiError> {
    let scope = acting.reader()?;
    let as_of = q.resolve(&s).await?;
    let in_scope = scope.sees_group(id);
    let r = if in_scope {
        obligations(&s, Target::Group(id), as_of).await?
    } else {
        Arc::new(None)
    };
    found(scope, in_scope, as_of, "discipline group", &r)
}

/// The personal obligations of a cadre, each with its light.
#[utoipa::path(
    get,
    path = "/api/v1/cadres/{id}/obligations",
    tag = "board",
    params(("id" = CadreId, Path, description = "The cadre."), Query),
    responses((status = 200, description = "The cadre's obligations, by subject, then deadline.", body = Obligations))
)]
pub async fn cadre_obligations(
    State(s): State<AppState>,
    Path(id): Path<CadreId>,
    acting: Acting,
    Params(q): Params<Query>,
) -> Result<Json<Obligations>, ApiError> {
    let scope = acting.reader()?;
    let as_of = q.resolve(&s).await?;
    let in_scope = scope.sees_cadre(id);
    let r = if in_scope {
        obligations(&s, Target::Cadre(id), as_of).await?
    } else {
        Arc::new(None)
    };
    found(scope, in_scope, as_of, "cadre", &r)
}

/// `GET /units`: the units and discipline groups known now, with their lights.
#[utoipa::path(
    get,
    path = "/api/v1/units",
    operation_id = "list_units",
    tag = "board",
    params(Query),
    responses((status = 200, description = "Units, then discipline groups, each by name.", body = Vec<OwnerLights>))
)]
pub async fn units(
    State(s): State<AppState>,
    acting: Acting,
    Params(q): Params<Query>,
) -> Result<Json<Vec<OwnerLights>>, ApiError> {
    let scope = acting.reader()?;
    let as_of = q.resolve(&s).await?;
    let (_, rows) = overview(&s, as_of).await?;
    Ok(Json(visible_rows(scope, &rows)))
}

/// `GET /cadres`: the cadres known now.
#[utoipa::path(
    get,
    path = "/api/v1/cadres",
    operation_id = "list_cadres",
    tag = "board",
    params(Query),
    responses((status = 200, description = "The cadres known at the instant, by name.", body = Vec<board::CadreView>))
)]
pub async fn cadres(
    State(s): State<AppState>,
    acting: Acting,
    Params(q): Params<Query>,
) -> Result<Json<Vec<board::CadreView>>, ApiError> {
    let scope = acting.reader()?.clone();
    let as_of = q.resolve(&s).await?;
    let mut all = s.views.query(move |c| board::cadres(c, as_of)).await?;
    all.retain(|c| scope.sees_cadre(c.cadre_id));
    // A direct leader outside the scope is not named either.
    for c in &mut all {
        if c.direct_leader.is_some_and(|d| !scope.sees_cadre(d)) {
            c.direct_leader = None;
        }
    }
    Ok(Json(all))
}
