//! An alert rule as the user is typing it in the page: the form's texts, turned into
//! an [`AlertRule`] checked as the dashboard JSON's rules are, with each problem kept
//! at the field that holds it ("Threshold: not a number: ninety").

use super::rule::{AlertRule, Condition, Level};

/// Which condition the form asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ConditionKind {
    #[default]
    Above,
    Below,
    Outside,
    Equals,
    Stale,
}

impl ConditionKind {
    pub const ALL: [ConditionKind; 5] = [
        ConditionKind::Above,
        ConditionKind::Below,
        ConditionKind::Outside,
        ConditionKind::Equals,
        ConditionKind::Stale,
    ];

    /// The option's text.
    pub fn label(self) -> &'static str {
        match self {
            ConditionKind::Above => "Above a value",
            ConditionKind::Below => "Below a value",
            ConditionKind::Outside => "Outside a range",
            ConditionKind::Equals => "Equals a text",
            ConditionKind::Stale => "No message for a while",
        }
    }

    /// The option's value in the page.
    pub fn key(self) -> &'static str {
        match self {
            ConditionKind::Above => "above",
            ConditionKind::Below => "below",
            ConditionKind::Outside => "outside",
            ConditionKind::Equals => "equals",
            ConditionKind::Stale => "stale",
        }
    }

    pub fn from_key(key: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|k| k.key() == key)
    }

    /// True for the conditions on a number, which hysteresis applies to.
    pub fn is_numeric(self) -> bool {
        matches!(
            self,
            ConditionKind::Above | ConditionKind::Below | ConditionKind::Outside
        )
    }
}

/// The form's fields, as typed.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct AlertDraft {
    pub name: String,
    pub topic: String,
    pub kind: ConditionKind,
    /// The bound of above/below, the low end of outside.
    pub threshold: String,
    /// The high end of outside.
    pub high: String,
    /// The text of equals.
    pub text: String,
    /// The seconds of stale.
    pub seconds: String,
    pub hysteresis: String,
    pub hold_secs: String,
    pub level: Level,
    pub sound: bool,
}

/// Field keys, also the ids' ends in the page.
pub mod field {
    pub const NAME: &str = "name";
    pub const TOPIC: &str = "topic";
    pub const THRESHOLD: &str = "threshold";
    pub const HIGH: &str = "high";
    pub const TEXT: &str = "text";
    pub const SECONDS: &str = "seconds";
    pub const HYSTERESIS: &str = "hysteresis";
    pub const HOLD: &str = "hold";
}

/// What is wrong with a draft, by field key; empty when it makes a rule.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct DraftProblems(pub Vec<(&'static str, String)>);

