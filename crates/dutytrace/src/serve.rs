//! `dutytrace serve`: open the store, start the projectors, serve HTTP until stopped, then
//! stop the API and the projectors together.

use crate::checkpoints;
use crate::cli::ServeArgs;
use crate::outbox::{self, Outbox, OutboxOptions, Webhook};
use crate::watcher::{self, Watcher};
use crate::{config, leases, stores};
use anyhow::Context;
use app::App;
use auth::Secret;
use domain::user::user_id_for;
use event_store::Clock;
use projector::{Projection, ProjectorOptions};
use std::io::Write as _;
use std::net::SocketAddr;
use std::sync::Arc;
use tokio::net::TcpListener;

/// Every read model the service keeps.
pub fn projections() -> Vec<Arc<dyn Projection>> {
    vec![
        Arc::new(catalog::Catalog),
        Arc::new(board::Board),
        Arc::new(directory::Directory),
        Arc::new(filings::Filings),
        Arc::new(inbox::Inbox),
        Arc::new(ledger::Ledger),
        Arc::new(search::Search),
        Arc::new(merkle::Merkle),
        Arc::new(oversight::Oversight),
        Arc::new(accountability::Accountability),
    ]
}

/// Runs the service until Ctrl-C or SIGTERM.
pub async fn serve(args: ServeArgs) -> anyhow::Result<()> {
    let admin = args.admin.password;
    if let Some(password) = &admin {
        config::check_admin_password(password)?;
    }
    let webhook = config::webhook(args.webhook.url.as_deref())?;
    let limits = args.limits.config()?;
    let clock = config::clock(args.store.now);
    let opened = args.store.open(clock.clone()).await?;
    let store_url = args.store.store.clone();
    run(
        opened,
        clock,
        args.listen,
        Setup {
            admin,
            webhook,
            limits,
        },
        &args.store.store,
        |address| {
            println!("dutytrace is serving on http://{address} (store {store_url})");
        },
    )
    .await
}

/// Serves an opened store until Ctrl-C or SIGTERM: the projectors, the API, then a
/// graceful stop of both. `admin` is the password of `admin` and `webhook` where
/// notifications are delivered (see [`start`]); `announce` is told the bound address
/// (`serve` and `demo` print different hints).
pub async fn run(
    opened: stores::Opened,
    clock: Arc<dyn Clock>,
    listen: SocketAddr,
    setup: Setup,
    store_url: &str,
    announce: impl FnOnce(SocketAddr),
) -> anyhow::Result<()> {
    let Setup {
        admin,
        webhook,
        limits,
    } = setup;
    // Checked before anything starts: a bad value is an error now, not at the stop.
    let grace = match shutdown_grace() {
        Ok(grace) => grace,
        Err(e) => {
            opened.close().await;
            return Err(e);
        }
    };
    let mut running = start_with(opened, clock, listen, admin, webhook, limits).await?;
    running.grace = grace;
    tracing::info!(address = %running.address, store = %store_url, "dutytrace is serving");
    announce(running.address);
    if let Some(notary) = &running.state.notary {
        let key = notary.public_key();
        // Whoever reads standard output may have stopped after the address: not an error.
        let _ = writeln!(
            std::io::stdout(),
            "checkpoints of the log are signed with key {} ({key}), published to {}",
            key.key_id(),
            notary.published_path().display()
        );
    }
    tokio::select! {
        () = shutdown_signal() => {}
        // The server only ends by itself on an error; report it.
        r = running.server_ended() => r?,
    }
    running.stop().await
}

/// The environment variable bounding how long a stop waits for requests in flight (whole
/// seconds; default [`SHUTDOWN_GRACE`]).
pub const SHUTDOWN_GRACE_ENV: &str = "DUTYTRACE_SHUTDOWN_GRACE";

/// How long a stop waits for the requests in flight to be answered before it drops them
/// and goes on stopping (a client that never finishes sending its request must not keep
/// the process from stopping; an orchestrator sends SIGKILL after its own grace period, 30 s
/// in Kubernetes by default).
pub const SHUTDOWN_GRACE: std::time::Duration = std::time::Duration::from_secs(20);

/// [`SHUTDOWN_GRACE_ENV`], or the default.
fn shutdown_grace() -> anyhow::Result<std::time::Duration> {
    match std::env::var(SHUTDOWN_GRACE_ENV) {
        Ok(s) if !s.trim().is_empty() => s
            .trim()
            .parse::<u64>()
            .map(std::time::Duration::from_secs)
            .map_err(|_| {
                anyhow::anyhow!("{SHUTDOWN_GRACE_ENV}={s:?}: a whole number of seconds (e.g. 20)")
            }),
        _ => Ok(SHUTDOWN_GRACE),
    }
}

/// What `serve` and `demo` set up beside the store: the administrator's password, where
/// notifications go, and the limits on each client.
#[derive(Debug)]
pub struct Setup {
    pub admin: Option<Secret>,
    pub webhook: Option<Webhook>,
    pub limits: api::LimitConfig,
}

