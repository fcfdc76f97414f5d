//! The checks serde cannot make: ranges, relations between fields, and thresholds.
//! A dashboard is untrusted input (imported, or from `feedboard.json`), so each problem
//! names the block and the field, and none is a panic.

use mqtt_session::topic::{validate_topic_filter, validate_topic_name};

use super::model::{MAX_COLUMNS, MAX_SERIES, MAX_STREAM_LINES, MAX_TRACK_POINTS};
use super::{Block, BlockKind};
use crate::blocks::thresholds::Threshold;

/// The most digits after the decimal point a block shows.
pub const MAX_DECIMALS: u8 = 10;

/// `block 3 ("SpO2")`: how errors name a block, by position (from 1) and, when the
/// JSON has one, its title.
pub fn block_name(index: usize, json: &serde_json::Value) -> String {
    match json.get("title").and_then(serde_json::Value::as_str) {
        Some(title) => format!("block {} ({title:?})", index + 1),
        None => format!("block {}", index + 1),
    }
}

/// [`block_problems`] and the topics the block reads ([`read_topic_problems`]): what a
/// block made or changed in the page is checked against.
pub fn all_block_problems(block: &Block) -> Vec<String> {
    let mut problems = block_problems(block);
    problems.extend(read_topic_problems(block));
    problems
}

/// Every topic filter the block reads that is not a valid one, as `field: …` (the field
/// holding it, `series` for a chart's series). (An import checks the same through
/// [`super::import::topic_problems`]; the feed store refuses them too.)
pub fn read_topic_problems(block: &Block) -> Vec<String> {
    let json = serde_json::to_value(block).unwrap_or_default();
    block
        .kind
        .bindings()
        .into_iter()
        .filter_map(|(topic, _)| {
            let rule = validate_topic_filter(&topic).err()?;
            let field = json
                .as_object()
                .and_then(|fields| {
                    fields.iter().find(|(key, value)| {
                        key.ends_with("topic") && value.as_str() == Some(&topic)
                    })
                })
                .map_or("series", |(key, _)| key.as_str());
            Some(format!("{field}: {topic:?} is not a valid topic: {rule}"))
        })
        .collect()
}

