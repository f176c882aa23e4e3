//! Accountability (问责, DESIGN.md §2 "Accountability") as read: every decision
//! (`AccountabilityDecided`) and admonishment talk held (约谈, `AdmonishmentTalkHeld`) with
//! the names of the unit and cadre it names, its measure and the basis it cites; every
//! circular (通报) as it stands now (draft or published, with how often it was revised);
//! and each finalised year of the assessment (考核, `AssessmentFinalised`).
//!
//! Decisions and talks are listed by kind, unit, cadre and date range, newest first,
//! within the reader's scope; counted per unit for the assessment ([`measures_by_unit`]);
//! and listed by target for the proposals page ([`decided_targets`]). The rule tables
//! (`AccountabilityRulesSet`, `AssessmentRulesSet`) are not folded: the application reads
//! them from the log.
//!
//! Tables (`schema.sql`): `accountability_records`, `accountability_circulars`,
//! `accountability_assessments`, `accountability_names`. Run [`Accountability`] with the
//! `projector` runtime; read it with the functions here on a read connection.

mod circulars;
mod projection;
mod queries;
mod sql;

pub use circulars::{
    CircularStatus, CircularView, FinalisedView, circular, circular_published_at, circulars,
    finalised,
};
pub use projection::Accountability;
pub use queries::{
    DecisionQuery, DecisionView, RecordKind, decided_targets, decision, decisions, measures_by_unit,
};
