//! Copying a log between backends (`dutytrace migrate-store`): events keep their position,
//! stream version, ids, instants and payload byte for byte, so the copy has the same
//! Merkle root as the original — and the append each one belonged to, so that a retry of
//! an append made before the copy is still recognised after it.

use crate::envelope::RecordedEvent;
use crate::error::InvalidInput;
use crate::names::StreamName;
use chrono::{DateTime, Utc};
use std::collections::HashMap;

/// An event as read from one store to be imported into another.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CopiedEvent {
    pub event: RecordedEvent,
    /// The first position of the append that stored it (its own position for the first
    /// event of an append).
    pub append_start: u64,
}

/// Checks a page of copied events against the log it is imported into, before anything is
/// written: positions consecutive from `head + 1`, each stream's versions consecutive from
/// its version now (`versions`: every stream of the page that exists, with its version),
/// `recorded_at` never decreasing from `last_recorded`, and appends that begin at or
/// before each of their events and hold together.
pub fn validate_import(
    events: &[CopiedEvent],
    head: u64,
    last_recorded: Option<DateTime<Utc>>,
    versions: &HashMap<StreamName, u64>,
) -> Result<(), InvalidInput> {
    let mut next_versions: HashMap<&StreamName, u64> = HashMap::new();
    let mut recorded = last_recorded;
    let mut previous: Option<&CopiedEvent> = None;
    for (i, c) in events.iter().enumerate() {
        let e = &c.event;
        let expected = head + 1 + i as u64;
        if e.position != expected {
            return Err(InvalidInput::ImportPosition {
                expected,
                found: e.position,
            });
        }
        let version = next_versions
            .entry(&e.stream)
            .or_insert_with(|| versions.get(&e.stream).copied().unwrap_or(0) + 1);
        if e.version != *version {
            return Err(InvalidInput::ImportVersion {
                stream: e.stream.to_string(),
                expected: *version,
                found: e.version,
            });
        }
        *version += 1;
        if recorded.is_some_and(|r| e.recorded_at < r) {
            return Err(InvalidInput::ImportRecordedAt {
                position: e.position,
            });
        }
        recorded = Some(e.recorded_at);
        let joins_previous = previous
            .is_some_and(|p| p.append_start == c.append_start && p.event.stream == e.stream);
        let starts_here = c.append_start == e.position;
        // The first event of a page may continue an append begun on the previous page.
        let continues_page =
            previous.is_none() && c.append_start < e.position && c.append_start > 0;
        if !(starts_here || joins_previous || continues_page) {
            return Err(InvalidInput::ImportAppendStart {
                position: e.position,
                append_start: c.append_start,
            });
        }
        previous = Some(c);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::names::{Actor, EventType};
    use crate::payload::Payload;

    fn copied(position: u64, stream: &str, version: u64, append_start: u64) -> CopiedEvent {
        let at =
            DateTime::<Utc>::from_timestamp(1_780_000_000 + position as i64, 0).unwrap_or_default();
        CopiedEvent {
            event: RecordedEvent {
                position,
                stream: StreamName::new(stream).expect("stream"),
                version,
                event_id: uuid::Uuid::now_v7(),
                event_type: EventType::new("DutyRecorded").expect("type"),
                schema_version: 1,
                occurred_at: at,
                recorded_at: at,
                actor: Actor::new("user:test").expect("actor"),
                correlation_id: None,
                causation_id: None,
                payload: Payload::from_json("{}").expect("payload"),
            },
            append_start,
        }
    }

    #[test]
    fn a_well_formed_page_passes() {
        let page = [
            copied(4, "unit-1", 2, 4),
            copied(5, "unit-1", 3, 4),
            copied(6, "cadre-1", 1, 6),
        ];
        let versions = HashMap::from([(StreamName::new("unit-1").expect("s"), 1)]);
        assert_eq!(validate_import(&page, 3, None, &versions), Ok(()));
    }

    #[test]
    fn each_broken_rule_is_named() {
        let none = HashMap::new();
        assert_eq!(
            validate_import(&[copied(2, "unit-1", 1, 2)], 0, None, &none),
            Err(InvalidInput::ImportPosition {
                expected: 1,
                found: 2
            })
        );
        assert_eq!(
            validate_import(&[copied(1, "unit-1", 2, 1)], 0, None, &none),
            Err(InvalidInput::ImportVersion {
                stream: "unit-1".into(),
                expected: 1,
                found: 2
            })
        );
        let mut late = copied(1, "unit-1", 1, 1);
        let later = late.event.recorded_at + chrono::Duration::seconds(1);
        late.event.recorded_at -= chrono::Duration::seconds(1);
        assert_eq!(
            validate_import(&[late], 0, Some(later), &none),
            Err(InvalidInput::ImportRecordedAt { position: 1 })
        );
        // An append cannot span two streams, nor begin after its own event.
        assert_eq!(
            validate_import(
                &[copied(1, "unit-1", 1, 1), copied(2, "unit-2", 1, 1)],
                0,
                None,
                &none
            ),
            Err(InvalidInput::ImportAppendStart {
                position: 2,
                append_start: 1
            })
        );
        assert_eq!(
            validate_import(&[copied(1, "unit-1", 1, 2)], 0, None, &none),
            Err(InvalidInput::ImportAppendStart {
                position: 1,
                append_start: 2
            })
        );
    }
}
