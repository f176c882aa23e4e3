//! Every event of the duty domain, with its stable wire name (the event type in the log)
//! and schema version. Past tense; payloads are the structs below, serialised as JSON
//! objects with snake_case fields.
//!
//! Each type has its own current version (the `events!` table below), the one written;
//! a stored payload of an older version is upcast on read ([`upcast`], one step per
//! version; the old structs are kept in [`legacy`]). Every version's JSON Schema is kept
//! in `schemas/events/` (derived by the `schema` module, with the `schema` feature) and
//! enforced by the application on append.
//!
//! Streams: `unit-<id>`, `group-<id>`, `cadre-<id>`, `leader-<id>`, `list-<id>`,
//! `task-<id>`, `obligation-<id>` for the entries of one obligation, `user-<id>` for a login
//! `access-<user id>` for the histories that user read, and `reminder-<obligation id>` for the
//! deadline watcher's reminders of one obligation, `filing-<id>` for one filing (报备),
//! `problem-<id>` for one problem of the ledger (问题台账), `taxonomy-problems` for the
//! problem types, `oversight-<id>` for an oversight record (廉情数据) entered by hand and
//! `oversight-import-<id>` for one import of many, `accountability-<id>` for a decision
//! (问责) or a talk (约谈), `rules-accountability` for the proposal rules, `circular-<id>`
//! for a circular (通报), `assessment-<year>` for a year's assessment (考核) and
//! `evidence-keys` for the keys that sign checkpoints.

use crate::accountability::{AccountabilityRule, Basis, Measure, Target};
use crate::assessment::{AssessmentRules, UnitScore};
use crate::calendar::Period;
use crate::circular::CircularItem;
use crate::filing::{FamilyEvent, FilingDetails, Timeliness, Travel};
use crate::ids::{
    CadreId, CircularId, DecisionId, EntryId, FilingId, GroupId, ImportId, LeaderId, ListId,
    ObligationId, OversightId, ProblemId, TaskId, UnitId, UserId,
};
use crate::obligation::{DutyItem, Source};
use crate::org::{CadreDuty, Subject, UnitKind};
use crate::oversight::{ImportedRecord, OversightRecord};
use crate::problem::{ProblemSource, ProblemType, Relation, Severity};
use crate::user::{Account, Role};
use chrono::NaiveDate;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

pub mod legacy;
#[cfg(feature = "schema")]
pub mod schema;
#[cfg(test)]
mod tests;

/// A file attached to a duty entry: stored elsewhere, referenced by its content hash.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Attachment {
    /// SHA-256 of the content, 64 lowercase hex digits.
    pub sha256: String,
    pub file_name: String,
}

/// 单位登记
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UnitRegistered {
    pub unit_id: UnitId,
    pub name: String,
    pub kind: UnitKind,
}

/// 派驻纪检组登记
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DisciplineGroupRegistered {
    pub group_id: GroupId,
    pub name: String,
    /// The units the group is stationed in (its supervision scope).
    pub stationed_in: Vec<UnitId>,
}

/// 派驻关系调整
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupStationingChanged {
    pub group_id: GroupId,
    pub stationed_in: Vec<UnitId>,
}

/// 干部登记
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CadreRegistered {
    pub cadre_id: CadreId,
    pub name: String,
    /// The post as written, e.g. "党委书记", "党组成员、副局长".
    pub post: String,
    pub duty: CadreDuty,
    pub direct_leader: Option<CadreId>,
}

/// 干部调整（调动、职务变化）
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CadreTransferred {
    pub cadre_id: CadreId,
    pub post: String,
    pub duty: CadreDuty,
    pub direct_leader: Option<CadreId>,
}

/// 分管联系区领导登记
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LeaderInChargeRegistered {
    pub leader_id: LeaderId,
    pub name: String,
    pub units: Vec<UnitId>,
}

/// 分管联系单位调整
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LeaderUnitsChanged {
    pub leader_id: LeaderId,
    pub units: Vec<UnitId>,
}

/// 责任清单发布
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResponsibilityListPublished {
    pub list_id: ListId,
    pub year: i32,
    pub title: String,
    pub items: Vec<DutyItem>,
}

/// 责任清单修订: the list's items from now on (the whole set).
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResponsibilityListRevised {
    pub list_id: ListId,
    /// 2 for the first revision.
    pub revision: u32,
    pub items: Vec<DutyItem>,
    pub reason: String,
}

