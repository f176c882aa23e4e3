//! The operational endpoints, called through the router with `oneshot`.

#![allow(clippy::unwrap_used, reason = "test helpers fail loudly by design")]

use api::{AppState, router};
use axum::body::Body;
use axum::http::{Request, StatusCode};
use chrono::Utc;
use event_store::{Actor, EventStore, EventType, ExpectedVersion, NewEvent, Payload, StreamName};
use projector::{ProjectorOptions, ReadModels};
use std::sync::Arc;
use store_sqlite::{SqliteOptions, SqliteStore};
use tower::ServiceExt;

async fn call(state: &AppState, path: &str) -> (StatusCode, String) {
    let response = router(state.clone())
        .oneshot(Request::get(path).body(Body::empty()).unwrap())
        .await
        .unwrap();
    let status = response.status();
    let bytes = axum::body::to_bytes(response.into_body(), 1 << 20)
        .await
        .unwrap();
    (status, String::from_utf8(bytes.to_vec()).unwrap())
}

fn event(n: u32) -> NewEvent {
    NewEvent::new(
        EventType::new("DutyRecorded").unwrap(),
        Payload::from_json(format!("{{\"n\":{n}}}")).unwrap(),
        Actor::new("user:test").unwrap(),
        Utc::now(),
    )
}

/// A store in a temporary directory with the catalog projector running on it.
fn start() -> (
    tempfile::TempDir,
    SqliteStore,
    Arc<dyn EventStore>,
    projector::ProjectorHandle,
) {
    let dir = tempfile::tempdir().unwrap();
    let sqlite = SqliteStore::open(dir.path().join("log.db"), SqliteOptions::default()).unwrap();
    let store: Arc<dyn EventStore> = Arc::new(sqlite.clone());
    let models = ReadModels::open(dir.path().join("log.views.db")).unwrap();
    let catalog = projector::spawn(
        store.clone(),
        &models,
        Arc::new(catalog::Catalog),
        ProjectorOptions::default(),
    )
    .unwrap();
    (dir, sqlite, store, catalog)
}

#[tokio::test]
async fn metrics_and_readiness_follow_the_log_and_the_projectors() {
    let (_dir, sqlite, store, catalog) = start();
    let s = StreamName::new("cadre-1").unwrap();
    let r = store
        .append(&s, ExpectedVersion::NoStream, (0..5).map(event).collect())
        .await
        .unwrap();
    catalog.wait_for(r.last_position()).await.unwrap();
    let state = AppState::new(store.clone(), vec![catalog]);

    let (status, body) = call(&state, "/metrics").await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.contains("dutytrace_log_head_position 5\n"), "{body}");
    assert!(
        body.contains("dutytrace_projector_position{projection=\"catalog\"} 5\n"),
        "{body}"
    );
    assert!(
        body.contains("dutytrace_projector_lag_events{projection=\"catalog\"} 0\n"),
        "{body}"
    );

    let (status, body) = call(&state, "/readyz").await;
    assert_eq!(status, StatusCode::OK, "{body}");
    let v: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(v["head"], 5);
    assert_eq!(v["projectors"][0]["state"], "running");

    state.shutdown().await;
    sqlite.close().await;
    let (status, body) = call(&state, "/healthz").await;
    assert_eq!((status, body.as_str()), (StatusCode::OK, "ok"));
}

#[tokio::test]
async fn readiness_fails_when_a_projector_has_failed() {
    let (_dir, sqlite, store, catalog) = start();
    catalog.wait_for(0).await.unwrap();
    // Closing the log ends the projector's live subscription: the projector fails, and
    // `wait_for` a position it will never reach says so instead of hanging.
    sqlite.close().await;
    assert!(catalog.wait_for(1).await.is_err());
    let state = AppState::new(store.clone(), vec![catalog]);
    let (status, body) = call(&state, "/readyz").await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE, "{body}");
    let v: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(v["projectors"][0]["state"], "failed", "{body}");
    let (_, metrics) = call(&state, "/metrics").await;
    assert!(
        metrics.contains("dutytrace_projector_position{projection=\"catalog\"} 0\n"),
        "{metrics}"
    );
}
