//! The home: living-room temperature and humidity every 2 s, and a heater with a
//! thermostat.
//!
//! The heater subscribes to [`CONTROL_TOPIC`], obeys `ON` / `OFF` (any case, spaces
//! trimmed; anything else is ignored) and confirms its state, retained at QoS 1, on
//! [`HEATER_TOPIC`] — also once after every (re)connection, so a dashboard opened
//! later sees the current state at once. While it is on the room warms up towards the
//! set-point, which [`SETPOINT_COMMAND_TOPIC`] changes (a number, clamped to
//! [`SETPOINT_RANGE`]) and [`SETPOINT_TOPIC`] confirms the same way.

use std::time::Duration;

use rumqttc::QoS;

use super::{Device, Outgoing};
use crate::rng::Rng;

/// Temperature in °C, one decimal, e.g. `21.4`.
pub const TEMPERATURE_TOPIC: &str = "demo/f/temperature";
/// Relative humidity in %, one decimal, e.g. `45.2`.
pub const HUMIDITY_TOPIC: &str = "demo/f/humidity";
/// Commands for the heater: `ON` or `OFF`.
pub const CONTROL_TOPIC: &str = "demo/f/control";
/// The heater's confirmed state, retained: `ON` or `OFF`.
pub const HEATER_TOPIC: &str = "demo/f/heater";

/// Commands for the thermostat: the wanted temperature in °C, e.g. `21.5`.
pub const SETPOINT_COMMAND_TOPIC: &str = "demo/f/setpoint/set";
/// The thermostat's confirmed set-point, retained, e.g. `21.5`.
pub const SETPOINT_TOPIC: &str = "demo/f/setpoint";
/// The set-points the thermostat accepts (°C); others are clamped into it.
pub const SETPOINT_RANGE: (f64, f64) = (15.0, 25.0);

/// How often the room's sensors report.
pub const PERIOD: Duration = Duration::from_secs(2);

/// Where the room drifts to with the heater off, and the first set-point.
const AMBIENT_C: f64 = 19.5;
const FIRST_SETPOINT_C: f64 = 24.0;

/// The living room's state.
#[derive(Debug, Clone)]
pub struct Home {
    temperature: f64,
    humidity: f64,
    heater_on: bool,
    setpoint: f64,
    rng: Rng,
}

impl Default for Home {
    fn default() -> Self {
        Self::new()
    }
}

impl Home {
    /// A room at about 21 °C and 45 % with the heater off, seeded from the clock.
    pub fn new() -> Self {
        Self::with_rng(Rng::from_time())
    }

    /// The same with a chosen generator (tests).
    pub fn with_rng(rng: Rng) -> Self {
        Home {
            temperature: 21.0,
            humidity: 45.0,
            heater_on: false,
            setpoint: FIRST_SETPOINT_C,
            rng,
        }
    }

    /// Whether the heater is on.
    pub fn heater_on(&self) -> bool {
        self.heater_on
    }

    /// The thermostat's set-point in °C.
    pub fn setpoint(&self) -> f64 {
        self.setpoint
    }

    /// Advances the room by one period; returns (temperature °C, humidity %).
    /// Mean-reverting random walks: toward 19.5 °C with the heater off, toward the
    /// set-point with it on, if that is warmer (about +0.1 °C per reading at first);
    /// humidity around 45 %, a little lower while heating.
    pub fn step(&mut self) -> (f64, f64) {
        let target = if self.heater_on {
            self.setpoint.max(AMBIENT_C)
        } else {
            AMBIENT_C
        };
        self.temperature += (target - self.temperature) * 0.03 + self.rng.range(-0.08, 0.08);
        let humidity_target = if self.heater_on { 41.0 } else { 45.0 };
        self.humidity += (humidity_target - self.humidity) * 0.05 + self.rng.range(-0.4, 0.4);
        self.humidity = self.humidity.clamp(20.0, 80.0);
        (self.temperature, self.humidity)
    }

    /// Applies a command; returns the new state if the payload was `ON` or `OFF`.
    pub fn command(&mut self, payload: &[u8]) -> Option<bool> {
        let text = std::str::from_utf8(payload).ok()?.trim();
        let on = if text.eq_ignore_ascii_case("ON") {
            true
        } else if text.eq_ignore_ascii_case("OFF") {
            false
        } else {
            return None;
        };
        self.heater_on = on;
        Some(on)
    }

    /// Applies a set-point command; returns the new set-point if the payload was a
    /// number (clamped to [`SETPOINT_RANGE`]).
    pub fn set_setpoint(&mut self, payload: &[u8]) -> Option<f64> {
        let wanted: f64 = std::str::from_utf8(payload).ok()?.trim().parse().ok()?;
        if !wanted.is_finite() {
            return None;
        }
        // Half degrees, as a thermostat's dial has them.
        self.setpoint = ((wanted * 2.0).round() / 2.0).clamp(SETPOINT_RANGE.0, SETPOINT_RANGE.1);
        Some(self.setpoint)
    }

    fn setpoint_state(&self) -> Outgoing {
        Outgoing {
            topic: SETPOINT_TOPIC.to_string(),
            payload: format!("{:.1}", self.setpoint),
            qos: QoS::AtLeastOnce,
            retain: true,
        }
    }

