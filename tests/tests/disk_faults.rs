//! The real server with its SQLite store on storage that fails under it:
//!
//! - **disk full**: the store on a small tmpfs that a filler file fills while clients send
//!   commands. Commands answer `507 storage_full` (or `503 unavailable`) as problem+json,
//!   never 500; queries still answer; nothing acknowledged is lost and no file is corrupt;
//!   once the filler is deleted, commands succeed again and the read models catch up,
//!   without a restart. Sign-in answers 503, not 500.
//! - **the read models' disk full** (their file on a volume of its own): commands go on,
//!   the projectors wait — none fails — and catch up by themselves when space returns.
//! - **a checkpoint on a full disk**: refused whole, no torn line left in
//!   `x.checkpoints.jsonl`; the service starts again and the file verifies.
//! - **read-only**: the store on an ext4 file system (a loop device) that the kernel turns
//!   read-only under the running service, as it does on an I/O error (`errors=remount-ro`;
//!   here through ext4's `trigger_fs_error`). A tmpfs cannot be turned read-only under a
//!   running service: `mount -o remount,ro` is refused (EBUSY) while files are open for
//!   writing, which the service's always are. Commands answer `503 unavailable` (or 507),
//!   never 500; queries still answer; after the file system is writable again nothing
//!   acknowledged is lost and no file is corrupt, and commands succeed. (`mount -o
//!   remount,rw` is tried first; the ext4 of Linux 6.x keeps a file system it turned
//!   read-only on an error so until it is unmounted, so then the service is stopped, the
//!   file system checked with e2fsck and mounted again, and the service started.)
//!
//! All need to mount file systems (root, as CI runs). Where mounting is not permitted they
//! say so on stderr and pass without running, unless `DUTYTRACE_REQUIRE_MOUNT=1`, which
//! makes that a failure. Whatever happens, what they mounted is unmounted (a drop guard).

use dutytrace_tests::faults;
use dutytrace_tests::server::{ADMIN_PASSWORD, Client, Server};
use serde_json::{Value, json};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_dutytrace-under-test");
const NOW: &str = "2026-03-02T09:00:00+08:00";
const REQUIRE: &str = "DUTYTRACE_REQUIRE_MOUNT";

/// A file system mounted for one test, unmounted when dropped (lazily, if something still
/// holds it open after a failed test).
struct Mounted {
    at: PathBuf,
}

impl Drop for Mounted {
    fn drop(&mut self) {
        let clean = Command::new("umount").arg(&self.at).status();
        if !clean.is_ok_and(|s| s.success()) {
            let _ = Command::new("umount").arg("-l").arg(&self.at).status();
        }
    }
}

/// Runs `mount args`; on failure, explains on stderr and answers `None` — or panics when
/// `DUTYTRACE_REQUIRE_MOUNT=1`.
fn mount(at: &Path, args: &[&str], what: &str) -> Option<Mounted> {
    std::fs::create_dir_all(at).expect("a mount point");
    let out = Command::new("mount").args(args).arg(at).output();
    let why = match out {
        Ok(o) if o.status.success() => {
            return Some(Mounted { at: at.to_owned() });
        }
        Ok(o) => String::from_utf8_lossy(&o.stderr).trim().to_owned(),
        Err(e) => format!("mount cannot run: {e}"),
    };
    let message = format!(
        "disk_faults: cannot mount {what} ({why}); this test needs root (set {REQUIRE}=1 to make that a failure)"
    );
    assert!(std::env::var(REQUIRE).as_deref() != Ok("1"), "{message}");
    eprintln!("{message}: not run");
    None
}

fn sh(program: &str, args: &[&str]) -> std::process::Output {
    Command::new(program)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("{program} cannot run: {e}"))
}

/// A problem registered under `key`; its description carries `tag` and is long enough
/// (about 3 KiB) to fill pages fast.
fn problem(unit_id: &str, tag: &str) -> Value {
    json!({"unit_id": unit_id, "source": "inspection", "type": "eight_provisions",
           "severity": "moderate",
           "description": format!("{tag}：{}", "公务接待管理不规范，".repeat(100)),
           "found_on": "2026-03-01", "rectify_by": "2026-06-30"})
}

/// What a command answered.
#[derive(Debug)]
enum Answer {
    /// 201/200: its position.
    Written(u64),
    /// 507 or 503, problem+json: (status, code, detail).
    Refused(u16, String, String),
}

