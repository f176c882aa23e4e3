//! The peer: cqrs-es's `CqrsFramework` over postgres-es's event repository, built with
//! `postgres_es::postgres_cqrs` and no query processors, on postgres-es's standard tables.

use crate::cadre::{Cadre, CadreCommand};
use crate::drive::Writer;
use crate::duty::{self, DutyEntry};
use crate::plan::{self, Scenario};
use anyhow::Context;
use postgres_es::PostgresCqrs;
use sqlx::PgPool;
use std::sync::Arc;
use std::time::Duration;
use uuid::Uuid;

/// Creates postgres-es's tables in the pool's schema and runs `scenario`, each writer
/// rolling to a fresh aggregate after `aggregate_events` events; then checks the rows.
pub async fn run(
    pool: PgPool,
    scenario: Scenario,
    aggregate_events: usize,
) -> anyhow::Result<(Duration, hdrhistogram::Histogram<u64>)> {
    sqlx::raw_sql(include_str!("../sql/postgres_es.sql"))
        .execute(&pool)
        .await
        .context("cannot create postgres-es's tables")?;
    let cqrs = Arc::new(postgres_es::postgres_cqrs::<Cadre>(
        pool.clone(),
        Vec::new(),
        (),
    ));
    let per_aggregate = plan::commands_per_aggregate(scenario.batch, aggregate_events);
    let writers = (0..scenario.writers)
        .map(|_| CadreWriter {
            cqrs: cqrs.clone(),
            entry: duty::entry(),
            batch: scenario.batch,
            per_aggregate,
            sent: 0,
            aggregate: String::new(),
        })
        .collect();
    let measured = crate::drive::drive(writers, scenario.calls).await?;
    crate::scratch::check_rows(&pool, scenario.events()).await?;
    Ok(measured)
}

/// One writer: commands to one aggregate at a time, a fresh one every `per_aggregate`.
struct CadreWriter {
    cqrs: Arc<PostgresCqrs<Cadre>>,
    entry: DutyEntry,
    batch: usize,
    per_aggregate: usize,
    sent: usize,
    aggregate: String,
}

impl Writer for CadreWriter {
    type Call = CadreCommand;

    fn prepare(&mut self) -> CadreCommand {
        if plan::rolls_before(self.sent, self.per_aggregate) {
            self.aggregate = Uuid::now_v7().to_string();
        }
        self.sent += 1;
        if self.batch == 1 {
            CadreCommand::RecordDuty(self.entry.clone())
        } else {
            CadreCommand::RecordDuties {
                entry: self.entry.clone(),
                n: self.batch,
            }
        }
    }

    async fn execute(&mut self, call: CadreCommand) -> anyhow::Result<()> {
        self.cqrs
            .execute(&self.aggregate, call)
            .await
            .with_context(|| format!("cqrs-es refused a command on cadre {}", self.aggregate))
    }
}
