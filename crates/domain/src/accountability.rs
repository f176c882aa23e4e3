//! Accountability (问责, DESIGN.md §2), graded by the facts (差别化问责).
//!
//! - **Decisions** (`AccountabilityDecided`, stream `accountability-<id>`): a measure
//!   against a unit — written self-examination (书面检查), circulated criticism (通报批评),
//!   organisational adjustment (组织调整) — or against a cadre — circulated criticism,
//!   admonishment (诫勉谈话), suspension for inspection (停职检查), ordered resignation
//!   (责令辞职). Only the commission decides.
//! - **Admonishment talks held** (约谈, `AdmonishmentTalkHeld`, same category): with a
//!   cadre of a unit, by the commission or a discipline group stationed in the unit.
//!
//! Each cites its basis: the obligations, problems and filings it rests on (at least one,
//! each existing). The platform *proposes* a measure from the facts of a year (red lights,
//! overdue problems, late filings) under a rule table the commission configures
//! ([`rules`], stream `rules-accountability`); a person decides, and the decision records
//! what had been proposed.

pub mod rules;

use crate::aggregate::Aggregate;
use crate::calendar::local_date;
use crate::error::DomainError;
use crate::events::{AccountabilityDecided, AdmonishmentTalkHeld, Event};
use crate::ids::{CadreId, DecisionId, FilingId, ObligationId, ProblemId, UnitId};
use crate::problem::ProblemActor;
use crate::validate;
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

pub use rules::{AccountabilityRule, Facts, Proposal, default_rules, propose};

/// Longest reason or summary, in characters.
pub const MAX_TEXT: usize = 2000;
/// Longest "held by", in characters.
pub const MAX_HELD_BY: usize = 100;
/// Most citations of one basis.
pub const MAX_BASIS: usize = 200;

/// Whom a measure is against.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TargetKind {
    /// A unit's Party organisation (党组织).
    Unit,
    /// A leading cadre.
    Cadre,
}

/// An accountability measure, mildest first within its target.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Measure {
    /// 约谈 — an admonishment talk: proposed for a cadre, recorded as a talk held.
    Talk,
    /// 书面检查 (unit)
    WrittenExamination,
    /// 通报批评 (unit or cadre)
    CirculatedCriticism,
    /// 组织调整 (unit)
    OrganisationalAdjustment,
    /// 诫勉谈话 (cadre)
    Admonishment,
    /// 停职检查 (cadre)
    Suspension,
    /// 责令辞职 (cadre)
    OrderedResignation,
}

impl Measure {
    pub const ALL: [Measure; 7] = [
        Self::Talk,
        Self::WrittenExamination,
        Self::CirculatedCriticism,
        Self::OrganisationalAdjustment,
        Self::Admonishment,
        Self::Suspension,
        Self::OrderedResignation,
    ];

    /// The wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Talk => "talk",
            Self::WrittenExamination => "written_examination",
            Self::CirculatedCriticism => "circulated_criticism",
            Self::OrganisationalAdjustment => "organisational_adjustment",
            Self::Admonishment => "admonishment",
            Self::Suspension => "suspension",
            Self::OrderedResignation => "ordered_resignation",
        }
    }

    pub fn label_zh(self) -> &'static str {
        match self {
            Self::Talk => "约谈",
            Self::WrittenExamination => "书面检查",
            Self::CirculatedCriticism => "通报批评",
            Self::OrganisationalAdjustment => "组织调整",
            Self::Admonishment => "诫勉谈话",
            Self::Suspension => "停职检查",
            Self::OrderedResignation => "责令辞职",
        }
    }

    /// Whether the measure applies to this kind of target.
    pub fn applies_to(self, kind: TargetKind) -> bool {
        match kind {
            TargetKind::Unit => matches!(
                self,
                Self::WrittenExamination
                    | Self::CirculatedCriticism
                    | Self::OrganisationalAdjustment
            ),
            TargetKind::Cadre => matches!(
                self,
                Self::Talk
                    | Self::CirculatedCriticism
                    | Self::Admonishment
                    | Self::Suspension
                    | Self::OrderedResignation
            ),
        }
    }

    /// How severe, within its target: 1 the mildest.
    pub fn rank(self, kind: TargetKind) -> u8 {
        match (kind, self) {
            (TargetKind::Unit, Self::WrittenExamination) => 1,
            (TargetKind::Unit, Self::CirculatedCriticism) => 2,
            (TargetKind::Unit, Self::OrganisationalAdjustment) => 3,
            (TargetKind::Cadre, Self::Talk) => 1,
            (TargetKind::Cadre, Self::CirculatedCriticism) => 2,
            (TargetKind::Cadre, Self::Admonishment) => 3,
            (TargetKind::Cadre, Self::Suspension) => 4,
            (TargetKind::Cadre, Self::OrderedResignation) => 5,
            _ => 0,
        }
    }

    /// The measures of a target kind, mildest first.
    pub fn of(kind: TargetKind) -> Vec<Measure> {
        let mut all: Vec<Measure> = Self::ALL
            .into_iter()
            .filter(|m| m.applies_to(kind))
            .collect();
        all.sort_by_key(|m| m.rank(kind));
        all
    }
}