/// 责任清单分解到履责对象: adds subjects the list applies to.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResponsibilityListAssigned {
    pub list_id: ListId,
    pub subjects: Vec<Subject>,
}

/// 年度重点工作任务
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct KeyTaskSet {
    pub task_id: TaskId,
    pub year: i32,
    pub subject: Subject,
    /// 目标
    pub target: String,
    /// 措施
    pub measures: Vec<String>,
    pub deadline: NaiveDate,
}

/// A duty entry's content, shared by recording, backfilling and correcting.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EntryContent {
    /// The local date the duty was performed.
    pub performed_on: NaiveDate,
    /// What was done (履责内容).
    pub content: String,
    pub attachments: Vec<Attachment>,
}

/// 履责记录: an entry recorded on or before its obligation's deadline.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DutyRecorded {
    pub entry_id: EntryId,
    pub obligation_id: ObligationId,
    pub source: Source,
    pub subject: Subject,
    pub period: Period,
    #[serde(flatten)]
    pub entry: EntryContent,
    /// The cadre who entered it.
    pub recorded_by: CadreId,
}

/// 补录: an entry recorded after its obligation's deadline. Never an ordinary entry.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DutyBackfilled {
    pub entry_id: EntryId,
    pub obligation_id: ObligationId,
    pub source: Source,
    pub subject: Subject,
    pub period: Period,
    #[serde(flatten)]
    pub entry: EntryContent,
    pub recorded_by: CadreId,
    /// The deadline it missed, and by how many local days.
    pub deadline: NaiveDate,
    pub days_late: u32,
}

/// 履责记录更正: the entry's content from now on.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DutyCorrected {
    pub entry_id: EntryId,
    pub obligation_id: ObligationId,
    #[serde(flatten)]
    pub entry: EntryContent,
    pub reason: String,
    pub corrected_by: CadreId,
}

/// 履责记录撤回: the entry no longer counts (it stays in the log).
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DutyWithdrawn {
    pub entry_id: EntryId,
    pub obligation_id: ObligationId,
    pub reason: String,
    pub withdrawn_by: CadreId,
}

/// 开通账号: a login for a cadre, a leader in charge or a member of staff. No secret is
/// ever part of an event (ADR 0007).
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserRegistered {
    pub user_id: UserId,
    /// Normalised: lower case ASCII.
    pub username: String,
    pub display_name: String,
    pub account: Account,
}

/// 停用账号
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserDeactivated {
    pub user_id: UserId,
    pub reason: String,
}

/// 恢复账号
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserReactivated {
    pub user_id: UserId,
}

/// 管理员重置密码: that it happened and by whom (the envelope's actor); never the password.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserPasswordReset {
    pub user_id: UserId,
}

/// 查阅履责档案: someone read another person's history (DESIGN.md §2: every such read is
/// itself recorded), and why. Stream `access-<reader>`.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HistoryRead {
    /// Who read.
    pub reader: UserId,
    /// Whose history.
    pub cadre_id: CadreId,
    /// The instant the history was asked as of; `None` for "now".
    pub as_of: Option<DateTime<Utc>>,
    /// Why it was read (查阅事由), as the reader stated it, at most 200 characters; empty
    /// for "not stated" (the reader gave none, or the read was recorded before v2 asked).
    #[cfg_attr(feature = "schema", schemars(length(max = 200)))]
    pub purpose: String,
}

impl HistoryRead {
    /// The longest purpose, in characters.
    pub const MAX_PURPOSE: usize = 200;

    /// A stated purpose: trimmed, 1 to [`MAX_PURPOSE`](Self::MAX_PURPOSE) characters.
    pub fn purpose(value: &str) -> Result<String, crate::error::DomainError> {
        crate::validate::text("purpose", value, Self::MAX_PURPOSE)
    }
}

/// 履责提醒: an obligation entered its yellow week (its deadline is at most 7 days away) with
/// its required count not reached. Appended once per obligation by the deadline watcher.
/// Stream `reminder-<obligation id>`.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct YellowWeekEntered {
    pub obligation_id: ObligationId,
    pub subject: Subject,
    pub deadline: NaiveDate,
    pub required_count: u32,
    /// Entries counting at the start of the yellow week.
    pub count: u32,
    /// The first day of the yellow week (deadline − 6 days).
    pub first_day: NaiveDate,
}

