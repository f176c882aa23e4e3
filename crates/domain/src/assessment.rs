//! The annual assessment (考核, "能考核"): every unit starts a year at a base score and loses
//! points for each red light, each problem gone overdue, each late filing and each
//! accountability measure of the year; never below zero. The rules are the commission's,
//! per year (`AssessmentRulesSet`, stream `assessment-<year>`; until set, [`AssessmentRules::default`]).
//! The score is computed live (and as of any date) by the application from the facts;
//! once the year is over the commission finalises it (`AssessmentFinalised`, same stream):
//! the scores are then fixed as they were, and the year's rules can no longer change.
//!
//! Points are whole numbers.

use crate::aggregate::Aggregate;
use crate::calendar::local_date;
use crate::error::DomainError;
use crate::events::{AssessmentFinalised, AssessmentRulesSet, Event};
use crate::ids::UnitId;
use crate::problem::ProblemActor;
use chrono::{DateTime, Datelike, Utc};
use serde::{Deserialize, Serialize};

/// Highest base score.
pub const MAX_BASE: u32 = 1000;
/// Earliest and latest year.
pub const YEARS: std::ops::RangeInclusive<i32> = 2000..=2100;

/// One year's rules.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct AssessmentRules {
    /// 基础分, e.g. 100.
    pub base: u32,
    /// Points off per red light (went red, backfilled or not).
    pub per_red_light: u32,
    /// Points off per problem gone overdue.
    pub per_overdue_problem: u32,
    /// Points off per late filing.
    pub per_late_filing: u32,
    /// Points off per accountability measure against the unit or one of its cadres.
    pub per_accountability: u32,
}

impl Default for AssessmentRules {
    fn default() -> Self {
        Self {
            base: 100,
            per_red_light: 2,
            per_overdue_problem: 3,
            per_late_filing: 1,
            per_accountability: 5,
        }
    }
}

/// What counts against a unit in a year.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnitFacts {
    pub red_lights: u32,
    pub overdue_problems: u32,
    pub late_filings: u32,
    pub accountability_measures: u32,
}

/// One unit's score.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnitScore {
    pub unit_id: UnitId,
    pub unit_name: String,
    #[serde(flatten)]
    pub facts: UnitFacts,
    /// Points off in all.
    pub deduction: u32,
    /// base − deduction, at least 0.
    pub score: u32,
}

impl AssessmentRules {
    /// The score of a unit with these facts.
    pub fn score(&self, unit_id: UnitId, unit_name: String, facts: UnitFacts) -> UnitScore {
        let deduction = facts
            .red_lights
            .saturating_mul(self.per_red_light)
            .saturating_add(
                facts
                    .overdue_problems
                    .saturating_mul(self.per_overdue_problem),
            )
            .saturating_add(facts.late_filings.saturating_mul(self.per_late_filing))
            .saturating_add(
                facts
                    .accountability_measures
                    .saturating_mul(self.per_accountability),
            );
        UnitScore {
            unit_id,
            unit_name,
            facts,
            deduction,
            score: self.base.saturating_sub(deduction),
        }
    }

    fn check(&self) -> Result<(), DomainError> {
        if self.base == 0 || self.base > MAX_BASE {
            return Err(DomainError::invalid(
                "base",
                format!("must be 1 to {MAX_BASE}, not {}", self.base),
            ));
        }
        for (field, v) in [
            ("per_red_light", self.per_red_light),
            ("per_overdue_problem", self.per_overdue_problem),
            ("per_late_filing", self.per_late_filing),
            ("per_accountability", self.per_accountability),
        ] {
            if v > self.base {
                return Err(DomainError::invalid(
                    field,
                    format!("{v} is more than the base score {}", self.base),
                ));
            }
        }
        Ok(())
    }
}

/// What may be asked of a year's assessment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AssessmentCommand {
    /// 设置考核规则.
    SetRules { year: i32, rules: AssessmentRules },
    /// 考核定格: the scores computed by the application as of the end of the year.
    Finalise { year: i32, scores: Vec<UnitScore> },
}

/// A year's assessment as things stand.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AssessmentState {
    pub rules: Option<AssessmentRules>,
    pub finalised: bool,
}

impl AssessmentState {
    /// The rules in force.
    pub fn rules(&self) -> AssessmentRules {
        self.rules.unwrap_or_default()
    }
}

/// One year's stream.
#[derive(Debug)]
pub struct AssessmentAggregate;

fn check_year(year: i32) -> Result<(), DomainError> {
    if YEARS.contains(&year) {
        Ok(())
    } else {
        Err(DomainError::invalid(
            "year",
            format!("{year} is not a year from 2000 to 2100"),
        ))
    }
}

impl Aggregate for AssessmentAggregate {
    type State = AssessmentState;
    type Command = AssessmentCommand;
    /// Who is acting.
    type Context = ProblemActor;

    fn evolve(state: &mut AssessmentState, event: &Event) {
        match event {
            Event::AssessmentRulesSet(e) => state.rules = Some(e.rules),
            Event::AssessmentFinalised(_) => state.finalised = true,
            _ => {}
        }
    }

