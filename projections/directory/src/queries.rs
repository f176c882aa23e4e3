//! Reading the directory: users, the principal behind a login (role and scope), and the
//! record of history reads.

use crate::sql;
use chrono::{DateTime, Utc};
use domain::ids::{CadreId, GroupId, LeaderId, UnitId, UserId};
use domain::org::CadreDuty;
use domain::user::{Account, Role, Scope, Visible};
use rusqlite::{Connection, OptionalExtension as _, Row, params};
use serde::Serialize;
use std::collections::BTreeSet;
use std::str::FromStr;

/// A login as the directory knows it.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct UserView {
    pub user_id: UserId,
    pub username: String,
    pub display_name: String,
    pub account: Account,
    /// `false` once deactivated: the user cannot sign in.
    pub active: bool,
}

/// The person behind a request: who, in what role, seeing what.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Principal {
    pub user: UserView,
    pub role: Role,
    pub scope: Scope,
}

impl Principal {
    /// The cadre the user is, for a cadre's login.
    pub fn cadre(&self) -> Option<CadreId> {
        match self.user.account {
            Account::Cadre { cadre_id } => Some(cadre_id),
            _ => None,
        }
    }
}

fn bad(column: usize, value: &str) -> rusqlite::Error {
    rusqlite::Error::FromSqlConversionFailure(
        column,
        rusqlite::types::Type::Text,
        format!("unexpected stored value {value:?}").into(),
    )
}

fn parse<T: FromStr>(column: usize, s: &str) -> rusqlite::Result<T> {
    s.parse().map_err(|_| bad(column, s))
}

fn user_row(r: &Row<'_>) -> rusqlite::Result<UserView> {
    let id: String = r.get(0)?;
    let kind: String = r.get(3)?;
    let link: Option<String> = r.get(4)?;
    let link = || link.as_deref().ok_or_else(|| bad(4, "NULL"));
    let account = match kind.as_str() {
        "cadre" => Account::Cadre {
            cadre_id: parse(4, link()?)?,
        },
        "leader" => Account::Leader {
            leader_id: parse(4, link()?)?,
        },
        "commission" => Account::Commission,
        "auditor" => Account::Auditor,
        "regulator" => Account::Regulator,
        other => return Err(bad(3, other)),
    };
    Ok(UserView {
        user_id: parse(0, &id)?,
        username: r.get(1)?,
        display_name: r.get(2)?,
        account,
        active: r.get(5)?,
    })
}

/// One user, active or not.
pub fn user(c: &Connection, id: UserId) -> rusqlite::Result<Option<UserView>> {
    c.prepare_cached(sql::USER_BY_ID)?
        .query_row([id.to_string()], user_row)
        .optional()
}

/// The active user linked to a cadre or leader in charge, if any (一人一个ID).
pub fn user_for_link(c: &Connection, link: &str) -> rusqlite::Result<Option<UserView>> {
    c.prepare_cached(sql::USER_BY_LINK)?
        .query_row([link], user_row)
        .optional()
}

/// Every user, by username.
pub fn users(c: &Connection) -> rusqlite::Result<Vec<UserView>> {
    c.prepare_cached(sql::USERS)?
        .query_map([], user_row)?
        .collect()
}

fn ids<T: FromStr + Ord>(c: &Connection, query: &str, key: &str) -> rusqlite::Result<BTreeSet<T>> {
    let mut stmt = c.prepare_cached(query)?;
    let rows = stmt.query_map([key], |r| r.get::<_, String>(0))?;
    let mut out = BTreeSet::new();
    for id in rows {
        out.insert(parse(0, &id?)?);
    }
    Ok(out)
}

fn cadre_duty(c: &Connection, id: CadreId) -> rusqlite::Result<Option<CadreDuty>> {
    let row = c
        .prepare_cached(sql::CADRE_DUTY)?
        .query_row([id.to_string()], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?))
        })
        .optional()?;
    let Some((duty, owner)) = row else {
        return Ok(None);
    };
    Ok(Some(match duty.as_str() {
        "principal_leader" => CadreDuty::PrincipalLeader {
            unit_id: parse(1, &owner)?,
        },
        "team_member" => CadreDuty::TeamMember {
            unit_id: parse(1, &owner)?,
        },
        "discipline_group" => CadreDuty::DisciplineGroup {
            group_id: parse(1, &owner)?,
        },
        other => return Err(bad(0, other)),
    }))
}

/// The cadres whose current duty is in any of `owners` (units or groups).
fn cadres_of(
    c: &Connection,
    owners: impl IntoIterator<Item = String>,
) -> rusqlite::Result<BTreeSet<CadreId>> {
    let mut out = BTreeSet::new();
    for owner in owners {
        out.append(&mut ids(c, sql::CADRES_OF_OWNER, &owner)?);
    }
    Ok(out)
}

