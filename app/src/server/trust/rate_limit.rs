//! The per-session call limit, and the pruning that keeps its memory bounded.
//!
//! Every page load is a new session (Chatwoot rebuilds the frame for every conversation), so
//! a limiter keyed by session gains a key per conversation an agent opens. Keys whose bucket
//! has refilled are indistinguishable from new ones and are dropped on a schedule, from
//! inside the calls themselves: no background task to forget to start.

use std::{
    num::NonZeroU32,
    sync::Mutex,
    time::{Duration, Instant},
};

use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};

/// Server-function calls one session may make per second.
pub const SESSION_CALLS_PER_SECOND: u32 = 10;
/// The burst allowance of a session.
pub const SESSION_BURST: u32 = 30;
/// How often refilled sessions are forgotten.
pub const PRUNE_EVERY: Duration = Duration::from_secs(60);

/// A rate limit per session id that forgets idle sessions.
pub struct SessionLimiter {
    limiter: DefaultKeyedRateLimiter<String>,
    prune_every: Duration,
    last_prune: Mutex<Instant>,
}

impl SessionLimiter {
    /// [`SESSION_CALLS_PER_SECOND`] with bursts of [`SESSION_BURST`], pruned every
    /// `prune_every`.
    pub fn new(prune_every: Duration) -> Self {
        let quota =
            Quota::per_second(NonZeroU32::new(SESSION_CALLS_PER_SECOND).unwrap_or(NonZeroU32::MIN))
                .allow_burst(NonZeroU32::new(SESSION_BURST).unwrap_or(NonZeroU32::MIN));
        Self {
            limiter: RateLimiter::keyed(quota),
            prune_every,
            last_prune: Mutex::new(Instant::now()),
        }
    }

    /// Counts one call of `session_id`; false when it is over its limit.
    pub fn allow(&self, session_id: &str) -> bool {
        self.prune_when_due();
        self.limiter.check_key(&session_id.to_owned()).is_ok()
    }

    /// How many sessions the limiter remembers.
    pub fn tracked(&self) -> usize {
        self.limiter.len()
    }

    /// Forgets the sessions whose bucket is full again, at most once per `prune_every`.
    fn prune_when_due(&self) {
        // A poisoned lock only means another call panicked mid-prune; the instant is intact.
        let mut last = self
            .last_prune
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if last.elapsed() < self.prune_every {
            return;
        }
        *last = Instant::now();
        drop(last);
        self.limiter.retain_recent();
        self.limiter.shrink_to_fit();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn many_short_sessions_leave_a_bounded_limiter() {
        let limiter = SessionLimiter::new(Duration::ZERO);
        for n in 0..3_000 {
            assert!(limiter.allow(&format!("session-{n}")));
        }
        // A session's bucket refills in SESSION_BURST / SESSION_CALLS_PER_SECOND seconds.
        std::thread::sleep(Duration::from_millis(
            u64::from(SESSION_BURST * 1000 / SESSION_CALLS_PER_SECOND) + 200,
        ));
        assert!(limiter.allow("one-more"));
        assert!(
            limiter.tracked() <= 1,
            "{} sessions still remembered",
            limiter.tracked()
        );
    }

    #[test]
    fn a_busy_session_is_not_forgotten_by_pruning() {
        let limiter = SessionLimiter::new(Duration::ZERO);
        for _ in 0..SESSION_BURST {
            assert!(limiter.allow("busy"));
        }
        assert!(!limiter.allow("busy"), "over its burst");
        assert!(!limiter.allow("busy"), "pruning did not reset it");
    }
}
