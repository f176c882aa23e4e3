//! Graceful shutdown of `dutytrace serve` (the real binary): SIGTERM or SIGINT while many
//! commands are in flight — every command the server took is answered and in the log
//! exactly once, none is in the log unanswered, new connections are refused at once, the
//! process exits 0 within a bound, and the checkpoint it signs when it stops covers the
//! whole log. A client that never finishes its request holds the stop up no longer than
//! the grace period (`DUTYTRACE_SHUTDOWN_GRACE`).

#![allow(clippy::unwrap_used, reason = "tests fail loudly by design")]

use dutytrace_tests::server::{ADMIN_PASSWORD, Client, spawn_serve};
use serde_json::{Value, json};
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus};
use std::sync::Mutex;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_dutytrace-under-test");
const NOW: &str = "2026-03-02T09:00:00+08:00";
const UNIT: &str = "区教育局党组";

/// A `dutytrace serve` started by the test, which sends it signals itself.
struct Serve {
    child: Child,
    address: String,
    log: PathBuf,
}

impl Serve {
    fn start(dir: &Path, grace: &str) -> Self {
        let log = dir.join("s.db");
        let (child, address) = spawn_serve(
            Path::new(BIN),
            &format!("sqlite://{}", log.display()),
            NOW,
            &[
                ("DUTYTRACE_SHUTDOWN_GRACE", grace),
                // The load is one user's (admin's) commands, far above a user's rate.
                ("DUTYTRACE_COMMANDS_PER_SECOND", "100000"),
                ("DUTYTRACE_COMMAND_BURST", "100000"),
            ],
        );
        Self {
            child,
            address,
            log,
        }
    }

    fn admin(&self) -> Client<'_> {
        let (status, body) = Client::at(&self.address, None).post(
            "/api/v1/auth/login",
            &json!({"username": "admin", "password": ADMIN_PASSWORD}),
            &[],
        );
        assert_eq!(status, 200, "{body}");
        Client::at(
            &self.address,
            Some(body["token"].as_str().unwrap().to_owned()),
        )
    }

    fn signal(&self, name: &str) {
        let sent = Command::new("kill")
            .args([&format!("-{name}"), &self.child.id().to_string()])
            .status()
            .unwrap();
        assert!(sent.success());
    }

    /// Waits for the process to exit, at most `bound`.
    fn wait(&mut self, bound: Duration) -> (ExitStatus, Instant) {
        let deadline = Instant::now() + bound;
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return (status, Instant::now());
            }
            assert!(
                Instant::now() < deadline,
                "the server did not exit within {bound:?}"
            );
            std::thread::sleep(Duration::from_millis(5));
        }
    }

    /// How many events of the log hold `marker`.
    fn events_with(&self, marker: &str) -> i64 {
        let conn = rusqlite::Connection::open(&self.log).unwrap();
        conn.query_row(
            "SELECT count(*) FROM events WHERE instr(payload, ?1) > 0",
            [marker],
            |r| r.get(0),
        )
        .unwrap()
    }

    fn head(&self) -> u64 {
        let conn = rusqlite::Connection::open(&self.log).unwrap();
        conn.query_row("SELECT COALESCE(MAX(position), 0) FROM events", [], |r| {
            r.get::<_, i64>(0)
        })
        .unwrap()
        .try_into()
        .unwrap()
    }

    /// The last checkpoint the server published.
    fn last_checkpoint(&self) -> Value {
        let text = std::fs::read_to_string(self.log.with_file_name("s.checkpoints.jsonl")).unwrap();
        serde_json::from_str(text.lines().last().unwrap()).unwrap()
    }
}

