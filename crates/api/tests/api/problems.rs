//! The problem ledger (问题台账) through HTTP: a problem walked through every step by the
//! right people, every illegal step and every forbidden actor refused with nothing stored,
//! overdue problems red now and not yet as of a past instant, the configurable types, and
//! the scope (nothing of unit A's problems for unit B's principal leader).

use crate::access::World;
use crate::support::at;
use axum::http::StatusCode;
use serde_json::{Value, json};

/// A problem of unit A naming its team member `ma`, found on 2 January 2026 (today is
/// Monday 5 January), to be rectified by 31 January.
fn new_problem(w: &World) -> Value {
    json!({
        "unit_id": w.id["unit_a"],
        "cadre_id": w.id["ma"],
        "source": "inspection",
        "type": "eight_provisions",
        "severity": "moderate",
        "description": "公务接待超标准",
        "found_on": "2026-01-02",
        "rectify_by": "2026-01-31",
    })
}

fn evidence() -> Value {
    json!([{"sha256": "a".repeat(64), "file_name": "整改报告.pdf"}])
}

async fn register(w: &World, role: &str, body: Value) -> String {
    let r = w.call(role, "POST", "/api/v1/problems", Some(body)).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    r.json["id"].as_str().unwrap().to_owned()
}

/// A step by a login (a role of the world, or a `Bearer` token).
async fn step(w: &World, who: &str, id: &str, what: &str, body: Value) -> crate::support::Answer {
    let path = format!("/api/v1/problems/{id}/{what}");
    if who.starts_with("Bearer ") {
        w.t.call("POST", &path, Some(body), &[("authorization", who)])
            .await
    } else {
        w.call(who, "POST", &path, Some(body)).await
    }
}

async fn ok(w: &World, who: &str, id: &str, what: &str, body: Value) {
    let r = step(w, who, id, what, body).await;
    assert_eq!(r.status, StatusCode::OK, "{who} {what}: {}", r.text);
}

fn plan() -> Value {
    json!({"plan": "制定整改方案，限期退赔"})
}
fn progress() -> Value {
    json!({"text": "已退赔超标准费用", "attachments": evidence()})
}
fn submit() -> Value {
    json!({"summary": "已整改到位"})
}
fn reject() -> Value {
    json!({"reason": "佐证材料不全"})
}
fn close() -> Value {
    json!({"conclusion": "验收合格，同意销号"})
}

async fn get(w: &World, role: &str, id: &str) -> Value {
    let r = w
        .call(role, "GET", &format!("/api/v1/problems/{id}"), None)
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    r.json
}

#[tokio::test]
async fn a_problem_walks_from_registered_to_closed_by_the_right_people() {
    let w = World::build().await;
    // The group stationed in A registers; A's principal plans; the named cadre progresses
    // and submits; the commission rejects; the named cadre progresses and submits again;
    // the group verifies and closes.
    let id = register(&w, "discipline_group", new_problem(&w)).await;
    assert_eq!(get(&w, "commission", &id).await["status"], "registered");
    ok(&w, "principal_leader", &id, "plan", plan()).await;
    assert_eq!(get(&w, "commission", &id).await["status"], "planned");
    ok(&w, "team_member", &id, "progress", progress()).await;
    assert_eq!(get(&w, "commission", &id).await["status"], "rectifying");
    ok(&w, "principal_leader", &id, "closing-request", submit()).await;
    assert_eq!(get(&w, "commission", &id).await["status"], "submitted");
    ok(&w, "commission", &id, "rejection", reject()).await;
    let p = get(&w, "commission", &id).await;
    assert_eq!(p["status"], "rectifying");
    assert_eq!(p["rejections"], 1);
    assert_eq!(p["last_rejection_reason"], "佐证材料不全");
    ok(&w, "team_member", &id, "progress", progress()).await;
    ok(&w, "team_member", &id, "closing-request", submit()).await;
    ok(&w, "discipline_group", &id, "closure", close()).await;

    // The named cadre sees their own problem, with every step.
    let p = get(&w, "team_member", &id).await;
    assert_eq!(p["status"], "closed");
    assert_eq!(p["light"], "green");
    assert_eq!(p["overdue"], false);
    assert_eq!(p["closed_on"], "2026-01-05");
    assert_eq!(p["type"]["label"], "违反中央八项规定精神");
    assert_eq!(p["unit_name"], "区教育局党组");
    assert_eq!(p["cadre_name"], "李二");
    let steps: Vec<(&str, &str)> = p["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| (s["step"].as_str().unwrap(), s["relation"].as_str().unwrap()))
        .collect();
    assert_eq!(
        steps,
        [
            ("registered", "stationed_group"),
            ("planned", "unit_principal"),
            ("progressed", "named_cadre"),
            ("closing_requested", "unit_principal"),
            ("closing_rejected", "commission"),
            ("progressed", "named_cadre"),
            ("closing_requested", "named_cadre"),
            ("closed", "stationed_group"),
        ]
    );
    let progressed = &p["timeline"][2];
    assert_eq!(progressed["evidence"], evidence());
    assert_eq!(progressed["actor"], "user:lier");
    assert_eq!(progressed["text"], "已退赔超标准费用");

    // The ledger lists it, by status and unit.
    let r = w
        .call(
            "principal_leader",
            "GET",
            "/api/v1/problems?status=closed&unit_id={unit_a}",
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.json.as_array().unwrap().len(), 1);
    assert!(r.json[0].get("timeline").is_none());
    w.assert_nothing_hidden("principal_leader", "the ledger", &r);
    let r = w
        .call(
            "commission",
            "GET",
            "/api/v1/problems?status=submitted",
            None,
        )
        .await;
    assert_eq!(r.json, json!([]));
}

/// (who: a role or a `Bearer` token, step, body, (status, code, field)).
type Case<'a> = (
    &'a str,
    &'static str,
    Value,
    (StatusCode, &'static str, Option<&'static str>),
);

