//! The stream index folded behind the writer (ADR 0023): streams read alike whether their
//! events lie in the index, at the end of the log or across the two, and a log written
//! before the index existed gets it when opened.

#![allow(clippy::unwrap_used, reason = "test helpers fail loudly by design")]

use event_store::{Direction, EventStore, ExpectedVersion, StoreError, StreamName};
mod common;

use common::event;
use store_sqlite::{SqliteOptions, SqliteStore};

fn folded(path: &std::path::Path) -> (i64, i64) {
    let conn = rusqlite::Connection::open(path).unwrap();
    let head: i64 = conn
        .query_row("SELECT position FROM stream_index_head", [], |r| r.get(0))
        .unwrap();
    let rows: i64 = conn
        .query_row("SELECT count(*) FROM stream_index", [], |r| r.get(0))
        .unwrap();
    (head, rows)
}

/// (version, payload) of each event a read returns.
async fn read(
    store: &SqliteStore,
    stream: &StreamName,
    direction: Direction,
    from: u64,
    limit: usize,
) -> Vec<(u64, String)> {
    store
        .read_stream(stream, direction, from, limit)
        .await
        .unwrap()
        .into_iter()
        .map(|e| (e.version, e.payload.as_str().to_owned()))
        .collect()
}

#[tokio::test]
async fn streams_read_alike_in_the_index_at_the_end_of_the_log_and_across_the_two() {
    let dir = tempfile::tempdir().unwrap();
    let a = StreamName::new("cadre-a").unwrap();
    let b = StreamName::new("cadre-b").unwrap();
    // Every event folded at once, folds every 4 events, and none ever folded.
    let mut stores = Vec::new();
    for fold_at in [1, 4, u64::MAX] {
        let path = dir.path().join(format!("log-{fold_at}.db"));
        let options = SqliteOptions {
            stream_fold_at: fold_at,
            stream_fold_commits: u32::MAX,
            ..SqliteOptions::default()
        };
        let store = SqliteStore::open(&path, options).unwrap();
        // Stream a gets 8 events (one append of two), b gets 3, interleaved.
        for n in 0..10_u32 {
            let (s, events) = match n {
                3 => (&a, vec![event(n), event(100 + n)]),
                _ if n % 3 == 1 => (&b, vec![event(n)]),
                _ => (&a, vec![event(n)]),
            };
            store.append(s, ExpectedVersion::Any, events).await.unwrap();
        }
        stores.push((fold_at, path, store));
    }
    let heads: Vec<_> = stores.iter().map(|(_, p, _)| folded(p)).collect();
    assert_eq!(
        heads[0],
        (11, 11),
        "every event folded when each commit folds"
    );
    assert!(
        heads[1].0 > 0 && 11 - heads[1].0 < 4 && heads[1].1 == heads[1].0,
        "folds every 4 events leave fewer than 4 at the end: {:?}",
        heads[1]
    );
    assert_eq!(heads[2], (0, 0), "nothing folded");

    let payloads = |s: &StreamName| {
        let n: &[u32] = if s == &a {
            &[0, 2, 3, 103, 5, 6, 8, 9]
        } else {
            &[1, 4, 7]
        };
        n.iter()
            .enumerate()
            .map(|(i, n)| (i as u64 + 1, format!("{{\"n\":{n}}}")))
            .collect::<Vec<_>>()
    };
    for (fold_at, _, store) in &stores {
        for s in [&a, &b] {
            let all = payloads(s);
            assert_eq!(
                store.stream_version(s).await.unwrap(),
                all.len() as u64,
                "{s} folding every {fold_at}"
            );
            for from in 0..=9_u64 {
                for limit in 1..=9_usize {
                    let forward: Vec<_> = all
                        .iter()
                        .filter(|(v, _)| *v >= from)
                        .take(limit)
                        .cloned()
                        .collect();
                    let backward: Vec<_> = all
                        .iter()
                        .rev()
                        .filter(|(v, _)| *v <= from)
                        .take(limit)
                        .cloned()
                        .collect();
                    let at = format!("{s} from {from} limit {limit}, folding every {fold_at}");
                    assert_eq!(
                        read(store, s, Direction::Forward, from, limit).await,
                        forward,
                        "{at}"
                    );
                    assert_eq!(
                        read(store, s, Direction::Backward, from, limit).await,
                        backward,
                        "{at}"
                    );
                }
            }
        }
        // Read at once, the streams come back whole from either part, each where asked.
        let at_once: Vec<Vec<(u64, String)>> = store
            .read_streams(&[b.clone(), a.clone(), b.clone()])
            .await
            .unwrap()
            .into_iter()
            .map(|events| {
                events
                    .into_iter()
                    .map(|e| (e.version, e.payload.as_str().to_owned()))
                    .collect()
            })
            .collect();
        assert_eq!(
            at_once,
            vec![payloads(&b), payloads(&a), payloads(&b)],
            "folding every {fold_at}"
        );
        // The version check sees a stream's last event wherever it lies.
        let err = store
            .append(&a, ExpectedVersion::Exact(7), vec![event(1)])
            .await
            .unwrap_err();
        assert!(
            matches!(err, StoreError::WrongExpectedVersion { actual: 8, .. }),
            "{err}"
        );
    }
    for (_, _, store) in stores {
        store.close().await;
    }
}