/// 约谈提醒: an obligation went red — its deadline passed without the required count — so an
/// admonishment talk is due. Appended once per obligation by the deadline watcher. Stream
/// `reminder-<obligation id>`.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AdmonishmentDue {
    pub obligation_id: ObligationId,
    pub subject: Subject,
    pub deadline: NaiveDate,
    pub required_count: u32,
    /// Entries counting at the end of the deadline day.
    pub count: u32,
}

/// 外出报备: a travel out of Ningbo city, filed by the cadre. Stream `filing-<id>`.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TravelFiled {
    pub filing_id: FilingId,
    pub cadre_id: CadreId,
    /// The cadre's duty when filing: the unit (or discipline group) of the filing.
    pub duty: CadreDuty,
    #[serde(flatten)]
    pub travel: Travel,
    /// The local date it was filed on.
    pub filed_on: NaiveDate,
    /// Required (3 days or more), due by the day before leaving, and how late.
    #[serde(flatten)]
    pub timeliness: Timeliness,
}

/// 婚丧嫁娶报备: a family event, filed by the cadre. Stream `filing-<id>`.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FamilyEventFiled {
    pub filing_id: FilingId,
    pub cadre_id: CadreId,
    pub duty: CadreDuty,
    #[serde(flatten)]
    pub event: FamilyEvent,
    pub filed_on: NaiveDate,
    /// Always required, due 30 days ahead, and how late.
    #[serde(flatten)]
    pub timeliness: Timeliness,
}

/// 报备变更: the filing's whole content from now on, why, and its lateness after it (kept
/// from the first filing, see `filing`).
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FilingRevised {
    pub filing_id: FilingId,
    pub cadre_id: CadreId,
    pub details: FilingDetails,
    pub reason: String,
    /// The local date of the revision.
    pub revised_on: NaiveDate,
    #[serde(flatten)]
    pub timeliness: Timeliness,
}

/// 撤销报备: the travel or family event will not happen (the filing stays in the log).
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FilingCancelled {
    pub filing_id: FilingId,
    pub cadre_id: CadreId,
    pub reason: String,
}

/// 返回报告: the cadre is back from a travel, on `returned_on`.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReturnReported {
    pub filing_id: FilingId,
    pub cadre_id: CadreId,
    pub returned_on: NaiveDate,
    /// The filing's lateness after it (see `filing`).
    #[serde(flatten)]
    pub timeliness: Timeliness,
}

/// 已阅: a leader was shown the filing of `cadre_id` (the filer).
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FilingAcknowledged {
    pub filing_id: FilingId,
    pub cadre_id: CadreId,
    /// Who acknowledged it, in what role.
    pub user_id: UserId,
    pub role: Role,
}

/// 通知已读: a user read notifications of their inbox, each named by its key (the id of the
/// event it tells of). Stream `inbox-<user>`.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NotificationsRead {
    pub user_id: UserId,
    pub keys: Vec<uuid::Uuid>,
}

/// 登记问题: a problem found in `unit_id` (and, if named, concerning `cadre_id`).
/// Stream `problem-<id>`.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProblemRegistered {
    pub problem_id: ProblemId,
    pub unit_id: UnitId,
    pub cadre_id: Option<CadreId>,
    pub source: ProblemSource,
    /// The type's key and label as they were when registering.
    #[serde(rename = "type")]
    pub problem_type: ProblemType,
    pub severity: Severity,
    pub description: String,
    /// The local date it was found on.
    pub found_on: NaiveDate,
    /// The local date it must be rectified by.
    pub rectify_by: NaiveDate,
    /// The local date it was registered on.
    pub registered_on: NaiveDate,
    /// The registrar's relation to the problem.
    pub by: Relation,
}

/// 制定整改方案.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RectificationPlanned {
    pub problem_id: ProblemId,
    pub plan: String,
    pub by: Relation,
}

/// 整改进展: one step of the rectification, with its evidence (佐证材料).
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RectificationProgressed {
    pub problem_id: ProblemId,
    pub text: String,
    pub attachments: Vec<Attachment>,
    pub by: Relation,
}

/// 申请销号.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClosingRequested {
    pub problem_id: ProblemId,
    pub summary: String,
    pub by: Relation,
}

