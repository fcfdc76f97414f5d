//! The ward: heart rate (bpm) and SpO2 (%) of three patients, once a second, on
//! `ward/<bed>/f/heart-rate` and `ward/<bed>/f/spo2` (whole numbers, e.g. `72`, `97`).
//!
//! `bed-1` and `bed-2` stay within normal ranges. `bed-3` deteriorates for about 10 s
//! roughly once a minute (the first time 20 s after start): heart rate above
//! [`HR_ALARM`] and SpO2 below [`SPO2_ALARM`], then recovers.

use std::time::Duration;

use super::{Device, Outgoing};
use crate::rng::Rng;

/// The patients, in bed order.
pub const PATIENTS: [&str; 3] = ["bed-1", "bed-2", "bed-3"];
/// Heart rate above this is alarming (bpm).
pub const HR_ALARM: f64 = 120.0;
/// SpO2 below this is alarming (%).
pub const SPO2_ALARM: f64 = 90.0;
/// How often the monitors report.
pub const PERIOD: Duration = Duration::from_secs(1);

/// The heart-rate topic of a bed.
pub fn heart_rate_topic(bed: &str) -> String {
    format!("ward/{bed}/f/heart-rate")
}

/// The SpO2 topic of a bed.
pub fn spo2_topic(bed: &str) -> String {
    format!("ward/{bed}/f/spo2")
}

/// Seconds (ticks) an episode lasts.
const EPISODE_TICKS: u64 = 10;
/// When the first episode starts, and the range of gaps between episodes.
const FIRST_EPISODE_AT: u64 = 20;
const EPISODE_GAP: (f64, f64) = (50.0, 70.0);

#[derive(Debug, Clone)]
struct Patient {
    bed: &'static str,
    base_hr: f64,
    base_spo2: f64,
    hr: f64,
    spo2: f64,
    /// For a patient who deteriorates: the tick of the next (or current) episode.
    next_episode: Option<u64>,
}

impl Patient {
    fn new(bed: &'static str, base_hr: f64, base_spo2: f64, episodes: bool) -> Self {
        Patient {
            bed,
            base_hr,
            base_spo2,
            hr: base_hr,
            spo2: base_spo2,
            next_episode: episodes.then_some(FIRST_EPISODE_AT),
        }
    }

    fn in_episode(&self, tick: u64) -> bool {
        matches!(self.next_episode, Some(start) if (start..start + EPISODE_TICKS).contains(&tick))
    }

    fn step(&mut self, tick: u64, rng: &mut Rng) -> (f64, f64) {
        if let Some(start) = self.next_episode {
            if tick >= start + EPISODE_TICKS {
                let gap = rng.range(EPISODE_GAP.0, EPISODE_GAP.1) as u64;
                self.next_episode = Some(tick + gap);
            }
        }
        let (hr_target, spo2_target, pull) = if self.in_episode(tick) {
            (138.0, 85.0, 0.6)
        } else {
            (self.base_hr, self.base_spo2, 0.3)
        };
        self.hr += (hr_target - self.hr) * pull + rng.range(-2.0, 2.0);
        self.spo2 += (spo2_target - self.spo2) * pull + rng.range(-0.6, 0.6);
        self.spo2 = self.spo2.min(100.0);
        (self.hr.round(), self.spo2.round())
    }
}

/// Three bedside monitors sharing one MQTT connection.
#[derive(Debug, Clone)]
pub struct Ward {
    patients: Vec<Patient>,
    tick: u64,
    rng: Rng,
}

impl Default for Ward {
    fn default() -> Self {
        Self::new()
    }
}

impl Ward {
    /// The ward, seeded from the clock.
    pub fn new() -> Self {
        Self::with_rng(Rng::from_time())
    }

    /// The ward with a chosen generator (tests).
    pub fn with_rng(rng: Rng) -> Self {
        Ward {
            patients: vec![
                Patient::new(PATIENTS[0], 72.0, 97.0, false),
                Patient::new(PATIENTS[1], 88.0, 95.0, false),
                Patient::new(PATIENTS[2], 80.0, 96.0, true),
            ],
            tick: 0,
            rng,
        }
    }

    /// Advances one second; returns (bed, heart rate, SpO2) for every patient.
    pub fn step(&mut self) -> Vec<(&'static str, f64, f64)> {
        let tick = self.tick;
        self.tick += 1;
        let rng = &mut self.rng;
        self.patients
            .iter_mut()
            .map(|p| {
                let (hr, spo2) = p.step(tick, rng);
                (p.bed, hr, spo2)
            })
            .collect()
    }
}

impl Device for Ward {
    fn client_id(&self) -> String {
        format!(
            "feedboard-demo-ward-{:08x}",
            self.rng.clone().next_u64() as u32
        )
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
        self.step()
            .into_iter()
            .flat_map(|(bed, hr, spo2)| {
                [
                    Outgoing::reading(heart_rate_topic(bed), format!("{hr:.0}")),
                    Outgoing::reading(spo2_topic(bed), format!("{spo2:.0}")),
                ]
            })
            .collect()
    }

    fn on_message(&mut self, _topic: &str, _payload: &[u8]) -> Vec<Outgoing> {
        Vec::new()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn alarming(hr: f64, spo2: f64) -> bool {
        hr > HR_ALARM || spo2 < SPO2_ALARM
    }

    #[test]
    fn only_bed_3_crosses_thresholds_in_short_episodes_about_once_a_minute() {
        for seed in 0..20 {
            let mut ward = Ward::with_rng(Rng::seeded(seed));
            let mut alarm_ticks = Vec::new();
            for t in 0..600u64 {
                for (bed, hr, spo2) in ward.step() {
                    assert!((40.0..=200.0).contains(&hr), "{bed} hr {hr}");
                    assert!((70.0..=100.0).contains(&spo2), "{bed} spo2 {spo2}");
                    if alarming(hr, spo2) {
                        assert_eq!(bed, "bed-3", "seed {seed} t {t}: {hr} {spo2}");
                        alarm_ticks.push(t);
                    }
                }
            }
            // Episodes: group alarming ticks separated by less than 20 s.
            let mut episodes: Vec<(u64, u64)> = Vec::new();
            for t in alarm_ticks {
                match episodes.last_mut() {
                    Some((_, end)) if t - *end < 20 => *end = t,
                    _ => episodes.push((t, t)),
                }
            }
            assert!(
                episodes[0].0 <= 25,
                "seed {seed}: first at {}",
                episodes[0].0
            );
            assert!(
                (8..=12).contains(&episodes.len()),
                "seed {seed}: {episodes:?}"
            );
            // The last episode may be cut off by the end of the simulation.
            for (start, end) in episodes.iter().filter(|(_, end)| *end < 590) {
                let len = end - start + 1;
                assert!((5..=12).contains(&len), "seed {seed}: {episodes:?}");
            }
        }
    }

    #[test]
    fn publishes_whole_numbers_on_six_topics() {
        let mut ward = Ward::with_rng(Rng::seeded(9));
        let out = ward.tick();
        let topics: Vec<&str> = out.iter().map(|o| o.topic.as_str()).collect();
        assert_eq!(
            topics,
            [
                "ward/bed-1/f/heart-rate",
                "ward/bed-1/f/spo2",
                "ward/bed-2/f/heart-rate",
                "ward/bed-2/f/spo2",
                "ward/bed-3/f/heart-rate",
                "ward/bed-3/f/spo2",
            ]
        );
        for o in &out {
            assert!(o.payload.parse::<u32>().is_ok(), "{}", o.payload);
        }
    }
}
