//! Checking an export offline, with nothing but the public key: the header's checkpoint is
//! signed by the key, and every event line is what the signed tree holds. One pass, one line
//! in memory at a time, whatever the size of the file.

mod complete;
mod event_line;
mod filtered;
mod lines;
mod published;

use std::collections::HashMap;
use std::fmt;
use std::io::Read;

use event_store::RecordedEvent;
use evidence::{CheckpointError, PublicKey, SignedCheckpoint, hex};

use crate::error::{VerifyError, VerifyErrorKind};
use crate::format::{FORMAT, Header, thousands};
use crate::request::ExportFilter;
use lines::Lines;
use published::Published;

/// What a successful verification checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VerifyReport {
    /// A complete export (every event of its range, the tree recomputed) or a filtered one
    /// (each event proved on its own).
    pub complete: bool,
    /// Event lines checked.
    pub events: u64,
    /// Bytes of NDJSON read (after unpacking gzip).
    pub bytes: u64,
    pub gzip: bool,
    pub from_position: u64,
    pub to_position: u64,
    pub filter: ExportFilter,
    /// The checkpoint everything was checked against.
    pub checkpoint: SignedCheckpoint,
    /// The key id that signed it.
    pub key_id: String,
    /// Whether the key was given independently; if not, the export's own `public_key` was
    /// used, which only shows the export is consistent with itself.
    pub key_given: bool,
    /// Published checkpoints the export was checked against.
    pub published_checked: usize,
    /// Published checkpoints it could not be checked against (outside its range, or a
    /// filtered export).
    pub published_unchecked: usize,
    pub schemas: Vec<String>,
}

impl fmt::Display for VerifyReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let cp = &self.checkpoint.checkpoint;
        writeln!(
            f,
            "OK: {} export of {} events (positions {} to {}), {} bytes{}",
            if self.complete {
                "complete"
            } else {
                "filtered"
            },
            thousands(self.events),
            thousands(self.from_position),
            thousands(self.to_position),
            thousands(self.bytes),
            if self.gzip { " unpacked from gzip" } else { "" },
        )?;
        writeln!(
            f,
            "checkpoint: {} at size {}, {}, root {}, signed by key {}",
            cp.origin,
            thousands(cp.tree_size),
            cp.time.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            hex::encode(&cp.root),
            self.key_id,
        )?;
        if !self.key_given {
            writeln!(
                f,
                "WARNING: no public key was given; the export's own key was used, which only shows it is consistent with itself"
            )?;
        }
        write!(
            f,
            "published checkpoints: {} checked, {} outside this export",
            self.published_checked, self.published_unchecked
        )
    }
}

/// Checks an export (plain or gzip NDJSON) against the key that signs checkpoints and any
/// checkpoints `published` earlier. Without `key`, the export's own `public_key` is used and
/// the report says so. Fails with the first bad position and what is wrong with it.
pub fn verify(
    input: impl Read,
    key: Option<&PublicKey>,
    published: &[SignedCheckpoint],
) -> Result<VerifyReport, VerifyError> {
    let mut lines = Lines::open(input)?;
    let header = read_header(&mut lines)?;
    let signer = check_signature(&header, key)?;
    check_header(&header)?;
    let schemas = Schemas::of(&header)?;
    let mut published = Published::new(published, &header, &signer)?;
    let events = if header.complete {
        complete::check(&mut lines, &header, &schemas, &mut published)?
    } else {
        filtered::check(&mut lines, &header, &schemas)?
    };
    Ok(VerifyReport {
        complete: header.complete,
        events,
        bytes: lines.bytes,
        gzip: lines.gzip,
        from_position: header.from_position,
        to_position: header.to_position,
        filter: header.filter,
        key_id: header.checkpoint.key_id.clone(),
        checkpoint: header.checkpoint,
        key_given: key.is_some(),
        published_checked: published.checked,
        published_unchecked: published.unchecked,
        schemas: header.schemas,
    })
}

fn format_error(message: impl Into<String>) -> VerifyError {
    VerifyError::new(VerifyErrorKind::Format, message)
}

fn read_header(lines: &mut Lines<'_>) -> Result<Header, VerifyError> {
    let line = lines
        .next_line()?
        .ok_or_else(|| format_error("the file is empty: an export starts with a header line"))?;
    let header: Header = serde_json::from_slice(line.text).map_err(|e| {
        if line.terminated {
            format_error(format!("line 1 is not an export header: {e}"))
        } else {
            VerifyError::new(
                VerifyErrorKind::Truncated,
                "truncated: the file ends inside its header line",
            )
        }
    })?;
    if header.format != FORMAT {
        return Err(format_error(format!(
            "not an export this verifier reads: its format is {:?}, not {FORMAT:?}",
            header.format
        )));
    }
    Ok(header)
}

