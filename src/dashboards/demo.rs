//! The built-in dashboard: what the demo's simulated devices (crates/demo) publish.
//! The page opens it when `feedboard.json` names no dashboard, as `cargo xtask demo`'s
//! does not.

use super::model::ChartSeries;
use super::model::{
    default_api_timeout, default_off, default_on, default_qos, default_track_points,
    default_window_secs, SCHEMA_VERSION,
};
use super::{Block, BlockKind, Dashboard};
use crate::alerts::{AlertRule, Level as AlertLevel};
use crate::blocks::thresholds::{Level, Threshold};

/// The home (temperature chart, heater switch and set-point, humidity gauge) and the ward (heart rate
/// and SpO2 of three beds, and a heart-rate dial for the bed that deteriorates) and a
/// delivery van (its track on a map, its log as a stream).
pub fn demo_dashboard() -> Dashboard {
    let mut blocks = vec![
        block(
            "Home",
            BlockKind::Heading {
                text: "The living room: a reading every 2 s, and the heater".into(),
            },
        ),
        block(
            "Temperature",
            BlockKind::LineChart {
                topic: Some("demo/f/temperature".into()),
                series: Vec::new(),
                unit: "°C".into(),
                window_secs: default_window_secs(),
                y_min: None,
                y_max: None,
                y_label: String::new(),
                decimals: None,
                stepped: false,
                thresholds: Vec::new(),
            },
        ),
        block(
            "Heater",
            BlockKind::Toggle {
                command_topic: "demo/f/control".into(),
                state_topic: "demo/f/heater".into(),
                on_payload: default_on(),
                off_payload: default_off(),
                qos: default_qos(),
                retain: false,
            },
        ),
        block(
            "Heater set-point",
            BlockKind::Slider {
                command_topic: "demo/f/setpoint/set".into(),
                state_topic: Some("demo/f/setpoint".into()),
                min: 15.0,
                max: 25.0,
                step: 0.5,
                unit: "°C".into(),
                qos: default_qos(),
                retain: false,
            },
        ),
        block(
            "Front door",
            BlockKind::DeviceApi {
                user: "demo".into(),
                device: "lock-1".into(),
                endpoints: ["get_state", "lock", "unlock", "set_owner"]
                    .map(String::from)
                    .to_vec(),
                timeout_secs: default_api_timeout(),
            },
        ),
        block(
            "Humidity",
            BlockKind::Gauge {
                topic: "demo/f/humidity".into(),
                min: 0.0,
                max: 100.0,
                unit: "%".into(),
                decimals: Some(0),
                thresholds: vec![
                    labelled(Threshold::below(30.0, Level::Warning), "Dry"),
                    labelled(Threshold::above(60.0, Level::Warning), "Humid"),
                ],
            },
        ),
        block(
            "Ward",
            BlockKind::Heading {
                text: "Three beds, a reading a second; bed 3 deteriorates about once a minute"
                    .into(),
            },
        ),
        block(
            "Heart rates",
            BlockKind::LineChart {
                topic: None,
                series: (1..=3)
                    .map(|bed| ChartSeries {
                        topic: format!("ward/bed-{bed}/f/heart-rate"),
                        label: Some(format!("Bed {bed}")),
                    })
                    .collect(),
                unit: "bpm".into(),
                window_secs: 120,
                y_min: Some(30.0),
                y_max: Some(180.0),
                y_label: "bpm".into(),
                decimals: Some(0),
                stepped: false,
                thresholds: heart_rate_thresholds(),
            },
        ),
    ];
    for bed in 1..=3 {
        blocks.push(block(
            &format!("Bed {bed} heart rate"),
            BlockKind::Value {
                topic: format!("ward/bed-{bed}/f/heart-rate"),
                unit: "bpm".into(),
                decimals: Some(0),
                thresholds: heart_rate_thresholds(),
            },
        ));
        blocks.push(block(
            &format!("Bed {bed} SpO2"),
            BlockKind::Value {
                topic: format!("ward/bed-{bed}/f/spo2"),
                unit: "%".into(),
                decimals: Some(0),
                thresholds: spo2_thresholds(),
            },
        ));
    }
    blocks.push(block(
        "Bed 3 heart rate dial",
        BlockKind::Gauge {
            topic: "ward/bed-3/f/heart-rate".into(),
            min: 30.0,
            max: 180.0,
            unit: "bpm".into(),
            decimals: Some(0),
            thresholds: heart_rate_thresholds(),
        },
    ));
    blocks.push(block(
        "Deliveries",
        BlockKind::Heading {
            text: "A van on its round: its position every 2 s, a line at each stop".into(),
        },
    ));
    blocks.push(block(
        "Van",
        BlockKind::Map {
            topic: "demo/f/van".into(),
            points: default_track_points(),
        },
    ));
    blocks.push(block(
        "Van log",
        BlockKind::Stream {
            topic: "demo/f/van/log".into(),
            lines: 10,
        },
    ));
    Dashboard {
        version: SCHEMA_VERSION,
        title: "Home and ward".into(),
        blocks,
        history: Default::default(),
        alerts: ward_alerts(),
    }
}

