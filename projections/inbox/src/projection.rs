//! The inbox's fold: one item per event that can be told to someone.

use crate::sql;
use domain::events::{DecodeError, Event};
use domain::org::Subject;
use event_store::{Filter, RecordedEvent};
use projector::{Projection, ProjectionError};
use rusqlite::{Transaction, params};

/// The inbox projection.
#[derive(Debug, Clone, Copy, Default)]
pub struct Inbox;

impl Inbox {
    /// Its name, the key of its checkpoint.
    pub const NAME: &'static str = "inbox";
    /// Its tables.
    pub const TABLES: &'static [&'static str] =
        &["inbox_items", "inbox_acks", "inbox_reads", "inbox_markings"];
    /// The events it folds.
    pub const EVENT_TYPES: &'static [&'static str] = &[
        "YellowWeekEntered",
        "AdmonishmentDue",
        "TravelFiled",
        "FamilyEventFiled",
        "FilingCancelled",
        "FilingAcknowledged",
        "NotificationsRead",
        "RectificationOverdue",
    ];
}

/// A reminder's subject as columns: (kind, id, the cadre for a personal one).
fn subject(s: &Subject) -> (&'static str, String, Option<String>) {
    match s {
        Subject::LeadershipTeam { unit_id } => ("leadership_team", unit_id.to_string(), None),
        Subject::PrincipalLeader { cadre_id } => (
            "principal_leader",
            cadre_id.to_string(),
            Some(cadre_id.to_string()),
        ),
        Subject::TeamMember { cadre_id } => (
            "team_member",
            cadre_id.to_string(),
            Some(cadre_id.to_string()),
        ),
        Subject::DisciplineGroup { group_id } => ("discipline_group", group_id.to_string(), None),
    }
}

/// The row of one item.
struct Item<'a> {
    kind: &'static str,
    subject: Option<&'a Subject>,
    cadre_id: Option<String>,
    obligation_id: Option<String>,
    filing_id: Option<String>,
    deadline: Option<String>,
    title: String,
    problem_id: Option<String>,
    /// A problem's unit (its reminders are addressed by it).
    problem_unit: Option<String>,
}

fn insert(tx: &Transaction<'_>, event: &RecordedEvent, item: Item<'_>) -> rusqlite::Result<()> {
    let (subject_kind, subject_id, personal) = match (item.subject.map(subject), &item.problem_unit)
    {
        (Some((k, id, c)), _) => (Some(k), Some(id), c),
        (None, Some(unit)) => (Some("problem_unit"), Some(unit.clone()), None),
        (None, None) => (None, None, None),
    };
    tx.prepare_cached(sql::INSERT_ITEM)?.execute(params![
        event.event_id.to_string(),
        i64::try_from(event.position).unwrap_or(i64::MAX),
        item.kind,
        subject_kind,
        subject_id,
        item.cadre_id.or(personal),
        item.obligation_id,
        item.filing_id,
        item.deadline,
        item.title,
        event.occurred_at.timestamp_micros(),
        item.problem_id,
    ])?;
    Ok(())
}

