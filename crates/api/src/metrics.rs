//! `/metrics` in the Prometheus text format.

use crate::state::AppState;
use axum::extract::State;
use axum::http::header;
use axum::response::IntoResponse;
use std::fmt::Write;

/// Metrics of the log and the projectors.
#[utoipa::path(
    get,
    path = "/metrics",
    tag = "operations",
    security(()),
    responses((status = 200, description = "The Prometheus text format.", body = String, content_type = "text/plain; version=0.0.4; charset=utf-8"))
)]
pub(crate) async fn metrics(State(state): State<AppState>) -> impl IntoResponse {
    let mut out = String::new();
    let head = state.store.head().await;
    let _ = writeln!(
        out,
        "# HELP dutytrace_store_up Whether the event store answers (1) or not (0)."
    );
    let _ = writeln!(out, "# TYPE dutytrace_store_up gauge");
    let _ = writeln!(out, "dutytrace_store_up {}", u8::from(head.is_ok()));
    if let Ok(head) = head {
        let _ = writeln!(
            out,
            "# HELP dutytrace_log_head_position Global position of the last event in the log."
        );
        let _ = writeln!(out, "# TYPE dutytrace_log_head_position gauge");
        let _ = writeln!(out, "dutytrace_log_head_position {head}");
    }
    let projectors = state.projector_status().await;
    let _ = writeln!(
        out,
        "# HELP dutytrace_projector_position Checkpoint of each read model."
    );
    let _ = writeln!(out, "# TYPE dutytrace_projector_position gauge");
    for p in &projectors {
        let _ = writeln!(
            out,
            "dutytrace_projector_position{{projection=\"{}\"}} {}",
            p.name, p.position
        );
    }
    let _ = writeln!(
        out,
        "# HELP dutytrace_projector_lag_events Events between the head of the log and each read model."
    );
    let _ = writeln!(out, "# TYPE dutytrace_projector_lag_events gauge");
    for p in &projectors {
        if let Some(lag) = p.lag {
            let _ = writeln!(
                out,
                "dutytrace_projector_lag_events{{projection=\"{}\"}} {lag}",
                p.name
            );
        }
    }
    (
        [(
            header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        )],
        out,
    )
}