/// Sends a command; panics on anything but a write or a clear refusal of the storage
/// (507/503 as problem+json with a code and a detail) — a 500 above all.
fn command(c: &Client<'_>, path: &str, body: &Value, key: &str) -> Answer {
    let (status, head, text) = c.exchange(
        "POST",
        path,
        Some(&body.to_string()),
        &[("Idempotency-Key", key)],
    );
    match status {
        200 | 201 => {
            let v: Value = serde_json::from_str(&text).expect("JSON");
            Answer::Written(v["position"].as_u64().expect("a position"))
        }
        507 | 503 => {
            assert!(
                head.contains("content-type: application/problem+json"),
                "{status} {head}"
            );
            let v: Value = serde_json::from_str(&text).expect("problem+json");
            let code = v["code"].as_str().expect("a code").to_owned();
            let detail = v["detail"].as_str().unwrap_or_default().to_owned();
            let expected = if status == 507 {
                "storage_full"
            } else {
                "unavailable"
            };
            assert_eq!(code, expected, "{status} {text}");
            assert!(!detail.is_empty(), "{text}");
            Answer::Refused(status, code, detail)
        }
        _ => panic!("{path} {key}: {status} {text}"),
    }
}

/// Signs in as the administrator: answers 200, or refuses clearly (507/503 as problem+json,
/// as [`command`] checks) — never 500. The status.
fn sign_in_answer(s: &Server) -> u16 {
    let body = json!({"username": "admin", "password": ADMIN_PASSWORD}).to_string();
    let (status, head, text) =
        s.anonymous()
            .exchange("POST", "/api/v1/auth/login", Some(&body), &[]);
    match status {
        200 => {}
        507 | 503 => {
            assert!(
                head.contains("content-type: application/problem+json"),
                "{status} {head}"
            );
            let v: Value = serde_json::from_str(&text).expect("problem+json");
            assert!(
                matches!(v["code"].as_str(), Some("storage_full" | "unavailable")),
                "{text}"
            );
        }
        _ => panic!("sign-in: {status} {text}"),
    }
    status
}

/// The problem ledger's answer while the read models may be behind: 200, or 503
/// `unavailable` as problem+json (it is only ever served up to the head of the log).
fn ledger_answer(s: &Server) -> String {
    let (status, body) = s.get("/api/v1/problems?limit=500");
    if status == 200 {
        return "200".to_owned();
    }
    let v: Value = serde_json::from_str(&body).expect("problem+json");
    assert_eq!(
        (status, v["code"].as_str()),
        (503, Some("unavailable")),
        "{body}"
    );
    format!("503 {}", v["detail"].as_str().expect("a detail"))
}

/// The unit the problems are registered in.
fn unit(s: &Server) -> String {
    let (status, unit) = s.post(
        "/api/v1/units",
        &json!({"name": "区市场监督管理局党组", "kind": "party_group"}),
        &[],
    );
    assert_eq!(status, 201, "{unit}");
    unit["id"].as_str().expect("an id").to_owned()
}

/// Sends the command until it is written (a client retrying with its Idempotency-Key
/// after a refusal), at most 30 s: its position.
fn until_written(c: &Client<'_>, path: &str, body: &Value, key: &str) -> u64 {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        match command(c, path, body, key) {
            Answer::Written(p) => return p,
            Answer::Refused(status, code, detail) => assert!(
                Instant::now() < deadline,
                "still refused after 30 s: {status} {code} {detail}"
            ),
        }
        // A client's back-off between retries; nothing here waits for a projection.
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// Waits (at most 30 s) until every read model of `s` has reached `position`, as its
/// `/readyz` tells, none of them failed or stopped meanwhile.
fn wait_for_models(s: &Server, position: u64) {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let (_, body) = s.anonymous().get("/readyz");
        let v: Value = serde_json::from_str(&body).expect("readyz answers JSON");
        let projectors = v["projectors"].as_array().expect("projectors");
        for p in projectors {
            assert!(
                matches!(
                    p["state"].as_str(),
                    Some("running" | "starting" | "rebuilding")
                ),
                "a projector gave up: {p}"
            );
        }
        if projectors
            .iter()
            .all(|p| p["position"].as_u64().is_some_and(|at| at >= position))
        {
            return;
        }
        assert!(
            Instant::now() < deadline,
            "the read models did not reach {position} in 30 s: {v}"
        );
        // Polling a condition with a deadline, as an orchestrator polls readiness.
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// The problems the server lists once its read models reach `position`: their
/// descriptions' tags.
fn listed(s: &Server, position: u64) -> Vec<String> {
    wait_for_models(s, position);
    let v = s.get_json("/api/v1/problems?limit=500");
    let items = v.as_array().unwrap_or_else(|| panic!("a list: {v}"));
    items
        .iter()
        .filter_map(|p| p["description"].as_str())
        .map(|d| d.split('：').next().unwrap_or_default().to_owned())
        .collect()
}

/// Checkpoints the write-ahead log of the SQLite file `db` into it and truncates it to
/// nothing, as SQLite itself does now and then: the next write must grow it again.
fn truncate_wal(db: &Path) {
    let c = rusqlite::Connection::open(db).expect("the file opens");
    let (busy, _, _): (i64, i64, i64) = c
        .query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?))
        })
        .expect("a checkpoint");
    assert_eq!(
        busy,
        0,
        "the checkpoint of {} was not blocked",
        db.display()
    );
}

