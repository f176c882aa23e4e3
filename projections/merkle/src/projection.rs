//! The tree's fold: one leaf per event, in the log's order, with the subtrees it completes.

use crate::queries::Tree;
use crate::sql;
use event_store::{Filter, RecordedEvent, canonical_json};
use evidence::{Hash, Nodes};
use projector::{Projection, ProjectionError};
use rusqlite::{Transaction, params};

/// The Merkle projection.
#[derive(Debug, Clone, Copy, Default)]
pub struct Merkle;

impl Merkle {
    /// Its name, the key of its checkpoint.
    pub const NAME: &'static str = "merkle";
    /// Its tables.
    pub const TABLES: &'static [&'static str] = &["merkle_nodes"];
}

impl Projection for Merkle {
    fn name(&self) -> &'static str {
        Self::NAME
    }

    fn version(&self) -> u32 {
        1
    }

    fn schema(&self) -> &'static str {
        sql::SCHEMA
    }

    fn tables(&self) -> &'static [&'static str] {
        Self::TABLES
    }

    fn filter(&self) -> Filter {
        Filter::all()
    }

    fn apply(&self, tx: &Transaction<'_>, event: &RecordedEvent) -> Result<(), ProjectionError> {
        self.apply_batch(tx, std::slice::from_ref(event))
    }

    /// The tree's size is read once per batch, and the left siblings a leaf closes are
    /// taken from the nodes this batch completed (the tree's right edge) when they are
    /// there, from the table otherwise.
    fn apply_batch(
        &self,
        tx: &Transaction<'_>,
        events: &[RecordedEvent],
    ) -> Result<(), ProjectionError> {
        let first = crate::queries::size(tx)?;
        let mut edge = Edge {
            stored: Tree(tx),
            last: Vec::new(),
        };
        let mut insert = tx.prepare_cached(sql::INSERT)?;
        for (size, event) in (first..).zip(events) {
            // Every event is a leaf at index position − 1: a hole would shift every leaf
            // after it.
            if event.position != size + 1 {
                return Err(ProjectionError::event(
                    event,
                    format!(
                        "the tree holds {size} leaves, so the next event must be at position {}",
                        size + 1
                    ),
                ));
            }
            let leaf = evidence::leaf_hash(canonical_json(event).as_bytes());
            for (level, idx, hash) in evidence::completed_nodes(&edge, size, leaf)? {
                insert.execute(params![level, crate::queries::int(idx), &hash[..]])?;
                edge.completed(level, idx, hash);
            }
        }
        Ok(())
    }
}

/// The stored tree seen with the nodes a batch has completed so far: per level, the last
/// one (a new leaf's left siblings are always the last completed node of their level).
struct Edge<'a> {
    stored: Tree<'a>,
    last: Vec<Option<(u64, Hash)>>,
}

impl Edge<'_> {
    fn completed(&mut self, level: u32, idx: u64, hash: Hash) {
        let level = level as usize;
        if self.last.len() <= level {
            self.last.resize(level + 1, None);
        }
        self.last[level] = Some((idx, hash));
    }
}

impl Nodes for Edge<'_> {
    type Error = rusqlite::Error;

    fn node(&self, level: u32, index: u64) -> Result<Hash, rusqlite::Error> {
        match self.last.get(level as usize) {
            Some(Some((idx, hash))) if *idx == index => Ok(*hash),
            _ => self.stored.node(level, index),
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, reason = "tests")]

    use super::*;
    use event_store::{Actor, EventType, Payload, StreamName};
    use rusqlite::Connection;

    fn event(position: u64) -> RecordedEvent {
        let at = chrono::DateTime::from_timestamp(1_767_225_600 + position as i64, 0).unwrap();
        RecordedEvent {
            position,
            stream: StreamName::new(format!("unit-{}", position % 5)).unwrap(),
            version: position / 5 + 1,
            event_id: uuid::Uuid::from_u128(u128::from(position)),
            event_type: EventType::new("UnitRegistered").unwrap(),
            schema_version: 1,
            occurred_at: at,
            recorded_at: at,
            actor: Actor::new("user:admin").unwrap(),
            correlation_id: None,
            causation_id: None,
            payload: Payload::from_json(format!(r#"{{"n":{position}}}"#)).unwrap(),
        }
    }

    fn stored(conn: &Connection) -> Vec<(u32, u64, Hash)> {
        let mut stmt = conn
            .prepare("SELECT level, idx, hash FROM merkle_nodes ORDER BY level, idx")
            .unwrap();
        stmt.query_map([], |r| {
            let (idx, hash): (i64, Vec<u8>) = (r.get(1)?, r.get(2)?);
            Ok((r.get(0)?, idx as u64, hash.try_into().unwrap()))
        })
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap()
    }

    /// Batches of 1, 2, 3, … events, so that batches start at every kind of edge: the
    /// nodes stored are exactly those of the same leaves pushed into a tree in memory.
    #[test]
    fn batches_of_any_size_store_the_nodes_of_the_tree() {
        let mut conn = Connection::open_in_memory().unwrap();
        conn.execute_batch(sql::SCHEMA).unwrap();
        let events: Vec<RecordedEvent> = (1..=300).map(event).collect();
        let mut memory = evidence::MemoryTree::new();
        let mut expected = Vec::new();
        for e in &events {
            expected.extend(memory.push(evidence::leaf_hash(canonical_json(e).as_bytes())));
        }
        expected.sort_by_key(|&(level, idx, _)| (level, idx));
        let (mut rest, mut n) = (&events[..], 1);
        while !rest.is_empty() {
            let (batch, tail) = rest.split_at(n.min(rest.len()));
            let tx = conn.transaction().unwrap();
            Merkle.apply_batch(&tx, batch).unwrap();
            tx.commit().unwrap();
            (rest, n) = (tail, n + 1);
        }
        assert_eq!(stored(&conn), expected);
        assert_eq!(crate::queries::size(&conn).unwrap(), 300);
        assert_eq!(
            crate::queries::root(&conn, 300).unwrap(),
            evidence::root(&memory, 300).unwrap()
        );
    }

    /// A batch that skips a position is refused as a whole: nothing of it is stored.
    #[test]
    fn a_hole_in_a_batch_refuses_it() {
        let mut conn = Connection::open_in_memory().unwrap();
        conn.execute_batch(sql::SCHEMA).unwrap();
        let tx = conn.transaction().unwrap();
        Merkle.apply_batch(&tx, &[event(1), event(2)]).unwrap();
        tx.commit().unwrap();
        let tx = conn.transaction().unwrap();
        let err = Merkle
            .apply_batch(&tx, &[event(3), event(5)])
            .unwrap_err()
            .to_string();
        drop(tx);
        assert!(
            err.contains("the next event must be at position 4"),
            "{err}"
        );
        assert_eq!(crate::queries::size(&conn).unwrap(), 2);
    }
}
