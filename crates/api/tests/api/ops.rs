//! The operational endpoints.

use crate::support::{ADMIN_PASSWORD, spawn_app};
use api::LimitConfig;
use axum::http::StatusCode;
use std::time::Duration;
use tower::ServiceExt as _;

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

#[tokio::test]
async fn a_body_over_the_limit_is_413_and_nothing_is_written() {
    let t = spawn_app("2026-01-05T09:00:00+08:00").await;
    let head = t.store.head().await.unwrap();
    let name = "局".repeat(400_000); // 1.2 MB of UTF-8, over the 1 MiB of a command
    let r = t
        .post(
            "/api/v1/units",
            serde_json::json!({"name": name, "kind": "party_group"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::PAYLOAD_TOO_LARGE, "{}", r.text);
    assert_eq!(r.json["code"], "payload_too_large");
    assert_eq!(r.content_type, "application/problem+json");
    assert_eq!(t.store.head().await.unwrap(), head, "nothing was written");
    t.state.shutdown().await;
}

#[tokio::test]
async fn commands_beyond_a_users_rate_are_429_and_queries_go_on() {
    let mut t = spawn_app("2026-01-05T09:00:00+08:00").await;
    t.state = t.state.clone().with_limits(LimitConfig {
        commands_per_second: 1,
        command_burst: 2,
        ..LimitConfig::default()
    });
    let unit =
        |n: u32| serde_json::json!({"name": format!("区第{n}局党组"), "kind": "party_group"});
    for n in 0..2 {
        let r = t.post("/api/v1/units", unit(n)).await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    }
    let head = t.store.head().await.unwrap();
    let refused = t.post("/api/v1/units", unit(3)).await;
    assert_eq!(
        refused.status,
        StatusCode::TOO_MANY_REQUESTS,
        "{}",
        refused.text
    );
    assert_eq!(refused.json["code"], "rate_limited");
    assert_eq!(
        t.store.head().await.unwrap(),
        head,
        "a refused command writes nothing"
    );
    let board = t.get("/api/v1/board").await;
    assert_eq!(board.status, StatusCode::OK, "queries are not rate limited");
    t.state.shutdown().await;
}

#[tokio::test]
async fn a_refused_command_says_how_long_to_wait() {
    let mut t = spawn_app("2026-01-05T09:00:00+08:00").await;
    t.state = t.state.clone().with_limits(LimitConfig {
        commands_per_second: 1,
        command_burst: 1,
        ..LimitConfig::default()
    });
    let body = serde_json::json!({"name": "区审计局党组", "kind": "party_group"});
    let first = t.post("/api/v1/units", body.clone()).await;
    assert_eq!(first.status, StatusCode::CREATED, "{}", first.text);
    let response = api::router(t.state.clone())
        .oneshot(
            axum::http::Request::post("/api/v1/units")
                .header("authorization", t.admin.as_str())
                .header("content-type", "application/json")
                .body(axum::body::Body::from(body.to_string()))
                .unwrap(),
        )
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(response.headers()["retry-after"], "1");
    t.state.shutdown().await;
}

#[tokio::test]
async fn sign_ins_beyond_a_usernames_rate_are_429_before_any_lock_out() {
    let mut t = spawn_app("2026-01-05T09:00:00+08:00").await;
    t.state = t.state.clone().with_limits(LimitConfig {
        logins_per_minute: 2,
        login_burst: 2,
        ..LimitConfig::default()
    });
    let attempt =
        |password: &str| serde_json::json!({"username": api::ADMIN, "password": password});
    let wrong = t
        .post("/api/v1/auth/login", attempt("not-the-password"))
        .await;
    assert_eq!(wrong.status, StatusCode::UNAUTHORIZED, "{}", wrong.text);
    let right = t.post("/api/v1/auth/login", attempt(ADMIN_PASSWORD)).await;
    assert_eq!(right.status, StatusCode::OK, "{}", right.text);
    // The third within the minute, even with the right password: counted per username.
    let third = t.post("/api/v1/auth/login", attempt(ADMIN_PASSWORD)).await;
    assert_eq!(
        third.status,
        StatusCode::TOO_MANY_REQUESTS,
        "{}",
        third.text
    );
    assert_eq!(third.json["code"], "rate_limited");
    // Another username is not slowed by it.
    let other = t
        .post(
            "/api/v1/auth/login",
            serde_json::json!({"username": "nobody", "password": "x"}),
        )
        .await;
    assert_eq!(other.status, StatusCode::UNAUTHORIZED, "{}", other.text);
    t.state.shutdown().await;
}

#[tokio::test]
async fn answers_carry_the_security_headers() {
    let t = spawn_app("2026-01-05T09:00:00+08:00").await;
    let (status, headers, _) = t.get_raw("/api/v1/board", &[]).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(headers["x-content-type-options"], "nosniff");
    assert_eq!(headers["cache-control"], "no-store");
    let (status, headers, _) = t.get_raw("/", &[]).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(headers["x-content-type-options"], "nosniff");
    assert!(
        headers["content-security-policy"]
            .to_str()
            .unwrap()
            .contains("default-src 'none'"),
        "{headers:?}"
    );
    // Errors too, and the router's own 404.
    let (status, headers, _) = t.get_raw("/api/v1/no-such-route", &[]).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert_eq!(headers["x-content-type-options"], "nosniff");
    t.state.shutdown().await;
}

#[tokio::test]
async fn metrics_count_requests_by_route_and_appends_by_type() {
    // The state appends through a counting store, as `dutytrace serve` makes it.
    let t = spawn_app("2026-01-05T09:00:00+08:00").await;
    for n in 0..2 {
        let r = t
            .post(
                "/api/v1/units",
                serde_json::json!({"name": format!("区第{n}局党组"), "kind": "party_group"}),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    }
    let bad = t
        .post(
            "/api/v1/units",
            serde_json::json!({"name": "", "kind": "party_group"}),
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", bad.text);
    let m = t.get("/metrics").await;
    assert_eq!(m.status, StatusCode::OK);
    assert_eq!(
        m.content_type,
        "application/openmetrics-text; version=1.0.0; charset=utf-8"
    );
    for line in [
        "dutytrace_http_requests_total{method=\"POST\",route=\"/api/v1/units\",status=\"201\"} 2\n",
        "dutytrace_http_requests_total{method=\"POST\",route=\"/api/v1/units\",status=\"422\"} 1\n",
        "dutytrace_http_request_duration_seconds_count{method=\"POST\",route=\"/api/v1/units\"} 3\n",
        "dutytrace_events_appended_total{event_type=\"UnitRegistered\"} 2\n",
        "dutytrace_store_up 1\n",
    ] {
        assert!(m.text.contains(line), "{line} in\n{}", m.text);
    }
    assert!(m.text.ends_with("# EOF\n"), "{}", m.text);
    t.state.shutdown().await;
}

#[tokio::test]
async fn a_connection_that_trickles_its_headers_is_cut_off_and_others_are_served() {
    use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
    let mut t = spawn_app("2026-01-05T09:00:00+08:00").await;
    t.state = t.state.clone().with_limits(LimitConfig {
        header_read_timeout: Duration::from_millis(300),
        ..LimitConfig::default()
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(api::serve(listener, t.state.clone(), async {
        let _ = stopped.await;
    }));

    // Half a request's head, then nothing.
    let mut slow = tokio::net::TcpStream::connect(address).await.unwrap();
    slow.write_all(b"GET /healthz HTTP/1.1\r\nHost: dutytrace\r\n")
        .await
        .unwrap();
    let started = std::time::Instant::now();
    // Meanwhile a whole request is answered.
    let mut quick = tokio::net::TcpStream::connect(address).await.unwrap();
    quick
        .write_all(b"GET /healthz HTTP/1.1\r\nHost: dutytrace\r\nConnection: close\r\n\r\n")
        .await
        .unwrap();
    let mut answer = String::new();
    quick.read_to_string(&mut answer).await.unwrap();
    assert!(answer.starts_with("HTTP/1.1 200"), "{answer}");
    // The slow one is closed at its deadline (hyper may say 408 first).
    let mut rest = Vec::new();
    let read = tokio::time::timeout(Duration::from_secs(5), slow.read_to_end(&mut rest)).await;
    assert!(read.is_ok(), "the connection was not closed within 5 s");
    let waited = started.elapsed();
    assert!(
        waited >= Duration::from_millis(250),
        "closed after {waited:?}"
    );
    let rest = String::from_utf8_lossy(&rest);
    assert!(
        rest.is_empty() || rest.starts_with("HTTP/1.1 408"),
        "{rest}"
    );

    stop.send(()).unwrap();
    server.await.unwrap().unwrap();
    // Stopped: nothing listens any more.
    assert!(tokio::net::TcpStream::connect(address).await.is_err());
    t.state.shutdown().await;
}
