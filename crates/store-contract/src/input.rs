//! Bad input: refused with a typed error before anything is written.

use crate::Harness;
use crate::fixtures::{assert_log_is, ev, evs, n_of, open_empty, read_everything, stream};
use event_store::{
    Actor, EventType, ExpectedVersion, InvalidInput, MAX_APPEND_BYTES, MAX_EVENTS_PER_APPEND,
    MAX_PAYLOAD_BYTES, NewEvent, Payload, StoreError, StreamName,
};

/// Stream names, event types and payloads are parsed at the edge: malformed ones never
/// reach a store, and each is refused with its own error kind.
pub async fn bad_names_and_payloads_are_refused_with_typed_errors(h: &dyn Harness) {
    let store = open_empty(h).await;
    let long = "a".repeat(201);
    for bad in [
        "",
        "$all",
        "-cadre",
        "_x",
        "cadre 1",
        "cadre/1",
        "干部-1",
        "cadre-1\n",
        &long,
    ] {
        assert!(
            matches!(StreamName::new(bad), Err(InvalidInput::StreamName { .. })),
            "stream name {bad:?}"
        );
    }
    for good in ["cadre-1", "cadre", "a", "0190c6a2", "unit-3.2:x_y"] {
        assert!(StreamName::new(good).is_ok(), "stream name {good:?}");
    }
    let long = "A".repeat(101);
    for bad in [
        "",
        "Duty Recorded",
        "duty-recorded",
        "1Duty",
        "_Duty",
        "Duty.Recorded",
        "职责",
        &long,
    ] {
        assert!(
            matches!(EventType::new(bad), Err(InvalidInput::EventType { .. })),
            "event type {bad:?}"
        );
    }
    for bad in [
        "", "not json", "null", "[1]", "\"x\"", "{", "{} {}", "{\"a\":}",
    ] {
        assert!(
            matches!(Payload::from_json(bad), Err(InvalidInput::Payload { .. })),
            "payload {bad:?}"
        );
    }
    assert!(matches!(
        Payload::from_slice(b"{\"a\":\"\xff\"}"),
        Err(InvalidInput::Payload { .. })
    ));
    let over = format!("{{\"x\":\"{}\"}}", "a".repeat(MAX_PAYLOAD_BYTES - 7));
    assert_eq!(over.len(), MAX_PAYLOAD_BYTES + 1);
    assert_eq!(
        Payload::from_json(over),
        Err(InvalidInput::PayloadTooLarge {
            size: MAX_PAYLOAD_BYTES + 1,
            limit: MAX_PAYLOAD_BYTES
        })
    );
    assert!(matches!(Actor::new(" "), Err(InvalidInput::Actor { .. })));
    assert_eq!(store.head().await.expect("head"), 0);
}

/// Appends that break the envelope's rules (empty, too many events, too many bytes,
/// duplicate ids, nil ids, schema version 0) are refused whole with the exact error, and
/// the log is unchanged.
pub async fn invalid_appends_are_refused_and_write_nothing(h: &dyn Harness) {
    let store = open_empty(h).await;
    let s = stream("cadre-1");
    store
        .append(&s, ExpectedVersion::NoStream, vec![ev(0)])
        .await
        .expect("seed");
    let before = read_everything(&*store).await;

    let refuse = |events: Vec<NewEvent>, expected: InvalidInput| {
        let store = store.clone();
        let s = s.clone();
        async move {
            for version in [ExpectedVersion::Any, ExpectedVersion::Exact(1)] {
                let err = store
                    .append(&s, version, events.clone())
                    .await
                    .expect_err("an invalid append");
                assert_eq!(err, StoreError::Invalid(expected.clone()), "{version:?}");
            }
        }
    };

    refuse(Vec::new(), InvalidInput::EmptyAppend).await;
    refuse(
        evs(1, MAX_EVENTS_PER_APPEND as u64 + 1),
        InvalidInput::TooManyEvents {
            count: MAX_EVENTS_PER_APPEND + 1,
            limit: MAX_EVENTS_PER_APPEND,
        },
    )
    .await;

    // Each payload fits, together they do not.
    let big = Payload::from_json(format!(
        "{{\"x\":\"{}\"}}",
        "a".repeat(MAX_PAYLOAD_BYTES - 8)
    ))
    .expect("a payload of exactly the limit");
    let count = MAX_APPEND_BYTES / MAX_PAYLOAD_BYTES + 1;
    let too_big: Vec<_> = (0..count)
        .map(|_| {
            let mut e = ev(0);
            e.payload = big.clone();
            e
        })
        .collect();
    refuse(
        too_big,
        InvalidInput::AppendTooLarge {
            size: count * MAX_PAYLOAD_BYTES,
            limit: MAX_APPEND_BYTES,
        },
    )
    .await;

    let mut dup = evs(1, 4);
    dup[3] = dup[1].clone();
    let id = dup[1].event_id;
    refuse(dup, InvalidInput::DuplicateEventId { event_id: id }).await;
    refuse(
        vec![ev(1).with_id(uuid::Uuid::nil())],
        InvalidInput::NilEventId,
    )
    .await;
    refuse(
        vec![ev(1).with_schema_version(0)],
        InvalidInput::SchemaVersion,
    )
    .await;

    assert_log_is(&*store, &before, "after invalid appends").await;
    assert_eq!(store.stream_version(&s).await.expect("version"), 1);
}

/// An append of exactly the most events allowed is stored whole, in order.
pub async fn the_largest_allowed_append_is_stored(h: &dyn Harness) {
    let store = open_empty(h).await;
    let s = stream("cadre-1");
    let n = MAX_EVENTS_PER_APPEND as u64;
    let r = store
        .append(&s, ExpectedVersion::NoStream, evs(1, n))
        .await
        .expect("an append of the most events allowed");
    assert_eq!(r.stream_version, n);
    assert_eq!(r.positions, (1..=n).collect::<Vec<_>>());
    let all = read_everything(&*store).await;
    assert_eq!(all.len() as u64, n);
    for (i, e) in all.iter().enumerate() {
        let i = i as u64 + 1;
        assert_eq!((e.position, e.version, n_of(e)), (i, i, i));
    }
}
