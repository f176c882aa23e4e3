//! Who sees what (DESIGN.md §2, ADR 0008): every route × every role × a target in scope and
//! one outside it, asserting the status and that nothing outside the scope — no id, no
//! name — appears in any answer.

use crate::support::{ADMIN_PASSWORD, Answer, PASSWORD, TestApp, spawn_app, spawn_app_with};
use axum::http::StatusCode;
use event_store::Clock as _;
use serde_json::{Value, json};
use std::collections::BTreeMap;

/// The roles, as the logins of the world below.
pub(crate) const ROLES: [&str; 7] = [
    "commission",
    "discipline_group",
    "principal_leader",
    "team_member",
    "leader_in_charge",
    "auditor",
    "regulator",
];

/// Two units, A and B, each with a principal leader and team members; a discipline group
/// stationed in each; a leader in charge of each; a list binding every subject; a login per
/// role, the limited ones all on A's side.
pub(crate) struct World {
    pub(crate) t: TestApp,
    /// Ids by key: unit_a, unit_b, group_a, group_b, pa, ma, ma2, pb, mb, ga, gb, la, lb.
    pub(crate) id: BTreeMap<&'static str, String>,
    /// Names by the same keys.
    name: BTreeMap<&'static str, &'static str>,
    /// Obligation ids by subject key (the unit keys for the leadership teams).
    pub(crate) obligation: BTreeMap<&'static str, String>,
    /// `Bearer …` by role.
    pub(crate) token: BTreeMap<&'static str, String>,
    /// The login user ids by role.
    pub(crate) user: BTreeMap<&'static str, String>,
}

impl World {
    async fn post(&self, path: &str, body: Value) -> String {
        let r = self.t.post(path, body).await;
        assert!(r.status.is_success(), "{path}: {}", r.text);
        r.json["id"].as_str().unwrap().to_owned()
    }

