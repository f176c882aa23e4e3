//! The application service over a real SQLite store, with a small aggregate of its own so
//! these tests depend only on the service's behaviour.

#![allow(clippy::unwrap_used, reason = "test helpers fail loudly by design")]

use app::{App, AppError, IdempotencyKey, fingerprint};
use chrono::{DateTime, Utc};
use domain::aggregate::Aggregate;
use domain::error::DomainError;
use domain::events::{Event, GroupStationingChanged, stream};
use domain::ids::{GroupId, UnitId};
use event_store::{Actor, EventStore, StreamName, SystemClock};
use std::sync::Arc;
use store_sqlite::{SqliteOptions, SqliteStore};

/// Counts the stationing changes of a group; refuses an empty list.
#[derive(Debug)]
struct Stationing;

#[derive(Debug)]
struct Station {
    group: GroupId,
    units: Vec<UnitId>,
}

impl Aggregate for Stationing {
    type State = u32;
    type Command = Station;
    type Context = ();

    fn evolve(state: &mut u32, event: &Event) {
        if let Event::GroupStationingChanged(_) = event {
            *state += 1;
        }
    }

    fn decide(_: &u32, c: Station, _: &(), _: DateTime<Utc>) -> Result<Vec<Event>, DomainError> {
        if c.units.is_empty() {
            return Err(DomainError::invalid("stationed_in", "empty"));
        }
        Ok(vec![
            GroupStationingChanged {
                group_id: c.group,
                stationed_in: c.units,
            }
            .into(),
        ])
    }
}

fn setup() -> (tempfile::TempDir, App, Arc<dyn EventStore>) {
    let dir = tempfile::tempdir().unwrap();
    let store: Arc<dyn EventStore> =
        Arc::new(SqliteStore::open(dir.path().join("log.db"), SqliteOptions::default()).unwrap());
    (dir, App::new(store.clone(), Arc::new(SystemClock)), store)
}

fn actor() -> Actor {
    Actor::new("user:clerk").unwrap()
}

#[tokio::test]
async fn a_command_is_decided_and_appended() {
    let (_d, app, store) = setup();
    let g = GroupId::new();
    let s = StreamName::new(stream::group(g)).unwrap();
    let unit = UnitId::new();
    let cmd = || Station {
        group: g,
        units: vec![unit],
    };
    let out = app
        .execute::<Stationing>(&s, &actor(), None, fingerprint("a"), cmd, &())
        .await
        .unwrap();
    assert_eq!(
        (out.stream_version, out.positions.clone(), out.replayed),
        (1, vec![1], false)
    );
    let stored = store
        .read_all(1, &Default::default(), 10)
        .await
        .unwrap()
        .events;
    assert_eq!(stored[0].event_type.as_str(), "GroupStationingChanged");
    assert_eq!(stored[0].actor.as_str(), "user:clerk");
    assert_eq!(stored[0].event_id, out.event_ids[0]);
    assert_eq!(app.load::<Stationing>(&s).await.unwrap().state, 1);
}

#[tokio::test]
async fn a_refused_command_writes_nothing() {
    let (_d, app, store) = setup();
    let g = GroupId::new();
    let s = StreamName::new(stream::group(g)).unwrap();
    let err = app
        .execute::<Stationing>(
            &s,
            &actor(),
            None,
            fingerprint("a"),
            || Station {
                group: g,
                units: vec![],
            },
            &(),
        )
        .await
        .unwrap_err();
    assert_eq!(
        err,
        AppError::Domain(DomainError::invalid("stationed_in", "empty"))
    );
    assert_eq!(store.head().await.unwrap(), 0);
}

#[tokio::test]
async fn a_retry_with_the_same_key_gets_the_first_answer_and_writes_nothing() {
    let (_d, app, store) = setup();
    let g = GroupId::new();
    let s = StreamName::new(stream::group(g)).unwrap();
    let unit = UnitId::new();
    let key = IdempotencyKey::new(&actor(), "req-1").unwrap();
    let cmd = || Station {
        group: g,
        units: vec![unit],
    };
    let first = app
        .execute::<Stationing>(&s, &actor(), Some(&key), fingerprint("body-1"), cmd, &())
        .await
        .unwrap();
    // Something else happens to the stream in between.
    app.execute::<Stationing>(&s, &actor(), None, fingerprint("other"), cmd, &())
        .await
        .unwrap();
    let again = app
        .execute::<Stationing>(&s, &actor(), Some(&key), fingerprint("body-1"), cmd, &())
        .await
        .unwrap();
    assert!(again.replayed);
    assert_eq!(
        (again.positions.clone(), again.stream_version),
        (first.positions.clone(), 1)
    );
    assert_eq!(again.event_ids, first.event_ids);
    assert_eq!(store.head().await.unwrap(), 2);

    // The same key for a different request is refused, and writes nothing either.
    let err = app
        .execute::<Stationing>(&s, &actor(), Some(&key), fingerprint("body-2"), cmd, &())
        .await
        .unwrap_err();
    assert_eq!(err, AppError::IdempotencyKeyReused);
    assert_eq!(store.head().await.unwrap(), 2);

    // Another actor's identical key is another request.
    let other = Actor::new("user:other").unwrap();
    let theirs = IdempotencyKey::new(&other, "req-1").unwrap();
    let out = app
        .execute::<Stationing>(&s, &other, Some(&theirs), fingerprint("body-1"), cmd, &())
        .await
        .unwrap();
    assert!(!out.replayed);
    assert_eq!(out.stream_version, 3);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_commands_on_one_stream_all_land_by_retrying_and_retries_of_one_request_land_once()
 {
    let (_d, app, store) = setup();
    let g = GroupId::new();
    let s = StreamName::new(stream::group(g)).unwrap();
    let mut tasks = Vec::new();
    for i in 0..16 {
        let (app, s) = (app.clone(), s.clone());
        tasks.push(tokio::spawn(async move {
            let unit = UnitId::new();
            // Requests 0–7 are distinct; 8–15 are the same request retried with one key.
            let (key, body) = if i < 8 {
                (None, format!("distinct-{i}"))
            } else {
                (
                    Some(IdempotencyKey::new(&actor(), "same").unwrap()),
                    "same".to_owned(),
                )
            };
            let units = if i < 8 {
                vec![unit]
            } else {
                vec![UnitId(uuid::Uuid::nil())]
            };
            app.execute::<Stationing>(
                &s,
                &actor(),
                key.as_ref(),
                fingerprint(&body),
                || Station {
                    group: g,
                    units: units.clone(),
                },
                &(),
            )
            .await
        }));
    }
    let mut replays = 0;
    for t in tasks {
        let out = t.await.unwrap().unwrap();
        replays += usize::from(out.replayed);
    }
    // 8 distinct + the keyed request once.
    assert_eq!(store.stream_version(&s).await.unwrap(), 9);
    assert_eq!(replays, 7);
    assert_eq!(app.load::<Stationing>(&s).await.unwrap().state, 9);
}