/// A service started in this process: the projectors and the HTTP server.
#[derive(Debug)]
pub struct Running {
    pub address: SocketAddr,
    state: api::AppState,
    opened: stores::Opened,
    stop: tokio::sync::oneshot::Sender<()>,
    server: Option<tokio::task::JoinHandle<std::io::Result<()>>>,
    /// The deadline watcher: its stop signal and its task.
    watcher: (
        tokio::sync::watch::Sender<bool>,
        tokio::task::JoinHandle<()>,
    ),
    /// The periodic checkpoints: their stop signal and their task.
    signing: (
        tokio::sync::watch::Sender<bool>,
        tokio::task::JoinHandle<()>,
    ),
    /// The webhook outbox, when a webhook is configured: its stop signal and its task.
    outbox: Option<(
        tokio::sync::watch::Sender<bool>,
        tokio::task::JoinHandle<()>,
    )>,
    /// The leases of the watcher and the outbox, given up when the process stops.
    leases: Vec<stores::DutyLease>,
    /// How long [`Running::stop`] waits for the requests in flight.
    pub grace: std::time::Duration,
}

/// How often the deadline watcher looks for reminders due (and once at start).
pub const WATCH_EVERY: std::time::Duration = std::time::Duration::from_secs(60);

/// Starts the projectors, makes sure the administrator `admin` exists with the password
/// `admin` (when one is given: `DUTYTRACE_ADMIN_PASSWORD`), starts the HTTP server on
/// `listen`, the deadline watcher and, when `webhook` is given (`DUTYTRACE_WEBHOOK_URL`),
/// the webhook outbox; returns at once. On failure, whatever was started is stopped again.
pub async fn start(
    opened: stores::Opened,
    clock: Arc<dyn Clock>,
    listen: SocketAddr,
    admin: Option<Secret>,
    webhook: Option<Webhook>,
) -> anyhow::Result<Running> {
    start_with(
        opened,
        clock,
        listen,
        admin,
        webhook,
        api::LimitConfig::default(),
    )
    .await
}

/// [`start`], with these limits on each client instead of the defaults.
pub async fn start_with(
    opened: stores::Opened,
    clock: Arc<dyn Clock>,
    listen: SocketAddr,
    admin: Option<Secret>,
    webhook: Option<Webhook>,
    limits: api::LimitConfig,
) -> anyhow::Result<Running> {
    // Every append of this process (commands, reminders, checkpoints' key adoption) goes
    // through one counting store, so /metrics counts them all.
    let metrics = Arc::new(api::Metrics::default());
    let log = metrics.counting(opened.log.clone());
    // Checkpoints go to the same webhook as the notifications.
    let checkpoint_webhook = webhook.clone();
    let mut projectors = Vec::new();
    for projection in projections() {
        projectors.push(projector::spawn(
            opened.log.clone(),
            &opened.models,
            projection,
            ProjectorOptions::default(),
        )?);
    }
    let mut state = api::AppState::new(
        App::new(log.clone(), clock.clone()),
        api::Views::new(opened.models.clone()),
        projectors,
        opened.auth.clone(),
    )
    .with_limits(limits)
    .with_metrics(metrics);
    {
        let log = opened.base.as_path();
        match api::Notary::open(
            checkpoints::origin(log),
            &opened.signing_key,
            checkpoints::published_path(log),
        ) {
            Ok((notary, created)) => {
                let key = notary.public_key();
                if created {
                    tracing::info!(public_key = %key, key_id = key.key_id(), "a checkpoint signing key was generated");
                }
                tracing::info!(public_key = %key, published = %notary.published_path().display(), "checkpoints are signed");
                state = state.with_notary(Arc::new(notary));
            }
            Err(e) => {
                state.shutdown().await;
                opened.close().await;
                return Err(e.into());
            }
        }
    }
    let bound = async {
        open_admin(&state, admin.as_ref()).await?;
        if let Some(notary) = &state.notary {
            notary
                .adopt(&state)
                .await
                .map_err(|e| anyhow::anyhow!("recording the signing key: {}", e.detail))?;
        }
        let outbox = webhook.map(|w| open_outbox(&opened, w)).transpose()?;
        let listener = TcpListener::bind(listen)
            .await
            .with_context(|| format!("cannot listen on {listen}"))?;
        anyhow::Ok((listener, outbox))
    };
    let (listener, outbox) = match bound.await {
        Ok(bound) => bound,
        Err(e) => {
            state.shutdown().await;
            opened.close().await;
            return Err(e);
        }
    };
    let address = listener.local_addr()?;
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(api::serve(listener, state.clone(), async {
        let _ = stopped.await;
    }));
    // The deadline watcher and the webhook outbox run in one process of the log at a time.
    let mut leases = vec![opened.lease(leases::DEADLINE_WATCHER)];
    let (stop_watching, watching) = tokio::sync::watch::channel(false);
    let watcher = {
        let watcher = Watcher::new(log, opened.models.clone(), clock);
        let state_ = state.clone();
        tokio::spawn(leases::while_held(
            leases::DEADLINE_WATCHER,
            leases[0].held(),
            watching,
            state.duties.clone(),
            move |halted| {
                tokio::spawn(watcher::run(
                    watcher.clone(),
                    state_.clone(),
                    WATCH_EVERY,
                    halted,
                ))
            },
        ))
    };
    let (stop_signing, signing) = tokio::sync::watch::channel(false);
    let signing = tokio::spawn(checkpoints::run(
        state.clone(),
        checkpoints::EVERY,
        checkpoint_webhook,
        signing,
    ));
    let outbox = outbox.map(|outbox| {
        let lease = opened.lease(leases::WEBHOOK_OUTBOX);
        let (stop_delivering, delivering) = tokio::sync::watch::channel(false);
        let task = tokio::spawn(leases::while_held(
            leases::WEBHOOK_OUTBOX,
            lease.held(),
            delivering,
            state.duties.clone(),
            move |halted| tokio::spawn(outbox::run(outbox.clone(), outbox::EVERY, halted)),
        ));
        leases.push(lease);
        (stop_delivering, task)
    });
    Ok(Running {
        address,
        state,
        opened,
        stop,
        server: Some(server),
        watcher: (stop_watching, watcher),
        signing: (stop_signing, signing),
        outbox,
        leases,
        grace: SHUTDOWN_GRACE,
    })
}