    fn decide(
        state: &AssessmentState,
        command: AssessmentCommand,
        actor: &ProblemActor,
        now: DateTime<Utc>,
    ) -> Result<Vec<Event>, DomainError> {
        if *actor != ProblemActor::Commission {
            return Err(DomainError::Forbidden(
                "only the commission sets and finalises the assessment".into(),
            ));
        }
        let year = match &command {
            AssessmentCommand::SetRules { year, .. } | AssessmentCommand::Finalise { year, .. } => {
                *year
            }
        };
        check_year(year)?;
        if state.finalised {
            return Err(DomainError::invalid(
                "status",
                format!("the assessment of {year} is finalised"),
            ));
        }
        match command {
            AssessmentCommand::SetRules { year, rules } => {
                rules.check()?;
                if state.rules == Some(rules) {
                    return Ok(vec![]);
                }
                Ok(vec![AssessmentRulesSet { year, rules }.into()])
            }
            AssessmentCommand::Finalise { year, scores } => {
                let today = local_date(now);
                if today.year() <= year {
                    return Err(DomainError::invalid(
                        "year",
                        format!(
                            "{year} is not over yet (today is {today}); finalise it from {}-01-01",
                            year + 1
                        ),
                    ));
                }
                Ok(vec![
                    AssessmentFinalised {
                        year,
                        rules: state.rules(),
                        finalised_on: today,
                        scores,
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
    use crate::calendar::end_of_day;
    use chrono::NaiveDate;

    fn at(y: i32, m: u32, d: u32) -> DateTime<Utc> {
        end_of_day(NaiveDate::from_ymd_opt(y, m, d).expect("a date"))
    }

    #[test]
    fn a_score_is_the_base_less_every_deduction_and_never_below_zero() {
        let rules = AssessmentRules::default();
        let facts = UnitFacts {
            red_lights: 3,
            overdue_problems: 2,
            late_filings: 4,
            accountability_measures: 1,
        };
        let s = rules.score(UnitId::new(), "区财政局".into(), facts);
        assert_eq!(s.deduction, 3 * 2 + 2 * 3 + 4 + 5);
        assert_eq!(s.score, 100 - 21);
        let worst = rules.score(
            UnitId::new(),
            "x".into(),
            UnitFacts {
                red_lights: 80,
                ..facts
            },
        );
        assert_eq!(worst.score, 0);
    }

    #[test]
    fn rules_are_set_until_the_year_is_finalised_and_it_is_finalised_only_after_it_ends() {
        let c = ProblemActor::Commission;
        let rules = AssessmentRules {
            base: 120,
            ..AssessmentRules::default()
        };
        let set = AssessmentCommand::SetRules { year: 2026, rules };
        let mut log = AssessmentAggregate::decide(
            &AssessmentState::default(),
            set.clone(),
            &c,
            at(2026, 3, 1),
        )
        .unwrap();
        let state = AssessmentAggregate::fold(&log);
        assert_eq!(state.rules(), rules);
        assert_eq!(
            AssessmentAggregate::decide(&state, set.clone(), &c, at(2026, 3, 1)),
            Ok(vec![])
        );
        let finalise = AssessmentCommand::Finalise {
            year: 2026,
            scores: vec![],
        };
        assert!(matches!(
            AssessmentAggregate::decide(&state, finalise.clone(), &c, at(2026, 12, 31)),
            Err(DomainError::Invalid { field: "year", .. })
        ));
        let done =
            AssessmentAggregate::decide(&state, finalise.clone(), &c, at(2027, 1, 1)).unwrap();
        match &done[..] {
            [Event::AssessmentFinalised(f)] => assert_eq!(f.rules.base, 120),
            other => panic!("{other:?}"),
        }
        log.extend(done);
        let state = AssessmentAggregate::fold(&log);
        for again in [finalise, set] {
            assert!(matches!(
                AssessmentAggregate::decide(&state, again, &c, at(2027, 1, 2)),
                Err(DomainError::Invalid {
                    field: "status",
                    ..
                })
            ));
        }
        assert!(matches!(
            AssessmentAggregate::decide(
                &AssessmentState::default(),
                AssessmentCommand::SetRules { year: 2026, rules },
                &ProblemActor::Other,
                at(2026, 3, 1)
            ),
            Err(DomainError::Forbidden(_))
        ));
        for (field, bad) in [
            ("base", AssessmentRules { base: 0, ..rules }),
            (
                "per_red_light",
                AssessmentRules {
                    per_red_light: 121,
                    ..rules
                },
            ),
        ] {
            assert!(matches!(
                AssessmentAggregate::decide(&AssessmentState::default(), AssessmentCommand::SetRules { year: 2026, rules: bad }, &c, at(2026, 3, 1)),
                Err(DomainError::Invalid { field: f, .. }) if f == field
            ));
        }
        assert!(matches!(
            AssessmentAggregate::decide(
                &AssessmentState::default(),
                AssessmentCommand::SetRules { year: 1999, rules },
                &c,
                at(2026, 3, 1)
            ),
            Err(DomainError::Invalid { field: "year", .. })
        ));
    }
}
