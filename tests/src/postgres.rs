//! The PostgreSQL server the tests use, and a harness giving each test a schema of its own.
//!
//! The server is `DUTYTRACE_TEST_POSTGRES` (default: the machine's own,
//! `postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable`). When it cannot be
//! reached, a test says so on stderr and passes without running — unless
//! `DUTYTRACE_REQUIRE_POSTGRES=1` (as in CI, `.ci/run`), when it fails.

use async_trait::async_trait;
use event_store::EventStore;
use std::sync::{Arc, Mutex};
use store_contract::Harness;
use store_postgres::{PostgresOptions, PostgresStore};

/// Names the server the tests use.
pub const URL_ENV: &str = "DUTYTRACE_TEST_POSTGRES";
/// Set to `1` to make a missing server a failure instead of a skip.
pub const REQUIRE_ENV: &str = "DUTYTRACE_REQUIRE_POSTGRES";
/// The machine's own server.
pub const DEFAULT_URL: &str = "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable";

/// The server's URL, or `None` (said on stderr) if it cannot be reached and is not
/// required.
pub async fn server() -> Option<String> {
    let url = std::env::var(URL_ENV).unwrap_or_else(|_| DEFAULT_URL.to_owned());
    match store_postgres::scratch::execute(&url, "SELECT 1").await {
        Ok(()) => Some(url),
        Err(e) if std::env::var(REQUIRE_ENV).as_deref() == Ok("1") => {
            panic!("{REQUIRE_ENV}=1 but PostgreSQL at {url} cannot be reached: {e}")
        }
        Err(e) => {
            eprintln!(
                "skipped: no PostgreSQL at {url} ({e}); set {URL_ENV} to a server to run this test"
            );
            None
        }
    }
}

/// A new, empty schema on the test server, dropped (with everything in it) when this is
/// dropped.
#[derive(Debug)]
pub struct TestSchema {
    base: String,
    name: String,
}

impl TestSchema {
    /// Creates the schema, or `None` if there is no server (see the module's doc).
    pub async fn new() -> Option<Self> {
        let base = server().await?;
        let name = store_postgres::scratch::create_schema(&base, "test")
            .await
            .unwrap_or_else(|e| panic!("cannot create a schema on {base}: {e}"));
        Some(Self { base, name })
    }

    /// The URL of the server itself (its default database and schema).
    pub fn server_url(&self) -> String {
        self.base.clone()
    }

    /// The URL of the schema: the server's, with the schema as its search path.
    pub fn url(&self) -> String {
        store_postgres::scratch::url_with_schema(&self.base, &self.name)
    }
}

impl Drop for TestSchema {
    fn drop(&mut self) {
        let sql = format!("DROP SCHEMA IF EXISTS {} CASCADE", self.name);
        if !execute_outside_runtime(&self.base, sql) {
            eprintln!("warning: could not drop the test schema {}", self.name);
        }
    }
}

/// Runs SQL on the server from a thread with a runtime of its own, and waits for it: a
/// `Drop` runs inside the test's runtime, which cannot be blocked on. Whether it succeeded.
fn execute_outside_runtime(url: &str, sql: String) -> bool {
    let url = url.to_owned();
    let done = std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .ok()?;
        rt.block_on(store_postgres::scratch::execute(&url, &sql))
            .ok()
    })
    .join();
    matches!(done, Ok(Some(())))
}

/// A new database on the test server (for what a schema cannot do, such as refusing
/// connections), dropped — whatever its connections — when this is dropped, also when the
/// test fails.
#[derive(Debug)]
pub struct TestDatabase {
    server: String,
    name: String,
}

impl TestDatabase {
    /// Creates it on `schema`'s server.
    pub async fn new(schema: &TestSchema) -> Self {
        let name = format!("dt_db_{}", uuid::Uuid::new_v4().simple());
        store_postgres::scratch::execute(&schema.base, &format!("CREATE DATABASE {name}"))
            .await
            .unwrap_or_else(|e| panic!("cannot create database {name}: {e}"));
        Self {
            server: schema.base.clone(),
            name,
        }
    }

    /// Its name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Its URL: the server's, naming this database.
    pub fn url(&self) -> String {
        let (before, query) = self.server.split_once('?').unwrap_or((&self.server, ""));
        let base = before.rsplit_once('/').map_or(before, |(b, _)| b);
        match query {
            "" => format!("{base}/{}", self.name),
            q => format!("{base}/{}?{q}", self.name),
        }
    }
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        let sql = format!("DROP DATABASE IF EXISTS {} WITH (FORCE)", self.name);
        if !execute_outside_runtime(&self.server, sql) {
            eprintln!("warning: could not drop the test database {}", self.name);
        }
    }
}

/// A PostgreSQL event store in a schema of its own.
#[derive(Debug)]
pub struct PostgresHarness {
    schema: TestSchema,
    open: Mutex<Vec<PostgresStore>>,
}

impl PostgresHarness {
    /// A harness on a new, empty schema, or `None` if there is no server.
    pub async fn new() -> Option<Self> {
        Some(Self {
            schema: TestSchema::new().await?,
            open: Mutex::new(Vec::new()),
        })
    }

    fn opened(&self) -> std::sync::MutexGuard<'_, Vec<PostgresStore>> {
        self.open
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

#[async_trait]
impl Harness for PostgresHarness {
    async fn open(&self) -> Arc<dyn EventStore> {
        let options = PostgresOptions {
            pool_size: 6,
            ..PostgresOptions::default()
        };
        let store = PostgresStore::connect(&self.url(), options)
            .await
            .unwrap_or_else(|e| panic!("cannot open the store in {}: {e}", self.schema.name));
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
        self.schema.url()
    }
}

impl Drop for PostgresHarness {
    fn drop(&mut self) {
        // Close the pools first, so no connection of ours holds the schema's tables.
        for s in self.opened().drain(..) {
            drop(s);
        }
    }
}
