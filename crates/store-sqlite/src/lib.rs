//! The embedded event store: one SQLite file in WAL mode.
//!
//! - **Durable**: `synchronous=FULL`, so the WAL is fsynced before an append is acknowledged.
//! - **Group commit**: one writer thread drains every append waiting in its queue into one
//!   transaction and one sync; each append still gets its own success or conflict.
//! - **Readers never block the writer**: reads use their own connections on a WAL snapshot.
//! - **Append-only**: triggers in the schema refuse `UPDATE` and `DELETE` on the log.
//! - **Streams indexed in folds**: a commit writes the events alone; every few commits (or few
//!   thousand events) one also folds them into the stream index, sorted by stream (ADR 0023).

mod bulk;
mod checkpointer;
mod errors;
mod migrate;
mod queries;
mod readers;
mod row;
mod writer;

use async_trait::async_trait;
pub use bulk::BulkLoad;
pub use checkpointer::WalLimits;
use event_store::queue::WriteQueue;
use event_store::{
    AppendResult, Clock, CopiedEvent, Direction, EventStore, ExpectedVersion, Filter, NewEvent,
    ReadAllPage, RecordedEvent, StoreError, StreamName, SystemClock,
};
use readers::Readers;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use tokio::sync::watch;
use writer::Writer;

/// Settings of a [`SqliteStore`].
#[derive(Debug, Clone)]
pub struct SqliteOptions {
    /// Most read connections open at once.
    pub max_readers: usize,
    /// Most events the writer puts in one transaction.
    pub max_batch_events: usize,
    /// Where `recorded_at` comes from.
    pub clock: Arc<dyn Clock>,
    /// When the WAL is copied back into the main file.
    pub wal: WalLimits,
    /// How many events may gather after the stream index's last fold before the writer
    /// folds them in (ADR 0023): more makes a group commit to many streams write fewer index
    /// pages, and a stream read scan a longer end of the log.
    pub stream_fold_at: u64,
    /// How many commits may pass after the stream index's last fold before one folds what
    /// they wrote, however few events: a log of small commits (a quiet service, one command
    /// after another) keeps only a few events for stream reads to scan.
    pub stream_fold_commits: u32,
}

impl Default for SqliteOptions {
    fn default() -> Self {
        Self {
            max_readers: 8,
            max_batch_events: 20_000,
            clock: Arc::new(SystemClock),
            wal: WalLimits::default(),
            stream_fold_at: 4_096,
            stream_fold_commits: 64,
        }
    }
}

/// The SQLite event store. Cheap to clone; the writer thread stops when the last clone is
/// dropped or [`SqliteStore::close`] is called.
#[derive(Debug, Clone)]
pub struct SqliteStore {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    path: PathBuf,
    queue: WriteQueue,
    writer: Mutex<Option<std::thread::JoinHandle<()>>>,
    head: watch::Receiver<u64>,
    readers: Arc<Readers>,
}

impl SqliteStore {
    /// Opens (creating if needed) the store in the file at `path`.
    pub fn open(path: impl AsRef<Path>, options: SqliteOptions) -> Result<Self, StoreError> {
        let path = path.as_ref().to_path_buf();
        let (writer, head) = Writer::open(
            &path,
            options.clock.clone(),
            options.max_batch_events,
            writer::Folding {
                at: options.stream_fold_at,
                commits: options.stream_fold_commits,
            },
        )?;
        let thread_error = |e| StoreError::Internal(format!("cannot start a store thread: {e}"));
        let (nudge, checkpointer) = checkpointer::start(&path).map_err(thread_error)?;
        let writer = writer.with_checkpointer(nudge, options.wal)?;
        let (queue, rx) = WriteQueue::new();
        let (head_tx, head_rx) = watch::channel(head);
        let handle = std::thread::Builder::new()
            .name("sqlite-writer".into())
            .spawn(move || {
                writer.run(rx, head_tx);
                // The writer (and its nudge) is gone: the checkpointer finishes too.
                let _ = checkpointer.join();
            })
            .map_err(thread_error)?;
        Ok(Self {
            inner: Arc::new(Inner {
                readers: Arc::new(Readers::new(path.clone(), options.max_readers)),
                path,
                queue,
                writer: Mutex::new(Some(handle)),
                head: head_rx,
            }),
        })
    }

