//! Black-box tests of the `dutytrace` binary: it is started as a process, as an operator
//! would, and spoken to over HTTP.

#![allow(clippy::unwrap_used, reason = "tests fail loudly by design")]

use dutytrace_tests::server::Server;
use std::io::{BufRead, BufReader, Read};
use std::path::Path;
use std::process::{Command, Stdio};

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
    // The administrator's registration (DUTYTRACE_ADMIN_PASSWORD) and the adoption of the
    // checkpoint signing key generated at this first start.
    assert_eq!(ready["head"], 2);
    let names: Vec<&str> = ready["projectors"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["name"].as_str().unwrap())
        .collect();
    assert_eq!(
        names,
        [
            "catalog",
            "board",
            "directory",
            "filings",
            "inbox",
            "ledger",
            "search",
            "merkle",
            "oversight",
            "accountability"
        ]
    );

    let (status, body) = server.get("/metrics");
    assert_eq!(status, 200);
    assert!(body.contains("dutytrace_store_up 1"), "{body}");
    assert!(body.contains("dutytrace_log_head_position 2"), "{body}");
    // Signing in as admin waited for the directory to know the administrator.
    assert!(
        body.contains("dutytrace_projector_lag_events{projection=\"directory\"} 0"),
        "{body}"
    );

    // SIGTERM: the server stops the API and the projectors and exits cleanly.
    server.stop();
    // The three files exist: the log, its read models and the credentials.
    assert!(dir.path().join("t.db").exists());
    assert!(dir.path().join("t.views.db").exists());
    assert!(dir.path().join("t.auth.db").exists());
}

#[test]
fn the_api_wants_a_token_and_the_admin_password_signs_in() {
    let dir = tempfile::tempdir().unwrap();
    let store = format!("sqlite://{}", dir.path().join("t.db").display());
    let server = Server::start(Path::new(BIN), &store, "2026-01-05T09:00:00+08:00");
    let (status, body) = server.anonymous().get("/api/v1/units");
    assert_eq!(status, 401, "{body}");
    assert!(body.contains("\"code\":\"unauthenticated\""), "{body}");
    assert_eq!(server.anonymous().get("/healthz").0, 200);
    assert_eq!(server.anonymous().get("/api/openapi.json").0, 200);
    let (status, _) = server.login("admin", "not-the-password");
    assert_eq!(status, 401);
    let me = server.get_json("/api/v1/auth/me");
    assert_eq!(
        (me["username"].as_str(), me["role"].as_str()),
        (Some("admin"), Some("commission"))
    );
    server.stop();
}

#[test]
fn a_short_admin_password_is_a_clear_error_that_does_not_show_it() {
    let dir = tempfile::tempdir().unwrap();
    let store = format!("sqlite://{}", dir.path().join("t.db").display());
    let out = Command::new(BIN)
        .args(["serve", "--store", &store, "--listen", "127.0.0.1:0"])
        .env("DUTYTRACE_ADMIN_PASSWORD", "hunter2")
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("DUTYTRACE_ADMIN_PASSWORD") && err.contains("at least 10 characters"),
        "{err}"
    );
    assert!(!err.contains("hunter2"), "{err}");
    assert!(
        !dir.path().join("t.db").exists(),
        "refused before opening the store"
    );
}

