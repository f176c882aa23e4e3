//! Opening the event store, its read models and its credential file, named by a store URL.

use anyhow::{Context, bail};
use auth::CredentialStore;
use event_store::{Clock, EventStore};
use projector::ReadModels;
use std::path::PathBuf;
use std::sync::Arc;
use store_sqlite::{SqliteOptions, SqliteStore};

/// An opened store: the event log, where its read models live, and the credential file
/// (passwords and sessions, kept out of the log: ADR 0007).
#[derive(Debug, Clone)]
pub struct Opened {
    pub log: Arc<dyn EventStore>,
    pub models: ReadModels,
    pub auth: Arc<CredentialStore>,
    /// The SQLite backend, when that is the backend (for `close`).
    sqlite: Option<SqliteStore>,
    /// The log file, when the log is one (the webhook outbox's file goes beside it).
    pub path: Option<PathBuf>,
}

impl Opened {
    /// Flushes and closes the log.
    pub async fn close(&self) {
        if let Some(s) = &self.sqlite {
            s.close().await;
        }
    }
}

/// The read-model file that goes with an SQLite log: `x.db` → `x.views.db`.
pub fn views_path(log: &std::path::Path) -> PathBuf {
    let stem = log.with_extension("");
    PathBuf::from(format!("{}.views.db", stem.display()))
}

/// Opens the store named by `url`.
pub fn open(url: &str, clock: Arc<dyn Clock>) -> anyhow::Result<Opened> {
    if url.starts_with("sqlite:") {
        let path = store_sqlite::path_from_url(url)?;
        let options = SqliteOptions {
            clock,
            ..SqliteOptions::default()
        };
        let store = SqliteStore::open(&path, options)
            .with_context(|| format!("opening the event log {}", path.display()))?;
        let models = ReadModels::open(views_path(&path))
            .with_context(|| format!("opening the read models of {}", path.display()))?;
        let auth_path = auth::auth_path_for(&path);
        let auth = CredentialStore::open(&auth_path)
            .with_context(|| format!("opening the credential file {}", auth_path.display()))?;
        return Ok(Opened {
            log: Arc::new(store.clone()),
            models,
            auth: Arc::new(auth),
            sqlite: Some(store),
            path: Some(path),
        });
    }
    let scheme = url.split_once(':').map_or(url, |(s, _)| s);
    bail!(
        "store URL {url:?}: the {scheme:?} backend is not available in this build (use sqlite://PATH)"
    )
}
