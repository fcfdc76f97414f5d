//! Turning a feed's samples into what a chart draws: the points inside its time
//! window, decimated to the canvas width so 50 000 samples cost no more than 1 000.

use crate::feeds::Sample;

/// A point in chart coordinates: seconds relative to now (≤ 0), and the value.
pub type Point = (f64, f64);

/// The samples newer than `window_secs` before `now_ms`, as points relative to now, in
/// time order, decimated per column of the canvas: of the samples falling in one of
/// `columns` equal time buckets, only the first, the minimum, the maximum and the last
/// are kept ("M4"), so peaks survive, lines between columns join the right points and
/// the last point drawn is the newest value.
///
/// Walks the ring newest first and stops at the window's start, keeping at most four
/// points per column: nothing proportional to the number of samples is allocated.
pub fn window_points(
    samples: impl DoubleEndedIterator<Item = Sample>,
    now_ms: f64,
    window_secs: f64,
    columns: usize,
) -> Vec<Point> {
    let start = -window_secs;
    let column_width = window_secs / columns.max(1) as f64;
    let column_of = |t: f64| {
        if column_width > 0.0 {
            ((t - start) / column_width).floor()
        } else {
            0.0
        }
    };
    let mut newest_first: Vec<Point> = Vec::new();
    let mut current: Option<(f64, Column)> = None;
    for point in samples
        .rev()
        .map(|s| ((s.time_ms - now_ms) / 1000.0, s.value.as_f64()))
        .take_while(|(t, _)| *t >= start)
    {
        let column = column_of(point.0);
        match &mut current {
            Some((c, acc)) if *c == column => acc.add_older(point),
            _ => {
                if let Some((_, done)) = current.take() {
                    done.push_newest_first(&mut newest_first);
                }
                current = Some((column, Column::new(point)));
            }
        }
    }
    if let Some((_, done)) = current {
        done.push_newest_first(&mut newest_first);
    }
    newest_first.reverse();
    newest_first
}

/// One column's kept points, filled newest first.
struct Column {
    newest: Point,
    oldest: Point,
    min: Point,
    max: Point,
}

impl Column {
    fn new(newest: Point) -> Self {
        Self {
            newest,
            oldest: newest,
            min: newest,
            max: newest,
        }
    }

    fn add_older(&mut self, point: Point) {
        self.oldest = point;
        // Ties keep the newer point: any is as good, and this needs no extra test.
        if point.1 < self.min.1 {
            self.min = point;
        }
        if point.1 > self.max.1 {
            self.max = point;
        }
    }

    /// Appends the distinct kept points, newest first.
    fn push_newest_first(self, out: &mut Vec<Point>) {
        let mut kept = [self.newest, self.min, self.max, self.oldest];
        // Newest first = descending time; equal times keep this order.
        kept.sort_by(|a, b| b.0.total_cmp(&a.0));
        for point in kept {
            if out.last() != Some(&point) {
                out.push(point);
            }
        }
    }
}

/// The y range to draw: `y_min` / `y_max` where the dashboard fixes them, else the
/// data's range (of every series) with a little headroom; a flat line gets ±1 so it is
/// not drawn on the frame.
pub fn y_range<'a>(
    points: impl IntoIterator<Item = &'a Point>,
    y_min: Option<f64>,
    y_max: Option<f64>,
) -> (f64, f64) {
    let (lo, hi) = points
        .into_iter()
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), p| {
            (lo.min(p.1), hi.max(p.1))
        });
    let (lo, hi) = if !lo.is_finite() || !hi.is_finite() {
        (0.0, 1.0)
    } else if (hi - lo).abs() < f64::EPSILON {
        (lo - 1.0, hi + 1.0)
    } else {
        let pad = (hi - lo) * 0.1;
        (lo - pad, hi + pad)
    };
    match (y_min, y_max) {
        (Some(min), Some(max)) => (min, max),
        // One bound fixed: the data decides the other, kept on its side of the bound.
        (Some(min), None) => (min, if hi > min { hi } else { min + 1.0 }),
        (None, Some(max)) => (if lo < max { lo } else { max - 1.0 }, max),
        (None, None) => (lo, hi),
    }
}

