//! Optimistic concurrency and atomic multi-event appends.

use crate::Harness;
use crate::fixtures::{assert_log_is, ev, evs, n_of, open_empty, read_everything, stream};
use event_store::{Direction, ExpectedVersion, InvalidInput, StoreError};
use uuid::Uuid;

fn conflict(s: &str, expected: ExpectedVersion, actual: u64) -> StoreError {
    StoreError::WrongExpectedVersion {
        stream: s.to_owned(),
        expected,
        actual,
    }
}

/// `NoStream` succeeds on a new stream and then conflicts, reporting the actual version;
/// the refused append writes nothing.
pub async fn no_stream_conflicts_once_the_stream_exists(h: &dyn Harness) {
    let store = open_empty(h).await;
    let s = stream("cadre-1");
    let first = store
        .append(&s, ExpectedVersion::NoStream, evs(1, 2))
        .await
        .expect("NoStream on a new stream");
    assert_eq!(first.stream_version, 2);
    assert_eq!(first.positions, vec![1, 2]);
    assert!(!first.deduplicated);

    let before = read_everything(&*store).await;
    let err = store
        .append(&s, ExpectedVersion::NoStream, vec![ev(3)])
        .await
        .expect_err("NoStream on an existing stream");
    assert_eq!(err, conflict("cadre-1", ExpectedVersion::NoStream, 2));
    assert_log_is(&*store, &before, "after a NoStream conflict").await;
    assert_eq!(store.stream_version(&s).await.expect("version"), 2);

    // Another stream is unaffected by cadre-1 existing.
    let other = store
        .append(&stream("cadre-2"), ExpectedVersion::NoStream, vec![ev(4)])
        .await
        .expect("NoStream on another new stream");
    assert_eq!((other.stream_version, other.positions), (1, vec![3]));
}

/// `Exact(n)` succeeds only at version n; a conflict reports stream, expectation and the
/// actual version, whether the expectation is behind, ahead, or the stream is missing.
pub async fn exact_version_conflicts_report_the_actual_version(h: &dyn Harness) {
    let store = open_empty(h).await;
    let s = stream("cadre-7");
    store
        .append(&s, ExpectedVersion::Exact(0), evs(1, 2))
        .await
        .expect("Exact(0) on a new stream");
    let before = read_everything(&*store).await;
    for wrong in [1, 3, 10, u64::MAX] {
        let err = store
            .append(&s, ExpectedVersion::Exact(wrong), vec![ev(9)])
            .await
            .expect_err("a wrong exact version");
        assert_eq!(err, conflict("cadre-7", ExpectedVersion::Exact(wrong), 2));
    }
    let missing = store
        .append(&stream("cadre-8"), ExpectedVersion::Exact(5), vec![ev(9)])
        .await
        .expect_err("Exact(5) on a missing stream");
    assert_eq!(missing, conflict("cadre-8", ExpectedVersion::Exact(5), 0));
    assert_log_is(&*store, &before, "after exact-version conflicts").await;

    let ok = store
        .append(&s, ExpectedVersion::Exact(2), evs(3, 2))
        .await
        .expect("the right exact version");
    assert_eq!((ok.stream_version, ok.positions), (4, vec![3, 4]));
    let err = store
        .append(&s, ExpectedVersion::Exact(2), vec![ev(9)])
        .await
        .expect_err("the old version again");
    assert_eq!(err, conflict("cadre-7", ExpectedVersion::Exact(2), 4));
}

/// `Exact(0)` is the same as `NoStream`.
pub async fn exact_zero_means_no_stream(h: &dyn Harness) {
    let store = open_empty(h).await;
    let s = stream("unit-1");
    let r = store
        .append(&s, ExpectedVersion::Exact(0), vec![ev(1)])
        .await
        .expect("Exact(0) on a new stream");
    assert_eq!((r.stream_version, r.positions), (1, vec![1]));
    let err = store
        .append(&s, ExpectedVersion::Exact(0), vec![ev(2)])
        .await
        .expect_err("Exact(0) on an existing stream");
    assert_eq!(err, conflict("unit-1", ExpectedVersion::Exact(0), 1));
}