    fn heater_state(&self) -> Outgoing {
        Outgoing {
            topic: HEATER_TOPIC.to_string(),
            payload: if self.heater_on { "ON" } else { "OFF" }.to_string(),
            qos: QoS::AtLeastOnce,
            retain: true,
        }
    }
}

impl Device for Home {
    fn client_id(&self) -> String {
        format!(
            "feedboard-demo-home-{:08x}",
            self.rng.clone().next_u64() as u32
        )
    }

    fn period(&self) -> Duration {
        PERIOD
    }

    fn subscriptions(&self) -> Vec<String> {
        vec![
            CONTROL_TOPIC.to_string(),
            SETPOINT_COMMAND_TOPIC.to_string(),
        ]
    }

    fn on_connect(&mut self) -> Vec<Outgoing> {
        vec![self.heater_state(), self.setpoint_state()]
    }

    fn tick(&mut self) -> Vec<Outgoing> {
        let (temperature, humidity) = self.step();
        vec![
            Outgoing::retained_reading(TEMPERATURE_TOPIC, format!("{temperature:.1}")),
            Outgoing::retained_reading(HUMIDITY_TOPIC, format!("{humidity:.1}")),
        ]
    }

    fn on_message(&mut self, topic: &str, payload: &[u8]) -> Vec<Outgoing> {
        match topic {
            CONTROL_TOPIC if self.command(payload).is_some() => vec![self.heater_state()],
            SETPOINT_COMMAND_TOPIC if self.set_setpoint(payload).is_some() => {
                vec![self.setpoint_state()]
            }
            _ => Vec::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn commands_switch_the_heater_and_confirm_retained() {
        let mut home = Home::with_rng(Rng::seeded(1));
        assert_eq!(home.on_connect()[0].payload, "OFF");
        let out = home.on_message(CONTROL_TOPIC, b" on\n");
        assert_eq!(out.len(), 1);
        assert_eq!(out[0].topic, HEATER_TOPIC);
        assert_eq!(out[0].payload, "ON");
        assert!(out[0].retain);
        assert_eq!(out[0].qos, QoS::AtLeastOnce);
        assert!(home.on_message(CONTROL_TOPIC, b"maybe").is_empty());
        assert!(home.heater_on());
        assert_eq!(home.on_message(CONTROL_TOPIC, b"OFF")[0].payload, "OFF");
        assert!(home.on_message("other/topic", b"ON").is_empty());
    }

    #[test]
    fn the_setpoint_is_clamped_to_half_degrees_in_range_and_confirmed_retained() {
        let mut home = Home::with_rng(Rng::seeded(4));
        assert_eq!(home.on_connect()[1].payload, "24.0");
        let out = home.on_message(SETPOINT_COMMAND_TOPIC, b" 21.3 ");
        assert_eq!(out.len(), 1);
        assert_eq!(out[0].topic, SETPOINT_TOPIC);
        assert_eq!(out[0].payload, "21.5");
        assert!(out[0].retain);
        assert_eq!(
            home.on_message(SETPOINT_COMMAND_TOPIC, b"99")[0].payload,
            "25.0"
        );
        assert_eq!(
            home.on_message(SETPOINT_COMMAND_TOPIC, b"-5")[0].payload,
            "15.0"
        );
        assert!(home.on_message(SETPOINT_COMMAND_TOPIC, b"warm").is_empty());
        assert!(home.on_message(SETPOINT_COMMAND_TOPIC, b"NaN").is_empty());
        assert_eq!(home.setpoint(), 15.0);
    }

    #[test]
    fn the_heater_warms_the_room_to_the_setpoint_and_no_further() {
        let mut home = Home::with_rng(Rng::seeded(5));
        home.command(b"ON");
        home.set_setpoint(b"22");
        let settled: Vec<f64> = (0..400).map(|_| home.step().0).skip(300).collect();
        let mean = settled.iter().sum::<f64>() / settled.len() as f64;
        assert!((21.5..22.5).contains(&mean), "settled around {mean}");
    }

    #[test]
    fn readings_are_retained_plain_numbers_with_one_decimal() {
        let mut home = Home::with_rng(Rng::seeded(2));
        let out = home.tick();
        assert_eq!(out[0].topic, TEMPERATURE_TOPIC);
        assert_eq!(out[1].topic, HUMIDITY_TOPIC);
        for reading in &out {
            let (_, decimals) = reading.payload.split_once('.').expect("a decimal point");
            assert_eq!(decimals.len(), 1, "{}", reading.payload);
            reading.payload.parse::<f64>().expect("a number");
            assert!(reading.retain, "a late page sees the last reading at once");
        }
    }

    #[test]
    fn values_stay_plausible_and_the_heater_warms_the_room() {
        let mut home = Home::with_rng(Rng::seeded(3));
        for _ in 0..2000 {
            let (t, h) = home.step();
            assert!((17.0..23.0).contains(&t), "temperature {t}");
            assert!((35.0..55.0).contains(&h), "humidity {h}");
        }
        let before = home.step().0;
        home.command(b"ON");
        let after = (0..30).map(|_| home.step().0).last().unwrap_or(before);
        assert!(after > before + 1.5, "{before} -> {after}");
        for _ in 0..2000 {
            let (t, _) = home.step();
            assert!(t < 26.0, "temperature {t}");
        }
    }
}
