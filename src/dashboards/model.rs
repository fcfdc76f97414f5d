//! The dashboard schema: plain data, versioned, safe to export (no credentials inside).

use serde::{Deserialize, Serialize};

use super::history_settings::HistorySettings;
use super::validate;
use crate::alerts::rule::{rule_name, MAX_RULES};
use crate::alerts::AlertRule;
use crate::blocks::thresholds::Threshold;
use crate::feeds::{Decoding, JsonQuery, Part};

/// Current schema version written into every dashboard.
pub const SCHEMA_VERSION: u32 = 1;

/// A dashboard: a titled list of blocks.
///
/// Read through [`RawDashboard`], so a dashboard that exists is a valid one: every
/// problem of every block is found when the JSON is read, and reported with the block
/// and the field it is in (see [`super::validate`]).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "RawDashboard")]
pub struct Dashboard {
    /// Schema version, for migrating older exports.
    pub version: u32,
    /// Shown as the page heading.
    pub title: String,
    /// In display order.
    pub blocks: Vec<Block>,
    /// How much history the browser keeps for it.
    #[serde(default, skip_serializing_if = "HistorySettings::is_default")]
    pub history: HistorySettings,
    /// Rules that raise alerts on its feeds.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub alerts: Vec<AlertRule>,
}

/// A dashboard as JSON holds it, blocks not yet read: each is read on its own so an
/// error can say which block it is in.
#[derive(Debug, Deserialize)]
pub struct RawDashboard {
    version: u32,
    title: String,
    blocks: Vec<serde_json::Value>,
    #[serde(default)]
    history: HistorySettings,
    #[serde(default)]
    alerts: Vec<serde_json::Value>,
}

impl TryFrom<RawDashboard> for Dashboard {
    type Error = String;

    fn try_from(raw: RawDashboard) -> Result<Self, String> {
        if raw.version > SCHEMA_VERSION {
            return Err(format!(
                "dashboard schema version {} is newer than this app reads ({SCHEMA_VERSION})",
                raw.version
            ));
        }
        let mut blocks = Vec::with_capacity(raw.blocks.len());
        let mut problems = raw.history.problems();
        for (index, json) in raw.blocks.into_iter().enumerate() {
            let name = validate::block_name(index, &json);
            match Block::deserialize(json) {
                Ok(block) => {
                    problems.extend(
                        validate::block_problems(&block)
                            .into_iter()
                            .map(|p| format!("{name}: {p}")),
                    );
                    blocks.push(block);
                }
                Err(e) => problems.push(format!("{name}: {e}")),
            }
        }
        if raw.alerts.len() > MAX_RULES {
            problems.push(format!(
                "alerts: at most {MAX_RULES} rules, got {}",
                raw.alerts.len()
            ));
        }
        let mut alerts = Vec::with_capacity(raw.alerts.len());
        for (index, json) in raw.alerts.into_iter().enumerate().take(MAX_RULES) {
            let name = rule_name(index, &json);
            match AlertRule::deserialize(json) {
                Ok(rule) => {
                    problems.extend(rule.problems().into_iter().map(|p| format!("{name}: {p}")));
                    alerts.push(rule);
                }
                Err(e) => problems.push(format!("{name}: {e}")),
            }
        }
        if problems.is_empty() {
            Ok(Dashboard {
                version: raw.version,
                title: raw.title,
                blocks,
                history: raw.history,
                alerts,
            })
        } else {
            Err(problems.join("; "))
        }
    }
}

/// One block: a title, when its value counts as stale, and what it shows or controls.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Block {
    /// Visible title; also the accessible name of the block's control or chart.
    pub title: String,
    /// Seconds without a new value after which the block says its value is stale.
    /// Omitted: see [`crate::blocks::staleness`] (3 × the feed's usual interval, at least
    /// 5 s, for blocks of readings; never by time for a toggle).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stale_after_secs: Option<f64>,
    /// How many grid columns the block spans on a wide screen, 1–[`MAX_COLUMNS`].
    /// Omitted: one, or the whole row for a chart or a heading. On a phone every
    /// block takes the one column.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub columns: Option<u8>,
    /// Where the value is in a JSON payload, as a JSONPath query
    /// (`$.sensor.temperature`), for every feed the block reads. Omitted: the whole
    /// payload (a number may also be Adafruit IO's `{"value": ...}`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub json_path: Option<String>,
    /// Which comma-separated field of the payload is the value, from 1, for every feed
    /// the block reads (Adafruit IO's CSV `value,lat,lon,ele`: 1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub csv_field: Option<u16>,
    /// What kind of block, with its bindings and settings.
    #[serde(flatten)]
    pub kind: BlockKind,
}

