//! `/api/v1`: the duty story through HTTP, errors as problem+json, idempotency keys.

use crate::support::{TestApp, at, spawn_app};
use axum::http::StatusCode;
use domain::calendar::{Cadence, Period};
use domain::ids::{CadreId, ItemId, ListId, ObligationId};
use domain::obligation::Source;
use domain::org::Subject;
use serde_json::{Value, json};

/// A unit, its team member 张三, and a list whose half-yearly item binds him; returns
/// (unit, cadre, first-half obligation, second-half obligation).
async fn district(t: &TestApp) -> (String, CadreId, ObligationId, ObligationId) {
    let unit = t
        .post(
            "/api/v1/units",
            json!({"name": "区教育局党组", "kind": "party_group"}),
        )
        .await;
    assert_eq!(unit.status, StatusCode::CREATED, "{}", unit.text);
    let unit_id = unit.json["id"].as_str().unwrap().to_owned();
    let cadre = t
        .post(
            "/api/v1/cadres",
            json!({"name": "张三", "post": "党组成员、副局长",
                   "duty": {"kind": "team_member", "unit_id": unit_id}}),
        )
        .await;
    assert_eq!(cadre.status, StatusCode::CREATED, "{}", cadre.text);
    let cadre_id: CadreId = cadre.json["id"].as_str().unwrap().parse().unwrap();
    let list_id = ListId::new();
    let item_id = ItemId::new();
    let list = t
        .post(
            "/api/v1/lists",
            json!({"list_id": list_id, "year": 2026, "title": "2026年度全面从严治党主体责任清单",
                   "items": [{"item_id": item_id, "subject_kind": "team_member",
                              "responsibility": "principal", "category": "一岗双责",
                              "content": "每半年对分管领域党风廉政建设情况进行分析",
                              "cadence": "half_yearly", "required_count": 1,
                              "deadline": {"kind": "end_of_period"}}]}),
        )
        .await;
    assert_eq!(list.status, StatusCode::CREATED, "{}", list.text);
    let subject = Subject::TeamMember { cadre_id };
    let assigned = t
        .post(
            &format!("/api/v1/lists/{list_id}/assignments"),
            json!({"subjects": [subject]}),
        )
        .await;
    assert_eq!(assigned.status, StatusCode::OK, "{}", assigned.text);
    let source = Source::ListItem { list_id, item_id };
    let oblig = |i| {
        ObligationId::derive(
            &source,
            &subject,
            &Period::new(2026, Cadence::HalfYearly, i).unwrap(),
        )
    };
    (unit_id, cadre_id, oblig(1), oblig(2))
}

fn entry(performed_on: &str) -> Value {
    json!({"performed_on": performed_on, "content": "召开分管科室党风廉政建设专题会议", "attachments": []})
}

async fn record(
    t: &TestApp,
    cadre: CadreId,
    obligation: ObligationId,
    body: Value,
    key: Option<&str>,
) -> crate::support::Answer {
    let token = t.cadre_login(&cadre.to_string()).await;
    let mut headers = vec![("authorization", token.as_str())];
    if let Some(k) = key {
        headers.push(("idempotency-key", k));
    }
    t.call(
        "POST",
        &format!("/api/v1/obligations/{obligation}/entries"),
        Some(body),
        &headers,
    )
    .await
}

fn light_of(obligations: &Value, id: ObligationId) -> String {
    obligations["obligations"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["obligation_id"] == id.to_string())
        .map(|o| o["light"].as_str().unwrap().to_owned())
        .unwrap_or_default()
}

