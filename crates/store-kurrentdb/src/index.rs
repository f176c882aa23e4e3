//! The dense index of one process: ordinal → `$all` position (ADR 0016).
//!
//! KurrentDB addresses `$all` by sparse (commit, prepare) log positions. The port promises
//! dense positions 1, 2, 3 … with no gap: position p is the p-th dutytrace event in `$all`
//! order. `$all` is in commit order and nothing is ever inserted behind its tail, so the
//! ordinal of an event never changes and every process that reads the same `$all` counts
//! the same ordinals. The index keeps, per ordinal, the `$all` position (to seek there),
//! the `recorded_at` the port reports (KurrentDB's `created`, made never to decrease), and
//! the event id (to tell retries from conflicts, as every backend must).

use kurrentdb::Position;
use std::collections::HashMap;
use uuid::Uuid;

/// One indexed event.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Entry {
    pub(crate) at: Position,
    /// µs since the epoch, never below the entry before.
    pub(crate) recorded: i64,
}

/// Every event of the log this process has counted, in `$all` order.
#[derive(Debug, Default)]
pub(crate) struct Index {
    entries: Vec<Entry>,
    ids: HashMap<Uuid, u64>,
}

impl Index {
    /// The number of events counted: the head.
    pub(crate) fn len(&self) -> u64 {
        self.entries.len() as u64
    }

    /// Where the last counted event is in `$all`.
    pub(crate) fn last_at(&self) -> Option<Position> {
        self.entries.last().map(|e| e.at)
    }

    /// The entry at ordinal `p` (1-based).
    pub(crate) fn get(&self, p: u64) -> Option<Entry> {
        let i = usize::try_from(p.checked_sub(1)?).ok()?;
        self.entries.get(i).copied()
    }

    /// Where to start reading `$all` to find ordinal `p` as the first event after it:
    /// `None` for the start of `$all`.
    pub(crate) fn before(&self, p: u64) -> Option<Position> {
        if p <= 1 {
            None
        } else {
            self.get(p - 1).map(|e| e.at)
        }
    }

    /// The ordinal of an event id, if counted.
    pub(crate) fn position_of(&self, id: &Uuid) -> Option<u64> {
        self.ids.get(id).copied()
    }

    /// Counts the next event of `$all`; `recorded` is its own instant (µs), raised to the
    /// one before if the server's clock stepped back. Returns its ordinal, or `None` if it
    /// is not after the last one counted (already counted: skipped).
    pub(crate) fn push(&mut self, id: Uuid, at: Position, recorded: i64) -> Option<u64> {
        if self.last_at().is_some_and(|last| at <= last) {
            return None;
        }
        let recorded = self
            .entries
            .last()
            .map_or(recorded, |e| e.recorded.max(recorded));
        self.entries.push(Entry { at, recorded });
        let p = self.len();
        self.ids.insert(id, p);
        Some(p)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(n: u64) -> Position {
        Position {
            commit: n,
            prepare: n,
        }
    }

    #[test]
    fn ordinals_are_dense_and_an_event_is_counted_once() {
        let mut index = Index::default();
        assert_eq!(index.push(Uuid::from_u128(1), at(100), 10), Some(1));
        assert_eq!(index.push(Uuid::from_u128(2), at(250), 20), Some(2));
        // Seen again (by the follower after a read caught up): not counted twice.
        assert_eq!(index.push(Uuid::from_u128(2), at(250), 20), None);
        assert_eq!(index.push(Uuid::from_u128(9), at(200), 30), None);
        assert_eq!(index.push(Uuid::from_u128(3), at(999), 30), Some(3));
        assert_eq!(index.len(), 3);
        assert_eq!(index.position_of(&Uuid::from_u128(2)), Some(2));
        assert_eq!(index.before(1), None);
        assert_eq!(index.before(3), Some(at(250)));
        assert_eq!(index.get(4), None);
        assert_eq!(index.get(0), None);
    }

    #[test]
    fn recorded_at_never_decreases_even_if_the_server_clock_steps_back() {
        let mut index = Index::default();
        index.push(Uuid::from_u128(1), at(1), 500);
        index.push(Uuid::from_u128(2), at(2), 400);
        index.push(Uuid::from_u128(3), at(3), 600);
        let recorded: Vec<i64> = (1..=3)
            .filter_map(|p| index.get(p))
            .map(|e| e.recorded)
            .collect();
        assert_eq!(recorded, vec![500, 500, 600]);
    }
}
