//! Making an export: checks first (request, checkpoint, read model), a survey pass for the
//! header, then the events a page at a time, in constant memory.

mod pages;
mod plan;
mod worker;

use std::sync::Arc;

use bytes::Bytes;
use event_store::{EventStore, RecordedEvent};
use evidence::{PublicKey, SignedCheckpoint};
use futures::{Stream, StreamExt as _, TryStreamExt as _};
use projector::ReadModels;
use tokio::io::{AsyncWrite, AsyncWriteExt as _};

use crate::error::ExportError;
use crate::format::{FORMAT, Header, hex_list};
use crate::request::{ExportRequest, RequestError};
use pages::Pages;
use plan::Plan;
use worker::{OffThread, Worker};

/// An export that passed its checks and knows its header: stream it with
/// [`Export::into_stream`]. Preparing first lets an HTTP handler answer a bad request or a
/// read model that is behind with an error status instead of a broken body.
#[derive(Debug)]
pub struct Export {
    store: Arc<dyn EventStore>,
    worker: OffThread<Worker>,
    plan: Plan,
    header: Header,
}

impl Export {
    /// Checks the request, that `checkpoint` verifies with `public_key`, that the Merkle read
    /// model has caught up to the checkpoint and has its root, then reads the export's events
    /// once (without hashing) for the header's count and schema ids.
    pub async fn prepare(
        store: Arc<dyn EventStore>,
        models: ReadModels,
        request: ExportRequest,
        checkpoint: SignedCheckpoint,
        public_key: PublicKey,
    ) -> Result<Self, ExportError> {
        request.validate()?;
        checkpoint
            .verify(&public_key)
            .map_err(ExportError::Checkpoint)?;
        let tree_size = checkpoint.checkpoint.tree_size;
        if request.after > tree_size {
            return Err(RequestError::AfterBeyondCheckpoint {
                after: request.after,
                tree_size,
            }
            .into());
        }
        let mut worker = OffThread::open(models, request.gzip).await?;
        let signed = checkpoint.checkpoint.clone();
        worker.run(move |w| w.check_tree(&signed)).await?;

        let mut plan = Plan::make(&store, &request, tree_size).await?;
        let survey = plan.survey(&store).await?;
        let frontier = if plan.complete && plan.from > 1 {
            let size = plan.from - 1;
            worker.run(move |w| w.frontier(size)).await?
        } else {
            Vec::new()
        };
        let header = Header {
            format: FORMAT.to_owned(),
            origin: checkpoint.checkpoint.origin.clone(),
            public_key: public_key.to_hex(),
            checkpoint,
            from_position: plan.from,
            to_position: plan.to,
            complete: plan.complete,
            events: survey.events,
            filter: plan.filter.clone(),
            frontier: hex_list(&frontier),
            schemas: survey.schemas.into_iter().collect(),
        };
        Ok(Self {
            store,
            worker,
            plan,
            header,
        })
    }

    /// The header line the export starts with.
    pub fn header(&self) -> &Header {
        &self.header
    }

    /// The export's bytes (gzipped if asked), a chunk per page of events.
    pub fn into_stream(self) -> impl Stream<Item = Result<Bytes, ExportError>> + Send + 'static {
        let mut header = serde_json::to_vec(&self.header).unwrap_or_default();
        header.push(b'\n');
        let running = Running {
            pages: Pages::new(self.store, &self.plan),
            worker: self.worker,
            next: self.plan.from,
            plan: self.plan,
            header: Some(header),
            written: 0,
            finished: false,
        };
        futures::stream::try_unfold(running, Running::step)
    }
}

/// Streams the export of `request` against `checkpoint` (see [`Export::prepare`] for the
/// checks, which surface as the stream's first item). The caller lets the Merkle read model
/// catch up to the checkpoint first.
pub fn export(
    store: Arc<dyn EventStore>,
    models: ReadModels,
    request: ExportRequest,
    checkpoint: SignedCheckpoint,
    public_key: PublicKey,
) -> impl Stream<Item = Result<Bytes, ExportError>> + Send + 'static {
    futures::stream::once(Export::prepare(
        store, models, request, checkpoint, public_key,
    ))
    .map_ok(Export::into_stream)
    .try_flatten()
}

/// Writes the export to `out` (a file, stdout) and returns the number of bytes written.
pub async fn write_to(
    store: Arc<dyn EventStore>,
    models: ReadModels,
    request: ExportRequest,
    checkpoint: SignedCheckpoint,
    public_key: PublicKey,
    mut out: impl AsyncWrite + Unpin,
) -> Result<u64, ExportError> {
    let mut stream = std::pin::pin!(export(store, models, request, checkpoint, public_key));
    let mut written = 0u64;
    while let Some(chunk) = stream.next().await {
        let chunk = chunk?;
        out.write_all(&chunk).await?;
        written += chunk.len() as u64;
    }
    out.flush().await?;
    Ok(written)
}

/// The state of a running export between two chunks.
struct Running {
    pages: Pages,
    worker: OffThread<Worker>,
    plan: Plan,
    /// The header line, until it is written.
    header: Option<Vec<u8>>,
    /// The next position a complete export must write.
    next: u64,
    /// Event lines written.
    written: u64,
    finished: bool,
}

impl Running {
    /// The next non-empty chunk, or `None` at the end.
    async fn step(mut self) -> Result<Option<(Bytes, Self)>, ExportError> {
        while !self.finished {
            let chunk = if let Some(header) = self.header.take() {
                self.worker.run(move |w| w.write_header(&header)).await?
            } else if let Some(events) = self.pages.next().await? {
                self.write(events).await?
            } else {
                self.finished = true;
                if self.written != self.plan.events {
                    return Err(ExportError::Changed(format!(
                        "{} events were announced and {} written",
                        self.plan.events, self.written
                    )));
                }
                self.worker.run(Worker::finish).await?
            };
            if !chunk.is_empty() {
                return Ok(Some((chunk, self)));
            }
        }
        Ok(None)
    }

    async fn write(&mut self, events: Vec<RecordedEvent>) -> Result<Bytes, ExportError> {
        self.written += events.len() as u64;
        if self.plan.complete {
            let next = self.next;
            self.next += events.len() as u64;
            self.worker
                .run(move |w| w.write_complete(&events, next))
                .await
        } else {
            let tree_size = self.plan.tree_size;
            self.worker
                .run(move |w| w.write_filtered(&events, tree_size))
                .await
        }
    }
}

impl std::fmt::Debug for Running {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Running")
            .field("next", &self.next)
            .field("written", &self.written)
            .finish_non_exhaustive()
    }
}
