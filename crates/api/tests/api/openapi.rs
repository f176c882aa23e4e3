//! The API description (`/api/openapi.json`): the same as the copy kept in
//! `schemas/openapi.json`, OpenAPI 3.1, in step with the routes, and describing the bodies
//! the API really takes and answers, checked with an independent JSON Schema validator.
//!
//! After an intended change to the API, regenerate the kept copy with
//! `DUTYTRACE_BLESS=1 cargo test -p api openapi` and review the diff.

use crate::support::{Answer, TestApp, spawn_app};
use axum::http::StatusCode;
use serde_json::{Value, json};
use std::collections::BTreeSet;
use std::path::PathBuf;

/// Set to `1` to rewrite `schemas/openapi.json` from what the API serves.
const BLESS: &str = "DUTYTRACE_BLESS";

const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

fn kept_path() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../schemas/openapi.json")
}

async fn served(t: &TestApp) -> Answer {
    let a = t.get("/api/openapi.json").await;
    assert_eq!(a.status, StatusCode::OK, "{}", a.text);
    assert_eq!(a.content_type, "application/json");
    a
}

fn description() -> Value {
    serde_json::from_str(api::document_json()).unwrap()
}

#[tokio::test]
async fn the_served_description_is_the_one_kept_in_schemas() {
    let t = spawn_app("2026-01-05T09:00:00+08:00").await;
    let served = served(&t).await.text;
    let path = kept_path();
    if std::env::var(BLESS).is_ok_and(|v| v == "1") {
        std::fs::write(&path, &served).unwrap();
        eprintln!("{BLESS}=1: wrote {}", path.display());
        return;
    }
    let kept = std::fs::read_to_string(&path).unwrap_or_default();
    if kept != served {
        let line = kept
            .lines()
            .zip(served.lines())
            .position(|(k, s)| k != s)
            .unwrap_or_else(|| kept.lines().count().min(served.lines().count()));
        panic!(
            "schemas/openapi.json is not what GET /api/openapi.json serves (first difference \
             at line {}: kept {:?}, served {:?}).\n\
             If the API change is intended, regenerate the file with\n\n    \
             {BLESS}=1 cargo test -p api openapi\n\nand review the diff.",
            line + 1,
            kept.lines().nth(line).unwrap_or("<end of file>"),
            served.lines().nth(line).unwrap_or("<end of file>"),
        );
    }
    assert!(served.ends_with("}\n"), "pretty JSON with a final newline");
}

#[tokio::test]
async fn it_is_openapi_3_1_and_its_schemas_are_json_schemas() {
    let t = spawn_app("2026-01-05T09:00:00+08:00").await;
    let doc: Value = serde_json::from_str(&served(&t).await.text).unwrap();
    let version = doc["openapi"].as_str().unwrap();
    assert!(version.starts_with("3.1."), "{version}");
    assert_eq!(doc["info"]["title"], "dutytrace");
    let schemas = doc["components"]["schemas"].as_object().unwrap();
    for (name, schema) in schemas {
        if let Err(e) = jsonschema::draft202012::meta::validate(schema) {
            panic!("components.schemas.{name} is not a JSON Schema (2020-12): {e}");
        }
    }
}

/// The `(METHOD, path)` of every `.route(...)` in a router's source.
fn routes_in(source: &str, prefix: &str) -> BTreeSet<(String, String)> {
    let mut out = BTreeSet::new();
    let mut rest = source;
    while let Some(at) = rest.find(".route(") {
        rest = &rest[at + ".route(".len()..];
        // The call's arguments, up to the matching parenthesis.
        let mut depth = 1;
        let end = rest
            .char_indices()
            .find_map(|(i, c)| {
                match c {
                    '(' => depth += 1,
                    ')' => depth -= 1,
                    _ => {}
                }
                (depth == 0).then_some(i)
            })
            .expect("a closed .route( call");
        let call = &rest[..end];
        let path = call.split('"').nth(1).expect("a route path literal");
        let mut found = false;
        for method in METHODS {
            // `get(` as a word: at the start, or after `,`, `.`, space or a newline.
            let called = call.match_indices(&format!("{method}(")).any(|(i, _)| {
                !call[..i]
                    .chars()
                    .next_back()
                    .is_some_and(|c| c.is_ascii_alphanumeric() || c == '_' || c == ':')
            });
            if called {
                out.insert((method.to_uppercase(), format!("{prefix}{path}")));
                found = true;
            }
        }
        assert!(found, "no method found in .route({call})");
    }
    out
}

