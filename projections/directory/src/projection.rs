//! The directory's fold.

use crate::sql;
use domain::events::{DecodeError, Event};
use domain::org::CadreDuty;
use domain::user::Account;
use event_store::{Filter, RecordedEvent};
use projector::{Projection, ProjectionError};
use rusqlite::{Transaction, params};

/// The directory projection.
#[derive(Debug, Clone, Copy, Default)]
pub struct Directory;

impl Directory {
    /// Its name, the key of its checkpoint.
    pub const NAME: &'static str = "directory";
    /// Its tables.
    pub const TABLES: &'static [&'static str] = &[
        "directory_users",
        "directory_cadres",
        "directory_stationing",
        "directory_leader_units",
        "directory_access",
    ];
    /// The events it folds.
    pub const EVENT_TYPES: &'static [&'static str] = &[
        "DisciplineGroupRegistered",
        "GroupStationingChanged",
        "CadreRegistered",
        "CadreTransferred",
        "LeaderInChargeRegistered",
        "LeaderUnitsChanged",
        "UserRegistered",
        "UserDeactivated",
        "UserReactivated",
        "HistoryRead",
    ];
}

/// A cadre's duty as columns: (duty, owner).
pub(crate) fn duty_columns(duty: &CadreDuty) -> (&'static str, String) {
    match duty {
        CadreDuty::PrincipalLeader { unit_id } => ("principal_leader", unit_id.to_string()),
        CadreDuty::TeamMember { unit_id } => ("team_member", unit_id.to_string()),
        CadreDuty::DisciplineGroup { group_id } => ("discipline_group", group_id.to_string()),
    }
}

/// An account as columns: (kind, link).
pub(crate) fn account_columns(account: &Account) -> (&'static str, Option<String>) {
    match account {
        Account::Cadre { cadre_id } => ("cadre", Some(cadre_id.to_string())),
        Account::Leader { leader_id } => ("leader", Some(leader_id.to_string())),
        Account::Commission => ("commission", None),
        Account::Auditor => ("auditor", None),
        Account::Regulator => ("regulator", None),
    }
}

impl Projection for Directory {
    fn name(&self) -> &'static str {
        Self::NAME
    }

    fn version(&self) -> u32 {
        // 2: the purpose of a history read (HistoryRead v2).
        2
    }

    fn schema(&self) -> &'static str {
        sql::SCHEMA
    }

    fn tables(&self) -> &'static [&'static str] {
        Self::TABLES
    }

    fn filter(&self) -> Filter {
        Filter::of_types(Self::EVENT_TYPES)
    }

    fn apply(&self, tx: &Transaction<'_>, event: &RecordedEvent) -> Result<(), ProjectionError> {
        let decoded = match Event::decode(
            event.event_type.as_str(),
            event.schema_version,
            event.payload.as_str(),
        ) {
            Ok(e) => e,
            Err(DecodeError::UnknownType(_)) => return Ok(()),
            // serde's message may quote the payload: say only what failed.
            Err(_) => {
                return Err(ProjectionError::event(
                    event,
                    format!(
                        "{} v{} cannot be read by this build",
                        event.event_type, event.schema_version
                    ),
                ));
            }
        };
        let at = event.recorded_at.timestamp_micros();
        match decoded {
            Event::UserRegistered(e) => {
                let (kind, link) = account_columns(&e.account);
                tx.prepare_cached(sql::USER_INSERT)?.execute(params![
                    e.user_id.to_string(),
                    e.username,
                    e.display_name,
                    kind,
                    link,
                    at
                ])?;
            }
            Event::UserDeactivated(e) => {
                tx.prepare_cached(sql::USER_SET_ACTIVE)?
                    .execute(params![e.user_id.to_string(), 0])?;
            }
            Event::UserReactivated(e) => {
                tx.prepare_cached(sql::USER_SET_ACTIVE)?
                    .execute(params![e.user_id.to_string(), 1])?;
            }
            Event::CadreRegistered(e) => {
                let (duty, owner) = duty_columns(&e.duty);
                tx.prepare_cached(sql::CADRE_UPSERT)?.execute(params![
                    e.cadre_id.to_string(),
                    e.name,
                    duty,
                    owner,
                    e.direct_leader.map(|c| c.to_string())
                ])?;
            }
            Event::CadreTransferred(e) => {
                let (duty, owner) = duty_columns(&e.duty);
                tx.prepare_cached(sql::CADRE_TRANSFER)?.execute(params![
                    e.cadre_id.to_string(),
                    duty,
                    owner,
                    e.direct_leader.map(|c| c.to_string())
                ])?;
            }
            Event::DisciplineGroupRegistered(e) => {
                replace(
                    tx,
                    sql::STATIONING_CLEAR,
                    sql::STATIONING_ADD,
                    &e.group_id,
                    &e.stationed_in,
                )?;
            }
            Event::GroupStationingChanged(e) => {
                replace(
                    tx,
                    sql::STATIONING_CLEAR,
                    sql::STATIONING_ADD,
                    &e.group_id,
                    &e.stationed_in,
                )?;
            }
            Event::LeaderInChargeRegistered(e) => {
                replace(
                    tx,
                    sql::LEADER_UNITS_CLEAR,
                    sql::LEADER_UNITS_ADD,
                    &e.leader_id,
                    &e.units,
                )?;
            }
            Event::LeaderUnitsChanged(e) => {
                replace(
                    tx,
                    sql::LEADER_UNITS_CLEAR,
                    sql::LEADER_UNITS_ADD,
                    &e.leader_id,
                    &e.units,
                )?;
            }
            Event::HistoryRead(e) => {
                tx.prepare_cached(sql::ACCESS_INSERT)?.execute(params![
                    i64::try_from(event.position).unwrap_or(i64::MAX),
                    e.reader.to_string(),
                    e.cadre_id.to_string(),
                    e.as_of.map(|t| t.timestamp_micros()),
                    at,
                    e.purpose
                ])?;
            }
            _ => {}
        }
        Ok(())
    }
}

/// Replaces the set of units linked to `owner`.
fn replace(
    tx: &Transaction<'_>,
    clear: &str,
    add: &str,
    owner: &impl ToString,
    units: &[domain::ids::UnitId],
) -> rusqlite::Result<()> {
    let owner = owner.to_string();
    tx.prepare_cached(clear)?.execute([&owner])?;
    let mut add = tx.prepare_cached(add)?;
    for u in units {
        add.execute(params![owner, u.to_string()])?;
    }
    Ok(())
}
