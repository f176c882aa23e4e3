//! The floors of a seed and of a rebuild on this machine: what any way of writing a
//! province's log, or of building its read models, must do at least, measured with the same
//! SQLite on the same disk, against the log of a seeded store (`--store`) and its read
//! models (after `dutytrace rebuild`).
//!
//! - reading every event once, as a rebuild's projectors read them (`read_all`);
//! - loading those same events, read into memory beforehand, into a new log by the seed's
//!   own path (`BulkLoad`: the insert, both indexes, the stream index, the sync) — the
//!   seed's writing with its events already made, so a seed cannot be faster than this;
//! - copying the finished read models into a new file (`VACUUM INTO`, which writes every
//!   page once, indexes included) — a rebuild must write at least those pages, however
//!   its folds are computed;
//! - writing as many bytes to a new file and syncing it — the disk alone.
//!
//! Each row's events/s is the log's events over that row's time: the rate no seed (the
//! second row) or rebuild (the first and the last two) could beat on this machine.

use super::report::{self, Measured, histogram};
use super::{FloorArgs, scratch};
use anyhow::{Context, bail};
use event_store::{EventStore, Filter};
use std::io::Write as _;
use std::time::{Duration, Instant};
use store_sqlite::{SqliteOptions, SqliteStore};

/// Events read from the log at a time, as the projector's pages.
const PAGE: usize = 4_096;

pub(crate) async fn run(args: FloorArgs) -> anyhow::Result<()> {
    let source = args.store.as_str();
    if !source.starts_with("sqlite:") {
        bail!(
            "--store {}: the floors are measured on an SQLite log (sqlite://PATH)",
            store_postgres::redact(source)
        );
    }
    let path = store_sqlite::path_from_url(source)?;
    if !path.is_file() {
        bail!(
            "--store {source}: there is no log at {} — make one first with `dutytrace seed`",
            path.display()
        );
    }
    let views = crate::stores::views_path(&path);
    let dir = scratch(args.dir)?;
    // Nothing is appended to the log, and its read models are only read.
    let store = SqliteStore::open(&path, SqliteOptions::default())?;
    let head = store.head().await?;
    if head == 0 {
        bail!("--store {source}: the log holds no events — seed it first with `dutytrace seed`");
    }

    let started = Instant::now();
    let mut read = 0u64;
    let mut from = 1;
    while from <= head {
        let page = store.read_all(from, &Filter::all(), PAGE).await?;
        let Some(last) = page.events.last() else {
            break;
        };
        from = last.position + 1;
        read += page.events.len() as u64;
    }
    let reading = started.elapsed();
    if read != head {
        bail!("read {read} events of the log's {head}: was it written meanwhile?");
    }

    // The events made first, in pages as the seed hands them over; only their loading is
    // timed.
    let mut pages = Vec::new();
    let mut from = 1;
    while from <= head {
        let page = store.read_for_copy(from, 20_000).await?;
        let Some(last) = page.last() else { break };
        from = last.event.position + 1;
        pages.push(page);
    }
    store.close().await;
    let loaded = dir.path().join("floor.db");
    let (written, loading) = {
        let loaded = loaded.clone();
        tokio::task::spawn_blocking(move || -> anyhow::Result<_> {
            // Begun before the clock starts, as the seed begins its load before it lives the
            // template.
            let mut load = store_sqlite::BulkLoad::begin(&loaded)?;
            let started = Instant::now();
            for page in pages {
                load.push(page)?;
            }
            let written = load.finish()?;
            Ok((written, started.elapsed()))
        })
        .await??
    };
    if written != head {
        bail!("loaded {written} events of the log's {head}");
    }

    let mut rows = vec![
        Measured {
            scenario: "read every event of the log once (`read_all`, pages of 4,096)".into(),
            events: head,
            elapsed: reading,
            latency: histogram(),
        },
        Measured {
            scenario: "load the same events, already in memory, into a new log (`BulkLoad`: \
                       the seed's writing without making the events)"
                .into(),
            events: head,
            elapsed: loading,
            latency: histogram(),
        },
    ];
    std::fs::remove_file(&loaded).with_context(|| format!("removing {}", loaded.display()))?;

    let rebuilt = views.is_file();
    if rebuilt {
        let copy = dir.path().join("floor.views.db");
        let (bytes, elapsed) = {
            let views = views.clone();
            let copy = copy.clone();
            tokio::task::spawn_blocking(move || vacuum_into(&views, &copy)).await??
        };
        std::fs::remove_file(&copy).with_context(|| format!("removing {}", copy.display()))?;
        rows.push(Measured {
            scenario: format!(
                "copy the read models into a new file (`VACUUM INTO`, {:.0} MB, synced)",
                bytes as f64 / 1e6
            ),
            events: head,
            elapsed,
            latency: histogram(),
        });
        let file = dir.path().join("floor.bytes");
        let elapsed = {
            let file = file.clone();
            tokio::task::spawn_blocking(move || write_and_sync(&file, bytes)).await??
        };
        std::fs::remove_file(&file).with_context(|| format!("removing {}", file.display()))?;
        rows.push(Measured {
            scenario: format!(
                "write as many bytes to a new file and sync it ({:.0} MB/s)",
                bytes as f64 / 1e6 / elapsed.as_secs_f64().max(1e-9)
            ),
            events: head,
            elapsed,
            latency: histogram(),
        });
    }

    println!(
        "Floors for {source}: {head} events (each row's events/s is the log's events over \
         its time)"
    );
    println!();
    report::header();
    for row in &rows {
        report::row(row);
    }
    println!();
    if rebuilt {
        println!(
            "at 500,000 events/s a seed or a rebuild of this log has {:.2} s",
            head as f64 / 500_000.0
        );
    } else {
        println!(
            "{} is not there: rebuild the read models first (`dutytrace rebuild --store \
             {source}`) to measure the floors of a rebuild",
            views.display()
        );
    }
    Ok(())
}

/// Copies the database `from` into the new file `to` with `VACUUM INTO` and syncs it: the
/// bytes written, and the time.
fn vacuum_into(from: &std::path::Path, to: &std::path::Path) -> anyhow::Result<(u64, Duration)> {
    let started = Instant::now();
    crate::migrate::vacuum_into(from, to)?;
    std::fs::File::open(to)?.sync_all()?;
    let elapsed = started.elapsed();
    Ok((std::fs::metadata(to)?.len(), elapsed))
}

/// Writes `bytes` bytes to the new file `to` in 1 MiB blocks and syncs it: the time.
fn write_and_sync(to: &std::path::Path, bytes: u64) -> anyhow::Result<Duration> {
    let block = vec![0x5a_u8; 1 << 20];
    let started = Instant::now();
    let mut file =
        std::fs::File::create(to).with_context(|| format!("creating {}", to.display()))?;
    let mut left = bytes;
    while left > 0 {
        let n = left.min(block.len() as u64) as usize;
        file.write_all(&block[..n])?;
        left -= n as u64;
    }
    file.sync_all()?;
    Ok(started.elapsed())
}
