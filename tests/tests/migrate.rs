//! `dutytrace migrate-store`: the demo district copied from SQLite to PostgreSQL serves
//! the same boards, under the same logins, with the same Merkle root and signing key; an
//! interrupted copy resumes; a target holding another log is refused.

#![allow(clippy::unwrap_used, reason = "test helpers fail loudly by design")]

use dutytrace::demo::{self, DEMO_PASSWORD, plan, seed};
use dutytrace::migrate::{MigrateArgs, migrate};
use dutytrace::serve;
use dutytrace::stores;
use dutytrace_tests::postgres::TestSchema;
use dutytrace_tests::server::Client;
use event_store::{Clock, ExpectedVersion, ManualClock, StreamName};
use serde_json::{Value, json};
use std::path::Path;
use std::sync::Arc;

fn enc(s: &str) -> String {
    s.replace('+', "%2B").replace(':', "%3A")
}

/// What the service shows the commission: the board now and on two past days, one unit's
/// obligations, the problem ledger, and the latest signed checkpoint.
fn views(address: &str) -> (Vec<Value>, Value) {
    let anon = Client::at(address, None);
    let (status, body) = anon.post(
        "/api/v1/auth/login",
        &json!({"username": "jiwei", "password": DEMO_PASSWORD}),
        &[],
    );
    assert_eq!(status, 200, "the demo login signs in: {body}");
    let c = Client::at(address, body["token"].as_str().map(str::to_owned));
    let board = c.get_json("/api/v1/board");
    let unit = board["units"][3]["unit_id"]
        .as_str()
        .expect("a unit")
        .to_owned();
    let mut out = vec![board];
    for as_of in ["2026-06-30T23:59:59+08:00", "2026-03-31T12:00:00+08:00"] {
        out.push(c.get_json(&format!("/api/v1/board?as_of={}", enc(as_of))));
    }
    out.push(c.get_json(&format!("/api/v1/units/{unit}/obligations")));
    out.push(c.get_json("/api/v1/problems?limit=200"));
    (out, c.get_json("/api/v1/checkpoints/latest"))
}

/// Serves the store and looks at it, once every read model has caught up with the log (a
/// fresh data directory builds them from zero).
async fn serve_and_look(opened: stores::Opened, clock: Arc<dyn Clock>) -> (Vec<Value>, Value) {
    for projection in serve::projections() {
        projector::catch_up(opened.log.clone(), &opened.models, projection)
            .await
            .expect("a read model caught up");
    }
    let running = serve::start(opened, clock, "127.0.0.1:0".parse().unwrap(), None, None)
        .await
        .expect("the service starts");
    let address = running.address.to_string();
    let seen = tokio::task::spawn_blocking(move || views(&address))
        .await
        .expect("the requests");
    running.stop().await.expect("the service stops");
    seen
}

fn args(from: &str, to: &str, to_data_dir: &Path) -> MigrateArgs {
    MigrateArgs {
        from: from.to_owned(),
        to: to.to_owned(),
        from_data_dir: None,
        to_data_dir: Some(to_data_dir.to_owned()),
        page: 1_000,
    }
}

/// The demo district, served once on SQLite (which adopts a signing key and publishes a
/// checkpoint), is copied to PostgreSQL after an interrupted first attempt; served from
/// there it shows the same boards, obligations and ledger to the same login, and signs
/// the same Merkle root with the same key.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn the_demo_moves_from_sqlite_to_postgres_with_the_same_boards_and_root() {
    let Some(schema) = TestSchema::new().await else {
        return;
    };
    the_demo_moves_with_the_same_boards_and_root(&schema.url(), Credentials::InTheDatabase).await;
}

/// The same move to KurrentDB (the fake server, or `DUTYTRACE_TEST_KURRENTDB`), whose
/// credentials stay in the data directory when no PostgreSQL database is named for them.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn the_demo_moves_from_sqlite_to_kurrentdb_with_the_same_boards_and_root() {
    let harness = dutytrace_tests::kurrent::KurrentHarness::new().await;
    the_demo_moves_with_the_same_boards_and_root(
        &store_contract::Harness::url(&harness),
        Credentials::InTheDataDirectory,
    )
    .await;
}

/// Where the target keeps the logins.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Credentials {
    InTheDatabase,
    InTheDataDirectory,
}