    pub(crate) async fn build() -> World {
        let t = spawn_app("2026-01-05T09:00:00+08:00").await;
        let mut w = World {
            t,
            id: BTreeMap::new(),
            name: BTreeMap::new(),
            obligation: BTreeMap::new(),
            token: BTreeMap::new(),
            user: BTreeMap::new(),
        };
        for (key, name) in [("unit_a", "区教育局党组"), ("unit_b", "区卫健局党组")] {
            let id = w
                .post(
                    "/api/v1/units",
                    json!({"name": name, "kind": "party_group"}),
                )
                .await;
            w.id.insert(key, id);
            w.name.insert(key, name);
        }
        for (key, name, unit) in [
            ("group_a", "第一派驻纪检组", "unit_a"),
            ("group_b", "第二派驻纪检组", "unit_b"),
        ] {
            let id = w
                .post(
                    "/api/v1/groups",
                    json!({"name": name, "stationed_in": [w.id[unit]]}),
                )
                .await;
            w.id.insert(key, id);
            w.name.insert(key, name);
        }
        for (key, name, kind, owner) in [
            ("pa", "张一", "principal_leader", "unit_a"),
            ("ma", "李二", "team_member", "unit_a"),
            ("ma2", "王三", "team_member", "unit_a"),
            ("pb", "赵四", "principal_leader", "unit_b"),
            ("mb", "钱五", "team_member", "unit_b"),
            ("ga", "孙六", "discipline_group", "group_a"),
            ("gb", "周七", "discipline_group", "group_b"),
        ] {
            let duty = if kind == "discipline_group" {
                json!({"kind": kind, "group_id": w.id[owner]})
            } else {
                json!({"kind": kind, "unit_id": w.id[owner]})
            };
            let id = w
                .post(
                    "/api/v1/cadres",
                    json!({"name": name, "post": "职务", "duty": duty}),
                )
                .await;
            w.id.insert(key, id);
            w.name.insert(key, name);
        }
        for (key, name, unit) in [("la", "吴八", "unit_a"), ("lb", "郑九", "unit_b")] {
            let id = w
                .post(
                    "/api/v1/leaders",
                    json!({"name": name, "units": [w.id[unit]]}),
                )
                .await;
            w.id.insert(key, id);
            w.name.insert(key, name);
        }
        // One yearly item per subject kind, assigned to every subject.
        let item = |kind: &str| {
            json!({"subject_kind": kind, "responsibility": "principal", "category": "清单",
                   "content": format!("{kind}的年度履责事项"), "cadence": "yearly",
                   "required_count": 2, "deadline": {"kind": "end_of_period"}})
        };
        let list = w
            .post(
                "/api/v1/lists",
                json!({"year": 2026, "title": "2026年度清单", "items": [
                    item("leadership_team"), item("principal_leader"),
                    item("team_member"), item("discipline_group")]}),
            )
            .await;
        let mut subjects = Vec::new();
        for (key, kind) in [
            ("unit_a", "leadership_team"),
            ("unit_b", "leadership_team"),
            ("pa", "principal_leader"),
            ("ma", "team_member"),
            ("ma2", "team_member"),
            ("pb", "principal_leader"),
            ("mb", "team_member"),
            ("group_a", "discipline_group"),
            ("group_b", "discipline_group"),
        ] {
            let id = &w.id[key];
            subjects.push(match kind {
                "leadership_team" => json!({"kind": kind, "unit_id": id}),
                "discipline_group" => json!({"kind": kind, "group_id": id}),
                _ => json!({"kind": kind, "cadre_id": id}),
            });
        }
        w.post(
            &format!("/api/v1/lists/{list}/assignments"),
            json!({"subjects": subjects}),
        )
        .await;
        // Each subject's obligation, as the administrator sees it.
        let head = w.t.store.head().await.unwrap();
        for (key, path) in [
            ("unit_a", "units/{unit_a}"),
            ("unit_b", "units/{unit_b}"),
            ("group_a", "groups/{group_a}"),
            ("group_b", "groups/{group_b}"),
            ("pa", "cadres/{pa}"),
            ("ma", "cadres/{ma}"),
            ("ma2", "cadres/{ma2}"),
            ("pb", "cadres/{pb}"),
            ("mb", "cadres/{mb}"),
        ] {
            let r =
                w.t.get(&format!(
                    "/api/v1/{}/obligations?min_position={head}",
                    w.fill(path)
                ))
                .await;
            assert_eq!(r.status, StatusCode::OK, "{path}: {}", r.text);
            let own = r.json["obligations"]
                .as_array()
                .unwrap()
                .iter()
                .find(|o| {
                    let s = &o["subject"];
                    [&s["unit_id"], &s["cadre_id"], &s["group_id"]]
                        .iter()
                        .any(|v| **v == Value::String(w.id[key].clone()))
                })
                .unwrap_or_else(|| panic!("{path}: {}", r.text))["obligation_id"]
                .as_str()
                .unwrap()
                .to_owned();
            w.obligation.insert(key, own);
        }
        // A login per role.
        for (role, username, account) in [
            ("commission", "jiwei", json!({"kind": "commission"})),
            ("auditor", "shenji", json!({"kind": "auditor"})),
            ("regulator", "jianguan", json!({"kind": "regulator"})),
            (
                "principal_leader",
                "zhangyi",
                json!({"kind": "cadre", "cadre_id": w.id["pa"]}),
            ),
            (
                "team_member",
                "lier",
                json!({"kind": "cadre", "cadre_id": w.id["ma"]}),
            ),
            (
                "discipline_group",
                "sunliu",
                json!({"kind": "cadre", "cadre_id": w.id["ga"]}),
            ),
            (
                "leader_in_charge",
                "wuba",
                json!({"kind": "leader", "leader_id": w.id["la"]}),
            ),
        ] {
            let r =
                w.t.post(
                    "/api/v1/users",
                    json!({"username": username, "display_name": username,
                           "account": account, "password": PASSWORD}),
                )
                .await;
            assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
            w.user
                .insert(role, r.json["id"].as_str().unwrap().to_owned());
            let token = w.t.sign_in(username, PASSWORD).await;
            let me =
                w.t.call("GET", "/api/v1/auth/me", None, &[("authorization", &token)])
                    .await;
            assert_eq!(me.json["role"], role, "{}", me.text);
            w.token.insert(role, token);
        }
        w
    }

