//! The PostgreSQL event store: one log that several dutytrace processes share.
//!
//! - **Gap-free global order across processes**: every append locks the one-row head
//!   table before it assigns positions and holds the lock until it commits, so commits
//!   follow one another in position order. A reader that sees position p can see every
//!   position below it, and no later commit ever fills a hole below p — the
//!   "late-committing sequence value" that made subscribers of Marten, Axon and Message DB
//!   skip events cannot happen (ADR 0013).
//! - **Group commit**: within a process one writer task drains every append waiting into
//!   one transaction, one round trip per step and one WAL flush for the batch.
//! - **Live**: each commit `pg_notify`s its new head on the schema's channel; every process
//!   LISTENs on it with a connection of its own (and subscriptions poll as a fallback).
//! - **Durable and append-only**: acknowledged after commit (`synchronous_commit` as the
//!   server has it; `on` by default); triggers refuse `UPDATE`, `DELETE` and `TRUNCATE`.
//! - **Migrations** are embedded and applied at open, under an advisory lock.
//! - **Reconnects by itself**: connections come from a pool that replaces broken ones; a
//!   failure while the server is away is `StoreError::Unavailable`.
//!
//! The URL is libpq's: `postgres://user@host:5432/db?sslmode=verify-full`; a schema other
//! than `public` is chosen with `options=-csearch_path%3Dname` (it must exist). TLS
//! follows libpq's `sslmode` and `sslrootcert` ([`tls`]).

pub mod credentials;
mod errors;
pub mod lease;
mod listen;
mod migrate;
mod queries;
mod row;
pub mod scratch;
pub mod tls;
mod writer;

use async_trait::async_trait;
use deadpool_postgres::{Manager, ManagerConfig, Pool, RecyclingMethod, Runtime};
use event_store::queue::WriteQueue;
use event_store::{
    AppendResult, Clock, CopiedEvent, Direction, EventStore, ExpectedVersion, Filter, NewEvent,
    ReadAllPage, RecordedEvent, StoreError, StreamName, SystemClock,
};
use std::str::FromStr;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::watch;
use tokio::task::JoinHandle;
use tokio_postgres::Config;
use tokio_postgres::config::{Host, SslMode};
use writer::Writer;

/// Settings of a [`PostgresStore`].
#[derive(Debug, Clone)]
pub struct PostgresOptions {
    /// Most connections in the pool (the writer takes one per batch; reads the others).
    pub pool_size: usize,
    /// Most events the writer puts in one transaction.
    pub max_batch_events: usize,
    /// Where `recorded_at` comes from.
    pub clock: Arc<dyn Clock>,
    /// How long to try to reach the server before giving up (unless the URL sets
    /// `connect_timeout`).
    pub connect_timeout: Duration,
}

impl Default for PostgresOptions {
    fn default() -> Self {
        Self {
            pool_size: 16,
            max_batch_events: 20_000,
            clock: Arc::new(SystemClock),
            connect_timeout: Duration::from_secs(5),
        }
    }
}

/// The PostgreSQL event store. Cheap to clone; [`PostgresStore::close`] stops its tasks.
#[derive(Debug, Clone)]
pub struct PostgresStore {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    pool: Pool,
    /// How to open connections of its own (the listener's, the leases').
    target: Target,
    /// The oid of the log's schema: the processes of one log share its channel and leases.
    schema_oid: i64,
    queue: WriteQueue,
    writer: Mutex<Option<JoinHandle<()>>>,
    listener: JoinHandle<()>,
    head: watch::Receiver<u64>,
}

impl Drop for Inner {
    fn drop(&mut self) {
        self.listener.abort();
    }
}

/// Whether a URL names the PostgreSQL backend.
pub fn is_postgres_url(url: &str) -> bool {
    url.starts_with("postgres://") || url.starts_with("postgresql://")
}

/// Where a store's connections go and how: the driver's configuration and its TLS.
#[derive(Clone)]
pub struct Target {
    pub config: Config,
    pub tls: tls::MakeRustlsConnect,
}

impl std::fmt::Debug for Target {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&describe(&self.config))
    }
}

impl Target {
    /// Opens one connection of its own (outside the pool).
    pub async fn connect(
        &self,
    ) -> Result<
        (
            tokio_postgres::Client,
            tokio_postgres::Connection<
                tokio_postgres::Socket,
                <tls::MakeRustlsConnect as tokio_postgres::tls::MakeTlsConnect<
                    tokio_postgres::Socket,
                >>::Stream,
            >,
        ),
        tokio_postgres::Error,
    > {
        self.config.connect(self.tls.clone()).await
    }
}

