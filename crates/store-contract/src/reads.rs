//! Reading streams and the global log.

use crate::Harness;
use crate::fixtures::{ev, event, evs, n_of, open_empty, read_everything, stream, within};
use chrono::Utc;
use event_store::{Category, Direction, EventType, ExpectedVersion, Filter, RecordedEvent};
use std::collections::HashMap;

/// Which events a filter should select, written independently of `Filter::matches`.
type Wanted = Box<dyn Fn(&RecordedEvent) -> bool>;

fn versions(events: &[RecordedEvent]) -> Vec<u64> {
    events.iter().map(|e| e.version).collect()
}

fn positions(events: &[RecordedEvent]) -> Vec<u64> {
    events.iter().map(|e| e.position).collect()
}

/// Several streams read at once come back whole, one list per stream in the order asked
/// (a stream asked twice, twice), each as a read of that stream alone; a stream that does
/// not exist reads as empty.
pub async fn read_streams_reads_each_stream_whole(h: &dyn Harness) {
    let store = open_empty(h).await;
    let cadre = stream("cadre-1");
    let unit = stream("unit-1");
    let missing = stream("cadre-404");
    for i in 1..=5 {
        store
            .append(&cadre, ExpectedVersion::Exact(i - 1), vec![ev(i)])
            .await
            .expect("append to cadre-1");
        if i % 2 == 0 {
            store
                .append(&unit, ExpectedVersion::Any, vec![ev(10 + i)])
                .await
                .expect("append to unit-1");
        }
    }
    let got = store
        .read_streams(&[unit.clone(), missing, cadre.clone(), unit.clone()])
        .await
        .expect("read_streams");
    assert_eq!(got.len(), 4, "one list per stream asked");
    assert_eq!(got[3], got[0], "a stream asked twice reads alike twice");
    assert_eq!(versions(&got[0]), vec![1, 2]);
    assert_eq!(
        got[0].iter().map(n_of).collect::<Vec<_>>(),
        vec![12, 14],
        "unit-1's own events"
    );
    assert!(got[1].is_empty(), "a stream that does not exist");
    assert_eq!(versions(&got[2]), (1..=5).collect::<Vec<_>>());
    for (events, s) in [(&got[0], &unit), (&got[2], &cadre)] {
        let alone = store
            .read_stream(s, Direction::Forward, 1, usize::MAX)
            .await
            .expect("read_stream");
        assert_eq!(events, &alone, "{s} read at once and alone");
    }
    assert!(
        store
            .read_streams(&[])
            .await
            .expect("no streams")
            .is_empty()
    );
}

