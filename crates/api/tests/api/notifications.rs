//! Notifications (通知提醒): each user's inbox holds what concerns them by their role and
//! scope now — nothing else — and reading is an event.

use crate::access::{ROLES, World};
use axum::http::StatusCode;
use domain::events::{AdmonishmentDue, Event, YellowWeekEntered};
use domain::ids::{CadreId, ObligationId, UnitId};
use domain::org::Subject;
use event_store::{Actor, EventType, ExpectedVersion, NewEvent, Payload, StreamName};
use serde_json::{Value, json};

/// Appends a reminder as the deadline watcher would; answers its key.
async fn remind(w: &World, yellow: bool, subject: Subject) -> String {
    let obligation_id = ObligationId::new();
    let deadline = "2026-01-10".parse().unwrap();
    let e: Event = if yellow {
        YellowWeekEntered {
            obligation_id,
            subject,
            deadline,
            required_count: 2,
            count: 0,
            first_day: "2026-01-04".parse().unwrap(),
        }
        .into()
    } else {
        AdmonishmentDue {
            obligation_id,
            subject,
            deadline,
            required_count: 2,
            count: 0,
        }
        .into()
    };
    let new = NewEvent::new(
        EventType::new(e.event_type()).unwrap(),
        Payload::from_value(&e.payload()).unwrap(),
        Actor::new("system:watcher").unwrap(),
        w.t.clock.now(),
    );
    let id = new.event_id;
    w.t.store
        .append(
            &StreamName::new(e.stream()).unwrap(),
            ExpectedVersion::Any,
            vec![new],
        )
        .await
        .unwrap();
    id.to_string()
}

