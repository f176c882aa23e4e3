//! Graded accountability (问责, 差别化问责), circulars (通报) and the annual assessment (考核),
//! through the API: proposals from the facts, decisions citing their basis, talks, a
//! circular drafted from the facts and published to everyone, scores live, as of an
//! instant and finalised.

use crate::access::World;
use crate::support::{Answer, at};
use axum::http::StatusCode;
use serde_json::{Value, json};

async fn as_role(w: &World, role: &str, method: &str, path: &str, body: Option<Value>) -> Answer {
    w.t.call(method, path, body, &[("authorization", &w.token[role])])
        .await
}

/// The proposal row of a unit or cadre id.
fn row<'a>(proposals: &'a Value, id: &str) -> &'a Value {
    proposals["rows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| {
            (r["target"]["kind"] == "unit" && r["target"]["unit_id"] == id)
                || r["target"]["cadre_id"] == id
        })
        .unwrap_or_else(|| panic!("no row for {id} in {proposals}"))
}

/// The World, a year later: every 2026 obligation went red (nobody recorded anything).
async fn a_year_later() -> World {
    let w = World::build().await;
    w.t.clock.set(at("2027-01-10T09:00:00+08:00"));
    w
}

#[tokio::test]
async fn proposals_grade_the_facts_and_decisions_cite_their_basis() {
    let w = a_year_later().await;
    // A table for a district this small (four obligations a unit).
    let small = json!({"rules": [
        {"target": "unit", "red_lights": 2, "measure": "written_examination"},
        {"target": "unit", "red_lights": 4, "measure": "circulated_criticism"},
        {"target": "unit", "red_lights": 8, "measure": "organisational_adjustment"},
        {"target": "cadre", "red_lights": 1, "measure": "talk"},
        {"target": "cadre", "red_lights": 3, "measure": "circulated_criticism"}]});
    let r =
        w.t.call("PUT", "/api/v1/accountability/rules", Some(small), &[])
            .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let p = w.t.get("/api/v1/accountability/proposals?year=2026").await;
    assert_eq!(p.status, StatusCode::OK, "{}", p.text);
    // Unit A: its team, its principal leader and two members went red: 4 → 通报批评.
    let a = row(&p.json, &w.id["unit_a"]);
    assert_eq!(a["facts"]["red_lights"], 4, "{a}");
    assert_eq!(a["proposal"]["measure"], "circulated_criticism");
    assert_eq!(a["proposal"]["label"], "通报批评");
    assert_eq!(a["name"], "区教育局党组");
    // Unit B: 3 → 书面检查.
    let b = row(&p.json, &w.id["unit_b"]);
    assert_eq!(b["facts"]["red_lights"], 3, "{b}");
    assert_eq!(b["proposal"]["measure"], "written_examination");
    // Each cadre: one red light → 约谈.
    for cadre in ["pa", "ma", "ma2", "pb", "mb"] {
        let c = row(&p.json, &w.id[cadre]);
        assert_eq!(c["facts"]["red_lights"], 1, "{c}");
        assert_eq!(c["proposal"]["measure"], "talk", "{c}");
    }
    // The most severe proposal comes first.
    assert_eq!(
        p.json["rows"][0]["target"]["unit_id"],
        w.id["unit_a"].as_str()
    );
    // As of mid-2026 nothing had gone red yet.
    let early =
        w.t.get("/api/v1/accountability/proposals?year=2026&as_of=2026-06-30T12:00:00%2B08:00")
            .await;
    assert_eq!(early.json["rows"], json!([]), "{}", early.text);

    // The group stationed in A sees A's rows only; a unit's own leader sees none.
    let g = as_role(
        &w,
        "discipline_group",
        "GET",
        "/api/v1/accountability/proposals?year=2026",
        None,
    )
    .await;
    let rows = g.json["rows"].as_array().unwrap();
    assert_eq!(rows.len(), 4, "{}", g.text);
    assert!(!g.text.contains(w.id["unit_b"].as_str()) && !g.text.contains(w.id["pb"].as_str()));
    let leader = as_role(
        &w,
        "principal_leader",
        "GET",
        "/api/v1/accountability/proposals",
        None,
    )
    .await;
    assert_eq!(leader.status, StatusCode::FORBIDDEN);

    // The commission decides, citing the unit's obligation.
    let decision = json!({"target": {"kind": "unit", "unit_id": w.id["unit_a"]},
        "measure": "circulated_criticism", "reason": "全年红灯4个，主体责任落实不力",
        "basis": {"obligations": [w.obligation["unit_a"]]},
        "proposed": "circulated_criticism"});
    let r =
        w.t.post("/api/v1/accountability/decisions", decision.clone())
            .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    let decision_id = r.json["id"].as_str().unwrap().to_owned();
    let p = w.t.get("/api/v1/accountability/proposals?year=2026").await;
    assert_eq!(
        row(&p.json, &w.id["unit_a"])["decided"],
        json!(["circulated_criticism"])
    );
    let got =
        w.t.get(&format!("/api/v1/accountability/{decision_id}"))
            .await;
    assert_eq!(got.json["measure_label"], "通报批评", "{}", got.text);
    assert_eq!(
        got.json["basis"]["obligations"][0],
        w.obligation["unit_a"].as_str()
    );

    // Illegal decisions: a cadre's measure on a unit, no basis, a basis that does not
    // exist, a cadre of another unit; and nobody but the commission decides.
    let mut bad = decision.clone();
    bad["measure"] = json!("admonishment");
    let mut bare = decision.clone();
    bare["basis"] = json!({});
    let mut unknown = decision.clone();
    unknown["basis"] = json!({"problems": [uuid::Uuid::now_v7()]});
    let mut elsewhere = decision.clone();
    elsewhere["target"] =
        json!({"kind": "cadre", "cadre_id": w.id["pb"], "unit_id": w.id["unit_a"]});
    elsewhere["measure"] = json!("admonishment");
    for (body, field) in [
        (bad, "measure"),
        (bare, "basis"),
        (unknown, "basis"),
        (elsewhere, "target.cadre_id"),
    ] {
        let r = w.t.post("/api/v1/accountability/decisions", body).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
        assert_eq!(r.json["field"], field, "{}", r.text);
    }
    let r = as_role(
        &w,
        "discipline_group",
        "POST",
        "/api/v1/accountability/decisions",
        Some(decision),
    )
    .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.text);

    // The group stationed in A holds a talk with A's member; not with B's principal.
    let talk = |cadre: &str, obligation: &str| {
        json!({"cadre_id": w.id[cadre], "held_on": "2027-01-09", "held_by": "第一派驻纪检组组长 孙六",
               "summary": "就年度履责事项未完成进行约谈", "basis": {"obligations": [w.obligation[obligation]]}})
    };
    let r = as_role(
        &w,
        "discipline_group",
        "POST",
        "/api/v1/accountability/talks",
        Some(talk("ma", "ma")),
    )
    .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    let r = as_role(
        &w,
        "discipline_group",
        "POST",
        "/api/v1/accountability/talks",
        Some(talk("pb", "pb")),
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
    let listed = w.t.get("/api/v1/accountability?kind=talk").await;
    assert_eq!(listed.json.as_array().unwrap().len(), 1, "{}", listed.text);
    assert_eq!(listed.json[0]["measure"], "talk");
    assert_eq!(listed.json[0]["cadre_name"], "李二");
    let p = w.t.get("/api/v1/accountability/proposals?year=2026").await;
    assert_eq!(row(&p.json, &w.id["ma"])["decided"], json!(["talk"]));
}

