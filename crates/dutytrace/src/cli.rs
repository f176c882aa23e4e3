//! Command-line interface (DESIGN.md §5).

use crate::config::{self, DEFAULT_LISTEN, DEFAULT_STORE};
use crate::{bench, demo, serve, stores};
use anyhow::Context;
use app::App;
use auth::Secret;
use chrono::{DateTime, Utc};
use clap::{Args, Parser, Subcommand};
use std::net::SocketAddr;
use std::sync::Arc;

/// dutytrace — 两个责任 accountability platform.
#[derive(Debug, Parser)]
#[command(name = "dutytrace", version, about)]
pub struct Cli {
    /// Write logs as JSON lines.
    #[arg(long, global = true, env = "DUTYTRACE_LOG_JSON")]
    pub log_json: bool,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Serve the API and run the projectors.
    Serve(ServeArgs),
    /// A fresh district shaped like the source report (52 units, 261 cadres, about 7,930
    /// duty entries from January to July 2026, a login for everyone), then serve it.
    Demo(demo::DemoArgs),
    /// Rebuild every read model from the event log, from zero.
    Rebuild(RebuildArgs),
    /// Append the reminders due now (履责提醒, 约谈提醒), as the service's deadline watcher
    /// does every minute, and exit. Each reminder is appended once, however often this runs.
    Remind(StoreArgs),
    /// Print the filings register (事项报备), newest first, as the commission sees it.
    Filings(crate::report::FilingsArgs),
    /// Print the problem ledger (问题台账), newest first, with each problem's light now, as
    /// the commission sees it.
    Problems(crate::report::ProblemsArgs),
    /// Print one user's notifications (通知提醒), as they would see them signed in.
    Notifications(crate::report::NotificationsArgs),
    /// Export the event log as NDJSON for regulators (what GET /api/v1/export streams), with
    /// a checkpoint signed by the key beside the log.
    Export(crate::evidence::ExportArgs),
    /// Check an export, an inclusion proof or a file of published checkpoints with only the
    /// public key (or, with --store, a log in place); exit non-zero naming the first bad
    /// position.
    Verify(crate::evidence::VerifyArgs),
    /// Replace the key that signs checkpoints: the old key file is kept as
    /// `x.signing.key.<key id>.retired`, a new one is generated and its adoption recorded in
    /// the log (`SigningKeyAdopted`, naming the key it replaces). Stop the service first; it
    /// signs with the new key when it starts again.
    RotateKey(StoreArgs),
    /// Copy the whole event log to another store (e.g. SQLite to PostgreSQL) keeping order,
    /// ids and hashes; resumable; the Merkle root is checked at the end. Stop the service
    /// first.
    MigrateStore(crate::migrate::MigrateArgs),
    /// Write a new SQLite log of N districts like the demo's (a province: 100), each with
    /// its own ids and logins (`name.dNNN`), for benchmarks and for trying the service at
    /// scale; deterministic.
    Seed(crate::seed::SeedArgs),
    /// An online, consistent backup of an SQLite log and every file that goes with it (read
    /// models, credentials, outbox, signing key, published checkpoints) into a new
    /// directory, with a manifest (head, Merkle root, SHA-256 of each file); the service
    /// may keep writing.
    Backup(crate::backup::BackupArgs),
    /// Restore a backup into a new store, verified (file hashes, integrity, the Merkle root
    /// and every published checkpoint) before anything is put in place; never overwrites.
    Restore(crate::backup::RestoreArgs),
    /// Measure the event store and projector (see BENCHMARKS.md).
    #[command(subcommand)]
    Bench(bench::BenchCommand),
}