fn keys(answer: &Value) -> Vec<String> {
    let mut k: Vec<String> = answer["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["key"].as_str().unwrap().to_owned())
        .collect();
    k.sort();
    k
}

fn sorted(mut v: Vec<&String>) -> Vec<String> {
    v.sort();
    v.into_iter().cloned().collect()
}

use event_store::Clock as _;

#[tokio::test]
async fn each_inbox_holds_what_concerns_its_user_and_reading_is_recorded() {
    let w = World::build().await;
    let cadre = |k: &str| w.id[k].parse::<CadreId>().unwrap();
    let unit = |k: &str| w.id[k].parse::<UnitId>().unwrap();
    let yellow_ma = remind(
        &w,
        true,
        Subject::TeamMember {
            cadre_id: cadre("ma"),
        },
    )
    .await;
    let red_ma = remind(
        &w,
        false,
        Subject::TeamMember {
            cadre_id: cadre("ma"),
        },
    )
    .await;
    let yellow_team_a = remind(
        &w,
        true,
        Subject::LeadershipTeam {
            unit_id: unit("unit_a"),
        },
    )
    .await;
    let red_team_b = remind(
        &w,
        false,
        Subject::LeadershipTeam {
            unit_id: unit("unit_b"),
        },
    )
    .await;
    let _yellow_mb = remind(
        &w,
        true,
        Subject::TeamMember {
            cadre_id: cadre("mb"),
        },
    )
    .await;
    // 李二 files a travel: his principal leader and his leader in charge are to read it.
    let filed = w
        .call(
            "team_member",
            "POST",
            "/api/v1/filings/travel",
            Some(
                json!({"purpose": "private", "destination": "北京", "leave_on": "2026-01-20",
                        "return_on": "2026-01-24"}),
            ),
        )
        .await;
    assert_eq!(filed.status, StatusCode::CREATED, "{}", filed.text);
    let filing = filed.json["id"].as_str().unwrap().to_owned();
    let inbox = |role: &'static str| {
        let w = &w;
        async move { w.call(role, "GET", "/api/v1/notifications", None).await }
    };
    let filing_key = {
        let r = inbox("principal_leader").await;
        r.json["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|n| n["kind"] == "filing")
            .unwrap_or_else(|| panic!("{}", r.text))["key"]
            .as_str()
            .unwrap()
            .to_owned()
    };
    let expected: Vec<(&str, Vec<&String>)> = vec![
        ("team_member", vec![&yellow_ma, &red_ma]),
        (
            "principal_leader",
            vec![&red_ma, &yellow_team_a, &filing_key],
        ),
        ("discipline_group", vec![&red_ma]),
        ("leader_in_charge", vec![&red_ma, &filing_key]),
        ("commission", vec![&red_team_b]),
        ("auditor", vec![]),
    ];
    for (role, want) in &expected {
        let r = inbox(role).await;
        assert_eq!(r.status, StatusCode::OK, "{role}: {}", r.text);
        assert_eq!(keys(&r.json), sorted(want.clone()), "{role}: {}", r.text);
        assert_eq!(r.json["unread"], want.len(), "{role}");
        w.assert_nothing_hidden(role, "inbox", &r);
    }
    assert_eq!(inbox("regulator").await.status, StatusCode::FORBIDDEN);
    assert!(ROLES.len() == expected.len() + 1);

    // Reading: one key; a key of someone else's inbox is refused and nothing is written.
    let read = |role: &'static str, body: Value| {
        let w = &w;
        async move {
            w.call(role, "POST", "/api/v1/notifications/read", Some(body))
                .await
        }
    };
    let head = w.t.store.head().await.unwrap();
    let foreign = read("team_member", json!({"keys": [yellow_team_a]})).await;
    assert_eq!(
        foreign.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        foreign.text
    );
    assert_eq!(foreign.json["field"], "keys");
    let neither = read("team_member", json!({})).await;
    assert_eq!(neither.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(w.t.store.head().await.unwrap(), head, "nothing stored");
    let r = read("team_member", json!({"keys": [red_ma]})).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.json["marked"], 1);
    let mine = inbox("team_member").await;
    assert_eq!(mine.json["unread"], 1);
    let unread_only = w
        .call(
            "team_member",
            "GET",
            "/api/v1/notifications?unread=true",
            None,
        )
        .await;
    assert_eq!(keys(&unread_only.json), vec![yellow_ma.clone()]);
    // Read by him, still unread for his principal leader.
    assert_eq!(inbox("principal_leader").await.json["unread"], 3);
    // All at once; again is a no-op that writes nothing.
    let all = read("team_member", json!({"all": true})).await;
    assert_eq!(all.json["marked"], 1);
    let head = w.t.store.head().await.unwrap();
    assert_eq!(
        read("team_member", json!({"all": true})).await.json["marked"],
        0
    );
    assert_eq!(w.t.store.head().await.unwrap(), head);
    // The log names the reader.
    let last =
        w.t.store
            .read_all(head, &event_store::Filter::all(), 1)
            .await
            .unwrap()
            .events;
    assert_eq!(last[0].event_type.as_str(), "NotificationsRead");
    assert_eq!(last[0].actor.as_str(), "user:lier");

    // Acknowledging the filing takes it out of the principal leader's inbox, not the
    // leader in charge's.
    let ack = w
        .call(
            "principal_leader",
            "POST",
            &format!("/api/v1/filings/{filing}/acknowledgement"),
            None,
        )
        .await;
    assert!(ack.status.is_success(), "{}", ack.text);
    assert!(!keys(&inbox("principal_leader").await.json).contains(&filing_key));
    assert!(keys(&inbox("leader_in_charge").await.json).contains(&filing_key));

    // 李二 moves to unit B: unit A's principal leader is no longer told of him.
    let moved =
        w.t.post(
            &w.fill("/api/v1/cadres/{ma}/transfer"),
            json!({"post": "职务", "duty": {"kind": "team_member", "unit_id": w.id["unit_b"]}}),
        )
        .await;
    assert_eq!(moved.status, StatusCode::OK, "{}", moved.text);
    let p = moved.json["position"].as_u64().unwrap();
    w.t.state.wait_for("directory", p).await.unwrap();
    let after = keys(&inbox("principal_leader").await.json);
    assert_eq!(after, vec![yellow_team_a.clone()]);
}

