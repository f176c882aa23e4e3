//! The real server on an SQLite store under load from several clients, SIGKILLed at random
//! moments (at least [`KILLS`] times) and started again each time: every command it
//! acknowledged is in the log exactly once, a command sent again with its Idempotency-Key
//! after a kill is there at most once, the read models the server built across the crashes
//! equal a rebuild from the log, and the Merkle checkpoints it published still verify.
//!
//! The moments are drawn from a seed printed on stderr; `DUTYTRACE_CRASH_SEED=<n>` replays
//! one run's moments (the server's scheduling still varies).

use dutytrace_tests::faults;
use dutytrace_tests::server::{ADMIN_PASSWORD, Client, Server};
use serde_json::{Value, json};
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_dutytrace-under-test");
const NOW: &str = "2026-03-02T09:00:00+08:00";
/// How many times the server is killed.
const KILLS: usize = 20;
const CADRES: usize = 3;
const CADRE_PASSWORD: &str = "crash-cadre-password";

/// A small xorshift generator: the test's random moments, replayable from the seed.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.0 = x;
        x
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

fn seed() -> u64 {
    std::env::var("DUTYTRACE_CRASH_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(1, |d| d.as_nanos() as u64)
        })
        | 1
}

/// Where the server listens now (`None` while it is down), and how many times it was
/// started; clients wait on it after a failed request.
#[derive(Default)]
struct Live {
    state: Mutex<(u64, Option<String>)>,
    changed: Condvar,
}

impl Live {
    fn publish(&self, address: Option<String>) {
        let mut s = self.state.lock().expect("not poisoned");
        if address.is_some() {
            s.0 += 1;
        }
        s.1 = address;
        self.changed.notify_all();
    }

    /// The address of a server started after the one numbered `after` (any, for 0).
    fn wait_newer(&self, after: u64) -> (u64, String) {
        let deadline = Instant::now() + Duration::from_secs(120);
        let mut s = self.state.lock().expect("not poisoned");
        loop {
            if let (g, Some(a)) = &*s
                && *g > after
            {
                return (*g, a.clone());
            }
            let left = deadline
                .checked_duration_since(Instant::now())
                .expect("the server came back within 120 s");
            s = self.changed.wait_timeout(s, left).expect("not poisoned").0;
        }
    }

    fn current(&self) -> (u64, String) {
        self.wait_newer(0)
    }
}

/// One command a client sends: where, what, under which key, and the text that marks it
/// in the log.
#[derive(Debug, Clone)]
struct Sent {
    key: String,
    path: String,
    body: Value,
    /// A text of its payload that no other command has.
    tag: String,
}

/// A command's fate.
#[derive(Debug, Clone)]
enum Fate {
    /// Answered 201 (or 200, a replay of an earlier attempt) with this position.
    Acknowledged {
        sent: Sent,
        position: u64,
        replayed: bool,
        /// How many attempts failed (the server killed) before the answer.
        retries: usize,
    },
    /// Sent, the server killed before it answered, and given up on.
    Abandoned { sent: Sent },
}

/// Who a client speaks as.
#[derive(Debug, Clone)]
struct Speaker {
    username: String,
    password: String,
}

/// A client thread: sends `next(i)` for i = 0, 1, … until `stop`, each with its own
/// Idempotency-Key; after a failed attempt (the server was killed) it sends the same
/// command again with the same key, or (one time in three) gives up on it.
fn client(
    live: Arc<Live>,
    who: Speaker,
    stop: Arc<AtomicBool>,
    seed: u64,
    next: impl Fn(usize) -> Sent,
) -> Vec<Fate> {
    let mut rng = Rng(seed | 1);
    let mut fates = Vec::new();
    let (mut generation, mut address) = live.current();
    let mut token = sign_in(&address, &who);
    let mut i = 0;
    while !stop.load(Ordering::Relaxed) {
        let sent = next(i);
        i += 1;
        let body = sent.body.to_string();
        let mut retries = 0;
        loop {
            let c = Client::at(&address, Some(token.clone()));
            let answer = c.try_exchange(
                "POST",
                &sent.path,
                Some(&body),
                &[("Idempotency-Key", &sent.key)],
            );
            match answer {
                Ok((status @ (200 | 201), _, text)) => {
                    let v: Value = serde_json::from_str(&text).expect("JSON");
                    let replayed = v["replayed"].as_bool().expect("replayed");
                    assert_eq!(replayed, status == 200, "{text}");
                    fates.push(Fate::Acknowledged {
                        sent: sent.clone(),
                        position: v["position"].as_u64().expect("a position"),
                        replayed,
                        retries,
                    });
                    break;
                }
                Ok((401, _, _)) => token = sign_in(&address, &who),
                // Rate limited (per process, so a restart forgets it): what Retry-After
                // says, at most a second, and the same command again.
                Ok((429, head, _)) => std::thread::sleep(retry_after(&head)),
                Ok((status, _, text)) => {
                    panic!("{} {}: {status} {text}", sent.path, sent.key)
                }
                Err(_) => {
                    // Killed before it answered (or before the request reached it).
                    (generation, address) = live.wait_newer(generation);
                    token = sign_in(&address, &who);
                    retries += 1;
                    if rng.below(3) == 0 {
                        fates.push(Fate::Abandoned { sent: sent.clone() });
                        break;
                    }
                }
            }
        }
    }
    fates
}