/// Each case is refused as expected, and nothing is stored.
async fn check(w: &World, id: &str, cases: Vec<Case<'_>>) {
    for (who, what, body, (status, code, field)) in cases {
        let head = w.t.store.head().await.unwrap();
        let r = step(w, who, id, what, body).await;
        let who_label = if who.starts_with("Bearer ") {
            "ma2"
        } else {
            who
        };
        let label = format!("{who_label} {what}");
        assert_eq!(r.status, status, "{label}: {}", r.text);
        assert_eq!(r.json["code"], code, "{label}: {}", r.text);
        if let Some(field) = field {
            assert_eq!(r.json["field"], field, "{label}: {}", r.text);
        }
        assert_eq!(
            w.t.store.head().await.unwrap(),
            head,
            "{label}: nothing stored"
        );
    }
}

#[tokio::test]
async fn every_illegal_step_and_every_forbidden_actor_is_refused_and_nothing_is_stored() {
    let w = World::build().await;
    let id = register(&w, "commission", new_problem(&w)).await;
    let ma2 = w.t.cadre_login(&w.id["ma2"]).await;
    let refused =
        |status: StatusCode, code: &'static str, field: Option<&'static str>| (status, code, field);
    let invalid = |field| {
        refused(
            StatusCode::UNPROCESSABLE_ENTITY,
            "invalid_field",
            Some(field),
        )
    };
    let forbidden = refused(StatusCode::FORBIDDEN, "forbidden", None);
    // Another team member of unit A, not named: the problem is outside their scope.
    let unseen = refused(StatusCode::NOT_FOUND, "not_found", None);

    // (who, step, body, in which status, what answer)
    let cases_registered: Vec<Case<'_>> = vec![
        ("commission", "closure", close(), invalid("status")),
        ("commission", "rejection", reject(), invalid("status")),
        (
            "principal_leader",
            "progress",
            progress(),
            invalid("status"),
        ),
        (
            "principal_leader",
            "closing-request",
            submit(),
            invalid("status"),
        ),
        // Verification by the problem unit's own cadre, whatever the status.
        ("team_member", "closure", close(), forbidden),
        ("principal_leader", "closure", close(), forbidden),
        // Rectifying by others than the unit's principal or the named cadre.
        ("commission", "plan", plan(), forbidden),
        ("discipline_group", "plan", plan(), forbidden),
        (ma2.as_str(), "plan", plan(), unseen),
        ("leader_in_charge", "plan", plan(), forbidden),
        ("auditor", "plan", plan(), forbidden),
        (
            "principal_leader",
            "plan",
            json!({"plan": " "}),
            invalid("plan"),
        ),
    ];
    check(&w, &id, cases_registered).await;

    ok(&w, "principal_leader", &id, "plan", plan()).await;
    check(
        &w,
        &id,
        vec![
            ("principal_leader", "plan", plan(), invalid("status")),
            (
                "principal_leader",
                "closing-request",
                submit(),
                invalid("status"),
            ),
            ("commission", "closure", close(), invalid("status")),
            (
                "principal_leader",
                "progress",
                json!({"text": "做了", "attachments": []}),
                invalid("attachments"),
            ),
            ("commission", "progress", progress(), forbidden),
            (ma2.as_str(), "progress", progress(), unseen),
        ],
    )
    .await;

    ok(&w, "team_member", &id, "progress", progress()).await;
    check(
        &w,
        &id,
        vec![
            ("principal_leader", "plan", plan(), invalid("status")),
            ("commission", "closure", close(), invalid("status")),
            ("commission", "rejection", reject(), invalid("status")),
            ("discipline_group", "closing-request", submit(), forbidden),
        ],
    )
    .await;

    ok(&w, "team_member", &id, "closing-request", submit()).await;
    check(
        &w,
        &id,
        vec![
            ("principal_leader", "plan", plan(), invalid("status")),
            ("team_member", "progress", progress(), invalid("status")),
            (
                "team_member",
                "closing-request",
                submit(),
                invalid("status"),
            ),
            ("team_member", "closure", close(), forbidden),
            ("principal_leader", "rejection", reject(), forbidden),
            (ma2.as_str(), "closure", close(), unseen),
            ("leader_in_charge", "closure", close(), forbidden),
            (
                "commission",
                "rejection",
                json!({"reason": ""}),
                invalid("reason"),
            ),
        ],
    )
    .await;

    ok(&w, "commission", &id, "closure", close()).await;
    check(
        &w,
        &id,
        vec![
            ("principal_leader", "plan", plan(), invalid("status")),
            ("team_member", "progress", progress(), invalid("status")),
            (
                "team_member",
                "closing-request",
                submit(),
                invalid("status"),
            ),
            ("commission", "rejection", reject(), invalid("status")),
            ("commission", "closure", close(), invalid("status")),
        ],
    )
    .await;

    // Registering: only the commission or a group stationed in the unit, with good input.
    let head = w.t.store.head().await.unwrap();
    for role in [
        "principal_leader",
        "team_member",
        "leader_in_charge",
        "auditor",
        "regulator",
    ] {
        let r = w
            .call(role, "POST", "/api/v1/problems", Some(new_problem(&w)))
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{role}: {}", r.text);
    }
    let mut b_problem = new_problem(&w);
    b_problem["unit_id"] = json!(w.id["unit_b"]);
    b_problem["cadre_id"] = json!(w.id["mb"]);
    let r = w
        .call(
            "discipline_group",
            "POST",
            "/api/v1/problems",
            Some(b_problem),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.text);
    for (field, value, named) in [
        ("type", json!("nope"), "type"),
        ("found_on", json!("2026-01-06"), "found_on"),
        ("rectify_by", json!("2026-01-01"), "rectify_by"),
        ("description", json!(" "), "description"),
        ("cadre_id", json!(w.id["mb"]), "cadre_id"),
        ("unit_id", json!(w.id["pa"]), "unit_id"),
    ] {
        let mut body = new_problem(&w);
        body[field] = value;
        let r = w
            .call("commission", "POST", "/api/v1/problems", Some(body))
            .await;
        assert_eq!(
            r.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{field}: {}",
            r.text
        );
        assert_eq!(r.json["field"], named, "{field}: {}", r.text);
    }
    assert_eq!(w.t.store.head().await.unwrap(), head, "nothing was stored");
}

