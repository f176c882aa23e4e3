//! How long a failed delivery waits before its next attempt: doubling from `first`, capped at
//! `max`, with jitter so that deliveries failed together do not all come back together.

use std::time::Duration;

/// Exponential back-off with jitter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Backoff {
    /// The wait after the first failure (before jitter).
    pub first: Duration,
    /// No wait is longer, jitter included.
    pub max: Duration,
}

impl Default for Backoff {
    /// 1 s, 2 s, 4 s … up to 5 min.
    fn default() -> Self {
        Self {
            first: Duration::from_secs(1),
            max: Duration::from_secs(5 * 60),
        }
    }
}

/// The spread of the jitter: a wait is its nominal value times a factor in 1 ± this.
const JITTER: f64 = 0.2;

impl Backoff {
    /// The wait after the `failures`-th failure in a row (1 for the first): `first · 2^(n−1)`
    /// times `1 + JITTER · (2·spread − 1)`, at most `max`. `spread` is in [0, 1] (random
    /// in use; fixed in tests).
    pub fn delay(&self, failures: u32, spread: f64) -> Duration {
        let doublings = failures.saturating_sub(1).min(30);
        let nominal = self
            .first
            .saturating_mul(1 << doublings)
            .min(self.max)
            .as_secs_f64();
        let factor = 1.0 + JITTER * (2.0 * spread.clamp(0.0, 1.0) - 1.0);
        Duration::from_secs_f64(nominal * factor).min(self.max)
    }

    /// [`Backoff::delay`] with a random spread.
    pub fn jittered(&self, failures: u32) -> Duration {
        self.delay(failures, rand::random::<f64>())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn secs(s: f64) -> Duration {
        Duration::from_secs_f64(s)
    }

    #[test]
    fn doubles_from_the_first_wait_up_to_the_cap() {
        let b = Backoff::default();
        let nominal: Vec<_> = (1..=11).map(|n| b.delay(n, 0.5)).collect();
        assert_eq!(
            nominal,
            [
                1.0, 2.0, 4.0, 8.0, 16.0, 32.0, 64.0, 128.0, 256.0, 300.0, 300.0
            ]
            .map(secs)
        );
        assert_eq!(b.delay(u32::MAX, 0.5), secs(300.0), "no overflow");
        assert_eq!(b.delay(0, 0.5), secs(1.0), "0 counts as the first");
    }

    #[test]
    fn jitter_stays_within_a_fifth_either_way_and_never_passes_the_cap() {
        let b = Backoff::default();
        assert_eq!(b.delay(3, 0.0), secs(3.2));
        assert_eq!(b.delay(3, 1.0), secs(4.8));
        assert_eq!(b.delay(20, 1.0), secs(300.0));
        assert_eq!(b.delay(20, 0.0), secs(240.0));
        for n in 1..40 {
            let d = b.jittered(n);
            let nominal = b.delay(n, 0.5);
            assert!(
                d >= nominal.mul_f64(0.8) && d <= nominal.mul_f64(1.2),
                "{n}: {d:?}"
            );
            assert!(d <= b.max);
        }
    }
}
