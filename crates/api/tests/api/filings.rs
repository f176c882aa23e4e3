//! Filings (事项报备) through HTTP: the filing windows at their boundaries, bad input,
//! revisions, cancellations and returns, acknowledgements by the right people, and the
//! register's filters and scope (nothing of another unit's filings in any answer).

use crate::support::{Answer, PASSWORD, TestApp, at, spawn_app};
use axum::http::StatusCode;
use serde_json::{Value, json};
use std::collections::BTreeMap;

/// Units A and B, each with a principal leader and team members; a discipline group
/// stationed in A with a member; a leader in charge of each; logins for all of them and
/// for an auditor and a regulator. Today is Sunday 1 March 2026 in Shanghai.
struct World {
    t: TestApp,
    /// Ids by key: unit_a, unit_b, group_a, pa, ma, ma2, pb, mb, ga, la, lb.
    id: BTreeMap<&'static str, String>,
    /// Names by the same keys.
    name: BTreeMap<&'static str, &'static str>,
    /// `Bearer …` by key (cadres and leaders), and for `commission`, `auditor`, `regulator`.
    token: BTreeMap<&'static str, String>,
}

impl World {
    async fn build() -> World {
        let t = spawn_app("2026-03-01T09:00:00+08:00").await;
        let mut w = World {
            t,
            id: BTreeMap::new(),
            name: BTreeMap::new(),
            token: BTreeMap::new(),
        };
        for (key, name) in [("unit_a", "区教育局党组"), ("unit_b", "区卫健局党组")] {
            let id = w
                .created(
                    "/api/v1/units",
                    json!({"name": name, "kind": "party_group"}),
                )
                .await;
            w.id.insert(key, id);
            w.name.insert(key, name);
        }
        let group = w
            .created(
                "/api/v1/groups",
                json!({"name": "第一派驻纪检组", "stationed_in": [w.id["unit_a"]]}),
            )
            .await;
        w.id.insert("group_a", group);
        w.name.insert("group_a", "第一派驻纪检组");
        for (key, name, kind, owner) in [
            ("pa", "张一", "principal_leader", "unit_a"),
            ("ma", "李二", "team_member", "unit_a"),
            ("ma2", "王三", "team_member", "unit_a"),
            ("pb", "赵四", "principal_leader", "unit_b"),
            ("mb", "钱五", "team_member", "unit_b"),
            ("ga", "孙六", "discipline_group", "group_a"),
        ] {
            let duty = if kind == "discipline_group" {
                json!({"kind": kind, "group_id": w.id[owner]})
            } else {
                json!({"kind": kind, "unit_id": w.id[owner]})
            };
            let id = w
                .created(
                    "/api/v1/cadres",
                    json!({"name": name, "post": "职务", "duty": duty}),
                )
                .await;
            let token = w.t.cadre_login(&id).await;
            w.id.insert(key, id);
            w.name.insert(key, name);
            w.token.insert(key, token);
        }
        for (key, name, unit, username) in [
            ("la", "吴八", "unit_a", "wuba"),
            ("lb", "郑九", "unit_b", "zhengjiu"),
        ] {
            let id = w
                .created(
                    "/api/v1/leaders",
                    json!({"name": name, "units": [w.id[unit]]}),
                )
                .await;
            w.login(username, json!({"kind": "leader", "leader_id": id}))
                .await;
            let token = w.t.sign_in(username, PASSWORD).await;
            w.id.insert(key, id);
            w.name.insert(key, name);
            w.token.insert(key, token);
        }
        w.token.insert("commission", w.t.admin.clone());
        // Every scope as it stands once the organisation is complete.
        let head = w.t.store.head().await.unwrap();
        w.t.state.wait_for("directory", head).await.unwrap();
        for (key, username) in [("auditor", "shenji"), ("regulator", "jianguan")] {
            w.login(username, json!({"kind": key})).await;
            let token = w.t.sign_in(username, PASSWORD).await;
            w.token.insert(key, token);
        }
        w
    }

    async fn created(&self, path: &str, body: Value) -> String {
        let r = self.t.post(path, body).await;
        assert_eq!(r.status, StatusCode::CREATED, "{path}: {}", r.text);
        r.json["id"].as_str().unwrap().to_owned()
    }