/// An alert for each bed's SpO2 below 90 % (`feedboard_demo::devices::ward::SPO2_ALARM`,
/// where bed 3's episodes go), clearing at 92. No stale rule: the built-in dashboard
/// is also what a new user first points at their own broker. One rule per bed: a rule on `ward/+/f/spo2` would see the beds' values interleaved, and bed
/// 1's 97 would clear bed 3's alarm.
fn ward_alerts() -> Vec<AlertRule> {
    (1..=3)
        .map(|bed| AlertRule {
            name: format!("Bed {bed} SpO2 low"),
            topic: format!("ward/bed-{bed}/f/spo2"),
            json_path: None,
            above: None,
            below: Some(90.0),
            outside: None,
            equals: None,
            stale_secs: None,
            hysteresis: Some(2.0),
            for_secs: None,
            level: AlertLevel::Alarm,
            sound: false,
        })
        .collect()
}

/// Adult resting heart rate: the demo ward's monitors alarm above 120 bpm
/// (`feedboard_demo::devices::ward::HR_ALARM`); tachycardia starts at 100, and below 40
/// is as urgent as above 120.
fn heart_rate_thresholds() -> Vec<Threshold> {
    vec![
        labelled(Threshold::above(120.0, Level::Alarm), "Very fast"),
        labelled(Threshold::below(40.0, Level::Alarm), "Very slow"),
        labelled(Threshold::above(100.0, Level::Warning), "Fast"),
        labelled(Threshold::below(50.0, Level::Warning), "Slow"),
    ]
}

/// Oxygen saturation: below 92 % is the usual call-for-help line (as in NEWS2's top
/// band); 92–93 % deserves a look.
fn spo2_thresholds() -> Vec<Threshold> {
    vec![
        Threshold::below(92.0, Level::Alarm),
        Threshold::below(94.0, Level::Warning),
    ]
}

fn block(title: &str, kind: BlockKind) -> Block {
    Block::new(title, kind)
}

fn labelled(threshold: Threshold, label: &str) -> Threshold {
    Threshold {
        label: Some(label.into()),
        ..threshold
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dashboards::validate::block_problems;

    #[test]
    fn the_demo_dashboard_is_valid() {
        for block in demo_dashboard().blocks {
            assert_eq!(
                block_problems(&block),
                Vec::<String>::new(),
                "{}",
                block.title
            );
        }
    }

    #[test]
    fn the_demo_alerts_are_valid_and_watch_feeds_its_blocks_show() {
        let dashboard = demo_dashboard();
        let shown: Vec<String> = dashboard
            .blocks
            .iter()
            .flat_map(|b| b.bindings().unwrap_or_default())
            .map(|(topic, _)| topic)
            .collect();
        assert_eq!(dashboard.alerts.len(), 3);
        for rule in &dashboard.alerts {
            assert_eq!(rule.problems(), Vec::<String>::new(), "{}", rule.name);
            assert!(shown.contains(&rule.topic), "{} in {shown:?}", rule.topic);
        }
    }

    #[test]
    fn the_ward_shows_every_bed_and_the_home_keeps_its_chart_and_heater() {
        let dashboard = demo_dashboard();
        let titles: Vec<&str> = dashboard.blocks.iter().map(|b| b.title.as_str()).collect();
        for title in [
            "Temperature",
            "Heater",
            "Humidity",
            "Bed 1 SpO2",
            "Bed 3 heart rate",
        ] {
            assert!(titles.contains(&title), "{title} in {titles:?}");
        }
        let spo2 = dashboard.blocks.iter().find(|b| b.title == "Bed 2 SpO2");
        let Some(BlockKind::Value { thresholds, .. }) = spo2.map(|b| &b.kind) else {
            panic!("Bed 2 SpO2 is a value block");
        };
        let crossed = crate::blocks::thresholds::crossed(thresholds, 91.0);
        assert_eq!(crossed.map(|t| t.level), Some(Level::Alarm));
    }
}
