//! Offline runs: bring a projection up to the store's head now, or rebuild it from zero,
//! and return (for `dutytrace rebuild` and the replay benchmark).

use crate::error::ProjectionError;
use crate::fold::fold;
use crate::models::ReadModels;
use crate::options::ProjectorOptions;
use crate::projection::Projection;
use crate::rebuild::{RebuildReport, blocking, close, rebuild_in_place};
use crate::target::{Start, Target};
use event_store::{EventStore, Subscription};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// What a catch-up did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CatchUpReport {
    /// The projection run.
    pub projection: &'static str,
    /// Events applied (those that passed its filter).
    pub events: u64,
    /// The checkpoint it started from (0 after a rebuild).
    pub from: u64,
    /// The checkpoint it reached: at least the store's head when it started.
    pub through: u64,
    /// Whether it rebuilt from zero because the model was built by another version.
    pub rebuilt: bool,
    /// Wall time.
    pub elapsed: Duration,
}

/// Runs `projection` from its checkpoint up to the store's head as of now, then returns.
/// Rebuilds from zero first if its tables were built by another version of it.
pub async fn catch_up(
    store: Arc<dyn EventStore>,
    models: &ReadModels,
    projection: Arc<dyn Projection>,
) -> Result<CatchUpReport, ProjectionError> {
    catch_up_with(store, models, projection, ProjectorOptions::default()).await
}

/// [`catch_up`] with explicit options.
pub async fn catch_up_with(
    store: Arc<dyn EventStore>,
    models: &ReadModels,
    projection: Arc<dyn Projection>,
    options: ProjectorOptions,
) -> Result<CatchUpReport, ProjectionError> {
    let started = Instant::now();
    let name = projection.name();
    let _lease = models.lease(name)?;
    let (target, start) = {
        let (m, p) = (models.clone(), projection.clone());
        blocking(move || Target::open(m.writer()?, p)).await?
    };
    if let Start::Rebuild { built_by } = start {
        close(target).await;
        tracing::info!(
            projection = name,
            built_by,
            version = projection.version(),
            "rebuilding a read model built by another version"
        );
        let r = rebuild_in_place(store, models, projection, &options).await?;
        return Ok(CatchUpReport {
            projection: name,
            events: r.events,
            from: 0,
            through: r.through,
            rebuilt: true,
            elapsed: started.elapsed(),
        });
    }
    let from = target.position();
    let head = store.head().await?;
    let (target, _) = if from >= head {
        (target, None)
    } else {
        let sub = Subscription::new(store, from + 1, projection.filter())
            .with_page_size(options.batch_size())
            .with_poll_interval(options.poll_interval);
        let no_stop = std::future::pending::<()>();
        fold(
            target,
            sub,
            options.batch_size(),
            Some(head),
            no_stop,
            |_| {},
        )
        .await?
    };
    let (events, through) = (target.applied(), target.position());
    close(target).await;
    Ok(CatchUpReport {
        projection: name,
        events,
        from,
        through,
        rebuilt: false,
        elapsed: started.elapsed(),
    })
}

/// Rebuilds `projection` from zero into fresh tables and swaps them in, whatever version
/// built the current ones. Readers see the old model until the swap commits.
pub async fn rebuild(
    store: Arc<dyn EventStore>,
    models: &ReadModels,
    projection: Arc<dyn Projection>,
) -> Result<RebuildReport, ProjectionError> {
    rebuild_with(store, models, projection, ProjectorOptions::default()).await
}

/// [`rebuild`] with explicit options.
pub async fn rebuild_with(
    store: Arc<dyn EventStore>,
    models: &ReadModels,
    projection: Arc<dyn Projection>,
    options: ProjectorOptions,
) -> Result<RebuildReport, ProjectionError> {
    let _lease = models.lease(projection.name())?;
    rebuild_in_place(store, models, projection, &options).await
}
