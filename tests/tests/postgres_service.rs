//! The real binary on a PostgreSQL store: two processes serving one log, one of them killed
//! mid-load; a database that goes away mid-run and comes back. (See
//! `dutytrace_tests::postgres` for the server these run against; without one they skip.)

use dutytrace_tests::postgres::{TestDatabase, TestSchema};
use dutytrace_tests::server::{ADMIN_PASSWORD, Client, Server};
use serde_json::{Value, json};
use std::collections::BTreeSet;
use std::path::Path;
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_dutytrace-under-test");
const NOW: &str = "2026-03-02T09:00:00+08:00";

fn unit(name: &str) -> Value {
    json!({"name": name, "kind": "party_group"})
}

/// Registers a unit through `c`; its position, or `None` if the server could not be
/// reached (it was killed).
fn register(c: &Client<'_>, name: &str) -> Option<u64> {
    let body = unit(name).to_string();
    let (status, _, answer) = c
        .try_exchange("POST", "/api/v1/units", Some(&body), &[])
        .ok()?;
    assert_eq!(status, 201, "registering {name}: {answer}");
    let v: Value = serde_json::from_str(&answer).expect("JSON");
    Some(v["position"].as_u64().expect("a position"))
}

/// The names of the units `s` serves once its read models reach `position`.
fn unit_names(s: &Server, position: u64) -> BTreeSet<String> {
    let v = s.get_json(&format!("/api/v1/units?min_position={position}"));
    v.as_array()
        .expect("a list")
        .iter()
        .map(|u| u["name"].as_str().expect("a name").to_owned())
        .collect()
}

/// Whether a server runs the deadline watcher now (its `/readyz` lists the duty).
fn runs_watcher(s: &Server) -> bool {
    let (_, body) = s.get("/readyz");
    let body: Value = serde_json::from_str(&body).expect("readyz answers JSON");
    body["duties"]
        .as_array()
        .expect("readyz lists duties")
        .iter()
        .any(|d| d == "deadline_watcher")
}

/// Waits (at most 30 s) until exactly one of the servers runs the deadline watcher, never
/// seeing two run it at once; returns which.
fn the_one_watcher(servers: &[&Server]) -> usize {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let running: Vec<usize> = (0..servers.len())
            .filter(|i| runs_watcher(servers[*i]))
            .collect();
        assert!(
            running.len() <= 1,
            "two processes run the watcher: {running:?}"
        );
        if let [one] = running[..] {
            return one;
        }
        assert!(Instant::now() < deadline, "nobody took the watcher's lease");
        std::thread::yield_now();
    }
}

/// Two `dutytrace serve` processes on one PostgreSQL store, each with a data directory of
/// its own: a command served by either is seen by both, and both serve the same board.
/// One is killed with SIGKILL while a client is registering units through it and another
/// client through the other: every unit either acknowledged is there afterwards; the killed
/// one, started again, catches up and serves the same board.
#[test]
fn two_servers_on_one_postgres_store_serve_the_same_board_and_a_killed_one_loses_nothing() {
    let rt = tokio::runtime::Runtime::new().expect("a runtime");
    let Some(schema) = rt.block_on(TestSchema::new()) else {
        return;
    };
    two_servers_serve_the_same_board_and_a_killed_one_loses_nothing(&schema.url(), &[]);
}

/// The same on a log on KurrentDB (the fake server, in this process, or
/// `DUTYTRACE_TEST_KURRENTDB`), the logins and the watcher's lease in PostgreSQL
/// (`DUTYTRACE_CREDENTIALS_URL`), as a deployment of several processes has them.
#[test]
fn two_servers_on_one_kurrentdb_store_serve_the_same_board_and_a_killed_one_loses_nothing() {
    let rt = tokio::runtime::Runtime::new().expect("a runtime");
    let Some(schema) = rt.block_on(TestSchema::new()) else {
        return;
    };
    // The fake serves from this runtime's threads while the test drives the processes.
    let harness = rt.block_on(dutytrace_tests::kurrent::KurrentHarness::new());
    let credentials = schema.url();
    two_servers_serve_the_same_board_and_a_killed_one_loses_nothing(
        &store_contract::Harness::url(&harness),
        &[("DUTYTRACE_CREDENTIALS_URL", credentials.as_str())],
    );
    drop(harness);
}

