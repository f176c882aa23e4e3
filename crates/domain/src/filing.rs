//! Filings (事项报备, DESIGN.md §2): a cadre's travel out of Ningbo city and family events
//! (婚丧嫁娶); stream `filing-<id>`, one filing per stream.
//!
//! Every date is a local date of Asia/Shanghai ([`local_date`] of the instant the command
//! is decided at). The rules:
//!
//! - **Travel** (外出报备, on duty 因公 or private 因私) lasts `return_on − leave_on + 1` days
//!   (both days count). A travel of 3 days or more must be filed before leaving: it is on
//!   time only if filed on a local date *before* the leave date, otherwise it is late by
//!   `filed_on − leave_on + 1` days (filed on the leave date: 1 day late). A travel of 1 or
//!   2 days needs no filing; filed anyway, it is never late. A travel filed after it
//!   started is accepted and marked late, even after its return.
//! - **Family events** (婚丧嫁娶) must be filed at least 30 days ahead: filed `d = date −
//!   filed_on` days ahead, it is on time if `d ≥ 30`, otherwise late by `30 − d` days. A
//!   family event whose date is before today is refused (`date`).
//! - **Lateness is fixed at the first filing.** A revision keeps it, with one exception: a
//!   revision that makes a travel that needed no filing into one that does (3 days or more)
//!   is judged as filed on the revision's date. Likewise a reported return that makes such
//!   a travel 3 days or more is judged as filed on the report's date (so a trip filed as 2
//!   days and stretched on the spot cannot escape the rule). Once a filing was required it
//!   stays required, even if a revision shortens the travel. A family event moved to an
//!   earlier date keeps its first judgement: kept simple on purpose.
//! - **Changes are events, never edits**: a revision carries the filing's whole content
//!   from then on; a cancellation (with a reason) is allowed up to and including the leave
//!   or event date; the return of a travel can be reported once, not before the leave date,
//!   with an actual return date between the leave date and today. Only the cadre who filed
//!   may revise, cancel or report the return; nothing can be done to a cancelled filing
//!   but acknowledging it, nor revised or cancelled after its return was reported.
//! - **Acknowledgements** (已阅): a principal leader, a leader in charge, a discipline group
//!   member or the commission who can see the filing records that they were shown it, once
//!   per user (a repeat is a no-op); never the filer. Who can see it is the API's business
//!   (the filer's scope, ADR 0008); the role and the filer rule are decided here.
//!
//! The cadre's duty when filing (unit or discipline group) is recorded with the filing, so
//! the register shows the unit the cadre belonged to then.

use crate::aggregate::Aggregate;
use crate::calendar::local_date;
use crate::error::DomainError;
use crate::events::{
    Event, FamilyEventFiled, FilingAcknowledged, FilingCancelled, FilingRevised, ReturnReported,
    TravelFiled,
};
use crate::ids::{CadreId, FilingId, UserId};
use crate::org::CadreDuty;
use crate::user::Role;
use crate::validate;
use chrono::{DateTime, Days, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

/// A travel of this many days or more must be filed before leaving.
pub const TRAVEL_DAYS_REQUIRING_FILING: u32 = 3;
/// A family event must be filed at least this many days ahead.
pub const FAMILY_EVENT_DAYS_AHEAD: u32 = 30;
/// Longest travel, in days; and how far ahead (or, for a travel filed late, back) a date
/// may lie: a year and a day, to catch a mistyped year.
pub const MAX_DAYS: u32 = 366;
/// Longest destination, scale or venue, in characters.
pub const MAX_PLACE: usize = 200;
/// Longest reason of a revision or cancellation, in characters.
pub const MAX_REASON: usize = 500;

/// Why a cadre travels.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TravelPurpose {
    /// 因公
    OnDuty,
    /// 因私
    Private,
}

