//! The webhook outbox (通知提醒 delivered, ADR 0009): every item of the inbox read model is
//! POSTed to a configured webhook, at least once, each delivery under the notification's
//! stable key, retried with back-off until the webhook answers 2xx.
//!
//! The outbox keeps its own state in its own SQLite file beside the log (`x.outbox.db`):
//! one row per delivery and the log position up to which inbox items are queued. A pass
//! queues the items after that position, then POSTs the deliveries that are due. A delivery
//! is marked delivered only after a 2xx, so a crash between the POST and the mark sends the
//! same id again; a receiver de-duplicates by `Idempotency-Key`. It runs on its own task
//! ([`run`]) and touches neither the log nor a command: a slow or dead webhook delays
//! nothing but its own deliveries.

mod backoff;
mod body;
mod sql;
mod state;
pub(crate) mod webhook;

pub use backoff::Backoff;
pub use state::{Delivery, Status};
pub use webhook::{IDEMPOTENCY_KEY, Webhook};

use anyhow::Context as _;
use futures::{StreamExt as _, future, stream};
use projector::ReadModels;
use state::State;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};

/// How often the service runs a pass.
pub const EVERY: Duration = Duration::from_secs(1);

/// The outbox file that goes with an SQLite log: `x.db` → `x.outbox.db`.
pub fn path_for(log: &Path) -> PathBuf {
    let stem = log.with_extension("");
    PathBuf::from(format!("{}.outbox.db", stem.display()))
}

/// How deliveries are made.
#[derive(Debug, Clone, Copy)]
pub struct OutboxOptions {
    /// The longest one request may take, connecting included.
    pub timeout: Duration,
    /// Requests in flight at once.
    pub concurrency: usize,
    /// The wait before retrying a failed delivery (and before trying a webhook again after
    /// a pass where every attempt failed).
    pub backoff: Backoff,
    /// Items queued, or deliveries taken, per read of the state.
    pub batch: u32,
}

impl Default for OutboxOptions {
    fn default() -> Self {
        Self {
            timeout: Duration::from_secs(10),
            concurrency: 4,
            backoff: Backoff::default(),
            batch: 64,
        }
    }
}

/// What one pass did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Pass {
    /// Notifications newly queued.
    pub enqueued: usize,
    /// Deliveries answered 2xx.
    pub delivered: usize,
    /// Attempts that failed (each is retried later).
    pub failed: usize,
}

/// The outbox over one state file and one webhook; cheap to clone.
#[derive(Debug, Clone)]
pub struct Outbox {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    state: State,
    models: ReadModels,
    webhook: Webhook,
    client: reqwest::Client,
    options: OutboxOptions,
    /// After a pass where every attempt failed, the webhook is left alone until then.
    gate: Mutex<Gate>,
}

#[derive(Debug, Default)]
struct Gate {
    failed_passes: u32,
    closed_until: Option<Instant>,
}

impl Inner {
    fn gate(&self) -> MutexGuard<'_, Gate> {
        // The gate is two numbers; a panic elsewhere leaves them usable.
        self.gate.lock().unwrap_or_else(|e| e.into_inner())
    }
}

impl Outbox {
    /// Opens (creating if needed) the state file at `path`, reading notifications from
    /// `models` and delivering them to `webhook`.
    pub fn open(
        path: &Path,
        models: ReadModels,
        webhook: Webhook,
        options: OutboxOptions,
    ) -> anyhow::Result<Self> {
        let state = State::open(path)?;
        let client = webhook::client(options.timeout).context("building the HTTP client")?;
        Ok(Self {
            inner: Arc::new(Inner {
                state,
                models,
                webhook,
                client,
                options: OutboxOptions {
                    concurrency: options.concurrency.max(1),
                    batch: options.batch.max(1),
                    ..options
                },
                gate: Mutex::new(Gate::default()),
            }),
        })
    }

    /// The webhook it delivers to.
    pub fn webhook(&self) -> &Webhook {
        &self.inner.webhook
    }

