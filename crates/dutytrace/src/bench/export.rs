//! Export and verify at scale: a log — `--events` synthetic events, or a copy of a seeded
//! one (`--store`, e.g. a province) — its Merkle tree built by the projector, a complete
//! export written to a file (time, MB/s, peak memory), then verified offline on one thread
//! (MB/s, peak memory). Peak memory is the process's high-water mark (VmHWM), reset just
//! before each phase.

use super::copy::copy_store;
use super::report::{self, Measured, histogram, mib, peak_mib, reset_peak};
use super::{ExportArgs, scratch};
use event_store::EventStore;
use projector::ReadModels;
use std::sync::Arc;
use std::time::Instant;
use store_sqlite::{SqliteOptions, SqliteStore};

pub(crate) async fn run(args: ExportArgs) -> anyhow::Result<()> {
    let dir = scratch(args.dir)?;
    let (path, source) = match &args.store {
        Some(url) => {
            // The tree is written beside the log: on a copy, never the original.
            let copied = copy_store(url, dir.path(), "export")?;
            println!(
                "{url} copied to a scratch directory ({:.0} MB) in {:.1} s",
                copied.bytes as f64 / 1e6,
                copied.elapsed.as_secs_f64()
            );
            (store_sqlite::path_from_url(&copied.url)?, url.clone())
        }
        None => (dir.path().join("export.db"), "synthetic".to_owned()),
    };
    let store = SqliteStore::open(&path, SqliteOptions::default())?;
    let log: Arc<dyn EventStore> = Arc::new(store.clone());
    if args.store.is_none() {
        super::replay::seed(&log, args.events).await?;
    } else if log.head().await? == 0 {
        anyhow::bail!(
            "--store {source}: the log holds no events — seed it first with `dutytrace seed`"
        );
    }
    let models = ReadModels::open(crate::stores::views_path(&path))?;
    let started = Instant::now();
    let tree = projector::catch_up(log.clone(), &models, Arc::new(merkle::Merkle)).await?;
    let tree_elapsed = started.elapsed();
    let reader = models.reader()?;
    let size = merkle::size(&reader)?;
    let root = merkle::root(&reader, size)?;
    drop(reader);
    let signer = evidence::Signer::generate();
    let checkpoint = signer.sign(evidence::Checkpoint {
        origin: "dutytrace/bench".into(),
        tree_size: size,
        root,
        time: chrono::Utc::now(),
    });
    let key = signer.public_key();

    let out = dir.path().join("export.ndjson");
    let memory_before = peak_mib();
    reset_peak();
    let started = Instant::now();
    let file = tokio::io::BufWriter::new(tokio::fs::File::create(&out).await?);
    let mut file = file;
    let bytes = export::write_to(
        log.clone(),
        models.clone(),
        export::ExportRequest::default(),
        checkpoint,
        key,
        &mut file,
    )
    .await?;
    tokio::io::AsyncWriteExt::flush(&mut file).await?;
    let export_elapsed = started.elapsed();
    let export_peak = peak_mib();

    reset_peak();
    let started = Instant::now();
    let verified = {
        let out = out.clone();
        tokio::task::spawn_blocking(move || {
            let f = std::fs::File::open(out)?;
            export::verify(
                std::io::BufReader::with_capacity(1 << 20, f),
                Some(&key),
                &[],
            )
            .map_err(anyhow::Error::from)
        })
        .await??
    };
    let verify_elapsed = started.elapsed();
    let verify_peak = peak_mib();

    let mb = bytes as f64 / 1e6;
    println!(
        "Export and verify: {} events ({source} log), {:.0} MB of NDJSON (SQLite log → file → \
         verify)",
        size, mb
    );
    println!();
    report::header();
    report::row(&Measured {
        scenario: if tree.events == 0 {
            "Merkle tree, projector catch-up (built with the copied read models: none to add)"
                .into()
        } else {
            "Merkle tree, projector catch-up".into()
        },
        events: tree.events,
        elapsed: tree_elapsed,
        latency: histogram(),
    });
    report::row(&Measured {
        scenario: "export (complete, to a file)".into(),
        events: size,
        elapsed: export_elapsed,
        latency: histogram(),
    });
    report::row(&Measured {
        scenario: "verify (one thread)".into(),
        events: verified.events,
        elapsed: verify_elapsed,
        latency: histogram(),
    });
    println!();
    println!(
        "export: {:.0} MB/s, peak RSS {} (before the export: {})",
        mb / export_elapsed.as_secs_f64(),
        mib(export_peak),
        mib(memory_before)
    );
    println!(
        "verify: {:.0} MB/s, peak RSS {}",
        verified.bytes as f64 / 1e6 / verify_elapsed.as_secs_f64(),
        mib(verify_peak)
    );
    store.close().await;
    Ok(())
}
