//! Registering the organisation: units, discipline groups, cadres, leaders in charge.

use super::Written;
use crate::acting::Acting;
use crate::extract::Body;
use crate::extract::Ids as Path;
use crate::problem::ApiError;
use crate::state::AppState;
use axum::extract::State;
use axum::response::Response;
use domain::cadre::{RegisterCadre, TransferCadre};
use domain::group::{ChangeGroupStationing, RegisterDisciplineGroup};
use domain::ids::{CadreId, GroupId, LeaderId, UnitId};
use domain::leader::{ChangeLeaderUnits, RegisterLeaderInCharge};
use domain::org::{CadreDuty, UnitKind};
use domain::unit::RegisterUnit;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// A unit to register.
#[derive(Debug, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewUnit {
    /// The id to give it; default: derived from the Idempotency-Key if one is sent (so a
    /// retry creates the same thing), else a fresh UUIDv7.
    pub unit_id: Option<Uuid>,
    pub name: String,
    pub kind: UnitKind,
}

/// Registers a unit (党委 / 党工委 / 党组).
#[utoipa::path(
    post,
    path = "/api/v1/units",
    tag = "organisation",
    request_body = NewUnit,
    responses((status = 201, description = "Registered; `id` is the unit's.", body = Written))
)]
pub async fn register_unit(
    State(s): State<AppState>,
    acting: Acting,
    Body(req): Body<NewUnit>,
) -> Result<Response, ApiError> {
    acting.commission("administer the organisation")?;
    let meta = acting.meta("POST /units", &req);
    let unit_id = UnitId(acting.new_id(req.unit_id, "unit"));
    let out = s
        .app
        .register_unit(
            RegisterUnit {
                unit_id,
                name: req.name,
                kind: req.kind,
            },
            &meta,
        )
        .await?;
    Ok(Written::new(unit_id.uuid(), &out).created())
}

/// A discipline group to register.
#[derive(Debug, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewGroup {
    /// The id to give it; default: derived from the Idempotency-Key if one is sent (so a
    /// retry creates the same thing), else a fresh UUIDv7.
    pub group_id: Option<Uuid>,
    pub name: String,
    /// The units it supervises.
    pub stationed_in: Vec<UnitId>,
}

/// Registers a stationed discipline inspection group (派驻纪检组).
#[utoipa::path(
    post,
    path = "/api/v1/groups",
    tag = "organisation",
    request_body = NewGroup,
    responses((status = 201, description = "Registered; `id` is the group's.", body = Written))
)]
pub async fn register_group(
    State(s): State<AppState>,
    acting: Acting,
    Body(req): Body<NewGroup>,
) -> Result<Response, ApiError> {
    acting.commission("administer the organisation")?;
    let meta = acting.meta("POST /groups", &req);
    let group_id = GroupId(acting.new_id(req.group_id, "group"));
    let c = RegisterDisciplineGroup {
        group_id,
        name: req.name,
        stationed_in: req.stationed_in,
    };
    let out = s.app.group_command(group_id, c.into(), &meta).await?;
    Ok(Written::new(group_id.uuid(), &out).created())
}

/// The units a discipline group is now stationed in.
#[derive(Debug, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Stationing {
    pub stationed_in: Vec<UnitId>,
}

/// Changes the units a discipline group is stationed in.
#[utoipa::path(
    put,
    path = "/api/v1/groups/{id}/stationing",
    tag = "organisation",
    params(("id" = GroupId, Path, description = "The discipline group.")),
    request_body = Stationing,
    responses((status = 200, description = "Changed.", body = Written))
)]
pub async fn change_stationing(
    State(s): State<AppState>,
    acting: Acting,
    Path(group_id): Path<GroupId>,
    Body(req): Body<Stationing>,
) -> Result<Response, ApiError> {
    acting.commission("administer the organisation")?;
    let meta = acting.meta(&format!("PUT /groups/{group_id}/stationing"), &req);
    let c = ChangeGroupStationing {
        group_id,
        stationed_in: req.stationed_in,
    };
    let out = s.app.group_command(group_id, c.into(), &meta).await?;
    Ok(Written::new(group_id.uuid(), &out).ok())
}

/// A cadre to register.
#[derive(Debug, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewCadre {
    /// The id to give it; default: derived from the Idempotency-Key if one is sent (so a
    /// retry creates the same thing), else a fresh UUIDv7.
    pub cadre_id: Option<Uuid>,
    pub name: String,
    pub post: String,
    pub duty: CadreDuty,
    #[serde(default)]
    pub direct_leader: Option<CadreId>,
}

