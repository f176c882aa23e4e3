//! Obligations as versions: a list's assignment opens them, a revision closes what changed
//! or went and opens what is new, a key task opens one. An obligation's id depends only on
//! (source, subject, period), so an obligation a revision leaves as it was keeps its
//! version, and its entries, untouched.

use super::keys::{self, Items};
use super::{Applied, Failure};
use crate::codec;
use crate::sql;
use chrono::Datelike;
use domain::calendar::{Cadence, Period};
use domain::events::{
    KeyTaskSet, ResponsibilityListAssigned, ResponsibilityListPublished, ResponsibilityListRevised,
};
use domain::ids::{ListId, ObligationId};
use domain::obligation::{DutyItem, Obligation, Source, derive_obligations};
use domain::org::Subject;
use rusqlite::{OptionalExtension, Row, Transaction, params};
use std::collections::HashMap;

pub(crate) fn list_published(
    tx: &Transaction<'_>,
    e: &ResponsibilityListPublished,
    at: i64,
) -> Applied {
    let added = tx.prepare_cached(sql::INSERT_LIST)?.execute(params![
        e.list_id.to_string(),
        e.year,
        e.title,
        items_json(&e.items)?,
        at
    ])?;
    if added == 1 {
        // Subjects assigned before the list was published (not normally possible) get
        // their obligations now.
        let subjects = list_subjects(tx, e.list_id)?;
        let list_id = e.list_id.to_string();
        sync(
            tx,
            &list_id,
            derive_obligations(e.list_id, e.year, &e.items, &subjects),
            at,
        )?;
    }
    Ok(())
}

/// Opens the obligations of the subjects newly assigned, from the list's current items.
pub(crate) fn list_assigned(
    tx: &Transaction<'_>,
    e: &ResponsibilityListAssigned,
    at: i64,
) -> Applied {
    let list_id = e.list_id.to_string();
    let mut new = Vec::new();
    let mut assign = tx.prepare_cached(sql::INSERT_LIST_SUBJECT)?;
    for s in &e.subjects {
        let (kind, id, _) = codec::subject(s);
        if assign.execute(params![list_id, kind, id, at])? == 1 {
            new.push(*s);
        }
    }
    drop(assign);
    if new.is_empty() {
        return Ok(());
    }
    let Some((year, items)) = list(tx, e.list_id)? else {
        return Ok(()); // derived when the list is published
    };
    // A subject new to the list has none of its obligations yet (their ids derive from
    // the list, the item, the subject and the period): nothing to look up or replace.
    let mut keys = Items::of_source(tx, &list_id)?;
    for o in derive_obligations(e.list_id, year, &items, &new) {
        insert(tx, &mut keys, &o, at, Fresh::Yes)?;
    }
    Ok(())
}

/// The list's obligations from `at` on are those its new items impose on its subjects.
pub(crate) fn list_revised(
    tx: &Transaction<'_>,
    e: &ResponsibilityListRevised,
    at: i64,
) -> Applied {
    let list_id = e.list_id.to_string();
    let revised = tx.prepare_cached(sql::REVISE_LIST)?.execute(params![
        list_id,
        e.revision,
        items_json(&e.items)?,
        at
    ])?;
    let Some((year, items)) = list_if(revised == 1, tx, e.list_id)? else {
        return Ok(()); // a list never published here
    };
    let subjects = list_subjects(tx, e.list_id)?;
    sync(
        tx,
        &list_id,
        derive_obligations(e.list_id, year, &items, &subjects),
        at,
    )
}

/// A key task is one obligation of its subject, due on its deadline; setting it again
/// replaces it from `at` on.
pub(crate) fn key_task_set(tx: &Transaction<'_>, e: &KeyTaskSet, at: i64) -> Applied {
    let period = Period::new(e.year, Cadence::Once, 1).map_err(|p| Failure::Event(p.0))?;
    let source = Source::KeyTask { task_id: e.task_id };
    let obligation = Obligation {
        obligation_id: ObligationId::derive(&source, &e.subject, &period),
        source,
        subject: e.subject,
        period,
        deadline: e.deadline,
        required_count: 1,
        responsibility: domain::org::Responsibility::Principal,
        category: "年度重点工作任务".to_owned(),
        content: e.target.clone(),
    };
    sync(tx, &e.task_id.to_string(), vec![obligation], at)
}

/// An open version's facts that a re-derivation may change.
struct Open {
    version: i64,
    obligation_id: String,
    deadline_day: i64,
    required_count: i64,
    item_key: i64,
    valid_from: i64,
}

