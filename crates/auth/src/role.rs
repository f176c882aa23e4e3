//! The roles of DESIGN.md §2 "Who sees what". Only the data type lives here; what each role
//! may see is decided where reads are served.

use serde::{Deserialize, Serialize};

/// What a user is to the platform. Wire names are snake_case and stable.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// The discipline inspection commission: sees everything.
    Commission,
    /// A stationed discipline group: sees the units it is stationed in.
    DisciplineGroup,
    /// A unit's principal leader: sees the unit's leadership team.
    PrincipalLeader,
    /// A member of a unit's leadership team: sees their own record.
    TeamMember,
    /// A district leader in charge: sees the units they are linked to.
    LeaderInCharge,
    /// An auditor: reads histories.
    Auditor,
    /// A regulator: exports.
    Regulator,
}

impl Role {
    /// Every role, in the order above.
    pub const ALL: [Role; 7] = [
        Role::Commission,
        Role::DisciplineGroup,
        Role::PrincipalLeader,
        Role::TeamMember,
        Role::LeaderInCharge,
        Role::Auditor,
        Role::Regulator,
    ];

    /// The wire name.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Commission => "commission",
            Role::DisciplineGroup => "discipline_group",
            Role::PrincipalLeader => "principal_leader",
            Role::TeamMember => "team_member",
            Role::LeaderInCharge => "leader_in_charge",
            Role::Auditor => "auditor",
            Role::Regulator => "regulator",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wire_names_round_trip() {
        for role in Role::ALL {
            let json = serde_json::to_string(&role).expect("serializes");
            assert_eq!(json, format!("\"{}\"", role.as_str()));
            assert_eq!(
                serde_json::from_str::<Role>(&json).expect("known name"),
                role
            );
        }
        assert!(serde_json::from_str::<Role>("\"DisciplineGroup\"").is_err());
    }
}
