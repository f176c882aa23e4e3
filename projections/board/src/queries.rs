//! Reading the board as of an instant, on any connection to the read-model file
//! ([`projector::ReadModels::reader`]). Every query takes `as_of` and sees only the facts
//! recorded by then; lights are [`domain::light::status`] evaluated at `as_of`.

mod directory;
mod entries;
mod obligations;
mod overview;
mod reminders;

pub use directory::{CadreView, cadres, obligation_ref};
pub use entries::{EntryView, obligation_entries};
pub use obligations::{ObligationView, cadre_obligations, group_obligations, unit_obligations};
pub use overview::{LightCounts, Owner, OwnerKind, OwnerLights, district_overview, group_units};
pub use reminders::{LOOK_BACK_DAYS, due_reminders};