impl TravelPurpose {
    /// The wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::OnDuty => "on_duty",
            Self::Private => "private",
        }
    }

    pub fn label_zh(self) -> &'static str {
        match self {
            Self::OnDuty => "因公",
            Self::Private => "因私",
        }
    }
}

/// The kind of a family event (婚丧嫁娶).
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FamilyEventKind {
    /// 本人婚礼
    Wedding,
    /// 子女婚嫁 (嫁、娶)
    ChildWedding,
    /// 丧事
    Funeral,
}

impl FamilyEventKind {
    /// The wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Wedding => "wedding",
            Self::ChildWedding => "child_wedding",
            Self::Funeral => "funeral",
        }
    }

    pub fn label_zh(self) -> &'static str {
        match self {
            Self::Wedding => "本人婚礼",
            Self::ChildWedding => "子女婚嫁",
            Self::Funeral => "丧事",
        }
    }
}

/// A travel out of Ningbo city.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Travel {
    pub purpose: TravelPurpose,
    /// Where to, 1–200 characters.
    pub destination: String,
    /// The local date of leaving.
    pub leave_on: NaiveDate,
    /// The local date of coming back (the leave date or later).
    pub return_on: NaiveDate,
}

impl Travel {
    /// Days away, both ends counted: `return_on − leave_on + 1`.
    pub fn days(&self) -> u32 {
        inclusive_days(self.leave_on, self.return_on)
    }
}

/// A family event (婚丧嫁娶).
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FamilyEvent {
    pub kind: FamilyEventKind,
    /// The local date of the event.
    pub date: NaiveDate,
    /// How large, as the cadre states it (e.g. "宴请亲友8桌约80人"), 1–200 characters.
    pub scale: String,
    /// Where, 1–200 characters.
    pub venue: String,
}

/// What a filing is about, as it stands.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FilingDetails {
    Travel(Travel),
    FamilyEvent(FamilyEvent),
}

impl FilingDetails {
    /// The first day it concerns: the leave date or the event's date.
    pub fn starts_on(&self) -> NaiveDate {
        match self {
            Self::Travel(t) => t.leave_on,
            Self::FamilyEvent(e) => e.date,
        }
    }

    /// The last day it concerns: the planned return or the event's date.
    pub fn ends_on(&self) -> NaiveDate {
        match self {
            Self::Travel(t) => t.return_on,
            Self::FamilyEvent(e) => e.date,
        }
    }
}

/// Whether a filing was required, by when, and how late it came.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Timeliness {
    /// A filing was required: a family event, or a travel of 3 days or more.
    pub required: bool,
    /// The last local date it could be filed on time (none when not required).
    pub due_by: Option<NaiveDate>,
    /// Local days late; 0 when on time or not required.
    pub days_late: u32,
}

impl Timeliness {
    pub fn late(&self) -> bool {
        self.days_late > 0
    }
}

/// Days from `from` to `to`, both counted (0 if `to` is before `from`).
fn inclusive_days(from: NaiveDate, to: NaiveDate) -> u32 {
    u32::try_from((to - from).num_days() + 1).unwrap_or(0)
}

fn minus(date: NaiveDate, days: u32) -> NaiveDate {
    date.checked_sub_days(Days::new(u64::from(days)))
        .unwrap_or(NaiveDate::MIN)
}

fn plus(date: NaiveDate, days: u32) -> NaiveDate {
    date.checked_add_days(Days::new(u64::from(days)))
        .unwrap_or(NaiveDate::MAX)
}

/// A travel filed on `filed_on`: required from 3 days, then on time only if filed before
/// the leave date, else late by `filed_on − leave_on + 1` days.
pub fn travel_timeliness(travel: &Travel, filed_on: NaiveDate) -> Timeliness {
    if travel.days() < TRAVEL_DAYS_REQUIRING_FILING {
        return Timeliness::default();
    }
    let days_late = if filed_on < travel.leave_on {
        0
    } else {
        inclusive_days(travel.leave_on, filed_on)
    };
    Timeliness {
        required: true,
        due_by: Some(minus(travel.leave_on, 1)),
        days_late,
    }
}

