//! Answers of board queries that cannot change, kept in memory.
//!
//! A query as of instant t over the board at position p (ADR 0005):
//! - if t is at or after the `recorded_at` of event p, everything the board holds is known
//!   at t, and lights only change at local midnight: the answer depends on (p, the local
//!   date of t) — "now";
//! - if t is before it, every event recorded by t is already applied and every later one
//!   is excluded: the answer can never change again — "past", keyed by t alone.
//!
//! Entries are evicted oldest first past a fixed count.

use chrono::{DateTime, NaiveDate, Utc};
use std::collections::{HashMap, VecDeque};
use std::hash::Hash;
use std::sync::Mutex;

/// For which instants a cached answer holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum AsOfKey {
    /// Everything known: valid at this board position on this local date.
    Now { position: u64, date: NaiveDate },
    /// Before the last applied event: valid forever.
    Past { as_of: DateTime<Utc> },
}

impl AsOfKey {
    /// The key for `as_of` over a board at `position`, whose event was recorded at
    /// `latest` (`None` for an empty log).
    pub(crate) fn new(as_of: DateTime<Utc>, position: u64, latest: Option<DateTime<Utc>>) -> Self {
        match latest {
            Some(t) if as_of < t => Self::Past { as_of },
            _ => Self::Now {
                position,
                date: domain::calendar::local_date(as_of),
            },
        }
    }
}

/// A bounded map, evicting the oldest entry first.
#[derive(Debug)]
pub(crate) struct Cache<K, V> {
    capacity: usize,
    inner: Mutex<(HashMap<K, V>, VecDeque<K>)>,
}

impl<K: Eq + Hash + Clone, V: Clone> Cache<K, V> {
    pub(crate) fn new(capacity: usize) -> Self {
        Self {
            capacity: capacity.max(1),
            inner: Mutex::new((HashMap::new(), VecDeque::new())),
        }
    }

    pub(crate) fn get(&self, key: &K) -> Option<V> {
        self.inner.lock().ok()?.0.get(key).cloned()
    }

    pub(crate) fn put(&self, key: K, value: V) {
        let Ok(mut guard) = self.inner.lock() else {
            return;
        };
        let (map, order) = &mut *guard;
        if map.insert(key.clone(), value).is_none() {
            order.push_back(key);
            while order.len() > self.capacity {
                if let Some(old) = order.pop_front() {
                    map.remove(&old);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    #[test]
    fn an_instant_before_the_last_applied_event_is_the_past_and_after_it_now() {
        let latest = Some(t("2026-07-31T10:00:00Z"));
        assert_eq!(
            AsOfKey::new(t("2026-06-30T00:00:00Z"), 9, latest),
            AsOfKey::Past {
                as_of: t("2026-06-30T00:00:00Z")
            }
        );
        // Now: keyed by position and the local (Shanghai) date, not the instant.
        let a = AsOfKey::new(t("2026-07-31T10:00:00Z"), 9, latest);
        let b = AsOfKey::new(t("2026-07-31T15:59:59Z"), 9, latest);
        let next_day = AsOfKey::new(t("2026-07-31T16:00:00Z"), 9, latest);
        assert_eq!(a, b);
        assert_ne!(a, next_day);
        assert_ne!(a, AsOfKey::new(t("2026-07-31T10:00:00Z"), 10, latest));
        assert!(matches!(
            AsOfKey::new(t("2026-01-01T00:00:00Z"), 0, None),
            AsOfKey::Now { .. }
        ));
    }

    #[test]
    fn the_oldest_entry_goes_first() {
        let c = Cache::new(2);
        c.put(1, "a");
        c.put(2, "b");
        c.put(1, "a2");
        c.put(3, "c");
        assert_eq!(c.get(&1), None);
        assert_eq!(c.get(&2), Some("b"));
        assert_eq!(c.get(&3), Some("c"));
    }
}
