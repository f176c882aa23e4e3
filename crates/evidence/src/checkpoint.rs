//! Signed checkpoints (tree heads), as a C2SP-style signed note and as JSON.
//!
//! The text form, byte for byte (every line ends with `\n`, nothing else is allowed):
//!
//! ```text
//! <origin>                          e.g. dutytrace/0b6f…, no whitespace
//! <tree size>                       decimal, no sign, no leading zero
//! <root>                            standard base64 with padding of the 32-byte root
//! <time>                            RFC 3339 UTC in whole seconds: 2026-06-30T23:59:59Z
//!                                   (an empty line)
//! — <origin> <signature>            U+2014 EM DASH, a space, the origin again, a space, and
//!                                   standard base64 of the 4 key-id bytes then the 64-byte
//!                                   Ed25519 signature
//! ```
//!
//! The first four lines are the [body](Checkpoint::body), the bytes that are signed. This is
//! the layout of a C2SP `tlog-checkpoint` (origin, size, root, then one extension line for
//! the time) inside a C2SP `signed-note`; unlike a signed note, the key id is the first 4
//! bytes of SHA-256 of the bare public key (ADR 0012).

mod json;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use chrono::{DateTime, SecondsFormat, SubsecRound as _, Utc};
use ed25519_dalek::Signature;

use crate::error::CheckpointError;
use crate::hash::Hash;
use crate::hex;
use crate::key::PublicKey;

/// The state of the log at one moment: its size and root, named by the log it belongs to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Checkpoint {
    /// The log's name, `dutytrace/<deployment id>`: non-empty, without whitespace.
    pub origin: String,
    /// The number of leaves (events) covered.
    pub tree_size: u64,
    /// The root of the first `tree_size` leaves.
    pub root: Hash,
    /// When the checkpoint was made; signed to the second.
    pub time: DateTime<Utc>,
}

impl Checkpoint {
    /// The signed text: `"<origin>\n<tree_size>\n<base64 root>\n<time>\n"`, the time as
    /// RFC 3339 UTC in whole seconds with a `Z`.
    pub fn body(&self) -> String {
        format!(
            "{}\n{}\n{}\n{}\n",
            self.origin,
            self.tree_size,
            STANDARD.encode(self.root),
            format_time(&self.time)
        )
    }

    pub(crate) fn truncated_to_seconds(self) -> Self {
        Self {
            time: self.time.trunc_subsecs(0),
            ..self
        }
    }
}

/// A checkpoint with the Ed25519 signature of its body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignedCheckpoint {
    /// What was signed.
    pub checkpoint: Checkpoint,
    /// The signing key's [`key_id`](PublicKey::key_id): 8 hex digits.
    pub key_id: String,
    /// The Ed25519 signature of [`Checkpoint::body`].
    pub signature: [u8; 64],
}

/// The dash that opens a signature line (U+2014 EM DASH), as in C2SP signed notes.
const SIGNATURE_DASH: &str = "\u{2014} ";

impl SignedCheckpoint {
    /// The note: the body, an empty line, and the signature line (see the module docs). A
    /// `key_id` that is not 8 hex digits (only possible by building the struct by hand) is
    /// written as four zero bytes, which no key matches.
    pub fn to_text(&self) -> String {
        let mut signature = Vec::with_capacity(4 + 64);
        signature.extend_from_slice(&self.key_id_bytes().unwrap_or_default());
        signature.extend_from_slice(&self.signature);
        format!(
            "{}\n{SIGNATURE_DASH}{} {}\n",
            self.checkpoint.body(),
            self.checkpoint.origin,
            STANDARD.encode(signature)
        )
    }

    /// Reads a note written by [`Self::to_text`]. Only the exact format is accepted (the
    /// final newline may be missing); errors name the line and what is wrong with it. The
    /// signature is not checked here: call [`Self::verify`].
    pub fn from_text(text: &str) -> Result<Self, CheckpointError> {
        let text = text.strip_suffix('\n').unwrap_or(text);
        let lines: Vec<&str> = text.split('\n').collect();
        if let Some(line) = lines.iter().position(|line| line.ends_with('\r')) {
            return Err(malformed(
                line + 1,
                "the line ends with a carriage return; the note uses \\n line ends only",
            ));
        }
        if lines.len() < 6 {
            return Err(malformed(
                lines.len() + 1,
                "the note ends early: expected origin, tree size, root, time, an empty line and a signature line",
            ));
        }
        if lines.len() > 6 {
            return Err(malformed(
                7,
                "unexpected text after the signature line (only one signature is supported)",
            ));
        }
        let checkpoint = Checkpoint {
            origin: parse_origin(lines[0]).map_err(|reason| malformed(1, reason))?,
            tree_size: parse_tree_size(lines[1]).map_err(|reason| malformed(2, reason))?,
            root: parse_root(lines[2]).map_err(|reason| malformed(3, reason))?,
            time: parse_time(lines[3]).map_err(|reason| malformed(4, reason))?,
        };
        if !lines[4].is_empty() {
            return Err(malformed(
                5,
                "expected the empty line that ends the checkpoint body",
            ));
        }
        let (key_id, signature) = parse_signature_line(lines[5], &checkpoint.origin)
            .map_err(|reason| malformed(6, reason))?;
        Ok(Self {
            checkpoint,
            key_id,
            signature,
        })
    }

