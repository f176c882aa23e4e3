//! The webhook outbox: every notification reaches a webhook that fails and then recovers,
//! each under one id whatever the retries and restarts, and a webhook that hangs slows no
//! command.

#![allow(clippy::unwrap_used, reason = "test setup fails loudly")]

use app::{App, Meta, fingerprint};
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use chrono::{DateTime, NaiveDate, Utc};
use domain::cadre::RegisterCadre;
use domain::calendar::{Cadence, DeadlineRule, Period};
use domain::duty::{DutyCommand, RecordDuty};
use domain::ids::{CadreId, EntryId, ItemId, ListId, UnitId};
use domain::list::{AssignList, ListCommand, PublishList};
use domain::obligation::{DutyItem, ObligationRef, Source};
use domain::org::{CadreDuty, Responsibility, Subject, SubjectKind, UnitKind};
use domain::unit::RegisterUnit;
use domain::user::{Account, RegisterUser};
use dutytrace::outbox::{self, Outbox, OutboxOptions, Webhook};
use dutytrace::watcher::Watcher;
use dutytrace::{config, serve, stores};
use event_store::{Actor, Clock, ManualClock};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};
use std::future::Future;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use uuid::Uuid;

fn at(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
}

fn meta(actor: &str) -> Meta {
    Meta {
        actor: Actor::new(actor).unwrap(),
        key: None,
        fingerprint: fingerprint(actor),
    }
}

