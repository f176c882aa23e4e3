//! One event line: its fields, its canonical event, with a fast path for the exact bytes the
//! exporter writes.

use event_store::RecordedEvent;
use evidence::{Hash, hex};
use serde::Deserialize;
use serde_json::value::RawValue;

use super::lines::Line;
use crate::error::{VerifyError, VerifyErrorKind};
use crate::format::thousands;

/// An event line's fields; `event` is the exact bytes of the event as they appear in it.
pub(crate) struct EventLine<'a> {
    pub leaf: &'a str,
    pub proof: Option<Vec<&'a str>>,
    pub event: &'a str,
}

/// The line as JSON, for any spelling the fast path does not take.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Wire<'a> {
    #[serde(borrow)]
    leaf: &'a str,
    #[serde(borrow, default)]
    proof: Option<Vec<&'a str>>,
    #[serde(borrow)]
    event: &'a RawValue,
}

const PREFIX: &[u8] = b"{\"leaf\":\"";
const MIDDLE: &[u8] = b"\",\"event\":";

/// A complete export's line exactly as written, `{"leaf":"<64 hex>","event":E}`, split
/// without a JSON pass. E is then parsed whole by `canonical::parse`, which refuses anything
/// but one JSON object, so the line is valid JSON exactly when this split and that parse
/// succeed: the same lines the JSON path accepts, in a third of the time.
fn split_exact(text: &[u8]) -> Option<EventLine<'_>> {
    let rest = text.strip_prefix(PREFIX)?;
    let (leaf, rest) = rest.split_at_checked(64)?;
    let event = rest.strip_prefix(MIDDLE)?.strip_suffix(b"}")?;
    Some(EventLine {
        leaf: std::str::from_utf8(leaf).ok()?,
        proof: None,
        event: std::str::from_utf8(event).ok()?,
    })
}

/// Parses an event line and its canonical event. `expected` is the position the line should
/// hold, when known, to name it if the line cannot be read.
pub(crate) fn parse_line<'b>(
    line: &Line<'b>,
    expected: Option<u64>,
) -> Result<(EventLine<'b>, RecordedEvent), VerifyError> {
    let number = line.number;
    let place = || match expected {
        Some(p) => format!("position {} (line {number})", thousands(p)),
        None => format!("line {number}"),
    };
    let error = |kind, message: String| VerifyError {
        kind,
        position: expected,
        message,
    };
    let parsed = match split_exact(line.text) {
        Some(parsed) => parsed,
        None => {
            let wire: Wire<'b> = serde_json::from_slice(line.text).map_err(|e| {
                if line.terminated {
                    error(
                        VerifyErrorKind::Format,
                        format!("{}: not an export line: {e}", place()),
                    )
                } else {
                    error(
                        VerifyErrorKind::Truncated,
                        format!("truncated: the file ends inside line {number}"),
                    )
                }
            })?;
            EventLine {
                leaf: wire.leaf,
                proof: wire.proof,
                event: wire.event.get(),
            }
        }
    };
    let event = event_store::canonical::parse(parsed.event).map_err(|e| {
        let kind = if line.terminated {
            VerifyErrorKind::Format
        } else {
            VerifyErrorKind::Truncated
        };
        error(
            kind,
            format!("{}: the event is not a canonical event line: {e}", place()),
        )
    })?;
    Ok((parsed, event))
}

/// A hash in lower- or upper-case hex, or an error naming the position and field.
pub(crate) fn hash(text: &str, position: u64, field: &str) -> Result<Hash, VerifyError> {
    hex::decode_hash(text).ok_or_else(|| {
        VerifyError::at(
            VerifyErrorKind::Format,
            position,
            format!(
                "position {}: its {field} {text:?} is not 64 hex digits",
                thousands(position)
            ),
        )
    })
}
