//! Small builders and checks shared by the cases.

use crate::Harness;
use chrono::Utc;
use event_store::{
    Actor, EventStore, EventType, Filter, NewEvent, Payload, RecordedEvent, StreamName,
};
use std::sync::Arc;
use std::time::Duration;

/// A stream name the case knows to be valid.
pub fn stream(name: &str) -> StreamName {
    StreamName::new(name).expect("a valid stream name")
}

/// An event of type `kind` with the given JSON payload, a fresh id and `occurred_at` now.
pub fn event(kind: &str, payload: serde_json::Value) -> NewEvent {
    NewEvent::new(
        EventType::new(kind).expect("a valid event type"),
        Payload::from_value(&payload).expect("a JSON object"),
        Actor::new("user:contract").expect("a valid actor"),
        Utc::now(),
    )
}

/// `DutyRecorded {"n": n}`.
pub(crate) fn ev(n: u64) -> NewEvent {
    event("DutyRecorded", serde_json::json!({ "n": n }))
}

/// `n` events `DutyRecorded {"n": from}`, `{"n": from + 1}`, ….
pub(crate) fn evs(from: u64, n: u64) -> Vec<NewEvent> {
    (from..from + n).map(ev).collect()
}

/// The `n` field of a payload made by [`ev`].
pub(crate) fn n_of(e: &RecordedEvent) -> u64 {
    let v: serde_json::Value = e.payload.parse().expect("stored payload is JSON");
    v["n"].as_u64().expect("payload has an n")
}

/// The whole log, read page by page.
pub async fn read_everything(store: &dyn EventStore) -> Vec<RecordedEvent> {
    let mut all = Vec::new();
    let mut from = 1;
    loop {
        let page = store
            .read_all(from, &Filter::all(), 1000)
            .await
            .expect("read_all");
        assert!(
            page.next >= from,
            "read_all went backwards: {from} -> {}",
            page.next
        );
        if page.events.is_empty() {
            return all;
        }
        from = page.next;
        all.extend(page.events);
    }
}

/// Opens the harness's store and checks that the case starts from an empty log.
pub(crate) async fn open_empty(h: &dyn Harness) -> Arc<dyn EventStore> {
    let store = h.open().await;
    assert_eq!(
        store.head().await.expect("head"),
        0,
        "each contract case needs a fresh, empty store"
    );
    store
}

/// Asserts that the log still holds exactly `before` (nothing written, nothing lost).
pub(crate) async fn assert_log_is(store: &dyn EventStore, before: &[RecordedEvent], what: &str) {
    let now = read_everything(store).await;
    assert_eq!(now, before, "{what}: the log changed");
    assert_eq!(
        store.head().await.expect("head"),
        before.last().map_or(0, |e| e.position),
        "{what}: the head moved"
    );
}

/// Bounds a case's waits so a broken backend fails instead of hanging the suite.
pub(crate) async fn within<F: std::future::Future>(secs: u64, what: &str, f: F) -> F::Output {
    tokio::time::timeout(Duration::from_secs(secs), f)
        .await
        .unwrap_or_else(|_| panic!("{what} did not finish within {secs} s"))
}