impl Drop for Serve {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// What became of one command.
#[derive(Debug)]
enum Outcome {
    /// Answered, with the status, between `sent` and `at`.
    Answered {
        status: u16,
        body: String,
        sent: Instant,
        at: Instant,
    },
    /// The connection was refused: the server was no longer listening.
    Refused,
    /// Connected, but no answer (the connection was reset or closed).
    Lost(String),
}

/// One command: (what marks it in the log, the events it appends, how it went).
type Sent = (String, i64, Outcome);

/// Rows of each import: appended at once as `OversightImported` events of at most
/// `IMPORT_PART` rows each.
const ROWS: usize = 1500;
const IMPORT_EVENTS: i64 = ROWS.div_ceil(domain::oversight::IMPORT_PART) as i64;

/// POSTs `body` on a connection of its own, `Connection: close`.
fn post(address: &str, token: &str, path: &str, body: &[u8], content_type: &str) -> Outcome {
    let sent = Instant::now();
    let mut s = match TcpStream::connect(address) {
        Ok(s) => s,
        Err(e) if e.kind() == std::io::ErrorKind::ConnectionRefused => return Outcome::Refused,
        Err(e) => return Outcome::Lost(format!("connect: {e}")),
    };
    let head = format!(
        "POST {path} HTTP/1.1\r\nHost: {address}\r\nConnection: close\r\nAuthorization: Bearer \
         {token}\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\n\r\n",
        body.len()
    );
    if let Err(e) = s
        .write_all(head.as_bytes())
        .and_then(|()| s.write_all(body))
    {
        return Outcome::Lost(format!("write: {e}"));
    }
    let mut response = Vec::new();
    if let Err(e) = s.read_to_end(&mut response) {
        return Outcome::Lost(format!("read: {e}"));
    }
    let at = Instant::now();
    let response = String::from_utf8_lossy(&response).into_owned();
    match response.get(9..12).and_then(|s| s.parse().ok()) {
        Some(status) => Outcome::Answered {
            status,
            body: response
                .split_once("\r\n\r\n")
                .map_or(String::new(), |(_, b)| b.to_owned()),
            sent,
            at,
        },
        None => Outcome::Lost(format!("no answer: {response:?}")),
    }
}

/// An oversight import of `rows` rows, unique to `marker`.
fn import_file(marker: &str, rows: usize) -> Vec<u8> {
    let mut s = String::from("类别,单位,干部,日期,摘要,文号\n");
    for i in 0..rows {
        s.push_str(&format!(
            "廉政谈话,{UNIT},,2025-03-{:02},row-{marker}-{i} 节前廉政谈话,\n",
            1 + i % 28
        ));
    }
    s.into_bytes()
}

/// Commands sent without pause by `importers` + `writers` threads until the server stops
/// taking them; `signal` sent once enough were answered.
fn stop_under_load(signal: &str) {
    let dir = tempfile::tempdir().unwrap();
    let mut server = Serve::start(dir.path(), "20");
    let admin = server.admin();
    let (status, body) = admin.post(
        "/api/v1/units",
        &json!({"name": UNIT, "kind": "party_group"}),
        &[],
    );
    assert_eq!(status, 201, "{body}");
    let token = admin.token().unwrap().to_owned();
    let address = server.address.clone();

    let sent: Mutex<Vec<Sent>> = Mutex::new(Vec::new());
    let answered = AtomicUsize::new(0);
    let imports_answered = AtomicUsize::new(0);
    let exited = AtomicBool::new(false);
    // Connection attempts made after the signal: (when, whether it connected).
    let probes: Mutex<Vec<(Instant, bool)>> = Mutex::new(Vec::new());
    let (signalled, status, exit) = std::thread::scope(|scope| {
        for t in 0..6 {
            let (sent, imports_answered, address, token) =
                (&sent, &imports_answered, &address, &token);
            scope.spawn(move || {
                for i in 0.. {
                    let marker = format!("imp-t{t}-i{i}-");
                    let file = import_file(&marker, ROWS);
                    let path = format!("/api/v1/oversight-imports?file_name=fn-{marker}.csv");
                    let outcome = post(address, token, &path, &file, "text/csv");
                    let done = !matches!(outcome, Outcome::Answered { .. });
                    if matches!(outcome, Outcome::Answered { .. }) {
                        imports_answered.fetch_add(1, Ordering::Relaxed);
                    }
                    sent.lock()
                        .unwrap()
                        .push((format!("fn-{marker}.csv"), IMPORT_EVENTS, outcome));
                    if done {
                        break;
                    }
                }
            });
        }
        for t in 0..26 {
            let (sent, answered, address, token) = (&sent, &answered, &address, &token);
            scope.spawn(move || {
                for i in 0.. {
                    let marker = format!("unit-t{t}-i{i}-");
                    let body = json!({"name": marker, "kind": "party_group"}).to_string();
                    let outcome = post(
                        address,
                        token,
                        "/api/v1/units",
                        body.as_bytes(),
                        "application/json",
                    );
                    let done = !matches!(outcome, Outcome::Answered { .. });
                    if !done {
                        answered.fetch_add(1, Ordering::Relaxed);
                    }
                    sent.lock()
                        .unwrap()
                        .push((format!("\"name\":\"{marker}\""), 1, outcome));
                    if done {
                        break;
                    }
                }
            });
        }
        let deadline = Instant::now() + Duration::from_secs(60);
        while imports_answered.load(Ordering::Relaxed) < 6 || answered.load(Ordering::Relaxed) < 100
        {
            assert!(Instant::now() < deadline, "the load did not get going");
            std::thread::sleep(Duration::from_millis(5));
        }
        let signalled = Instant::now();
        server.signal(signal);
        {
            let (probes, exited, address) = (&probes, &exited, &address);
            scope.spawn(move || {
                while !exited.load(Ordering::Relaxed) {
                    let connected = TcpStream::connect(address).is_ok();
                    probes.lock().unwrap().push((Instant::now(), connected));
                    std::thread::sleep(Duration::from_millis(2));
                }
            });
        }
        let (status, exit) = server.wait(Duration::from_secs(40));
        exited.store(true, Ordering::Relaxed);
        (signalled, status, exit)
    });

    assert!(status.success(), "{signal}: exit status {status}");
    let sent = sent.into_inner().unwrap();
    let probes = probes.into_inner().unwrap();
    let (mut ok, mut in_flight, mut refused, mut lost) = (0, 0, 0, 0);
    for (marker, events, outcome) in &sent {
        match outcome {
            Outcome::Answered {
                status,
                body,
                sent,
                at,
            } => {
                assert_eq!(*status, 201, "{marker}: {body}");
                assert_eq!(
                    server.events_with(marker),
                    *events,
                    "{marker} was answered {status} and must be in the log once"
                );
                ok += 1;
                if *sent < signalled && *at > signalled {
                    in_flight += 1;
                }
            }
            Outcome::Refused => {
                refused += 1;
                assert_eq!(server.events_with(marker), 0, "{marker} refused but stored");
            }
            Outcome::Lost(why) => {
                // Taken by the kernel but never read by the server before it stopped
                // listening: not executed, so a retry is safe.
                lost += 1;
                assert_eq!(
                    server.events_with(marker),
                    0,
                    "{marker} stored but never answered ({why})"
                );
            }
        }
    }
    eprintln!(
        "{signal}: {ok} commands answered 201 ({in_flight} of them in flight at the signal), \
         {refused} refused, {lost} connected but unanswered and not stored; exited {:.2} s \
         after the signal",
        (exit - signalled).as_secs_f64()
    );
    assert!(
        in_flight > 0,
        "no command was in flight at the signal: the test proves nothing"
    );
    // The listener closed at the signal, before the requests in flight were done: the
    // first refusal came before the exit, and nothing connected after it.
    let first_refusal = probes
        .iter()
        .position(|(_, connected)| !connected)
        .expect("a connection refused after the signal");
    assert!(probes[first_refusal].0 < exit);
    assert!(
        probes[first_refusal..].iter().all(|(_, c)| !c),
        "a connection was taken after the server stopped listening"
    );
    // The checkpoint signed at the stop covers the whole log.
    let head = server.head();
    let c = server.last_checkpoint();
    assert_eq!(c["tree_size"].as_u64(), Some(head), "{c}");
}

#[test]
fn sigterm_finishes_the_commands_in_flight_refuses_new_ones_and_exits_zero() {
    stop_under_load("TERM");
}

#[test]
fn sigint_finishes_the_commands_in_flight_refuses_new_ones_and_exits_zero() {
    stop_under_load("INT");
}

#[test]
fn a_request_never_finished_holds_the_stop_up_no_longer_than_the_grace_period() {
    let dir = tempfile::tempdir().unwrap();
    let mut server = Serve::start(dir.path(), "2");
    let admin = server.admin();
    let token = admin.token().unwrap().to_owned();
    // A command whose body never comes whole: the server has taken it (it asked for the
    // body with 100 Continue) when the signal arrives.
    let mut stuck = TcpStream::connect(&server.address).unwrap();
    let head = format!(
        "POST /api/v1/units HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {token}\r\n\
         Content-Type: application/json\r\nContent-Length: 200\r\nExpect: 100-continue\r\n\r\n"
    );
    stuck.write_all(head.as_bytes()).unwrap();
    let mut reader = BufReader::new(stuck.try_clone().unwrap());
    let mut line = String::new();
    reader.read_line(&mut line).unwrap();
    assert!(line.starts_with("HTTP/1.1 100"), "{line:?}");
    stuck.write_all(br#"{"name": "never-whole", "#).unwrap();

    let signalled = Instant::now();
    server.signal("TERM");
    let (status, exit) = server.wait(Duration::from_secs(15));
    assert!(status.success(), "exit status {status}");
    let took = exit - signalled;
    assert!(
        took >= Duration::from_secs(2),
        "stopped after {took:?}, before the grace period: the request was not waited for"
    );
    assert_eq!(server.events_with("never-whole"), 0);
    let c = server.last_checkpoint();
    assert_eq!(c["tree_size"].as_u64(), Some(server.head()), "{c}");
    drop(stuck);
}