/// A family event filed on `filed_on` (not after it): on time `d ≥ 30` days ahead, else
/// late by `30 − d` days.
pub fn family_event_timeliness(date: NaiveDate, filed_on: NaiveDate) -> Timeliness {
    let ahead = (date - filed_on).num_days();
    let days_late = u32::try_from(i64::from(FAMILY_EVENT_DAYS_AHEAD) - ahead).unwrap_or(0);
    Timeliness {
        required: true,
        due_by: Some(minus(date, FAMILY_EVENT_DAYS_AHEAD)),
        days_late,
    }
}

/// Whether a role may acknowledge filings it can see: principal leaders, leaders in
/// charge, discipline groups and the commission (not team members, auditors or
/// regulators).
pub fn may_acknowledge(role: Role) -> bool {
    matches!(
        role,
        Role::PrincipalLeader | Role::LeaderInCharge | Role::DisciplineGroup | Role::Commission
    )
}

/// A travel, checked at `today` and stored trimmed.
fn check_travel(t: Travel, today: NaiveDate) -> Result<Travel, DomainError> {
    let destination = validate::name("destination", &t.destination, MAX_PLACE)?;
    if t.leave_on < minus(today, MAX_DAYS) {
        return Err(DomainError::invalid(
            "leave_on",
            format!(
                "{} is more than {MAX_DAYS} days ago (today is {today} in Asia/Shanghai)",
                t.leave_on
            ),
        ));
    }
    if t.leave_on > plus(today, MAX_DAYS) {
        return Err(DomainError::invalid(
            "leave_on",
            format!(
                "{} is more than {MAX_DAYS} days ahead (today is {today} in Asia/Shanghai)",
                t.leave_on
            ),
        ));
    }
    if t.return_on < t.leave_on {
        return Err(DomainError::invalid(
            "return_on",
            format!("{} is before the leave date {}", t.return_on, t.leave_on),
        ));
    }
    if t.days() > MAX_DAYS {
        return Err(DomainError::invalid(
            "return_on",
            format!(
                "a travel of {} days is longer than {MAX_DAYS} days",
                t.days()
            ),
        ));
    }
    Ok(Travel { destination, ..t })
}

/// A family event, checked at `today` and stored trimmed.
fn check_family_event(e: FamilyEvent, today: NaiveDate) -> Result<FamilyEvent, DomainError> {
    if e.date < today {
        return Err(DomainError::invalid(
            "date",
            format!(
                "{} is in the past (today is {today} in Asia/Shanghai): a family event is filed before it",
                e.date
            ),
        ));
    }
    if e.date > plus(today, MAX_DAYS) {
        return Err(DomainError::invalid(
            "date",
            format!(
                "{} is more than {MAX_DAYS} days ahead (today is {today} in Asia/Shanghai)",
                e.date
            ),
        ));
    }
    let scale = validate::name("scale", &e.scale, MAX_PLACE)?;
    let venue = validate::name("venue", &e.venue, MAX_PLACE)?;
    Ok(FamilyEvent { scale, venue, ..e })
}

/// 外出报备: a travel out of Ningbo city, filed by the cadre for themself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileTravel {
    pub filing_id: FilingId,
    /// The filer (the signed-in cadre).
    pub cadre_id: CadreId,
    pub travel: Travel,
}

/// 婚丧嫁娶报备: a family event, filed by the cadre for themself.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileFamilyEvent {
    pub filing_id: FilingId,
    pub cadre_id: CadreId,
    pub event: FamilyEvent,
}

