//! `dutytrace serve`: open the store, start the projectors, serve HTTP until stopped, then
//! stop the API and the projectors together.

use crate::cli::ServeArgs;
use crate::{config, stores};
use anyhow::Context;
use projector::{Projection, ProjectorOptions};
use std::sync::Arc;
use tokio::net::TcpListener;

/// Every read model the service keeps.
pub fn projections() -> Vec<Arc<dyn Projection>> {
    vec![Arc::new(catalog::Catalog)]
}

/// Runs the service until Ctrl-C or SIGTERM.
pub async fn serve(args: ServeArgs) -> anyhow::Result<()> {
    let opened = stores::open(&args.store.store, config::clock(args.store.now))?;
    let mut projectors = Vec::new();
    for projection in projections() {
        projectors.push(projector::spawn(
            opened.log.clone(),
            &opened.models,
            projection,
            ProjectorOptions::default(),
        )?);
    }
    let state = api::AppState::new(opened.log.clone(), projectors);
    let listener = TcpListener::bind(args.listen)
        .await
        .with_context(|| format!("cannot listen on {}", args.listen))?;
    let address = listener.local_addr()?;
    tracing::info!(%address, store = %args.store.store, "dutytrace is serving");
    println!(
        "dutytrace is serving on http://{address} (store {})",
        args.store.store
    );
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
