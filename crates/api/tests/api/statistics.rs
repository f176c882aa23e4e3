//! Statistics (统计分析) through HTTP: exact counts of lights per unit and month (now and as
//! of the past), completion, problems by type, source, unit and month, their concentration
//! and filings per month, in a district built through the API; per-unit figures cut to the
//! reader's units, district-wide ones refused to limited readers, bad input named.

use crate::access::World;
use crate::support::{Answer, at};
use axum::http::StatusCode;
use serde_json::{Value, json};
use std::collections::BTreeMap;

/// The description of problem P1 (unit A, naming 李二, found 2 January, overdue since
/// 31 January).
pub(crate) const P1: &str = "公务接待超标准";

async fn ok(w: &World, role: &str, path: &str, body: Value) -> Answer {
    let r = w.call(role, "POST", path, Some(body)).await;
    assert!(r.status.is_success(), "{role} POST {path}: {}", r.text);
    r
}

/// The obligation of `unit`'s leadership team for `period` (e.g. `2026-Q1`).
async fn team_obligation(w: &World, unit: &str, period: &str) -> String {
    let head = w.t.store.head().await.unwrap();
    let r = w
        .call(
            "commission",
            "GET",
            &format!("/api/v1/units/{{{unit}}}/obligations?min_position={head}"),
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    r.json["obligations"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["subject"]["kind"] == "leadership_team" && o["period"] == period)
        .unwrap_or_else(|| panic!("{unit} {period}: {}", r.text))["obligation_id"]
        .as_str()
        .unwrap()
        .to_owned()
}

/// [`World`] (units A 区教育局党组 and B 区卫健局党组, a yearly list due 31 December for every
/// subject), plus a quarterly list for both leadership teams, and then:
/// - 5 January: A's Q1 done on time; problems P1 (A, 李二, 巡视巡察, 八项规定, rectify by
///   31 January), P2 (A, 审计, 廉政风险防控, by 31 December) and P3 (B, 审计, 八项规定, by
///   31 December), all found in January; 李二 files a travel on time;
/// - 2 July: A's Q2 backfilled (补录); 李二 files a travel leaving that day (late), 钱五 a
///   family event 18 days ahead (late);
/// - and the clock stops at Friday 25 September 2026, 12:00: Q3 (30 September) is yellow.
pub(crate) async fn district() -> World {
    let w = World::build().await;
    let list = ok(
        &w,
        "commission",
        "/api/v1/lists",
        json!({"year": 2026, "title": "2026年度季度清单", "items": [
            {"subject_kind": "leadership_team", "responsibility": "principal",
             "category": "党风廉政建设", "content": "每季度研究党风廉政建设工作",
             "cadence": "quarterly", "required_count": 1,
             "deadline": {"kind": "end_of_period"}}]}),
    )
    .await
    .json["id"]
        .as_str()
        .unwrap()
        .to_owned();
    ok(
        &w,
        "commission",
        &format!("/api/v1/lists/{list}/assignments"),
        json!({"subjects": [
            {"kind": "leadership_team", "unit_id": w.id["unit_a"]},
            {"kind": "leadership_team", "unit_id": w.id["unit_b"]}]}),
    )
    .await;
    let a_q1 = team_obligation(&w, "unit_a", "2026-Q1").await;
    let a_q2 = team_obligation(&w, "unit_a", "2026-Q2").await;
    ok(
        &w,
        "principal_leader",
        &format!("/api/v1/obligations/{a_q1}/entries"),
        json!({"performed_on": "2026-01-05", "content": "召开党风廉政建设专题会议"}),
    )
    .await;
    for (unit, cadre, source, kind, description, found_on, rectify_by) in [
        (
            "unit_a",
            Some("ma"),
            "inspection",
            "eight_provisions",
            P1,
            "2026-01-02",
            "2026-01-31",
        ),
        (
            "unit_a",
            None,
            "audit",
            "integrity_risk",
            "廉政风险点排查不全面",
            "2026-01-03",
            "2026-12-31",
        ),
        (
            "unit_b",
            None,
            "audit",
            "eight_provisions",
            "违规发放津贴补贴",
            "2026-01-04",
            "2026-12-31",
        ),
    ] {
        ok(
            &w,
            "commission",
            "/api/v1/problems",
            json!({"unit_id": w.id[unit], "cadre_id": cadre.map(|c| w.id[c].clone()),
                   "source": source, "type": kind, "severity": "moderate",
                   "description": description, "found_on": found_on,
                   "rectify_by": rectify_by}),
        )
        .await;
    }
    let travel = |leave: &str, back: &str| json!({"purpose": "private", "destination": "上海", "leave_on": leave, "return_on": back});
    ok(
        &w,
        "team_member",
        "/api/v1/filings/travel",
        travel("2026-01-10", "2026-01-14"),
    )
    .await;
    w.t.clock.set(at("2026-07-02T10:00:00+08:00"));
    let r = ok(
        &w,
        "principal_leader",
        &format!("/api/v1/obligations/{a_q2}/entries"),
        json!({"performed_on": "2026-06-20", "content": "补录：研究党风廉政建设工作"}),
    )
    .await;
    assert_eq!(r.json["kind"], "backfilled", "{}", r.text);
    ok(
        &w,
        "team_member",
        "/api/v1/filings/travel",
        travel("2026-07-02", "2026-07-05"),
    )
    .await;
    let mb = w.t.cadre_login(&w.id["mb"]).await;
    let r =
        w.t.call(
            "POST",
            "/api/v1/filings/family-events",
            Some(json!({"kind": "child_wedding", "date": "2026-07-20",
                    "scale": "宴请亲友8桌约80人", "venue": "宁波某酒店"})),
            &[("authorization", &mb)],
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    w.t.clock.set(at("2026-09-25T12:00:00+08:00"));
    w
}

/// `GET path` as `role`, expecting 200.
async fn get(w: &World, role: &str, path: &str) -> Value {
    let r = w.call(role, "GET", path, None).await;
    assert_eq!(r.status, StatusCode::OK, "{role} {path}: {}", r.text);
    r.json
}

/// The lights rows as `unit key → month → [green, yellow, red, orange, pending]`.
fn lights(w: &World, answer: &Value) -> BTreeMap<&'static str, BTreeMap<u64, [u64; 5]>> {
    let mut out: BTreeMap<&'static str, BTreeMap<u64, [u64; 5]>> = BTreeMap::new();
    for r in answer["rows"].as_array().unwrap() {
        let unit = ["unit_a", "unit_b"]
            .into_iter()
            .find(|k| r["unit_id"] == w.id[k].as_str())
            .unwrap_or_else(|| panic!("an unknown unit: {r}"));
        let n = |l: &str| r[l].as_u64().unwrap();
        let counts = [n("green"), n("yellow"), n("red"), n("orange"), n("pending")];
        out.entry(unit)
            .or_default()
            .insert(r["month"].as_u64().unwrap(), counts);
    }
    out
}

#[tokio::test]
async fn lights_per_unit_and_month_are_counted_now_and_as_of_the_past() {
    let w = district().await;
    let now = get(&w, "commission", "/api/v1/statistics/lights").await;
    assert_eq!(now["year"], 2026);
    assert_eq!(now["as_of"], "2026-09-25T04:00:00Z");
    let by_unit = lights(&w, &now);
    // [green, yellow, red, orange, pending]. December: the Q4 team obligation and the
    // yearly ones of the team and of each of the unit's cadres.
    let a = BTreeMap::from([
        (3, [1, 0, 0, 0, 0]),
        (6, [0, 0, 0, 1, 0]),
        (9, [0, 1, 0, 0, 0]),
        (12, [0, 0, 0, 0, 5]),
    ]);
    let b = BTreeMap::from([
        (3, [0, 0, 1, 0, 0]),
        (6, [0, 0, 1, 0, 0]),
        (9, [0, 1, 0, 0, 0]),
        (12, [0, 0, 0, 0, 4]),
    ]);
    assert_eq!(by_unit, BTreeMap::from([("unit_a", a), ("unit_b", b)]));
    // Units by name (区卫健局党组 sorts before 区教育局党组), each month in order.
    let order: Vec<(String, u64)> = now["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["unit_name"].as_str().unwrap().to_owned(),
                r["month"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(order[0], ("区卫健局党组".to_owned(), 3));
    assert_eq!(order[4], ("区教育局党组".to_owned(), 3));

    // As of 10 April the backfill of July was not known: Q2 was pending, Q1 of B red.
    let april = get(
        &w,
        "commission",
        "/api/v1/statistics/lights?year=2026&as_of=2026-04-10T00:00:00%2B08:00",
    )
    .await;
    let by_unit = lights(&w, &april);
    assert_eq!(by_unit["unit_a"][&3], [1, 0, 0, 0, 0]);
    assert_eq!(by_unit["unit_a"][&6], [0, 0, 0, 0, 1]);
    assert_eq!(by_unit["unit_b"][&3], [0, 0, 1, 0, 0]);
    // Another year has none.
    let r = get(&w, "commission", "/api/v1/statistics/lights?year=2025").await;
    assert_eq!(r["rows"], json!([]));

    // A's discipline group and A's principal leader see A's rows only; a team member sees
    // no unit.
    for role in ["discipline_group", "principal_leader", "leader_in_charge"] {
        let r = get(&w, role, "/api/v1/statistics/lights").await;
        let by_unit = lights(&w, &r);
        assert_eq!(
            by_unit.keys().copied().collect::<Vec<_>>(),
            ["unit_a"],
            "{role}"
        );
        assert_eq!(by_unit["unit_a"][&12], [0, 0, 0, 0, 5], "{role}");
        assert!(!r.to_string().contains(&w.id["unit_b"]), "{role}: {r}");
    }
    let r = get(&w, "team_member", "/api/v1/statistics/lights").await;
    assert_eq!(r["rows"], json!([]));
}

#[tokio::test]
async fn completion_counts_what_had_fallen_due_per_unit() {
    let w = district().await;
    let r = get(&w, "auditor", "/api/v1/statistics/completion").await;
    assert_eq!(r["from"], "2026-01-01");
    assert_eq!(r["to"], "2026-12-31");
    let units = r["units"].as_array().unwrap();
    assert_eq!(units.len(), 2, "{r}");
    let row = |key: &str| {
        units
            .iter()
            .find(|u| u["unit_id"] == w.id[key].as_str())
            .unwrap()
            .clone()
    };
    // A: Q1 on time, Q2 backfilled; Q3 (30 September) is not due yet.
    let a = row("unit_a");
    assert_eq!(
        [&a["due"], &a["green"], &a["orange"], &a["red"]],
        [&json!(2), &json!(1), &json!(1), &json!(0)]
    );
    assert_eq!(a["rate"], 1.0);
    assert_eq!(a["on_time_rate"], 0.5);
    let b = row("unit_b");
    assert_eq!(
        [&b["due"], &b["green"], &b["orange"], &b["red"]],
        [&json!(2), &json!(0), &json!(0), &json!(2)]
    );
    assert_eq!(b["rate"], 0.0);
    // The first quarter only.
    let r = get(
        &w,
        "commission",
        "/api/v1/statistics/completion?from=2026-01-01&to=2026-03-31",
    )
    .await;
    let due: Vec<(u64, u64)> = r["units"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| (u["due"].as_u64().unwrap(), u["green"].as_u64().unwrap()))
        .collect();
    // B (区卫健局党组) first, by name.
    assert_eq!(due, [(1, 0), (1, 1)]);
    // A's principal leader: A only.
    let r = get(&w, "principal_leader", "/api/v1/statistics/completion").await;
    let units = r["units"].as_array().unwrap();
    assert_eq!(units.len(), 1, "{r}");
    assert_eq!(units[0]["unit_id"], w.id["unit_a"].as_str());
    assert_eq!(units[0]["orange"], 1);
}

/// `(key, count, open, overdue)` of each bucket, in order.
fn buckets(answer: &Value) -> Vec<(String, u64, u64, u64)> {
    answer["buckets"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| {
            (
                b["key"].as_str().unwrap().to_owned(),
                b["count"].as_u64().unwrap(),
                b["open"].as_u64().unwrap(),
                b["overdue"].as_u64().unwrap(),
            )
        })
        .collect()
}

fn owned(rows: &[(&str, u64, u64, u64)]) -> Vec<(String, u64, u64, u64)> {
    rows.iter()
        .map(|(k, a, b, c)| ((*k).to_owned(), *a, *b, *c))
        .collect()
}

#[tokio::test]
async fn problems_are_counted_by_type_source_unit_and_month() {
    let w = district().await;
    let by = |d: &str| format!("/api/v1/statistics/problems?dimension={d}");
    let r = get(&w, "commission", &by("type")).await;
    assert_eq!(r["dimension"], "type");
    assert_eq!(
        buckets(&r),
        owned(&[("eight_provisions", 2, 2, 1), ("integrity_risk", 1, 1, 0)])
    );
    assert_eq!(r["buckets"][0]["label"], "违反中央八项规定精神");
    let r = get(&w, "auditor", &by("source")).await;
    assert_eq!(
        buckets(&r),
        owned(&[("audit", 2, 2, 0), ("inspection", 1, 1, 1)])
    );
    assert_eq!(r["buckets"][1]["label"], "巡视巡察");
    let r = get(&w, "commission", &by("month")).await;
    assert_eq!(buckets(&r), owned(&[("2026-01", 3, 3, 1)]));
    let r = get(&w, "commission", &by("severity")).await;
    assert_eq!(buckets(&r), owned(&[("moderate", 3, 3, 1)]));
    let r = get(&w, "commission", &by("unit")).await;
    assert_eq!(
        buckets(&r),
        vec![
            (w.id["unit_a"].clone(), 2, 2, 1),
            (w.id["unit_b"].clone(), 1, 1, 0)
        ]
    );
    assert_eq!(r["buckets"][0]["label"], "区教育局党组");
    // Found in February or later: none.
    let r = get(&w, "commission", &format!("{}&from=2026-02-01", by("type"))).await;
    assert_eq!(r["to"], "2026-12-31");
    assert_eq!(r["buckets"], json!([]));
    // As of 20 January, P1 was not overdue yet.
    let r = get(
        &w,
        "commission",
        &format!("{}&as_of=2026-01-20T00:00:00Z", by("type")),
    )
    .await;
    assert_eq!(buckets(&r)[0], ("eight_provisions".to_owned(), 2, 2, 0));

    // By unit, a limited reader gets the units they see; anything else is district-wide.
    for role in ["discipline_group", "principal_leader", "leader_in_charge"] {
        let r = get(&w, role, &by("unit")).await;
        assert_eq!(
            buckets(&r),
            vec![(w.id["unit_a"].clone(), 2, 2, 1)],
            "{role}"
        );
        for path in [
            by("type"),
            by("source"),
            by("month"),
            by("severity"),
            "/api/v1/statistics/problem-concentration".to_owned(),
            "/api/v1/statistics/filings".to_owned(),
        ] {
            let r = w.call(role, "GET", &path, None).await;
            assert_eq!(r.status, StatusCode::FORBIDDEN, "{role} {path}: {}", r.text);
            assert_eq!(r.json["code"], "forbidden");
            assert!(r.text.contains("whole district"), "{}", r.text);
        }
    }
    let r = get(&w, "team_member", &by("unit")).await;
    assert_eq!(r["buckets"], json!([]));
    let r = w.call("team_member", "GET", &by("type"), None).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.text);

    let r = get(&w, "auditor", "/api/v1/statistics/problem-concentration").await;
    assert_eq!(r["total"], 3);
    assert_eq!(r["units_with_problems"], 2);
    assert_eq!(r["top_share"], 1.0);
    assert_eq!(r["top"][0]["key"], w.id["unit_a"].as_str());
    assert_eq!(r["top"][0]["count"], 2);
}

#[tokio::test]
async fn filings_are_counted_per_month_of_filing() {
    let w = district().await;
    let r = get(&w, "commission", "/api/v1/statistics/filings").await;
    assert_eq!(r["year"], 2026);
    let months = r["months"].as_array().unwrap();
    assert_eq!(months.len(), 12);
    for m in months {
        let expected = match m["month"].as_u64().unwrap() {
            1 => json!({"month": 1, "travel": 1, "family": 0, "late": 0, "cancelled": 0}),
            7 => json!({"month": 7, "travel": 1, "family": 1, "late": 2, "cancelled": 0}),
            n => json!({"month": n, "travel": 0, "family": 0, "late": 0, "cancelled": 0}),
        };
        assert_eq!(*m, expected);
    }
    // As of June, only January's.
    let r = get(
        &w,
        "auditor",
        "/api/v1/statistics/filings?year=2026&as_of=2026-06-30T23:59:59%2B08:00",
    )
    .await;
    let travels: u64 = r["months"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["travel"].as_u64().unwrap() + m["family"].as_u64().unwrap())
        .sum();
    assert_eq!(travels, 1);
}

#[tokio::test]
async fn bad_years_dates_and_dimensions_are_named_and_regulators_read_no_statistics() {
    let w = district().await;
    for (path, field) in [
        ("/api/v1/statistics/lights?year=1999", "year"),
        ("/api/v1/statistics/lights?year=2101", "year"),
        ("/api/v1/statistics/lights?year=twenty", "year"),
        ("/api/v1/statistics/filings?year=0", "year"),
        ("/api/v1/statistics/filings?year=%202026", "year"),
        ("/api/v1/statistics/lights?year=2026%20", "year"),
        ("/api/v1/statistics/lights?as_of=2026-09-25", "as_of"),
        ("/api/v1/statistics/completion?from=2026-02-30", "from"),
        ("/api/v1/statistics/completion?to=2026-13-01", "to"),
        (
            "/api/v1/statistics/completion?from=2026-06-01&to=2026-05-31",
            "to",
        ),
        ("/api/v1/statistics/completion?from=1999-12-31", "from"),
        (
            "/api/v1/statistics/problem-concentration?from=2026-06-01&to=2026-01-01",
            "to",
        ),
        ("/api/v1/statistics/problems?dimension=colour", "dimension"),
        ("/api/v1/statistics/problems", "dimension"),
        (
            "/api/v1/statistics/problems?dimension=type&from=yesterday",
            "from",
        ),
    ] {
        let r = w.call("commission", "GET", path, None).await;
        assert_eq!(
            r.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{path}: {}",
            r.text
        );
        assert_eq!(r.json["code"], "invalid_field", "{path}");
        assert_eq!(r.json["field"], field, "{path}: {}", r.text);
    }
    // The first and last years described are answered.
    for path in [
        "/api/v1/statistics/lights?year=2000",
        "/api/v1/statistics/filings?year=2100",
    ] {
        let r = w.call("commission", "GET", path, None).await;
        assert_eq!(r.status, StatusCode::OK, "{path}: {}", r.text);
    }
    let r = w
        .call(
            "commission",
            "GET",
            "/api/v1/statistics/lights?colour=red",
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.text);
    for path in [
        "/api/v1/statistics/lights",
        "/api/v1/statistics/completion",
        "/api/v1/statistics/problems?dimension=unit",
    ] {
        let r = w.call("regulator", "GET", path, None).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{path}: {}", r.text);
    }
    let r =
        w.t.call(
            "GET",
            "/api/v1/statistics/lights",
            None,
            &[("authorization", "")],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{}", r.text);
}