/// Fills the file system of `dir` with a file `filler`, to the last byte it takes.
fn fill(dir: &Path) -> PathBuf {
    use std::io::Write;
    let path = dir.join("filler");
    let mut f = std::fs::File::create(&path).expect("a filler file");
    for chunk in [1 << 16, 4096, 512, 1] {
        let block = vec![0u8; chunk];
        while f.write_all(&block).and_then(|()| f.flush()).is_ok() {}
    }
    let _ = f.sync_all();
    path
}

#[test]
fn a_full_disk_refuses_commands_with_507_corrupts_nothing_and_the_service_recovers_when_space_returns()
 {
    let started = Instant::now();
    let dir = tempfile::tempdir().expect("a directory");
    let store_dir = dir.path().join("store");
    let Some(_mounted) = mount(
        &store_dir,
        &[
            "-t",
            "tmpfs",
            "-o",
            "size=48m,mode=0700",
            "dutytrace-disk-full",
        ],
        "a 48 MiB tmpfs",
    ) else {
        return;
    };
    let db = store_dir.join("d.db");
    let store = format!("sqlite://{}", db.display());
    let s = Server::start(Path::new(BIN), &store, NOW);
    let admin = s.admin();
    let unit_id = unit(&s);
    let path = "/api/v1/problems";
    let mut acknowledged: Vec<(String, u64)> = Vec::new();
    for i in 0..20 {
        let tag = format!("disk-full-before-{i:03}");
        match command(&admin, path, &problem(&unit_id, &tag), &tag) {
            Answer::Written(p) => acknowledged.push((tag, p)),
            Answer::Refused(status, _, detail) => panic!("refused with room: {status} {detail}"),
        }
    }

    // The read models fall behind the log (a reader of their file holds its write lock a
    // while) with their write-ahead log emptied, so that their next batches need new pages;
    // then the disk fills up, and they get the lock back.
    let views = store_dir.join("d.views.db");
    truncate_wal(&views);
    let lock = rusqlite::Connection::open(&views).expect("the read models open");
    lock.execute_batch("BEGIN IMMEDIATE")
        .expect("the write lock");
    for i in 0..10 {
        let tag = format!("disk-full-behind-{i:03}");
        match command(&admin, path, &problem(&unit_id, &tag), &tag) {
            Answer::Written(p) => acknowledged.push((tag, p)),
            Answer::Refused(status, _, detail) => panic!("refused with room: {status} {detail}"),
        }
    }
    // The disk fills up while commands keep coming: each is written or refused clearly.
    let filler = fill(&store_dir);
    lock.execute_batch("ROLLBACK").expect("the lock released");
    drop(lock);
    let mut refused = Vec::new();
    let mut statuses = std::collections::BTreeMap::new();
    for i in 0..400 {
        let tag = format!("disk-full-during-{i:03}");
        match command(&admin, path, &problem(&unit_id, &tag), &tag) {
            Answer::Written(p) => acknowledged.push((tag, p)),
            Answer::Refused(status, code, detail) => {
                *statuses.entry((status, code)).or_insert(0) += 1;
                refused.push((tag, detail));
                if refused.len() >= 10 {
                    break;
                }
            }
        }
    }
    assert!(
        !refused.is_empty(),
        "400 commands of 3 KiB were all written on a full disk"
    );
    eprintln!(
        "disk_faults: disk full: {} written, then refused {statuses:?}: {:?}",
        acknowledged.len(),
        refused[0].1
    );
    let sign_in_full = sign_in_answer(&s);
    // Queries still answer: the board what it holds, the ledger (served only up to the
    // head of the log) that it is behind.
    let last_written = acknowledged.last().expect("written").1;
    let (status, board) = s.get("/api/v1/board");
    assert_eq!(status, 200, "{board}");
    let ledger_full = ledger_answer(&s);
    assert_eq!(s.anonymous().get("/healthz").0, 200);

    // Space returns: the same process takes commands again, the refused one retried with
    // its key, and its read models catch up.
    std::fs::remove_file(&filler).expect("the filler goes");
    let (retried_tag, _) = refused[0].clone();
    let retried = until_written(&admin, path, &problem(&unit_id, &retried_tag), &retried_tag);
    acknowledged.push((retried_tag.clone(), retried));
    for i in 0..5 {
        let tag = format!("disk-full-after-{i:03}");
        let p = until_written(&admin, path, &problem(&unit_id, &tag), &tag);
        acknowledged.push((tag, p));
    }
    let head = acknowledged.iter().map(|(_, p)| *p).max().expect("written");
    assert!(head > last_written);
    let listed_now = listed(&s, head);
    for (tag, _) in &acknowledged {
        assert!(
            listed_now.contains(tag),
            "{tag} was acknowledged and is not listed"
        );
    }
    let ready = s.anonymous().get("/readyz");
    assert_eq!(ready.0, 200, "{}", ready.1);
    s.stop();

    // Nothing acknowledged is lost or doubled, nothing refused was written, no file is
    // corrupt, and the read models equal a rebuild of the log.
    let log = faults::read_log(&db);
    faults::assert_kept(
        &log,
        &acknowledged,
        refused[1..].iter().map(|(tag, _)| tag.as_str()),
    );
    for file in ["d.db", "d.views.db", "d.auth.db"] {
        faults::assert_intact(&store_dir.join(file));
    }
    let (tables, rows) = faults::assert_models_equal_a_rebuild(
        Path::new(BIN),
        &store_dir,
        &dir.path().join("rebuilt"),
        "d.db",
    );
    eprintln!(
        "disk_faults: disk full: sign-in answered {sign_in_full}, the ledger {ledger_full:?}; \
         {} acknowledged all in the \
         log once, {} refused not in it; integrity_check ok; {tables} read-model tables \
         ({rows} rows) equal a rebuild; {:?}",
        acknowledged.len(),
        refused.len() - 1,
        started.elapsed()
    );
}