impl Projection for Inbox {
    fn name(&self) -> &'static str {
        Self::NAME
    }

    fn version(&self) -> u32 {
        3
    }

    fn schema(&self) -> &'static str {
        sql::SCHEMA
    }

    fn query_indexes(&self) -> &'static str {
        sql::QUERY_INDEXES
    }

    fn tables(&self) -> &'static [&'static str] {
        Self::TABLES
    }

    fn filter(&self) -> Filter {
        Filter::of_types(Self::EVENT_TYPES)
    }

    fn apply(&self, tx: &Transaction<'_>, event: &RecordedEvent) -> Result<(), ProjectionError> {
        let decoded = match Event::decode(
            event.event_type.as_str(),
            event.schema_version,
            event.payload.as_str(),
        ) {
            Ok(e) => e,
            Err(DecodeError::UnknownType(_)) => return Ok(()),
            // serde's message may quote the payload: say only what failed.
            Err(_) => {
                return Err(ProjectionError::event(
                    event,
                    format!(
                        "{} v{} cannot be read by this build",
                        event.event_type, event.schema_version
                    ),
                ));
            }
        };
        match decoded {
            Event::YellowWeekEntered(e) => insert(
                tx,
                event,
                Item {
                    kind: "yellow_week",
                    subject: Some(&e.subject),
                    cadre_id: None,
                    obligation_id: Some(e.obligation_id.to_string()),
                    filing_id: None,
                    deadline: Some(e.deadline.to_string()),
                    problem_id: None,
                    problem_unit: None,
                    title: format!(
                        "履责提醒：距截止日期 {} 不足7天，已完成 {}/{}",
                        e.deadline, e.count, e.required_count
                    ),
                },
            )?,
            Event::AdmonishmentDue(e) => insert(
                tx,
                event,
                Item {
                    kind: "admonishment",
                    subject: Some(&e.subject),
                    cadre_id: None,
                    obligation_id: Some(e.obligation_id.to_string()),
                    filing_id: None,
                    deadline: Some(e.deadline.to_string()),
                    problem_id: None,
                    problem_unit: None,
                    title: format!(
                        "约谈提醒：截止日期 {} 已过，仅完成 {}/{}（红灯）",
                        e.deadline, e.count, e.required_count
                    ),
                },
            )?,
            Event::TravelFiled(e) => insert(
                tx,
                event,
                Item {
                    kind: "filing",
                    subject: None,
                    cadre_id: Some(e.cadre_id.to_string()),
                    obligation_id: None,
                    filing_id: Some(e.filing_id.to_string()),
                    deadline: None,
                    problem_id: None,
                    problem_unit: None,
                    title: format!(
                        "待阅报备：外出报备（{}，{} 至 {}）{}",
                        e.travel.destination,
                        e.travel.leave_on,
                        e.travel.return_on,
                        late(e.timeliness.days_late)
                    ),
                },
            )?,
            Event::FamilyEventFiled(e) => insert(
                tx,
                event,
                Item {
                    kind: "filing",
                    subject: None,
                    cadre_id: Some(e.cadre_id.to_string()),
                    obligation_id: None,
                    filing_id: Some(e.filing_id.to_string()),
                    deadline: None,
                    problem_id: None,
                    problem_unit: None,
                    title: format!(
                        "待阅报备：婚丧嫁娶报备（{}，{}）{}",
                        e.event.date,
                        e.event.venue,
                        late(e.timeliness.days_late)
                    ),
                },
            )?,
            Event::RectificationOverdue(e) => insert(
                tx,
                event,
                Item {
                    kind: "rectification_overdue",
                    subject: None,
                    cadre_id: e.cadre_id.map(|c| c.to_string()),
                    obligation_id: None,
                    filing_id: None,
                    deadline: Some(e.rectify_by.to_string()),
                    problem_id: Some(e.problem_id.to_string()),
                    problem_unit: Some(e.unit_id.to_string()),
                    title: format!("整改逾期提醒：问题整改期限 {} 已过，尚未销号", e.rectify_by),
                },
            )?,
            Event::FilingCancelled(e) => {
                tx.prepare_cached(sql::CLOSE_FILING)?
                    .execute([e.filing_id.to_string()])?;
            }
            Event::FilingAcknowledged(e) => {
                tx.prepare_cached(sql::ACK)?
                    .execute([e.filing_id.to_string(), e.user_id.to_string()])?;
            }
            Event::NotificationsRead(e) => {
                let mut read = tx.prepare_cached(sql::READ)?;
                for key in &e.keys {
                    read.execute(params![
                        e.user_id.to_string(),
                        key.to_string(),
                        event.recorded_at.timestamp_micros()
                    ])?;
                }
                tx.prepare_cached(sql::MARKING)?.execute(params![
                    event.event_id.to_string(),
                    e.user_id.to_string(),
                    event.correlation_id.map(|c| c.to_string()),
                    e.keys.len() as i64,
                    i64::try_from(event.position).unwrap_or(i64::MAX),
                ])?;
            }
            _ => {}
        }
        Ok(())
    }
}

fn late(days: u32) -> String {
    if days > 0 {
        format!("（逾期{days}天报备）")
    } else {
        String::new()
    }
}
