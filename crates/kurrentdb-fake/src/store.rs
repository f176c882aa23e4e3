//! The state one fake server shares between its requests: the log behind a lock, a signal that
//! the log grew (for live subscriptions) and a signal that the server is shutting down.

use std::sync::{Mutex, MutexGuard, PoisonError};
use std::time::{SystemTime, UNIX_EPOCH};

use tokio::sync::watch;

use crate::log::{AppendOutcome, ExpectedRevision, Log, ProposedEvent};

/// The log and its signals.
#[derive(Debug)]
pub struct Store {
    log: Mutex<Log>,
    /// The number of records in the log, sent after every write.
    appended: watch::Sender<usize>,
    /// `true` once the server is shutting down.
    shutdown: watch::Sender<bool>,
}

impl Default for Store {
    fn default() -> Self {
        Self::with_log(Log::default())
    }
}

impl Store {
    /// A store serving `log` (a log kept from a stopped server).
    pub fn with_log(log: Log) -> Self {
        let len = log.len();
        Self {
            log: Mutex::new(log),
            appended: watch::Sender::new(len),
            shutdown: watch::Sender::new(false),
        }
    }

    /// Takes the log out (the server has stopped), leaving an empty one.
    pub fn take_log(&self) -> Log {
        std::mem::take(&mut *self.log())
    }

    /// The log, for reading. Hold the guard briefly: every append waits for it.
    pub fn log(&self) -> MutexGuard<'_, Log> {
        // A panic while holding the lock cannot leave the log half-written (`Log::append`
        // pushes whole records), so a poisoned lock is still usable.
        self.log.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Appends under the lock and wakes the live subscriptions.
    pub fn append(
        &self,
        stream: &str,
        expected: ExpectedRevision,
        events: Vec<ProposedEvent>,
    ) -> AppendOutcome {
        let mut log = self.log();
        let outcome = log.append(stream, expected, events, now_ticks());
        // Sent while the lock is held, so the signalled lengths only ever grow.
        self.appended.send_replace(log.len());
        outcome
    }

    /// A receiver that changes whenever the log grows.
    pub fn watch_appends(&self) -> watch::Receiver<usize> {
        self.appended.subscribe()
    }

    /// A receiver that turns `true` when the server shuts down.
    pub fn watch_shutdown(&self) -> watch::Receiver<bool> {
        self.shutdown.subscribe()
    }

    /// Tells the server and every open subscription to stop.
    pub fn begin_shutdown(&self) {
        self.shutdown.send_replace(true);
    }
}

/// Now, in 100 ns ticks since the Unix epoch: the unit of the `created` metadata entry.
fn now_ticks() -> u64 {
    let since_epoch = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default();
    u64::try_from(since_epoch.as_nanos() / 100).unwrap_or(u64::MAX)
}