/// The loop device under `mounted` (e.g. `loop3`).
fn loop_device(at: &Path) -> String {
    let out = sh(
        "findmnt",
        &["-n", "-o", "SOURCE", &at.display().to_string()],
    );
    let source = String::from_utf8_lossy(&out.stdout).trim().to_owned();
    source
        .rsplit('/')
        .next()
        .filter(|d| d.starts_with("loop"))
        .unwrap_or_else(|| panic!("not a loop device: {source:?}"))
        .to_owned()
}

/// Whether a file can be created in `dir` now.
fn writable(dir: &Path) -> bool {
    let probe = dir.join("probe");
    let ok = std::fs::write(&probe, b"x").is_ok();
    let _ = std::fs::remove_file(&probe);
    ok
}

#[test]
fn storage_turned_read_only_refuses_commands_with_503_keeps_answering_queries_and_loses_nothing() {
    let started = Instant::now();
    let dir = tempfile::tempdir().expect("a directory");
    let image = dir.path().join("ext4.img");
    std::fs::File::create(&image)
        .and_then(|f| f.set_len(64 << 20))
        .expect("an image file");
    let made = Command::new("mkfs.ext4")
        .args(["-q", "-F"])
        .arg(&image)
        .output();
    if !made.as_ref().is_ok_and(|o| o.status.success()) {
        let message = format!("disk_faults: mkfs.ext4 cannot make a file system: {made:?}");
        assert!(std::env::var(REQUIRE).as_deref() != Ok("1"), "{message}");
        eprintln!("{message}: not run");
        return;
    }
    let store_dir = dir.path().join("store");
    let image_arg = image.display().to_string();
    let Some(mounted) = mount(
        &store_dir,
        &["-o", "loop,errors=remount-ro", &image_arg],
        "an ext4 loop device",
    ) else {
        return;
    };
    // Declared before the server, so unmounted after it is killed.
    let mut mounted = Some(mounted);
    let device = loop_device(&store_dir);
    let db = store_dir.join("r.db");
    let store = format!("sqlite://{}", db.display());
    let s = Server::start(Path::new(BIN), &store, NOW);
    let admin = s.admin();
    let unit_id = unit(&s);
    let path = "/api/v1/problems";
    let mut acknowledged = Vec::new();
    for i in 0..10 {
        let tag = format!("read-only-before-{i:03}");
        match command(&admin, path, &problem(&unit_id, &tag), &tag) {
            Answer::Written(p) => acknowledged.push((tag, p)),
            Answer::Refused(status, _, detail) => panic!("refused: {status} {detail}"),
        }
    }
    let last = acknowledged.last().expect("written").1;
    wait_for_models(&s, last);

    // The kernel turns the file system read-only under the running service.
    std::fs::write(
        format!("/sys/fs/ext4/{device}/trigger_fs_error"),
        "dutytrace disk_faults: the storage turns read-only",
    )
    .expect("ext4 takes a test error");
    assert!(!writable(&store_dir), "the file system is read-only now");
    let mut refused = Vec::new();
    for i in 0..5 {
        let tag = format!("read-only-during-{i:03}");
        match command(&admin, path, &problem(&unit_id, &tag), &tag) {
            Answer::Written(p) => panic!("{tag} written at {p} on a read-only file system"),
            Answer::Refused(status, code, detail) => refused.push((tag, status, code, detail)),
        }
    }
    eprintln!(
        "disk_faults: read-only: commands refused: {:?}",
        refused
            .iter()
            .map(|(_, status, code, detail)| format!("{status} {code}: {detail}"))
            .collect::<Vec<_>>()
    );
    let sign_in_read_only = sign_in_answer(&s);
    // Queries still answer, with everything acknowledged before.
    let seen = listed(&s, last);
    for (tag, _) in &acknowledged {
        assert!(seen.contains(tag), "{tag} is not listed");
    }
    let (status, board) = s.get("/api/v1/board");
    assert_eq!(status, 200, "{board}");
    assert_eq!(s.anonymous().get("/healthz").0, 200);

    // Writable again. `mount -o remount,rw` is what the brief of an operator says; the
    // ext4 of recent kernels keeps a file system it turned read-only on an error so until
    // it is unmounted (and checked), so then the service is stopped, the file system
    // checked and mounted again, and the service started again.
    let remounted = sh(
        "mount",
        &["-o", "remount,rw", &store_dir.display().to_string()],
    );
    let (s, how) = if remounted.status.success() && writable(&store_dir) {
        (s, "remount,rw: the same process goes on")
    } else {
        let t = Instant::now();
        s.stop();
        eprintln!(
            "disk_faults: read-only: the service stopped in {:?}",
            t.elapsed()
        );
        drop(mounted.take());
        let checked = sh("e2fsck", &["-f", "-y", &image_arg]);
        // 0: clean; 1: corrected (the error the kernel recorded in the superblock).
        assert!(
            matches!(checked.status.code(), Some(0 | 1)),
            "e2fsck: {}\n{}",
            String::from_utf8_lossy(&checked.stdout),
            String::from_utf8_lossy(&checked.stderr)
        );
        mounted.replace(
            mount(
                &store_dir,
                &["-o", "loop,errors=remount-ro", &image_arg],
                "the ext4 loop device again",
            )
            .expect("mounted before"),
        );
        (
            Server::start(Path::new(BIN), &store, NOW),
            "ext4 keeps it read-only until unmounted: stopped, e2fsck, mounted, started",
        )
    };
    let admin = s.admin();
    for (tag, ..) in &refused[..1] {
        let p = until_written(&admin, path, &problem(&unit_id, tag), tag);
        acknowledged.push((tag.clone(), p));
    }
    let head = acknowledged.iter().map(|(_, p)| *p).max().expect("written");
    let seen = listed(&s, head);
    for (tag, _) in &acknowledged {
        assert!(seen.contains(tag), "{tag} is not listed");
    }
    s.stop();

    let log = faults::read_log(&db);
    faults::assert_kept(
        &log,
        &acknowledged,
        refused[1..].iter().map(|(tag, ..)| tag.as_str()),
    );
    for file in ["r.db", "r.views.db", "r.auth.db"] {
        faults::assert_intact(&store_dir.join(file));
    }
    let (tables, rows) = faults::assert_models_equal_a_rebuild(
        Path::new(BIN),
        &store_dir,
        &dir.path().join("rebuilt"),
        "r.db",
    );
    eprintln!(
        "disk_faults: read-only: sign-in answered {sign_in_read_only}; recovered by {how}; \
         {} acknowledged all in the log once; \
         integrity_check ok; {tables} read-model tables ({rows} rows) equal a rebuild; {:?}",
        acknowledged.len(),
        started.elapsed()
    );
}

