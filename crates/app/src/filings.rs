//! Filings (事项报备): a cadre's travel and family events, their revisions, cancellations,
//! returns and acknowledgements, one stream `filing-<id>` each.

use crate::commands::{Meta, name};
use crate::error::AppError;
use crate::execute::{App, Outcome};
use domain::events::stream;
use domain::filing::{FilingAggregate, FilingCommand, FilingContext, FilingState};
use domain::ids::FilingId;

impl App {
    /// 报备, 变更, 撤销, 返回报告, 已阅 on the filing the command names. A command that
    /// files carries the filer's current duty into the decision, so the filing records the
    /// unit (or discipline group) the cadre belongs to when filing.
    pub async fn filing_command(&self, c: FilingCommand, meta: &Meta) -> Result<Outcome, AppError> {
        let ctx = FilingContext {
            filer_duty: match c.filer() {
                Some(cadre) => self.cadre_duty(cadre).await?,
                None => None,
            },
        };
        self.execute::<FilingAggregate>(
            &name(stream::filing(c.filing_id()))?,
            &meta.actor,
            meta.key.as_ref(),
            meta.fingerprint,
            || c.clone(),
            &ctx,
        )
        .await
    }

    /// A filing as the log says now, read from its stream (never behind).
    pub async fn filing(&self, id: FilingId) -> Result<Option<FilingState>, AppError> {
        Ok(self
            .load::<FilingAggregate>(&name(stream::filing(id))?)
            .await?
            .state)
    }
}
