//! A leading cadre (区管领导干部): post, duty and direct leader; stream `cadre-<id>`.
//!
//! The current [`CadreDuty`] is what authorises the cadre's duty entries (see
//! `duty::authorise`), so the application loads [`CadreState`] before recording one.

use crate::aggregate::Aggregate;
use crate::error::DomainError;
use crate::events::{CadreRegistered, CadreTransferred, Event};
use crate::ids::CadreId;
use crate::org::CadreDuty;
use crate::validate;
use chrono::{DateTime, Utc};

/// Longest cadre name, in characters.
pub const MAX_CADRE_NAME: usize = 100;
/// Longest post, in characters (e.g. "党组成员、副局长").
pub const MAX_POST: usize = 100;

/// 干部登记.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegisterCadre {
    pub cadre_id: CadreId,
    pub name: String,
    pub post: String,
    pub duty: CadreDuty,
    pub direct_leader: Option<CadreId>,
}

/// 干部调整: the cadre's post, duty and direct leader from now on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TransferCadre {
    pub cadre_id: CadreId,
    pub post: String,
    pub duty: CadreDuty,
    pub direct_leader: Option<CadreId>,
}

/// What may be asked of a cadre.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CadreCommand {
    Register(RegisterCadre),
    Transfer(TransferCadre),
}

impl From<RegisterCadre> for CadreCommand {
    fn from(c: RegisterCadre) -> Self {
        Self::Register(c)
    }
}

impl From<TransferCadre> for CadreCommand {
    fn from(c: TransferCadre) -> Self {
        Self::Transfer(c)
    }
}

/// Filled by the application before deciding.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CadreContext {
    /// The unit (or group) named by the command's `duty` is not registered.
    pub unknown_duty_scope: bool,
    /// The command's `direct_leader` is not a registered cadre (ignored without one).
    pub unknown_direct_leader: bool,
}

/// A registered cadre, as things stand.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CadreState {
    pub cadre_id: CadreId,
    pub name: String,
    pub post: String,
    /// The current duty: what the cadre may record entries for.
    pub duty: CadreDuty,
    pub direct_leader: Option<CadreId>,
}

/// The cadre's stream; the state is `None` until the cadre is registered.
#[derive(Debug)]
pub struct CadreAggregate;

/// The rules shared by registration and transfer; returns the trimmed post.
fn check(
    cadre_id: CadreId,
    post: &str,
    duty: &CadreDuty,
    direct_leader: Option<CadreId>,
    context: &CadreContext,
) -> Result<String, DomainError> {
    let post = validate::name("post", post, MAX_POST)?;
    if context.unknown_duty_scope {
        let what = match duty {
            CadreDuty::PrincipalLeader { unit_id } | CadreDuty::TeamMember { unit_id } => {
                format!("unit {unit_id} does not exist")
            }
            CadreDuty::DisciplineGroup { group_id } => {
                format!("discipline group {group_id} does not exist")
            }
        };
        return Err(DomainError::invalid("duty", what));
    }
    if let Some(leader) = direct_leader {
        if leader == cadre_id {
            return Err(DomainError::invalid(
                "direct_leader",
                "a cadre cannot be their own direct leader",
            ));
        }
        if context.unknown_direct_leader {
            return Err(DomainError::invalid(
                "direct_leader",
                format!("cadre {leader} does not exist"),
            ));
        }
    }
    Ok(post)
}

impl Aggregate for CadreAggregate {
    type State = Option<CadreState>;
    type Command = CadreCommand;
    type Context = CadreContext;

    fn evolve(state: &mut Self::State, event: &Event) {
        match event {
            Event::CadreRegistered(e) => {
                *state = Some(CadreState {
                    cadre_id: e.cadre_id,
                    name: e.name.clone(),
                    post: e.post.clone(),
                    duty: e.duty,
                    direct_leader: e.direct_leader,
                });
            }
            Event::CadreTransferred(e) => {
                if let Some(s) = state {
                    s.post = e.post.clone();
                    s.duty = e.duty;
                    s.direct_leader = e.direct_leader;
                }
            }
            _ => {}
        }
    }