fn two_servers_serve_the_same_board_and_a_killed_one_loses_nothing(
    store: &str,
    more_env: &[(&str, &str)],
) {
    let (dir_a, dir_b) = (
        tempfile::tempdir().expect("a directory"),
        tempfile::tempdir().expect("a directory"),
    );
    let data = |d: &tempfile::TempDir| d.path().display().to_string();
    // One signing key for both, as a deployment shares it (e.g. a mounted secret).
    let key = dir_a
        .path()
        .join("shared.signing.key")
        .display()
        .to_string();
    let env = |d: &tempfile::TempDir| {
        [
            ("DUTYTRACE_DATA_DIR", data(d)),
            ("DUTYTRACE_SIGNING_KEY_FILE", key.clone()),
        ]
    };
    let start = |d: &tempfile::TempDir| {
        let env = env(d);
        let mut env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (*k, v.as_str())).collect();
        env.extend_from_slice(more_env);
        Server::start_with(Path::new(BIN), store, NOW, &env)
    };
    let a = start(&dir_a);
    let b = start(&dir_b);
    assert_eq!(
        a.get("/api/v1/checkpoints/public-key"),
        b.get("/api/v1/checkpoints/public-key"),
        "both sign with the one key"
    );

    let p = register(&a.admin(), "区教育局党组").expect("A answers");
    assert!(
        unit_names(&b, p).contains("区教育局党组"),
        "B sees what A wrote"
    );
    let p = register(&b.admin(), "区卫生健康局党委").expect("B answers");
    assert!(
        unit_names(&a, p).contains("区卫生健康局党委"),
        "A sees what B wrote"
    );
    let board = |s: &Server, p: u64| s.get_json(&format!("/api/v1/board?min_position={p}"));
    assert_eq!(board(&a, p), board(&b, p), "one board");
    // The deadline watcher runs in one of them (a lease); A, started first, took it.
    assert_eq!(
        the_one_watcher(&[&a, &b]),
        0,
        "A, started first, runs the watcher"
    );
    // One set of logins: a session opened through either process is valid through the
    // other, and a logout through the other ends it for both.
    for (from, to) in [(&a, &b), (&b, &a)] {
        let (status, body) = from.login("admin", ADMIN_PASSWORD);
        assert_eq!(status, 200, "{body}");
        let token = body["token"].as_str().expect("a token").to_owned();
        let elsewhere = Client::at(&to.address, Some(token.clone()));
        assert_eq!(
            elsewhere.get("/api/v1/auth/me").0,
            200,
            "the session is known"
        );
        let (status, _) = elsewhere.post("/api/v1/auth/logout", &json!({}), &[]);
        assert_eq!(status, 204);
        let origin = Client::at(&from.address, Some(token));
        assert_eq!(origin.get("/api/v1/auth/me").0, 401, "ended for both");
    }

    // Both under load; A killed once it has acknowledged some.
    let (acks, acked_rx) = std::sync::mpsc::channel::<(String, u64)>();
    let (a_address, a_token) = (a.address.clone(), a.admin().token().map(str::to_owned));
    let (b_address, b_token) = (b.address.clone(), b.admin().token().map(str::to_owned));
    let through = |address: String, token: Option<String>, who: &'static str, n: usize| {
        let acks = acks.clone();
        std::thread::spawn(move || {
            let c = Client::at(&address, token);
            for i in 0..n {
                let name = format!("{who}-{i:03}党组");
                match register(&c, &name) {
                    Some(p) => acks.send((name, p)).expect("the test listens"),
                    None => return i,
                }
            }
            n
        })
    };
    let on_a = through(a_address, a_token, "经由A", 400);
    let on_b = through(b_address, b_token, "经由B", 60);
    drop(acks);
    let mut acked = Vec::new();
    while acked
        .iter()
        .filter(|(n, _): &&(String, u64)| n.starts_with("经由A"))
        .count()
        < 10
    {
        let ack = acked_rx
            .recv_timeout(Duration::from_secs(60))
            .expect("A acknowledges 10 within 60 s");
        acked.push(ack);
    }
    a.kill();
    let sent_to_a = on_a.join().expect("the client of A");
    assert!(sent_to_a < 400, "A was killed before its client finished");
    assert_eq!(
        on_b.join().expect("the client of B"),
        60,
        "B went on serving"
    );
    acked.extend(acked_rx.iter());

    let last = acked.iter().map(|(_, p)| *p).max().expect("acknowledged");
    let on_b = unit_names(&b, last);
    for (name, _) in &acked {
        assert!(on_b.contains(name), "{name} was acknowledged and is lost");
    }
    assert_eq!(
        the_one_watcher(&[&b]),
        0,
        "B took the watcher over from the killed A"
    );
    let a = start(&dir_a);
    assert_eq!(unit_names(&a, last), on_b, "A, restarted, caught up");
    assert_eq!(the_one_watcher(&[&a, &b]), 1, "B keeps the watcher");
    assert_eq!(board(&a, last), board(&b, last), "one board again");
    a.stop();
    b.stop();
}