/// 退回整改: the closing request was rejected; the problem is rectifying again.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClosingRejected {
    pub problem_id: ProblemId,
    pub reason: String,
    pub by: Relation,
}

/// 销号: verified and closed, on `closed_on` (local), `on_time` if by the rectify-by date.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProblemClosed {
    pub problem_id: ProblemId,
    pub conclusion: String,
    pub closed_on: NaiveDate,
    pub on_time: bool,
    pub by: Relation,
}

/// 设置问题类型: the whole taxonomy of problem types from now on. Stream
/// `taxonomy-problems`.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProblemTypesSet {
    pub types: Vec<ProblemType>,
}

/// 整改逾期提醒: a problem's rectification went past its rectify-by date without being
/// closed. Appended once per problem by the deadline watcher. Stream `reminder-<problem id>`.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RectificationOverdue {
    pub problem_id: ProblemId,
    pub unit_id: UnitId,
    pub cadre_id: Option<CadreId>,
    pub rectify_by: NaiveDate,
}

/// 廉情数据登记: one oversight record entered by hand. Stream `oversight-<record id>`.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OversightRecorded {
    #[serde(flatten)]
    pub record: OversightRecord,
}

/// 廉情数据导入: part `part` of `parts` of one import of `rows` records from a file, all
/// parts appended together. Stream `oversight-import-<import id>`.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OversightImported {
    pub import_id: ImportId,
    pub file_name: String,
    /// How the file was read: `xlsx`, `utf-8` or `gb18030`.
    pub encoding: String,
    /// Records in the whole import.
    pub rows: u32,
    pub part: u32,
    pub parts: u32,
    pub records: Vec<ImportedRecord>,
}

/// 问责决定: a measure against a unit or a cadre, citing its basis, with what the platform
/// had proposed. Stream `accountability-<decision id>`.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountabilityDecided {
    pub decision_id: DecisionId,
    pub target: Target,
    pub measure: Measure,
    pub reason: String,
    pub basis: Basis,
    /// The local date decided.
    pub decided_on: NaiveDate,
    pub proposed: Option<Measure>,
}

/// 约谈: an admonishment talk held with a cadre of a unit. Stream
/// `accountability-<talk id>`.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AdmonishmentTalkHeld {
    pub talk_id: DecisionId,
    pub cadre_id: CadreId,
    /// The cadre's unit when the talk was recorded.
    pub unit_id: UnitId,
    pub held_on: NaiveDate,
    pub held_by: String,
    pub summary: String,
    pub basis: Basis,
    pub by: Relation,
}

/// 设置问责规则: the whole rule table of graded accountability from now on. Stream
/// `rules-accountability`.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountabilityRulesSet {
    pub rules: Vec<AccountabilityRule>,
}

/// 通报起草: a circular drafted from the facts of a period. Stream `circular-<id>`.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CircularDrafted {
    pub circular_id: CircularId,
    pub period_from: NaiveDate,
    pub period_to: NaiveDate,
    pub title: String,
    pub body: String,
    pub items: Vec<CircularItem>,
}

/// 通报修改: the draft's whole text from now on.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CircularRevised {
    pub circular_id: CircularId,
    pub title: String,
    pub body: String,
    pub items: Vec<CircularItem>,
}

/// 通报发布: visible to every unit from now on; final.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CircularPublished {
    pub circular_id: CircularId,
    pub published_on: NaiveDate,
}

/// 设置考核规则: a year's assessment rules from now on. Stream `assessment-<year>`.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AssessmentRulesSet {
    pub year: i32,
    pub rules: AssessmentRules,
}

/// 考核定格: a year's scores, fixed after the year's end. Stream `assessment-<year>`.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AssessmentFinalised {
    pub year: i32,
    pub rules: AssessmentRules,
    pub finalised_on: NaiveDate,
    pub scores: Vec<UnitScore>,
}

/// 启用签名密钥: checkpoints of the log are signed from now on with this Ed25519 key; a
/// rotation names the key it replaces. Appended by the service when it first generates a
/// key and by `dutytrace rotate-key`. Stream `evidence-keys`.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SigningKeyAdopted {
    /// 8 hex digits: the first 4 bytes of the SHA-256 of the public key.
    pub key_id: String,
    /// The Ed25519 public key, 64 hex digits.
    pub public_key: String,
    /// The key id of the key it replaces, if any.
    pub replaces: Option<String>,
}

