//! The problem ledger (问题台账, DESIGN.md §2 "Problem ledger"): problems found by an audit,
//! an inspection tour (巡视巡察), supervision, the platform's own operation or otherwise,
//! registered against a unit (and optionally one of its cadres), then rectified and closed
//! (销号整改); stream `problem-<id>`, one problem per stream. The configurable problem
//! types are [`taxonomy`] (stream `taxonomy-problems`).
//!
//! **Lifecycle.** Every step is an event:
//!
//! ```text
//! registered ─plan─► planned ─progress─► rectifying ─submit─► submitted ─close─► closed (销号)
//!                              ▲  │ progress                      │
//!                              │  └──────┘                        │ reject (with a reason)
//!                              └──────────────────────────────────┘
//! ```
//!
//! - A problem is planned (整改方案) once, from `registered` only.
//! - Planning leaves it `planned` until the first progress entry: the ledger then tells a
//!   plan on paper from rectification under way. Progress (整改进展) is allowed from
//!   `planned` or `rectifying`, each entry with a text and at least one evidence attachment
//!   (佐证材料); the first moves it to `rectifying`.
//! - Closing is requested (申请销号) from `rectifying` only — so after at least one progress
//!   entry — with a summary; a submitted problem takes no more progress until it is decided.
//! - A submitted problem is either closed (销号, with the verifier's conclusion) or
//!   rejected back to `rectifying` with a reason. A closed problem is final.
//! - Anything else is refused as `status` (422), naming the problem's current status.
//!
//! **Who may** (the actor's relation to the problem, [`Relation`], computed from the
//! [`ProblemActor`] facts the application gathers — the login's account, the cadre's
//! current duty, the group's current stationing):
//!
//! - register: the commission, or a discipline group stationed in the unit;
//! - plan, progress, request closing: the unit's principal leader, or the cadre named on
//!   the problem;
//! - reject, verify and close: the commission or a discipline group stationed in the unit —
//!   never a cadre of the problem's unit (the named cadre included).
//!
//! Anyone else is refused (403). Order of the checks: the problem exists (404), the actor
//! may (403), the status allows it (422), then the fields (422).
//!
//! **Dates** are local dates of Asia/Shanghai: `found_on` ≤ today, `rectify_by` ≥
//! `found_on` and at most [`MAX_DAYS_AHEAD`] days after today. Overdue = not closed and
//! today > `rectify_by`; it is computed when reading ([`light`]), never stored, so the
//! ledger can be read as of any instant.
//!
//! **Types** come from the taxonomy as it stands when registering; the problem keeps the
//! key and the label it had then, so renaming or removing a type later changes no
//! registered problem. An unknown key is refused naming `type`.

pub mod taxonomy;

use crate::aggregate::Aggregate;
use crate::calendar::{end_of_day, local_date};
use crate::error::DomainError;
use crate::events::{
    Attachment, ClosingRejected, ClosingRequested, Event, ProblemClosed, ProblemRegistered,
    RectificationPlanned, RectificationProgressed,
};
use crate::ids::{CadreId, GroupId, ProblemId, UnitId};
use crate::light::{Light, YELLOW_DAYS};
use crate::org::CadreDuty;
use crate::validate;
use chrono::{DateTime, Days, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

pub use taxonomy::{DEFAULT_TYPES, ProblemType, default_types};

/// Longest description, plan, progress text, summary, reason or conclusion, in characters.
pub const MAX_TEXT: usize = 2000;
/// Most evidence attachments of one progress entry.
pub const MAX_ATTACHMENTS: usize = 50;
/// How far after today a rectify-by date may lie, in days (about three years).
pub const MAX_DAYS_AHEAD: u64 = 1096;

/// Where a problem was found.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ProblemSource {
    /// 审计
    Audit,
    /// 巡视巡察
    Inspection,
    /// 监督检查
    Supervision,
    /// 平台运行
    Platform,
    /// 其他
    Other,
}

impl ProblemSource {
    pub const ALL: [ProblemSource; 5] = [
        Self::Audit,
        Self::Inspection,
        Self::Supervision,
        Self::Platform,
        Self::Other,
    ];

    /// The wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Audit => "audit",
            Self::Inspection => "inspection",
            Self::Supervision => "supervision",
            Self::Platform => "platform",
            Self::Other => "other",
        }
    }

    pub fn label_zh(self) -> &'static str {
        match self {
            Self::Audit => "审计",
            Self::Inspection => "巡视巡察",
            Self::Supervision => "监督检查",
            Self::Platform => "平台运行",
            Self::Other => "其他",
        }
    }
}

