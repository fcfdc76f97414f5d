//! How much of a dashboard's history the browser keeps: how far back, and how many
//! samples per feed. Part of the dashboard (exported with it, so a shared ward screen
//! keeps what its makers chose); omitted, 24 hours and what each feed keeps in memory.

use serde::{Deserialize, Serialize};

/// Hours kept when the dashboard does not say.
pub const DEFAULT_HOURS: u32 = 24;

/// The longest a dashboard may ask for: 30 days.
pub const MAX_HOURS: u32 = 720;

/// The choices the page offers for hours (a dashboard's JSON may give any 1–720).
pub const HOUR_CHOICES: [u32; 5] = [1, 6, 24, 168, 720];

/// The choices the page offers for samples per feed; `None`: what the feed keeps.
pub const SAMPLE_CHOICES: [Option<u32>; 4] = [Some(1_000), Some(10_000), Some(20_000), None];

/// The dashboard's `history` settings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HistorySettings {
    /// Hours of samples kept, 1–[`MAX_HOURS`]; omitted: [`DEFAULT_HOURS`].
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hours: Option<u32>,
    /// Samples kept per feed, at least 1; omitted (or more than the feed keeps in
    /// memory): as many as the feed keeps (43,200 for a chart's).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub samples_per_feed: Option<u32>,
}

impl HistorySettings {
    /// True when nothing is set (and nothing is written in the JSON).
    pub fn is_default(&self) -> bool {
        *self == Self::default()
    }

    /// How many hours back samples are kept.
    pub fn kept_hours(&self) -> u32 {
        self.hours.unwrap_or(DEFAULT_HOURS).clamp(1, MAX_HOURS)
    }

    /// How far back samples are kept, in milliseconds.
    pub fn max_age_ms(&self) -> f64 {
        f64::from(self.kept_hours()) * 3_600_000.0
    }

    /// Samples kept of a feed that keeps `capacity` in memory.
    pub fn samples_for(&self, capacity: usize) -> usize {
        match self.samples_per_feed {
            Some(n) => (n.max(1) as usize).min(capacity),
            None => capacity,
        }
    }

    /// What is wrong with the settings, for the dashboard's import message.
    pub fn problems(&self) -> Vec<String> {
        let mut out = Vec::new();
        if let Some(hours) = self.hours.filter(|h| !(1..=MAX_HOURS).contains(h)) {
            out.push(format!("history.hours: 1 to {MAX_HOURS}, got {hours}"));
        }
        if self.samples_per_feed == Some(0) {
            out.push("history.samples_per_feed: at least 1, got 0".to_owned());
        }
        out
    }

    /// "24 hours", "7 days": how the page says `hours`.
    pub fn hours_label(hours: u32) -> String {
        match hours {
            1 => "1 hour".to_owned(),
            h if h % 24 == 0 && h > 24 => format!("{} days", h / 24),
            h => format!("{h} hours"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn omitted_settings_keep_a_day_and_what_the_feed_keeps() {
        let settings: HistorySettings = serde_json::from_str("{}").unwrap();
        assert!(settings.is_default());
        assert_eq!(settings.max_age_ms(), 86_400_000.0);
        assert_eq!(settings.samples_for(43_200), 43_200);
    }

    #[test]
    fn chosen_bounds_apply_within_what_the_feed_keeps() {
        let settings = HistorySettings {
            hours: Some(168),
            samples_per_feed: Some(1_000),
        };
        assert_eq!(settings.max_age_ms(), 7.0 * 86_400_000.0);
        assert_eq!(settings.samples_for(43_200), 1_000);
        assert_eq!(settings.samples_for(64), 64);
        assert!(settings.problems().is_empty());
        assert_eq!(HistorySettings::hours_label(168), "7 days");
        assert_eq!(HistorySettings::hours_label(6), "6 hours");
    }

    #[test]
    fn bounds_out_of_range_and_unknown_fields_are_refused() {
        let bad = HistorySettings {
            hours: Some(0),
            samples_per_feed: Some(0),
        };
        assert_eq!(bad.problems().len(), 2);
        assert!(serde_json::from_str::<HistorySettings>(r#"{"days": 2}"#).is_err());
        let long = HistorySettings {
            hours: Some(100_000),
            samples_per_feed: None,
        };
        assert!(long.problems()[0].contains("1 to 720"));
        assert_eq!(long.max_age_ms(), 720.0 * 3_600_000.0, "clamped even so");
    }
}
