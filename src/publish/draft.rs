//! The publish console's form, checked field by field: a problem names the field and
//! the rule, and nothing is sent until there are none.

use mqtt_session::topic::validate_topic_name;
use mqtt_session::{Duration, MessageProperties, QoS};

/// How the payload box is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum PayloadFormat {
    /// Sent as typed.
    #[default]
    Text,
    /// Sent as typed, once it parses as JSON.
    Json,
}

/// What the console's form holds, as typed.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Draft {
    pub topic: String,
    pub payload: String,
    pub format: PayloadFormat,
    pub qos: QoS,
    pub retain: bool,
    /// MQTT 5 properties, empty for none.
    pub content_type: String,
    pub response_topic: String,
    pub correlation_data: String,
    /// Whole seconds.
    pub expiry_secs: String,
    /// One `name=value` per line.
    pub user_properties: String,
}

/// The form's fields that can be wrong, for putting a problem next to its field.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    Topic,
    Payload,
    ResponseTopic,
    Expiry,
    UserProperties,
}

/// A checked message: what is published.
#[derive(Debug, Clone, PartialEq)]
pub struct Outgoing {
    pub topic: String,
    pub payload: String,
    pub qos: QoS,
    pub retain: bool,
    /// Sent over MQTT 5 only.
    pub properties: MessageProperties,
}

impl Outgoing {
    /// An empty retained message on `topic`: how a broker is told to forget the message
    /// it retains there.
    pub fn clear_retained(topic: &str, qos: QoS) -> Self {
        Outgoing {
            topic: topic.to_owned(),
            payload: String::new(),
            qos,
            retain: true,
            properties: MessageProperties::default(),
        }
    }
}

impl Draft {
    /// The message to publish, or every problem found, each with its field.
    pub fn check(&self) -> Result<Outgoing, Vec<(Field, String)>> {
        let mut problems = Vec::new();
        let topic = self.topic.trim();
        if let Err(problem) = check_topic(topic) {
            problems.push((Field::Topic, problem));
        }
        if self.format == PayloadFormat::Json {
            if let Err(e) = serde_json::from_str::<serde::de::IgnoredAny>(&self.payload) {
                problems.push((Field::Payload, format!("not JSON: {e}")));
            }
        }
        let response_topic = self.response_topic.trim();
        if !response_topic.is_empty() {
            if let Err(problem) = check_topic(response_topic) {
                problems.push((Field::ResponseTopic, problem));
            }
        }
        let expiry = match parse_expiry(&self.expiry_secs) {
            Ok(expiry) => expiry,
            Err(problem) => {
                problems.push((Field::Expiry, problem));
                None
            }
        };
        let user_properties = match parse_user_properties(&self.user_properties) {
            Ok(pairs) => pairs,
            Err(problem) => {
                problems.push((Field::UserProperties, problem));
                Vec::new()
            }
        };
        if !problems.is_empty() {
            return Err(problems);
        }
        let non_empty = |s: &str| (!s.is_empty()).then(|| s.to_owned());
        Ok(Outgoing {
            topic: topic.to_owned(),
            payload: self.payload.clone(),
            qos: self.qos,
            retain: self.retain,
            properties: MessageProperties {
                content_type: non_empty(self.content_type.trim()),
                response_topic: non_empty(response_topic),
                correlation_data: non_empty(&self.correlation_data)
                    .map(|data| bytes::Bytes::from(data.into_bytes())),
                user_properties,
                message_expiry: expiry,
                ..MessageProperties::default()
            },
        })
    }

    /// The topic alone, checked: all that clearing a retained message needs.
    pub fn checked_topic(&self) -> Result<String, String> {
        let topic = self.topic.trim();
        check_topic(topic).map(|()| topic.to_owned())
    }

    /// The form filled with a message sent before, to change and send again.
    pub fn from_outgoing(sent: &Outgoing) -> Self {
        let p = &sent.properties;
        Draft {
            topic: sent.topic.clone(),
            payload: sent.payload.clone(),
            format: PayloadFormat::Text,
            qos: sent.qos,
            retain: sent.retain,
            content_type: p.content_type.clone().unwrap_or_default(),
            response_topic: p.response_topic.clone().unwrap_or_default(),
            correlation_data: p
                .correlation_data
                .as_ref()
                .map(|d| String::from_utf8_lossy(d).into_owned())
                .unwrap_or_default(),
            expiry_secs: p
                .message_expiry
                .map(|d| d.as_secs().to_string())
                .unwrap_or_default(),
            user_properties: p
                .user_properties
                .iter()
                .map(|(name, value)| format!("{name}={value}"))
                .collect::<Vec<_>>()
                .join("\n"),
        }
    }
}

/// A topic to publish to: the spec's rules for a topic name, and not empty.
fn check_topic(topic: &str) -> Result<(), String> {
    if topic.is_empty() {
        return Err("give the topic to publish to".to_owned());
    }
    validate_topic_name(topic).map_err(|rule| format!("{topic:?}: {rule}"))
}

