//! `dutytrace bench`: the measurements recorded in BENCHMARKS.md. Each run uses a fresh
//! store in a temporary directory (or `--dir`) — or, given a seeded store (`--store`), a
//! copy of it there — and prints a Markdown table.

mod append;
mod board;
mod copy;
mod export;
mod floor;
pub mod http;
mod load;
mod replay;
mod report;

use clap::{Args, Subcommand};
use std::path::PathBuf;

#[derive(Debug, Subcommand)]
pub enum BenchCommand {
    /// Durable appends: single-event appends by 1..n concurrent writers, and batches.
    Append(AppendArgs),
    /// Replay a log through the catalog projection (events/s).
    Replay(ReplayArgs),
    /// The board and obligation queries over HTTP, under concurrent clients, on the demo
    /// district.
    Board(BoardArgs),
    /// The Merkle tree, a complete export to a file and its offline verification, on a log
    /// of `--events` events or a copy of a seeded one (`--store`): events/s, MB/s and peak
    /// memory.
    Export(ExportArgs),
    /// A seeded store (e.g. a province) under concurrent HTTP load, on a copy of it: the
    /// board, obligations, histories, search and commands, the board at a fixed rate, and
    /// the server's memory.
    Http(HttpArgs),
    /// The floors of a seed and of a rebuild of a seeded store on this machine: reading its
    /// log once, loading its events into a new log by the seed's own path, copying its read
    /// models into a new file, writing as many bytes to the disk.
    Floor(FloorArgs),
}