/// The database goes away mid-run (connections cut, new ones refused): commands answer
/// 503 `unavailable` with `Retry-After` and nothing is half written; when it is back, the
/// same process serves commands again by itself and its read models go on from their
/// checkpoints.
#[test]
fn a_lost_database_answers_503_with_retry_after_and_the_service_recovers_by_itself() {
    let rt = tokio::runtime::Runtime::new().expect("a runtime");
    let Some(admin) = rt.block_on(TestSchema::new()) else {
        return;
    };
    // A database of its own, so that connections to it can be refused.
    let db = rt.block_on(TestDatabase::new(&admin));
    let name = db.name().to_owned();
    let server_url = admin.server_url();
    let sql = |q: String| {
        rt.block_on(store_postgres::scratch::execute(&server_url, &q))
            .unwrap_or_else(|e| panic!("{q}: {e}"));
    };
    let store = db.url();
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().display().to_string();
    let s = Server::start_with(
        Path::new(BIN),
        &store,
        NOW,
        &[("DUTYTRACE_DATA_DIR", &data)],
    );
    let before = register(&s.admin(), "区教育局党组").expect("served");

    // Refuse new connections first (committed on its own), then cut those open.
    sql(format!("ALTER DATABASE {name} ALLOW_CONNECTIONS false"));
    sql(format!(
        "SELECT pg_terminate_backend(pid, 10000) FROM pg_stat_activity WHERE datname = '{name}'"
    ));
    let body = unit("断线期间的单位").to_string();
    let (status, head, answer) = s
        .admin()
        .exchange("POST", "/api/v1/units", Some(&body), &[]);
    assert_eq!(status, 503, "{answer}");
    assert!(head.contains("retry-after: 5"), "{head}");
    let problem: Value = serde_json::from_str(&answer).expect("problem+json");
    assert_eq!(problem["code"], "unavailable");
    let (status, _) = s.anonymous().get("/readyz");
    assert_eq!(status, 503, "not ready without its database");

    sql(format!("ALTER DATABASE {name} ALLOW_CONNECTIONS true"));
    // A client does what Retry-After says, with an Idempotency-Key so that a retry is safe;
    // the process connects again by itself, no restart.
    let body = unit("恢复之后的单位").to_string();
    let key = [("Idempotency-Key", "after-the-outage")];
    let deadline = Instant::now() + Duration::from_secs(30);
    let after = loop {
        let (status, _, answer) = s
            .admin()
            .exchange("POST", "/api/v1/units", Some(&body), &key);
        if status == 201 {
            let v: Value = serde_json::from_str(&answer).expect("JSON");
            break v["position"].as_u64().expect("a position");
        }
        assert_eq!(status, 503, "only unavailable while reconnecting: {answer}");
        assert!(Instant::now() < deadline, "not served again in 30 s");
        // A client's back-off between retries (shorter than the Retry-After it was given,
        // to keep the test short); nothing here waits for a projection.
        std::thread::sleep(Duration::from_millis(100));
    };
    assert!(after > before);
    let names = unit_names(&s, after);
    assert!(names.contains("恢复之后的单位") && names.contains("区教育局党组"));
    assert!(
        !names.contains("断线期间的单位"),
        "the refused command wrote nothing"
    );
    s.stop();
}
