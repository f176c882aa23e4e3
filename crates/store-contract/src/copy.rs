//! Copying a log between backends: what one store reads out for copying, another imports
//! exactly — positions, versions, instants, appends — and carries on from.

use crate::Harness;
use crate::fixtures::{assert_log_is, ev, evs, open_empty, read_everything, stream};
use chrono::{DateTime, Duration, Utc};
use event_store::{
    CopiedEvent, ExpectedVersion, InvalidInput, NewEvent, RecordedEvent, StoreError,
};

/// A log recorded elsewhere in January 2026: appends of 3, 1 and 2 events to `unit-a`,
/// `cadre-b`, `unit-a`, then 1 to `cadre-b`; with the events as their writers gave them.
fn foreign_log() -> (Vec<CopiedEvent>, Vec<Vec<NewEvent>>) {
    let t0 = DateTime::<Utc>::from_timestamp(1_767_225_600, 123_456_000).unwrap_or_default();
    let appends: Vec<(&str, Vec<NewEvent>)> = vec![
        ("unit-a", evs(1, 3)),
        ("cadre-b", evs(4, 1)),
        ("unit-a", evs(5, 2)),
        ("cadre-b", evs(7, 1)),
    ];
    let mut copied = Vec::new();
    let mut versions = std::collections::HashMap::new();
    for (i, (name, events)) in appends.iter().enumerate() {
        let start = copied.len() as u64 + 1;
        let recorded_at = t0 + Duration::seconds(i as i64 * 60);
        for e in events {
            let v = versions.entry(*name).or_insert(0u64);
            *v += 1;
            copied.push(CopiedEvent {
                event: RecordedEvent {
                    position: copied.len() as u64 + 1,
                    stream: stream(name),
                    version: *v,
                    event_id: e.event_id,
                    event_type: e.event_type.clone(),
                    schema_version: e.schema_version,
                    occurred_at: DateTime::from_timestamp_micros(e.occurred_at.timestamp_micros())
                        .unwrap_or_default(),
                    recorded_at,
                    actor: e.actor.clone(),
                    correlation_id: e.correlation_id,
                    causation_id: e.causation_id,
                    payload: e.payload.clone(),
                },
                append_start: start,
            });
        }
    }
    (copied, appends.into_iter().map(|(_, e)| e).collect())
}

/// Every event read out for copying carries the first position of its own append.
pub async fn events_read_for_copying_carry_their_append(h: &dyn Harness) {
    let store = open_empty(h).await;
    let a = stream("unit-1");
    let b = stream("cadre-1");
    store
        .append(&a, ExpectedVersion::NoStream, evs(1, 3))
        .await
        .expect("append");
    store
        .append(&b, ExpectedVersion::NoStream, evs(4, 1))
        .await
        .expect("append");
    store
        .append(&a, ExpectedVersion::Exact(3), evs(5, 2))
        .await
        .expect("append");
    let copied = store.read_for_copy(1, 100).await.expect("read for copy");
    let starts: Vec<_> = copied.iter().map(|c| c.append_start).collect();
    assert_eq!(starts, vec![1, 1, 1, 4, 5, 5], "the append of each event");
    let events: Vec<_> = copied.into_iter().map(|c| c.event).collect();
    assert_eq!(
        events,
        read_everything(&*store).await,
        "the events themselves"
    );
    let tail = store.read_for_copy(5, 1).await.expect("read for copy");
    assert_eq!(tail.len(), 1);
    assert_eq!((tail[0].event.position, tail[0].append_start), (5, 5));
}

/// An import stores the events exactly as given, in pages; the log then carries on from
/// them: the next append follows at the next position and version, recorded no earlier,
/// and a retry of an imported append is recognised as one.
pub async fn an_import_is_stored_exactly_and_the_log_carries_on(h: &dyn Harness) {
    let store = open_empty(h).await;
    let (copied, appends) = foreign_log();
    // Pages that cut through an append (positions 1–2, then 3–7).
    assert_eq!(
        store
            .import(copied[..2].to_vec())
            .await
            .expect("first page"),
        2
    );
    assert_eq!(
        store
            .import(copied[2..].to_vec())
            .await
            .expect("second page"),
        7
    );
    assert_eq!(store.import(Vec::new()).await.expect("nothing"), 7);
    assert_eq!(
        store.read_for_copy(1, 100).await.expect("read back"),
        copied
    );
    assert_eq!(store.head().await.expect("head"), 7);
    assert_eq!(*store.watch_head().borrow(), 7, "the head watch moved");
    assert_eq!(store.stream_version(&stream("unit-a")).await.expect("v"), 5);

    let last = copied[copied.len() - 1].event.recorded_at;
    let next = store
        .append(&stream("unit-a"), ExpectedVersion::Exact(5), vec![ev(8)])
        .await
        .expect("an append after the import");
    assert_eq!((next.positions.clone(), next.stream_version), (vec![8], 6));
    assert!(next.recorded_at >= last, "recorded_at never decreases");

    let retry = store
        .append(
            &stream("unit-a"),
            ExpectedVersion::NoStream,
            appends[0].clone(),
        )
        .await
        .expect("a retry of an imported append");
    assert!(retry.deduplicated);
    assert_eq!(retry.positions, vec![1, 2, 3]);
    assert_eq!(retry.recorded_at, copied[0].event.recorded_at);
    let part = store
        .append(
            &stream("unit-a"),
            ExpectedVersion::Any,
            appends[2][..1].to_vec(),
        )
        .await;
    assert_eq!(
        part,
        Err(StoreError::IdempotencyConflict {
            event_id: appends[2][0].event_id
        }),
        "part of an imported append is not a retry"
    );
}

/// An import that does not continue the log — wrong position, wrong stream version, an
/// id already stored, time going backwards — is refused with a typed error and writes
/// nothing at all.
pub async fn a_bad_import_is_refused_and_writes_nothing(h: &dyn Harness) {
    let store = open_empty(h).await;
    let (copied, _) = foreign_log();
    store
        .import(copied[..4].to_vec())
        .await
        .expect("the first four");
    let before = read_everything(&*store).await;

    let skipping = copied[5..].to_vec();
    assert_eq!(
        store.import(skipping).await,
        Err(StoreError::Invalid(InvalidInput::ImportPosition {
            expected: 5,
            found: 6
        }))
    );
    let mut wrong_version = copied[4..].to_vec();
    wrong_version[0].event.version = 9;
    wrong_version[1].event.version = 10;
    assert_eq!(
        store.import(wrong_version).await,
        Err(StoreError::Invalid(InvalidInput::ImportVersion {
            stream: "unit-a".into(),
            expected: 4,
            found: 9
        }))
    );
    let mut reused = copied[4..].to_vec();
    reused[2].event.event_id = copied[0].event.event_id;
    assert_eq!(
        store.import(reused).await,
        Err(StoreError::IdempotencyConflict {
            event_id: copied[0].event.event_id
        })
    );
    let mut earlier = copied[4..].to_vec();
    for c in &mut earlier {
        c.event.recorded_at = copied[0].event.recorded_at - Duration::seconds(1);
    }
    assert_eq!(
        store.import(earlier).await,
        Err(StoreError::Invalid(InvalidInput::ImportRecordedAt {
            position: 5
        }))
    );
    assert_log_is(&*store, &before, "after refused imports").await;
    store
        .import(copied[4..].to_vec())
        .await
        .expect("the rest, as it was");
    assert_eq!(store.head().await.expect("head"), 7);
}