    /// Runs `f` on the state file, on a blocking thread.
    async fn blocking<R: Send + 'static>(
        &self,
        f: impl FnOnce(&Inner) -> anyhow::Result<R> + Send + 'static,
    ) -> anyhow::Result<R> {
        let inner = self.inner.clone();
        tokio::task::spawn_blocking(move || f(&inner)).await?
    }

    /// One pass: queues the inbox items after the last one queued, then POSTs every
    /// delivery due (unless the webhook failed a whole pass lately and its back-off is not
    /// over). A failed attempt is recorded and retried later, never an error of the pass.
    pub async fn pass(&self) -> anyhow::Result<Pass> {
        let enqueued = self
            .blocking(|i| i.state.enqueue(&i.models, i.options.batch))
            .await?;
        let (delivered, failed) = self.deliver().await?;
        Ok(Pass {
            enqueued,
            delivered,
            failed,
        })
    }

    /// The numbers of the state file.
    pub async fn status(&self) -> anyhow::Result<Status> {
        self.blocking(|i| i.state.status()).await
    }

    /// Every delivery in the state file, in log order.
    pub async fn deliveries(&self) -> anyhow::Result<Vec<Delivery>> {
        self.blocking(|i| i.state.deliveries()).await
    }

    /// POSTs the deliveries due, `concurrency` at a time, batch after batch while every
    /// attempt succeeds. After a failed attempt no new one is started in this pass: the
    /// webhook is likely down, and the rest wait for the next pass rather than each
    /// spending a timeout now. Returns (delivered, failed).
    async fn deliver(&self) -> anyhow::Result<(usize, usize)> {
        let inner = &self.inner;
        if inner
            .gate()
            .closed_until
            .is_some_and(|t| Instant::now() < t)
        {
            return Ok((0, 0));
        }
        let (mut delivered, mut failed) = (0, 0);
        loop {
            let due = self.blocking(|i| i.state.due(i.options.batch)).await?;
            let full = due.len() >= inner.options.batch as usize;
            let stopped = AtomicBool::new(false);
            let stop = &stopped;
            let mut attempts = stream::iter(due)
                .take_while(|_| future::ready(!stop.load(Ordering::Relaxed)))
                .map(|d| async move {
                    let body = d.body.clone();
                    let r = webhook::post(&inner.client, &inner.webhook, d.key, body).await;
                    if r.is_err() {
                        stop.store(true, Ordering::Relaxed);
                    }
                    (d, r)
                })
                .buffer_unordered(inner.options.concurrency);
            while let Some((d, r)) = attempts.next().await {
                match &r {
                    Ok(_) => delivered += 1,
                    Err(f) => {
                        failed += 1;
                        tracing::warn!(
                            key = %d.key,
                            status = f.status,
                            attempt = d.attempts + 1,
                            error = %f.error,
                            "webhook delivery failed; it will be retried"
                        );
                    }
                }
                self.blocking(move |i| i.state.record(&d, r, &i.options.backoff))
                    .await?;
            }
            drop(attempts);
            if !full || stopped.load(Ordering::Relaxed) {
                break;
            }
        }
        let mut gate = inner.gate();
        if delivered > 0 {
            *gate = Gate::default();
        } else if failed > 0 {
            gate.failed_passes = gate.failed_passes.saturating_add(1);
            let wait = inner.options.backoff.jittered(gate.failed_passes);
            gate.closed_until = Some(Instant::now() + wait);
        }
        Ok((delivered, failed))
    }
}

/// Runs passes until `stop` turns true, sleeping `every` between them. A pass in progress
/// is dropped at once on stop: whatever it had not marked delivered is sent again by the
/// next outbox over the file. A failed pass (the state file or the read models could not
/// be read) is logged and tried again next time.
pub async fn run(outbox: Outbox, every: Duration, mut stop: tokio::sync::watch::Receiver<bool>) {
    tracing::info!(webhook = %outbox.webhook(), "webhook delivery is on");
    loop {
        tokio::select! {
            r = outbox.pass() => match r {
                Ok(p) if p.enqueued + p.delivered + p.failed > 0 => tracing::info!(
                    enqueued = p.enqueued,
                    delivered = p.delivered,
                    failed = p.failed,
                    "webhook outbox pass"
                ),
                Ok(_) => {}
                Err(e) => tracing::warn!(error = %e, "the webhook outbox's pass failed; trying again later"),
            },
            _ = stop.wait_for(|s| *s) => return,
        }
        tokio::select! {
            () = tokio::time::sleep(every) => {}
            _ = stop.wait_for(|s| *s) => return,
        }
    }
}
