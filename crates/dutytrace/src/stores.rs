//! Opening the event store, its read models and its credential file, named by a store URL.
//!
//! - `sqlite://x.db`: the log is the file; everything that goes with it lives beside it
//!   (`x.views.db`, `x.auth.db`, `x.outbox.db`, `x.signing.key`, `x.checkpoints.jsonl`).
//! - `postgres://…`: the log is on the server, and so are the credentials and sessions,
//!   shared by every process of the log (ADR 0015); the other files live in the data
//!   directory (`--data-dir`, `DUTYTRACE_DATA_DIR`; default the working directory), named
//!   `dutytrace.views.db`, `dutytrace.outbox.db`, … (ADR 0014).
//! - `kurrentdb://…` / `esdb://…` (and `+discover` for a cluster): the log is on KurrentDB
//!   (ADR 0016), which must never hold secrets: the credentials and sessions go to the
//!   PostgreSQL database named by `DUTYTRACE_CREDENTIALS_URL` (shared by every process, and
//!   where the leases are taken), or else to `dutytrace.auth.db` in the data directory (one
//!   process).

use anyhow::{Context, bail};
use auth::{AuthConfig, CredentialRows as _, CredentialStore};
use event_store::{Clock, EventStore};
use projector::ReadModels;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use store_kurrentdb::{KurrentOptions, KurrentStore};
use store_postgres::lease::{Lease, LeaseOptions};
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
    /// The log on KurrentDB, with the PostgreSQL database of its credentials and leases
    /// if `DUTYTRACE_CREDENTIALS_URL` names one.
    Kurrent(KurrentStore, Option<PostgresStore>),
}

/// Names the PostgreSQL database of the credentials, sessions and leases of a log on
/// KurrentDB.
pub const CREDENTIALS_URL_ENV: &str = "DUTYTRACE_CREDENTIALS_URL";

impl Backend {
    async fn close(&self) {
        match self {
            Self::Sqlite(s) => s.close().await,
            Self::Postgres(p) => p.close().await,
            Self::Kurrent(k, p) => {
                k.close().await;
                if let Some(p) = p {
                    p.close().await;
                }
            }
        }
    }

    /// The PostgreSQL database beside the log, where credentials and leases live.
    fn postgres(&self) -> Option<&PostgresStore> {
        match self {
            Self::Sqlite(_) => None,
            Self::Postgres(p) => Some(p),
            Self::Kurrent(_, p) => p.as_ref(),
        }
    }
}

impl Opened {
    /// Flushes and closes the log.
    pub async fn close(&self) {
        self.backend.close().await;
    }

    /// The lease of a duty that must run in one process of the log at a time
    /// (`crate::leases`): on PostgreSQL an advisory lock that one process holds at a time;
    /// on SQLite, where one process owns the log, always held; on KurrentDB, taken in the
    /// credentials' PostgreSQL database, or always held if there is none (one process).
    pub fn lease(&self, duty: &str) -> DutyLease {
        match self.backend.postgres() {
            None => {
                let (tx, held) = tokio::sync::watch::channel(true);
                DutyLease {
                    held,
                    _keep: Keep::Granted(tx),
                }
            }
            Some(p) => {
                let lease = p.lease(duty, LeaseOptions::default());
                DutyLease {
                    held: lease.held(),
                    _keep: Keep::Postgres(lease),
                }
            }
        }
    }
}

/// A lease being tried or held (see [`Opened::lease`]); dropping it gives it up.
#[derive(Debug)]
pub struct DutyLease {
    held: tokio::sync::watch::Receiver<bool>,
    _keep: Keep,
}

