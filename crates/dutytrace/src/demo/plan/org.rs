//! The district's organisation: 52 units, 20 stationed discipline groups (each in 2–3
//! units, all 52 covered), 261 cadres (52 principal leaders, 189 team members, 20 group
//! heads) and 8 district leaders in charge, each linked to 6–7 units.

use super::id;
use crate::demo::names::{self, UNITS};
use domain::cadre::RegisterCadre;
use domain::group::RegisterDisciplineGroup;
use domain::ids::{CadreId, GroupId, LeaderId, UnitId};
use domain::leader::RegisterLeaderInCharge;
use domain::org::{CadreDuty, Subject};
use domain::unit::RegisterUnit;
use rand::Rng;
use rand::seq::SliceRandom;

/// Team members in all (班子成员, besides the principal leaders).
pub const TEAM_MEMBERS: usize = 189;
/// Stationed discipline groups.
pub const GROUPS: usize = 20;
/// Groups stationed in three units; the others are stationed in two.
const GROUPS_OF_THREE: usize = 12;
/// District leaders in charge.
pub const LEADERS: usize = 8;
/// Most team members of one unit.
const MAX_MEMBERS: usize = 5;

/// Who owes obligations, and who records their entries.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Owner {
    pub subject: Subject,
    /// The cadre who records the subject's entries: the cadre, the unit's principal
    /// leader for a leadership team, the head for a discipline group.
    pub actor: CadreId,
    /// Where the work is done, as entries name it (e.g. "区发展和改革局"), one per unit
    /// a discipline group is stationed in.
    pub places: Vec<String>,
}

/// The organisation of the demo district.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct District {
    pub units: Vec<RegisterUnit>,
    pub groups: Vec<RegisterDisciplineGroup>,
    /// Principal leaders (one per unit, in unit order), then group heads (in group order),
    /// then team members (unit by unit), whose direct leader is their principal leader.
    pub cadres: Vec<RegisterCadre>,
    pub leaders: Vec<RegisterLeaderInCharge>,
}

/// A unit's name as its entries write it: without 党组 / 党委 / 党工委.
pub fn place(unit_name: &str) -> String {
    ["党工委", "党组", "党委"]
        .iter()
        .find_map(|suffix| unit_name.strip_suffix(suffix))
        .unwrap_or(unit_name)
        .to_owned()
}

impl District {
    /// Builds the district, drawing names and team sizes from `rng`.
    pub fn build(rng: &mut impl Rng) -> Self {
        let units: Vec<RegisterUnit> = UNITS
            .iter()
            .map(|u| RegisterUnit {
                unit_id: UnitId(id(&format!("unit:{}", u.name))),
                name: u.name.to_owned(),
                kind: u.kind,
            })
            .collect();
        let sizes = team_sizes(rng, units.len());
        let people = names::people(rng, units.len() + GROUPS + TEAM_MEMBERS + LEADERS);
        let mut people = people.into_iter();
        let mut name = || people.next().unwrap_or_default();

        let mut principals = Vec::new();
        for (u, spec) in units.iter().zip(UNITS.iter()) {
            principals.push(RegisterCadre {
                cadre_id: CadreId(id(&format!("principal:{}", u.name))),
                name: name(),
                post: spec.principal_post(),
                duty: CadreDuty::PrincipalLeader { unit_id: u.unit_id },
                direct_leader: None,
            });
        }
        let mut groups = Vec::new();
        let mut heads = Vec::new();
        let mut next_unit = 0;
        for g in 0..GROUPS {
            let size = if g < GROUPS_OF_THREE { 3 } else { 2 };
            let group_name = names::group_name(g);
            let group_id = GroupId(id(&format!("group:{group_name}")));
            groups.push(RegisterDisciplineGroup {
                group_id,
                name: group_name.clone(),
                stationed_in: units[next_unit..next_unit + size]
                    .iter()
                    .map(|u| u.unit_id)
                    .collect(),
            });
            next_unit += size;
            heads.push(RegisterCadre {
                cadre_id: CadreId(id(&format!("head:{group_name}"))),
                name: name(),
                post: names::group_head_post(g),
                duty: CadreDuty::DisciplineGroup { group_id },
                direct_leader: None,
            });
        }
        let mut members = Vec::new();
        for ((u, spec), (principal, size)) in units
            .iter()
            .zip(UNITS.iter())
            .zip(principals.iter().zip(sizes))
        {
            for n in 0..size {
                members.push(RegisterCadre {
                    cadre_id: CadreId(id(&format!("member:{}:{n}", u.name))),
                    name: name(),
                    post: spec.member_post(n),
                    duty: CadreDuty::TeamMember { unit_id: u.unit_id },
                    direct_leader: Some(principal.cadre_id),
                });
            }
        }
        let mut leaders = Vec::new();
        let per_leader = units.len().div_ceil(LEADERS);
        let mut start = 0;
        for l in 0..LEADERS {
            // 7, 7, 7, 7, 6, 6, 6, 6 units for 52 units and 8 leaders.
            let big = units.len() - LEADERS * (per_leader - 1);
            let size = if l < big { per_leader } else { per_leader - 1 };
            let leader_name = name();
            leaders.push(RegisterLeaderInCharge {
                leader_id: LeaderId(id(&format!("leader:{leader_name}"))),
                name: leader_name,
                units: units[start..start + size]
                    .iter()
                    .map(|u| u.unit_id)
                    .collect(),
            });
            start += size;
        }
        let mut cadres = principals;
        cadres.extend(heads);
        cadres.extend(members);
        Self {
            units,
            groups,
            cadres,
            leaders,
        }
    }

