//! Black-box tests of the `dutytrace` binary: it is started as a process, as an operator
//! would, and spoken to over HTTP.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};

const BIN: &str = env!("CARGO_BIN_EXE_dutytrace");

/// A started `dutytrace serve`, killed if the test fails.
struct Server {
    child: Child,
    address: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn serve(store: &str) -> Server {
    let mut child = Command::new(BIN)
        .args(["serve", "--store", store, "--listen", "127.0.0.1:0"])
        .env_remove("DUTYTRACE_NOW")
        .env("RUST_LOG", "warn")
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("the binary starts");
    // The first line on stdout names the bound address.
    let mut line = String::new();
    BufReader::new(child.stdout.take().expect("stdout is piped"))
        .read_line(&mut line)
        .expect("the server prints its address");
    let address = line
        .split("http://")
        .nth(1)
        .and_then(|rest| rest.split_whitespace().next())
        .unwrap_or_else(|| panic!("no address in {line:?}"))
        .to_owned();
    Server { child, address }
}

/// A plain HTTP/1.1 GET: (status, body).
fn get(address: &str, path: &str) -> (u16, String) {
    let mut s = TcpStream::connect(address).expect("connects");
    write!(
        s,
        "GET {path} HTTP/1.1\r\nHost: {address}\r\nConnection: close\r\n\r\n"
    )
    .expect("the request is sent");
    let mut response = String::new();
    s.read_to_string(&mut response)
        .expect("the response is read");
    let status = response[9..12].parse().expect("a status code");
    let body = response
        .split_once("\r\n\r\n")
        .map(|(_, b)| b.to_owned())
        .unwrap_or_default();
    (status, body)
}

/// Probes `/readyz` as an orchestrator would, until it answers 200 or 10 s have passed.
fn ready(address: &str) -> (u16, String) {
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(10);
    loop {
        let (status, body) = get(address, "/readyz");
        if status == 200 || std::time::Instant::now() > deadline {
            return (status, body);
        }
        assert_eq!(status, 503, "{body}");
        std::thread::yield_now();
    }
}

#[test]
fn serve_answers_health_readiness_and_metrics_then_stops_gracefully_on_sigterm() {
    let dir = tempfile::tempdir().unwrap();
    let store = format!("sqlite://{}", dir.path().join("t.db").display());
    let mut server = serve(&store);

    let (status, body) = get(&server.address, "/healthz");
    assert_eq!((status, body.as_str()), (200, "ok"));

    let (status, body) = ready(&server.address);
    assert_eq!(status, 200, "{body}");
    let ready: serde_json::Value = serde_json::from_str(&body).unwrap();
    assert_eq!(ready["status"], "ready");
    assert_eq!(ready["head"], 0);
    assert_eq!(ready["projectors"][0]["name"], "catalog");

    let (status, body) = get(&server.address, "/metrics");
    assert_eq!(status, 200);
    assert!(body.contains("dutytrace_store_up 1"), "{body}");
    assert!(body.contains("dutytrace_log_head_position 0"), "{body}");
    assert!(
        body.contains("dutytrace_projector_lag_events{projection=\"catalog\"} 0"),
        "{body}"
    );

    // SIGTERM: the server stops the API and the projectors and exits cleanly.
    let pid = server.child.id().to_string();
    let killed = Command::new("kill").args(["-TERM", &pid]).status().unwrap();
    assert!(killed.success());
    let status = server.child.wait().unwrap();
    assert!(status.success(), "exit status {status}");
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
