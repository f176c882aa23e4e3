//! The queue in front of a backend's single writer, shared by the backends that group
//! commits: callers put appends (and imports) in it and wait for their own answer; the
//! writer takes the first request waiting, gathers every append behind it into one batch
//! ([`gather`]), commits the batch at once and answers each caller.

use crate::copy::CopiedEvent;
use crate::envelope::{AppendResult, ExpectedVersion, NewEvent, validate_append};
use crate::error::StoreError;
use crate::names::StreamName;
use std::sync::Mutex;
use tokio::sync::{mpsc, oneshot, watch};

/// One caller's append, waiting for the writer.
#[derive(Debug)]
pub struct AppendRequest {
    pub stream: StreamName,
    pub expected: ExpectedVersion,
    pub events: Vec<NewEvent>,
    pub reply: oneshot::Sender<Result<AppendResult, StoreError>>,
}

/// A copy of another log's events, waiting for the writer (`EventStore::import`).
#[derive(Debug)]
pub struct ImportRequest {
    pub events: Vec<CopiedEvent>,
    pub reply: oneshot::Sender<Result<u64, StoreError>>,
}

/// What the writer is asked to do.
#[derive(Debug)]
pub enum Request {
    Append(AppendRequest),
    Import(ImportRequest),
}

/// The callers' side of the queue. Closing it lets the writer finish what it holds and
/// stop; a caller then gets [`StoreError::Closed`].
#[derive(Debug)]
pub struct WriteQueue {
    sender: Mutex<Option<mpsc::Sender<Request>>>,
}

/// Requests waiting at most before callers wait to put theirs in.
const CAPACITY: usize = 4096;

impl WriteQueue {
    /// A queue and the receiving end for its writer.
    pub fn new() -> (Self, mpsc::Receiver<Request>) {
        let (tx, rx) = mpsc::channel(CAPACITY);
        (
            Self {
                sender: Mutex::new(Some(tx)),
            },
            rx,
        )
    }

    /// Refuses requests from now on; the writer ends once it has answered those queued.
    pub fn close(&self) {
        self.lock().take();
    }

    /// Appends through the writer: checked first, then queued, then the writer's answer.
    pub async fn append(
        &self,
        stream: &StreamName,
        expected: ExpectedVersion,
        events: Vec<NewEvent>,
    ) -> Result<AppendResult, StoreError> {
        validate_append(&events)?;
        let (reply, answer) = oneshot::channel();
        let request = AppendRequest {
            stream: stream.clone(),
            expected,
            events,
            reply,
        };
        self.send(Request::Append(request), answer).await
    }

    /// Imports through the writer.
    pub async fn import(&self, events: Vec<CopiedEvent>) -> Result<u64, StoreError> {
        let (reply, answer) = oneshot::channel();
        self.send(Request::Import(ImportRequest { events, reply }), answer)
            .await
    }

    async fn send<T>(
        &self,
        request: Request,
        answer: oneshot::Receiver<Result<T, StoreError>>,
    ) -> Result<T, StoreError> {
        let sender = self.lock().clone().ok_or(StoreError::Closed)?;
        sender.send(request).await.map_err(|_| StoreError::Closed)?;
        // A writer gone before answering was stopped.
        answer.await.map_err(|_| StoreError::Closed)?
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Option<mpsc::Sender<Request>>> {
        self.sender
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

/// Gathers the appends queued behind `first` into one batch, until the batch holds
/// `max_events` events, the queue is empty, or an import comes (returned, to be handled
/// after the batch).
pub fn gather(
    first: AppendRequest,
    rx: &mut mpsc::Receiver<Request>,
    max_events: usize,
) -> (Vec<AppendRequest>, Option<Request>) {
    let mut events = first.events.len();
    let mut batch = vec![first];
    while events < max_events {
        match rx.try_recv() {
            Ok(Request::Append(next)) => {
                events += next.events.len();
                batch.push(next);
            }
            Ok(import) => return (batch, Some(import)),
            Err(_) => break,
        }
    }
    (batch, None)
}

/// Moves a head watch forward (never back); tells the watchers only if it moved.
pub fn advance(head: &watch::Sender<u64>, new_head: u64) {
    head.send_if_modified(|h| {
        let moved = new_head > *h;
        *h = (*h).max(new_head);
        moved
    });
}
