//! Reconnect delays: capped exponential growth with "equal jitter".
//!
//! Equal jitter (half the ceiling fixed, half random) keeps a floor under every delay, so a
//! server that keeps failing is never hammered, while many panels restarting together with the
//! same host still spread their reconnects out.

use std::time::Duration;

use rand::Rng;

/// Delays for successive failed attempts; [`Backoff::reset`] after a confirmed subscription.
#[derive(Debug)]
pub(crate) struct Backoff {
    base: Duration,
    max: Duration,
    failures: u32,
}

impl Backoff {
    /// Starts at `base`, doubles per failure, never exceeds `max`.
    pub(crate) fn new(base: Duration, max: Duration) -> Self {
        Self {
            base,
            max,
            failures: 0,
        }
    }

    /// The upper bound for the next delay: `min(base * 2^failures, max)`, overflow-safe.
    pub(crate) fn ceiling(&self) -> Duration {
        2u32.checked_pow(self.failures)
            .and_then(|factor| self.base.checked_mul(factor))
            .map_or(self.max, |delay| delay.min(self.max))
    }

    /// The delay before the next attempt, in `[ceiling / 2, ceiling]`; counts one more failure.
    pub(crate) fn next_delay(&mut self) -> Duration {
        let ceiling = self.ceiling();
        self.failures = self.failures.saturating_add(1);
        let floor = ceiling / 2;
        let spread = u64::try_from((ceiling - floor).as_nanos()).unwrap_or(u64::MAX);
        floor + Duration::from_nanos(rand::rng().random_range(0..=spread))
    }

    /// Forgets past failures: the next delay starts from `base` again.
    pub(crate) fn reset(&mut self) {
        self.failures = 0;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const BASE: Duration = Duration::from_millis(100);
    const MAX: Duration = Duration::from_secs(3);

    #[test]
    fn delays_stay_within_the_doubling_ceiling_and_the_cap() {
        let mut backoff = Backoff::new(BASE, MAX);
        let mut ceiling = BASE;
        for _ in 0..40 {
            let delay = backoff.next_delay();
            assert!(delay >= ceiling / 2, "{delay:?} below half of {ceiling:?}");
            assert!(delay <= ceiling, "{delay:?} above {ceiling:?}");
            ceiling = (ceiling * 2).min(MAX);
        }
        assert_eq!(backoff.ceiling(), MAX);
    }

    #[test]
    fn delays_are_jittered() {
        let mut backoff = Backoff::new(Duration::from_secs(1), Duration::from_secs(1));
        let delays: std::collections::HashSet<Duration> =
            (0..20).map(|_| backoff.next_delay()).collect();
        assert!(delays.len() > 1, "20 delays were all equal: {delays:?}");
    }

    #[test]
    fn reset_starts_over_from_base() {
        let mut backoff = Backoff::new(BASE, MAX);
        for _ in 0..10 {
            backoff.next_delay();
        }
        assert_eq!(backoff.ceiling(), MAX);
        backoff.reset();
        assert_eq!(backoff.ceiling(), BASE);
        assert!(backoff.next_delay() <= BASE);
    }

    #[test]
    fn extreme_settings_do_not_overflow() {
        let mut huge = Backoff::new(Duration::MAX, Duration::MAX);
        for _ in 0..100 {
            assert!(huge.next_delay() >= Duration::MAX / 2);
        }
        let mut zero = Backoff::new(Duration::ZERO, Duration::ZERO);
        assert_eq!(zero.next_delay(), Duration::ZERO);
        let mut inverted = Backoff::new(Duration::from_secs(5), Duration::from_secs(1));
        assert!(inverted.next_delay() <= Duration::from_secs(1));
    }
}