    /// `path` with each `{key}` replaced by its id (and `{o:key}` by the obligation's).
    pub(crate) fn fill(&self, path: &str) -> String {
        let mut out = path.to_owned();
        for (k, v) in &self.obligation {
            out = out.replace(&format!("{{o:{k}}}"), v);
        }
        for (k, v) in &self.id {
            out = out.replace(&format!("{{{k}}}"), v);
        }
        out
    }

    pub(crate) async fn call(
        &self,
        role: &str,
        method: &str,
        path: &str,
        body: Option<Value>,
    ) -> Answer {
        self.t
            .call(
                method,
                &self.fill(path),
                body,
                &[("authorization", self.token[role].as_str())],
            )
            .await
    }

    /// The keys a role may not see (ADR 0008; the limited roles are all on A's side).
    fn hidden(&self, role: &str) -> Vec<&'static str> {
        let b_side = ["unit_b", "group_b", "pb", "mb", "gb", "lb"];
        let mut hidden: Vec<&'static str> = match role {
            "commission" | "auditor" => vec![],
            "regulator" => self.id.keys().copied().collect(),
            "principal_leader" | "leader_in_charge" => {
                let mut h = b_side.to_vec();
                h.extend(["group_a", "ga"]);
                h
            }
            "discipline_group" => b_side.to_vec(),
            // Their own record names their own unit, and nothing else.
            "team_member" => self
                .id
                .keys()
                .copied()
                .filter(|k| !["ma", "unit_a"].contains(k))
                .collect(),
            other => panic!("{other}"),
        };
        hidden.sort_unstable();
        hidden.dedup();
        hidden
    }

    /// Asserts that no hidden id, name or obligation appears in the answer.
    pub(crate) fn assert_nothing_hidden(&self, role: &str, what: &str, answer: &Answer) {
        for key in self.hidden(role) {
            let id = &self.id[key];
            assert!(
                !answer.text.contains(id.as_str()),
                "{role} {what}: the answer names {key} ({id}): {}",
                answer.text
            );
            let name = self.name[key];
            assert!(
                !answer.text.contains(name),
                "{role} {what}: the answer names {key} ({name}): {}",
                answer.text
            );
            if let Some(o) = self.obligation.get(key) {
                assert!(
                    !answer.text.contains(o.as_str()),
                    "{role} {what}: the answer names {key}'s obligation: {}",
                    answer.text
                );
            }
        }
    }
}

