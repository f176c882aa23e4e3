//! The KurrentDB server the tests use, and a harness giving each test a log of its own.
//!
//! With `DUTYTRACE_TEST_KURRENTDB` naming a real server (e.g.
//! `kurrentdb://admin:changeit@localhost:2113?tls=false`), each harness keeps its log under
//! a stream prefix of its own on that server (`prefix=` in the store URL), so cases do not
//! see each other's events. Without it, each harness starts the in-memory fake of
//! `kurrentdb-fake` (the same gRPC protocol, spoken to by the same client), which is what
//! CI runs: no KurrentDB server can be installed on its machines.

use async_trait::async_trait;
use event_store::EventStore;
use kurrentdb_fake::FakeKurrent;
use std::sync::{Arc, Mutex};
use store_contract::Harness;
use store_kurrentdb::{KurrentOptions, KurrentStore};

/// Names a real server for the tests.
pub const URL_ENV: &str = "DUTYTRACE_TEST_KURRENTDB";

/// One log: a prefix on the real server, or a fake server of its own.
#[derive(Debug)]
pub struct KurrentHarness {
    url: String,
    fake: Option<FakeKurrent>,
    open: Mutex<Vec<KurrentStore>>,
}

impl KurrentHarness {
    /// A harness on a new, empty log.
    pub async fn new() -> Self {
        match std::env::var(URL_ENV) {
            Ok(server) if !server.trim().is_empty() => {
                let prefix = format!("t{}.", uuid::Uuid::now_v7().simple());
                let joiner = if server.contains('?') { '&' } else { '?' };
                Self {
                    url: format!("{server}{joiner}prefix={prefix}"),
                    fake: None,
                    open: Mutex::new(Vec::new()),
                }
            }
            _ => {
                let fake = FakeKurrent::start()
                    .await
                    .unwrap_or_else(|e| panic!("cannot start the fake KurrentDB: {e}"));
                Self {
                    // The client waits one discovery interval (500 ms) before it connects.
                    url: format!("{}&discoveryInterval=0", fake.url()),
                    fake: Some(fake),
                    open: Mutex::new(Vec::new()),
                }
            }
        }
    }

    /// The fake server, when the tests run on one.
    pub fn fake(&self) -> Option<&FakeKurrent> {
        self.fake.as_ref()
    }

    /// Takes the fake server out of the harness (to stop it in a test); the URL stays.
    pub fn take_fake(&mut self) -> Option<FakeKurrent> {
        self.fake.take()
    }

    /// Opens the log as a [`KurrentStore`].
    pub async fn store(&self) -> KurrentStore {
        let store = KurrentStore::connect(&self.url, KurrentOptions::default())
            .await
            .unwrap_or_else(|e| panic!("cannot open {}: {e}", self.url));
        self.opened().push(store.clone());
        store
    }

    fn opened(&self) -> std::sync::MutexGuard<'_, Vec<KurrentStore>> {
        self.open
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

#[async_trait]
impl Harness for KurrentHarness {
    async fn open(&self) -> Arc<dyn EventStore> {
        Arc::new(self.store().await)
    }

    async fn close(&self, store: Arc<dyn EventStore>) {
        drop(store);
        let stores: Vec<_> = self.opened().drain(..).collect();
        for s in stores {
            s.close().await;
        }
    }

    fn url(&self) -> String {
        self.url.clone()
    }
}
