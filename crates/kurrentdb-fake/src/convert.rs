//! Conversions between the wire messages and the log's types.

use std::collections::HashMap;
use std::time::{SystemTime, UNIX_EPOCH};

use tonic::Status;
use uuid::Uuid;

use crate::log::{LogPosition, Record};
use crate::proto::StreamIdentifier;
use crate::proto::streams::ReadResp;
use crate::proto::streams::read_req::options::{UuidOption, uuid_option};
use crate::proto::streams::read_resp::{self, ReadEvent, read_event};
use crate::proto::uuid as wire_uuid;

/// The metadata key of the event type.
pub const TYPE: &str = "type";
/// The metadata key of the content type.
pub const CONTENT_TYPE: &str = "content-type";
/// The metadata key of the creation time (100 ns ticks since the Unix epoch, in decimal).
pub const CREATED: &str = "created";
/// The content type of JSON events.
pub const JSON: &str = "application/json";
/// The content type of other events.
pub const OCTET_STREAM: &str = "application/octet-stream";

/// How the client asked for event ids: the read request's `uuid_option`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UuidFormat {
    /// Two big-endian halves (`most_significant_bits`, `least_significant_bits`).
    Structured,
    /// The hyphenated lower-case text form.
    String,
}

impl UuidFormat {
    /// Reads the option; the real server refuses a read request without one.
    pub fn from_proto(option: Option<UuidOption>) -> Result<Self, Status> {
        match option.and_then(|o| o.content) {
            Some(uuid_option::Content::Structured(())) => Ok(Self::Structured),
            Some(uuid_option::Content::String(())) => Ok(Self::String),
            None => Err(Status::invalid_argument("uuid_option is required")),
        }
    }

    fn encode(self, id: Uuid) -> crate::proto::Uuid {
        let value = match self {
            Self::String => wire_uuid::Value::String(id.hyphenated().to_string()),
            Self::Structured => {
                let (most, least) = id.as_u64_pair();
                wire_uuid::Value::Structured(wire_uuid::Structured {
                    // Bit-for-bit reinterpretation, as Java's `UUID` halves.
                    most_significant_bits: i64::from_be_bytes(most.to_be_bytes()),
                    least_significant_bits: i64::from_be_bytes(least.to_be_bytes()),
                })
            }
        };
        crate::proto::Uuid { value: Some(value) }
    }
}

/// Decodes an event id in either form.
pub fn decode_uuid(id: Option<crate::proto::Uuid>) -> Result<Uuid, Status> {
    match id.and_then(|id| id.value) {
        Some(wire_uuid::Value::Structured(s)) => Ok(Uuid::from_u64_pair(
            u64::from_be_bytes(s.most_significant_bits.to_be_bytes()),
            u64::from_be_bytes(s.least_significant_bits.to_be_bytes()),
        )),
        Some(wire_uuid::Value::String(text)) => text
            .parse()
            .map_err(|_| Status::invalid_argument(format!("invalid event id {text:?}"))),
        None => Err(Status::invalid_argument("an event id is required")),
    }
}

/// Decodes a stream name; empty and non-UTF-8 names are refused.
pub fn stream_name(identifier: Option<StreamIdentifier>) -> Result<String, Status> {
    let bytes = identifier.map(|i| i.stream_name).unwrap_or_default();
    let name = String::from_utf8(bytes.to_vec())
        .map_err(|_| Status::invalid_argument("the stream name is not UTF-8"))?;
    if name.is_empty() {
        return Err(Status::invalid_argument("the stream name is empty"));
    }
    Ok(name)
}

/// A stream identifier for `name`.
pub fn stream_identifier(name: &str) -> StreamIdentifier {
    StreamIdentifier {
        stream_name: name.to_owned().into_bytes().into(),
    }
}

/// The message that carries `record` to a reader.
pub fn event_message(record: &Record, format: UuidFormat) -> ReadResp {
    let mut metadata = HashMap::with_capacity(3 + record.properties.len());
    metadata.insert(TYPE.to_owned(), record.event_type.clone());
    metadata.insert(CREATED.to_owned(), record.created_ticks.to_string());
    let content_type = if record.is_json { JSON } else { OCTET_STREAM };
    metadata.insert(CONTENT_TYPE.to_owned(), content_type.to_owned());
    // As the real server: the client's other entries come back, and win over the above.
    for (key, value) in &record.properties {
        metadata.insert(key.clone(), value.clone());
    }

    let event = read_event::RecordedEvent {
        id: Some(format.encode(record.id)),
        stream_identifier: Some(stream_identifier(&record.stream)),
        stream_revision: record.revision,
        prepare_position: record.position.prepare,
        commit_position: record.position.commit,
        metadata,
        custom_metadata: record.custom_metadata.clone(),
        data: record.data.clone(),
    };
    ReadResp {
        content: Some(read_resp::Content::Event(ReadEvent {
            event: Some(event),
            link: None,
            position: Some(read_event::Position::CommitPosition(record.position.commit)),
        })),
    }
}

/// A position as the read messages carry it.
pub fn read_position(position: LogPosition) -> read_resp::Position {
    read_resp::Position {
        commit_position: position.commit,
        prepare_position: position.prepare,
    }
}

/// Now, as a protobuf timestamp.
pub fn timestamp_now() -> prost_types::Timestamp {
    prost_types::Timestamp::from(SystemTime::now().max(UNIX_EPOCH))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uuids_round_trip_in_both_forms() {
        let id = Uuid::parse_str("f1e2d3c4-b5a6-4798-8a7b-6c5d4e3f2a1b").expect("a valid literal");
        for format in [UuidFormat::Structured, UuidFormat::String] {
            assert_eq!(decode_uuid(Some(format.encode(id))).ok(), Some(id));
        }
        let text = UuidFormat::String.encode(id).value;
        assert_eq!(
            text,
            Some(wire_uuid::Value::String(
                "f1e2d3c4-b5a6-4798-8a7b-6c5d4e3f2a1b".to_owned()
            ))
        );
    }

    #[test]
    fn structured_uuids_are_the_big_endian_halves() {
        let id = Uuid::from_u128(0x8000_0000_0000_0001_0000_0000_0000_0002);
        let Some(wire_uuid::Value::Structured(s)) = UuidFormat::Structured.encode(id).value else {
            panic!("a structured uuid was asked for");
        };
        assert_eq!(s.most_significant_bits, i64::MIN + 1);
        assert_eq!(s.least_significant_bits, 2);
    }
}
