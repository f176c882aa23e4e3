//! The accountability read model's fold.

use crate::queries::{RecordKind, target_kind_str};
use crate::sql;
use domain::accountability::{Basis, Measure, TargetKind};
use domain::events::{DecodeError, Event};
use domain::ids::{CadreId, DecisionId, UnitId};
use event_store::{Filter, RecordedEvent};
use projector::{Projection, ProjectionError};
use rusqlite::{Transaction, params};
use serde::Serialize;

/// The accountability projection.
#[derive(Debug, Clone, Copy, Default)]
pub struct Accountability;

impl Accountability {
    /// Its name, the key of its checkpoint.
    pub const NAME: &'static str = "accountability";
    /// Its tables.
    pub const TABLES: &'static [&'static str] = &[
        "accountability_records",
        "accountability_circulars",
        "accountability_assessments",
        "accountability_names",
    ];
    /// The events it folds. `CadreTransferred` carries no name, and a record keeps the
    /// unit its cadre belonged to then, so a transfer changes nothing here.
    pub const EVENT_TYPES: &'static [&'static str] = &[
        "UnitRegistered",
        "CadreRegistered",
        "AccountabilityDecided",
        "AdmonishmentTalkHeld",
        "CircularDrafted",
        "CircularRevised",
        "CircularPublished",
        "AssessmentFinalised",
    ];
}

/// One decision or talk, as written to `accountability_records`.
struct Record<'a> {
    id: DecisionId,
    kind: RecordKind,
    target_kind: TargetKind,
    unit: UnitId,
    cadre: Option<CadreId>,
    measure: Measure,
    text: &'a str,
    held_by: Option<&'a str>,
    basis: &'a Basis,
    dated: chrono::NaiveDate,
    proposed: Option<Measure>,
}

fn json(event: &RecordedEvent, value: &impl Serialize) -> Result<String, ProjectionError> {
    serde_json::to_string(value).map_err(|e| ProjectionError::event(event, e.to_string()))
}

fn record(
    tx: &Transaction<'_>,
    event: &RecordedEvent,
    r: &Record<'_>,
) -> Result<(), ProjectionError> {
    tx.prepare_cached(sql::RECORD_INSERT)?.execute(params![
        r.id.to_string(),
        i64::try_from(event.position).unwrap_or(i64::MAX),
        r.kind.as_str(),
        target_kind_str(r.target_kind),
        r.unit.to_string(),
        r.cadre.map(|c| c.to_string()),
        r.measure.as_str(),
        r.text,
        r.held_by,
        json(event, r.basis)?,
        r.dated.to_string(),
        r.proposed.map(Measure::as_str),
        event.recorded_at.timestamp_micros(),
        event.actor.as_str()
    ])?;
    Ok(())
}

impl Projection for Accountability {
    fn name(&self) -> &'static str {
        Self::NAME
    }

    fn version(&self) -> u32 {
        1
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
        match &decoded {
            Event::UnitRegistered(e) => {
                tx.prepare_cached(sql::NAME_UPSERT)?
                    .execute(params![e.unit_id.to_string(), e.name])?;
            }
            Event::CadreRegistered(e) => {
                tx.prepare_cached(sql::NAME_UPSERT)?
                    .execute(params![e.cadre_id.to_string(), e.name])?;
            }
            Event::AccountabilityDecided(e) => {
                let r = Record {
                    id: e.decision_id,
                    kind: RecordKind::Decision,
                    target_kind: e.target.kind(),
                    unit: e.target.unit_id(),
                    cadre: e.target.cadre_id(),
                    measure: e.measure,
                    text: &e.reason,
                    held_by: None,
                    basis: &e.basis,
                    dated: e.decided_on,
                    proposed: e.proposed,
                };
                record(tx, event, &r)?;
            }
            Event::AdmonishmentTalkHeld(e) => {
                let r = Record {
                    id: e.talk_id,
                    kind: RecordKind::Talk,
                    target_kind: TargetKind::Cadre,
                    unit: e.unit_id,
                    cadre: Some(e.cadre_id),
                    measure: Measure::Talk,
                    text: &e.summary,
                    held_by: Some(&e.held_by),
                    basis: &e.basis,
                    dated: e.held_on,
                    proposed: None,
                };
                record(tx, event, &r)?;
            }
            Event::CircularDrafted(e) => {
                tx.prepare_cached(sql::CIRCULAR_DRAFT)?.execute(params![
                    e.circular_id.to_string(),
                    i64::try_from(event.position).unwrap_or(i64::MAX),
                    e.period_from.to_string(),
                    e.period_to.to_string(),
                    e.title,
                    e.body,
                    json(event, &e.items)?,
                    at
                ])?;
            }
            Event::CircularRevised(e) => {
                tx.prepare_cached(sql::CIRCULAR_REVISE)?.execute(params![
                    e.circular_id.to_string(),
                    e.title,
                    e.body,
                    json(event, &e.items)?,
                    at
                ])?;
            }
            Event::CircularPublished(e) => {
                tx.prepare_cached(sql::CIRCULAR_PUBLISH)?.execute(params![
                    e.circular_id.to_string(),
                    e.published_on.to_string(),
                    at
                ])?;
            }
            Event::AssessmentFinalised(e) => {
                tx.prepare_cached(sql::FINALISED_INSERT)?.execute(params![
                    e.year,
                    json(event, &e.rules)?,
                    e.finalised_on.to_string(),
                    json(event, &e.scores)?,
                    at
                ])?;
            }
            _ => {}
        }
        Ok(())
    }
}
