//! The wizard's block as the user is typing it: texts per field, turned into a
//! [`Block`] the same way an imported one is read and checked, so that the wizard can
//! never make a block an import would refuse.

use std::collections::BTreeMap;

use serde_json::{Map, Number, Value};

use super::catalogue::{block_type, BlockType, Field, FieldKind};
use crate::dashboards::validate;
use crate::dashboards::Block;

/// A block being made or edited.
#[derive(Debug, Clone, PartialEq)]
pub struct Draft {
    /// Its type.
    pub kind: &'static BlockType,
    /// Its title as typed.
    pub title: String,
    /// Each field's text as typed, by schema key.
    pub values: BTreeMap<&'static str, String>,
    /// The rest of an edited block (thresholds, series, stale time...), kept as it was.
    base: Map<String, Value>,
}

/// What is wrong with a draft: per field (by schema key; `"title"` for the title), or
/// about the block as a whole.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Problems {
    /// Field key and what is wrong with it.
    pub at_fields: Vec<(String, String)>,
    /// Problems no field of the form holds.
    pub general: Vec<String>,
}

impl Problems {
    /// What is wrong with field `key`, if anything.
    pub fn at(&self, key: &str) -> Option<&str> {
        self.at_fields
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, p)| p.as_str())
    }
}

impl Draft {
    /// A new block of type `kind`, with its defaults.
    pub fn new(kind: &'static BlockType) -> Self {
        let values = kind
            .fields()
            .map(|f| (f.key, f.default.to_owned()))
            .collect();
        Self {
            kind,
            title: String::new(),
            values,
            base: Map::new(),
        }
    }

    /// The draft of an existing block, to edit it; `None` for a block type the wizard
    /// does not offer.
    pub fn of_block(block: &Block) -> Option<Self> {
        let Ok(Value::Object(base)) = serde_json::to_value(block) else {
            return None;
        };
        let kind = block_type(base.get("type")?.as_str()?)?;
        let values = kind
            .fields()
            .map(|f| (f.key, base.get(f.key).map(text_of).unwrap_or_default()))
            .collect();
        Some(Self {
            kind,
            title: block.title.clone(),
            values,
            base,
        })
    }

    /// The text of field `key`.
    pub fn value(&self, key: &str) -> &str {
        self.values.get(key).map(String::as_str).unwrap_or_default()
    }

    /// Sets the text of field `key` (a key of this type only).
    pub fn set(&mut self, key: &str, text: String) {
        if let Some(field) = self.kind.fields().find(|f| f.key == key) {
            self.values.insert(field.key, text);
        }
    }

    /// The topic of the wizard's second step, as typed.
    pub fn topic(&self) -> &str {
        self.kind
            .topic
            .map(|f| self.value(f.key))
            .unwrap_or_default()
    }

    /// The title to use: as typed, else made from the topic's last level
    /// (`home/f/temperature` → `temperature`).
    pub fn title_or_default(&self) -> String {
        let typed = self.title.trim();
        if !typed.is_empty() {
            return typed.to_owned();
        }
        let topic = self.topic().trim();
        topic
            .rsplit('/')
            .find(|level| !level.is_empty() && *level != "#" && *level != "+")
            .unwrap_or(self.kind.name)
            .to_owned()
    }