/// How serious a problem is.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// 一般
    Minor,
    /// 较重
    Moderate,
    /// 严重
    Serious,
}

impl Severity {
    pub const ALL: [Severity; 3] = [Self::Minor, Self::Moderate, Self::Serious];

    /// The wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Minor => "minor",
            Self::Moderate => "moderate",
            Self::Serious => "serious",
        }
    }

    pub fn label_zh(self) -> &'static str {
        match self {
            Self::Minor => "一般",
            Self::Moderate => "较重",
            Self::Serious => "严重",
        }
    }
}

/// Where a problem stands.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ProblemStatus {
    /// 已登记
    Registered,
    /// 已制定整改方案, no progress yet.
    Planned,
    /// 整改中 (also after a rejected closing request).
    Rectifying,
    /// 已申请销号
    Submitted,
    /// 已销号
    Closed,
}

impl ProblemStatus {
    pub const ALL: [ProblemStatus; 5] = [
        Self::Registered,
        Self::Planned,
        Self::Rectifying,
        Self::Submitted,
        Self::Closed,
    ];

    /// The wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Registered => "registered",
            Self::Planned => "planned",
            Self::Rectifying => "rectifying",
            Self::Submitted => "submitted",
            Self::Closed => "closed",
        }
    }

    pub fn label_zh(self) -> &'static str {
        match self {
            Self::Registered => "已登记",
            Self::Planned => "已制定方案",
            Self::Rectifying => "整改中",
            Self::Submitted => "已申请销号",
            Self::Closed => "已销号",
        }
    }
}

/// Who is acting, as far as problems care: facts about the login, gathered by the
/// application from the organisation as it stands now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ProblemActor {
    /// Commission staff (纪委监委).
    Commission,
    /// A member of a discipline group, and the units the group is stationed in now.
    Group {
        group_id: GroupId,
        stationed_in: Vec<UnitId>,
    },
    /// A cadre of a unit, with their current duty (`None` if not registered).
    Cadre {
        cadre_id: CadreId,
        duty: Option<CadreDuty>,
    },
    /// A leader in charge, an auditor, a regulator.
    Other,
}

/// The actor's relation to one problem, recorded on each event as who did it.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Relation {
    /// 纪委监委
    Commission,
    /// 派驻纪检组 stationed in the problem's unit.
    StationedGroup,
    /// The principal leader (主要负责人) of the problem's unit.
    UnitPrincipal,
    /// The cadre named on the problem (not the principal leader).
    NamedCadre,
    /// Another cadre of the problem's unit.
    UnitCadre,
    /// No relation.
    Other,
}

impl Relation {
    /// The wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Commission => "commission",
            Self::StationedGroup => "stationed_group",
            Self::UnitPrincipal => "unit_principal",
            Self::NamedCadre => "named_cadre",
            Self::UnitCadre => "unit_cadre",
            Self::Other => "other",
        }
    }

    pub const ALL: [Relation; 6] = [
        Self::Commission,
        Self::StationedGroup,
        Self::UnitPrincipal,
        Self::NamedCadre,
        Self::UnitCadre,
        Self::Other,
    ];

    /// May register problems of the unit, reject closing requests and close them.
    pub fn verifies(self) -> bool {
        matches!(self, Self::Commission | Self::StationedGroup)
    }

    /// May plan, record progress and request closing.
    pub fn rectifies(self) -> bool {
        matches!(self, Self::UnitPrincipal | Self::NamedCadre)
    }
}

impl ProblemActor {
    /// The actor's relation to a problem of `unit` naming `cadre`.
    pub fn relation(&self, unit: UnitId, cadre: Option<CadreId>) -> Relation {
        match self {
            Self::Commission => Relation::Commission,
            Self::Group { stationed_in, .. } if stationed_in.contains(&unit) => {
                Relation::StationedGroup
            }
            Self::Group { .. } | Self::Other => Relation::Other,
            Self::Cadre { cadre_id, duty } => match duty {
                Some(CadreDuty::PrincipalLeader { unit_id }) if *unit_id == unit => {
                    Relation::UnitPrincipal
                }
                _ if cadre == Some(*cadre_id) => Relation::NamedCadre,
                Some(CadreDuty::TeamMember { unit_id }) if *unit_id == unit => Relation::UnitCadre,
                _ => Relation::Other,
            },
        }
    }
}

