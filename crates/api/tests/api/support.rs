//! A test application: its own store in a temporary directory, a manual clock, the
//! catalog and board projectors running, and a router to call.

use api::{AppState, Views, router};
use app::App;
use axum::body::Body;
use axum::http::{Request, StatusCode};
use chrono::{DateTime, Utc};
use event_store::{EventStore, ManualClock};
use projector::{ProjectorOptions, ReadModels};
use serde_json::Value;
use std::sync::Arc;
use store_sqlite::{SqliteOptions, SqliteStore};
use tower::ServiceExt;

pub struct TestApp {
    _dir: tempfile::TempDir,
    pub sqlite: SqliteStore,
    pub store: Arc<dyn EventStore>,
    pub state: AppState,
    pub clock: Arc<ManualClock>,
}

pub fn at(s: &str) -> DateTime<Utc> {
    DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
}

/// A fresh application whose clock reads `now`.
pub fn spawn_app(now: &str) -> TestApp {
    let dir = tempfile::tempdir().unwrap();
    let clock = Arc::new(ManualClock::new(at(now)));
    let options = SqliteOptions {
        clock: clock.clone(),
        ..SqliteOptions::default()
    };
    let sqlite = SqliteStore::open(dir.path().join("log.db"), options).unwrap();
    let store: Arc<dyn EventStore> = Arc::new(sqlite.clone());
    let models = ReadModels::open(dir.path().join("log.views.db")).unwrap();
    let mut projectors = Vec::new();
    for p in [
        Arc::new(catalog::Catalog) as Arc<dyn projector::Projection>,
        Arc::new(board::Board),
    ] {
        projectors.push(
            projector::spawn(store.clone(), &models, p, ProjectorOptions::default()).unwrap(),
        );
    }
    let state = AppState::new(
        App::new(store.clone(), clock.clone()),
        Views::new(models),
        projectors,
    );
    TestApp {
        _dir: dir,
        sqlite,
        store,
        state,
        clock,
    }
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

    pub async fn get(&self, path: &str) -> Answer {
        self.call("GET", path, None, &[]).await
    }

    pub async fn post(&self, path: &str, body: Value) -> Answer {
        self.call("POST", path, Some(body), &[]).await
    }
}