impl Block {
    /// A block of this kind with no optional settings.
    pub fn new(title: impl Into<String>, kind: BlockKind) -> Self {
        Block {
            title: title.into(),
            stale_after_secs: None,
            columns: None,
            json_path: None,
            csv_field: None,
            kind,
        }
    }

    /// Which part of each payload the block reads, or why its settings name none.
    pub fn part(&self) -> Result<Part, String> {
        match (&self.json_path, self.csv_field) {
            (Some(_), Some(_)) => Err("give json_path or csv_field, not both".into()),
            (Some(path), None) => JsonQuery::parse(path)
                .map(Part::Json)
                .map_err(|e| format!("json_path: {e}")),
            (None, Some(0)) => Err("csv_field: fields are counted from 1".into()),
            (None, Some(field)) => Ok(Part::Csv(field)),
            (None, None) => Ok(Part::Whole),
        }
    }

    /// The feeds this block reads, each read from [`Block::part`] of the payload.
    pub fn bindings(&self) -> Result<Vec<(String, Decoding)>, String> {
        let part = self.part()?;
        Ok(self
            .kind
            .bindings()
            .into_iter()
            .map(|(topic, decoding)| (topic, decoding.of_part(part.clone())))
            .collect())
    }
}

/// One series of a line chart.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChartSeries {
    /// The feed's topic (or filter).
    pub topic: String,
    /// Its name in the legend; omitted: the topic.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
}

impl ChartSeries {
    /// The legend's name for it.
    pub fn name(&self) -> &str {
        self.label
            .as_deref()
            .filter(|l| !l.trim().is_empty())
            .unwrap_or(&self.topic)
    }
}

/// The most grid columns a block spans.
pub const MAX_COLUMNS: u8 = 4;

/// The most series one chart draws: more lines than this are not readable.
pub const MAX_SERIES: usize = 8;

