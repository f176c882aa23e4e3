//! Catch-up subscriptions over a live store: history first, then new commits, in global
//! order without gaps or duplicates.

use crate::Harness;
use crate::fixtures::{ev, event, evs, open_empty, read_everything, stream, within};
use event_store::{Category, EventStore, ExpectedVersion, Filter, RecordedEvent, Subscription};
use std::sync::Arc;
use tokio::task::JoinHandle;

const PREFILL: u64 = 100;
const WRITERS: u64 = 8;
const APPENDS: u64 = 40;

/// Events the writers of [`start_writers`] append in all: 1, 2 or 3 per append.
fn written_by_writers() -> u64 {
    WRITERS * (0..APPENDS).map(|a| 1 + a % 3).sum::<u64>()
}

async fn prefill(store: &dyn EventStore) {
    for i in 0..PREFILL / 4 {
        let s = stream(if i % 2 == 0 { "cadre-pre" } else { "unit-pre" });
        store
            .append(&s, ExpectedVersion::Any, evs(i * 4, 4))
            .await
            .expect("prefill");
    }
}

/// Writers appending to `cadre-*` and `unit-*` streams, concurrently.
fn start_writers(store: &Arc<dyn EventStore>) -> Vec<JoinHandle<()>> {
    (0..WRITERS)
        .map(|w| {
            let store = store.clone();
            tokio::spawn(async move {
                let s = stream(&format!(
                    "{}-w{w}",
                    if w % 2 == 0 { "cadre" } else { "unit" }
                ));
                for a in 0..APPENDS {
                    let batch = (0..1 + a % 3)
                        .map(|k| {
                            event(
                                "DutyRecorded",
                                serde_json::json!({ "w": w, "a": a, "k": k }),
                            )
                        })
                        .collect();
                    store
                        .append(&s, ExpectedVersion::Any, batch)
                        .await
                        .expect("a writer's append");
                }
            })
        })
        .collect()
}

/// Waits (on the head watch, not a timer) until the log has at least `n` events.
async fn wait_for_head(store: &dyn EventStore, n: u64) {
    let mut watch = store.watch_head();
    within(
        30,
        "the head reaching a position",
        watch.wait_for(|h| *h >= n),
    )
    .await
    .expect("the head watch is open");
}

async fn join(writers: Vec<JoinHandle<()>>) {
    for w in writers {
        within(60, "a writer", w).await.expect("writer task");
    }
}

/// A subscription started from position 1 while writers run delivers every position
/// 1..=n once, in order, crossing from history to live; then it delivers the next commit.
pub async fn a_subscription_turns_live_without_gaps_or_duplicates(h: &dyn Harness) {
    let store = open_empty(h).await;
    prefill(&*store).await;
    let writers = start_writers(&store);
    // Part-way: some of the writers' events are history, the rest arrive live.
    wait_for_head(&*store, PREFILL + 20).await;
    let total = PREFILL + written_by_writers();
    let mut sub = Subscription::new(store.clone(), 1, Filter::all()).with_page_size(7);
    let mut got: Vec<RecordedEvent> = Vec::new();
    within(60, "the subscription delivering every event", async {
        while (got.len() as u64) < total {
            got.push(sub.next().await.expect("subscription"));
        }
    })
    .await;
    join(writers).await;
    let positions: Vec<_> = got.iter().map(|e| e.position).collect();
    assert_eq!(
        positions,
        (1..=total).collect::<Vec<_>>(),
        "gaps, duplicates or disorder"
    );
    assert_eq!(
        got,
        read_everything(&*store).await,
        "delivered events differ from the log"
    );
    assert_eq!(sub.through(), total);

    // Live: the next commit arrives, and only it.
    store
        .append(
            &stream("cadre-late"),
            ExpectedVersion::NoStream,
            vec![ev(1)],
        )
        .await
        .expect("a late append");
    let next = within(30, "a live event", sub.next())
        .await
        .expect("subscription");
    assert_eq!(
        (next.position, next.stream.as_str()),
        (total + 1, "cadre-late")
    );
}

