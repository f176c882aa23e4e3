//! The projector runtime against the SQLite event store: exactly-once effect across
//! failures, resume, live following, rebuilds, version bumps, lag and filters.
//! Nothing here sleeps: tests wait on the projector's position.

// Helpers outside #[test] fns too: a failed setup should just panic.
#![allow(clippy::unwrap_used)]

mod support;

use event_store::{Category, Filter};
use projector::{ProjectionError, ProjectorState, catch_up, catch_up_with, rebuild, spawn};
use std::sync::Arc;
use std::sync::atomic::Ordering;
use support::{Tally, World, batches_of, counts, dump, gate};

const STREAMS: &[&str] = &["cadre-1", "cadre-2", "unit-1"];

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failing_batch_leaves_rows_and_checkpoint_at_the_last_good_batch() {
    let w = World::new();
    let head = w.append(STREAMS, 35).await;
    let broken = Tally {
        fail_at: Some(27),
        ..Tally::new()
    };
    let h = spawn(w.store.clone(), &w.models, Arc::new(broken), batches_of(10)).unwrap();

    let err = h.wait_for(head).await.unwrap_err();
    assert!(
        matches!(
            err,
            ProjectionError::Failed {
                first: 21,
                last: 30,
                ..
            }
        ),
        "{err:?}"
    );
    // Rows 21..=26 were written inside the failed batch; none of them may remain.
    assert_eq!(h.position(), 20);
    assert_eq!(w.models.checkpoint("tally").unwrap().unwrap().position, 20);
    assert_eq!(counts(&w.reader()), (20, 20, 20));
    assert!(matches!(h.status().state, ProjectorState::Failed(_)));
    assert_eq!(h.error(), Some(err));
    assert_eq!(h.lag().await.unwrap(), 15);
    h.shutdown().await;

    // Fixed and restarted: every event counted exactly once, and only the rest applied.
    let fixed = Tally::new();
    let applied = fixed.applied.clone();
    let h = spawn(w.store.clone(), &w.models, Arc::new(fixed), batches_of(10)).unwrap();
    h.wait_for(head).await.unwrap();
    assert_eq!(counts(&w.reader()), (35, 35, 35));
    assert_eq!(applied.load(Ordering::SeqCst), 15);
    h.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_full_disk_stalls_the_projector_which_goes_on_from_its_checkpoint_when_there_is_room() {
    let w = World::new();
    let head = w.append(STREAMS, 35).await;
    let times = Arc::new(std::sync::atomic::AtomicU64::new(3));
    let full = Tally {
        disk_full_at: Some((27, times.clone())),
        ..Tally::new()
    };
    let applied = full.applied.clone();
    let h = spawn(w.store.clone(), &w.models, Arc::new(full), batches_of(10)).unwrap();

    // Three times the batch 21..=30 finds the disk full and rolls back whole; the projector
    // neither stops nor skips it, and applies it once there is room.
    h.wait_for(head).await.unwrap();
    assert_eq!(times.load(Ordering::SeqCst), 0, "it failed three times");
    assert_eq!(counts(&w.reader()), (35, 35, 35));
    assert_eq!(h.status().state, ProjectorState::Running);
    // 35 events, and 7 of the batch 21..=30 again for each of the three failures.
    assert_eq!(applied.load(Ordering::SeqCst), 35 + 3 * 7);
    h.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_panicking_projection_rolls_back_its_batch_and_fails_the_projector() {
    let w = World::new();
    let head = w.append(STREAMS, 12).await;
    let panicky = Tally {
        panic_at: Some(8),
        ..Tally::new()
    };
    let h = spawn(w.store.clone(), &w.models, Arc::new(panicky), batches_of(5)).unwrap();
    assert!(matches!(
        h.wait_for(head).await,
        Err(ProjectionError::Failed { .. })
    ));
    assert_eq!(h.position(), 5);
    assert_eq!(counts(&w.reader()), (5, 5, 5));
    h.shutdown().await;

    let report = catch_up(w.store.clone(), &w.models, Arc::new(Tally::new()))
        .await
        .unwrap();
    assert_eq!((report.from, report.events, report.through), (5, 7, head));
    assert_eq!(counts(&w.reader()), (12, 12, 12));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_restarted_projector_resumes_from_its_checkpoint() {
    let w = World::new();
    let first = w.append(STREAMS, 20).await;
    let h = spawn(
        w.store.clone(),
        &w.models,
        Arc::new(Tally::new()),
        batches_of(7),
    )
    .unwrap();
    h.wait_for(first).await.unwrap();
    h.shutdown().await;

    let head = w.append(STREAMS, 15).await;
    let tally = Tally::new();
    let applied = tally.applied.clone();
    let h = spawn(w.store.clone(), &w.models, Arc::new(tally), batches_of(7)).unwrap();
    h.wait_for(head).await.unwrap();
    assert_eq!(
        applied.load(Ordering::SeqCst),
        15,
        "it must not start from zero"
    );
    assert_eq!(counts(&w.reader()), (35, 35, 35));
    h.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn live_events_after_catch_up_are_projected_and_lag_is_reported() {
    let w = World::new();
    let h = spawn(
        w.store.clone(),
        &w.models,
        Arc::new(Tally::new()),
        batches_of(100),
    )
    .unwrap();
    h.wait_for(0).await.unwrap();
    assert_eq!(h.lag().await.unwrap(), 0);

    for round in 1..=5u64 {
        let last = w.append(STREAMS, 3).await;
        assert_eq!(last, round * 3);
        h.wait_for(last).await.unwrap();
        assert!(h.position() >= last);
        assert_eq!(counts(&w.reader()).0, last as i64);
    }
    assert_eq!(h.lag().await.unwrap(), 0);
    assert_eq!(h.status().state, ProjectorState::Running);
    h.shutdown().await;

    // Events appended while no projector runs are lag, until one catches up.
    let head = w.append(STREAMS, 4).await;
    assert_eq!(w.models.checkpoint("tally").unwrap().unwrap().position, 15);
    let h = spawn(
        w.store.clone(),
        &w.models,
        Arc::new(Tally::new()),
        batches_of(100),
    )
    .unwrap();
    h.wait_for(head).await.unwrap();
    assert_eq!(h.lag().await.unwrap(), 0);
    assert_eq!(counts(&w.reader()), (19, 19, 19));
    h.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_checkpoint_moves_past_filtered_out_events() {
    let w = World::new();
    // cadre-1, cadre-2, unit-1, …: the last event (position 30) is a unit event.
    let head = w.append(STREAMS, 30).await;
    let only_cadres = || Tally {
        filter: Filter {
            categories: vec![Category::new("cadre").unwrap()],
            event_types: vec![],
        },
        ..Tally::new()
    };
    let report = catch_up_with(
        w.store.clone(),
        &w.models,
        Arc::new(only_cadres()),
        batches_of(4),
    )
    .await
    .unwrap();
    assert_eq!((report.events, report.through), (20, head));
    let (streams, seen) = dump(&w.reader());
    let expected: Vec<i64> = (1..=30).filter(|p| p % 3 != 0).collect();
    assert_eq!(seen, expected);
    assert_eq!(streams.len(), 2);

    // Live: a unit-only tail moves the projector's position without applying or writing
    // anything; the file's checkpoint follows when the projector is closed.
    let h = spawn(
        w.store.clone(),
        &w.models,
        Arc::new(only_cadres()),
        batches_of(4),
    )
    .unwrap();
    let tail = w.append(&["unit-9"], 5).await;
    h.wait_for(tail).await.unwrap();
    assert_eq!(h.position(), tail);
    assert_eq!(
        w.models.checkpoint("tally").unwrap().unwrap().position,
        head,
        "a batch of filtered-out events writes nothing"
    );
    assert_eq!(counts(&w.reader()), (20, 20, 20));
    h.shutdown().await;
    assert_eq!(
        w.models.checkpoint("tally").unwrap().unwrap().position,
        tail,
        "closed, the projector writes how far it got"
    );

    // The next projector applies only what was not filtered out; a batch that writes
    // writes the checkpoint past any skipped events before it.
    w.append(&["unit-9"], 3).await;
    let last = w.append(&["cadre-1"], 1).await;
    let again = only_cadres();
    let applied = again.applied.clone();
    let h = spawn(w.store.clone(), &w.models, Arc::new(again), batches_of(4)).unwrap();
    h.wait_for(last).await.unwrap();
    assert_eq!(
        applied.load(Ordering::SeqCst),
        1,
        "only the new cadre event"
    );
    assert_eq!(counts(&w.reader()), (21, 21, 21));
    assert_eq!(
        w.models.checkpoint("tally").unwrap().unwrap().position,
        last,
        "the file's checkpoint is written with the batch"
    );
    h.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_version_bump_rebuilds_at_start() {
    let w = World::new();
    let first = w.append(STREAMS, 12).await;
    let h = spawn(
        w.store.clone(),
        &w.models,
        Arc::new(Tally::new()),
        batches_of(5),
    )
    .unwrap();
    h.wait_for(first).await.unwrap();
    h.shutdown().await;
    let weight: i64 = w
        .reader()
        .query_row("SELECT sum(weight) FROM tally_streams", [], |r| r.get(0))
        .unwrap();
    assert_eq!(weight, 12);

    let head = w.append(STREAMS, 6).await;
    let v2 = Tally {
        version: 2,
        ..Tally::new()
    };
    let h = spawn(w.store.clone(), &w.models, Arc::new(v2), batches_of(5)).unwrap();
    h.wait_for(head).await.unwrap();
    // Every event, old ones included, was folded by version 2.
    let weight: i64 = w
        .reader()
        .query_row("SELECT sum(weight) FROM tally_streams", [], |r| r.get(0))
        .unwrap();
    assert_eq!(weight, 18 * 10);
    assert_eq!(counts(&w.reader()), (18, 18, 18));
    let cp = w.models.checkpoint("tally").unwrap().unwrap();
    assert_eq!((cp.position, cp.version), (head, 2));
    h.shutdown().await;

    // The offline catch-up does the same.
    let v3 = Tally {
        version: 3,
        ..Tally::new()
    };
    let report = catch_up(w.store.clone(), &w.models, Arc::new(v3))
        .await
        .unwrap();
    assert!(report.rebuilt);
    assert_eq!((report.events, report.through), (18, head));
    assert_eq!(w.models.checkpoint("tally").unwrap().unwrap().version, 3);
    assert_eq!(counts(&w.reader()), (18, 18, 18));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rebuild_equals_the_incremental_model_and_readers_see_the_old_one_until_the_swap() {
    let w = World::new();
    // Built incrementally: live, in small batches, over several rounds of appends.
    let h = spawn(
        w.store.clone(),
        &w.models,
        Arc::new(Tally::new()),
        batches_of(3),
    )
    .unwrap();
    let mut head = 0;
    for _ in 0..4 {
        head = w.append(STREAMS, 10).await;
        h.wait_for(head).await.unwrap();
    }
    h.shutdown().await;
    let reader = w.reader();
    let incremental = dump(&reader);
    assert_eq!(incremental.1, (1..=40).collect::<Vec<i64>>());

    let (g, mut control) = gate();
    let gated = Tally {
        gate: Some(g),
        ..Tally::new()
    };
    let (store, models) = (w.store.clone(), w.models.clone());
    let rebuilding = tokio::spawn(async move { rebuild(store, &models, Arc::new(gated)).await });
    control.entered.recv().await.unwrap();
    // Mid-fold: the live file still holds the whole old model.
    assert_eq!(dump(&reader), incremental);
    assert_eq!(
        w.models.checkpoint("tally").unwrap().unwrap().position,
        head
    );
    control.go.send(()).unwrap();
    let report = rebuilding.await.unwrap().unwrap();
    assert_eq!((report.events, report.through), (40, head));
    assert_eq!(dump(&reader), incremental);
    // The swap recreated the index in the live file, not in the scratch one.
    let indexes: i64 = reader
        .query_row(
            "SELECT count(*) FROM main.sqlite_schema WHERE name = 'tally_seen_position'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(indexes, 1);
    let leftovers: Vec<_> = std::fs::read_dir(w.models.path().parent().unwrap())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("rebuild"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_live_projector_rebuilds_on_request_and_carries_on() {
    let w = World::new();
    let first = w.append(STREAMS, 9).await;
    let h = spawn(
        w.store.clone(),
        &w.models,
        Arc::new(Tally::new()),
        batches_of(4),
    )
    .unwrap();
    h.wait_for(first).await.unwrap();
    let before = dump(&w.reader());
    let report = h.rebuild().await.unwrap();
    assert_eq!((report.events, report.through), (9, first));
    assert_eq!(dump(&w.reader()), before);
    assert_eq!(h.status().state, ProjectorState::Running);

    let head = w.append(STREAMS, 5).await;
    h.wait_for(head).await.unwrap();
    assert_eq!(counts(&w.reader()), (14, 14, 14));
    h.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_failed_rebuild_leaves_the_live_model_untouched() {
    let w = World::new();
    let head = w.append(STREAMS, 10).await;
    catch_up(w.store.clone(), &w.models, Arc::new(Tally::new()))
        .await
        .unwrap();
    let before = dump(&w.reader());
    let broken = Tally {
        fail_at: Some(7),
        ..Tally::new()
    };
    let err = rebuild(w.store.clone(), &w.models, Arc::new(broken))
        .await
        .unwrap_err();
    assert!(matches!(err, ProjectionError::Failed { .. }), "{err:?}");
    assert_eq!(dump(&w.reader()), before);
    assert_eq!(
        w.models.checkpoint("tally").unwrap().unwrap().position,
        head
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_projection_runs_once_per_process() {
    let w = World::new();
    let h = spawn(
        w.store.clone(),
        &w.models,
        Arc::new(Tally::new()),
        batches_of(4),
    )
    .unwrap();
    let twice = spawn(
        w.store.clone(),
        &w.models,
        Arc::new(Tally::new()),
        batches_of(4),
    );
    assert!(matches!(twice, Err(ProjectionError::AlreadyRunning { .. })));
    let offline = catch_up(w.store.clone(), &w.models, Arc::new(Tally::new())).await;
    assert!(matches!(
        offline,
        Err(ProjectionError::AlreadyRunning { .. })
    ));
    h.shutdown().await;
    catch_up(w.store.clone(), &w.models, Arc::new(Tally::new()))
        .await
        .unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn waiting_on_a_stopped_projector_fails_instead_of_hanging() {
    let w = World::new();
    let h = spawn(
        w.store.clone(),
        &w.models,
        Arc::new(Tally::new()),
        batches_of(4),
    )
    .unwrap();
    h.wait_for(0).await.unwrap();
    w.sqlite.close().await;
    // The store is gone: the projector stops with the store's error, and waiters learn it.
    let err = h.wait_for(1).await.unwrap_err();
    assert!(matches!(err, ProjectionError::Store(_)), "{err:?}");
    h.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rebuild_folds_without_the_query_indexes_and_the_swap_brings_them() {
    let w = World::new();
    let live = Tally::new();
    let live_saw = live.saw_query_index.clone();
    let h = spawn(w.store.clone(), &w.models, Arc::new(live), batches_of(4)).unwrap();
    let head = w.append(STREAMS, 20).await;
    h.wait_for(head).await.unwrap();
    h.shutdown().await;
    let live_saw = live_saw.lock().unwrap().clone();
    assert!(
        !live_saw.is_empty() && live_saw.iter().all(|&i| i),
        "{live_saw:?}"
    );
    let incremental = dump(&w.reader());

    let total = |c: &rusqlite::Connection| -> i64 {
        c.query_row("SELECT n FROM tally_total", [], |r| r.get(0))
            .unwrap()
    };
    assert_eq!(
        total(&w.reader()),
        20,
        "kept by its trigger in the live file"
    );

    let rebuilt = Tally::new();
    let rebuild_saw = rebuilt.saw_query_index.clone();
    let rebuild_saw_derived = rebuilt.saw_derived.clone();
    let report = rebuild(w.store.clone(), &w.models, Arc::new(rebuilt))
        .await
        .unwrap();
    assert_eq!(report.through, head);
    let rebuild_saw = rebuild_saw.lock().unwrap().clone();
    assert!(
        !rebuild_saw.is_empty() && rebuild_saw.iter().all(|&i| !i),
        "the rebuild's fold saw the query index: {rebuild_saw:?}"
    );
    let rebuild_saw_derived = rebuild_saw_derived.lock().unwrap().clone();
    assert!(
        rebuild_saw_derived.iter().all(|&d| !d),
        "the rebuild's fold kept the derived count: {rebuild_saw_derived:?}"
    );
    let reader = w.reader();
    assert_eq!(dump(&reader), incremental);
    // The swap derived the count from the copied rows (the copy fired no trigger), once.
    assert_eq!(total(&reader), 20);
    let index_used: String = reader
        .query_row(
            "EXPLAIN QUERY PLAN SELECT position FROM tally_seen WHERE position = 7",
            [],
            |r| r.get(3),
        )
        .unwrap();
    assert!(index_used.contains("tally_seen_position"), "{index_used}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_new_projector_behind_a_long_log_builds_in_a_scratch_file_then_follows() {
    let (w, h, saw) = behind_a_log_of(60).await;
    // Every batch of the build went to the scratch file, which has no query index yet.
    let built = saw.lock().unwrap().clone();
    assert_eq!(built.len(), 60usize.div_ceil(7), "{built:?}");
    assert!(built.iter().all(|&i| !i), "{built:?}");
    // Then it follows the log in the live file, which has it.
    let head = w.append(STREAMS, 5).await;
    h.wait_for(head).await.unwrap();
    h.shutdown().await;
    let after = saw.lock().unwrap()[built.len()..].to_vec();
    assert!(!after.is_empty() && after.iter().all(|&i| i), "{after:?}");
    let (streams, seen) = dump(&w.reader());
    assert_eq!(seen, (1..=65).collect::<Vec<i64>>());
    // Derived at the swap from 60 rows, then kept in step by its trigger.
    let total: i64 = w
        .reader()
        .query_row("SELECT n FROM tally_total", [], |r| r.get(0))
        .unwrap();
    assert_eq!(total, 65);
    assert_eq!(
        streams,
        vec![
            ("cadre-1".to_owned(), 22, 22),
            ("cadre-2".to_owned(), 22, 22),
            ("unit-1".to_owned(), 21, 21)
        ]
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_new_projector_behind_a_short_log_catches_up_in_place() {
    let (w, h, saw) = behind_a_log_of(20).await;
    h.shutdown().await;
    let saw = saw.lock().unwrap().clone();
    assert!(!saw.is_empty() && saw.iter().all(|&i| i), "{saw:?}");
    assert_eq!(dump(&w.reader()).1, (1..=20).collect::<Vec<i64>>());
}

/// A new projector (scratch builds from 50 events behind, batches of 7) spawned behind a log
/// of `events`, caught up; and whether each batch it applied saw the query index.
async fn behind_a_log_of(
    events: usize,
) -> (
    World,
    projector::ProjectorHandle,
    Arc<std::sync::Mutex<Vec<bool>>>,
) {
    let w = World::new();
    let head = w.append(STREAMS, events).await;
    let tally = Tally::new();
    let saw = tally.saw_query_index.clone();
    let options = projector::ProjectorOptions {
        scratch_build_from: 50,
        ..batches_of(7)
    };
    let h = spawn(w.store.clone(), &w.models, Arc::new(tally), options).unwrap();
    h.wait_for(head).await.unwrap();
    (w, h, saw)
}