/// Why a stored event could not be read as a domain event.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DecodeError {
    #[error("unknown event type {0:?}")]
    UnknownType(String),
    #[error("event type {event_type} has no schema version {version}")]
    UnknownVersion { event_type: String, version: u32 },
    #[error("payload of {event_type} does not match its schema: {reason}")]
    Payload { event_type: String, reason: String },
}

macro_rules! events {
    ($($name:ident: $version:literal),* $(,)?) => {
        /// Every event of the duty domain.
        #[derive(Debug, Clone, PartialEq, Eq)]
        pub enum Event {
            $($name($name),)*
        }

        impl Event {
            /// Every wire name, for schema checks.
            pub const TYPES: &'static [&'static str] = &[$(stringify!($name)),*];

            /// Every wire name with its current schema version: the version written from
            /// now on; every version from 1 up to it can be read.
            pub const VERSIONS: &'static [(&'static str, u32)] =
                &[$((stringify!($name), $version)),*];

            /// The stable wire name (the event type in the log).
            pub fn event_type(&self) -> &'static str {
                match self {
                    $(Self::$name(_) => stringify!($name),)*
                }
            }

            /// The schema version this event is written with (its type's current one).
            pub fn schema_version(&self) -> u32 {
                match self {
                    $(Self::$name(_) => $version,)*
                }
            }

            /// The current schema version of an event type, `None` if the type is unknown.
            pub fn current_version(event_type: &str) -> Option<u32> {
                match event_type {
                    $(stringify!($name) => Some($version),)*
                    _ => None,
                }
            }

            /// The payload as a JSON object.
            pub fn payload(&self) -> serde_json::Value {
                let v = match self {
                    $(Self::$name(e) => serde_json::to_value(e),)*
                };
                v.expect("domain events always serialise")
            }

            /// Reads a stored event back: a payload of the current version as it is, an
            /// older one upcast step by step (see [`upcast`]); a version above the current
            /// one is refused.
            pub fn decode(
                event_type: &str,
                schema_version: u32,
                payload: &str,
            ) -> Result<Self, DecodeError> {
                let Some(current) = Self::current_version(event_type) else {
                    return Err(DecodeError::UnknownType(event_type.to_owned()));
                };
                if schema_version == 0 || schema_version > current {
                    return Err(DecodeError::UnknownVersion {
                        event_type: event_type.to_owned(),
                        version: schema_version,
                    });
                }
                let bad = |e: serde_json::Error| DecodeError::Payload {
                    event_type: event_type.to_owned(),
                    reason: e.to_string(),
                };
                if schema_version == current {
                    return match event_type {
                        $(stringify!($name) => serde_json::from_str(payload).map(Self::$name).map_err(bad),)*
                        other => Err(DecodeError::UnknownType(other.to_owned())),
                    };
                }
                let mut value: serde_json::Value = serde_json::from_str(payload).map_err(bad)?;
                for from in schema_version..current {
                    value = upcast(event_type, from, value)?;
                }
                match event_type {
                    $(stringify!($name) => serde_json::from_value(value).map(Self::$name).map_err(bad),)*
                    other => Err(DecodeError::UnknownType(other.to_owned())),
                }
            }
        }

        /// The JSON Schema of an event type's payload at its current version, derived from
        /// its struct; `None` for an unknown type or another version.
        #[cfg(feature = "schema")]
        fn current_schema(
            event_type: &str,
            version: u32,
            generator: &mut schemars::SchemaGenerator,
        ) -> Option<schemars::Schema> {
            match (event_type, version) {
                $((stringify!($name), $version) => Some(generator.root_schema_for::<$name>()),)*
                _ => None,
            }
        }

        $(impl From<$name> for Event {
            fn from(e: $name) -> Self {
                Self::$name(e)
            }
        })*
    };
}

