//! `Streams.Append`: an options message, then the proposed events, then one answer.

use futures::StreamExt;
use tonic::{Status, Streaming};

use crate::convert::{self, CONTENT_TYPE, JSON, OCTET_STREAM, TYPE};
use crate::log::{AppendOutcome, ExpectedRevision, ProposedEvent};
use crate::proto::streams::append_req::{self, options::ExpectedStreamRevision};
use crate::proto::streams::append_resp::{self, success, wrong_expected_version as wev};
use crate::proto::streams::{AppendReq, AppendResp};
use crate::store::Store;

/// Reads the whole request, then appends atomically.
pub async fn append(
    store: &Store,
    mut requests: Streaming<AppendReq>,
) -> Result<AppendResp, Status> {
    let options = match requests.next().await.transpose()?.and_then(|r| r.content) {
        Some(append_req::Content::Options(options)) => options,
        _ => {
            return Err(Status::invalid_argument(
                "an append must begin with its options",
            ));
        }
    };
    let stream = convert::stream_name(options.stream_identifier)?;
    let expected = match options.expected_stream_revision {
        Some(ExpectedStreamRevision::Revision(revision)) => ExpectedRevision::Exact(revision),
        Some(ExpectedStreamRevision::NoStream(())) => ExpectedRevision::NoStream,
        Some(ExpectedStreamRevision::Any(())) => ExpectedRevision::Any,
        Some(ExpectedStreamRevision::StreamExists(())) => ExpectedRevision::StreamExists,
        None => {
            return Err(Status::invalid_argument(
                "the expected stream revision is required",
            ));
        }
    };
    if stream.starts_with('$') {
        // A real server lets only admins write system streams; the fake lets nobody.
        return Err(Status::permission_denied(format!(
            "the fake does not accept appends to the system stream {stream:?}"
        )));
    }

    let mut events = Vec::new();
    while let Some(request) = requests.next().await.transpose()? {
        match request.content {
            Some(append_req::Content::ProposedMessage(message)) => events.push(proposed(message)?),
            _ => {
                return Err(Status::invalid_argument(
                    "an append carries options only once",
                ));
            }
        }
    }

    let outcome = store.append(&stream, expected, events);
    tracing::debug!(%stream, ?expected, ?outcome, "append");
    Ok(answer(outcome, expected))
}

/// Validates one proposed event as the real server does: `type` and `content-type` required.
fn proposed(message: append_req::ProposedMessage) -> Result<ProposedEvent, Status> {
    let id = convert::decode_uuid(message.id)?;
    let mut metadata = message.metadata;
    let event_type = metadata
        .remove(TYPE)
        .ok_or_else(|| Status::invalid_argument("Required Metadata Property 'type' is missing"))?;
    let content_type = metadata.remove(CONTENT_TYPE).ok_or_else(|| {
        Status::invalid_argument("Required Metadata Property 'content-type' is missing")
    })?;
    let is_json = content_type == JSON;
    if content_type != JSON && content_type != OCTET_STREAM {
        // Kept, so that reads give back the content type the client wrote.
        metadata.insert(CONTENT_TYPE.to_owned(), content_type);
    }
    let mut properties: Vec<_> = metadata.into_iter().collect();
    properties.sort();
    Ok(ProposedEvent {
        id,
        event_type,
        is_json,
        properties,
        custom_metadata: message.custom_metadata,
        data: message.data,
    })
}

/// The answer, with both the current and the 20.6.0 fields of a wrong expected version filled
/// as the real server fills them.
fn answer(outcome: AppendOutcome, expected: ExpectedRevision) -> AppendResp {
    let result = match outcome {
        AppendOutcome::Success { revision, position } => {
            append_resp::Result::Success(append_resp::Success {
                current_revision_option: Some(match revision {
                    Some(revision) => success::CurrentRevisionOption::CurrentRevision(revision),
                    None => success::CurrentRevisionOption::NoStream(()),
                }),
                position_option: Some(match position {
                    Some(p) => success::PositionOption::Position(append_resp::Position {
                        commit_position: p.commit,
                        prepare_position: p.prepare,
                    }),
                    None => success::PositionOption::NoPosition(()),
                }),
            })
        }
        AppendOutcome::WrongExpectedRevision { current } => {
            let (expected_new, expected_old) = match expected {
                ExpectedRevision::Any => (
                    wev::ExpectedRevisionOption::ExpectedAny(()),
                    wev::ExpectedRevisionOption2060::Any2060(()),
                ),
                ExpectedRevision::StreamExists => (
                    wev::ExpectedRevisionOption::ExpectedStreamExists(()),
                    wev::ExpectedRevisionOption2060::StreamExists2060(()),
                ),
                // The 20.6.0 field had no "no stream": the real server sends u64::MAX (-1).
                ExpectedRevision::NoStream => (
                    wev::ExpectedRevisionOption::ExpectedNoStream(()),
                    wev::ExpectedRevisionOption2060::ExpectedRevision2060(u64::MAX),
                ),
                ExpectedRevision::Exact(revision) => (
                    wev::ExpectedRevisionOption::ExpectedRevision(revision),
                    wev::ExpectedRevisionOption2060::ExpectedRevision2060(revision),
                ),
            };
            let (current_new, current_old) = match current {
                Some(revision) => (
                    wev::CurrentRevisionOption::CurrentRevision(revision),
                    wev::CurrentRevisionOption2060::CurrentRevision2060(revision),
                ),
                None => (
                    wev::CurrentRevisionOption::CurrentNoStream(()),
                    wev::CurrentRevisionOption2060::NoStream2060(()),
                ),
            };
            append_resp::Result::WrongExpectedVersion(append_resp::WrongExpectedVersion {
                current_revision_option_20_6_0: Some(current_old),
                expected_revision_option_20_6_0: Some(expected_old),
                current_revision_option: Some(current_new),
                expected_revision_option: Some(expected_new),
            })
        }
    };
    AppendResp {
        result: Some(result),
    }
}
