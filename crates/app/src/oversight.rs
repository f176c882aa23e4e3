//! Oversight records (廉情数据): one record by hand on its own stream
//! `oversight-<id>`, or a whole checked import on `oversight-import-<id>`, appended in one
//! atomic append so an import is stored whole or not at all. Reading the file and checking
//! its rows is the caller's (the API reads the spreadsheet; `domain::oversight::import`
//! checks the rows against an [`OrgIndex`]).

use crate::commands::{Meta, name};
use crate::error::AppError;
use crate::execute::{App, Outcome};
use domain::events::stream;
use domain::oversight::{
    ImportOversight, OrgIndex, OversightAggregate, OversightImportAggregate, RecordOversight,
};

impl App {
    /// 登记廉情数据: one record, checked against the organisation `org` (who may is the
    /// caller's business).
    pub async fn record_oversight(
        &self,
        c: RecordOversight,
        org: &OrgIndex,
        meta: &Meta,
    ) -> Result<Outcome, AppError> {
        self.execute::<OversightAggregate>(
            &name(stream::oversight(c.record.record_id))?,
            &meta.actor,
            meta.key.as_ref(),
            meta.fingerprint,
            || c.clone(),
            org,
        )
        .await
    }

    /// 导入廉情数据: every record of a checked import, in one append (all or nothing);
    /// the same file twice is refused as already imported.
    pub async fn import_oversight(
        &self,
        c: ImportOversight,
        meta: &Meta,
    ) -> Result<Outcome, AppError> {
        self.execute::<OversightImportAggregate>(
            &name(stream::oversight_import(c.import_id))?,
            &meta.actor,
            meta.key.as_ref(),
            meta.fingerprint,
            || c.clone(),
            &(),
        )
        .await
    }
}
