//! The gauge's dial as SVG path data: a half circle from `min` (left) over the top to
//! `max` (right). Pure functions of numbers, so the drawing is tested without a browser.

use super::thresholds::{Level, Threshold};

/// The SVG `viewBox` the paths are drawn in.
pub const VIEW_BOX: &str = "0 0 200 112";
/// Centre of the dial, and its radius (the middle of the stroke).
const CX: f64 = 100.0;
const CY: f64 = 100.0;
/// The value arc's radius (its stroke is 18 wide: see the stylesheet).
pub const RADIUS: f64 = 78.0;
/// Threshold zones are a thin ring just outside the value arc, so the inside of the
/// dial stays free for the number.
pub const ZONE_RADIUS: f64 = 95.0;

/// Where `value` sits between `min` and `max`, from 0 to 1: values outside the range
/// are clamped to its ends (the text still says the true value). A range that is empty
/// or not finite (refused by validation anyway) puts everything at 0.
pub fn fraction(value: f64, min: f64, max: f64) -> f64 {
    // Halved first, so a range as wide as f64 allows does not overflow to infinity.
    let half_span = max / 2.0 - min / 2.0;
    if !(half_span.is_finite() && half_span > 0.0) || value.is_nan() {
        return 0.0;
    }
    ((value / 2.0 - min / 2.0) / half_span).clamp(0.0, 1.0)
}

/// The arc from fraction `from` to fraction `to` (0 = left end, 1 = right end) on a
/// circle of `radius`, as path data; `None` when it has no length.
pub fn arc_path(from: f64, to: f64, radius: f64) -> Option<String> {
    let (from, to) = (from.clamp(0.0, 1.0), to.clamp(0.0, 1.0));
    if to - from < 1e-6 {
        return None;
    }
    let (x0, y0) = point(from, radius);
    let (x1, y1) = point(to, radius);
    // Sweep 1: clockwise on screen (SVG's y axis points down), over the top. At most a
    // half circle, so never the large arc.
    Some(format!(
        "M {x0:.2} {y0:.2} A {radius} {radius} 0 0 1 {x1:.2} {y1:.2}"
    ))
}

fn point(fraction: f64, radius: f64) -> (f64, f64) {
    let angle = std::f64::consts::PI * (1.0 - fraction);
    (CX + radius * angle.cos(), CY - radius * angle.sin())
}

/// The parts of the dial beyond each threshold, as (from, to, level) fractions:
/// `above b` spans b..max, `below b` spans min..b. Warnings first, so alarms are drawn
/// over them where they overlap.
pub fn zones(thresholds: &[Threshold], min: f64, max: f64) -> Vec<(f64, f64, Level)> {
    let mut zones: Vec<(f64, f64, Level)> = thresholds
        .iter()
        .filter_map(|t| match (t.above, t.below) {
            (Some(bound), None) => Some((fraction(bound, min, max), 1.0, t.level)),
            (None, Some(bound)) => Some((0.0, fraction(bound, min, max), t.level)),
            _ => None,
        })
        .filter(|(from, to, _)| to > from)
        .collect();
    zones.sort_by_key(|&(_, _, level)| level);
    zones
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_map_onto_the_range_and_are_clamped_at_its_ends() {
        assert_eq!(fraction(50.0, 0.0, 100.0), 0.5);
        assert_eq!(fraction(72.0, 30.0, 180.0), 42.0 / 150.0);
        assert_eq!(fraction(250.0, 30.0, 180.0), 1.0);
        assert_eq!(fraction(-5.0, 0.0, 100.0), 0.0);
    }

    #[test]
    fn an_impossible_range_or_value_gives_the_left_end_not_a_panic() {
        assert_eq!(fraction(5.0, 10.0, 10.0), 0.0);
        assert_eq!(fraction(5.0, 10.0, 0.0), 0.0);
        assert_eq!(fraction(f64::NAN, 0.0, 1.0), 0.0);
        assert_eq!(fraction(5.0, f64::NEG_INFINITY, f64::INFINITY), 0.0);
        assert_eq!(fraction(0.0, -1e308, 1e308), 0.5);
        assert_eq!(fraction(f64::MAX, -f64::MAX, f64::MAX), 1.0);
    }

    #[test]
    fn arcs_run_from_the_left_end_over_the_top() {
        assert_eq!(
            arc_path(0.0, 1.0, 80.0).as_deref(),
            Some("M 20.00 100.00 A 80 80 0 0 1 180.00 100.00")
        );
        assert_eq!(
            arc_path(0.0, 0.5, 80.0).as_deref(),
            Some("M 20.00 100.00 A 80 80 0 0 1 100.00 20.00")
        );
        assert_eq!(arc_path(0.3, 0.3, 80.0), None);
        assert_eq!(arc_path(0.0, 0.0, 80.0), None);
    }

    #[test]
    fn zones_lie_beyond_each_bound_with_alarms_drawn_last() {
        let t = |above: Option<f64>, below: Option<f64>, level| Threshold {
            above,
            below,
            level,
            label: None,
        };
        let thresholds = [
            t(Some(120.0), None, Level::Alarm),
            t(Some(100.0), None, Level::Warning),
            t(None, Some(40.0), Level::Alarm),
            // Outside the dial: no zone.
            t(None, Some(-10.0), Level::Warning),
        ];
        let zones = zones(&thresholds, 0.0, 200.0);
        assert_eq!(
            zones,
            vec![
                (0.5, 1.0, Level::Warning),
                (0.6, 1.0, Level::Alarm),
                (0.0, 0.2, Level::Alarm),
            ]
        );
    }
}