#[tokio::test]
async fn an_overdue_rectification_is_told_to_the_named_cadre_and_those_over_the_unit() {
    let w = World::build().await;
    let e: Event = domain::events::RectificationOverdue {
        problem_id: domain::ids::ProblemId::new(),
        unit_id: w.id["unit_a"].parse().unwrap(),
        cadre_id: Some(w.id["ma"].parse().unwrap()),
        rectify_by: "2026-01-04".parse().unwrap(),
    }
    .into();
    let new = NewEvent::new(
        EventType::new(e.event_type()).unwrap(),
        Payload::from_value(&e.payload()).unwrap(),
        Actor::new("system:watcher").unwrap(),
        w.t.clock.now(),
    );
    let key = new.event_id.to_string();
    w.t.store
        .append(
            &StreamName::new(e.stream()).unwrap(),
            ExpectedVersion::Any,
            vec![new],
        )
        .await
        .unwrap();
    for role in ROLES.iter().filter(|r| **r != "regulator") {
        let r = w.call(role, "GET", "/api/v1/notifications", None).await;
        let told = keys(&r.json).contains(&key);
        assert_eq!(told, *role != "auditor", "{role}: {}", r.text);
        if told {
            let item = r.json["items"]
                .as_array()
                .unwrap()
                .iter()
                .find(|n| n["key"] == key.as_str())
                .unwrap();
            assert_eq!(item["kind"], "rectification_overdue");
            assert!(item["title"].as_str().unwrap().contains("整改逾期提醒"));
        }
    }
}

/// A retry of marking notifications read, with the same Idempotency-Key, gets the first
/// answer back and writes nothing, even after more notifications arrived (a retry of
/// "all" used to be refused as a reused key); the key with another request is refused.
#[tokio::test]
async fn a_retried_marking_gets_its_first_answer_back() {
    let w = World::build().await;
    let ma = Subject::TeamMember {
        cadre_id: w.id["ma"].parse::<CadreId>().unwrap(),
    };
    let first = remind(&w, true, ma).await;
    let mark = |body: Value, key: &'static str| {
        let w = &w;
        async move {
            w.t.call(
                "POST",
                "/api/v1/notifications/read",
                Some(body),
                &[
                    ("authorization", w.token["team_member"].as_str()),
                    ("idempotency-key", key),
                ],
            )
            .await
        }
    };
    let answer = mark(json!({"all": true}), "read-all-1").await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.text);
    assert_eq!(answer.json["marked"], 1);
    let position = answer.json["position"].as_u64().unwrap();

    let second = remind(&w, false, ma).await;
    let head = w.t.store.head().await.unwrap();
    let again = mark(json!({"all": true}), "read-all-1").await;
    assert_eq!(again.status, StatusCode::OK, "{}", again.text);
    assert_eq!(again.json, answer.json, "the first answer, replayed");
    assert_eq!(again.json["position"].as_u64(), Some(position));
    assert_eq!(w.t.store.head().await.unwrap(), head, "nothing written");

    let other = mark(json!({"keys": [second.clone()]}), "read-all-1").await;
    assert_eq!(
        other.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        other.text
    );
    assert_eq!(
        other.json["code"], "idempotency_key_reused",
        "{}",
        other.text
    );
    assert_eq!(w.t.store.head().await.unwrap(), head, "nothing written");

    // The notification that came after is still unread; a new key marks it.
    let inbox = w
        .call(
            "team_member",
            "GET",
            "/api/v1/notifications?unread=true",
            None,
        )
        .await;
    assert_eq!(keys(&inbox.json), vec![second]);
    assert!(!keys(&inbox.json).contains(&first));
    let fresh = mark(json!({"all": true}), "read-all-2").await;
    assert_eq!(fresh.json["marked"], 1, "{}", fresh.text);
}
