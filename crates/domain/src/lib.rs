//! The duty domain of dutytrace (DESIGN.md §1–2), pure and synchronous: no IO, no clock,
//! no async. Decisions are `decide(&state, command, now) -> Result<Vec<Event>, DomainError>`
//! and state changes only in `evolve`.
//!
//! - [`calendar`]: Asia/Shanghai local dates, cadences, periods and deadline rules;
//! - [`light`]: the traffic light (绿/黄/红/橙) as a pure function of an obligation, the
//!   entries known and an `as_of` instant;
//! - [`ids`]: identifiers as newtypes.

pub mod aggregate;
pub mod calendar;
pub mod error;
pub mod ids;
pub mod events;
pub mod light;
pub mod obligation;
pub mod org;