#[derive(Debug)]
enum Keep {
    Granted(
        #[allow(dead_code, reason = "kept so that the lease stays held")]
        tokio::sync::watch::Sender<bool>,
    ),
    Postgres(#[allow(dead_code, reason = "kept so that the lease stays held")] Lease),
}

impl DutyLease {
    /// Whether this process holds the lease now, changing as it is taken and lost.
    pub fn held(&self) -> tokio::sync::watch::Receiver<bool> {
        self.held.clone()
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

    /// The credentials and sessions of this log (ADR 0007): the auth file named after
    /// [`base`](Self::base) for SQLite, created if need be; the log's database for
    /// PostgreSQL (ADR 0015); for KurrentDB, the database of `DUTYTRACE_CREDENTIALS_URL`
    /// or else the auth file in the data directory.
    pub async fn credentials(&self) -> anyhow::Result<CredentialStore> {
        let file = auth::auth_path_for(&self.base);
        match self.backend.postgres() {
            None => CredentialStore::open(&file)
                .with_context(|| format!("opening the credential file {}", file.display())),
            Some(p) => {
                let rows = p.credential_rows();
                tokio::task::spawn_blocking(move || credentials_on_server(rows, &file)).await?
            }
        }
    }

    /// The credentials of this log if it has any place for them yet: `None` for a log whose
    /// credentials are a file that does not exist (which this does not create).
    pub async fn existing_credentials(&self) -> anyhow::Result<Option<CredentialStore>> {
        if self.backend.postgres().is_none() && !auth::auth_path_for(&self.base).exists() {
            return Ok(None);
        }
        self.credentials().await.map(Some)
    }
}

/// The credentials in a log's database. The first time, a credential file that an earlier
/// version kept in the data directory (ADR 0014) is moved in, so that nobody's login is
/// lost; the file is left where it was, no longer read.
fn credentials_on_server(
    rows: store_postgres::credentials::PostgresCredentials,
    file: &Path,
) -> anyhow::Result<CredentialStore> {
    if file.exists() && rows.is_empty()? {
        let local = CredentialStore::open(file)
            .with_context(|| format!("opening the credential file {}", file.display()))?;
        let dump = local.export()?;
        if !dump.credentials.is_empty() {
            // Into the rows before the store is made, so it starts with the file's
            // deployment id, which the file's tokens carry.
            match rows.import(&dump) {
                Ok(()) => tracing::info!(
                    file = %file.display(),
                    logins = dump.credentials.len(),
                    "credentials moved from the data directory into the log's database; the \
                     file is no longer read"
                ),
                // Another process starting at the same time moved its own in first.
                Err(_) if !rows.is_empty()? => tracing::warn!(
                    file = %file.display(),
                    "credentials not moved: the database has some"
                ),
                Err(e) => {
                    return Err(e).context("moving the credential file into the log's database");
                }
            }
        }
    }
    CredentialStore::over(Box::new(rows), AuthConfig::default())
        .context("opening the credentials in the log's database")
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
        return Ok(Log {
            log: Arc::new(store.clone()),
            base: data_dir_base(data_dir)?,
            backend: Backend::Postgres(store),
        });
    }
    if store_kurrentdb::is_kurrentdb_url(url) {
        let store = KurrentStore::connect(url, KurrentOptions { clock })
            .await
            .with_context(|| format!("opening the event log {}", store_kurrentdb::redact(url)))?;
        let credentials = match std::env::var(CREDENTIALS_URL_ENV) {
            Ok(c) if !c.trim().is_empty() => {
                if !store_postgres::is_postgres_url(&c) {
                    store.close().await;
                    bail!(
                        "{CREDENTIALS_URL_ENV}={:?}: the credentials of a log on KurrentDB go to \
                         a PostgreSQL database (postgres://USER@HOST/DB)",
                        store_postgres::redact(&c)
                    );
                }
                let options = PostgresOptions {
                    pool_size: 4,
                    ..PostgresOptions::default()
                };
                match PostgresStore::connect(&c, options).await {
                    Ok(p) => Some(p),
                    Err(e) => {
                        store.close().await;
                        return Err(e).with_context(|| {
                            format!(
                                "opening the credentials' database {}",
                                store_postgres::redact(&c)
                            )
                        });
                    }
                }
            }
            _ => None,
        };
        return Ok(Log {
            log: Arc::new(store.clone()),
            base: data_dir_base(data_dir)?,
            backend: Backend::Kurrent(store, credentials),
        });
    }
    let scheme = url.split_once(':').map_or(url, |(s, _)| s);
    bail!(
        "store URL {:?}: the {scheme:?} backend is not available in this build (use \
         sqlite://PATH, postgres://USER@HOST/DB or kurrentdb://HOST:2113)",
        store_postgres::redact(url)
    )
}

/// The base name of the local files of a log on a server, its directory made if need be.
fn data_dir_base(data_dir: Option<&Path>) -> anyhow::Result<PathBuf> {
    let base = server_base(data_dir);
    if let Some(dir) = base.parent()
        && !dir.as_os_str().is_empty()
    {
        std::fs::create_dir_all(dir)
            .with_context(|| format!("creating the data directory {}", dir.display()))?;
    }
    Ok(base)
}

/// Opens the store named by `url`; a log on a server keeps its local files in `data_dir`.
pub async fn open(
    url: &str,
    data_dir: Option<&Path>,
    clock: Arc<dyn Clock>,
) -> anyhow::Result<Opened> {
    let log = open_log(url, data_dir, clock).await?;
    match beside(&log).await {
        Ok(opened) => Ok(opened),
        Err(e) => {
            log.close().await;
            Err(e)
        }
    }
}

/// Opens the read models and the credentials of a log.
async fn beside(log: &Log) -> anyhow::Result<Opened> {
    let models = ReadModels::open(views_path(&log.base))
        .with_context(|| format!("opening the read models of {}", log.base.display()))?;
    let auth = log.credentials().await?;
    Ok(Opened {
        log: log.log.clone(),
        models,
        auth: Arc::new(auth),
        signing_key: crate::checkpoints::key_path(&log.base),
        base: log.base.clone(),
        backend: log.backend.clone(),
    })
}
