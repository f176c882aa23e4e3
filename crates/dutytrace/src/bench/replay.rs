//! Replaying a log through a projection.

use super::report::{self, Measured, histogram};
use super::{ReplayArgs, duty_template, fresh, scratch};
use event_store::{EventStore, ExpectedVersion, StreamName};
use projector::ReadModels;
use std::sync::Arc;
use std::time::Instant;
use store_sqlite::{SqliteOptions, SqliteStore};

/// Events per stream in the seeded log (a cadre's year is of this order).
const PER_STREAM: usize = 100;

pub(crate) async fn run(args: ReplayArgs) -> anyhow::Result<()> {
    let dir = scratch(args.dir)?;
    let path = dir.path().join("replay.db");
    let store = SqliteStore::open(&path, SqliteOptions::default())?;
    let log: Arc<dyn EventStore> = Arc::new(store.clone());
    seed(&log, args.events).await?;
    let models = ReadModels::open(crate::stores::views_path(&path))?;
    let start = Instant::now();
    let done = projector::catch_up(log.clone(), &models, Arc::new(catalog::Catalog)).await?;
    let elapsed = start.elapsed();
    println!("Replay through the catalog projection (SQLite log → SQLite read model)");
    println!();
    report::header();
    report::row(&Measured {
        scenario: "replay, catalog projection".into(),
        events: done.events,
        elapsed,
        latency: histogram(),
    });
    store.close().await;
    Ok(())
}

/// Writes `n` events, in streams of [`PER_STREAM`], with a few concurrent writers.
pub(crate) async fn seed(log: &Arc<dyn EventStore>, n: usize) -> anyhow::Result<()> {
    let streams = n.div_ceil(PER_STREAM);
    let mut tasks = Vec::new();
    for w in 0..4 {
        let log = log.clone();
        tasks.push(tokio::spawn(async move {
            let template = duty_template();
            for s in (w..streams).step_by(4) {
                let count = PER_STREAM.min(n - s * PER_STREAM);
                let stream = StreamName::new(format!("cadre-seed{s}"))?;
                let events = (0..count).map(|_| fresh(&template)).collect();
                log.append(&stream, ExpectedVersion::NoStream, events)
                    .await?;
            }
            anyhow::Ok(())
        }));
    }
    for t in tasks {
        t.await??;
    }
    Ok(())
}
