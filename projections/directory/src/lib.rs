//! The directory read model: who each login is, the organisation as it stands now, and
//! from both, what each user may see (DESIGN.md §2 "Who sees what"; ADR 0008). It also
//! keeps the record of history reads (查阅记录) that the commission can query.
//!
//! Tables (`schema.sql`): `directory_users`, `directory_cadres`, `directory_stationing`,
//! `directory_leader_units`, `directory_access`. Run [`Directory`] with the `projector`
//! runtime; read it with the functions here on a read connection.

mod projection;
mod queries;
mod sql;

pub use projection::Directory;
pub use queries::{
    AccessQuery, AccessRead, Principal, UserView, access_reads, principal, user, user_for_link,
    users,
};
