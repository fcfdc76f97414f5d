//! Which way a chart's line is going, in words for its accessible summary: "rising: up
//! 1.2 °C in the last 5 min". From the first and the last sample in the chart's window
//! (found by binary search, so it costs nothing per message however long the feed).

use super::number_format::with_unit;
use crate::feeds::SampleRing;

/// A line's change over the chart's window.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Trend {
    Rising(f64),
    Falling(f64),
    /// Less change than the block shows, or than 1 % of the value.
    Steady,
}

/// The trend of `samples` since `since_ms`; `None` with fewer than two samples there.
/// `decimals` is how the block prints values: a change that prints as no change is
/// steady.
pub fn trend(samples: &SampleRing, since_ms: f64, decimals: Option<u8>) -> Option<Trend> {
    let first = samples.partition_point(|s| s.time_ms < since_ms);
    let last = samples.len().checked_sub(1)?;
    if first >= last {
        return None;
    }
    let from = samples.get(first)?.value.as_f64();
    let to = samples.get(last)?.value.as_f64();
    let change = to - from;
    if !change.is_finite() {
        return None;
    }
    let shown_step = decimals.map_or(0.0, |d| 0.5 * 10f64.powi(-i32::from(d)));
    let relative = 0.01 * from.abs().max(to.abs());
    Some(if change.abs() <= shown_step.max(relative) {
        Trend::Steady
    } else if change > 0.0 {
        Trend::Rising(change)
    } else {
        Trend::Falling(-change)
    })
}

/// "rising: up 1.2 °C in the last 5 min", "steady over the last 2 min".
pub fn trend_words(trend: Trend, decimals: Option<u8>, unit: &str, window_secs: f64) -> String {
    let span = span_words(window_secs);
    match trend {
        Trend::Rising(by) => format!(
            "rising: up {} in the last {span}",
            with_unit(by, decimals, unit)
        ),
        Trend::Falling(by) => {
            format!(
                "falling: down {} in the last {span}",
                with_unit(by, decimals, unit)
            )
        }
        Trend::Steady => format!("steady over the last {span}"),
    }
}

/// "steady", "rising by 5 bpm": a line's trend among several, the span said once.
pub fn short_trend_words(trend: Trend, decimals: Option<u8>, unit: &str) -> String {
    match trend {
        Trend::Rising(by) => format!("rising by {}", with_unit(by, decimals, unit)),
        Trend::Falling(by) => format!("falling by {}", with_unit(by, decimals, unit)),
        Trend::Steady => "steady".to_owned(),
    }
}

/// `300` → "5 min", `90` → "90 s", `7200` → "2 h".
pub fn span_words(secs: f64) -> String {
    let secs = secs.max(0.0).round() as u64;
    if secs >= 3600 && secs.is_multiple_of(3600) {
        format!("{} h", secs / 3600)
    } else if secs >= 120 && secs.is_multiple_of(60) {
        format!("{} min", secs / 60)
    } else {
        format!("{secs} s")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::feeds::{Sample, Value};

    fn ring(points: &[(f64, f64)]) -> SampleRing {
        let mut ring = SampleRing::new(100);
        for &(time_ms, v) in points {
            ring.push(Sample {
                time_ms,
                value: Value::Number(v),
                retained: false,
            });
        }
        ring
    }

    #[test]
    fn the_change_across_the_window_says_rising_falling_or_steady() {
        let warming = ring(&[(0.0, 15.0), (1000.0, 20.0), (2000.0, 21.0), (3000.0, 22.2)]);
        // From the first sample inside the window (20.0 at 1 s), not the one before it.
        let t = trend(&warming, 500.0, Some(1)).unwrap();
        assert!(matches!(t, Trend::Rising(by) if (by - 2.2).abs() < 1e-9));
        assert_eq!(
            trend_words(t, Some(1), "°C", 300.0),
            "rising: up 2.2 °C in the last 5 min"
        );
        let cooling = ring(&[(0.0, 22.0), (1000.0, 19.5)]);
        assert_eq!(
            trend_words(trend(&cooling, 0.0, None).unwrap(), None, "°C", 90.0),
            "falling: down 2.5 °C in the last 90 s"
        );
        // 72 → 72.4 bpm printed without decimals is no change.
        let pulse = ring(&[(0.0, 72.0), (1000.0, 72.4)]);
        assert_eq!(trend(&pulse, 0.0, Some(0)), Some(Trend::Steady));
        assert_eq!(
            trend_words(Trend::Steady, Some(0), "bpm", 7200.0),
            "steady over the last 2 h"
        );
    }

    #[test]
    fn fewer_than_two_samples_in_the_window_have_no_trend() {
        assert_eq!(trend(&ring(&[]), 0.0, None), None);
        assert_eq!(trend(&ring(&[(0.0, 1.0)]), 0.0, None), None);
        assert_eq!(trend(&ring(&[(0.0, 1.0), (10.0, 5.0)]), 5.0, None), None);
    }
}
