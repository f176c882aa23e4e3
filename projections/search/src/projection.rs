//! The search model's fold: each text of an entry or a problem step becomes a row of
//! `search_docs`, keyed by its date and the event's position ([`key`]); the table's
//! triggers keep the index `search_fts` in step with it.

use crate::queries::key;
use crate::sql;
use crate::text;
use domain::calendar::local_date;
use domain::events::{DecodeError, EntryContent, Event};
use domain::ids::{CadreId, EntryId, ObligationId, ProblemId};
use domain::org::{CadreDuty, Subject};
use event_store::{Filter, RecordedEvent};
use projector::{Projection, ProjectionError};
use rusqlite::{OptionalExtension as _, Transaction, params};

/// The search projection.
#[derive(Debug, Clone, Copy, Default)]
pub struct Search;

impl Search {
    /// Its name, the key of its checkpoint.
    pub const NAME: &'static str = "search";
    /// Its tables.
    pub const TABLES: &'static [&'static str] = &["search_docs", "search_cadres"];
    /// The events it folds.
    pub const EVENT_TYPES: &'static [&'static str] = &[
        "CadreRegistered",
        "CadreTransferred",
        "DutyRecorded",
        "DutyBackfilled",
        "DutyCorrected",
        "DutyWithdrawn",
        "ProblemRegistered",
        "RectificationPlanned",
        "RectificationProgressed",
        "ClosingRequested",
        "ClosingRejected",
        "ProblemClosed",
    ];
}

/// The unit of a cadre's duty (none for a discipline group member).
fn duty_unit(duty: &CadreDuty) -> Option<String> {
    match duty {
        CadreDuty::PrincipalLeader { unit_id } | CadreDuty::TeamMember { unit_id } => {
            Some(unit_id.to_string())
        }
        CadreDuty::DisciplineGroup { .. } => None,
    }
}

fn cadre(tx: &Transaction<'_>, id: CadreId, duty: &CadreDuty) -> rusqlite::Result<()> {
    tx.prepare_cached(sql::CADRE_UPSERT)?
        .execute(params![id.to_string(), duty_unit(duty)])?;
    Ok(())
}

/// A recorded or backfilled entry. Its unit: the team's, or the personal subject's as of
/// now in the log; a discipline group's entries have none.
fn entry(
    tx: &Transaction<'_>,
    doc: i64,
    entry_id: EntryId,
    obligation: ObligationId,
    subject: &Subject,
    recorded_by: CadreId,
    content: &EntryContent,
) -> Result<(), ProjectionError> {
    let unit = match subject {
        Subject::LeadershipTeam { unit_id } => Some(unit_id.to_string()),
        Subject::PrincipalLeader { cadre_id } | Subject::TeamMember { cadre_id } => tx
            .prepare_cached(sql::CADRE_UNIT)?
            .query_row([cadre_id.to_string()], |r| r.get::<_, Option<String>>(0))
            .optional()?
            .flatten(),
        Subject::DisciplineGroup { .. } => None,
    };
    let subject = serde_json::to_string(subject)
        .map_err(|e| ProjectionError::Database(format!("a subject does not serialise: {e}")))?;
    tx.prepare_cached(sql::INSERT_DOC)?.execute(params![
        key(content.performed_on, doc),
        doc,
        "entry",
        entry_id.to_string(),
        obligation.to_string(),
        subject,
        unit,
        recorded_by.to_string(),
        content.performed_on.to_string(),
        "entry",
        content.content,
        text::bigrams(&content.content)
    ])?;
    Ok(())
}

/// A step of a problem: a row pointing where its registration points.
fn step(
    tx: &Transaction<'_>,
    doc: i64,
    problem: ProblemId,
    event: &RecordedEvent,
    field: &str,
    text: &str,
) -> rusqlite::Result<()> {
    let date = local_date(event.occurred_at);
    tx.prepare_cached(sql::PROBLEM_STEP)?.execute(params![
        key(date, doc),
        doc,
        problem.to_string(),
        date.to_string(),
        field,
        text,
        text::bigrams(text)
    ])?;
    Ok(())
}

impl Projection for Search {
    fn name(&self) -> &'static str {
        Self::NAME
    }

    fn version(&self) -> u32 {
        // 2: rows keyed by date and position; the index kept in step by triggers.
        // 3: the index derived (search_docs its content), not folded in a rebuild.
        3
    }

    fn schema(&self) -> &'static str {
        sql::SCHEMA
    }

    fn query_indexes(&self) -> &'static str {
        sql::QUERY_INDEXES
    }

    fn derived(&self) -> &'static str {
        sql::DERIVED
    }

    fn derive(&self) -> &'static str {
        sql::DERIVE
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
        let doc = i64::try_from(event.position).unwrap_or(i64::MAX);
        match &decoded {
            Event::CadreRegistered(e) => cadre(tx, e.cadre_id, &e.duty)?,
            Event::CadreTransferred(e) => cadre(tx, e.cadre_id, &e.duty)?,
            Event::DutyRecorded(e) => entry(
                tx,
                doc,
                e.entry_id,
                e.obligation_id,
                &e.subject,
                e.recorded_by,
                &e.entry,
            )?,
            Event::DutyBackfilled(e) => entry(
                tx,
                doc,
                e.entry_id,
                e.obligation_id,
                &e.subject,
                e.recorded_by,
                &e.entry,
            )?,
            Event::DutyCorrected(e) => {
                let id = e.entry_id.to_string();
                // A new row in the corrected date's place; the old one leaves the index.
                let added = tx.prepare_cached(sql::CORRECT_ENTRY)?.execute(params![
                    key(e.entry.performed_on, doc),
                    doc,
                    id,
                    e.entry.performed_on.to_string(),
                    e.entry.content,
                    text::bigrams(&e.entry.content)
                ])?;
                if added > 0 {
                    tx.prepare_cached(sql::DROP_ENTRY)?
                        .execute(params![id, doc])?;
                }
            }
            Event::DutyWithdrawn(e) => {
                tx.prepare_cached(sql::DROP_ENTRY)?
                    .execute(params![e.entry_id.to_string(), doc])?;
            }
            Event::ProblemRegistered(e) => {
                tx.prepare_cached(sql::INSERT_DOC)?.execute(params![
                    key(e.found_on, doc),
                    doc,
                    "problem",
                    e.problem_id.to_string(),
                    None::<String>,
                    None::<String>,
                    e.unit_id.to_string(),
                    e.cadre_id.map(|c| c.to_string()),
                    e.found_on.to_string(),
                    "description",
                    e.description,
                    text::bigrams(&e.description)
                ])?;
            }
            Event::RectificationPlanned(e) => {
                step(tx, doc, e.problem_id, event, "plan", &e.plan)?;
            }
            Event::RectificationProgressed(e) => {
                step(tx, doc, e.problem_id, event, "progress", &e.text)?;
            }
            Event::ClosingRequested(e) => {
                step(tx, doc, e.problem_id, event, "summary", &e.summary)?;
            }
            Event::ClosingRejected(e) => {
                step(tx, doc, e.problem_id, event, "reason", &e.reason)?;
            }
            Event::ProblemClosed(e) => {
                step(tx, doc, e.problem_id, event, "conclusion", &e.conclusion)?;
            }
            _ => {}
        }
        Ok(())
    }
}