    /// The block, or everything wrong with it.
    pub fn to_block(&self) -> Result<Block, Problems> {
        let mut problems = Problems::default();
        let mut json = self.base.clone();
        json.insert("type".into(), Value::String(self.kind.key.into()));
        json.insert("title".into(), Value::String(self.title_or_default()));
        for field in self.kind.fields() {
            json.remove(field.key);
            match field_json(field, self.value(field.key)) {
                Ok(Some(value)) => {
                    json.insert(field.key.into(), value);
                }
                Ok(None) => {}
                Err(problem) => problems.at_fields.push((field.key.into(), problem)),
            }
        }
        if !problems.at_fields.is_empty() {
            return Err(problems);
        }
        let block: Block = match serde_json::from_value(Value::Object(json)) {
            Ok(block) => block,
            Err(e) => {
                problems.general.push(e.to_string());
                return Err(problems);
            }
        };
        for problem in validate::all_block_problems(&block) {
            let field = problem
                .split_once(": ")
                .map(|(key, _)| key)
                .filter(|key| *key == "title" || self.kind.fields().any(|f| f.key == *key));
            match field {
                Some(key) => problems.at_fields.push((key.to_owned(), problem.clone())),
                None => problems.general.push(problem),
            }
        }
        if problems == Problems::default() {
            Ok(block)
        } else {
            Err(problems)
        }
    }
}

/// A field's text as JSON: `None` when left empty (the schema's default then).
fn field_json(field: &Field, text: &str) -> Result<Option<Value>, String> {
    let trimmed = text.trim();
    if trimmed.is_empty() && field.kind != FieldKind::Checkbox {
        return if field.required {
            Err(format!("{}: give one", field.label))
        } else {
            Ok(None)
        };
    }
    let value = match field.kind {
        // Payloads and labels as typed: a device may want the spaces.
        FieldKind::Text => Value::String(text.to_owned()),
        FieldKind::ReadTopic | FieldKind::WriteTopic | FieldKind::Colour => {
            Value::String(trimmed.to_owned())
        }
        FieldKind::Number => {
            let n = trimmed
                .parse::<f64>()
                .ok()
                .filter(|n| n.is_finite())
                .and_then(Number::from_f64)
                .ok_or_else(|| format!("{}: not a number: {trimmed}", field.label))?;
            Value::Number(n)
        }
        FieldKind::Count | FieldKind::Qos => {
            let n = trimmed
                .parse::<u32>()
                .map_err(|_| format!("{}: not a whole number: {trimmed}", field.label))?;
            Value::Number(n.into())
        }
        FieldKind::Checkbox => Value::Bool(trimmed == "true"),
        FieldKind::List => Value::Array(
            trimmed
                .split(',')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(|s| Value::String(s.to_owned()))
                .collect(),
        ),
    };
    Ok(Some(value))
}

