//! The blocking half of an export: Merkle read-model queries, formatting the lines and gzip,
//! run on tokio's blocking threads with the connection and the encoder moved there and back.

use std::io::Write as _;

use bytes::Bytes;
use event_store::{RecordedEvent, canonical_json};
use evidence::{Checkpoint, Hash, Nodes as _};
use flate2::Compression;
use flate2::write::GzEncoder;
use projector::ReadModels;
use rusqlite::Connection;

use crate::error::ExportError;
use crate::format::write_event_line;

/// A value that lives on blocking threads between uses.
#[derive(Debug)]
pub(crate) struct OffThread<W> {
    /// `None` only while a task has it (or after a task died with it).
    inner: Option<W>,
}

impl OffThread<Worker> {
    /// Opens a read connection to the read-model file.
    pub async fn open(models: ReadModels, gzip: bool) -> Result<Self, ExportError> {
        let worker = tokio::task::spawn_blocking(move || Worker::open(&models, gzip))
            .await
            .map_err(|e| ExportError::Task(e.to_string()))??;
        Ok(Self {
            inner: Some(worker),
        })
    }
}

impl<W: Send + 'static> OffThread<W> {
    /// Runs `f` on a blocking thread with the value.
    pub async fn run<T: Send + 'static>(
        &mut self,
        f: impl FnOnce(&mut W) -> Result<T, ExportError> + Send + 'static,
    ) -> Result<T, ExportError> {
        let mut inner = self
            .inner
            .take()
            .ok_or_else(|| ExportError::Task("an earlier task failed".into()))?;
        let (inner, result) = tokio::task::spawn_blocking(move || {
            let result = f(&mut inner);
            (inner, result)
        })
        .await
        .map_err(|e| ExportError::Task(e.to_string()))?;
        self.inner = Some(inner);
        result
    }
}

/// The read connection, the page being formatted and where it goes.
pub(crate) struct Worker {
    conn: Connection,
    page: Vec<u8>,
    gzip: Option<GzEncoder<Vec<u8>>>,
}

impl std::fmt::Debug for Worker {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Worker")
            .field("gzip", &self.gzip.is_some())
            .finish_non_exhaustive()
    }
}

impl Worker {
    fn open(models: &ReadModels, gzip: bool) -> Result<Self, ExportError> {
        Ok(Self {
            conn: models.reader()?,
            page: Vec::new(),
            // Level 6, zlib's default: exports are archived and sent, and JSON packs ~8:1.
            gzip: gzip.then(|| GzEncoder::new(Vec::new(), Compression::default())),
        })
    }

    /// Fails unless the tree holds the checkpoint's size and has its root there.
    pub fn check_tree(&mut self, checkpoint: &Checkpoint) -> Result<(), ExportError> {
        let tree_size = checkpoint.tree_size;
        let projected = match merkle::size(&self.conn) {
            Ok(size) => size,
            // The merkle projection never ran on this file.
            Err(rusqlite::Error::SqliteFailure(_, Some(msg))) if msg.contains("no such table") => 0,
            Err(e) => return Err(e.into()),
        };
        if projected < tree_size {
            return Err(ExportError::NotCaughtUp {
                projected,
                tree_size,
            });
        }
        if merkle::root(&self.conn, tree_size)? != checkpoint.root {
            return Err(ExportError::CheckpointMismatch { tree_size });
        }
        Ok(())
    }

    /// The roots of the perfect subtrees of the first `size` leaves, largest first.
    pub fn frontier(&mut self, size: u64) -> Result<Vec<Hash>, ExportError> {
        let tree = merkle::Tree(&self.conn);
        let mut start = 0u64;
        let mut frontier = Vec::new();
        for level in (0..64u32).rev().filter(|level| (size >> level) & 1 == 1) {
            frontier.push(tree.node(level, start >> level)?);
            start += 1 << level;
        }
        Ok(frontier)
    }

    pub fn write_header(&mut self, line: &[u8]) -> Result<Bytes, ExportError> {
        self.page.extend_from_slice(line);
        self.emit()
    }

    /// The lines of a complete export's page, which must start at position `next`.
    pub fn write_complete(
        &mut self,
        events: &[RecordedEvent],
        next: u64,
    ) -> Result<Bytes, ExportError> {
        let (Some(first), Some(last)) = (events.first(), events.last()) else {
            return Ok(Bytes::new());
        };
        let leaves = merkle::leaves(&self.conn, first.position, last.position)?;
        for (i, e) in events.iter().enumerate() {
            let position = next + i as u64;
            if e.position != position {
                return Err(ExportError::EventMissing { position });
            }
            match leaves.get(i) {
                Some(&(p, leaf)) if p == position => {
                    write_event_line(&mut self.page, &leaf, None, &canonical_json(e));
                }
                _ => return Err(ExportError::LeafMissing { position }),
            }
        }
        self.emit()
    }

    /// The lines of a filtered export's page, each with its inclusion proof in the tree of
    /// `tree_size` leaves.
    pub fn write_filtered(
        &mut self,
        events: &[RecordedEvent],
        tree_size: u64,
    ) -> Result<Bytes, ExportError> {
        let tree = merkle::Tree(&self.conn);
        for e in events {
            let position = e.position;
            let leaf = match tree.node(0, position - 1) {
                Ok(leaf) => leaf,
                Err(rusqlite::Error::QueryReturnedNoRows) => {
                    return Err(ExportError::LeafMissing { position });
                }
                Err(e) => return Err(e.into()),
            };
            let proof = merkle::inclusion(&self.conn, position, tree_size)?;
            write_event_line(&mut self.page, &leaf, Some(&proof), &canonical_json(e));
        }
        self.emit()
    }

    /// The end of the gzip member, if any.
    pub fn finish(&mut self) -> Result<Bytes, ExportError> {
        match &mut self.gzip {
            Some(gz) => {
                gz.try_finish()?;
                Ok(Bytes::from(std::mem::take(gz.get_mut())))
            }
            None => Ok(Bytes::new()),
        }
    }

    /// Hands the formatted page on: as it is, or through the encoder (whose output so far
    /// is the chunk; it keeps at most its window and buffers).
    fn emit(&mut self) -> Result<Bytes, ExportError> {
        match &mut self.gzip {
            Some(gz) => {
                gz.write_all(&self.page)?;
                self.page.clear();
                Ok(Bytes::from(std::mem::take(gz.get_mut())))
            }
            None => {
                let capacity = self.page.capacity();
                let page = std::mem::replace(&mut self.page, Vec::with_capacity(capacity));
                Ok(Bytes::from(page))
            }
        }
    }
}
