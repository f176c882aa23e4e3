//! The writer process of the crash test: `crash-writer <store-url> <run> <tasks>`.
//!
//! Opens the store named by the URL and runs `store_contract::crash::run_writer` until it is
//! killed, printing one line per acknowledged append.

use event_store::EventStore;
use std::process::ExitCode;
use std::sync::Arc;
use store_postgres::{PostgresOptions, PostgresStore};
use store_sqlite::{SqliteOptions, SqliteStore};

async fn open(url: &str) -> Result<Arc<dyn EventStore>, String> {
    if url.starts_with("sqlite:") {
        let store =
            SqliteStore::open_url(url, SqliteOptions::default()).map_err(|e| e.to_string())?;
        return Ok(Arc::new(store));
    }
    if store_postgres::is_postgres_url(url) {
        let options = PostgresOptions {
            pool_size: 4,
            ..PostgresOptions::default()
        };
        let store = PostgresStore::connect(url, options)
            .await
            .map_err(|e| e.to_string())?;
        return Ok(Arc::new(store));
    }
    if store_kurrentdb::is_kurrentdb_url(url) {
        let store = store_kurrentdb::KurrentStore::connect(url, Default::default())
            .await
            .map_err(|e| e.to_string())?;
        return Ok(Arc::new(store));
    }
    Err(format!(
        "{url:?}: only sqlite://, postgres:// and kurrentdb:// URLs are supported"
    ))
}

fn args() -> Result<(String, u64, u64), String> {
    let usage = "usage: crash-writer <store-url> <run> <tasks>";
    let mut args = std::env::args().skip(1);
    let url = args.next().ok_or(usage)?;
    let run = args.next().and_then(|a| a.parse().ok()).ok_or(usage)?;
    let tasks = args.next().and_then(|a| a.parse().ok()).ok_or(usage)?;
    Ok((url, run, tasks))
}

#[tokio::main(flavor = "multi_thread", worker_threads = 4)]
async fn main() -> ExitCode {
    let result = async {
        let (url, run, tasks) = args()?;
        let store = open(&url).await?;
        store_contract::crash::run_writer(store, run, tasks).await
    }
    .await;
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("crash-writer: {e}");
            ExitCode::FAILURE
        }
    }
}
