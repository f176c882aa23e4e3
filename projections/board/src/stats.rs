//! Statistics of the board (统计分析): lights per unit and month, completion rates per unit,
//! and the red lights that count against a unit in the year-end assessment (扣分).
//!
//! Every query is as of an instant, like the rest of the board: only the facts recorded by
//! `as_of` count, and each obligation's light is [`domain::light::status`] evaluated at
//! `as_of`. An obligation is counted under a unit when it is the unit's leadership team's,
//! or the personal obligation of a cadre who belonged to the unit at `as_of` (as
//! [`crate::district_overview`] counts it). Discipline groups' obligations, and those of
//! cadres serving in a group, belong to no unit and are not counted here. Deadlines are
//! local (Asia/Shanghai) dates, so "the month of a deadline" is its local month.

use crate::LightCounts;
use crate::codec::{OWNER_CADRE, OWNER_UNIT, instant, micros, parse};
use crate::sql;
use chrono::{DateTime, Datelike, NaiveDate, Utc};
use domain::calendar::end_of_day;
use domain::ids::{CadreId, UnitId};
use domain::light::{self, EntryFact, Light};
use rusqlite::Connection;
use serde::Serialize;
use std::collections::{BTreeMap, HashMap};

/// One unit's obligations with a deadline in one month, by light.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct UnitMonthLights {
    pub unit_id: UnitId,
    pub unit_name: String,
    /// 1–12: the local month the deadlines fall in.
    pub month: u32,
    pub green: u32,
    pub yellow: u32,
    pub red: u32,
    pub orange: u32,
    pub pending: u32,
}

/// How one unit did on the obligations that had fallen due.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct UnitCompletion {
    pub unit_id: UnitId,
    pub unit_name: String,
    /// Obligations whose deadline day was over at `as_of` (= green + orange + red).
    pub due: u32,
    /// Completed on time (green).
    pub green: u32,
    /// Completed late, by backfills (orange).
    pub orange: u32,
    /// Not completed (red).
    pub red: u32,
    /// (green + orange) / due; 0 when nothing was due.
    pub rate: f64,
    /// green / due; 0 when nothing was due.
    pub on_time_rate: f64,
}

/// For each unit known at `as_of` (by name) and each month of `year`, how many of its
/// obligations with a deadline in that month are in each light at `as_of`. Months in which
/// a unit has no such obligation are left out.
pub fn lights_by_unit_month(
    conn: &Connection,
    year: i32,
    as_of: DateTime<Utc>,
) -> rusqlite::Result<Vec<UnitMonthLights>> {
    let (Some(from), Some(to)) = (
        NaiveDate::from_ymd_opt(year, 1, 1),
        NaiveDate::from_ymd_opt(year, 12, 31),
    ) else {
        return Ok(Vec::new());
    };
    let units = Units::at(conn, as_of)?;
    let mut cells: BTreeMap<(usize, u32), LightCounts> = BTreeMap::new();
    each_obligation(
        conn,
        &units.slot_of,
        from,
        to,
        as_of,
        |slot, deadline, light| {
            cells
                .entry((slot, deadline.month()))
                .or_default()
                .add(light, 1);
        },
    )?;
    // Slots are in the units' order, so the map's order is the answer's.
    Ok(cells
        .into_iter()
        .filter(|(_, c)| c.total() > 0)
        .map(|((slot, month), c)| {
            let (unit_id, unit_name) = units.list[slot].clone();
            UnitMonthLights {
                unit_id,
                unit_name,
                month,
                green: c.green,
                yellow: c.yellow,
                red: c.red,
                orange: c.orange,
                pending: c.pending,
            }
        })
        .collect())
}

