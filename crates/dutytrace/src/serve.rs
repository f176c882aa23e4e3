//! `dutytrace serve`: open the store, start the projectors, serve HTTP until stopped, then
//! stop the API and the projectors together.

use crate::cli::ServeArgs;
use crate::{config, stores};
use anyhow::Context;
use app::App;
use event_store::Clock;
use projector::{Projection, ProjectorOptions};
use std::net::SocketAddr;
use std::sync::Arc;
use tokio::net::TcpListener;

/// Every read model the service keeps.
pub fn projections() -> Vec<Arc<dyn Projection>> {
    vec![Arc::new(catalog::Catalog), Arc::new(board::Board)]
}

/// Runs the service until Ctrl-C or SIGTERM.
pub async fn serve(args: ServeArgs) -> anyhow::Result<()> {
    let clock = config::clock(args.store.now);
    let opened = stores::open(&args.store.store, clock.clone())?;
    let store_url = args.store.store.clone();
    run(opened, clock, args.listen, &args.store.store, |address| {
        println!("dutytrace is serving on http://{address} (store {store_url})");
    })
    .await
}

/// Serves an opened store until Ctrl-C or SIGTERM: the projectors, the API, then a
/// graceful stop of both. `announce` is told the bound address (`serve` and `demo` print
/// different hints).
pub async fn run(
    opened: stores::Opened,
    clock: Arc<dyn Clock>,
    listen: SocketAddr,
    store_url: &str,
    announce: impl FnOnce(SocketAddr),
) -> anyhow::Result<()> {
    let mut projectors = Vec::new();
    for projection in projections() {
        projectors.push(projector::spawn(
            opened.log.clone(),
            &opened.models,
            projection,
            ProjectorOptions::default(),
        )?);
    }
    let state = api::AppState::new(
        App::new(opened.log.clone(), clock),
        api::Views::new(opened.models.clone()),
        projectors,
    );
    let listener = TcpListener::bind(listen)
        .await
        .with_context(|| format!("cannot listen on {listen}"))?;
    let address = listener.local_addr()?;
    tracing::info!(%address, store = %store_url, "dutytrace is serving");
    announce(address);
    axum_serve(listener, state.clone()).await?;
    tracing::info!("stopping the projectors");
    state.shutdown().await;
    opened.close().await;
    Ok(())
}

async fn axum_serve(listener: TcpListener, state: api::AppState) -> anyhow::Result<()> {
    api::serve(listener, state, shutdown_signal()).await?;
    Ok(())
}

/// Resolves on Ctrl-C or SIGTERM.
async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = term => {},
    }
    tracing::info!("shutdown requested");
}
