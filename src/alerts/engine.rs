//! Deciding when alerts fire and clear, from a rule's samples and the clock: plain
//! state machines, tested without a browser. A value rule fires when its condition has
//! held for the rule's minimum duration and clears only once the value is back past
//! the bound by the hysteresis; a stale rule fires when no message came for its time
//! while connected, and clears with the next message.

use super::rule::{AlertRule, Condition};

/// Where one rule stands.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum State {
    Normal,
    /// The condition holds since then, not yet for the minimum duration.
    Pending {
        since_ms: f64,
    },
    Firing {
        since_ms: f64,
    },
}

/// A rule fired or cleared.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct AlertEvent {
    /// The rule's position in the dashboard.
    pub rule: usize,
    pub fired: bool,
    pub time_ms: f64,
    /// The value that made it so (`None` for a stale rule's firing).
    pub value: Option<f64>,
}

#[derive(Debug, Clone)]
struct Tracker {
    condition: Condition,
    hysteresis: f64,
    hold_ms: f64,
    state: State,
    last_value: Option<f64>,
}

/// Every rule of a dashboard and where each stands.
#[derive(Debug, Clone, Default)]
pub struct AlertEngine {
    trackers: Vec<Tracker>,
}

impl AlertEngine {
    /// Trackers for `rules` (a rule whose condition is invalid never fires: the
    /// dashboard was checked when read, so there is none).
    pub fn new(rules: &[AlertRule]) -> Self {
        let trackers = rules
            .iter()
            .map(|rule| Tracker {
                condition: rule.condition().unwrap_or(Condition::Stale {
                    after_ms: f64::INFINITY,
                }),
                hysteresis: rule.hysteresis(),
                hold_ms: rule.hold_ms(),
                state: State::Normal,
                last_value: None,
            })
            .collect();
        Self { trackers }
    }

    /// Engine for `new` rules that goes on from `old`: a rule that stayed (by
    /// `mapping`, old index to new, see [`super::rule_mapping`]) keeps where it stood,
    /// new and edited rules start normal.
    pub fn carry_over(old: &AlertEngine, new: &[AlertRule], mapping: &[Option<usize>]) -> Self {
        let mut engine = Self::new(new);
        for (from, to) in mapping.iter().enumerate() {
            let (Some(to), Some(tracker)) = (to, old.trackers.get(from)) else {
                continue;
            };
            if let Some(slot) = engine.trackers.get_mut(*to) {
                slot.state = tracker.state;
                slot.last_value = tracker.last_value;
            }
        }
        engine
    }

    /// How many rules.
    pub fn len(&self) -> usize {
        self.trackers.len()
    }

    /// True with no rules.
    pub fn is_empty(&self) -> bool {
        self.trackers.is_empty()
    }

    /// Where rule `rule` stands.
    pub fn state(&self, rule: usize) -> Option<State> {
        self.trackers.get(rule).map(|t| t.state)
    }

    /// Rule `rule`'s feed took `value` at `time_ms` (on/off values as 1/0).
    pub fn observe(&mut self, rule: usize, time_ms: f64, value: f64) -> Option<AlertEvent> {
        let tracker = self.trackers.get_mut(rule)?;
        tracker.last_value = Some(value);
        let event = |fired| AlertEvent {
            rule,
            fired,
            time_ms,
            value: Some(value),
        };
        let breach = breaches(&tracker.condition, value);
        match tracker.state {
            State::Normal | State::Pending { .. } if !breach => {
                tracker.state = State::Normal;
                None
            }
            State::Normal => {
                if tracker.hold_ms <= 0.0 {
                    tracker.state = State::Firing { since_ms: time_ms };
                    Some(event(true))
                } else {
                    tracker.state = State::Pending { since_ms: time_ms };
                    None
                }
            }
            State::Pending { since_ms } if time_ms - since_ms >= tracker.hold_ms => {
                tracker.state = State::Firing { since_ms: time_ms };
                Some(event(true))
            }
            State::Pending { .. } => None,
            State::Firing { .. } if clears(&tracker.condition, value, tracker.hysteresis) => {
                tracker.state = State::Normal;
                Some(event(false))
            }
            State::Firing { .. } => None,
        }
    }

    /// The clock moved to `now_ms`: pending rules whose condition held long enough
    /// fire, and stale rules look at their feed's newest arrival (`last_arrival[rule]`),
    /// counted from `live_since` (when the connection came up; `None` while it is
    /// down, when no stale rule fires).
    pub fn tick(
        &mut self,
        now_ms: f64,
        live_since: Option<f64>,
        last_arrival: impl Fn(usize) -> Option<f64>,
    ) -> Vec<AlertEvent> {
        let mut events = Vec::new();
        for (rule, tracker) in self.trackers.iter_mut().enumerate() {
            if let Condition::Stale { after_ms } = tracker.condition {
                let arrival = last_arrival(rule);
                match tracker.state {
                    State::Firing { since_ms } => {
                        if arrival.is_some_and(|t| t > since_ms) {
                            tracker.state = State::Normal;
                            events.push(AlertEvent {
                                rule,
                                fired: false,
                                time_ms: arrival.unwrap_or(now_ms),
                                value: None,
                            });
                        }
                    }
                    _ => {
                        let Some(live) = live_since else { continue };
                        let quiet_since = arrival.map_or(live, |t| t.max(live));
                        if now_ms - quiet_since > after_ms {
                            tracker.state = State::Firing { since_ms: now_ms };
                            events.push(AlertEvent {
                                rule,
                                fired: true,
                                time_ms: now_ms,
                                value: None,
                            });
                        }
                    }
                }
                continue;
            }
            if let State::Pending { since_ms } = tracker.state {
                if now_ms - since_ms >= tracker.hold_ms {
                    tracker.state = State::Firing { since_ms: now_ms };
                    events.push(AlertEvent {
                        rule,
                        fired: true,
                        time_ms: now_ms,
                        value: tracker.last_value,
                    });
                }
            }
        }
        events
    }
}

