//! Black-box tests of the `dutytrace` binary: it is started as a process, as an operator
//! would, and spoken to over HTTP.

#![allow(clippy::unwrap_used, reason = "tests fail loudly by design")]

use dutytrace_tests::server::Server;
use std::path::Path;
use std::process::Command;

const BIN: &str = env!("CARGO_BIN_EXE_dutytrace-under-test");

#[test]
fn serve_answers_health_readiness_and_metrics_then_stops_gracefully_on_sigterm() {
    let dir = tempfile::tempdir().unwrap();
    let store = format!("sqlite://{}", dir.path().join("t.db").display());
    // Started and probed on /readyz until ready, as an orchestrator would.
    let server = Server::start(Path::new(BIN), &store, "2026-01-05T09:00:00+08:00");

    let (status, body) = server.get("/healthz");
    assert_eq!((status, body.as_str()), (200, "ok"));

    let ready = server.get_json("/readyz");
    assert_eq!(ready["status"], "ready");
    assert_eq!(ready["head"], 0);
    assert_eq!(ready["projectors"][0]["name"], "catalog");

    let (status, body) = server.get("/metrics");
    assert_eq!(status, 200);
    assert!(body.contains("dutytrace_store_up 1"), "{body}");
    assert!(body.contains("dutytrace_log_head_position 0"), "{body}");
    assert!(
        body.contains("dutytrace_projector_lag_events{projection=\"catalog\"} 0"),
        "{body}"
    );

    // SIGTERM: the server stops the API and the projectors and exits cleanly.
    server.stop();
    // Both files exist: the log and its read models.
    assert!(dir.path().join("t.db").exists());
    assert!(dir.path().join("t.views.db").exists());
}

#[test]
fn an_unknown_backend_is_a_clear_error() {
    let out = Command::new(BIN)
        .args(["serve", "--store", "mongodb://x", "--listen", "127.0.0.1:0"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("\"mongodb\" backend is not available"),
        "{err}"
    );
}

#[test]
fn a_bad_fixed_clock_is_a_clear_error() {
    let out = Command::new(BIN)
        .args(["serve", "--listen", "127.0.0.1:0"])
        .env("DUTYTRACE_NOW", "yesterday")
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("not an RFC 3339 instant"), "{err}");
}

#[test]
fn bench_append_prints_a_table_of_measurements() {
    let dir = tempfile::tempdir().unwrap();
    let out = Command::new(BIN)
        .args([
            "bench",
            "append",
            "--writers",
            "4",
            "--events",
            "200",
            "--batch",
            "100",
        ])
        .args(["--batch-events", "1000", "--dir"])
        .arg(dir.path())
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let table = String::from_utf8_lossy(&out.stdout);
    assert!(
        table.contains("| 4 writer(s), single-event appends | 200 |"),
        "{table}"
    );
    assert!(
        table.contains("| 1 writer(s), 100-event batches | 1000 |"),
        "{table}"
    );
}