/// Registers a leading cadre and their duty.
#[utoipa::path(
    post,
    path = "/api/v1/cadres",
    tag = "organisation",
    request_body = NewCadre,
    responses((status = 201, description = "Registered; `id` is the cadre's.", body = Written))
)]
pub async fn register_cadre(
    State(s): State<AppState>,
    acting: Acting,
    Body(req): Body<NewCadre>,
) -> Result<Response, ApiError> {
    acting.commission("administer the organisation")?;
    let meta = acting.meta("POST /cadres", &req);
    let cadre_id = CadreId(acting.new_id(req.cadre_id, "cadre"));
    let c = RegisterCadre {
        cadre_id,
        name: req.name,
        post: req.post,
        duty: req.duty,
        direct_leader: req.direct_leader,
    };
    let out = s.app.cadre_command(cadre_id, c.into(), &meta).await?;
    Ok(Written::new(cadre_id.uuid(), &out).created())
}

/// A cadre's new post and duty.
#[derive(Debug, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Transfer {
    pub post: String,
    pub duty: CadreDuty,
    #[serde(default)]
    pub direct_leader: Option<CadreId>,
}

/// Transfers a cadre to another post or duty.
#[utoipa::path(
    post,
    path = "/api/v1/cadres/{id}/transfer",
    tag = "organisation",
    params(("id" = CadreId, Path, description = "The cadre.")),
    request_body = Transfer,
    responses((status = 200, description = "Transferred.", body = Written))
)]
pub async fn transfer_cadre(
    State(s): State<AppState>,
    acting: Acting,
    Path(cadre_id): Path<CadreId>,
    Body(req): Body<Transfer>,
) -> Result<Response, ApiError> {
    acting.commission("administer the organisation")?;
    let meta = acting.meta(&format!("POST /cadres/{cadre_id}/transfer"), &req);
    let c = TransferCadre {
        cadre_id,
        post: req.post,
        duty: req.duty,
        direct_leader: req.direct_leader,
    };
    let out = s.app.cadre_command(cadre_id, c.into(), &meta).await?;
    Ok(Written::new(cadre_id.uuid(), &out).ok())
}

/// A district leader in charge to register.
#[derive(Debug, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewLeader {
    /// The id to give it; default: derived from the Idempotency-Key if one is sent (so a
    /// retry creates the same thing), else a fresh UUIDv7.
    pub leader_id: Option<Uuid>,
    pub name: String,
    pub units: Vec<UnitId>,
}

/// Registers a district leader in charge of units (分管联系区领导).
#[utoipa::path(
    post,
    path = "/api/v1/leaders",
    tag = "organisation",
    request_body = NewLeader,
    responses((status = 201, description = "Registered; `id` is the leader's.", body = Written))
)]
pub async fn register_leader(
    State(s): State<AppState>,
    acting: Acting,
    Body(req): Body<NewLeader>,
) -> Result<Response, ApiError> {
    acting.commission("administer the organisation")?;
    let meta = acting.meta("POST /leaders", &req);
    let leader_id = LeaderId(acting.new_id(req.leader_id, "leader"));
    let c = RegisterLeaderInCharge {
        leader_id,
        name: req.name,
        units: req.units,
    };
    let out = s.app.leader_command(leader_id, c.into(), &meta).await?;
    Ok(Written::new(leader_id.uuid(), &out).created())
}

/// The units a leader is now in charge of.
#[derive(Debug, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LeaderUnits {
    pub units: Vec<UnitId>,
}

/// Changes the units a leader is in charge of.
#[utoipa::path(
    put,
    path = "/api/v1/leaders/{id}/units",
    tag = "organisation",
    params(("id" = LeaderId, Path, description = "The leader in charge.")),
    request_body = LeaderUnits,
    responses((status = 200, description = "Changed.", body = Written))
)]
pub async fn change_leader_units(
    State(s): State<AppState>,
    acting: Acting,
    Path(leader_id): Path<LeaderId>,
    Body(req): Body<LeaderUnits>,
) -> Result<Response, ApiError> {
    acting.commission("administer the organisation")?;
    let meta = acting.meta(&format!("PUT /leaders/{leader_id}/units"), &req);
    let c = ChangeLeaderUnits {
        leader_id,
        units: req.units,
    };
    let out = s.app.leader_command(leader_id, c.into(), &meta).await?;
    Ok(Written::new(leader_id.uuid(), &out).ok())
}