/// Where the event log is.
#[derive(Debug, Args)]
pub struct StoreArgs {
    /// Event store URL: sqlite://dutytrace.db, postgres://USER@HOST/DB?sslmode=disable or
    /// kurrentdb://HOST:2113?tls=false (esdb://, +discover for a cluster).
    #[arg(long, env = "DUTYTRACE_STORE", default_value = DEFAULT_STORE)]
    pub store: String,
    /// Where the files that go with a log on a server (postgres://, kurrentdb://) are kept: its read
    /// models, credentials, webhook outbox, signing key and published checkpoints
    /// [default: the working directory]. An SQLite log keeps them beside itself.
    #[arg(long, env = "DUTYTRACE_DATA_DIR", value_name = "DIR")]
    pub data_dir: Option<std::path::PathBuf>,
    /// The checkpoint signing key file [default: `x.signing.key` beside the log, or in the
    /// data directory]. Give every process that shares one log on a server the same key.
    #[arg(long, env = "DUTYTRACE_SIGNING_KEY_FILE", value_name = "FILE")]
    pub signing_key: Option<std::path::PathBuf>,
    /// Fix the clock at this RFC 3339 instant (demos and tests only).
    #[arg(long, env = "DUTYTRACE_NOW", value_parser = config::parse_instant)]
    pub now: Option<DateTime<Utc>>,
}

impl StoreArgs {
    /// Opens the store these arguments name.
    pub async fn open(&self, clock: Arc<dyn event_store::Clock>) -> anyhow::Result<stores::Opened> {
        let mut opened = stores::open(&self.store, self.data_dir.as_deref(), clock).await?;
        if let Some(key) = &self.signing_key {
            opened.signing_key.clone_from(key);
        }
        Ok(opened)
    }
}

#[derive(Debug, Args)]
pub struct RebuildArgs {
    #[command(flatten)]
    pub store: StoreArgs,
    /// Rebuild only these read models (comma-separated names, e.g. `board,search`).
    #[arg(long, value_delimiter = ',', value_name = "NAMES")]
    pub only: Vec<String>,
    /// Read models rebuilt at the same time (each folds on a core of its own; their swaps
    /// into the read-model file take turns).
    #[arg(long, default_value_t = 2, value_parser = clap::value_parser!(u16).range(1..=64))]
    pub jobs: u16,
    /// SQLite's page cache of each read model's scratch file while it folds, in MiB: a
    /// province's board folds about a third faster with 1,024 than with 64.
    #[arg(long, default_value_t = 1024, value_parser = clap::value_parser!(u32).range(16..=65536))]
    pub cache_mib: u32,
}

#[derive(Debug, Args)]
pub struct ServeArgs {
    #[command(flatten)]
    pub store: StoreArgs,
    /// Address to listen on.
    #[arg(long, env = "DUTYTRACE_LISTEN", default_value = DEFAULT_LISTEN)]
    pub listen: SocketAddr,
    #[command(flatten)]
    pub admin: AdminArgs,
    #[command(flatten)]
    pub webhook: WebhookArgs,
    #[command(flatten)]
    pub limits: LimitArgs,
}

/// What one client may ask of the service (`api::limits`).
#[derive(Debug, Args)]
pub struct LimitArgs {
    /// Commands one signed-in user may send per second, sustained; beyond it they are
    /// answered 429 with Retry-After.
    #[arg(long, env = "DUTYTRACE_COMMANDS_PER_SECOND", default_value_t = api::LimitConfig::default().commands_per_second)]
    pub commands_per_second: u32,
    /// Commands one user may send at once before that rate applies.
    #[arg(long, env = "DUTYTRACE_COMMAND_BURST", default_value_t = api::LimitConfig::default().command_burst)]
    pub command_burst: u32,
    /// Sign-in attempts per username per minute (bursts of as many).
    #[arg(long, env = "DUTYTRACE_LOGINS_PER_MINUTE", default_value_t = api::LimitConfig::default().logins_per_minute)]
    pub logins_per_minute: u32,
    /// The largest JSON body of a request, in KiB (an oversight import file may be larger).
    #[arg(long, env = "DUTYTRACE_MAX_BODY_KIB", default_value_t = api::LimitConfig::default().body_bytes / 1024)]
    pub max_body_kib: usize,
    /// Seconds a request may take to produce its answer before it is stopped (503).
    #[arg(long, env = "DUTYTRACE_REQUEST_TIMEOUT", value_name = "SECONDS", default_value_t = api::LimitConfig::default().request_timeout.as_secs())]
    pub request_timeout: u64,
}

