//! The growing lock-out after repeated failed logins, as pure rules over a counter.

use chrono::{DateTime, TimeDelta, Utc};

/// When failed logins lock a username, and for how long.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LockoutPolicy {
    /// Consecutive failures that start a lock-out.
    pub threshold: u32,
    /// The first lock-out; each further failure doubles it.
    pub first_lock: TimeDelta,
    /// The longest lock-out.
    pub max_lock: TimeDelta,
}

impl Default for LockoutPolicy {
    /// 5 failures, then 1 min, 2 min, 4 min … at most 1 h.
    fn default() -> Self {
        Self {
            threshold: 5,
            first_lock: TimeDelta::minutes(1),
            max_lock: TimeDelta::hours(1),
        }
    }
}

pub(crate) use crate::rows::Failures;

impl Failures {
    /// How long an attempt at `now` must still wait, if it is refused.
    pub(crate) fn refusal(&self, now: DateTime<Utc>) -> Option<TimeDelta> {
        self.locked_until
            .filter(|until| *until > now)
            .map(|until| until - now)
    }

    /// The state after one more failure at `now`.
    pub(crate) fn after_failure(self, policy: &LockoutPolicy, now: DateTime<Utc>) -> Self {
        let consecutive = self.consecutive.saturating_add(1);
        let locked_until = (consecutive >= policy.threshold).then(|| {
            let doublings = (consecutive - policy.threshold).min(32);
            let mut lock = policy.first_lock;
            for _ in 0..doublings {
                if lock >= policy.max_lock {
                    break;
                }
                lock = lock * 2;
            }
            now + lock.min(policy.max_lock)
        });
        Self {
            consecutive,
            locked_until,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn at(minute: i64) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2025, 3, 1, 9, 0, 0)
            .single()
            .expect("valid")
            + TimeDelta::minutes(minute)
    }

    #[test]
    fn locks_after_five_then_doubles_up_to_an_hour() {
        let policy = LockoutPolicy::default();
        let mut f = Failures::default();
        for _ in 0..4 {
            f = f.after_failure(&policy, at(0));
            assert_eq!(f.refusal(at(0)), None);
        }
        let mut locks = Vec::new();
        for _ in 0..9 {
            f = f.after_failure(&policy, at(0));
            locks.push(f.refusal(at(0)).expect("locked").num_minutes());
        }
        assert_eq!(locks, [1, 2, 4, 8, 16, 32, 60, 60, 60]);
    }

    #[test]
    fn a_lock_ends_when_its_time_is_up() {
        let policy = LockoutPolicy::default();
        let f = (0..5).fold(Failures::default(), |f, _| f.after_failure(&policy, at(0)));
        assert_eq!(f.refusal(at(0)), Some(TimeDelta::minutes(1)));
        assert_eq!(
            f.refusal(at(0) + TimeDelta::seconds(59)),
            Some(TimeDelta::seconds(1))
        );
        assert_eq!(f.refusal(at(1)), None);
    }
}