#[derive(Debug, Args)]
pub struct FloorArgs {
    /// The seeded store (`sqlite://PATH`, from `dutytrace seed`; its read models built by
    /// `dutytrace rebuild` for the floors of a rebuild). Nothing is appended to it.
    #[arg(long, value_name = "URL")]
    pub store: String,
    /// Directory for the copies, removed afterwards (default: a temporary directory).
    #[arg(long)]
    pub dir: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct ExportArgs {
    /// Events in the synthetic log to export (unless `--store` is given).
    #[arg(long, default_value_t = 1_000_000)]
    pub events: usize,
    /// Export this seeded log instead (`sqlite://PATH`, e.g. from `dutytrace seed --scale
    /// province`): a copy of it and its read models, so the original is never changed.
    #[arg(long, value_name = "URL", conflicts_with = "events")]
    pub store: Option<String>,
    /// Directory for the scratch store (default: a temporary directory).
    #[arg(long)]
    pub dir: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct HttpArgs {
    /// The seeded store to measure (`sqlite://PATH`, from `dutytrace seed`; best with its
    /// read models built by `dutytrace rebuild`). It is copied into `--dir` and never
    /// changed.
    #[arg(long, value_name = "URL")]
    pub store: String,
    /// Concurrent keep-alive clients.
    #[arg(long, default_value_t = 50)]
    pub clients: usize,
    /// Requests per closed-loop scenario (at most: see `--budget`).
    #[arg(long, default_value_t = 20_000)]
    pub requests: usize,
    /// Seconds after which a closed-loop scenario sends no more requests (those in flight
    /// are answered and counted): on a province some queries take a second or more each.
    #[arg(long, default_value_t = 30.0)]
    pub budget: f64,
    /// Requests a second due in the open-loop run of the board.
    #[arg(long, default_value_t = 1_000.0)]
    pub rate: f64,
    /// Seconds of the open-loop run (it sends nothing more after twice as long, if the
    /// service cannot keep up).
    #[arg(long, default_value_t = 10.0)]
    pub seconds: f64,
    /// The service's clock, an RFC 3339 instant [default: the demo's now,
    /// 2026-07-31T18:00:00+08:00, when a seeded log's lights are as the demo shows them].
    #[arg(long, value_parser = crate::config::parse_instant)]
    pub now: Option<chrono::DateTime<chrono::Utc>>,
    /// Directory for the copy of the store (default: a temporary directory).
    #[arg(long)]
    pub dir: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct BoardArgs {
    /// Concurrent keep-alive clients.
    #[arg(long, default_value_t = 50)]
    pub clients: usize,
    /// Requests per scenario.
    #[arg(long, default_value_t = 20_000)]
    pub requests: usize,
    /// Directory for the scratch store (default: a temporary directory).
    #[arg(long)]
    pub dir: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct AppendArgs {
    /// Numbers of concurrent writers of single-event appends, each to its own stream.
    #[arg(long, value_delimiter = ',', default_value = "1,64")]
    pub writers: Vec<usize>,
    /// Single-event appends per writer scenario (the 1-writer scenario runs a tenth).
    #[arg(long, default_value_t = 200_000)]
    pub events: usize,
    /// Events per batch in the batch scenario (0 skips it).
    #[arg(long, default_value_t = 1_000)]
    pub batch: usize,
    /// Concurrent writers of batches.
    #[arg(long, default_value_t = 1)]
    pub batch_writers: usize,
    /// Events in the batch scenario.
    #[arg(long, default_value_t = 1_000_000)]
    pub batch_events: usize,
    /// Directory for the scratch stores (default: a temporary directory).
    #[arg(long)]
    pub dir: Option<PathBuf>,
    /// Measure the PostgreSQL backend on the server at this URL instead of SQLite: each
    /// scenario in a new schema of its own, dropped afterwards.
    #[arg(long, value_name = "URL")]
    pub postgres: Option<String>,
    /// Also append one JSON object per scenario to this file (the suite's `bench/run`
    /// reads them to set the figures beside the peers').
    #[arg(long, value_name = "FILE")]
    pub json: Option<PathBuf>,
}

#[derive(Debug, Args)]
pub struct ReplayArgs {
    /// Events in the log to replay.
    #[arg(long, default_value_t = 1_000_000)]
    pub events: usize,
    /// Directory for the scratch store (default: a temporary directory).
    #[arg(long)]
    pub dir: Option<PathBuf>,
}

/// Runs a benchmark command.
pub async fn run(cmd: BenchCommand) -> anyhow::Result<()> {
    match cmd {
        BenchCommand::Append(args) => append::run(args).await,
        BenchCommand::Replay(args) => replay::run(args).await,
        BenchCommand::Board(args) => board::run(args).await,
        BenchCommand::Export(args) => export::run(args).await,
        BenchCommand::Http(args) => http::run(args).await,
        BenchCommand::Floor(args) => floor::run(args).await,
    }
}

/// A scratch directory: the one asked for, or a temporary one removed afterwards.
fn scratch(dir: Option<PathBuf>) -> anyhow::Result<tempfile::TempDir> {
    Ok(match dir {
        Some(d) => {
            std::fs::create_dir_all(&d)?;
            tempfile::tempdir_in(d)?
        }
        None => tempfile::tempdir()?,
    })
}

/// A realistic duty entry (履责记录) of about 300 bytes, built once: the benchmarks
/// measure the store, not JSON serialisation, so each event is this one with a fresh id.
fn duty_template() -> event_store::NewEvent {
    use event_store::{Actor, EventType, NewEvent, Payload};
    let payload = serde_json::json!({
        "obligation_id": "0190c6a2-7b1e-7000-8000-000000000001",
        "performed_on": "2026-06-30",
        "summary": "召开党委会专题研究党风廉政建设工作，分析苗头性倾向性问题并部署整改",
        "attachments": [{"sha256": "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08", "file_name": "会议纪要.pdf"}],
    });
    NewEvent::new(
        EventType::new("DutyRecorded").expect("a valid type"),
        Payload::from_value(&payload).expect("an object"),
        Actor::new("user:bench").expect("a valid actor"),
        chrono::Utc::now(),
    )
}

/// A copy of `template` with a fresh UUIDv7.
fn fresh(template: &event_store::NewEvent) -> event_store::NewEvent {
    template.clone().with_id(uuid::Uuid::now_v7())
}
