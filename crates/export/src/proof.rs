//! One event's inclusion proof as a document of its own, as `GET /api/v1/proofs/inclusion`
//! serves it:
//!
//! ```text
//! {"position":42,"tree_size":1200,"leaf":"<hex>","proof":["<hex>",…],
//!  "event":"<canonical line>","checkpoint":{signed checkpoint} or null}
//! ```
//!
//! `event` is optional; when present (as the canonical line in a string, or embedded as the
//! JSON object itself, as in an export) the leaf is recomputed from it. Without a
//! `checkpoint` (the API gives one only for its latest size), the proof is checked against a
//! published checkpoint of the same size.

use evidence::{Hash, PublicKey, SignedCheckpoint, hex, leaf_hash, verify_inclusion};
use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;

use crate::error::{VerifyError, VerifyErrorKind};
use crate::format::thousands;
use crate::verify::signature_error;

/// An inclusion-proof document, as written.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ProofDocument {
    pub position: u64,
    /// The size of the tree the proof is of.
    pub tree_size: u64,
    /// Hex of the event's leaf hash.
    pub leaf: String,
    /// Hex of the audit path, nearest the leaf first.
    pub proof: Vec<String>,
    /// The event's canonical line.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub event: Option<String>,
    /// A checkpoint of `tree_size` events, if the writer has one.
    pub checkpoint: Option<SignedCheckpoint>,
}

impl ProofDocument {
    /// The document for the event at `position`, from its leaf and audit path in the tree of
    /// `tree_size` leaves (`merkle::inclusion`).
    pub fn new(
        position: u64,
        tree_size: u64,
        leaf: &Hash,
        proof: &[Hash],
        canonical_event: Option<String>,
        checkpoint: Option<SignedCheckpoint>,
    ) -> Self {
        Self {
            position,
            tree_size,
            leaf: hex::encode(leaf),
            proof: proof.iter().map(|h| hex::encode(h)).collect(),
            event: canonical_event,
            checkpoint,
        }
    }
}

/// The document as read: `event` may be a string or the embedded object.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Wire<'a> {
    position: u64,
    tree_size: u64,
    leaf: &'a str,
    #[serde(borrow)]
    proof: Vec<&'a str>,
    #[serde(borrow, default)]
    event: Option<&'a RawValue>,
    #[serde(default)]
    checkpoint: Option<SignedCheckpoint>,
}

/// What a proof document showed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProofReport {
    pub position: u64,
    pub tree_size: u64,
    /// Whether the document carried the event and its leaf was recomputed from it.
    pub event_checked: bool,
    /// The checkpoint the proof was checked against (the document's or a published one).
    pub checkpoint: SignedCheckpoint,
}

/// Checks an inclusion-proof document: its checkpoint's signature with `key` (or, if it has
/// none, a checkpoint of its size among `published`), the event's leaf (if the event is
/// given) and the audit path up to the checkpoint's root.
pub fn verify_proof(
    json: &str,
    key: &PublicKey,
    published: &[SignedCheckpoint],
) -> Result<ProofReport, VerifyError> {
    let format = |m: String| VerifyError::new(VerifyErrorKind::Format, m);
    let doc: Wire<'_> = serde_json::from_str(json)
        .map_err(|e| format(format!("not an inclusion-proof document: {e}")))?;
    let p = doc.position;
    let pos = thousands(p);
    let at = |kind, message: String| VerifyError::at(kind, p, message);
    let checkpoint = match doc.checkpoint {
        Some(cp) => cp,
        None => published
            .iter()
            .find(|cp| cp.checkpoint.tree_size == doc.tree_size)
            .cloned()
            .ok_or_else(|| {
                format(format!(
                    "the proof is for a tree of {} events and carries no checkpoint; none of the published checkpoints has that size",
                    thousands(doc.tree_size)
                ))
            })?,
    };
    checkpoint
        .verify(key)
        .map_err(|e| signature_error("the proof's checkpoint", &e, true))?;
    let signed = &checkpoint.checkpoint;
    if doc.tree_size != signed.tree_size {
        return Err(at(
            VerifyErrorKind::Format,
            format!(
                "the proof is for a tree of {} events, its checkpoint's has {}",
                thousands(doc.tree_size),
                thousands(signed.tree_size)
            ),
        ));
    }
    if p == 0 || p > signed.tree_size {
        return Err(at(
            VerifyErrorKind::Format,
            format!(
                "position {pos} is not in the checkpoint's tree of {} events",
                thousands(signed.tree_size)
            ),
        ));
    }
    let decode = |text: &str, field: &str| {
        hex::decode_hash(text).ok_or_else(|| {
            at(
                VerifyErrorKind::Format,
                format!("its {field} {text:?} is not 64 hex digits"),
            )
        })
    };
    let leaf = decode(doc.leaf, "leaf")?;
    let proof = doc
        .proof
        .iter()
        .map(|h| decode(h, "proof hash"))
        .collect::<Result<Vec<Hash>, _>>()?;
    let in_tree =
        |leaf: &Hash| verify_inclusion(leaf, p - 1, signed.tree_size, &proof, &signed.root);
    if let Some(raw) = doc.event {
        let line: std::borrow::Cow<'_, str> = if raw.get().starts_with('"') {
            serde_json::from_str::<String>(raw.get())
                .map_err(|e| at(VerifyErrorKind::Format, format!("its event: {e}")))?
                .into()
        } else {
            raw.get().into()
        };
        let event = event_store::canonical::parse(&line).map_err(|e| {
            at(
                VerifyErrorKind::Format,
                format!("the event is not a canonical event line: {e}"),
            )
        })?;
        if event.position != p {
            return Err(at(
                VerifyErrorKind::Format,
                format!(
                    "the event is at position {}, the proof is for position {pos}",
                    thousands(event.position)
                ),
            ));
        }
        if leaf_hash(line.as_bytes()) != leaf {
            return Err(if in_tree(&leaf).is_ok() {
                at(
                    VerifyErrorKind::Altered,
                    format!(
                        "position {pos}: its content does not hash to its leaf in the signed tree (altered after it was recorded)"
                    ),
                )
            } else {
                at(
                    VerifyErrorKind::Proof,
                    format!(
                        "position {pos}: the event does not hash to the document's leaf, and the leaf's proof does not verify either"
                    ),
                )
            });
        }
    }
    in_tree(&leaf).map_err(|e| {
        at(
            VerifyErrorKind::Proof,
            format!("position {pos}: its inclusion proof does not verify: {e}"),
        )
    })?;
    Ok(ProofReport {
        position: p,
        tree_size: doc.tree_size,
        event_checked: doc.event.is_some(),
        checkpoint,
    })
}
