//! The ledger's fold.

use crate::sql;
use domain::events::{Attachment, DecodeError, Event};
use domain::problem::Relation;
use event_store::{Filter, RecordedEvent};
use projector::{Projection, ProjectionError};
use rusqlite::{Transaction, params};

/// The ledger projection.
#[derive(Debug, Clone, Copy, Default)]
pub struct Ledger;

impl Ledger {
    /// Its name, the key of its checkpoint.
    pub const NAME: &'static str = "ledger";
    /// Its tables.
    pub const TABLES: &'static [&'static str] =
        &["ledger_problems", "ledger_timeline", "ledger_names"];
    /// The events it folds.
    pub const EVENT_TYPES: &'static [&'static str] = &[
        "UnitRegistered",
        "CadreRegistered",
        "ProblemRegistered",
        "RectificationPlanned",
        "RectificationProgressed",
        "ClosingRequested",
        "ClosingRejected",
        "ProblemClosed",
        "RectificationOverdue",
    ];
}

fn name(tx: &Transaction<'_>, id: &impl ToString, name: &str) -> rusqlite::Result<usize> {
    tx.prepare_cached(sql::NAME_UPSERT)?
        .execute(params![id.to_string(), name])
}

/// One step of a problem's timeline.
struct Step<'a> {
    problem: String,
    step: &'static str,
    relation: Relation,
    text: &'a str,
    evidence: &'a [Attachment],
}

impl Projection for Ledger {
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
        let step = match &decoded {
            Event::UnitRegistered(e) => {
                name(tx, &e.unit_id, &e.name)?;
                None
            }
            Event::CadreRegistered(e) => {
                name(tx, &e.cadre_id, &e.name)?;
                None
            }
            Event::ProblemRegistered(e) => {
                let problem = e.problem_id.to_string();
                tx.prepare_cached(sql::REGISTER)?.execute(params![
                    problem,
                    position,
                    e.unit_id.to_string(),
                    e.cadre_id.map(|c| c.to_string()),
                    e.source.as_str(),
                    e.problem_type.key,
                    e.problem_type.label,
                    e.severity.as_str(),
                    e.description,
                    e.found_on.to_string(),
                    e.rectify_by.to_string(),
                    e.registered_on.to_string(),
                    at
                ])?;
                Some(Step {
                    problem,
                    step: "registered",
                    relation: e.by,
                    text: &e.description,
                    evidence: &[],
                })
            }
            Event::RectificationPlanned(e) => {
                let problem = e.problem_id.to_string();
                tx.prepare_cached(sql::PLAN)?
                    .execute(params![problem, e.plan, at])?;
                Some(Step {
                    problem,
                    step: "planned",
                    relation: e.by,
                    text: &e.plan,
                    evidence: &[],
                })
            }
            Event::RectificationProgressed(e) => {
                let problem = e.problem_id.to_string();
                tx.prepare_cached(sql::PROGRESS)?
                    .execute(params![problem, at])?;
                Some(Step {
                    problem,
                    step: "progressed",
                    relation: e.by,
                    text: &e.text,
                    evidence: &e.attachments,
                })
            }
            Event::ClosingRequested(e) => {
                let problem = e.problem_id.to_string();
                tx.prepare_cached(sql::SUBMIT)?
                    .execute(params![problem, at])?;
                Some(Step {
                    problem,
                    step: "closing_requested",
                    relation: e.by,
                    text: &e.summary,
                    evidence: &[],
                })
            }
            Event::ClosingRejected(e) => {
                let problem = e.problem_id.to_string();
                tx.prepare_cached(sql::REJECT)?
                    .execute(params![problem, e.reason, at])?;
                Some(Step {
                    problem,
                    step: "closing_rejected",
                    relation: e.by,
                    text: &e.reason,
                    evidence: &[],
                })
            }
            Event::ProblemClosed(e) => {
                let problem = e.problem_id.to_string();
                tx.prepare_cached(sql::CLOSE)?.execute(params![
                    problem,
                    e.closed_on.to_string(),
                    at
                ])?;
                Some(Step {
                    problem,
                    step: "closed",
                    relation: e.by,
                    text: &e.conclusion,
                    evidence: &[],
                })
            }
            Event::RectificationOverdue(e) => {
                tx.prepare_cached(sql::OVERDUE_REMINDED)?
                    .execute([e.problem_id.to_string()])?;
                None
            }
            _ => None,
        };
        if let Some(s) = step {
            let evidence = serde_json::to_string(s.evidence)
                .map_err(|e| ProjectionError::event(event, e.to_string()))?;
            tx.prepare_cached(sql::STEP)?.execute(params![
                s.problem,
                position,
                s.step,
                event.actor.as_str(),
                s.relation.as_str(),
                at,
                s.text,
                evidence
            ])?;
        }
        Ok(())
    }
}
