//! The organisation: units, discipline groups, cadres, district leaders in charge, and the
//! four kinds of duty subject (履责对象).

use crate::ids::{CadreId, GroupId, UnitId};
use serde::{Deserialize, Serialize};
use std::fmt;

/// The kind of a unit.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum UnitKind {
    /// 党委
    PartyCommittee,
    /// 党工委
    WorkingCommittee,
    /// 党组
    PartyGroup,
}

impl UnitKind {
    pub fn label_zh(self) -> &'static str {
        match self {
            Self::PartyCommittee => "党委",
            Self::WorkingCommittee => "党工委",
            Self::PartyGroup => "党组",
        }
    }
}

/// Which of the two responsibilities a duty item belongs to.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Responsibility {
    /// 主体责任 — the Party committee's principal responsibility.
    Principal,
    /// 监督责任 — the discipline commission's supervisory responsibility.
    Supervisory,
}

/// The four kinds of duty subject (履责对象).
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SubjectKind {
    /// 领导班子 — the unit's leadership team as a body.
    LeadershipTeam,
    /// 主要负责人 — the principal leader, first responsible person.
    PrincipalLeader,
    /// 班子成员 — the other team members, "one post, two duties" (一岗双责).
    TeamMember,
    /// 纪检组 — the stationed discipline inspection group (the supervisory side).
    DisciplineGroup,
}

impl SubjectKind {
    pub const ALL: [SubjectKind; 4] = [
        SubjectKind::LeadershipTeam,
        SubjectKind::PrincipalLeader,
        SubjectKind::TeamMember,
        SubjectKind::DisciplineGroup,
    ];

    pub fn label_zh(self) -> &'static str {
        match self {
            Self::LeadershipTeam => "领导班子",
            Self::PrincipalLeader => "主要负责人",
            Self::TeamMember => "班子成员",
            Self::DisciplineGroup => "纪检组",
        }
    }
}

/// One duty subject: who an obligation is owed by.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum Subject {
    LeadershipTeam { unit_id: UnitId },
    PrincipalLeader { cadre_id: CadreId },
    TeamMember { cadre_id: CadreId },
    DisciplineGroup { group_id: GroupId },
}

impl Subject {
    pub fn kind(&self) -> SubjectKind {
        match self {
            Self::LeadershipTeam { .. } => SubjectKind::LeadershipTeam,
            Self::PrincipalLeader { .. } => SubjectKind::PrincipalLeader,
            Self::TeamMember { .. } => SubjectKind::TeamMember,
            Self::DisciplineGroup { .. } => SubjectKind::DisciplineGroup,
        }
    }

    /// The cadre, for a personal subject.
    pub fn cadre(&self) -> Option<CadreId> {
        match self {
            Self::PrincipalLeader { cadre_id } | Self::TeamMember { cadre_id } => Some(*cadre_id),
            _ => None,
        }
    }
}

impl fmt::Display for Subject {
    /// A stable key: `leadership_team:<unit>`, `principal_leader:<cadre>`, …
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::LeadershipTeam { unit_id } => write!(f, "leadership_team:{unit_id}"),
            Self::PrincipalLeader { cadre_id } => write!(f, "principal_leader:{cadre_id}"),
            Self::TeamMember { cadre_id } => write!(f, "team_member:{cadre_id}"),
            Self::DisciplineGroup { group_id } => write!(f, "discipline_group:{group_id}"),
        }
    }
}

/// What a cadre is on the duty side: a principal leader or team member of a unit, or a
/// member of a discipline group (who records the group's entries).
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum CadreDuty {
    PrincipalLeader { unit_id: UnitId },
    TeamMember { unit_id: UnitId },
    DisciplineGroup { group_id: GroupId },
}

impl CadreDuty {
    /// The personal subject of the cadre, if the role is a personal one.
    pub fn subject(&self, cadre_id: CadreId) -> Option<Subject> {
        match *self {
            Self::PrincipalLeader { .. } => Some(Subject::PrincipalLeader { cadre_id }),
            Self::TeamMember { .. } => Some(Subject::TeamMember { cadre_id }),
            Self::DisciplineGroup { .. } => None,
        }
    }
}
