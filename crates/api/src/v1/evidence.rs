//! Tamper evidence (DESIGN.md §3): signed checkpoints of the Merkle tree over the whole log,
//! the public key that verifies them, and proofs — that an event is in the tree a
//! checkpoint signs (inclusion), and that a later checkpoint's tree extends an earlier one's
//! (consistency). Checked offline by `dutytrace verify` with only the public key.
//!
//! Checkpoints and the key are for everyone signed in; proofs carry an event's content, so
//! they are for those who read or export the whole log: the commission, auditors and
//! regulators.

use crate::acting::Acting;
use crate::extract::Params;
use crate::notary::{MERKLE, Notary};
use crate::problem::ApiError;
use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use domain::user::{Role, Scope};
use evidence::SignedCheckpoint;
use serde::{Deserialize, Serialize};
use std::sync::Arc;

/// A signed checkpoint (tree head), as JSON.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct CheckpointView {
    /// The log's name.
    pub origin: String,
    /// How many events the tree covers: positions 1 to `tree_size`.
    pub tree_size: u64,
    /// The root hash (RFC 9162), 64 hex digits.
    pub root: String,
    /// When it was signed (RFC 3339, whole seconds).
    pub time: String,
    /// The signing key's id: 8 hex digits of the SHA-256 of the public key.
    pub key_id: String,
    /// The Ed25519 signature of the checkpoint's text, base64.
    pub signature: String,
}

impl CheckpointView {
    fn of(c: &SignedCheckpoint) -> Result<Self, ApiError> {
        serde_json::to_value(c)
            .and_then(serde_json::from_value)
            .map_err(ApiError::internal)
    }
}

fn notary(s: &AppState) -> Result<&Arc<Notary>, ApiError> {
    s.notary.as_ref().ok_or_else(|| {
        ApiError::new(
            "unavailable",
            "this service signs no checkpoints (no signing key is configured)",
        )
    })
}

/// Proofs are for whoever reads or exports the whole log.
fn whole_log(acting: &Acting) -> Result<(), ApiError> {
    if acting.role() == Role::Regulator || *acting.scope() == Scope::Everything {
        Ok(())
    } else {
        Err(ApiError::forbidden(
            "proofs carry events of the whole log: for the commission, auditors and regulators",
        ))
    }
}

/// The latest checkpoint, made now if the log has grown since the last one.
#[utoipa::path(
    get,
    path = "/api/v1/checkpoints/latest",
    operation_id = "latest_checkpoint",
    tag = "evidence",
    responses((status = 200, description = "The checkpoint of the whole log.", body = CheckpointView))
)]
pub async fn latest(
    State(s): State<AppState>,
    _acting: Acting,
) -> Result<Json<CheckpointView>, ApiError> {
    let c = notary(&s)?.checkpoint(&s).await?;
    Ok(Json(CheckpointView::of(&c)?))
}

/// The public key that verifies the checkpoints, as text (64 hex digits and a newline).
#[utoipa::path(
    get,
    path = "/api/v1/checkpoints/public-key",
    operation_id = "checkpoint_public_key",
    tag = "evidence",
    responses((status = 200, description = "The Ed25519 public key: 64 hex digits and a newline.", body = String, content_type = "text/plain"))
)]
pub async fn public_key(
    State(s): State<AppState>,
    _acting: Acting,
) -> Result<impl axum::response::IntoResponse, ApiError> {
    let key = notary(&s)?.public_key().to_hex();
    Ok((
        [(
            axum::http::header::CONTENT_TYPE,
            "text/plain; charset=utf-8",
        )],
        format!("{key}\n"),
    ))
}

/// `?position=&tree_size=`
#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct InclusionQuery {
    /// The event's global position (1 for the first).
    #[param(minimum = 1)]
    pub position: u64,
    /// The tree to prove it in: the size of a signed checkpoint (default: the latest).
    #[param(minimum = 1)]
    pub tree_size: Option<u64>,
}

/// An inclusion proof.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct InclusionProof {
    pub position: u64,
    pub tree_size: u64,
    /// The event's leaf hash (hex): SHA-256 of 0x00 and its canonical line.
    pub leaf: String,
    /// The audit path, leaf to root (hex).
    pub proof: Vec<String>,
    /// The event's canonical line, whose leaf hash `verify` recomputes.
    pub event: String,
    /// The latest checkpoint, when `tree_size` is its size (else check the root of a
    /// checkpoint of that size you hold).
    pub checkpoint: Option<CheckpointView>,
}