/// Parses a `postgres://` URL into the driver's configuration and TLS, with dutytrace's
/// defaults for what the URL leaves open.
pub fn target_from_url(url: &str, options: &PostgresOptions) -> Result<Target, StoreError> {
    let (driver_url, tls_settings) = tls::split(url)?;
    let config = config_from_url(&driver_url, options)?;
    if config.get_ssl_mode() == SslMode::Disable && tls_settings.root_cert.is_some() {
        return Err(StoreError::Unavailable(
            "sslrootcert with sslmode=disable: say sslmode=verify-full to use it".into(),
        ));
    }
    Ok(Target {
        config,
        tls: tls::connector(&tls_settings)?,
    })
}

/// Parses a `postgres://` URL (without dutytrace's own TLS parameters: see [`tls::split`])
/// into the driver's configuration, with dutytrace's defaults for what the URL leaves open.
pub fn config_from_url(url: &str, options: &PostgresOptions) -> Result<Config, StoreError> {
    if !is_postgres_url(url) {
        return Err(StoreError::Unavailable(format!(
            "{} is not a postgres:// URL",
            redact(url)
        )));
    }
    let mut config = Config::from_str(url).map_err(|e| {
        StoreError::Unavailable(format!("the store URL {} is not valid: {e}", redact(url)))
    })?;
    if config.get_application_name().is_none() {
        config.application_name("dutytrace");
    }
    if config.get_connect_timeout().is_none() {
        config.connect_timeout(options.connect_timeout);
    }
    config.keepalives(true);
    config.keepalives_idle(Duration::from_secs(30));
    // Plan every statement for the table as it is now. A generic plan, cached once a
    // prepared statement has run five times, is made with the statistics of that moment:
    // prepared while the log was small, the id lookup of every append scanned the whole
    // table until autovacuum happened to analyse it (64 writers: 800 events/s).
    let options = match config.get_options() {
        Some(o) if !o.trim().is_empty() => format!("{o} -c plan_cache_mode=force_custom_plan"),
        _ => "-c plan_cache_mode=force_custom_plan".to_owned(),
    };
    config.options(&options);
    Ok(config)
}

/// Where a configuration points, for messages: user, hosts, ports and database, never the
/// password.
pub fn describe(config: &Config) -> String {
    let hosts: Vec<String> = config
        .get_hosts()
        .iter()
        .map(|h| match h {
            Host::Tcp(name) => name.clone(),
            Host::Unix(path) => path.display().to_string(),
        })
        .collect();
    let ports: Vec<String> = config.get_ports().iter().map(u16::to_string).collect();
    format!(
        "postgres://{}@{}:{}/{}",
        config.get_user().unwrap_or(""),
        if hosts.is_empty() {
            "localhost".to_owned()
        } else {
            hosts.join(",")
        },
        if ports.is_empty() {
            "5432".to_owned()
        } else {
            ports.join(",")
        },
        config.get_dbname().unwrap_or("")
    )
}

/// A URL with any password replaced by `***`.
pub fn redact(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else {
        return url.to_owned();
    };
    let (authority, path) = rest.split_at(rest.find('/').unwrap_or(rest.len()));
    match authority.rsplit_once('@') {
        Some((userinfo, host)) => match userinfo.split_once(':') {
            Some((user, _)) => format!("{scheme}://{user}:***@{host}{path}"),
            None => url.to_owned(),
        },
        None => url.to_owned(),
    }
}

impl PostgresStore {
    /// Connects to the server named by `url`, brings the schema up to date, and starts the
    /// writer and the listener. Fails with [`StoreError::Unavailable`] naming the server
    /// if it cannot be reached.
    pub async fn connect(url: &str, options: PostgresOptions) -> Result<Self, StoreError> {
        let target = target_from_url(url, &options)?;
        let config = target.config.clone();
        let place = describe(&config);
        // Whatever the server answers (refused, no such database, wrong password, a
        // certificate not trusted), the store cannot be opened: say where and why.
        let (mut client, connection) = target.connect().await.map_err(|e| {
            StoreError::Unavailable(format!(
                "cannot connect to PostgreSQL at {place}: {}",
                errors::describe(&e)
            ))
        })?;
        let driver = tokio::spawn(async move {
            let _ = connection.await;
        });
        let schema = client
            .query_one(queries::SCHEMA, &[])
            .await
            .map_err(errors::map)?;
        let (schema, oid): (Option<String>, Option<i64>) = (schema.get(0), schema.get(1));
        let (Some(schema), Some(oid)) = (schema, oid) else {
            return Err(StoreError::Unavailable(format!(
                "{place}: the search_path names no schema that exists; create it first \
                 (CREATE SCHEMA …)"
            )));
        };
        migrate::migrate(&mut client).await?;
        drop(client);
        driver.abort();

        let manager = Manager::from_config(
            config.clone(),
            target.tls.clone(),
            ManagerConfig {
                recycling_method: RecyclingMethod::Fast,
            },
        );
        let pool = Pool::builder(manager)
            .max_size(options.pool_size.max(2))
            .runtime(Runtime::Tokio1)
            .wait_timeout(Some(Duration::from_secs(30)))
            .create_timeout(Some(options.connect_timeout))
            .recycle_timeout(Some(Duration::from_secs(5)))
            .build()
            .map_err(|e| StoreError::Internal(format!("cannot build the connection pool: {e}")))?;
        let head = row::head(&pool).await?;
        let channel = format!("dutytrace_log_{oid}");
        tracing::info!(store = %place, schema = %schema, head, "PostgreSQL event log opened");

        let (head_tx, head_rx) = watch::channel(head);
        let listener = tokio::spawn(listen::listen(
            target.clone(),
            pool.clone(),
            channel.clone(),
            head_tx.clone(),
        ));
        let (queue, rx) = WriteQueue::new();
        let writer = Writer {
            pool: pool.clone(),
            clock: options.clock,
            max_batch_events: options.max_batch_events.max(1),
            channel,
            versions: Default::default(),
            known_head: head,
        };
        let writer = tokio::spawn(writer.run(rx, head_tx));
        Ok(Self {
            inner: Arc::new(Inner {
                pool,
                target,
                schema_oid: oid,
                queue,
                writer: Mutex::new(Some(writer)),
                listener,
                head: head_rx,
            }),
        })
    }