/// Stream reads go forward or backward from a version, up to a limit, and see only that
/// stream; a stream that does not exist reads as empty with version 0.
pub async fn read_stream_reads_forward_and_backward(h: &dyn Harness) {
    let store = open_empty(h).await;
    let s = stream("cadre-1");
    let other = stream("cadre-10");
    // Interleave two streams so stream versions and global positions differ.
    for i in 1..=10 {
        store
            .append(&s, ExpectedVersion::Exact(i - 1), vec![ev(i)])
            .await
            .expect("append to cadre-1");
        store
            .append(&other, ExpectedVersion::Any, vec![ev(100 + i)])
            .await
            .expect("append to cadre-10");
    }
    let read = |direction, from, limit| {
        let store = store.clone();
        let s = s.clone();
        async move {
            store
                .read_stream(&s, direction, from, limit)
                .await
                .expect("read_stream")
        }
    };
    let all = read(Direction::Forward, 1, 100).await;
    assert_eq!(versions(&all), (1..=10).collect::<Vec<_>>());
    assert_eq!(
        positions(&all),
        (1..=10).map(|i| 2 * i - 1).collect::<Vec<_>>()
    );
    assert!(all.iter().all(|e| e.stream == s && n_of(e) == e.version));
    assert_eq!(
        versions(&read(Direction::Forward, 0, 100).await),
        versions(&all)
    );
    assert_eq!(
        versions(&read(Direction::Forward, 4, 3).await),
        vec![4, 5, 6]
    );
    assert_eq!(versions(&read(Direction::Forward, 9, 5).await), vec![9, 10]);
    assert_eq!(versions(&read(Direction::Forward, 10, 1).await), vec![10]);
    assert!(read(Direction::Forward, 11, 10).await.is_empty());
    assert!(read(Direction::Forward, u64::MAX, 10).await.is_empty());
    assert!(read(Direction::Forward, 1, 0).await.is_empty());

    assert_eq!(
        versions(&read(Direction::Backward, u64::MAX, 3).await),
        vec![10, 9, 8]
    );
    assert_eq!(
        versions(&read(Direction::Backward, 10, 2).await),
        vec![10, 9]
    );
    assert_eq!(versions(&read(Direction::Backward, 5, 2).await), vec![5, 4]);
    assert_eq!(
        versions(&read(Direction::Backward, 3, 10).await),
        vec![3, 2, 1]
    );
    assert_eq!(
        versions(&read(Direction::Backward, 25, 100).await),
        (1..=10).rev().collect::<Vec<_>>()
    );
    assert!(read(Direction::Backward, 0, 10).await.is_empty());
    let backward = read(Direction::Backward, u64::MAX, 100).await;
    assert_eq!(backward.iter().rev().cloned().collect::<Vec<_>>(), all);

    let missing = stream("cadre-2");
    for direction in [Direction::Forward, Direction::Backward] {
        assert!(
            store
                .read_stream(&missing, direction, 1, 10)
                .await
                .expect("read a missing stream")
                .is_empty()
        );
    }
    assert_eq!(store.stream_version(&missing).await.expect("version"), 0);
    assert_eq!(store.stream_version(&s).await.expect("version"), 10);
    assert_eq!(store.stream_version(&other).await.expect("version"), 10);
}

/// `read_all` pages through the log from any position, `next` is where to read on, and
/// reading past the head is empty without skipping ahead.
pub async fn read_all_pages_from_any_position(h: &dyn Harness) {
    let store = open_empty(h).await;
    for i in 0..10 {
        store
            .append(
                &stream(&format!("cadre-{}", i % 3)),
                ExpectedVersion::Any,
                evs(i * 2 + 1, 2),
            )
            .await
            .expect("append");
    }
    let n = 20;
    let all = store
        .read_all(1, &Filter::all(), 100)
        .await
        .expect("read_all");
    assert_eq!(positions(&all.events), (1..=n).collect::<Vec<_>>());
    assert_eq!(
        all.events.iter().map(n_of).collect::<Vec<_>>(),
        (1..=n).collect::<Vec<_>>()
    );
    assert_eq!(all.next, n + 1);
    assert_eq!(
        store
            .read_all(0, &Filter::all(), 100)
            .await
            .expect("read_all from 0")
            .events,
        all.events,
        "position 0 reads from the start"
    );

    for (from, limit) in [(1, 1), (5, 3), (19, 5), (20, 1), (7, 13), (7, 14)] {
        let page = store
            .read_all(from, &Filter::all(), limit)
            .await
            .expect("read_all");
        let last = (from + limit as u64 - 1).min(n);
        assert_eq!(
            positions(&page.events),
            (from..=last).collect::<Vec<_>>(),
            "from {from} limit {limit}"
        );
        assert_eq!(page.next, last + 1, "next after from {from} limit {limit}");
    }
    for from in [n + 1, n + 5] {
        let page = store
            .read_all(from, &Filter::all(), 10)
            .await
            .expect("read_all past head");
        assert!(page.events.is_empty());
        assert_eq!(page.next, from, "reading past the head must not skip ahead");
    }

    // Pages of 3 following `next` cover the log exactly once.
    let mut paged = Vec::new();
    let mut from = 1;
    loop {
        let page = store
            .read_all(from, &Filter::all(), 3)
            .await
            .expect("read_all");
        assert!(page.events.len() <= 3);
        if page.events.is_empty() {
            break;
        }
        from = page.next;
        paged.extend(page.events);
    }
    assert_eq!(paged, all.events);
}

