//! `peers`: the peer benchmark of issue 10 (see README.md beside Cargo.toml).

use anyhow::Context;
use clap::Parser;
use dutytrace_peers::args::Args;
use dutytrace_peers::plan::{self, System};
use dutytrace_peers::report::{self, JsonLine, Measured};
use dutytrace_peers::{floor, peer, scratch};
use std::io::Write;
use std::process::ExitCode;

#[tokio::main]
async fn main() -> ExitCode {
    match run(Args::parse()).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            // The chain of causes on one line, without a backtrace: the failures here are
            // the server's or the command line's, not the program's.
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

async fn run(args: Args) -> anyhow::Result<()> {
    let scenarios = plan::plan(&args)?;
    let base = scratch::connect_options(&args.postgres)?;
    if !args.postgres.contains("sslmode=disable") {
        eprintln!("note: the comparison is meant to run with sslmode=disable on loopback");
    }
    let (version, sync) = scratch::server_facts(&base).await?;
    let mut json = match &args.json {
        Some(path) => Some(
            std::fs::OpenOptions::new()
                .create(true)
                .append(true)
                .open(path)
                .with_context(|| format!("cannot open {}", path.display()))?,
        ),
        None => None,
    };

    println!(
        "PostgreSQL {version} at {}, synchronous_commit={sync}; a new schema per scenario and system",
        scratch::redact(&args.postgres)
    );
    println!(
        "cqrs-es + postgres-es: postgres_cqrs, no query processors; each writer rolls to a fresh \
         aggregate every {} events (100 single-event commands, or every batch larger than \
         that), since cqrs-es loads and replays an aggregate's events before every command",
        args.aggregate_events
    );
    println!(
        "plain SQL insert (the floor): the rows of dutytrace's event table, positions from a \
         sequence, one autocommitted statement per call, no version check"
    );
    println!("pools of (writers / 4).clamp(4, 32) connections, no ping before checkout");
    println!();
    println!("{}", report::header());
    for scenario in scenarios {
        for system in System::ALL {
            let (elapsed, latency) =
                scratch::in_schema(&base, scenario.pool_size(), |pool| async move {
                    match system {
                        System::PostgresEs => {
                            peer::run(pool, scenario, args.aggregate_events).await
                        }
                        System::SqlFloor => floor::run(pool, scenario).await,
                    }
                })
                .await
                .with_context(|| format!("{} failed", scenario.describe(system)))?;
            let measured = Measured {
                system,
                scenario,
                elapsed,
                latency,
            };
            println!("{}", report::row(&measured));
            if let Some(file) = json.as_mut() {
                file.write_all(JsonLine::of(&measured).to_line()?.as_bytes())
                    .context("cannot write the JSON line")?;
            }
        }
    }
    Ok(())
}
