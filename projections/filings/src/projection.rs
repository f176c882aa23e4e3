//! The register's fold.

use crate::sql;
use domain::events::{DecodeError, Event};
use domain::filing::{FilingDetails, Timeliness};
use domain::ids::CadreId;
use domain::org::CadreDuty;
use event_store::{Filter, RecordedEvent};
use projector::{Projection, ProjectionError};
use rusqlite::{Transaction, params};

/// The filings projection.
#[derive(Debug, Clone, Copy, Default)]
pub struct Filings;

impl Filings {
    /// Its name, the key of its checkpoint.
    pub const NAME: &'static str = "filings";
    /// Its tables.
    pub const TABLES: &'static [&'static str] =
        &["filings", "filings_acknowledgements", "filings_names"];
    /// The events it folds.
    pub const EVENT_TYPES: &'static [&'static str] = &[
        "UnitRegistered",
        "DisciplineGroupRegistered",
        "CadreRegistered",
        "TravelFiled",
        "FamilyEventFiled",
        "FilingRevised",
        "FilingCancelled",
        "ReturnReported",
        "FilingAcknowledged",
    ];
}

/// The filer's unit and group columns.
fn owner(duty: &CadreDuty) -> (Option<String>, Option<String>) {
    match duty {
        CadreDuty::PrincipalLeader { unit_id } | CadreDuty::TeamMember { unit_id } => {
            (Some(unit_id.to_string()), None)
        }
        CadreDuty::DisciplineGroup { group_id } => (None, Some(group_id.to_string())),
    }
}

fn timeliness_columns(t: &Timeliness) -> (bool, Option<String>, u32) {
    (t.required, t.due_by.map(|d| d.to_string()), t.days_late)
}

fn name(tx: &Transaction<'_>, id: &impl ToString, name: &str) -> rusqlite::Result<usize> {
    tx.prepare_cached(sql::NAME_UPSERT)?
        .execute(params![id.to_string(), name])
}

fn id(c: &CadreId) -> String {
    c.to_string()
}

impl Projection for Filings {
    fn name(&self) -> &'static str {
        Self::NAME
    }

    fn version(&self) -> u32 {
        2
    }

    fn schema(&self) -> &'static str {
        sql::SCHEMA
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
        let at = event.recorded_at.timestamp_micros();
        let position = i64::try_from(event.position).unwrap_or(i64::MAX);
        match decoded {
            Event::UnitRegistered(e) => {
                name(tx, &e.unit_id, &e.name)?;
            }
            Event::DisciplineGroupRegistered(e) => {
                name(tx, &e.group_id, &e.name)?;
            }
            Event::CadreRegistered(e) => {
                name(tx, &e.cadre_id, &e.name)?;
            }
            Event::TravelFiled(e) => {
                let (unit, group) = owner(&e.duty);
                let (required, due_by, days_late) = timeliness_columns(&e.timeliness);
                let t = &e.travel;
                tx.prepare_cached(sql::TRAVEL_INSERT)?.execute(params![
                    e.filing_id.to_string(),
                    position,
                    id(&e.cadre_id),
                    unit,
                    group,
                    t.purpose.as_str(),
                    t.destination,
                    t.leave_on.to_string(),
                    t.return_on.to_string(),
                    required,
                    due_by,
                    days_late,
                    e.filed_on.to_string(),
                    at
                ])?;
            }
            Event::FamilyEventFiled(e) => {
                let (unit, group) = owner(&e.duty);
                let (required, due_by, days_late) = timeliness_columns(&e.timeliness);
                let f = &e.event;
                tx.prepare_cached(sql::FAMILY_EVENT_INSERT)?
                    .execute(params![
                        e.filing_id.to_string(),
                        position,
                        id(&e.cadre_id),
                        unit,
                        group,
                        f.kind.as_str(),
                        f.date.to_string(),
                        f.scale,
                        f.venue,
                        required,
                        due_by,
                        days_late,
                        e.filed_on.to_string(),
                        at
                    ])?;
            }
            Event::FilingRevised(e) => {
                let (required, due_by, days_late) = timeliness_columns(&e.timeliness);
                let filing = e.filing_id.to_string();
                match &e.details {
                    FilingDetails::Travel(t) => {
                        tx.prepare_cached(sql::TRAVEL_REVISE)?.execute(params![
                            filing,
                            t.purpose.as_str(),
                            t.destination,
                            t.leave_on.to_string(),
                            t.return_on.to_string(),
                            required,
                            due_by,
                            days_late,
                            at
                        ])?;
                    }
                    FilingDetails::FamilyEvent(f) => {
                        tx.prepare_cached(sql::FAMILY_EVENT_REVISE)?
                            .execute(params![
                                filing,
                                f.kind.as_str(),
                                f.date.to_string(),
                                f.scale,
                                f.venue,
                                required,
                                due_by,
                                days_late,
                                at
                            ])?;
                    }
                }
            }
            Event::FilingCancelled(e) => {
                tx.prepare_cached(sql::CANCEL)?.execute(params![
                    e.filing_id.to_string(),
                    e.reason,
                    at
                ])?;
            }
            Event::ReturnReported(e) => {
                let (required, due_by, days_late) = timeliness_columns(&e.timeliness);
                tx.prepare_cached(sql::RETURN)?.execute(params![
                    e.filing_id.to_string(),
                    e.returned_on.to_string(),
                    required,
                    due_by,
                    days_late,
                    at
                ])?;
            }
            Event::FilingAcknowledged(e) => {
                tx.prepare_cached(sql::ACKNOWLEDGE)?.execute(params![
                    e.filing_id.to_string(),
                    e.user_id.to_string(),
                    e.role.as_str(),
                    at,
                    position
                ])?;
            }
            _ => {}
        }
        Ok(())
    }
}
