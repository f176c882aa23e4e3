//! A stationed discipline inspection group (派驻纪检组) and the units it is stationed in;
//! stream `group-<id>`.

use crate::aggregate::Aggregate;
use crate::error::DomainError;
use crate::events::{DisciplineGroupRegistered, Event, GroupStationingChanged};
use crate::ids::{GroupId, UnitId};
use crate::validate;
use chrono::{DateTime, Utc};

/// Longest group name, in characters.
pub const MAX_GROUP_NAME: usize = 100;

/// 派驻纪检组登记.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegisterDisciplineGroup {
    pub group_id: GroupId,
    /// 1–100 characters after trimming; stored trimmed.
    pub name: String,
    /// At least one unit, each once, each existing.
    pub stationed_in: Vec<UnitId>,
}

/// 派驻关系调整: the units the group is stationed in from now on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ChangeGroupStationing {
    pub group_id: GroupId,
    pub stationed_in: Vec<UnitId>,
}

/// What may be asked of a group.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GroupCommand {
    Register(RegisterDisciplineGroup),
    ChangeStationing(ChangeGroupStationing),
}

impl From<RegisterDisciplineGroup> for GroupCommand {
    fn from(c: RegisterDisciplineGroup) -> Self {
        Self::Register(c)
    }
}

impl From<ChangeGroupStationing> for GroupCommand {
    fn from(c: ChangeGroupStationing) -> Self {
        Self::ChangeStationing(c)
    }
}

/// Filled by the application before deciding.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct GroupContext {
    /// Those of the command's `stationed_in` units that are not registered.
    pub unknown_units: Vec<UnitId>,
}

/// A registered group.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GroupState {
    pub group_id: GroupId,
    pub name: String,
    pub stationed_in: Vec<UnitId>,
}

/// The group's stream; the state is `None` until it is registered.
#[derive(Debug)]
pub struct GroupAggregate;

impl Aggregate for GroupAggregate {
    type State = Option<GroupState>;
    type Command = GroupCommand;
    type Context = GroupContext;

    fn evolve(state: &mut Self::State, event: &Event) {
        match event {
            Event::DisciplineGroupRegistered(e) => {
                *state = Some(GroupState {
                    group_id: e.group_id,
                    name: e.name.clone(),
                    stationed_in: e.stationed_in.clone(),
                });
            }
            Event::GroupStationingChanged(e) => {
                if let Some(s) = state {
                    s.stationed_in = e.stationed_in.clone();
                }
            }
            _ => {}
        }
    }