#[test]
fn without_an_admin_password_serve_warns_and_serves() {
    let dir = tempfile::tempdir().unwrap();
    let store = format!("sqlite://{}", dir.path().join("t.db").display());
    let mut child = Command::new(BIN)
        .args(["serve", "--store", &store, "--listen", "127.0.0.1:0"])
        .env_remove("DUTYTRACE_ADMIN_PASSWORD")
        .env("RUST_LOG", "warn")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut line = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut line)
        .unwrap();
    // The warning comes before the server says where it listens.
    let _ = child.kill();
    let _ = child.wait();
    assert!(line.contains("serving on http://"), "{line}");
    let mut err = String::new();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut err)
        .unwrap();
    assert!(
        err.contains("DUTYTRACE_ADMIN_PASSWORD is not set: nobody can sign in as `admin`"),
        "{err}"
    );
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
        .arg("--json")
        .arg(dir.path().join("figures.jsonl"))
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
    // The same figures, one JSON object per scenario, for bench/run's ratios.
    let lines: Vec<serde_json::Value> = std::fs::read_to_string(dir.path().join("figures.jsonl"))
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let shape: Vec<_> = lines
        .iter()
        .map(|l| {
            (
                l["system"].as_str().unwrap().to_owned(),
                l["writers"].as_u64().unwrap(),
                l["batch"].as_u64().unwrap(),
                l["events"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        shape,
        vec![
            ("dutytrace-sqlite".to_owned(), 4, 1, 200),
            ("dutytrace-sqlite".to_owned(), 1, 100, 1000)
        ]
    );
    for l in &lines {
        let (rate, secs) = (
            l["events_per_s"].as_f64().unwrap(),
            l["seconds"].as_f64().unwrap(),
        );
        assert!(
            rate > 0.0 && (rate * secs - l["events"].as_f64().unwrap()).abs() < 1.0,
            "{l}"
        );
        assert!(
            l["p50_ms"].as_f64().unwrap() <= l["p99_ms"].as_f64().unwrap(),
            "{l}"
        );
    }
}

/// Runs `dutytrace remind` against `store` at `now`; answers its stdout.
fn remind(store: &str, now: &str) -> String {
    let out = Command::new(BIN)
        .args(["remind", "--store", store, "--now", now])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn remind_appends_each_reminder_due_once_even_beside_a_running_service() {
    let dir = tempfile::tempdir().unwrap();
    let store = format!("sqlite://{}", dir.path().join("r.db").display());
    let server = Server::start(Path::new(BIN), &store, "2026-01-05T09:00:00+08:00");
    let (st, unit) = server.post(
        "/api/v1/units",
        &serde_json::json!({"name": "区教育局党组", "kind": "party_group"}),
        &[],
    );
    assert_eq!(st, 201, "{unit}");
    let (st, cadre) = server.post(
        "/api/v1/cadres",
        &serde_json::json!({"name": "张三", "post": "副局长",
                            "duty": {"kind": "team_member", "unit_id": unit["id"]}}),
        &[],
    );
    assert_eq!(st, 201, "{cadre}");
    let (st, list) = server.post(
        "/api/v1/lists",
        &serde_json::json!({"year": 2026, "title": "清单", "items": [
            {"subject_kind": "team_member", "responsibility": "principal", "category": "c",
             "content": "一季度专题研究", "cadence": "once", "required_count": 1,
             "deadline": {"kind": "fixed_date", "date": "2026-03-31"}}]}),
        &[],
    );
    assert_eq!(st, 201, "{list}");
    let (st, body) = server.post(
        &format!("/api/v1/lists/{}/assignments", list["id"].as_str().unwrap()),
        &serde_json::json!({"subjects": [{"kind": "team_member", "cadre_id": cadre["id"]}]}),
        &[],
    );
    assert_eq!(st, 200, "{body}");
    // Both boundaries have passed by 2 April: the yellow week's reminder and the
    // admonishment, appended from a second process while the service runs.
    let said = remind(&store, "2026-04-02T09:00:00+08:00");
    assert!(said.contains("reminders appended: 2 "), "{said}");
    let said = remind(&store, "2026-04-02T09:00:00+08:00");
    assert!(said.contains("reminders appended: 0 "), "{said}");
    server.stop();
    // After the service stopped, a day later: still nothing new.
    let said = remind(&store, "2026-04-03T09:00:00+08:00");
    assert!(said.contains("reminders appended: 0 "), "{said}");
}

/// Runs `dutytrace` with `args`; answers its stdout.
fn run(args: &[&str]) -> String {
    let out = Command::new(BIN).args(args).output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn filings_and_notifications_can_be_read_from_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let store = format!("sqlite://{}", dir.path().join("f.db").display());
    let server = Server::start(Path::new(BIN), &store, "2026-03-02T09:00:00+08:00");
    let (_, unit) = server.post(
        "/api/v1/units",
        &serde_json::json!({"name": "区教育局党组", "kind": "party_group"}),
        &[],
    );
    let mut logins = Vec::new();
    for (name, username, duty) in [
        ("王五", "wangwu", "principal_leader"),
        ("张三", "zhangsan", "team_member"),
    ] {
        let (st, cadre) = server.post(
            "/api/v1/cadres",
            &serde_json::json!({"name": name, "post": "职务",
                                "duty": {"kind": duty, "unit_id": unit["id"]}}),
            &[],
        );
        assert_eq!(st, 201, "{cadre}");
        let (st, user) = server.post(
            "/api/v1/users",
            &serde_json::json!({"username": username, "display_name": name,
                                "account": {"kind": "cadre", "cadre_id": cadre["id"]},
                                "password": "a-good-password"}),
            &[],
        );
        assert_eq!(st, 201, "{user}");
        logins.push(username);
    }
    // 张三 leaves today for three days and files it only now: one day late.
    let zhangsan = server.sign_in("zhangsan", "a-good-password");
    let (st, filed) = zhangsan.post(
        "/api/v1/filings/travel",
        &serde_json::json!({"purpose": "private", "destination": "北京",
                            "leave_on": "2026-03-02", "return_on": "2026-03-04"}),
        &[],
    );
    assert_eq!(st, 201, "{filed}");
    server.stop();

    let lines = run(&["filings", "--store", &store, "--late", "--json"]);
    let found: Vec<serde_json::Value> = lines
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(found.len(), 1, "{lines}");
    assert_eq!(found[0]["cadre_name"], "张三");
    assert_eq!(found[0]["days_late"], 1);
    let table = run(&["filings", "--store", &store]);
    assert!(
        table.contains("外出报备（北京）") && table.contains("1 filing(s)"),
        "{table}"
    );
    // His principal leader is to read it; he is not told of his own filing.
    let inbox = run(&["notifications", "--store", &store, "--user", "wangwu"]);
    assert!(
        inbox.contains("待阅报备") && inbox.contains("1 unread"),
        "{inbox}"
    );
    let own = run(&["notifications", "--store", &store, "--user", "zhangsan"]);
    assert!(own.contains("0 notification(s)"), "{own}");
    let out = Command::new(BIN)
        .args(["notifications", "--store", &store, "--user", "nobody"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("no active user"));
}

#[test]
fn the_problem_ledger_can_be_read_from_the_command_line() {
    let dir = tempfile::tempdir().unwrap();
    let store = format!("sqlite://{}", dir.path().join("p.db").display());
    let server = Server::start(Path::new(BIN), &store, "2026-03-02T09:00:00+08:00");
    let (st, unit) = server.post(
        "/api/v1/units",
        &serde_json::json!({"name": "区教育局党组", "kind": "party_group"}),
        &[],
    );
    assert_eq!(st, 201, "{unit}");
    // The administrator acts for the commission: it registers the problem, due 31 March.
    let (st, problem) = server.post(
        "/api/v1/problems",
        &serde_json::json!({"unit_id": unit["id"], "source": "inspection",
                            "type": "eight_provisions", "severity": "moderate",
                            "description": "公务接待管理不规范",
                            "found_on": "2026-03-02", "rectify_by": "2026-03-31"}),
        &[],
    );
    assert_eq!(st, 201, "{problem}");
    server.stop();

    // On its rectify-by date it is not overdue yet; the day after, it is, and red.
    let store_now = |now: &str, extra: &[&str]| {
        let mut args = vec!["problems", "--store", &store, "--now", now];
        args.extend_from_slice(extra);
        run(&args)
    };
    let none = store_now("2026-03-31T18:00:00+08:00", &["--overdue", "--json"]);
    assert!(none.is_empty(), "{none}");
    let lines = store_now("2026-04-01T09:00:00+08:00", &["--overdue", "--json"]);
    let found: Vec<serde_json::Value> = lines
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(found.len(), 1, "{lines}");
    assert_eq!(found[0]["problem_id"], problem["id"]);
    assert_eq!(found[0]["unit_name"], "区教育局党组");
    assert_eq!(
        (found[0]["light"].as_str(), found[0]["overdue"].as_bool()),
        (Some("red"), Some(true))
    );
    let table = store_now("2026-03-31T18:00:00+08:00", &[]);
    assert!(
        table.contains("公务接待管理不规范")
            && table.contains("yellow")
            && table.contains("1 problem(s)"),
        "{table}"
    );
}

/// A PostgreSQL store that cannot be reached at start is a clear message naming the server
/// (never its password) and a non-zero exit, not a panic.
#[test]
fn an_unreachable_postgres_store_is_a_clear_error_at_start() {
    let out = Command::new(BIN)
        .args([
            "serve",
            "--store",
            "postgres://dt:s3cret-pw@127.0.0.1:1/dutytrace?sslmode=disable",
            "--listen",
            "127.0.0.1:0",
        ])
        .env("DUTYTRACE_DATA_DIR", std::env::temp_dir())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{out:?}");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("cannot connect to PostgreSQL at postgres://dt@127.0.0.1:1/dutytrace"),
        "{err}"
    );
    assert!(!err.contains("s3cret-pw"), "the password is shown: {err}");
    assert!(!err.contains("panicked"), "{err}");
}

/// Serves `store` until a unit of each name is registered through the API, then stops.
fn with_units(store: &str, names: &[&str]) {
    let server = Server::start(Path::new(BIN), store, "2026-03-02T09:00:00+08:00");
    for name in names {
        let (st, unit) = server.post(
            "/api/v1/units",
            &serde_json::json!({"name": name, "kind": "party_group"}),
            &[],
        );
        assert_eq!(st, 201, "{unit}");
    }
    server.stop();
}

#[test]
fn rebuild_rebuilds_the_read_models_named_and_refuses_an_unknown_one() {
    let dir = tempfile::tempdir().unwrap();
    let store = format!("sqlite://{}", dir.path().join("r.db").display());
    with_units(&store, &["区教育局党组", "区财政局党组"]);

    let out = run(&[
        "rebuild",
        "--store",
        &store,
        "--only",
        "board,directory",
        "--jobs",
        "2",
        "--cache-mib",
        "16",
    ]);
    let rebuilt: Vec<&str> = out
        .lines()
        .filter_map(|l| l.strip_prefix("rebuilt "))
        .map(|l| l.split(':').next().unwrap())
        .collect();
    assert_eq!(rebuilt.len(), 2, "{out}");
    assert!(
        rebuilt.contains(&"board") && rebuilt.contains(&"directory"),
        "{out}"
    );
    // Both registrations are board events: the rebuild folded them.
    let board = out
        .lines()
        .find(|l| l.starts_with("rebuilt board:"))
        .unwrap();
    assert!(board.starts_with("rebuilt board: 2 events"), "{out}");

    let bad = Command::new(BIN)
        .args(["rebuild", "--store", &store, "--only", "boards"])
        .output()
        .unwrap();
    assert!(!bad.status.success());
    let err = String::from_utf8_lossy(&bad.stderr);
    assert!(
        err.contains("there is no read model \"boards\"") && err.contains("board, "),
        "{err}"
    );
    let bad = Command::new(BIN)
        .args(["rebuild", "--store", &store, "--cache-mib", "0"])
        .output()
        .unwrap();
    assert!(!bad.status.success());
    let err = String::from_utf8_lossy(&bad.stderr);
    assert!(
        err.contains("--cache-mib") && err.contains("16..=65536"),
        "{err}"
    );
}

#[test]
fn bench_floor_measures_a_store_on_copies_it_removes_and_refuses_what_it_cannot_measure() {
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("f.db");
    let store = format!("sqlite://{}", log.display());
    with_units(&store, &["区教育局党组", "区财政局党组", "区审计局党组"]);
    let events = |log: &Path| -> i64 {
        let conn = rusqlite::Connection::open(log).unwrap();
        conn.query_row("SELECT count(*) FROM events", [], |r| r.get(0))
            .unwrap()
    };
    let head = events(&log);
    assert!(head >= 3, "{head}");

    let scratch = tempfile::tempdir().unwrap();
    let out = run(&[
        "bench",
        "floor",
        "--store",
        &store,
        "--dir",
        scratch.path().to_str().unwrap(),
    ]);
    assert!(
        out.starts_with(&format!("Floors for {store}: {head} events")),
        "{out}"
    );
    // Four floors, each of every event of the log: reading, loading, copying the read
    // models (which the server built beside the log), and the disk alone.
    let rows: Vec<&str> = out
        .lines()
        .filter(|l| l.starts_with("| ") && !l.starts_with("| scenario"))
        .collect();
    assert_eq!(rows.len(), 4, "{out}");
    for (row, what) in rows.iter().zip([
        "read every event",
        "load the same events, already in memory, into a new log",
        "copy the read models into a new file",
        "write as many bytes",
    ]) {
        assert!(row.contains(what), "{row}");
        assert!(row.contains(&format!(" | {head} | ")), "{row}");
    }
    assert!(out.contains("at 500,000 events/s"), "{out}");
    // The copies are gone, and the log holds what it held.
    let left: Vec<_> = std::fs::read_dir(scratch.path()).unwrap().collect();
    assert!(left.is_empty(), "{left:?}");
    assert_eq!(events(&log), head);

    // Without read models only the seed's floors are measured, and the rebuild's are asked
    // for by name.
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(dir.path().join(format!("f.views.db{suffix}")));
    }
    let out = run(&["bench", "floor", "--store", &store]);
    let rows = out
        .lines()
        .filter(|l| l.starts_with("| ") && !l.starts_with("| scenario"))
        .count();
    assert_eq!(rows, 2, "{out}");
    assert!(
        out.contains("f.views.db is not there: rebuild the read models first"),
        "{out}"
    );

    for (bad, says) in [
        (
            "postgres://postgres@127.0.0.1/x".to_owned(),
            "the floors are measured on an SQLite log",
        ),
        (
            format!("sqlite://{}", dir.path().join("none.db").display()),
            "there is no log at",
        ),
    ] {
        let out = Command::new(BIN)
            .args(["bench", "floor", "--store", &bad])
            .output()
            .unwrap();
        assert!(!out.status.success());
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(says), "{err}");
    }
}
