//! The catalog read model: its rows match the log it was built from, whether built
//! incrementally in any batching or rebuilt from zero, and its queries read them back.

// Helpers outside #[test] fns too: a failed setup should just panic.
#![allow(clippy::unwrap_used)]

use catalog::{Catalog, CategorySummary, EventTypeSummary, Totals};
use event_store::{
    Actor, EventStore, EventType, ExpectedVersion, Filter, NewEvent, Payload, StreamName,
};
use projector::{ProjectorOptions, ReadModels, catch_up_with, rebuild};
use proptest::prelude::*;
use rusqlite::Connection;
use std::collections::BTreeMap;
use std::sync::Arc;
use store_sqlite::{SqliteOptions, SqliteStore};

const STREAMS: &[&str] = &["cadre-1", "cadre-2", "cadre-3", "unit-1", "unit-2", "board"];
const TYPES: &[&str] = &["DutyRecorded", "DutyAmended", "FilingSubmitted"];

type StreamRow = (String, String, i64, i64, i64, i64, i64);
type TypeRow = (String, i64, i64);

fn dump(conn: &Connection) -> (Vec<StreamRow>, Vec<TypeRow>) {
    let streams = conn
        .prepare("SELECT * FROM catalog_streams ORDER BY stream")
        .unwrap()
        .query_map([], |r| {
            Ok((
                r.get(0)?,
                r.get(1)?,
                r.get(2)?,
                r.get(3)?,
                r.get(4)?,
                r.get(5)?,
                r.get(6)?,
            ))
        })
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    let types = conn
        .prepare("SELECT * FROM catalog_event_types ORDER BY event_type")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    (streams, types)
}

/// The catalog computed straight from the log, one event at a time.
async fn expected(store: &dyn EventStore) -> (Vec<StreamRow>, Vec<TypeRow>) {
    let events = store
        .read_all(1, &Filter::all(), usize::MAX >> 1)
        .await
        .unwrap()
        .events;
    let mut streams: BTreeMap<String, StreamRow> = BTreeMap::new();
    let mut types: BTreeMap<String, TypeRow> = BTreeMap::new();
    for e in &events {
        let p = e.position as i64;
        let s = streams.entry(e.stream.to_string()).or_insert_with(|| {
            (
                e.stream.to_string(),
                e.stream.category().to_owned(),
                0,
                p,
                0,
                0,
                0,
            )
        });
        s.2 += 1;
        (s.4, s.5, s.6) = (p, e.version as i64, e.recorded_at.timestamp_micros());
        let t = types
            .entry(e.event_type.to_string())
            .or_insert_with(|| (e.event_type.to_string(), 0, 0));
        t.1 += 1;
        t.2 = p;
    }
    (
        streams.into_values().collect(),
        types.into_values().collect(),
    )
}

async fn append(store: &dyn EventStore, stream: &str, kind: &str, n: usize) {
    let events = (0..n)
        .map(|i| {
            NewEvent::new(
                EventType::new(kind).unwrap(),
                Payload::from_json(format!("{{\"i\":{i}}}")).unwrap(),
                Actor::new("user:test").unwrap(),
                chrono::Utc::now(),
            )
        })
        .collect();
    store
        .append(
            &StreamName::new(stream).unwrap(),
            ExpectedVersion::Any,
            events,
        )
        .await
        .unwrap();
}

