//! The board (履责红黄绿灯) and obligation queries; every one answers `as_of` an instant
//! (default now) and can wait for `min_position` to read the caller's own writes.

use crate::extract::{Ids as Path, Params};
use crate::problem::ApiError;
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use board::{LightCounts, ObligationView, OwnerLights};
use chrono::{DateTime, Utc};
use domain::ids::{CadreId, GroupId, UnitId};
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
    /// `position` a command answered), to read your own writes.
    pub min_position: Option<u64>,
}

impl Query {
    /// The instant asked for, after waiting for `min_position`.
    async fn resolve(&self, s: &AppState) -> Result<DateTime<Utc>, ApiError> {
        if let Some(p) = self.min_position {
            s.wait_for(BOARD, p).await?;
        }
        crate::extract::AsOf {
            as_of: self.as_of.clone(),
        }
        .resolve(s.app.clock().now())
    }
}

/// The district overview.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct BoardView {
    pub as_of: DateTime<Utc>,
    /// Every obligation of the district, by light.
    pub totals: LightCounts,
    /// One row per unit and per discipline group.
    pub units: Vec<OwnerLights>,
}

/// The district overview: per unit and discipline group, its obligations counted by light.
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
    Params(q): Params<Query>,
) -> Result<Json<BoardView>, ApiError> {
    let as_of = q.resolve(&s).await?;
    let (totals, units) = overview(&s, as_of).await?;
    Ok(Json(BoardView {
        as_of,
        totals,
        units: units.as_ref().clone(),
    }))
}

/// The district overview as of `as_of`, from the cache when it can be.
///
/// When `as_of` is at or after the `recorded_at` of the last event the board has applied,
/// every fact the board holds is known at `as_of`, and the answer depends only on the
/// board's position and the local date of `as_of` (lights change at local midnight). That
/// is the board everyone opens in the morning, so it is computed once per new event or new
/// day, not once per request. Any other `as_of` (the past) is computed afresh.
async fn overview(
    s: &AppState,
    as_of: DateTime<Utc>,
) -> Result<(LightCounts, Arc<Vec<OwnerLights>>), ApiError> {
    let position = s.position(BOARD).await?;
    let date = domain::calendar::local_date(as_of);
    if let Some(hit) = s.board_cache.get(position, date) {
        return Ok(hit);
    }
    let latest = if position == 0 {
        None
    } else {
        s.store
            .read_all(position, &Filter::all(), 1)
            .await?
            .events
            .first()
            .map(|e| e.recorded_at)
    };
    let cacheable = latest.is_none_or(|t| as_of >= t);
    let units = s
        .views
        .query(move |c| board::district_overview(c, as_of))
        .await?;
    let mut totals = LightCounts::default();
    for u in &units {
        for l in domain::light::Light::ALL {
            totals.add(l, u.lights.get(l));
        }
    }
    let units = Arc::new(units);
    if cacheable {
        s.board_cache.put(position, date, totals, units.clone());
    }
    Ok((totals, units))
}

/// Obligations of one unit, group or cadre.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Obligations {
    pub as_of: DateTime<Utc>,
    pub obligations: Vec<ObligationView>,
}

fn found(
    as_of: DateTime<Utc>,
    what: &str,
    id: impl std::fmt::Display,
    found: Option<Vec<ObligationView>>,
) -> Result<Json<Obligations>, ApiError> {
    found
        .map(|obligations| Json(Obligations { as_of, obligations }))
        .ok_or_else(|| ApiError::not_found(format!("{what} {id} is not known as of {as_of}")))
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
    Params(q): Params<Query>,
) -> Result<Json<Obligations>, ApiError> {
    let as_of = q.resolve(&s).await?;
    let r = s
        .views
        .query(move |c| board::unit_obligations(c, id, as_of))
        .await?;
    found(as_of, "unit", id, r)
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
    Params(q): Params<Query>,
) -> Result<Json<Obligations>, ApiError> {
    let as_of = q.resolve(&s).await?;
    let r = s
        .views
        .query(move |c| board::group_obligations(c, id, as_of))
        .await?;
    found(as_of, "discipline group", id, r)
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
    Params(q): Params<Query>,
) -> Result<Json<Obligations>, ApiError> {
    let as_of = q.resolve(&s).await?;
    let r = s
        .views
        .query(move |c| board::cadre_obligations(c, id, as_of))
        .await?;
    found(as_of, "cadre", id, r)
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
    Params(q): Params<Query>,
) -> Result<Json<Vec<OwnerLights>>, ApiError> {
    let as_of = q.resolve(&s).await?;
    Ok(Json(
        s.views
            .query(move |c| board::district_overview(c, as_of))
            .await?,
    ))
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
    Params(q): Params<Query>,
) -> Result<Json<Vec<board::CadreView>>, ApiError> {
    let as_of = q.resolve(&s).await?;
    Ok(Json(s.views.query(move |c| board::cadres(c, as_of)).await?))
}
