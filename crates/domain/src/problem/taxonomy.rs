//! The problem types (问题类型) of the ledger: a built-in default list, replaced as a whole
//! by the commission (`ProblemTypesSet` on stream `taxonomy-problems`). Until it is first
//! set, the taxonomy is [`DEFAULT_TYPES`]. Keys are stable wire names (`a`–`z`, `0`–`9`,
//! `_`, starting with a letter, at most 40); labels are what people read.

use crate::aggregate::Aggregate;
use crate::error::DomainError;
use crate::events::{Event, ProblemTypesSet};
use crate::validate;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

/// Longest key, in characters.
pub const MAX_KEY: usize = 40;
/// Longest label, in characters.
pub const MAX_LABEL: usize = 50;
/// Most types.
pub const MAX_TYPES: usize = 200;

/// The built-in types, as (key, label).
pub const DEFAULT_TYPES: &[(&str, &str)] = &[
    ("main_responsibility", "落实主体责任不力"),
    ("eight_provisions", "违反中央八项规定精神"),
    ("personnel_selection", "选人用人问题"),
    ("integrity_risk", "廉政风险防控"),
    ("financial_management", "财务管理问题"),
    ("other", "其他"),
];

/// One problem type.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProblemType {
    /// Stable wire name, e.g. `eight_provisions`.
    pub key: String,
    /// e.g. 违反中央八项规定精神.
    pub label: String,
}

/// [`DEFAULT_TYPES`] as values.
pub fn default_types() -> Vec<ProblemType> {
    DEFAULT_TYPES
        .iter()
        .map(|(key, label)| ProblemType {
            key: (*key).to_owned(),
            label: (*label).to_owned(),
        })
        .collect()
}

/// 设置问题类型: the whole taxonomy from now on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SetProblemTypes {
    pub types: Vec<ProblemType>,
}

/// The taxonomy's stream: `None` until first set (the defaults apply).
#[derive(Debug)]
pub struct TaxonomyAggregate;

/// The taxonomy in force for a state.
pub fn current(state: &Option<Vec<ProblemType>>) -> Vec<ProblemType> {
    state.clone().unwrap_or_else(default_types)
}

fn check(types: Vec<ProblemType>) -> Result<Vec<ProblemType>, DomainError> {
    if types.is_empty() {
        return Err(DomainError::invalid("types", "must name at least one type"));
    }
    if types.len() > MAX_TYPES {
        return Err(DomainError::invalid(
            "types",
            format!("at most {MAX_TYPES} types, not {}", types.len()),
        ));
    }
    let mut seen = BTreeSet::new();
    types
        .into_iter()
        .map(|t| {
            let key = t.key.trim().to_owned();
            let well_formed = key.len() <= MAX_KEY
                && key.starts_with(|c: char| c.is_ascii_lowercase())
                && key
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
            if !well_formed {
                return Err(DomainError::invalid(
                    "types",
                    format!(
                        "key {key:?} must be a-z, 0-9 or _, start with a letter, at most {MAX_KEY}"
                    ),
                ));
            }
            if !seen.insert(key.clone()) {
                return Err(DomainError::invalid(
                    "types",
                    format!("key {key:?} is named twice"),
                ));
            }
            let label = validate::name("types", &t.label, MAX_LABEL)?;
            Ok(ProblemType { key, label })
        })
        .collect()
}

impl Aggregate for TaxonomyAggregate {
    type State = Option<Vec<ProblemType>>;
    type Command = SetProblemTypes;
    type Context = ();

    fn evolve(state: &mut Self::State, event: &Event) {
        if let Event::ProblemTypesSet(e) = event {
            *state = Some(e.types.clone());
        }
    }

    fn decide(
        state: &Self::State,
        command: SetProblemTypes,
        _: &(),
        _: DateTime<Utc>,
    ) -> Result<Vec<Event>, DomainError> {
        let types = check(command.types)?;
        if state.as_ref() == Some(&types) {
            return Ok(vec![]);
        }
        Ok(vec![ProblemTypesSet { types }.into()])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(key: &str, label: &str) -> ProblemType {
        ProblemType {
            key: key.into(),
            label: label.into(),
        }
    }

    fn field(r: Result<Vec<Event>, DomainError>) -> &'static str {
        match r {
            Err(DomainError::Invalid { field, .. }) => field,
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn the_defaults_apply_until_set_and_a_set_replaces_them_whole() {
        assert_eq!(current(&None), default_types());
        assert_eq!(default_types().len(), 6);
        let set = SetProblemTypes {
            types: vec![t(" audit_finding ", " 审计发现 "), t("other", "其他")],
        };
        let events = TaxonomyAggregate::decide(&None, set.clone(), &(), Utc::now()).unwrap();
        let state = TaxonomyAggregate::fold(&events);
        assert_eq!(
            current(&state),
            vec![t("audit_finding", "审计发现"), t("other", "其他")]
        );
        assert_eq!(events[0].stream(), "taxonomy-problems");
        // The same again writes nothing.
        assert!(
            TaxonomyAggregate::decide(&state, set, &(), Utc::now())
                .unwrap()
                .is_empty()
        );
    }

    #[test]
    fn bad_taxonomies_are_refused_naming_types() {
        for types in [
            vec![],
            vec![t("Audit", "审计")],
            vec![t("1st", "审计")],
            vec![t("a-b", "审计")],
            vec![t("a", "审计"), t("a", "重复")],
            vec![t("a", " ")],
            vec![t(&"k".repeat(41), "长")],
        ] {
            let r = TaxonomyAggregate::decide(&None, SetProblemTypes { types }, &(), Utc::now());
            assert_eq!(field(r), "types");
        }
    }
}
