//! Idempotent retries: an append repeated exactly is stored once and answered with the
//! original result; anything else reusing stored ids is a conflict.

use crate::Harness;
use crate::fixtures::{assert_log_is, ev, evs, open_empty, read_everything, stream};
use chrono::{TimeZone, Utc};
use event_store::{
    Actor, AppendResult, EventStore, EventType, ExpectedVersion, Payload, StoreError,
};
use std::sync::Arc;
use tokio::sync::Barrier;
use uuid::Uuid;

fn deduplicated(original: &AppendResult) -> AppendResult {
    AppendResult {
        deduplicated: true,
        ..original.clone()
    }
}

/// A retry of an append (same ids, same content, same stream) returns the original result
/// with `deduplicated: true` and stores nothing, whatever its expected version says now.
pub async fn a_retry_returns_the_original_result(h: &dyn Harness) {
    let store = open_empty(h).await;
    let s = stream("cadre-1");
    let correlation = Uuid::now_v7();
    // occurred_at carries nanoseconds; the store keeps microseconds, and a retry of the
    // same NewEvent must still count as the same content.
    let occurred = Utc
        .with_ymd_and_hms(2024, 6, 3, 9, 30, 0)
        .single()
        .expect("a valid instant")
        + chrono::Duration::nanoseconds(123_456_789);
    let batch: Vec<_> = evs(1, 3)
        .into_iter()
        .map(|mut e| {
            e.occurred_at = occurred;
            e.caused_by(correlation, Some(correlation))
        })
        .collect();
    let original = store
        .append(&s, ExpectedVersion::NoStream, batch.clone())
        .await
        .expect("the first append");
    assert_eq!(original.positions, vec![1, 2, 3]);
    assert!(!original.deduplicated);
    // Move the log on, so a retry answering "now" instead of the original would show.
    store
        .append(&s, ExpectedVersion::Exact(3), evs(4, 2))
        .await
        .expect("a later append to the same stream");
    store
        .append(&stream("unit-1"), ExpectedVersion::Any, vec![ev(6)])
        .await
        .expect("a later append elsewhere");
    let before = read_everything(&*store).await;

    for expected in [
        ExpectedVersion::NoStream,
        ExpectedVersion::Any,
        ExpectedVersion::Exact(0),
        ExpectedVersion::Exact(5),
        ExpectedVersion::Exact(77),
    ] {
        let retry = store
            .append(&s, expected, batch.clone())
            .await
            .unwrap_or_else(|e| panic!("a retry with {expected:?} failed: {e}"));
        assert_eq!(retry, deduplicated(&original), "retry with {expected:?}");
    }
    assert_log_is(&*store, &before, "after retries").await;
    assert_eq!(store.stream_version(&s).await.expect("version"), 5);
}