/// Polls `check` until it holds, for at most `within`.
async fn until<F, Fut>(what: &str, within: Duration, mut check: F)
where
    F: FnMut() -> Fut,
    Fut: Future<Output = bool>,
{
    let polled = tokio::time::timeout(within, async {
        while !check().await {
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    })
    .await;
    assert!(polled.is_ok(), "timed out waiting for {what}");
}

// ---- the webhook receiver ----

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Answer {
    /// 500: the receiver is down.
    Down,
    /// 200, but only after the outbox has given up waiting: the answer is lost.
    Slow,
    /// Never answers.
    Hang,
    Ok,
}

/// One request the receiver got.
#[derive(Debug, Clone)]
struct Hit {
    idempotency_key: Option<String>,
    content_type: Option<String>,
    body: Value,
    answer: Answer,
}

impl Hit {
    fn id(&self) -> &str {
        self.body["id"].as_str().unwrap()
    }
}

/// A local webhook: answers 500 while `down`; the first request after `slow_once` is set is
/// answered too late; with `hang` nothing is ever answered.
#[derive(Debug, Clone, Default)]
struct Receiver {
    hits: Arc<Mutex<Vec<Hit>>>,
    down: Arc<AtomicBool>,
    slow_once: Arc<AtomicBool>,
    hang: Arc<AtomicBool>,
}

impl Receiver {
    fn hits(&self) -> Vec<Hit> {
        self.hits.lock().unwrap().clone()
    }

    /// Serves on 127.0.0.1:0; the URL carries a token, as real webhooks' do.
    async fn start(&self) -> Webhook {
        async fn hook(State(r): State<Receiver>, headers: HeaderMap, body: String) -> StatusCode {
            let header = |name: &str| headers.get(name).map(|v| v.to_str().unwrap().to_owned());
            let answer = if r.hang.load(Ordering::SeqCst) {
                Answer::Hang
            } else if r.down.load(Ordering::SeqCst) {
                Answer::Down
            } else if r.slow_once.swap(false, Ordering::SeqCst) {
                Answer::Slow
            } else {
                Answer::Ok
            };
            r.hits.lock().unwrap().push(Hit {
                idempotency_key: header("idempotency-key"),
                content_type: header("content-type"),
                body: serde_json::from_str(&body).unwrap(),
                answer,
            });
            match answer {
                Answer::Down => StatusCode::INTERNAL_SERVER_ERROR,
                Answer::Slow => {
                    // A slow receiver, not a wait for state: it answers after the timeout.
                    tokio::time::sleep(Duration::from_secs(2)).await;
                    StatusCode::OK
                }
                Answer::Hang => std::future::pending().await,
                Answer::Ok => StatusCode::OK,
            }
        }
        let app = axum::Router::new()
            .route("/hooks/dutytrace", axum::routing::post(hook))
            .with_state(self.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let address = listener.local_addr().unwrap();
        tokio::spawn(async move { axum::serve(listener, app).await });
        Webhook::parse(&format!("http://{address}/hooks/dutytrace?token=s3cr3t")).unwrap()
    }
}

// ---- a district ----

/// A unit with a principal leader and three team members, each with a login, bound by one
/// item due on 31 March 2026 that nobody records.
struct District {
    _dir: tempfile::TempDir,
    opened: stores::Opened,
    clock: Arc<ManualClock>,
    app: App,
    source: Source,
    members: Vec<CadreId>,
}

async fn district() -> District {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("log.db").display());
    let clock = Arc::new(ManualClock::new(at("2026-01-05T09:00:00+08:00")));
    let opened = stores::open(&url, None, clock.clone()).await.unwrap();
    let app = App::new(opened.log.clone(), clock.clone());
    let admin = meta("user:admin");
    let unit_id = UnitId::new();
    let c = RegisterUnit {
        unit_id,
        name: "区教育局党组".into(),
        kind: UnitKind::PartyGroup,
    };
    app.register_unit(c, &admin).await.unwrap();
    let mut members = Vec::new();
    for (name, login, principal) in [
        ("甲", "lead", true),
        ("乙", "mem1", false),
        ("丙", "mem2", false),
        ("丁", "mem3", false),
    ] {
        let cadre_id = CadreId::new();
        let c = RegisterCadre {
            cadre_id,
            name: name.into(),
            post: if principal { "书记" } else { "班子成员" }.into(),
            duty: if principal {
                CadreDuty::PrincipalLeader { unit_id }
            } else {
                CadreDuty::TeamMember { unit_id }
            },
            direct_leader: None,
        };
        app.cadre_command(cadre_id, c.into(), &admin).await.unwrap();
        let user = RegisterUser {
            username: login.into(),
            display_name: name.into(),
            account: Account::Cadre { cadre_id },
        };
        app.register_user(user, None, &admin).await.unwrap();
        if !principal {
            members.push(cadre_id);
        }
    }
    let (list_id, item_id) = (ListId::new(), ItemId::new());
    let item = DutyItem {
        item_id,
        subject_kind: SubjectKind::TeamMember,
        responsibility: Responsibility::Principal,
        category: "一岗双责".into(),
        content: "年度专题研究".into(),
        cadence: Cadence::Once,
        required_count: 1,
        deadline: DeadlineRule::FixedDate {
            date: "2026-03-31".parse::<NaiveDate>().unwrap(),
        },
    };
    let publish = PublishList {
        list_id,
        year: 2026,
        title: "清单".into(),
        items: vec![item],
    };
    app.list_command(list_id, ListCommand::Publish(publish), &admin)
        .await
        .unwrap();
    let assign = AssignList {
        list_id,
        subjects: members
            .iter()
            .map(|c| Subject::TeamMember { cadre_id: *c })
            .collect(),
    };
    app.list_command(list_id, ListCommand::Assign(assign), &admin)
        .await
        .unwrap();
    District {
        _dir: dir,
        opened,
        clock,
        app,
        source: Source::ListItem { list_id, item_id },
        members,
    }
}

impl District {
    async fn catch_up(&self) {
        for p in serve::projections() {
            projector::catch_up(self.opened.log.clone(), &self.opened.models, p)
                .await
                .unwrap();
        }
    }

    /// Moves the clock to `when` and lets the deadline watcher append what is due there;
    /// the read models are brought up to date.
    async fn reminders_at(&self, when: &str) -> usize {
        self.clock.set(at(when));
        self.catch_up().await;
        let clock: Arc<dyn Clock> = self.clock.clone();
        let pass = Watcher::new(self.opened.log.clone(), self.opened.models.clone(), clock)
            .pass()
            .await
            .unwrap();
        self.catch_up().await;
        pass.appended
    }

    /// The inbox items: key → position.
    fn items(&self) -> BTreeMap<String, u64> {
        let conn = self.opened.models.reader().unwrap();
        inbox::items_after(&conn, 0, 1000)
            .unwrap()
            .into_iter()
            .map(|i| (i.notification.key.to_string(), i.notification.position))
            .collect()
    }

    fn outbox(&self, webhook: &Webhook, options: OutboxOptions) -> Outbox {
        let path = outbox::path_for(&self.opened.base);
        Outbox::open(&path, self.opened.models.clone(), webhook.clone(), options).unwrap()
    }

    async fn record(&self, cadre: CadreId) {
        let r = ObligationRef {
            source: self.source,
            subject: Subject::TeamMember { cadre_id: cadre },
            period: Period::new(2026, Cadence::Once, 1).unwrap(),
        };
        let c = RecordDuty {
            entry_id: EntryId::new(),
            performed_on: self.clock.now().date_naive(),
            content: "召开专题会议".into(),
            attachments: vec![],
            actor: cadre,
        };
        self.app
            .duty_command(r, r.id(), DutyCommand::Record(c), &meta("user:mem1"))
            .await
            .unwrap();
    }
}

/// Quick retries, so the test crosses several back-offs in well under a second.
fn quick() -> OutboxOptions {
    OutboxOptions {
        timeout: Duration::from_millis(300),
        concurrency: 2,
        backoff: outbox::Backoff {
            first: Duration::from_millis(20),
            max: Duration::from_millis(100),
        },
        batch: 2,
    }
}

/// Runs an outbox on its own task; returns its stop signal and task.
fn spawn(
    o: &Outbox,
) -> (
    tokio::sync::watch::Sender<bool>,
    tokio::task::JoinHandle<()>,
) {
    let (stop, stopped) = tokio::sync::watch::channel(false);
    let task = tokio::spawn(outbox::run(o.clone(), Duration::from_millis(20), stopped));
    (stop, task)
}

async fn stop(
    running: (
        tokio::sync::watch::Sender<bool>,
        tokio::task::JoinHandle<()>,
    ),
) {
    running.0.send(true).unwrap();
    tokio::time::timeout(Duration::from_secs(2), running.1)
        .await
        .expect("the outbox stops at once, even mid-request")
        .unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_notification_reaches_a_webhook_that_fails_then_recovers_each_under_one_id() {
    let d = district().await;
    let receiver = Receiver::default();
    receiver.down.store(true, Ordering::SeqCst);
    let webhook = receiver.start().await;

    // The yellow week: three reminders, while the webhook answers 500.
    assert_eq!(d.reminders_at("2026-03-25T00:00:00+08:00").await, 3);
    let first = d.outbox(&webhook, quick());
    let running = spawn(&first);
    until(
        "several failed attempts",
        Duration::from_secs(10),
        || async { receiver.hits().len() >= 6 },
    )
    .await;
    stop(running).await;
    let status = first.status().await.unwrap();
    let yellow = d.items();
    assert_eq!((status.pending, status.delivered), (3, 0), "{status:?}");
    assert_eq!(status.enqueued_through, *yellow.values().max().unwrap());
    for del in first.deliveries().await.unwrap() {
        assert!(!del.delivered && del.attempts >= 1, "{del:?}");
        assert_eq!(del.last_status, Some(500), "{del:?}");
        assert!(
            del.last_error.as_deref().unwrap().contains("500"),
            "{del:?}"
        );
    }
    let while_down = receiver.hits().len();
    assert!(receiver.hits().iter().all(|h| h.answer == Answer::Down));

    // While no outbox runs, the deadline passes: three admonishments more.
    assert_eq!(d.reminders_at("2026-04-01T00:00:00+08:00").await, 3);
    let items = d.items();
    assert_eq!(items.len(), 6);

    // The webhook recovers, though its first answer comes too late; a new outbox over the
    // same file (a restart) delivers everything.
    receiver.down.store(false, Ordering::SeqCst);
    receiver.slow_once.store(true, Ordering::SeqCst);
    let second = d.outbox(&webhook, quick());
    let running = spawn(&second);
    until("every delivery", Duration::from_secs(20), || async {
        second.status().await.unwrap().delivered == 6
    })
    .await;
    stop(running).await;
    let status = second.status().await.unwrap();
    assert_eq!((status.pending, status.delivered), (0, 6), "{status:?}");
    assert_eq!(status.enqueued_through, *items.values().max().unwrap());

    let hits = receiver.hits();
    assert!(hits.len() > while_down);
    let keys: BTreeSet<&str> = items.keys().map(String::as_str).collect();
    let mut ids_by_position: BTreeMap<u64, BTreeSet<&str>> = BTreeMap::new();
    for h in &hits {
        assert!(
            keys.contains(h.id()),
            "an id that is no notification's key: {h:?}"
        );
        assert_eq!(h.idempotency_key.as_deref(), Some(h.id()), "{h:?}");
        assert_eq!(h.content_type.as_deref(), Some("application/json"));
        let position = h.body["position"].as_u64().unwrap();
        assert_eq!(items[h.id()], position, "{h:?}");
        ids_by_position.entry(position).or_default().insert(h.id());
    }
    // One notification, one id, however often it was sent.
    assert!(ids_by_position.values().all(|ids| ids.len() == 1));
    // Each was answered 2xx at least once, and the outbox marks delivered just those.
    let answered_ok: BTreeSet<&str> = hits
        .iter()
        .filter(|h| h.answer == Answer::Ok)
        .map(Hit::id)
        .collect();
    assert_eq!(answered_ok, keys);
    let deliveries = second.deliveries().await.unwrap();
    assert_eq!(deliveries.len(), 6);
    for del in &deliveries {
        let k = del.key.to_string();
        assert!(del.delivered && del.last_status == Some(200), "{del:?}");
        assert!(del.last_error.is_none());
        let sent = hits.iter().filter(|h| h.id() == k).count();
        // A request cut short by the first outbox's stop reached the receiver unrecorded.
        assert!(
            u32::try_from(sent).unwrap() >= del.attempts,
            "every attempt reached the receiver: {del:?}"
        );
        if yellow.contains_key(&k) {
            assert!(
                del.attempts >= 2,
                "failed while down, then sent again: {del:?}"
            );
        }
    }
    // The answer that came too late: not delivered then, so sent again under the same id.
    let slow: Vec<&Hit> = hits.iter().filter(|h| h.answer == Answer::Slow).collect();
    assert_eq!(slow.len(), 1);
    let again: Vec<&Hit> = hits.iter().filter(|h| h.id() == slow[0].id()).collect();
    assert!(again.len() >= 2 && again.last().unwrap().answer == Answer::Ok);
    assert!(
        again.iter().all(|h| h.body == slow[0].body),
        "the same bytes each time"
    );

    // What a delivery says: the notification and whom it is for, by username.
    let m1 = d.members[0].to_string();
    let of = |kind: &str| {
        hits.iter()
            .find(|h| h.body["kind"] == kind && h.body["cadre_id"] == m1.as_str())
            .unwrap()
            .body
            .clone()
    };
    let yellow_week = of("yellow_week");
    assert_eq!(yellow_week["recipients"], serde_json::json!(["mem1"]));
    assert_eq!(yellow_week["deadline"], "2026-03-31");
    assert!(
        yellow_week["title"]
            .as_str()
            .unwrap()
            .starts_with("履责提醒")
    );
    assert_eq!(
        at(yellow_week["occurred_at"].as_str().unwrap()),
        at("2026-03-25T00:00:00+08:00")
    );
    assert!(yellow_week["obligation_id"].is_string());
    assert!(yellow_week.get("filing_id").is_none());
    let admonishment = of("admonishment");
    assert_eq!(
        admonishment["recipients"],
        serde_json::json!(["lead", "mem1"]),
        "the member and their principal leader"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_webhook_that_never_answers_slows_no_command() {
    let d = district().await;
    let receiver = Receiver::default();
    receiver.hang.store(true, Ordering::SeqCst);
    let webhook = receiver.start().await;
    assert_eq!(d.reminders_at("2026-03-25T00:00:00+08:00").await, 3);
    // The production timeout: the outbox is stuck for 10 s on each request.
    let outbox = d.outbox(&webhook, OutboxOptions::default());
    let running = spawn(&outbox);
    until(
        "the outbox to be stuck",
        Duration::from_secs(10),
        || async { receiver.hits().len() >= 3 },
    )
    .await;
    let started = Instant::now();
    d.record(d.members[0]).await;
    let took = started.elapsed();
    assert!(took < Duration::from_secs(2), "a command took {took:?}");
    let status = outbox.status().await.unwrap();
    assert_eq!((status.pending, status.delivered), (3, 0), "still stuck");
    stop(running).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn serve_delivers_to_the_configured_webhook() {
    let d = district().await;
    let receiver = Receiver::default();
    let webhook = receiver.start().await;
    d.clock.set(at("2026-03-25T00:00:00+08:00"));
    // The watcher runs once at start; the inbox projector and the outbox do the rest.
    let clock: Arc<dyn Clock> = d.clock.clone();
    let running = serve::start(
        d.opened.clone(),
        clock,
        "127.0.0.1:0".parse().unwrap(),
        None,
        Some(webhook),
    )
    .await
    .unwrap();
    let reminders = || {
        receiver
            .hits()
            .into_iter()
            .filter(|h| h.body["kind"] == "yellow_week")
            .collect::<Vec<_>>()
    };
    until("three deliveries", Duration::from_secs(20), || async {
        reminders().len() >= 3
    })
    .await;
    running.stop().await.unwrap();
    // The checkpoints went there too, off the machine, signed.
    let checkpoints: Vec<Hit> = receiver
        .hits()
        .into_iter()
        .filter(|h| h.body["kind"] == "checkpoint")
        .collect();
    assert!(!checkpoints.is_empty(), "{:?}", receiver.hits());
    let last: evidence::SignedCheckpoint =
        serde_json::from_value(checkpoints.last().unwrap().body["checkpoint"].clone()).unwrap();
    assert_eq!(
        last.checkpoint.tree_size,
        d.opened.log.head().await.unwrap()
    );
    assert!(receiver.hits().len() == reminders().len() + checkpoints.len());
    let hits = reminders();
    assert!(hits.iter().all(|h| h.body["kind"] == "yellow_week"));
    let ids: BTreeSet<&str> = hits.iter().map(Hit::id).collect();
    assert_eq!(ids.len(), 3);
    assert!(ids.iter().all(|id| id.parse::<Uuid>().is_ok()));
    assert!(outbox::path_for(&d.opened.base).exists());
}

#[test]
fn a_bad_webhook_url_stops_the_start_naming_the_variable_not_the_value() {
    assert!(config::webhook(None).unwrap().is_none());
    assert!(config::webhook(Some("  ")).unwrap().is_none());
    for bad in [
        "https://hooks.example/x?token=s3cr3t",
        "hooks.example/s3cr3t",
    ] {
        let e = config::webhook(Some(bad)).unwrap_err().to_string();
        assert!(e.starts_with("DUTYTRACE_WEBHOOK_URL"), "{e}");
        assert!(!e.contains("s3cr3t"), "{e}");
    }
    let e = config::webhook(Some("https://hooks.example/"))
        .unwrap_err()
        .to_string();
    assert!(e.contains("TLS"), "{e}");
}
