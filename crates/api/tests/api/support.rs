//! A test application: its own store in a temporary directory, a manual clock, the
//! catalog, board, directory and filings projectors running, a credential store with a
//! cheap hash, the administrator signed in, and a router to call.

use api::{AppState, Views, router};
use app::App;
use auth::{AuthConfig, CredentialStore, HashCost, Secret, SessionPolicy};
use axum::body::Body;
use axum::http::{Request, StatusCode};
use chrono::{DateTime, Utc};
use event_store::{EventStore, ManualClock};
use projector::{ProjectorOptions, ReadModels};
use serde_json::Value;
use std::sync::Arc;
use store_sqlite::{SqliteOptions, SqliteStore};
use tower::ServiceExt;

/// The administrator's password in tests.
pub const ADMIN_PASSWORD: &str = "admin-password-for-tests";
/// The password of every login the tests open.
pub const PASSWORD: &str = "a-test-password";

pub struct TestApp {
    pub dir: tempfile::TempDir,
    pub sqlite: SqliteStore,
    pub store: Arc<dyn EventStore>,
    pub state: AppState,
    pub clock: Arc<ManualClock>,
    /// `Bearer <admin's token>`, sent when a request names no Authorization itself.
    pub admin: String,
}

pub fn at(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
}

/// A fresh application whose clock reads `now`.
pub async fn spawn_app(now: &str) -> TestApp {
    // Tests move the clock by months: sessions here last for years (expiry has its own
    // tests, with the real lifetimes).
    let years = SessionPolicy {
        absolute: chrono::TimeDelta::days(3650),
        idle: chrono::TimeDelta::days(3650),
    };
    spawn_app_with(now, years).await
}

/// A fresh application whose sessions live as `sessions` says.
pub async fn spawn_app_with(now: &str, sessions: SessionPolicy) -> TestApp {
    let dir = tempfile::tempdir().unwrap();
    let clock = Arc::new(ManualClock::new(at(now)));
    let options = SqliteOptions {
        clock: clock.clone(),
        ..SqliteOptions::default()
    };
    let sqlite = SqliteStore::open(dir.path().join("log.db"), options).unwrap();
    // Appends counted for /metrics, as `dutytrace serve` does.
    let metrics = Arc::new(api::Metrics::default());
    let store: Arc<dyn EventStore> = metrics.counting(Arc::new(sqlite.clone()));
    let models = ReadModels::open(dir.path().join("log.views.db")).unwrap();
    let mut projectors = Vec::new();
    for p in [
        Arc::new(catalog::Catalog) as Arc<dyn projector::Projection>,
        Arc::new(board::Board),
        Arc::new(directory::Directory),
        Arc::new(inbox::Inbox),
        Arc::new(filings::Filings),
        Arc::new(ledger::Ledger),
        Arc::new(search::Search),
        Arc::new(oversight::Oversight),
        Arc::new(accountability::Accountability),
        Arc::new(merkle::Merkle),
    ] {
        projectors.push(
            projector::spawn(store.clone(), &models, p, ProjectorOptions::default()).unwrap(),
        );
    }
    let config = AuthConfig {
        hash_cost: HashCost::insecure_fast_for_tests(),
        sessions,
        ..AuthConfig::default()
    };
    let credentials =
        Arc::new(CredentialStore::open_with(dir.path().join("log.auth.db"), config).unwrap());
    let (notary, _) = api::Notary::open(
        "dutytrace/test",
        &dir.path().join("log.signing.key"),
        dir.path().join("log.checkpoints.jsonl"),
    )
    .unwrap();
    let state = AppState::new(
        App::new(store.clone(), clock.clone()),
        Views::new(models),
        projectors,
        credentials,
    )
    .with_notary(Arc::new(notary))
    .with_metrics(metrics);
    api::ensure_admin(&state, &Secret::new(ADMIN_PASSWORD))
        .await
        .unwrap();
    let mut t = TestApp {
        dir,
        sqlite,
        store,
        state,
        clock,
        admin: String::new(),
    };
    t.admin = t.sign_in(api::ADMIN, ADMIN_PASSWORD).await;
    t
}

/// A response: status, content type and body (JSON when it parses, else a string).
#[derive(Debug)]
pub struct Answer {
    pub status: StatusCode,
    pub content_type: String,
    pub text: String,
    pub json: Value,
}

