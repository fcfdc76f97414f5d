//! When a chart redraws: as soon as its picture can change, and no sooner.
//!
//! A chart of a 5-minute window on a 600-pixel canvas moves by one pixel every half
//! second; redrawing it at 60 frames a second while thousands of messages arrive draws
//! the same picture dozens of times, and drawing was half of the page's script time per
//! message in the benchmark (docs/performance.md). So a chart redraws at most once per
//! pixel of its time axis, and at least every [`MAX_INTERVAL_MS`] while data arrives, so
//! the newest point never lags by more than that. Text values are not paced: they
//! change once per frame at most anyway and cost little.
//!
//! Pure logic, no clock: the chart passes the time in.

/// The longest a change may wait to be drawn.
pub const MAX_INTERVAL_MS: f64 = 250.0;

/// What to do about a change.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Pace {
    /// Draw now.
    DrawNow,
    /// Draw in this many milliseconds (arm a timer, then call [`RedrawPacer::timer_fired`]
    /// and ask again).
    DrawAfter(f64),
    /// A timer is already armed and will draw this change with it.
    AlreadyScheduled,
}

/// Tracks the last drawing and whether a deferred one is armed.
#[derive(Debug, Default, Clone)]
pub struct RedrawPacer {
    last_draw_ms: Option<f64>,
    timer_armed: bool,
}

/// The minimum time between drawings of a chart showing `window_secs` on `width_px`
/// columns: one column's worth of time, capped at [`MAX_INTERVAL_MS`].
pub fn min_interval_ms(window_secs: f64, width_px: u32) -> f64 {
    if width_px == 0 || !window_secs.is_finite() || window_secs <= 0.0 {
        return 0.0;
    }
    (window_secs * 1000.0 / f64::from(width_px)).min(MAX_INTERVAL_MS)
}

impl RedrawPacer {
    /// A pacer that has never drawn: the first change draws at once.
    pub fn new() -> Self {
        Self::default()
    }

    /// The chart's data (or size) changed at `now_ms`.
    pub fn on_change(&mut self, now_ms: f64, interval_ms: f64) -> Pace {
        if self.timer_armed {
            return Pace::AlreadyScheduled;
        }
        let due = self.last_draw_ms.map_or(now_ms, |last| last + interval_ms);
        if now_ms >= due {
            self.last_draw_ms = Some(now_ms);
            Pace::DrawNow
        } else {
            self.timer_armed = true;
            Pace::DrawAfter(due - now_ms)
        }
    }

    /// The deferred timer fired: the next `on_change` decides again.
    pub fn timer_fired(&mut self) {
        self.timer_armed = false;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_change_draws_at_once() {
        let mut pacer = RedrawPacer::new();
        assert_eq!(pacer.on_change(1000.0, 100.0), Pace::DrawNow);
    }

    #[test]
    fn a_change_within_the_interval_is_deferred_to_its_end_once() {
        let mut pacer = RedrawPacer::new();
        pacer.on_change(1000.0, 100.0);
        assert_eq!(pacer.on_change(1030.0, 100.0), Pace::DrawAfter(70.0));
        assert_eq!(pacer.on_change(1050.0, 100.0), Pace::AlreadyScheduled);
        pacer.timer_fired();
        assert_eq!(pacer.on_change(1100.0, 100.0), Pace::DrawNow);
    }

    #[test]
    fn a_change_after_the_interval_draws_at_once() {
        let mut pacer = RedrawPacer::new();
        pacer.on_change(1000.0, 100.0);
        assert_eq!(pacer.on_change(1100.0, 100.0), Pace::DrawNow);
        assert_eq!(pacer.on_change(1250.0, 100.0), Pace::DrawNow);
    }

    #[test]
    fn a_timer_firing_early_defers_again_rather_than_drawing_early() {
        let mut pacer = RedrawPacer::new();
        pacer.on_change(1000.0, 100.0);
        pacer.on_change(1010.0, 100.0);
        pacer.timer_fired();
        assert_eq!(pacer.on_change(1090.0, 100.0), Pace::DrawAfter(10.0));
    }

    #[test]
    fn the_interval_is_one_column_of_time_capped_at_a_quarter_second() {
        // 60 s over 600 px: 100 ms per column.
        assert_eq!(min_interval_ms(60.0, 600), 100.0);
        // 5 min over 600 px would be 500 ms: capped.
        assert_eq!(min_interval_ms(300.0, 600), MAX_INTERVAL_MS);
        // 1 s over 600 px: under a frame, so every frame may draw.
        assert!(min_interval_ms(1.0, 600) < 16.7);
        assert_eq!(min_interval_ms(60.0, 0), 0.0);
        assert_eq!(min_interval_ms(f64::NAN, 600), 0.0);
    }
}
