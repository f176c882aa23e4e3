//! One function per command of the duty domain: gather the context the decision needs
//! from other streams, then [`App::execute`] on the command's own stream.

use crate::error::AppError;
use crate::execute::{App, Outcome};
use crate::idempotency::IdempotencyKey;
use domain::cadre::{CadreAggregate, CadreCommand, CadreContext};
use domain::duty::{DutyAggregate, DutyCommand, DutyContext};
use domain::error::DomainError;
use domain::events::stream;
use domain::group::{GroupAggregate, GroupCommand, GroupContext};
use domain::ids::{CadreId, GroupId, ObligationId, UnitId};
use domain::leader::{LeaderAggregate, LeaderCommand, LeaderContext};
use domain::list::{ListAggregate, ListCommand, SubjectContext};
use domain::obligation::{Obligation, ObligationRef, Source};
use domain::org::{CadreDuty, Subject};
use domain::task::{KeyTaskAggregate, SetKeyTask, key_task_obligation};
use domain::unit::{RegisterUnit, UnitAggregate};
use event_store::{Actor, StreamName};
use uuid::Uuid;

/// Who sends a command, with what idempotency key, and the request's fingerprint.
#[derive(Debug, Clone)]
pub struct Meta {
    pub actor: Actor,
    pub key: Option<IdempotencyKey>,
    pub fingerprint: Uuid,
}

/// A stream name of the domain (always valid; an error here is a bug, reported as a store
/// error).
pub(crate) fn name(s: String) -> Result<StreamName, AppError> {
    StreamName::new(s).map_err(|e| AppError::Store(e.into()))
}

impl App {
    pub(crate) async fn exists(&self, stream: String) -> Result<bool, AppError> {
        Ok(self.store().stream_version(&name(stream)?).await? > 0)
    }

    async fn unknown_units(&self, units: &[UnitId]) -> Result<Vec<UnitId>, AppError> {
        let mut unknown = Vec::new();
        for u in units {
            if !self.exists(stream::unit(*u)).await? {
                unknown.push(*u);
            }
        }
        Ok(unknown)
    }

    /// The current duty of a cadre, if registered.
    pub async fn cadre_duty(&self, cadre: CadreId) -> Result<Option<CadreDuty>, AppError> {
        let loaded = self
            .load::<CadreAggregate>(&name(stream::cadre(cadre))?)
            .await?;
        Ok(loaded.state.map(|c| c.duty))
    }

    async fn subject_context(&self, subjects: &[Subject]) -> Result<SubjectContext, AppError> {
        let mut ctx = SubjectContext::default();
        for s in subjects {
            let known = match *s {
                Subject::LeadershipTeam { unit_id } => self.exists(stream::unit(unit_id)).await?,
                Subject::DisciplineGroup { group_id } => {
                    self.exists(stream::group(group_id)).await?
                }
                Subject::PrincipalLeader { cadre_id } | Subject::TeamMember { cadre_id } => {
                    match self.cadre_duty(cadre_id).await? {
                        Some(duty) => {
                            ctx.cadre_duties.insert(cadre_id, duty);
                            true
                        }
                        None => false,
                    }
                }
            };
            if !known {
                ctx.unknown_subjects.push(*s);
            }
        }
        Ok(ctx)
    }

    async fn run<A: domain::aggregate::Aggregate>(
        &self,
        stream: String,
        meta: &Meta,
        command: impl Fn() -> A::Command,
        context: &A::Context,
    ) -> Result<Outcome, AppError> {
        let stream = name(stream)?;
        self.execute::<A>(
            &stream,
            &meta.actor,
            meta.key.as_ref(),
            meta.fingerprint,
            command,
            context,
        )
        .await
    }

    /// 单位登记
    pub async fn register_unit(&self, c: RegisterUnit, meta: &Meta) -> Result<Outcome, AppError> {
        self.run::<UnitAggregate>(stream::unit(c.unit_id), meta, || c.clone(), &())
            .await
    }

    /// 派驻纪检组登记 / 派驻关系调整
    pub async fn group_command(
        &self,
        group: GroupId,
        c: GroupCommand,
        meta: &Meta,
    ) -> Result<Outcome, AppError> {
        let units = match &c {
            GroupCommand::Register(r) => r.stationed_in.clone(),
            GroupCommand::ChangeStationing(r) => r.stationed_in.clone(),
        };
        let ctx = GroupContext {
            unknown_units: self.unknown_units(&units).await?,
        };
        self.run::<GroupAggregate>(stream::group(group), meta, || c.clone(), &ctx)
            .await
    }

