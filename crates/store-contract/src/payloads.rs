//! What goes in comes out: every envelope field, and payload text byte for byte.

use crate::Harness;
use crate::fixtures::{open_empty, read_everything, stream};
use chrono::{DateTime, TimeZone, Utc};
use event_store::{
    Actor, Direction, EventType, ExpectedVersion, Filter, MAX_PAYLOAD_BYTES, NewEvent, Payload,
};
use uuid::Uuid;

fn instant(secs: i64, nanos: u32) -> DateTime<Utc> {
    Utc.timestamp_opt(secs, nanos)
        .single()
        .expect("a valid instant")
}

/// Every field of the envelope is stored as given (instants to the microsecond), with the
/// stream, version and position the store assigned.
pub async fn the_envelope_round_trips(h: &dyn Harness) {
    let store = open_empty(h).await;
    let s = stream("cadre-0190c6a2-7d3e-7000-8000-000000000001");
    let correlation = Uuid::now_v7();
    let causation = Uuid::now_v7();
    let events = vec![
        NewEvent::new(
            EventType::new("DutyBackfilled").expect("type"),
            Payload::from_json(r#"{"duty":"谈心谈话","补录":true}"#).expect("json"),
            Actor::new("user:张三").expect("actor"),
            // 3 June 2024, with nanoseconds the store drops.
            instant(1_717_407_000, 123_456_789),
        )
        .with_schema_version(3)
        .caused_by(correlation, Some(causation)),
        NewEvent::new(
            EventType::new("ReminderSent").expect("type"),
            Payload::from_json("{}").expect("json"),
            Actor::new("system:deadline-watcher").expect("actor"),
            // Before the Unix epoch.
            instant(-86_400 * 365, 1_000),
        )
        .caused_by(correlation, None),
        NewEvent::new(
            EventType::new("X9_y").expect("type"),
            Payload::from_json(r#"{"n":1}"#).expect("json"),
            Actor::new("import:2019 台账").expect("actor"),
            instant(4_102_444_800, 999_999_999),
        ),
    ];
    let r = store
        .append(&s, ExpectedVersion::NoStream, events.clone())
        .await
        .expect("append");
    let read = store
        .read_stream(&s, Direction::Forward, 1, 10)
        .await
        .expect("read_stream");
    assert_eq!(read, read_everything(&*store).await);
    assert_eq!(read.len(), events.len());
    for (i, (sent, got)) in events.iter().zip(&read).enumerate() {
        let i = i as u64 + 1;
        assert_eq!((got.position, got.version, &got.stream), (i, i, &s));
        assert_eq!(got.event_id, sent.event_id);
        assert_eq!(got.event_type, sent.event_type);
        assert_eq!(got.schema_version, sent.schema_version);
        assert_eq!(got.actor, sent.actor);
        assert_eq!(got.correlation_id, sent.correlation_id);
        assert_eq!(got.causation_id, sent.causation_id);
        assert_eq!(got.payload.as_str(), sent.payload.as_str());
        let micros = sent.occurred_at.timestamp_micros();
        assert_eq!(
            got.occurred_at,
            DateTime::from_timestamp_micros(micros).expect("instant"),
            "occurred_at is kept to the microsecond"
        );
        assert_eq!(got.recorded_at, r.recorded_at);
        assert_eq!(got.recorded_at.timestamp_subsec_nanos() % 1000, 0);
        assert!(sent.same_content_as(got));
    }
}

/// Payloads up to the 1 MiB limit, Chinese text, astral-plane characters, escapes,
/// whitespace and key order all come back as the exact bytes appended.
pub async fn large_and_chinese_payloads_round_trip_byte_for_byte(h: &dyn Harness) {
    let store = open_empty(h).await;
    let chinese = "{ \"内容\" : \"每半年分析苗头性倾向性问题，落实‘第一种形态’\",\n  \"z\":1, \"a\" : 2.50, \"e\":1E2,\"esc\":\"\\u4e2d\\n\\\"\\\\\", \"𠀀😀\":[ ] }";
    let prefix = "{\"全面从严治党\":\"";
    let suffix = "\"}";
    let fill = MAX_PAYLOAD_BYTES - prefix.len() - suffix.len();
    // Three-byte characters, padded with ASCII to land exactly on the limit.
    let body = format!("{}{}", "责".repeat(fill / 3), "x".repeat(fill % 3));
    let max = format!("{prefix}{body}{suffix}");
    assert_eq!(max.len(), MAX_PAYLOAD_BYTES);
    let nearly = format!("{{\"x\":\"{}\"}}", "ab\\\"".repeat(200_000));
    let texts = [
        chinese.to_owned(),
        max.clone(),
        nearly,
        "{}".to_owned(),
        max,
    ];

    let s = stream("cadre-1");
    let events: Vec<_> = texts
        .iter()
        .map(|t| {
            NewEvent::new(
                EventType::new("DutyRecorded").expect("type"),
                Payload::from_json(t.clone()).expect("a valid payload"),
                Actor::new("user:李四").expect("actor"),
                Utc::now(),
            )
        })
        .collect();
    // One multi-megabyte append, and the largest payload alone.
    store
        .append(&s, ExpectedVersion::NoStream, events)
        .await
        .expect("an append of large payloads");
    let single = NewEvent::new(
        EventType::new("DutyRecorded").expect("type"),
        Payload::from_json(texts[1].clone()).expect("payload"),
        Actor::new("user:李四").expect("actor"),
        Utc::now(),
    );
    store
        .append(&stream("unit-1"), ExpectedVersion::NoStream, vec![single])
        .await
        .expect("an append of one 1 MiB payload");

    let from_stream = store
        .read_stream(&s, Direction::Forward, 1, 100)
        .await
        .expect("read_stream");
    let from_log = store
        .read_all(1, &Filter::all(), 100)
        .await
        .expect("read_all")
        .events;
    assert_eq!(from_stream.len(), texts.len());
    assert_eq!(from_log.len(), texts.len() + 1);
    for (i, text) in texts.iter().enumerate() {
        for (how, e) in [("read_stream", &from_stream[i]), ("read_all", &from_log[i])] {
            assert!(
                e.payload.as_str().as_bytes() == text.as_bytes(),
                "{how}: payload {i} ({} bytes) did not come back byte for byte",
                text.len()
            );
            assert_eq!(e.actor.as_str(), "user:李四");
        }
    }
    assert_eq!(from_log[texts.len()].payload.as_str(), texts[1]);
}
