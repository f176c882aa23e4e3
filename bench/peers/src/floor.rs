//! The floor: the same rows inserted with plain SQL into a table shaped like dutytrace's
//! event log, with no version check, no lock and no notification; one autocommitted
//! statement per call (one row, or one multi-row insert of a whole batch).

use crate::drive::Writer;
use crate::duty;
use crate::plan::Scenario;
use anyhow::Context;
use sqlx::PgPool;
use std::time::Duration;
use uuid::Uuid;

const EVENT_TYPE: &str = "DutyRecorded";
const SCHEMA_VERSION: i32 = 1;
const ACTOR: &str = "user:bench";

/// Creates the floor's table in the pool's schema and runs `scenario`, each writer on a
/// stream of its own with increasing versions; then checks the rows.
pub async fn run(
    pool: PgPool,
    scenario: Scenario,
) -> anyhow::Result<(Duration, hdrhistogram::Histogram<u64>)> {
    sqlx::raw_sql(include_str!("../sql/floor.sql"))
        .execute(&pool)
        .await
        .context("cannot create the floor's table")?;
    let payload = serde_json::to_string(&duty::entry())?;
    let writers = (0..scenario.writers)
        .map(|w| FloorWriter {
            pool: pool.clone(),
            stream: format!("cadre-bench{w}"),
            version: 0,
            payload: payload.clone(),
            batch: scenario.batch,
        })
        .collect();
    let measured = crate::drive::drive(writers, scenario.calls).await?;
    crate::scratch::check_rows(&pool, scenario.events()).await?;
    Ok(measured)
}

/// One writer of one stream.
struct FloorWriter {
    pool: PgPool,
    stream: String,
    /// The stream's last version.
    version: i64,
    payload: String,
    batch: usize,
}

/// The rows of one call: their ids and payloads (built before the clock starts).
struct Rows {
    ids: Vec<Uuid>,
    payloads: Vec<String>,
}

impl Writer for FloorWriter {
    type Call = Rows;

    fn prepare(&mut self) -> Rows {
        Rows {
            ids: (0..self.batch).map(|_| Uuid::now_v7()).collect(),
            payloads: vec![self.payload.clone(); self.batch],
        }
    }

    async fn execute(&mut self, rows: Rows) -> anyhow::Result<()> {
        let now = chrono::Utc::now().timestamp_micros();
        let n = i64::try_from(rows.ids.len())?;
        if let ([id], [payload]) = (rows.ids.as_slice(), rows.payloads.as_slice()) {
            sqlx::query(include_str!("../sql/floor_insert.sql"))
                .bind(id)
                .bind(&self.stream)
                .bind(self.version + 1)
                .bind(EVENT_TYPE)
                .bind(SCHEMA_VERSION)
                .bind(now)
                .bind(now)
                .bind(ACTOR)
                .bind(payload)
                .execute(&self.pool)
                .await
                .context("the floor's insert failed")?;
        } else {
            sqlx::query(include_str!("../sql/floor_insert_batch.sql"))
                .bind(&rows.ids)
                .bind(&rows.payloads)
                .bind(&self.stream)
                .bind(self.version)
                .bind(EVENT_TYPE)
                .bind(SCHEMA_VERSION)
                .bind(now)
                .bind(now)
                .bind(ACTOR)
                .execute(&self.pool)
                .await
                .context("the floor's batch insert failed")?;
        }
        self.version += n;
        Ok(())
    }
}
