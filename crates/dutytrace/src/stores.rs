//! Opening the event store, its read models and its credential file, named by a store URL.
//!
//! - `sqlite://x.db`: the log is the file; everything that goes with it lives beside it
//!   (`x.views.db`, `x.auth.db`, `x.outbox.db`, `x.signing.key`, `x.checkpoints.jsonl`).
//! - `postgres://…`: the log is on the server; the same files live in the data directory
//!   (`--data-dir`, `DUTYTRACE_DATA_DIR`; default the working directory), named
//!   `dutytrace.views.db`, `dutytrace.auth.db`, … (ADR 0014).

use anyhow::{Context, bail};
use auth::CredentialStore;
use event_store::{Clock, EventStore};
use projector::ReadModels;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use store_postgres::{PostgresOptions, PostgresStore};
use store_sqlite::{SqliteOptions, SqliteStore};

/// An opened store: the event log, where its read models live, and the credential file
/// (passwords and sessions, kept out of the log: ADR 0007).
#[derive(Debug, Clone)]
pub struct Opened {
    pub log: Arc<dyn EventStore>,
    pub models: ReadModels,
    pub auth: Arc<CredentialStore>,
    /// What the files that go with the log are named after: the log file itself for
    /// SQLite (`x.db` → `x.views.db`, …), `<data dir>/dutytrace.db` for a log on a server.
    pub base: PathBuf,
    /// The checkpoint signing key (ADR 0012): `x.signing.key` named after `base`, unless
    /// the configuration names a file (`DUTYTRACE_SIGNING_KEY_FILE`) — as every process
    /// sharing one log on a server should, so that they all sign with one key.
    pub signing_key: PathBuf,
    backend: Backend,
}

#[derive(Debug, Clone)]
enum Backend {
    Sqlite(SqliteStore),
    Postgres(PostgresStore),
}

impl Backend {
    async fn close(&self) {
        match self {
            Self::Sqlite(s) => s.close().await,
            Self::Postgres(p) => p.close().await,
        }
    }
}

impl Opened {
    /// Flushes and closes the log.
    pub async fn close(&self) {
        self.backend.close().await;
    }
}

/// The read-model file that goes with a log named `x.db`: `x.views.db`.
pub fn views_path(log: &Path) -> PathBuf {
    let stem = log.with_extension("");
    PathBuf::from(format!("{}.views.db", stem.display()))
}

/// What the local files of a log on a server are named after, in `data_dir`.
pub fn server_base(data_dir: Option<&Path>) -> PathBuf {
    data_dir.unwrap_or(Path::new(".")).join("dutytrace.db")
}

/// An opened event log without its read models or credentials (for copying a log).
#[derive(Debug, Clone)]
pub struct Log {
    pub log: Arc<dyn EventStore>,
    /// What the files that go with the log are named after (see [`Opened::base`]).
    pub base: PathBuf,
    backend: Backend,
}

impl Log {
    /// Flushes and closes the log.
    pub async fn close(&self) {
        self.backend.close().await;
    }
}

/// Opens only the event log named by `url`.
pub async fn open_log(
    url: &str,
    data_dir: Option<&Path>,
    clock: Arc<dyn Clock>,
) -> anyhow::Result<Log> {
    if url.starts_with("sqlite:") {
        let path = store_sqlite::path_from_url(url)?;
        let options = SqliteOptions {
            clock,
            ..SqliteOptions::default()
        };
        let store = SqliteStore::open(&path, options)
            .with_context(|| format!("opening the event log {}", path.display()))?;
        return Ok(Log {
            log: Arc::new(store.clone()),
            base: path,
            backend: Backend::Sqlite(store),
        });
    }
    if store_postgres::is_postgres_url(url) {
        let options = PostgresOptions {
            clock,
            ..PostgresOptions::default()
        };
        let store = PostgresStore::connect(url, options)
            .await
            .with_context(|| format!("opening the event log {}", store_postgres::redact(url)))?;
        let base = server_base(data_dir);
        if let Some(dir) = base.parent()
            && !dir.as_os_str().is_empty()
        {
            std::fs::create_dir_all(dir)
                .with_context(|| format!("creating the data directory {}", dir.display()))?;
        }
        return Ok(Log {
            log: Arc::new(store.clone()),
            base,
            backend: Backend::Postgres(store),
        });
    }
    let scheme = url.split_once(':').map_or(url, |(s, _)| s);
    bail!(
        "store URL {:?}: the {scheme:?} backend is not available in this build (use \
         sqlite://PATH or postgres://USER@HOST/DB)",
        store_postgres::redact(url)
    )
}

/// Opens the store named by `url`; a log on a server keeps its local files in `data_dir`.
pub async fn open(
    url: &str,
    data_dir: Option<&Path>,
    clock: Arc<dyn Clock>,
) -> anyhow::Result<Opened> {
    let Log { log, base, backend } = open_log(url, data_dir, clock).await?;
    match beside(log, base, backend.clone()) {
        Ok(opened) => Ok(opened),
        Err(e) => {
            backend.close().await;
            Err(e)
        }
    }
}

/// Opens the read models and the credentials named after `base`.
fn beside(log: Arc<dyn EventStore>, base: PathBuf, backend: Backend) -> anyhow::Result<Opened> {
    let models = ReadModels::open(views_path(&base))
        .with_context(|| format!("opening the read models of {}", base.display()))?;
    let auth_path = auth::auth_path_for(&base);
    let auth = CredentialStore::open(&auth_path)
        .with_context(|| format!("opening the credential file {}", auth_path.display()))?;
    Ok(Opened {
        log,
        models,
        auth: Arc::new(auth),
        signing_key: crate::checkpoints::key_path(&base),
        base,
        backend,
    })
}