impl DraftProblems {
    /// What is wrong with field `key`, if anything.
    pub fn at(&self, key: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(k, _)| *k == key)
            .map(|(_, p)| p.as_str())
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl AlertDraft {
    /// The form filled in with `rule`, to edit it.
    pub fn from_rule(rule: &AlertRule) -> Self {
        let number = |v: f64| v.to_string();
        let mut draft = AlertDraft {
            name: rule.name.clone(),
            topic: rule.topic.clone(),
            hysteresis: rule.hysteresis.map(number).unwrap_or_default(),
            hold_secs: rule.for_secs.map(number).unwrap_or_default(),
            level: rule.level,
            sound: rule.sound,
            ..AlertDraft::default()
        };
        match rule.condition() {
            Ok(Condition::Above(t)) => {
                draft.kind = ConditionKind::Above;
                draft.threshold = number(t);
            }
            Ok(Condition::Below(t)) => {
                draft.kind = ConditionKind::Below;
                draft.threshold = number(t);
            }
            Ok(Condition::Outside(low, high)) => {
                draft.kind = ConditionKind::Outside;
                draft.threshold = number(low);
                draft.high = number(high);
            }
            Ok(Condition::Equals(text)) => {
                draft.kind = ConditionKind::Equals;
                draft.text = text;
            }
            Ok(Condition::Stale { after_ms }) => {
                draft.kind = ConditionKind::Stale;
                draft.seconds = number(after_ms / 1000.0);
            }
            Err(_) => {}
        }
        draft
    }

    /// The rule, or what is wrong at which field. `known_feeds` are the topics the
    /// dashboard's blocks read: a rule on any other topic is most likely a typing
    /// mistake, and would watch a feed nobody sees.
    pub fn to_rule(&self, known_feeds: &[String]) -> Result<AlertRule, DraftProblems> {
        let mut problems = Vec::new();
        let name = self.name.trim();
        if name.is_empty() {
            problems.push((field::NAME, "Name: give the alert a name".to_owned()));
        }
        let topic = self.topic.trim();
        if let Some(problem) = topic_problem(topic, known_feeds) {
            problems.push((field::TOPIC, problem));
        }
        let mut required =
            |key: &'static str, label: &str, text: &str| match number(label, text, false) {
                Ok(v) => v,
                Err(p) => {
                    problems.push((key, p));
                    None
                }
            };
        let mut rule = AlertRule {
            name: name.to_owned(),
            topic: topic.to_owned(),
            json_path: None,
            above: None,
            below: None,
            outside: None,
            equals: None,
            stale_secs: None,
            hysteresis: None,
            for_secs: None,
            level: self.level,
            sound: self.sound,
        };
        match self.kind {
            ConditionKind::Above => {
                rule.above = required(field::THRESHOLD, "Threshold", &self.threshold);
            }
            ConditionKind::Below => {
                rule.below = required(field::THRESHOLD, "Threshold", &self.threshold);
            }
            ConditionKind::Outside => {
                let low = required(field::THRESHOLD, "Low end", &self.threshold);
                let high = required(field::HIGH, "High end", &self.high);
                if let (Some(low), Some(high)) = (low, high) {
                    if low < high {
                        rule.outside = Some([low, high]);
                    } else {
                        problems.push((
                            field::HIGH,
                            format!("High end: must be more than the low end ({low})"),
                        ));
                    }
                }
            }
            ConditionKind::Equals => {
                let text = self.text.trim();
                if text.is_empty() {
                    problems.push((
                        field::TEXT,
                        "Text: give the payload that raises the alert, e.g. OPEN".to_owned(),
                    ));
                } else {
                    rule.equals = Some(text.to_owned());
                }
            }
            ConditionKind::Stale => {
                match number("Seconds without a message", &self.seconds, false) {
                    Ok(Some(s)) if s > 0.0 => rule.stale_secs = Some(s),
                    Ok(Some(_)) => problems.push((
                        field::SECONDS,
                        "Seconds without a message: more than 0".to_owned(),
                    )),
                    Ok(None) => {}
                    Err(p) => problems.push((field::SECONDS, p)),
                }
            }
        }
        if self.kind.is_numeric() {
            match number("Hysteresis", &self.hysteresis, true) {
                Ok(Some(v)) if v < 0.0 => {
                    problems.push((field::HYSTERESIS, "Hysteresis: 0 or more".to_owned()))
                }
                Ok(v) => rule.hysteresis = v.filter(|v| *v > 0.0),
                Err(p) => problems.push((field::HYSTERESIS, p)),
            }
        }
        if self.kind != ConditionKind::Stale {
            match number("Hold for", &self.hold_secs, true) {
                Ok(Some(v)) if v < 0.0 => {
                    problems.push((field::HOLD, "Hold for: 0 seconds or more".to_owned()))
                }
                Ok(v) => rule.for_secs = v.filter(|v| *v > 0.0),
                Err(p) => problems.push((field::HOLD, p)),
            }
        }
        if !problems.is_empty() {
            return Err(DraftProblems(problems));
        }
        // What the JSON's check would say, should the form have let something by.
        match rule.problems().into_iter().next() {
            Some(problem) => Err(DraftProblems(vec![(field::NAME, problem)])),
            None => Ok(rule),
        }
    }
}

/// `text` as a finite number; `Ok(None)` when empty and `optional`.
fn number(label: &str, text: &str, optional: bool) -> Result<Option<f64>, String> {
    let text = text.trim();
    if text.is_empty() {
        return if optional {
            Ok(None)
        } else {
            Err(format!("{label}: give a number"))
        };
    }
    match text.parse::<f64>() {
        Ok(v) if v.is_finite() => Ok(Some(v)),
        _ => Err(format!("{label}: not a number: {text}")),
    }
}