    /// Every duty subject with who records for it, in the order the list is assigned:
    /// leadership teams, principal leaders, team members, discipline groups.
    pub fn owners(&self) -> Vec<Owner> {
        let unit_place = |unit_id: UnitId| {
            self.units
                .iter()
                .find(|u| u.unit_id == unit_id)
                .map(|u| place(&u.name))
                .unwrap_or_default()
        };
        let principal_of = |unit_id: UnitId| {
            self.cadres
                .iter()
                .find(|c| c.duty == CadreDuty::PrincipalLeader { unit_id })
                .map(|c| c.cadre_id)
        };
        let mut out = Vec::new();
        for u in &self.units {
            if let Some(actor) = principal_of(u.unit_id) {
                out.push(Owner {
                    subject: Subject::LeadershipTeam { unit_id: u.unit_id },
                    actor,
                    places: vec![place(&u.name)],
                });
            }
        }
        let mut personal = |principal: bool| {
            for c in &self.cadres {
                let (subject, unit_id) = match c.duty {
                    CadreDuty::PrincipalLeader { unit_id } if principal => (
                        Subject::PrincipalLeader {
                            cadre_id: c.cadre_id,
                        },
                        unit_id,
                    ),
                    CadreDuty::TeamMember { unit_id } if !principal => (
                        Subject::TeamMember {
                            cadre_id: c.cadre_id,
                        },
                        unit_id,
                    ),
                    _ => continue,
                };
                out.push(Owner {
                    subject,
                    actor: c.cadre_id,
                    places: vec![unit_place(unit_id)],
                });
            }
        };
        personal(true);
        personal(false);
        for g in &self.groups {
            let head = self.cadres.iter().find(|c| {
                c.duty
                    == CadreDuty::DisciplineGroup {
                        group_id: g.group_id,
                    }
            });
            if let Some(head) = head {
                out.push(Owner {
                    subject: Subject::DisciplineGroup {
                        group_id: g.group_id,
                    },
                    actor: head.cadre_id,
                    places: g.stationed_in.iter().map(|u| unit_place(*u)).collect(),
                });
            }
        }
        out
    }
}

/// Team sizes of `units` units adding up to [`TEAM_MEMBERS`]: three each, and the rest
/// spread at random, at most [`MAX_MEMBERS`] in one unit.
fn team_sizes(rng: &mut impl Rng, units: usize) -> Vec<usize> {
    let mut sizes = vec![3; units];
    let mut extra = TEAM_MEMBERS.saturating_sub(3 * units);
    let mut order: Vec<usize> = (0..units).collect();
    while extra > 0 {
        order.shuffle(rng);
        for &u in &order {
            if extra == 0 {
                break;
            }
            if sizes[u] < MAX_MEMBERS && rng.random_bool(0.5) {
                sizes[u] += 1;
                extra -= 1;
            }
        }
    }
    sizes
}