    /// Opens the store named by a URL: `sqlite://relative/path.db` or
    /// `sqlite:///absolute/path.db`.
    pub fn open_url(url: &str, options: SqliteOptions) -> Result<Self, StoreError> {
        Self::open(path_from_url(url)?, options)
    }

    /// The file holding the log.
    pub fn path(&self) -> &Path {
        &self.inner.path
    }

    /// Stops accepting appends, lets the writer finish what it has, and waits for it.
    pub async fn close(&self) {
        let inner = self.inner.clone();
        // Joining blocks; do it off the async threads.
        let _ = tokio::task::spawn_blocking(move || inner.shut_down()).await;
    }
}

impl Inner {
    fn shut_down(&self) {
        self.queue.close();
        if let Some(handle) = lock(&self.writer).take() {
            let _ = handle.join();
        }
    }
}

impl Drop for Inner {
    fn drop(&mut self) {
        self.shut_down();
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// The file path of a `sqlite:` URL.
pub fn path_from_url(url: &str) -> Result<PathBuf, StoreError> {
    let rest = url
        .strip_prefix("sqlite://")
        .or_else(|| url.strip_prefix("sqlite:"))
        .ok_or_else(|| StoreError::Unavailable(format!("{url:?} is not a sqlite:// URL")))?;
    if rest.is_empty() {
        return Err(StoreError::Unavailable(format!(
            "{url:?} names no file (try sqlite://dutytrace.db)"
        )));
    }
    Ok(PathBuf::from(rest))
}

#[async_trait]
impl EventStore for SqliteStore {
    async fn append(
        &self,
        stream: &StreamName,
        expected: ExpectedVersion,
        events: Vec<NewEvent>,
    ) -> Result<AppendResult, StoreError> {
        self.inner.queue.append(stream, expected, events).await
    }

    async fn read_stream(
        &self,
        stream: &StreamName,
        direction: Direction,
        from: u64,
        limit: usize,
    ) -> Result<Vec<RecordedEvent>, StoreError> {
        let stream = stream.clone();
        self.inner
            .readers
            .run(move |conn| row::read_stream(conn, &stream, direction, from, limit))
            .await
    }

    async fn read_streams(
        &self,
        streams: &[StreamName],
    ) -> Result<Vec<Vec<RecordedEvent>>, StoreError> {
        let streams = streams.to_vec();
        self.inner
            .readers
            .run(move |conn| row::read_streams(conn, &streams))
            .await
    }

    async fn stream_version(&self, stream: &StreamName) -> Result<u64, StoreError> {
        let stream = stream.clone();
        self.inner
            .readers
            .run(move |conn| row::stream_version(conn, stream.as_str()))
            .await
    }

    async fn read_all(
        &self,
        from: u64,
        filter: &Filter,
        limit: usize,
    ) -> Result<ReadAllPage, StoreError> {
        let filter = filter.clone();
        self.inner
            .readers
            .run(move |conn| row::read_all(conn, from, &filter, limit))
            .await
    }

    async fn head(&self) -> Result<u64, StoreError> {
        self.inner.readers.run(row::head).await
    }

    fn watch_head(&self) -> watch::Receiver<u64> {
        self.inner.head.clone()
    }

    async fn read_for_copy(&self, from: u64, limit: usize) -> Result<Vec<CopiedEvent>, StoreError> {
        self.inner
            .readers
            .run(move |conn| row::read_for_copy(conn, from, limit))
            .await
    }

    async fn import(&self, events: Vec<CopiedEvent>) -> Result<u64, StoreError> {
        if events.is_empty() {
            return self.head().await;
        }
        self.inner.queue.import(events).await
    }
}
