//! The problem ledger (问题台账, DESIGN.md §2 "Problem ledger"): one row per problem with its
//! state as it stands now, and its timeline — every step (registered, planned, progress
//! with evidence, closing requested, rejected, closed) with who, when, what. Queried by
//! unit, status, type, source, found-on range and overdue as of an instant, newest first,
//! within the reader's scope (the problem's unit, or its named cadre, must be visible).
//! Lights (`domain::problem::light`) are computed when reading, as of the instant asked.
//!
//! Tables (`schema.sql`): `ledger_problems`, `ledger_timeline`, `ledger_names`. Run
//! [`Ledger`] with the `projector` runtime; read it with the functions here on a read
//! connection.

mod projection;
mod queries;
mod sql;
mod stats;

pub use projection::Ledger;
pub use queries::{
    ProblemQuery, ProblemView, Step, StepKind, overdue_by_unit, overdue_due, problem, problems,
    problems_naming, problems_of_unit,
};
pub use stats::{
    Bucket, Concentration, ProblemDimension, TOP_UNITS, overdue_problems_by_cadre,
    overdue_problems_by_unit, problems_by, unit_concentration,
};
