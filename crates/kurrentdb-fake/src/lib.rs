//! An in-memory fake of a single-node KurrentDB (EventStoreDB) gRPC server, good enough for
//! the official `kurrentdb` Rust client to append, read and subscribe, so that the KurrentDB
//! backend can be tested where no real server can be installed.
//!
//! It serves `Streams.Append` and `Streams.Read` (stream and `$all` reads, filters,
//! catch-up subscriptions) over plain HTTP/2 on loopback. Everything else answers
//! `UNIMPLEMENTED`; the client takes an unimplemented `ServerFeatures` as a server without
//! optional features and then appends with `Streams.Append`.
//!
//! ```no_run
//! # async fn demo() -> std::io::Result<()> {
//! let fake = kurrentdb_fake::FakeKurrent::start().await?;
//! let url = fake.url(); // "kurrentdb://127.0.0.1:PORT?tls=false"
//! fake.append_system_event("$stats-127.0.0.1:2113", "$statsCollected");
//! assert_eq!(fake.event_count(), 1);
//! fake.shutdown().await;
//! # Ok(()) }
//! ```

#![allow(
    clippy::result_large_err,
    reason = "tonic's handlers answer a `tonic::Status` by value; boxing it would only be undone"
)]

mod append;
mod connection;
mod convert;
mod filter;
mod log;
pub mod proto;
mod read;
mod request;
mod service;
mod store;
mod subscription;

use std::net::{Ipv4Addr, SocketAddr};
use std::sync::Arc;
use std::time::Duration;

use prost::bytes::Bytes;
use tokio::net::TcpListener;
use tokio::task::JoinHandle;
use tonic::transport::Server;
use uuid::Uuid;

use crate::log::{ExpectedRevision, ProposedEvent};
use crate::proto::streams::streams_server::StreamsServer;
use crate::service::StreamsService;
use crate::store::Store;

/// The largest message the fake accepts, as the client's own receive limit (17 MiB).
const MAX_MESSAGE_SIZE: usize = 17 * 1024 * 1024;

/// How long [`FakeKurrent::shutdown`] lets open requests finish before cutting them off.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(5);

/// A running fake server. Dropping it shuts it down (without waiting).
#[derive(Debug)]
pub struct FakeKurrent {
    addr: SocketAddr,
    store: Arc<Store>,
    server: Option<JoinHandle<Result<(), tonic::transport::Error>>>,
}

impl FakeKurrent {
    /// Starts a fake on a free port of 127.0.0.1.
    pub async fn start() -> std::io::Result<FakeKurrent> {
        Self::start_on(SocketAddr::from((Ipv4Addr::LOCALHOST, 0))).await
    }

    /// Starts a fake on `addr` (port 0 picks a free port).
    pub async fn start_on(addr: SocketAddr) -> std::io::Result<FakeKurrent> {
        Self::serve(addr, Store::default()).await
    }

    async fn serve(addr: SocketAddr, store: Store) -> std::io::Result<FakeKurrent> {
        let listener = TcpListener::bind(addr).await?;
        let addr = listener.local_addr()?;
        let store = Arc::new(store);

        let service = StreamsServer::new(StreamsService::new(Arc::clone(&store)))
            .max_decoding_message_size(MAX_MESSAGE_SIZE)
            .max_encoding_message_size(MAX_MESSAGE_SIZE);
        let incoming = connection::incoming(listener);
        let mut shutdown = store.watch_shutdown();
        let signal = async move {
            // An error means the store is gone, which is a reason to stop too.
            let _ = shutdown.wait_for(|down| *down).await;
        };
        let server = tokio::spawn(
            Server::builder()
                .add_service(service)
                .serve_with_incoming_shutdown(incoming, signal),
        );
        tracing::info!(%addr, "fake KurrentDB listening");

        Ok(FakeKurrent {
            addr,
            store,
            server: Some(server),
        })
    }

    /// The address the fake listens on.
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// The connection string for the client: `kurrentdb://127.0.0.1:PORT?tls=false`.
    pub fn url(&self) -> String {
        format!("kurrentdb://{}?tls=false", self.addr)
    }

    /// Appends one event the way the server itself writes its own (stats, scavenges, …):
    /// to any stream, `$`-prefixed ones included, with no expected revision. `event_type`
    /// usually starts with `$` too, so that readers can be tested for skipping such events.
    pub fn append_system_event(&self, stream: &str, event_type: &str) {
        let event = ProposedEvent {
            id: Uuid::new_v4(),
            event_type: event_type.to_owned(),
            is_json: true,
            properties: Vec::new(),
            custom_metadata: Bytes::new(),
            data: Bytes::from_static(b"{}"),
        };
        self.store
            .append(stream, ExpectedRevision::Any, vec![event]);
    }

    /// The number of events in `$all`, system events included.
    pub fn event_count(&self) -> usize {
        self.store.log().len()
    }

    /// Stops serving: open subscriptions end with `UNAVAILABLE` on the client, new
    /// connections are refused, and the call returns once open requests have finished (or
    /// after a few seconds, cutting off what is left).
    pub async fn shutdown(mut self) {
        self.store.begin_shutdown();
        if let Some(mut server) = self.server.take() {
            match tokio::time::timeout(SHUTDOWN_GRACE, &mut server).await {
                Ok(Ok(Ok(()))) => {}
                Ok(Ok(Err(error))) => tracing::warn!(%error, "fake KurrentDB server failed"),
                Ok(Err(error)) => tracing::warn!(%error, "fake KurrentDB server task failed"),
                Err(_) => {
                    tracing::warn!("fake KurrentDB requests still open after the grace period");
                    server.abort();
                }
            }
        }
        tracing::info!(addr = %self.addr, "fake KurrentDB stopped");
    }
}

impl FakeKurrent {
    /// Stops serving, as [`FakeKurrent::shutdown`] does, but keeps the log, so that
    /// [`Stopped::start`] brings the same server back on the same address: an outage
    /// the clients must ride through.
    pub async fn stop(self) -> Stopped {
        let (addr, store) = (self.addr, Arc::clone(&self.store));
        self.shutdown().await;
        Stopped {
            addr,
            log: store.take_log(),
        }
    }
}

/// A fake server stopped with its log kept (see [`FakeKurrent::stop`]).
#[derive(Debug)]
pub struct Stopped {
    addr: SocketAddr,
    log: log::Log,
}

impl Stopped {
    /// Serves the kept log again on the address it had.
    pub async fn start(self) -> std::io::Result<FakeKurrent> {
        FakeKurrent::serve(self.addr, Store::with_log(self.log)).await
    }
}

impl Drop for FakeKurrent {
    fn drop(&mut self) {
        self.store.begin_shutdown();
        if let Some(server) = self.server.take() {
            // Closes the listener now; open connections still get a graceful close, because
            // the connection tasks see their shutdown signal's sender dropped.
            server.abort();
        }
    }
}
