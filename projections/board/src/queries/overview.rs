//! The district board: per unit and per discipline group, how many of its obligations are
//! in each light.

use crate::codec::{OWNER_CADRE, OWNER_GROUP, OWNER_UNIT, micros, parse, parse_unit_kind};
use crate::sql;
use chrono::Datelike;
use chrono::{DateTime, Utc};
use domain::ids::{GroupId, UnitId};
use domain::light::{self, EntryFact, Light};
use domain::org::UnitKind;
use rusqlite::{Connection, OptionalExtension};
use serde::Serialize;
use std::collections::HashMap;

/// How many obligations are in each light.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct LightCounts {
    pub green: u32,
    pub yellow: u32,
    pub red: u32,
    pub orange: u32,
    pub pending: u32,
}

impl LightCounts {
    /// Adds `n` obligations in `light`.
    pub fn add(&mut self, light: Light, n: u32) {
        *match light {
            Light::Green => &mut self.green,
            Light::Yellow => &mut self.yellow,
            Light::Red => &mut self.red,
            Light::Orange => &mut self.orange,
            Light::Pending => &mut self.pending,
        } += n;
    }

    /// The count in `light`.
    pub fn get(&self, light: Light) -> u32 {
        match light {
            Light::Green => self.green,
            Light::Yellow => self.yellow,
            Light::Red => self.red,
            Light::Orange => self.orange,
            Light::Pending => self.pending,
        }
    }

    /// Every obligation counted.
    pub fn total(&self) -> u32 {
        Light::ALL.iter().map(|l| self.get(*l)).sum()
    }
}

/// Whose row of the board it is.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case", tag = "owner_kind")]
pub enum Owner {
    Unit { unit_id: UnitId },
    DisciplineGroup { group_id: GroupId },
}

/// What kind of owner: a unit's kind, or a discipline group.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum OwnerKind {
    PartyCommittee,
    WorkingCommittee,
    PartyGroup,
    DisciplineGroup,
}

impl From<UnitKind> for OwnerKind {
    fn from(k: UnitKind) -> Self {
        match k {
            UnitKind::PartyCommittee => Self::PartyCommittee,
            UnitKind::WorkingCommittee => Self::WorkingCommittee,
            UnitKind::PartyGroup => Self::PartyGroup,
        }
    }
}

impl OwnerKind {
    pub fn label_zh(self) -> &'static str {
        match self {
            Self::PartyCommittee => UnitKind::PartyCommittee.label_zh(),
            Self::WorkingCommittee => UnitKind::WorkingCommittee.label_zh(),
            Self::PartyGroup => UnitKind::PartyGroup.label_zh(),
            Self::DisciplineGroup => "派驻纪检组",
        }
    }
}

/// One row of the board: a unit (its team's, its principal leader's and its team members'
/// obligations) or a discipline group.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OwnerLights {
    #[serde(flatten)]
    pub owner: Owner,
    pub name: String,
    pub kind: OwnerKind,
    #[serde(flatten)]
    pub lights: LightCounts,
}

/// The board as of `as_of`: every unit, then every discipline group, known by then (by
/// name), with the lights of the obligations it owns then. Personal obligations are
/// counted under the unit (or group) the cadre belonged to at `as_of`.
pub fn district_overview(
    conn: &Connection,
    as_of: DateTime<Utc>,
) -> rusqlite::Result<Vec<OwnerLights>> {
    let t = micros(as_of);
    // Where each subject's obligations are counted at as_of: its unit or group, or for a
    // personal subject the cadre's unit (or group) then. Slots index `owners`.
    let mut cadres: HashMap<String, (String, String)> = HashMap::new();
    let mut stmt = conn.prepare_cached(sql::CADRE_OWNERS)?;
    let mut rows = stmt.query([t])?;
    while let Some(r) = rows.next()? {
        cadres.insert(r.get(0)?, (r.get(1)?, r.get(2)?));
    }
    let mut owners: Vec<(String, String)> = Vec::new();
    let mut slots: HashMap<(String, String), usize> = HashMap::new();
    let mut slot_of: HashMap<i64, usize> = HashMap::new();
    let mut stmt = conn.prepare_cached(sql::SUBJECTS)?;
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        let (key, id, kind): (i64, String, String) = (r.get(0)?, r.get(1)?, r.get(2)?);
        let owner = if kind == OWNER_CADRE {
            match cadres.get(&id) {
                Some(o) => o.clone(),
                None => continue, // a cadre not known at as_of belongs to no one yet
            }
        } else {
            (kind, id)
        };
        let next = owners.len();
        let slot = *slots.entry(owner.clone()).or_insert(next);
        if slot == next {
            owners.push(owner);
        }
        slot_of.insert(key, slot);
    }
    let mut lights = vec![[0i64; 5]; owners.len()];
    let index = |l: Light| Light::ALL.iter().position(|x| *x == l).unwrap_or(0);

    // Every obligation as if it had no entries: its light depends on its deadline alone.
    let bands = Bands::at(as_of);
    let mut stmt = conn.prepare_cached(sql::OBLIGATION_COUNTS)?;
    let mut rows = stmt.query(rusqlite::params![t, bands.second_from, bands.third_from])?;
    while let Some(r) = rows.next()? {
        let Some(&slot) = slot_of.get(&r.get::<_, i64>(0)?) else {
            continue;
        };
        for (band, light) in bands.lights.iter().enumerate() {
            lights[slot][index(*light)] += r.get::<_, Option<i64>>(band + 1)?.unwrap_or(0);
        }
    }
    // Then those with entries counting at as_of move to the light their entries give.
    let mut stmt = conn.prepare_cached(sql::OBLIGATIONS_WITH_ENTRIES)?;
    let mut rows = stmt.query([t])?;
    while let Some(r) = rows.next()? {
        let Some(&slot) = slot_of.get(&r.get::<_, i64>(0)?) else {
            continue;
        };
        let deadline = day(1, r.get(1)?)?;
        let required: u32 = r.get(2)?;
        let without = status_of(deadline, required, 0, 0, as_of);
        let with = status_of(deadline, required, r.get(3)?, r.get(4)?, as_of);
        if with != without {
            lights[slot][index(without)] -= 1;
            lights[slot][index(with)] += 1;
        }
    }
    let mut lights: HashMap<(String, String), LightCounts> = owners
        .into_iter()
        .zip(lights)
        .map(|(owner, n)| {
            let mut c = LightCounts::default();
            for (l, n) in Light::ALL.iter().zip(n) {
                c.add(*l, u32::try_from(n).unwrap_or(0));
            }
            (owner, c)
        })
        .collect();
    let mut take = |kind: &str, id: &str| {
        lights
            .remove(&(kind.to_owned(), id.to_owned()))
            .unwrap_or_default()
    };

    let mut units = Vec::new();
    let mut stmt = conn.prepare_cached(sql::UNITS_AT)?;
    let mut rows = stmt.query([t])?;
    while let Some(r) = rows.next()? {
        let id: String = r.get(0)?;
        units.push(OwnerLights {
            owner: Owner::Unit {
                unit_id: parse(0, &id)?,
            },
            name: r.get(1)?,
            kind: parse_unit_kind(2, r.get_ref(2)?.as_str()?)?.into(),
            lights: take(OWNER_UNIT, &id),
        });
    }
    let mut groups = Vec::new();
    let mut stmt = conn.prepare_cached(sql::GROUPS_AT)?;
    let mut rows = stmt.query([t])?;
    while let Some(r) = rows.next()? {
        let id: String = r.get(0)?;
        groups.push(OwnerLights {
            owner: Owner::DisciplineGroup {
                group_id: parse(0, &id)?,
            },
            name: r.get(1)?,
            kind: OwnerKind::DisciplineGroup,
            lights: take(OWNER_GROUP, &id),
        });
    }
    let by_name =
        |a: &OwnerLights, b: &OwnerLights| a.name.cmp(&b.name).then(a.owner.cmp(&b.owner));
    units.sort_by(by_name);
    groups.sort_by(by_name);
    units.extend(groups);
    Ok(units)
}

