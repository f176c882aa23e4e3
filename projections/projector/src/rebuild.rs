//! Rebuilding a read model from zero: fold the whole log into a scratch file with the same
//! DDL, then swap its tables into the live file in one transaction. Readers see the old
//! model until that transaction commits; a rebuild that fails leaves it untouched.

use crate::error::ProjectionError;
use crate::fold::fold;
use crate::models::ReadModels;
use crate::options::ProjectorOptions;
use crate::projection::Projection;
use crate::target::Target;
use event_store::{EventStore, Subscription};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// What a rebuild did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RebuildReport {
    /// The projection rebuilt.
    pub projection: &'static str,
    /// Events applied (those that passed its filter).
    pub events: u64,
    /// The checkpoint the new model was swapped in at.
    pub through: u64,
    /// Wall time of the fold and the swap.
    pub elapsed: Duration,
}

/// Rebuilds `projection` from zero and swaps it in. The caller holds its lease: nothing
/// else writes its tables meanwhile.
pub(crate) async fn rebuild_in_place(
    store: Arc<dyn EventStore>,
    models: &ReadModels,
    projection: Arc<dyn Projection>,
    options: &ProjectorOptions,
) -> Result<RebuildReport, ProjectionError> {
    let started = Instant::now();
    let name = projection.name();
    let scratch = scratch_path(models.path(), name);
    let result = fold_and_swap(store, models, projection, options, &scratch).await;
    remove_scratch(&scratch);
    let (events, through, swap) = result?;
    let report = RebuildReport {
        projection: name,
        events,
        through,
        elapsed: started.elapsed(),
    };
    tracing::info!(
        projection = name,
        events,
        through,
        elapsed_ms = report.elapsed.as_millis() as u64,
        swap_ms = swap.as_millis() as u64,
        "read model rebuilt and swapped in"
    );
    Ok(report)
}

async fn fold_and_swap(
    store: Arc<dyn EventStore>,
    models: &ReadModels,
    projection: Arc<dyn Projection>,
    options: &ProjectorOptions,
    scratch: &Path,
) -> Result<(u64, u64, Duration), ProjectionError> {
    let head = store.head().await?;
    let target = {
        let (path, p) = (scratch.to_path_buf(), projection.clone());
        let cache_mib = options.scratch_cache_mib;
        blocking(move || {
            remove_scratch(&path);
            Target::scratch(&path, p, cache_mib)
        })
        .await?
    };
    let sub = Subscription::new(store, 1, projection.filter())
        .with_page_size(options.batch_size())
        .with_poll_interval(options.poll_interval);
    let (target, _) = fold(
        target,
        sub,
        options.batch_size(),
        Some(head),
        std::future::pending::<()>(),
        |_| {},
    )
    .await?;
    let (events, through) = (target.applied(), target.position());
    let live = models.clone();
    let path = scratch.to_path_buf();
    let swapping = Instant::now();
    blocking(move || {
        target.finish_scratch()?;
        drop(target); // closes the scratch file before it is attached
        let (mut live, _) = Target::open(live.writer()?, projection)?;
        live.swap_in(&path, through)
    })
    .await?;
    Ok((events, through, swapping.elapsed()))
}

/// The scratch file of a projection's rebuild, next to the live file (so it is on the same
/// disk and can be attached).
fn scratch_path(models: &Path, projection: &str) -> PathBuf {
    let mut name = models.file_name().unwrap_or_default().to_os_string();
    name.push(format!(".{projection}.rebuild"));
    models.with_file_name(name)
}

fn remove_scratch(path: &Path) {
    for suffix in ["", "-journal", "-wal", "-shm"] {
        let mut p = path.as_os_str().to_os_string();
        p.push(suffix);
        let _ = std::fs::remove_file(p);
    }
}

/// Runs SQLite work off the async threads.
pub(crate) async fn blocking<R: Send + 'static>(
    f: impl FnOnce() -> Result<R, ProjectionError> + Send + 'static,
) -> Result<R, ProjectionError> {
    tokio::task::spawn_blocking(f)
        .await
        .map_err(|e| ProjectionError::Io(format!("a blocking task failed: {e}")))?
}

/// Closes a target's connection off the async threads (closing the last connection to a
/// WAL file checkpoints it).
pub(crate) async fn close(mut target: Target) {
    let _ = tokio::task::spawn_blocking(move || {
        if let Err(e) = target.flush() {
            // Only the checkpoint of skipped events is lost: they are read again at start.
            tracing::warn!(projection = target.name(), error = %e, "could not write the checkpoint at close");
        }
    })
    .await;
}
