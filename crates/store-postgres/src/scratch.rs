//! Schemas of their own for tests and benchmarks: each scenario gets an empty schema on a
//! server, reached by a URL that names it as the search path, and drops it afterwards.

use crate::errors::{describe, map};
use event_store::StoreError;

/// `url` with `schema` as its search path (libpq's `options=-csearch_path=…`).
pub fn url_with_schema(url: &str, schema: &str) -> String {
    let sep = if url.contains('?') { '&' } else { '?' };
    format!("{url}{sep}options=-csearch_path%3D{schema}")
}

/// Runs SQL on the server at `url` (its own connection, closed afterwards).
pub async fn execute(url: &str, sql: &str) -> Result<(), StoreError> {
    let target = crate::target_from_url(url, &crate::PostgresOptions::default())?;
    let (client, connection) = target.connect().await.map_err(|e| {
        StoreError::Unavailable(format!("cannot connect to PostgreSQL: {}", describe(&e)))
    })?;
    let driver = tokio::spawn(connection);
    let result = client.batch_execute(sql).await.map_err(map);
    drop(client);
    let _ = driver.await;
    result
}

/// Creates the schema `dt_<prefix>_<random>` on the server at `url`; its name.
pub async fn create_schema(url: &str, prefix: &str) -> Result<String, StoreError> {
    let name = format!("dt_{prefix}_{}", uuid::Uuid::new_v4().simple());
    execute(url, &format!("CREATE SCHEMA {name}")).await?;
    Ok(name)
}

/// Drops a schema made by [`create_schema`], with everything in it.
pub async fn drop_schema(url: &str, name: &str) -> Result<(), StoreError> {
    execute(url, &format!("DROP SCHEMA IF EXISTS {name} CASCADE")).await
}
