//! An alert rule as the dashboard JSON holds it: which feed, which condition, how a
//! noisy value is kept from flapping, and how loud. Checked when the JSON is read;
//! each problem names the rule and the field.

use mqtt_session::topic::validate_topic_filter;
use serde::{Deserialize, Serialize};

use crate::feeds::{Decoding, JsonQuery, Part, Read};

/// The most rules one dashboard holds.
pub const MAX_RULES: usize = 100;

/// How loud an alert is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Level {
    Warning,
    #[default]
    Alarm,
}

impl Level {
    /// As the page says it.
    pub fn label(self) -> &'static str {
        match self {
            Level::Warning => "Warning",
            Level::Alarm => "Alarm",
        }
    }
}

/// One rule: `{ "name": "SpO2 low", "topic": "ward/bed1/spo2", "below": 90,
/// "hysteresis": 2, "for_secs": 5 }`. Exactly one condition of `above`, `below`,
/// `outside`, `equals` and `stale_secs`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AlertRule {
    /// What the banner and the log call it.
    pub name: String,
    /// The feed: a topic or filter, read as a number (or compared as text for
    /// `equals`).
    pub topic: String,
    /// Where the value is in a JSON payload.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub json_path: Option<String>,
    /// Fires when the value is above this.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub above: Option<f64>,
    /// Fires when the value is below this.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub below: Option<f64>,
    /// Fires when the value is outside `[low, high]`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub outside: Option<[f64; 2]>,
    /// Fires when the payload (trimmed) is this text.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub equals: Option<String>,
    /// Fires when no message came for this many seconds while connected.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stale_secs: Option<f64>,
    /// How far back past the bound the value must come to clear (so a value hovering
    /// at the bound does not fire and clear over and over). Omitted: 0.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hysteresis: Option<f64>,
    /// How long the condition must hold before the alert fires. Omitted: at once.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub for_secs: Option<f64>,
    #[serde(default)]
    pub level: Level,
    /// Beep when it fires (the page must have been clicked or tapped once: browsers
    /// play no sound before that).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub sound: bool,
}

/// A rule's condition, read from its fields.
#[derive(Debug, Clone, PartialEq)]
pub enum Condition {
    Above(f64),
    Below(f64),
    Outside(f64, f64),
    Equals(String),
    Stale { after_ms: f64 },
}

impl AlertRule {
    /// The one condition the rule gives.
    pub fn condition(&self) -> Result<Condition, String> {
        let mut given = Vec::new();
        if let Some(t) = self.above {
            given.push(Condition::Above(t));
        }
        if let Some(t) = self.below {
            given.push(Condition::Below(t));
        }
        if let Some([low, high]) = self.outside {
            given.push(Condition::Outside(low, high));
        }
        if let Some(text) = &self.equals {
            given.push(Condition::Equals(text.trim().to_owned()));
        }
        if let Some(secs) = self.stale_secs {
            given.push(Condition::Stale {
                after_ms: secs * 1000.0,
            });
        }
        match given.len() {
            1 => Ok(given.remove(0)),
            0 => Err("give one of above, below, outside, equals or stale_secs".to_owned()),
            _ => Err("give only one of above, below, outside, equals or stale_secs".to_owned()),
        }
    }

    /// How the rule reads its feed's payloads.
    pub fn decoding(&self) -> Result<Decoding, String> {
        let read = match self.condition()? {
            Condition::Equals(text) => Decoding::whole(Read::Equals { on: text }),
            _ => Decoding::number(),
        };
        match &self.json_path {
            Some(path) => JsonQuery::parse(path)
                .map(|q| read.of_part(Part::Json(q)))
                .map_err(|e| format!("json_path: {e}")),
            None => Ok(read),
        }
    }