/// Where an obligation's deadline falls decides its light while it has no entries (red
/// before, yellow within the reminder window, pending after). The bands' edges are found
/// by asking [`light::status`] itself, so the rule stays in the domain.
struct Bands {
    /// First deadline day (days from CE) of the second band, and of the third.
    second_from: i32,
    third_from: i32,
    /// The lights of the three bands and of obligations needing no entry.
    lights: [Light; 4],
}

impl Bands {
    fn at(as_of: DateTime<Utc>) -> Self {
        let today = domain::calendar::local_date(as_of);
        let light_of = |offset: i64| {
            let deadline = today + chrono::TimeDelta::days(offset);
            (deadline, status_of(deadline, 1, 0, 0, as_of))
        };
        // The window covers the reminder period with a margin on both sides.
        let window = (-2..light::YELLOW_DAYS + 3)
            .map(light_of)
            .collect::<Vec<_>>();
        let first = window[0].1;
        let last = window[window.len() - 1].1;
        let second = window.iter().find(|(_, l)| *l != first);
        let third = window
            .iter()
            .find(|(_, l)| *l == last)
            .map_or(today, |(d, _)| *d);
        let (second_from, middle) = second.map_or((third, last), |(d, l)| (*d, *l));
        Self {
            second_from: second_from.num_days_from_ce(),
            third_from: third.num_days_from_ce(),
            lights: [first, middle, last, status_of(today, 0, 0, 0, as_of)],
        }
    }
}

/// The light of an obligation with `counting` entries counting at `as_of`, `on_time` of
/// them on time. The light depends on nothing else of the entries, so these stand in for
/// them.
fn status_of(
    deadline: chrono::NaiveDate,
    required: u32,
    on_time: u32,
    counting: u32,
    as_of: DateTime<Utc>,
) -> Light {
    // Past the required count, more entries change nothing.
    let (counting, on_time) = (counting.min(required), on_time.min(required));
    let facts: Vec<EntryFact> = (0..counting)
        .map(|i| EntryFact {
            recorded_at: as_of,
            backfill: i >= on_time,
            withdrawn_at: None,
        })
        .collect();
    light::status(deadline, required, &facts, as_of).light
}

/// A deadline stored as days from CE.
fn day(column: usize, days: i32) -> rusqlite::Result<chrono::NaiveDate> {
    chrono::NaiveDate::from_num_days_from_ce_opt(days).ok_or(
        rusqlite::Error::IntegralValueOutOfRange(column, i64::from(days)),
    )
}

/// The units a discipline group was stationed in at `as_of`, or `None` if the group was
/// not known then.
pub fn group_units(
    conn: &Connection,
    group_id: GroupId,
    as_of: DateTime<Utc>,
) -> rusqlite::Result<Option<Vec<UnitId>>> {
    let (t, id) = (micros(as_of), group_id.to_string());
    let known = conn
        .prepare_cached(sql::GROUP_KNOWN)?
        .query_row(rusqlite::params![t, id], |_| Ok(()))
        .optional()?;
    if known.is_none() {
        return Ok(None);
    }
    conn.prepare_cached(sql::STATIONED_UNITS)?
        .query_map(rusqlite::params![t, id], |r| {
            parse(0, r.get_ref(0)?.as_str()?)
        })?
        .collect::<rusqlite::Result<_>>()
        .map(Some)
}