/// What a role gets from a query route, for the target in scope and the one outside it.
fn query_expectation(role: &str, route: &str) -> (StatusCode, StatusCode) {
    use StatusCode as S;
    let everything = matches!(role, "commission" | "auditor");
    match (role, route) {
        ("regulator", _) => (S::FORBIDDEN, S::FORBIDDEN),
        (_, "unit") if everything => (S::OK, S::OK),
        ("team_member", "unit") => (S::NOT_FOUND, S::NOT_FOUND),
        (_, "unit") => (S::OK, S::NOT_FOUND),
        (_, "group") if everything => (S::OK, S::OK),
        ("discipline_group", "group") => (S::OK, S::NOT_FOUND),
        (_, "group") => (S::NOT_FOUND, S::NOT_FOUND),
        (_, "cadre" | "history") if everything => (S::OK, S::OK),
        (_, "cadre" | "history") => (S::OK, S::NOT_FOUND),
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn every_query_route_answers_each_role_only_within_its_scope() {
    let w = World::build().await;
    // Targets: (route, in scope for the limited roles, outside every limited scope). A
    // team member's own record is the cadre target.
    let targets = [
        (
            "unit",
            "/api/v1/units/{unit_a}/obligations",
            "/api/v1/units/{unit_b}/obligations",
        ),
        (
            "group",
            "/api/v1/groups/{group_a}/obligations",
            "/api/v1/groups/{group_b}/obligations",
        ),
        (
            "cadre",
            "/api/v1/cadres/{ma}/obligations",
            "/api/v1/cadres/{mb}/obligations",
        ),
        (
            "history",
            "/api/v1/cadres/{ma}/history",
            "/api/v1/cadres/{mb}/history",
        ),
    ];
    for role in ROLES {
        for (route, inside, outside) in targets {
            let (want_in, want_out) = query_expectation(role, route);
            for (path, want) in [(inside, want_in), (outside, want_out)] {
                let r = w.call(role, "GET", path, None).await;
                assert_eq!(r.status, want, "{role} GET {path}: {}", r.text);
                w.assert_nothing_hidden(role, path, &r);
                if want == StatusCode::OK && route != "history" {
                    // Every obligation listed is one the role may see.
                    for o in r.json["obligations"].as_array().unwrap() {
                        let subject = &o["subject"];
                        let id = [
                            &subject["unit_id"],
                            &subject["cadre_id"],
                            &subject["group_id"],
                        ]
                        .into_iter()
                        .find_map(|v| v.as_str())
                        .unwrap();
                        assert!(
                            !w.hidden(role).iter().any(|k| w.id[k] == id),
                            "{role} {path}: {o}"
                        );
                    }
                }
                if want == StatusCode::NOT_FOUND {
                    // Exactly as if it did not exist.
                    assert_eq!(r.json["code"], "not_found", "{}", r.text);
                }
            }
        }
        // Lists: only what is in scope, and totals that count only that.
        for path in ["/api/v1/board", "/api/v1/units", "/api/v1/cadres"] {
            let r = w.call(role, "GET", path, None).await;
            if role == "regulator" {
                assert_eq!(r.status, StatusCode::FORBIDDEN, "{role} {path}");
                assert_eq!(r.json["code"], "forbidden");
                continue;
            }
            assert_eq!(r.status, StatusCode::OK, "{role} {path}: {}", r.text);
            w.assert_nothing_hidden(role, path, &r);
            let rows = if path == "/api/v1/board" {
                r.json["units"].as_array().unwrap().clone()
            } else {
                r.json.as_array().unwrap().clone()
            };
            let expected: usize = match (role, path) {
                ("commission" | "auditor", "/api/v1/cadres") => 7,
                ("commission" | "auditor", _) => 4,
                ("discipline_group", "/api/v1/cadres") => 4, // pa, ma, ma2, ga
                ("discipline_group", _) => 2,                // unit A, group A
                ("principal_leader" | "leader_in_charge", "/api/v1/cadres") => 3,
                ("principal_leader" | "leader_in_charge", _) => 1,
                ("team_member", "/api/v1/cadres") => 1,
                ("team_member", _) => 0,
                other => panic!("{other:?}"),
            };
            assert_eq!(rows.len(), expected, "{role} {path}: {}", r.text);
            if path == "/api/v1/board" {
                let total = |v: &Value| -> u64 {
                    ["green", "yellow", "red", "orange", "pending"]
                        .iter()
                        .map(|l| v[*l].as_u64().unwrap())
                        .sum()
                };
                let sum: u64 = rows.iter().map(total).sum();
                assert_eq!(total(&r.json["totals"]), sum, "{role}: {}", r.text);
            }
        }
        // The administration's lists are the commission's.
        for path in ["/api/v1/users", "/api/v1/access-log"] {
            let r = w.call(role, "GET", path, None).await;
            let want = if role == "commission" {
                StatusCode::OK
            } else {
                StatusCode::FORBIDDEN
            };
            assert_eq!(r.status, want, "{role} {path}: {}", r.text);
        }
        // Who am I names only what is in scope.
        let me = w.call(role, "GET", "/api/v1/auth/me", None).await;
        assert_eq!(me.status, StatusCode::OK);
        w.assert_nothing_hidden(role, "/auth/me", &me);
    }
}

#[tokio::test]
async fn every_command_route_checks_the_role_and_the_scope_and_stores_nothing_when_refused() {
    let w = World::build().await;
    // Administration: the commission's only. (route, method, body)
    let unit = w.id["unit_a"].clone();
    let both = [w.id["unit_a"].clone(), w.id["unit_b"].clone()];
    let admin_routes: Vec<(&str, &str, Value)> = vec![
        (
            "POST",
            "/api/v1/units",
            json!({"name": "区审计局党组", "kind": "party_group"}),
        ),
        (
            "POST",
            "/api/v1/groups",
            json!({"name": "第三派驻纪检组", "stationed_in": [unit]}),
        ),
        (
            "PUT",
            "/api/v1/groups/{group_a}/stationing",
            json!({"stationed_in": both}),
        ),
        (
            "POST",
            "/api/v1/cadres",
            json!({"name": "冯十", "post": "职务", "duty": {"kind": "team_member", "unit_id": unit}}),
        ),
        (
            "POST",
            "/api/v1/cadres/{ma2}/transfer",
            json!({"post": "职务", "duty": {"kind": "team_member", "unit_id": both[1]}}),
        ),
        (
            "POST",
            "/api/v1/leaders",
            json!({"name": "陈十一", "units": [unit]}),
        ),
        ("PUT", "/api/v1/leaders/{la}/units", json!({"units": both})),
        (
            "POST",
            "/api/v1/lists",
            json!({"year": 2026, "title": "补充清单", "items": [
            {"subject_kind": "team_member", "responsibility": "principal", "category": "c",
             "content": "c", "cadence": "once", "required_count": 1,
             "deadline": {"kind": "fixed_date", "date": "2026-12-01"}}]}),
        ),
        (
            "POST",
            "/api/v1/key-tasks",
            json!({"year": 2026, "subject": {"kind": "leadership_team", "unit_id": unit},
            "target": "目标", "measures": ["措施"], "deadline": "2026-11-30"}),
        ),
        (
            "POST",
            "/api/v1/users",
            json!({"username": "newuser", "display_name": "新用户",
            "account": {"kind": "auditor"}, "password": PASSWORD}),
        ),
        (
            "POST",
            "/api/v1/users/{u:auditor}/password",
            json!({"new_password": "another-password"}),
        ),
        (
            "POST",
            "/api/v1/users/{u:regulator}/deactivation",
            json!({"reason": "调离"}),
        ),
        (
            "POST",
            "/api/v1/users/{u:regulator}/reactivation",
            json!(null),
        ),
    ];
    let fill_user = |p: &str| {
        let mut p = p.to_owned();
        for (role, id) in &w.user {
            p = p.replace(&format!("{{u:{role}}}"), id);
        }
        p
    };
    for role in ROLES.iter().filter(|r| **r != "commission") {
        for (method, path, body) in &admin_routes {
            let head = w.t.store.head().await.unwrap();
            let body = (!body.is_null()).then(|| body.clone());
            let r = w.call(role, method, &fill_user(path), body).await;
            assert_eq!(
                r.status,
                StatusCode::FORBIDDEN,
                "{role} {method} {path}: {}",
                r.text
            );
            assert_eq!(r.json["code"], "forbidden");
            assert_eq!(
                w.t.store.head().await.unwrap(),
                head,
                "{role} {method} {path} stored something"
            );
        }
    }
    // Duty entries: a cadre records their own (and the principal leader the team's, the
    // group member the group's); out of scope is not found; staff are not cadres.
    let entry = json!({"performed_on": "2026-01-05", "content": "召开专题会议"});
    let own = |role: &str| match role {
        "team_member" => Some("ma"),
        "principal_leader" => Some("pa"),
        "discipline_group" => Some("group_a"),
        _ => None,
    };
    for role in ROLES {
        let head = w.t.store.head().await.unwrap();
        // Outside every limited scope: B's team member.
        let r = w
            .call(
                role,
                "POST",
                "/api/v1/obligations/{o:mb}/entries",
                Some(entry.clone()),
            )
            .await;
        let want = if own(role).is_some() {
            StatusCode::NOT_FOUND
        } else {
            StatusCode::FORBIDDEN
        };
        assert_eq!(r.status, want, "{role}: {}", r.text);
        w.assert_nothing_hidden(role, "entry outside", &r);
        for (suffix, body) in [
            (
                "/entries/00000000-0000-7000-8000-000000000000/corrections",
                json!({"performed_on": "2026-01-05", "content": "x", "reason": "r"}),
            ),
            (
                "/entries/00000000-0000-7000-8000-000000000000/withdrawal",
                json!({"reason": "r"}),
            ),
        ] {
            let r = w
                .call(
                    role,
                    "POST",
                    &format!("/api/v1/obligations/{{o:mb}}{suffix}"),
                    Some(body),
                )
                .await;
            assert_eq!(r.status, want, "{role} {suffix}: {}", r.text);
        }
        assert_eq!(
            w.t.store.head().await.unwrap(),
            head,
            "{role}: stored something"
        );
        // Inside: the role's own obligation, if it has one.
        if let Some(key) = own(role) {
            let path = format!("/api/v1/obligations/{{o:{key}}}/entries");
            let r = w.call(role, "POST", &path, Some(entry.clone())).await;
            assert_eq!(r.status, StatusCode::CREATED, "{role}: {}", r.text);
            let entry_id = r.json["id"].as_str().unwrap().to_owned();
            let r = w
                .call(
                    role,
                    "POST",
                    &format!("/api/v1/obligations/{{o:{key}}}/entries/{entry_id}/corrections"),
                    Some(
                        json!({"performed_on": "2026-01-05", "content": "更正", "reason": "笔误"}),
                    ),
                )
                .await;
            assert_eq!(r.status, StatusCode::OK, "{role}: {}", r.text);
            let r = w
                .call(
                    role,
                    "POST",
                    &format!("/api/v1/obligations/{{o:{key}}}/entries/{entry_id}/withdrawal"),
                    Some(json!({"reason": "重复"})),
                )
                .await;
            assert_eq!(r.status, StatusCode::OK, "{role}: {}", r.text);
        }
    }
    // A principal leader sees a team member's obligation but may not record it.
    let r = w
        .call(
            "principal_leader",
            "POST",
            "/api/v1/obligations/{o:ma}/entries",
            Some(entry.clone()),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.text);
    // The commission's own administration goes through, each event naming its actor.
    for (method, path, body) in &admin_routes {
        let body = (!body.is_null()).then(|| body.clone());
        let r = w.call("commission", method, &fill_user(path), body).await;
        assert!(
            r.status.is_success(),
            "commission {method} {path}: {}",
            r.text
        );
    }
    let last =
        w.t.store
            .read_all(
                w.t.store.head().await.unwrap(),
                &event_store::Filter::all(),
                1,
            )
            .await
            .unwrap();
    assert_eq!(last.events[0].actor.as_str(), "user:jiwei");
}

#[tokio::test]
async fn reads_of_another_persons_history_are_recorded_and_only_the_commission_lists_them() {
    let w = World::build().await;
    // The cadre reading their own history is not recorded; the others are.
    for role in ["team_member", "principal_leader", "auditor", "commission"] {
        let r = w
            .call(role, "GET", "/api/v1/cadres/{ma}/history", None)
            .await;
        assert_eq!(r.status, StatusCode::OK, "{role}: {}", r.text);
        let types: Vec<&str> = r.json["events"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["event_type"].as_str().unwrap())
            .collect();
        assert_eq!(types.first(), Some(&"CadreRegistered"), "{}", r.text);
    }
    let r = w
        .call(
            "commission",
            "GET",
            &format!("/api/v1/access-log?cadre_id={}", w.id["ma"]),
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let readers: Vec<&str> = r
        .json
        .as_array()
        .unwrap()
        .iter()
        .map(|a| a["reader_username"].as_str().unwrap())
        .collect();
    // Newest first; the cadre's own read is not there.
    assert_eq!(readers, ["jiwei", "shenji", "zhangyi"], "{}", r.text);
    // By reader, too.
    let r = w
        .call(
            "commission",
            "GET",
            &format!("/api/v1/access-log?reader={}", w.user["auditor"]),
            None,
        )
        .await;
    assert_eq!(r.json.as_array().unwrap().len(), 1, "{}", r.text);
    assert_eq!(r.json[0]["cadre_name"], "李二");
}

#[tokio::test]
async fn a_transfer_changes_what_people_see_from_that_moment_on_even_as_of_the_past() {
    let w = World::build().await;
    let before = w.t.clock.now();
    let ma = "/api/v1/cadres/{ma}/obligations";
    assert_eq!(
        w.call("principal_leader", "GET", ma, None).await.status,
        StatusCode::OK
    );
    // 李二 moves to unit B.
    let r =
        w.t.post(
            &w.fill("/api/v1/cadres/{ma}/transfer"),
            json!({"post": "职务", "duty": {"kind": "team_member", "unit_id": w.id["unit_b"]}}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let p = r.json["position"].as_u64().unwrap();
    w.t.state.wait_for("directory", p).await.unwrap();
    // A's principal leader no longer sees him, not even as of before the transfer (ADR
    // 0008: today's relations decide); A's discipline group neither.
    let as_of = before.to_rfc3339().replace('+', "%2B");
    for role in ["principal_leader", "discipline_group", "leader_in_charge"] {
        for path in [ma.to_owned(), format!("{ma}?as_of={as_of}")] {
            let r = w.call(role, "GET", &path, None).await;
            assert_eq!(r.status, StatusCode::NOT_FOUND, "{role} {path}: {}", r.text);
        }
        let r = w
            .call(role, "GET", "/api/v1/units/{unit_a}/obligations", None)
            .await;
        assert!(!r.text.contains(&w.id["ma"]), "{role}: {}", r.text);
    }
    // He still sees his own record, his whole history included.
    let r = w.call("team_member", "GET", ma, None).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
}

#[tokio::test]
async fn sign_in_failures_reveal_nothing_and_sessions_end_on_logout_reset_and_deactivation() {
    let w = World::build().await;
    let w = &w;
    let login = |username: &str, password: &str| {
        let body = json!({"username": username, "password": password});
        async move {
            w.t.call(
                "POST",
                "/api/v1/auth/login",
                Some(body),
                &[("authorization", "")],
            )
            .await
        }
    };
    let wrong = login("lier", "not-the-password").await;
    let nobody = login("nobody-at-all", "not-the-password").await;
    for r in [&wrong, &nobody] {
        assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{}", r.text);
        assert_eq!(r.json["code"], "invalid_credentials");
    }
    assert_eq!(
        wrong.text, nobody.text,
        "the same answer, whether the user exists or not"
    );
    // Four more failures lock the username, known or not, with Retry-After.
    for _ in 0..4 {
        login("lier", "not-the-password").await;
        login("nobody-at-all", "not-the-password").await;
    }
    let locked = login("lier", PASSWORD).await;
    let locked_nobody = login("nobody-at-all", PASSWORD).await;
    for r in [&locked, &locked_nobody] {
        assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS, "{}", r.text);
        assert_eq!(r.json["code"], "locked_out");
    }
    // The administrator's reset lifts the lock.
    let reset =
        w.t.post(
            &format!("/api/v1/users/{}/password", w.user["team_member"]),
            json!({"new_password": "a-new-password-1"}),
        )
        .await;
    assert_eq!(reset.status, StatusCode::OK, "{}", reset.text);
    // …and ended the old session.
    let old = w.call("team_member", "GET", "/api/v1/auth/me", None).await;
    assert_eq!(old.status, StatusCode::UNAUTHORIZED, "{}", old.text);
    assert_eq!(old.json["code"], "invalid_token");
    let fresh = login("LIER", "a-new-password-1").await;
    assert_eq!(
        fresh.status,
        StatusCode::OK,
        "usernames ignore case: {}",
        fresh.text
    );
    let token = format!("Bearer {}", fresh.json["token"].as_str().unwrap());
    // Changing one's own password: the old one must be right, the new one must pass.
    let change = |old: &str, new: &str| {
        let body = json!({"old_password": old, "new_password": new});
        let token = token.clone();
        async move {
            w.t.call(
                "POST",
                "/api/v1/auth/password",
                Some(body),
                &[("authorization", &token)],
            )
            .await
        }
    };
    let weak = change("a-new-password-1", "short").await;
    assert_eq!(
        weak.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        weak.text
    );
    assert_eq!(weak.json["field"], "new_password");
    let changed = change("a-new-password-1", "my-own-password-2").await;
    assert_eq!(changed.status, StatusCode::OK, "{}", changed.text);
    let new_token = format!("Bearer {}", changed.json["token"].as_str().unwrap());
    let me = |t: String| async move {
        w.t.call("GET", "/api/v1/auth/me", None, &[("authorization", &t)])
            .await
            .status
    };
    assert_eq!(
        me(token.clone()).await,
        StatusCode::UNAUTHORIZED,
        "old sessions end"
    );
    assert_eq!(me(new_token.clone()).await, StatusCode::OK);
    // Logout ends the session at once.
    let out =
        w.t.call(
            "POST",
            "/api/v1/auth/logout",
            None,
            &[("authorization", &new_token)],
        )
        .await;
    assert_eq!(out.status, StatusCode::NO_CONTENT);
    assert_eq!(me(new_token).await, StatusCode::UNAUTHORIZED);
    // A deactivated user cannot sign in, with the same answer as a wrong password.
    let again = login("lier", "my-own-password-2").await;
    assert_eq!(again.status, StatusCode::OK);
    let still = format!("Bearer {}", again.json["token"].as_str().unwrap());
    let off =
        w.t.post(
            &format!("/api/v1/users/{}/deactivation", w.user["team_member"]),
            json!({"reason": "调离"}),
        )
        .await;
    assert_eq!(off.status, StatusCode::OK, "{}", off.text);
    assert_eq!(me(still).await, StatusCode::UNAUTHORIZED);
    let refused = login("lier", "my-own-password-2").await;
    assert_eq!(refused.status, StatusCode::UNAUTHORIZED);
    assert_eq!(refused.text, nobody.text);
}

#[tokio::test]
async fn a_page_signed_in_by_cookie_needs_its_csrf_token_for_changes() {
    let w = World::build().await;
    let r =
        w.t.call(
            "POST",
            "/api/v1/auth/login",
            Some(json!({"username": "lier", "password": PASSWORD})),
            &[("authorization", "")],
        )
        .await;
    let token = r.json["token"].as_str().unwrap().to_owned();
    let csrf = r.json["csrf_token"].as_str().unwrap().to_owned();
    let cookie = format!("dutytrace_session={token}");
    // Reads by cookie work without it.
    let me =
        w.t.call("GET", "/api/v1/auth/me", None, &[("cookie", &cookie)])
            .await;
    assert_eq!(me.status, StatusCode::OK, "{}", me.text);
    assert_eq!(me.json["csrf_token"], csrf.as_str());
    let path = w.fill("/api/v1/obligations/{o:ma}/entries");
    let entry = json!({"performed_on": "2026-01-05", "content": "召开专题会议"});
    for (csrf_header, want) in [
        (None, StatusCode::FORBIDDEN),
        (Some("forged"), StatusCode::FORBIDDEN),
        (Some(csrf.as_str()), StatusCode::CREATED),
    ] {
        let mut headers = vec![("cookie", cookie.as_str())];
        if let Some(c) = csrf_header {
            headers.push(("x-csrf-token", c));
        }
        let r = w.t.call("POST", &path, Some(entry.clone()), &headers).await;
        assert_eq!(r.status, want, "{csrf_header:?}: {}", r.text);
        if want == StatusCode::FORBIDDEN {
            assert_eq!(r.json["code"], "csrf_failed");
        }
    }
}

#[tokio::test]
async fn expired_forged_and_other_deployments_tokens_are_one_401() {
    let t = spawn_app_with("2026-01-05T09:00:00+08:00", auth::SessionPolicy::default()).await;
    let other = spawn_app("2026-01-05T09:00:00+08:00").await;
    async fn me(t: &TestApp, token: String) -> Answer {
        t.call("GET", "/api/v1/auth/me", None, &[("authorization", &token)])
            .await
    }
    assert_eq!(me(&t, t.admin.clone()).await.status, StatusCode::OK);
    // Another deployment's token, valid there: unknown here, and the answer says no more.
    let foreign = me(&t, other.admin.clone()).await;
    let mut forged = t.admin.clone();
    forged.pop();
    forged.push(if t.admin.ends_with('A') { 'B' } else { 'A' });
    let forged = me(&t, forged).await;
    // Idle for more than two hours: expired.
    let fresh = t.sign_in(api::ADMIN, ADMIN_PASSWORD).await;
    t.clock
        .set(t.clock.now() + chrono::TimeDelta::hours(2) + chrono::TimeDelta::seconds(1));
    let expired = me(&t, fresh).await;
    for r in [&foreign, &forged, &expired] {
        assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{}", r.text);
        assert_eq!(r.json["code"], "invalid_token");
        assert_eq!(r.text, foreign.text, "one answer for every bad token");
    }
}