/// A filtered subscription delivers exactly the matching events in order, history then
/// live; its `through` checkpoint never goes back, covers every event handed out, and
/// reaches the head even when the last events are filtered out.
pub async fn a_filtered_subscription_turns_live(h: &dyn Harness) {
    let store = open_empty(h).await;
    prefill(&*store).await;
    let writers = start_writers(&store);
    wait_for_head(&*store, PREFILL + 20).await;
    let total = PREFILL + written_by_writers();
    let filter = Filter {
        categories: vec![Category::new("cadre").expect("category")],
        event_types: vec![],
    };
    let mut sub = Subscription::new(store.clone(), 1, filter.clone()).with_page_size(5);
    let mut got: Vec<RecordedEvent> = Vec::new();
    let mut through = 0;
    within(60, "the filtered subscription reaching the end", async {
        while sub.through() < total {
            let batch = sub.next_batch(4).await.expect("subscription");
            assert!(batch.events.len() <= 4);
            assert!(batch.through >= through, "through went back");
            through = batch.through;
            for e in &batch.events {
                assert!(e.position <= batch.through, "event beyond through");
                assert!(filter.matches(e.stream.as_str(), e.event_type.as_str()));
                if let Some(last) = got.last() {
                    assert!(
                        e.position > last.position,
                        "positions not strictly increasing"
                    );
                }
            }
            got.extend(batch.events);
        }
    })
    .await;
    join(writers).await;
    assert_eq!(sub.through(), total);
    let expected: Vec<_> = read_everything(&*store)
        .await
        .into_iter()
        .filter(|e| e.stream.category() == "cadre")
        .collect();
    assert_eq!(got.len(), expected.len());
    assert_eq!(got, expected);

    // Filtered-out commits move `through` on without delivering anything; the next match
    // is delivered.
    store
        .append(&stream("unit-late"), ExpectedVersion::Any, evs(1, 2))
        .await
        .expect("a late unit append");
    store
        .append(&stream("cadre-late"), ExpectedVersion::Any, vec![ev(3)])
        .await
        .expect("a late cadre append");
    let mut late = Vec::new();
    within(30, "the late cadre event", async {
        while late.is_empty() {
            late = sub.next_batch(10).await.expect("subscription").events;
        }
    })
    .await;
    let positions: Vec<_> = late.iter().map(|e| e.position).collect();
    assert_eq!(positions, vec![total + 3]);
    assert_eq!(sub.through(), total + 3);
}

/// A subscription from a checkpoint starts right after it (0 and 1 both mean the start),
/// and one from past the head delivers only new commits.
pub async fn a_subscription_from_a_checkpoint_starts_there(h: &dyn Harness) {
    let store = open_empty(h).await;
    store
        .append(&stream("cadre-1"), ExpectedVersion::Any, evs(1, 50))
        .await
        .expect("history");
    for (from, first) in [(0, 1), (1, 1), (31, 31), (50, 50)] {
        let mut sub = Subscription::new(store.clone(), from, Filter::all());
        let e = within(30, "a history event", sub.next())
            .await
            .expect("subscription");
        assert_eq!(e.position, first, "subscription from {from}");
        if first == 50 {
            continue;
        }
        let batch = within(30, "a history batch", sub.next_batch(100))
            .await
            .expect("subscription");
        let positions: Vec<_> = batch.events.iter().map(|e| e.position).collect();
        assert_eq!(
            positions,
            (first + 1..=50).collect::<Vec<_>>(),
            "from {from}"
        );
    }
    let mut live = Subscription::new(store.clone(), 51, Filter::all());
    let waiting = tokio::spawn(async move { live.next().await });
    store
        .append(&stream("cadre-2"), ExpectedVersion::Any, vec![ev(51)])
        .await
        .expect("a new append");
    let e = within(30, "a live event", waiting)
        .await
        .expect("task")
        .expect("subscription");
    assert_eq!((e.position, e.stream.as_str()), (51, "cadre-2"));
}