/// The principal behind a login, or `None` for an unknown or deactivated user. Role and
/// scope follow the organisation as it stands now (ADR 0008):
///
/// | role | sees |
/// |---|---|
/// | commission, auditor | everything |
/// | discipline group member | the group, the units it is stationed in and their cadres |
/// | principal leader | their unit (its leadership team) and the unit's cadres |
/// | leader in charge | the units linked to them and their cadres |
/// | team member | themself |
/// | regulator | no records (exports only) |
///
/// A cadre always sees their own record.
pub fn principal(c: &Connection, id: UserId) -> rusqlite::Result<Option<Principal>> {
    let Some(user) = user(c, id)? else {
        return Ok(None);
    };
    if !user.active {
        return Ok(None);
    }
    let (role, scope) = match user.account {
        Account::Commission => (Role::Commission, Scope::Everything),
        Account::Auditor => (Role::Auditor, Scope::Everything),
        Account::Regulator => (Role::Regulator, Scope::nothing()),
        Account::Leader { leader_id } => (Role::LeaderInCharge, leader_scope(c, leader_id)?),
        Account::Cadre { cadre_id } => {
            let duty = cadre_duty(c, cadre_id)?;
            let mut visible = match duty {
                Some(CadreDuty::PrincipalLeader { unit_id }) => unit_scope(c, [unit_id])?,
                Some(CadreDuty::DisciplineGroup { group_id }) => group_scope(c, group_id)?,
                Some(CadreDuty::TeamMember { .. }) | None => Visible::default(),
            };
            visible.cadres.insert(cadre_id);
            (Role::of(&user.account, duty.as_ref()), Scope::Only(visible))
        }
    };
    Ok(Some(Principal { user, role, scope }))
}

fn unit_scope(
    c: &Connection,
    units: impl IntoIterator<Item = UnitId>,
) -> rusqlite::Result<Visible> {
    let units: BTreeSet<UnitId> = units.into_iter().collect();
    let cadres = cadres_of(c, units.iter().map(ToString::to_string))?;
    Ok(Visible {
        units,
        groups: BTreeSet::new(),
        cadres,
    })
}

fn leader_scope(c: &Connection, id: LeaderId) -> rusqlite::Result<Scope> {
    let units: BTreeSet<UnitId> = ids(c, sql::LEADER_UNITS, &id.to_string())?;
    Ok(Scope::Only(unit_scope(c, units)?))
}

fn group_scope(c: &Connection, id: GroupId) -> rusqlite::Result<Visible> {
    let units: BTreeSet<UnitId> = ids(c, sql::STATIONED_UNITS, &id.to_string())?;
    let mut visible = unit_scope(c, units)?;
    visible.groups.insert(id);
    visible.cadres.append(&mut cadres_of(c, [id.to_string()])?);
    Ok(visible)
}

/// One recorded read of a cadre's history (查阅记录).
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AccessRead {
    /// The position of the `HistoryRead` event in the log.
    pub position: u64,
    pub reader: UserId,
    pub reader_username: Option<String>,
    pub cadre_id: CadreId,
    pub cadre_name: Option<String>,
    /// The instant the history was asked as of; absent for "now".
    pub as_of: Option<DateTime<Utc>>,
    pub read_at: DateTime<Utc>,
    /// Why it was read (查阅事由); empty for "not stated" (none was given, or the read was
    /// recorded before purposes were asked for).
    pub purpose: String,
}

/// Which reads to list, newest first.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct AccessQuery {
    pub cadre: Option<CadreId>,
    pub reader: Option<UserId>,
    /// Only reads at positions below this (the previous page's last), for paging.
    pub before: Option<u64>,
    pub limit: u32,
}

fn instant(column: usize, micros: i64) -> rusqlite::Result<DateTime<Utc>> {
    DateTime::from_timestamp_micros(micros).ok_or_else(|| bad(column, &micros.to_string()))
}

/// Recorded history reads, newest first.
pub fn access_reads(c: &Connection, q: AccessQuery) -> rusqlite::Result<Vec<AccessRead>> {
    let before = q
        .before
        .map_or(i64::MAX, |p| i64::try_from(p).unwrap_or(i64::MAX));
    let mut stmt = c.prepare_cached(sql::ACCESS_READS)?;
    let rows = stmt.query_map(
        params![
            q.cadre.map(|c| c.to_string()),
            q.reader.map(|r| r.to_string()),
            before,
            q.limit
        ],
        |r| {
            let reader: String = r.get(1)?;
            let cadre: String = r.get(3)?;
            Ok(AccessRead {
                position: u64::try_from(r.get::<_, i64>(0)?).unwrap_or_default(),
                reader: parse(1, &reader)?,
                reader_username: r.get(2)?,
                cadre_id: parse(3, &cadre)?,
                cadre_name: r.get(4)?,
                as_of: r
                    .get::<_, Option<i64>>(5)?
                    .map(|m| instant(5, m))
                    .transpose()?,
                read_at: instant(6, r.get(6)?)?,
                purpose: r.get(7)?,
            })
        },
    )?;
    rows.collect()
}