fn documented(doc: &Value) -> BTreeSet<(String, String)> {
    let mut out = BTreeSet::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for method in METHODS {
            if item.get(method).is_some() {
                out.insert((method.to_uppercase(), path.clone()));
            }
        }
    }
    out
}

#[test]
fn every_route_is_described_and_every_description_is_routed() {
    let lib = include_str!("../../src/lib.rs");
    let v1 = include_str!("../../src/v1.rs");
    assert!(lib.contains(r#".nest("/api/v1", v1::routes())"#));
    let mut routed = routes_in(lib, "");
    let v1_routes = routes_in(v1, "/api/v1");
    assert!(v1_routes.len() >= 20, "{v1_routes:?}");
    routed.extend(v1_routes);
    let doc = description();
    assert_eq!(doc["security"], json!([{"bearer": []}]));
    assert_eq!(
        doc["components"]["securitySchemes"]["bearer"]["scheme"],
        "bearer"
    );
    let described = documented(&doc);
    let undocumented: Vec<_> = routed.difference(&described).collect();
    let unrouted: Vec<_> = described.difference(&routed).collect();
    assert!(
        undocumented.is_empty() && unrouted.is_empty(),
        "routes without a description (add #[utoipa::path] and list it in v1::Doc): \
         {undocumented:?}\ndescriptions without a route: {unrouted:?}"
    );

    let mut operation_ids = BTreeSet::new();
    for (method, path) in &described {
        let op = &doc["paths"][path][method.to_lowercase()];
        let id = op["operationId"].as_str().unwrap_or_default();
        assert!(
            operation_ids.insert(id),
            "{method} {path}: operationId {id:?} is taken"
        );
        let params = op["parameters"].as_array().cloned().unwrap_or_default();
        let named = |place: &str| -> BTreeSet<String> {
            params
                .iter()
                .filter(|p| p["in"] == place)
                .map(|p| p["name"].as_str().unwrap().to_owned())
                .collect()
        };
        // Each `{name}` of the path is a path parameter, and nothing else is.
        let in_path: BTreeSet<String> = path
            .split('{')
            .skip(1)
            .map(|s| s.split('}').next().unwrap().to_owned())
            .collect();
        assert_eq!(named("path"), in_path, "{method} {path}");
        let api = path.starts_with("/api/v1/");
        let command = method != "GET";
        let headers = named("header");
        // Every route of /api/v1 needs the bearer token (the document's default) but
        // sign-in; the operational routes need none.
        let public = op["security"] == json!([{}]);
        // Sign-in is not replayed (each answers a session of its own): it takes no key.
        assert_eq!(
            headers.contains("Idempotency-Key"),
            api && command && !public,
            "{method} {path}: Idempotency-Key on every command but sign-in"
        );
        assert_eq!(
            op.to_string().contains("idempotency_key_reused"),
            api && command && !public,
            "{method} {path}: idempotency_key_reused where a key is taken"
        );
        assert_eq!(
            public,
            !api || path == "/api/v1/auth/login",
            "{method} {path}: security {}",
            op["security"]
        );
        let board_query = ["/api/v1/board", "/api/v1/units", "/api/v1/cadres"]
            .contains(&path.as_str())
            || path.ends_with("/obligations");
        if api && !command && board_query {
            assert_eq!(
                named("query"),
                ["as_of", "min_position"].map(String::from).into()
            );
        }
        if api {
            // Success answers are JSON; errors problem+json.
            for (status, response) in op["responses"].as_object().unwrap() {
                let response = resolve(&doc, response);
                if status == "204" {
                    assert!(response.get("content").is_none(), "{method} {path} 204");
                    continue;
                }
                let types: Vec<_> = response["content"].as_object().unwrap().keys().collect();
                // Reports are spreadsheets: the two formats they come in, nothing else.
                if status.starts_with('2') && path == "/api/v1/reports/{name}" {
                    let mut formats = types.clone();
                    formats.sort();
                    let mut expected = [
                        tabular::Format::Xlsx.content_type(),
                        tabular::Format::Csv.content_type(),
                    ];
                    expected.sort_unstable();
                    assert_eq!(formats, expected, "{method} {path} {status}");
                    continue;
                }
                // The export is NDJSON, or gzip when asked.
                if status.starts_with('2') && path == "/api/v1/export" {
                    let mut formats = types.clone();
                    formats.sort();
                    assert_eq!(
                        formats,
                        ["application/gzip", "application/x-ndjson"],
                        "{method} {path} {status}"
                    );
                    continue;
                }
                // The public key is served as text (DESIGN.md §5).
                if status.starts_with('2') && path == "/api/v1/checkpoints/public-key" {
                    assert_eq!(types, ["text/plain"], "{method} {path} {status}");
                    continue;
                }
                let expected = if status.starts_with('2') {
                    "application/json"
                } else {
                    "application/problem+json"
                };
                assert_eq!(types, [expected], "{method} {path} {status}");
            }
            assert!(op["responses"].get("422").is_some(), "{method} {path}");
            assert!(op["responses"].get("500").is_some(), "{method} {path}");
        }
    }
}

/// Validates `instance` against `schema`, whose `$ref`s point into the description's
/// `#/components/schemas`.
fn validate(doc: &Value, schema: &Value, instance: &Value) -> Result<(), String> {
    let root = json!({
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "allOf": [schema],
        "components": doc["components"],
    });
    let validator = jsonschema::draft202012::options()
        .should_validate_formats(true)
        .build(&root)
        .map_err(|e| format!("the schema does not build: {e}"))?;
    let errors: Vec<String> = validator
        .iter_errors(instance)
        .map(|e| format!("at {}: {e}", e.instance_path()))
        .collect();
    if errors.is_empty() {
        Ok(())
    } else {
        Err(errors.join("\n"))
    }
}

/// `value`, or what its `$ref` (into this document) points to.
fn resolve<'a>(doc: &'a Value, value: &'a Value) -> &'a Value {
    match value["$ref"].as_str() {
        Some(r) => doc
            .pointer(r.strip_prefix('#').expect("a local $ref"))
            .unwrap_or_else(|| panic!("{r} points to nothing")),
        None => value,
    }
}

fn component(doc: &Value, name: &str) -> Value {
    assert!(
        doc["components"]["schemas"].get(name).is_some(),
        "no component {name}"
    );
    json!({"$ref": format!("#/components/schemas/{name}")})
}

/// The description's schema of the request body of `method path`.
fn request_schema(doc: &Value, method: &str, path: &str) -> Value {
    let op = &doc["paths"][path][method];
    assert!(op.is_object(), "{method} {path} is not described");
    op["requestBody"]["content"]["application/json"]["schema"].clone()
}

/// The description's schema of the `status` answer of `method path`, and its media type.
fn response_schema(doc: &Value, method: &str, path: &str, status: StatusCode) -> (String, Value) {
    let op = &doc["paths"][path][method];
    assert!(op.is_object(), "{method} {path} is not described");
    let response = resolve(doc, &op["responses"][status.as_str()]);
    let content = response["content"]
        .as_object()
        .unwrap_or_else(|| panic!("{method} {path} does not describe a {status} answer"));
    let (media, c) = content.iter().next().unwrap();
    (media.clone(), c["schema"].clone())
}

/// Calls the API and checks the request body and the answer (its status, media type and
/// body) against the description of the route `template`.
pub(crate) async fn call(
    t: &TestApp,
    doc: &Value,
    method: &str,
    template: &str,
    path: &str,
    body: Option<Value>,
    headers: &[(&str, &str)],
) -> Answer {
    let m = method.to_lowercase();
    if let Some(b) = &body {
        let schema = request_schema(doc, &m, template);
        if let Err(e) = validate(doc, &schema, b) {
            panic!(
                "the request to {method} {template} does not match its description:\n{e}\n{b:#}"
            );
        }
    }
    let answer = t.call(method, path, body, headers).await;
    let (media, schema) = response_schema(doc, &m, template, answer.status);
    assert_eq!(
        answer.content_type, media,
        "{method} {path}: {}",
        answer.text
    );
    if let Err(e) = validate(doc, &schema, &answer.json) {
        panic!(
            "the {} answer of {method} {path} does not match its description:\n{e}\n{}",
            answer.status, answer.text
        );
    }
    answer
}

#[tokio::test]
async fn the_bodies_the_api_takes_and_answers_match_the_description() {
    let t = spawn_app("2026-06-20T09:00:00+08:00").await;
    let doc: Value = serde_json::from_str(&served(&t).await.text).unwrap();
    let d = &doc;

    let unit = call(
        &t,
        d,
        "POST",
        "/api/v1/units",
        "/api/v1/units",
        Some(json!({"name": "区教育局党组", "kind": "party_group"})),
        &[],
    )
    .await;
    assert_eq!(unit.status, StatusCode::CREATED, "{}", unit.text);
    let unit_id = unit.json["id"].as_str().unwrap().to_owned();
    let group = call(
        &t,
        d,
        "POST",
        "/api/v1/groups",
        "/api/v1/groups",
        Some(json!({"name": "区纪委监委派驻第一纪检监察组", "stationed_in": [unit_id]})),
        &[],
    )
    .await;
    assert_eq!(group.status, StatusCode::CREATED, "{}", group.text);
    let group_id = group.json["id"].as_str().unwrap().to_owned();
    let cadre = call(
        &t,
        d,
        "POST",
        "/api/v1/cadres",
        "/api/v1/cadres",
        Some(json!({"name": "张三", "post": "党组成员、副局长",
                    "duty": {"kind": "team_member", "unit_id": unit_id}})),
        &[],
    )
    .await;
    assert_eq!(cadre.status, StatusCode::CREATED, "{}", cadre.text);
    let cadre_id = cadre.json["id"].as_str().unwrap().to_owned();
    let cadre_auth = t.cadre_login(&cadre_id).await;

    // Publishing a list: the request body of the example, every deadline kind.
    let list = json!({
        "year": 2026,
        "title": "2026年度全面从严治党主体责任清单",
        "items": [
            {"subject_kind": "team_member", "responsibility": "principal",
             "category": "一岗双责", "content": "每半年对分管领域党风廉政建设情况进行分析",
             "cadence": "half_yearly", "required_count": 1, "deadline": {"kind": "end_of_period"}},
            {"subject_kind": "leadership_team", "responsibility": "principal",
             "category": "党风廉政建设", "content": "每季度研究党风廉政建设工作",
             "cadence": "quarterly", "required_count": 1,
             "deadline": {"kind": "days_after_period_end", "days": 10}},
            {"subject_kind": "discipline_group", "responsibility": "supervisory",
             "category": "监督执纪", "content": "年度监督检查",
             "cadence": "once", "required_count": 1,
             "deadline": {"kind": "fixed_date", "date": "2026-12-20"}},
        ],
    });
    let published = call(
        &t,
        d,
        "POST",
        "/api/v1/lists",
        "/api/v1/lists",
        Some(list),
        &[("idempotency-key", "list-1")],
    )
    .await;
    assert_eq!(published.status, StatusCode::CREATED, "{}", published.text);
    let list_id = published.json["id"].as_str().unwrap().to_owned();
    let assigned = call(
        &t,
        d,
        "POST",
        "/api/v1/lists/{id}/assignments",
        &format!("/api/v1/lists/{list_id}/assignments"),
        Some(json!({"subjects": [
            {"kind": "team_member", "cadre_id": cadre_id},
            {"kind": "leadership_team", "unit_id": unit_id},
            {"kind": "discipline_group", "group_id": group_id},
        ]})),
        &[],
    )
    .await;
    assert_eq!(assigned.status, StatusCode::OK, "{}", assigned.text);
    let position = assigned.json["position"].as_u64().unwrap();

    // The cadre's obligations, and a duty entry for the first half-year's.
    let mine = call(
        &t,
        d,
        "GET",
        "/api/v1/cadres/{id}/obligations",
        &format!("/api/v1/cadres/{cadre_id}/obligations?min_position={position}"),
        None,
        &[],
    )
    .await;
    assert_eq!(mine.status, StatusCode::OK, "{}", mine.text);
    let h1 = mine.json["obligations"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["period"] == "2026-H1")
        .unwrap_or_else(|| panic!("{}", mine.text))["obligation_id"]
        .as_str()
        .unwrap()
        .to_owned();
    let entry = json!({"performed_on": "2026-06-19", "content": "召开分管科室党风廉政建设专题会议",
                       "attachments": [{"sha256": "0".repeat(64), "file_name": "会议记录.pdf"}]});
    let recorded = call(
        &t,
        d,
        "POST",
        "/api/v1/obligations/{id}/entries",
        &format!("/api/v1/obligations/{h1}/entries"),
        Some(entry.clone()),
        &[
            ("authorization", &cadre_auth),
            ("idempotency-key", "entry-1"),
        ],
    )
    .await;
    assert_eq!(recorded.status, StatusCode::CREATED, "{}", recorded.text);
    assert_eq!(recorded.json["kind"], "recorded");
    // A retry is answered 200, as described.
    let again = call(
        &t,
        d,
        "POST",
        "/api/v1/obligations/{id}/entries",
        &format!("/api/v1/obligations/{h1}/entries"),
        Some(entry.clone()),
        &[
            ("authorization", &cadre_auth),
            ("idempotency-key", "entry-1"),
        ],
    )
    .await;
    assert_eq!(again.status, StatusCode::OK, "{}", again.text);
    let entry_id = recorded.json["id"].as_str().unwrap().to_owned();
    let corrected = call(
        &t,
        d,
        "POST",
        "/api/v1/obligations/{id}/entries/{entry_id}/corrections",
        &format!("/api/v1/obligations/{h1}/entries/{entry_id}/corrections"),
        Some(
            json!({"performed_on": "2026-06-18", "content": "召开专题会议", "reason": "日期写错"}),
        ),
        &[("authorization", &cadre_auth)],
    )
    .await;
    assert_eq!(corrected.status, StatusCode::OK, "{}", corrected.text);
    let p = corrected.json["position"].as_u64().unwrap();

    // The queries.
    for (template, path) in [
        (
            "/api/v1/board",
            format!("/api/v1/board?as_of=2026-06-25T00%3A00%3A00%2B08%3A00&min_position={p}"),
        ),
        ("/api/v1/units", format!("/api/v1/units?min_position={p}")),
        ("/api/v1/cadres", format!("/api/v1/cadres?min_position={p}")),
        (
            "/api/v1/units/{id}/obligations",
            format!("/api/v1/units/{unit_id}/obligations?min_position={p}"),
        ),
        (
            "/api/v1/groups/{id}/obligations",
            format!("/api/v1/groups/{group_id}/obligations?min_position={p}"),
        ),
        (
            "/api/v1/cadres/{id}/obligations",
            format!("/api/v1/cadres/{cadre_id}/obligations?min_position={p}"),
        ),
    ] {
        let a = call(&t, d, "GET", template, &path, None, &[]).await;
        assert_eq!(a.status, StatusCode::OK, "{path}: {}", a.text);
    }
    let board = t.get(&format!("/api/v1/board?min_position={p}")).await;
    let row = board.json["units"]
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["unit_id"] == unit_id.as_str())
        .unwrap();
    assert_eq!(row["owner_kind"], "unit", "{}", board.text);
    // And against the components by name, as the issue lists them.
    for (name, body) in [
        ("BoardView", board.json.clone()),
        ("Obligations", mine.json.clone()),
        ("Written", recorded.json.clone()),
    ] {
        validate(d, &component(d, name), &body).unwrap_or_else(|e| panic!("{name}: {e}"));
    }

    // Errors, each as described for its route.
    let problems = [
        call(
            &t,
            d,
            "GET",
            "/api/v1/board",
            "/api/v1/board?as_of=yesterday",
            None,
            &[],
        )
        .await,
        call(
            &t,
            d,
            "GET",
            "/api/v1/cadres/{id}/obligations",
            "/api/v1/cadres/not-a-uuid/obligations",
            None,
            &[],
        )
        .await,
        call(
            &t,
            d,
            "POST",
            "/api/v1/obligations/{id}/entries",
            &format!("/api/v1/obligations/{h1}/entries"),
            Some(entry.clone()),
            &[],
        )
        .await,
        call(
            &t,
            d,
            "POST",
            "/api/v1/obligations/{id}/entries",
            &format!("/api/v1/obligations/{h1}/entries"),
            Some(json!({"performed_on": "2026-07-01", "content": "x"})),
            &[("authorization", &cadre_auth)],
        )
        .await,
        call(
            &t,
            d,
            "POST",
            "/api/v1/obligations/{id}/entries",
            &format!("/api/v1/obligations/{h1}/entries"),
            Some(json!({"performed_on": "2026-06-01", "content": "另一次"})),
            &[
                ("authorization", &cadre_auth),
                ("idempotency-key", "entry-1"),
            ],
        )
        .await,
        call(
            &t,
            d,
            "POST",
            "/api/v1/units",
            "/api/v1/units",
            None,
            &[("content-type", "text/plain")],
        )
        .await,
    ];
    let codes: Vec<_> = problems
        .iter()
        .map(|a| a.json["code"].as_str().unwrap_or(""))
        .collect();
    assert_eq!(
        codes,
        [
            "invalid_field",
            "not_found",
            "forbidden",
            "invalid_field",
            "idempotency_key_reused",
            "unsupported_media_type"
        ]
    );
    for p in &problems {
        validate(d, &component(d, "Problem"), &p.json).unwrap();
    }

    let ready = call(&t, d, "GET", "/readyz", "/readyz", None, &[]).await;
    assert_eq!(ready.status, StatusCode::OK, "{}", ready.text);
}

#[tokio::test]
async fn what_the_description_forbids_is_refused_by_the_validator() {
    // So that the test above cannot pass by validating against nothing.
    let d = &description();
    let board = json!({"as_of": "2026-06-25T00:00:00Z",
        "totals": {"green": 1, "yellow": 0, "red": 0, "orange": 0, "pending": 2},
        "overdue_problems": 1,
        "units": [{"owner_kind": "unit", "unit_id": "0196f1d2-0000-7000-8000-000000000001",
                   "name": "区教育局党组", "kind": "party_group",
                   "green": 1, "yellow": 0, "red": 0, "orange": 0, "pending": 2,
                   "overdue_problems": 1}]});
    validate(d, &component(d, "BoardView"), &board).unwrap();
    let mut bad = board.clone();
    bad["units"][0]["kind"] = json!("club");
    assert!(validate(d, &component(d, "BoardView"), &bad).is_err());
    let mut bad = board.clone();
    bad["units"][0].as_object_mut().unwrap().remove("green");
    assert!(validate(d, &component(d, "BoardView"), &bad).is_err());
    let mut bad = board.clone();
    bad["units"][0]["unit_id"] = json!("not-a-uuid");
    assert!(validate(d, &component(d, "BoardView"), &bad).is_err());
    let mut bad = board.clone();
    bad["as_of"] = json!("yesterday");
    assert!(validate(d, &component(d, "BoardView"), &bad).is_err());
    let mut bad = board.clone();
    bad["units"][0]
        .as_object_mut()
        .unwrap()
        .remove("overdue_problems");
    assert!(validate(d, &component(d, "BoardView"), &bad).is_err());

    let list = json!({"year": 2026, "title": "清单", "items": [{"subject_kind": "team_member",
        "responsibility": "principal", "category": "c", "content": "c", "cadence": "monthly",
        "required_count": 1, "deadline": {"kind": "end_of_period"}}]});
    let schema = request_schema(d, "post", "/api/v1/lists");
    validate(d, &schema, &list).unwrap();
    for (pointer, value) in [
        ("/items/0/cadence", json!("weekly")),
        (
            "/items/0/deadline",
            json!({"kind": "days_after_period_end"}),
        ),
        ("/items/0/colour", json!("red")),
        ("/year", json!("2026")),
    ] {
        let mut bad = list.clone();
        let (parent, key) = pointer.rsplit_once('/').unwrap();
        bad.pointer_mut(parent).unwrap()[key] = value;
        assert!(validate(d, &schema, &bad).is_err(), "{pointer}");
    }

    let problem = json!({"type": "urn:dutytrace:problem:not_found", "title": "Not found",
        "status": 404, "detail": "unit x does not exist", "code": "not_found"});
    validate(d, &component(d, "Problem"), &problem).unwrap();
    let mut bad = problem.clone();
    bad["code"] = json!("oops");
    assert!(validate(d, &component(d, "Problem"), &bad).is_err());
    // An answer's problem is narrowed to the codes of its status.
    let (media, schema) = response_schema(
        d,
        "get",
        "/api/v1/units/{id}/obligations",
        StatusCode::NOT_FOUND,
    );
    assert_eq!(media, "application/problem+json");
    validate(d, &schema, &problem).unwrap();
    let mut bad = problem.clone();
    bad["status"] = json!(422);
    assert!(validate(d, &schema, &bad).is_err());
}