/// The kinds of block and their settings. Unknown settings are refused, so a typo
/// (`"stale_after_sec"`, `"decimal"`) is reported instead of silently ignored.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum BlockKind {
    /// A line chart of one numeric feed (`topic`) or several (`series`, up to 8).
    LineChart {
        /// The feed's topic (or filter), for a chart of one series.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        topic: Option<String>,
        /// The series of a chart of several, each with its topic and legend label.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        series: Vec<ChartSeries>,
        /// Unit shown after values, e.g. `°C`.
        #[serde(default)]
        unit: String,
        /// How much history the chart shows, in seconds.
        #[serde(default = "default_window_secs")]
        window_secs: u32,
        /// The bottom of the y axis; omitted: from the data.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        y_min: Option<f64>,
        /// The top of the y axis; omitted: from the data.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        y_max: Option<f64>,
        /// The y axis's label, e.g. `Temperature (°C)`.
        #[serde(default, skip_serializing_if = "String::is_empty")]
        y_label: String,
        /// Digits after the decimal point in the legend and read-out (0–10).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        decimals: Option<u8>,
        /// Draw steps (a value holds until the next) instead of slopes: for on/off data.
        #[serde(default, skip_serializing_if = "std::ops::Not::not")]
        stepped: bool,
        /// Bounds drawn as lines, the side beyond them shaded.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        thresholds: Vec<Threshold>,
    },
    /// A lamp that is on or off by a condition on a feed: its payload equals
    /// `on_payload`, or its number is `above` or `below` a bound (exactly one of these).
    Indicator {
        /// The feed's topic (or filter).
        topic: String,
        /// On when the payload is this text.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        on_payload: Option<String>,
        /// On when the number is greater than this.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        above: Option<f64>,
        /// On when the number is less than this.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        below: Option<f64>,
        /// The words for on, shown beside the lamp.
        #[serde(default = "default_on_text")]
        on_text: String,
        /// The words for off.
        #[serde(default = "default_off_text")]
        off_text: String,
        /// The lamp's colour when on, `#rrggbb`.
        #[serde(default = "default_on_colour")]
        on_colour: String,
        /// The lamp's colour when off, `#rrggbb`.
        #[serde(default = "default_off_colour")]
        off_colour: String,
    },
    /// A heading that groups the blocks after it (no feed); `text` under it.
    Heading {
        /// A line under the heading.
        #[serde(default, skip_serializing_if = "String::is_empty")]
        text: String,
    },
    /// An on/off switch that publishes a command and shows the confirmed state.
    Toggle {
        /// Where the switch publishes its command.
        command_topic: String,
        /// Where the device reports its confirmed state (may equal `command_topic`).
        state_topic: String,
        /// Payload meaning on.
        #[serde(default = "default_on")]
        on_payload: String,
        /// Payload meaning off.
        #[serde(default = "default_off")]
        off_payload: String,
        /// QoS of the commands: 0, 1 (default) or 2.
        #[serde(default = "default_qos")]
        qos: u8,
        /// Whether the broker keeps the latest command for new subscribers.
        #[serde(default)]
        retain: bool,
    },
    /// A momentary push button: publishes `press_payload` when pressed and, when
    /// `release_payload` is given, that when released.
    Button {
        /// Where the button publishes.
        command_topic: String,
        /// The button's visible text; omitted: the block's title.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        label: Option<String>,
        /// Published on press (or on a click, without a release payload).
        #[serde(default = "default_press")]
        press_payload: String,
        /// Published on release; omitted: a click publishes `press_payload` once.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        release_payload: Option<String>,
        /// QoS of the commands: 0, 1 (default) or 2.
        #[serde(default = "default_qos")]
        qos: u8,
        /// Whether the broker keeps the latest command for new subscribers.
        #[serde(default)]
        retain: bool,
    },
    /// A slider from `min` to `max` that publishes its number when let go.
    Slider {
        /// Where the slider publishes.
        command_topic: String,
        /// Where the device reports the value it applied; omitted: none shown.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        state_topic: Option<String>,
        /// The left end.
        min: f64,
        /// The right end; more than `min`.
        max: f64,
        /// The step between values; more than 0.
        #[serde(default = "default_step")]
        step: f64,
        /// Unit shown after values, e.g. `°C`.
        #[serde(default)]
        unit: String,
        /// QoS of the commands: 0, 1 (default) or 2.
        #[serde(default = "default_qos")]
        qos: u8,
        /// Whether the broker keeps the latest command for new subscribers.
        #[serde(default)]
        retain: bool,
    },
    /// A number field with a Send button (a set-point, a count).
    NumberPad {
        /// Where the number is published.
        command_topic: String,
        /// Where the device reports the value it applied; omitted: none shown.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        state_topic: Option<String>,
        /// Smallest number accepted; omitted: no bound.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        min: Option<f64>,
        /// Largest number accepted; omitted: no bound.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        max: Option<f64>,
        /// Unit shown after values, e.g. `ml`.
        #[serde(default)]
        unit: String,
        /// QoS of the commands: 0, 1 (default) or 2.
        #[serde(default = "default_qos")]
        qos: u8,
        /// Whether the broker keeps the latest command for new subscribers.
        #[serde(default)]
        retain: bool,
    },
    /// Calls a device's request/response API: a request with a fresh key on
    /// `<user>/req/<device>/<endpoint>`, the encrypted answer on `<user>/res/...`.
    DeviceApi {
        /// The first topic level (the account the devices belong to).
        user: String,
        /// The device id offered first; the user may type another.
        device: String,
        /// The endpoints to choose from, e.g. `get_state`.
        endpoints: Vec<String>,
        /// Seconds to wait for the answer.
        #[serde(default = "default_api_timeout")]
        timeout_secs: u32,
    },
    /// A colour picker that publishes the chosen colour as `#rrggbb`.
    ColorPicker {
        /// Where the colour is published.
        command_topic: String,
        /// The colour shown before the first choice, `#rrggbb`.
        #[serde(default = "default_color")]
        initial: String,
        /// QoS of the commands: 0, 1 (default) or 2.
        #[serde(default = "default_qos")]
        qos: u8,
        /// Whether the broker keeps the latest command for new subscribers.
        #[serde(default)]
        retain: bool,
    },
    /// The latest value of a numeric feed as a big number, coloured and labelled by the
    /// threshold it crosses.
    Value {
        /// The feed's topic (or filter).
        topic: String,
        /// Unit shown after the value, e.g. `bpm`.
        #[serde(default)]
        unit: String,
        /// Digits after the decimal point (0–10); omitted: the number as it came.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        decimals: Option<u8>,
        /// Bounds beyond which the value is a warning or an alarm.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        thresholds: Vec<Threshold>,
    },
    /// The latest value of a numeric feed on a dial from `min` to `max`.
    Gauge {
        /// The feed's topic (or filter).
        topic: String,
        /// The dial's left end.
        min: f64,
        /// The dial's right end; more than `min`.
        max: f64,
        /// Unit shown after the value, e.g. `%`.
        #[serde(default)]
        unit: String,
        /// Digits after the decimal point (0–10); omitted: the number as it came.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        decimals: Option<u8>,
        /// Bounds beyond which the value is a warning or an alarm; drawn on the dial.
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        thresholds: Vec<Threshold>,
    },
    /// The latest message of a feed as text: a status, a name, a short note.
    Text {
        /// The feed's topic (or filter).
        topic: String,
    },
    /// The last messages of a feed (or of every topic under a wildcard), newest
    /// first, each with its time (and its topic under a wildcard).
    Stream {
        /// The feed's topic (or filter).
        topic: String,
        /// How many messages are listed, 1–[`MAX_STREAM_LINES`].
        #[serde(default = "default_stream_lines")]
        lines: u16,
    },
    /// The latest image of a feed: base64 or a `data:` URI of a PNG, JPEG, GIF or
    /// WebP, at most 512 KiB.
    Image {
        /// The feed's topic (or filter).
        topic: String,
    },
    /// A device's track and latest position, from Adafruit IO JSON (`lat`, `lon`) or
    /// CSV (`lat,lon` or `value,lat,lon,ele`), drawn on a grid with a scale bar: no
    /// map tiles, so nothing is fetched from a tile server.
    Map {
        /// The feed's topic (or filter).
        topic: String,
        /// How many recent positions make the track, 1–[`MAX_TRACK_POINTS`].
        #[serde(default = "default_track_points")]
        points: u16,
    },
}

