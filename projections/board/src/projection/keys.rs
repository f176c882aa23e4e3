//! The integer keys of subjects, obligations and items.
//!
//! A subject's key is handed out the first time it is seen. An obligation's is worked out
//! from its id ([`candidate`]): the first integer from the candidate on, within
//! [`sql::KEY_PROBES`], that no other id holds. Finding it is one probe of the keys table's
//! integer primary key, where a unique index of 36-character text ids cost a random probe
//! and an insert into a second tree for each of a province's 1.3 million obligations.

use crate::codec;
use crate::sql;
use domain::ids::ObligationId;
use domain::obligation::Obligation;
use domain::org::Subject;
use rusqlite::{OptionalExtension, Transaction, params};
use std::collections::HashMap;

use super::Failure;

/// Where an obligation's key is looked for first: the id's 128 bits folded to 64 and mixed
/// (SplitMix64's finaliser), kept to 62 bits so that the probes after it stay positive.
/// Pure arithmetic, so every build and machine works out the same keys.
pub(crate) fn candidate(id: ObligationId) -> i64 {
    let v = id.0.as_u128();
    let mut z = (v as u64) ^ ((v >> 64) as u64);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^= z >> 31;
    (z >> 2) as i64
}

pub(crate) fn subject(tx: &Transaction<'_>, s: &Subject) -> rusqlite::Result<i64> {
    let (kind, id, owner_kind) = codec::subject(s);
    if let Some(key) = tx
        .prepare_cached(sql::SUBJECT_KEY)?
        .query_row([&id], |r| r.get(0))
        .optional()?
    {
        return Ok(key);
    }
    tx.prepare_cached(sql::ADD_SUBJECT)?
        .execute(params![id, kind, owner_kind])?;
    Ok(tx.last_insert_rowid())
}

/// The last key an obligation whose candidate is `first` may hold.
fn last_probe(first: i64) -> i64 {
    first + sql::KEY_PROBES - 1
}

/// The key of an obligation, taken now if it has none.
pub(crate) fn obligation(tx: &Transaction<'_>, id: ObligationId) -> Result<i64, Failure> {
    let first = candidate(id);
    let text = id.to_string();
    let mut free = None;
    let mut expected = first;
    {
        let mut stmt = tx.prepare_cached(sql::OBLIGATION_KEYS_FROM)?;
        let mut rows = stmt.query(params![first, last_probe(first)])?;
        while let Some(r) = rows.next()? {
            let (key, holder): (i64, String) = (r.get(0)?, r.get(1)?);
            if holder == text {
                return Ok(key);
            }
            if free.is_none() && key > expected {
                free = Some(expected);
            }
            expected = key + 1;
        }
    }
    let key = match free {
        Some(k) => k,
        None if expected <= last_probe(first) => expected,
        None => {
            return Err(Failure::Event(format!(
                "no key is free for obligation {id}: {} others hold every one from its candidate",
                sql::KEY_PROBES
            )));
        }
    };
    tx.prepare_cached(sql::TAKE_OBLIGATION_KEY)?
        .execute(params![key, text])?;
    Ok(key)
}

/// The key of an obligation expected to be new: its candidate taken at once if free (one
/// insert), looked for as [`obligation`] does otherwise.
pub(crate) fn new_obligation(tx: &Transaction<'_>, id: ObligationId) -> Result<i64, Failure> {
    let first = candidate(id);
    if tx
        .prepare_cached(sql::TAKE_OBLIGATION_KEY)?
        .execute(params![first, id.to_string()])?
        == 1
    {
        return Ok(first);
    }
    obligation(tx, id)
}

/// The key of an obligation already known, if it is (queries: nothing is taken).
pub(crate) fn known_obligation(
    conn: &rusqlite::Connection,
    id: ObligationId,
) -> rusqlite::Result<Option<i64>> {
    conn.prepare_cached(sql::OBLIGATION_KEY)?
        .query_row(
            params![candidate(id), last_probe(candidate(id)), id.to_string()],
            |r| r.get(0),
        )
        .optional()
}

/// What an item asks, as stored once in `board_items`.
#[derive(Debug, Clone)]
struct ItemFacts {
    responsibility: &'static str,
    category: String,
    content: String,
}

impl ItemFacts {
    fn of(o: &Obligation) -> Self {
        Self {
            responsibility: codec::responsibility(o.responsibility),
            category: o.category.clone(),
            content: o.content.clone(),
        }
    }

    /// Whether `o` asks what this item asks (compared in place: called for every
    /// obligation a list imposes).
    fn asked_by(&self, o: &Obligation) -> bool {
        self.responsibility == codec::responsibility(o.responsibility)
            && self.category == o.category
            && self.content == o.content
    }
}

/// The current items of one source (a list or a key task) and the subjects' keys, for the
/// obligations of one event: each looked up once, not once per obligation.
pub(crate) struct Items {
    source_id: String,
    current: HashMap<Option<String>, (i64, ItemFacts)>,
    subjects: HashMap<Subject, i64>,
}

