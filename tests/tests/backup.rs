//! `dutytrace backup` and `dutytrace restore` with the real binary (ADR 0020): a backup
//! taken while the service appends is consistent, restores, verifies and serves the board
//! the original served at the backup's position; a damaged, incomplete or edited backup is
//! refused naming what is wrong, and leaves nothing behind.

#![allow(clippy::unwrap_used, reason = "tests fail loudly by design")]

use dutytrace_tests::server::Server;
use serde_json::{Value, json};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_dutytrace-under-test");
const NOW: &str = "2026-03-02T09:00:00+08:00";

fn dutytrace(args: &[&str]) -> Output {
    Command::new(BIN)
        .args(args)
        .env("RUST_LOG", "warn")
        .env_remove("DUTYTRACE_STORE")
        .env_remove("DUTYTRACE_SIGNING_KEY_FILE")
        .output()
        .unwrap()
}

fn text(out: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    )
}

fn sqlite(path: &Path) -> String {
    format!("sqlite://{}", path.display())
}

fn manifest(dir: &Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(dir.join("manifest.json")).unwrap()).unwrap()
}

/// A unit registered through the API: (its id, the position of its event).
fn add_unit(s: &Server, name: &str) -> (String, u64) {
    let (status, body) = s.post(
        "/api/v1/units",
        &json!({"name": name, "kind": "party_group"}),
        &[],
    );
    assert_eq!(status, 201, "{body}");
    (
        body["id"].as_str().unwrap().to_owned(),
        body["position"].as_u64().unwrap(),
    )
}

/// The board's rows of units, by unit id.
fn board_units(board: &Value) -> Vec<Value> {
    board["units"].as_array().unwrap().clone()
}

