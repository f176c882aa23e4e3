//! The HTTP API. [`router`] builds the whole application so tests can call it with
//! `oneshot`; [`serve`] runs it on a listener with graceful shutdown.

mod health;
mod metrics;
mod state;

pub use state::AppState;

use axum::Router;
use axum::routing::get;
use std::future::Future;
use tokio::net::TcpListener;

/// Every route of the service.
pub fn router(state: AppState) -> Router {
    Router::new()
        .route("/healthz", get(health::healthz))
        .route("/readyz", get(health::readyz))
        .route("/metrics", get(metrics::metrics))
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
