//! The dashboard schema: plain data, versioned, safe to export (no credentials inside).

use serde::{Deserialize, Serialize};

use crate::feeds::Decoding;

/// Current schema version written into every dashboard.
pub const SCHEMA_VERSION: u32 = 1;

/// A dashboard: a titled list of blocks.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Dashboard {
    /// Schema version, for migrating older exports.
    pub version: u32,
    /// Shown as the page heading.
    pub title: String,
    /// In display order.
    pub blocks: Vec<Block>,
}

/// One block: a title and what it shows or controls.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Block {
    /// Visible title; also the accessible name of the block's control or chart.
    pub title: String,
    /// What kind of block, with its bindings and settings.
    #[serde(flatten)]
    pub kind: BlockKind,
}

/// The kinds of block and their settings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum BlockKind {
    /// A line chart of a numeric feed.
    LineChart {
        /// The feed's topic (or filter).
        topic: String,
        /// Unit shown after values, e.g. `°C`.
        #[serde(default)]
        unit: String,
        /// How much history the chart shows, in seconds.
        #[serde(default = "default_window_secs")]
        window_secs: u32,
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
    },
}

fn default_window_secs() -> u32 {
    300
}

fn default_on() -> String {
    "ON".into()
}

fn default_off() -> String {
    "OFF".into()
}

impl BlockKind {
    /// The feeds this block reads: (topic filter, how to decode it).
    pub fn bindings(&self) -> Vec<(String, Decoding)> {
        match self {
            BlockKind::LineChart { topic, .. } => vec![(topic.clone(), Decoding::Number)],
            BlockKind::Toggle {
                state_topic,
                on_payload,
                off_payload,
                ..
            } => vec![(
                state_topic.clone(),
                Decoding::Switch {
                    on: on_payload.clone(),
                    off: off_payload.clone(),
                },
            )],
        }
    }
}

/// The dashboard the demo devices feed: a temperature chart and the heater switch.
pub fn demo_dashboard() -> Dashboard {
    Dashboard {
        version: SCHEMA_VERSION,
        title: "Home".into(),
        blocks: vec![
            Block {
                title: "Temperature".into(),
                kind: BlockKind::LineChart {
                    topic: "demo/f/temperature".into(),
                    unit: "°C".into(),
                    window_secs: default_window_secs(),
                },
            },
            Block {
                title: "Heater".into(),
                kind: BlockKind::Toggle {
                    command_topic: "demo/f/control".into(),
                    state_topic: "demo/f/heater".into(),
                    on_payload: default_on(),
                    off_payload: default_off(),
                },
            },
        ],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
            dashboard.blocks[0].kind.bindings(),
            vec![(
                "l".to_string(),
                Decoding::Switch {
                    on: "ON".into(),
                    off: "OFF".into()
                }
            )]
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
}
