//! Behaviour specific to the SQLite backend (the shared contract lives in `store-contract`).

#![allow(clippy::unwrap_used, reason = "test helpers fail loudly by design")]

use chrono::Utc;
use event_store::{
    Actor, EventStore, EventType, ExpectedVersion, NewEvent, Payload, StoreError, StreamName,
};
mod common;

use common::event;
use store_sqlite::{SqliteOptions, SqliteStore, WalLimits, path_from_url};

#[tokio::test]
async fn appends_and_reads_back() {
    let dir = tempfile::tempdir().unwrap();
    let store = SqliteStore::open(dir.path().join("log.db"), SqliteOptions::default()).unwrap();
    let s = StreamName::new("cadre-1").unwrap();
    let r = store
        .append(&s, ExpectedVersion::NoStream, vec![event(1), event(2)])
        .await
        .unwrap();
    assert_eq!(r.stream_version, 2);
    assert_eq!(r.positions, vec![1, 2]);
    assert_eq!(store.head().await.unwrap(), 2);
    assert_eq!(*store.watch_head().borrow(), 2);
}

#[tokio::test]
async fn the_log_refuses_update_and_delete_even_from_outside() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("log.db");
    let store = SqliteStore::open(&path, SqliteOptions::default()).unwrap();
    let s = StreamName::new("cadre-1").unwrap();
    store
        .append(&s, ExpectedVersion::Any, vec![event(1)])
        .await
        .unwrap();
    store.close().await;
    let conn = rusqlite::Connection::open(&path).unwrap();
    let err = conn.execute("DELETE FROM events", []).unwrap_err();
    assert!(err.to_string().contains("append-only"), "{err}");
    let err = conn
        .execute("UPDATE events SET payload = '{}'", [])
        .unwrap_err();
    assert!(err.to_string().contains("append-only"), "{err}");
    let n: i64 = conn
        .query_row("SELECT count(*) FROM events", [], |r| r.get(0))
        .unwrap();
    assert_eq!(n, 1);
}

#[tokio::test]
async fn a_foreign_sqlite_file_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("other.db");
    let conn = rusqlite::Connection::open(&path).unwrap();
    conn.execute_batch("PRAGMA application_id = 42; CREATE TABLE t (x);")
        .unwrap();
    drop(conn);
    let err = SqliteStore::open(&path, SqliteOptions::default()).unwrap_err();
    assert!(
        matches!(err, StoreError::Unavailable(ref m) if m.contains("not a dutytrace")),
        "{err}"
    );
}

#[tokio::test]
async fn appends_after_close_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let store = SqliteStore::open(dir.path().join("log.db"), SqliteOptions::default()).unwrap();
    store.close().await;
    let s = StreamName::new("cadre-1").unwrap();
    let err = store
        .append(&s, ExpectedVersion::Any, vec![event(1)])
        .await
        .unwrap_err();
    assert_eq!(err, StoreError::Closed, "{err}");
}

#[test]
fn urls_name_files() {
    assert_eq!(
        path_from_url("sqlite://dutytrace.db").unwrap().to_str(),
        Some("dutytrace.db")
    );
    assert_eq!(
        path_from_url("sqlite:///var/lib/x.db").unwrap().to_str(),
        Some("/var/lib/x.db")
    );
    assert!(path_from_url("postgres://x").is_err());
    assert!(path_from_url("sqlite://").is_err());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_wal_is_checkpointed_into_the_main_file_while_appends_go_on() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("log.db");
    let options = SqliteOptions {
        wal: WalLimits {
            nudge_pages: 4,
            backstop_pages: 32,
        },
        ..SqliteOptions::default()
    };
    let store = SqliteStore::open(&path, options).unwrap();
    let empty = std::fs::metadata(&path).unwrap().len();
    let mut tasks = Vec::new();
    for w in 0..8 {
        let store = store.clone();
        tasks.push(tokio::spawn(async move {
            let s = StreamName::new(format!("cadre-{w}")).unwrap();
            for n in 0..100 {
                let big = format!("{{\"n\":{n},\"text\":\"{}\"}}", "履责".repeat(300));
                let e = NewEvent::new(
                    EventType::new("DutyRecorded").unwrap(),
                    Payload::from_json(big).unwrap(),
                    Actor::new("user:test").unwrap(),
                    Utc::now(),
                );
                store
                    .append(&s, ExpectedVersion::Any, vec![e])
                    .await
                    .unwrap();
            }
        }));
    }
    for t in tasks {
        t.await.unwrap();
    }
    // 800 events of ~2 KB are ~400 pages: the writer's backstop at 32 pages has copied
    // them into the main file while the store is still open, and every append succeeded.
    let main = std::fs::metadata(&path).unwrap().len();
    assert!(
        main > empty + 400 * 4096,
        "main file {main} bytes, empty {empty}"
    );
    assert_eq!(store.head().await.unwrap(), 800);
    let wal = std::fs::metadata(dir.path().join("log.db-wal"))
        .unwrap()
        .len();
    assert!(
        wal < main,
        "the WAL ({wal} bytes) restarted instead of holding the whole log"
    );
}