fn batches(n: usize) -> ProjectorOptions {
    ProjectorOptions {
        batch_size: n,
        ..Default::default()
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_catalog_answers_what_the_log_holds() {
    let dir = tempfile::tempdir().unwrap();
    let store: Arc<dyn EventStore> =
        Arc::new(SqliteStore::open(dir.path().join("log.db"), SqliteOptions::default()).unwrap());
    let models = ReadModels::open(dir.path().join("read.db")).unwrap();
    append(&*store, "cadre-1", "DutyRecorded", 3).await; // 1..=3
    append(&*store, "unit-1", "FilingSubmitted", 1).await; // 4
    append(&*store, "cadre-2", "DutyRecorded", 2).await; // 5..=6
    append(&*store, "cadre-1", "DutyAmended", 1).await; // 7
    catch_up_with(store.clone(), &models, Arc::new(Catalog), batches(2))
        .await
        .unwrap();

    let conn = models.reader().unwrap();
    let c1 = catalog::stream(&conn, "cadre-1").unwrap().unwrap();
    assert_eq!(
        (
            c1.category.as_str(),
            c1.events,
            c1.first_position,
            c1.last_position,
            c1.last_version
        ),
        ("cadre", 4, 1, 7, 4)
    );
    assert_eq!(catalog::stream(&conn, "cadre-9").unwrap(), None);

    let page = catalog::streams_in_category(&conn, "cadre", "", 1).unwrap();
    assert_eq!(page.len(), 1);
    assert_eq!(page[0].stream, "cadre-1");
    let next = catalog::streams_in_category(&conn, "cadre", &page[0].stream, 10).unwrap();
    assert_eq!(
        next.iter().map(|s| s.stream.as_str()).collect::<Vec<_>>(),
        ["cadre-2"]
    );

    assert_eq!(
        catalog::categories(&conn).unwrap(),
        [
            CategorySummary {
                category: "cadre".into(),
                streams: 2,
                events: 6
            },
            CategorySummary {
                category: "unit".into(),
                streams: 1,
                events: 1
            },
        ]
    );
    assert_eq!(
        catalog::event_types(&conn).unwrap(),
        [
            EventTypeSummary {
                event_type: "DutyAmended".into(),
                events: 1,
                last_position: 7
            },
            EventTypeSummary {
                event_type: "DutyRecorded".into(),
                events: 5,
                last_position: 6
            },
            EventTypeSummary {
                event_type: "FilingSubmitted".into(),
                events: 1,
                last_position: 4
            },
        ]
    );
    assert_eq!(
        catalog::totals(&conn).unwrap(),
        Totals {
            streams: 3,
            events: 7,
            event_types: 3,
            last_position: 7
        }
    );
    assert_eq!(dump(&conn), expected(&*store).await);
}

/// Appends of (stream, event type, how many events).
type Chunk = Vec<(usize, usize, usize)>;

/// A random history, appended in chunks, each followed by a catch-up in random batch sizes.
fn history() -> impl Strategy<Value = (Vec<Chunk>, Vec<usize>)> {
    let append = (0..STREAMS.len(), 0..TYPES.len(), 1..4usize);
    let chunk = prop::collection::vec(append, 0..8);
    (
        prop::collection::vec(chunk, 1..5),
        prop::collection::vec(1..9usize, 5),
    )
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]

    #[test]
    fn replay_equals_rebuild_equals_the_log((chunks, sizes) in history()) {
        let rt = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
        rt.block_on(async {
            let dir = tempfile::tempdir().unwrap();
            let store: Arc<dyn EventStore> =
                Arc::new(SqliteStore::open(dir.path().join("log.db"), SqliteOptions::default()).unwrap());
            let models = ReadModels::open(dir.path().join("read.db")).unwrap();
            for (chunk, size) in chunks.iter().zip(sizes.iter().cycle()) {
                for &(s, t, n) in chunk {
                    append(&*store, STREAMS[s], TYPES[t], n).await;
                }
                let r = catch_up_with(store.clone(), &models, Arc::new(Catalog), batches(*size)).await.unwrap();
                assert_eq!(r.through, store.head().await.unwrap());
            }
            let conn = models.reader().unwrap();
            let replayed = dump(&conn);
            assert_eq!(replayed, expected(&*store).await);

            let report = rebuild(store.clone(), &models, Arc::new(Catalog)).await.unwrap();
            assert_eq!(report.through, store.head().await.unwrap());
            assert_eq!(dump(&conn), replayed);
        });
    }
}