/// The most messages a stream block lists.
pub const MAX_STREAM_LINES: u16 = 100;

/// The most positions a map block's track holds.
pub const MAX_TRACK_POINTS: u16 = 500;

pub(super) fn default_stream_lines() -> u16 {
    20
}

pub(super) fn default_track_points() -> u16 {
    100
}

pub(super) fn default_window_secs() -> u32 {
    300
}

pub(super) fn default_on() -> String {
    "ON".into()
}

pub(super) fn default_off() -> String {
    "OFF".into()
}

pub(super) fn default_qos() -> u8 {
    1
}

pub(super) fn default_press() -> String {
    "1".into()
}

pub(super) fn default_step() -> f64 {
    1.0
}

pub(super) fn default_on_text() -> String {
    "On".into()
}

pub(super) fn default_off_text() -> String {
    "Off".into()
}

pub(super) fn default_on_colour() -> String {
    "#1a7f37".into()
}

pub(super) fn default_off_colour() -> String {
    "#8c959f".into()
}

pub(super) fn default_api_timeout() -> u32 {
    10
}

pub(super) fn default_color() -> String {
    "#000000".into()
}

impl BlockKind {
    /// Takes a whole row of the grid unless its block says how many columns: a chart
    /// needs the width, a heading starts a group.
    pub fn spans_the_row(&self) -> bool {
        matches!(
            self,
            BlockKind::LineChart { .. } | BlockKind::Heading { .. } | BlockKind::Map { .. }
        )
    }

