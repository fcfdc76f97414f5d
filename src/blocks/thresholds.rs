//! Thresholds: when a value deserves attention, and how much.
//!
//! A threshold is one bound (`above` or `below` a value) and a level (`warning` or
//! `alarm`). Levels, not colours, are what a dashboard names: the stylesheet picks
//! colours that keep their contrast, and the level is also written out as text next to
//! the value, so it does not rest on colour alone.

use serde::{Deserialize, Serialize};

use super::number_format::with_unit;

/// How much a crossed threshold matters. Ordered: an alarm outranks a warning.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Level {
    /// Worth a look.
    Warning,
    /// Needs someone now.
    Alarm,
}

impl Level {
    /// The lower-case name: the JSON value, and the CSS class and `data-level` value.
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Warning => "warning",
            Level::Alarm => "alarm",
        }
    }

    /// The word shown before the threshold's description: "Alarm: below 92 %".
    pub fn title(self) -> &'static str {
        match self {
            Level::Warning => "Warning",
            Level::Alarm => "Alarm",
        }
    }
}

/// One bound and its level. Exactly one of `above` and `below` is given (checked when
/// the dashboard is read); the bound itself is not crossed: `below: 92` lets 92 pass.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Threshold {
    /// Crossed by values greater than this.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub above: Option<f64>,
    /// Crossed by values less than this.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub below: Option<f64>,
    /// How much crossing it matters.
    pub level: Level,
    /// What to call it instead of "below 92 %", e.g. "Low oxygen".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
}

impl Threshold {
    /// Crossed by values greater than `bound`, unlabelled.
    pub fn above(bound: f64, level: Level) -> Self {
        Self {
            above: Some(bound),
            below: None,
            level,
            label: None,
        }
    }

    /// Crossed by values less than `bound`, unlabelled.
    pub fn below(bound: f64, level: Level) -> Self {
        Self {
            above: None,
            below: Some(bound),
            level,
            label: None,
        }
    }

    /// True when `value` lies beyond the bound. A threshold that is not valid (both
    /// bounds or none) is never crossed: validation reports it instead.
    pub fn is_crossed_by(&self, value: f64) -> bool {
        match (self.above, self.below) {
            (Some(bound), None) => value > bound,
            (None, Some(bound)) => value < bound,
            _ => false,
        }
    }

    /// Its label, or the bound in words: "below 92 %".
    pub fn describe(&self, decimals: Option<u8>, unit: &str) -> String {
        if let Some(label) = self.label.as_deref().filter(|l| !l.trim().is_empty()) {
            return label.to_owned();
        }
        match (self.above, self.below) {
            (Some(bound), None) => format!("above {}", with_unit(bound, decimals, unit)),
            (None, Some(bound)) => format!("below {}", with_unit(bound, decimals, unit)),
            _ => String::new(),
        }
    }

    /// What the block says while this threshold is crossed: "Alarm: below 92 %".
    pub fn alert_text(&self, decimals: Option<u8>, unit: &str) -> String {
        format!("{}: {}", self.level.title(), self.describe(decimals, unit))
    }

    /// What is wrong with it, for the dashboard's validation.
    pub fn problem(&self) -> Option<String> {
        match (self.above, self.below) {
            (Some(_), Some(_)) => Some("give `above` or `below`, not both".into()),
            (None, None) => Some("give `above` or `below` (the bound)".into()),
            (Some(bound), None) | (None, Some(bound)) if !bound.is_finite() => {
                Some(format!("the bound {bound} is not a finite number"))
            }
            _ => None,
        }
    }
}

/// The crossed threshold that matters most: the highest level, and of equals the one
/// listed first (so a dashboard orders same-level thresholds by importance).
pub fn crossed(thresholds: &[Threshold], value: f64) -> Option<&Threshold> {
    let mut best: Option<&Threshold> = None;
    for threshold in thresholds.iter().filter(|t| t.is_crossed_by(value)) {
        if best.is_none_or(|b| threshold.level > b.level) {
            best = Some(threshold);
        }
    }
    best
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bound_is_crossed_strictly_beyond_it() {
        assert!(Threshold::below(92.0, Level::Alarm).is_crossed_by(91.9));
        assert!(!Threshold::below(92.0, Level::Alarm).is_crossed_by(92.0));
        assert!(Threshold::above(120.0, Level::Alarm).is_crossed_by(121.0));
        assert!(!Threshold::above(120.0, Level::Alarm).is_crossed_by(120.0));
    }

    #[test]
    fn the_highest_level_wins_then_the_first_listed() {
        let heart_rate = [
            Threshold::above(100.0, Level::Warning),
            Threshold::above(120.0, Level::Alarm),
            Threshold::below(50.0, Level::Warning),
            Threshold::below(40.0, Level::Alarm),
        ];
        assert_eq!(crossed(&heart_rate, 72.0), None);
        assert_eq!(crossed(&heart_rate, 110.0), Some(&heart_rate[0]));
        assert_eq!(crossed(&heart_rate, 138.0), Some(&heart_rate[1]));
        assert_eq!(crossed(&heart_rate, 45.0), Some(&heart_rate[2]));
        assert_eq!(crossed(&heart_rate, 30.0), Some(&heart_rate[3]));

        let twice = [
            Threshold::above(10.0, Level::Warning),
            Threshold::above(5.0, Level::Warning),
        ];
        assert_eq!(crossed(&twice, 11.0), Some(&twice[0]));
    }

    #[test]
    fn a_crossed_threshold_reads_as_its_level_and_bound_or_label() {
        let low = Threshold::below(92.0, Level::Alarm);
        assert_eq!(low.alert_text(Some(0), "%"), "Alarm: below 92 %");
        let labelled = Threshold {
            label: Some("Fast".into()),
            ..Threshold::above(100.0, Level::Warning)
        };
        assert_eq!(labelled.alert_text(None, "bpm"), "Warning: Fast");
    }

    #[test]
    fn a_threshold_needs_exactly_one_finite_bound() {
        assert_eq!(Threshold::below(1.0, Level::Warning).problem(), None);
        let both = Threshold {
            above: Some(1.0),
            ..Threshold::below(0.0, Level::Warning)
        };
        assert!(both.problem().unwrap().contains("not both"));
        assert!(!both.is_crossed_by(5.0));
        let neither = Threshold {
            below: None,
            ..Threshold::below(0.0, Level::Warning)
        };
        assert!(neither.problem().is_some());
    }

    #[test]
    fn thresholds_read_from_json_and_refuse_unknown_fields() {
        let t: Threshold = serde_json::from_str(r#"{"below": 92, "level": "alarm"}"#).unwrap();
        assert_eq!(t, Threshold::below(92.0, Level::Alarm));
        let err =
            serde_json::from_str::<Threshold>(r#"{"bellow": 92, "level": "alarm"}"#).unwrap_err();
        assert!(err.to_string().contains("unknown field `bellow`"), "{err}");
        let err =
            serde_json::from_str::<Threshold>(r#"{"below": 92, "level": "red"}"#).unwrap_err();
        assert!(err.to_string().contains("unknown variant `red`"), "{err}");
    }
}
