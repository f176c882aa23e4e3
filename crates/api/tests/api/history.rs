//! The purpose of a history read (查阅事由, `HistoryRead` v2): given with the read, recorded
//! with it and listed in the access log; a read recorded before v2 is listed as "not
//! stated".

use crate::access::World;
use axum::http::StatusCode;
use domain::events::legacy::HistoryReadV1;
use domain::events::stream;
use event_store::{Actor, Clock as _, EventType, ExpectedVersion, NewEvent, Payload, StreamName};
use serde_json::Value;

/// `s` percent-encoded for a query string.
fn query(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

async fn access_log(w: &World) -> Vec<Value> {
    let r = w
        .call(
            "commission",
            "GET",
            "/api/v1/access-log?cadre_id={ma}",
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    r.json.as_array().unwrap().clone()
}

#[tokio::test]
async fn a_read_is_recorded_with_its_purpose_and_an_old_one_with_none() {
    let w = World::build().await;
    // A read recorded by the code before v2: schema version 1, no purpose.
    let old = HistoryReadV1 {
        reader: w.user["auditor"].parse().unwrap(),
        cadre_id: w.id["ma"].parse().unwrap(),
        as_of: None,
    };
    let new = NewEvent::new(
        EventType::new("HistoryRead").unwrap(),
        Payload::from_value(&old).unwrap(),
        Actor::new("user:shenji").unwrap(),
        w.t.clock.now(),
    )
    .with_schema_version(1);
    let access = StreamName::new(stream::access(old.reader)).unwrap();
    w.t.store
        .append(&access, ExpectedVersion::Any, vec![new])
        .await
        .unwrap();
    // Now with a purpose, and one without.
    let path = format!(
        "/api/v1/cadres/{{ma}}/history?purpose={}",
        query(" 2026年度考核 ")
    );
    let r = w.call("auditor", "GET", &path, None).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let r = w
        .call("commission", "GET", "/api/v1/cadres/{ma}/history", None)
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let log = access_log(&w).await;
    let listed: Vec<(&str, &str)> = log
        .iter()
        .map(|a| {
            (
                a["reader_username"].as_str().unwrap(),
                a["purpose"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        listed,
        [("jiwei", ""), ("shenji", "2026年度考核"), ("shenji", "")]
    );
    // Stored: the old read as v1, the new ones as v2 with their purpose.
    let stored =
        w.t.store
            .read_stream(&access, event_store::Direction::Forward, 1, 10)
            .await
            .unwrap();
    let versions: Vec<(u32, Value)> = stored
        .iter()
        .map(|e| {
            let p: Value = serde_json::from_str(e.payload.as_str()).unwrap();
            (e.schema_version, p["purpose"].clone())
        })
        .collect();
    assert_eq!(
        versions,
        [(1, Value::Null), (2, Value::from("2026年度考核"))]
    );
}

#[tokio::test]
async fn a_purpose_is_1_to_200_characters_and_a_bad_one_records_nothing() {
    let w = World::build().await;
    let head = w.t.store.head().await.unwrap();
    // 201 characters with a blank at either end: within 200 once trimmed, but the
    // parameter as sent is longer than the description allows.
    let padded = [
        query(&format!("{} ", "查".repeat(200))),
        query(&format!(" {}", "查".repeat(200))),
    ];
    for purpose in [
        "",
        "%20%20",
        &query(&"查".repeat(201)),
        &padded[0],
        &padded[1],
    ] {
        let path = format!("/api/v1/cadres/{{ma}}/history?purpose={purpose}");
        let r = w.call("auditor", "GET", &path, None).await;
        assert_eq!(
            r.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{purpose}: {}",
            r.text
        );
        assert_eq!(r.json["field"], "purpose", "{}", r.text);
    }
    assert_eq!(w.t.store.head().await.unwrap(), head, "nothing recorded");
    let path = format!(
        "/api/v1/cadres/{{ma}}/history?purpose={}",
        query(&"查".repeat(200))
    );
    let r = w.call("auditor", "GET", &path, None).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    // The cadre reads their own history without one, and is not recorded.
    let r = w
        .call("team_member", "GET", "/api/v1/cadres/{ma}/history", None)
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(access_log(&w).await.len(), 1);
}

#[tokio::test]
async fn a_read_that_cannot_be_recorded_is_not_served() {
    let w = World::build().await;
    let path = "/api/v1/cadres/{ma}/history?purpose=%E5%B9%B4%E5%BA%A6%E8%80%83%E6%A0%B8";
    let r = w.call("auditor", "GET", path, None).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert!(r.json["events"].as_array().is_some_and(|e| !e.is_empty()));
    // The log now refuses every record of a read (and nothing else): the history is read
    // while the record is being appended, but not served without it.
    let log = rusqlite::Connection::open(w.t.dir.path().join("log.db")).unwrap();
    log.execute_batch(
        "CREATE TRIGGER refuse_reads BEFORE INSERT ON events WHEN new.stream LIKE 'access-%' \
         BEGIN SELECT RAISE(ABORT, 'reads cannot be recorded'); END;",
    )
    .unwrap();
    let head = w.t.store.head().await.unwrap();
    let r = w.call("auditor", "GET", path, None).await;
    assert!(r.status.is_server_error(), "{}: {}", r.status, r.text);
    assert!(r.json.get("events").is_none(), "{}", r.text);
    assert!(!r.text.contains("DutyRecorded"), "{}", r.text);
    let diff = "/api/v1/cadres/{ma}/history/diff?from=2026-01-01T00:00:00Z&to=2026-06-30T00:00:00Z";
    let r = w.call("auditor", "GET", diff, None).await;
    assert!(r.status.is_server_error(), "{}: {}", r.status, r.text);
    assert_eq!(w.t.store.head().await.unwrap(), head, "nothing recorded");
    // Reading one's own history records nothing, so it is still served.
    let r = w
        .call("team_member", "GET", "/api/v1/cadres/{ma}/history", None)
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(access_log(&w).await.len(), 1);
}