    /// 干部登记 / 干部调整
    pub async fn cadre_command(
        &self,
        cadre: CadreId,
        c: CadreCommand,
        meta: &Meta,
    ) -> Result<Outcome, AppError> {
        let (duty, leader) = match &c {
            CadreCommand::Register(r) => (r.duty, r.direct_leader),
            CadreCommand::Transfer(r) => (r.duty, r.direct_leader),
        };
        let scope = match duty {
            CadreDuty::PrincipalLeader { unit_id } | CadreDuty::TeamMember { unit_id } => {
                stream::unit(unit_id)
            }
            CadreDuty::DisciplineGroup { group_id } => stream::group(group_id),
        };
        let ctx = CadreContext {
            unknown_duty_scope: !self.exists(scope).await?,
            unknown_direct_leader: match leader {
                Some(l) => !self.exists(stream::cadre(l)).await?,
                None => false,
            },
        };
        self.run::<CadreAggregate>(stream::cadre(cadre), meta, || c.clone(), &ctx)
            .await
    }

    /// 分管联系区领导登记 / 分管联系单位调整
    pub async fn leader_command(
        &self,
        leader: domain::ids::LeaderId,
        c: LeaderCommand,
        meta: &Meta,
    ) -> Result<Outcome, AppError> {
        let units = match &c {
            LeaderCommand::Register(r) => r.units.clone(),
            LeaderCommand::ChangeUnits(r) => r.units.clone(),
        };
        let ctx = LeaderContext {
            unknown_units: self.unknown_units(&units).await?,
        };
        self.run::<LeaderAggregate>(stream::leader(leader), meta, || c.clone(), &ctx)
            .await
    }

    /// 责任清单发布 / 修订 / 分解
    pub async fn list_command(
        &self,
        list: domain::ids::ListId,
        c: ListCommand,
        meta: &Meta,
    ) -> Result<Outcome, AppError> {
        let ctx = match &c {
            ListCommand::Assign(a) => self.subject_context(&a.subjects).await?,
            _ => SubjectContext::default(),
        };
        self.run::<ListAggregate>(stream::list(list), meta, || c.clone(), &ctx)
            .await
    }

    /// 年度重点工作任务
    pub async fn set_key_task(&self, c: SetKeyTask, meta: &Meta) -> Result<Outcome, AppError> {
        let ctx = self.subject_context(&[c.subject]).await?;
        self.run::<KeyTaskAggregate>(stream::task(c.task_id), meta, || c.clone(), &ctx)
            .await
    }

    /// The obligation named by `r`, as its list or task stands now (`None` if the list or
    /// task does not impose it, or no longer does).
    pub async fn obligation(&self, r: &ObligationRef) -> Result<Option<Obligation>, AppError> {
        Ok(match r.source {
            Source::ListItem { list_id, item_id } => self
                .load::<ListAggregate>(&name(stream::list(list_id))?)
                .await?
                .state
                .and_then(|l| l.obligation_at(item_id, &r.subject, &r.period)),
            Source::KeyTask { task_id } => self
                .load::<KeyTaskAggregate>(&name(stream::task(task_id))?)
                .await?
                .state
                .map(|t| key_task_obligation(&t))
                .filter(|o| o.obligation_id == r.id()),
        })
    }

    /// 填报 / 补录 / 更正 / 撤回履责记录, on the obligation `id`, named by `r`.
    pub async fn duty_command(
        &self,
        r: ObligationRef,
        id: ObligationId,
        c: DutyCommand,
        meta: &Meta,
    ) -> Result<Outcome, AppError> {
        if r.id() != id {
            return Err(DomainError::not_found("obligation", id).into());
        }
        let actor = match &c {
            DutyCommand::Record(r) => r.actor,
            DutyCommand::Correct(r) => r.actor,
            DutyCommand::Withdraw(r) => r.actor,
        };
        let obligation = self
            .obligation(&r)
            .await?
            .ok_or_else(|| DomainError::not_found("obligation", id))?;
        let ctx = DutyContext {
            obligation,
            actor_duty: self.cadre_duty(actor).await?,
        };
        self.run::<DutyAggregate>(stream::obligation(id), meta, || c.clone(), &ctx)
            .await
    }
}