impl LimitArgs {
    /// The limits, checked.
    pub fn config(&self) -> anyhow::Result<api::LimitConfig> {
        let config = api::LimitConfig {
            body_bytes: self.max_body_kib.saturating_mul(1024),
            commands_per_second: self.commands_per_second,
            command_burst: self.command_burst,
            logins_per_minute: self.logins_per_minute,
            login_burst: self.logins_per_minute,
            request_timeout: std::time::Duration::from_secs(self.request_timeout),
            ..api::LimitConfig::default()
        };
        config
            .validate()
            .map_err(|e| anyhow::anyhow!("limits: {e}"))?;
        Ok(config)
    }
}

/// Where notifications are delivered.
#[derive(Debug, Args)]
pub struct WebhookArgs {
    /// POST every notification (通知提醒) to this http:// URL, at least once, each with a
    /// stable id (ADR 0009). Off when not set.
    #[arg(
        long = "webhook-url",
        env = config::WEBHOOK_URL_ENV,
        hide_env_values = true,
        value_name = "URL"
    )]
    pub url: Option<String>,
}

/// The administrator's password.
#[derive(Debug, Args)]
pub struct AdminArgs {
    /// The password of `admin`, the commission administrator (at least 10 characters): the
    /// user is opened on first start and given this password at every start. Prefer the
    /// environment variable: a flag is visible in the process list.
    #[arg(
        long = "admin-password",
        env = config::ADMIN_PASSWORD_ENV,
        hide_env_values = true,
        value_name = "PASSWORD"
    )]
    pub password: Option<Secret>,
}

/// `dutytrace rebuild`: every read model (or those named) from zero, `jobs` at a time.
async fn rebuild(args: RebuildArgs) -> anyhow::Result<()> {
    use futures::StreamExt as _;
    let mut projections = serve::projections();
    if !args.only.is_empty() {
        let known: Vec<&str> = projections.iter().map(|p| p.name()).collect();
        if let Some(unknown) = args.only.iter().find(|n| !known.contains(&n.as_str())) {
            anyhow::bail!(
                "there is no read model {unknown:?}; the read models are {}",
                known.join(", ")
            );
        }
        projections.retain(|p| args.only.iter().any(|n| n == p.name()));
    }
    let opened = args.store.open(config::clock(args.store.now)).await?;
    let started = std::time::Instant::now();
    let options = projector::ProjectorOptions {
        scratch_cache_mib: args.cache_mib,
        ..Default::default()
    };
    let mut rebuilt = futures::stream::iter(projections)
        .map(|p| projector::rebuild_with(opened.log.clone(), &opened.models, p, options.clone()))
        .buffer_unordered(usize::from(args.jobs));
    let mut failed = None;
    while let Some(result) = rebuilt.next().await {
        match result {
            Ok(report) => println!(
                "rebuilt {}: {} events through position {} in {:.2} s",
                report.projection,
                report.events,
                report.through,
                report.elapsed.as_secs_f64()
            ),
            // The others go on: each rebuild swaps in on its own or leaves its model as it was.
            Err(e) => {
                eprintln!("{e}");
                failed.get_or_insert(e);
            }
        }
    }
    drop(rebuilt);
    opened.close().await;
    if let Some(e) = failed {
        return Err(e).context("a read model could not be rebuilt; it is as it was before");
    }
    println!("done in {:.2} s", started.elapsed().as_secs_f64());
    Ok(())
}