/// The light of a problem due `rectify_by`, closed on `closed` (the local date and the
/// instant) if it was, as known at `as_of`:
///
/// | light | when |
/// |---|---|
/// | green 绿 | closed by `as_of`, on or before `rectify_by` |
/// | orange 橙 | closed by `as_of`, after `rectify_by` (closed late) |
/// | red 红 | not closed by `as_of`, and `rectify_by` has passed (overdue) |
/// | yellow 黄 | not closed, `rectify_by` at most 6 days ahead (the 7-day window of `light`) |
/// | pending | not closed, `rectify_by` further ahead |
pub fn light(
    rectify_by: NaiveDate,
    closed_at: Option<DateTime<Utc>>,
    as_of: DateTime<Utc>,
) -> Light {
    match closed_at.filter(|c| *c <= as_of) {
        Some(c) if c <= end_of_day(rectify_by) => Light::Green,
        Some(_) => Light::Orange,
        None if as_of > end_of_day(rectify_by) => Light::Red,
        None if (rectify_by - local_date(as_of)).num_days() < YELLOW_DAYS => Light::Yellow,
        None => Light::Pending,
    }
}

/// Whether a problem is overdue at `as_of`: not closed by then and `rectify_by` passed.
pub fn overdue(
    rectify_by: NaiveDate,
    closed_at: Option<DateTime<Utc>>,
    as_of: DateTime<Utc>,
) -> bool {
    light(rectify_by, closed_at, as_of) == Light::Red
}

/// 登记问题.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RegisterProblem {
    pub problem_id: ProblemId,
    pub unit_id: UnitId,
    /// A cadre of the unit the problem concerns, if any.
    pub cadre_id: Option<CadreId>,
    pub source: ProblemSource,
    /// A key of the taxonomy.
    pub type_key: String,
    pub severity: Severity,
    /// 1–2000 characters.
    pub description: String,
    pub found_on: NaiveDate,
    pub rectify_by: NaiveDate,
}

/// 制定整改方案.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlanRectification {
    pub problem_id: ProblemId,
    /// 1–2000 characters.
    pub plan: String,
}

/// 整改进展: what was done, with evidence.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordProgress {
    pub problem_id: ProblemId,
    /// 1–2000 characters.
    pub text: String,
    /// 1–50 evidence attachments.
    pub attachments: Vec<Attachment>,
}

/// 申请销号.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RequestClosing {
    pub problem_id: ProblemId,
    /// What was rectified, 1–2000 characters.
    pub summary: String,
}

/// 退回: the closing request is rejected, back to rectifying.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RejectClosing {
    pub problem_id: ProblemId,
    /// Why, 1–2000 characters.
    pub reason: String,
}

/// 验收销号.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CloseProblem {
    pub problem_id: ProblemId,
    /// The verifier's conclusion (验收意见), 1–2000 characters.
    pub conclusion: String,
}

/// What may be asked of a problem.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ProblemCommand {
    Register(RegisterProblem),
    Plan(PlanRectification),
    Progress(RecordProgress),
    RequestClosing(RequestClosing),
    Reject(RejectClosing),
    Close(CloseProblem),
}

impl ProblemCommand {
    /// The problem the command is about.
    pub fn problem_id(&self) -> ProblemId {
        match self {
            Self::Register(c) => c.problem_id,
            Self::Plan(c) => c.problem_id,
            Self::Progress(c) => c.problem_id,
            Self::RequestClosing(c) => c.problem_id,
            Self::Reject(c) => c.problem_id,
            Self::Close(c) => c.problem_id,
        }
    }

    /// The command's name in messages.
    fn verb(&self) -> &'static str {
        match self {
            Self::Register(_) => "register",
            Self::Plan(_) => "plan the rectification of",
            Self::Progress(_) => "record progress on",
            Self::RequestClosing(_) => "request closing",
            Self::Reject(_) => "reject the closing request of",
            Self::Close(_) => "close",
        }
    }
}

macro_rules! command_from {
    ($($variant:ident($ty:ty)),* $(,)?) => {
        $(impl From<$ty> for ProblemCommand {
            fn from(c: $ty) -> Self {
                Self::$variant(c)
            }
        })*
    };
}

command_from!(
    Register(RegisterProblem),
    Plan(PlanRectification),
    Progress(RecordProgress),
    RequestClosing(RequestClosing),
    Reject(RejectClosing),
    Close(CloseProblem),
);

/// Filled by the application before deciding.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProblemContext {
    pub actor: ProblemActor,
    /// For a registration: whether the unit is registered.
    pub unit_known: bool,
    /// For a registration naming a cadre: the cadre's current duty (`None`: unknown).
    pub cadre_duty: Option<CadreDuty>,
    /// For a registration: the taxonomy as it stands.
    pub types: Vec<ProblemType>,
}

