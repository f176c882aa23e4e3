//! `/healthz` (the process answers) and `/readyz` (the store answers and the read models
//! are caught up within a bound).

use crate::state::AppState;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde_json::{Value, json};

/// A read model further behind the log than this is "not ready".
pub const READY_MAX_LAG: u64 = 10_000;

/// The process answers.
#[utoipa::path(
    get,
    path = "/healthz",
    tag = "operations",
    security(()),
    responses((status = 200, description = "`ok`", body = String, content_type = "text/plain"))
)]
pub(crate) async fn healthz() -> &'static str {
    "ok"
}

/// The answer of `/readyz` (which builds it with `json!`).
#[derive(utoipa::ToSchema)]
#[allow(dead_code, reason = "only describes the JSON readyz answers")]
pub(crate) struct Readiness {
    #[schema(schema_with = readiness_status)]
    status: String,
    /// The global position of the last event in the log; absent when the store does not
    /// answer.
    #[schema(required = false)]
    head: u64,
    projectors: Vec<crate::state::ProjectorStatus>,
    /// The duties that run in one process of a log at a time (`deadline_watcher`,
    /// `webhook_outbox`) which this process runs now.
    duties: Vec<String>,
}

fn readiness_status() -> utoipa::openapi::schema::Object {
    utoipa::openapi::schema::ObjectBuilder::new()
        .schema_type(utoipa::openapi::schema::Type::String)
        .enum_values(Some(["ready", "catching_up", "store_unavailable"]))
        .build()
}

/// Ready when the store answers and every read model is within [`READY_MAX_LAG`] events
/// of the head of the log.
#[utoipa::path(
    get,
    path = "/readyz",
    tag = "operations",
    security(()),
    responses(
        (status = 200, description = "Ready.", body = Readiness),
        (status = 503, description = "Not ready: the store does not answer or a read model is behind.", body = Readiness),
    )
)]
pub(crate) async fn readyz(State(state): State<AppState>) -> (StatusCode, Json<Value>) {
    let head = state.store.head().await;
    let projectors = state.projector_status().await;
    let caught_up = projectors.iter().all(|p| p.is_ready(READY_MAX_LAG));
    let duties = state.duties.running();
    match head {
        Ok(head) if caught_up => (
            StatusCode::OK,
            Json(
                json!({"status": "ready", "head": head, "projectors": projectors, "duties": duties}),
            ),
        ),
        Ok(head) => (
            StatusCode::SERVICE_UNAVAILABLE,
            Json(
                json!({"status": "catching_up", "head": head, "projectors": projectors, "duties": duties}),
            ),
        ),
        Err(e) => {
            tracing::warn!(error = %e, "readiness: the event store does not answer");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                Json(
                    json!({"status": "store_unavailable", "projectors": projectors, "duties": duties}),
                ),
            )
        }
    }
}