#[tokio::test]
async fn an_overdue_rectification_is_red_now_and_not_yet_as_of_before_its_date() {
    let w = World::build().await;
    let late = register(&w, "commission", new_problem(&w)).await;
    let mut later = new_problem(&w);
    later["rectify_by"] = json!("2026-06-30");
    later["source"] = json!("audit");
    let fine = register(&w, "commission", later).await;

    w.t.clock.set(at("2026-02-01T00:00:00+08:00"));
    let r = w
        .call("commission", "GET", "/api/v1/problems?overdue=true", None)
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let ids: Vec<&str> = r
        .json
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["problem_id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, [late.as_str()]);
    assert_eq!(r.json[0]["light"], "red");
    assert_eq!(r.json[0]["overdue"], true);
    let all = w.call("commission", "GET", "/api/v1/problems", None).await;
    let lights: Vec<(&str, &str)> = all
        .json
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            (
                p["problem_id"].as_str().unwrap(),
                p["light"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(lights, [(fine.as_str(), "pending"), (late.as_str(), "red")]);

    // As of the last instant of the rectify-by date: yellow, not overdue.
    let q = "/api/v1/problems?overdue=true&as_of=2026-01-31T23:59:59%2B08:00";
    let r = w.call("commission", "GET", q, None).await;
    assert_eq!(r.json, json!([]), "{}", r.text);
    let r = w
        .call(
            "commission",
            "GET",
            &format!("/api/v1/problems/{late}?as_of=2026-01-31T23:59:59%2B08:00"),
            None,
        )
        .await;
    assert_eq!(r.json["light"], "yellow", "{}", r.text);
    // As of before it was registered, the ledger had nothing.
    let r = w
        .call(
            "commission",
            "GET",
            "/api/v1/problems?as_of=2026-01-01T00:00:00%2B08:00",
            None,
        )
        .await;
    assert_eq!(r.json, json!([]));

    // Filters: source, type, found-on range, paging.
    let r = w
        .call("commission", "GET", "/api/v1/problems?source=audit", None)
        .await;
    assert_eq!(r.json.as_array().unwrap().len(), 1);
    assert_eq!(r.json[0]["problem_id"], fine.as_str());
    let r = w
        .call("commission", "GET", "/api/v1/problems?type=other", None)
        .await;
    assert_eq!(r.json, json!([]));
    let r = w
        .call(
            "commission",
            "GET",
            "/api/v1/problems?from=2026-01-03",
            None,
        )
        .await;
    assert_eq!(r.json, json!([]));
    let r = w
        .call("commission", "GET", "/api/v1/problems?limit=1", None)
        .await;
    let before = r.json[0]["position"].as_u64().unwrap();
    let r = w
        .call(
            "commission",
            "GET",
            &format!("/api/v1/problems?limit=1&before={before}"),
            None,
        )
        .await;
    assert_eq!(r.json[0]["problem_id"], late.as_str());

    // Closed late, it is orange, and no longer overdue.
    ok(&w, "principal_leader", &late, "plan", plan()).await;
    ok(&w, "principal_leader", &late, "progress", progress()).await;
    ok(&w, "principal_leader", &late, "closing-request", submit()).await;
    ok(&w, "discipline_group", &late, "closure", close()).await;
    let p = get(&w, "commission", &late).await;
    assert_eq!(
        (p["light"].as_str(), p["overdue"].as_bool()),
        (Some("orange"), Some(false))
    );
    let r = w
        .call("commission", "GET", "/api/v1/problems?overdue=true", None)
        .await;
    assert_eq!(r.json, json!([]));
}

#[tokio::test]
async fn another_units_principal_sees_none_of_its_problems() {
    let w = World::build().await;
    let id = register(&w, "discipline_group", new_problem(&w)).await;
    let pb = w.t.cadre_login(&w.id["pb"]).await;
    let auth = [("authorization", pb.as_str())];
    let r = w.t.call("GET", "/api/v1/problems", None, &auth).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.json, json!([]));
    let r =
        w.t.call("GET", &format!("/api/v1/problems/{id}"), None, &auth)
            .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert!(!r.text.contains(&id), "{}", r.text);
    assert!(!r.text.contains("区教育局党组"), "{}", r.text);
    // A command on it is a 404 too, the same as a missing id.
    let head = w.t.store.head().await.unwrap();
    let r = step(&w, &pb, &id, "plan", plan()).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND, "{}", r.text);
    let missing = step(&w, &pb, &uuid_nil(), "plan", plan()).await;
    assert_eq!(
        (r.json["code"].clone(), r.json["detail"].clone()),
        (missing.json["code"].clone(), missing.json["detail"].clone())
    );
    assert_eq!(w.t.store.head().await.unwrap(), head);
    // Those in scope see it: A's principal, A's group, the named cadre, the leader in charge.
    for role in [
        "principal_leader",
        "discipline_group",
        "team_member",
        "leader_in_charge",
        "auditor",
    ] {
        let r = w.call(role, "GET", "/api/v1/problems", None).await;
        assert_eq!(
            r.json.as_array().map(Vec::len),
            Some(1),
            "{role}: {}",
            r.text
        );
        w.assert_nothing_hidden(role, "the ledger", &r);
    }
    let r = w.call("regulator", "GET", "/api/v1/problems", None).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
}

fn uuid_nil() -> String {
    "00000000-0000-7000-8000-000000000000".to_owned()
}

#[tokio::test]
async fn the_commission_sets_the_problem_types() {
    let w = World::build().await;
    let r = w
        .call("team_member", "GET", "/api/v1/problem-types", None)
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    assert_eq!(r.json.as_array().unwrap().len(), 6);
    assert_eq!(
        r.json[1],
        json!({"key": "eight_provisions", "label": "违反中央八项规定精神"})
    );

    let types = json!({"types": [{"key": "audit_finding", "label": "审计发现问题"}, {"key": "other", "label": "其他"}]});
    let head = w.t.store.head().await.unwrap();
    for role in ["discipline_group", "principal_leader", "auditor"] {
        let r = w
            .call(role, "PUT", "/api/v1/problem-types", Some(types.clone()))
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{role}: {}", r.text);
    }
    let bad = json!({"types": [{"key": "A B", "label": "x"}]});
    let r = w
        .call("commission", "PUT", "/api/v1/problem-types", Some(bad))
        .await;
    assert_eq!(
        (r.status, r.json["field"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("types"))
    );
    assert_eq!(w.t.store.head().await.unwrap(), head);
    let r = w
        .call(
            "commission",
            "PUT",
            "/api/v1/problem-types",
            Some(types.clone()),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let r = w
        .call("commission", "GET", "/api/v1/problem-types", None)
        .await;
    assert_eq!(r.json, types["types"]);

    // The old default key is gone; the new one registers and keeps its label.
    let r = w
        .call(
            "commission",
            "POST",
            "/api/v1/problems",
            Some(new_problem(&w)),
        )
        .await;
    assert_eq!(
        (r.status, r.json["field"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("type"))
    );
    let mut body = new_problem(&w);
    body["type"] = json!("audit_finding");
    let id = register(&w, "commission", body).await;
    assert_eq!(
        get(&w, "commission", &id).await["type"]["label"],
        "审计发现问题"
    );
}

#[tokio::test]
async fn the_board_shows_each_units_overdue_rectifications_as_of_any_instant() {
    let w = World::build().await;
    let id = register(&w, "commission", new_problem(&w)).await;
    let head = w.t.store.head().await.unwrap();
    w.t.state.wait_for("ledger", head).await.unwrap();
    let row = |board: &Value, unit: &str| -> Option<u64> {
        board["units"]
            .as_array()
            .unwrap()
            .iter()
            .find(|u| u["unit_id"] == unit)
            .map(|u| u["overdue_problems"].as_u64().unwrap())
    };
    let board = |role: &'static str, q: &'static str| {
        let w = &w;
        async move {
            let r = w
                .call(role, "GET", &format!("/api/v1/board{q}"), None)
                .await;
            assert_eq!(r.status, StatusCode::OK, "{}", r.text);
            r.json
        }
    };
    // Rectify by 31 January: on the 31st it is not overdue yet.
    w.t.clock
        .set(crate::support::at("2026-01-31T23:00:00+08:00"));
    let b = board("commission", "").await;
    assert_eq!(row(&b, &w.id["unit_a"]), Some(0));
    assert_eq!(b["overdue_problems"], 0);
    // From 1 February it is, on A's row only, for those who see A.
    w.t.clock
        .set(crate::support::at("2026-02-01T09:00:00+08:00"));
    let b = board("commission", "").await;
    assert_eq!(row(&b, &w.id["unit_a"]), Some(1));
    assert_eq!(row(&b, &w.id["unit_b"]), Some(0));
    assert_eq!(b["overdue_problems"], 1);
    let mine = board("principal_leader", "").await;
    assert_eq!(row(&mine, &w.id["unit_a"]), Some(1));
    assert_eq!(mine["overdue_problems"], 1);
    // As of the last day of January it was not, whatever happens later.
    let then = board("commission", "?as_of=2026-01-31T12:00:00%2B08:00").await;
    assert_eq!(row(&then, &w.id["unit_a"]), Some(0));
    // Closed (late): no longer overdue now, still overdue as of 2 February.
    ok(&w, "principal_leader", &id, "plan", plan()).await;
    ok(&w, "principal_leader", &id, "progress", progress()).await;
    ok(&w, "principal_leader", &id, "closing-request", submit()).await;
    w.t.clock
        .set(crate::support::at("2026-02-05T09:00:00+08:00"));
    ok(&w, "discipline_group", &id, "closure", close()).await;
    let head = w.t.store.head().await.unwrap();
    w.t.state.wait_for("ledger", head).await.unwrap();
    let now = board("commission", "").await;
    assert_eq!(row(&now, &w.id["unit_a"]), Some(0));
    let feb2 = board("commission", "?as_of=2026-02-02T12:00:00%2B08:00").await;
    assert_eq!(row(&feb2, &w.id["unit_a"]), Some(1));
}