#[tokio::test]
async fn the_commission_may_set_its_own_rule_table() {
    let w = a_year_later().await;
    let rules = json!({"rules": [
        {"target": "unit", "red_lights": 3, "measure": "organisational_adjustment"},
        {"target": "cadre", "red_lights": 1, "late_filings": 1, "measure": "suspension"}]});
    let r =
        w.t.call("PUT", "/api/v1/accountability/rules", Some(rules), &[])
            .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let p = w.t.get("/api/v1/accountability/proposals?year=2026").await;
    assert_eq!(
        row(&p.json, &w.id["unit_b"])["proposal"]["measure"],
        "organisational_adjustment"
    );
    // No late filing: the cadre rule does not match.
    assert_eq!(row(&p.json, &w.id["pb"])["proposal"], Value::Null);
    let broken = json!({"rules": [{"target": "unit", "measure": "written_examination"}]});
    let r =
        w.t.call("PUT", "/api/v1/accountability/rules", Some(broken), &[])
            .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
    let r = as_role(
        &w,
        "discipline_group",
        "PUT",
        "/api/v1/accountability/rules",
        Some(json!({"rules": []})),
    )
    .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn a_circular_is_drafted_from_the_facts_edited_published_and_then_read_by_everyone() {
    let w = a_year_later().await;
    let r = w.t.post("/api/v1/accountability/decisions", json!({
        "target": {"kind": "cadre", "cadre_id": w.id["pb"], "unit_id": w.id["unit_b"]},
        "measure": "admonishment", "reason": "履责不力", "basis": {"obligations": [w.obligation["pb"]]}})).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    let r =
        w.t.post(
            "/api/v1/circulars",
            json!({"period_from": "2026-01-01", "period_to": "2027-01-31"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    let id = r.json["id"].as_str().unwrap().to_owned();
    let draft = w.t.get(&format!("/api/v1/circulars/{id}")).await;
    assert_eq!(draft.json["status"], "draft", "{}", draft.text);
    assert_eq!(
        draft.json["title"],
        "关于2026年1月1日至2027年1月31日落实“两个责任”情况的通报"
    );
    let items = draft.json["items"].as_array().unwrap().clone();
    let texts: Vec<&str> = items.iter().map(|i| i["text"].as_str().unwrap()).collect();
    assert!(
        texts.contains(&"区教育局党组：4项履责事项未按期完成（红灯）。"),
        "{texts:?}"
    );
    assert!(
        texts.contains(&"区卫健局党组：3项履责事项未按期完成（红灯）。"),
        "{texts:?}"
    );
    assert!(
        texts
            .iter()
            .any(|t| t.starts_with("区卫健局党组赵四：诫勉谈话")),
        "{texts:?}"
    );
    assert_eq!(items.len(), 3);

    // A draft is the commission's: others neither list nor read it.
    for role in ["team_member", "discipline_group"] {
        let list = as_role(&w, role, "GET", "/api/v1/circulars", None).await;
        assert_eq!(list.json, json!([]), "{role}: {}", list.text);
        let one = as_role(&w, role, "GET", &format!("/api/v1/circulars/{id}"), None).await;
        assert_eq!(one.status, StatusCode::NOT_FOUND);
    }
    let revision = json!({"title": "关于2026年度落实“两个责任”情况的通报", "body": "现通报如下。",
                          "items": [items[0], items[2]]});
    let r =
        w.t.call(
            "PUT",
            &format!("/api/v1/circulars/{id}"),
            Some(revision.clone()),
            &[],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let r =
        w.t.post(&format!("/api/v1/circulars/{id}/publication"), json!(null))
            .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let seen = as_role(
        &w,
        "team_member",
        "GET",
        &format!("/api/v1/circulars/{id}"),
        None,
    )
    .await;
    assert_eq!(seen.status, StatusCode::OK, "{}", seen.text);
    assert_eq!(seen.json["status"], "published");
    assert_eq!(seen.json["published_on"], "2027-01-10");
    assert_eq!(seen.json["items"].as_array().unwrap().len(), 2);
    assert_eq!(seen.json["revisions"], 1);
    // Published is final.
    let r =
        w.t.call(
            "PUT",
            &format!("/api/v1/circulars/{id}"),
            Some(revision),
            &[],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
    assert_eq!(r.json["field"], "status");
    let r =
        w.t.post(&format!("/api/v1/circulars/{id}/publication"), json!(null))
            .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
    let r = as_role(
        &w,
        "discipline_group",
        "POST",
        "/api/v1/circulars",
        Some(json!({"period_from": "2026-01-01", "period_to": "2026-12-31"})),
    )
    .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let r =
        w.t.post(
            "/api/v1/circulars",
            json!({"period_from": "2026-12-31", "period_to": "2026-01-01"}),
        )
        .await;
    assert_eq!(r.json["field"], "period_to", "{}", r.text);
}

/// (unit name, score) of each row, in order.
fn scores(a: &Value) -> Vec<(String, u64)> {
    a["scores"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s["unit_name"].as_str().unwrap().to_owned(),
                s["score"].as_u64().unwrap(),
            )
        })
        .collect()
}

#[tokio::test]
async fn scores_are_live_as_of_any_instant_and_finalised_once_the_year_is_over() {
    let w = World::build().await;
    // A measure decided within the year counts in it.
    w.t.clock.set(at("2026-12-20T10:00:00+08:00"));
    let r = w.t.post("/api/v1/accountability/decisions", json!({
        "target": {"kind": "unit", "unit_id": w.id["unit_a"]},
        "measure": "written_examination", "reason": "红灯", "basis": {"obligations": [w.obligation["unit_a"]]}})).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    w.t.clock.set(at("2027-01-10T09:00:00+08:00"));
    // Default rules: 100 − 2 per red light − 5 per measure.
    let now = w.t.get("/api/v1/assessments/2026").await;
    assert_eq!(now.status, StatusCode::OK, "{}", now.text);
    assert_eq!(
        scores(&now.json),
        vec![
            ("区卫健局党组".to_owned(), 100 - 3 * 2),
            ("区教育局党组".to_owned(), 100 - 4 * 2 - 5)
        ]
    );
    assert_eq!(now.json["scores"][1]["red_lights"], 4);
    assert_eq!(now.json["scores"][1]["accountability_measures"], 1);
    assert_eq!(now.json["finalised_on"], Value::Null);
    // Mid-year nothing counted yet.
    let june =
        w.t.get("/api/v1/assessments/2026?as_of=2026-06-30T12:00:00%2B08:00")
            .await;
    assert_eq!(
        scores(&june.json),
        vec![
            ("区卫健局党组".to_owned(), 100),
            ("区教育局党组".to_owned(), 100)
        ]
    );
    // A leader sees their own unit only.
    let mine = as_role(
        &w,
        "principal_leader",
        "GET",
        "/api/v1/assessments/2026",
        None,
    )
    .await;
    assert_eq!(
        scores(&mine.json),
        vec![("区教育局党组".to_owned(), 87)],
        "{}",
        mine.text
    );

    let rules = json!({"base": 120, "per_red_light": 3, "per_overdue_problem": 3,
                       "per_late_filing": 1, "per_accountability": 10});
    let r =
        w.t.call(
            "PUT",
            "/api/v1/assessments/2026/rules",
            Some(rules.clone()),
            &[],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let r =
        w.t.post("/api/v1/assessments/2026/finalisation", json!(null))
            .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let done = w.t.get("/api/v1/assessments/2026").await;
    assert_eq!(done.json["finalised_on"], "2027-01-10", "{}", done.text);
    assert_eq!(done.json["rules"]["base"], 120);
    assert_eq!(
        scores(&done.json),
        vec![
            ("区卫健局党组".to_owned(), 120 - 9),
            ("区教育局党组".to_owned(), 120 - 12 - 10)
        ]
    );
    // The report holds the same scores, read back by calamine; a leader's only their unit.
    let report =
        crate::reports::download(&w, "commission", "/api/v1/reports/assessment?year=2026").await;
    assert_eq!(report.status, StatusCode::OK);
    let book = crate::reports::sheets(&report.bytes);
    assert_eq!(book[0].0, "2026年度考核得分");
    assert_eq!(
        book[0].1,
        vec![
            [
                "单位",
                "红灯",
                "逾期整改问题",
                "逾期报备",
                "问责",
                "扣分",
                "得分"
            ]
            .map(String::from)
            .to_vec(),
            ["区卫健局党组", "3", "0", "0", "0", "9", "111"]
                .map(String::from)
                .to_vec(),
            ["区教育局党组", "4", "0", "0", "1", "22", "98"]
                .map(String::from)
                .to_vec(),
        ]
    );
    assert_eq!(book[1].1[1], ["基础分", "120"].map(String::from).to_vec());
    assert_eq!(
        book[1].1[6],
        ["状态", "2027-01-10 定格"].map(String::from).to_vec()
    );
    let mine = crate::reports::download(
        &w,
        "principal_leader",
        "/api/v1/reports/assessment?year=2026&format=xlsx",
    )
    .await;
    let rows = &crate::reports::sheets(&mine.bytes)[0].1;
    assert_eq!(rows.len(), 2);
    assert_eq!(rows[1][0], "区教育局党组");
    // Final: the rules no longer change, and it is not finalised twice.
    let r =
        w.t.call("PUT", "/api/v1/assessments/2026/rules", Some(rules), &[])
            .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
    let r =
        w.t.post("/api/v1/assessments/2026/finalisation", json!(null))
            .await;
    assert_eq!(r.json["field"], "status", "{}", r.text);
    // The current year is not over.
    let r =
        w.t.post("/api/v1/assessments/2027/finalisation", json!(null))
            .await;
    assert_eq!(r.json["field"], "year", "{}", r.text);
    let r = as_role(
        &w,
        "discipline_group",
        "POST",
        "/api/v1/assessments/2026/finalisation",
        None,
    )
    .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let r = w.t.get("/api/v1/assessments/1999").await;
    assert_eq!(r.json["field"], "year", "{}", r.text);
}
