//! Periodic checkpoints: the notary signs the Merkle tree over the log at start, every
//! [`EVERY`] while the log grows, and once more when the service stops, publishing each to
//! `x.checkpoints.jsonl` beside the log (`api::notary`; ADR 0012) and, when a webhook is
//! configured (`DUTYTRACE_WEBHOOK_URL`), POSTing each new one to it as
//! `{"kind": "checkpoint", "checkpoint": {…}}` under the `Idempotency-Key`
//! UUIDv5(key id, tree size) — off the machine. A delivery that fails is retried every
//! [`RETRY`] until one succeeds (the newest checkpoint; every earlier one is in the file).

use std::path::{Path, PathBuf};
use std::time::Duration;

/// How often a checkpoint is made (when the log has grown).
pub const EVERY: Duration = Duration::from_secs(600);
/// How soon a failed delivery to the webhook is tried again.
pub const RETRY: Duration = Duration::from_secs(30);

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

/// Makes a checkpoint now and every `every` until `stop` turns true, then a last one; each
/// new one is delivered to `webhook`, if any.
pub async fn run(
    state: api::AppState,
    every: Duration,
    webhook: Option<crate::outbox::Webhook>,
    mut stop: tokio::sync::watch::Receiver<bool>,
) {
    let Some(notary) = state.notary.clone() else {
        return;
    };
    let client = webhook
        .as_ref()
        .and_then(|_| crate::outbox::webhook::client(Duration::from_secs(10)).ok());
    let mut delivered: Option<u64> = None;
    let mut pending: Option<evidence::SignedCheckpoint> = None;
    let mut tick = tokio::time::interval(every);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut retry = tokio::time::interval(RETRY);
    retry.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tokio::select! {
            _ = tick.tick() => {
                if let Some(c) = sign(&notary, &state).await
                    && delivered.is_none_or(|d| d < c.checkpoint.tree_size)
                {
                    pending = Some(c);
                }
            }
            _ = retry.tick(), if pending.is_some() => {}
            _ = stop.changed() => break,
        }
        if let (Some(c), Some(webhook), Some(client)) = (&pending, &webhook, &client)
            && deliver(client, webhook, c).await
        {
            delivered = Some(c.checkpoint.tree_size);
            pending = None;
        }
    }
    if let Some(c) = sign(&notary, &state).await
        && let (Some(webhook), Some(client)) = (&webhook, &client)
        && delivered.is_none_or(|d| d < c.checkpoint.tree_size)
    {
        deliver(client, webhook, &c).await;
    }
}

async fn sign(notary: &api::Notary, state: &api::AppState) -> Option<evidence::SignedCheckpoint> {
    match notary.checkpoint(state).await {
        Ok(c) => {
            tracing::debug!(tree_size = c.checkpoint.tree_size, "checkpoint signed");
            Some(c)
        }
        Err(e) => {
            tracing::warn!(code = e.code, detail = %e.detail, "no checkpoint made");
            None
        }
    }
}

/// The key a checkpoint is delivered under: the same for the same key and tree size.
pub fn delivery_key(c: &evidence::SignedCheckpoint) -> uuid::Uuid {
    const NAMESPACE: uuid::Uuid = uuid::Uuid::from_u128(0x6368_6563_6b70_6f69_6e74_0000_0000_0001);
    uuid::Uuid::new_v5(
        &NAMESPACE,
        format!("{}:{}", c.key_id, c.checkpoint.tree_size).as_bytes(),
    )
}

/// POSTs one checkpoint; whether the webhook took it (2xx).
async fn deliver(
    client: &reqwest::Client,
    webhook: &crate::outbox::Webhook,
    c: &evidence::SignedCheckpoint,
) -> bool {
    let body = serde_json::json!({"kind": "checkpoint", "checkpoint": c}).to_string();
    match crate::outbox::webhook::post(client, webhook, delivery_key(c), body).await {
        Ok(_) => true,
        Err(f) => {
            tracing::warn!(status = ?f.status, error = %f.error, "a checkpoint was not delivered; trying again");
            false
        }
    }
}
