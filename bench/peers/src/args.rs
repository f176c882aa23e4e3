//! The command line.

use clap::Parser;
use std::path::PathBuf;

/// Durable appends through cqrs-es with postgres-es and through plain SQL inserts (the
/// floor), on one PostgreSQL server; prints a Markdown table like `dutytrace bench append`.
#[derive(Debug, Parser)]
#[command(name = "peers", version, about)]
pub struct Args {
    /// The PostgreSQL server, e.g.
    /// `postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable`. Each scenario runs in a
    /// new schema `peers_<random>`, dropped afterwards.
    #[arg(long, value_name = "URL")]
    pub postgres: String,
    /// Numbers of concurrent writers of single-event commands.
    #[arg(long, value_delimiter = ',', default_value = "1,16,64,256")]
    pub writers: Vec<usize>,
    /// Single-event commands per writer scenario (the 1-writer scenario runs a tenth).
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
    /// Events a cqrs-es aggregate takes before its writer rolls to a fresh one: 100
    /// single-event commands, or one batch when a batch is larger (cqrs-es replays an
    /// aggregate's events before each command on it).
    #[arg(long, default_value_t = 100)]
    pub aggregate_events: usize,
    /// Also append one JSON object per scenario and system to this file, one per line.
    #[arg(long, value_name = "FILE")]
    pub json: Option<PathBuf>,
}