    /// Everything wrong with the rule, each as `field: what is wrong`.
    pub fn problems(&self) -> Vec<String> {
        let mut out = Vec::new();
        if self.name.trim().is_empty() {
            out.push("name: give the alert a name".to_owned());
        }
        if let Err(rule) = validate_topic_filter(&self.topic) {
            out.push(format!(
                "topic: {:?} is not a valid topic: {rule}",
                self.topic
            ));
        }
        if let Err(e) = self.condition() {
            out.push(e);
        }
        if let Some(Err(e)) = self.json_path.as_deref().map(JsonQuery::parse) {
            out.push(format!("json_path: {e}"));
        }
        let finite = |field: &str, value: Option<f64>, out: &mut Vec<String>| {
            if let Some(v) = value.filter(|v| !v.is_finite()) {
                out.push(format!("{field}: must be a number, got {v}"));
            }
        };
        finite("above", self.above, &mut out);
        finite("below", self.below, &mut out);
        if let Some([low, high]) = self.outside {
            if !(low.is_finite() && high.is_finite() && low < high) {
                out.push(format!(
                    "outside: [low, high] with low < high, got [{low}, {high}]"
                ));
            }
        }
        for (field, value) in [
            ("stale_secs", self.stale_secs),
            ("hysteresis", self.hysteresis),
            ("for_secs", self.for_secs),
        ] {
            if let Some(v) = value.filter(|v| !(v.is_finite() && *v >= 0.0)) {
                out.push(format!("{field}: a number of 0 or more, got {v}"));
            }
        }
        if self.stale_secs == Some(0.0) {
            out.push("stale_secs: more than 0".to_owned());
        }
        out
    }

    /// The hysteresis, 0 when omitted.
    pub fn hysteresis(&self) -> f64 {
        self.hysteresis.unwrap_or(0.0).max(0.0)
    }

    /// The minimum duration in milliseconds, 0 when omitted.
    pub fn hold_ms(&self) -> f64 {
        self.for_secs.unwrap_or(0.0).max(0.0) * 1000.0
    }

    /// The condition in words: "below 90", "no message for 30 s".
    pub fn describe(&self) -> String {
        match self.condition() {
            Ok(Condition::Above(t)) => format!("above {t}"),
            Ok(Condition::Below(t)) => format!("below {t}"),
            Ok(Condition::Outside(low, high)) => format!("outside {low}–{high}"),
            Ok(Condition::Equals(text)) => format!("is {text:?}"),
            Ok(Condition::Stale { after_ms }) => format!("no message for {} s", after_ms / 1000.0),
            Err(e) => e,
        }
    }
}

/// `alert 2 ("SpO2 low")`: how errors name a rule.
pub fn rule_name(index: usize, json: &serde_json::Value) -> String {
    match json.get("name").and_then(serde_json::Value::as_str) {
        Some(name) => format!("alert {} ({name:?})", index + 1),
        None => format!("alert {}", index + 1),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rule(json: serde_json::Value) -> Result<AlertRule, String> {
        serde_json::from_value(json).map_err(|e| e.to_string())
    }

    #[test]
    fn a_rule_has_exactly_one_condition() {
        let ok =
            rule(serde_json::json!({ "name": "Low", "topic": "w/spo2", "below": 90 })).unwrap();
        assert_eq!(ok.condition(), Ok(Condition::Below(90.0)));
        assert!(ok.problems().is_empty());
        assert_eq!(ok.level, Level::Alarm);
        let none = rule(serde_json::json!({ "name": "?", "topic": "t" })).unwrap();
        assert!(none.problems()[0].contains("give one of"));
        let two =
            rule(serde_json::json!({ "name": "?", "topic": "t", "above": 1, "below": 0 })).unwrap();
        assert!(two.problems()[0].contains("only one"));
    }

    #[test]
    fn bad_fields_are_refused_with_the_field_named() {
        let bad = rule(serde_json::json!({
            "name": " ", "topic": "a/#/b", "outside": [5, 1], "hysteresis": -1, "stale_secs": 0,
            "json_path": "$[" }))
        .unwrap();
        let problems = bad.problems().join("; ");
        for field in [
            "name:",
            "topic:",
            "outside:",
            "hysteresis:",
            "stale_secs:",
            "json_path:",
        ] {
            assert!(problems.contains(field), "{field} in {problems}");
        }
        assert!(rule(serde_json::json!({ "name": "x", "topic": "t", "abve": 1 })).is_err());
    }

    #[test]
    fn an_equals_rule_reads_text_and_the_others_numbers() {
        let door =
            rule(serde_json::json!({ "name": "Door", "topic": "d", "equals": " OPEN " })).unwrap();
        assert_eq!(
            door.decoding().unwrap().read,
            Read::Equals { on: "OPEN".into() }
        );
        assert_eq!(door.describe(), "is \"OPEN\"");
        let json =
            rule(serde_json::json!({ "name": "T", "topic": "t", "above": 30, "json_path": "$.t" }))
                .unwrap();
        assert!(matches!(json.decoding().unwrap().part, Part::Json(_)));
    }
}