async fn the_demo_moves_with_the_same_boards_and_root(to: &str, credentials: Credentials) {
    let dir = tempfile::tempdir().unwrap();
    let sqlite = format!("sqlite://{}", dir.path().join("demo.db").display());
    let plan = plan::Plan::build();
    let clock = Arc::new(ManualClock::new(plan::now()));
    let opened = stores::open(&sqlite, None, clock.clone()).await.unwrap();
    seed::prepare(opened.log.clone(), clock.clone(), &plan)
        .await
        .expect("seeded");
    demo::make_ready(&opened, &plan).await.expect("ready");
    // The reminders due now, so that neither service appends any when it starts.
    dutytrace::watcher::Watcher::new(opened.log.clone(), opened.models.clone(), clock.clone())
        .pass()
        .await
        .expect("a watcher pass");
    let before = serve_and_look(opened.clone(), clock.clone()).await;
    opened.close().await;

    // A first attempt that stopped after 1,000 events.
    let data = tempfile::tempdir().unwrap();
    let source = stores::open_log(&sqlite, None, clock.clone())
        .await
        .unwrap();
    let target = stores::open_log(to, Some(data.path()), clock.clone())
        .await
        .unwrap();
    let first = source.log.read_for_copy(1, 1_000).await.unwrap();
    target.log.import(first).await.unwrap();
    source.close().await;
    target.close().await;

    let migrated = migrate(&args(&sqlite, to, data.path()))
        .await
        .expect("the copy");
    let events = before.1["tree_size"].as_u64().expect("a tree size");
    assert_eq!(migrated.events, events, "every event, no more");
    assert_eq!(migrated.copied, events - 1_000, "it resumed after 1,000");
    assert_eq!(Some(migrated.root.as_str()), before.1["root"].as_str());
    assert!(
        migrated.checkpoints >= 1,
        "checked against the published checkpoints"
    );
    let copied: Vec<String> = migrated
        .files
        .iter()
        .map(|f| f.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    for f in ["dutytrace.signing.key", "dutytrace.checkpoints.jsonl"] {
        assert!(copied.iter().any(|c| c == f), "{f} copied: {copied:?}");
    }
    // The credentials went into the database (not into a file of the data directory), or
    // into the data directory's file for a log on KurrentDB without one.
    assert!(
        migrated.logins > 200,
        "the demo's logins: {}",
        migrated.logins
    );
    assert_eq!(
        data.path().join("dutytrace.auth.db").exists(),
        credentials == Credentials::InTheDataDirectory
    );

    let opened = stores::open(to, Some(data.path()), clock.clone())
        .await
        .unwrap();
    assert_eq!(opened.log.head().await.unwrap(), events);
    let after = serve_and_look(opened.clone(), clock.clone()).await;
    for (i, (b, a)) in before.0.iter().zip(&after.0).enumerate() {
        assert_eq!(b, a, "view {i} differs after the move");
    }
    for field in ["tree_size", "root", "key_id", "origin"] {
        assert_eq!(
            before.1[field], after.1[field],
            "{field} of the latest checkpoint"
        );
    }

    // Again: nothing left to copy, and the same root.
    let again = migrate(&args(&sqlite, to, data.path()))
        .await
        .expect("a second run");
    assert_eq!((again.copied, again.root), (0, migrated.root));
}

/// A target that holds another log is refused before anything is written, and so is a
/// source that holds nothing.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_target_holding_another_log_is_refused() {
    let Some(schema) = TestSchema::new().await else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let sqlite = format!("sqlite://{}", dir.path().join("one.db").display());
    let clock: Arc<dyn Clock> = Arc::new(ManualClock::new(plan::now()));
    let event = || {
        event_store::NewEvent::new(
            event_store::EventType::new("UnitRegistered").unwrap(),
            event_store::Payload::from_json(r#"{"name":"某单位"}"#).unwrap(),
            event_store::Actor::new("user:test").unwrap(),
            plan::now(),
        )
    };
    let stream = StreamName::new("unit-1").unwrap();
    for url in [sqlite.as_str(), &schema.url()] {
        let log = stores::open_log(url, Some(dir.path()), clock.clone())
            .await
            .unwrap();
        log.log
            .append(&stream, ExpectedVersion::Any, vec![event(), event()])
            .await
            .unwrap();
        log.close().await;
    }
    let err = migrate(&args(&sqlite, &schema.url(), dir.path()))
        .await
        .expect_err("another log");
    assert!(err.to_string().contains("holds another log"), "{err:#}");
    let target = stores::open_log(&schema.url(), Some(dir.path()), clock.clone())
        .await
        .unwrap();
    assert_eq!(target.log.head().await.unwrap(), 2, "nothing written");
    target.close().await;

    let empty = format!("sqlite://{}", dir.path().join("missing.db").display());
    let err = migrate(&args(&empty, &schema.url(), dir.path()))
        .await
        .expect_err("no source");
    assert!(err.to_string().contains("does not exist"), "{err:#}");
    assert!(
        !dir.path().join("missing.db").exists(),
        "the source is not created"
    );
}
