//! Durable append throughput and latency.

use super::report::{self, Measured, histogram};
use super::{AppendArgs, duty_template, fresh, scratch};
use anyhow::Context as _;
use event_store::{EventStore, ExpectedVersion, StreamName};
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;
use store_postgres::{PostgresOptions, PostgresStore, scratch};
use store_sqlite::{SqliteOptions, SqliteStore};

pub(crate) async fn run(args: AppendArgs) -> anyhow::Result<()> {
    if let Some(url) = args.postgres.clone() {
        return run_postgres(&args, &url).await;
    }
    let dir = scratch(args.dir.clone())?;
    println!(
        "SQLite, durable (WAL, synchronous=FULL), store in {}",
        dir.path().display()
    );
    println!();
    report::header();
    for (i, &writers) in args.writers.iter().enumerate() {
        let total = if writers == 1 {
            args.events / 10
        } else {
            args.events
        };
        let store = SqliteStore::open(
            dir.path().join(format!("single-{i}.db")),
            SqliteOptions::default(),
        )?;
        let m = appends(Arc::new(store.clone()), writers, total, 1).await?;
        store.close().await;
        report::row(&m);
        record(&args, "dutytrace-sqlite", writers, 1, &m)?;
    }
    if let Some(calls) = args.batch_events.checked_div(args.batch) {
        let store = SqliteStore::open(dir.path().join("batch.db"), SqliteOptions::default())?;
        let m = appends(
            Arc::new(store.clone()),
            args.batch_writers,
            calls,
            args.batch,
        )
        .await?;
        store.close().await;
        report::row(&m);
        record(
            &args,
            "dutytrace-sqlite",
            args.batch_writers,
            args.batch,
            &m,
        )?;
    }
    Ok(())
}

/// The same scenarios on PostgreSQL, each in a new schema.
async fn run_postgres(args: &AppendArgs, url: &str) -> anyhow::Result<()> {
    println!(
        "PostgreSQL at {}, durable (synchronous_commit as the server has it), one schema per scenario",
        store_postgres::redact(url)
    );
    println!();
    report::header();
    let scenarios = args
        .writers
        .iter()
        .map(|&w| {
            (
                w,
                if w == 1 {
                    args.events / 10
                } else {
                    args.events
                },
                1,
            )
        })
        .chain(
            args.batch_events
                .checked_div(args.batch)
                .map(|calls| (args.batch_writers, calls, args.batch)),
        );
    for (writers, calls, size) in scenarios {
        let schema = scratch::create_schema(url, "bench").await?;
        let options = PostgresOptions {
            pool_size: (writers / 4).clamp(4, 32),
            ..PostgresOptions::default()
        };
        let measured = async {
            let store =
                PostgresStore::connect(&scratch::url_with_schema(url, &schema), options).await?;
            let m = appends(Arc::new(store.clone()), writers, calls, size).await;
            store.close().await;
            m
        }
        .await;
        scratch::drop_schema(url, &schema).await?;
        let m = measured?;
        report::row(&m);
        record(args, "dutytrace-postgres", writers, size, &m)?;
    }
    Ok(())
}

/// Appends the scenario's figures to `--json`, if given, as one JSON object on a line —
/// the shape `bench/peers` writes too.
fn record(
    args: &AppendArgs,
    system: &str,
    writers: usize,
    batch: usize,
    m: &Measured,
) -> anyhow::Result<()> {
    use std::io::Write as _;
    let Some(path) = &args.json else {
        return Ok(());
    };
    let secs = m.elapsed.as_secs_f64();
    let ms = |q: f64| m.latency.value_at_quantile(q) as f64 / 1000.0;
    let line = serde_json::json!({
        "system": system,
        "writers": writers,
        "batch": batch,
        "events": m.events,
        "seconds": secs,
        "events_per_s": m.events as f64 / secs.max(1e-9),
        "p50_ms": ms(0.5),
        "p99_ms": ms(0.99),
    });
    let mut file = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)
        .with_context(|| format!("opening {} to add the figures", path.display()))?;
    writeln!(file, "{line}").with_context(|| format!("writing to {}", path.display()))?;
    Ok(())
}

/// `writers` tasks, each appending to its own stream with an exact expected version,
/// make `calls` appends of `size` events between them.
async fn appends(
    store: Arc<dyn EventStore>,
    writers: usize,
    calls: usize,
    size: usize,
) -> anyhow::Result<Measured> {
    let counter = Arc::new(AtomicUsize::new(0));
    let start = Instant::now();
    let mut tasks = Vec::new();
    for w in 0..writers {
        let store = store.clone();
        let counter = counter.clone();
        tasks.push(tokio::spawn(async move {
            let stream = StreamName::new(format!("cadre-bench{w}"))?;
            let template = duty_template();
            let mut version = 0u64;
            let mut latency = histogram();
            while counter.fetch_add(1, Ordering::Relaxed) < calls {
                let events = (0..size).map(|_| fresh(&template)).collect();
                let t = Instant::now();
                let r = store
                    .append(&stream, ExpectedVersion::Exact(version), events)
                    .await?;
                latency.saturating_record(t.elapsed().as_micros() as u64);
                version = r.stream_version;
            }
            anyhow::Ok(latency)
        }));
    }
    let mut latency = histogram();
    for t in tasks {
        latency.add(t.await??)?;
    }
    let elapsed = start.elapsed();
    let scenario = if size == 1 {
        format!("{writers} writer(s), single-event appends")
    } else {
        format!("{writers} writer(s), {size}-event batches")
    };
    Ok(Measured {
        scenario,
        events: (calls * size) as u64,
        elapsed,
        latency,
    })
}