#[tokio::test]
async fn the_story_on_time_then_yellow_red_and_orange_and_the_past_stays_put() {
    let t = spawn_app("2026-01-05T09:00:00+08:00").await;
    let (unit, cadre, h1, h2) = district(&t).await;

    t.clock.set(at("2026-06-30T23:59:59+08:00"));
    let r = record(&t, cadre, h1, entry("2026-06-30"), None).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    assert_eq!(r.json["kind"], "recorded");

    // The second half-year goes yellow in the last 7 days, then red.
    let q = |as_of: &str, min: u64| {
        format!(
            "/api/v1/cadres/{cadre}/obligations?as_of={}&min_position={min}",
            urlencode(as_of)
        )
    };
    let p = r.json["position"].as_u64().unwrap();
    let at_dec_25 = t.get(&q("2026-12-25T00:00:00+08:00", p)).await;
    assert_eq!(at_dec_25.status, StatusCode::OK, "{}", at_dec_25.text);
    assert_eq!(light_of(&at_dec_25.json, h1), "green");
    assert_eq!(light_of(&at_dec_25.json, h2), "yellow");
    let before_backfill = t.get(&q("2027-01-01T08:00:00+08:00", p)).await;
    assert_eq!(light_of(&before_backfill.json, h2), "red");

    // A backfill on 1 January 2027 is stored as such and turns it orange from then on.
    t.clock.set(at("2027-01-01T09:00:00+08:00"));
    let late = record(&t, cadre, h2, entry("2026-12-30"), None).await;
    assert_eq!(late.status, StatusCode::CREATED, "{}", late.text);
    assert_eq!(late.json["kind"], "backfilled");
    let p = late.json["position"].as_u64().unwrap();
    let after = t.get(&q("2027-01-02T00:00:00+08:00", p)).await;
    assert_eq!(light_of(&after.json, h2), "orange");
    // What the board showed before the backfill is what it still shows.
    let again = t.get(&q("2027-01-01T08:00:00+08:00", p)).await;
    assert_eq!(again.json, before_backfill.json);

    // The district overview counts the unit's obligations by light.
    let board = t
        .get(&format!(
            "/api/v1/board?as_of={}&min_position={p}",
            urlencode("2027-01-02T00:00:00+08:00")
        ))
        .await;
    assert_eq!(board.status, StatusCode::OK, "{}", board.text);
    let row = board.json["units"]
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["unit_id"] == unit.as_str())
        .unwrap()
        .clone();
    assert_eq!(
        (
            row["green"].as_u64(),
            row["orange"].as_u64(),
            row["red"].as_u64()
        ),
        (Some(1), Some(1), Some(0))
    );
    assert_eq!(board.json["totals"]["green"], 1);
    let unit_view = t
        .get(&format!(
            "/api/v1/units/{unit}/obligations?min_position={p}"
        ))
        .await;
    assert_eq!(unit_view.json["obligations"].as_array().unwrap().len(), 2);
}

fn urlencode(s: &str) -> String {
    s.replace('+', "%2B").replace(':', "%3A")
}