/// What a revision changes; what it leaves out stays as it is. Only the fields of the
/// filing's own kind may be given.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FilingChanges {
    pub purpose: Option<TravelPurpose>,
    pub destination: Option<String>,
    pub leave_on: Option<NaiveDate>,
    pub return_on: Option<NaiveDate>,
    pub kind: Option<FamilyEventKind>,
    pub date: Option<NaiveDate>,
    pub scale: Option<String>,
    pub venue: Option<String>,
}

impl FilingChanges {
    /// The filing's content with these changes, or the first field of the other kind.
    fn apply(self, details: &FilingDetails) -> Result<FilingDetails, DomainError> {
        let foreign = |field: &'static str, what: &str| {
            Err(DomainError::invalid(
                field,
                format!("a {what} filing has no {field}"),
            ))
        };
        match details {
            FilingDetails::Travel(t) => {
                for (given, field) in [
                    (self.kind.is_some(), "kind"),
                    (self.date.is_some(), "date"),
                    (self.scale.is_some(), "scale"),
                    (self.venue.is_some(), "venue"),
                ] {
                    if given {
                        return foreign(field, "travel");
                    }
                }
                Ok(FilingDetails::Travel(Travel {
                    purpose: self.purpose.unwrap_or(t.purpose),
                    destination: self.destination.unwrap_or_else(|| t.destination.clone()),
                    leave_on: self.leave_on.unwrap_or(t.leave_on),
                    return_on: self.return_on.unwrap_or(t.return_on),
                }))
            }
            FilingDetails::FamilyEvent(e) => {
                for (given, field) in [
                    (self.purpose.is_some(), "purpose"),
                    (self.destination.is_some(), "destination"),
                    (self.leave_on.is_some(), "leave_on"),
                    (self.return_on.is_some(), "return_on"),
                ] {
                    if given {
                        return foreign(field, "family event");
                    }
                }
                Ok(FilingDetails::FamilyEvent(FamilyEvent {
                    kind: self.kind.unwrap_or(e.kind),
                    date: self.date.unwrap_or(e.date),
                    scale: self.scale.unwrap_or_else(|| e.scale.clone()),
                    venue: self.venue.unwrap_or_else(|| e.venue.clone()),
                }))
            }
        }
    }
}

/// 报备变更: the filing's content from now on, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReviseFiling {
    pub filing_id: FilingId,
    /// The signed-in cadre: must be the filer.
    pub cadre_id: CadreId,
    pub changes: FilingChanges,
    /// Why, 1–500 characters.
    pub reason: String,
}

/// 撤销报备: the travel or event will not happen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CancelFiling {
    pub filing_id: FilingId,
    pub cadre_id: CadreId,
    /// Why, 1–500 characters.
    pub reason: String,
}

/// 销假 / 返回报告: the cadre is back from a travel.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReportReturn {
    pub filing_id: FilingId,
    pub cadre_id: CadreId,
    /// The actual local date of return: on or after the leave date, not after today.
    pub returned_on: NaiveDate,
}

/// 已阅: a leader records that they were shown the filing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AcknowledgeFiling {
    pub filing_id: FilingId,
    pub user_id: UserId,
    pub role: Role,
    /// The cadre behind the login, for a cadre's login (a filer cannot acknowledge their
    /// own filing).
    pub cadre_id: Option<CadreId>,
}

/// What may be asked of a filing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FilingCommand {
    FileTravel(FileTravel),
    FileFamilyEvent(FileFamilyEvent),
    Revise(ReviseFiling),
    Cancel(CancelFiling),
    ReportReturn(ReportReturn),
    Acknowledge(AcknowledgeFiling),
}

impl FilingCommand {
    /// The filing the command is about.
    pub fn filing_id(&self) -> FilingId {
        match self {
            Self::FileTravel(c) => c.filing_id,
            Self::FileFamilyEvent(c) => c.filing_id,
            Self::Revise(c) => c.filing_id,
            Self::Cancel(c) => c.filing_id,
            Self::ReportReturn(c) => c.filing_id,
            Self::Acknowledge(c) => c.filing_id,
        }
    }

