//! Reading a dashboard someone else wrote (an imported file, pasted text, a shared link,
//! the browser's storage) and writing one out for them: plain functions, no browser.
//!
//! Reading is strict: the JSON must be a dashboard of a known schema version whose
//! blocks all read (the model's own checks, see [`super::validate`]) and whose topics
//! are valid MQTT topics. Every message says what is wrong and where.

use mqtt_session::topic::{validate_topic_filter, validate_topic_name};

use super::model::SCHEMA_VERSION;
use super::Dashboard;

/// The largest dashboard text read, in bytes: hundreds of blocks fit in far less, and a
/// bigger file is a mistake (a log, a picture), not a dashboard.
pub const MAX_DASHBOARD_BYTES: usize = 1024 * 1024;

/// Reads a dashboard from JSON text, or says what is wrong and where: not JSON (with
/// the line and column), an unknown schema version, a block that does not read (named
/// by position and title, with the field), an invalid topic (block and field).
pub fn parse_dashboard(text: &str) -> Result<Dashboard, String> {
    if text.len() > MAX_DASHBOARD_BYTES {
        return Err(format!(
            "it is {} KiB, more than the {} KiB a dashboard may be",
            text.len() / 1024,
            MAX_DASHBOARD_BYTES / 1024
        ));
    }
    if text.trim().is_empty() {
        return Err("there is no text to read".into());
    }
    // Syntax first, on its own, so "not JSON" is never confused with "not a dashboard".
    let json: serde_json::Value =
        serde_json::from_str(text).map_err(|e| format!("it is not valid JSON: {e}"))?;
    dashboard_from_json(json)
}

/// Reads a dashboard from parsed JSON (a shared link's payload) as strictly as
/// [`parse_dashboard`].
pub fn dashboard_from_json(json: serde_json::Value) -> Result<Dashboard, String> {
    let dashboard = read_dashboard(json)?;
    let problems = topic_problems(&dashboard);
    if problems.is_empty() {
        Ok(dashboard)
    } else {
        Err(problems.join("; "))
    }
}

/// Reads a dashboard without checking its topics: what the browser's storage holds.
/// An invalid topic there (from `feedboard.json`, which is not topic-checked either)
/// only breaks its own block, which the page reports when it binds the feeds; the
/// rest of the dashboard still works.
pub fn read_dashboard(json: serde_json::Value) -> Result<Dashboard, String> {
    if !json.is_object() {
        return Err(format!(
            "it is not a dashboard: expected a JSON object with \"version\", \"title\" and \"blocks\", found {}",
            json_kind(&json)
        ));
    }
    if let Some(version) = json.get("version") {
        match version.as_u64() {
            Some(v) if (1..=u64::from(SCHEMA_VERSION)).contains(&v) => {}
            _ => {
                return Err(format!(
                    "version: unknown dashboard schema version {version}; this app reads version 1 to {SCHEMA_VERSION}"
                ))
            }
        }
    }
    serde_json::from_value(json).map_err(|e| format!("it is not a valid dashboard: {e}"))
}

/// The dashboard as it is exported: the documented schema, pretty-printed. A dashboard
/// holds no credentials (they belong to the connection profile, never exported).
pub fn export_json(dashboard: &Dashboard) -> String {
    // Serializing plain strings, numbers and vectors cannot fail; an empty string
    // would still be better than a panic.
    serde_json::to_string_pretty(dashboard).unwrap_or_default()
}

/// A file name for the export: the title with anything unusual replaced.
pub fn export_file_name(dashboard: &Dashboard) -> String {
    match crate::export::file_name::file_stem(&dashboard.title, 60) {
        Some(stem) => format!("{stem}.json"),
        None => "dashboard.json".into(),
    }
}

/// Every invalid topic of every block, as `block 2 ("Lamp"): command_topic: …`.
///
/// Fields are found by name in the block's JSON, so block types added later are checked
/// too: `command_topic` is published to (a topic name, no wildcards), every other
/// `topic` or `…_topic` field is subscribed to (a filter, `+` and `#` allowed).
pub fn topic_problems(dashboard: &Dashboard) -> Vec<String> {
    let mut problems = Vec::new();
    for (index, block) in dashboard.blocks.iter().enumerate() {
        let Ok(serde_json::Value::Object(fields)) = serde_json::to_value(block) else {
            continue;
        };
        for (field, value) in &fields {
            let Some(topic) = value.as_str() else {
                continue;
            };
            let checked = if field == "command_topic" {
                validate_topic_name(topic)
            } else if field == "topic" || field.ends_with("_topic") {
                validate_topic_filter(topic)
            } else {
                continue;
            };
            if let Err(e) = checked {
                problems.push(format!(
                    "block {} ({:?}): {field}: {topic:?} is not a valid topic: {e}",
                    index + 1,
                    block.title
                ));
            }
        }
    }
    problems
}

