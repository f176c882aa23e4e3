//! Tamper evidence against the real binary: a log whose checkpoints were published off the
//! machine is edited by hand in its SQLite file — one payload byte changed, one row deleted
//! — and `dutytrace verify` exits non-zero naming the event, both on the log in place and on
//! an export of it; a checkpoint file checked with another key fails too.

#![allow(clippy::unwrap_used, reason = "tests fail loudly by design")]

use dutytrace_tests::server::Server;
use serde_json::json;
use std::path::Path;
use std::process::{Command, Output};

const BIN: &str = env!("CARGO_BIN_EXE_dutytrace-under-test");

fn run(args: &[&str]) -> Output {
    Command::new(BIN)
        .args(args)
        .env("RUST_LOG", "warn")
        .output()
        .unwrap()
}

fn failed_naming(out: &Output, words: &[&str]) {
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "verify passed: {stderr}");
    for w in words {
        assert!(stderr.contains(w), "{w:?} not in: {stderr}");
    }
}

fn ok(out: &Output) {
    assert!(
        out.status.success(),
        "{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Copies the log, its read models (with their write-ahead logs) and its key into `to`.
fn copy_log(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let name = entry.unwrap().file_name();
        let name = name.to_string_lossy();
        if name.starts_with("t.db") || name.starts_with("t.views.db") || name == "t.signing.key" {
            std::fs::copy(from.join(&*name), to.join(&*name)).unwrap();
        }
    }
}

fn sql(db: &Path, statements: &str) {
    let c = rusqlite::Connection::open(db).unwrap();
    c.execute_batch(statements).unwrap();
}

#[test]
fn a_log_edited_by_hand_fails_verify_naming_the_event() {
    let dir = tempfile::tempdir().unwrap();
    let live = dir.path().join("live");
    std::fs::create_dir_all(&live).unwrap();
    let store = format!("sqlite://{}", live.join("t.db").display());
    let server = Server::start(Path::new(BIN), &store, "2026-01-05T09:00:00+08:00");
    for i in 0..12 {
        let (status, body) = server.post(
            "/api/v1/units",
            &json!({"name": format!("区第{i}局党组"), "kind": "party_group"}),
            &[],
        );
        assert_eq!(status, 201, "{body}");
    }
    let (status, checkpoint) = server.post("/api/v1/checkpoints", &json!(null), &[]);
    assert_eq!(status, 200, "{checkpoint}");
    let (status, key) = server.get("/api/v1/checkpoints/public-key");
    assert_eq!(status, 200);
    let key = key.trim().to_owned();
    server.stop();
    // Published off the machine before anything happened to the log.
    let published = dir.path().join("published.jsonl");
    std::fs::copy(live.join("t.checkpoints.jsonl"), &published).unwrap();
    let published = published.display().to_string();
    let size = checkpoint["tree_size"].as_u64().unwrap();
    assert!(size >= 14, "{checkpoint}");

    // Untouched: the log in place and its export verify.
    let pristine = dir.path().join("pristine");
    copy_log(&live, &pristine);
    ok(&run(&[
        "verify",
        "--store",
        &store,
        "--public-key",
        &key,
        "--checkpoints",
        &published,
    ]));
    let export = dir.path().join("e.ndjson").display().to_string();
    ok(&run(&["export", "--store", &store, "--out", &export]));
    ok(&run(&[
        "verify",
        &export,
        "--public-key",
        &key,
        "--checkpoints",
        &published,
    ]));

    // One byte of one payload: "party_group" → "partz_group" in the 5th event.
    let db = live.join("t.db");
    sql(
        &db,
        "DROP TRIGGER events_no_update;
         UPDATE events SET payload = replace(payload, 'party_group', 'partz_group') WHERE position = 5;",
    );
    let c = rusqlite::Connection::open(&db).unwrap();
    let changed: String = c
        .query_row("SELECT payload FROM events WHERE position = 5", [], |r| {
            r.get(0)
        })
        .unwrap();
    assert!(changed.contains("partz_group"), "{changed}");
    drop(c);
    failed_naming(
        &run(&[
            "verify",
            "--store",
            &store,
            "--public-key",
            &key,
            "--checkpoints",
            &published,
        ]),
        &["position 5", "altered"],
    );
    let tampered = dir.path().join("tampered.ndjson").display().to_string();
    ok(&run(&["export", "--store", &store, "--out", &tampered]));
    failed_naming(
        &run(&[
            "verify",
            &tampered,
            "--public-key",
            &key,
            "--checkpoints",
            &published,
        ]),
        &["position 5"],
    );

    // One row deleted from a pristine copy.
    let store = format!("sqlite://{}", pristine.join("t.db").display());
    sql(
        &pristine.join("t.db"),
        "DROP TRIGGER events_no_delete; DELETE FROM events WHERE position = 7;",
    );
    failed_naming(
        &run(&[
            "verify",
            "--store",
            &store,
            "--public-key",
            &key,
            "--checkpoints",
            &published,
        ]),
        &["position 7", "missing"],
    );

    // The published checkpoints checked with another key.
    let other = evidence::Signer::generate().public_key().to_hex();
    failed_naming(
        &run(&["verify", &published, "--public-key", &other]),
        &["key"],
    );
    ok(&run(&["verify", &published, "--public-key", &key]));
}
