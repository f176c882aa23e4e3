//! Responsibility-list items and the obligations derived from them: one per
//! (subject, item, period), with its deadline and required count.

use crate::calendar::{Cadence, DeadlineRule, Period};
use crate::ids::{ItemId, ListId, ObligationId, TaskId};
use crate::org::{Responsibility, Subject, SubjectKind};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::fmt;
use uuid::Uuid;

/// One duty item of a responsibility list (责任清单事项), e.g. "每半年对本单位苗头性倾向性
/// 问题进行分析".
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DutyItem {
    pub item_id: ItemId,
    /// Who owes it.
    pub subject_kind: SubjectKind,
    pub responsibility: Responsibility,
    /// A heading of the list, e.g. "党风廉政建设", "监督执纪".
    pub category: String,
    /// What must be done.
    pub content: String,
    pub cadence: Cadence,
    /// Entries needed per period, at least 1.
    pub required_count: u32,
    pub deadline: DeadlineRule,
}

/// Where an obligation comes from.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum Source {
    /// An item of a responsibility list.
    ListItem { list_id: ListId, item_id: ItemId },
    /// An annual key task.
    KeyTask { task_id: TaskId },
}

impl fmt::Display for Source {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::ListItem { list_id, item_id } => write!(f, "list:{list_id}:item:{item_id}"),
            Self::KeyTask { task_id } => write!(f, "task:{task_id}"),
        }
    }
}

/// Names the deterministic ids of obligations (UUIDv5 in this namespace).
const OBLIGATION_NAMESPACE: Uuid = Uuid::from_u128(0x6475_7479_7472_6163_652d_6f62_6c69_6761);

impl ObligationId {
    /// The id of the obligation of `subject` for `source` in `period`: the same every time,
    /// so every process derives the same obligations from the same list.
    pub fn derive(source: &Source, subject: &Subject, period: &Period) -> Self {
        let name = format!("{source}|{subject}|{period}");
        Self(Uuid::new_v5(&OBLIGATION_NAMESPACE, name.as_bytes()))
    }
}

/// What names an obligation: its source, its subject and its period. Its id is derived from
/// these, so the application can check a claimed obligation by deriving one id instead of
/// searching every obligation of a list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct ObligationRef {
    pub source: Source,
    pub subject: Subject,
    pub period: Period,
}

impl ObligationRef {
    /// The obligation's id.
    pub fn id(&self) -> ObligationId {
        ObligationId::derive(&self.source, &self.subject, &self.period)
    }
}

/// One obligation (履责义务): what a subject owes for an item in a period.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Obligation {
    pub obligation_id: ObligationId,
    pub source: Source,
    pub subject: Subject,
    pub period: Period,
    /// The local date by which the required count must be reached.
    pub deadline: NaiveDate,
    pub required_count: u32,
    pub responsibility: Responsibility,
    pub category: String,
    pub content: String,
}

/// The obligations a list's `items` in `year` impose on `subjects`: for each subject, each
/// item of its kind, each period of the item's cadence.
pub fn derive_obligations(
    list_id: ListId,
    year: i32,
    items: &[DutyItem],
    subjects: &[Subject],
) -> Vec<Obligation> {
    let mut out = Vec::new();
    for subject in subjects {
        for item in items.iter().filter(|i| i.subject_kind == subject.kind()) {
            let source = Source::ListItem {
                list_id,
                item_id: item.item_id,
            };
            for period in Period::all(year, item.cadence) {
                out.push(Obligation {
                    obligation_id: ObligationId::derive(&source, subject, &period),
                    source,
                    subject: *subject,
                    period,
                    deadline: item.deadline.deadline(&period),
                    required_count: item.required_count,
                    responsibility: item.responsibility,
                    category: item.category.clone(),
                    content: item.content.clone(),
                });
            }
        }
    }
    out
}