#[test]
fn a_backup_taken_while_the_service_writes_restores_verifies_and_serves_the_same_board() {
    let dir = tempfile::tempdir().unwrap();
    let original = dir.path().join("a.db");
    // Three writers as one user (admin), above the rate allowed a user.
    let s = Server::start_with(
        Path::new(BIN),
        &sqlite(&original),
        NOW,
        &[
            ("DUTYTRACE_COMMANDS_PER_SECOND", "100000"),
            ("DUTYTRACE_COMMAND_BURST", "100000"),
        ],
    );
    for i in 0..5 {
        add_unit(&s, &format!("先有单位{i}"));
    }
    // A checkpoint published before the backup, which the restore must verify.
    let (status, body) = s.post("/api/v1/checkpoints", &json!({}), &[]);
    assert!(status == 200 || status == 201, "{status} {body}");

    // Three writers register units without pause while the backup runs.
    let acked: Mutex<Vec<(String, u64)>> = Mutex::new(Vec::new());
    let stop = AtomicBool::new(false);
    let written = AtomicUsize::new(0);
    let backup_dir = dir.path().join("backup");
    let (during, backup_out) = std::thread::scope(|scope| {
        for w in 0..3 {
            let (s, acked, stop, written) = (&s, &acked, &stop, &written);
            scope.spawn(move || {
                let mut i = 0;
                while !stop.load(Ordering::Relaxed) {
                    let unit = add_unit(s, &format!("写入者{w}单位{i}"));
                    acked.lock().unwrap().push(unit);
                    written.fetch_add(1, Ordering::Relaxed);
                    i += 1;
                }
            });
        }
        let deadline = Instant::now() + Duration::from_secs(30);
        while written.load(Ordering::Relaxed) < 30 {
            assert!(Instant::now() < deadline, "the writers are stuck");
            std::thread::yield_now();
        }
        let before = written.load(Ordering::Relaxed);
        let out = dutytrace(&[
            "backup",
            "--store",
            &sqlite(&original),
            "--to",
            backup_dir.to_str().unwrap(),
        ]);
        let during = written.load(Ordering::Relaxed) - before;
        // Some more after the backup, so the original is ahead of it.
        let after = written.load(Ordering::Relaxed);
        while written.load(Ordering::Relaxed) < after + 10 {
            std::thread::yield_now();
        }
        stop.store(true, Ordering::Relaxed);
        (during, out)
    });
    assert!(backup_out.status.success(), "{}", text(&backup_out));
    assert!(
        during > 0,
        "no command was acknowledged while the backup ran"
    );
    let m = manifest(&backup_dir);
    let head = m["head_position"].as_u64().unwrap();
    // The directory holds the manifest's files and nothing else (no WAL beside a copy).
    let mut listed: Vec<String> = m["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["name"].as_str().unwrap().to_owned())
        .chain(["manifest.json".to_owned()])
        .collect();
    let mut present: Vec<String> = std::fs::read_dir(&backup_dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    listed.sort();
    present.sort();
    assert_eq!(present, listed);
    assert_eq!(m["tree_size"].as_u64(), Some(head));
    let roles: BTreeSet<&str> = m["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["role"].as_str().unwrap())
        .collect();
    assert_eq!(
        roles,
        BTreeSet::from([
            "log",
            "read_models",
            "credentials",
            "signing_key",
            "checkpoints"
        ])
    );
    assert!(m["checkpoints"]["count"].as_u64().unwrap() >= 1, "{m}");
    let acked = acked.into_inner().unwrap();
    let (in_backup, after_backup): (Vec<_>, Vec<_>) = acked.iter().partition(|(_, p)| *p <= head);
    assert!(
        !in_backup.is_empty() && !after_backup.is_empty(),
        "the backup's head {head} is not inside the writes"
    );

    // The original's board, caught up with everything written.
    let last = acked.iter().map(|(_, p)| *p).max().unwrap();
    let board_then = s.get_json(&format!("/api/v1/board?min_position={last}"));
    s.stop();

    // Restored under another name, verified, and served.
    let restored = dir.path().join("restored").join("b.db");
    let out = dutytrace(&[
        "restore",
        "--from",
        backup_dir.to_str().unwrap(),
        "--store",
        &sqlite(&restored),
    ]);
    assert!(out.status.success(), "{}", text(&out));
    let said = text(&out);
    assert!(said.contains("published checkpoints verified"), "{said}");
    for name in [
        "b.db",
        "b.views.db",
        "b.auth.db",
        "b.signing.key",
        "b.checkpoints.jsonl",
    ] {
        assert!(restored.with_file_name(name).exists(), "{name} missing");
    }
    let r = Server::start(Path::new(BIN), &sqlite(&restored), NOW);
    // The credentials came along: Server::start signed in as admin. The log is the backup's.
    let ready = r.anonymous().get_json("/readyz");
    assert_eq!(ready["head"].as_u64(), Some(head), "{ready}");
    let units: BTreeSet<String> = r
        .get_json("/api/v1/units")
        .as_array()
        .unwrap()
        .iter()
        .filter(|u| u["name"].as_str().is_some_and(|n| n.starts_with("写入者")))
        .map(|u| u["unit_id"].as_str().unwrap().to_owned())
        .collect();
    let expected: BTreeSet<String> = in_backup.iter().map(|(id, _)| id.clone()).collect();
    assert_eq!(
        units, expected,
        "the restored log holds exactly the units acknowledged at or before its head"
    );
    // The same board as the original's, but for the units registered after the backup.
    let later: BTreeSet<&str> = after_backup.iter().map(|(id, _)| id.as_str()).collect();
    let mut board_at_backup = board_then.clone();
    board_at_backup["units"] = Value::Array(
        board_units(&board_then)
            .into_iter()
            .filter(|u| !later.contains(u["unit_id"].as_str().unwrap_or_default()))
            .collect(),
    );
    let board_restored = r.get_json(&format!("/api/v1/board?min_position={head}"));
    assert_eq!(board_restored, board_at_backup);
    assert!(board_units(&board_restored).len() >= 5 + in_backup.len());
    let key = r.get("/api/v1/checkpoints/public-key").1;
    r.stop();

    // The restored log verifies in place against every checkpoint published, the ones
    // copied and the one the restored service signed when it stopped.
    let out = dutytrace(&[
        "verify",
        "--store",
        &sqlite(&restored),
        "--public-key",
        key.trim(),
        "--checkpoints",
        restored
            .with_file_name("b.checkpoints.jsonl")
            .to_str()
            .unwrap(),
    ]);
    assert!(out.status.success(), "{}", text(&out));
}

/// A small store (the service stopped), backed up once; each case restores a copy of it.
struct Fixture {
    dir: tempfile::TempDir,
    backup: PathBuf,
}

impl Fixture {
    fn new() -> Self {
        let dir = tempfile::tempdir().unwrap();
        let log = dir.path().join("a.db");
        let s = Server::start(Path::new(BIN), &sqlite(&log), NOW);
        for i in 0..20 {
            add_unit(&s, &format!("backup-unit-{i:04}"));
        }
        s.stop();
        let backup = dir.path().join("backup");
        let out = dutytrace(&[
            "backup",
            "--store",
            &sqlite(&log),
            "--to",
            backup.to_str().unwrap(),
        ]);
        assert!(out.status.success(), "{}", text(&out));
        Self { dir, backup }
    }

    /// A copy of the backup to damage.
    fn copy(&self, name: &str) -> PathBuf {
        let to = self.dir.path().join(name);
        std::fs::create_dir(&to).unwrap();
        for e in std::fs::read_dir(&self.backup).unwrap() {
            let e = e.unwrap();
            std::fs::copy(e.path(), to.join(e.file_name())).unwrap();
        }
        to
    }

    /// Restores `backup` into a new directory: the output, and what the directory holds
    /// afterwards.
    fn restore(&self, backup: &Path) -> (Output, Vec<String>) {
        let target = tempfile::tempdir_in(self.dir.path()).unwrap();
        let out = dutytrace(&[
            "restore",
            "--from",
            backup.to_str().unwrap(),
            "--store",
            &sqlite(&target.path().join("b.db")),
        ]);
        let left = std::fs::read_dir(target.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        (out, left)
    }

    /// Restoring `backup` fails saying `reason`, and leaves nothing behind.
    fn refused(&self, backup: &Path, reason: &str) {
        let (out, left) = self.restore(backup);
        let said = text(&out);
        assert!(!out.status.success(), "restored: {said}");
        assert!(said.contains(reason), "{reason:?} not in: {said}");
        assert!(left.is_empty(), "left behind: {left:?} ({said})");
    }
}

/// Rewrites a file's entry in the manifest to its present hash and size, as someone
/// covering their tracks would.
fn rehash(backup: &Path, name: &str) {
    let mut m = manifest(backup);
    let (sha256, bytes) = dutytrace::backup::hash_file(&backup.join(name)).unwrap();
    for f in m["files"].as_array_mut().unwrap() {
        if f["name"] == name {
            f["sha256"] = json!(sha256);
            f["bytes"] = json!(bytes);
        }
    }
    std::fs::write(backup.join("manifest.json"), m.to_string()).unwrap();
}

/// Replaces every occurrence of `from` in a file with `to` (as long).
fn replace_all(path: &Path, from: &[u8], to: &[u8]) {
    assert_eq!(from.len(), to.len());
    let mut bytes = std::fs::read(path).unwrap();
    let at: Vec<usize> = bytes
        .windows(from.len())
        .enumerate()
        .filter(|(_, w)| *w == from)
        .map(|(i, _)| i)
        .collect();
    assert!(!at.is_empty(), "not in {}", path.display());
    for i in at {
        bytes[i..i + to.len()].copy_from_slice(to);
    }
    std::fs::write(path, bytes).unwrap();
}

#[test]
fn a_damaged_incomplete_or_edited_backup_is_refused_and_nothing_is_left_behind() {
    let f = Fixture::new();
    // The untouched backup restores (the cases below fail for what was done to them).
    let (out, left) = f.restore(&f.backup);
    assert!(out.status.success(), "{}", text(&out));
    assert!(left.contains(&"b.db".to_owned()), "{left:?}");

    // One byte flipped in the log's copy.
    let b = f.copy("flipped");
    let mut bytes = std::fs::read(b.join("log.db")).unwrap();
    let middle = bytes.len() / 2;
    bytes[middle] ^= 0x01;
    std::fs::write(b.join("log.db"), bytes).unwrap();
    f.refused(&b, "log.db is damaged or altered: its SHA-256 is");

    // An event's payload rewritten in the log, and the manifest's hash of it too: the
    // Merkle root of the events gives it away.
    let b = f.copy("rewritten");
    replace_all(&b.join("log.db"), b"backup-unit-0007", b"backup-unit-0070");
    rehash(&b, "log.db");
    f.refused(&b, "the Merkle root of log.db at tree size");

    // A file missing.
    let b = f.copy("missing");
    std::fs::remove_file(b.join("views.db")).unwrap();
    f.refused(&b, "views.db is missing from the backup");

    // The manifest edited: another root, or another head.
    let b = f.copy("root");
    let mut m = manifest(&b);
    m["merkle_root"] = json!("00".repeat(32));
    std::fs::write(b.join("manifest.json"), m.to_string()).unwrap();
    f.refused(&b, "the manifest's is 0000");
    let b = f.copy("head");
    let mut m = manifest(&b);
    let head = m["head_position"].as_u64().unwrap();
    m["head_position"] = json!(head - 1);
    m["tree_size"] = json!(head - 1);
    std::fs::write(b.join("manifest.json"), m.to_string()).unwrap();
    f.refused(
        &b,
        &format!(
            "log.db ends at position {head}, the manifest says {}",
            head - 1
        ),
    );

    // A published checkpoint whose root was changed (and the manifest's hash with it):
    // its signature no longer holds.
    let b = f.copy("checkpoint");
    let line = std::fs::read_to_string(b.join("checkpoints.jsonl")).unwrap();
    let c: Value = serde_json::from_str(line.lines().next().unwrap()).unwrap();
    let root = c["root"].as_str().unwrap().to_owned();
    let other = format!(
        "{}{}",
        &root[..root.len() - 1],
        if root.ends_with('0') { '1' } else { '0' }
    );
    replace_all(
        &b.join("checkpoints.jsonl"),
        root.as_bytes(),
        other.as_bytes(),
    );
    rehash(&b, "checkpoints.jsonl");
    f.refused(&b, "checkpoints.jsonl: checkpoint 1");

    // A checkpoint that is properly signed (with the backup's own key) but of another
    // tree: the log it vouches for is not this one.
    let b = f.copy("forged");
    let secret = std::fs::read_to_string(b.join("signing.key")).unwrap();
    let secret: [u8; 32] = evidence::hex::decode(secret.trim()).unwrap();
    let forged = evidence::Signer::from_secret_bytes(&secret).sign(evidence::Checkpoint {
        origin: c["origin"].as_str().unwrap().to_owned(),
        tree_size: 5,
        root: [7u8; 32],
        time: chrono::Utc::now(),
    });
    let mut lines = std::fs::read_to_string(b.join("checkpoints.jsonl")).unwrap();
    lines.push_str(&serde_json::to_string(&forged).unwrap());
    lines.push('\n');
    std::fs::write(b.join("checkpoints.jsonl"), lines).unwrap();
    rehash(&b, "checkpoints.jsonl");
    f.refused(
        &b,
        "(tree size 5) does not agree with the restored log's Merkle tree of that size",
    );

    // No manifest: a backup that did not finish.
    let b = f.copy("unfinished");
    std::fs::remove_file(b.join("manifest.json")).unwrap();
    f.refused(&b, "has no manifest.json");
}

#[test]
fn restore_never_overwrites_and_backup_wants_an_empty_directory_and_an_sqlite_log() {
    let f = Fixture::new();
    // Over the original store itself.
    let out = dutytrace(&[
        "restore",
        "--from",
        f.backup.to_str().unwrap(),
        "--store",
        &sqlite(&f.dir.path().join("a.db")),
    ]);
    assert!(!out.status.success());
    assert!(
        text(&out).contains("exists: restore never overwrites a store"),
        "{}",
        text(&out)
    );
    // Over a store of which only one file is there (its credentials).
    let other = f.dir.path().join("c.db");
    std::fs::write(f.dir.path().join("c.auth.db"), b"").unwrap();
    let out = dutytrace(&[
        "restore",
        "--from",
        f.backup.to_str().unwrap(),
        "--store",
        &sqlite(&other),
    ]);
    assert!(!out.status.success());
    assert!(text(&out).contains("c.auth.db exists"), "{}", text(&out));
    assert!(!other.exists());

    // A backup goes to a new or empty directory.
    let out = dutytrace(&[
        "backup",
        "--store",
        &sqlite(&f.dir.path().join("a.db")),
        "--to",
        f.backup.to_str().unwrap(),
    ]);
    assert!(!out.status.success());
    assert!(text(&out).contains("is not empty"), "{}", text(&out));

    // A log on a server: the supported way is named, nothing is connected to.
    let out = dutytrace(&[
        "backup",
        "--store",
        "postgres://dutytrace@127.0.0.1:1/dutytrace?sslmode=disable",
        "--to",
        f.dir.path().join("pg").to_str().unwrap(),
    ]);
    assert!(!out.status.success());
    assert!(text(&out).contains("pg_dump"), "{}", text(&out));
    assert!(!f.dir.path().join("pg").exists());
    let out = dutytrace(&[
        "restore",
        "--from",
        f.backup.to_str().unwrap(),
        "--store",
        "kurrentdb://127.0.0.1:1?tls=false",
    ]);
    assert!(!out.status.success());
    assert!(
        text(&out).contains("KurrentDB's own backup"),
        "{}",
        text(&out)
    );
}
