//! Passwords and tokens never reach the event log, the read models or the logs (ADR 0007).

use crate::support::spawn_app;
use axum::http::StatusCode;
use event_store::Filter;
use serde_json::json;
use std::io::Write;
use std::sync::{Arc, Mutex};

/// Everything logged, at every level, by every thread of this test binary.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

fn contains(haystack: &[u8], needle: &str) -> bool {
    haystack
        .windows(needle.len())
        .any(|w| w == needle.as_bytes())
}

#[tokio::test]
async fn passwords_and_tokens_appear_in_no_event_no_file_of_the_log_and_no_log_line() {
    let captured = Captured::default();
    let writer = captured.clone();
    // The global subscriber sees the blocking threads too; other tests' lines only add
    // to the haystack.
    let installed = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_writer(move || writer.clone())
        .try_init()
        .is_ok();
    let t = spawn_app("2026-01-05T09:00:00+08:00").await;
    let first = "first-secret-Pa55word";
    let wrong = "wrong-secret-Pa55word";
    let reset = "reset-secret-Pa55word";
    let changed = "changed-secret-Pa55word";
    let r = t
        .post(
            "/api/v1/users",
            json!({"username": "shenji", "display_name": "审计", "account": {"kind": "auditor"},
                   "password": first}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text);
    let user = r.json["id"].as_str().unwrap().to_owned();
    let mut tokens = Vec::new();
    let login = |password: &'static str| {
        let body = json!({"username": "shenji", "password": password});
        let t = &t;
        async move {
            t.call(
                "POST",
                "/api/v1/auth/login",
                Some(body),
                &[("authorization", "")],
            )
            .await
        }
    };
    assert_eq!(login(wrong).await.status, StatusCode::UNAUTHORIZED);
    let ok = login(first).await;
    assert_eq!(ok.status, StatusCode::OK, "{}", ok.text);
    tokens.push(ok.json["token"].as_str().unwrap().to_owned());
    tokens.push(ok.json["csrf_token"].as_str().unwrap().to_owned());
    let bearer = format!("Bearer {}", tokens[0]);
    let weak = t
        .call(
            "POST",
            "/api/v1/auth/password",
            Some(json!({"old_password": first, "new_password": "short"})),
            &[("authorization", &bearer)],
        )
        .await;
    assert_eq!(weak.status, StatusCode::UNPROCESSABLE_ENTITY);
    let r = t
        .call(
            "POST",
            "/api/v1/auth/password",
            Some(json!({"old_password": first, "new_password": changed})),
            &[("authorization", &bearer)],
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    tokens.push(r.json["token"].as_str().unwrap().to_owned());
    let r = t
        .post(
            &format!("/api/v1/users/{user}/password"),
            json!({"new_password": reset}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text);
    let ok = login(reset).await;
    assert_eq!(ok.status, StatusCode::OK);
    tokens.push(ok.json["token"].as_str().unwrap().to_owned());
    // A 5xx is logged with its detail: provoke none with a secret in it, but make sure the
    // log is being written at all.
    tracing::info!("secrets test: end of the requests");
    t.sqlite.close().await;

    let secrets: Vec<String> = [first, wrong, reset, changed, crate::support::ADMIN_PASSWORD]
        .iter()
        .map(|s| (*s).to_owned())
        .chain(tokens.iter().cloned())
        .collect();
    // Every event, whole: payload, actor, ids.
    let store = store_sqlite::SqliteStore::open(
        t.dir.path().join("log.db"),
        store_sqlite::SqliteOptions::default(),
    )
    .unwrap();
    let events = event_store::EventStore::read_all(&store, 1, &Filter::all(), 100_000)
        .await
        .unwrap()
        .events;
    assert!(
        events
            .iter()
            .any(|e| e.event_type.as_str() == "UserPasswordReset")
    );
    let all = format!("{events:?}");
    for s in &secrets {
        assert!(!all.contains(s.as_str()), "an event holds a secret: {all}");
    }
    store.close().await;
    // Every file beside the log, byte for byte: the log, the read models, the credential
    // file (which keeps only hashes), and their journals.
    let mut files = 0;
    for entry in std::fs::read_dir(t.dir.path()).unwrap() {
        let path = entry.unwrap().path();
        let bytes = std::fs::read(&path).unwrap();
        files += 1;
        for s in &secrets {
            assert!(!contains(&bytes, s), "{} holds a secret", path.display());
        }
    }
    assert!(
        files >= 3,
        "the log, the read models and the credential file"
    );
    // Every log line.
    if installed {
        let log = captured.0.lock().unwrap().clone();
        assert!(contains(&log, "secrets test: end of the requests"));
        for s in &secrets {
            assert!(!contains(&log, s), "a log line holds a secret");
        }
    }
}
