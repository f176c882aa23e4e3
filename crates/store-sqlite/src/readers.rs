//! A small pool of read-only connections. Reads run on the blocking thread pool, each on
//! its own WAL snapshot, so they never wait for the writer nor hold it up.

use crate::errors::map;
use event_store::StoreError;
use rusqlite::config::DbConfig;
use rusqlite::{Connection, OpenFlags};
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use tokio::sync::Semaphore;

#[derive(Debug)]
pub(crate) struct Readers {
    path: PathBuf,
    idle: Mutex<Vec<Connection>>,
    permits: Semaphore,
}

impl Readers {
    pub(crate) fn new(path: PathBuf, max: usize) -> Self {
        Self {
            path,
            idle: Mutex::new(Vec::new()),
            permits: Semaphore::new(max.max(1)),
        }
    }

    fn open(&self) -> Result<Connection, StoreError> {
        let conn = Connection::open_with_flags(
            &self.path,
            OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .map_err(map)?;
        conn.busy_timeout(std::time::Duration::from_secs(5))
            .map_err(map)?;
        conn.execute_batch("PRAGMA cache_size = -16384; PRAGMA mmap_size = 268435456;")
            .map_err(map)?;
        conn.set_prepared_statement_cache_capacity(32);
        // The query planner stability guarantee: since SQLite 3.54 a statement whose LIMIT or
        // comparison takes a bound integer is re-prepared whenever that value changes (the
        // planner reads bound values), which made every cached stream read parse its SQL
        // again; with QPSG a prepared statement's plan stays, whatever is bound.
        conn.set_db_config(DbConfig::SQLITE_DBCONFIG_ENABLE_QPSG, true)
            .map_err(map)?;
        Ok(conn)
    }

    /// Runs `f` on a pooled connection, off the async threads.
    pub(crate) async fn run<R, F>(self: &Arc<Self>, f: F) -> Result<R, StoreError>
    where
        R: Send + 'static,
        F: FnOnce(&Connection) -> Result<R, StoreError> + Send + 'static,
    {
        let _permit = self
            .permits
            .acquire()
            .await
            .map_err(|_| StoreError::Closed)?;
        let this = self.clone();
        tokio::task::spawn_blocking(move || {
            let pooled = this.idle.lock().ok().and_then(|mut v| v.pop());
            let conn = match pooled {
                Some(c) => c,
                None => this.open()?,
            };
            let result = f(&conn);
            if let Ok(mut idle) = this.idle.lock() {
                idle.push(conn);
            }
            result
        })
        .await
        .map_err(|e| StoreError::Internal(format!("a read task failed: {e}")))?
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{SqliteOptions, SqliteStore, queries, row};
    use event_store::{Direction, StreamName};
    use rusqlite::StatementStatus;

    #[tokio::test]
    async fn a_cached_stream_read_is_not_prepared_again_for_other_bound_values() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("log.db");
        let store = SqliteStore::open(&path, SqliteOptions::default()).unwrap();
        let conn = Readers::new(path, 1).open().unwrap();
        let stream = StreamName::new("cadre-1").unwrap();
        for (from, limit) in [(1, 10), (5, 100), (2, usize::MAX), (7, 3)] {
            row::read_stream(&conn, &stream, Direction::Forward, from, limit).unwrap();
        }
        let statement = conn.prepare_cached(queries::READ_STREAM_FORWARD).unwrap();
        // Without the planner's stability guarantee SQLite 3.54 re-prepares it at each
        // new LIMIT or starting version: at every one of these reads.
        assert_eq!(statement.get_status(StatementStatus::RePrepare), 0);
        drop(statement);
        store.close().await;
    }
}
