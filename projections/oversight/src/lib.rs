//! Oversight records (廉情数据, DESIGN.md §2 "Oversight records"): every record entered by
//! hand (`OversightRecorded`) or imported from a file (`OversightImported`, in parts), one
//! row per import, and the units and cadres as known now — what a new record or import is
//! checked against ([`org_index`]). Records are listed by kind, unit, cadre, occurred-on
//! range and import, newest first, within the reader's scope, and counted per unit, kind
//! and month for the statistics.
//!
//! Tables (`schema.sql`): `oversight_records`, `oversight_imports`, `oversight_units`,
//! `oversight_cadres`. Run [`Oversight`] with the `projector` runtime; read it with the
//! functions here on a read connection.

mod projection;
mod queries;
mod sql;

pub use projection::Oversight;
pub use queries::{
    ImportView, KindCount, RecordQuery, RecordView, accountability_records_by_unit,
    counts_by_unit_kind_month, import, imports, org_index, record, records,
};