/// The read models on a volume of their own (their file a symbolic link beside the log, as
/// an operator may place them) that fills up while the log has room: commands go on being
/// acknowledged, the read models stop where their disk is full — every projector waiting,
/// none failed, queries answering what they hold — and catch up by themselves, without a
/// restart, once space returns.
#[test]
fn a_full_disk_under_the_read_models_holds_them_back_until_space_returns_and_loses_nothing() {
    let started = Instant::now();
    let dir = tempfile::tempdir().expect("a directory");
    let (log_dir, models_dir) = (dir.path().join("log"), dir.path().join("models"));
    let Some(_log_mount) = mount(
        &log_dir,
        &["-t", "tmpfs", "-o", "size=64m,mode=0700", "dutytrace-log"],
        "a tmpfs for the log",
    ) else {
        return;
    };
    let Some(_models_mount) = mount(
        &models_dir,
        &[
            "-t",
            "tmpfs",
            "-o",
            "size=16m,mode=0700",
            "dutytrace-models",
        ],
        "a tmpfs for the read models",
    ) else {
        return;
    };
    let views = models_dir.join("v.views.db");
    std::os::unix::fs::symlink(&views, log_dir.join("v.views.db")).expect("a link");
    let db = log_dir.join("v.db");
    let store = format!("sqlite://{}", db.display());
    let s = Server::start(Path::new(BIN), &store, NOW);
    assert!(
        models_dir.join("v.views.db-wal").exists(),
        "the read models' write-ahead log is on their own volume"
    );
    let admin = s.admin();
    let unit_id = unit(&s);
    let path = "/api/v1/problems";
    let mut acknowledged = Vec::new();
    let send = |tag: String, acknowledged: &mut Vec<(String, u64)>| match command(
        &admin,
        path,
        &problem(&unit_id, &tag),
        &tag,
    ) {
        Answer::Written(p) => acknowledged.push((tag, p)),
        Answer::Refused(status, _, detail) => panic!("{tag} refused: {status} {detail}"),
    };
    for i in 0..5 {
        send(format!("models-full-before-{i:03}"), &mut acknowledged);
    }
    let before = acknowledged.last().expect("written").1;
    wait_for_models(&s, before);

    // Their write-ahead log emptied into the file and truncated, then their disk filled:
    // the next batch of any projector needs a page that is not there.
    truncate_wal(&views);
    let filler = fill(&models_dir);
    for i in 0..20 {
        send(format!("models-full-during-{i:03}"), &mut acknowledged);
    }
    let head = acknowledged.last().expect("written").1;
    // Held back, not failed: readiness says catching up, queries answer what they hold.
    let deadline = Instant::now() + Duration::from_secs(30);
    let held = loop {
        let (status, body) = s.anonymous().get("/readyz");
        let v: Value = serde_json::from_str(&body).expect("JSON");
        let projectors = v["projectors"].as_array().expect("projectors").clone();
        for p in &projectors {
            assert_eq!(p["state"], "running", "{v}");
        }
        let behind: Vec<String> = projectors
            .iter()
            .filter(|p| p["position"].as_u64().is_some_and(|at| at < head))
            .map(|p| format!("{}@{}", p["name"].as_str().unwrap_or("?"), p["position"]))
            .collect();
        if !behind.is_empty() {
            break (status, behind);
        }
        assert!(
            Instant::now() < deadline,
            "no read model held back by a full disk: {status} {v}"
        );
        std::thread::sleep(Duration::from_millis(50));
    };
    // The board answers what it holds; the problem ledger, which is only ever served up
    // to the head of the log, says clearly that it is behind (after its 5 s wait).
    let (status, board) = s.get("/api/v1/board");
    assert_eq!(status, 200, "{board}");
    let ledger = ledger_answer(&s);

    // Space returns: the same process catches up, nothing lost or doubled.
    std::fs::remove_file(&filler).expect("the filler goes");
    let seen = listed(&s, head);
    for (tag, _) in &acknowledged {
        assert_eq!(
            seen.iter().filter(|t| *t == tag).count(),
            1,
            "{tag} is not listed once"
        );
    }
    let ready = s.anonymous().get("/readyz");
    assert_eq!(ready.0, 200, "{}", ready.1);
    s.stop();

    let log = faults::read_log(&db);
    faults::assert_kept(&log, &acknowledged, []);
    faults::assert_intact(&db);
    faults::assert_intact(&views);
    let (tables, rows) = faults::assert_models_equal_a_rebuild(
        Path::new(BIN),
        &log_dir,
        &dir.path().join("rebuilt"),
        "v.db",
    );
    eprintln!(
        "disk_faults: read models' disk full: {} acknowledged; held back {held:?} at head \
         {head}, none failed; the board answered, the ledger {ledger:?}; caught up without a restart once space returned; \
         integrity_check ok; {tables} read-model tables ({rows} rows) equal a rebuild; {:?}",
        acknowledged.len(),
        started.elapsed()
    );
}