    /// The credentials and sessions kept in this log's database (ADR 0015), for an
    /// `auth::CredentialStore` shared by every process of the log. Its methods block: call
    /// them from blocking threads. Must be called within the Tokio runtime.
    pub fn credential_rows(&self) -> credentials::PostgresCredentials {
        credentials::PostgresCredentials::new(
            self.inner.pool.clone(),
            tokio::runtime::Handle::current(),
        )
    }

    /// Starts trying to take the lease of `duty` (see [`lease`]): of all the processes of
    /// this log, one at a time holds it.
    pub fn lease(&self, duty: &str, options: lease::LeaseOptions) -> lease::Lease {
        lease::start(
            self.inner.target.clone(),
            self.inner.schema_oid,
            duty,
            options,
        )
    }

    /// Stops accepting appends, lets the writer finish what it has, waits for it, and
    /// closes the connections.
    pub async fn close(&self) {
        self.inner.queue.close();
        let writer = lock(&self.inner.writer).take();
        if let Some(w) = writer {
            let _ = w.await;
        }
        self.inner.listener.abort();
        self.inner.pool.close();
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

#[async_trait]
impl EventStore for PostgresStore {
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
        row::read_stream(&self.inner.pool, stream, direction, from, limit).await
    }

    async fn read_streams(
        &self,
        streams: &[StreamName],
    ) -> Result<Vec<Vec<RecordedEvent>>, StoreError> {
        row::read_streams(&self.inner.pool, streams).await
    }

    async fn stream_version(&self, stream: &StreamName) -> Result<u64, StoreError> {
        row::stream_version(&self.inner.pool, stream).await
    }

    async fn read_all(
        &self,
        from: u64,
        filter: &Filter,
        limit: usize,
    ) -> Result<ReadAllPage, StoreError> {
        row::read_all(&self.inner.pool, from, filter, limit).await
    }

    async fn head(&self) -> Result<u64, StoreError> {
        row::head(&self.inner.pool).await
    }

    fn watch_head(&self) -> watch::Receiver<u64> {
        self.inner.head.clone()
    }

    async fn read_for_copy(&self, from: u64, limit: usize) -> Result<Vec<CopiedEvent>, StoreError> {
        row::read_for_copy(&self.inner.pool, from, limit).await
    }

    async fn import(&self, events: Vec<CopiedEvent>) -> Result<u64, StoreError> {
        if events.is_empty() {
            return self.head().await;
        }
        self.inner.queue.import(events).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_never_appear_in_messages() {
        assert_eq!(
            redact("postgres://dt:s3cret@db.example:5432/dutytrace?sslmode=disable"),
            "postgres://dt:***@db.example:5432/dutytrace?sslmode=disable"
        );
        assert_eq!(redact("postgres://dt@db/x"), "postgres://dt@db/x");
        let config = config_from_url(
            "postgres://dt:s3cret@db.example:6543/dutytrace?sslmode=disable",
            &PostgresOptions::default(),
        )
        .expect("a valid URL");
        assert_eq!(describe(&config), "postgres://dt@db.example:6543/dutytrace");
    }

    #[test]
    fn bad_urls_are_refused_with_the_reason() {
        let options = PostgresOptions::default();
        let err = config_from_url("mysql://x", &options).expect_err("not postgres");
        assert!(err.to_string().contains("not a postgres:// URL"), "{err}");
        let err = target_from_url(
            "postgres://h/db?sslmode=disable&sslrootcert=ca.pem",
            &options,
        )
        .expect_err("a root without TLS");
        assert!(err.to_string().contains("sslrootcert"), "{err}");
        let err = config_from_url("postgres://h/db?nonsense=1", &options).expect_err("unknown");
        assert!(err.to_string().contains("not valid"), "{err}");
    }
}
