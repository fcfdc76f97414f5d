//! The chart's read-out: which moment a pointer or the arrow keys point at, and each
//! series' sample nearest to it, in words.

use super::number_format::with_unit;
use crate::feeds::{Sample, SampleRing};

/// Left and right margins of the plotted area in CSS pixels, as the chart draws it:
/// the frame's margin, plus the y labels (and the y axis's name, when it has one).
pub const MARGIN_PX: f64 = 8.0;
/// Width of the y axis's number labels.
pub const Y_LABELS_PX: f64 = 44.0;
/// Extra width for the y axis's name, written along it.
pub const Y_NAME_PX: f64 = 20.0;

/// The plotted area's horizontal extent in a canvas `width` pixels wide.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PlotArea {
    left: f64,
    right: f64,
}

impl PlotArea {
    /// The area of a chart `width` pixels wide, with or without a y axis name.
    pub fn new(width: f64, has_y_name: bool) -> Self {
        let left = MARGIN_PX + Y_LABELS_PX + if has_y_name { Y_NAME_PX } else { 0.0 };
        Self {
            left,
            right: (width - MARGIN_PX).max(left + 1.0),
        }
    }

    /// The moment under `x` (pixels from the canvas's left edge), in seconds relative
    /// to now (−`window_secs` at the left edge, 0 at the right), clamped to the area.
    pub fn time_at(&self, x: f64, window_secs: f64) -> f64 {
        let fraction = ((x - self.left) / (self.right - self.left)).clamp(0.0, 1.0);
        -window_secs * (1.0 - fraction)
    }

    /// Where the moment `secs` (relative to now) is, in pixels from the left edge.
    pub fn x_of(&self, secs: f64, window_secs: f64) -> f64 {
        let fraction = if window_secs > 0.0 {
            (1.0 + secs / window_secs).clamp(0.0, 1.0)
        } else {
            1.0
        };
        self.left + fraction * (self.right - self.left)
    }
}

/// The sample nearest in time to `at_ms` (wall-clock milliseconds): a binary search of
/// the ring, which is in arrival order.
pub fn nearest(samples: &SampleRing, at_ms: f64) -> Option<Sample> {
    let after = samples.partition_point(|s| s.time_ms < at_ms);
    let later = samples.get(after);
    let earlier = after.checked_sub(1).and_then(|i| samples.get(i));
    match (earlier, later) {
        (Some(e), Some(l)) => Some(if at_ms - e.time_ms <= l.time_ms - at_ms {
            e
        } else {
            l
        }),
        (e, l) => e.or(l),
    }
}

/// `0` → `now`, `-90` → `-1:30`: the x axis's labels and the read-out's moment.
pub fn relative_time_label(secs: f64) -> String {
    if secs > -0.5 {
        return "now".into();
    }
    let total = (-secs).round() as u64;
    let (h, m, s) = (total / 3600, total / 60 % 60, total % 60);
    if h > 0 {
        format!("-{h}:{m:02}:{s:02}")
    } else {
        format!("-{m}:{s:02}")
    }
}

/// "−1:30: Bed 1 72 bpm, Bed 2 no data": the moment, then each series' nearest value.
pub fn readout_text(
    at_secs: f64,
    values: &[(String, Option<f64>)],
    decimals: Option<u8>,
    unit: &str,
) -> String {
    let when = relative_time_label(at_secs);
    let parts: Vec<String> = values
        .iter()
        .map(|(name, value)| {
            let value = match value {
                Some(v) => with_unit(*v, decimals, unit),
                None => "no data".into(),
            };
            if name.is_empty() {
                value
            } else {
                format!("{name} {value}")
            }
        })
        .collect();
    format!("{when}: {}", parts.join(", "))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::feeds::Value;

    fn ring(times: &[f64]) -> SampleRing {
        let mut ring = SampleRing::new(16);
        for (i, &time_ms) in times.iter().enumerate() {
            ring.push(Sample {
                time_ms,
                value: Value::Number(i as f64),
                retained: false,
            });
        }
        ring
    }

    #[test]
    fn the_nearest_sample_is_found_on_either_side_and_at_the_ends() {
        let samples = ring(&[1000.0, 2000.0, 3000.0]);
        let at = |ms| nearest(&samples, ms).map(|s| s.time_ms);
        assert_eq!(at(1400.0), Some(1000.0));
        assert_eq!(at(1600.0), Some(2000.0));
        assert_eq!(at(1500.0), Some(1000.0), "a tie goes to the earlier sample");
        assert_eq!(at(0.0), Some(1000.0));
        assert_eq!(at(9000.0), Some(3000.0));
        assert_eq!(nearest(&ring(&[]), 5.0), None);
    }

    #[test]
    fn pixels_map_to_moments_and_back_within_the_plotted_area() {
        let area = PlotArea::new(360.0, false);
        // Plotted from x = 52 to x = 352.
        assert_eq!(area.time_at(52.0, 300.0), -300.0);
        assert_eq!(area.time_at(352.0, 300.0), 0.0);
        assert_eq!(area.time_at(202.0, 300.0), -150.0);
        assert_eq!(area.time_at(0.0, 300.0), -300.0, "clamped left");
        assert_eq!(area.x_of(-150.0, 300.0), 202.0);
        assert_eq!(area.x_of(-900.0, 300.0), 52.0);
        // A canvas too narrow for its margins still maps without dividing by zero.
        let tiny = PlotArea::new(10.0, true);
        assert!(tiny.time_at(5.0, 60.0).is_finite());
    }

    #[test]
    fn axis_labels_count_back_from_now() {
        assert_eq!(relative_time_label(0.0), "now");
        assert_eq!(relative_time_label(-90.0), "-1:30");
        assert_eq!(relative_time_label(-3725.0), "-1:02:05");
    }

    #[test]
    fn the_readout_names_the_moment_and_every_series() {
        let text = readout_text(
            -90.0,
            &[("Bed 1".into(), Some(72.0)), ("Bed 2".into(), None)],
            Some(0),
            "bpm",
        );
        assert_eq!(text, "-1:30: Bed 1 72 bpm, Bed 2 no data");
        assert_eq!(
            readout_text(0.0, &[(String::new(), Some(21.5))], None, "°C"),
            "now: 21.5 °C"
        );
    }
}
