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
}

impl Default for ProjectorOptions {
    fn default() -> Self {
        Self {
            batch_size: Subscription::PAGE_SIZE,
            poll_interval: Subscription::POLL_EVERY,
        }
    }
}

impl ProjectorOptions {
    pub(crate) fn batch_size(&self) -> usize {
        self.batch_size.max(1)
    }
}