/// A checkpoint published while the disk is full: the line that no longer fits is refused
/// whole (503), not left torn in `x.checkpoints.jsonl` for the next one to be glued onto —
/// which made the service refuse to start again ("checkpoints file …: line N: expected `,`").
#[test]
fn a_checkpoint_refused_by_a_full_disk_leaves_no_torn_line_and_the_service_starts_again() {
    let started = Instant::now();
    let dir = tempfile::tempdir().expect("a directory");
    let store_dir = dir.path().join("store");
    let Some(_mounted) = mount(
        &store_dir,
        &[
            "-t",
            "tmpfs",
            "-o",
            "size=48m,mode=0700",
            "dutytrace-checkpoints",
        ],
        "a 48 MiB tmpfs",
    ) else {
        return;
    };
    let db = store_dir.join("k.db");
    let published = store_dir.join("k.checkpoints.jsonl");
    let store = format!("sqlite://{}", db.display());
    let s = Server::start(Path::new(BIN), &store, NOW);
    let size = || std::fs::metadata(&published).map_or(0, |m| m.len());
    let register = |name: String| {
        let (status, unit) = s.post(
            "/api/v1/units",
            &json!({"name": name, "kind": "party_group"}),
            &[],
        );
        assert_eq!(status, 201, "{unit}");
        unit["position"].as_u64().expect("a position")
    };
    // Checkpoints until the file ends less than 150 bytes before a page boundary: the next
    // line (over 300 bytes) fits only in part once no new page can be had.
    let mut made = 0;
    while 4096 - size() % 4096 >= 150 {
        register(format!("区第{made}局党组"));
        let (status, body) = s.post("/api/v1/checkpoints", &json!(null), &[]);
        assert_eq!(status, 200, "{body}");
        made += 1;
        assert!(made < 200, "the file never ended near a page boundary");
    }
    let head = register("满盘之前的单位".to_owned());
    wait_for_models(&s, head);
    let before = size();
    let filler = fill(&store_dir);
    let (refused, body) = s.post("/api/v1/checkpoints", &json!(null), &[]);
    assert!(
        matches!(refused, 503 | 507),
        "a checkpoint on a full disk: {refused} {body}"
    );
    assert_eq!(size(), before, "the refused line was cut off");
    std::fs::remove_file(&filler).expect("the filler goes");
    let (status, body) = s.post("/api/v1/checkpoints", &json!(null), &[]);
    assert_eq!(status, 200, "{body}");
    let (status, key) = s.get("/api/v1/checkpoints/public-key");
    assert_eq!(status, 200, "{key}");
    s.stop();
    // It starts again (reading every line published), and the file verifies.
    Server::start(Path::new(BIN), &store, NOW).stop();
    faults::run(
        Path::new(BIN),
        &[
            "verify",
            &published.display().to_string(),
            "--public-key",
            key.trim(),
        ],
    );
    eprintln!(
        "disk_faults: checkpoint on a full disk: {refused} after {made} checkpoints, the file \
         unchanged ({before} bytes); published again once space returned, the service starts \
         and the file verifies; {:?}",
        started.elapsed()
    );
}
