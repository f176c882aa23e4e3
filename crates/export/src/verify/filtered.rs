//! A filtered export: positions increasing inside its range, each event passing its filter
//! and proved by its own inclusion proof against the signed root.

use evidence::{Hash, leaf_hash, verify_inclusion};

use super::Schemas;
use super::event_line::{hash, parse_line};
use super::lines::Lines;
use crate::error::{VerifyError, VerifyErrorKind};
use crate::format::{Header, thousands};

/// Checks the event lines; returns how many there were.
pub(crate) fn check(
    lines: &mut Lines<'_>,
    header: &Header,
    schemas: &Schemas,
) -> Result<u64, VerifyError> {
    let (from, to) = (header.from_position, header.to_position);
    let signed = &header.checkpoint.checkpoint;
    let mut last = 0u64;
    let mut count = 0u64;
    while let Some(line) = lines.next_line()? {
        let (parsed, event) = parse_line(&line, None)?;
        let p = event.position;
        let at = |kind, message: String| VerifyError::at(kind, p, message);
        let pos = thousands(p);
        if p <= last {
            let why = if p == last {
                format!("position {pos} is repeated")
            } else {
                format!(
                    "position {pos} is out of order (it comes after {})",
                    thousands(last)
                )
            };
            return Err(at(VerifyErrorKind::Sequence, why));
        }
        if p < from || p > to {
            return Err(at(
                VerifyErrorKind::Filter,
                format!(
                    "position {pos} is outside the export's range ({} to {})",
                    thousands(from),
                    thousands(to)
                ),
            ));
        }
        if !header.filter.matches(&event) {
            return Err(at(
                VerifyErrorKind::Filter,
                format!(
                    "position {pos} ({} in stream {}, recorded {}) does not match the export's filter",
                    event.event_type.as_str(),
                    event.stream.as_str(),
                    event.recorded_at.to_rfc3339()
                ),
            ));
        }
        schemas.check(&event)?;
        let stated = hash(parsed.leaf, p, "leaf")?;
        let proof = parsed
            .proof
            .as_deref()
            .ok_or_else(|| {
                at(
                    VerifyErrorKind::Format,
                    format!("position {pos}: a filtered export's line carries its proof"),
                )
            })?
            .iter()
            .map(|h| hash(h, p, "proof"))
            .collect::<Result<Vec<Hash>, _>>()?;
        let computed = leaf_hash(parsed.event.as_bytes());
        let index = p - 1;
        match verify_inclusion(&computed, index, signed.tree_size, &proof, &signed.root) {
            Ok(()) if stated == computed => {}
            Ok(()) => {
                return Err(at(
                    VerifyErrorKind::Format,
                    format!(
                        "position {pos}: the event and its proof check out, but the line's leaf is not the event's"
                    ),
                ));
            }
            Err(_)
                if stated != computed
                    && verify_inclusion(&stated, index, signed.tree_size, &proof, &signed.root)
                        .is_ok() =>
            {
                return Err(at(
                    VerifyErrorKind::Altered,
                    format!(
                        "position {pos}: its content does not hash to its leaf in the signed tree (altered after it was recorded)"
                    ),
                ));
            }
            Err(e) => {
                return Err(at(
                    VerifyErrorKind::Proof,
                    format!("position {pos}: its inclusion proof does not verify: {e}"),
                ));
            }
        }
        last = p;
        count += 1;
    }
    if count < header.events {
        return Err(VerifyError::new(
            VerifyErrorKind::Truncated,
            format!(
                "truncated: {} of the {} events the header announces, the last at position {}",
                thousands(count),
                thousands(header.events),
                thousands(last)
            ),
        ));
    }
    if count > header.events {
        return Err(VerifyError::new(
            VerifyErrorKind::Format,
            format!(
                "{} events where the header announces {}",
                thousands(count),
                thousands(header.events)
            ),
        ));
    }
    Ok(count)
}
