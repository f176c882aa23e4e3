//! The filings register (事项报备, DESIGN.md §2 "Filings"): one row per filing — a cadre's
//! travel out of Ningbo city or family event — with its content, lateness and status as
//! they stand now, and who acknowledged it (已阅). Queried by cadre, unit, date range and
//! lateness, newest first, within the reader's scope (the filer must be visible to them).
//!
//! Tables (`schema.sql`): `filings`, `filings_acknowledgements`, `filings_names`. Run
//! [`Filings`] with the `projector` runtime; read it with the functions here on a read
//! connection.

mod projection;
mod queries;
mod sql;
mod stats;

pub use projection::Filings;
pub use queries::{
    Acknowledgement, FilingKind, FilingQuery, FilingView, TravelView, filing, filing_ids_of_cadre,
    filing_ids_of_unit, filings,
};
pub use stats::{MonthFilings, filings_by_month, late_filings_by_cadre, late_filings_by_unit};
