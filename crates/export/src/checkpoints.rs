//! A file of published checkpoints (`api::notary` writes `x.checkpoints.jsonl`): one JSON
//! checkpoint per line, oldest first, each after the first with `"consistency"`, the proof
//! that its tree extends the previous line's (left out when it is empty: from size 0).
//!
//! ```text
//! {"origin":…,"tree_size":100,"root":"<hex>","time":…,"key_id":…,"signature":…}
//! {"origin":…,"tree_size":250,…,"consistency":["<hex>",…]}
//! ```

use std::io::Read;

use evidence::{Hash, PublicKey, SignedCheckpoint, hex, verify_consistency};
use serde_json::{Map, Value};

use crate::error::{VerifyError, VerifyErrorKind};
use crate::format::thousands;
use crate::verify::signature_error;

/// Every checkpoint of a file that verified, oldest first: what [`crate::verify`] takes as
/// `published`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PublishedCheckpoints {
    pub checkpoints: Vec<SignedCheckpoint>,
}

/// The line for `checkpoint` in a published-checkpoints file, with the consistency proof
/// from the previous line's checkpoint (none for the first line; an empty one is left out,
/// as the notary does). Without the newline.
pub fn published_line(checkpoint: &SignedCheckpoint, consistency: Option<&[Hash]>) -> String {
    let mut value = serde_json::to_value(checkpoint).unwrap_or_default();
    if let (Value::Object(map), Some(proof)) = (&mut value, consistency)
        && !proof.is_empty()
    {
        let proof = proof.iter().map(|h| Value::String(hex::encode(h)));
        map.insert("consistency".into(), Value::Array(proof.collect()));
    }
    value.to_string()
}

/// Checks every signature with `key` and every consistency proof between one line and the
/// next; fails naming the first bad line. Blank lines are skipped.
pub fn verify_checkpoints(
    mut input: impl Read,
    key: &PublicKey,
) -> Result<PublishedCheckpoints, VerifyError> {
    let mut text = String::new();
    input.read_to_string(&mut text).map_err(|e| {
        VerifyError::new(
            VerifyErrorKind::Read,
            format!("cannot read the checkpoints: {e}"),
        )
    })?;
    let mut checkpoints: Vec<SignedCheckpoint> = Vec::new();
    for (i, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let number = i + 1;
        let fail =
            |kind, message: String| VerifyError::new(kind, format!("line {number}: {message}"));
        let mut fields: Map<String, Value> = serde_json::from_str(line).map_err(|e| {
            fail(
                VerifyErrorKind::Format,
                format!("not a JSON checkpoint: {e}"),
            )
        })?;
        let consistency = fields.remove("consistency");
        let checkpoint: SignedCheckpoint = serde_json::from_value(Value::Object(fields))
            .map_err(|e| fail(VerifyErrorKind::Format, format!("not a checkpoint: {e}")))?;
        checkpoint.verify(key).map_err(|e| {
            let inner = signature_error("the checkpoint", &e, true);
            fail(inner.kind, inner.message)
        })?;
        if let Some(previous) = checkpoints.last() {
            let (old, new) = (&previous.checkpoint, &checkpoint.checkpoint);
            if new.origin != old.origin {
                return Err(fail(
                    VerifyErrorKind::Format,
                    format!(
                        "a checkpoint of log {}, the lines before are of {}",
                        new.origin, old.origin
                    ),
                ));
            }
            let proof = match &consistency {
                Some(Value::Array(hashes)) => hashes
                    .iter()
                    .map(|h| h.as_str().and_then(hex::decode_hash))
                    .collect::<Option<Vec<Hash>>>(),
                // The proof from an empty tree, or between equal sizes, is empty: the
                // notary leaves it out.
                None if old.tree_size == 0 || old.tree_size == new.tree_size => Some(Vec::new()),
                _ => None,
            }
            .ok_or_else(|| {
                fail(
                    VerifyErrorKind::Format,
                    "no \"consistency\" proof (a list of hex hashes) from the line before".into(),
                )
            })?;
            verify_consistency(old.tree_size, new.tree_size, &old.root, &new.root, &proof)
                .map_err(|e| {
                    fail(
                        VerifyErrorKind::Rewritten,
                        format!(
                            "the tree of size {} does not extend the previous checkpoint's of size {}: {e}",
                            thousands(new.tree_size),
                            thousands(old.tree_size)
                        ),
                    )
                })?;
        }
        checkpoints.push(checkpoint);
    }
    Ok(PublishedCheckpoints { checkpoints })
}
