//! The rule table of graded accountability (差别化问责): which measure the platform
//! proposes for a unit or a cadre from the facts of a year. Set as a whole by the
//! commission (`AccountabilityRulesSet`, stream `rules-accountability`); until then
//! [`default_rules`].
//!
//! A rule matches when every threshold it sets is reached (at least that many); several
//! rules may propose the same measure (any of them matching is enough). The proposal is
//! the most severe measure of any matching rule for the target's kind, naming the first
//! rule (in table order) that proposes it and why.

use super::{Measure, TargetKind};
use crate::aggregate::Aggregate;
use crate::error::DomainError;
use crate::events::{AccountabilityRulesSet, Event};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// Most rules in the table.
pub const MAX_RULES: usize = 100;

/// The largest threshold: the API describes thresholds as 32-bit signed integers (int32).
pub const MAX_THRESHOLD: u32 = i32::MAX as u32;

/// One row of the table.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountabilityRule {
    pub target: TargetKind,
    /// At least this many red lights (went red, backfilled or not) in the year.
    pub red_lights: Option<u32>,
    /// At least this many problems that went overdue in the year.
    pub overdue_problems: Option<u32>,
    /// At least this many late filings in the year (cadres' own; a unit's cadres' for a
    /// unit).
    pub late_filings: Option<u32>,
    pub measure: Measure,
}

/// What is known of a unit or a cadre for a year.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Facts {
    pub red_lights: u32,
    pub overdue_problems: u32,
    pub late_filings: u32,
}

/// A proposed measure and why.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Proposal {
    pub measure: Measure,
    /// 问责方式, e.g. 通报批评.
    pub label: String,
    /// The index (from 0) of the rule it comes from.
    pub rule: usize,
    /// Why, in Chinese, e.g. "红灯 4 个（≥ 4）".
    pub because: String,
}

const fn rule(
    target: TargetKind,
    red_lights: Option<u32>,
    overdue_problems: Option<u32>,
    late_filings: Option<u32>,
    measure: Measure,
) -> AccountabilityRule {
    AccountabilityRule {
        target,
        red_lights,
        overdue_problems,
        late_filings,
        measure,
    }
}

/// The built-in table, calibrated on a district like the demo's (each unit owes some
/// forty obligations by July): most units that miss deadlines get the mildest measure, a
/// few the severest. A late filing of a family event is criticised once repeated.
pub fn default_rules() -> Vec<AccountabilityRule> {
    use Measure as M;
    use TargetKind::{Cadre, Unit};
    vec![
        rule(Unit, Some(8), None, None, M::WrittenExamination),
        rule(Unit, None, Some(1), None, M::WrittenExamination),
        rule(Unit, Some(12), None, None, M::CirculatedCriticism),
        rule(Unit, None, Some(2), None, M::CirculatedCriticism),
        rule(Unit, Some(8), Some(1), None, M::CirculatedCriticism),
        rule(Unit, Some(18), None, None, M::OrganisationalAdjustment),
        rule(Unit, None, Some(4), None, M::OrganisationalAdjustment),
        rule(Cadre, Some(2), None, None, M::Talk),
        rule(Cadre, None, None, Some(1), M::Talk),
        rule(Cadre, Some(4), None, None, M::CirculatedCriticism),
        rule(Cadre, None, Some(1), None, M::CirculatedCriticism),
        rule(Cadre, None, None, Some(2), M::CirculatedCriticism),
        rule(Cadre, Some(6), None, None, M::Admonishment),
        rule(Cadre, Some(4), Some(1), None, M::Admonishment),
    ]
}

/// Checks a table: 1–100 rules, each with a threshold of at least 1 (and at most
/// [`MAX_THRESHOLD`]) and a measure of its target.
pub fn check(rules: &[AccountabilityRule]) -> Result<(), DomainError> {
    if rules.is_empty() || rules.len() > MAX_RULES {
        return Err(DomainError::invalid(
            "rules",
            format!("must hold 1 to {MAX_RULES} rules, not {}", rules.len()),
        ));
    }
    for (i, r) in rules.iter().enumerate() {
        let thresholds = [r.red_lights, r.overdue_problems, r.late_filings];
        if thresholds.iter().all(Option::is_none) {
            return Err(DomainError::invalid(
                "rules",
                format!("rule {i} sets no threshold (red_lights, overdue_problems, late_filings)"),
            ));
        }
        if thresholds.contains(&Some(0)) {
            return Err(DomainError::invalid(
                "rules",
                format!("rule {i}: a threshold is at least 1"),
            ));
        }
        if thresholds.iter().flatten().any(|&t| t > MAX_THRESHOLD) {
            return Err(DomainError::invalid(
                "rules",
                format!("rule {i}: a threshold is at most {MAX_THRESHOLD}"),
            ));
        }
        if !r.measure.applies_to(r.target) {
            return Err(DomainError::invalid(
                "rules",
                format!(
                    "rule {i}: {} is not a measure against a {:?}",
                    r.measure.as_str(),
                    r.target
                ),
            ));
        }
    }
    Ok(())
}

/// The measure the table proposes for a target of `kind` with these facts, if any.
pub fn propose(rules: &[AccountabilityRule], kind: TargetKind, facts: Facts) -> Option<Proposal> {
    let mut best: Option<(usize, &AccountabilityRule)> = None;
    for (i, r) in rules.iter().enumerate() {
        let reached = |t: Option<u32>, n: u32| t.is_none_or(|t| n >= t);
        if r.target != kind
            || !reached(r.red_lights, facts.red_lights)
            || !reached(r.overdue_problems, facts.overdue_problems)
            || !reached(r.late_filings, facts.late_filings)
        {
            continue;
        }
        if best.is_none_or(|(_, b)| r.measure.rank(kind) > b.measure.rank(kind)) {
            best = Some((i, r));
        }
    }
    best.map(|(i, r)| {
        let mut why = Vec::new();
        if let Some(t) = r.red_lights {
            why.push(format!("红灯 {} 个（≥ {t}）", facts.red_lights));
        }
        if let Some(t) = r.overdue_problems {
            why.push(format!(
                "逾期整改问题 {} 个（≥ {t}）",
                facts.overdue_problems
            ));
        }
        if let Some(t) = r.late_filings {
            why.push(format!("逾期报备 {} 次（≥ {t}）", facts.late_filings));
        }
        Proposal {
            measure: r.measure,
            label: r.measure.label_zh().to_owned(),
            rule: i,
            because: why.join("，"),
        }
    })
}

/// 设置问责规则: the whole table from now on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SetAccountabilityRules {
    pub rules: Vec<AccountabilityRule>,
}

/// The table's stream: `None` until first set (the defaults apply).
#[derive(Debug)]
pub struct RulesAggregate;

/// The table in force.
pub fn current(state: &Option<Vec<AccountabilityRule>>) -> Vec<AccountabilityRule> {
    state.clone().unwrap_or_else(default_rules)
}

impl Aggregate for RulesAggregate {
    type State = Option<Vec<AccountabilityRule>>;
    type Command = SetAccountabilityRules;
    type Context = ();

    fn evolve(state: &mut Self::State, event: &Event) {
        if let Event::AccountabilityRulesSet(e) = event {
            *state = Some(e.rules.clone());
        }
    }

    fn decide(
        state: &Self::State,
        c: SetAccountabilityRules,
        _: &(),
        _: DateTime<Utc>,
    ) -> Result<Vec<Event>, DomainError> {
        check(&c.rules)?;
        if state.as_ref() == Some(&c.rules) {
            return Ok(vec![]);
        }
        Ok(vec![AccountabilityRulesSet { rules: c.rules }.into()])
    }
}