/// `points` drawn as steps: each value holds until the next sample, then jumps — what
/// on/off and set-point data mean, where a slope between samples would invent values.
pub fn stepped(points: &[Point]) -> Vec<Point> {
    let mut out = Vec::with_capacity(points.len() * 2);
    for pair in points.windows(2) {
        let ((t0, v0), (t1, _)) = (pair[0], pair[1]);
        out.push((t0, v0));
        out.push((t1, v0));
    }
    if let Some(&last) = points.last() {
        out.push(last);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::feeds::{SampleRing, Value};

    fn sample(time_ms: f64, v: f64) -> Sample {
        Sample {
            time_ms,
            value: Value::Number(v),
            retained: false,
        }
    }

    #[test]
    fn only_samples_inside_the_window_are_drawn_relative_to_now() {
        let mut ring = SampleRing::new(10);
        for (t, v) in [(0.0, 1.0), (50_000.0, 2.0), (90_000.0, 3.0)] {
            ring.push(sample(t, v));
        }
        let points = window_points(ring.iter(), 100_000.0, 60.0, 500);
        assert_eq!(points, vec![(-50.0, 2.0), (-10.0, 3.0)]);
    }

    #[test]
    fn fifty_thousand_samples_decimate_to_four_per_column_and_keep_the_peaks() {
        let mut ring = SampleRing::new(50_000);
        for i in 0..50_000 {
            let v = match i {
                25_000 => 1000.0,
                30_000 => -1000.0,
                _ => (i % 7) as f64,
            };
            ring.push(sample(f64::from(i) * 10.0, v));
        }
        let points = window_points(ring.iter(), 500_000.0, 500.0, 400);
        assert!(points.len() <= 1600, "{}", points.len());
        assert!(points.len() > 400, "{}", points.len());
        assert!(points.iter().any(|p| p.1 == 1000.0), "the peak survives");
        assert!(points.iter().any(|p| p.1 == -1000.0), "the trough survives");
        assert!(
            points.windows(2).all(|w| w[0].0 <= w[1].0),
            "time order kept"
        );
        assert_eq!(
            points.last(),
            Some(&(-0.01, 5.0)),
            "the newest sample is last"
        );
        assert_eq!(points.first(), Some(&(-500.0, 0.0)), "the oldest is first");
    }

    #[test]
    fn a_column_keeps_its_first_min_max_and_last_in_time_order() {
        let mut ring = SampleRing::new(10);
        // One column of 10 s: values 5, 9, 1, 4 at t = 1..4 s.
        for (t, v) in [(1000.0, 5.0), (2000.0, 9.0), (3000.0, 1.0), (4000.0, 4.0)] {
            ring.push(sample(t, v));
        }
        let points = window_points(ring.iter(), 10_000.0, 10.0, 1);
        assert_eq!(
            points,
            vec![(-9.0, 5.0), (-8.0, 9.0), (-7.0, 1.0), (-6.0, 4.0)]
        );
    }

    #[test]
    fn sparse_samples_are_all_kept() {
        let mut ring = SampleRing::new(10);
        for (t, v) in [(1000.0, 5.0), (5000.0, 9.0), (9000.0, 1.0)] {
            ring.push(sample(t, v));
        }
        let points = window_points(ring.iter(), 10_000.0, 10.0, 10);
        assert_eq!(points, vec![(-9.0, 5.0), (-5.0, 9.0), (-1.0, 1.0)]);
    }

    #[test]
    fn a_flat_or_empty_series_still_gets_a_drawable_range() {
        assert_eq!(y_range(&[], None, None), (0.0, 1.0));
        assert_eq!(y_range(&[(0.0, 5.0), (1.0, 5.0)], None, None), (4.0, 6.0));
        let (lo, hi) = y_range(&[(0.0, 0.0), (1.0, 10.0)], None, None);
        assert!(lo < 0.0 && hi > 10.0);
    }

    #[test]
    fn fixed_y_bounds_win_and_a_single_bound_keeps_the_data_on_its_side() {
        let points = [(0.0, 20.0), (1.0, 30.0)];
        assert_eq!(y_range(&points, Some(0.0), Some(100.0)), (0.0, 100.0));
        assert_eq!(y_range(&points, Some(0.0), None), (0.0, 31.0));
        assert_eq!(y_range(&points, None, Some(25.0)), (19.0, 25.0));
        // Data entirely beyond the fixed bound: still a range the right way round.
        assert_eq!(y_range(&points, Some(50.0), None), (50.0, 51.0));
    }

    #[test]
    fn steps_hold_each_value_until_the_next_sample() {
        assert_eq!(
            stepped(&[(-3.0, 0.0), (-2.0, 1.0), (-1.0, 0.0)]),
            vec![
                (-3.0, 0.0),
                (-2.0, 0.0),
                (-2.0, 1.0),
                (-1.0, 1.0),
                (-1.0, 0.0)
            ]
        );
        assert_eq!(stepped(&[]), vec![]);
        assert_eq!(stepped(&[(-1.0, 5.0)]), vec![(-1.0, 5.0)]);
    }
}
