//! Units, discipline groups (and where they are stationed) and cadres, as versions.

use super::Applied;
use crate::codec::{duty, unit_kind};
use crate::sql;
use domain::events::{
    CadreRegistered, CadreTransferred, DisciplineGroupRegistered, UnitRegistered,
};
use domain::ids::{CadreId, GroupId, UnitId};
use domain::org::CadreDuty;
use rusqlite::{OptionalExtension, Transaction, params};

pub(crate) fn unit_registered(tx: &Transaction<'_>, e: &UnitRegistered, at: i64) -> Applied {
    tx.prepare_cached(sql::INSERT_UNIT)?.execute(params![
        e.unit_id.to_string(),
        e.name,
        unit_kind(e.kind),
        at
    ])?;
    Ok(())
}

pub(crate) fn group_registered(
    tx: &Transaction<'_>,
    e: &DisciplineGroupRegistered,
    at: i64,
) -> Applied {
    let added = tx.prepare_cached(sql::INSERT_GROUP)?.execute(params![
        e.group_id.to_string(),
        e.name,
        at
    ])?;
    if added == 1 {
        stationing_changed(tx, e.group_id, &e.stationed_in, at)?;
    }
    Ok(())
}

/// The group's units from `at` on: the old set ends, the new one begins.
pub(crate) fn stationing_changed(
    tx: &Transaction<'_>,
    group_id: GroupId,
    units: &[UnitId],
    at: i64,
) -> Applied {
    let group = group_id.to_string();
    tx.prepare_cached(sql::CLOSE_STATIONING)?
        .execute(params![group, at])?;
    tx.prepare_cached(sql::DROP_EMPTY_STATIONING)?
        .execute(params![group])?;
    let mut open = tx.prepare_cached(sql::OPEN_STATIONING)?;
    let mut seen = std::collections::BTreeSet::new();
    for unit in units.iter().filter(|u| seen.insert(**u)) {
        open.execute(params![group, unit.to_string(), at])?;
    }
    Ok(())
}

pub(crate) fn cadre_registered(tx: &Transaction<'_>, e: &CadreRegistered, at: i64) -> Applied {
    if current(tx, e.cadre_id)?.is_some() {
        return Ok(()); // registered already: the first registration stands
    }
    open(
        tx,
        e.cadre_id,
        &e.name,
        &e.post,
        &e.duty,
        e.direct_leader,
        at,
    )
}

/// Closes the cadre's current version and opens the next, under the new owner.
pub(crate) fn cadre_transferred(tx: &Transaction<'_>, e: &CadreTransferred, at: i64) -> Applied {
    let Some((version, name, from)) = current(tx, e.cadre_id)? else {
        // Never registered here: there is no one to move.
        return Ok(());
    };
    if from == at {
        tx.prepare_cached(sql::DROP_CADRE_VERSION)?
            .execute([version])?;
    } else {
        tx.prepare_cached(sql::CLOSE_CADRE)?
            .execute(params![version, at])?;
    }
    open(tx, e.cadre_id, &name, &e.post, &e.duty, e.direct_leader, at)
}

fn current(tx: &Transaction<'_>, cadre: CadreId) -> rusqlite::Result<Option<(i64, String, i64)>> {
    tx.prepare_cached(sql::CURRENT_CADRE)?
        .query_row([cadre.to_string()], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?))
        })
        .optional()
}

fn open(
    tx: &Transaction<'_>,
    cadre: CadreId,
    name: &str,
    post: &str,
    d: &CadreDuty,
    direct_leader: Option<CadreId>,
    at: i64,
) -> Applied {
    let (duty, owner_kind, owner_id) = duty(d);
    tx.prepare_cached(sql::OPEN_CADRE)?.execute(params![
        cadre.to_string(),
        name,
        post,
        duty,
        owner_kind,
        owner_id,
        direct_leader.map(|c| c.to_string()),
        at
    ])?;
    Ok(())
}
