//! A tiny pseudo-random generator (xorshift64*) for plausible sensor noise.
//! Not for anything that needs real randomness.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

/// xorshift64* by Vigna: 64 bits of state, good enough for jitter and drift.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    /// A generator with a fixed seed (for reproducible tests).
    pub fn seeded(seed: u64) -> Self {
        // The state must never be zero; mix the seed so small seeds differ a lot.
        Rng(splitmix64(seed) | 1)
    }

    /// A generator seeded from the clock and a per-process counter, so two
    /// generators created in the same nanosecond still differ.
    pub fn from_time() -> Self {
        static COUNTER: AtomicU64 = AtomicU64::new(0);
        let nanos = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| d.as_nanos() as u64)
            .unwrap_or(0x9E37_79B9_7F4A_7C15);
        let n = COUNTER.fetch_add(1, Ordering::Relaxed);
        Rng::seeded(nanos ^ n.wrapping_mul(0xD1B5_4A32_D192_ED03))
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// Uniform in [0, 1).
    pub fn next_f64(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    /// Uniform in [lo, hi).
    pub fn range(&mut self, lo: f64, hi: f64) -> f64 {
        lo + (hi - lo) * self.next_f64()
    }
}

fn splitmix64(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_stay_in_range_and_vary() {
        let mut rng = Rng::seeded(7);
        let values: Vec<f64> = (0..1000).map(|_| rng.range(-1.0, 1.0)).collect();
        assert!(values.iter().all(|v| (-1.0..1.0).contains(v)));
        let mean = values.iter().sum::<f64>() / values.len() as f64;
        assert!(mean.abs() < 0.1, "mean {mean} is far from 0");
        assert!(values.windows(2).any(|w| w[0] != w[1]));
    }

    #[test]
    fn clock_seeded_generators_differ() {
        assert_ne!(Rng::from_time().next_u64(), Rng::from_time().next_u64());
    }
}