    fn decide(
        state: &Self::State,
        command: CadreCommand,
        context: &CadreContext,
        _now: DateTime<Utc>,
    ) -> Result<Vec<Event>, DomainError> {
        match command {
            CadreCommand::Register(c) => {
                if state.is_some() {
                    return Err(DomainError::AlreadyExists {
                        what: "cadre",
                        id: c.cadre_id.to_string(),
                    });
                }
                let name = validate::name("name", &c.name, MAX_CADRE_NAME)?;
                let post = check(c.cadre_id, &c.post, &c.duty, c.direct_leader, context)?;
                Ok(vec![
                    CadreRegistered {
                        cadre_id: c.cadre_id,
                        name,
                        post,
                        duty: c.duty,
                        direct_leader: c.direct_leader,
                    }
                    .into(),
                ])
            }
            CadreCommand::Transfer(c) => {
                let cadre = state
                    .as_ref()
                    .filter(|s| s.cadre_id == c.cadre_id)
                    .ok_or_else(|| DomainError::not_found("cadre", c.cadre_id))?;
                let post = check(c.cadre_id, &c.post, &c.duty, c.direct_leader, context)?;
                if post == cadre.post
                    && c.duty == cadre.duty
                    && c.direct_leader == cadre.direct_leader
                {
                    return Err(DomainError::invalid(
                        "duty",
                        "unchanged: the cadre already has this post, duty and direct leader",
                    ));
                }
                Ok(vec![
                    CadreTransferred {
                        cadre_id: c.cadre_id,
                        post,
                        duty: c.duty,
                        direct_leader: c.direct_leader,
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
    use crate::ids::{GroupId, UnitId};

    fn now() -> DateTime<Utc> {
        "2026-03-01T02:00:00Z".parse().unwrap()
    }

    fn register(cadre_id: CadreId, duty: CadreDuty, leader: Option<CadreId>) -> CadreCommand {
        RegisterCadre {
            cadre_id,
            name: "张三".into(),
            post: " 党委书记 ".into(),
            duty,
            direct_leader: leader,
        }
        .into()
    }

    fn given_registered(cadre_id: CadreId, duty: CadreDuty) -> Option<CadreState> {
        CadreAggregate::fold(&[Event::CadreRegistered(CadreRegistered {
            cadre_id,
            name: "张三".into(),
            post: "党委书记".into(),
            duty,
            direct_leader: None,
        })])
    }

    #[test]
    fn registering_a_cadre_keeps_name_post_and_duty() {
        let (c, boss) = (CadreId::new(), CadreId::new());
        let duty = CadreDuty::PrincipalLeader {
            unit_id: UnitId::new(),
        };
        let events = CadreAggregate::decide(
            &None,
            register(c, duty, Some(boss)),
            &CadreContext::default(),
            now(),
        )
        .unwrap();
        assert_eq!(
            events,
            vec![Event::CadreRegistered(CadreRegistered {
                cadre_id: c,
                name: "张三".into(),
                post: "党委书记".into(),
                duty,
                direct_leader: Some(boss),
            })]
        );
        let state = CadreAggregate::fold(&events).unwrap();
        assert_eq!((state.duty, state.direct_leader), (duty, Some(boss)));
    }

    #[test]
    fn a_cadre_is_registered_once() {
        let c = CadreId::new();
        let duty = CadreDuty::TeamMember {
            unit_id: UnitId::new(),
        };
        assert!(matches!(
            CadreAggregate::decide(
                &given_registered(c, duty),
                register(c, duty, None),
                &CadreContext::default(),
                now()
            ),
            Err(DomainError::AlreadyExists { what: "cadre", .. })
        ));
    }

    #[test]
    fn references_must_exist_and_a_cadre_is_not_their_own_leader() {
        let c = CadreId::new();
        let group = GroupId::new();
        let duty = CadreDuty::DisciplineGroup { group_id: group };
        let unknown_scope = CadreContext {
            unknown_duty_scope: true,
            ..Default::default()
        };
        assert_eq!(
            CadreAggregate::decide(&None, register(c, duty, None), &unknown_scope, now()),
            Err(DomainError::invalid(
                "duty",
                format!("discipline group {group} does not exist")
            ))
        );
        let boss = CadreId::new();
        let unknown_leader = CadreContext {
            unknown_direct_leader: true,
            ..Default::default()
        };
        assert_eq!(
            CadreAggregate::decide(&None, register(c, duty, Some(boss)), &unknown_leader, now()),
            Err(DomainError::invalid(
                "direct_leader",
                format!("cadre {boss} does not exist")
            ))
        );
        // Without a direct leader, the flag about one is irrelevant.
        assert!(
            CadreAggregate::decide(&None, register(c, duty, None), &unknown_leader, now()).is_ok()
        );
        assert_eq!(
            CadreAggregate::decide(
                &None,
                register(c, duty, Some(c)),
                &CadreContext::default(),
                now()
            ),
            Err(DomainError::invalid(
                "direct_leader",
                "a cadre cannot be their own direct leader"
            ))
        );
    }

    #[test]
    fn a_transfer_changes_the_duty_the_state_reports() {
        let c = CadreId::new();
        let (old, new) = (UnitId::new(), UnitId::new());
        let mut state = given_registered(c, CadreDuty::TeamMember { unit_id: old });
        let transfer = |post: &str, duty| {
            CadreCommand::from(TransferCadre {
                cadre_id: c,
                post: post.into(),
                duty,
                direct_leader: None,
            })
        };
        let duty = CadreDuty::PrincipalLeader { unit_id: new };
        let events = CadreAggregate::decide(
            &state,
            transfer("局党组书记", duty),
            &CadreContext::default(),
            now(),
        )
        .unwrap();
        CadreAggregate::evolve(&mut state, &events[0]);
        let state = state.unwrap();
        assert_eq!(state.duty, duty);
        assert_eq!(state.post, "局党组书记");
        assert_eq!(state.name, "张三");

        let same = CadreAggregate::decide(
            &Some(state),
            transfer("局党组书记", duty),
            &CadreContext::default(),
            now(),
        );
        assert!(matches!(
            same,
            Err(DomainError::Invalid { field: "duty", .. })
        ));
    }

    #[test]
    fn transferring_an_unregistered_cadre_is_not_found() {
        let c = CadreId::new();
        let cmd = TransferCadre {
            cadre_id: c,
            post: "副局长".into(),
            duty: CadreDuty::TeamMember {
                unit_id: UnitId::new(),
            },
            direct_leader: None,
        };
        assert_eq!(
            CadreAggregate::decide(&None, cmd.into(), &CadreContext::default(), now()),
            Err(DomainError::not_found("cadre", c))
        );
    }
}
