//! Accountability (问责 and 约谈, stream `accountability-<id>`), its proposal rule table
//! (`rules-accountability`), circulars (通报, `circular-<id>`) and the annual assessment
//! (考核, `assessment-<year>`). The facts a decision needs — the unit registered, the
//! cadre's current unit, the cited obligations, problems and filings existing — are read
//! from the log, never from a read model that may be behind.

use crate::commands::{Meta, name};
use crate::error::AppError;
use crate::execute::{App, Outcome};
use domain::accountability::rules::{self, RulesAggregate, SetAccountabilityRules};
use domain::accountability::{
    AccountabilityAggregate, AccountabilityCommand, AccountabilityContext, AccountabilityRule,
};
use domain::assessment::{AssessmentAggregate, AssessmentCommand, AssessmentState};
use domain::circular::{CircularAggregate, CircularCommand, CircularState};
use domain::events::stream;
use domain::obligation::ObligationRef;
use domain::org::CadreDuty;
use domain::problem::ProblemActor;

impl App {
    /// 问责决定 or 约谈 by `actor`. An obligation has no stream until its first entry, so
    /// each cited obligation is named by its reference (`refs`, from the board) and checked
    /// against its list or task as it stands; a cited obligation without one is unknown.
    pub async fn accountability_command(
        &self,
        c: AccountabilityCommand,
        actor: ProblemActor,
        refs: &[ObligationRef],
        meta: &Meta,
    ) -> Result<Outcome, AppError> {
        let (unit, cadre, basis) = match &c {
            AccountabilityCommand::Decide(d) => {
                (Some(d.target.unit_id()), d.target.cadre_id(), &d.basis)
            }
            AccountabilityCommand::Talk(t) => (None, Some(t.cadre_id), &t.basis),
        };
        let unit_known = match unit {
            Some(u) => self.exists(stream::unit(u)).await?,
            None => false,
        };
        let cadre_unit = match cadre {
            Some(id) => match self.cadre_duty(id).await? {
                Some(
                    CadreDuty::PrincipalLeader { unit_id } | CadreDuty::TeamMember { unit_id },
                ) => Some(unit_id),
                _ => None,
            },
            None => None,
        };
        let mut unknown_basis = Vec::new();
        for id in &basis.obligations {
            let known = match refs.iter().find(|r| r.id() == *id) {
                Some(r) => self.obligation(r).await?.is_some(),
                None => false,
            };
            if !known {
                unknown_basis.push(stream::obligation(*id));
            }
        }
        let others = basis.problems.iter().map(|id| stream::problem(*id));
        for s in others.chain(basis.filings.iter().map(|id| stream::filing(*id))) {
            if !self.exists(s.clone()).await? {
                unknown_basis.push(s);
            }
        }
        let ctx = AccountabilityContext {
            actor,
            unit_known,
            cadre_unit,
            unknown_basis,
        };
        self.execute::<AccountabilityAggregate>(
            &name(stream::accountability(c.id()))?,
            &meta.actor,
            meta.key.as_ref(),
            meta.fingerprint,
            || c.clone(),
            &ctx,
        )
        .await
    }

    /// The proposal rule table in force: the commission's, else the defaults.
    pub async fn accountability_rules(&self) -> Result<Vec<AccountabilityRule>, AppError> {
        let loaded = self
            .load::<RulesAggregate>(&name(stream::accountability_rules())?)
            .await?;
        Ok(rules::current(&loaded.state))
    }

    /// 设置问责规则 (who may is the caller's business).
    pub async fn set_accountability_rules(
        &self,
        c: SetAccountabilityRules,
        meta: &Meta,
    ) -> Result<Outcome, AppError> {
        self.execute::<RulesAggregate>(
            &name(stream::accountability_rules())?,
            &meta.actor,
            meta.key.as_ref(),
            meta.fingerprint,
            || c.clone(),
            &(),
        )
        .await
    }

    /// 通报: draft, revise, publish.
    pub async fn circular_command(
        &self,
        c: CircularCommand,
        actor: ProblemActor,
        meta: &Meta,
    ) -> Result<Outcome, AppError> {
        self.execute::<CircularAggregate>(
            &name(stream::circular(c.circular_id()))?,
            &meta.actor,
            meta.key.as_ref(),
            meta.fingerprint,
            || c.clone(),
            &actor,
        )
        .await
    }

    /// A circular as its stream says now.
    pub async fn circular(&self, id: domain::ids::CircularId) -> Result<CircularState, AppError> {
        Ok(self
            .load::<CircularAggregate>(&name(stream::circular(id))?)
            .await?
            .state)
    }

    /// 考核: set a year's rules or finalise it.
    pub async fn assessment_command(
        &self,
        c: AssessmentCommand,
        actor: ProblemActor,
        meta: &Meta,
    ) -> Result<Outcome, AppError> {
        let year = match &c {
            AssessmentCommand::SetRules { year, .. } | AssessmentCommand::Finalise { year, .. } => {
                *year
            }
        };
        self.execute::<AssessmentAggregate>(
            &name(stream::assessment(year))?,
            &meta.actor,
            meta.key.as_ref(),
            meta.fingerprint,
            || c.clone(),
            &actor,
        )
        .await
    }

    /// A year's assessment as its stream says now (rules in force, finalised or not).
    pub async fn assessment(&self, year: i32) -> Result<AssessmentState, AppError> {
        Ok(self
            .load::<AssessmentAggregate>(&name(stream::assessment(year))?)
            .await?
            .state)
    }
}