impl TestApp {
    pub async fn call(
        &self,
        method: &str,
        path: &str,
        body: Option<Value>,
        headers: &[(&str, &str)],
    ) -> Answer {
        let mut req = Request::builder().method(method).uri(path);
        for (k, v) in headers {
            req = req.header(*k, *v);
        }
        let names_auth = headers.iter().any(|(k, _)| {
            k.eq_ignore_ascii_case("authorization") || k.eq_ignore_ascii_case("cookie")
        });
        if !names_auth {
            req = req.header("authorization", self.admin.as_str());
        }
        let req = match body {
            Some(b) => req
                .header("content-type", "application/json")
                .body(Body::from(b.to_string()))
                .unwrap(),
            None => req.body(Body::empty()).unwrap(),
        };
        let response = router(self.state.clone()).oneshot(req).await.unwrap();
        let status = response.status();
        let content_type = response
            .headers()
            .get("content-type")
            .map(|v| v.to_str().unwrap().to_owned())
            .unwrap_or_default();
        let bytes = axum::body::to_bytes(response.into_body(), 16 << 20)
            .await
            .unwrap();
        let text = String::from_utf8(bytes.to_vec()).unwrap();
        let json = serde_json::from_str(&text).unwrap_or(Value::Null);
        Answer {
            status,
            content_type,
            text,
            json,
        }
    }

    /// POSTs `bytes` as they are (a file upload), as `authorization` (admin if empty).
    pub async fn upload(&self, path: &str, bytes: Vec<u8>, authorization: &str) -> Answer {
        let auth = if authorization.is_empty() {
            self.admin.as_str()
        } else {
            authorization
        };
        let req = Request::builder()
            .method("POST")
            .uri(path)
            .header("authorization", auth)
            .header("content-type", "application/octet-stream")
            .body(Body::from(bytes))
            .unwrap();
        let response = router(self.state.clone()).oneshot(req).await.unwrap();
        let status = response.status();
        let bytes = axum::body::to_bytes(response.into_body(), 16 << 20)
            .await
            .unwrap();
        let text = String::from_utf8(bytes.to_vec()).unwrap();
        let json = serde_json::from_str(&text).unwrap_or(Value::Null);
        Answer {
            status,
            content_type: String::new(),
            text,
            json,
        }
    }

    /// GETs `path` as the administrator with `headers`: status, headers and the body's
    /// bytes as they came (a compressed body not decoded).
    pub async fn get_raw(
        &self,
        path: &str,
        headers: &[(&str, &str)],
    ) -> (StatusCode, axum::http::HeaderMap, Vec<u8>) {
        let mut req = Request::builder()
            .uri(path)
            .header("authorization", self.admin.as_str());
        for (k, v) in headers {
            req = req.header(*k, *v);
        }
        let response = router(self.state.clone())
            .oneshot(req.body(Body::empty()).unwrap())
            .await
            .unwrap();
        let (parts, body) = response.into_parts();
        let bytes = axum::body::to_bytes(body, 16 << 20).await.unwrap();
        (parts.status, parts.headers, bytes.to_vec())
    }

    pub async fn get(&self, path: &str) -> Answer {
        self.call("GET", path, None, &[]).await
    }

    pub async fn post(&self, path: &str, body: Value) -> Answer {
        self.call("POST", path, Some(body), &[]).await
    }

    /// Signs in; answers `Bearer <token>`.
    pub async fn sign_in(&self, username: &str, password: &str) -> String {
        let r = self
            .call(
                "POST",
                "/api/v1/auth/login",
                Some(serde_json::json!({"username": username, "password": password})),
                &[("authorization", "")],
            )
            .await;
        assert_eq!(
            r.status,
            StatusCode::OK,
            "signing in as {username}: {}",
            r.text
        );
        format!("Bearer {}", r.json["token"].as_str().unwrap())
    }

    /// The cadre's login (username `c-<the id's last 12 digits>`, its random part; opened
    /// the first time), signed in; answers `Bearer <token>`.
    pub async fn cadre_login(&self, cadre: &str) -> String {
        let username = format!("c-{}", &cadre[cadre.len() - 12..]);
        let r = self
            .post(
                "/api/v1/users",
                serde_json::json!({"username": username, "display_name": username,
                                   "account": {"kind": "cadre", "cadre_id": cadre},
                                   "password": PASSWORD}),
            )
            .await;
        assert!(
            r.status == StatusCode::CREATED || r.json["code"] == "already_exists",
            "opening {username}: {}",
            r.text
        );
        self.sign_in(&username, PASSWORD).await
    }
}