// The current schema version of each event type. Raising one means: the old payload struct
// moves to `legacy` (its schema stays in `schemas/events/`), `upcast` gains the step from the
// old version, and the new schema file is generated (see `schemas/README.md`).
events!(
    UnitRegistered: 1,
    DisciplineGroupRegistered: 1,
    GroupStationingChanged: 1,
    CadreRegistered: 1,
    CadreTransferred: 1,
    LeaderInChargeRegistered: 1,
    LeaderUnitsChanged: 1,
    ResponsibilityListPublished: 1,
    ResponsibilityListRevised: 1,
    ResponsibilityListAssigned: 1,
    KeyTaskSet: 1,
    DutyRecorded: 1,
    DutyBackfilled: 1,
    DutyCorrected: 1,
    DutyWithdrawn: 1,
    UserRegistered: 1,
    UserDeactivated: 1,
    UserReactivated: 1,
    UserPasswordReset: 1,
    // v2: `purpose` (查阅事由).
    HistoryRead: 2,
    YellowWeekEntered: 1,
    AdmonishmentDue: 1,
    TravelFiled: 1,
    FamilyEventFiled: 1,
    FilingRevised: 1,
    FilingCancelled: 1,
    ReturnReported: 1,
    FilingAcknowledged: 1,
    NotificationsRead: 1,
    RectificationOverdue: 1,
    ProblemRegistered: 1,
    RectificationPlanned: 1,
    RectificationProgressed: 1,
    ClosingRequested: 1,
    ClosingRejected: 1,
    ProblemClosed: 1,
    ProblemTypesSet: 1,
    OversightRecorded: 1,
    OversightImported: 1,
    AccountabilityDecided: 1,
    AdmonishmentTalkHeld: 1,
    AccountabilityRulesSet: 1,
    CircularDrafted: 1,
    CircularRevised: 1,
    CircularPublished: 1,
    AssessmentRulesSet: 1,
    AssessmentFinalised: 1,
    SigningKeyAdopted: 1,
);

/// The file of an event type's schema at a version, in `schemas/events/`.
pub fn schema_file(event_type: &str, version: u32) -> String {
    format!("{event_type}.v{version}.json")
}

/// The `$id` of an event type's schema at a version.
pub fn schema_id(event_type: &str, version: u32) -> String {
    format!("urn:dutytrace:event:{event_type}:v{version}")
}

/// One step of reading an old payload: the payload of `event_type` at `from_version` as it
/// reads at `from_version + 1`. One arm per step; a step with no arm is an unknown version.
pub fn upcast(
    event_type: &str,
    from_version: u32,
    payload: serde_json::Value,
) -> Result<serde_json::Value, DecodeError> {
    match (event_type, from_version) {
        // v1 → v2: `purpose` was not asked for; "" reads as "not stated".
        ("HistoryRead", 1) => {
            let mut payload = payload;
            if let Some(fields) = payload.as_object_mut() {
                fields
                    .entry("purpose")
                    .or_insert_with(|| serde_json::Value::String(String::new()));
            }
            Ok(payload)
        }
        _ => Err(DecodeError::UnknownVersion {
            event_type: event_type.to_owned(),
            version: from_version,
        }),
    }
}

