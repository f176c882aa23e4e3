//! The problem ledger (问题台账): problems registered, rectified and closed (销号整改), one
//! stream `problem-<id>` each, and the problem types on `taxonomy-problems`. The acting
//! login's relation to the organisation is gathered here from the log as it stands now
//! (the cadre's duty, the group's stationing), never from a read model that may be behind.

use crate::commands::{Meta, name};
use crate::error::AppError;
use crate::execute::{App, Outcome};
use domain::events::stream;
use domain::group::GroupAggregate;
use domain::ids::ProblemId;
use domain::org::CadreDuty;
use domain::problem::taxonomy::{self, SetProblemTypes, TaxonomyAggregate};
use domain::problem::{
    ProblemActor, ProblemAggregate, ProblemCommand, ProblemContext, ProblemState, ProblemType,
};
use domain::user::Account;

impl App {
    /// What the problem rules need to know of a login: the commission, a discipline group
    /// member with the group's current stationing, or a cadre with their current duty.
    pub async fn problem_actor(&self, account: &Account) -> Result<ProblemActor, AppError> {
        Ok(match *account {
            Account::Commission => ProblemActor::Commission,
            Account::Cadre { cadre_id } => match self.cadre_duty(cadre_id).await? {
                Some(CadreDuty::DisciplineGroup { group_id }) => ProblemActor::Group {
                    group_id,
                    stationed_in: self
                        .load::<GroupAggregate>(&name(stream::group(group_id))?)
                        .await?
                        .state
                        .map(|g| g.stationed_in)
                        .unwrap_or_default(),
                },
                duty => ProblemActor::Cadre { cadre_id, duty },
            },
            Account::Leader { .. } | Account::Auditor | Account::Regulator => ProblemActor::Other,
        })
    }

    /// 登记, 整改方案, 整改进展, 申请销号, 退回, 销号 on the problem the command names, by
    /// `actor`. A registration also gathers whether the unit exists, the named cadre's
    /// duty and the taxonomy in force.
    pub async fn problem_command(
        &self,
        c: ProblemCommand,
        actor: ProblemActor,
        meta: &Meta,
    ) -> Result<Outcome, AppError> {
        let mut ctx = ProblemContext::of(actor);
        if let ProblemCommand::Register(r) = &c {
            ctx.unit_known = self
                .store()
                .stream_version(&name(stream::unit(r.unit_id))?)
                .await?
                > 0;
            ctx.cadre_duty = match r.cadre_id {
                Some(cadre) => self.cadre_duty(cadre).await?,
                None => None,
            };
            ctx.types = self.problem_types().await?;
        }
        self.execute::<ProblemAggregate>(
            &name(stream::problem(c.problem_id()))?,
            &meta.actor,
            meta.key.as_ref(),
            meta.fingerprint,
            || c.clone(),
            &ctx,
        )
        .await
    }

    /// A problem as the log says now, read from its stream (never behind).
    pub async fn problem(&self, id: ProblemId) -> Result<Option<ProblemState>, AppError> {
        Ok(self
            .load::<ProblemAggregate>(&name(stream::problem(id))?)
            .await?
            .state)
    }

    /// The problem types in force: the commission's, else the defaults.
    pub async fn problem_types(&self) -> Result<Vec<ProblemType>, AppError> {
        let loaded = self
            .load::<TaxonomyAggregate>(&name(stream::taxonomy_problems())?)
            .await?;
        Ok(taxonomy::current(&loaded.state))
    }

    /// 设置问题类型: the whole taxonomy from now on (who may is the caller's business).
    pub async fn set_problem_types(
        &self,
        c: SetProblemTypes,
        meta: &Meta,
    ) -> Result<Outcome, AppError> {
        self.execute::<TaxonomyAggregate>(
            &name(stream::taxonomy_problems())?,
            &meta.actor,
            meta.key.as_ref(),
            meta.fingerprint,
            || c.clone(),
            &(),
        )
        .await
    }
}
