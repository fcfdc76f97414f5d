//! Reconnect delays (exponential, capped, jittered) and the tiny seeded PRNG behind them.
//!
//! The session owns no randomness source: the driver passes a seed to
//! [`Session::new`](crate::Session::new) (e.g. from `Math.random()`), and everything
//! random — jitter and generated client ids — comes from this xorshift generator, so tests
//! are deterministic.

use core::time::Duration;

use crate::options::ReconnectPolicy;

/// xorshift64* — not cryptographic, only to spread reconnects and name clients.
#[derive(Debug, Clone)]
pub(crate) struct Rng(u64);

impl Rng {
    pub(crate) fn new(seed: u64) -> Rng {
        // xorshift is stuck at zero; any other fixed value will do.
        Rng(if seed == 0 {
            0x9E37_79B9_7F4A_7C15
        } else {
            seed
        })
    }

    pub(crate) fn next_u64(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// `feedboard-` and 12 lowercase hex digits.
    pub(crate) fn client_id(&mut self) -> String {
        format!("feedboard-{:012x}", self.next_u64() >> 16)
    }
}

/// Counts failed attempts since the last successful CONNACK.
#[derive(Debug, Clone, Default)]
pub(crate) struct Backoff {
    attempt: u32,
}

impl Backoff {
    /// The delay before the next attempt: `initial * 2^attempt` capped at `max`; with
    /// jitter, uniform in `[delay / 2, delay]` ("equal jitter": never a zero wait, so a
    /// flapping broker is not hammered, yet tabs spread out).
    pub(crate) fn next_delay(&mut self, policy: &ReconnectPolicy, rng: &mut Rng) -> Duration {
        let factor = 1u32.checked_shl(self.attempt.min(31)).unwrap_or(u32::MAX);
        let delay = policy
            .initial
            .checked_mul(factor)
            .unwrap_or(policy.max)
            .min(policy.max);
        self.attempt = self.attempt.saturating_add(1);
        if !policy.jitter {
            return delay;
        }
        let millis = u64::try_from(delay.as_millis()).unwrap_or(u64::MAX);
        let half = millis / 2;
        let spread = millis - half;
        let offset = if spread == 0 {
            0
        } else {
            rng.next_u64() % (spread + 1)
        };
        Duration::from_millis(half + offset)
    }

    /// After a successful CONNACK the next loss starts again at `initial`.
    pub(crate) fn reset(&mut self) {
        self.attempt = 0;
    }
}

#[cfg(test)]
mod tests {
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    use super::*;

    #[test]
    fn delays_double_then_stop_at_the_cap_without_jitter() {
        let policy = ReconnectPolicy {
            initial: Duration::from_secs(1),
            max: Duration::from_secs(30),
            jitter: false,
        };
        let mut rng = Rng::new(1);
        let mut backoff = Backoff::default();
        let secs: Vec<u64> = (0..8)
            .map(|_| backoff.next_delay(&policy, &mut rng).as_secs())
            .collect();
        assert_eq!(secs, [1, 2, 4, 8, 16, 30, 30, 30]);
        backoff.reset();
        assert_eq!(
            backoff.next_delay(&policy, &mut rng),
            Duration::from_secs(1)
        );
    }

    #[test]
    fn jittered_delays_stay_between_half_and_the_full_delay() {
        let policy = ReconnectPolicy::default();
        let mut rng = Rng::new(42);
        let mut backoff = Backoff::default();
        for n in 0..40u32 {
            let full = Duration::from_secs(1)
                .saturating_mul(1 << n.min(20))
                .min(policy.max);
            let d = backoff.next_delay(&policy, &mut rng);
            assert!(
                d >= full / 2 && d <= full,
                "attempt {n}: {d:?} not in [{:?}, {full:?}]",
                full / 2
            );
        }
    }

    #[test]
    fn many_attempts_never_overflow() {
        let policy = ReconnectPolicy {
            initial: Duration::from_secs(u64::MAX / 4),
            max: Duration::MAX,
            jitter: true,
        };
        let mut rng = Rng::new(7);
        let mut backoff = Backoff::default();
        for _ in 0..100 {
            backoff.next_delay(&policy, &mut rng);
        }
    }

    #[test]
    fn generated_client_ids_have_twelve_hex_digits_and_differ_by_seed() {
        let a = Rng::new(1).client_id();
        let b = Rng::new(2).client_id();
        assert_eq!(a.len(), "feedboard-".len() + 12);
        assert!(a.starts_with("feedboard-"));
        assert!(a["feedboard-".len()..]
            .chars()
            .all(|c| c.is_ascii_hexdigit()));
        assert_ne!(a, b);
        assert_eq!(Rng::new(0).client_id(), Rng::new(0).client_id());
    }
}