/// Whom a decision is against: a unit, or a cadre (with the unit they belonged to then).
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Target {
    Unit { unit_id: UnitId },
    Cadre { cadre_id: CadreId, unit_id: UnitId },
}

impl Target {
    pub fn kind(self) -> TargetKind {
        match self {
            Self::Unit { .. } => TargetKind::Unit,
            Self::Cadre { .. } => TargetKind::Cadre,
        }
    }

    pub fn unit_id(self) -> UnitId {
        match self {
            Self::Unit { unit_id } | Self::Cadre { unit_id, .. } => unit_id,
        }
    }

    pub fn cadre_id(self) -> Option<CadreId> {
        match self {
            Self::Unit { .. } => None,
            Self::Cadre { cadre_id, .. } => Some(cadre_id),
        }
    }
}

/// What a decision or a talk rests on (依据).
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Basis {
    #[serde(default)]
    pub obligations: Vec<ObligationId>,
    #[serde(default)]
    pub problems: Vec<ProblemId>,
    #[serde(default)]
    pub filings: Vec<FilingId>,
}

impl Basis {
    fn len(&self) -> usize {
        self.obligations.len() + self.problems.len() + self.filings.len()
    }

    fn check(mut self, unknown: &[String]) -> Result<Basis, DomainError> {
        self.obligations.sort();
        self.obligations.dedup();
        self.problems.sort();
        self.problems.dedup();
        self.filings.sort();
        self.filings.dedup();
        match self.len() {
            0 => Err(DomainError::invalid(
                "basis",
                "cite at least one obligation, problem or filing it rests on",
            )),
            n if n > MAX_BASIS => Err(DomainError::invalid(
                "basis",
                format!("at most {MAX_BASIS} citations, not {n}"),
            )),
            _ => match unknown.first() {
                Some(first) => Err(DomainError::invalid(
                    "basis",
                    format!("{first} does not exist"),
                )),
                None => Ok(self),
            },
        }
    }
}

/// 问责决定.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DecideAccountability {
    pub decision_id: DecisionId,
    pub target: Target,
    pub measure: Measure,
    /// Why, 1–2000 characters.
    pub reason: String,
    pub basis: Basis,
    /// What the platform proposed for the target when the decider looked, if anything.
    pub proposed: Option<Measure>,
}

/// 约谈: a talk held with a cadre.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordTalk {
    pub talk_id: DecisionId,
    pub cadre_id: CadreId,
    pub held_on: NaiveDate,
    /// Who held it, e.g. "区纪委副书记 张三", 1–100 characters.
    pub held_by: String,
    /// What was said, 1–2000 characters.
    pub summary: String,
    pub basis: Basis,
}

/// What may be asked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AccountabilityCommand {
    Decide(DecideAccountability),
    Talk(RecordTalk),
}

impl AccountabilityCommand {
    pub fn id(&self) -> DecisionId {
        match self {
            Self::Decide(c) => c.decision_id,
            Self::Talk(c) => c.talk_id,
        }
    }
}

/// Filled by the application before deciding.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountabilityContext {
    pub actor: ProblemActor,
    /// Whether the target unit is registered.
    pub unit_known: bool,
    /// The cadre's current unit, if the command names a cadre: `None` if unknown or in a
    /// discipline group.
    pub cadre_unit: Option<UnitId>,
    /// The cited streams that do not exist.
    pub unknown_basis: Vec<String>,
}

