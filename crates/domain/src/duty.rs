//! The duty entries (履责记录) of one obligation: recorded, backfilled, corrected,
//! withdrawn; stream `obligation-<id>`.
//!
//! An entry recorded at or before the end of its obligation's deadline day (Asia/Shanghai)
//! is a `DutyRecorded`; one recorded later is a `DutyBackfilled` (补录) carrying the deadline
//! it missed and by how many local days — never an ordinary entry (DESIGN.md §2). The
//! obligation itself is not stored here: the application derives it from its list or task
//! and passes it in the [`DutyContext`].

use crate::aggregate::Aggregate;
use crate::calendar::{Period, end_of_day, local_date};
use crate::error::DomainError;
use crate::events::{
    Attachment, DutyBackfilled, DutyCorrected, DutyRecorded, DutyWithdrawn, EntryContent, Event,
};
use crate::ids::{CadreId, EntryId};
use crate::obligation::Obligation;
use crate::org::{CadreDuty, Subject};
use crate::validate;
use chrono::{DateTime, Utc};
use std::collections::BTreeMap;

/// Longest entry content, in characters.
pub const MAX_CONTENT: usize = 5_000;
/// Most attachments of one entry.
pub const MAX_ATTACHMENTS: usize = 20;
/// Longest attachment file name, in characters.
pub const MAX_FILE_NAME: usize = 255;
/// Longest reason of a correction or withdrawal, in characters.
pub const MAX_REASON: usize = 500;

/// 填报履责记录 (or 补录, if the deadline has passed: the decision tells which).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordDuty {
    pub entry_id: EntryId,
    /// The local date the duty was performed: in the obligation's period or later, not
    /// after today.
    pub performed_on: chrono::NaiveDate,
    /// 1–5,000 characters after trimming; stored trimmed.
    pub content: String,
    /// At most 20.
    pub attachments: Vec<Attachment>,
    /// The cadre entering it (the logged-in user).
    pub actor: CadreId,
}

/// 更正履责记录: the entry's content from now on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CorrectDuty {
    pub entry_id: EntryId,
    pub performed_on: chrono::NaiveDate,
    pub content: String,
    pub attachments: Vec<Attachment>,
    /// Why, 1–500 characters.
    pub reason: String,
    pub actor: CadreId,
}

/// 撤回履责记录: the entry stops counting (it stays in the log).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WithdrawDuty {
    pub entry_id: EntryId,
    /// Why, 1–500 characters.
    pub reason: String,
    pub actor: CadreId,
}

/// What may be asked of an obligation's entries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DutyCommand {
    Record(RecordDuty),
    Correct(CorrectDuty),
    Withdraw(WithdrawDuty),
}

impl From<RecordDuty> for DutyCommand {
    fn from(c: RecordDuty) -> Self {
        Self::Record(c)
    }
}

impl From<CorrectDuty> for DutyCommand {
    fn from(c: CorrectDuty) -> Self {
        Self::Correct(c)
    }
}

impl From<WithdrawDuty> for DutyCommand {
    fn from(c: WithdrawDuty) -> Self {
        Self::Withdraw(c)
    }
}

/// Filled by the application before deciding.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DutyContext {
    /// The obligation whose stream this is (derived from its list or key task).
    pub obligation: Obligation,
    /// The actor's current duty (`CadreState::duty`), `None` if the actor is not a
    /// registered cadre.
    pub actor_duty: Option<CadreDuty>,
}

/// One entry of the obligation, as things stand.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DutyEntry {
    /// The current content (after corrections).
    pub entry: EntryContent,
    pub recorded_by: CadreId,
    /// Stored as a late backfill (`DutyBackfilled`).
    pub backfill: bool,
    /// Local days past the deadline when it was recorded; 0 for an on-time entry.
    pub days_late: u32,
    pub corrections: u32,
    pub withdrawn: bool,
}

/// The entries of one obligation.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DutyState {
    pub entries: BTreeMap<EntryId, DutyEntry>,
}

impl DutyState {
    /// Entries not withdrawn.
    pub fn counting(&self) -> impl Iterator<Item = (&EntryId, &DutyEntry)> {
        self.entries.iter().filter(|(_, e)| !e.withdrawn)
    }
}

