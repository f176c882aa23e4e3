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

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewUnit {
    pub unit_id: Option<Uuid>,
    pub name: String,
    pub kind: UnitKind,
}

pub async fn register_unit(
    State(s): State<AppState>,
    acting: Acting,
    Body(req): Body<NewUnit>,
) -> Result<Response, ApiError> {
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

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewGroup {
    pub group_id: Option<Uuid>,
    pub name: String,
    pub stationed_in: Vec<UnitId>,
}

pub async fn register_group(
    State(s): State<AppState>,
    acting: Acting,
    Body(req): Body<NewGroup>,
) -> Result<Response, ApiError> {
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

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Stationing {
    pub stationed_in: Vec<UnitId>,
}

pub async fn change_stationing(
    State(s): State<AppState>,
    acting: Acting,
    Path(group_id): Path<GroupId>,
    Body(req): Body<Stationing>,
) -> Result<Response, ApiError> {
    let meta = acting.meta(&format!("PUT /groups/{group_id}/stationing"), &req);
    let c = ChangeGroupStationing {
        group_id,
        stationed_in: req.stationed_in,
    };
    let out = s.app.group_command(group_id, c.into(), &meta).await?;
    Ok(Written::new(group_id.uuid(), &out).ok())
}

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewCadre {
    pub cadre_id: Option<Uuid>,
    pub name: String,
    pub post: String,
    pub duty: CadreDuty,
    #[serde(default)]
    pub direct_leader: Option<CadreId>,
}

pub async fn register_cadre(
    State(s): State<AppState>,
    acting: Acting,
    Body(req): Body<NewCadre>,
) -> Result<Response, ApiError> {
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

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Transfer {
    pub post: String,
    pub duty: CadreDuty,
    #[serde(default)]
    pub direct_leader: Option<CadreId>,
}

pub async fn transfer_cadre(
    State(s): State<AppState>,
    acting: Acting,
    Path(cadre_id): Path<CadreId>,
    Body(req): Body<Transfer>,
) -> Result<Response, ApiError> {
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

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewLeader {
    pub leader_id: Option<Uuid>,
    pub name: String,
    pub units: Vec<UnitId>,
}

pub async fn register_leader(
    State(s): State<AppState>,
    acting: Acting,
    Body(req): Body<NewLeader>,
) -> Result<Response, ApiError> {
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

#[derive(Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LeaderUnits {
    pub units: Vec<UnitId>,
}

pub async fn change_leader_units(
    State(s): State<AppState>,
    acting: Acting,
    Path(leader_id): Path<LeaderId>,
    Body(req): Body<LeaderUnits>,
) -> Result<Response, ApiError> {
    let meta = acting.meta(&format!("PUT /leaders/{leader_id}/units"), &req);
    let c = ChangeLeaderUnits {
        leader_id,
        units: req.units,
    };
    let out = s.app.leader_command(leader_id, c.into(), &meta).await?;
    Ok(Written::new(leader_id.uuid(), &out).ok())
}
