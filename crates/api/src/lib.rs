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
    let timeout = state.limits.config().request_timeout;
    let metrics = state.metrics.clone();
    Router::new()
        .route("/healthz", get(health::healthz))
        .route("/readyz", get(health::readyz))
        .route("/metrics", get(metrics::metrics))
        .route("/api/openapi.json", get(openapi::openapi_json))
        .nest("/api/v1", v1::routes())
        .merge(web::routes())
        .fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        // Layers apply to each route after it is matched (so `guard` sees the route's
        // template, for the metrics). A route's own body limit (the imports') overrides
        // this one.
        .layer(DefaultBodyLimit::max(body_bytes))
        .layer(middleware::from_fn(move |request, next| {
            limits::guard(timeout, metrics.clone(), request, next)
        }))
        .with_state(state)
}

/// Serves the router until `shutdown` resolves: from then on no new connection is
/// accepted, each open one finishes the request it is in and closes, and this returns when
/// all have (bound the wait with a timeout around it if need be).
///
/// Each connection must send a request's head within
/// [`LimitConfig::header_read_timeout`] (a client that trickles its headers, or opens a
/// connection and says nothing, is cut off); the rest of the request is read by its handler,
/// under the request deadline.
pub async fn serve(
    listener: TcpListener,
    state: AppState,
    shutdown: impl Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
    use hyper_util::server::conn::auto::Builder;
    use hyper_util::service::TowerToHyperService;
    use tower::ServiceExt as _;

    let header_timeout = state.limits.config().header_read_timeout;
    let app = router(state)
        .map_request(|r: axum::http::Request<hyper::body::Incoming>| r.map(axum::body::Body::new));
    let mut builder = Builder::new(TokioExecutor::new());
    builder
        .http1()
        .timer(TokioTimer::new())
        .header_read_timeout(header_timeout);
    builder.http2().timer(TokioTimer::new());
    let connections = hyper_util::server::graceful::GracefulShutdown::new();
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        let stream = tokio::select! {
            () = &mut shutdown => break,
            accepted = listener.accept() => match accepted {
                Ok((stream, _)) => stream,
                // A connection that failed before it was accepted concerns only its client;
                // running out of descriptors passes: wait a moment instead of spinning.
                Err(e) if is_connection_error(&e) => continue,
                Err(e) => {
                    tracing::error!(error = %e, "cannot accept connections; retrying in 1 s");
                    tokio::time::sleep(std::time::Duration::from_secs(1)).await;
                    continue;
                }
            },
        };
        let service = TowerToHyperService::new(app.clone());
        let connection = builder
            .serve_connection_with_upgrades(TokioIo::new(stream), service)
            .into_owned();
        let connection = connections.watch(connection);
        tokio::spawn(async move {
            if let Err(e) = connection.await {
                tracing::debug!(error = %e, "a connection ended with an error");
            }
        });
    }
    drop(listener);
    connections.shutdown().await;
    Ok(())
}

fn is_connection_error(e: &std::io::Error) -> bool {
    use std::io::ErrorKind::{ConnectionAborted, ConnectionRefused, ConnectionReset};
    matches!(
        e.kind(),
        ConnectionRefused | ConnectionAborted | ConnectionReset
    )
}

async fn not_found(uri: axum::http::Uri) -> ApiError {
    ApiError::not_found(format!("no route {}", uri.path()))
}

async fn method_not_allowed() -> ApiError {
    ApiError::new("method_not_allowed", "this route does not take that method")
}
