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
    ///
    /// The name hashed is `{source}|{subject}|{period}` as their `Display` writes them
    /// (the ids of every stored log depend on it), written into a buffer on the stack rather
    /// than through `format!`: lists derive thousands of obligations at once, a province's
    /// rebuild and seed over a million, and the formatting machinery cost more than the hash.
    pub fn derive(source: &Source, subject: &Subject, period: &Period) -> Self {
        let mut name = Name::default();
        match source {
            Source::ListItem { list_id, item_id } => {
                name.push(b"list:");
                name.push_uuid(list_id.uuid());
                name.push(b":item:");
                name.push_uuid(item_id.uuid());
            }
            Source::KeyTask { task_id } => {
                name.push(b"task:");
                name.push_uuid(task_id.uuid());
            }
        }
        name.push(b"|");
        let (kind, id): (&[u8], Uuid) = match subject {
            Subject::LeadershipTeam { unit_id } => (b"leadership_team:", unit_id.uuid()),
            Subject::PrincipalLeader { cadre_id } => (b"principal_leader:", cadre_id.uuid()),
            Subject::TeamMember { cadre_id } => (b"team_member:", cadre_id.uuid()),
            Subject::DisciplineGroup { group_id } => (b"discipline_group:", group_id.uuid()),
        };
        name.push(kind);
        name.push_uuid(id);
        name.push(b"|");
        name.push_int(i64::from(period.year()), 1);
        let index = i64::from(period.index());
        match period.cadence() {
            Cadence::Once => name.push(b"-once"),
            Cadence::Yearly => {}
            Cadence::HalfYearly => {
                name.push(b"-H");
                name.push_int(index, 1);
            }
            Cadence::Quarterly => {
                name.push(b"-Q");
                name.push_int(index, 1);
            }
            Cadence::Monthly => {
                name.push(b"-M");
                name.push_int(index, 2);
            }
        }
        Self(Uuid::new_v5(&OBLIGATION_NAMESPACE, name.as_bytes()))
    }
}

/// The name an obligation id is derived from, on the stack: the longest, a list item's
/// of a principal leader in a monthly period, is 154 bytes.
struct Name {
    bytes: [u8; 192],
    len: usize,
}

impl Default for Name {
    fn default() -> Self {
        Self {
            bytes: [0; 192],
            len: 0,
        }
    }
}

impl Name {
    fn push(&mut self, part: &[u8]) {
        self.bytes[self.len..self.len + part.len()].copy_from_slice(part);
        self.len += part.len();
    }

    /// As `Display` writes a UUID: hyphenated, lower case.
    fn push_uuid(&mut self, id: Uuid) {
        let mut buf = Uuid::encode_buffer();
        self.push(id.hyphenated().encode_lower(&mut buf).as_bytes());
    }

    /// As `Display` writes an integer, with zeros in front up to `width` digits (`{:02}`).
    fn push_int(&mut self, n: i64, width: usize) {
        if n < 0 {
            self.push(b"-");
        }
        let mut digits = [0u8; 20];
        let mut at = digits.len();
        let mut rest = n.unsigned_abs();
        loop {
            at -= 1;
            digits[at] = b'0' + (rest % 10) as u8;
            rest /= 10;
            if rest == 0 && digits.len() - at >= width {
                break;
            }
        }
        self.push(&digits[at..]);
    }

    fn as_bytes(&self) -> &[u8] {
        &self.bytes[..self.len]
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::{CadreId, GroupId, UnitId};
    use proptest::prelude::*;

    fn source() -> impl Strategy<Value = Source> {
        prop_oneof![
            (any::<u128>(), any::<u128>()).prop_map(|(l, i)| Source::ListItem {
                list_id: ListId(Uuid::from_u128(l)),
                item_id: ItemId(Uuid::from_u128(i)),
            }),
            any::<u128>().prop_map(|t| Source::KeyTask {
                task_id: TaskId(Uuid::from_u128(t))
            }),
        ]
    }

    fn subject() -> impl Strategy<Value = Subject> {
        (0..4u8, any::<u128>()).prop_map(|(kind, id)| {
            let id = Uuid::from_u128(id);
            match kind {
                0 => Subject::LeadershipTeam {
                    unit_id: UnitId(id),
                },
                1 => Subject::PrincipalLeader {
                    cadre_id: CadreId(id),
                },
                2 => Subject::TeamMember {
                    cadre_id: CadreId(id),
                },
                _ => Subject::DisciplineGroup {
                    group_id: GroupId(id),
                },
            }
        })
    }

    fn period() -> impl Strategy<Value = Period> {
        let cadences = [
            Cadence::Once,
            Cadence::Yearly,
            Cadence::HalfYearly,
            Cadence::Quarterly,
            Cadence::Monthly,
        ];
        (2000..=2999i32, 0..cadences.len(), 1..=12u8).prop_map(move |(year, c, index)| {
            let cadence = cadences[c];
            let index = (index - 1) % cadence.periods_per_year() + 1;
            Period::new(year, cadence, index).expect("a valid period")
        })
    }

    proptest! {
        /// The id is the UUIDv5 of the name the three `Display`s make, as it always was:
        /// every obligation id in every stored log was derived from that name.
        #[test]
        fn the_id_is_derived_from_the_displayed_name(
            source in source(),
            subject in subject(),
            period in period(),
        ) {
            let name = format!("{source}|{subject}|{period}");
            prop_assert_eq!(
                ObligationId::derive(&source, &subject, &period).uuid(),
                Uuid::new_v5(&OBLIGATION_NAMESPACE, name.as_bytes())
            );
        }
    }

    /// Two ids worked out outside Rust (Python's `uuid.uuid5` of the names written by hand):
    /// the names, not only the code that makes them, are what every stored log holds to.
    #[test]
    fn ids_are_those_of_the_documented_names() {
        let id = |n| Uuid::from_u128(n);
        let monthly = Period::new(2026, Cadence::Monthly, 7).expect("a period");
        let item = Source::ListItem {
            list_id: ListId(id(1)),
            item_id: ItemId(id(2)),
        };
        let leader = Subject::PrincipalLeader {
            cadre_id: CadreId(id(3)),
        };
        assert_eq!(
            ObligationId::derive(&item, &leader, &monthly)
                .uuid()
                .to_string(),
            "f72251fc-afcd-5aeb-aa88-ae6a5029cd9e"
        );
        let once = Period::new(2026, Cadence::Once, 1).expect("a period");
        let task = Source::KeyTask {
            task_id: TaskId(id(1)),
        };
        let group = Subject::DisciplineGroup {
            group_id: GroupId(id(3)),
        };
        assert_eq!(
            ObligationId::derive(&task, &group, &once)
                .uuid()
                .to_string(),
            "085ad773-7c9f-51ce-8790-53562bcbde19"
        );
    }

    #[test]
    fn integers_are_written_as_display_writes_them() {
        for (n, width, shown) in [
            (0, 1, "0"),
            (7, 2, "07"),
            (12, 2, "12"),
            (2026, 1, "2026"),
            (-5, 1, "-5"),
            (123, 2, "123"),
        ] {
            let mut name = Name::default();
            name.push_int(n, width);
            assert_eq!(std::str::from_utf8(name.as_bytes()), Ok(shown), "{n}");
        }
    }
}
