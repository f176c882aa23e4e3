//! The catalog read model: which streams and event types the log holds, how many events
//! each has and where the last one is. It is the cheapest complete fold over the log, so
//! it is also the projection the replay benchmark runs.
//!
//! Tables (`schema.sql`): `catalog_streams` and `catalog_event_types`. Run it with the
//! `projector` runtime; read it with the functions here on a read connection.

mod projection;
mod queries;
mod sql;

pub use projection::Catalog;
pub use queries::{
    CategorySummary, EventTypeSummary, StreamSummary, Totals, categories, event_types, stream,
    streams_in_category, totals,
};
