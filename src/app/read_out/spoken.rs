//! What the read-out says of a block, and how often: "SpO2 87 %, Alarm: below 92 %",
//! "Heart rates: Bed 1 72 bpm, Bed 2 96 bpm", "Heater on"; a new text at most every
//! [`MIN_GAP_MS`], the newest one when the gap is over, never the same text twice.

use crate::blocks::number_format::with_unit;
use crate::blocks::thresholds::{crossed, Threshold};
use crate::feeds::Value;

/// The least time between two announcements: a 10 Hz feed must not talk over
/// everything else the screen reader says.
pub const MIN_GAP_MS: f64 = 5_000.0;

/// How a block writes its values, from its settings.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Voice {
    pub title: String,
    pub unit: String,
    pub decimals: Option<u8>,
    pub thresholds: Vec<Threshold>,
    /// The name of each of its feeds (a chart's series); empty for a block of one.
    pub names: Vec<String>,
    /// On/off feeds (a toggle's state, an indicator) say "on" and "off".
    pub switch: bool,
}

impl Voice {
    /// The sentence for the feeds' latest values, in the block's order; `None` until
    /// one has a value.
    pub fn say(&self, values: &[Option<Value>]) -> Option<String> {
        if values.iter().all(Option::is_none) {
            return None;
        }
        let one = |value: &Option<Value>| match value {
            None => "no data yet".to_owned(),
            Some(Value::Switch(on)) => if *on { "on" } else { "off" }.to_owned(),
            Some(Value::Number(n)) if self.switch => {
                if *n != 0.0 { "on" } else { "off" }.to_owned()
            }
            Some(Value::Number(n)) => {
                let mut text = with_unit(*n, self.decimals, &self.unit);
                if let Some(t) = crossed(&self.thresholds, *n) {
                    text.push_str(", ");
                    text.push_str(&t.alert_text(self.decimals, &self.unit));
                }
                text
            }
        };
        Some(match values {
            [value] if self.names.len() <= 1 => format!("{} {}", self.title, one(value)),
            _ => {
                let parts: Vec<String> = values
                    .iter()
                    .enumerate()
                    .map(|(i, v)| match self.names.get(i) {
                        Some(name) if !name.is_empty() => format!("{name} {}", one(v)),
                        _ => one(v),
                    })
                    .collect();
                format!("{}: {}", self.title, parts.join(", "))
            }
        })
    }
}

/// What to do with a new text.
#[derive(Debug, Clone, PartialEq)]
pub enum Decision {
    /// Say it now.
    Speak,
    /// Said already, or nothing to say.
    Nothing,
    /// Say the newest text this many ms from now.
    WaitMs(f64),
}

/// When the last announcement was, and what it said.
#[derive(Debug, Clone, Default)]
pub struct Pacer {
    last: Option<(f64, String)>,
}

impl Pacer {
    /// `text` is the block's sentence at `now_ms`.
    pub fn offer(&mut self, now_ms: f64, text: &str) -> Decision {
        match &self.last {
            Some((_, said)) if said == text => Decision::Nothing,
            Some((at, _)) if now_ms - at < MIN_GAP_MS => {
                Decision::WaitMs(MIN_GAP_MS - (now_ms - at))
            }
            _ => {
                self.last = Some((now_ms, text.to_owned()));
                Decision::Speak
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spo2() -> Voice {
        Voice {
            title: "SpO2".into(),
            unit: "%".into(),
            decimals: Some(0),
            thresholds: serde_json::from_value(
                serde_json::json!([{ "below": 92, "level": "alarm" }]),
            )
            .unwrap(),
            ..Voice::default()
        }
    }

    #[test]
    fn a_block_is_said_with_its_unit_its_crossed_threshold_and_its_series() {
        assert_eq!(spo2().say(&[None]), None);
        assert_eq!(
            spo2().say(&[Some(Value::Number(97.2))]).unwrap(),
            "SpO2 97 %"
        );
        assert_eq!(
            spo2().say(&[Some(Value::Number(88.0))]).unwrap(),
            "SpO2 88 %, Alarm: below 92 %"
        );
        let rates = Voice {
            title: "Heart rates".into(),
            unit: "bpm".into(),
            names: vec!["Bed 1".into(), "Bed 2".into()],
            ..Voice::default()
        };
        assert_eq!(
            rates.say(&[Some(Value::Number(72.0)), None]).unwrap(),
            "Heart rates: Bed 1 72 bpm, Bed 2 no data yet"
        );
        let heater = Voice {
            title: "Heater".into(),
            switch: true,
            ..Voice::default()
        };
        assert_eq!(
            heater.say(&[Some(Value::Switch(true))]).unwrap(),
            "Heater on"
        );
        assert_eq!(
            heater.say(&[Some(Value::Number(0.0))]).unwrap(),
            "Heater off"
        );
    }

    #[test]
    fn a_new_text_waits_for_the_gap_and_the_same_text_is_not_said_again() {
        let mut pacer = Pacer::default();
        assert_eq!(pacer.offer(0.0, "SpO2 97 %"), Decision::Speak);
        assert_eq!(pacer.offer(100.0, "SpO2 97 %"), Decision::Nothing);
        assert_eq!(pacer.offer(1000.0, "SpO2 96 %"), Decision::WaitMs(4000.0));
        assert_eq!(pacer.offer(5000.0, "SpO2 95 %"), Decision::Speak);
        assert_eq!(pacer.offer(9000.0, "SpO2 95 %"), Decision::Nothing);
    }
}
