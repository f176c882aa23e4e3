//! A unit (党委 / 党工委 / 党组) and its registration; stream `unit-<id>`.

use crate::aggregate::Aggregate;
use crate::error::DomainError;
use crate::events::{Event, UnitRegistered};
use crate::ids::UnitId;
use crate::org::UnitKind;
use crate::validate;
use chrono::{DateTime, Utc};

/// Longest unit name, in characters.
pub const MAX_UNIT_NAME: usize = 100;

/// 单位登记: registers a unit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegisterUnit {
    pub unit_id: UnitId,
    /// 1–100 characters after trimming; stored trimmed.
    pub name: String,
    pub kind: UnitKind,
}

/// A registered unit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnitState {
    pub unit_id: UnitId,
    pub name: String,
    pub kind: UnitKind,
}

/// The unit's stream; the state is `None` until it is registered.
#[derive(Debug)]
pub struct UnitAggregate;

impl Aggregate for UnitAggregate {
    type State = Option<UnitState>;
    type Command = RegisterUnit;
    type Context = ();

    fn evolve(state: &mut Self::State, event: &Event) {
        if let Event::UnitRegistered(e) = event {
            *state = Some(UnitState {
                unit_id: e.unit_id,
                name: e.name.clone(),
                kind: e.kind,
            });
        }
    }

    fn decide(
        state: &Self::State,
        command: RegisterUnit,
        _: &(),
        _now: DateTime<Utc>,
    ) -> Result<Vec<Event>, DomainError> {
        if state.is_some() {
            return Err(DomainError::AlreadyExists {
                what: "unit",
                id: command.unit_id.to_string(),
            });
        }
        let name = validate::name("name", &command.name, MAX_UNIT_NAME)?;
        Ok(vec![
            UnitRegistered {
                unit_id: command.unit_id,
                name,
                kind: command.kind,
            }
            .into(),
        ])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn now() -> DateTime<Utc> {
        "2026-03-01T02:00:00Z".parse().unwrap()
    }

    fn register(unit_id: UnitId, name: &str) -> RegisterUnit {
        RegisterUnit {
            unit_id,
            name: name.into(),
            kind: UnitKind::PartyGroup,
        }
    }

    #[test]
    fn registering_a_new_unit_records_it_with_its_name_trimmed() {
        let id = UnitId::new();
        let events = UnitAggregate::decide(&None, register(id, "  区教育局党组 "), &(), now());
        assert_eq!(
            events,
            Ok(vec![Event::UnitRegistered(UnitRegistered {
                unit_id: id,
                name: "区教育局党组".into(),
                kind: UnitKind::PartyGroup,
            })])
        );
        let state = UnitAggregate::fold(&events.unwrap());
        assert_eq!(state.map(|s| s.name), Some("区教育局党组".to_owned()));
    }

    #[test]
    fn a_unit_is_registered_once() {
        let id = UnitId::new();
        let given = UnitAggregate::decide(&None, register(id, "区卫健局党委"), &(), now()).unwrap();
        let state = UnitAggregate::fold(&given);
        assert_eq!(
            UnitAggregate::decide(&state, register(id, "区卫健局党委"), &(), now()),
            Err(DomainError::AlreadyExists {
                what: "unit",
                id: id.to_string()
            })
        );
    }

    #[test]
    fn a_name_has_one_to_a_hundred_characters() {
        let id = UnitId::new();
        let err = |name: &str| UnitAggregate::decide(&None, register(id, name), &(), now());
        assert!(matches!(
            err("   "),
            Err(DomainError::Invalid { field: "name", .. })
        ));
        assert!(matches!(
            err(&"党".repeat(101)),
            Err(DomainError::Invalid { field: "name", .. })
        ));
        assert!(err(&"党".repeat(100)).is_ok());
    }
}