impl Open {
    fn read(r: &Row<'_>) -> rusqlite::Result<Self> {
        Ok(Self {
            version: r.get(0)?,
            obligation_id: r.get(1)?,
            deadline_day: r.get(2)?,
            required_count: r.get(3)?,
            item_key: r.get(4)?,
            valid_from: r.get(5)?,
        })
    }

    /// Whether `o`, whose item is `item_key`, is what this version says.
    fn same_as(&self, o: &Obligation, item_key: i64) -> bool {
        self.deadline_day == i64::from(o.deadline.num_days_from_ce())
            && self.required_count == i64::from(o.required_count)
            && self.item_key == item_key
    }
}

/// Makes the open versions of `source_id`'s obligations those of `desired`, from `at` on.
fn sync(tx: &Transaction<'_>, source_id: &str, desired: Vec<Obligation>, at: i64) -> Applied {
    let mut open: HashMap<String, Open> = tx
        .prepare_cached(sql::OPEN_OBLIGATIONS_OF_SOURCE)?
        .query_map([source_id], Open::read)?
        .map(|r| r.map(|o| (o.obligation_id.clone(), o)))
        .collect::<rusqlite::Result<_>>()?;
    let mut keys = Items::of_source(tx, source_id)?;
    for o in &desired {
        let item_key = keys.item(tx, o)?;
        match open.remove(&o.obligation_id.to_string()) {
            Some(v) if v.same_as(o, item_key) => {}
            Some(v) => {
                end(tx, &v, at)?;
                insert(tx, &mut keys, o, at, Fresh::No)?;
            }
            None => insert(tx, &mut keys, o, at, Fresh::No)?,
        }
    }
    // Obligations whose item was removed (or whose key task moved) simply end.
    for v in open.values() {
        end(tx, v, at)?;
    }
    Ok(())
}

/// Ends a version at `at`. One opened at that very instant was never visible: it goes.
fn end(tx: &Transaction<'_>, v: &Open, at: i64) -> Applied {
    if v.valid_from >= at {
        tx.prepare_cached(sql::DROP_OBLIGATION_VERSION)?
            .execute([v.version])?;
    } else {
        tx.prepare_cached(sql::CLOSE_OBLIGATION)?
            .execute(params![v.version, at])?;
    }
    Ok(())
}

/// Whether an obligation is surely seen for the first time (so it has no key yet).
#[derive(Clone, Copy)]
enum Fresh {
    Yes,
    No,
}

fn insert(
    tx: &Transaction<'_>,
    keys: &mut Items,
    o: &Obligation,
    at: i64,
    fresh: Fresh,
) -> Applied {
    let key = match fresh {
        Fresh::Yes => keys::new_obligation(tx, o.obligation_id)?,
        Fresh::No => keys::obligation(tx, o.obligation_id)?,
    };
    let (subject_key, item_key) = (keys.subject(tx, &o.subject)?, keys.item(tx, o)?);
    tx.prepare_cached(sql::OPEN_OBLIGATION)?.execute(params![
        key,
        subject_key,
        item_key,
        o.period.to_string(),
        o.deadline.num_days_from_ce(),
        o.required_count,
        at,
        o.obligation_id.0.as_bytes(),
    ])?;
    Ok(())
}

fn list(tx: &Transaction<'_>, id: ListId) -> Result<Option<(i32, Vec<DutyItem>)>, Failure> {
    let row: Option<(i32, String)> = tx
        .prepare_cached(sql::GET_LIST)?
        .query_row([id.to_string()], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    row.map(|(year, items)| {
        serde_json::from_str(&items)
            .map(|items| (year, items))
            .map_err(|_| Failure::Event("the stored items of the list do not parse".into()))
    })
    .transpose()
}

fn list_if(
    known: bool,
    tx: &Transaction<'_>,
    id: ListId,
) -> Result<Option<(i32, Vec<DutyItem>)>, Failure> {
    if known { list(tx, id) } else { Ok(None) }
}

fn list_subjects(tx: &Transaction<'_>, id: ListId) -> rusqlite::Result<Vec<Subject>> {
    tx.prepare_cached(sql::LIST_SUBJECTS)?
        .query_map([id.to_string()], |r| {
            let (kind, id): (String, String) = (r.get(0)?, r.get(1)?);
            codec::parse_subject(1, &kind, &id)
        })?
        .collect()
}

fn items_json(items: &[DutyItem]) -> Result<String, Failure> {
    serde_json::to_string(items)
        .map_err(|_| Failure::Event("the list's items do not serialise".into()))
}