impl ProblemContext {
    /// The context of a command on an existing problem: only the actor matters.
    pub fn of(actor: ProblemActor) -> Self {
        Self {
            actor,
            unit_known: false,
            cadre_duty: None,
            types: Vec::new(),
        }
    }
}

/// A problem, as things stand.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProblemState {
    pub problem_id: ProblemId,
    pub unit_id: UnitId,
    pub cadre_id: Option<CadreId>,
    pub rectify_by: NaiveDate,
    pub status: ProblemStatus,
    pub progress_entries: u32,
    pub rejections: u32,
}

/// The problem's stream; `None` until registered.
#[derive(Debug)]
pub struct ProblemAggregate;

fn trimmed(field: &'static str, value: &str) -> Result<String, DomainError> {
    validate::text(field, value, MAX_TEXT)
}

fn check_attachments(attachments: Vec<Attachment>) -> Result<Vec<Attachment>, DomainError> {
    if attachments.is_empty() {
        return Err(DomainError::invalid(
            "attachments",
            "progress needs at least one piece of evidence",
        ));
    }
    if attachments.len() > MAX_ATTACHMENTS {
        return Err(DomainError::invalid(
            "attachments",
            format!(
                "at most {MAX_ATTACHMENTS} attachments, not {}",
                attachments.len()
            ),
        ));
    }
    attachments
        .into_iter()
        .map(|a| {
            let hex = a.sha256.len() == 64
                && a.sha256
                    .chars()
                    .all(|c| c.is_ascii_digit() || ('a'..='f').contains(&c));
            if !hex {
                return Err(DomainError::invalid(
                    "attachments",
                    "sha256 must be 64 lowercase hex digits",
                ));
            }
            let file_name = validate::name("attachments", &a.file_name, 255)?;
            Ok(Attachment {
                sha256: a.sha256,
                file_name,
            })
        })
        .collect()
}

fn check_register(
    c: &RegisterProblem,
    ctx: &ProblemContext,
    today: NaiveDate,
) -> Result<(ProblemType, String), DomainError> {
    if !ctx.unit_known {
        return Err(DomainError::invalid(
            "unit_id",
            format!("unit {} does not exist", c.unit_id),
        ));
    }
    if let Some(cadre) = c.cadre_id {
        let in_unit = match ctx.cadre_duty {
            Some(CadreDuty::PrincipalLeader { unit_id } | CadreDuty::TeamMember { unit_id }) => {
                unit_id == c.unit_id
            }
            _ => false,
        };
        if !in_unit {
            return Err(DomainError::invalid(
                "cadre_id",
                format!("cadre {cadre} is not a cadre of the unit"),
            ));
        }
    }
    let problem_type = ctx
        .types
        .iter()
        .find(|t| t.key == c.type_key)
        .cloned()
        .ok_or_else(|| {
            DomainError::invalid(
                "type",
                format!(
                    "{:?} is not a problem type (GET /api/v1/problem-types lists them)",
                    c.type_key
                ),
            )
        })?;
    let description = trimmed("description", &c.description)?;
    if c.found_on > today {
        return Err(DomainError::invalid(
            "found_on",
            format!(
                "{} is in the future (today is {today} in Asia/Shanghai)",
                c.found_on
            ),
        ));
    }
    if c.rectify_by < c.found_on {
        return Err(DomainError::invalid(
            "rectify_by",
            format!("{} is before found_on {}", c.rectify_by, c.found_on),
        ));
    }
    let latest = today
        .checked_add_days(Days::new(MAX_DAYS_AHEAD))
        .unwrap_or(NaiveDate::MAX);
    if c.rectify_by > latest {
        return Err(DomainError::invalid(
            "rectify_by",
            format!(
                "{} is more than {MAX_DAYS_AHEAD} days ahead (today is {today} in Asia/Shanghai)",
                c.rectify_by
            ),
        ));
    }
    Ok((problem_type, description))
}

impl Aggregate for ProblemAggregate {
    type State = Option<ProblemState>;
    type Command = ProblemCommand;
    type Context = ProblemContext;