/// Filters by category and by event type (any of several, both together) return exactly
/// the matching events in global order; `next` moves past filtered-out events, so following
/// it never misses or repeats a match and ends at head + 1.
pub async fn read_all_filters_by_category_and_event_type(h: &dyn Harness) {
    let store = open_empty(h).await;
    // cadre-* and unit-* streams, a stream named just "cadre" (category "cadre"), and a
    // "cadres-1" stream whose category merely starts like "cadre".
    let streams = [
        "cadre-1",
        "unit-1",
        "cadre-2",
        "cadres-1",
        "unit-2",
        "cadre",
        "cadre-3-x",
    ];
    let kinds = ["DutyRecorded", "DutyBackfilled", "FilingSubmitted"];
    let mut i = 0u64;
    for round in 0..6 {
        for (k, s) in streams.iter().enumerate() {
            let kind = kinds[(round + k) % kinds.len()];
            i += 1;
            store
                .append(
                    &stream(s),
                    ExpectedVersion::Any,
                    vec![event(kind, serde_json::json!({ "n": i }))],
                )
                .await
                .expect("append");
        }
    }
    // A tail of events no filter below selects, so `next` must skip them.
    for _ in 0..5 {
        i += 1;
        store
            .append(
                &stream("other-1"),
                ExpectedVersion::Any,
                vec![event("Noise", serde_json::json!({ "n": i }))],
            )
            .await
            .expect("append");
    }
    let head = i;
    let everything = read_everything(&*store).await;
    assert_eq!(everything.len() as u64, head);

    let cat = |c: &str| Category::new(c).expect("category");
    let kind = |k: &str| EventType::new(k).expect("event type");
    let category_of =
        |e: &RecordedEvent| e.stream.as_str().split('-').next().unwrap_or("").to_owned();
    let filters: Vec<(Filter, Wanted)> = vec![
        (
            Filter {
                categories: vec![cat("cadre")],
                event_types: vec![],
            },
            Box::new(move |e: &RecordedEvent| category_of(e) == "cadre"),
        ),
        (
            Filter {
                categories: vec![cat("unit"), cat("cadres")],
                event_types: vec![],
            },
            Box::new(|e: &RecordedEvent| {
                e.stream.as_str().starts_with("unit-") || e.stream.as_str().starts_with("cadres-")
            }),
        ),
        (
            Filter {
                categories: vec![],
                event_types: vec![kind("DutyBackfilled")],
            },
            Box::new(|e: &RecordedEvent| e.event_type.as_str() == "DutyBackfilled"),
        ),
        (
            Filter {
                categories: vec![],
                event_types: vec![kind("DutyRecorded"), kind("FilingSubmitted")],
            },
            Box::new(|e: &RecordedEvent| {
                matches!(e.event_type.as_str(), "DutyRecorded" | "FilingSubmitted")
            }),
        ),
        (
            Filter {
                categories: vec![cat("cadre")],
                event_types: vec![kind("FilingSubmitted")],
            },
            Box::new(|e: &RecordedEvent| {
                (e.stream.as_str() == "cadre" || e.stream.as_str().starts_with("cadre-"))
                    && e.event_type.as_str() == "FilingSubmitted"
            }),
        ),
        (
            Filter {
                categories: vec![cat("nobody")],
                event_types: vec![],
            },
            Box::new(|_: &RecordedEvent| false),
        ),
    ];
    for (filter, wanted) in &filters {
        let expected: Vec<_> = everything.iter().filter(|e| wanted(e)).cloned().collect();
        let whole = store
            .read_all(1, filter, 1000)
            .await
            .expect("read_all filtered");
        assert_eq!(whole.events, expected, "{filter:?}");
        assert_eq!(
            whole.next,
            head + 1,
            "{filter:?}: one page examined everything"
        );

        for limit in [1, 2, 5] {
            let mut got = Vec::new();
            let mut from = 1;
            let mut pages = 0;
            loop {
                let page = store
                    .read_all(from, filter, limit)
                    .await
                    .expect("read_all filtered");
                assert!(page.events.len() <= limit);
                assert!(
                    page.next > from || page.events.is_empty(),
                    "{filter:?}: stuck at {from}"
                );
                assert!(
                    page.events
                        .iter()
                        .all(|e| e.position >= from && e.position < page.next),
                    "{filter:?}: events outside [{from}, {})",
                    page.next
                );
                if let Some(last) = page.events.last()
                    && page.events.len() == limit
                {
                    assert_eq!(
                        page.next,
                        last.position + 1,
                        "{filter:?}: a full page ends at its last event"
                    );
                }
                got.extend(page.events.iter().cloned());
                if page.next > head {
                    assert_eq!(page.next, head + 1, "{filter:?}: next beyond the head");
                    break;
                }
                from = page.next;
                pages += 1;
                assert!(pages <= head, "{filter:?}: paging does not end");
            }
            assert_eq!(got, expected, "{filter:?} in pages of {limit}");
        }
    }
}