/// Everything wrong with `block`, each as `field: what is wrong`; empty when valid.
pub fn block_problems(block: &Block) -> Vec<String> {
    let mut problems = Vec::new();
    if let Some(c) = block.columns.filter(|c| !(1..=MAX_COLUMNS).contains(c)) {
        problems.push(format!("columns: 1 to {MAX_COLUMNS}, got {c}"));
    }
    if block.title.trim().is_empty() {
        problems.push(
            "title: must not be empty (it names the block for everyone, screen readers too)".into(),
        );
    }
    if let Some(secs) = block.stale_after_secs {
        if !(secs.is_finite() && secs > 0.0) {
            problems.push(format!(
                "stale_after_secs: must be more than 0 seconds, got {secs}"
            ));
        }
    }
    let reads_a_feed = !block.kind.bindings().is_empty();
    match block.part() {
        Err(problem) => problems.push(problem),
        Ok(part) if part != crate::feeds::Part::Whole && !reads_a_feed => {
            let field = if block.json_path.is_some() {
                "json_path"
            } else {
                "csv_field"
            };
            problems.push(format!("{field}: this block reads no feed"));
        }
        Ok(_) => {}
    }
    match &block.kind {
        BlockKind::LineChart {
            topic,
            series,
            window_secs,
            y_min,
            y_max,
            decimals,
            thresholds,
            ..
        } => {
            match (topic, series.len()) {
                (None, 0) => problems
                    .push("topic: a chart needs a `topic`, or `series` with at least one".into()),
                (Some(_), n) if n > 0 => problems.push(
                    "series: give `topic` for one series or `series` for several, not both".into(),
                ),
                (_, n) if n > MAX_SERIES => problems.push(format!(
                    "series: at most {MAX_SERIES} (more lines are not readable), got {n}"
                )),
                _ => {}
            }
            if *window_secs == 0 {
                problems.push("window_secs: must be at least 1 second".into());
            }
            for (field, bound) in [("y_min", y_min), ("y_max", y_max)] {
                if let Some(b) = bound.filter(|b| !b.is_finite()) {
                    problems.push(format!("{field}: must be a finite number, got {b}"));
                }
            }
            if let (Some(lo), Some(hi)) = (y_min, y_max) {
                if lo >= hi {
                    problems.push(format!(
                        "y_min: must be less than y_max, got y_min {lo} and y_max {hi}"
                    ));
                }
            }
            check_decimals(*decimals, &mut problems);
            check_thresholds(thresholds, &mut problems);
        }
        BlockKind::Toggle {
            command_topic,
            on_payload,
            off_payload,
            qos,
            ..
        } => {
            check_command(command_topic, *qos, &mut problems);
            if on_payload.trim() == off_payload.trim() {
                problems.push(format!(
                    "off_payload: must differ from on_payload (both {on_payload:?})"
                ));
            }
        }
        BlockKind::Value {
            decimals,
            thresholds,
            ..
        } => {
            check_decimals(*decimals, &mut problems);
            check_thresholds(thresholds, &mut problems);
        }
        BlockKind::Gauge {
            min,
            max,
            decimals,
            thresholds,
            ..
        } => {
            if !(min.is_finite() && max.is_finite()) {
                problems.push(format!(
                    "min, max: must be finite numbers, got {min} and {max}"
                ));
            } else if min >= max {
                problems.push(format!(
                    "min: must be less than max, got min {min} and max {max}"
                ));
            }
            check_decimals(*decimals, &mut problems);
            check_thresholds(thresholds, &mut problems);
        }
        BlockKind::Button {
            command_topic,
            qos,
            label,
            ..
        } => {
            check_command(command_topic, *qos, &mut problems);
            if label.as_ref().is_some_and(|l| l.trim().is_empty()) {
                problems.push("label: must not be empty (omit it to use the title)".into());
            }
        }
        BlockKind::Slider {
            command_topic,
            qos,
            min,
            max,
            step,
            ..
        } => {
            check_command(command_topic, *qos, &mut problems);
            if !(min.is_finite() && max.is_finite()) {
                problems.push(format!(
                    "min, max: must be finite numbers, got {min} and {max}"
                ));
            } else if min >= max {
                problems.push(format!(
                    "min: must be less than max, got min {min} and max {max}"
                ));
            } else if !(step.is_finite() && *step > 0.0 && *step <= max - min) {
                problems.push(format!(
                    "step: must be more than 0 and at most max - min ({}), got {step}",
                    max - min
                ));
            }
        }
        BlockKind::NumberPad {
            command_topic,
            qos,
            min,
            max,
            ..
        } => {
            check_command(command_topic, *qos, &mut problems);
            for (field, bound) in [("min", min), ("max", max)] {
                if let Some(b) = bound.filter(|b| !b.is_finite()) {
                    problems.push(format!("{field}: must be a finite number, got {b}"));
                }
            }
            if let (Some(lo), Some(hi)) = (min, max) {
                if lo > hi {
                    problems.push(format!(
                        "min: must not be more than max, got min {lo} and max {hi}"
                    ));
                }
            }
        }
        BlockKind::Indicator {
            on_payload,
            above,
            below,
            on_colour,
            off_colour,
            ..
        } => {
            let conditions = usize::from(on_payload.is_some())
                + usize::from(above.is_some())
                + usize::from(below.is_some());
            if conditions != 1 {
                problems.push(
                    "on_payload: give exactly one of `on_payload`, `above`, `below` (when the lamp is on)"
                        .into(),
                );
            }
            for (field, bound) in [("above", above), ("below", below)] {
                if let Some(b) = bound.filter(|b| !b.is_finite()) {
                    problems.push(format!("{field}: must be a finite number, got {b}"));
                }
            }
            for (field, colour) in [("on_colour", on_colour), ("off_colour", off_colour)] {
                if !is_hex_color(colour) {
                    problems.push(format!(
                        "{field}: must be a colour as #rrggbb, got {colour:?}"
                    ));
                }
            }
        }
        BlockKind::Heading { .. } | BlockKind::Text { .. } | BlockKind::Image { .. } => {}
        BlockKind::Stream { lines, .. } => {
            if !(1..=MAX_STREAM_LINES).contains(lines) {
                problems.push(format!("lines: 1 to {MAX_STREAM_LINES}, got {lines}"));
            }
        }
        BlockKind::Map { points, .. } => {
            if !(1..=MAX_TRACK_POINTS).contains(points) {
                problems.push(format!("points: 1 to {MAX_TRACK_POINTS}, got {points}"));
            }
        }
        BlockKind::DeviceApi {
            user,
            device,
            endpoints,
            timeout_secs,
        } => {
            for (field, what, text) in [("user", "user", user), ("device", "device id", device)] {
                if let Some(p) = device_api::level_problem(what, text) {
                    problems.push(format!("{field}: {p}"));
                }
            }
            if endpoints.is_empty() {
                problems.push("endpoints: name at least one, e.g. \"get_state\"".into());
            }
            for (i, endpoint) in endpoints.iter().enumerate() {
                if let Some(p) = device_api::level_problem("endpoint", endpoint) {
                    problems.push(format!("endpoints[{i}]: {p}"));
                }
            }
            if !(1..=300).contains(timeout_secs) {
                problems.push(format!(
                    "timeout_secs: must be 1 to 300 seconds, got {timeout_secs}"
                ));
            }
        }
        BlockKind::ColorPicker {
            command_topic,
            qos,
            initial,
            ..
        } => {
            check_command(command_topic, *qos, &mut problems);
            if !is_hex_color(initial) {
                problems.push(format!(
                    "initial: must be a colour as #rrggbb, got {initial:?}"
                ));
            }
        }
    }
    problems
}