/// The wait a 429's `Retry-After` asks for, at most a second.
fn retry_after(head: &str) -> Duration {
    let seconds = head
        .lines()
        .find_map(|l| l.strip_prefix("retry-after:"))
        .and_then(|v| v.trim().parse::<u64>().ok())
        .unwrap_or(1);
    Duration::from_secs(seconds).min(Duration::from_secs(1))
}

/// Signs in, waiting out a server killed meanwhile; the token.
fn sign_in(address: &str, who: &Speaker) -> String {
    let c = Client::at(address, None);
    let body = json!({"username": who.username, "password": who.password}).to_string();
    loop {
        match c.try_exchange("POST", "/api/v1/auth/login", Some(&body), &[]) {
            Ok((200, _, text)) => {
                let v: Value = serde_json::from_str(&text).expect("JSON");
                return v["token"].as_str().expect("a token").to_owned();
            }
            Ok((429, head, _)) => std::thread::sleep(retry_after(&head)),
            Ok((status, _, text)) => panic!("sign-in as {}: {status} {text}", who.username),
            // Killed meanwhile: the next request fails too and waits for the next server.
            Err(_) => return String::new(),
        }
    }
}

fn created(answer: (u16, Value)) -> Value {
    let (status, body) = answer;
    assert_eq!(status, 201, "{body}");
    body
}

/// The organisation the load acts on: a unit, cadres with logins, each owing one
/// obligation they record entries against. Answers the cadres' (username, obligation id)
/// and the unit's id.
fn seed_organisation(s: &Server) -> (String, Vec<(String, String)>) {
    let unit = created(s.post(
        "/api/v1/units",
        &json!({"name": "区应急管理局党委", "kind": "party_group"}),
        &[],
    ));
    let unit_id = unit["id"].as_str().expect("an id").to_owned();
    let item = json!({"subject_kind": "team_member", "responsibility": "principal",
        "category": "一岗双责", "content": "全年分管领域党风廉政建设情况记实", "cadence": "once",
        "required_count": 1, "deadline": {"kind": "fixed_date", "date": "2026-12-31"}});
    let list = created(s.post(
        "/api/v1/lists",
        &json!({"year": 2026, "title": "2026年度主体责任清单", "items": [item]}),
        &[],
    ));
    let mut cadres = Vec::new();
    for k in 0..CADRES {
        let cadre = created(s.post(
            "/api/v1/cadres",
            &json!({"name": format!("干部{k}"), "post": "副局长",
                    "duty": {"kind": "team_member", "unit_id": unit_id}}),
            &[],
        ));
        let username = format!("cadre{k}");
        created(s.post(
            "/api/v1/users",
            &json!({"username": username, "display_name": format!("干部{k}"),
                    "account": {"kind": "cadre", "cadre_id": cadre["id"]},
                    "password": CADRE_PASSWORD}),
            &[],
        ));
        cadres.push((username, cadre["id"].as_str().expect("an id").to_owned()));
    }
    let (status, body) = s.post(
        &format!(
            "/api/v1/lists/{}/assignments",
            list["id"].as_str().expect("an id")
        ),
        &json!({"subjects": cadres.iter().map(|(_, id)| json!({"kind": "team_member", "cadre_id": id})).collect::<Vec<_>>()}),
        &[],
    );
    assert_eq!(status, 200, "{body}");
    let head = body["position"].as_u64().expect("a position");
    let cadres = cadres
        .into_iter()
        .map(|(username, cadre_id)| {
            let v = s.get_json(&format!(
                "/api/v1/cadres/{cadre_id}/obligations?min_position={head}"
            ));
            let obligations = v["obligations"].as_array().expect("a list");
            assert_eq!(obligations.len(), 1, "{v}");
            let id = obligations[0]["obligation_id"].as_str().expect("an id");
            (username, id.to_owned())
        })
        .collect();
    (unit_id, cadres)
}

fn run(args: &[&str]) -> String {
    faults::run(Path::new(BIN), args)
}

