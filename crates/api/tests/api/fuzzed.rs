//! What API fuzzing (`tests/schemathesis/run`) found, each kept as a regression test: the
//! request schemathesis sent and the answer the description promises.

use crate::support::spawn_app;
use axum::http::StatusCode;
use serde_json::Value;
use std::time::{Duration, Instant};

const NOW: &str = "2026-01-05T09:00:00+08:00";

/// `?min_position=` beyond the end of the log waited the full 5 s for a position no command
/// had answered, then answered `503 unavailable` — a server error for a bad request. It is
/// refused at once as an invalid field; a position the log has reached still reads.
#[tokio::test]
async fn a_min_position_beyond_the_log_is_an_invalid_field_answered_at_once() {
    let t = spawn_app(NOW).await;
    let head = t.store.head().await.unwrap();
    for path in ["/api/v1/board", "/api/v1/units", "/api/v1/cadres"] {
        for beyond in [head + 1, 9_223_372_036_854_775_808] {
            let started = Instant::now();
            let a = t.get(&format!("{path}?min_position={beyond}")).await;
            assert_eq!(
                a.status,
                StatusCode::UNPROCESSABLE_ENTITY,
                "{path}: {}",
                a.text
            );
            assert_eq!(a.content_type, "application/problem+json");
            assert_eq!(a.json["code"], "invalid_field");
            assert_eq!(a.json["field"], "min_position");
            assert!(
                started.elapsed() < Duration::from_secs(2),
                "{path}: refused at once, not after waiting ({:?})",
                started.elapsed()
            );
        }
    }
    let a = t.get(&format!("/api/v1/board?min_position={head}")).await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.text);
}

/// `/assessments/{year}` with a year that is not an `i32` was answered by axum's own
/// rejection: `400 text/plain` ("Cannot parse `2147483648` to a `i32`"), undocumented. It
/// is a problem+json like every other error (no such year: 404), and a year out of range
/// is the documented `422 invalid_field`.
#[tokio::test]
async fn an_assessment_year_that_is_no_number_is_a_problem_json_404() {
    let t = spawn_app(NOW).await;
    for path in [
        "/api/v1/assessments/2147483648",
        "/api/v1/assessments/2147483648/rules",
        "/api/v1/assessments/twenty/rules",
    ] {
        let a = t.get(path).await;
        assert_eq!(a.status, StatusCode::NOT_FOUND, "{path}: {}", a.text);
        assert_eq!(a.content_type, "application/problem+json", "{path}");
        assert_eq!(a.json["code"], "not_found");
    }
    let a = t.get("/api/v1/assessments/1").await;
    assert_eq!(a.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", a.text);
    assert_eq!(a.json["field"], "year");
    let a = t.get("/api/v1/assessments/2026/rules").await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.text);
}

/// Every `$ref` of the description names something it defines: schemathesis could not
/// test the corrections and withdrawals of duty entries, whose `entry_id` referred to a
/// schema `EntryId` that no component defined.
#[test]
fn every_reference_of_the_description_resolves() {
    let doc: Value = serde_json::from_str(api::document_json()).unwrap();
    let mut refs = Vec::new();
    collect_refs(&doc, &mut refs);
    assert!(refs.len() > 100, "the description refers to its components");
    for r in refs {
        let pointer = r
            .strip_prefix('#')
            .unwrap_or_else(|| panic!("{r}: only local references"));
        assert!(doc.pointer(pointer).is_some(), "{r} refers to nothing");
    }
}

fn collect_refs(v: &Value, out: &mut Vec<String>) {
    match v {
        Value::Object(m) => {
            if let Some(Value::String(r)) = m.get("$ref") {
                out.push(r.clone());
            }
            m.values().for_each(|v| collect_refs(v, out));
        }
        Value::Array(a) => a.iter().for_each(|v| collect_refs(v, out)),
        _ => {}
    }
}

/// `?before=9223372036854775808` (past `int64`, which the description says) was read as
/// "the end of the log" and answered 200; a position that large names no event, so it is
/// refused like any other malformed query, and `i64::MAX` itself still reads.
#[tokio::test]
async fn a_position_past_int64_is_refused() {
    let t = spawn_app(NOW).await;
    for path in [
        "/api/v1/filings",
        "/api/v1/problems",
        "/api/v1/notifications",
        "/api/v1/oversight-records",
        "/api/v1/accountability",
        "/api/v1/access-log",
    ] {
        let a = t.get(&format!("{path}?before=9223372036854775808")).await;
        assert_eq!(a.status, StatusCode::BAD_REQUEST, "{path}: {}", a.text);
        assert_eq!(a.content_type, "application/problem+json");
        assert!(
            a.json["detail"]
                .as_str()
                .unwrap()
                .contains("beyond the largest position"),
            "{path}: {}",
            a.text
        );
        let a = t.get(&format!("{path}?before=9223372036854775807")).await;
        assert_eq!(a.status, StatusCode::OK, "{path}: {}", a.text);
    }
    let a = t.get("/api/v1/export?after=9223372036854775808").await;
    assert_eq!(a.status, StatusCode::BAD_REQUEST, "{}", a.text);
}

/// `POST /notifications/read` `{"all": true}` with an `Idempotency-Key` used before, when
/// the unread notifications had changed since: the event the key stands for was already
/// stored with other content, and the store's refusal was answered `500 internal`. It is
/// the client's key reused: `422 idempotency_key_reused`, as for any command.
#[test]
fn an_idempotency_key_whose_event_is_stored_otherwise_is_a_reused_key() {
    use axum::response::IntoResponse;
    let e = event_store::StoreError::IdempotencyConflict {
        event_id: uuid::Uuid::nil(),
    };
    let r = api::ApiError::from(e).into_response();
    assert_eq!(r.status(), StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(r.headers()["content-type"], "application/problem+json");
}