impl Event {
    /// The stream the event belongs to.
    pub fn stream(&self) -> String {
        match self {
            Self::UnitRegistered(e) => stream::unit(e.unit_id),
            Self::DisciplineGroupRegistered(e) => stream::group(e.group_id),
            Self::GroupStationingChanged(e) => stream::group(e.group_id),
            Self::CadreRegistered(e) => stream::cadre(e.cadre_id),
            Self::CadreTransferred(e) => stream::cadre(e.cadre_id),
            Self::LeaderInChargeRegistered(e) => stream::leader(e.leader_id),
            Self::LeaderUnitsChanged(e) => stream::leader(e.leader_id),
            Self::ResponsibilityListPublished(e) => stream::list(e.list_id),
            Self::ResponsibilityListRevised(e) => stream::list(e.list_id),
            Self::ResponsibilityListAssigned(e) => stream::list(e.list_id),
            Self::KeyTaskSet(e) => stream::task(e.task_id),
            Self::DutyRecorded(e) => stream::obligation(e.obligation_id),
            Self::DutyBackfilled(e) => stream::obligation(e.obligation_id),
            Self::DutyCorrected(e) => stream::obligation(e.obligation_id),
            Self::DutyWithdrawn(e) => stream::obligation(e.obligation_id),
            Self::UserRegistered(e) => stream::user(e.user_id),
            Self::UserDeactivated(e) => stream::user(e.user_id),
            Self::UserReactivated(e) => stream::user(e.user_id),
            Self::UserPasswordReset(e) => stream::user(e.user_id),
            Self::HistoryRead(e) => stream::access(e.reader),
            Self::YellowWeekEntered(e) => stream::reminder(e.obligation_id),
            Self::AdmonishmentDue(e) => stream::reminder(e.obligation_id),
            Self::TravelFiled(e) => stream::filing(e.filing_id),
            Self::FamilyEventFiled(e) => stream::filing(e.filing_id),
            Self::FilingRevised(e) => stream::filing(e.filing_id),
            Self::FilingCancelled(e) => stream::filing(e.filing_id),
            Self::ReturnReported(e) => stream::filing(e.filing_id),
            Self::FilingAcknowledged(e) => stream::filing(e.filing_id),
            Self::NotificationsRead(e) => stream::inbox(e.user_id),
            Self::RectificationOverdue(e) => stream::problem_reminder(e.problem_id),
            Self::ProblemRegistered(e) => stream::problem(e.problem_id),
            Self::RectificationPlanned(e) => stream::problem(e.problem_id),
            Self::RectificationProgressed(e) => stream::problem(e.problem_id),
            Self::ClosingRequested(e) => stream::problem(e.problem_id),
            Self::ClosingRejected(e) => stream::problem(e.problem_id),
            Self::ProblemClosed(e) => stream::problem(e.problem_id),
            Self::ProblemTypesSet(_) => stream::taxonomy_problems(),
            Self::OversightRecorded(e) => stream::oversight(e.record.record_id),
            Self::OversightImported(e) => stream::oversight_import(e.import_id),
            Self::AccountabilityDecided(e) => stream::accountability(e.decision_id),
            Self::AdmonishmentTalkHeld(e) => stream::accountability(e.talk_id),
            Self::AccountabilityRulesSet(_) => stream::accountability_rules(),
            Self::CircularDrafted(e) => stream::circular(e.circular_id),
            Self::CircularRevised(e) => stream::circular(e.circular_id),
            Self::CircularPublished(e) => stream::circular(e.circular_id),
            Self::AssessmentRulesSet(e) => stream::assessment(e.year),
            Self::AssessmentFinalised(e) => stream::assessment(e.year),
            Self::SigningKeyAdopted(_) => stream::evidence_keys(),
        }
    }
}

/// Stream names of the domain's aggregates.
pub mod stream {
    use super::*;

    pub fn unit(id: UnitId) -> String {
        format!("unit-{id}")
    }
    pub fn group(id: GroupId) -> String {
        format!("group-{id}")
    }
    pub fn cadre(id: CadreId) -> String {
        format!("cadre-{id}")
    }
    pub fn leader(id: LeaderId) -> String {
        format!("leader-{id}")
    }
    pub fn list(id: ListId) -> String {
        format!("list-{id}")
    }
    pub fn task(id: TaskId) -> String {
        format!("task-{id}")
    }
    pub fn obligation(id: ObligationId) -> String {
        format!("obligation-{id}")
    }
    pub fn user(id: UserId) -> String {
        format!("user-{id}")
    }
    pub fn access(reader: UserId) -> String {
        format!("access-{reader}")
    }
    pub fn reminder(id: ObligationId) -> String {
        format!("reminder-{id}")
    }
    pub fn inbox(user: UserId) -> String {
        format!("inbox-{user}")
    }
    pub fn problem_reminder(id: ProblemId) -> String {
        format!("reminder-{id}")
    }
    pub fn filing(id: FilingId) -> String {
        format!("filing-{id}")
    }
    pub fn problem(id: ProblemId) -> String {
        format!("problem-{id}")
    }
    pub fn oversight(id: OversightId) -> String {
        format!("oversight-{id}")
    }
    /// One import of oversight records (category `oversight` too).
    pub fn oversight_import(id: ImportId) -> String {
        format!("oversight-import-{id}")
    }
    pub fn accountability(id: DecisionId) -> String {
        format!("accountability-{id}")
    }
    /// The rule table of graded accountability.
    pub fn accountability_rules() -> String {
        "rules-accountability".to_owned()
    }
    pub fn circular(id: CircularId) -> String {
        format!("circular-{id}")
    }
    /// The keys that sign the log's checkpoints.
    pub fn evidence_keys() -> String {
        "evidence-keys".to_owned()
    }
    /// One year's assessment.
    pub fn assessment(year: i32) -> String {
        format!("assessment-{year}")
    }
    /// The problem types (one stream for the whole taxonomy).
    pub fn taxonomy_problems() -> String {
        "taxonomy-problems".to_owned()
    }
}