fn json_kind(json: &serde_json::Value) -> &'static str {
    match json {
        serde_json::Value::Null => "null",
        serde_json::Value::Bool(_) => "true or false",
        serde_json::Value::Number(_) => "a number",
        serde_json::Value::String(_) => "a string",
        serde_json::Value::Array(_) => "a list",
        serde_json::Value::Object(_) => "an object",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dashboards::demo_dashboard;

    fn with_blocks(blocks: &str) -> String {
        format!(r#"{{"version":1,"title":"Imported","blocks":[{blocks}]}}"#)
    }

    #[test]
    fn an_exported_dashboard_imports_as_the_same_dashboard() {
        let demo = demo_dashboard();
        assert_eq!(parse_dashboard(&export_json(&demo)), Ok(demo));
    }

    #[test]
    fn an_export_never_holds_the_remembered_password_or_login_of_its_dashboard() {
        use crate::connection::ConnectionSettings;
        use crate::dashboards::{Library, Profile};
        let mut library = Library::default();
        let form = ConnectionSettings {
            broker_url: "wss://alice:url-secret@b.example/mqtt".into(),
            username: "alice".into(),
            password: "remembered-secret".into(),
            ..ConnectionSettings::default()
        };
        library.set_profile(1, Profile::from_form(&form, true));
        let exported = export_json(&library.open_entry().dashboard);
        for secret in ["remembered-secret", "url-secret", "alice", "b.example"] {
            assert!(!exported.contains(secret), "{secret} in {exported}");
        }
    }

    #[test]
    fn text_that_is_not_json_is_refused_with_line_and_column() {
        let err = parse_dashboard("{\n  \"version\": 1,\n  \"title\": oops\n}").unwrap_err();
        assert!(err.starts_with("it is not valid JSON: "), "{err}");
        assert!(err.contains("line 3 column"), "{err}");
    }

    #[test]
    fn json_that_is_not_an_object_says_what_it_found() {
        let err = parse_dashboard("[1, 2]").unwrap_err();
        assert!(err.contains("found a list"), "{err}");
    }

    #[test]
    fn an_unknown_schema_version_is_refused_naming_the_version() {
        for bad in ["2", "0", "\"1\"", "1.5"] {
            let err = parse_dashboard(&format!(r#"{{"version":{bad},"title":"t","blocks":[]}}"#))
                .unwrap_err();
            assert!(
                err.starts_with(&format!("version: unknown dashboard schema version {bad}")),
                "{err}"
            );
        }
    }

    #[test]
    fn an_unknown_block_type_is_refused_naming_the_block() {
        let err = parse_dashboard(&with_blocks(
            r#"{"title":"ok","type":"value","topic":"a"},{"title":"Beam","type":"teleporter","topic":"a"}"#,
        ))
        .unwrap_err();
        assert!(
            err.contains(r#"block 2 ("Beam"): unknown variant `teleporter`"#),
            "{err}"
        );
    }

    #[test]
    fn an_invalid_feed_topic_is_refused_naming_block_and_field() {
        let err = parse_dashboard(&with_blocks(
            r#"{"title":"Temp","type":"line_chart","topic":"home/#/t"}"#,
        ))
        .unwrap_err();
        assert_eq!(
            err,
            r#"block 1 ("Temp"): topic: "home/#/t" is not a valid topic: '#' must be the last level of a filter and stand alone in it"#
        );
    }

    #[test]
    fn a_wildcard_in_a_command_topic_is_refused_but_allowed_in_a_state_topic() {
        let err = parse_dashboard(&with_blocks(
            r#"{"title":"Lamp","type":"toggle","command_topic":"lamp/+","state_topic":"lamp/+/state"}"#,
        ))
        .unwrap_err();
        // Read by the model's own validation (validate.rs), before topic_problems.
        assert!(
            err.contains(
                r#"block 1 ("Lamp"): command_topic: "lamp/+" is not a topic to publish to"#
            ),
            "{err}"
        );
        assert!(!err.contains("state_topic"), "{err}");
    }

    #[test]
    fn an_empty_topic_is_refused() {
        let err = parse_dashboard(&with_blocks(r#"{"title":"V","type":"value","topic":""}"#))
            .unwrap_err();
        assert!(
            err.contains(r#"block 1 ("V"): topic: "" is not a valid topic: a topic must be at least one character long"#),
            "{err}"
        );
    }

    #[test]
    fn a_missing_title_is_refused_naming_the_field() {
        let err = parse_dashboard(r#"{"version":1,"blocks":[]}"#).unwrap_err();
        assert!(err.contains("missing field `title`"), "{err}");
    }

    #[test]
    fn empty_and_oversized_text_is_refused_without_parsing() {
        assert_eq!(
            parse_dashboard("  "),
            Err("there is no text to read".into())
        );
        let huge = " ".repeat(MAX_DASHBOARD_BYTES + 1);
        assert!(parse_dashboard(&huge)
            .unwrap_err()
            .contains("more than the 1024 KiB"));
    }

    #[test]
    fn deeply_nested_json_is_an_error_not_a_stack_overflow() {
        let nested = format!("{}{}", "[".repeat(100_000), "]".repeat(100_000));
        assert!(parse_dashboard(&nested).is_err());
    }

    #[test]
    fn export_file_names_keep_letters_and_digits_only() {
        let mut dashboard = demo_dashboard();
        dashboard.title = "Ward 3 / ICU: night".into();
        assert_eq!(export_file_name(&dashboard), "Ward-3---ICU--night.json");
        dashboard.title = "///".into();
        assert_eq!(export_file_name(&dashboard), "dashboard.json");
    }
}