#[tokio::test]
async fn bad_input_is_a_problem_that_names_the_field_and_stores_nothing() {
    let t = spawn_app("2026-03-01T09:00:00+08:00").await;
    let (unit, cadre, h1, _h2) = district(&t).await;
    let t = &t;
    let other = |name: &str, duty: &str| {
        let body = json!({"name": name, "post": "党组成员",
                          "duty": {"kind": duty, "unit_id": unit}});
        async move {
            let r = t.post("/api/v1/cadres", body).await;
            assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
            r.json["id"].as_str().unwrap().parse::<CadreId>().unwrap()
        }
    };
    let member = other("李四", "team_member").await;
    let principal = other("王五", "principal_leader").await;
    for c in [cadre, member, principal] {
        t.cadre_login(&c.to_string()).await;
    }
    let head = t.store.head().await.unwrap();

    let cases: Vec<(crate::support::Answer, StatusCode, &str, Option<&str>)> = vec![
        // A performed-on date in the future.
        (record(t, cadre, h1, entry("2026-03-02"), None).await, StatusCode::UNPROCESSABLE_ENTITY, "invalid_field", Some("performed_on")),
        // Another team member's obligation: outside a team member's scope, so not found.
        (record(t, member, h1, entry("2026-02-01"), None).await, StatusCode::NOT_FOUND, "not_found", None),
        // The principal leader sees it, but only its cadre records it.
        (record(t, principal, h1, entry("2026-02-01"), None).await, StatusCode::FORBIDDEN, "forbidden", None),
        // An obligation that does not exist.
        (record(t, cadre, ObligationId::new(), entry("2026-02-01"), None).await, StatusCode::NOT_FOUND, "not_found", None),
        // A unit of an unknown kind, and a field nobody knows.
        (t.post("/api/v1/units", json!({"name": "x", "kind": "club"})).await, StatusCode::UNPROCESSABLE_ENTITY, "invalid_field", Some("kind")),
        (t.post("/api/v1/units", json!({"name": "x", "kind": "party_group", "colour": 1})).await, StatusCode::UNPROCESSABLE_ENTITY, "invalid_field", None),
        // A cadre of a unit that does not exist.
        (t.post("/api/v1/cadres", json!({"name": "李四", "post": "副局长", "duty": {"kind": "team_member", "unit_id": ObligationId::new()}})).await, StatusCode::UNPROCESSABLE_ENTITY, "invalid_field", Some("duty")),
        // A list whose period lies outside its year.
        (t.post("/api/v1/lists", json!({"year": 2026, "title": "清单", "items": [{"subject_kind": "team_member", "responsibility": "principal", "category": "c", "content": "c", "cadence": "once", "required_count": 1, "deadline": {"kind": "fixed_date", "date": "2027-03-01"}}]})).await, StatusCode::UNPROCESSABLE_ENTITY, "invalid_field", Some("items")),
        // A bad as_of, an unknown route, a body that is not JSON.
        (t.get("/api/v1/board?as_of=yesterday").await, StatusCode::UNPROCESSABLE_ENTITY, "invalid_field", Some("as_of")),
        (t.get("/api/v1/nothing").await, StatusCode::NOT_FOUND, "not_found", None),
        (t.call("POST", "/api/v1/units", None, &[("content-type", "application/json")]).await, StatusCode::BAD_REQUEST, "malformed_request", None),
        (t.get("/api/v1/cadres/not-a-uuid/obligations").await, StatusCode::NOT_FOUND, "not_found", None),
    ];
    for (i, (answer, status, code, field)) in cases.into_iter().enumerate() {
        assert_eq!(answer.status, status, "case {i}: {}", answer.text);
        assert_eq!(answer.content_type, "application/problem+json", "case {i}");
        assert_eq!(answer.json["code"], code, "case {i}: {}", answer.text);
        assert_eq!(answer.json["status"], status.as_u16(), "case {i}");
        if let Some(f) = field {
            assert_eq!(answer.json["field"], f, "case {i}: {}", answer.text);
        }
    }
    // Entries by a user who is not a cadre (the administrator), by nobody, and with a
    // forged token are refused too.
    let path = format!("/api/v1/obligations/{h1}/entries");
    for (headers, status, code) in [
        (vec![], StatusCode::FORBIDDEN, "forbidden"),
        (
            vec![("authorization", "")],
            StatusCode::UNAUTHORIZED,
            "unauthenticated",
        ),
        (
            vec![(
                "authorization",
                "Bearer AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
            )],
            StatusCode::UNAUTHORIZED,
            "invalid_token",
        ),
    ] {
        let r = t
            .call("POST", &path, Some(entry("2026-02-01")), &headers)
            .await;
        assert_eq!(
            (r.status, r.json["code"].as_str()),
            (status, Some(code)),
            "{headers:?}: {}",
            r.text
        );
    }
    assert_eq!(t.store.head().await.unwrap(), head, "nothing was stored");
}

#[tokio::test]
async fn a_retry_with_the_same_idempotency_key_returns_the_first_answer_and_writes_nothing() {
    let t = spawn_app("2026-03-01T09:00:00+08:00").await;
    let (_unit, cadre, h1, _) = district(&t).await;
    let first = record(&t, cadre, h1, entry("2026-02-01"), Some("retry-1")).await;
    assert_eq!(first.status, StatusCode::CREATED, "{}", first.text);
    let head = t.store.head().await.unwrap();
    let again = record(&t, cadre, h1, entry("2026-02-01"), Some("retry-1")).await;
    assert_eq!(again.status, StatusCode::OK, "{}", again.text);
    assert_eq!(again.json["id"], first.json["id"]);
    assert_eq!(again.json["position"], first.json["position"]);
    assert_eq!(again.json["replayed"], true);
    assert_eq!(t.store.head().await.unwrap(), head);
    // The same key with another body is refused.
    let other = record(&t, cadre, h1, entry("2026-02-02"), Some("retry-1")).await;
    assert_eq!(
        other.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        other.text
    );
    assert_eq!(other.json["code"], "idempotency_key_reused");
    assert_eq!(t.store.head().await.unwrap(), head);
    // Registering twice with one key creates one unit.
    let a = t
        .call(
            "POST",
            "/api/v1/units",
            Some(json!({"name": "区财政局党组", "kind": "party_group"})),
            &[("idempotency-key", "unit-1")],
        )
        .await;
    let b = t
        .call(
            "POST",
            "/api/v1/units",
            Some(json!({"name": "区财政局党组", "kind": "party_group"})),
            &[("idempotency-key", "unit-1")],
        )
        .await;
    assert_eq!((a.status, b.status), (StatusCode::CREATED, StatusCode::OK));
    assert_eq!(a.json["id"], b.json["id"]);
    assert_eq!(t.store.head().await.unwrap(), head + 1);
}