    /// Checks that `key` signed this checkpoint: first that the checkpoint names `key`
    /// ([`CheckpointError::WrongKey`]), then the signature over the body
    /// ([`CheckpointError::BadSignature`]).
    pub fn verify(&self, key: &PublicKey) -> Result<(), CheckpointError> {
        let expected_key_id = key.key_id();
        if self.key_id != expected_key_id {
            return Err(CheckpointError::WrongKey {
                expected_key_id,
                got: self.key_id.clone(),
            });
        }
        let signature = Signature::from_bytes(&self.signature);
        key.verifying_key()
            .verify_strict(self.checkpoint.body().as_bytes(), &signature)
            .map_err(|_| CheckpointError::BadSignature)
    }

    fn key_id_bytes(&self) -> Option<[u8; 4]> {
        hex::decode::<4>(&self.key_id)
    }
}

fn malformed(line: usize, reason: impl Into<String>) -> CheckpointError {
    CheckpointError::Malformed {
        line,
        reason: reason.into(),
    }
}

fn format_time(time: &DateTime<Utc>) -> String {
    time.to_rfc3339_opts(SecondsFormat::Secs, true)
}

pub(crate) fn parse_origin(line: &str) -> Result<String, String> {
    if line.is_empty() {
        return Err("the origin is empty".into());
    }
    if line.chars().any(char::is_whitespace) {
        return Err(format!("the origin {line:?} contains whitespace"));
    }
    Ok(line.to_owned())
}

fn parse_tree_size(line: &str) -> Result<u64, String> {
    let canonical = !line.is_empty()
        && line.bytes().all(|b| b.is_ascii_digit())
        && (line == "0" || !line.starts_with('0'));
    if !canonical {
        return Err(format!(
            "the tree size {line:?} is not a decimal number without sign or leading zeros"
        ));
    }
    line.parse()
        .map_err(|_| format!("the tree size {line} is too large"))
}

pub(crate) fn parse_root(line: &str) -> Result<Hash, String> {
    let bytes = STANDARD
        .decode(line)
        .map_err(|error| format!("the root is not standard padded base64: {error}"))?;
    Hash::try_from(bytes.as_slice())
        .map_err(|_| format!("the root is {} bytes, not 32", bytes.len()))
}

pub(crate) fn parse_time(line: &str) -> Result<DateTime<Utc>, String> {
    let time = DateTime::parse_from_rfc3339(line)
        .map_err(|error| format!("the time {line:?} is not RFC 3339: {error}"))?
        .with_timezone(&Utc);
    if format_time(&time) != line {
        return Err(format!(
            "the time {line:?} is not in UTC whole seconds like {}",
            format_time(&time.trunc_subsecs(0))
        ));
    }
    Ok(time)
}

pub(crate) fn parse_key_id(text: &str) -> Result<String, String> {
    match hex::decode::<4>(text) {
        Some(bytes) if hex::encode(&bytes) == text => Ok(text.to_owned()),
        _ => Err(format!(
            "the key id {text:?} is not 8 lower-case hex digits"
        )),
    }
}

fn parse_signature_line(line: &str, origin: &str) -> Result<(String, [u8; 64]), String> {
    let rest = line.strip_prefix(SIGNATURE_DASH).ok_or_else(|| {
        "a signature line starts with \"\u{2014} \" (U+2014 EM DASH and a space)".to_owned()
    })?;
    let (name, signature) = rest
        .split_once(' ')
        .ok_or("the signature line has no space between the name and the signature")?;
    if name != origin {
        return Err(format!(
            "the signature is by {name:?}, but the checkpoint's origin is {origin:?}"
        ));
    }
    let bytes = STANDARD
        .decode(signature)
        .map_err(|error| format!("the signature is not standard padded base64: {error}"))?;
    if bytes.len() != 4 + 64 {
        return Err(format!(
            "the signature is {} bytes; expected 68 (a 4-byte key id, then 64 bytes of Ed25519 signature)",
            bytes.len()
        ));
    }
    let (key_id, signature) = bytes.split_at(4);
    let signature =
        <[u8; 64]>::try_from(signature).map_err(|_| "the signature is not 64 bytes".to_owned())?;
    Ok((hex::encode(key_id), signature))
}
