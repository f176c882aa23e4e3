//! Copies the WAL back into the main file on its own thread.
//!
//! SQLite's automatic checkpoint runs inside the commit that crosses the threshold, so the
//! writer — and every caller waiting on that group commit — would pay for copying pages
//! and syncing the main file. Here a second connection does it in `PASSIVE` mode, which
//! never blocks the writer, on the other core. The writer's WAL hook nudges this thread once
//! the WAL holds [`WalLimits::nudge_pages`] pages, and checkpoints inline only as a backstop
//! at [`WalLimits::backstop_pages`].

use rusqlite::Connection;
use std::path::Path;
use std::sync::mpsc::{Receiver, RecvTimeoutError, SyncSender, TrySendError, sync_channel};
use std::time::{Duration, Instant};

/// Least time between two checkpoints.
const PAUSE: Duration = Duration::from_millis(50);
/// When the WAL is checkpointed, in pages of the WAL.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WalLimits {
    /// The checkpointer thread is nudged from this size on (SQLite's default threshold).
    pub nudge_pages: u32,
    /// The writer checkpoints by itself from this size on. Under constant load a passive
    /// checkpoint never finds the WAL idle, so the WAL cannot restart from its beginning;
    /// the writer's own checkpoint, with most frames already copied by the checkpointer,
    /// only has the tail left to copy, and lets the WAL restart.
    pub backstop_pages: u32,
}

impl Default for WalLimits {
    fn default() -> Self {
        Self {
            nudge_pages: 1_000,
            backstop_pages: 16_384, // 64 MiB
        }
    }
}

/// The writer's side: a nudge after each commit, coalesced while a checkpoint runs.
#[derive(Debug)]
pub(crate) struct Nudge(SyncSender<()>);

impl Nudge {
    pub(crate) fn commit_done(&self) {
        match self.0.try_send(()) {
            Ok(()) | Err(TrySendError::Full(())) | Err(TrySendError::Disconnected(())) => {}
        }
    }
}

/// Starts the checkpointer for the file at `path`; it stops when the [`Nudge`] is dropped.
pub(crate) fn start(path: &Path) -> std::io::Result<(Nudge, std::thread::JoinHandle<()>)> {
    let (tx, rx) = sync_channel(1);
    let path = path.to_path_buf();
    let handle = std::thread::Builder::new()
        .name("sqlite-checkpoint".into())
        .spawn(move || match Connection::open(&path) {
            Ok(conn) => run(&conn, &rx),
            Err(e) => tracing::warn!(error = %e, "the WAL checkpointer cannot open the log"),
        })?;
    Ok((Nudge(tx), handle))
}

fn run(conn: &Connection, nudges: &Receiver<()>) {
    let _ = conn.busy_timeout(Duration::from_secs(1));
    while nudges.recv().is_ok() {
        if let Err(e) = conn.query_row("PRAGMA wal_checkpoint(PASSIVE)", [], |_| Ok(())) {
            tracing::warn!(error = %e, "WAL checkpoint failed; will try again");
        }
        // At most one checkpoint per pause: each ends with a sync of the main file, which
        // would compete with the writer's syncs of the WAL. Nudges meanwhile coalesce.
        let until = Instant::now() + PAUSE;
        loop {
            match nudges.recv_timeout(until.saturating_duration_since(Instant::now())) {
                Ok(()) => {}
                Err(RecvTimeoutError::Timeout) => break,
                Err(RecvTimeoutError::Disconnected) => return,
            }
        }
    }
}
