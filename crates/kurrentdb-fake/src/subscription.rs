//! Catch-up subscriptions to `$all` (filtered or not) and to one stream.
//!
//! A subscription answers `confirmation`, then every event after its start point, then
//! `caught_up`, then live events as they are written, until the client leaves or the server
//! shuts down (which ends it with `UNAVAILABLE`). It keeps a cursor into the log and reads the
//! log itself for both phases, so catch-up and live can neither miss nor repeat an event: it
//! marks the append signal as seen *before* each look at the log, and waits on it only after
//! finding nothing new.
//!
//! Filtered `$all` subscriptions also send `checkpoint`s, as the real server does: one after
//! every `checkpoint_interval` events examined (matching or not), and one on catching up.

use std::collections::VecDeque;
use std::pin::Pin;
use std::sync::Arc;

use futures::Stream;
use tokio::sync::watch;
use tonic::Status;
use uuid::Uuid;

use crate::convert::{self, UuidFormat};
use crate::filter::{self, EventFilter};
use crate::log::{Log, LogPosition};
use crate::proto::streams::ReadResp;
use crate::proto::streams::read_resp::{self, CaughtUp, Checkpoint, SubscriptionConfirmation};
use crate::request::{AllFrom, StreamFrom};
use crate::store::Store;

/// How many records a subscription examines per look at the log, so that the lock is held
/// briefly however far behind it is.
const BATCH: usize = 32;

/// A boxed stream of read answers, as the service returns them.
pub type ReadStream = Pin<Box<dyn Stream<Item = Result<ReadResp, Status>> + Send>>;

/// What a subscription follows, with its cursor.
#[derive(Debug)]
enum Target {
    All {
        /// The next record of the log to examine.
        next_index: usize,
        /// The position of the last record examined (or the start position): the resume
        /// point reported on catching up and in checkpoints.
        checkpoint: Option<LogPosition>,
        filter: Option<FilterState>,
    },
    Stream {
        name: String,
        next_revision: u64,
        /// The last revision sent (or the start revision).
        checkpoint: Option<u64>,
    },
}

#[derive(Debug)]
struct FilterState {
    filter: EventFilter,
    examined_since_checkpoint: u64,
    last_checkpoint: Option<LogPosition>,
    /// A subscription from the end goes live at once: the real server sends no catch-up
    /// checkpoint for it.
    checkpoint_on_catching_up: bool,
}

/// One open subscription.
#[derive(Debug)]
pub struct Subscription {
    store: Arc<Store>,
    target: Target,
    format: UuidFormat,
    pending: VecDeque<ReadResp>,
    appended: watch::Receiver<usize>,
    shutdown: watch::Receiver<bool>,
    caught_up: bool,
    finished: bool,
}

impl Subscription {
    /// A subscription to `$all`. From a position, it starts strictly after it: the client
    /// resubscribes from the last event it saw.
    pub fn to_all(
        store: Arc<Store>,
        from: AllFrom,
        filter: Option<EventFilter>,
        format: UuidFormat,
    ) -> Self {
        let (next_index, checkpoint) = {
            let log = store.log();
            match from {
                AllFrom::Start => (0, None),
                AllFrom::End => (log.len(), log.last().map(|r| r.position)),
                AllFrom::Position(position) => (log.index_after(position), Some(position)),
            }
        };
        let filter = filter.map(|filter| FilterState {
            filter,
            examined_since_checkpoint: 0,
            last_checkpoint: None,
            checkpoint_on_catching_up: from != AllFrom::End,
        });
        let target = Target::All {
            next_index,
            checkpoint,
            filter,
        };
        Self::new(store, target, format)
    }

    /// A subscription to one stream (which need not exist yet). From a revision, it starts
    /// strictly after it.
    pub fn to_stream(
        store: Arc<Store>,
        name: String,
        from: StreamFrom,
        format: UuidFormat,
    ) -> Self {
        let (next_revision, checkpoint) = {
            let log = store.log();
            match from {
                StreamFrom::Start => (0, None),
                StreamFrom::End => (
                    log.stream_len(&name).unwrap_or(0),
                    log.stream_revision(&name),
                ),
                StreamFrom::Revision(revision) => (revision.saturating_add(1), Some(revision)),
            }
        };
        let target = Target::Stream {
            name,
            next_revision,
            checkpoint,
        };
        Self::new(store, target, format)
    }

    fn new(store: Arc<Store>, target: Target, format: UuidFormat) -> Self {
        let appended = store.watch_appends();
        let shutdown = store.watch_shutdown();
        let confirmation = ReadResp {
            content: Some(read_resp::Content::Confirmation(SubscriptionConfirmation {
                subscription_id: Uuid::new_v4().to_string(),
            })),
        };
        Self {
            store,
            target,
            format,
            pending: VecDeque::from([confirmation]),
            appended,
            shutdown,
            caught_up: false,
            finished: false,
        }
    }

