//! A delivery van driving a loop through town: its position every 2 s in Adafruit IO's
//! JSON form (`{"value": <speed km/h>, "lat": …, "lon": …, "ele": …}`) on
//! [`POSITION_TOPIC`], and a line of text on [`LOG_TOPIC`] at every stop — for the map
//! and stream blocks.

use std::time::Duration;

use super::{Device, Outgoing};

/// Position and speed, Adafruit IO JSON, retained (the map shows where the van is at
/// once).
pub const POSITION_TOPIC: &str = "demo/f/van";
/// One line of text per delivery, e.g. `Delivered parcel 12 at stop 3`.
pub const LOG_TOPIC: &str = "demo/f/van/log";

/// How often the van reports.
pub const PERIOD: Duration = Duration::from_secs(2);

/// The loop's corners (lat, lon): a few streets' worth of town, driven in order.
const ROUTE: [(f64, f64); 6] = [
    (52.3731, 4.8922),
    (52.3766, 4.8985),
    (52.3745, 4.9080),
    (52.3680, 4.9058),
    (52.3652, 4.8961),
    (52.3690, 4.8890),
];

/// Reports between two corners: a stop at each corner.
const STEPS_PER_LEG: u32 = 8;

/// The van's place on its loop.
#[derive(Debug, Clone, Default)]
pub struct Van {
    /// Reports sent so far.
    step: u32,
    parcels: u32,
}

impl Van {
    /// Where the van is after `step` reports: between two corners of the loop.
    pub fn position(step: u32) -> (f64, f64) {
        let leg = (step / STEPS_PER_LEG) as usize % ROUTE.len();
        let along = f64::from(step % STEPS_PER_LEG) / f64::from(STEPS_PER_LEG);
        let (a, b) = (ROUTE[leg], ROUTE[(leg + 1) % ROUTE.len()]);
        (a.0 + (b.0 - a.0) * along, a.1 + (b.1 - a.1) * along)
    }

    fn report(&mut self) -> Vec<Outgoing> {
        let (lat, lon) = Self::position(self.step);
        let at_corner = self.step.is_multiple_of(STEPS_PER_LEG);
        let speed = if at_corner { 0 } else { 30 };
        let mut out = vec![Outgoing::retained_reading(
            POSITION_TOPIC,
            format!(r#"{{"value": {speed}, "lat": {lat:.5}, "lon": {lon:.5}, "ele": 2}}"#),
        )];
        if at_corner && self.step > 0 {
            self.parcels += 1;
            let stop = (self.step / STEPS_PER_LEG) as usize % ROUTE.len() + 1;
            out.push(Outgoing::reading(
                LOG_TOPIC,
                format!("Delivered parcel {} at stop {stop}", self.parcels),
            ));
        }
        self.step = self.step.wrapping_add(1);
        out
    }
}

impl Device for Van {
    fn client_id(&self) -> String {
        "demo-van".into()
    }

    fn period(&self) -> Duration {
        PERIOD
    }

    fn subscriptions(&self) -> Vec<String> {
        Vec::new()
    }

    fn on_connect(&mut self) -> Vec<Outgoing> {
        Vec::new()
    }

    fn tick(&mut self) -> Vec<Outgoing> {
        self.report()
    }

    fn on_message(&mut self, _topic: &str, _payload: &[u8]) -> Vec<Outgoing> {
        Vec::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_van_drives_its_loop_and_comes_back() {
        assert_eq!(Van::position(0), ROUTE[0]);
        assert_eq!(Van::position(STEPS_PER_LEG), ROUTE[1]);
        let lap = STEPS_PER_LEG * ROUTE.len() as u32;
        assert_eq!(Van::position(lap), ROUTE[0]);
        let (lat, lon) = Van::position(STEPS_PER_LEG / 2);
        assert!((lat - (ROUTE[0].0 + ROUTE[1].0) / 2.0).abs() < 1e-9);
        assert!((lon - (ROUTE[0].1 + ROUTE[1].1) / 2.0).abs() < 1e-9);
    }

    #[test]
    fn positions_are_adafruit_json_and_each_stop_is_logged() {
        let mut van = Van::default();
        let first = van.tick();
        assert_eq!(first.len(), 1, "no delivery before the first leg");
        let json: serde_json::Value = serde_json::from_str(&first[0].payload).unwrap();
        assert_eq!(json["lat"], 52.3731);
        assert_eq!(json["value"], 0);
        assert!(first[0].retain);
        let mut logs = Vec::new();
        for _ in 0..(STEPS_PER_LEG * 2) {
            logs.extend(van.tick().into_iter().filter(|o| o.topic == LOG_TOPIC));
        }
        let lines: Vec<&str> = logs.iter().map(|o| o.payload.as_str()).collect();
        assert_eq!(
            lines,
            [
                "Delivered parcel 1 at stop 2",
                "Delivered parcel 2 at stop 3"
            ]
        );
    }
}
