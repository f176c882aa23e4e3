//! The operational endpoints.

use crate::support::spawn_app;
use axum::http::StatusCode;

#[tokio::test]
async fn metrics_and_readiness_follow_the_log_and_the_projectors() {
    let t = spawn_app("2026-01-05T09:00:00+08:00").await;
    let r = t
        .post(
            "/api/v1/units",
            serde_json::json!({"name": "区教育局党组", "kind": "party_group"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    let position = r.json["position"].as_u64().unwrap();
    // Every read model has caught up (readiness asks that of all of them).
    for p in t.state.projector_status().await {
        t.state.wait_for(&p.name, position).await.unwrap();
    }

    let m = t.get("/metrics").await;
    assert_eq!(m.status, StatusCode::OK);
    assert!(
        m.text
            .contains(&format!("dutytrace_log_head_position {position}\n")),
        "{}",
        m.text
    );
    assert!(
        m.text.contains(&format!(
            "dutytrace_projector_position{{projection=\"board\"}} {position}\n"
        )),
        "{}",
        m.text
    );
    assert!(
        m.text
            .contains("dutytrace_projector_lag_events{projection=\"catalog\"} 0\n"),
        "{}",
        m.text
    );

    let r = t.get("/readyz").await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.json["head"], position);
    assert_eq!(r.json["projectors"][1]["state"], "running");

    let h = t.get("/healthz").await;
    assert_eq!((h.status, h.text.as_str()), (StatusCode::OK, "ok"));
    t.state.shutdown().await;
}

#[tokio::test]
async fn readiness_fails_when_a_projector_has_failed() {
    let t = spawn_app("2026-01-05T09:00:00+08:00").await;
    let head = t.store.head().await.unwrap();
    t.state.wait_for("catalog", head).await.unwrap();
    // Closing the log ends the projectors' live subscriptions: they fail, and readiness
    // says so.
    t.sqlite.close().await;
    assert!(t.state.wait_for("catalog", head + 1).await.is_err());
    let r = t.get("/readyz").await;
    assert_eq!(r.status, StatusCode::SERVICE_UNAVAILABLE, "{}", r.text);
    assert_eq!(r.json["projectors"][0]["state"], "failed", "{}", r.text);
    let m = t.get("/metrics").await;
    assert!(
        m.text.contains(&format!(
            "dutytrace_projector_position{{projection=\"catalog\"}} {head}\n"
        )),
        "{}",
        m.text
    );
}