/// A decision's or a talk's stream: whether it exists.
#[derive(Debug)]
pub struct AccountabilityAggregate;

impl Aggregate for AccountabilityAggregate {
    type State = bool;
    type Command = AccountabilityCommand;
    type Context = AccountabilityContext;

    fn evolve(state: &mut bool, event: &Event) {
        if matches!(
            event,
            Event::AccountabilityDecided(_) | Event::AdmonishmentTalkHeld(_)
        ) {
            *state = true;
        }
    }

    fn decide(
        state: &bool,
        command: AccountabilityCommand,
        ctx: &AccountabilityContext,
        now: DateTime<Utc>,
    ) -> Result<Vec<Event>, DomainError> {
        if *state {
            return Err(DomainError::AlreadyExists {
                what: "accountability record",
                id: command.id().to_string(),
            });
        }
        let today = local_date(now);
        match command {
            AccountabilityCommand::Decide(c) => {
                if ctx.actor != ProblemActor::Commission {
                    return Err(DomainError::Forbidden(
                        "only the commission decides accountability".into(),
                    ));
                }
                let kind = c.target.kind();
                check_target(c.target, ctx)?;
                if c.measure == Measure::Talk {
                    return Err(DomainError::invalid(
                        "measure",
                        "a talk (约谈) is recorded as a talk held, not decided",
                    ));
                }
                if !c.measure.applies_to(kind) {
                    return Err(DomainError::invalid(
                        "measure",
                        format!(
                            "{} ({}) is not a measure against a {}; those are {}",
                            c.measure.as_str(),
                            c.measure.label_zh(),
                            if kind == TargetKind::Unit {
                                "unit"
                            } else {
                                "cadre"
                            },
                            Measure::of(kind)
                                .into_iter()
                                .filter(|m| *m != Measure::Talk)
                                .map(Measure::as_str)
                                .collect::<Vec<_>>()
                                .join(", ")
                        ),
                    ));
                }
                if c.proposed.is_some_and(|p| !p.applies_to(kind)) {
                    return Err(DomainError::invalid(
                        "proposed",
                        "the proposal is not a measure of this target",
                    ));
                }
                let reason = validate::text("reason", &c.reason, MAX_TEXT)?;
                let basis = c.basis.check(&ctx.unknown_basis)?;
                Ok(vec![
                    AccountabilityDecided {
                        decision_id: c.decision_id,
                        target: c.target,
                        measure: c.measure,
                        reason,
                        basis,
                        decided_on: today,
                        proposed: c.proposed,
                    }
                    .into(),
                ])
            }
            AccountabilityCommand::Talk(c) => {
                let Some(unit_id) = ctx.cadre_unit else {
                    return Err(DomainError::invalid(
                        "cadre_id",
                        format!("cadre {} is not a cadre of a unit", c.cadre_id),
                    ));
                };
                let by = ctx.actor.relation(unit_id, Some(c.cadre_id));
                if !by.verifies() {
                    return Err(DomainError::Forbidden(
                        "only the commission or a discipline group stationed in the unit records its talks"
                            .into(),
                    ));
                }
                if c.held_on > today {
                    return Err(DomainError::invalid(
                        "held_on",
                        format!("{} is in the future (today is {today})", c.held_on),
                    ));
                }
                let held_by = validate::name("held_by", &c.held_by, MAX_HELD_BY)?;
                let summary = validate::text("summary", &c.summary, MAX_TEXT)?;
                let basis = c.basis.check(&ctx.unknown_basis)?;
                Ok(vec![
                    AdmonishmentTalkHeld {
                        talk_id: c.talk_id,
                        cadre_id: c.cadre_id,
                        unit_id,
                        held_on: c.held_on,
                        held_by,
                        summary,
                        basis,
                        by,
                    }
                    .into(),
                ])
            }
        }
    }
}

fn check_target(target: Target, ctx: &AccountabilityContext) -> Result<(), DomainError> {
    if !ctx.unit_known {
        return Err(DomainError::invalid(
            "target.unit_id",
            format!("unit {} does not exist", target.unit_id()),
        ));
    }
    if let Target::Cadre { cadre_id, unit_id } = target
        && ctx.cadre_unit != Some(unit_id)
    {
        return Err(DomainError::invalid(
            "target.cadre_id",
            format!("cadre {cadre_id} is not a cadre of unit {unit_id}"),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests;