/// `#rrggbb`, as `<input type="color">` reads and writes colours.
pub fn is_hex_color(text: &str) -> bool {
    text.len() == 7 && text.starts_with('#') && text[1..].bytes().all(|b| b.is_ascii_hexdigit())
}

/// A control's command topic and QoS.
fn check_command(topic: &str, qos: u8, problems: &mut Vec<String>) {
    if let Err(e) = validate_topic_name(topic) {
        problems.push(format!(
            "command_topic: {topic:?} is not a topic to publish to: {e}"
        ));
    }
    if qos > 2 {
        problems.push(format!("qos: must be 0, 1 or 2, got {qos}"));
    }
}

fn check_decimals(decimals: Option<u8>, problems: &mut Vec<String>) {
    if let Some(d) = decimals.filter(|d| *d > MAX_DECIMALS) {
        problems.push(format!("decimals: at most {MAX_DECIMALS}, got {d}"));
    }
}

fn check_thresholds(thresholds: &[Threshold], problems: &mut Vec<String>) {
    for (i, threshold) in thresholds.iter().enumerate() {
        if let Some(problem) = threshold.problem() {
            problems.push(format!("thresholds[{i}]: {problem}"));
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::dashboards::Dashboard;

    /// The error reading a dashboard whose only block is `block` (JSON object fields).
    fn error_for(block: &str) -> String {
        let json = format!(
            r#"{{"version":1,"title":"t","blocks":[{{"title":"ok","type":"value","topic":"a"}},{{{block}}}]}}"#
        );
        serde_json::from_str::<Dashboard>(&json)
            .map(|_| String::new())
            .unwrap_or_else(|e| e.to_string())
    }

    #[test]
    fn a_gauge_whose_min_is_not_below_its_max_is_refused_naming_block_and_field() {
        let err = error_for(r#""title":"Dial","type":"gauge","topic":"a","min":10,"max":10"#);
        assert!(
            err.starts_with(
                r#"block 2 ("Dial"): min: must be less than max, got min 10 and max 10"#
            ),
            "{err}"
        );
    }

    #[test]
    fn too_many_decimals_are_refused() {
        let err = error_for(r#""title":"V","type":"value","topic":"a","decimals":11"#);
        assert!(
            err.starts_with(r#"block 2 ("V"): decimals: at most 10, got 11"#),
            "{err}"
        );
        // Out of the field's type: serde's message, still naming the block.
        let err = error_for(r#""title":"V","type":"value","topic":"a","decimals":-1"#);
        assert!(
            err.starts_with(r#"block 2 ("V"): invalid value: integer `-1`"#),
            "{err}"
        );
    }

    #[test]
    fn a_stale_time_must_be_positive() {
        for bad in ["-1", "0"] {
            let err = error_for(&format!(
                r#""title":"C","type":"line_chart","topic":"a","stale_after_secs":{bad}"#
            ));
            assert!(
                err.starts_with(&format!(
                    r#"block 2 ("C"): stale_after_secs: must be more than 0 seconds, got {bad}"#
                )),
                "{err}"
            );
        }
        assert_eq!(
            error_for(r#""title":"C","type":"line_chart","topic":"a","stale_after_secs":2.5"#),
            ""
        );
    }

    #[test]
    fn a_threshold_with_both_or_no_bounds_is_refused_with_its_index() {
        let err = error_for(
            r#""title":"V","type":"value","topic":"a","thresholds":[{"below":1,"level":"warning"},{"below":1,"above":2,"level":"alarm"}]"#,
        );
        assert!(
            err.starts_with(r#"block 2 ("V"): thresholds[1]: give `above` or `below`, not both"#),
            "{err}"
        );
    }

    #[test]
    fn unknown_settings_are_refused_so_typos_show() {
        let err = error_for(r#""title":"V","type":"value","topic":"a","stale_after_sec":5"#);
        assert!(err.contains("unknown field `stale_after_sec`"), "{err}");
        assert!(err.starts_with(r#"block 2 ("V")"#), "{err}");
    }

    #[test]
    fn every_problem_of_every_block_is_reported_at_once() {
        let err = error_for(
            r#""title":"","type":"toggle","command_topic":"c","state_topic":"s","on_payload":"X","off_payload":"X","stale_after_secs":-3"#,
        );
        for part in [
            "title: must not be empty",
            "stale_after_secs: must be more than 0 seconds, got -3",
            "off_payload: must differ from on_payload",
        ] {
            assert!(err.contains(part), "{part:?} in {err}");
        }
    }

    #[test]
    fn controls_refuse_a_wildcard_command_topic_and_a_qos_above_2() {
        let err = error_for(r#""title":"B","type":"button","command_topic":"a/+","qos":3"#);
        assert!(
            err.contains(r#"command_topic: "a/+" is not a topic to publish to"#),
            "{err}"
        );
        assert!(err.contains("qos: must be 0, 1 or 2, got 3"), "{err}");
    }

    #[test]
    fn a_slider_needs_min_below_max_and_a_step_that_fits() {
        let err = error_for(r#""title":"S","type":"slider","command_topic":"c","min":5,"max":1"#);
        assert!(err.contains("min: must be less than max"), "{err}");
        let err = error_for(
            r#""title":"S","type":"slider","command_topic":"c","min":0,"max":10,"step":0"#,
        );
        assert!(err.contains("step: must be more than 0"), "{err}");
        let ok = r#""title":"S","type":"slider","command_topic":"c","min":0,"max":10,"step":0.5"#;
        assert_eq!(error_for(ok), "");
    }

    #[test]
    fn a_number_pad_with_crossed_bounds_and_a_colour_not_in_hex_are_refused() {
        let err =
            error_for(r#""title":"N","type":"number_pad","command_topic":"c","min":3,"max":2"#);
        assert!(err.contains("min: must not be more than max"), "{err}");
        let err =
            error_for(r#""title":"C","type":"color_picker","command_topic":"c","initial":"red""#);
        assert!(
            err.contains(r#"initial: must be a colour as #rrggbb, got "red""#),
            "{err}"
        );
        assert_eq!(
            error_for(
                r##""title":"C","type":"color_picker","command_topic":"c","initial":"#00ff7F""##
            ),
            ""
        );
    }

    #[test]
    fn a_chart_takes_a_topic_or_up_to_8_series_and_a_y_range_that_is_one() {
        let err = error_for(r#""title":"C","type":"line_chart""#);
        assert!(
            err.contains("topic: a chart needs a `topic`, or `series`"),
            "{err}"
        );
        let err =
            error_for(r#""title":"C","type":"line_chart","topic":"a","series":[{"topic":"b"}]"#);
        assert!(err.contains("not both"), "{err}");
        let nine: Vec<String> = (0..9).map(|i| format!(r#"{{"topic":"t/{i}"}}"#)).collect();
        let err = error_for(&format!(
            r#""title":"C","type":"line_chart","series":[{}]"#,
            nine.join(",")
        ));
        assert!(err.contains("series: at most 8"), "{err}");
        let err = error_for(r#""title":"C","type":"line_chart","topic":"a","y_min":5,"y_max":5"#);
        assert!(err.contains("y_min: must be less than y_max"), "{err}");
        let err =
            error_for(r#""title":"C","type":"line_chart","series":[{"topic":"a","colour":"red"}]"#);
        assert!(err.contains("unknown field `colour`"), "{err}");
        let ok = r#""title":"C","type":"line_chart","series":[{"topic":"a","label":"A"},{"topic":"b"}],"y_min":0,"stepped":true"#;
        assert_eq!(error_for(ok), "");
    }

    #[test]
    fn a_device_api_block_needs_single_level_names_and_an_endpoint() {
        let err = error_for(
            r#""title":"L","type":"device_api","user":"a/b","device":"","endpoints":["ok","x+"]"#,
        );
        for part in [
            "user: the user \"a/b\" contains '/'",
            "device: the device id is empty",
            "endpoints[1]: the endpoint \"x+\" contains '+'",
        ] {
            assert!(err.contains(part), "{part:?} in {err}");
        }
        let err =
            error_for(r#""title":"L","type":"device_api","user":"u","device":"d","endpoints":[]"#);
        assert!(err.contains("endpoints: name at least one"), "{err}");
        let ok =
            r#""title":"L","type":"device_api","user":"u","device":"d","endpoints":["get_state"]"#;
        assert_eq!(error_for(ok), "");
    }

    #[test]
    fn an_indicator_takes_exactly_one_condition_and_hex_colours() {
        let err = error_for(r#""title":"I","type":"indicator","topic":"a""#);
        assert!(
            err.contains("give exactly one of `on_payload`, `above`, `below`"),
            "{err}"
        );
        let err = error_for(r#""title":"I","type":"indicator","topic":"a","above":1,"below":2"#);
        assert!(err.contains("exactly one"), "{err}");
        let err = error_for(
            r#""title":"I","type":"indicator","topic":"a","above":1,"on_colour":"red; x: y""#,
        );
        assert!(
            err.contains("on_colour: must be a colour as #rrggbb"),
            "{err}"
        );
        assert_eq!(
            error_for(r#""title":"I","type":"indicator","topic":"a","on_payload":"OPEN""#),
            ""
        );
        assert_eq!(
            error_for(r#""title":"Ward","type":"heading","text":"Beds 1-3""#),
            ""
        );
    }

    #[test]
    fn a_newer_schema_version_is_refused() {
        let err = serde_json::from_str::<Dashboard>(r#"{"version":2,"title":"t","blocks":[]}"#)
            .unwrap_err()
            .to_string();
        assert!(err.contains("version 2 is newer"), "{err}");
    }
}