#[test]
fn acknowledged_commands_survive_sigkill_of_the_server_once_and_the_read_models_equal_a_rebuild() {
    let started = Instant::now();
    let seed = seed();
    eprintln!("crash_server: seed {seed} (DUTYTRACE_CRASH_SEED={seed} replays the moments)");
    let mut rng = Rng(seed);
    let dir = tempfile::tempdir().expect("a directory");
    let live_dir = dir.path().join("live");
    std::fs::create_dir_all(&live_dir).expect("a directory");
    let db = live_dir.join("c.db");
    let store = format!("sqlite://{}", db.display());
    let bin = Path::new(BIN);

    let mut server = Server::start(bin, &store, NOW);
    let (unit_id, cadres) = seed_organisation(&server);
    let live = Arc::new(Live::default());
    live.publish(Some(server.address.clone()));

    // The load: the administrator registers problems and units and now and then asks for
    // a checkpoint; each cadre records duty entries and files trips.
    let stop = Arc::new(AtomicBool::new(false));
    let mut clients = Vec::new();
    {
        let unit_id = unit_id.clone();
        let admin = Speaker {
            username: "admin".to_owned(),
            password: ADMIN_PASSWORD.to_owned(),
        };
        let (live, stop) = (live.clone(), stop.clone());
        let seed = rng.next();
        clients.push(std::thread::spawn(move || {
            client(live, admin, stop, seed, |i| {
                let tag = format!("崩溃测试-管理员-{i:05}");
                if i % 4 == 3 {
                    Sent {
                        key: format!("admin-unit-{i}"),
                        path: "/api/v1/units".to_owned(),
                        body: json!({"name": tag, "kind": "party_group"}),
                        tag,
                    }
                } else {
                    Sent {
                        key: format!("admin-problem-{i}"),
                        path: "/api/v1/problems".to_owned(),
                        body: json!({"unit_id": unit_id, "source": "inspection",
                            "type": "eight_provisions", "severity": "moderate",
                            "description": format!("{tag}：公务接待管理不规范"),
                            "found_on": "2026-03-01", "rectify_by": "2026-06-30"}),
                        tag,
                    }
                }
            })
        }));
    }
    for (username, obligation) in &cadres {
        let who = Speaker {
            username: username.clone(),
            password: CADRE_PASSWORD.to_owned(),
        };
        let (live, stop, obligation, name) = (
            live.clone(),
            stop.clone(),
            obligation.clone(),
            username.clone(),
        );
        let seed = rng.next();
        clients.push(std::thread::spawn(move || {
            client(live, who, stop, seed, |i| {
                let tag = format!("崩溃测试-{name}-{i:05}");
                if i % 3 == 2 {
                    let day = 10 + (i / 3) % 200;
                    let leave = chrono::NaiveDate::from_ymd_opt(2026, 3, 1).expect("a date")
                        + chrono::Days::new(day as u64);
                    Sent {
                        key: format!("{name}-trip-{i}"),
                        path: "/api/v1/filings/travel".to_owned(),
                        body: json!({"purpose": "private", "destination": tag,
                            "leave_on": leave, "return_on": leave}),
                        tag,
                    }
                } else {
                    Sent {
                        key: format!("{name}-entry-{i}"),
                        path: format!("/api/v1/obligations/{obligation}/entries"),
                        body: json!({"performed_on": "2026-03-01",
                            "content": format!("{tag}：召开分管科室廉政风险排查会")}),
                        tag,
                    }
                }
            })
        }));
    }
    // Now and then a checkpoint, so that some kills land while one is published.
    let checkpoints = {
        let (live, stop) = (live.clone(), stop.clone());
        let token = server.admin().token().map(str::to_owned);
        std::thread::spawn(move || {
            let mut made = 0;
            let (mut generation, mut address) = live.current();
            let mut token = token;
            while !stop.load(Ordering::Relaxed) {
                let c = Client::at(&address, token.clone());
                match c.try_exchange("POST", "/api/v1/checkpoints", Some("null"), &[]) {
                    Ok((200, _, _)) => made += 1,
                    Ok((401, _, _)) => {
                        let admin = Speaker {
                            username: "admin".to_owned(),
                            password: ADMIN_PASSWORD.to_owned(),
                        };
                        token = Some(sign_in(&address, &admin));
                    }
                    Ok((status, _, text)) => panic!("checkpoint: {status} {text}"),
                    Err(_) => (generation, address) = live.wait_newer(generation),
                }
                // The pace of an operator's script, not a wait for a projection.
                std::thread::sleep(Duration::from_millis(150));
            }
            made
        })
    };

    let mut kill_moments = Vec::new();
    let mut restarts = Vec::new();
    for _ in 0..KILLS {
        // A random moment in the next 40–600 ms of load.
        let moment = Duration::from_millis(40 + rng.below(560));
        std::thread::sleep(moment);
        kill_moments.push(moment.as_millis());
        live.publish(None);
        server.kill();
        let t = Instant::now();
        server = Server::start(bin, &store, NOW);
        restarts.push(t.elapsed());
        live.publish(Some(server.address.clone()));
    }
    // A last stretch of load on the last server, then the clients finish what they sent.
    std::thread::sleep(Duration::from_millis(300));
    stop.store(true, Ordering::Relaxed);
    let mut fates = Vec::new();
    for c in clients {
        fates.extend(c.join().expect("a client"));
    }
    let checkpoints_made = checkpoints.join().expect("the checkpoint client");
    let (status, key) = server.get("/api/v1/checkpoints/public-key");
    assert_eq!(status, 200, "{key}");
    let public_key = key.trim().to_owned();
    // A clean stop: the last checkpoint, the read models caught up with the log.
    let head_served = server.get_json("/readyz")["head"].as_u64().expect("a head");
    server.stop();

    // 1. Every acknowledged command is in the log exactly once, at the position it was
    //    answered with; an abandoned one at most once.
    let log = faults::read_log(&db);
    let head = *log.keys().last().expect("events");
    assert_eq!(log.len() as u64, head, "positions 1..={head} without holes");
    assert!(head >= head_served);
    let mut by_tag: BTreeMap<String, Vec<u64>> = BTreeMap::new();
    for (position, (_, payload)) in &log {
        if let Some(start) = payload.find("崩溃测试-") {
            let tag: String = payload[start..]
                .chars()
                .take_while(|c| *c != '：' && *c != '"')
                .collect();
            by_tag.entry(tag).or_default().push(*position);
        }
    }
    let (mut acknowledged, mut replayed, mut retried, mut abandoned, mut abandoned_present) =
        (0, 0, 0, 0, 0);
    for fate in &fates {
        match fate {
            Fate::Acknowledged {
                sent,
                position,
                replayed: r,
                retries,
            } => {
                acknowledged += 1;
                replayed += usize::from(*r);
                retried += usize::from(*retries > 0);
                let found = by_tag.get(&sent.tag).cloned().unwrap_or_default();
                assert_eq!(
                    found,
                    [*position],
                    "{} ({}) was acknowledged at {position}",
                    sent.tag,
                    sent.key
                );
            }
            Fate::Abandoned { sent } => {
                abandoned += 1;
                let found = by_tag.get(&sent.tag).map_or(0, Vec::len);
                assert!(found <= 1, "{} is in the log {found} times", sent.tag);
                abandoned_present += found;
            }
        }
    }
    let sent: BTreeSet<&str> = fates
        .iter()
        .map(|f| match f {
            Fate::Acknowledged { sent, .. } | Fate::Abandoned { sent } => sent.tag.as_str(),
        })
        .collect();
    for tag in by_tag.keys() {
        assert!(
            sent.contains(tag.as_str()),
            "{tag} is in the log but was never sent"
        );
    }
    assert!(acknowledged >= 100, "only {acknowledged} acknowledged");

    // 2. The read models built live across the kills equal a rebuild of a copy.
    let copy_dir = dir.path().join("rebuilt");
    let (tables, rows) = faults::assert_models_equal_a_rebuild(bin, &live_dir, &copy_dir, "c.db");
    let copy = copy_dir.join("c.db");
    for file in ["c.db", "c.views.db", "c.auth.db"] {
        faults::assert_intact(&live_dir.join(file));
    }

    // 3. The checkpoints published across the kills verify: each signature, each
    //    consistency proof from the one before, and all of them against an export of the
    //    log.
    let published = live_dir.join("c.checkpoints.jsonl");
    let lines = std::fs::read_to_string(&published)
        .expect("checkpoints were published")
        .lines()
        .count();
    let published = published.display().to_string();
    run(&["verify", &published, "--public-key", &public_key]);
    let export = dir.path().join("export.ndjson").display().to_string();
    run(&[
        "export",
        "--store",
        &format!("sqlite://{}", copy.display()),
        "--out",
        &export,
    ]);
    run(&[
        "verify",
        &export,
        "--public-key",
        &public_key,
        "--checkpoints",
        &published,
    ]);
    run(&[
        "verify",
        "--store",
        &store,
        "--public-key",
        &public_key,
        "--checkpoints",
        &published,
    ]);

    let slowest = restarts.iter().max().copied().unwrap_or_default();
    eprintln!(
        "crash_server: {KILLS} kills at {kill_moments:?} ms of load; {acknowledged} commands \
         acknowledged ({retried} after a retry, {replayed} of them answered as replays), all \
         in the log once; {abandoned} abandoned after a kill, {abandoned_present} of them in \
         the log (once); log head {head}; {} read-model tables ({rows} rows) equal a rebuild; \
         {lines} checkpoints published ({checkpoints_made} asked for) verify; slowest restart \
         {slowest:?}; {:?} in all",
        tables,
        started.elapsed()
    );
}
