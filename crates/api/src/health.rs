//! `/healthz` (the process answers) and `/readyz` (the store answers and the read models
//! are caught up within a bound).

use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde_json::{Value, json};

/// A read model further behind the log than this is "not ready".
pub const READY_MAX_LAG: u64 = 10_000;

pub(crate) async fn healthz() -> &'static str {
    "ok"
}

pub(crate) async fn readyz(State(state): State<AppState>) -> (StatusCode, Json<Value>) {
    let head = state.store.head().await;
    let projectors = state.projector_status().await;
    let caught_up = projectors.iter().all(|p| p.is_ready(READY_MAX_LAG));
    match head {
        Ok(head) if caught_up => (
            StatusCode::OK,
            Json(json!({"status": "ready", "head": head, "projectors": projectors})),
        ),
        Ok(head) => (
            StatusCode::SERVICE_UNAVAILABLE,
            Json(json!({"status": "catching_up", "head": head, "projectors": projectors})),
        ),
        Err(e) => {
            tracing::warn!(error = %e, "readiness: the event store does not answer");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                Json(json!({"status": "store_unavailable", "projectors": projectors})),
            )
        }
    }
}
