//! The board's fold: decodes each domain event and hands it to the part of the model it
//! changes. Every row it writes is stamped with the event's `recorded_at`, the instant the
//! fact became known; nothing visible at an earlier instant is ever changed.

mod entries;
pub(crate) mod keys;
mod obligations;
mod org;

use crate::codec::micros;
use crate::sql;
use domain::events::{DecodeError, Event};
use domain::reminders::ReminderKind;
use event_store::{Filter, RecordedEvent};
use projector::{Projection, ProjectionError};
use rusqlite::Transaction;

/// The board projection.
#[derive(Debug, Clone, Copy, Default)]
pub struct Board;

impl Board {
    /// Its name, the key of its checkpoint.
    pub const NAME: &'static str = "board";
    /// Its tables.
    pub const TABLES: &'static [&'static str] = &[
        "board_units",
        "board_groups",
        "board_stationing",
        "board_cadres",
        "board_lists",
        "board_list_subjects",
        "board_subjects",
        "board_obligation_keys",
        "board_items",
        "board_obligations",
        "board_entries",
        "board_entry_corrections",
        "board_reminders",
    ];
    /// The event types it folds; the runtime moves past every other one.
    pub const EVENT_TYPES: &'static [&'static str] = &[
        "UnitRegistered",
        "DisciplineGroupRegistered",
        "GroupStationingChanged",
        "CadreRegistered",
        "CadreTransferred",
        "ResponsibilityListPublished",
        "ResponsibilityListRevised",
        "ResponsibilityListAssigned",
        "KeyTaskSet",
        "DutyRecorded",
        "DutyBackfilled",
        "DutyCorrected",
        "DutyWithdrawn",
        "YellowWeekEntered",
        "AdmonishmentDue",
    ];
}

impl Projection for Board {
    fn name(&self) -> &'static str {
        Self::NAME
    }

    fn version(&self) -> u32 {
        4
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
            // A type this build does not know (a later one): not the board's business.
            Err(DecodeError::UnknownType(_)) => return Ok(()),
            Err(DecodeError::UnknownVersion { .. }) => {
                return Err(ProjectionError::event(
                    event,
                    format!(
                        "schema version {} of {} is not known to this build",
                        event.schema_version, event.event_type
                    ),
                ));
            }
            // serde's message may quote the payload: say only where it failed.
            Err(DecodeError::Payload { .. }) => {
                return Err(ProjectionError::event(
                    event,
                    format!(
                        "payload of {} v{} does not match its schema",
                        event.event_type, event.schema_version
                    ),
                ));
            }
        };
        let at = micros(event.recorded_at);
        let position = i64::try_from(event.position).unwrap_or(i64::MAX);
        let fail = |e: Failure| match e {
            Failure::Db(e) => ProjectionError::from(e),
            Failure::Event(reason) => ProjectionError::event(event, reason),
        };
        match decoded {
            Event::UnitRegistered(e) => org::unit_registered(tx, &e, at),
            Event::DisciplineGroupRegistered(e) => org::group_registered(tx, &e, at),
            Event::GroupStationingChanged(e) => {
                org::stationing_changed(tx, e.group_id, &e.stationed_in, at)
            }
            Event::CadreRegistered(e) => org::cadre_registered(tx, &e, at),
            Event::CadreTransferred(e) => org::cadre_transferred(tx, &e, at),
            Event::ResponsibilityListPublished(e) => obligations::list_published(tx, &e, at),
            Event::ResponsibilityListRevised(e) => obligations::list_revised(tx, &e, at),
            Event::ResponsibilityListAssigned(e) => obligations::list_assigned(tx, &e, at),
            Event::KeyTaskSet(e) => obligations::key_task_set(tx, &e, at),
            Event::DutyRecorded(e) => entries::recorded(tx, &e, at),
            Event::DutyBackfilled(e) => entries::backfilled(tx, &e, at),
            Event::DutyCorrected(e) => entries::corrected(tx, &e, at, position),
            Event::DutyWithdrawn(e) => entries::withdrawn(tx, &e, at),
            Event::LeaderInChargeRegistered(_)
            | Event::LeaderUnitsChanged(_)
            | Event::UserRegistered(_)
            | Event::UserDeactivated(_)
            | Event::UserReactivated(_)
            | Event::UserPasswordReset(_)
            | Event::HistoryRead(_)
            | Event::TravelFiled(_)
            | Event::FamilyEventFiled(_)
            | Event::FilingRevised(_)
            | Event::FilingCancelled(_)
            | Event::ReturnReported(_)
            | Event::FilingAcknowledged(_)
            | Event::NotificationsRead(_)
            | Event::ProblemRegistered(_)
            | Event::RectificationPlanned(_)
            | Event::RectificationProgressed(_)
            | Event::ClosingRequested(_)
            | Event::ClosingRejected(_)
            | Event::ProblemClosed(_)
            | Event::ProblemTypesSet(_)
            | Event::OversightRecorded(_)
            | Event::OversightImported(_)
            | Event::AccountabilityDecided(_)
            | Event::AdmonishmentTalkHeld(_)
            | Event::AccountabilityRulesSet(_)
            | Event::CircularDrafted(_)
            | Event::CircularRevised(_)
            | Event::CircularPublished(_)
            | Event::AssessmentRulesSet(_)
            | Event::AssessmentFinalised(_)
            | Event::SigningKeyAdopted(_)
            | Event::RectificationOverdue(_) => Ok(()),
            Event::YellowWeekEntered(e) => {
                reminded(tx, e.obligation_id, ReminderKind::YellowWeek, at)
            }
            Event::AdmonishmentDue(e) => {
                reminded(tx, e.obligation_id, ReminderKind::Admonishment, at)
            }
        }
        .map_err(fail)
    }
}

/// A reminder of the deadline watcher is in the log.
fn reminded(
    tx: &Transaction<'_>,
    obligation: domain::ids::ObligationId,
    kind: ReminderKind,
    at: i64,
) -> Applied {
    tx.prepare_cached(sql::INSERT_REMINDER)?
        .execute(rusqlite::params![
            keys::obligation(tx, obligation)?,
            kind.as_str(),
            at
        ])?;
    Ok(())
}

/// Why the fold could not apply an event.
#[derive(Debug)]
pub(crate) enum Failure {
    Db(rusqlite::Error),
    /// The event makes no sense to the model (no payload contents in the reason).
    Event(String),
}

impl From<rusqlite::Error> for Failure {
    fn from(e: rusqlite::Error) -> Self {
        Self::Db(e)
    }
}

pub(crate) type Applied = Result<(), Failure>;
