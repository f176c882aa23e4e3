//! Logins (一人一个ID) and what they stand for; stream `user-<id>`.
//!
//! A user is one person's login: a cadre, a district leader in charge, or a member of staff
//! (the commission, an auditor, a regulator). Only who the user is lives here, as events;
//! passwords and sessions are secrets and live outside the log (ADR 0007). The user's
//! [`Role`] is not stored: for a cadre it follows the cadre's current duty, so a transfer
//! changes what the person may see from that moment on (ADR 0008).
//!
//! The id of a user is derived from the username ([`user_id_for`]), so appending the first
//! event of `user-<id>` with "no stream yet" is what keeps usernames unique.

use crate::aggregate::Aggregate;
use crate::error::DomainError;
use crate::events::{Event, UserDeactivated, UserPasswordReset, UserReactivated, UserRegistered};
use crate::ids::{CadreId, GroupId, LeaderId, UnitId, UserId};
use crate::org::{CadreDuty, Subject};
use crate::validate;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;
use uuid::Uuid;

/// Shortest username.
pub const MIN_USERNAME: usize = 3;
/// Longest username.
pub const MAX_USERNAME: usize = 32;
/// Longest display name, in characters.
pub const MAX_DISPLAY_NAME: usize = 100;
/// Longest reason of a deactivation, in characters.
pub const MAX_REASON: usize = 500;

/// The namespace of user ids (UUIDv5 of the lower-case username).
const USER_NAMESPACE: Uuid = Uuid::from_u128(0x6475_7479_7472_6163_6575_7365_7273_0001);

/// The id of the user with this (already normalised) username.
pub fn user_id_for(username: &str) -> UserId {
    UserId(Uuid::new_v5(&USER_NAMESPACE, username.as_bytes()))
}

/// A username as typed, normalised: trimmed, lower case; 3–32 of `a-z 0-9 . _ -`, starting
/// with a letter or digit (a staff number 工号 or pinyin, never Chinese characters, so it can
/// be typed on any keyboard).
pub fn normalise_username(field: &'static str, raw: &str) -> Result<String, DomainError> {
    let name = raw.trim().to_ascii_lowercase();
    let len = name.chars().count();
    if !(MIN_USERNAME..=MAX_USERNAME).contains(&len) {
        return Err(DomainError::invalid(
            field,
            format!("must have {MIN_USERNAME} to {MAX_USERNAME} characters, not {len}"),
        ));
    }
    if !name
        .chars()
        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '.' | '_' | '-'))
    {
        return Err(DomainError::invalid(
            field,
            "may hold only the letters a-z, digits and . _ -",
        ));
    }
    if !name.starts_with(|c: char| c.is_ascii_alphanumeric()) {
        return Err(DomainError::invalid(
            field,
            "must start with a letter or a digit",
        ));
    }
    Ok(name)
}

/// Whom a login belongs to.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum Account {
    /// A leading cadre: principal leader, team member or discipline-group member, as the
    /// cadre's current duty says.
    Cadre { cadre_id: CadreId },
    /// A district leader in charge (分管联系区领导).
    Leader { leader_id: LeaderId },
    /// Staff of the discipline inspection commission (纪委监委).
    Commission,
    /// An auditor: reads histories everywhere, changes nothing.
    Auditor,
    /// A regulator: exports only.
    Regulator,
}

/// What a user is to the platform (DESIGN.md §2 "Who sees what"). Wire names are stable.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// 纪委监委: sees everything, administers.
    Commission,
    /// 派驻纪检组: sees the units it is stationed in.
    DisciplineGroup,
    /// 主要负责人: sees the leadership team of their own unit.
    PrincipalLeader,
    /// 班子成员: sees their own record.
    TeamMember,
    /// 分管联系区领导: sees the units linked to them.
    LeaderInCharge,
    /// 审计: reads histories everywhere.
    Auditor,
    /// 监管: exports only.
    Regulator,
}

