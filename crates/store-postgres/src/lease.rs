//! Leases: of all the processes sharing a log, one at a time runs a duty that must not run
//! twice at once (the deadline watcher, the webhook outbox). A lease is a session-level
//! advisory lock, `pg_try_advisory_lock(schema, duty)`, held on a connection of its own for
//! as long as the process leads. When the process dies its connection closes and the
//! server releases the lock; another process takes it at its next try.
//!
//! A holder checks its connection every [`LeaseOptions::check_every`]; if the connection
//! fails it stops the duty at once (it may still be held on the server until the server
//! notices, so two holders never overlap — at worst, nobody leads for a moment).

use crate::Target;
use crate::errors::{describe, map};
use std::time::Duration;
use tokio::sync::watch;
use tokio::task::JoinHandle;
use tokio_postgres::Client;

/// How a lease is tried and kept.
#[derive(Debug, Clone, Copy)]
pub struct LeaseOptions {
    /// How often a process that does not hold the lease tries to take it, and how often a
    /// holder checks that its connection is alive.
    pub check_every: Duration,
}

impl Default for LeaseOptions {
    fn default() -> Self {
        Self {
            check_every: Duration::from_secs(2),
        }
    }
}

/// A lease being tried or held; dropping it releases the lease (its connection closes).
#[derive(Debug)]
pub struct Lease {
    held: watch::Receiver<bool>,
    task: JoinHandle<()>,
}

impl Lease {
    /// Whether this process holds the lease now, changing as it is taken and lost.
    pub fn held(&self) -> watch::Receiver<bool> {
        self.held.clone()
    }
}

impl Drop for Lease {
    fn drop(&mut self) {
        self.task.abort();
    }
}

/// The key of a duty's lock: the schema's oid and a stable hash of the duty's name (the
/// two-key form, apart from the one-key lock of the migrations).
fn key(schema_oid: i64, duty: &str) -> (i32, i32) {
    // FNV-1a, 32 bits: stable across builds, unlike std's hasher.
    let mut h: u32 = 0x811c_9dc5;
    for b in duty.bytes() {
        h ^= u32::from(b);
        h = h.wrapping_mul(0x0100_0193);
    }
    (schema_oid as u32 as i32, h as i32)
}

pub(crate) fn start(target: Target, schema_oid: i64, duty: &str, options: LeaseOptions) -> Lease {
    let (tx, held) = watch::channel(false);
    let (k1, k2) = key(schema_oid, duty);
    let duty = duty.to_owned();
    let task = tokio::spawn(async move {
        loop {
            if let Err(e) = hold(&target, (k1, k2), &duty, options, &tx).await {
                let holding = *tx.borrow();
                if holding {
                    tracing::warn!(duty = %duty, error = %e, "the lease is lost: this process stops the duty");
                } else {
                    tracing::debug!(duty = %duty, error = %e, "cannot try the lease now");
                }
            }
            tx.send_replace(false);
            tokio::time::sleep(options.check_every).await;
        }
    });
    Lease { held, task }
}

/// One connection's life: try the lock until it is taken, then keep checking the
/// connection until it fails.
async fn hold(
    target: &Target,
    (k1, k2): (i32, i32),
    duty: &str,
    options: LeaseOptions,
    tx: &watch::Sender<bool>,
) -> Result<(), String> {
    let (client, connection) = target.connect().await.map_err(|e| describe(&e))?;
    let mut driver = tokio::spawn(connection);
    let result = async {
        loop {
            let holding = *tx.borrow();
            if !holding && try_lock(&client, k1, k2).await? {
                tracing::info!(duty = %duty, "this process holds the lease and runs the duty");
                tx.send_replace(true);
            } else if holding {
                client
                    .simple_query("SELECT 1")
                    .await
                    .map_err(|e| map(e).to_string())?;
            }
            tokio::select! {
                () = tokio::time::sleep(options.check_every) => {}
                ended = &mut driver => {
                    return Err(match ended {
                        Ok(Err(e)) => describe(&e),
                        _ => "the connection closed".to_owned(),
                    });
                }
            }
        }
    }
    .await;
    driver.abort();
    result
}

async fn try_lock(client: &Client, k1: i32, k2: i32) -> Result<bool, String> {
    client
        .query_one("SELECT pg_try_advisory_lock($1, $2)", &[&k1, &k2])
        .await
        .map(|row| row.get(0))
        .map_err(|e| map(e).to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_stable_and_apart_per_duty_and_schema() {
        assert_eq!(
            key(16_384, "deadline_watcher"),
            key(16_384, "deadline_watcher")
        );
        assert_ne!(
            key(16_384, "deadline_watcher"),
            key(16_384, "webhook_outbox")
        );
        assert_ne!(
            key(16_384, "deadline_watcher"),
            key(16_385, "deadline_watcher")
        );
        // FNV-1a of the empty name is its offset basis: the hash is the published one.
        assert_eq!(key(1, "").1, 0x811c_9dc5_u32 as i32);
    }
}