impl Items {
    pub(crate) fn of_source(tx: &Transaction<'_>, source_id: &str) -> rusqlite::Result<Self> {
        let mut current = HashMap::new();
        let mut stmt = tx.prepare_cached(sql::ITEMS_OF_SOURCE)?;
        let mut rows = stmt.query([source_id])?;
        while let Some(r) = rows.next()? {
            let responsibility: String = r.get(2)?;
            let facts = ItemFacts {
                responsibility: codec::responsibility(codec::parse_responsibility(
                    2,
                    &responsibility,
                )?),
                category: r.get(3)?,
                content: r.get(4)?,
            };
            // Oldest first: the last row of an item id is its current one.
            current.insert(r.get::<_, Option<String>>(1)?, (r.get(0)?, facts));
        }
        Ok(Self {
            source_id: source_id.to_owned(),
            current,
            subjects: HashMap::new(),
        })
    }

    /// The key of `o`'s item as `o` states it: the current one if it says the same,
    /// otherwise a new row that becomes current.
    pub(crate) fn item(&mut self, tx: &Transaction<'_>, o: &Obligation) -> rusqlite::Result<i64> {
        let (source_kind, source_id, item_id) = codec::source(&o.source);
        debug_assert_eq!(source_id, self.source_id);
        if let Some((key, known)) = self.current.get(&item_id)
            && known.asked_by(o)
        {
            return Ok(*key);
        }
        let facts = ItemFacts::of(o);
        tx.prepare_cached(sql::ADD_ITEM)?.execute(params![
            source_kind,
            source_id,
            item_id,
            facts.responsibility,
            facts.category,
            facts.content
        ])?;
        let key = tx.last_insert_rowid();
        self.current.insert(item_id, (key, facts));
        Ok(key)
    }

    pub(crate) fn subject(&mut self, tx: &Transaction<'_>, s: &Subject) -> rusqlite::Result<i64> {
        if let Some(key) = self.subjects.get(s) {
            return Ok(*key);
        }
        let key = subject(tx, s)?;
        self.subjects.insert(*s, key);
        Ok(key)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use uuid::Uuid;

    #[test]
    fn candidates_are_positive_with_room_for_their_probes_and_spread_out() {
        let mut seen = std::collections::HashSet::new();
        for i in 0..10_000u128 {
            // Sequential ids, the worst case for taking bits as they are.
            let c = candidate(ObligationId(Uuid::from_u128(i)));
            assert!(c >= 0 && c.checked_add(sql::KEY_PROBES).is_some(), "{c}");
            assert!(seen.insert(c), "two of 10,000 sequential ids share {c}");
        }
    }

    fn file() -> rusqlite::Connection {
        let c = rusqlite::Connection::open_in_memory().unwrap();
        c.execute_batch(sql::SCHEMA).unwrap();
        c
    }

    /// Other obligations (ids from these numbers) hold these keys.
    fn hold(tx: &Transaction<'_>, keys: &[(i64, u128)]) {
        for (key, other) in keys {
            tx.execute(
                sql::TAKE_OBLIGATION_KEY,
                params![key, Uuid::from_u128(*other).to_string()],
            )
            .unwrap();
        }
    }

    #[test]
    fn an_obligation_whose_candidate_another_holds_takes_the_next_free_key() {
        let mut c = file();
        let tx = c.transaction().unwrap();
        let id = ObligationId(Uuid::from_u128(7));
        let first = candidate(id);
        // Others hold the candidate and the one after it, not the third.
        hold(&tx, &[(first, 1), (first + 1, 2)]);
        let key = new_obligation(&tx, id).unwrap();
        assert_eq!(key, first + 2);
        // Found again, by either way, and by a query.
        assert_eq!(obligation(&tx, id).unwrap(), key);
        assert_eq!(new_obligation(&tx, id).unwrap(), key);
        assert_eq!(known_obligation(&tx, id).unwrap(), Some(key));
        assert_eq!(
            known_obligation(&tx, ObligationId(Uuid::from_u128(8))).unwrap(),
            None
        );
    }

    #[test]
    fn a_gap_among_the_probes_is_taken() {
        let mut c = file();
        let tx = c.transaction().unwrap();
        let id = ObligationId(Uuid::from_u128(7));
        let first = candidate(id);
        hold(&tx, &[(first, 1), (first + 2, 2)]);
        assert_eq!(obligation(&tx, id).unwrap(), first + 1);
        assert_eq!(known_obligation(&tx, id).unwrap(), Some(first + 1));
    }

    #[test]
    fn an_obligation_finds_no_key_when_every_probe_is_held() {
        let mut c = file();
        let tx = c.transaction().unwrap();
        let id = ObligationId(Uuid::from_u128(7));
        let first = candidate(id);
        let others: Vec<(i64, u128)> = (0..sql::KEY_PROBES)
            .map(|i| (first + i, 100 + i as u128))
            .collect();
        hold(&tx, &others);
        match new_obligation(&tx, id) {
            Err(Failure::Event(reason)) => assert!(reason.contains("no key is free"), "{reason}"),
            other => panic!("expected no free key, got {other:?}"),
        }
    }

    #[test]
    fn candidates_do_not_change_between_builds() {
        // A file's keys were worked out by an earlier run: the same id must lead to the same
        // candidate, or a later run would take a second key for it.
        // SplitMix64's finaliser of 1, shifted right by 2 (worked out apart, in Python).
        assert_eq!(
            candidate(ObligationId(Uuid::from_u128(1))),
            1_559_518_186_985_144_697
        );
    }
}