/// Whether `actor` may record, correct or withdraw entries for `subject`:
/// a personal subject (主要负责人, 班子成员) only by that cadre; a leadership team only by
/// the principal leader of its unit; a discipline group only by its members. Authorisation
/// follows the actor's *current* duty.
pub fn authorise(
    subject: &Subject,
    actor: CadreId,
    actor_duty: Option<&CadreDuty>,
) -> Result<(), DomainError> {
    let Some(duty) = actor_duty else {
        return Err(DomainError::Forbidden(format!(
            "{actor} is not a registered cadre"
        )));
    };
    match *subject {
        Subject::PrincipalLeader { cadre_id } | Subject::TeamMember { cadre_id } => {
            if cadre_id == actor {
                Ok(())
            } else {
                Err(DomainError::Forbidden(
                    "a cadre records only their own entries".into(),
                ))
            }
        }
        Subject::LeadershipTeam { unit_id } => match duty {
            CadreDuty::PrincipalLeader { unit_id: u } if *u == unit_id => Ok(()),
            _ => Err(DomainError::Forbidden(format!(
                "the leadership team's entries are recorded only by the principal leader of unit {unit_id}"
            ))),
        },
        Subject::DisciplineGroup { group_id } => match duty {
            CadreDuty::DisciplineGroup { group_id: g } if *g == group_id => Ok(()),
            _ => Err(DomainError::Forbidden(format!(
                "a discipline group's entries are recorded only by members of group {group_id}"
            ))),
        },
    }
}