/// For each unit known at `as_of` (by name, every one of them), its obligations with a
/// deadline in `from..=to` that had fallen due by `as_of` — the deadline day over, so the
/// light is final: green, orange or red — with how many were completed on time, late, or
/// not at all. An obligation whose deadline is the day of `as_of` is not yet due: it may
/// still be completed on time.
pub fn completion_by_unit(
    conn: &Connection,
    from: NaiveDate,
    to: NaiveDate,
    as_of: DateTime<Utc>,
) -> rusqlite::Result<Vec<UnitCompletion>> {
    let units = Units::at(conn, as_of)?;
    let mut tally = vec![LightCounts::default(); units.list.len()];
    each_obligation(
        conn,
        &units.slot_of,
        from,
        to,
        as_of,
        |slot, deadline, light| {
            if as_of > end_of_day(deadline) {
                tally[slot].add(light, 1);
            }
        },
    )?;
    Ok(units
        .list
        .into_iter()
        .zip(tally)
        .map(|((unit_id, unit_name), c)| {
            let due = c.green + c.orange + c.red;
            let share = |n: u32| {
                if due == 0 {
                    0.0
                } else {
                    f64::from(n) / f64::from(due)
                }
            };
            UnitCompletion {
                unit_id,
                unit_name,
                due,
                green: c.green,
                orange: c.orange,
                red: c.red,
                rate: share(c.green + c.orange),
                on_time_rate: share(c.green),
            }
        })
        .collect())
}

/// For the annual assessment: per unit, how many of its obligations with a deadline in
/// `from..=to` went red — red at `as_of`, or orange (red, then made up by late backfills,
/// which still counts against the unit). Units with none are left out; ordered by unit id.
pub fn red_lights_by_unit(
    conn: &Connection,
    from: NaiveDate,
    to: NaiveDate,
    as_of: DateTime<Utc>,
) -> rusqlite::Result<Vec<(UnitId, u32)>> {
    let units = Units::at(conn, as_of)?;
    let mut reds = vec![0u32; units.list.len()];
    each_obligation(conn, &units.slot_of, from, to, as_of, |slot, _, light| {
        if matches!(light, Light::Red | Light::Orange) {
            reds[slot] += 1;
        }
    })?;
    let mut out: Vec<(UnitId, u32)> = units
        .list
        .into_iter()
        .zip(reds)
        .filter(|(_, n)| *n > 0)
        .map(|((unit, _), n)| (unit, n))
        .collect();
    out.sort_by_key(|(unit, _)| *unit);
    Ok(out)
}

/// Per cadre, how many of their personal obligations (as principal leader or team
/// member) with a deadline in `from..=to` went red — red at `as_of`, or orange — for the
/// proposals of graded accountability. Cadres with none are left out; ordered by cadre id.
pub fn red_lights_by_cadre(
    conn: &Connection,
    from: NaiveDate,
    to: NaiveDate,
    as_of: DateTime<Utc>,
) -> rusqlite::Result<Vec<(CadreId, u32)>> {
    let mut ids: Vec<CadreId> = Vec::new();
    let mut slot_of = HashMap::new();
    let mut stmt = conn.prepare_cached(sql::SUBJECTS)?;
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        let (key, id, kind): (i64, String, String) = (r.get(0)?, r.get(1)?, r.get(2)?);
        if kind == OWNER_CADRE {
            ids.push(parse(1, &id)?);
            slot_of.insert(key, ids.len() - 1);
        }
    }
    let mut reds = vec![0u32; ids.len()];
    each_obligation(conn, &slot_of, from, to, as_of, |slot, _, light| {
        if matches!(light, Light::Red | Light::Orange) {
            reds[slot] += 1;
        }
    })?;
    let mut out: BTreeMap<CadreId, u32> = BTreeMap::new();
    for (cadre, n) in ids.into_iter().zip(reds) {
        if n > 0 {
            *out.entry(cadre).or_default() += n;
        }
    }
    Ok(out.into_iter().collect())
}

/// The units known at an instant, by name, and the unit (its slot in `list`) each
/// subject's obligations are counted under then.
struct Units {
    list: Vec<(UnitId, String)>,
    slot_of: HashMap<i64, usize>,
}

