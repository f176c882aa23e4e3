//! Histories for auditors: a cadre's whole record (entries, filings, problems naming them,
//! accountability), a unit's, filtered by time and type, and what changed between two
//! instants.

use crate::access::World;
use crate::support::{Answer, at};
use axum::http::StatusCode;
use serde_json::{Value, json};

async fn as_role(w: &World, role: &str, path: &str, body: Option<Value>) -> Answer {
    let method = if body.is_some() { "POST" } else { "GET" };
    w.t.call(method, path, body, &[("authorization", &w.token[role])])
        .await
}

fn types(history: &Value) -> Vec<String> {
    history["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["event_type"].as_str().unwrap().to_owned())
        .collect()
}

/// The World with a team member's record filled the next day — an entry, a travel filing, a
/// problem naming them — and, a year later, a talk about it. (No deadline watcher runs here,
/// so there are no reminders.)
async fn world() -> World {
    let w = World::build().await;
    w.t.clock.set(at("2026-01-06T10:00:00+08:00"));
    let entry =
        json!({"performed_on": "2026-01-05", "content": "参加廉政警示教育", "attachments": []});
    let r = as_role(
        &w,
        "team_member",
        &format!("/api/v1/obligations/{}/entries", w.obligation["ma"]),
        Some(entry),
    )
    .await;
    assert!(r.status.is_success(), "{}", r.text);
    let travel = json!({"purpose": "private", "destination": "上海", "leave_on": "2026-01-20", "return_on": "2026-01-24"});
    let r = as_role(&w, "team_member", "/api/v1/filings/travel", Some(travel)).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    let problem = json!({"unit_id": w.id["unit_a"], "cadre_id": w.id["ma"], "source": "inspection",
        "type": "eight_provisions", "severity": "moderate", "description": "公务接待超标准",
        "found_on": "2026-01-02", "rectify_by": "2026-01-31"});
    let r = w.t.post("/api/v1/problems", problem).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    w.t.clock.set(at("2027-01-10T09:00:00+08:00"));
    let talk = json!({"cadre_id": w.id["ma"], "held_on": "2027-01-09", "held_by": "区纪委副书记",
        "summary": "约谈", "basis": {"obligations": [w.obligation["ma"]]}});
    let r = w.t.post("/api/v1/accountability/talks", talk).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    w
}

#[tokio::test]
async fn a_cadres_history_holds_their_whole_record_filtered_by_time_and_type() {
    let w = world().await;
    let path = format!("/api/v1/cadres/{}/history?purpose=年度审计", w.id["ma"]);
    let h = as_role(&w, "auditor", &path, None).await;
    assert_eq!(h.status, StatusCode::OK, "{}", h.text);
    let seen = types(&h.json);
    for t in [
        "CadreRegistered",
        "DutyRecorded",
        "TravelFiled",
        "ProblemRegistered",
        "AdmonishmentTalkHeld",
    ] {
        assert!(seen.iter().any(|s| s == t), "{t} not in {seen:?}");
    }
    let positions: Vec<u64> = h.json["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["position"].as_u64().unwrap())
        .collect();
    assert!(
        positions.windows(2).all(|p| p[0] < p[1]),
        "oldest first: {positions:?}"
    );
    // By type.
    let only = as_role(
        &w,
        "auditor",
        &format!(
            "/api/v1/cadres/{}/history?types=TravelFiled,DutyRecorded",
            w.id["ma"]
        ),
        None,
    )
    .await;
    assert_eq!(types(&only.json), ["DutyRecorded", "TravelFiled"]);
    // By when it happened: the talk of 2027 only.
    let later = as_role(
        &w,
        "auditor",
        &format!(
            "/api/v1/cadres/{}/history?from=2027-01-01T00:00:00%2B08:00",
            w.id["ma"]
        ),
        None,
    )
    .await;
    assert!(
        types(&later.json).contains(&"AdmonishmentTalkHeld".to_owned()),
        "{}",
        later.text
    );
    assert!(!types(&later.json).contains(&"DutyRecorded".to_owned()));
    // As of before the talk was recorded: not there, whatever was asked.
    let before = as_role(
        &w,
        "auditor",
        &format!(
            "/api/v1/cadres/{}/history?as_of=2027-01-01T00:00:00%2B08:00",
            w.id["ma"]
        ),
        None,
    )
    .await;
    assert!(!types(&before.json).contains(&"AdmonishmentTalkHeld".to_owned()));
    for (query, field) in [
        ("types=Nope", "types"),
        ("from=2027-01-02T00:00:00Z&to=2027-01-01T00:00:00Z", "to"),
        ("from=yesterday", "from"),
    ] {
        let r = as_role(
            &w,
            "auditor",
            &format!("/api/v1/cadres/{}/history?{query}", w.id["ma"]),
            None,
        )
        .await;
        assert_eq!(
            r.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{query}: {}",
            r.text
        );
        assert_eq!(r.json["field"], field);
    }
    // The auditor's read is on the record, with its purpose.
    let log =
        w.t.get(&format!("/api/v1/access-log?cadre_id={}", w.id["ma"]))
            .await;
    assert!(
        log.json
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r["purpose"] == "年度审计"),
        "{}",
        log.text
    );
}

#[tokio::test]
async fn a_units_history_and_what_changed_between_two_instants() {
    let w = world().await;
    let h = as_role(
        &w,
        "auditor",
        &format!("/api/v1/units/{}/history", w.id["unit_a"]),
        None,
    )
    .await;
    assert_eq!(h.status, StatusCode::OK, "{}", h.text);
    let seen = types(&h.json);
    for t in [
        "UnitRegistered",
        "DutyRecorded",
        "TravelFiled",
        "ProblemRegistered",
        "AdmonishmentTalkHeld",
    ] {
        assert!(seen.iter().any(|s| s == t), "{t} not in {seen:?}");
    }
    // Unit B's record holds nothing of A's.
    let b = as_role(
        &w,
        "auditor",
        &format!("/api/v1/units/{}/history", w.id["unit_b"]),
        None,
    )
    .await;
    assert!(!b.text.contains(w.id["ma"].as_str()), "{}", b.text);
    // Outside the scope: like a unit that does not exist.
    let hidden = as_role(
        &w,
        "principal_leader",
        &format!("/api/v1/units/{}/history", w.id["unit_b"]),
        None,
    )
    .await;
    assert_eq!(hidden.status, StatusCode::NOT_FOUND);

    // Between setup and a year later: the entry, the filing, the problem, the talk were
    // recorded, and the member's obligation went from pending (0 of 2) to red (1 of 2).
    let from = "2026-01-05T12:00:00%2B08:00";
    let d = as_role(
        &w,
        "auditor",
        &format!(
            "/api/v1/cadres/{}/history/diff?from={from}&purpose=对比",
            w.id["ma"]
        ),
        None,
    )
    .await;
    assert_eq!(d.status, StatusCode::OK, "{}", d.text);
    let changed = types(&d.json);
    assert!(
        changed.contains(&"AdmonishmentTalkHeld".to_owned()),
        "{changed:?}"
    );
    assert!(
        !changed.contains(&"CadreRegistered".to_owned()),
        "recorded before `from`: {changed:?}"
    );
    let lights = d.json["lights"].as_array().unwrap();
    let mine = lights
        .iter()
        .find(|l| l["obligation_id"] == w.obligation["ma"].as_str())
        .unwrap();
    assert_eq!(
        (mine["from"].as_str(), mine["to"].as_str()),
        (Some("pending"), Some("red")),
        "{mine}"
    );
    assert_eq!(
        (mine["count_from"].as_u64(), mine["count_to"].as_u64()),
        (Some(0), Some(1))
    );
    let unit = as_role(
        &w,
        "auditor",
        &format!("/api/v1/units/{}/history/diff?from={from}", w.id["unit_a"]),
        None,
    )
    .await;
    assert_eq!(unit.status, StatusCode::OK, "{}", unit.text);
    // Every obligation of unit A went red: four lights moved.
    assert_eq!(
        unit.json["lights"].as_array().unwrap().len(),
        4,
        "{}",
        unit.text
    );
    let r = as_role(
        &w,
        "auditor",
        &format!(
            "/api/v1/units/{}/history/diff?from=2027-02-01T00:00:00Z&to=2027-01-01T00:00:00Z",
            w.id["unit_a"]
        ),
        None,
    )
    .await;
    assert_eq!(r.json["field"], "to", "{}", r.text);
    // A purpose given for a unit's diff is checked like a cadre's (found by schemathesis:
    // 284 characters were accepted).
    // So is one of 201 characters that a blank at its end brings to 200 once trimmed.
    let most = "查".repeat(200);
    for long in ["查".repeat(201), format!("{most}%20")] {
        for of in [
            format!("units/{}", w.id["unit_a"]),
            format!("cadres/{}", w.id["ma"]),
        ] {
            let r = as_role(
                &w,
                "auditor",
                &format!("/api/v1/{of}/history/diff?from={from}&purpose={long}"),
                None,
            )
            .await;
            assert_eq!(
                r.status,
                StatusCode::UNPROCESSABLE_ENTITY,
                "{of}: {}",
                r.text
            );
            assert_eq!(r.json["field"], "purpose", "{of}: {}", r.text);
        }
    }
    let r = as_role(
        &w,
        "auditor",
        &format!(
            "/api/v1/units/{}/history/diff?from={from}&purpose={most}",
            w.id["unit_a"]
        ),
        None,
    )
    .await;
    assert_eq!(
        r.status,
        StatusCode::OK,
        "200 characters are allowed: {}",
        r.text
    );
}
