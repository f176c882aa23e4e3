//! Several processes appending to one store at once, while a subscriber in this process
//! watches for the bug that server event stores are best known for: a position that
//! commits after a higher one (a "late" sequence value), which a reader that already moved
//! past it skips for ever.
//!
//! The writers are the crash test's writer binary ([`crate::crash::run_writer`]), one
//! process per run number, killed with SIGKILL at the end — so this also shows that a
//! process dying mid-append loses nothing it acknowledged.

use crate::Harness;
use crate::crash::{AppendId, WriterProcess, check_log, record_acks};
use crate::fixtures::within;
use event_store::{Category, EventStore, EventType, Filter, Subscription};
use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;
use tokio::sync::watch;

/// What a subscriber saw: every position, in the order it was handed out.
#[derive(Debug, Default)]
struct Seen {
    positions: Vec<u64>,
}

/// Follows the log from position 1 until it has seen `until` (once that is set), checking
/// at every batch that positions come one after another and that `through` never passes
/// a position not yet handed out. A filter that passes every event of the writers still
/// takes the filtered read path of the backend.
async fn follow(
    store: Arc<dyn EventStore>,
    filter: Filter,
    page: usize,
    mut until: watch::Receiver<Option<u64>>,
) -> Result<Seen, String> {
    let mut sub = Subscription::new(store, 1, filter)
        .with_page_size(page)
        .with_poll_interval(std::time::Duration::from_millis(20));
    let mut seen = Seen::default();
    loop {
        if let Some(end) = *until.borrow_and_update()
            && sub.through() >= end
        {
            return Ok(seen);
        }
        let batch = tokio::select! {
            b = sub.next_batch(page) => b.map_err(|e| e.to_string())?,
            _ = until.changed() => continue,
        };
        for e in &batch.events {
            let expected = seen.positions.last().map_or(1, |p| p + 1);
            if e.position != expected {
                return Err(format!(
                    "the subscriber expected position {expected} and was given {}: a position \
                     was skipped or handed out twice",
                    e.position
                ));
            }
            seen.positions.push(e.position);
        }
        let last = seen.positions.last().copied().unwrap_or(0);
        if batch.through != last {
            return Err(format!(
                "the subscription moved its checkpoint to {} having handed out only up to \
                 {last}: every event of the writers passes its filter",
                batch.through
            ));
        }
    }
}

/// `processes` writer processes (each [`crate::crash::WRITER_TASKS`] concurrent appenders)
/// append to the harness's store together, while two subscriptions here — one unfiltered,
/// one through a filter — follow the log from position 1 with small pages. Once every
/// writer has acknowledged `acks_each` appends, all are killed with SIGKILL. Both
/// subscribers must have been handed positions 1, 2, 3, … up to the head with no gap and
/// no repeat at any moment; every acknowledged append is in the log, once, whole, where
/// its writer was told.
pub async fn writer_processes_leave_no_gap(
    h: &dyn Harness,
    writer_bin: &Path,
    processes: u64,
    acks_each: u64,
) {
    let store = h.open().await;
    assert_eq!(store.head().await.expect("head"), 0, "needs an empty store");
    let (end_tx, end) = watch::channel(None);
    let plain = tokio::spawn(follow(store.clone(), Filter::all(), 64, end.clone()));
    let filtered = Filter {
        categories: vec![Category::new("crash").expect("a category")],
        event_types: vec![EventType::new("CrashTestAppended").expect("an event type")],
    };
    let through_filter = tokio::spawn(follow(store.clone(), filtered, 50, end));

    let url = h.url();
    let mut writers: Vec<_> = (1..=processes)
        .map(|run| WriterProcess::start(writer_bin, &url, run))
        .collect();
    for w in &mut writers {
        w.wait_for_acks(acks_each).await;
    }
    let mut acked: BTreeMap<AppendId, Vec<u64>> = BTreeMap::new();
    for w in writers {
        record_acks(&mut acked, w.kill().await);
    }
    let head = store.head().await.expect("head");
    end_tx.send_replace(Some(head));
    for (name, follower) in [("unfiltered", plain), ("filtered", through_filter)] {
        let seen = within(60, "a subscriber reaching the head", follower)
            .await
            .expect("the subscriber task")
            .unwrap_or_else(|e| panic!("{name} subscriber: {e}"));
        assert_eq!(
            seen.positions,
            (1..=head).collect::<Vec<_>>(),
            "{name} subscriber: every position once, in order"
        );
    }
    let (present, complete) = check_log(&*store, &acked, processes).await;
    assert!(complete as u64 >= processes * acks_each);
    println!(
        "{processes} writer processes: {head} events in {present} appends, {complete} \
         acknowledged, all present; both subscribers saw every position once, in order"
    );
    h.close(store).await;
}
