//! The pump shared by live projectors, catch-ups and rebuilds: reads batches from a
//! subscription and commits them to a [`Target`] on a blocking thread, reading the next
//! page while the last one is written.

use crate::error::ProjectionError;
use crate::target::Target;
use event_store::{Batch, StoreError, Subscription};
use std::future::Future;
use std::time::Duration;
use tokio::sync::mpsc;

/// Batches read ahead of the writer. Two keep both cores busy without piling up memory.
const READ_AHEAD: usize = 2;

/// Back-off while the event log cannot be reached.
#[derive(Debug, Default)]
struct Outage {
    /// The next wait; zero when the log answers.
    wait: Duration,
}

impl Outage {
    const FIRST: Duration = Duration::from_millis(250);
    const LONGEST: Duration = Duration::from_secs(5);

    async fn wait(&mut self, projection: &str, reason: &str) {
        if self.wait.is_zero() {
            tracing::warn!(
                projection,
                reason,
                "the event log cannot be reached; the projector waits and reads again"
            );
            self.wait = Self::FIRST;
        }
        tokio::time::sleep(self.wait).await;
        self.wait = (self.wait * 2).min(Self::LONGEST);
    }

    fn over(&mut self, projection: &str) {
        if !self.wait.is_zero() {
            tracing::info!(
                projection,
                "the event log answers again; the projector goes on"
            );
            self.wait = Duration::ZERO;
        }
    }
}

/// Folds `sub` into `target` until the checkpoint reaches `until` (if given) or `stop`
/// completes. Batches already read when it stops are still committed. Returns the target
/// and `stop`'s output if it was `stop` that ended the fold.
pub(crate) async fn fold<S: Future>(
    target: Target,
    mut sub: Subscription,
    batch_size: usize,
    until: Option<u64>,
    stop: S,
    progress: impl Fn(u64) + Send + 'static,
) -> Result<(Target, Option<S::Output>), ProjectionError> {
    let name = target.name();
    let (tx, mut rx) = mpsc::channel::<Batch>(READ_AHEAD);
    let mut writer = tokio::task::spawn_blocking(move || {
        let mut target = target;
        target.commit_all(|| rx.blocking_recv(), progress)?;
        Ok::<_, ProjectionError>(target)
    });
    let joined = |r: Result<_, tokio::task::JoinError>| {
        r.map_err(|e| ProjectionError::Failed {
            projection: name.to_owned(),
            first: 0,
            last: 0,
            reason: if e.is_panic() {
                "the projection panicked".to_owned()
            } else {
                e.to_string()
            },
        })?
    };

    let reading = async {
        let mut through = sub.through();
        let mut outage = Outage::default();
        while until.is_none_or(|u| through < u) {
            let batch = match sub.next_batch(batch_size).await {
                Ok(b) => {
                    outage.over(name);
                    b
                }
                // The log cannot be reached (a server restarting, a network cut): wait and
                // read again from where the subscription is; nothing was handed out.
                Err(StoreError::Unavailable(reason)) => {
                    outage.wait(name, &reason).await;
                    continue;
                }
                Err(e) => return Err(e.into()),
            };
            through = batch.through;
            if tx.send(batch).await.is_err() {
                break; // the writer failed; its error is the one to report
            }
        }
        Ok::<_, ProjectionError>(())
    };
    let (read, stopped) = tokio::select! {
        r = reading => (r, None),
        s = stop => (Ok(()), Some(s)),
        // The writer only ends early on an error: report it even while the reader is
        // waiting for new events.
        w = &mut writer => return joined(w).map(|t| (t, None)),
    };
    drop(tx);
    let target = joined(writer.await)?;
    read?;
    Ok((target, stopped))
}
