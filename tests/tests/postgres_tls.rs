//! TLS to PostgreSQL with libpq's `sslmode` meanings (`store_postgres::tls`), against the
//! test server (Debian's PostgreSQL has `ssl = on` with a self-signed certificate). A
//! server without TLS makes these tests say so and pass without running.

use dutytrace_tests::postgres::TestSchema;
use event_store::{EventStore, ExpectedVersion, StoreError};
use store_postgres::{PostgresOptions, PostgresStore, target_from_url};

/// `url` with its `sslmode` replaced by `mode` (and `extra` parameters added).
fn with_sslmode(url: &str, mode: &str, extra: &str) -> String {
    let (base, query) = url.split_once('?').unwrap_or((url, ""));
    let mut params: Vec<&str> = query
        .split('&')
        .filter(|p| !p.is_empty() && !p.starts_with("sslmode="))
        .collect();
    let mode = format!("sslmode={mode}");
    params.push(&mode);
    if !extra.is_empty() {
        params.push(extra);
    }
    format!("{base}?{}", params.join("&"))
}

/// Whether the server offers TLS at all (said on stderr if not).
async fn offers_tls(url: &str) -> bool {
    let target = target_from_url(url, &PostgresOptions::default()).expect("a valid URL");
    let (client, connection) = target.connect().await.expect("plain connection");
    let driver = tokio::spawn(connection);
    let on: String = client
        .query_one("SHOW ssl", &[])
        .await
        .expect("SHOW ssl")
        .get(0);
    drop(client);
    let _ = driver.await;
    if on != "on" {
        eprintln!("skipped: the test server has ssl = {on}");
    }
    on == "on"
}

/// Whether the session of a connection to `url` is encrypted, as the server sees it.
async fn encrypted(url: &str) -> Result<bool, String> {
    let target = target_from_url(url, &PostgresOptions::default()).map_err(|e| e.to_string())?;
    let (client, connection) = target.connect().await.map_err(|e| format!("{e:?}"))?;
    let driver = tokio::spawn(connection);
    let row = client
        .query_one(
            "SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()",
            &[],
        )
        .await
        .map_err(|e| e.to_string())?;
    drop(client);
    let _ = driver.await;
    Ok(row.get(0))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn require_encrypts_the_log_and_disable_does_not() {
    let Some(schema) = TestSchema::new().await else {
        return;
    };
    if !offers_tls(&schema.url()).await {
        return;
    }
    assert_eq!(
        encrypted(&with_sslmode(&schema.url(), "disable", "")).await,
        Ok(false)
    );
    let url = with_sslmode(&schema.url(), "require", "");
    assert_eq!(encrypted(&url).await, Ok(true), "sslmode=require");
    // The whole store over TLS: its pool, its listener, its writer.
    let store = PostgresStore::connect(&url, PostgresOptions::default())
        .await
        .expect("the store opens over TLS");
    let appended = store
        .append(
            &store_contract::stream("unit-1"),
            ExpectedVersion::NoStream,
            vec![store_contract::event(
                "UnitRegistered",
                serde_json::json!({"name": "某单位"}),
            )],
        )
        .await
        .expect("an append over TLS");
    assert_eq!(appended.positions, vec![1]);
    assert_eq!(store.head().await.expect("head"), 1);
    store.close().await;
}

/// The server's certificate file, if this process can read it.
async fn server_certificate(url: &str) -> Option<String> {
    let target = target_from_url(url, &PostgresOptions::default()).expect("a valid URL");
    let (client, connection) = target.connect().await.expect("plain connection");
    let driver = tokio::spawn(connection);
    let file: String = client
        .query_one("SHOW ssl_cert_file", &[])
        .await
        .expect("SHOW ssl_cert_file")
        .get(0);
    drop(client);
    let _ = driver.await;
    let readable =
        std::fs::read_to_string(&file).is_ok_and(|pem| pem.contains("BEGIN CERTIFICATE"));
    if !readable {
        eprintln!("skipped: cannot read the server's certificate {file}");
    }
    readable.then_some(file)
}

/// verify-ca and verify-full against the server's own (self-signed) certificate as the
/// root: the chain is trusted; verify-full also wants the certificate to name the host
/// connected to, so 127.0.0.1 is refused where `localhost` (the name in Debian's
/// certificate) is accepted; a root that did not sign it is refused.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn verify_modes_check_the_chain_and_the_name() {
    let Some(schema) = TestSchema::new().await else {
        return;
    };
    if !offers_tls(&schema.url()).await {
        return;
    }
    let Some(cert) = server_certificate(&schema.url()).await else {
        return;
    };
    let root = format!("sslrootcert={cert}");
    assert_eq!(
        encrypted(&with_sslmode(&schema.url(), "verify-ca", &root)).await,
        Ok(true),
        "verify-ca with the server's certificate as the root"
    );
    if schema.url().contains("@127.0.0.1:") {
        let err = PostgresStore::connect(
            &with_sslmode(&schema.url(), "verify-full", &root),
            PostgresOptions::default(),
        )
        .await
        .map(|_| ())
        .expect_err("the certificate does not name 127.0.0.1");
        assert!(matches!(err, StoreError::Unavailable(_)), "{err:?}");
        assert!(
            err.to_string().contains("not valid for name \"127.0.0.1\""),
            "the message says why: {err}"
        );
        let by_name = schema.url().replace("@127.0.0.1:", "@localhost:");
        match encrypted(&with_sslmode(&by_name, "verify-full", &root)).await {
            Ok(on) => assert!(on, "verify-full by the certificate's name"),
            // A certificate made for another name than localhost: nothing to compare.
            Err(e) => assert!(e.contains("NotValidForName"), "{e}"),
        }
    }
    // A root that did not sign the server's certificate: any other certificate will do.
    let other = tempfile::NamedTempFile::new().expect("a file");
    std::fs::write(other.path(), OTHER_ROOT).expect("written");
    let err = encrypted(&with_sslmode(
        &schema.url(),
        "verify-ca",
        &format!("sslrootcert={}", other.path().display()),
    ))
    .await
    .expect_err("a root that did not sign it");
    assert!(
        err.contains("UnknownIssuer") || err.contains("BadSignature"),
        "{err}"
    );
}

/// A self-signed certificate made for these tests (CN=dutytrace test root), signing nothing
/// the server presents.
const OTHER_ROOT: &str = include_str!("postgres_tls_other_root.pem");