    /// The filer, for a command that files.
    pub fn filer(&self) -> Option<CadreId> {
        match self {
            Self::FileTravel(c) => Some(c.cadre_id),
            Self::FileFamilyEvent(c) => Some(c.cadre_id),
            _ => None,
        }
    }
}

macro_rules! command_from {
    ($($variant:ident($ty:ty)),* $(,)?) => {
        $(impl From<$ty> for FilingCommand {
            fn from(c: $ty) -> Self {
                Self::$variant(c)
            }
        })*
    };
}

command_from!(
    FileTravel(FileTravel),
    FileFamilyEvent(FileFamilyEvent),
    Revise(ReviseFiling),
    Cancel(CancelFiling),
    ReportReturn(ReportReturn),
    Acknowledge(AcknowledgeFiling),
);

/// Filled by the application before deciding.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FilingContext {
    /// The filer's current duty, for a command that files (`None` if the filer is not a
    /// registered cadre).
    pub filer_duty: Option<CadreDuty>,
}

/// Where a filing stands.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FilingStatus {
    /// As first filed.
    Filed,
    /// Revised at least once.
    Revised,
    /// Cancelled: it will not happen.
    Cancelled,
    /// The travel's return was reported.
    Returned,
}

impl FilingStatus {
    /// The wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Filed => "filed",
            Self::Revised => "revised",
            Self::Cancelled => "cancelled",
            Self::Returned => "returned",
        }
    }

    /// The Chinese label.
    pub fn label_zh(self) -> &'static str {
        match self {
            Self::Filed => "已报备",
            Self::Revised => "已变更",
            Self::Cancelled => "已撤销",
            Self::Returned => "已返回",
        }
    }
}

/// A filing, as things stand.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FilingState {
    pub filing_id: FilingId,
    pub cadre_id: CadreId,
    /// The filer's duty when filing.
    pub duty: CadreDuty,
    pub details: FilingDetails,
    /// The local date of the first filing.
    pub filed_on: NaiveDate,
    pub timeliness: Timeliness,
    pub status: FilingStatus,
    pub revisions: u32,
    pub returned_on: Option<NaiveDate>,
    pub acknowledged_by: BTreeSet<UserId>,
}

/// The filing's stream; `None` until filed.
#[derive(Debug)]
pub struct FilingAggregate;

/// The filing, if it exists, for a command by `cadre` (who must be the filer) that needs it
/// neither cancelled nor returned.
fn open_filing<'a>(
    state: &'a Option<FilingState>,
    filing_id: FilingId,
    cadre: CadreId,
    what: &str,
) -> Result<&'a FilingState, DomainError> {
    let filing = state
        .as_ref()
        .filter(|s| s.filing_id == filing_id)
        .ok_or_else(|| DomainError::not_found("filing", filing_id))?;
    if filing.cadre_id != cadre {
        return Err(DomainError::Forbidden(format!(
            "only the cadre who filed it may {what} a filing"
        )));
    }
    match filing.status {
        FilingStatus::Cancelled => Err(DomainError::invalid(
            "filing_id",
            "the filing was cancelled",
        )),
        FilingStatus::Returned => Err(DomainError::invalid(
            "filing_id",
            "the return was reported: the travel is over",
        )),
        FilingStatus::Filed | FilingStatus::Revised => Ok(filing),
    }
}

impl Aggregate for FilingAggregate {
    type State = Option<FilingState>;
    type Command = FilingCommand;
    type Context = FilingContext;