impl Units {
    fn at(conn: &Connection, as_of: DateTime<Utc>) -> rusqlite::Result<Self> {
        let t = micros(as_of);
        let mut named: Vec<(String, UnitId, String)> = Vec::new();
        let mut stmt = conn.prepare_cached(sql::UNITS_AT)?;
        let mut rows = stmt.query([t])?;
        while let Some(r) = rows.next()? {
            let id: String = r.get(0)?;
            named.push((r.get(1)?, parse(0, &id)?, id));
        }
        named.sort_by(|a, b| (&a.0, a.1).cmp(&(&b.0, b.1)));
        let index: HashMap<String, usize> = named
            .iter()
            .enumerate()
            .map(|(i, (_, _, id))| (id.clone(), i))
            .collect();
        // A cadre's personal obligations count under the unit they belonged to at as_of.
        let mut cadre_unit: HashMap<String, String> = HashMap::new();
        let mut stmt = conn.prepare_cached(sql::CADRE_OWNERS)?;
        let mut rows = stmt.query([t])?;
        while let Some(r) = rows.next()? {
            let (cadre, kind, owner): (String, String, String) = (r.get(0)?, r.get(1)?, r.get(2)?);
            if kind == OWNER_UNIT {
                cadre_unit.insert(cadre, owner);
            }
        }
        let mut slot_of = HashMap::new();
        let mut stmt = conn.prepare_cached(sql::SUBJECTS)?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            let (key, id, kind): (i64, String, String) = (r.get(0)?, r.get(1)?, r.get(2)?);
            let unit = match kind.as_str() {
                OWNER_UNIT => Some(&id),
                OWNER_CADRE => cadre_unit.get(&id),
                _ => None,
            };
            if let Some(&slot) = unit.and_then(|u| index.get(u)) {
                slot_of.insert(key, slot);
            }
        }
        Ok(Self {
            list: named.into_iter().map(|(name, id, _)| (id, name)).collect(),
            slot_of,
        })
    }
}

/// Calls `f(unit slot, deadline, light at as_of)` for every obligation visible at `as_of`
/// with a deadline in `from..=to` that is counted under a unit then.
fn each_obligation(
    conn: &Connection,
    slot_of: &HashMap<i64, usize>,
    from: NaiveDate,
    to: NaiveDate,
    as_of: DateTime<Utc>,
    mut f: impl FnMut(usize, NaiveDate, Light),
) -> rusqlite::Result<()> {
    // One obligation's rows, gathered until the next one starts.
    struct Current {
        key: i64,
        slot: Option<usize>,
        deadline: NaiveDate,
        required: u32,
        facts: Vec<EntryFact>,
    }
    let mut finish = |c: &Current| {
        if let Some(slot) = c.slot {
            f(
                slot,
                c.deadline,
                light::status(c.deadline, c.required, &c.facts, as_of).light,
            );
        }
    };
    let mut stmt = conn.prepare_cached(sql::STATS_OBLIGATIONS)?;
    let mut rows = stmt.query(rusqlite::params![
        micros(as_of),
        from.num_days_from_ce(),
        to.num_days_from_ce()
    ])?;
    let mut current: Option<Current> = None;
    while let Some(r) = rows.next()? {
        let key: i64 = r.get(0)?;
        if current.as_ref().is_none_or(|c| c.key != key) {
            if let Some(c) = &current {
                finish(c);
            }
            let days: i32 = r.get(2)?;
            current = Some(Current {
                key,
                slot: slot_of.get(&r.get::<_, i64>(1)?).copied(),
                deadline: NaiveDate::from_num_days_from_ce_opt(days)
                    .ok_or(rusqlite::Error::IntegralValueOutOfRange(2, i64::from(days)))?,
                required: r.get(3)?,
                facts: Vec::new(),
            });
        }
        if let (Some(c), Some(recorded_at)) = (current.as_mut(), r.get::<_, Option<i64>>(4)?) {
            c.facts.push(EntryFact {
                recorded_at: instant(4, recorded_at)?,
                backfill: r.get::<_, i64>(5)? != 0,
                withdrawn_at: r
                    .get::<_, Option<i64>>(6)?
                    .map(|w| instant(6, w))
                    .transpose()?,
            });
        }
    }
    if let Some(c) = &current {
        finish(c);
    }
    Ok(())
}
