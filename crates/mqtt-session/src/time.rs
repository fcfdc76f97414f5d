//! Time as an input: a millisecond [`Instant`] that the driver supplies.
//!
//! `std::time::Instant::now()` panics on `wasm32-unknown-unknown`, so the session never
//! reads a clock. The driver passes `Instant::from_millis(performance.now() as u64)` (or
//! any other monotonic source) into every call.

use core::ops::Add;
use core::time::Duration;

/// A point in time, in whole milliseconds since an origin chosen by the driver.
///
/// Only differences between instants matter; the origin is never interpreted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Instant(u64);

impl Instant {
    /// The instant `millis` milliseconds after the driver's origin.
    pub const fn from_millis(millis: u64) -> Self {
        Instant(millis)
    }

    /// Milliseconds since the driver's origin.
    pub const fn as_millis(self) -> u64 {
        self.0
    }

    /// Time elapsed from `earlier` to `self`, or zero if `earlier` is later.
    pub fn saturating_duration_since(self, earlier: Instant) -> Duration {
        Duration::from_millis(self.0.saturating_sub(earlier.0))
    }
}

impl Add<Duration> for Instant {
    type Output = Instant;

    /// Saturates at `u64::MAX` milliseconds instead of overflowing.
    fn add(self, rhs: Duration) -> Instant {
        let millis = u64::try_from(rhs.as_millis()).unwrap_or(u64::MAX);
        Instant(self.0.saturating_add(millis))
    }
}

#[cfg(test)]
mod tests {
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    use super::*;

    #[test]
    fn adding_a_duration_moves_the_instant_forward_and_saturates() {
        let t = Instant::from_millis(1_000) + Duration::from_millis(250);
        assert_eq!(t.as_millis(), 1_250);
        assert_eq!(
            (Instant::from_millis(u64::MAX) + Duration::from_secs(1)).as_millis(),
            u64::MAX
        );
    }

    #[test]
    fn duration_since_a_later_instant_is_zero() {
        let early = Instant::from_millis(10);
        let late = Instant::from_millis(30);
        assert_eq!(
            late.saturating_duration_since(early),
            Duration::from_millis(20)
        );
        assert_eq!(early.saturating_duration_since(late), Duration::ZERO);
    }
}
