//! [`Retry`]: how [`Repo::transaction_retrying`](super::Repo::transaction_retrying)
//! runs a transaction again after a transient failure.

use quarry_core::Error;
use std::time::Duration;

/// How often, and after what pauses, a transaction that failed with a
/// transient error (a deadlock, a serialization failure, a lost connection:
/// [`Error::is_transient`]) is run again.
///
/// ```
/// use quarry_query::repo::Retry;
/// use std::time::Duration;
/// let retry = Retry::new(5).backoff(Duration::from_millis(20), Duration::from_secs(1));
/// assert_eq!(retry.attempts(), 5);
/// ```
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Retry {
    attempts: u32,
    first: Duration,
    max: Duration,
}

impl Default for Retry {
    /// Three attempts, pausing 10 ms, then 20 ms (doubling, at most 1 s).
    fn default() -> Self {
        Retry::new(3)
    }
}

impl Retry {
    /// At most `attempts` runs in all (at least one), with the default
    /// backoff (10 ms doubling up to 1 s, with jitter).
    pub fn new(attempts: u32) -> Self {
        Retry {
            attempts: attempts.max(1),
            first: Duration::from_millis(10),
            max: Duration::from_secs(1),
        }
    }

    /// The pause before the second attempt (`first`, doubled after each
    /// failure, at most `max`).
    pub fn backoff(mut self, first: Duration, max: Duration) -> Self {
        self.first = first;
        self.max = max.max(first);
        self
    }

    /// The most runs.
    pub fn attempts(&self) -> u32 {
        self.attempts
    }

    /// The pause after failed attempt `n` (1-based): the backoff doubled
    /// `n - 1` times, capped, then between half of it and all of it (so
    /// runners that collided do not collide again in step).
    pub(crate) fn pause(&self, n: u32) -> Duration {
        let doubled = self
            .first
            .saturating_mul(1u32 << n.saturating_sub(1).min(16))
            .min(self.max);
        let nanos = u64::try_from(doubled.as_nanos()).unwrap_or(u64::MAX);
        let jitter = jitter(nanos / 2 + 1);
        Duration::from_nanos(nanos / 2 + jitter)
    }
}

/// A cheap pseudo-random number below `bound` (no dependency on a RNG crate:
/// the clock's nanoseconds, mixed).
fn jitter(bound: u64) -> u64 {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| u64::from(d.subsec_nanos()))
        .unwrap_or(0);
    let mixed = (now ^ (now >> 17)).wrapping_mul(0x9e37_79b9_7f4a_7c15);
    mixed % bound.max(1)
}

/// An error a retrying transaction can tell transient failures by: quarry's
/// [`Error`], or an application's error type that wraps one.
pub trait Retryable {
    /// True when the work may succeed if run again.
    fn is_transient(&self) -> bool;
}

impl Retryable for Error {
    fn is_transient(&self) -> bool {
        Error::is_transient(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pauses_double_up_to_the_cap_with_jitter() {
        let r = Retry::new(10).backoff(Duration::from_millis(10), Duration::from_millis(50));
        for (n, full) in [(1, 10), (2, 20), (3, 40), (4, 50), (9, 50)] {
            let p = r.pause(n).as_millis();
            assert!(p >= full / 2 && p <= full, "attempt {n}: {p} ms of {full}");
        }
        assert_eq!(Retry::new(0).attempts(), 1);
    }
}