#[tokio::test]
async fn small_commits_are_folded_every_few_commits() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("log.db");
    let options = SqliteOptions {
        stream_fold_at: u64::MAX,
        stream_fold_commits: 3,
        ..SqliteOptions::default()
    };
    let store = SqliteStore::open(&path, options).unwrap();
    let s = StreamName::new("cadre-1").unwrap();
    let mut seen = Vec::new();
    for n in 0..7 {
        store
            .append(&s, ExpectedVersion::Exact(n.into()), vec![event(n)])
            .await
            .unwrap();
        seen.push(folded(&path).0);
    }
    // The third and the sixth commit fold what the commits since the last fold wrote.
    assert_eq!(seen, vec![0, 0, 3, 3, 3, 6, 6]);
    assert_eq!(folded(&path), (6, 6));
    assert_eq!(read(&store, &s, Direction::Forward, 1, 10).await.len(), 7);
    store.close().await;
}

#[tokio::test]
async fn a_log_of_the_first_schema_gets_its_stream_index_when_opened() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("log.db");
    // A log as the first schema wrote it: the stream index on `events` itself.
    {
        let conn = rusqlite::Connection::open(&path).unwrap();
        conn.execute_batch(include_str!("../migrations/0001_event_log.sql"))
            .unwrap();
        conn.execute_batch("PRAGMA user_version = 1; PRAGMA application_id = 1146373452;")
            .unwrap();
        for (position, stream, version) in [
            (1, "unit-1", 1),
            (2, "cadre-1", 1),
            (3, "unit-1", 2),
            (4, "cadre-1", 2),
            (5, "cadre-1", 3),
        ] {
            conn.execute(
                "INSERT INTO events VALUES (?1, randomblob(16), ?2, ?3, 'DutyRecorded', 1, \
                 ?1, ?1, 'user:test', NULL, NULL, '{}', ?1)",
                rusqlite::params![position, stream, version],
            )
            .unwrap();
        }
    }
    let store = SqliteStore::open(&path, SqliteOptions::default()).unwrap();
    let cadre = StreamName::new("cadre-1").unwrap();
    let unit = StreamName::new("unit-1").unwrap();
    let positions: Vec<u64> = store
        .read_stream(&cadre, Direction::Forward, 1, 10)
        .await
        .unwrap()
        .iter()
        .map(|e| e.position)
        .collect();
    assert_eq!(positions, vec![2, 4, 5]);
    assert_eq!(store.stream_version(&unit).await.unwrap(), 2);
    let err = store
        .append(&cadre, ExpectedVersion::Exact(2), vec![event(1)])
        .await
        .unwrap_err();
    assert!(
        matches!(err, StoreError::WrongExpectedVersion { actual: 3, .. }),
        "{err}"
    );
    store
        .append(&cadre, ExpectedVersion::Exact(3), vec![event(2)])
        .await
        .unwrap();
    store.close().await;

    assert_eq!(
        folded(&path),
        (5, 5),
        "the first schema's events, all folded"
    );
    let conn = rusqlite::Connection::open(&path).unwrap();
    let old: i64 = conn
        .query_row(
            "SELECT count(*) FROM sqlite_master WHERE name = 'events_stream_version'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(old, 0, "the index on events is gone");
}
