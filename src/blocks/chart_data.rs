//! Turning a feed's samples into what a chart draws: the points inside its time
//! window, decimated to the canvas width so 50 000 samples cost no more than 1 000.

use crate::feeds::Sample;

/// A point in chart coordinates: seconds relative to now (≤ 0), and the value.
pub type Point = (f64, f64);

/// The samples newer than `window_secs` before `now_ms`, as points relative to now,
/// keeping at most the first and last sample plus the minimum and maximum of each of
/// `columns` time buckets (so peaks survive decimation).
pub fn window_points<'a>(
    samples: impl DoubleEndedIterator<Item = &'a Sample>,
    now_ms: f64,
    window_secs: f64,
    columns: usize,
) -> Vec<Point> {
    let start = -window_secs;
    // Newest first, stop at the window's start: old history is never walked.
    let mut inside: Vec<Point> = samples
        .rev()
        .map(|s| ((s.time_ms - now_ms) / 1000.0, s.value.as_f64()))
        .take_while(|(t, _)| *t >= start)
        .collect();
    inside.reverse();
    decimate(&inside, start, 0.0, columns)
}

/// Min/max decimation: at most two points (in time order) per column.
pub fn decimate(points: &[Point], start: f64, end: f64, columns: usize) -> Vec<Point> {
    let columns = columns.max(1);
    if points.len() <= columns * 2 || end <= start {
        return points.to_vec();
    }
    let width = (end - start) / columns as f64;
    let mut out = Vec::with_capacity(columns * 2);
    let mut i = 0;
    while i < points.len() {
        let column = ((points[i].0 - start) / width).floor();
        let mut lo = points[i];
        let mut hi = points[i];
        let mut j = i + 1;
        while j < points.len() && ((points[j].0 - start) / width).floor() == column {
            if points[j].1 < lo.1 {
                lo = points[j];
            }
            if points[j].1 > hi.1 {
                hi = points[j];
            }
            j += 1;
        }
        if lo == hi {
            out.push(lo);
        } else if lo.0 <= hi.0 {
            out.extend([lo, hi]);
        } else {
            out.extend([hi, lo]);
        }
        i = j;
    }
    out
}

/// The y range to draw: the data's range with a little headroom; a flat line gets
/// ±1 so it is not drawn on the frame.
pub fn y_range(points: &[Point]) -> (f64, f64) {
    let (lo, hi) = points
        .iter()
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), p| {
            (lo.min(p.1), hi.max(p.1))
        });
    if !lo.is_finite() || !hi.is_finite() {
        return (0.0, 1.0);
    }
    if (hi - lo).abs() < f64::EPSILON {
        return (lo - 1.0, hi + 1.0);
    }
    let pad = (hi - lo) * 0.1;
    (lo - pad, hi + pad)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::feeds::{Ring, Value};

    fn sample(time_ms: f64, v: f64) -> Sample {
        Sample {
            time_ms,
            value: Value::Number(v),
            retained: false,
        }
    }

    #[test]
    fn only_samples_inside_the_window_are_drawn_relative_to_now() {
        let mut ring = Ring::new(10);
        for (t, v) in [(0.0, 1.0), (50_000.0, 2.0), (90_000.0, 3.0)] {
            ring.push(sample(t, v));
        }
        let points = window_points(ring.iter(), 100_000.0, 60.0, 500);
        assert_eq!(points, vec![(-50.0, 2.0), (-10.0, 3.0)]);
    }

    #[test]
    fn fifty_thousand_samples_decimate_to_two_per_column_and_keep_the_peaks() {
        let mut ring = Ring::new(50_000);
        for i in 0..50_000 {
            let v = if i == 25_000 { 1000.0 } else { (i % 7) as f64 };
            ring.push(sample(f64::from(i) * 10.0, v));
        }
        let points = window_points(ring.iter(), 500_000.0, 500.0, 400);
        assert!(points.len() <= 800, "{}", points.len());
        assert!(points.iter().any(|p| p.1 == 1000.0), "the peak survives");
        assert!(
            points.windows(2).all(|w| w[0].0 <= w[1].0),
            "time order kept"
        );
    }

    #[test]
    fn a_flat_or_empty_series_still_gets_a_drawable_range() {
        assert_eq!(y_range(&[]), (0.0, 1.0));
        assert_eq!(y_range(&[(0.0, 5.0), (1.0, 5.0)]), (4.0, 6.0));
        let (lo, hi) = y_range(&[(0.0, 0.0), (1.0, 10.0)]);
        assert!(lo < 0.0 && hi > 10.0);
    }
}
