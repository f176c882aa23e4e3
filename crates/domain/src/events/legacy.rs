//! Payloads of event versions no longer written, kept as they were: their schemas stay in
//! `schemas/events/` (stored events of those versions are still read, through
//! [`upcast`](super::upcast)), and tests write them as the old code did.

use crate::ids::{CadreId, UserId};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// 查阅履责档案: someone read another person's history (DESIGN.md §2: every such read is
/// itself recorded). Stream `access-<reader>`.
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HistoryReadV1 {
    /// Who read.
    pub reader: UserId,
    /// Whose history.
    pub cadre_id: CadreId,
    /// The instant the history was asked as of; `None` for "now".
    pub as_of: Option<DateTime<Utc>>,
}
