//! The lines of an export, byte for byte.
//!
//! See [`Header`].

use evidence::{Hash, SignedCheckpoint, hex};
use serde::{Deserialize, Serialize};

use crate::request::ExportFilter;

/// The `format` of the header line.
pub const FORMAT: &str = "dutytrace-export/1";

/// The first line of an export. The lines of an export:
///
/// ```text
/// {"format":"dutytrace-export/1","origin":…,"public_key":"<hex>","checkpoint":{…},
///  "from_position":a,"to_position":b,"complete":true,"events":n,
///  "filter":{"stream":null,"category":null,"event_type":null,"recorded_from":null,"recorded_to":null},
///  "frontier":["<hex>",…],"schemas":["urn:dutytrace:event:DutyRecorded:v1",…]}
/// {"leaf":"<hex>","event":{canonical line}}                          complete export
/// {"leaf":"<hex>","proof":["<hex>",…],"event":{canonical line}}      filtered export
/// ```
///
/// Each line ends with `\n`. The `event` is the event's canonical line exactly as the tree
/// hashed it, so a verifier hashes the bytes between `"event":` and the closing `}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Header {
    /// [`FORMAT`].
    pub format: String,
    /// The log's name, as in the checkpoint.
    pub origin: String,
    /// Hex of the Ed25519 key the server signs checkpoints with. A verifier should be given
    /// the key independently; this one is only a fallback (and is reported as such).
    pub public_key: String,
    /// The checkpoint the export is checked against: its tree covers every exported event.
    pub checkpoint: SignedCheckpoint,
    /// The first position the export covers (`after + 1`, or the first position recorded at
    /// or after `recorded_from`).
    pub from_position: u64,
    /// The last position it covers: the checkpoint's tree size for a complete export, or the
    /// last position recorded by `recorded_to`.
    pub to_position: u64,
    /// Every event from `from_position` to `to_position`, no filter.
    pub complete: bool,
    /// How many event lines follow (a shorter file was cut off).
    pub events: u64,
    /// The filter of a filtered export; all `null` for a complete one.
    pub filter: ExportFilter,
    /// Complete exports not starting at 1: the roots of the perfect subtrees of the first
    /// `from_position − 1` leaves, largest first (lower-case hex), from which the verifier
    /// carries on hashing.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub frontier: Vec<String>,
    /// The schema ids of the events in the export, sorted, each the `$id` of a file in
    /// `schemas/events/` ([`schema_id`]).
    pub schemas: Vec<String>,
}

/// The schema id of an event type at a schema version: `urn:dutytrace:event:<Type>:v<N>`,
/// the `$id` of `schemas/events/<Type>.v<N>.json`.
pub fn schema_id(event_type: &str, schema_version: u32) -> String {
    format!("urn:dutytrace:event:{event_type}:v{schema_version}")
}

/// Appends one event line (with its newline) to `out`.
pub(crate) fn write_event_line(
    out: &mut Vec<u8>,
    leaf: &Hash,
    proof: Option<&[Hash]>,
    canonical: &str,
) {
    out.extend_from_slice(b"{\"leaf\":\"");
    push_hex(out, leaf);
    out.push(b'"');
    if let Some(proof) = proof {
        out.extend_from_slice(b",\"proof\":[");
        for (i, hash) in proof.iter().enumerate() {
            if i > 0 {
                out.push(b',');
            }
            out.push(b'"');
            push_hex(out, hash);
            out.push(b'"');
        }
        out.push(b']');
    }
    out.extend_from_slice(b",\"event\":");
    out.extend_from_slice(canonical.as_bytes());
    out.extend_from_slice(b"}\n");
}

fn push_hex(out: &mut Vec<u8>, hash: &Hash) {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    for byte in hash {
        out.push(DIGITS[usize::from(byte >> 4)]);
        out.push(DIGITS[usize::from(byte & 0x0f)]);
    }
}

/// Hex of hashes, for the header.
pub(crate) fn hex_list(hashes: &[Hash]) -> Vec<String> {
    hashes.iter().map(|h| hex::encode(h)).collect()
}

/// A count as people read it in messages: `1,234,567`.
pub(crate) fn thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_are_grouped_by_thousands() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1000), "1,000");
        assert_eq!(thousands(1_234_567), "1,234,567");
    }

    #[test]
    fn event_lines_are_compact_json() {
        let mut out = Vec::new();
        write_event_line(
            &mut out,
            &[0xab; 32],
            Some(&[[1; 32], [2; 32]]),
            "{\"a\":1}",
        );
        let text = String::from_utf8(out).unwrap_or_default();
        assert!(text.ends_with("}\n"));
        let v: serde_json::Value = serde_json::from_str(&text).unwrap_or_default();
        assert_eq!(v["leaf"], "ab".repeat(32));
        assert_eq!(v["proof"][1], "02".repeat(32));
        assert_eq!(v["event"]["a"], 1);
    }
}
