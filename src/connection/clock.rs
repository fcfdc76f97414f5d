//! The driver's clock: the page's monotonic time for the session, and wall-clock time
//! for samples, at one JS call per reading or less.
//!
//! Per message, the old way cost five calls into JS (`window()`, `performance()`,
//! `now()`, `Date.now()` and an `instanceof Window`); a frame's own `MessageEvent`
//! already carries its arrival time on the same clock as `performance.now()`.

use mqtt_session::Instant;
use web_sys::Performance;

thread_local! {
    /// Looked up once: `window().performance()` is two JS calls and a type check.
    static PERFORMANCE: Option<Performance> =
        web_sys::window().and_then(|w| w.performance());
}

/// Milliseconds since the page started, never going backwards, and their wall time.
#[derive(Debug)]
pub struct Clock {
    /// `performance.timeOrigin`: the wall time of 0 on the monotonic clock.
    time_origin_ms: f64,
    /// The latest reading handed out: event timestamps are when a frame arrived, which
    /// can be earlier than a `performance.now()` read while handling the frame before.
    last_ms: f64,
}

impl Clock {
    /// A clock for this page.
    pub fn new() -> Self {
        let time_origin_ms = PERFORMANCE
            .with(|p| p.as_ref().map(Performance::time_origin))
            .unwrap_or_else(js_sys::Date::now);
        Self {
            time_origin_ms,
            last_ms: 0.0,
        }
    }

    /// Now, read from `performance.now()`.
    pub fn now(&mut self) -> Instant {
        let ms = PERFORMANCE.with(|p| p.as_ref().map_or(self.last_ms, Performance::now));
        self.advance(ms)
    }

    /// An event's time (`Event.timeStamp`, same clock as `performance.now()`), so a
    /// message costs no extra call for the time.
    pub fn at_event(&mut self, time_stamp_ms: f64) -> Instant {
        self.advance(time_stamp_ms)
    }

    /// Wall-clock milliseconds since the Unix epoch of the latest reading.
    pub fn wall_ms(&self) -> f64 {
        self.time_origin_ms + self.last_ms
    }

    fn advance(&mut self, ms: f64) -> Instant {
        if ms.is_finite() && ms > self.last_ms {
            self.last_ms = ms;
        }
        Instant::from_millis(self.last_ms as u64)
    }
}

/// Wall-clock milliseconds now, on the clock samples are stamped with
/// (`performance.timeOrigin + performance.now()`), so an age computed from it never
/// includes the drift between that clock and `Date.now()` (which NTP may step).
pub fn wall_now_ms() -> f64 {
    PERFORMANCE.with(|p| match p {
        Some(p) => p.time_origin() + p.now(),
        None => js_sys::Date::now(),
    })
}

impl Default for Clock {
    fn default() -> Self {
        Self::new()
    }
}