fn breaches(condition: &Condition, value: f64) -> bool {
    match *condition {
        Condition::Above(t) => value > t,
        Condition::Below(t) => value < t,
        Condition::Outside(low, high) => value < low || value > high,
        Condition::Equals(_) => value != 0.0,
        Condition::Stale { .. } => false,
    }
}

fn clears(condition: &Condition, value: f64, hysteresis: f64) -> bool {
    match *condition {
        Condition::Above(t) => value <= t - hysteresis,
        Condition::Below(t) => value >= t + hysteresis,
        Condition::Outside(low, high) => low + hysteresis <= value && value <= high - hysteresis,
        Condition::Equals(_) => value == 0.0,
        Condition::Stale { .. } => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn engine(json: serde_json::Value) -> AlertEngine {
        let rule: AlertRule = serde_json::from_value(json).unwrap();
        assert!(rule.problems().is_empty(), "{:?}", rule.problems());
        AlertEngine::new(&[rule])
    }

    /// The events of feeding `values` one a second from t = 0.
    fn run(engine: &mut AlertEngine, values: &[f64]) -> Vec<(bool, f64)> {
        values
            .iter()
            .enumerate()
            .filter_map(|(i, &v)| engine.observe(0, i as f64 * 1000.0, v))
            .map(|e| (e.fired, e.value.unwrap()))
            .collect()
    }

    #[test]
    fn a_value_alert_fires_over_the_bound_and_clears_only_past_the_hysteresis() {
        let mut e = engine(serde_json::json!({
            "name": "Hot", "topic": "t", "above": 30, "hysteresis": 2 }));
        let events = run(&mut e, &[29.0, 31.0, 30.5, 29.0, 28.0, 31.0, 29.0, 27.9]);
        assert_eq!(
            events,
            [(true, 31.0), (false, 28.0), (true, 31.0), (false, 27.9)]
        );
    }

    #[test]
    fn below_and_outside_clear_with_their_hysteresis_too() {
        let mut below = engine(serde_json::json!({
            "name": "SpO2", "topic": "t", "below": 90, "hysteresis": 2 }));
        assert_eq!(
            run(&mut below, &[95.0, 89.0, 91.0, 92.0]),
            [(true, 89.0), (false, 92.0)]
        );
        let mut outside = engine(serde_json::json!({
            "name": "HR", "topic": "t", "outside": [40, 120], "hysteresis": 5 }));
        assert_eq!(
            run(&mut outside, &[80.0, 121.0, 118.0, 115.0, 39.0, 44.0, 45.0]),
            [(true, 121.0), (false, 115.0), (true, 39.0), (false, 45.0)]
        );
    }

    #[test]
    fn a_minimum_duration_ignores_a_short_spike_and_fires_on_a_long_one() {
        let mut e = engine(serde_json::json!({
            "name": "Hot", "topic": "t", "above": 30, "for_secs": 3 }));
        // A 2 s spike, then 4 s over: fires at the third second over.
        assert_eq!(
            run(&mut e, &[31.0, 31.0, 20.0, 31.0, 31.0, 31.0, 31.0]),
            [(true, 31.0)]
        );
        // Without new samples, the clock fires a pending rule.
        let mut quiet = engine(serde_json::json!({
            "name": "Hot", "topic": "t", "above": 30, "for_secs": 3 }));
        assert_eq!(quiet.observe(0, 0.0, 35.0), None);
        assert!(quiet.tick(2999.0, Some(0.0), |_| None).is_empty());
        let fired = quiet.tick(3000.0, Some(0.0), |_| None);
        assert_eq!(fired.len(), 1);
        assert_eq!((fired[0].fired, fired[0].value), (true, Some(35.0)));
        assert_eq!(quiet.state(0), Some(State::Firing { since_ms: 3000.0 }));
    }

    #[test]
    fn a_stale_alert_fires_when_messages_stop_while_connected_and_clears_with_the_next() {
        let mut e = engine(serde_json::json!({ "name": "Silent", "topic": "t", "stale_secs": 10 }));
        // Not connected: nothing fires, however long.
        assert!(e.tick(100_000.0, None, |_| Some(0.0)).is_empty());
        // Connected at 100 s, last message at 95 s: quiet counted from 100 s.
        assert!(e
            .tick(110_000.0, Some(100_000.0), |_| Some(95_000.0))
            .is_empty());
        let fired = e.tick(110_001.0, Some(100_000.0), |_| Some(95_000.0));
        assert_eq!(fired.len(), 1);
        assert!(fired[0].fired);
        assert!(
            e.tick(120_000.0, Some(100_000.0), |_| Some(95_000.0))
                .is_empty(),
            "once"
        );
        let cleared = e.tick(121_000.0, Some(100_000.0), |_| Some(120_500.0));
        assert_eq!(cleared.len(), 1);
        assert!(!cleared[0].fired);
        assert_eq!(cleared[0].time_ms, 120_500.0);
    }

    #[test]
    fn an_equals_alert_fires_on_the_text_and_clears_on_anything_else() {
        let mut e = engine(serde_json::json!({ "name": "Door", "topic": "t", "equals": "OPEN" }));
        assert_eq!(
            run(&mut e, &[0.0, 1.0, 1.0, 0.0]),
            [(true, 1.0), (false, 0.0)]
        );
    }
}
