//! The log outlives the process that wrote it.

use crate::Harness;
use crate::fixtures::{evs, open_empty, read_everything, stream};
use event_store::{AppendResult, ExpectedVersion, StoreError};

/// After close and reopen the log holds the same events, versions and head; appends go on
/// at the next version and position, stale expectations still conflict, and a retry of an
/// append from before the reopen is still recognised.
pub async fn the_log_survives_close_and_reopen(h: &dyn Harness) {
    let store = open_empty(h).await;
    let a = stream("cadre-1");
    let b = stream("unit-1");
    let first = evs(1, 3);
    let original = store
        .append(&a, ExpectedVersion::NoStream, first.clone())
        .await
        .expect("append");
    store
        .append(&b, ExpectedVersion::NoStream, evs(4, 2))
        .await
        .expect("append");
    store
        .append(&a, ExpectedVersion::Exact(3), evs(6, 1))
        .await
        .expect("append");
    let before = read_everything(&*store).await;
    assert_eq!(before.len(), 6);
    h.close(store).await;

    let store = h.open().await;
    assert_eq!(
        read_everything(&*store).await,
        before,
        "events after reopening"
    );
    assert_eq!(store.head().await.expect("head"), 6);
    assert_eq!(
        *store.watch_head().borrow(),
        6,
        "the head watch starts at the head"
    );
    assert_eq!(store.stream_version(&a).await.expect("version"), 4);
    assert_eq!(store.stream_version(&b).await.expect("version"), 2);

    let retry = store
        .append(&a, ExpectedVersion::NoStream, first)
        .await
        .expect("a retry after reopening");
    assert_eq!(
        retry,
        AppendResult {
            deduplicated: true,
            ..original
        }
    );
    let err = store
        .append(&a, ExpectedVersion::Exact(3), evs(7, 1))
        .await
        .expect_err("a stale version after reopening");
    assert_eq!(
        err,
        StoreError::WrongExpectedVersion {
            stream: "cadre-1".into(),
            expected: ExpectedVersion::Exact(3),
            actual: 4,
        }
    );
    let next = store
        .append(&a, ExpectedVersion::Exact(4), evs(7, 2))
        .await
        .expect("appending on after reopening");
    assert_eq!(
        (next.stream_version, next.positions.clone()),
        (5 + 1, vec![7, 8])
    );
    assert!(
        next.recorded_at >= before[5].recorded_at,
        "recorded_at went back after reopening"
    );
    h.close(store).await;

    // And once more, with the appends made after the first reopen.
    let store = h.open().await;
    let after = read_everything(&*store).await;
    assert_eq!(after.len(), 8);
    assert_eq!(&after[..6], &before[..]);
    assert_eq!(
        after[6..]
            .iter()
            .map(|e| (e.position, e.version))
            .collect::<Vec<_>>(),
        vec![(7, 5), (8, 6)]
    );
    h.close(store).await;
}