/// Checks the header's checkpoint with the given key, or the header's own; returns the key
/// used.
fn check_signature(header: &Header, key: Option<&PublicKey>) -> Result<PublicKey, VerifyError> {
    let own = PublicKey::parse(&header.public_key)
        .map_err(|e| format_error(format!("the header's public_key: {e}")))?;
    let signer = key.copied().unwrap_or(own);
    header
        .checkpoint
        .verify(&signer)
        .map_err(|e| signature_error("the export's checkpoint", &e, key.is_some()))?;
    if signer != own {
        return Err(VerifyError::new(
            VerifyErrorKind::Signature,
            format!(
                "the header names public key {}, but its checkpoint is signed by the given key {}",
                own.key_id(),
                signer.key_id()
            ),
        ));
    }
    Ok(signer)
}

pub(crate) fn signature_error(what: &str, e: &CheckpointError, key_given: bool) -> VerifyError {
    let whose = if key_given { "given" } else { "export's own" };
    let message = match e {
        CheckpointError::WrongKey {
            expected_key_id,
            got,
        } => format!("{what} is signed by key {got}, not by the {whose} key {expected_key_id}"),
        CheckpointError::BadSignature => format!(
            "{what}'s signature does not verify with the {whose} key: it was altered or signed by another key"
        ),
        other => format!("{what}: {other}"),
    };
    VerifyError::new(VerifyErrorKind::Signature, message)
}

/// The header's promises that hold whatever the lines say.
fn check_header(h: &Header) -> Result<(), VerifyError> {
    let cp = &h.checkpoint.checkpoint;
    let fail = |m: String| Err(format_error(format!("the header is inconsistent: {m}")));
    if h.origin != cp.origin {
        return fail(format!(
            "origin {:?} but its checkpoint is of {:?}",
            h.origin, cp.origin
        ));
    }
    if h.from_position == 0 {
        return fail("positions start at 1, not 0".into());
    }
    if h.complete {
        if !h.filter.is_empty() {
            return fail("a complete export has no filter".into());
        }
        if h.to_position != cp.tree_size || h.from_position > h.to_position + 1 {
            return fail(format!(
                "a complete export goes from a position up to its checkpoint's size {}, not from {} to {}",
                cp.tree_size, h.from_position, h.to_position
            ));
        }
        if h.events != h.to_position + 1 - h.from_position {
            return fail(format!(
                "{} events announced for positions {} to {}",
                h.events, h.from_position, h.to_position
            ));
        }
    } else {
        if h.filter.is_empty() {
            return fail("a filtered export names its filter".into());
        }
        if h.to_position > cp.tree_size {
            return fail(format!(
                "it goes to position {} beyond its checkpoint's size {}",
                h.to_position, cp.tree_size
            ));
        }
        if !h.frontier.is_empty() {
            return fail("only a complete export carries a frontier".into());
        }
    }
    Ok(())
}

/// The header's schema ids, by event type, for a lookup per event.
pub(crate) struct Schemas(HashMap<String, Vec<u32>>);

impl Schemas {
    fn of(header: &Header) -> Result<Self, VerifyError> {
        let mut map: HashMap<String, Vec<u32>> = HashMap::new();
        for id in &header.schemas {
            let (event_type, version) = id
                .strip_prefix("urn:dutytrace:event:")
                .and_then(|rest| rest.rsplit_once(":v"))
                .and_then(|(t, v)| Some((t, v.parse::<u32>().ok()?)))
                .ok_or_else(|| {
                    format_error(format!(
                        "the header's schema id {id:?} is not urn:dutytrace:event:<Type>:v<N>"
                    ))
                })?;
            map.entry(event_type.to_owned()).or_default().push(version);
        }
        Ok(Self(map))
    }

    pub(crate) fn check(&self, e: &RecordedEvent) -> Result<(), VerifyError> {
        let listed = self
            .0
            .get(e.event_type.as_str())
            .is_some_and(|versions| versions.contains(&e.schema_version));
        if listed {
            Ok(())
        } else {
            Err(VerifyError::at(
                VerifyErrorKind::Format,
                e.position,
                format!(
                    "position {}: its schema {} is not among the header's schemas",
                    thousands(e.position),
                    crate::format::schema_id(e.event_type.as_str(), e.schema_version)
                ),
            ))
        }
    }
}
