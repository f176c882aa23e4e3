//! The duty domain of dutytrace (DESIGN.md §1–2), pure and synchronous: no IO, no clock,
//! no async. Decisions are `decide(&state, command, now) -> Result<Vec<Event>, DomainError>`
//! and state changes only in `evolve`.
//!
//! - [`calendar`]: Asia/Shanghai local dates, cadences, periods and deadline rules;
//! - [`light`]: the traffic light (绿/黄/红/橙) as a pure function of an obligation, the
//!   entries known and an `as_of` instant;
//! - [`ids`]: identifiers as newtypes;
//! - the aggregates, one stream each, with their commands, contexts and states:
//!   [`unit`], [`group`], [`cadre`], [`leader`], [`list`] (responsibility lists and the
//!   obligations they derive), [`task`] (annual key tasks) and [`duty`] (the entries of
//!   one obligation: recorded, backfilled, corrected, withdrawn) and [`user`] (logins, the
//!   accounts they stand for and the roles of "who sees what") and [`filing`] (事项报备:
//!   travel out of Ningbo and family events, their lateness, revisions and
//!   acknowledgements) and [`problem`] (问题台账: problems found, their rectification
//!   and closing, 销号整改, and the configurable problem types) and [`oversight`]
//!   (廉情数据: oversight records entered or imported from spreadsheets) and
//!   [`accountability`] (问责 and 约谈, with the proposal rules of 差别化问责) and
//!   [`circular`] (通报: exposure circulars) and [`assessment`] (考核: the annual
//!   assessment's rules and finalised scores).

pub mod accountability;
pub mod aggregate;
pub mod assessment;
pub mod cadre;
pub mod calendar;
pub mod circular;
pub mod duty;
pub mod error;
pub mod events;
pub mod filing;
pub mod group;
pub mod ids;
pub mod keys;
pub mod leader;
pub mod light;
pub mod list;
pub mod obligation;
pub mod org;
pub mod oversight;
pub mod problem;
pub mod reminders;
pub mod task;
pub mod unit;
pub mod user;
mod validate;
