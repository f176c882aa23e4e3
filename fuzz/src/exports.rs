//! Valid exports to start from, as the exporter wrote them (`dutytrace export`; see
//! `corpus/export_verify/README.md`), and what "semantically the same export" means.

use std::io::Read as _;
use std::sync::OnceLock;

use evidence::PublicKey;
use export::VerifyReport;

/// A valid export and what verifying it gives.
#[derive(Debug)]
pub struct Original {
    pub name: &'static str,
    pub bytes: &'static [u8],
    /// The key that signed it (given to the verifier, as a regulator would).
    pub key: PublicKey,
    pub report: VerifyReport,
    /// Its event lines' canonical events, in order.
    pub events: Vec<String>,
}

const FILES: &[(&str, &[u8])] = &[
    (
        "complete",
        include_bytes!("../corpus/export_verify/complete.ndjson"),
    ),
    (
        "complete-after",
        include_bytes!("../corpus/export_verify/complete-after.ndjson"),
    ),
    (
        "filtered",
        include_bytes!("../corpus/export_verify/filtered.ndjson"),
    ),
    (
        "complete-gzip",
        include_bytes!("../corpus/export_verify/complete.ndjson.gz"),
    ),
];

/// The exports, each checked once: a seed that does not verify is a broken harness.
pub fn originals() -> &'static [Original] {
    static ORIGINALS: OnceLock<Vec<Original>> = OnceLock::new();
    ORIGINALS.get_or_init(|| {
        FILES
            .iter()
            .map(|&(name, bytes)| {
                let (header, events) =
                    split(bytes).unwrap_or_else(|| panic!("seed {name} is not an export"));
                let key = header
                    .get("public_key")
                    .and_then(|k| k.as_str())
                    .and_then(|k| PublicKey::parse(k).ok())
                    .unwrap_or_else(|| panic!("seed {name} names no key"));
                let report = export::verify(bytes, Some(&key), &[])
                    .unwrap_or_else(|e| panic!("seed {name} does not verify: {e}"));
                Original {
                    name,
                    bytes,
                    key,
                    report,
                    events,
                }
            })
            .collect()
    })
}

/// An export's header (as JSON) and its events (the exact text of each line's `event`),
/// unpacking gzip; `None` if it is not one.
pub fn split(file: &[u8]) -> Option<(serde_json::Value, Vec<String>)> {
    let text = if file.starts_with(&[0x1f, 0x8b]) {
        let mut out = Vec::new();
        flate2::read::MultiGzDecoder::new(file)
            .read_to_end(&mut out)
            .ok()?;
        out
    } else {
        file.to_vec()
    };
    let text = String::from_utf8(text).ok()?;
    let mut lines = text.split_terminator('\n');
    let header: serde_json::Value = serde_json::from_str(lines.next()?).ok()?;
    let events = lines
        .map(|line| {
            let line: Line<'_> = serde_json::from_str(line).ok()?;
            Some(line.event.get().to_owned())
        })
        .collect::<Option<Vec<_>>>()?;
    Some((header, events))
}

/// An event line, as far as the event goes.
#[derive(serde::Deserialize)]
struct Line<'a> {
    #[serde(borrow)]
    event: &'a serde_json::value::RawValue,
}