/// A JSON value as the form shows it.
fn text_of(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        Value::Bool(true) => "true".into(),
        Value::Bool(false) | Value::Null => String::new(),
        Value::Array(items) => items.iter().map(text_of).collect::<Vec<_>>().join(", "),
        other => other.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dashboards::BlockKind;
    use crate::wizard::catalogue::BLOCK_TYPES;

    fn draft(key: &str) -> Draft {
        Draft::new(block_type(key).unwrap())
    }

    #[test]
    fn every_block_type_with_its_defaults_and_a_topic_is_a_valid_block() {
        for kind in BLOCK_TYPES {
            let mut d = Draft::new(kind);
            for field in kind.fields().filter(|f| f.required && f.default.is_empty()) {
                let text = match field.kind {
                    FieldKind::List => "status, open",
                    FieldKind::ReadTopic | FieldKind::WriteTopic => "home/f/x",
                    _ => "name",
                };
                d.set(field.key, text.into());
            }
            if let Err(p) = d.to_block() {
                panic!("{}: {p:?}", kind.key);
            }
        }
    }

    #[test]
    fn the_title_defaults_to_the_topics_last_level() {
        let mut d = draft("gauge");
        d.set("topic", "home/f/temperature".into());
        let block = d.to_block().unwrap();
        assert_eq!(block.title, "temperature");
        d.set("topic", "home/+/t/#".into());
        assert_eq!(d.title_or_default(), "t");
        d.title = "  Living room ".into();
        assert_eq!(d.to_block().unwrap().title, "Living room");
        let heading = draft("heading");
        assert_eq!(heading.title_or_default(), "Heading");
    }

    #[test]
    fn typed_texts_become_the_schemas_types() {
        let mut d = draft("toggle");
        d.set("command_topic", " home/f/heater/set ".into());
        d.set("state_topic", "home/f/heater".into());
        d.set("qos", "2".into());
        d.set("retain", "true".into());
        d.set("on_payload", "1".into());
        d.set("off_payload", "0".into());
        let block = d.to_block().unwrap();
        assert_eq!(
            block.kind,
            BlockKind::Toggle {
                command_topic: "home/f/heater/set".into(),
                state_topic: "home/f/heater".into(),
                on_payload: "1".into(),
                off_payload: "0".into(),
                qos: 2,
                retain: true,
            }
        );
    }

    #[test]
    fn a_json_path_typed_in_the_wizard_reads_that_part_and_a_bad_one_is_said_there() {
        let mut d = draft("value");
        d.set("topic", "tele/plug/SENSOR".into());
        d.set("json_path", "$.ENERGY.Power".into());
        let block = d.to_block().unwrap();
        let bindings = block.bindings().unwrap();
        assert!(matches!(bindings[0].1.part, crate::feeds::Part::Json(_)));
        d.set("json_path", "ENERGY.Power".into());
        let p = d.to_block().unwrap_err();
        assert!(
            p.at("json_path")
                .is_some_and(|m| m.contains("is not a JSONPath query")),
            "{p:?}"
        );
        d.set("json_path", String::new());
        d.set("csv_field", "0".into());
        let p = d.to_block().unwrap_err();
        assert!(
            p.at("csv_field").is_some_and(|m| m.contains("from 1")),
            "{p:?}"
        );
    }

    #[test]
    fn problems_are_said_at_their_fields() {
        let mut d = draft("gauge");
        d.set("min", "ten".into());
        let p = d.to_block().unwrap_err();
        assert_eq!(p.at("topic"), Some("Feed topic: give one"));
        assert_eq!(p.at("min"), Some("Minimum: not a number: ten"));

        d.set("topic", "a/#/b".into());
        d.set("min", "5".into());
        d.set("max", "1".into());
        let p = d.to_block().unwrap_err();
        assert!(p.at("topic").is_some_and(|m| m.contains("a/#/b")), "{p:?}");
        assert!(
            p.at("min").is_some_and(|m| m.contains("less than max")),
            "{p:?}"
        );

        let mut toggle = draft("toggle");
        toggle.set("command_topic", "home/+/set".into());
        toggle.set("state_topic", "s".into());
        let p = toggle.to_block().unwrap_err();
        assert!(p.at("command_topic").is_some(), "{p:?}");
    }

    #[test]
    fn editing_keeps_the_settings_the_form_does_not_show() {
        let json = serde_json::json!({
            "type": "value", "title": "Heart rate", "topic": "ward/bed1/hr", "unit": "bpm",
            "stale_after_secs": 4.0,
            "thresholds": [{"above": 120, "level": "alarm"}]
        });
        let block: Block = serde_json::from_value(json).unwrap();
        let mut d = Draft::of_block(&block).unwrap();
        assert_eq!(d.value("unit"), "bpm");
        assert_eq!(d.value("topic"), "ward/bed1/hr");
        d.set("unit", "/min".into());
        let edited = d.to_block().unwrap();
        assert_eq!(edited.stale_after_secs, Some(4.0));
        let BlockKind::Value {
            unit, thresholds, ..
        } = edited.kind
        else {
            panic!("still a value block");
        };
        assert_eq!(unit, "/min");
        assert_eq!(thresholds.len(), 1);
    }

    #[test]
    fn a_list_is_typed_with_commas_and_read_back_the_same_way() {
        let mut d = draft("device_api");
        d.set("user", "alice".into());
        d.set("device", "lock-1".into());
        d.set("endpoints", "status, open ,, close".into());
        let block = d.to_block().unwrap();
        let again = Draft::of_block(&block).unwrap();
        assert_eq!(again.value("endpoints"), "status, open, close");
    }
}