/// Runs a parsed command line.
pub async fn run(cli: Cli) -> anyhow::Result<()> {
    match cli.command {
        Command::Serve(args) => serve::serve(args).await,
        Command::Demo(args) => demo::run(args).await,
        Command::Rebuild(args) => rebuild(args).await,
        Command::Remind(args) => remind(args).await,
        Command::Filings(args) => crate::report::filings(args).await,
        Command::Problems(args) => crate::report::problems(args).await,
        Command::Notifications(args) => crate::report::notifications(args).await,
        Command::RotateKey(args) => rotate_key(args).await,
        Command::Export(args) => crate::evidence::export(args).await,
        Command::Verify(args) => crate::evidence::verify(args).await,
        Command::MigrateStore(args) => crate::migrate::run(args).await,
        Command::Seed(args) => {
            let store = args.store.clone();
            let seeded = crate::seed::run(args).await?;
            println!(
                "seeded {} in {store}: {} events ({} district{} like the demo's, logins \
                 name.dNNN beyond the first) in {:.1} s: the template district lived through \
                 the application service in {:.1} s, then written at {:.0} events/s",
                if seeded.districts == 1 {
                    "a district"
                } else {
                    "districts"
                },
                seeded.events,
                seeded.districts,
                if seeded.districts == 1 { "" } else { "s" },
                (seeded.template + seeded.writing).as_secs_f64(),
                seeded.template.as_secs_f64(),
                seeded.events_per_second(),
            );
            Ok(())
        }
        Command::Backup(args) => crate::backup::backup_command(args).await,
        Command::Restore(args) => crate::backup::restore_command(args).await,
        Command::Bench(cmd) => bench::run(cmd).await,
    }
}

/// `dutytrace rotate-key`.
async fn rotate_key(args: StoreArgs) -> anyhow::Result<()> {
    let clock = config::clock(args.now);
    let opened = args.open(clock.clone()).await?;
    let result = async {
        let log = opened.base.as_path();
        let key_path = opened.signing_key.clone();
        let published = crate::checkpoints::published_path(log);
        let origin = crate::checkpoints::origin(log);
        if key_path.exists() {
            let (old, _) = api::Notary::open(origin.clone(), &key_path, published.clone())?;
            let retired = format!(
                "{}.{}.retired",
                key_path.display(),
                old.public_key().key_id()
            );
            std::fs::rename(&key_path, &retired)
                .with_context(|| format!("keeping the old key as {retired}"))?;
            println!(
                "the old key {} is kept as {retired}",
                old.public_key().key_id()
            );
        }
        let (notary, _) = api::Notary::open(origin, &key_path, published)?;
        let key = notary.public_key();
        let meta = app::Meta {
            actor: event_store::Actor::new("system:notary")?,
            key: None,
            fingerprint: app::fingerprint(&format!("adopt {}", key.key_id())),
        };
        let c = domain::keys::AdoptSigningKey {
            key_id: key.key_id(),
            public_key: key.to_hex(),
        };
        App::new(opened.log.clone(), clock)
            .adopt_signing_key(c, &meta)
            .await?;
        println!(
            "checkpoints are signed from now on with key {} ({key})",
            key.key_id()
        );
        anyhow::Ok(())
    }
    .await;
    opened.close().await;
    result
}

/// `dutytrace remind`: one pass of the deadline watcher. It reads a board of its own, built
/// in a scratch file from the log (a running service's read models are never written by
/// another process), so it is safe beside a running service: a reminder both append is
/// stored once.
async fn remind(args: StoreArgs) -> anyhow::Result<()> {
    let clock = config::clock(args.now);
    let opened = args.open(clock.clone()).await?;
    let result = async {
        let scratch = tempfile::tempdir()?;
        let models = projector::ReadModels::open(scratch.path().join("remind.views.db"))?;
        projector::catch_up(opened.log.clone(), &models, Arc::new(board::Board)).await?;
        projector::catch_up(opened.log.clone(), &models, Arc::new(ledger::Ledger)).await?;
        let pass = crate::watcher::Watcher::new(opened.log.clone(), models, clock)
            .pass()
            .await?;
        println!(
            "reminders appended: {} (already in the log: {})",
            pass.appended, pass.already
        );
        anyhow::Ok(())
    }
    .await;
    opened.close().await;
    result
}
