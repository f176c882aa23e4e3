//! Catch-up subscriptions, written once over any [`EventStore`]: read history page by page
//! from a position, then turn live and wait for new commits — in global order, without
//! gaps or duplicates.

use crate::envelope::RecordedEvent;
use crate::error::StoreError;
use crate::store::{EventStore, Filter};
use std::collections::VecDeque;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::watch;

/// Events handed out together, and how far the subscription has looked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Batch {
    /// Events in global order (possibly none, when only filtered-out events were passed).
    pub events: Vec<RecordedEvent>,
    /// Every position up to and including this one has been delivered or filtered out:
    /// the checkpoint a consumer saves after handling `events`.
    pub through: u64,
}

/// A catch-up subscription to the global log.
#[derive(Debug)]
pub struct Subscription {
    store: Arc<dyn EventStore>,
    filter: Filter,
    /// First position not yet fetched.
    next: u64,
    /// Highest head position known to be committed.
    known_head: u64,
    /// Everything up to here has been handed out or skipped.
    through: u64,
    buffer: VecDeque<RecordedEvent>,
    head: watch::Receiver<u64>,
    page_size: usize,
    poll_every: Duration,
}

impl Subscription {
    /// Default number of events fetched per read while catching up.
    pub const PAGE_SIZE: usize = 4096;
    /// Default interval at which a live subscription asks the store for its head, to see
    /// commits made by other processes.
    pub const POLL_EVERY: Duration = Duration::from_millis(500);

    /// Subscribes to events at positions `from` and after (`from` = checkpoint + 1).
    pub fn new(store: Arc<dyn EventStore>, from: u64, filter: Filter) -> Self {
        let head = store.watch_head();
        let from = from.max(1);
        Self {
            store,
            filter,
            next: from,
            known_head: 0,
            through: from - 1,
            buffer: VecDeque::new(),
            head,
            page_size: Self::PAGE_SIZE,
            poll_every: Self::POLL_EVERY,
        }
    }

    /// Sets how many events one read fetches.
    pub fn with_page_size(mut self, n: usize) -> Self {
        self.page_size = n.max(1);
        self
    }

    /// Sets how often a live subscription polls the store's head.
    pub fn with_poll_interval(mut self, every: Duration) -> Self {
        self.poll_every = every;
        self
    }

    /// Everything up to this position has been handed out (or filtered out).
    pub fn through(&self) -> u64 {
        self.through
    }

    /// The next event, waiting for one if the log has none yet.
    pub async fn next(&mut self) -> Result<RecordedEvent, StoreError> {
        loop {
            if let Some(e) = self.pop() {
                return Ok(e);
            }
            self.fill().await?;
        }
    }

    /// Up to `max` events; waits until there is at least one, or until filtered-out events
    /// moved `through` forward (then the batch is empty).
    pub async fn next_batch(&mut self, max: usize) -> Result<Batch, StoreError> {
        let max = max.max(1);
        loop {
            if !self.buffer.is_empty() {
                let n = max.min(self.buffer.len());
                let events: Vec<_> = self.buffer.drain(..n).collect();
                self.through = if self.buffer.is_empty() {
                    self.next - 1
                } else {
                    events.last().map_or(self.through, |e| e.position)
                };
                return Ok(Batch {
                    events,
                    through: self.through,
                });
            }
            let before = self.through;
            self.fill().await?;
            if self.buffer.is_empty() && self.next - 1 > before {
                self.through = self.next - 1;
                return Ok(Batch {
                    events: Vec::new(),
                    through: self.through,
                });
            }
        }
    }

    fn pop(&mut self) -> Option<RecordedEvent> {
        let e = self.buffer.pop_front()?;
        self.through = if self.buffer.is_empty() {
            self.next - 1
        } else {
            e.position
        };
        Some(e)
    }

    /// Fetches the next page, waiting for new commits when caught up. Returns after one
    /// read (which may have found only filtered-out events).
    async fn fill(&mut self) -> Result<(), StoreError> {
        loop {
            self.known_head = self.known_head.max(*self.head.borrow_and_update());
            if self.next <= self.known_head {
                let page = self
                    .store
                    .read_all(self.next, &self.filter, self.page_size)
                    .await?;
                if page.next < self.next {
                    return Err(StoreError::Internal(format!(
                        "read_all went backwards: from {} to {}",
                        self.next, page.next
                    )));
                }
                self.next = page.next;
                self.buffer.extend(page.events);
                return Ok(());
            }
            match tokio::time::timeout(self.poll_every, self.head.changed()).await {
                Ok(Ok(())) => {}
                Ok(Err(_)) => {
                    return Err(StoreError::Closed);
                }
                // Nothing from this process; another process may have written.
                Err(_) => self.known_head = self.known_head.max(self.store.head().await?),
            }
        }
    }
}