    /// The feeds this block reads: (topic filter, how to decode it).
    pub fn bindings(&self) -> Vec<(String, Decoding)> {
        match self {
            BlockKind::LineChart { topic, series, .. } => topic
                .iter()
                .chain(series.iter().map(|s| &s.topic))
                .map(|t| (t.clone(), Decoding::number()))
                .collect(),
            BlockKind::Value { topic, .. } | BlockKind::Gauge { topic, .. } => {
                vec![(topic.clone(), Decoding::number())]
            }
            BlockKind::Toggle {
                state_topic,
                on_payload,
                off_payload,
                ..
            } => vec![(
                state_topic.clone(),
                Decoding::switch(on_payload, off_payload),
            )],
            BlockKind::Slider { state_topic, .. } | BlockKind::NumberPad { state_topic, .. } => {
                state_topic
                    .iter()
                    .map(|topic| (topic.clone(), Decoding::number()))
                    .collect()
            }
            BlockKind::Indicator {
                topic, on_payload, ..
            } => {
                let decoding = match on_payload {
                    Some(on) => Decoding::equals(on),
                    None => Decoding::number(),
                };
                vec![(topic.clone(), decoding)]
            }
            BlockKind::Text { topic }
            | BlockKind::Stream { topic, .. }
            | BlockKind::Map { topic, .. } => vec![(topic.clone(), Decoding::text())],
            BlockKind::Image { topic } => vec![(topic.clone(), Decoding::image())],
            BlockKind::Button { .. }
            | BlockKind::ColorPicker { .. }
            | BlockKind::DeviceApi { .. }
            | BlockKind::Heading { .. } => Vec::new(),
        }
    }

    /// True for blocks of readings (a stream of measurements), false for a reported
    /// state: it decides the default stale time (see [`crate::blocks::staleness`]).
    pub fn shows_readings(&self) -> bool {
        matches!(
            self,
            BlockKind::LineChart { .. }
                | BlockKind::Value { .. }
                | BlockKind::Gauge { .. }
                | BlockKind::Stream { .. }
                | BlockKind::Map { .. }
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dashboards::demo_dashboard;

    #[test]
    fn a_dashboard_survives_a_json_round_trip() {
        let dashboard = demo_dashboard();
        let json = serde_json::to_string(&dashboard).unwrap();
        let back: Dashboard = serde_json::from_str(&json).unwrap();
        assert_eq!(back, dashboard);
    }

    #[test]
    fn omitted_settings_take_their_defaults() {
        let json = r#"{"version":1,"title":"t","blocks":[
            {"title":"Lamp","type":"toggle","command_topic":"l/set","state_topic":"l"},
            {"title":"T","type":"line_chart","topic":"t"}]}"#;
        let dashboard: Dashboard = serde_json::from_str(json).unwrap();
        assert_eq!(
            dashboard.blocks[0].bindings(),
            Ok(vec![("l".to_string(), Decoding::switch("ON", "OFF"))])
        );
        assert!(matches!(
            dashboard.blocks[1].kind,
            BlockKind::LineChart {
                window_secs: 300,
                ..
            }
        ));
    }

    #[test]
    fn an_unknown_block_type_is_an_error_not_a_panic() {
        let json = r#"{"version":1,"title":"t","blocks":[{"title":"x","type":"teleporter"}]}"#;
        let err = serde_json::from_str::<Dashboard>(json).unwrap_err();
        assert!(err.to_string().contains("teleporter"), "{err}");
    }

    #[test]
    fn a_json_path_or_csv_field_applies_to_every_feed_of_the_block() {
        let json = r#"{"version":1,"title":"t","blocks":[
            {"title":"Lamp","type":"toggle","command_topic":"z/lamp/set","state_topic":"z/lamp",
             "json_path":"$.state"},
            {"title":"Wind","type":"line_chart","series":[{"topic":"a"},{"topic":"b"}],
             "csv_field":2}]}"#;
        let dashboard: Dashboard = serde_json::from_str(json).unwrap();
        let lamp = dashboard.blocks[0].bindings().unwrap();
        let state = Part::Json(JsonQuery::parse("$.state").unwrap());
        assert_eq!(
            lamp,
            vec![(
                "z/lamp".into(),
                Decoding::switch("ON", "OFF").of_part(state)
            )]
        );
        let wind = dashboard.blocks[1].bindings().unwrap();
        assert!(wind.iter().all(|(_, d)| d.part == Part::Csv(2)));
        assert_eq!(wind.len(), 2);
    }
}
