//! The oversight records' fold.

use crate::sql;
use domain::events::{DecodeError, Event};
use domain::org::CadreDuty;
use domain::oversight::OversightRecord;
use event_store::{Filter, RecordedEvent};
use projector::{Projection, ProjectionError};
use rusqlite::{Transaction, params};

/// The oversight projection.
#[derive(Debug, Clone, Copy, Default)]
pub struct Oversight;

impl Oversight {
    /// Its name, the key of its checkpoint.
    pub const NAME: &'static str = "oversight";
    /// Its tables.
    pub const TABLES: &'static [&'static str] = &[
        "oversight_records",
        "oversight_imports",
        "oversight_units",
        "oversight_cadres",
    ];
    /// The events it folds.
    pub const EVENT_TYPES: &'static [&'static str] = &[
        "UnitRegistered",
        "CadreRegistered",
        "CadreTransferred",
        "OversightRecorded",
        "OversightImported",
    ];
}

/// How many records one event may carry in the cursor (see [`cursor`]); an import part
/// holds at most `domain::oversight::IMPORT_PART` (500).
const PER_EVENT: u64 = 1 << 16;

/// The cursor of the `ordinal`-th record of the event at `position`: position × 65536 +
/// ordinal, so records sort by the log and, within one event, by their place in it. Derived
/// from the log alone, it is the same after a rebuild.
fn cursor(event: &RecordedEvent, ordinal: usize) -> Result<i64, ProjectionError> {
    u64::try_from(ordinal)
        .ok()
        .filter(|o| *o < PER_EVENT)
        .and_then(|o| event.position.checked_mul(PER_EVENT)?.checked_add(o))
        .and_then(|c| i64::try_from(c).ok())
        .ok_or_else(|| {
            ProjectionError::event(
                event,
                format!("record {ordinal} of the event has no room in the cursor"),
            )
        })
}

/// The unit a duty belongs to (none for a discipline group's).
fn unit_of(duty: &CadreDuty) -> Option<String> {
    match duty {
        CadreDuty::PrincipalLeader { unit_id } | CadreDuty::TeamMember { unit_id } => {
            Some(unit_id.to_string())
        }
        CadreDuty::DisciplineGroup { .. } => None,
    }
}

/// Where a record came from.
struct Origin<'a> {
    import: Option<String>,
    line: Option<u32>,
    ordinal: usize,
    event: &'a RecordedEvent,
}

fn insert(
    tx: &Transaction<'_>,
    r: &OversightRecord,
    o: &Origin<'_>,
) -> Result<(), ProjectionError> {
    let position = i64::try_from(o.event.position).unwrap_or(i64::MAX);
    tx.prepare_cached(sql::RECORD_INSERT)?.execute(params![
        r.record_id.to_string(),
        cursor(o.event, o.ordinal)?,
        o.import,
        o.line,
        r.kind.as_str(),
        r.unit_id.to_string(),
        r.cadre_id.map(|c| c.to_string()),
        r.occurred_on.to_string(),
        r.summary,
        r.reference,
        o.event.recorded_at.timestamp_micros(),
        o.event.actor.as_str(),
        position
    ])?;
    Ok(())
}

impl Projection for Oversight {
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
        match decoded {
            Event::UnitRegistered(e) => {
                tx.prepare_cached(sql::UNIT_UPSERT)?
                    .execute(params![e.unit_id.to_string(), e.name])?;
            }
            Event::CadreRegistered(e) => {
                tx.prepare_cached(sql::CADRE_UPSERT)?.execute(params![
                    e.cadre_id.to_string(),
                    e.name,
                    unit_of(&e.duty)
                ])?;
            }
            Event::CadreTransferred(e) => {
                tx.prepare_cached(sql::CADRE_MOVE)?
                    .execute(params![e.cadre_id.to_string(), unit_of(&e.duty)])?;
            }
            Event::OversightRecorded(e) => {
                let origin = Origin {
                    import: None,
                    line: None,
                    ordinal: 0,
                    event,
                };
                insert(tx, &e.record, &origin)?;
            }
            Event::OversightImported(e) => {
                let import = e.import_id.to_string();
                // Every part carries the import's facts; the first part applied writes them.
                tx.prepare_cached(sql::IMPORT_INSERT)?.execute(params![
                    import,
                    e.file_name,
                    e.encoding,
                    e.rows,
                    event.recorded_at.timestamp_micros(),
                    event.actor.as_str(),
                    i64::try_from(event.position).unwrap_or(i64::MAX)
                ])?;
                for (ordinal, r) in e.records.iter().enumerate() {
                    let origin = Origin {
                        import: Some(import.clone()),
                        line: Some(r.line),
                        ordinal,
                        event,
                    };
                    insert(tx, &r.record, &origin)?;
                }
            }
            _ => {}
        }
        Ok(())
    }
}