/// The proof that the event at `position` is in the tree of the first `tree_size` events (RFC 9162 §2.1.3), with the event and the checkpoint.
#[utoipa::path(
    get,
    path = "/api/v1/proofs/inclusion",
    operation_id = "inclusion_proof",
    tag = "evidence",
    params(InclusionQuery),
    responses((status = 200, description = "The proof.", body = InclusionProof))
)]
pub async fn inclusion(
    State(s): State<AppState>,
    acting: Acting,
    Params(q): Params<InclusionQuery>,
) -> Result<Json<InclusionProof>, ApiError> {
    whole_log(&acting)?;
    // No tree is empty: named here, not as a position beyond a tree of 0.
    if q.tree_size == Some(0) {
        return Err(ApiError::invalid("tree_size", "must be at least 1"));
    }
    let latest = notary(&s)?.checkpoint(&s).await?;
    let size = q.tree_size.unwrap_or(latest.checkpoint.tree_size);
    if size > latest.checkpoint.tree_size {
        return Err(ApiError::invalid(
            "tree_size",
            format!(
                "no checkpoint covers {size} events yet (the latest covers {})",
                latest.checkpoint.tree_size
            ),
        ));
    }
    if q.position == 0 || q.position > size {
        return Err(ApiError::invalid(
            "position",
            format!("must be 1 to {size}, the tree's size"),
        ));
    }
    let event = s
        .store
        .read_all(q.position, &event_store::Filter::all(), 1)
        .await?
        .events
        .into_iter()
        .next()
        .filter(|e| e.position == q.position)
        .ok_or_else(|| ApiError::not_found("no event at that position"))?;
    let position = q.position;
    let (leaf, proof) = s
        .views
        .query(move |c| {
            let leaf = merkle::leaves(c, position, position)?;
            Ok((leaf, merkle::inclusion(c, position, size)?))
        })
        .await?;
    let leaf = leaf
        .first()
        .map(|(_, h)| *h)
        .ok_or_else(|| ApiError::new("unavailable", format!("the {MERKLE} tree lacks it")))?;
    Ok(Json(InclusionProof {
        position,
        tree_size: size,
        leaf: evidence::hex::encode(&leaf),
        proof: proof.iter().map(|h| evidence::hex::encode(h)).collect(),
        event: event_store::canonical_json(&event),
        checkpoint: (size == latest.checkpoint.tree_size)
            .then(|| CheckpointView::of(&latest))
            .transpose()?,
    }))
}

/// `?from=&to=`
#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ConsistencyQuery {
    /// The earlier tree's size.
    #[param(minimum = 1)]
    pub from: u64,
    /// The later tree's size (default: the latest checkpoint's).
    #[param(minimum = 1)]
    pub to: Option<u64>,
}

/// A consistency proof.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ConsistencyProof {
    pub from: u64,
    pub to: u64,
    /// The proof nodes (hex).
    pub proof: Vec<String>,
    /// The latest checkpoint, when `to` is its size.
    pub checkpoint: Option<CheckpointView>,
}

/// The proof that the tree of the first `to` events extends the tree of the first `from` (RFC 9162 §2.1.4): nothing recorded by then was changed or removed.
#[utoipa::path(
    get,
    path = "/api/v1/proofs/consistency",
    operation_id = "consistency_proof",
    tag = "evidence",
    params(ConsistencyQuery),
    responses((status = 200, description = "The proof.", body = ConsistencyProof))
)]
pub async fn consistency(
    State(s): State<AppState>,
    acting: Acting,
    Params(q): Params<ConsistencyQuery>,
) -> Result<Json<ConsistencyProof>, ApiError> {
    whole_log(&acting)?;
    // No tree is empty: named here, not as a `from` beyond a tree of 0.
    if q.to == Some(0) {
        return Err(ApiError::invalid("to", "must be at least 1"));
    }
    let latest = notary(&s)?.checkpoint(&s).await?;
    let to = q.to.unwrap_or(latest.checkpoint.tree_size);
    if to > latest.checkpoint.tree_size {
        return Err(ApiError::invalid(
            "to",
            format!(
                "no checkpoint covers {to} events yet (the latest covers {})",
                latest.checkpoint.tree_size
            ),
        ));
    }
    if q.from == 0 || q.from > to {
        return Err(ApiError::invalid("from", format!("must be 1 to {to}")));
    }
    let from = q.from;
    let proof = s
        .views
        .query(move |c| merkle::consistency(c, from, to))
        .await?;
    Ok(Json(ConsistencyProof {
        from,
        to,
        proof: proof.iter().map(|h| evidence::hex::encode(h)).collect(),
        checkpoint: (to == latest.checkpoint.tree_size)
            .then(|| CheckpointView::of(&latest))
            .transpose()?,
    }))
}

/// Signs a checkpoint of the whole log now (the commission, auditors and regulators), published like the periodic ones.
#[utoipa::path(
    post,
    path = "/api/v1/checkpoints",
    operation_id = "make_checkpoint",
    tag = "evidence",
    responses((status = 200, description = "The checkpoint (the last one if the log has not grown).", body = CheckpointView))
)]
pub async fn make(
    State(s): State<AppState>,
    acting: Acting,
) -> Result<Json<CheckpointView>, ApiError> {
    whole_log(&acting)?;
    let c = notary(&s)?.checkpoint(&s).await?;
    Ok(Json(CheckpointView::of(&c)?))
}

