//! The canonical text of a recorded event: one line of JSON with the envelope's fields in a
//! fixed order and the payload exactly as it was appended. It is what the Merkle tree
//! hashes (each leaf is the SHA-256 of these bytes, RFC 9162) and what an export writes, so
//! an export line can be checked against a signed checkpoint without trusting the server.
//!
//! ```text
//! {"position":1,"event_id":"…","stream":"unit-…","version":1,"event_type":"UnitRegistered",
//!  "schema_version":1,"occurred_at":"2026-01-05T01:00:00.000000Z",
//!  "recorded_at":"2026-01-05T01:00:00.000000Z","actor":"user:admin","correlation_id":null,
//!  "causation_id":null,"payload":{…}}
//! ```
//!
//! (on one line, no spaces outside strings and the payload). Instants are UTC to the
//! microsecond, as stored. [`parse`] reads a line back and refuses one that is not in this
//! exact form (re-encoding it must give the same bytes).

use crate::envelope::RecordedEvent;
use crate::names::{Actor, EventType, StreamName};
use crate::payload::Payload;
use chrono::{DateTime, Utc};
use serde::Deserialize;
use serde_json::value::RawValue;
use std::fmt::Write as _;
use uuid::Uuid;

/// An instant as the canonical text writes it (what chrono's
/// `%Y-%m-%dT%H:%M:%S%.6fZ` gives, written directly: it is hashed for every event).
fn instant(out: &mut String, t: DateTime<Utc>) {
    use chrono::{Datelike, Timelike};
    let _ = write!(
        out,
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:06}Z",
        t.year(),
        t.month(),
        t.day(),
        t.hour(),
        t.minute(),
        t.second(),
        t.timestamp_subsec_micros()
    );
}

fn quoted(out: &mut String, s: &str) {
    // A string always serialises.
    out.push_str(&serde_json::to_string(s).unwrap_or_default());
}

fn id(out: &mut String, id: Option<Uuid>) {
    match id {
        Some(u) => {
            let _ = write!(out, "\"{u}\"");
        }
        None => out.push_str("null"),
    }
}

/// The canonical line of `e` (without a newline).
pub fn canonical_json(e: &RecordedEvent) -> String {
    let payload = e.payload.as_str();
    let mut out = String::with_capacity(320 + payload.len());
    let _ = write!(
        out,
        "{{\"position\":{},\"event_id\":\"{}\",\"stream\":",
        e.position, e.event_id
    );
    quoted(&mut out, e.stream.as_str());
    let _ = write!(out, ",\"version\":{},\"event_type\":", e.version);
    quoted(&mut out, e.event_type.as_str());
    let _ = write!(
        out,
        ",\"schema_version\":{},\"occurred_at\":\"",
        e.schema_version
    );
    instant(&mut out, e.occurred_at);
    out.push_str("\",\"recorded_at\":\"");
    instant(&mut out, e.recorded_at);
    out.push_str("\",\"actor\":");
    quoted(&mut out, e.actor.as_str());
    out.push_str(",\"correlation_id\":");
    id(&mut out, e.correlation_id);
    out.push_str(",\"causation_id\":");
    id(&mut out, e.causation_id);
    out.push_str(",\"payload\":");
    out.push_str(payload);
    out.push('}');
    out
}

/// Why a line is not a canonical event.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CanonicalError {
    #[error("not an event line: {0}")]
    Json(String),
    #[error("field {field}: {reason}")]
    Field { field: &'static str, reason: String },
    #[error("not in canonical form (its fields re-encode to other bytes)")]
    NotCanonical,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Line<'a> {
    position: u64,
    event_id: Uuid,
    #[serde(borrow)]
    stream: &'a str,
    version: u64,
    #[serde(borrow)]
    event_type: &'a str,
    schema_version: u32,
    occurred_at: DateTime<Utc>,
    recorded_at: DateTime<Utc>,
    #[serde(borrow)]
    actor: std::borrow::Cow<'a, str>,
    correlation_id: Option<Uuid>,
    causation_id: Option<Uuid>,
    #[serde(borrow)]
    payload: &'a RawValue,
}