    fn evolve(state: &mut Self::State, event: &Event) {
        let filed = |filing_id, cadre_id, duty, details, filed_on, timeliness| FilingState {
            filing_id,
            cadre_id,
            duty,
            details,
            filed_on,
            timeliness,
            status: FilingStatus::Filed,
            revisions: 0,
            returned_on: None,
            acknowledged_by: BTreeSet::new(),
        };
        match event {
            Event::TravelFiled(e) => {
                *state = Some(filed(
                    e.filing_id,
                    e.cadre_id,
                    e.duty,
                    FilingDetails::Travel(e.travel.clone()),
                    e.filed_on,
                    e.timeliness,
                ));
            }
            Event::FamilyEventFiled(e) => {
                *state = Some(filed(
                    e.filing_id,
                    e.cadre_id,
                    e.duty,
                    FilingDetails::FamilyEvent(e.event.clone()),
                    e.filed_on,
                    e.timeliness,
                ));
            }
            Event::FilingRevised(e) => {
                if let Some(s) = state {
                    s.details = e.details.clone();
                    s.timeliness = e.timeliness;
                    s.status = FilingStatus::Revised;
                    s.revisions += 1;
                }
            }
            Event::FilingCancelled(_) => {
                if let Some(s) = state {
                    s.status = FilingStatus::Cancelled;
                }
            }
            Event::ReturnReported(e) => {
                if let Some(s) = state {
                    s.status = FilingStatus::Returned;
                    s.returned_on = Some(e.returned_on);
                    s.timeliness = e.timeliness;
                }
            }
            Event::FilingAcknowledged(e) => {
                if let Some(s) = state {
                    s.acknowledged_by.insert(e.user_id);
                }
            }
            _ => {}
        }
    }

