//! The read-model file: one SQLite database, apart from the event log, holding the tables
//! of every projection and their checkpoints.

use crate::error::ProjectionError;
use crate::sql;
use rusqlite::{Connection, OpenFlags, OptionalExtension};
use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

/// How long a writer waits for another writer of the same file (a long swap, say).
const WRITE_BUSY_TIMEOUT: Duration = Duration::from_secs(60);
/// How long a reader waits for a lock (only checkpoints of the WAL take one).
const READ_BUSY_TIMEOUT: Duration = Duration::from_secs(5);

/// Where a projection's tables are: its position in the log and the version that built it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Checkpoint {
    /// Every event at or below this position has been applied or filtered out.
    pub position: u64,
    /// The [`crate::Projection::version`] that built the tables.
    pub version: u32,
}

/// The read-model SQLite file. Cheap to clone.
///
/// WAL mode with `synchronous=NORMAL`: a power cut may lose the last few batches, but rows
/// and checkpoint roll back together, so the projector simply applies them again.
#[derive(Debug, Clone)]
pub struct ReadModels {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    path: PathBuf,
    /// Projections running in this process, so one is never run twice at once.
    running: Mutex<HashSet<String>>,
}

impl ReadModels {
    /// Opens (creating if needed) the read-model file at `path`.
    pub fn open(path: impl AsRef<Path>) -> Result<Self, ProjectionError> {
        let path = path.as_ref().to_path_buf();
        let conn = open_writer(&path)?;
        conn.execute_batch(sql::CHECKPOINTS_DDL)?;
        Ok(Self {
            inner: Arc::new(Inner {
                path,
                running: Mutex::new(HashSet::new()),
            }),
        })
    }

    /// The file.
    pub fn path(&self) -> &Path {
        &self.inner.path
    }

    /// A read-only connection for queries. It sees each committed batch (or rebuild) as a
    /// whole, never half of one.
    pub fn reader(&self) -> Result<Connection, ProjectionError> {
        let conn = Connection::open_with_flags(
            &self.inner.path,
            OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )?;
        conn.busy_timeout(READ_BUSY_TIMEOUT)?;
        // Queries keep more statements than rusqlite's default 16 (a history reads four
        // read models), each kept prepared whatever is bound (`stable_plans`).
        conn.set_prepared_statement_cache_capacity(64);
        stable_plans(&conn)?;
        Ok(conn)
    }

    /// The checkpoint of a projection, or `None` if it never ran here. Blocking (one small
    /// query); async code can ask a running projector's handle instead.
    pub fn checkpoint(&self, projection: &str) -> Result<Option<Checkpoint>, ProjectionError> {
        read_checkpoint(&self.reader()?, projection)
    }

    pub(crate) fn writer(&self) -> Result<Connection, ProjectionError> {
        open_writer(&self.inner.path)
    }

    /// Marks a projection as running until the lease is dropped.
    pub(crate) fn lease(&self, projection: &str) -> Result<Lease, ProjectionError> {
        let mut running = self
            .inner
            .running
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        if !running.insert(projection.to_owned()) {
            return Err(ProjectionError::AlreadyRunning {
                projection: projection.to_owned(),
            });
        }
        Ok(Lease {
            models: self.clone(),
            projection: projection.to_owned(),
        })
    }
}

/// A projection's claim to run in this process; released on drop.
#[derive(Debug)]
pub(crate) struct Lease {
    models: ReadModels,
    projection: String,
}

impl Drop for Lease {
    fn drop(&mut self) {
        let mut running = self
            .models
            .inner
            .running
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        running.remove(&self.projection);
    }
}

fn open_writer(path: &Path) -> Result<Connection, ProjectionError> {
    let conn = Connection::open(path)?;
    conn.busy_timeout(WRITE_BUSY_TIMEOUT)?;
    conn.execute_batch(
        "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA cache_size = -65536; PRAGMA wal_autocheckpoint = 16384;",
    )?;
    conn.set_prepared_statement_cache_capacity(64);
    stable_plans(&conn)?;
    Ok(conn)
}

/// Turns on SQLite's query planner stability guarantee (QPSG). Since SQLite 3.54 a statement
/// whose LIMIT or comparison takes a bound integer is re-prepared whenever that value
/// changes, because the planner reads bound values; a cached statement then parses its SQL
/// again on every use. With QPSG a prepared statement keeps its plan whatever is bound.
pub(crate) fn stable_plans(conn: &Connection) -> Result<(), ProjectionError> {
    conn.set_db_config(
        rusqlite::config::DbConfig::SQLITE_DBCONFIG_ENABLE_QPSG,
        true,
    )?;
    Ok(())
}

pub(crate) fn read_checkpoint(
    conn: &Connection,
    projection: &str,
) -> Result<Option<Checkpoint>, ProjectionError> {
    let row = conn
        .prepare_cached(sql::GET_CHECKPOINT)?
        .query_row([projection], |r| {
            Ok((r.get::<_, i64>(0)?, r.get::<_, i64>(1)?))
        })
        .optional()?;
    Ok(row.map(|(p, v)| Checkpoint {
        position: p as u64,
        version: v as u32,
    }))
}
