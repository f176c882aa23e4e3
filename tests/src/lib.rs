//! Helpers for the black-box tests: harnesses that let the shared store contract
//! (`store-contract`) run against each backend.

pub mod faults;
pub mod kurrent;
pub mod postgres;
pub mod server;

use async_trait::async_trait;
use event_store::EventStore;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use store_contract::Harness;
use store_sqlite::{SqliteOptions, SqliteStore};

/// One SQLite file in its own temporary directory (removed when the harness is dropped).
#[derive(Debug)]
pub struct SqliteHarness {
    _dir: tempfile::TempDir,
    path: PathBuf,
    options: SqliteOptions,
    open: Mutex<Vec<SqliteStore>>,
}

impl SqliteHarness {
    /// A harness on a new, empty location.
    pub fn new() -> Self {
        let dir = tempfile::tempdir().expect("a temporary directory");
        let path = dir.path().join("events.db");
        Self {
            _dir: dir,
            path,
            options: SqliteOptions::default(),
            open: Mutex::new(Vec::new()),
        }
    }

    /// A harness whose stores fold their stream index every `events` events or every
    /// second commit (ADR 0023), so that a case's streams lie partly in the index and partly
    /// at the end of the log.
    pub fn folding_every(events: u64) -> Self {
        Self {
            options: SqliteOptions {
                stream_fold_at: events,
                stream_fold_commits: 2,
                ..SqliteOptions::default()
            },
            ..Self::new()
        }
    }

    fn opened(&self) -> std::sync::MutexGuard<'_, Vec<SqliteStore>> {
        self.open
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

impl Default for SqliteHarness {
    fn default() -> Self {
        Self::new()
    }
}

#[async_trait]
impl Harness for SqliteHarness {
    async fn open(&self) -> Arc<dyn EventStore> {
        let store = SqliteStore::open(&self.path, self.options.clone())
            .unwrap_or_else(|e| panic!("cannot open {}: {e}", self.path.display()));
        self.opened().push(store.clone());
        Arc::new(store)
    }

    async fn close(&self, store: Arc<dyn EventStore>) {
        drop(store);
        let stores: Vec<_> = self.opened().drain(..).collect();
        for s in stores {
            s.close().await;
        }
    }

    fn url(&self) -> String {
        format!("sqlite://{}", self.path.display())
    }
}