/// Opens the webhook outbox beside the log (ADR 0009).
fn open_outbox(opened: &stores::Opened, webhook: Webhook) -> anyhow::Result<Outbox> {
    let log = opened.base.as_path();
    Outbox::open(
        &outbox::path_for(log),
        opened.models.clone(),
        webhook,
        OutboxOptions::default(),
    )
}

/// Opens `admin` with `password`, or, without one, warns when nobody can sign in as admin.
async fn open_admin(state: &api::AppState, password: Option<&Secret>) -> anyhow::Result<()> {
    let env = config::ADMIN_PASSWORD_ENV;
    match password {
        Some(password) => {
            api::ensure_admin(state, password).await.map_err(|e| {
                anyhow::anyhow!(
                    "{env}: cannot set the password of `{}`: {} ({})",
                    api::ADMIN,
                    e.detail,
                    e.code
                )
            })?;
            tracing::info!(username = api::ADMIN, "the administrator's password is set");
        }
        None => {
            let admin = state
                .app
                .user(user_id_for(api::ADMIN))
                .await
                .context("looking up the administrator")?;
            if admin.is_none() {
                tracing::warn!(
                    "{env} is not set: nobody can sign in as `{}` until it is (set it and restart)",
                    api::ADMIN
                );
            } else {
                tracing::warn!(
                    "{env} is not set: `{}` keeps the password an earlier start gave it",
                    api::ADMIN
                );
            }
        }
    }
    Ok(())
}

impl Running {
    /// Resolves if the HTTP server ends by itself (an error).
    async fn server_ended(&mut self) -> anyhow::Result<()> {
        match self.server.as_mut() {
            Some(server) => {
                let r = server.await;
                self.server = None;
                r??;
                Ok(())
            }
            None => std::future::pending().await,
        }
    }

    /// Stops the HTTP server (finishing requests in flight), the deadline watcher and the
    /// webhook outbox, then the projectors, then closes the store.
    pub async fn stop(mut self) -> anyhow::Result<()> {
        // New connections are refused from here on; those open finish the request they
        // are in (its command answered and in the log), for at most `grace`.
        let _ = self.stop.send(());
        if let Some(mut server) = self.server.take() {
            match tokio::time::timeout(self.grace, &mut server).await {
                Ok(ended) => ended??,
                Err(_) => {
                    tracing::warn!(
                        grace_seconds = self.grace.as_secs(),
                        "requests still in flight after the grace period are dropped"
                    );
                    server.abort();
                }
            }
        }
        let (stop_watching, watcher) = self.watcher;
        let _ = stop_watching.send(true);
        watcher.await?;
        // A last checkpoint of everything written before the server stopped.
        let (stop_signing, signing) = self.signing;
        let _ = stop_signing.send(true);
        signing.await?;
        if let Some((stop_delivering, outbox)) = self.outbox {
            // A delivery in flight is dropped: it is sent again at the next start.
            let _ = stop_delivering.send(true);
            outbox.await?;
        }
        drop(self.leases);
        tracing::info!("stopping the projectors");
        self.state.shutdown().await;
        self.opened.close().await;
        Ok(())
    }
}

/// Resolves on Ctrl-C or SIGTERM.
async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = term => {},
    }
    tracing::info!("shutdown requested");
}