    fn decide(
        state: &Self::State,
        command: FilingCommand,
        context: &FilingContext,
        now: DateTime<Utc>,
    ) -> Result<Vec<Event>, DomainError> {
        let today = local_date(now);
        let exists = |id: FilingId| {
            if state.is_some() {
                Err(DomainError::AlreadyExists {
                    what: "filing",
                    id: id.to_string(),
                })
            } else {
                Ok(())
            }
        };
        let filer_duty = |cadre: CadreId| {
            context
                .filer_duty
                .ok_or_else(|| DomainError::Forbidden(format!("{cadre} is not a registered cadre")))
        };
        match command {
            FilingCommand::FileTravel(c) => {
                exists(c.filing_id)?;
                let duty = filer_duty(c.cadre_id)?;
                let travel = check_travel(c.travel, today)?;
                let timeliness = travel_timeliness(&travel, today);
                Ok(vec![
                    TravelFiled {
                        filing_id: c.filing_id,
                        cadre_id: c.cadre_id,
                        duty,
                        travel,
                        filed_on: today,
                        timeliness,
                    }
                    .into(),
                ])
            }
            FilingCommand::FileFamilyEvent(c) => {
                exists(c.filing_id)?;
                let duty = filer_duty(c.cadre_id)?;
                let event = check_family_event(c.event, today)?;
                let timeliness = family_event_timeliness(event.date, today);
                Ok(vec![
                    FamilyEventFiled {
                        filing_id: c.filing_id,
                        cadre_id: c.cadre_id,
                        duty,
                        event,
                        filed_on: today,
                        timeliness,
                    }
                    .into(),
                ])
            }
            FilingCommand::Revise(c) => {
                let filing = open_filing(state, c.filing_id, c.cadre_id, "revise")?;
                let reason = validate::text("reason", &c.reason, MAX_REASON)?;
                let details = match c.changes.apply(&filing.details)? {
                    FilingDetails::Travel(t) => FilingDetails::Travel(check_travel(t, today)?),
                    FilingDetails::FamilyEvent(e) => {
                        FilingDetails::FamilyEvent(check_family_event(e, today)?)
                    }
                };
                if details == filing.details {
                    return Err(DomainError::invalid(
                        "revision",
                        "unchanged: the revision has exactly the filing's current content",
                    ));
                }
                // Lateness is fixed at the first filing, unless the revision makes a travel
                // that needed no filing into one that does: then it is judged today.
                let timeliness = match &details {
                    FilingDetails::Travel(t) if !filing.timeliness.required => {
                        travel_timeliness(t, today)
                    }
                    _ => filing.timeliness,
                };
                Ok(vec![
                    FilingRevised {
                        filing_id: c.filing_id,
                        cadre_id: c.cadre_id,
                        details,
                        reason,
                        revised_on: today,
                        timeliness,
                    }
                    .into(),
                ])
            }
            FilingCommand::Cancel(c) => {
                let filing = open_filing(state, c.filing_id, c.cadre_id, "cancel")?;
                let reason = validate::text("reason", &c.reason, MAX_REASON)?;
                let (field, starts_on) = match &filing.details {
                    FilingDetails::Travel(t) => ("leave_on", t.leave_on),
                    FilingDetails::FamilyEvent(e) => ("date", e.date),
                };
                if today > starts_on {
                    return Err(DomainError::invalid(
                        field,
                        format!(
                            "{starts_on} has passed (today is {today} in Asia/Shanghai): a filing \
                             can be cancelled up to that day; report the return of a travel instead"
                        ),
                    ));
                }
                Ok(vec![
                    FilingCancelled {
                        filing_id: c.filing_id,
                        cadre_id: c.cadre_id,
                        reason,
                    }
                    .into(),
                ])
            }
            FilingCommand::ReportReturn(c) => {
                let filing = open_filing(state, c.filing_id, c.cadre_id, "report the return of")?;
                let FilingDetails::Travel(travel) = &filing.details else {
                    return Err(DomainError::invalid(
                        "filing_id",
                        "only a travel has a return to report",
                    ));
                };
                if today < travel.leave_on {
                    return Err(DomainError::invalid(
                        "returned_on",
                        format!(
                            "the travel has not started: it leaves on {} (today is {today} in Asia/Shanghai)",
                            travel.leave_on
                        ),
                    ));
                }
                if c.returned_on < travel.leave_on {
                    return Err(DomainError::invalid(
                        "returned_on",
                        format!(
                            "{} is before the leave date {}",
                            c.returned_on, travel.leave_on
                        ),
                    ));
                }
                if c.returned_on > today {
                    return Err(DomainError::invalid(
                        "returned_on",
                        format!(
                            "{} is in the future (today is {today} in Asia/Shanghai)",
                            c.returned_on
                        ),
                    ));
                }
                // A travel that needed no filing but lasted 3 days or more after all is
                // judged as filed today, as a revision making it so would be.
                let actual = Travel {
                    return_on: c.returned_on,
                    ..travel.clone()
                };
                let timeliness = if filing.timeliness.required {
                    filing.timeliness
                } else {
                    travel_timeliness(&actual, today)
                };
                Ok(vec![
                    ReturnReported {
                        filing_id: c.filing_id,
                        cadre_id: c.cadre_id,
                        returned_on: c.returned_on,
                        timeliness,
                    }
                    .into(),
                ])
            }
            FilingCommand::Acknowledge(c) => {
                if !may_acknowledge(c.role) {
                    return Err(DomainError::Forbidden(format!(
                        "a {} does not acknowledge filings",
                        c.role.as_str()
                    )));
                }
                let filing = state
                    .as_ref()
                    .filter(|s| s.filing_id == c.filing_id)
                    .ok_or_else(|| DomainError::not_found("filing", c.filing_id))?;
                if c.cadre_id == Some(filing.cadre_id) {
                    return Err(DomainError::Forbidden(
                        "a cadre does not acknowledge their own filing".into(),
                    ));
                }
                if filing.acknowledged_by.contains(&c.user_id) {
                    return Ok(vec![]);
                }
                Ok(vec![
                    FilingAcknowledged {
                        filing_id: c.filing_id,
                        cadre_id: filing.cadre_id,
                        user_id: c.user_id,
                        role: c.role,
                    }
                    .into(),
                ])
            }
        }
    }
}

#[cfg(test)]
mod tests;