/// Positions run 1..=n without holes, each append's result names the positions where its
/// events are, the head and its watch follow, and `recorded_at` never decreases and is the
/// time of the append.
pub async fn global_positions_are_contiguous_and_recorded_at_never_decreases(h: &dyn Harness) {
    let store = open_empty(h).await;
    let mut watch = store.watch_head();
    let mut expected_at: HashMap<u64, (uuid::Uuid, chrono::DateTime<Utc>)> = HashMap::new();
    let mut n = 0u64;
    for i in 0..40u64 {
        let s = stream(&format!("unit-{}", i % 7));
        let batch = evs(n + 1, 1 + i % 4);
        let ids: Vec<_> = batch.iter().map(|e| e.event_id).collect();
        let before = Utc::now();
        let r = store
            .append(&s, ExpectedVersion::Any, batch)
            .await
            .expect("append");
        let after = Utc::now();
        assert!(
            r.recorded_at >= before - chrono::Duration::seconds(5)
                && r.recorded_at <= after + chrono::Duration::seconds(5),
            "recorded_at {} is not the time of the append ({before} .. {after})",
            r.recorded_at
        );
        assert_eq!(
            r.positions,
            (n + 1..=n + ids.len() as u64).collect::<Vec<_>>()
        );
        for (p, id) in r.positions.iter().zip(ids) {
            expected_at.insert(*p, (id, r.recorded_at));
        }
        n += r.positions.len() as u64;
        assert_eq!(store.head().await.expect("head"), n);
    }
    within(
        10,
        "the head watch reaching the head",
        watch.wait_for(|h| *h >= n),
    )
    .await
    .expect("the head watch is open");
    assert_eq!(*watch.borrow(), n);

    let all = read_everything(&*store).await;
    assert_eq!(positions(&all), (1..=n).collect::<Vec<_>>());
    assert_eq!(
        all.iter().map(n_of).collect::<Vec<_>>(),
        (1..=n).collect::<Vec<_>>()
    );
    for e in &all {
        let (id, at) = expected_at[&e.position];
        assert_eq!(e.event_id, id, "the event at position {}", e.position);
        assert_eq!(
            e.recorded_at.timestamp_micros(),
            at.timestamp_micros(),
            "recorded_at of position {} vs its append's result",
            e.position
        );
    }
    for w in all.windows(2) {
        assert!(
            w[1].recorded_at >= w[0].recorded_at,
            "recorded_at decreased from position {} to {}",
            w[0].position,
            w[1].position
        );
    }
    // Per stream, versions are 1..k in global order.
    let mut per_stream: HashMap<&str, Vec<u64>> = HashMap::new();
    for e in &all {
        per_stream
            .entry(e.stream.as_str())
            .or_default()
            .push(e.version);
    }
    for (s, v) in per_stream {
        assert_eq!(
            v,
            (1..=v.len() as u64).collect::<Vec<_>>(),
            "versions of {s}"
        );
    }
}