/// An Idempotency-Key is 1 to 200 visible ASCII characters (`^[!-~]{1,200}$`): any other
/// is refused naming the header, and nothing is written; 200 of them, or `!` and `~`, are
/// a key.
#[tokio::test]
async fn an_idempotency_key_outside_its_pattern_is_named_and_writes_nothing() {
    let t = spawn_app("2026-03-01T09:00:00+08:00").await;
    let unit = |n: usize| json!({"name": format!("区财政局党组{n}"), "kind": "party_group"});
    let head = t.store.head().await.unwrap();
    let long = "k".repeat(201);
    for (n, key) in ["", " ", "a b", "键", "k\t1", long.as_str()]
        .into_iter()
        .enumerate()
    {
        let r = t
            .call(
                "POST",
                "/api/v1/units",
                Some(unit(n)),
                &[("idempotency-key", key)],
            )
            .await;
        assert_eq!(
            r.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{key:?}: {}",
            r.text
        );
        assert_eq!(r.json["code"], "invalid_field", "{key:?}: {}", r.text);
        assert_eq!(r.json["field"], "Idempotency-Key", "{key:?}: {}", r.text);
    }
    assert_eq!(t.store.head().await.unwrap(), head, "nothing was written");
    for (n, key) in ["k".repeat(200), "!".to_owned(), "~".to_owned()]
        .iter()
        .enumerate()
    {
        let r = t
            .call(
                "POST",
                "/api/v1/units",
                Some(unit(10 + n)),
                &[("idempotency-key", key)],
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{key:?}: {}", r.text);
    }
}

/// Each list's `limit` and each `year` is refused just outside the bounds its description
/// gives, naming it, and answered at both ends.
#[tokio::test]
async fn limits_and_years_are_kept_to_their_described_bounds_at_both_ends() {
    let t = spawn_app("2026-03-01T09:00:00+08:00").await;
    let mut cases = Vec::new();
    for (path, max) in [
        ("/api/v1/filings", 1000),
        ("/api/v1/problems", 1000),
        ("/api/v1/oversight-records", 1000),
        ("/api/v1/accountability", 1000),
        ("/api/v1/access-log", 1000),
        ("/api/v1/notifications", 500),
    ] {
        cases.push((format!("{path}?limit="), "limit", 1, max));
    }
    for path in [
        "/api/v1/accountability/proposals?year=",
        "/api/v1/statistics/lights?year=",
        "/api/v1/statistics/filings?year=",
        "/api/v1/reports/statistics?format=csv&year=",
        "/api/v1/assessments/",
    ] {
        cases.push((path.to_owned(), "year", 2000, 2100));
    }
    for (prefix, field, min, max) in cases {
        for outside in [min - 1, max + 1] {
            let r = t.get(&format!("{prefix}{outside}")).await;
            assert_eq!(
                r.status,
                StatusCode::UNPROCESSABLE_ENTITY,
                "{prefix}{outside}: {}",
                r.text
            );
            assert_eq!(r.json["field"], field, "{prefix}{outside}: {}", r.text);
        }
        for end in [min, max] {
            let r = t.get(&format!("{prefix}{end}")).await;
            assert_eq!(r.status, StatusCode::OK, "{prefix}{end}: {}", r.text);
        }
    }
}

#[tokio::test]
async fn the_board_is_the_same_json_gzipped_and_plain_with_the_instant_asked_spliced_in() {
    let t = spawn_app("2026-06-29T09:00:00+08:00").await;
    district(&t).await;
    let p = t.store.head().await.unwrap();
    let plain = t.get(&format!("/api/v1/board?min_position={p}")).await;
    assert_eq!(plain.status, StatusCode::OK, "{}", plain.text);
    assert_eq!(plain.content_type, "application/json");
    let gunzip = |bytes: &[u8]| {
        let mut text = String::new();
        std::io::Read::read_to_string(&mut flate2::read::GzDecoder::new(bytes), &mut text)
            .expect("a valid gzip member");
        serde_json::from_str::<Value>(&text).unwrap()
    };
    // A browser's Accept-Encoding: gzip, the same JSON.
    let (status, headers, body) = t
        .get_raw(
            "/api/v1/board",
            &[("accept-encoding", "gzip, deflate, br, zstd")],
        )
        .await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(headers["content-encoding"], "gzip");
    assert_eq!(headers["vary"], "accept-encoding");
    assert_eq!(gunzip(&body), plain.json);
    // Asked as of other instants of the same day at the same position: the cached rows,
    // each answer with its own as_of, plain or gzipped.
    for (instant, encoding) in [
        ("2026-06-29T10:00:00Z", "gzip"),
        ("2026-06-29T11:30:00.5Z", "identity"),
    ] {
        t.clock.set(at(instant));
        let (status, headers, body) = t
            .get_raw("/api/v1/board", &[("accept-encoding", encoding)])
            .await;
        assert_eq!(status, StatusCode::OK);
        let json = if encoding == "gzip" {
            gunzip(&body)
        } else {
            assert!(headers.get("content-encoding").is_none());
            serde_json::from_slice(&body).unwrap()
        };
        let asked: chrono::DateTime<chrono::Utc> = json["as_of"].as_str().unwrap().parse().unwrap();
        assert_eq!(asked, at(instant));
        assert_eq!(json["units"], plain.json["units"]);
        assert_eq!(json["totals"], plain.json["totals"]);
        assert_eq!(json["overdue_problems"], plain.json["overdue_problems"]);
    }
}

#[tokio::test]
async fn the_board_of_now_follows_new_events_and_new_days() {
    let t = spawn_app("2026-06-29T09:00:00+08:00").await;
    let (unit, cadre, h1, _) = district(&t).await;
    let row = |b: &Value| {
        b["units"]
            .as_array()
            .unwrap()
            .iter()
            .find(|u| u["unit_id"] == unit.as_str())
            .unwrap()
            .clone()
    };
    let p = t.store.head().await.unwrap();
    let first = t.get(&format!("/api/v1/board?min_position={p}")).await;
    assert_eq!(row(&first.json)["yellow"], 1, "{}", first.text);
    // Asked again, the same answer (from the cache).
    let again = t.get("/api/v1/board").await;
    assert_eq!(again.json, first.json);
    // A new day with no new event: H1 (due 30 June) has gone red on 1 July.
    t.clock.set(at("2026-07-01T08:00:00+08:00"));
    let next_day = t.get("/api/v1/board").await;
    assert_eq!(
        (
            row(&next_day.json)["yellow"].as_u64(),
            row(&next_day.json)["red"].as_u64()
        ),
        (Some(0), Some(1))
    );
    // A backfill: the next board of now shows it, orange.
    let late = record(&t, cadre, h1, entry("2026-06-30"), None).await;
    assert_eq!(late.json["kind"], "backfilled");
    let p = late.json["position"].as_u64().unwrap();
    let after = t.get(&format!("/api/v1/board?min_position={p}")).await;
    assert_eq!(
        (
            row(&after.json)["red"].as_u64(),
            row(&after.json)["orange"].as_u64()
        ),
        (Some(0), Some(1))
    );
    // And the same instant asked explicitly (no cache) agrees.
    let explicit = t
        .get(&format!(
            "/api/v1/board?as_of={}",
            urlencode("2026-07-01T08:00:00+08:00")
        ))
        .await;
    assert_eq!(explicit.json["units"], after.json["units"]);
}
