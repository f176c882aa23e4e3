//! Many writers at once.

use crate::Harness;
use crate::fixtures::{event, open_empty, read_everything, stream, within};
use event_store::{AppendResult, Direction, EventStore, ExpectedVersion, StoreError};
use std::collections::{BTreeSet, HashMap};
use std::sync::Arc;
use tokio::sync::Barrier;

const WRITERS: usize = 32;

/// 32 writers race on one stream with `Exact(v)`: in lock-step rounds exactly one wins each
/// round and the others see the winner's version; running freely, each expected version is
/// won at most once, the winners' versions are 0..k without gaps, the stream's version is
/// the number of successes, and each stored event is its winner's.
pub async fn concurrent_writers_to_one_stream_get_one_winner_per_version(h: &dyn Harness) {
    const ROUNDS: u64 = 5;
    const ATTEMPTS: u64 = 8;
    let store = open_empty(h).await;
    let s = stream("cadre-1");

    // Lock-step: everyone expects the same version at once.
    for round in 0..ROUNDS {
        let barrier = Arc::new(Barrier::new(WRITERS));
        let mut tasks = Vec::new();
        for w in 0..WRITERS {
            let (store, s, barrier) = (store.clone(), s.clone(), barrier.clone());
            tasks.push(tokio::spawn(async move {
                barrier.wait().await;
                let e = event(
                    "DutyRecorded",
                    serde_json::json!({ "writer": w, "round": round }),
                );
                store
                    .append(&s, ExpectedVersion::Exact(round), vec![e])
                    .await
            }));
        }
        let mut winners = 0;
        for t in tasks {
            match t.await.expect("task") {
                Ok(r) => {
                    winners += 1;
                    assert_eq!(r.stream_version, round + 1);
                }
                Err(e) => assert_eq!(
                    e,
                    StoreError::WrongExpectedVersion {
                        stream: "cadre-1".into(),
                        expected: ExpectedVersion::Exact(round),
                        actual: round + 1,
                    }
                ),
            }
        }
        assert_eq!(winners, 1, "round {round}: exactly one writer wins");
    }

    // Free-running: read the version, append at it, repeat.
    let mut tasks = Vec::new();
    for w in 0..WRITERS {
        let (store, s) = (store.clone(), s.clone());
        tasks.push(tokio::spawn(async move {
            let mut outcomes = Vec::new();
            for attempt in 0..ATTEMPTS {
                let v = store.stream_version(&s).await.expect("stream_version");
                let e = event(
                    "DutyRecorded",
                    serde_json::json!({ "writer": w, "attempt": attempt, "expected": v }),
                );
                let id = e.event_id;
                let result = store.append(&s, ExpectedVersion::Exact(v), vec![e]).await;
                outcomes.push((v, id, result));
            }
            outcomes
        }));
    }
    let mut won: HashMap<u64, uuid::Uuid> = HashMap::new();
    let mut successes = 0u64;
    for t in tasks {
        for (v, id, result) in t.await.expect("task") {
            match result {
                Ok(r) => {
                    successes += 1;
                    assert_eq!(r.stream_version, v + 1);
                    assert!(
                        won.insert(v, id).is_none(),
                        "expected version {v} won twice"
                    );
                }
                Err(StoreError::WrongExpectedVersion {
                    stream,
                    expected,
                    actual,
                }) => {
                    assert_eq!(
                        (stream.as_str(), expected),
                        ("cadre-1", ExpectedVersion::Exact(v))
                    );
                    assert!(actual > v, "a conflict at {v} reported version {actual}");
                }
                Err(e) => panic!("unexpected error: {e}"),
            }
        }
    }
    assert!(successes > 0);
    let won_versions: BTreeSet<u64> = won.keys().copied().collect();
    assert_eq!(
        won_versions,
        (ROUNDS..ROUNDS + successes).collect::<BTreeSet<_>>(),
        "winning expected versions have no gaps"
    );
    let total = ROUNDS + successes;
    assert_eq!(store.stream_version(&s).await.expect("version"), total);
    let events = store
        .read_stream(&s, Direction::Forward, 1, 10_000)
        .await
        .expect("read_stream");
    assert_eq!(events.len() as u64, total);
    for e in &events[ROUNDS as usize..] {
        assert_eq!(e.event_id, won[&(e.version - 1)], "version {}", e.version);
    }
    assert_eq!(store.head().await.expect("head"), total);
}