    fn decide(
        state: &Self::State,
        command: GroupCommand,
        context: &GroupContext,
        _now: DateTime<Utc>,
    ) -> Result<Vec<Event>, DomainError> {
        match command {
            GroupCommand::Register(c) => {
                if state.is_some() {
                    return Err(DomainError::AlreadyExists {
                        what: "discipline group",
                        id: c.group_id.to_string(),
                    });
                }
                let name = validate::name("name", &c.name, MAX_GROUP_NAME)?;
                validate::units("stationed_in", &c.stationed_in, &context.unknown_units)?;
                Ok(vec![
                    DisciplineGroupRegistered {
                        group_id: c.group_id,
                        name,
                        stationed_in: c.stationed_in,
                    }
                    .into(),
                ])
            }
            GroupCommand::ChangeStationing(c) => {
                let group = state
                    .as_ref()
                    .filter(|g| g.group_id == c.group_id)
                    .ok_or_else(|| DomainError::not_found("discipline group", c.group_id))?;
                validate::units("stationed_in", &c.stationed_in, &context.unknown_units)?;
                if validate::same_units(&group.stationed_in, &c.stationed_in) {
                    return Err(DomainError::invalid(
                        "stationed_in",
                        "unchanged: the group is stationed in exactly these units already",
                    ));
                }
                Ok(vec![
                    GroupStationingChanged {
                        group_id: c.group_id,
                        stationed_in: c.stationed_in,
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

    fn registered(group_id: GroupId, units: &[UnitId]) -> Option<GroupState> {
        GroupAggregate::fold(&[Event::DisciplineGroupRegistered(
            DisciplineGroupRegistered {
                group_id,
                name: "区纪委监委第一派驻纪检组".into(),
                stationed_in: units.to_vec(),
            },
        )])
    }

    fn register(group_id: GroupId, stationed_in: Vec<UnitId>) -> GroupCommand {
        RegisterDisciplineGroup {
            group_id,
            name: " 第一派驻纪检组 ".into(),
            stationed_in,
        }
        .into()
    }

    #[test]
    fn registering_a_group_records_its_stationing() {
        let (g, a, b) = (GroupId::new(), UnitId::new(), UnitId::new());
        assert_eq!(
            GroupAggregate::decide(
                &None,
                register(g, vec![a, b]),
                &GroupContext::default(),
                now()
            ),
            Ok(vec![Event::DisciplineGroupRegistered(
                DisciplineGroupRegistered {
                    group_id: g,
                    name: "第一派驻纪检组".into(),
                    stationed_in: vec![a, b],
                }
            )])
        );
    }

    #[test]
    fn a_group_is_registered_once() {
        let (g, a) = (GroupId::new(), UnitId::new());
        let err = GroupAggregate::decide(
            &registered(g, &[a]),
            register(g, vec![a]),
            &GroupContext::default(),
            now(),
        );
        assert!(matches!(
            err,
            Err(DomainError::AlreadyExists {
                what: "discipline group",
                ..
            })
        ));
    }

    #[test]
    fn stationing_names_existing_units_each_once() {
        let (g, a, b) = (GroupId::new(), UnitId::new(), UnitId::new());
        let ctx = GroupContext::default();
        assert_eq!(
            GroupAggregate::decide(&None, register(g, vec![]), &ctx, now()),
            Err(DomainError::invalid(
                "stationed_in",
                "must name at least one unit"
            ))
        );
        assert_eq!(
            GroupAggregate::decide(&None, register(g, vec![a, b, a]), &ctx, now()),
            Err(DomainError::invalid(
                "stationed_in",
                format!("unit {a} is named twice")
            ))
        );
        let unknown_b = GroupContext {
            unknown_units: vec![b],
        };
        assert_eq!(
            GroupAggregate::decide(&None, register(g, vec![a, b]), &unknown_b, now()),
            Err(DomainError::invalid(
                "stationed_in",
                format!("unit {b} does not exist")
            ))
        );
    }

    #[test]
    fn changing_the_stationing_of_a_registered_group() {
        let (g, a, b) = (GroupId::new(), UnitId::new(), UnitId::new());
        let state = registered(g, &[a]);
        let change = |units: Vec<UnitId>| {
            GroupAggregate::decide(
                &state,
                ChangeGroupStationing {
                    group_id: g,
                    stationed_in: units,
                }
                .into(),
                &GroupContext::default(),
                now(),
            )
        };
        let events = change(vec![a, b]).unwrap();
        assert_eq!(
            events,
            vec![Event::GroupStationingChanged(GroupStationingChanged {
                group_id: g,
                stationed_in: vec![a, b],
            })]
        );
        let mut after = state.clone();
        GroupAggregate::evolve(&mut after, &events[0]);
        assert_eq!(after.unwrap().stationed_in, vec![a, b]);
        assert!(matches!(
            change(vec![a]),
            Err(DomainError::Invalid {
                field: "stationed_in",
                ..
            })
        ));
        assert!(change(vec![]).is_err());
    }

    #[test]
    fn changing_an_unregistered_group_is_not_found() {
        let (g, a) = (GroupId::new(), UnitId::new());
        let cmd = ChangeGroupStationing {
            group_id: g,
            stationed_in: vec![a],
        };
        assert_eq!(
            GroupAggregate::decide(&None, cmd.into(), &GroupContext::default(), now()),
            Err(DomainError::not_found("discipline group", g))
        );
    }
}