/// `GET /export` parameters.
#[derive(Debug, Clone, Default, Serialize, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ExportQuery {
    /// Only the events of this stream (e.g. `cadre-…`).
    #[param(pattern = "^[A-Za-z0-9][A-Za-z0-9_.:-]{0,199}$")]
    pub stream: Option<String>,
    /// Only the events of streams of this category (e.g. `problem`).
    #[param(pattern = "^[A-Za-z0-9][A-Za-z0-9_.:]{0,199}$")]
    pub category: Option<String>,
    /// Only the events of this type (e.g. `DutyBackfilled`).
    #[param(pattern = "^[A-Za-z][A-Za-z0-9_]{0,99}$")]
    pub event_type: Option<String>,
    /// Only events recorded at or after this instant (RFC 3339).
    #[param(format = DateTime)]
    pub recorded_from: Option<String>,
    /// Only events recorded at or before this instant (RFC 3339).
    #[param(format = DateTime)]
    pub recorded_to: Option<String>,
    /// Resume: the last position already received (default 0, from the start).
    #[serde(default, deserialize_with = "crate::extract::position")]
    pub after: Option<u64>,
    /// `true`: gzip the export (Content-Type `application/gzip`).
    pub gzip: Option<bool>,
}

impl ExportQuery {
    fn request(self) -> Result<export::ExportRequest, ApiError> {
        let instant = crate::extract::instant;
        let request = export::ExportRequest {
            stream: self
                .stream
                .map(|s| {
                    event_store::StreamName::new(s)
                        .map_err(|e| ApiError::invalid("stream", e.to_string()))
                })
                .transpose()?,
            category: self
                .category
                .map(|c| {
                    event_store::Category::new(c)
                        .map_err(|e| ApiError::invalid("category", e.to_string()))
                })
                .transpose()?,
            event_type: self
                .event_type
                .map(|t| {
                    event_store::EventType::new(t)
                        .map_err(|e| ApiError::invalid("event_type", e.to_string()))
                })
                .transpose()?,
            recorded_from: instant("recorded_from", self.recorded_from.as_deref())?,
            recorded_to: instant("recorded_to", self.recorded_to.as_deref())?,
            after: self.after.unwrap_or(0),
            gzip: self.gzip.unwrap_or(false),
        };
        request
            .validate()
            .map_err(|e| ApiError::invalid("query", e.to_string()))?;
        Ok(request)
    }
}

/// Exports the event log as NDJSON (regulators, the commission, auditors): a header (format, the signed checkpoint it is checked against, the public key, the position range, the filter, the schema ids) then one line per event with its Merkle leaf — and, when filtered, its inclusion proof. The whole log, or by stream, category, event type and recorded-at range; resumable with `after`; optionally gzip. Streamed in constant memory. Check it offline with `dutytrace verify FILE --public-key KEY`.
#[utoipa::path(
    get,
    path = "/api/v1/export",
    operation_id = "export_log",
    tag = "evidence",
    params(ExportQuery),
    responses((status = 200, description = "The export: NDJSON, or gzip when asked.",
        content(
            (String = "application/x-ndjson"),
            ("application/gzip"),
        )))
)]
pub async fn export_log(
    State(s): State<AppState>,
    acting: Acting,
    Params(q): Params<ExportQuery>,
) -> Result<axum::response::Response, ApiError> {
    use axum::response::IntoResponse;
    whole_log(&acting)?;
    let request = q.request()?;
    let gzip = request.gzip;
    let notary = notary(&s)?;
    let checkpoint = notary.checkpoint(&s).await?;
    if request.after > checkpoint.checkpoint.tree_size {
        return Err(ApiError::invalid(
            "after",
            format!(
                "beyond the log's {} events",
                checkpoint.checkpoint.tree_size
            ),
        ));
    }
    let prepared = export::Export::prepare(
        s.store.clone(),
        s.views.models().clone(),
        request,
        checkpoint,
        notary.public_key(),
    )
    .await
    .map_err(|e| match e {
        export::ExportError::Request(r) => ApiError::invalid("query", r.to_string()),
        export::ExportError::NotCaughtUp { .. } => ApiError::new("unavailable", e.to_string()),
        other => ApiError::internal(other),
    })?;
    let body = axum::body::Body::from_stream(prepared.into_stream());
    let content_type = if gzip {
        "application/gzip"
    } else {
        "application/x-ndjson"
    };
    let name = if gzip {
        "dutytrace-export.ndjson.gz"
    } else {
        "dutytrace-export.ndjson"
    };
    Ok((
        [
            (axum::http::header::CONTENT_TYPE, content_type.to_owned()),
            (
                axum::http::header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}\""),
            ),
            (axum::http::header::CACHE_CONTROL, "no-store".to_owned()),
        ],
        body,
    )
        .into_response())
}
