//! The home: living-room temperature and humidity every 2 s, and a heater.
//!
//! The heater subscribes to [`CONTROL_TOPIC`], obeys `ON` / `OFF` (any case, spaces
//! trimmed; anything else is ignored) and confirms its state, retained at QoS 1, on
//! [`HEATER_TOPIC`] — also once after every (re)connection, so a dashboard opened
//! later sees the current state at once. While it is on the room warms up.

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

/// How often the room's sensors report.
pub const PERIOD: Duration = Duration::from_secs(2);

/// Where the room drifts to with the heater off / on.
const AMBIENT_C: f64 = 19.5;
const HEATED_C: f64 = 24.0;

/// The living room's state.
#[derive(Debug, Clone)]
pub struct Home {
    temperature: f64,
    humidity: f64,
    heater_on: bool,
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
            rng,
        }
    }

    /// Whether the heater is on.
    pub fn heater_on(&self) -> bool {
        self.heater_on
    }

    /// Advances the room by one period; returns (temperature °C, humidity %).
    /// Mean-reverting random walks: toward 19.5 °C with the heater off, toward 24 °C
    /// with it on (about +0.1 °C per reading at first); humidity around 45 %, a little
    /// lower while heating.
    pub fn step(&mut self) -> (f64, f64) {
        let target = if self.heater_on { HEATED_C } else { AMBIENT_C };
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
        vec![CONTROL_TOPIC.to_string()]
    }

    fn on_connect(&mut self) -> Vec<Outgoing> {
        vec![self.heater_state()]
    }

    fn tick(&mut self) -> Vec<Outgoing> {
        let (temperature, humidity) = self.step();
        vec![
            Outgoing::retained_reading(TEMPERATURE_TOPIC, format!("{temperature:.1}")),
            Outgoing::retained_reading(HUMIDITY_TOPIC, format!("{humidity:.1}")),
        ]
    }

    fn on_message(&mut self, topic: &str, payload: &[u8]) -> Vec<Outgoing> {
        if topic == CONTROL_TOPIC && self.command(payload).is_some() {
            vec![self.heater_state()]
        } else {
            Vec::new()
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
