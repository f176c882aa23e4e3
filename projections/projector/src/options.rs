//! Settings of a projector.

use event_store::Subscription;
use std::time::Duration;

/// How a projector reads and commits.
#[derive(Debug, Clone)]
pub struct ProjectorOptions {
    /// Most events applied in one transaction (and read in one page).
    pub batch_size: usize,
    /// How often a live projector asks the store for its head, to see commits made by
    /// other processes.
    pub poll_interval: Duration,
    /// A projector that has applied nothing yet, behind a log of at least this many
    /// positions, builds its model in a scratch file and swaps it in (as a rebuild does:
    /// no journal, query indexes sorted at the end) instead of catching up in the live file.
    pub scratch_build_from: u64,
    /// SQLite's page cache for a scratch build, in MiB. A province's board folds about a
    /// third faster with 1 GiB than with 64 MiB (the cache no longer spills pages to the
    /// file mid-fold); a server keeps the default so a first start stays within its memory.
    pub scratch_cache_mib: u32,
}

impl Default for ProjectorOptions {
    fn default() -> Self {
        Self {
            batch_size: Subscription::PAGE_SIZE,
            poll_interval: Subscription::POLL_EVERY,
            scratch_build_from: 50_000,
            scratch_cache_mib: 256,
        }
    }
}

impl ProjectorOptions {
    pub(crate) fn batch_size(&self) -> usize {
        self.batch_size.max(1)
    }
}