impl Role {
    /// Every role, in the order above.
    pub const ALL: [Role; 7] = [
        Role::Commission,
        Role::DisciplineGroup,
        Role::PrincipalLeader,
        Role::TeamMember,
        Role::LeaderInCharge,
        Role::Auditor,
        Role::Regulator,
    ];

    /// The wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Commission => "commission",
            Role::DisciplineGroup => "discipline_group",
            Role::PrincipalLeader => "principal_leader",
            Role::TeamMember => "team_member",
            Role::LeaderInCharge => "leader_in_charge",
            Role::Auditor => "auditor",
            Role::Regulator => "regulator",
        }
    }

    /// The Chinese label.
    pub fn label_zh(self) -> &'static str {
        match self {
            Role::Commission => "纪委监委",
            Role::DisciplineGroup => "派驻纪检组",
            Role::PrincipalLeader => "主要负责人",
            Role::TeamMember => "班子成员",
            Role::LeaderInCharge => "分管联系区领导",
            Role::Auditor => "审计",
            Role::Regulator => "监管",
        }
    }
}

impl Role {
    /// The role of an account: for a cadre, what the cadre's current duty makes them
    /// (`None` while the cadre is not known, which sees no more than a team member).
    pub fn of(account: &Account, duty: Option<&CadreDuty>) -> Role {
        match account {
            Account::Commission => Role::Commission,
            Account::Auditor => Role::Auditor,
            Account::Regulator => Role::Regulator,
            Account::Leader { .. } => Role::LeaderInCharge,
            Account::Cadre { .. } => match duty {
                Some(CadreDuty::PrincipalLeader { .. }) => Role::PrincipalLeader,
                Some(CadreDuty::DisciplineGroup { .. }) => Role::DisciplineGroup,
                Some(CadreDuty::TeamMember { .. }) | None => Role::TeamMember,
            },
        }
    }

    /// Whether the role reads duty records (boards, obligations, histories) at all;
    /// regulators only export.
    pub fn reads_records(self) -> bool {
        self != Role::Regulator
    }
}

/// What one user may see (DESIGN.md §2 "Who sees what"), computed from the organisation as
/// it stands now and applied to every query, whatever instant it is asked as of (ADR 0008).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scope {
    /// The commission and auditors.
    Everything,
    /// Only these units (their leadership teams), discipline groups and cadres.
    Only(Visible),
}

/// The targets of a limited scope.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Visible {
    pub units: BTreeSet<UnitId>,
    pub groups: BTreeSet<GroupId>,
    pub cadres: BTreeSet<CadreId>,
}

impl Scope {
    /// Sees nothing (a regulator's, as far as records go).
    pub fn nothing() -> Self {
        Scope::Only(Visible::default())
    }

    pub fn sees_unit(&self, id: UnitId) -> bool {
        match self {
            Scope::Everything => true,
            Scope::Only(v) => v.units.contains(&id),
        }
    }

    pub fn sees_group(&self, id: GroupId) -> bool {
        match self {
            Scope::Everything => true,
            Scope::Only(v) => v.groups.contains(&id),
        }
    }

    pub fn sees_cadre(&self, id: CadreId) -> bool {
        match self {
            Scope::Everything => true,
            Scope::Only(v) => v.cadres.contains(&id),
        }
    }

    /// Whether a record about `unit` (and perhaps naming `cadre`) is visible: whoever sees the
    /// unit, or the cadre named (a problem, an oversight record, an accountability decision).
    pub fn sees_record(&self, unit: UnitId, cadre: Option<CadreId>) -> bool {
        self.sees_unit(unit) || cadre.is_some_and(|c| self.sees_cadre(c))
    }

    /// Whether the obligations of `subject` are visible.
    pub fn sees_subject(&self, subject: &Subject) -> bool {
        match *subject {
            Subject::LeadershipTeam { unit_id } => self.sees_unit(unit_id),
            Subject::PrincipalLeader { cadre_id } | Subject::TeamMember { cadre_id } => {
                self.sees_cadre(cadre_id)
            }
            Subject::DisciplineGroup { group_id } => self.sees_group(group_id),
        }
    }
}

