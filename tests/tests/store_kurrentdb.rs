//! The shared event-store contract, run against the KurrentDB backend: on the server named
//! by `DUTYTRACE_TEST_KURRENTDB` (each case under a prefix of its own), or else on the
//! in-memory fake of the KurrentDB protocol (see `dutytrace_tests::kurrent`).

use dutytrace_tests::kurrent::KurrentHarness;

store_contract::contract_tests!(KurrentHarness::new().await);

/// What only this backend has to show: the dense positions it counts over `$all`, and two
/// processes' views of one server.
mod kurrentdb {
    use dutytrace_tests::kurrent::KurrentHarness;
    use event_store::{EventStore, ExpectedVersion, StoreError};
    use std::time::Duration;
    use store_contract::{event, read_everything, stream};
    use store_kurrentdb::KurrentStore;

    fn ev(n: u64) -> event_store::NewEvent {
        event("DutyRecorded", serde_json::json!({ "n": n }))
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn system_events_in_all_take_no_position() {
        let harness = KurrentHarness::new().await;
        let Some(fake) = harness.fake() else {
            // A real server writes its own $stats events; nothing to inject.
            return;
        };
        let store = harness.store().await;
        let s = stream("unit-1");
        store
            .append(&s, ExpectedVersion::NoStream, vec![ev(1), ev(2)])
            .await
            .expect("append");
        fake.append_system_event("$stats-127.0.0.1:2113", "$statsCollected");
        fake.append_system_event("$$unit-1", "$metadata");
        let third = store
            .append(&s, ExpectedVersion::Exact(2), vec![ev(3)])
            .await
            .expect("append after system events");
        assert_eq!(third.positions, vec![3], "system events were counted");
        assert_eq!(fake.event_count(), 5, "the server holds the system events");
        assert_eq!(store.head().await.expect("head"), 3);
        let positions: Vec<u64> = read_everything(&store)
            .await
            .iter()
            .map(|e| e.position)
            .collect();
        assert_eq!(positions, vec![1, 2, 3]);
        // A process that opens the log afterwards counts the same positions.
        let other = harness.store().await;
        assert_eq!(read_everything(&other).await, read_everything(&store).await);
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn another_process_sees_an_append_at_once_and_its_head_watch_moves() {
        let harness = KurrentHarness::new().await;
        let (a, b) = (harness.store().await, harness.store().await);
        let mut watch = b.watch_head();
        let r = a
            .append(&stream("cadre-7"), ExpectedVersion::Any, vec![ev(1)])
            .await
            .expect("append through a");
        // head reads on from what b counted: no waiting for its subscription.
        assert_eq!(b.head().await.expect("head of b"), r.last_position());
        let r2 = a
            .append(&stream("cadre-8"), ExpectedVersion::Any, vec![ev(2)])
            .await
            .expect("second append through a");
        // b's subscription to $all moves its head watch by itself.
        tokio::time::timeout(
            Duration::from_secs(10),
            watch.wait_for(|h| *h >= r2.last_position()),
        )
        .await
        .expect("b's head watch follows a's appends")
        .expect("the watch is open");
        // The same id through the other process is the same append, not a new one.
        let again = b
            .append(
                &stream("cadre-8"),
                ExpectedVersion::Any,
                vec![{
                    let mut e = ev(2);
                    e.event_id = read_everything(&b).await[1].event_id;
                    e.occurred_at = read_everything(&b).await[1].occurred_at;
                    e
                }],
            )
            .await
            .expect("a retry through b");
        assert!(again.deduplicated, "{again:?}");
        assert_eq!(again.positions, r2.positions);
    }

    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn a_server_that_cannot_be_reached_is_named_in_the_error() {
        // A port nothing listens on: bind one, then let it go.
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .and_then(|l| l.local_addr())
            .expect("a free port")
            .port();
        let url = format!(
            "kurrentdb://127.0.0.1:{port}?tls=false&maxDiscoverAttempts=2&discoveryInterval=50"
        );
        let err = tokio::time::timeout(
            Duration::from_secs(30),
            KurrentStore::connect(&url, Default::default()),
        )
        .await
        .expect("connect gives up in bounded time")
        .expect_err("nothing listens there");
        assert!(matches!(err, StoreError::Unavailable(_)), "{err:?}");
        assert!(
            err.to_string().contains(&format!("127.0.0.1:{port}")),
            "{err}"
        );
    }

    /// The server goes away mid-run: appends answer `Unavailable` (the API's 503) and
    /// write nothing; when it is back on its address, the same store appends again by
    /// itself, and another process's subscription resumes from where it was.
    #[tokio::test(flavor = "multi_thread", worker_threads = 4)]
    async fn a_server_gone_mid_run_makes_appends_unavailable_and_the_store_reconnects() {
        let mut harness = KurrentHarness::new().await;
        let Some(fake) = harness.take_fake() else {
            // A real server is not ours to stop.
            return;
        };
        let (store, other) = (harness.store().await, harness.store().await);
        let s = stream("unit-1");
        store
            .append(&s, ExpectedVersion::NoStream, vec![ev(1)])
            .await
            .expect("append while the server is up");
        let stopped = fake.stop().await;
        let err = tokio::time::timeout(
            Duration::from_secs(60),
            store.append(&s, ExpectedVersion::Exact(1), vec![ev(2)]),
        )
        .await
        .expect("the append gives up in bounded time")
        .expect_err("the server is gone");
        assert!(matches!(err, StoreError::Unavailable(_)), "{err:?}");

        let _fake = stopped.start().await.expect("the server is back");
        let mut watch = other.watch_head();
        let deadline = std::time::Instant::now() + Duration::from_secs(60);
        let appended = loop {
            match store
                .append(&s, ExpectedVersion::Exact(1), vec![ev(2)])
                .await
            {
                Ok(r) => break r,
                Err(StoreError::Unavailable(e)) if std::time::Instant::now() < deadline => {
                    eprintln!("still reconnecting: {e}");
                }
                Err(e) => panic!("the store did not come back: {e}"),
            }
        };
        assert_eq!(
            appended.positions,
            vec![2],
            "nothing of the refused append was written"
        );
        tokio::time::timeout(Duration::from_secs(30), watch.wait_for(|h| *h >= 2))
            .await
            .expect("the other process's subscription resumed")
            .expect("the watch is open");
        let payloads: Vec<String> = read_everything(&other)
            .await
            .iter()
            .map(|e| e.payload.as_str().to_owned())
            .collect();
        assert_eq!(payloads, vec![r#"{"n":1}"#, r#"{"n":2}"#]);
    }
}
