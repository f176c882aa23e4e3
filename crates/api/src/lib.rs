//! The HTTP API. [`router`] builds the whole application so tests can call it with
//! `oneshot`; [`serve`] runs it on a listener with graceful shutdown.

mod accounts;
mod acting;
mod cache;
mod extract;
mod health;
pub mod limits;
pub mod metrics;
pub mod notary;
mod openapi;
mod problem;
mod spliced;
mod state;
mod v1;
mod views;

pub use accounts::{ADMIN, ensure_admin};
pub use acting::{CSRF_HEADER, DIRECTORY, SESSION_COOKIE};
pub use limits::LimitConfig;
pub use metrics::Metrics;
pub use notary::Notary;
pub use openapi::{document, document_json};
pub use problem::{ApiError, CODES};
pub use state::{AppState, Duties};
pub use v1::board::BOARD;
pub use views::Views;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::middleware;
use axum::routing::get;
use std::future::Future;
use tokio::net::TcpListener;

/// Every route of the service: the API, operations and the web dashboard (`web`), within
/// the limits of `limits` and counted by `metrics`.
pub fn router(state: AppState) -> Router {
    let body_bytes = state.limits.config().body_bytes;
    Router::new()
        .route("/healthz", get(health::healthz))
        .route("/readyz", get(health::readyz))
        .route("/metrics", get(metrics::metrics))
        .route("/api/openapi.json", get(openapi::openapi_json))
        .nest("/api/v1", v1::routes())
        .merge(web::routes())
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        // Layers apply to each route after it is matched (so `record` sees the route's
        // template); the last added runs first. A route's own body limit (the imports')
        // overrides this one.
        .layer(DefaultBodyLimit::max(body_bytes))
        .layer(middleware::from_fn_with_state(state.clone(), limits::guard))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            metrics::record,
        ))
        .with_state(state)
}

/// Serves the router until `shutdown` resolves, finishing requests in flight.
pub async fn serve(
    listener: TcpListener,
    state: AppState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    axum::serve(listener, router(state))
        .with_graceful_shutdown(shutdown)
        .await
}

async fn not_found(uri: axum::http::Uri) -> ApiError {
    ApiError::not_found(format!("no route {}", uri.path()))
}

async fn method_not_allowed() -> ApiError {
    ApiError::new("method_not_allowed", "this route does not take that method")
}
