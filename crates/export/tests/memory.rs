//! An export of 100,000 events streams in pages: no chunk is larger than a page's lines, and
//! the process's peak memory is printed before and after (run alone, so the peak is this
//! test's: `cargo test -p export --test memory -- --nocapture`).

#![allow(clippy::unwrap_used, reason = "tests")]

use std::sync::Arc;
use std::time::Instant;

use event_store::{Actor, EventStore, EventType, ExpectedVersion, NewEvent, Payload, StreamName};
use evidence::{Checkpoint, Signer};
use export::ExportRequest;
use futures::StreamExt as _;
use merkle::Merkle;
use projector::ReadModels;
use store_sqlite::SqliteStore;

const EVENTS: u64 = 100_000;

/// Peak resident memory of this process since the last [`reset_peak`], in kB (Linux).
fn peak_kb() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0)
}

/// Starts a new peak at the current resident memory (Linux: writing 5 to `clear_refs`).
fn reset_peak() {
    let _ = std::fs::write("/proc/self/clear_refs", "5");
}

/// Resident memory now, in kB.
fn rss_kb() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmRSS:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap_or(0)
}

#[tokio::test]
async fn an_export_of_a_hundred_thousand_events_streams_in_constant_memory() {
    let dir = tempfile::tempdir().unwrap();
    let store: Arc<dyn EventStore> =
        Arc::new(SqliteStore::open(dir.path().join("log.db"), Default::default()).unwrap());
    let models = ReadModels::open(dir.path().join("log.views.db")).unwrap();
    let kind = EventType::new("DutyRecorded").unwrap();
    let actor = Actor::new("user:admin").unwrap();
    for batch in 0..EVENTS / 1000 {
        let events = (0..1000)
            .map(|i| {
                let n = batch * 1000 + i;
                NewEvent::new(
                    kind.clone(),
                    Payload::from_json(format!(r#"{{"n":{n},"备注":"履责"}}"#)).unwrap(),
                    actor.clone(),
                    chrono::Utc::now(),
                )
            })
            .collect();
        let stream = StreamName::new(format!("obligation-{}", batch % 17)).unwrap();
        store
            .append(&stream, ExpectedVersion::Any, events)
            .await
            .unwrap();
    }
    projector::catch_up(store.clone(), &models, Arc::new(Merkle))
        .await
        .unwrap();
    let signer = Signer::generate();
    let conn = models.reader().unwrap();
    let checkpoint = signer.sign(Checkpoint {
        origin: "dutytrace/memory".into(),
        tree_size: EVENTS,
        root: merkle::root(&conn, EVENTS).unwrap(),
        time: chrono::Utc::now(),
    });

    for gzip in [false, true] {
        reset_peak();
        let before = rss_kb();
        let started = Instant::now();
        let request = ExportRequest {
            gzip,
            ..Default::default()
        };
        let mut stream = std::pin::pin!(export::export(
            store.clone(),
            models.clone(),
            request,
            checkpoint.clone(),
            signer.public_key(),
        ));
        let (mut total, mut chunks, mut largest) = (0usize, 0usize, 0usize);
        let path = dir.path().join(if gzip {
            "export.ndjson.gz"
        } else {
            "export.ndjson"
        });
        let mut file = std::io::BufWriter::new(std::fs::File::create(&path).unwrap());
        while let Some(chunk) = stream.next().await {
            let chunk = chunk.unwrap();
            std::io::Write::write_all(&mut file, &chunk).unwrap();
            total += chunk.len();
            chunks += 1;
            largest = largest.max(chunk.len());
        }
        drop(file);
        let elapsed = started.elapsed();
        let after_export = peak_kb();
        reset_peak();

        let verified = export::verify(
            std::fs::File::open(&path).unwrap(),
            Some(&signer.public_key()),
            std::slice::from_ref(&checkpoint),
        )
        .unwrap();
        let after_verify = peak_kb();
        println!(
            "gzip={gzip}: {total} bytes in {chunks} chunks (largest {largest}) in {elapsed:.2?}; \
             RSS {before} kB before, peak {after_export} kB during the export, {after_verify} kB during verify"
        );
        assert_eq!(verified.events, EVENTS);
        // A page of 1,000 events is ~250 kB of lines: no chunk holds more than a page or two.
        assert!(largest < 1_000_000, "largest chunk {largest}");
        // Neither side holds the file (43 MB unpacked): the peak grows by far less.
        let grown = after_export.max(after_verify).saturating_sub(before);
        assert!(grown < 20_000, "peak grew by {grown} kB");
        assert!(chunks >= if gzip { 5 } else { 100 }, "{chunks} chunks");
        if !gzip {
            assert!(total > 25_000_000, "{total} bytes");
        }
    }
}