/// 32 writers on their own streams all succeed; together their positions are exactly
/// 1..=n, and each stream holds its writer's events at versions 1..k in append order.
pub async fn concurrent_writers_to_many_streams_all_succeed(h: &dyn Harness) {
    const APPENDS: u64 = 10;
    let store = open_empty(h).await;
    let barrier = Arc::new(Barrier::new(WRITERS));
    let mut tasks = Vec::new();
    for w in 0..WRITERS {
        let (store, barrier) = (store.clone(), barrier.clone());
        tasks.push(tokio::spawn(async move {
            barrier.wait().await;
            write_own_stream(&*store, w, APPENDS).await
        }));
    }
    let mut positions = Vec::new();
    let mut by_position = HashMap::new();
    for (w, t) in tasks.into_iter().enumerate() {
        for (ids, r) in t.await.expect("task") {
            assert_eq!(ids.len(), r.positions.len());
            for (p, id) in r.positions.iter().zip(ids) {
                positions.push(*p);
                by_position.insert(*p, (w, id));
            }
        }
    }
    let n = positions.len() as u64;
    positions.sort_unstable();
    assert_eq!(
        positions,
        (1..=n).collect::<Vec<_>>(),
        "positions are a permutation of 1..=n"
    );

    let all = read_everything(&*store).await;
    assert_eq!(all.len() as u64, n);
    for e in &all {
        let (w, id) = by_position[&e.position];
        assert_eq!(
            (e.stream.as_str(), e.event_id),
            (format!("cadre-w{w}").as_str(), id)
        );
    }
    for w in 0..WRITERS {
        let events = store
            .read_stream(&stream(&format!("cadre-w{w}")), Direction::Forward, 1, 1000)
            .await
            .expect("read_stream");
        let mut seq = Vec::new();
        for (i, e) in events.iter().enumerate() {
            assert_eq!(e.version, i as u64 + 1);
            let v: serde_json::Value = e.payload.parse().expect("json");
            seq.push((v["append"].as_u64(), v["k"].as_u64()));
        }
        let expected: Vec<_> = (0..APPENDS)
            .flat_map(|a| (0..1 + a % 3).map(move |k| (Some(a), Some(k))))
            .collect();
        assert_eq!(seq, expected, "stream of writer {w}");
        assert!(events.windows(2).all(|p| p[0].position < p[1].position));
    }
}

async fn write_own_stream(
    store: &dyn EventStore,
    w: usize,
    appends: u64,
) -> Vec<(Vec<uuid::Uuid>, AppendResult)> {
    let s = stream(&format!("cadre-w{w}"));
    let mut version = 0;
    let mut out = Vec::new();
    for a in 0..appends {
        let batch: Vec<_> = (0..1 + a % 3)
            .map(|k| {
                event(
                    "DutyRecorded",
                    serde_json::json!({ "writer": w, "append": a, "k": k }),
                )
            })
            .collect();
        let ids = batch.iter().map(|e| e.event_id).collect();
        let r = within(
            30,
            "an append",
            store.append(&s, ExpectedVersion::Exact(version), batch),
        )
        .await
        .expect("an append to a writer's own stream");
        assert_eq!(r.stream_version, version + 1 + a % 3);
        version = r.stream_version;
        out.push((ids, r));
    }
    out
}

/// Appends refused for their own reasons (wrong version, reused id, other content) while
/// good appends run alongside them — in a group-committing store, in the same transaction —
/// get their own error and do not make the good ones fail.
pub async fn refused_appends_do_not_fail_the_appends_beside_them(h: &dyn Harness) {
    const ROUNDS: usize = 10;
    let store = open_empty(h).await;
    let taken = event("DutyRecorded", serde_json::json!({ "taken": true }));
    store
        .append(
            &stream("cadre-taken"),
            ExpectedVersion::NoStream,
            vec![taken.clone()],
        )
        .await
        .expect("seed");
    let mut good_events = 0;
    for round in 0..ROUNDS {
        let barrier = Arc::new(Barrier::new(WRITERS));
        let mut tasks = Vec::new();
        for w in 0..WRITERS {
            let (store, barrier, taken) = (store.clone(), barrier.clone(), taken.clone());
            tasks.push(tokio::spawn(async move {
                let fresh = event(
                    "DutyRecorded",
                    serde_json::json!({ "w": w, "round": round }),
                );
                let (s, expected, events, wanted) = match w % 4 {
                    // Good: a new stream per writer and round.
                    0 | 1 => (
                        format!("cadre-r{round}w{w}"),
                        ExpectedVersion::NoStream,
                        vec![fresh],
                        None,
                    ),
                    // Wrong expected version.
                    2 => (
                        "cadre-taken".to_owned(),
                        ExpectedVersion::NoStream,
                        vec![fresh],
                        Some(StoreError::WrongExpectedVersion {
                            stream: "cadre-taken".into(),
                            expected: ExpectedVersion::NoStream,
                            actual: 1,
                        }),
                    ),
                    // A stored id, in another stream, after a new event.
                    _ => (
                        format!("unit-r{round}w{w}"),
                        ExpectedVersion::Any,
                        vec![fresh, taken.clone()],
                        Some(StoreError::IdempotencyConflict {
                            event_id: taken.event_id,
                        }),
                    ),
                };
                barrier.wait().await;
                let result = store.append(&stream(&s), expected, events).await;
                (w, result, wanted)
            }));
        }
        for t in tasks {
            let (w, result, wanted) = t.await.expect("task");
            match wanted {
                None => {
                    let r =
                        result.unwrap_or_else(|e| panic!("round {round}, good writer {w}: {e}"));
                    assert_eq!(r.stream_version, 1);
                    good_events += 1;
                }
                Some(err) => assert_eq!(result, Err(err), "round {round}, writer {w}"),
            }
        }
    }
    let all = read_everything(&*store).await;
    assert_eq!(
        all.len(),
        1 + good_events,
        "only the good appends are stored"
    );
    assert!(
        all[1..]
            .iter()
            .all(|e| e.stream.as_str().starts_with("cadre-r"))
    );
    assert_eq!(
        store
            .stream_version(&stream("cadre-taken"))
            .await
            .expect("version"),
        1
    );
}