/// Reads a canonical line back into the event it stands for.
pub fn parse(line: &str) -> Result<RecordedEvent, CanonicalError> {
    let l: Line<'_> =
        serde_json::from_str(line).map_err(|e| CanonicalError::Json(e.to_string()))?;
    let field = |field: &'static str, reason: String| CanonicalError::Field { field, reason };
    let e = RecordedEvent {
        position: l.position,
        stream: StreamName::new(l.stream).map_err(|e| field("stream", e.to_string()))?,
        version: l.version,
        event_id: l.event_id,
        event_type: EventType::new(l.event_type).map_err(|e| field("event_type", e.to_string()))?,
        schema_version: l.schema_version,
        occurred_at: l.occurred_at,
        recorded_at: l.recorded_at,
        actor: Actor::new(l.actor.as_ref()).map_err(|e| field("actor", e.to_string()))?,
        correlation_id: l.correlation_id,
        causation_id: l.causation_id,
        payload: Payload::from_json(l.payload.get())
            .map_err(|e| field("payload", e.to_string()))?,
    };
    if canonical_json(&e) != line {
        return Err(CanonicalError::NotCanonical);
    }
    Ok(e)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn event() -> RecordedEvent {
        RecordedEvent {
            position: 42,
            stream: StreamName::new("unit-1").unwrap_or_else(|e| panic!("{e}")),
            version: 3,
            event_id: Uuid::from_u128(7),
            event_type: EventType::new("UnitRegistered").unwrap_or_else(|e| panic!("{e}")),
            schema_version: 1,
            occurred_at: DateTime::from_timestamp_micros(1_767_574_800_123_456).unwrap_or_default(),
            recorded_at: DateTime::from_timestamp_micros(1_767_574_801_000_000).unwrap_or_default(),
            actor: Actor::new("user:管理员 \"a\"").unwrap_or_else(|e| panic!("{e}")),
            correlation_id: Some(Uuid::from_u128(9)),
            causation_id: None,
            payload: Payload::from_json(r#"{"name": "区财政局", "n":1}"#)
                .unwrap_or_else(|e| panic!("{e}")),
        }
    }

    #[test]
    fn a_line_has_the_fields_in_order_and_the_payload_byte_for_byte() {
        let line = canonical_json(&event());
        assert_eq!(
            line,
            concat!(
                r#"{"position":42,"event_id":"00000000-0000-0000-0000-000000000007","#,
                r#""stream":"unit-1","version":3,"event_type":"UnitRegistered","#,
                r#""schema_version":1,"occurred_at":"2026-01-05T01:00:00.123456Z","#,
                r#""recorded_at":"2026-01-05T01:00:01.000000Z","actor":"user:管理员 \"a\"","#,
                r#""correlation_id":"00000000-0000-0000-0000-000000000009","causation_id":null,"#,
                r#""payload":{"name": "区财政局", "n":1}}"#
            )
        );
        assert_eq!(parse(&line), Ok(event()));
    }

    #[test]
    fn instants_are_written_as_chrono_formats_them() {
        for micros in [
            0i64,
            1,
            999_999,
            1_767_574_800_123_456,
            253_402_300_799_999_999,
        ] {
            let t = DateTime::from_timestamp_micros(micros).unwrap_or_default();
            let mut out = String::new();
            instant(&mut out, t);
            assert_eq!(out, t.format("%Y-%m-%dT%H:%M:%S%.6fZ").to_string());
        }
    }

    #[test]
    fn a_line_not_in_canonical_form_is_refused() {
        let line = canonical_json(&event());
        // Same fields, another spelling: a space, another field order, a field too many.
        let spaced = line.replacen("\"version\":3", "\"version\": 3", 1);
        assert_eq!(parse(&spaced), Err(CanonicalError::NotCanonical));
        let reordered = line.replacen(
            r#""position":42,"event_id":"00000000-0000-0000-0000-000000000007""#,
            r#""event_id":"00000000-0000-0000-0000-000000000007","position":42"#,
            1,
        );
        assert_eq!(parse(&reordered), Err(CanonicalError::NotCanonical));
        let extra = line.replacen("{\"position\"", "{\"x\":1,\"position\"", 1);
        assert!(matches!(parse(&extra), Err(CanonicalError::Json(_))));
        assert!(matches!(parse("{"), Err(CanonicalError::Json(_))));
    }
}
