//! A schema of its own for each measurement: `peers_<random>` is created, named as the
//! search path of every pooled connection, and dropped afterwards, also when the
//! measurement fails or is interrupted.

use anyhow::Context;
use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions};
use sqlx::{Connection, PgConnection};
use std::future::Future;
use std::str::FromStr;

/// The connection options of a `postgres://` URL.
pub fn connect_options(url: &str) -> anyhow::Result<PgConnectOptions> {
    PgConnectOptions::from_str(url)
        .with_context(|| format!("not a PostgreSQL URL: {}", redact(url)))
}

/// `url` without its password, for printing.
pub fn redact(url: &str) -> String {
    let Some(scheme_end) = url.find("://").map(|i| i + 3) else {
        return url.to_owned();
    };
    let rest = &url[scheme_end..];
    let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let Some(at) = rest[..authority_end].rfind('@') else {
        return url.to_owned();
    };
    match rest[..at].find(':') {
        Some(colon) => format!(
            "{}{}:***{}",
            &url[..scheme_end],
            &rest[..colon],
            &rest[at..]
        ),
        None => url.to_owned(),
    }
}

/// A fresh schema name, `peers_` and 32 hex digits.
pub fn schema_name() -> String {
    format!("peers_{}", uuid::Uuid::new_v4().simple())
}

/// Runs `sql` on a connection of its own, closed afterwards.
async fn execute(base: &PgConnectOptions, sql: &str) -> anyhow::Result<()> {
    let mut conn = connect(base).await?;
    let result = sqlx::raw_sql(sql).execute(&mut conn).await;
    conn.close().await.ok();
    result.with_context(|| format!("PostgreSQL refused `{sql}`"))?;
    Ok(())
}

/// The server's version and `synchronous_commit`, asked on a connection of its own: the
/// first contact, so an unreachable server fails here with a clear message.
pub async fn server_facts(base: &PgConnectOptions) -> anyhow::Result<(String, String)> {
    let mut conn = connect(base).await?;
    let facts: anyhow::Result<(String, String)> = async {
        let version = sqlx::query_scalar("SHOW server_version")
            .fetch_one(&mut conn)
            .await?;
        let sync = sqlx::query_scalar("SHOW synchronous_commit")
            .fetch_one(&mut conn)
            .await?;
        Ok((version, sync))
    }
    .await;
    conn.close().await.ok();
    facts
}

async fn connect(base: &PgConnectOptions) -> anyhow::Result<PgConnection> {
    PgConnection::connect_with(base).await.with_context(|| {
        format!(
            "cannot connect to PostgreSQL at {}:{}",
            base.get_host(),
            base.get_port()
        )
    })
}

/// Checks, after a run, that the pool's `events` table holds exactly `expected` rows: a
/// benchmark that lost or doubled writes would otherwise still print a rate.
pub async fn check_rows(pool: &PgPool, expected: usize) -> anyhow::Result<()> {
    let rows: i64 = sqlx::query_scalar("SELECT count(*) FROM events")
        .fetch_one(pool)
        .await
        .context("cannot count the rows written")?;
    anyhow::ensure!(
        usize::try_from(rows).ok() == Some(expected),
        "{rows} rows in the events table after writing {expected} events"
    );
    Ok(())
}

/// Creates a new schema on the server, runs `measure` with a pool of `pool_size`
/// connections whose search path is that schema, and drops the schema, whatever
/// `measure` returned; Ctrl-C ends the measurement with an error (and drops the schema).
pub async fn in_schema<T, F, Fut>(
    base: &PgConnectOptions,
    pool_size: u32,
    measure: F,
) -> anyhow::Result<T>
where
    F: FnOnce(PgPool) -> Fut,
    Fut: Future<Output = anyhow::Result<T>>,
{
    let schema = schema_name();
    execute(base, &format!("CREATE SCHEMA {schema}")).await?;
    let measured = async {
        let pool = PgPoolOptions::new()
            .max_connections(pool_size)
            // No ping before each checkout: dutytrace's pool (deadpool, fast recycling)
            // does not ping either.
            .test_before_acquire(false)
            .connect_with(base.clone().options([("search_path", schema.as_str())]))
            .await
            .context("cannot open the connection pool")?;
        let result = tokio::select! {
            r = measure(pool.clone()) => r,
            _ = tokio::signal::ctrl_c() => Err(anyhow::anyhow!("interrupted")),
        };
        pool.close().await;
        result
    }
    .await;
    let dropped = execute(base, &format!("DROP SCHEMA IF EXISTS {schema} CASCADE")).await;
    match (measured, dropped) {
        (Ok(t), Ok(())) => Ok(t),
        (Ok(_), Err(e)) => Err(e.context(format!("the schema {schema} may be left behind"))),
        (Err(e), Ok(())) => Err(e),
        (Err(e), Err(drop)) => Err(e.context(format!(
            "and the schema {schema} may be left behind: {drop:#}"
        ))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redact_hides_only_the_password() {
        assert_eq!(
            redact("postgres://bench:s3cret@db:5432/x?sslmode=disable"),
            "postgres://bench:***@db:5432/x?sslmode=disable"
        );
        assert_eq!(
            redact("postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable"),
            "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable"
        );
        assert_eq!(
            redact("postgres://db/x?note=a:b@c"),
            "postgres://db/x?note=a:b@c"
        );
        assert_eq!(redact("not a url"), "not a url");
    }

    #[test]
    fn schema_names_are_fresh_and_plain() {
        let (a, b) = (schema_name(), schema_name());
        assert_ne!(a, b);
        assert!(a.starts_with("peers_") && a.len() == 38, "{a}");
        assert!(a.bytes().all(|c| c == b'_' || c.is_ascii_alphanumeric()));
    }

    #[test]
    fn a_bad_url_is_an_error() {
        let err = connect_options("nonsense").unwrap_err();
        assert!(err.to_string().starts_with("not a PostgreSQL URL"), "{err}");
    }
}
