//! Periodic checkpoints: the notary signs the Merkle tree over the log at start, every
//! [`EVERY`] while the log grows, and once more when the service stops, publishing each to
//! `x.checkpoints.jsonl` beside the log (`api::notary`; ADR 0012).

use std::path::{Path, PathBuf};
use std::time::Duration;

/// How often a checkpoint is made (when the log has grown).
pub const EVERY: Duration = Duration::from_secs(600);

/// The signing key that goes with an SQLite log: `x.db` → `x.signing.key`.
pub fn key_path(log: &Path) -> PathBuf {
    beside(log, "signing.key")
}

/// The published checkpoints that go with an SQLite log: `x.db` → `x.checkpoints.jsonl`.
pub fn published_path(log: &Path) -> PathBuf {
    beside(log, "checkpoints.jsonl")
}

fn beside(log: &Path, suffix: &str) -> PathBuf {
    let stem = log.with_extension("");
    PathBuf::from(format!("{}.{suffix}", stem.display()))
}

/// The log's name in its checkpoints: `dutytrace/<file stem>`, without whitespace.
pub fn origin(log: &Path) -> String {
    let stem = log
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|| "log".to_owned());
    let stem: String = stem
        .chars()
        .map(|c| if c.is_whitespace() { '-' } else { c })
        .collect();
    format!("dutytrace/{stem}")
}

/// Makes a checkpoint now and every `every` until `stop` turns true, then a last one.
pub async fn run(
    state: api::AppState,
    every: Duration,
    mut stop: tokio::sync::watch::Receiver<bool>,
) {
    let Some(notary) = state.notary.clone() else {
        return;
    };
    let mut tick = tokio::time::interval(every);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            _ = tick.tick() => {}
            _ = stop.changed() => break,
        }
        sign(&notary, &state).await;
    }
    sign(&notary, &state).await;
}

async fn sign(notary: &api::Notary, state: &api::AppState) {
    match notary.checkpoint(state).await {
        Ok(c) => tracing::debug!(tree_size = c.checkpoint.tree_size, "checkpoint signed"),
        Err(e) => tracing::warn!(code = e.code, detail = %e.detail, "no checkpoint made"),
    }
}