/// Whole seconds from 1 to u32::MAX (what the property holds); empty for none.
fn parse_expiry(text: &str) -> Result<Option<Duration>, String> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(None);
    }
    match text.parse::<u32>() {
        Ok(secs) if secs > 0 => Ok(Some(Duration::from_secs(u64::from(secs)))),
        _ => Err(format!(
            "{text:?}: give a whole number of seconds from 1 to {}, or leave it empty",
            u32::MAX
        )),
    }
}

/// `name=value` per line (split at the first `=`; blank lines skipped). The names may
/// repeat: MQTT 5 keeps them all, in order.
fn parse_user_properties(text: &str) -> Result<Vec<(String, String)>, String> {
    let mut pairs = Vec::new();
    for (number, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        match line.split_once('=') {
            Some((name, value)) if !name.trim().is_empty() => {
                pairs.push((name.trim().to_owned(), value.to_owned()));
            }
            _ => return Err(format!("line {}: {line:?}: write name=value", number + 1)),
        }
    }
    Ok(pairs)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn draft(topic: &str, payload: &str) -> Draft {
        Draft {
            topic: topic.to_owned(),
            payload: payload.to_owned(),
            ..Draft::default()
        }
    }

    fn problems(d: &Draft) -> Vec<(Field, String)> {
        d.check().err().unwrap_or_default()
    }

    #[test]
    fn a_plain_message_is_sent_as_typed() {
        let mut d = draft(" home/f/control ", "ON");
        d.qos = QoS::AtLeastOnce;
        d.retain = true;
        let out = d.check().unwrap();
        assert_eq!(out.topic, "home/f/control");
        assert_eq!(out.payload, "ON");
        assert_eq!((out.qos, out.retain), (QoS::AtLeastOnce, true));
        assert!(out.properties.is_empty());
    }

    #[test]
    fn wildcards_empty_and_missing_topics_are_refused_with_the_rule() {
        for topic in ["home/+/x", "home/#", "", "a\0b"] {
            let found = problems(&draft(topic, "1"));
            assert_eq!(found.len(), 1, "{topic:?}");
            assert_eq!(found[0].0, Field::Topic);
        }
        assert!(problems(&draft("home/+/x", "1"))[0].1.contains("wildcard"));
        assert_eq!(
            problems(&draft("", "1"))[0].1,
            "give the topic to publish to"
        );
    }

    #[test]
    fn json_is_checked_only_when_chosen_and_the_problem_says_where() {
        let mut d = draft("t", "{\"on\": tru}");
        assert!(d.check().is_ok(), "text is sent as typed");
        d.format = PayloadFormat::Json;
        let found = problems(&d);
        assert_eq!(found[0].0, Field::Payload);
        assert!(found[0].1.contains("line 1 column"), "{}", found[0].1);
        d.payload = "{\"on\": true}".into();
        assert_eq!(d.check().unwrap().payload, "{\"on\": true}");
    }

    #[test]
    fn mqtt_5_properties_are_read_from_their_fields() {
        let mut d = draft("dev/req", "{}");
        d.content_type = "application/json".into();
        d.response_topic = "dev/res".into();
        d.correlation_data = "req-7".into();
        d.expiry_secs = "60".into();
        d.user_properties = "source=console\n\nsource=again\nempty=".into();
        let p = d.check().unwrap().properties;
        assert_eq!(p.content_type.as_deref(), Some("application/json"));
        assert_eq!(p.response_topic.as_deref(), Some("dev/res"));
        assert_eq!(p.correlation_data.as_deref(), Some(&b"req-7"[..]));
        assert_eq!(p.message_expiry, Some(Duration::from_secs(60)));
        assert_eq!(
            p.user_properties,
            vec![
                ("source".into(), "console".into()),
                ("source".into(), "again".into()),
                ("empty".into(), String::new()),
            ]
        );
        // And back into the form, to send again.
        assert_eq!(Draft::from_outgoing(&d.check().unwrap()).check(), d.check());
    }

    #[test]
    fn bad_properties_are_refused_at_their_fields_all_at_once() {
        let mut d = draft("t", "1");
        d.response_topic = "dev/+".into();
        d.expiry_secs = "soon".into();
        d.user_properties = "ok=1\nnot a pair".into();
        let fields: Vec<Field> = problems(&d).into_iter().map(|(f, _)| f).collect();
        assert_eq!(
            fields,
            vec![Field::ResponseTopic, Field::Expiry, Field::UserProperties]
        );
        assert!(problems(&d)[2].1.starts_with("line 2"));
        d.expiry_secs = "0".into();
        assert!(problems(&d).iter().any(|(f, _)| *f == Field::Expiry));
    }

    #[test]
    fn clearing_a_retained_message_sends_an_empty_retained_payload() {
        let out = Outgoing::clear_retained("home/f/status", QoS::AtLeastOnce);
        assert_eq!((out.payload.as_str(), out.retain), ("", true));
    }
}