/// The same id with other content (payload, type, actor, occurred_at, schema version,
/// correlation) is an idempotency conflict naming the id, and writes nothing.
pub async fn the_same_id_with_other_content_is_a_conflict(h: &dyn Harness) {
    let store = open_empty(h).await;
    let s = stream("cadre-1");
    let original = ev(1);
    let id = original.event_id;
    store
        .append(&s, ExpectedVersion::NoStream, vec![original.clone()])
        .await
        .expect("the first append");
    let before = read_everything(&*store).await;

    let mut variants = Vec::new();
    let mut v = original.clone();
    v.payload = Payload::from_json(r#"{"n":2}"#).expect("json");
    variants.push(("payload", v));
    let mut v = original.clone();
    v.payload = Payload::from_json(r#"{ "n":1}"#).expect("json");
    variants.push(("payload text (same JSON value, other bytes)", v));
    let mut v = original.clone();
    v.event_type = EventType::new("DutyCorrected").expect("type");
    variants.push(("event type", v));
    let mut v = original.clone();
    v.actor = Actor::new("user:someone-else").expect("actor");
    variants.push(("actor", v));
    let mut v = original.clone();
    v.occurred_at += chrono::Duration::seconds(1);
    variants.push(("occurred_at", v));
    variants.push(("schema version", original.clone().with_schema_version(2)));
    variants.push((
        "correlation",
        original.clone().caused_by(Uuid::now_v7(), None),
    ));

    for (what, variant) in variants {
        for expected in [ExpectedVersion::Any, ExpectedVersion::NoStream] {
            let err = store
                .append(&s, expected, vec![variant.clone()])
                .await
                .expect_err(what);
            assert_eq!(
                err,
                StoreError::IdempotencyConflict { event_id: id },
                "other {what}, {expected:?}"
            );
        }
    }
    assert_log_is(&*store, &before, "after conflicting retries").await;
}

/// A request of which some ids are stored and some are not is no retry: a conflict naming
/// a stored id, and its new events are not written.
pub async fn a_batch_only_partly_stored_is_a_conflict(h: &dyn Harness) {
    let store = open_empty(h).await;
    let s = stream("cadre-1");
    let stored = evs(1, 2);
    store
        .append(&s, ExpectedVersion::NoStream, stored.clone())
        .await
        .expect("the first append");
    let before = read_everything(&*store).await;
    let fresh = ev(3);

    let cases = [
        (
            "stored ids then a new one",
            vec![stored[0].clone(), stored[1].clone(), fresh.clone()],
        ),
        (
            "a new id then stored ones",
            vec![fresh.clone(), stored[0].clone(), stored[1].clone()],
        ),
        (
            "a new id between stored ones",
            vec![stored[0].clone(), fresh.clone(), stored[1].clone()],
        ),
    ];
    for (what, batch) in cases {
        for expected in [ExpectedVersion::Any, ExpectedVersion::Exact(2)] {
            let err = store
                .append(&s, expected, batch.clone())
                .await
                .expect_err(what);
            assert!(
                matches!(err, StoreError::IdempotencyConflict { event_id }
                    if event_id == stored[0].event_id || event_id == stored[1].event_id),
                "{what}, {expected:?}: got {err:?}"
            );
        }
    }
    let err = store
        .append(
            &s,
            ExpectedVersion::Any,
            vec![stored[1].clone(), fresh.clone()],
        )
        .await
        .expect_err("one stored id then a new one");
    assert_eq!(
        err,
        StoreError::IdempotencyConflict {
            event_id: stored[1].event_id
        }
    );
    // The stored events in another order are not a retry either.
    let err = store
        .append(
            &s,
            ExpectedVersion::Any,
            vec![stored[1].clone(), stored[0].clone()],
        )
        .await
        .expect_err("stored ids in another order");
    assert!(
        matches!(err, StoreError::IdempotencyConflict { .. }),
        "{err:?}"
    );
    assert_log_is(&*store, &before, "after partly stored batches").await;

    let ok = store
        .append(&s, ExpectedVersion::Exact(2), vec![fresh])
        .await
        .expect("the new event alone");
    assert!(
        !ok.deduplicated,
        "the new event must not have been stored before"
    );
    assert_eq!(ok.positions, vec![3]);
}

/// Repeating only some of an append's events is not a retry of that append (the original
/// result would not be this request's result): a conflict, nothing written.
pub async fn a_retry_of_part_of_an_append_is_a_conflict(h: &dyn Harness) {
    let store = open_empty(h).await;
    let s = stream("cadre-1");
    let batch = evs(1, 3);
    store
        .append(&s, ExpectedVersion::NoStream, batch.clone())
        .await
        .expect("the first append");
    let before = read_everything(&*store).await;
    for part in [&batch[..1], &batch[1..], &batch[..2], &batch[1..2]] {
        let ids: Vec<_> = part.iter().map(|e| e.event_id).collect();
        let result = store.append(&s, ExpectedVersion::Any, part.to_vec()).await;
        assert!(
            matches!(result, Err(StoreError::IdempotencyConflict { event_id }) if ids.contains(&event_id)),
            "a retry of {} of the 3 events of an append: got {result:?}",
            part.len()
        );
    }
    assert_log_is(&*store, &before, "after partial retries").await;
}

/// An id stored in one stream cannot be appended to another: a conflict, nothing written.
pub async fn the_same_id_in_another_stream_is_a_conflict(h: &dyn Harness) {
    let store = open_empty(h).await;
    let e = ev(1);
    store
        .append(
            &stream("cadre-1"),
            ExpectedVersion::NoStream,
            vec![e.clone()],
        )
        .await
        .expect("the first append");
    let before = read_everything(&*store).await;
    let other = stream("cadre-2");
    for expected in [ExpectedVersion::Any, ExpectedVersion::NoStream] {
        let err = store
            .append(&other, expected, vec![e.clone()])
            .await
            .expect_err("the id in another stream");
        assert_eq!(
            err,
            StoreError::IdempotencyConflict {
                event_id: e.event_id
            }
        );
    }
    assert_log_is(&*store, &before, "after an id reused in another stream").await;
    assert_eq!(store.stream_version(&other).await.expect("version"), 0);
}

/// Identical appends racing each other (a client retrying while its first try is still in
/// flight) are stored once; every caller gets the same positions, and exactly one of them
/// is the original.
pub async fn concurrent_identical_appends_are_stored_once(h: &dyn Harness) {
    const RACERS: usize = 8;
    const ROUNDS: u64 = 20;
    let store = open_empty(h).await;
    let mut expected_head = 0;
    for round in 0..ROUNDS {
        let s = stream(&format!("cadre-{round}"));
        let batch = evs(round * 10, 3);
        let expected = if round % 2 == 0 {
            ExpectedVersion::NoStream
        } else {
            ExpectedVersion::Any
        };
        let barrier = Arc::new(Barrier::new(RACERS));
        let mut tasks = Vec::new();
        for _ in 0..RACERS {
            let (store, s, batch, barrier) =
                (store.clone(), s.clone(), batch.clone(), barrier.clone());
            tasks.push(tokio::spawn(async move {
                barrier.wait().await;
                store.append(&s, expected, batch).await
            }));
        }
        let mut results = Vec::new();
        for t in tasks {
            results.push(
                t.await
                    .expect("task")
                    .expect("an identical append never fails"),
            );
        }
        let originals = results.iter().filter(|r| !r.deduplicated).count();
        assert_eq!(originals, 1, "round {round}: {results:?}");
        let first = results
            .iter()
            .find(|r| !r.deduplicated)
            .expect("one original")
            .clone();
        for r in &results {
            let same = AppendResult {
                deduplicated: r.deduplicated,
                ..first.clone()
            };
            assert_eq!(r, &same, "round {round}");
        }
        expected_head += 3;
        assert_eq!(
            first.positions,
            vec![expected_head - 2, expected_head - 1, expected_head]
        );
        assert_eq!(store.stream_version(&s).await.expect("version"), 3);
    }
    let all = read_everything(&*store).await;
    assert_eq!(
        all.len() as u64,
        ROUNDS * 3,
        "every batch stored exactly once"
    );
    check_head(&*store, expected_head).await;
}

async fn check_head(store: &dyn EventStore, n: u64) {
    assert_eq!(store.head().await.expect("head"), n);
}