    fn evolve(state: &mut Self::State, event: &Event) {
        match event {
            Event::ProblemRegistered(e) => {
                *state = Some(ProblemState {
                    problem_id: e.problem_id,
                    unit_id: e.unit_id,
                    cadre_id: e.cadre_id,
                    rectify_by: e.rectify_by,
                    status: ProblemStatus::Registered,
                    progress_entries: 0,
                    rejections: 0,
                });
            }
            Event::RectificationPlanned(_) => {
                if let Some(s) = state {
                    s.status = ProblemStatus::Planned;
                }
            }
            Event::RectificationProgressed(_) => {
                if let Some(s) = state {
                    s.status = ProblemStatus::Rectifying;
                    s.progress_entries += 1;
                }
            }
            Event::ClosingRequested(_) => {
                if let Some(s) = state {
                    s.status = ProblemStatus::Submitted;
                }
            }
            Event::ClosingRejected(_) => {
                if let Some(s) = state {
                    s.status = ProblemStatus::Rectifying;
                    s.rejections += 1;
                }
            }
            Event::ProblemClosed(_) => {
                if let Some(s) = state {
                    s.status = ProblemStatus::Closed;
                }
            }
            _ => {}
        }
    }

    fn decide(
        state: &Self::State,
        command: ProblemCommand,
        ctx: &ProblemContext,
        now: DateTime<Utc>,
    ) -> Result<Vec<Event>, DomainError> {
        let today = local_date(now);
        if let ProblemCommand::Register(c) = command {
            if state.is_some() {
                return Err(DomainError::AlreadyExists {
                    what: "problem",
                    id: c.problem_id.to_string(),
                });
            }
            let by = ctx.actor.relation(c.unit_id, c.cadre_id);
            if !by.verifies() {
                return Err(DomainError::Forbidden(
                    "only the commission or a discipline group stationed in the unit registers its problems"
                        .into(),
                ));
            }
            let (problem_type, description) = check_register(&c, ctx, today)?;
            return Ok(vec![
                ProblemRegistered {
                    problem_id: c.problem_id,
                    unit_id: c.unit_id,
                    cadre_id: c.cadre_id,
                    source: c.source,
                    problem_type,
                    severity: c.severity,
                    description,
                    found_on: c.found_on,
                    rectify_by: c.rectify_by,
                    registered_on: today,
                    by,
                }
                .into(),
            ]);
        }
        let problem_id = command.problem_id();
        let problem = state
            .as_ref()
            .filter(|s| s.problem_id == problem_id)
            .ok_or_else(|| DomainError::not_found("problem", problem_id))?;
        let by = ctx.actor.relation(problem.unit_id, problem.cadre_id);
        let verb = command.verb();
        let (allowed, who) = match &command {
            ProblemCommand::Plan(_)
            | ProblemCommand::Progress(_)
            | ProblemCommand::RequestClosing(_) => (
                by.rectifies(),
                "the unit's principal leader or the cadre named on it",
            ),
            _ => (
                by.verifies(),
                "the commission or a discipline group stationed in the unit, never a cadre of the unit,",
            ),
        };
        if !allowed {
            return Err(DomainError::Forbidden(format!(
                "only {who} may {verb} a problem"
            )));
        }
        use ProblemStatus as S;
        let legal = match &command {
            ProblemCommand::Plan(_) => problem.status == S::Registered,
            ProblemCommand::Progress(_) => matches!(problem.status, S::Planned | S::Rectifying),
            ProblemCommand::RequestClosing(_) => problem.status == S::Rectifying,
            ProblemCommand::Reject(_) | ProblemCommand::Close(_) => problem.status == S::Submitted,
            ProblemCommand::Register(_) => false,
        };
        if !legal {
            return Err(DomainError::invalid(
                "status",
                format!(
                    "the problem is {} ({}): cannot {verb} it now",
                    problem.status.as_str(),
                    problem.status.label_zh()
                ),
            ));
        }
        let event: Event = match command {
            ProblemCommand::Plan(c) => RectificationPlanned {
                problem_id,
                plan: trimmed("plan", &c.plan)?,
                by,
            }
            .into(),
            ProblemCommand::Progress(c) => {
                let text = trimmed("text", &c.text)?;
                RectificationProgressed {
                    problem_id,
                    text,
                    attachments: check_attachments(c.attachments)?,
                    by,
                }
                .into()
            }
            ProblemCommand::RequestClosing(c) => ClosingRequested {
                problem_id,
                summary: trimmed("summary", &c.summary)?,
                by,
            }
            .into(),
            ProblemCommand::Reject(c) => ClosingRejected {
                problem_id,
                reason: trimmed("reason", &c.reason)?,
                by,
            }
            .into(),
            ProblemCommand::Close(c) => ProblemClosed {
                problem_id,
                conclusion: trimmed("conclusion", &c.conclusion)?,
                closed_on: today,
                on_time: today <= problem.rectify_by,
                by,
            }
            .into(),
            ProblemCommand::Register(_) => {
                return Err(DomainError::invalid("status", "registered already"));
            }
        };
        Ok(vec![event])
    }
}

#[cfg(test)]
mod tests;
