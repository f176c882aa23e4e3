//! A complete export: every position of its range in order, each event hashing to its leaf,
//! and the leaves (carried on from the header's frontier) adding up to the signed root.

use evidence::{Hash, Hasher, leaf_hash};

use super::event_line::{hash, parse_line};
use super::lines::Lines;
use super::published::Published;
use super::{Schemas, format_error};
use crate::error::{VerifyError, VerifyErrorKind};
use crate::format::{Header, thousands};

/// Checks the event lines; returns how many there were.
pub(crate) fn check(
    lines: &mut Lines<'_>,
    header: &Header,
    schemas: &Schemas,
    published: &mut Published<'_>,
) -> Result<u64, VerifyError> {
    let (from, to) = (header.from_position, header.to_position);
    let frontier = header
        .frontier
        .iter()
        .map(|h| evidence::hex::decode_hash(h))
        .collect::<Option<Vec<Hash>>>()
        .ok_or_else(|| {
            format_error("the header's frontier holds a hash that is not 64 hex digits")
        })?;
    let mut hasher = Hasher::resume(from - 1, &frontier).map_err(|e| {
        format_error(format!(
            "the header's frontier does not fit a start at position {}: {e}",
            thousands(from)
        ))
    })?;
    published.check(&hasher)?;

    let mut expected = from;
    // The first event whose content does not hash to the leaf given for it.
    let mut altered: Option<u64> = None;
    while let Some(line) = lines.next_line()? {
        let (parsed, event) = parse_line(&line, Some(expected))?;
        let position = event.position;
        if position != expected {
            return Err(out_of_sequence(expected, position, to));
        }
        if parsed.proof.is_some() {
            return Err(VerifyError::at(
                VerifyErrorKind::Format,
                position,
                format!(
                    "position {}: a complete export's lines carry no proof",
                    thousands(position)
                ),
            ));
        }
        schemas.check(&event)?;
        let leaf = hash(parsed.leaf, position, "leaf")?;
        hasher.push(leaf);
        if altered.is_none() && leaf_hash(parsed.event.as_bytes()) != leaf {
            altered = Some(position);
        }
        published.check(&hasher)?;
        expected += 1;
    }

    let last = expected - 1;
    if last < to {
        return Err(VerifyError::at(
            VerifyErrorKind::Truncated,
            expected,
            format!(
                "truncated: the last event is {}, the checkpoint covers {}",
                thousands(last),
                thousands(to)
            ),
        ));
    }
    if hasher.root() != header.checkpoint.checkpoint.root {
        return Err(VerifyError {
            kind: VerifyErrorKind::RootMismatch,
            position: altered,
            message: match altered {
                Some(p) => format!(
                    "the leaves do not add up to the signed root (and the first event that does not hash to its leaf is at position {})",
                    thousands(p)
                ),
                None => "the leaves do not add up to the signed root: a leaf was altered".into(),
            },
        });
    }
    if let Some(p) = altered {
        return Err(VerifyError::at(
            VerifyErrorKind::Altered,
            p,
            format!(
                "position {}: its content does not hash to its leaf in the signed tree (altered after it was recorded)",
                thousands(p)
            ),
        ));
    }
    Ok(last + 1 - from)
}

/// The error for `got` where `expected` should be; the position named is `expected`, the
/// first one not where it belongs.
fn out_of_sequence(expected: u64, got: u64, to: u64) -> VerifyError {
    let (e, g) = (thousands(expected), thousands(got));
    let message = if expected > to {
        format!(
            "position {g} comes after the last position the checkpoint covers ({})",
            thousands(to)
        )
    } else if got > expected {
        format!(
            "position {e} is missing (the export goes from {} to {g})",
            thousands(expected - 1)
        )
    } else if got + 1 == expected {
        format!("position {e} is missing: position {g} is repeated in its place")
    } else {
        format!("position {e} is missing: position {g} comes in its place, out of order")
    };
    VerifyError::at(VerifyErrorKind::Sequence, expected, message)
}
