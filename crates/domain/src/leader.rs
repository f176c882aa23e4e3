//! A district leader in charge (分管联系区领导) and the units they are linked to; stream
//! `leader-<id>`.

use crate::aggregate::Aggregate;
use crate::error::DomainError;
use crate::events::{Event, LeaderInChargeRegistered, LeaderUnitsChanged};
use crate::ids::{LeaderId, UnitId};
use crate::validate;
use chrono::{DateTime, Utc};

/// Longest leader name, in characters.
pub const MAX_LEADER_NAME: usize = 100;

/// 分管联系区领导登记.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegisterLeaderInCharge {
    pub leader_id: LeaderId,
    pub name: String,
    /// At least one unit, each once, each existing.
    pub units: Vec<UnitId>,
}

/// 分管联系单位调整: the units the leader is linked to from now on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChangeLeaderUnits {
    pub leader_id: LeaderId,
    pub units: Vec<UnitId>,
}

/// What may be asked of a leader in charge.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LeaderCommand {
    Register(RegisterLeaderInCharge),
    ChangeUnits(ChangeLeaderUnits),
}

impl From<RegisterLeaderInCharge> for LeaderCommand {
    fn from(c: RegisterLeaderInCharge) -> Self {
        Self::Register(c)
    }
}

impl From<ChangeLeaderUnits> for LeaderCommand {
    fn from(c: ChangeLeaderUnits) -> Self {
        Self::ChangeUnits(c)
    }
}

/// Filled by the application before deciding.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LeaderContext {
    /// Those of the command's `units` that are not registered.
    pub unknown_units: Vec<UnitId>,
}

/// A registered leader in charge.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LeaderState {
    pub leader_id: LeaderId,
    pub name: String,
    pub units: Vec<UnitId>,
}

/// The leader's stream; the state is `None` until the leader is registered.
#[derive(Debug)]
pub struct LeaderAggregate;

impl Aggregate for LeaderAggregate {
    type State = Option<LeaderState>;
    type Command = LeaderCommand;
    type Context = LeaderContext;

    fn evolve(state: &mut Self::State, event: &Event) {
        match event {
            Event::LeaderInChargeRegistered(e) => {
                *state = Some(LeaderState {
                    leader_id: e.leader_id,
                    name: e.name.clone(),
                    units: e.units.clone(),
                });
            }
            Event::LeaderUnitsChanged(e) => {
                if let Some(s) = state {
                    s.units = e.units.clone();
                }
            }
            _ => {}
        }
    }

    fn decide(
        state: &Self::State,
        command: LeaderCommand,
        context: &LeaderContext,
        _now: DateTime<Utc>,
    ) -> Result<Vec<Event>, DomainError> {
        match command {
            LeaderCommand::Register(c) => {
                if state.is_some() {
                    return Err(DomainError::AlreadyExists {
                        what: "leader in charge",
                        id: c.leader_id.to_string(),
                    });
                }
                let name = validate::name("name", &c.name, MAX_LEADER_NAME)?;
                validate::units("units", &c.units, &context.unknown_units)?;
                Ok(vec![
                    LeaderInChargeRegistered {
                        leader_id: c.leader_id,
                        name,
                        units: c.units,
                    }
                    .into(),
                ])
            }
            LeaderCommand::ChangeUnits(c) => {
                let leader = state
                    .as_ref()
                    .filter(|s| s.leader_id == c.leader_id)
                    .ok_or_else(|| DomainError::not_found("leader in charge", c.leader_id))?;
                validate::units("units", &c.units, &context.unknown_units)?;
                if validate::same_units(&leader.units, &c.units) {
                    return Err(DomainError::invalid(
                        "units",
                        "unchanged: the leader is linked to exactly these units already",
                    ));
                }
                Ok(vec![
                    LeaderUnitsChanged {
                        leader_id: c.leader_id,
                        units: c.units,
                    }
                    .into(),
                ])
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn now() -> DateTime<Utc> {
        "2026-03-01T02:00:00Z".parse().unwrap()
    }

    fn register(leader_id: LeaderId, units: Vec<UnitId>) -> LeaderCommand {
        RegisterLeaderInCharge {
            leader_id,
            name: "李四".into(),
            units,
        }
        .into()
    }

    #[test]
    fn registering_then_changing_units() {
        let (l, a, b) = (LeaderId::new(), UnitId::new(), UnitId::new());
        let ctx = LeaderContext::default();
        let given = LeaderAggregate::decide(&None, register(l, vec![a]), &ctx, now()).unwrap();
        assert_eq!(
            given,
            vec![Event::LeaderInChargeRegistered(LeaderInChargeRegistered {
                leader_id: l,
                name: "李四".into(),
                units: vec![a],
            })]
        );
        let state = LeaderAggregate::fold(&given);
        let change = |units| {
            LeaderCommand::from(ChangeLeaderUnits {
                leader_id: l,
                units,
            })
        };
        let then = LeaderAggregate::decide(&state, change(vec![b, a]), &ctx, now()).unwrap();
        assert_eq!(
            then,
            vec![Event::LeaderUnitsChanged(LeaderUnitsChanged {
                leader_id: l,
                units: vec![b, a],
            })]
        );
        let state = LeaderAggregate::fold(given.iter().chain(&then));
        assert_eq!(state.as_ref().map(|s| s.units.clone()), Some(vec![b, a]));
        assert!(matches!(
            LeaderAggregate::decide(&state, change(vec![a, b]), &ctx, now()),
            Err(DomainError::Invalid { field: "units", .. })
        ));
    }

    #[test]
    fn a_leader_is_registered_once_and_changed_only_when_registered() {
        let (l, a) = (LeaderId::new(), UnitId::new());
        let ctx = LeaderContext::default();
        let state = LeaderAggregate::fold(
            &LeaderAggregate::decide(&None, register(l, vec![a]), &ctx, now()).unwrap(),
        );
        assert!(matches!(
            LeaderAggregate::decide(&state, register(l, vec![a]), &ctx, now()),
            Err(DomainError::AlreadyExists { .. })
        ));
        let change = ChangeLeaderUnits {
            leader_id: l,
            units: vec![a],
        };
        assert_eq!(
            LeaderAggregate::decide(&None, change.into(), &ctx, now()),
            Err(DomainError::not_found("leader in charge", l))
        );
    }

    #[test]
    fn units_must_exist() {
        let (l, a) = (LeaderId::new(), UnitId::new());
        let ctx = LeaderContext {
            unknown_units: vec![a],
        };
        assert_eq!(
            LeaderAggregate::decide(&None, register(l, vec![a]), &ctx, now()),
            Err(DomainError::invalid(
                "units",
                format!("unit {a} does not exist")
            ))
        );
    }
}