/// Whether `sha256` is 64 lowercase hex digits.
fn is_sha256(sha256: &str) -> bool {
    sha256.len() == 64
        && sha256
            .bytes()
            .all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

fn check_attachment(n: usize, a: &Attachment) -> Result<(), DomainError> {
    let bad =
        |what: &str| DomainError::invalid("attachments", format!("attachment {}: {what}", n + 1));
    if !is_sha256(&a.sha256) {
        return Err(bad("sha256 must be 64 lowercase hex digits"));
    }
    let len = a.file_name.chars().count();
    if a.file_name.trim().is_empty() || len > MAX_FILE_NAME {
        return Err(bad("file_name must have 1 to 255 characters"));
    }
    if a.file_name.contains(['/', '\\']) || a.file_name.chars().any(char::is_control) {
        return Err(bad(
            "file_name must be a plain name, without '/', '\\' or control characters",
        ));
    }
    if a.file_name == "." || a.file_name == ".." {
        return Err(bad("file_name must be a plain name, not '.' or '..'"));
    }
    Ok(())
}

/// Checks an entry's content for an obligation of `period`, at `now`: performed in the
/// period or later but not after today (local), content of 1–5,000 characters after
/// trimming, at most 20 well-formed attachments.
pub fn validate_entry(
    entry: &EntryContent,
    period: &Period,
    now: DateTime<Utc>,
) -> Result<(), DomainError> {
    let today = local_date(now);
    if entry.performed_on > today {
        return Err(DomainError::invalid(
            "performed_on",
            format!(
                "{} is in the future (today is {today} in Asia/Shanghai)",
                entry.performed_on
            ),
        ));
    }
    if entry.performed_on < period.start() {
        return Err(DomainError::invalid(
            "performed_on",
            format!(
                "{} is before the period {} ({}) starts on {}",
                entry.performed_on,
                period,
                period.label_zh(),
                period.start()
            ),
        ));
    }
    validate::text("content", &entry.content, MAX_CONTENT)?;
    if entry.attachments.len() > MAX_ATTACHMENTS {
        return Err(DomainError::invalid(
            "attachments",
            format!(
                "at most {MAX_ATTACHMENTS} attachments, not {}",
                entry.attachments.len()
            ),
        ));
    }
    for (n, a) in entry.attachments.iter().enumerate() {
        check_attachment(n, a)?;
    }
    Ok(())
}

/// The entry as stored: content trimmed.
fn normalise(
    performed_on: chrono::NaiveDate,
    content: &str,
    attachments: Vec<Attachment>,
) -> EntryContent {
    EntryContent {
        performed_on,
        content: content.trim().to_owned(),
        attachments,
    }
}

/// The entry `entry_id`, if it exists and is not withdrawn.
fn live_entry(state: &DutyState, entry_id: EntryId) -> Result<&DutyEntry, DomainError> {
    let entry = state
        .entries
        .get(&entry_id)
        .ok_or_else(|| DomainError::not_found("entry", entry_id))?;
    if entry.withdrawn {
        return Err(DomainError::invalid(
            "entry_id",
            format!("entry {entry_id} was withdrawn"),
        ));
    }
    Ok(entry)
}

/// The stream of one obligation's entries.
#[derive(Debug)]
pub struct DutyAggregate;

impl Aggregate for DutyAggregate {
    type State = DutyState;
    type Command = DutyCommand;
    type Context = DutyContext;

    fn evolve(state: &mut DutyState, event: &Event) {
        match event {
            Event::DutyRecorded(e) => {
                state.entries.insert(
                    e.entry_id,
                    DutyEntry {
                        entry: e.entry.clone(),
                        recorded_by: e.recorded_by,
                        backfill: false,
                        days_late: 0,
                        corrections: 0,
                        withdrawn: false,
                    },
                );
            }
            Event::DutyBackfilled(e) => {
                state.entries.insert(
                    e.entry_id,
                    DutyEntry {
                        entry: e.entry.clone(),
                        recorded_by: e.recorded_by,
                        backfill: true,
                        days_late: e.days_late,
                        corrections: 0,
                        withdrawn: false,
                    },
                );
            }
            Event::DutyCorrected(e) => {
                if let Some(entry) = state.entries.get_mut(&e.entry_id) {
                    entry.entry = e.entry.clone();
                    entry.corrections += 1;
                }
            }
            Event::DutyWithdrawn(e) => {
                if let Some(entry) = state.entries.get_mut(&e.entry_id) {
                    entry.withdrawn = true;
                }
            }
            _ => {}
        }
    }

    fn decide(
        state: &DutyState,
        command: DutyCommand,
        context: &DutyContext,
        now: DateTime<Utc>,
    ) -> Result<Vec<Event>, DomainError> {
        let o = &context.obligation;
        match command {
            DutyCommand::Record(c) => {
                authorise(&o.subject, c.actor, context.actor_duty.as_ref())?;
                if state.entries.contains_key(&c.entry_id) {
                    return Err(DomainError::AlreadyExists {
                        what: "entry",
                        id: c.entry_id.to_string(),
                    });
                }
                let entry = normalise(c.performed_on, &c.content, c.attachments);
                validate_entry(&entry, &o.period, now)?;
                if now <= end_of_day(o.deadline) {
                    return Ok(vec![
                        DutyRecorded {
                            entry_id: c.entry_id,
                            obligation_id: o.obligation_id,
                            source: o.source,
                            subject: o.subject,
                            period: o.period,
                            entry,
                            recorded_by: c.actor,
                        }
                        .into(),
                    ]);
                }
                let days_late = (local_date(now) - o.deadline).num_days();
                Ok(vec![
                    DutyBackfilled {
                        entry_id: c.entry_id,
                        obligation_id: o.obligation_id,
                        source: o.source,
                        subject: o.subject,
                        period: o.period,
                        entry,
                        recorded_by: c.actor,
                        deadline: o.deadline,
                        days_late: u32::try_from(days_late).unwrap_or(u32::MAX),
                    }
                    .into(),
                ])
            }
            DutyCommand::Correct(c) => {
                authorise(&o.subject, c.actor, context.actor_duty.as_ref())?;
                let current = live_entry(state, c.entry_id)?;
                let reason = validate::text("reason", &c.reason, MAX_REASON)?;
                let entry = normalise(c.performed_on, &c.content, c.attachments);
                validate_entry(&entry, &o.period, now)?;
                if entry == current.entry {
                    return Err(DomainError::invalid(
                        "content",
                        "unchanged: the correction has exactly the entry's current content",
                    ));
                }
                Ok(vec![
                    DutyCorrected {
                        entry_id: c.entry_id,
                        obligation_id: o.obligation_id,
                        entry,
                        reason,
                        corrected_by: c.actor,
                    }
                    .into(),
                ])
            }
            DutyCommand::Withdraw(c) => {
                authorise(&o.subject, c.actor, context.actor_duty.as_ref())?;
                live_entry(state, c.entry_id)?;
                let reason = validate::text("reason", &c.reason, MAX_REASON)?;
                Ok(vec![
                    DutyWithdrawn {
                        entry_id: c.entry_id,
                        obligation_id: o.obligation_id,
                        reason,
                        withdrawn_by: c.actor,
                    }
                    .into(),
                ])
            }
        }
    }
}

#[cfg(test)]
mod tests;