    async fn login(&self, username: &str, account: Value) {
        let r = self
            .t
            .post(
                "/api/v1/users",
                json!({"username": username, "display_name": username,
                       "account": account, "password": PASSWORD}),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    }

    async fn call(&self, who: &str, method: &str, path: &str, body: Option<Value>) -> Answer {
        self.t
            .call(
                method,
                path,
                body,
                &[("authorization", self.token[who].as_str())],
            )
            .await
    }

    async fn post(&self, who: &str, path: &str, body: Value) -> Answer {
        self.call(who, "POST", path, Some(body)).await
    }

    async fn get(&self, who: &str, path: &str) -> Answer {
        self.call(who, "GET", path, None).await
    }

    /// Files a travel as `who`; answers the filing's id.
    async fn travel(&self, who: &str, leave_on: &str, return_on: &str) -> String {
        let r = self
            .post(
                who,
                "/api/v1/filings/travel",
                json!({"purpose": "private", "destination": "上海",
                       "leave_on": leave_on, "return_on": return_on}),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
        r.json["id"].as_str().unwrap().to_owned()
    }

    /// Files a family event as `who`; answers the filing's id.
    async fn family(&self, who: &str, date: &str) -> String {
        let r = self
            .post(
                who,
                "/api/v1/filings/family-events",
                json!({"kind": "child_wedding", "date": date,
                       "scale": "宴请亲友8桌约80人", "venue": "宁波某酒店"}),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
        r.json["id"].as_str().unwrap().to_owned()
    }

    /// The filing, as `who` sees it.
    async fn filing(&self, who: &str, id: &str) -> Value {
        let r = self.get(who, &format!("/api/v1/filings/{id}")).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text);
        r.json
    }

    /// The register as `who` sees it with `query`: the filing ids, in order.
    async fn register(&self, who: &str, query: &str) -> Vec<String> {
        let r = self.get(who, &format!("/api/v1/filings?{query}")).await;
        assert_eq!(r.status, StatusCode::OK, "{query}: {}", r.text);
        r.json
            .as_array()
            .unwrap()
            .iter()
            .map(|f| f["filing_id"].as_str().unwrap().to_owned())
            .collect()
    }

    /// Asserts that nothing of `keys` — id or name — is in the answer.
    fn assert_hidden(&self, keys: &[&str], answer: &Answer) {
        for key in keys {
            assert!(
                !answer.text.contains(self.id[key].as_str()),
                "the answer names {key}'s id: {}",
                answer.text
            );
            assert!(
                !answer.text.contains(self.name[key]),
                "the answer names {key}: {}",
                answer.text
            );
        }
    }
}

fn lateness(f: &Value) -> (bool, bool, u64) {
    (
        f["required"].as_bool().unwrap(),
        f["late"].as_bool().unwrap(),
        f["days_late"].as_u64().unwrap(),
    )
}

#[tokio::test]
async fn travel_from_three_days_is_filed_before_leaving_and_family_events_thirty_days_ahead() {
    let w = World::build().await;
    // Today is 1 March. Two days (10–11 March): no filing needed, never late — not even
    // filed after the return.
    let two = w.travel("ma", "2026-03-10", "2026-03-11").await;
    let two_after = w.travel("ma", "2026-02-27", "2026-02-28").await;
    // Three days, leaving tomorrow: on time (filed the day before).
    let three_tomorrow = w.travel("ma", "2026-03-02", "2026-03-04").await;
    // Three days, leaving today: late by 1; back yesterday: late by 4.
    let three_today = w.travel("ma", "2026-03-01", "2026-03-03").await;
    let three_after = w.travel("ma", "2026-02-26", "2026-02-28").await;
    // A family event 30 days ahead is on time; 29 days ahead is late by 1.
    let thirty = w.family("ma", "2026-03-31").await;
    let twenty_nine = w.family("ma", "2026-03-30").await;
    for (id, expected, due_by) in [
        (&two, (false, false, 0), Value::Null),
        (&two_after, (false, false, 0), Value::Null),
        (&three_tomorrow, (true, false, 0), json!("2026-03-01")),
        (&three_today, (true, true, 1), json!("2026-02-28")),
        (&three_after, (true, true, 4), json!("2026-02-25")),
        (&thirty, (true, false, 0), json!("2026-03-01")),
        (&twenty_nine, (true, true, 1), json!("2026-02-28")),
    ] {
        let f = w.filing("ma", id).await;
        assert_eq!(lateness(&f), expected, "{f}");
        assert_eq!(f["due_by"], due_by, "{f}");
        assert_eq!(f["status"], "filed");
        assert_eq!(f["filed_on"], "2026-03-01");
        assert_eq!(f["cadre_id"], w.id["ma"].as_str());
        assert_eq!(f["cadre_name"], "李二");
        assert_eq!(f["unit_id"], w.id["unit_a"].as_str());
        assert_eq!(f["unit_name"], "区教育局党组");
    }
    let f = w.filing("ma", &three_today).await;
    assert_eq!(f["kind"], "travel");
    assert_eq!(
        f["travel"],
        json!({"purpose": "private", "destination": "上海", "leave_on": "2026-03-01",
               "return_on": "2026-03-03", "days": 3})
    );
    assert_eq!(f["family_event"], Value::Null);
    let f = w.filing("ma", &twenty_nine).await;
    assert_eq!(f["kind"], "family_event");
    assert_eq!(
        f["family_event"],
        json!({"kind": "child_wedding", "date": "2026-03-30",
               "scale": "宴请亲友8桌约80人", "venue": "宁波某酒店"})
    );
    // The late ones, newest first.
    assert_eq!(
        w.register("ma", "late=true").await,
        [twenty_nine, three_after, three_today]
    );

    // The day turns at midnight in Shanghai: at 23:59 on 1 March a travel leaving on the
    // 2nd is on time; at 00:00 on the 2nd it is a day late.
    w.t.clock.set(at("2026-03-01T23:59:59+08:00"));
    let last_minute = w.travel("ma2", "2026-03-02", "2026-03-04").await;
    w.t.clock.set(at("2026-03-02T00:00:00+08:00"));
    let a_second_late = w.travel("ma2", "2026-03-02", "2026-03-04").await;
    assert_eq!(
        lateness(&w.filing("ma2", &last_minute).await),
        (true, false, 0)
    );
    assert_eq!(
        lateness(&w.filing("ma2", &a_second_late).await),
        (true, true, 1)
    );
}

#[tokio::test]
async fn bad_input_is_a_problem_naming_the_field_and_stores_nothing() {
    let w = World::build().await;
    let head = w.t.store.head().await.unwrap();
    let travel = |leave: &str, ret: &str| json!({"purpose": "on_duty", "destination": "北京", "leave_on": leave, "return_on": ret});
    let family = |kind: &str, date: &str| json!({"kind": kind, "date": date, "scale": "10桌", "venue": "自家"});
    for (path, body, field) in [
        ("travel", travel("2026-03-10", "2026-03-09"), "return_on"),
        ("travel", travel("2026-02-30", "2026-03-02"), "leave_on"),
        ("travel", travel("2026-03-10", "2026-13-01"), "return_on"),
        ("travel", travel("2027-06-01", "2027-06-03"), "leave_on"),
        (
            "travel",
            json!({"purpose": "holiday", "destination": "北京",
                   "leave_on": "2026-03-10", "return_on": "2026-03-12"}),
            "purpose",
        ),
        (
            "travel",
            json!({"purpose": "private", "destination": " ",
                   "leave_on": "2026-03-10", "return_on": "2026-03-12"}),
            "destination",
        ),
        ("family-events", family("wedding", "2026-02-28"), "date"),
        ("family-events", family("wedding", "2026-02-29"), "date"),
        ("family-events", family("birthday", "2026-05-01"), "kind"),
        (
            "family-events",
            json!({"kind": "funeral", "date": "2026-05-01", "scale": "", "venue": "殡仪馆"}),
            "scale",
        ),
    ] {
        let r = w
            .post("ma", &format!("/api/v1/filings/{path}"), body.clone())
            .await;
        assert_eq!(
            r.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{body}: {}",
            r.text
        );
        assert_eq!(r.content_type, "application/problem+json");
        assert_eq!(r.json["code"], "invalid_field");
        assert_eq!(r.json["field"], field, "{body}: {}", r.text);
    }
    // Only a cadre files, for themself: the commission and a leader in charge cannot.
    for who in ["commission", "la"] {
        let r = w
            .post(
                who,
                "/api/v1/filings/travel",
                travel("2026-03-10", "2026-03-12"),
            )
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{who}: {}", r.text);
    }
    assert_eq!(w.t.store.head().await.unwrap(), head, "nothing was stored");
    // Today's family event is 0 days ahead: accepted, late by 30.
    let today = w.family("ma", "2026-03-01").await;
    assert_eq!(lateness(&w.filing("ma", &today).await), (true, true, 30));
}

#[tokio::test]
async fn a_filing_is_revised_cancelled_or_returned_by_its_filer_as_events() {
    let w = World::build().await;
    let id = w.travel("ma", "2026-03-10", "2026-03-12").await;
    let path = |what: &str| format!("/api/v1/filings/{id}/{what}");
    let revised = w
        .post(
            "ma",
            &path("revisions"),
            json!({"return_on": "2026-03-14", "destination": "上海、苏州", "reason": "行程延长"}),
        )
        .await;
    assert_eq!(revised.status, StatusCode::OK, "{}", revised.text);
    let f = w.filing("ma", &id).await;
    assert_eq!(f["status"], "revised");
    assert_eq!(f["revisions"], 1);
    assert_eq!(f["travel"]["destination"], "上海、苏州");
    assert_eq!(f["travel"]["days"], 5);
    assert_eq!(lateness(&f), (true, false, 0));

    // Bad revisions name their field and store nothing.
    let head = w.t.store.head().await.unwrap();
    for (body, field) in [
        (json!({"date": "2026-05-01", "reason": "x"}), "date"),
        (
            json!({"return_on": "2026-03-01", "reason": "x"}),
            "return_on",
        ),
        (
            json!({"return_on": "2026-03-14", "reason": "x"}),
            "revision",
        ),
        (json!({"purpose": "on_duty", "reason": ""}), "reason"),
    ] {
        let r = w.post("ma", &path("revisions"), body.clone()).await;
        assert_eq!(
            r.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{body}: {}",
            r.text
        );
        assert_eq!(r.json["field"], field, "{body}: {}", r.text);
    }
    // Only the filer changes it: their principal leader sees it and may not (403); a
    // cadre of another unit does not see it at all (404, as for no filing).
    let change = json!({"purpose": "on_duty", "reason": "改为因公"});
    let r = w.post("pa", &path("revisions"), change.clone()).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.text);
    let r = w.post("mb", &path("revisions"), change.clone()).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND, "{}", r.text);
    assert!(!r.text.contains(&id), "{}", r.text);
    let none = w
        .post(
            "mb",
            &format!("/api/v1/filings/{}/revisions", uuid_like(&id)),
            change,
        )
        .await;
    assert_eq!(none.status, StatusCode::NOT_FOUND);
    assert_eq!(none.json["detail"], r.json["detail"]);
    let r = w
        .post("pb", &path("cancellation"), json!({"reason": "x"}))
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND, "{}", r.text);
    assert_eq!(w.t.store.head().await.unwrap(), head, "nothing was stored");

    // No return before leaving; after the leave date, no cancellation.
    w.t.clock.set(at("2026-03-09T12:00:00+08:00"));
    let r = w
        .post("ma", &path("return"), json!({"returned_on": "2026-03-09"}))
        .await;
    assert_eq!(r.json["field"], "returned_on", "{}", r.text);
    w.t.clock.set(at("2026-03-11T12:00:00+08:00"));
    let r = w
        .post("ma", &path("cancellation"), json!({"reason": "不去了"}))
        .await;
    assert_eq!(r.json["field"], "leave_on", "{}", r.text);
    // Back on the 14th, reported on the 15th; once.
    w.t.clock.set(at("2026-03-15T10:00:00+08:00"));
    for (returned_on, field) in [("2026-03-09", "returned_on"), ("2026-03-16", "returned_on")] {
        let r = w
            .post("ma", &path("return"), json!({"returned_on": returned_on}))
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text);
        assert_eq!(r.json["field"], field);
    }
    let r = w
        .post("ma", &path("return"), json!({"returned_on": "2026-03-14"}))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let f = w.filing("pa", &id).await;
    assert_eq!(f["status"], "returned");
    assert_eq!(f["returned_on"], "2026-03-14");
    let r = w
        .post("ma", &path("return"), json!({"returned_on": "2026-03-14"}))
        .await;
    assert_eq!(r.json["field"], "filing_id", "{}", r.text);

    // A family event cancelled before its day; then it cannot be revised.
    let event = w.family("ma", "2026-05-01").await;
    let r = w
        .post(
            "ma",
            &format!("/api/v1/filings/{event}/cancellation"),
            json!({"reason": "婚期推迟，另行报备"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let f = w.filing("ma", &event).await;
    assert_eq!(f["status"], "cancelled");
    assert_eq!(f["cancellation_reason"], "婚期推迟，另行报备");
    let r = w
        .post(
            "ma",
            &format!("/api/v1/filings/{event}/revisions"),
            json!({"venue": "别处", "reason": "x"}),
        )
        .await;
    assert_eq!(r.json["field"], "filing_id", "{}", r.text);
    // A family event has no return.
    let other = w.family("ma", "2026-05-02").await;
    let r = w
        .post(
            "ma",
            &format!("/api/v1/filings/{other}/return"),
            json!({"returned_on": "2026-03-15"}),
        )
        .await;
    assert_eq!(r.json["field"], "filing_id", "{}", r.text);

    // The log keeps every step as its own event.
    let stream =
        w.t.store
            .read_stream(
                &event_store::StreamName::new(format!("filing-{id}")).unwrap(),
                event_store::Direction::Forward,
                1,
                100,
            )
            .await
            .unwrap();
    let types: Vec<_> = stream.iter().map(|e| e.event_type.as_str()).collect();
    assert_eq!(types, ["TravelFiled", "FilingRevised", "ReturnReported"]);
}

fn ids(v: &[&String]) -> Vec<String> {
    v.iter().map(|s| (*s).clone()).collect()
}

/// Another id of the same shape, that names no filing.
fn uuid_like(id: &str) -> String {
    let last = if id.ends_with('0') { '1' } else { '0' };
    format!("{}{last}", &id[..id.len() - 1])
}

#[tokio::test]
async fn leaders_who_see_a_filing_acknowledge_it_once_and_nobody_else_can() {
    let w = World::build().await;
    let id = w.family("ma", "2026-04-15").await;
    let path = format!("/api/v1/filings/{id}/acknowledgement");
    for who in ["pa", "la", "ga", "commission"] {
        let r = w.call(who, "POST", &path, None).await;
        assert_eq!(r.status, StatusCode::OK, "{who}: {}", r.text);
        assert_eq!(r.json["replayed"], false);
    }
    // A repeat changes nothing.
    let head = w.t.store.head().await.unwrap();
    let again = w.call("pa", "POST", &path, None).await;
    assert_eq!(again.status, StatusCode::OK, "{}", again.text);
    // The filer, an auditor and a regulator may not (403); leaders of another unit do not
    // see it (404, with nothing of it in the answer).
    for (who, status) in [
        ("ma", StatusCode::FORBIDDEN),
        ("ma2", StatusCode::FORBIDDEN),
        ("auditor", StatusCode::FORBIDDEN),
        ("regulator", StatusCode::FORBIDDEN),
        ("pb", StatusCode::NOT_FOUND),
        ("lb", StatusCode::NOT_FOUND),
    ] {
        let r = w.call(who, "POST", &path, None).await;
        assert_eq!(r.status, status, "{who}: {}", r.text);
        if status == StatusCode::NOT_FOUND {
            assert!(!r.text.contains(&id), "{}", r.text);
            w.assert_hidden(&["ma", "unit_a"], &r);
        }
    }
    assert_eq!(w.t.store.head().await.unwrap(), head, "nothing was stored");
    // A principal leader does not acknowledge their own filing.
    let own = w.travel("pa", "2026-03-10", "2026-03-12").await;
    let r = w
        .call(
            "pa",
            "POST",
            &format!("/api/v1/filings/{own}/acknowledgement"),
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.text);

    // Everyone sees the four acknowledgements by role; who made them only the commission
    // (and auditors) see, and each acknowledger their own.
    let roles = |f: &Value| -> Vec<String> {
        f["acknowledgements"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| a["role"].as_str().unwrap().to_owned())
            .collect()
    };
    let named = |f: &Value| {
        f["acknowledgements"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|a| !a["user_id"].is_null())
            .count()
    };
    for (who, shown) in [("commission", 4), ("auditor", 4), ("pa", 1), ("ma", 0)] {
        let f = w.filing(who, &id).await;
        assert_eq!(
            roles(&f),
            [
                "principal_leader",
                "leader_in_charge",
                "discipline_group",
                "commission"
            ],
            "{who}"
        );
        assert_eq!(named(&f), shown, "{who}: {f}");
    }
}

#[tokio::test]
async fn the_register_filters_by_cadre_unit_range_and_lateness_within_the_scope() {
    let w = World::build().await;
    // Unit A: 李二 travels 10–12 March (on time) and has a family event on 30 March (late
    // by 1); 王三 leaves today for 3 days (late by 1); 张一 goes away 1–2 April (no filing
    // needed). Unit B: 钱五 travels 20–25 March (on time) and has an event on 15 March
    // (late by 16). The discipline group's 孙六 travels 5–8 April.
    let ma_travel = w.travel("ma", "2026-03-10", "2026-03-12").await;
    let ma_family = w.family("ma", "2026-03-30").await;
    let ma2_travel = w.travel("ma2", "2026-03-01", "2026-03-03").await;
    let pa_travel = w.travel("pa", "2026-04-01", "2026-04-02").await;
    let mb_travel = w.travel("mb", "2026-03-20", "2026-03-25").await;
    let mb_family = w.family("mb", "2026-03-15").await;
    let ga_travel = w.travel("ga", "2026-04-05", "2026-04-08").await;
    let a_side = [&ma_travel, &ma_family, &ma2_travel, &pa_travel];
    let all = [
        &ga_travel,
        &mb_family,
        &mb_travel,
        &pa_travel,
        &ma2_travel,
        &ma_family,
        &ma_travel,
    ];
    assert_eq!(w.register("commission", "").await, ids(&all));
    assert_eq!(
        lateness(&w.filing("commission", &mb_family).await),
        (true, true, 16)
    );
    let q = |s: &str| {
        s.replace("{ma}", &w.id["ma"])
            .replace("{a}", &w.id["unit_a"])
    };
    assert_eq!(
        w.register("commission", &q("cadre_id={ma}")).await,
        ids(&[&ma_family, &ma_travel])
    );
    assert_eq!(
        w.register("commission", &q("unit_id={a}")).await,
        ids(&[&pa_travel, &ma2_travel, &ma_family, &ma_travel])
    );
    assert_eq!(
        w.register("commission", "late=true").await,
        ids(&[&mb_family, &ma2_travel, &ma_family])
    );
    assert_eq!(
        w.register("commission", &q("late=true&unit_id={a}")).await,
        ids(&[&ma2_travel, &ma_family])
    );
    // Ranges take the filings whose days overlap them, both ends included.
    assert_eq!(
        w.register("commission", "from=2026-03-12&to=2026-03-15")
            .await,
        ids(&[&mb_family, &ma_travel])
    );
    assert_eq!(
        w.register("commission", "from=2026-03-31").await,
        ids(&[&ga_travel, &pa_travel])
    );
    assert_eq!(
        w.register("commission", "to=2026-03-03").await,
        ids(&[&ma2_travel])
    );
    // Paging: newest first, `before` the last position of the previous page.
    let mut paged = Vec::new();
    let mut before = String::new();
    loop {
        let r = w
            .get("commission", &format!("/api/v1/filings?limit=3{before}"))
            .await;
        let page = r.json.as_array().unwrap().clone();
        assert!(page.len() <= 3);
        if page.is_empty() {
            break;
        }
        before = format!("&before={}", page.last().unwrap()["position"]);
        paged.extend(
            page.iter()
                .map(|f| f["filing_id"].as_str().unwrap().to_owned()),
        );
    }
    assert_eq!(paged, ids(&all));
    // Bad queries name their parameter.
    for (query, field) in [
        ("limit=0", "limit"),
        ("limit=1001", "limit"),
        ("from=2026-02-30", "from"),
        ("from=2026-03-10&to=2026-03-09", "to"),
    ] {
        let r = w
            .get("commission", &format!("/api/v1/filings?{query}"))
            .await;
        assert_eq!(
            r.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{query}: {}",
            r.text
        );
        assert_eq!(r.json["field"], field);
    }

    // Scope: each sees the filings of the cadres they see, and nothing else.
    assert_eq!(w.register("auditor", "").await, ids(&all));
    for who in ["pa", "la"] {
        let mut newest_first = a_side;
        newest_first.reverse();
        assert_eq!(w.register(who, "").await, ids(&newest_first), "{who}");
    }
    assert_eq!(
        w.register("ga", "").await,
        ids(&[&ga_travel, &pa_travel, &ma2_travel, &ma_family, &ma_travel])
    );
    assert_eq!(w.register("ma", "").await, ids(&[&ma_family, &ma_travel]));
    assert_eq!(w.register("pb", "").await, ids(&[&mb_family, &mb_travel]));
    assert_eq!(w.register("lb", "").await, ids(&[&mb_family, &mb_travel]));
    // Filters on what one does not see find nothing.
    assert!(w.register("pb", &q("unit_id={a}")).await.is_empty());
    assert!(w.register("pb", &q("cadre_id={ma}")).await.is_empty());
    assert!(w.register("ma2", &q("cadre_id={ma}")).await.is_empty());
    let r = w.get("regulator", "/api/v1/filings").await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.text);

    // No answer to B's principal leader names anything of A's side.
    let a_keys = ["unit_a", "group_a", "pa", "ma", "ma2", "ga", "la"];
    let listed = w.get("pb", "/api/v1/filings").await;
    w.assert_hidden(&a_keys, &listed);
    for id in a_side {
        let r = w.get("pb", &format!("/api/v1/filings/{id}")).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{}", r.text);
        assert!(!r.text.contains(id.as_str()), "{}", r.text);
        w.assert_hidden(&a_keys, &r);
        let none = w
            .get("pb", &format!("/api/v1/filings/{}", uuid_like(id)))
            .await;
        assert_eq!(none.status, StatusCode::NOT_FOUND);
        assert_eq!(none.json["detail"], r.json["detail"]);
    }
    // Nor the other way round.
    let listed = w.get("pa", "/api/v1/filings").await;
    w.assert_hidden(&["unit_b", "pb", "mb", "lb"], &listed);
}

#[tokio::test]
async fn a_transfer_keeps_the_unit_of_the_filing_and_moves_who_sees_it() {
    let w = World::build().await;
    let id = w.travel("ma", "2026-03-10", "2026-03-12").await;
    // 李二 moves to unit B: the filing stays filed under A; B's leaders see it now, A's no
    // longer (ADR 0008), and B's leaders are not told the name of unit A.
    let r =
        w.t.post(
            &format!("/api/v1/cadres/{}/transfer", w.id["ma"]),
            json!({"post": "职务", "duty": {"kind": "team_member", "unit_id": w.id["unit_b"]}}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let p = r.json["position"].as_u64().unwrap();
    w.t.state.wait_for("directory", p).await.unwrap();
    let q = format!("unit_id={}", w.id["unit_a"]);
    assert_eq!(w.register("commission", &q).await, ids(&[&id]));
    assert!(w.register("pa", "").await.is_empty());
    let f = w.filing("pb", &id).await;
    assert_eq!(f["unit_id"], Value::Null);
    assert_eq!(f["unit_name"], Value::Null);
    let seen = w.get("pb", &format!("/api/v1/filings/{id}")).await;
    w.assert_hidden(&["unit_a"], &seen);
    // The filer still sees the unit they filed under.
    assert_eq!(w.filing("ma", &id).await["unit_name"], "区教育局党组");
    // A filing made now is under B.
    let new = w.travel("ma", "2026-03-20", "2026-03-22").await;
    assert_eq!(
        w.filing("pb", &new).await["unit_id"],
        w.id["unit_b"].as_str()
    );
}

#[tokio::test]
async fn the_filing_bodies_match_the_description() {
    let w = World::build().await;
    let doc: Value = serde_json::from_str(api::document_json()).unwrap();
    let d = &doc;
    let call =
        |who: &'static str, method: &'static str, template: &'static str, path: String, body| {
            let token = w.token[who].clone();
            let t = &w.t;
            async move {
                crate::openapi::call(
                    t,
                    d,
                    method,
                    template,
                    &path,
                    body,
                    &[("authorization", &token)],
                )
                .await
            }
        };
    let travel = call(
        "ma",
        "POST",
        "/api/v1/filings/travel",
        "/api/v1/filings/travel".into(),
        Some(json!({"purpose": "on_duty", "destination": "北京",
                    "leave_on": "2026-03-01", "return_on": "2026-03-04"})),
    )
    .await;
    assert_eq!(travel.status, StatusCode::CREATED, "{}", travel.text);
    let id = travel.json["id"].as_str().unwrap().to_owned();
    let event = call(
        "ma",
        "POST",
        "/api/v1/filings/family-events",
        "/api/v1/filings/family-events".into(),
        Some(json!({"kind": "wedding", "date": "2026-04-30",
                    "scale": "宴请亲友5桌", "venue": "宁波某酒店"})),
    )
    .await;
    assert_eq!(event.status, StatusCode::CREATED, "{}", event.text);
    let event_id = event.json["id"].as_str().unwrap().to_owned();
    for (who, template, path, body, status) in [
        (
            "ma",
            "/api/v1/filings/{id}/revisions",
            format!("/api/v1/filings/{id}/revisions"),
            Some(json!({"return_on": "2026-03-05", "reason": "会期延长"})),
            StatusCode::OK,
        ),
        (
            "ma",
            "/api/v1/filings/{id}/revisions",
            format!("/api/v1/filings/{id}/revisions"),
            Some(json!({"date": "2026-05-01", "reason": "x"})),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        (
            "ma",
            "/api/v1/filings/{id}/return",
            format!("/api/v1/filings/{id}/return"),
            Some(json!({"returned_on": "2026-03-01"})),
            StatusCode::OK,
        ),
        (
            "ma",
            "/api/v1/filings/{id}/cancellation",
            format!("/api/v1/filings/{event_id}/cancellation"),
            Some(json!({"reason": "婚期另定"})),
            StatusCode::OK,
        ),
        (
            "pa",
            "/api/v1/filings/{id}/acknowledgement",
            format!("/api/v1/filings/{id}/acknowledgement"),
            None,
            StatusCode::OK,
        ),
        (
            "pb",
            "/api/v1/filings/{id}/acknowledgement",
            format!("/api/v1/filings/{id}/acknowledgement"),
            None,
            StatusCode::NOT_FOUND,
        ),
    ] {
        let r = call(who, "POST", template, path.clone(), body).await;
        assert_eq!(r.status, status, "{path}: {}", r.text);
    }
    for (who, template, path) in [
        (
            "pa",
            "/api/v1/filings",
            "/api/v1/filings?late=true&limit=10".to_owned(),
        ),
        (
            "commission",
            "/api/v1/filings",
            "/api/v1/filings".to_owned(),
        ),
        (
            "pa",
            "/api/v1/filings/{id}",
            format!("/api/v1/filings/{id}"),
        ),
        (
            "commission",
            "/api/v1/filings/{id}",
            format!("/api/v1/filings/{event_id}"),
        ),
        (
            "pb",
            "/api/v1/filings/{id}",
            format!("/api/v1/filings/{id}"),
        ),
    ] {
        call(who, "GET", template, path, None).await;
    }
}
