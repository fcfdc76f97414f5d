//! The value block: a feed's latest value as a big number with its unit, and the
//! threshold it crosses written out ("Alarm: below 92 %") as well as coloured.
//!
//! ARIA: the block is a `group` whose accessible name carries the value ("Bed 3 SpO2:
//! 88 %, Alarm: below 92 %"), with the freshness and problem lines as its description.
//! - Not `status` or `<output>`: those are live regions, and a 1 Hz feed would be
//!   announced every second, drowning out everything else a screen reader says.
//! - Not `meter`: the value has no bounds (the gauge block is the meter).
//! - A `group` rather than a landmark `region`, because its name changes with the value
//!   and landmark lists should not churn.
//!
//! So the value is read when the user goes to it. What does deserve an announcement is
//! a threshold crossing: a visually hidden polite live region whose text changes only
//! when the crossed threshold changes (into a warning, an alarm, or back in range) —
//! at most a few announcements a minute however fast values come.

use leptos::prelude::*;

use super::feed_notes::{unique_id, FeedNotes};
use super::number_format::with_unit;
use super::staleness::Freshness;
use super::thresholds::{crossed, Level, Threshold};
use crate::app::FeedHandle;

/// What the block shows of one value.
#[derive(Debug, Clone, PartialEq)]
pub struct Reading {
    /// The number with its unit: `88 %`.
    pub text: String,
    /// The crossed threshold's level and text, if any.
    pub alert: Option<(Level, String)>,
}

impl Reading {
    /// `value` as a block with these settings shows it.
    pub fn of(value: f64, decimals: Option<u8>, unit: &str, thresholds: &[Threshold]) -> Self {
        Reading {
            text: with_unit(value, decimals, unit),
            alert: crossed(thresholds, value).map(|t| (t.level, t.alert_text(decimals, unit))),
        }
    }

    /// `88 %` or `88 %, Alarm: below 92 %`: for accessible names and values.
    pub fn spoken(&self) -> String {
        match &self.alert {
            Some((_, alert)) => format!("{}, {alert}", self.text),
            None => self.text.clone(),
        }
    }

    /// The `data-level` value: `warning`, `alarm` or `normal`.
    pub fn level_name(reading: Option<&Reading>) -> &'static str {
        match reading.and_then(|r| r.alert.as_ref()) {
            Some((level, _)) => level.as_str(),
            None => "normal",
        }
    }
}

/// The latest reading of `feed` as these settings show it; recomputed when the feed's
/// version moves (at most once per frame).
pub fn use_reading(
    feed: FeedHandle,
    unit: String,
    decimals: Option<u8>,
    thresholds: Vec<Threshold>,
) -> Memo<Option<Reading>> {
    Memo::new(move |_| {
        feed.with(|f| f.latest().map(|s| s.value.as_f64()))
            .flatten()
            .map(|v| Reading::of(v, decimals, &unit, &thresholds))
    })
}

/// What the live region says: the crossed threshold, "back in range" after one, and
/// nothing before the first crossing. Changes only when the crossing changes.
pub fn announcement(title: &str, alert: Option<&str>, previous: Option<&str>) -> String {
    match (alert, previous) {
        (Some(alert), _) => format!("{title}: {alert}"),
        (None, Some(previous)) if !previous.is_empty() => format!("{title}: back in range"),
        (None, _) => String::new(),
    }
}

/// A big-number block of one numeric feed.
#[component]
pub fn ValueBlock(
    title: String,
    unit: String,
    decimals: Option<u8>,
    thresholds: Vec<Threshold>,
    feed: FeedHandle,
    freshness: Memo<Freshness>,
) -> impl IntoView {
    let reading = use_reading(feed, unit, decimals, thresholds);
    let name = {
        let title = title.clone();
        move || match reading.get() {
            Some(r) => format!("{title}: {}", r.spoken()),
            None => format!("{title}: no data yet"),
        }
    };
    let alert_text = move || reading.with(|r| r.as_ref().and_then(|r| r.alert.clone()));
    let spoken_alert = {
        let title = title.clone();
        Memo::new(move |previous: Option<&String>| {
            let alert = alert_text().map(|(_, text)| text);
            announcement(&title, alert.as_deref(), previous.map(String::as_str))
        })
    };
    let notes_id = unique_id("value-notes");
    let described_by = notes_id.clone();

    view! {
        <section class="block value" role="group" aria-label=name
            aria-describedby=described_by
            data-level=move || reading.with(|r| Reading::level_name(r.as_ref()))
            data-freshness=move || freshness.get().as_str()>
            <h2>{title}</h2>
            <p class="reading" aria-hidden="true">
                {move || reading.with(|r| r.as_ref().map_or_else(|| "–".to_owned(), |r| r.text.clone()))}
            </p>
            {move || alert_text().map(|(level, text)| view! {
                <p class="level-text" data-level=level.as_str() aria-hidden="true">{text}</p>
            })}
            <FeedNotes id=notes_id freshness feed />
            <p class="visually-hidden" role="status">{move || spoken_alert.get()}</p>
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spo2_thresholds() -> Vec<Threshold> {
        serde_json::from_str(r#"[{"below":92,"level":"alarm"},{"below":94,"level":"warning"}]"#)
            .unwrap()
    }

    #[test]
    fn a_reading_shows_its_unit_decimals_and_crossed_threshold() {
        let thresholds = spo2_thresholds();
        let normal = Reading::of(97.0, Some(0), "%", &thresholds);
        assert_eq!(normal.spoken(), "97 %");
        assert_eq!(Reading::level_name(Some(&normal)), "normal");
        let low = Reading::of(88.4, Some(0), "%", &thresholds);
        assert_eq!(low.spoken(), "88 %, Alarm: below 92 %");
        assert_eq!(Reading::level_name(Some(&low)), "alarm");
        let watch = Reading::of(93.0, Some(0), "%", &thresholds);
        assert_eq!(
            watch.alert,
            Some((Level::Warning, "Warning: below 94 %".into()))
        );
        assert_eq!(Reading::level_name(None), "normal");
    }

    #[test]
    fn only_threshold_crossings_are_announced() {
        assert_eq!(announcement("SpO2", None, None), "");
        assert_eq!(announcement("SpO2", None, Some("")), "");
        assert_eq!(
            announcement("SpO2", Some("Alarm: below 92 %"), Some("")),
            "SpO2: Alarm: below 92 %"
        );
        assert_eq!(
            announcement("SpO2", None, Some("SpO2: Alarm: below 92 %")),
            "SpO2: back in range"
        );
        // Staying in range after that says the same, so nothing new is announced.
        assert_eq!(
            announcement("SpO2", None, Some("SpO2: back in range")),
            "SpO2: back in range"
        );
    }
}
