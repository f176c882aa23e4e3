//! Duties that run in one process of a log at a time — the deadline watcher and the webhook
//! outbox — started and stopped as this process takes and loses their lease (on PostgreSQL
//! an advisory lock, `store_postgres::lease`; on SQLite, where one process owns the log,
//! always held).

use tokio::sync::watch;
use tokio::task::JoinHandle;

/// The deadline watcher's duty (reminders: 履责提醒, 约谈提醒).
pub const DEADLINE_WATCHER: &str = "deadline_watcher";
/// The webhook outbox's duty (deliveries to the configured webhook).
pub const WEBHOOK_OUTBOX: &str = "webhook_outbox";

/// Runs `start`'s task while `held` is true, until `stop` turns true: started when the
/// lease is taken, stopped (its own stop signal, then awaited) when it is lost, started
/// again when it is taken again. Records in `duties` whether it runs.
pub async fn while_held<F>(
    duty: &'static str,
    mut held: watch::Receiver<bool>,
    mut stop: watch::Receiver<bool>,
    duties: api::Duties,
    start: F,
) where
    F: Fn(watch::Receiver<bool>) -> JoinHandle<()>,
{
    loop {
        let granted = tokio::select! {
            taken = held.wait_for(|h| *h) => taken.is_ok(),
            _ = stop.wait_for(|s| *s) => return,
        };
        if !granted {
            // Nobody will ever grant it: wait to be stopped.
            let _ = stop.wait_for(|s| *s).await;
            return;
        }
        let (halt, halted) = watch::channel(false);
        let task = start(halted);
        duties.set(duty, true);
        let lost = tokio::select! {
            lost = held.wait_for(|h| !*h) => lost.is_ok(),
            _ = stop.wait_for(|s| *s) => false,
        };
        if !lost {
            // Stopping, or the lease can no longer change: run until stopped.
            let _ = stop.wait_for(|s| *s).await;
        }
        let stopping = !lost;
        let _ = halt.send(true);
        let _ = task.await;
        duties.set(duty, false);
        if stopping {
            return;
        }
        tracing::warn!(
            duty,
            "the lease is lost: the duty stopped here and runs elsewhere"
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;
    use std::sync::atomic::{AtomicUsize, Ordering};

    /// A task that counts its starts and ends when told.
    fn counting(starts: Arc<AtomicUsize>) -> impl Fn(watch::Receiver<bool>) -> JoinHandle<()> {
        move |mut halted| {
            starts.fetch_add(1, Ordering::SeqCst);
            tokio::spawn(async move {
                let _ = halted.wait_for(|h| *h).await;
            })
        }
    }

    /// Yields until `duties` runs exactly `want`.
    async fn until(duties: &api::Duties, want: &[&str]) {
        while duties.running() != want {
            tokio::task::yield_now().await;
        }
    }

    #[tokio::test]
    async fn a_duty_runs_only_while_its_lease_is_held_and_ends_when_stopped() {
        let (lease, held) = watch::channel(false);
        let (stop, stopped) = watch::channel(false);
        let duties = api::Duties::default();
        let starts = Arc::new(AtomicUsize::new(0));
        let task = tokio::spawn(while_held(
            DEADLINE_WATCHER,
            held,
            stopped,
            duties.clone(),
            counting(starts.clone()),
        ));
        for _ in 0..10 {
            tokio::task::yield_now().await;
        }
        assert_eq!(starts.load(Ordering::SeqCst), 0, "not held: not started");
        assert!(duties.running().is_empty());

        for round in 1..=2 {
            lease.send_replace(true);
            until(&duties, &[DEADLINE_WATCHER]).await;
            assert_eq!(
                starts.load(Ordering::SeqCst),
                round,
                "started once per lease"
            );
            lease.send_replace(false);
            until(&duties, &[]).await;
        }
        lease.send_replace(true);
        until(&duties, &[DEADLINE_WATCHER]).await;
        stop.send_replace(true);
        task.await.expect("ends when stopped");
        assert!(duties.running().is_empty(), "stopped: no longer listed");
        assert_eq!(starts.load(Ordering::SeqCst), 3);
    }
}