/// `Any` never conflicts: it creates a stream and appends to an existing one.
pub async fn any_appends_whatever_the_version(h: &dyn Harness) {
    let store = open_empty(h).await;
    let s = stream("cadre-1");
    let a = store
        .append(&s, ExpectedVersion::Any, evs(1, 3))
        .await
        .expect("Any on a new stream");
    assert_eq!((a.stream_version, a.positions), (3, vec![1, 2, 3]));
    store
        .append(&stream("unit-1"), ExpectedVersion::Any, vec![ev(4)])
        .await
        .expect("Any on another stream");
    let b = store
        .append(&s, ExpectedVersion::Any, evs(5, 2))
        .await
        .expect("Any on an existing stream");
    assert_eq!((b.stream_version, b.positions), (5, vec![5, 6]));
    let read = store
        .read_stream(&s, Direction::Forward, 1, 100)
        .await
        .expect("read_stream");
    let got: Vec<_> = read
        .iter()
        .map(|e| (e.version, e.position, n_of(e)))
        .collect();
    assert_eq!(
        got,
        vec![(1, 1, 1), (2, 2, 2), (3, 3, 3), (4, 5, 5), (5, 6, 6)]
    );
}

/// A batch with one bad event is refused whole: no event of it is stored, not even its ids
/// (the same good events append fine afterwards).
pub async fn a_failed_batch_writes_nothing(h: &dyn Harness) {
    let store = open_empty(h).await;
    let s = stream("cadre-1");
    store
        .append(&s, ExpectedVersion::NoStream, vec![ev(0)])
        .await
        .expect("seed");
    let before = read_everything(&*store).await;
    let good = evs(1, 3);

    let mut nil = good.clone();
    nil.push(ev(4).with_id(Uuid::nil()));
    let err = store
        .append(&s, ExpectedVersion::Any, nil)
        .await
        .expect_err("a nil id in the batch");
    assert_eq!(err, StoreError::Invalid(InvalidInput::NilEventId));

    let mut schema = good.clone();
    schema.insert(1, ev(5).with_schema_version(0));
    let err = store
        .append(&s, ExpectedVersion::Exact(1), schema)
        .await
        .expect_err("schema version 0 in the batch");
    assert_eq!(err, StoreError::Invalid(InvalidInput::SchemaVersion));

    let mut dup = good.clone();
    dup.push(good[0].clone());
    let err = store
        .append(&s, ExpectedVersion::Exact(1), dup)
        .await
        .expect_err("an id twice in the batch");
    assert_eq!(
        err,
        StoreError::Invalid(InvalidInput::DuplicateEventId {
            event_id: good[0].event_id
        })
    );
    assert_log_is(&*store, &before, "after refused batches").await;

    let ok = store
        .append(&s, ExpectedVersion::Exact(1), good)
        .await
        .expect("the good events alone");
    assert!(
        !ok.deduplicated,
        "nothing of the refused batches may be stored"
    );
    assert_eq!((ok.stream_version, ok.positions), (4, vec![2, 3, 4]));
}

/// A batch refused for its expected version writes none of its events; the same events
/// then append with the right version as new events.
pub async fn a_conflict_writes_nothing_of_the_batch(h: &dyn Harness) {
    let store = open_empty(h).await;
    let s = stream("cadre-1");
    store
        .append(&s, ExpectedVersion::NoStream, vec![ev(0)])
        .await
        .expect("seed");
    let before = read_everything(&*store).await;
    let batch = evs(1, 5);
    let err = store
        .append(&s, ExpectedVersion::Exact(0), batch.clone())
        .await
        .expect_err("a stale version");
    assert_eq!(err, conflict("cadre-1", ExpectedVersion::Exact(0), 1));
    let err = store
        .append(&s, ExpectedVersion::NoStream, batch.clone())
        .await
        .expect_err("NoStream on an existing stream");
    assert_eq!(err, conflict("cadre-1", ExpectedVersion::NoStream, 1));
    assert_log_is(&*store, &before, "after conflicting batches").await;

    let ok = store
        .append(&s, ExpectedVersion::Exact(1), batch)
        .await
        .expect("the same batch at the right version");
    assert!(
        !ok.deduplicated,
        "nothing of the refused batch may be stored"
    );
    assert_eq!(ok.positions, vec![2, 3, 4, 5, 6]);
    let all = read_everything(&*store).await;
    let ns: Vec<_> = all.iter().map(n_of).collect();
    assert_eq!(ns, vec![0, 1, 2, 3, 4, 5]);
}