/// 开通账号.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegisterUser {
    /// As typed; normalised by the decision.
    pub username: String,
    pub display_name: String,
    pub account: Account,
}

/// What may be asked of a user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum UserCommand {
    Register(RegisterUser),
    /// 停用账号: the user can no longer sign in; their sessions end.
    Deactivate {
        reason: String,
    },
    /// 恢复账号.
    Reactivate,
    /// 管理员重置密码 (the password itself never enters the log).
    ResetPassword,
}

/// Filled by the application before deciding.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct UserContext {
    /// The linked cadre or leader is registered.
    pub link_exists: bool,
    /// Another active user already holds the linked cadre or leader (一人一个ID).
    pub link_taken_by: Option<String>,
}

/// A registered user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserState {
    pub user_id: UserId,
    pub username: String,
    pub display_name: String,
    pub account: Account,
    pub active: bool,
}

/// The user's stream; `None` until registered.
#[derive(Debug)]
pub struct UserAggregate;

impl Aggregate for UserAggregate {
    type State = Option<UserState>;
    type Command = UserCommand;
    type Context = UserContext;

    fn evolve(state: &mut Self::State, event: &Event) {
        match event {
            Event::UserRegistered(e) => {
                *state = Some(UserState {
                    user_id: e.user_id,
                    username: e.username.clone(),
                    display_name: e.display_name.clone(),
                    account: e.account,
                    active: true,
                });
            }
            Event::UserDeactivated(_) => {
                if let Some(s) = state {
                    s.active = false;
                }
            }
            Event::UserReactivated(_) => {
                if let Some(s) = state {
                    s.active = true;
                }
            }
            _ => {}
        }
    }

    fn decide(
        state: &Self::State,
        command: UserCommand,
        context: &UserContext,
        _now: DateTime<Utc>,
    ) -> Result<Vec<Event>, DomainError> {
        let existing = || {
            state
                .as_ref()
                .ok_or_else(|| DomainError::not_found("user", "(this id)"))
        };
        match command {
            UserCommand::Register(c) => {
                let username = normalise_username("username", &c.username)?;
                let user_id = user_id_for(&username);
                if state.is_some() {
                    return Err(DomainError::AlreadyExists {
                        what: "user",
                        id: username,
                    });
                }
                let display_name =
                    validate::name("display_name", &c.display_name, MAX_DISPLAY_NAME)?;
                match c.account {
                    Account::Cadre { cadre_id } if !context.link_exists => {
                        return Err(DomainError::invalid(
                            "account",
                            format!("cadre {cadre_id} does not exist"),
                        ));
                    }
                    Account::Leader { leader_id } if !context.link_exists => {
                        return Err(DomainError::invalid(
                            "account",
                            format!("leader in charge {leader_id} does not exist"),
                        ));
                    }
                    _ => {}
                }
                if let Some(other) = &context.link_taken_by {
                    return Err(DomainError::invalid(
                        "account",
                        format!("already has the login {other:?}: one person, one login"),
                    ));
                }
                Ok(vec![
                    UserRegistered {
                        user_id,
                        username,
                        display_name,
                        account: c.account,
                    }
                    .into(),
                ])
            }
            UserCommand::Deactivate { reason } => {
                let user = existing()?;
                if !user.active {
                    return Ok(vec![]);
                }
                let reason = validate::text("reason", &reason, MAX_REASON)?;
                Ok(vec![
                    UserDeactivated {
                        user_id: user.user_id,
                        reason,
                    }
                    .into(),
                ])
            }
            UserCommand::Reactivate => {
                let user = existing()?;
                if user.active {
                    return Ok(vec![]);
                }
                Ok(vec![
                    UserReactivated {
                        user_id: user.user_id,
                    }
                    .into(),
                ])
            }
            UserCommand::ResetPassword => {
                let user = existing()?;
                Ok(vec![
                    UserPasswordReset {
                        user_id: user.user_id,
                    }
                    .into(),
                ])
            }
        }
    }
}

#[cfg(test)]
mod tests;