/// Why `topic` cannot be the rule's feed: empty, not a valid filter, or read by no
/// block of the dashboard.
fn topic_problem(topic: &str, known_feeds: &[String]) -> Option<String> {
    if topic.is_empty() {
        return Some("Feed: choose the feed to watch".to_owned());
    }
    if let Err(rule) = mqtt_session::topic::validate_topic_filter(topic) {
        return Some(format!("Feed: {topic:?} is not a valid topic: {rule}"));
    }
    // A block's filter that covers the topic reads it too.
    let known = known_feeds
        .iter()
        .any(|feed| super::reads_topic(feed, topic));
    (!known).then(|| {
        format!(
            "Feed: no block on this dashboard reads {topic:?}: choose one of its feeds \
             (add a block for a new feed first)"
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn known() -> Vec<String> {
        vec!["ward/bed1/spo2".into(), "ward/+/hr".into()]
    }

    fn draft(kind: ConditionKind) -> AlertDraft {
        AlertDraft {
            name: "SpO2 low".into(),
            topic: "ward/bed1/spo2".into(),
            kind,
            ..AlertDraft::default()
        }
    }

    #[test]
    fn a_filled_in_form_makes_the_rule_the_json_would_hold() {
        let mut below = draft(ConditionKind::Below);
        below.threshold = " 90 ".into();
        below.hysteresis = "2".into();
        below.hold_secs = "5".into();
        below.sound = true;
        let rule = below.to_rule(&known()).unwrap();
        let json = serde_json::to_value(&rule).unwrap();
        assert_eq!(
            json,
            serde_json::json!({ "name": "SpO2 low", "topic": "ward/bed1/spo2", "below": 90.0,
                "hysteresis": 2.0, "for_secs": 5.0, "level": "alarm", "sound": true })
        );
        assert_eq!(AlertDraft::from_rule(&rule).to_rule(&known()), Ok(rule));
    }

    #[test]
    fn a_bad_threshold_is_refused_at_its_field() {
        let mut above = draft(ConditionKind::Above);
        above.threshold = "ninety".into();
        let problems = above.to_rule(&known()).unwrap_err();
        assert_eq!(
            problems.at(field::THRESHOLD),
            Some("Threshold: not a number: ninety")
        );
        above.threshold = String::new();
        let problems = above.to_rule(&known()).unwrap_err();
        assert_eq!(
            problems.at(field::THRESHOLD),
            Some("Threshold: give a number")
        );
        above.threshold = "inf".into();
        assert!(above.to_rule(&known()).is_err(), "infinity is no threshold");
    }

    #[test]
    fn an_unknown_or_invalid_feed_is_refused_at_its_field() {
        let mut typo = draft(ConditionKind::Below);
        typo.threshold = "90".into();
        typo.topic = "ward/bed1/sp02".into();
        let problem = typo.to_rule(&known()).unwrap_err();
        assert!(problem
            .at(field::TOPIC)
            .unwrap()
            .starts_with("Feed: no block on this dashboard reads \"ward/bed1/sp02\""));
        typo.topic = "ward/#/x".into();
        assert!(typo
            .to_rule(&known())
            .unwrap_err()
            .at(field::TOPIC)
            .unwrap()
            .contains("not a valid topic"));
        // A topic a block's wildcard reads is one of the dashboard's feeds.
        typo.topic = "ward/bed2/hr".into();
        assert!(typo.to_rule(&known()).is_ok());
    }

    #[test]
    fn a_range_must_go_up_and_stale_needs_seconds() {
        let mut outside = draft(ConditionKind::Outside);
        outside.threshold = "10".into();
        outside.high = "5".into();
        assert_eq!(
            outside.to_rule(&known()).unwrap_err().at(field::HIGH),
            Some("High end: must be more than the low end (10)")
        );
        let mut stale = draft(ConditionKind::Stale);
        stale.seconds = "0".into();
        stale.hysteresis = "not looked at".into();
        let problems = stale.to_rule(&known()).unwrap_err();
        assert_eq!(
            problems.0,
            vec![(
                field::SECONDS,
                "Seconds without a message: more than 0".into()
            )]
        );
        stale.seconds = "30".into();
        assert_eq!(stale.to_rule(&known()).unwrap().stale_secs, Some(30.0));
    }

    #[test]
    fn an_empty_name_and_text_are_said() {
        let mut equals = draft(ConditionKind::Equals);
        equals.name = "  ".into();
        let problems = equals.to_rule(&known()).unwrap_err();
        assert!(problems.at(field::NAME).is_some());
        assert!(problems.at(field::TEXT).is_some());
    }
}