    /// The answers as a stream, for the service.
    pub fn into_stream(self) -> ReadStream {
        Box::pin(futures::stream::unfold(
            self,
            |mut subscription| async move {
                let item = subscription.next().await?;
                Some((item, subscription))
            },
        ))
    }

    /// The next answer; `None` once ended.
    pub async fn next(&mut self) -> Option<Result<ReadResp, Status>> {
        loop {
            if self.finished {
                return None;
            }
            if *self.shutdown.borrow() {
                self.finished = true;
                return Some(Err(Status::unavailable("Server is shutting down.")));
            }
            if let Some(message) = self.pending.pop_front() {
                return Some(Ok(message));
            }
            // Seen before looking, so an append after the look wakes the wait below.
            self.appended.borrow_and_update();
            if self.fill() {
                continue;
            }
            tokio::select! {
                changed = self.appended.changed() => {
                    if changed.is_err() {
                        // The store is gone: treat as a shutdown.
                        self.finished = true;
                        return Some(Err(Status::unavailable("Server is shutting down.")));
                    }
                }
                _ = self.shutdown.wait_for(|down| *down) => {}
            }
        }
    }

    /// Examines the next records and queues what they produce; `false` if there was nothing
    /// to do (caught up and no new record).
    fn fill(&mut self) -> bool {
        let store = Arc::clone(&self.store);
        let log = store.log();
        let examined = match &mut self.target {
            Target::All {
                next_index,
                checkpoint,
                filter,
            } => fill_all(
                &log,
                next_index,
                checkpoint,
                filter.as_mut(),
                self.format,
                &mut self.pending,
            ),
            Target::Stream {
                name,
                next_revision,
                checkpoint,
            } => fill_stream(
                &log,
                name,
                next_revision,
                checkpoint,
                self.format,
                &mut self.pending,
            ),
        };
        drop(log);
        if examined > 0 {
            return true;
        }
        if self.caught_up {
            return false;
        }
        self.caught_up = true;
        let caught_up = self.caught_up_message();
        self.pending.push_back(caught_up);
        true
    }

    fn caught_up_message(&mut self) -> ReadResp {
        let mut caught_up = CaughtUp {
            timestamp: Some(convert::timestamp_now()),
            stream_revision: None,
            position: None,
        };
        match &mut self.target {
            Target::All {
                checkpoint, filter, ..
            } => {
                if let (Some(state), Some(position)) = (filter, *checkpoint)
                    && state.checkpoint_on_catching_up
                    && state.last_checkpoint != Some(position)
                {
                    self.pending.push_back(checkpoint_message(position));
                    state.last_checkpoint = Some(position);
                    state.examined_since_checkpoint = 0;
                }
                caught_up.position = checkpoint.map(convert::read_position);
            }
            Target::Stream { checkpoint, .. } => {
                caught_up.stream_revision = checkpoint.and_then(|r| i64::try_from(r).ok());
            }
        }
        ReadResp {
            content: Some(read_resp::Content::CaughtUp(caught_up)),
        }
    }
}

fn fill_all(
    log: &Log,
    next_index: &mut usize,
    checkpoint: &mut Option<LogPosition>,
    mut filter: Option<&mut FilterState>,
    format: UuidFormat,
    pending: &mut VecDeque<ReadResp>,
) -> usize {
    let records = log.records_from(*next_index);
    let batch = &records[..records.len().min(BATCH)];
    for record in batch {
        *checkpoint = Some(record.position);
        let visible = !filter::hidden_from_all(record);
        match filter.as_deref_mut() {
            None if visible => pending.push_back(convert::event_message(record, format)),
            None => {}
            Some(state) => {
                if visible && state.filter.matches(record) {
                    pending.push_back(convert::event_message(record, format));
                }
                state.examined_since_checkpoint += 1;
                if state.examined_since_checkpoint >= state.filter.checkpoint_interval {
                    state.examined_since_checkpoint = 0;
                    state.last_checkpoint = Some(record.position);
                    pending.push_back(checkpoint_message(record.position));
                }
            }
        }
    }
    *next_index += batch.len();
    batch.len()
}

fn fill_stream(
    log: &Log,
    name: &str,
    next_revision: &mut u64,
    checkpoint: &mut Option<u64>,
    format: UuidFormat,
    pending: &mut VecDeque<ReadResp>,
) -> usize {
    let mut examined = 0;
    while examined < BATCH {
        let Some(record) = log.at_revision(name, *next_revision) else {
            break;
        };
        pending.push_back(convert::event_message(record, format));
        *checkpoint = Some(record.revision);
        *next_revision += 1;
        examined += 1;
    }
    examined
}

fn checkpoint_message(position: LogPosition) -> ReadResp {
    ReadResp {
        content: Some(read_resp::Content::Checkpoint(Checkpoint {
            commit_position: position.commit,
            prepare_position: position.prepare,
            timestamp: Some(convert::timestamp_now()),
        })),
    }
}
