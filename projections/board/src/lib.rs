//! The board read model (DESIGN.md §2 "Traffic lights", §3 "Bitemporal replay"): every
//! obligation of the district with the duty entries made for it, and the units, discipline
//! groups and cadres that own them, kept as versions so the board can be asked "as of" any
//! instant. A query as of `t` sees only what events recorded by `t` said, and evaluates
//! the lights at `t`: what the board showed on 30 June stays what it showed, whatever was
//! backfilled in July.
//!
//! Tables (`schema.sql`): `board_units`, `board_groups`, `board_stationing`,
//! `board_cadres`, `board_lists`, `board_list_subjects`, `board_subjects`,
//! `board_obligation_keys`, `board_items`, `board_obligations`,
//! `board_entries`, `board_entry_corrections`, `board_reminders`. Run [`Board`] with the `projector` runtime;
//! read it with the functions here on a read connection
//! ([`projector::ReadModels::reader`]).

mod codec;
mod projection;
mod queries;
mod sql;
mod stats;

pub use projection::Board;
pub use queries::{
    CadreView, EntryView, LOOK_BACK_DAYS, LightCounts, ObligationView, Owner, OwnerKind,
    OwnerLights, cadre_obligations, cadres, district_overview, due_reminders, group_obligations,
    group_units, obligation_entries, obligation_ref, unit_obligations,
};
pub use stats::{
    UnitCompletion, UnitMonthLights, completion_by_unit, lights_by_unit_month, red_lights_by_cadre,
    red_lights_by_unit,
};
