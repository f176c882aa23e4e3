//! How a dutytrace event is written as a KurrentDB event and read back.
//!
//! KurrentDB keeps the event type, the id, the data and the stream; the rest of the
//! envelope travels in the event's own (custom) metadata, a small JSON object:
//!
//! ```json
//! {"occurredAt":1782864000000000,"actor":"user:c001","schemaVersion":1,
//!  "$correlationId":"…","$causationId":"…","appendIndex":0,"recordedAt":1782864000123456}
//! ```
//!
//! `$correlationId` and `$causationId` are the names KurrentDB's own projections
//! (`$by_correlation_id`) understand. `appendIndex` is the event's place in its append, so
//! the first position of the append is `position − appendIndex` (events of one append are
//! contiguous in `$all`). `recordedAt` is the instant the appending process recorded it by
//! its clock, as every backend does (an imported event keeps its source's), so that a copy
//! reads back exactly as its source; KurrentDB's own `created` reaches the client in whole
//! seconds only.

use bytes::Bytes;
use chrono::{DateTime, Utc};
use event_store::{Actor, EventType, NewEvent, Payload, RecordedEvent, StoreError, StreamName};
use kurrentdb::EventData;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

/// The envelope fields KurrentDB does not keep itself.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct Meta {
    /// When it happened, µs since the epoch.
    pub(crate) occurred_at: i64,
    pub(crate) actor: String,
    pub(crate) schema_version: u32,
    #[serde(
        rename = "$correlationId",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub(crate) correlation_id: Option<Uuid>,
    #[serde(
        rename = "$causationId",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub(crate) causation_id: Option<Uuid>,
    /// The event's place in its append (0 for the first).
    pub(crate) append_index: u64,
    /// When it was recorded, µs since the epoch (before the index makes it never decrease).
    pub(crate) recorded_at: i64,
}

/// µs since the epoch (the precision every backend keeps).
pub(crate) fn micros(t: DateTime<Utc>) -> i64 {
    t.timestamp_micros()
}

pub(crate) fn instant(us: i64) -> Result<DateTime<Utc>, StoreError> {
    DateTime::<Utc>::from_timestamp_micros(us)
        .ok_or_else(|| StoreError::Internal(format!("instant {us} µs is out of range")))
}

/// The KurrentDB event for `e`, `index`-th of its append, recorded at `recorded_at` (µs).
pub(crate) fn to_event_data(
    e: &NewEvent,
    index: u64,
    recorded_at: i64,
) -> Result<EventData, StoreError> {
    let meta = Meta {
        occurred_at: micros(e.occurred_at),
        actor: e.actor.as_str().to_owned(),
        schema_version: e.schema_version,
        correlation_id: e.correlation_id,
        causation_id: e.causation_id,
        append_index: index,
        recorded_at,
    };
    // A raw JSON value serialises as its text, byte for byte: the payload is stored exactly
    // as given, and marked as JSON for KurrentDB's projections and UI.
    let raw = serde_json::value::RawValue::from_string(e.payload.as_str().to_owned())
        .map_err(|err| StoreError::Internal(format!("payload is not JSON: {err}")))?;
    let data = EventData::json(e.event_type.as_str(), &raw)
        .map_err(|err| StoreError::Internal(format!("cannot encode the payload: {err}")))?;
    let meta = serde_json::to_vec(&meta)
        .map_err(|err| StoreError::Internal(format!("cannot encode the metadata: {err}")))?;
    Ok(data.id(e.event_id).metadata(Bytes::from(meta)))
}

/// A recorded event as the envelope it was appended from, with the recording instant of the
/// source log for an imported one.
pub(crate) fn to_new_event(r: &RecordedEvent) -> NewEvent {
    NewEvent {
        event_id: r.event_id,
        event_type: r.event_type.clone(),
        schema_version: r.schema_version,
        occurred_at: r.occurred_at,
        actor: r.actor.clone(),
        correlation_id: r.correlation_id,
        causation_id: r.causation_id,
        payload: r.payload.clone(),
    }
}

/// Reads the custom metadata of a KurrentDB event.
pub(crate) fn meta_of(e: &kurrentdb::RecordedEvent) -> Result<Meta, StoreError> {
    serde_json::from_slice(&e.custom_metadata).map_err(|err| {
        StoreError::Internal(format!(
            "the event {} of stream {} at $all position {}/{} is not a dutytrace event \
             (its metadata: {err}); a dutytrace log must own the server, or use a prefix",
            e.id,
            e.stream_id(),
            e.position.commit,
            e.position.prepare
        ))
    })
}

/// Decodes a KurrentDB event into the port's envelope at `position`, `recorded_at` as the
/// index has it. Returns the event and the first position of its append.
pub(crate) fn decode(
    e: &kurrentdb::RecordedEvent,
    prefix: &str,
    position: u64,
    recorded_at: DateTime<Utc>,
) -> Result<(RecordedEvent, u64), StoreError> {
    let meta = meta_of(e)?;
    let name = e.stream_id().strip_prefix(prefix).ok_or_else(|| {
        StoreError::Internal(format!(
            "stream {} read under the prefix {prefix:?} does not carry it",
            e.stream_id()
        ))
    })?;
    let payload = String::from_utf8(e.data.to_vec()).map_err(|err| {
        StoreError::Internal(format!("the payload of event {} is not UTF-8: {err}", e.id))
    })?;
    let event = RecordedEvent {
        position,
        stream: StreamName::from_stored(name.to_owned()),
        version: e.revision + 1,
        event_id: e.id,
        event_type: EventType::from_stored(e.event_type.clone()),
        schema_version: meta.schema_version,
        occurred_at: instant(meta.occurred_at)?,
        recorded_at,
        actor: Actor::from_stored(meta.actor),
        correlation_id: meta.correlation_id,
        causation_id: meta.causation_id,
        payload: Payload::from_stored(payload),
    };
    let start = position
        .checked_sub(meta.append_index)
        .filter(|s| *s >= 1)
        .ok_or_else(|| {
            StoreError::Internal(format!(
                "event {} at position {position} says it is #{} of its append",
                e.id, meta.append_index
            ))
        })?;
    Ok((event, start))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_metadata_keeps_what_kurrentdb_does_not_under_its_own_names() {
        let meta = Meta {
            occurred_at: 1_782_864_000_000_001,
            actor: "user:c001".into(),
            schema_version: 2,
            correlation_id: Some(Uuid::from_u128(7)),
            causation_id: None,
            append_index: 3,
            recorded_at: 1_782_864_000_123_456,
        };
        let text = serde_json::to_string(&meta).expect("encodes");
        assert!(text.contains("\"$correlationId\":\"00000000-0000-0000-0000-000000000007\""));
        assert!(!text.contains("causation"), "{text}");
        let back: Meta = serde_json::from_str(&text).expect("decodes");
        assert_eq!(back, meta);
    }
}
