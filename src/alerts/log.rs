//! What alerts did, for the banner and the alert log: each firing an entry (when, which
//! rule, the value), closed when the rule clears, acknowledged by the user; a rule can
//! be muted for a while. Bounded: the newest [`MAX_ENTRIES`].

use std::collections::VecDeque;

use super::engine::AlertEvent;
use super::rule::{AlertRule, Level};

/// Entries kept.
pub const MAX_ENTRIES: usize = 200;

/// One firing of one rule.
#[derive(Debug, Clone, PartialEq)]
pub struct LogEntry {
    /// Unique in the log: what Acknowledge names.
    pub id: u64,
    pub rule: usize,
    pub name: String,
    pub level: Level,
    pub topic: String,
    /// The condition in words ("below 90").
    pub condition: String,
    pub fired_ms: f64,
    pub value: Option<f64>,
    pub cleared_ms: Option<f64>,
    pub cleared_value: Option<f64>,
    pub acknowledged_ms: Option<f64>,
    /// Who acknowledged it: the broker login the page used, if any.
    pub acknowledged_by: Option<String>,
    /// Fired while its rule was muted: logged, not announced.
    pub muted: bool,
}

impl LogEntry {
    /// Still firing.
    pub fn is_active(&self) -> bool {
        self.cleared_ms.is_none()
    }

    /// Firing, not acknowledged, not muted: what the banner asks the user to look at.
    pub fn needs_attention(&self) -> bool {
        self.is_active() && self.acknowledged_ms.is_none() && !self.muted
    }
}

/// The log, and which rules are muted until when.
#[derive(Debug, Clone, Default)]
pub struct AlertLog {
    entries: VecDeque<LogEntry>,
    next_id: u64,
    muted_until: Vec<f64>,
}

impl AlertLog {
    /// Notes `event` of `rules[event.rule]` at its time; returns the new entry's id for
    /// a firing.
    pub fn record(&mut self, event: &AlertEvent, rules: &[AlertRule]) -> Option<u64> {
        let rule = rules.get(event.rule)?;
        if !event.fired {
            if let Some(entry) = self
                .entries
                .iter_mut()
                .rev()
                .find(|e| e.rule == event.rule && e.is_active())
            {
                entry.cleared_ms = Some(event.time_ms);
                entry.cleared_value = event.value;
            }
            return None;
        }
        if self.entries.len() == MAX_ENTRIES {
            self.entries.pop_front();
        }
        self.next_id += 1;
        let muted = self.is_muted(event.rule, event.time_ms);
        self.entries.push_back(LogEntry {
            id: self.next_id,
            rule: event.rule,
            name: rule.name.clone(),
            level: rule.level,
            topic: rule.topic.clone(),
            condition: rule.describe(),
            fired_ms: event.time_ms,
            value: event.value,
            cleared_ms: None,
            cleared_value: None,
            acknowledged_ms: None,
            acknowledged_by: None,
            muted,
        });
        Some(self.next_id)
    }

    /// User `by` (a login, if the page has one) acknowledged entry `id` at `now_ms`;
    /// the first acknowledgement stands.
    pub fn acknowledge(&mut self, id: u64, now_ms: f64, by: Option<String>) {
        if let Some(entry) = self.entries.iter_mut().find(|e| e.id == id) {
            if entry.acknowledged_ms.is_none() {
                entry.acknowledged_ms = Some(now_ms);
                entry.acknowledged_by = by;
            }
        }
    }

    /// Rule `rule`'s firings until `until_ms` are logged but not announced; its entry
    /// firing now stops asking for attention.
    pub fn mute(&mut self, rule: usize, until_ms: f64) {
        if self.muted_until.len() <= rule {
            self.muted_until.resize(rule + 1, f64::NEG_INFINITY);
        }
        self.muted_until[rule] = until_ms;
        for entry in self
            .entries
            .iter_mut()
            .filter(|e| e.rule == rule && e.is_active())
        {
            entry.muted = true;
        }
    }

    /// True when rule `rule` is muted at `now_ms`.
    pub fn is_muted(&self, rule: usize, now_ms: f64) -> bool {
        self.muted_until
            .get(rule)
            .is_some_and(|&until| now_ms < until)
    }

    /// The rules changed at `now_ms` (`mapping`: old index to new, see
    /// [`super::rule_mapping`]): entries and mutes of rules that stayed follow them to
    /// their new place; the firings of rules edited or removed end now.
    pub fn remap(&mut self, mapping: &[Option<usize>], now_ms: f64) {
        for entry in &mut self.entries {
            match mapping.get(entry.rule).copied().flatten() {
                Some(to) => entry.rule = to,
                None => {
                    if entry.is_active() {
                        entry.cleared_ms = Some(now_ms);
                    }
                    // No longer any rule's: never matched by a clearing or a mute.
                    entry.rule = usize::MAX;
                }
            }
        }
        let mut muted = Vec::new();
        for (from, until) in self.muted_until.iter().enumerate() {
            if let Some(to) = mapping.get(from).copied().flatten() {
                if muted.len() <= to {
                    muted.resize(to + 1, f64::NEG_INFINITY);
                }
                muted[to] = *until;
            }
        }
        self.muted_until = muted;
    }

    /// Every entry, newest first.
    pub fn newest_first(&self) -> impl Iterator<Item = &LogEntry> {
        self.entries.iter().rev()
    }

    /// The entries firing now, newest first.
    pub fn active(&self) -> impl Iterator<Item = &LogEntry> {
        self.newest_first().filter(|e| e.is_active())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rules() -> Vec<AlertRule> {
        vec![serde_json::from_value(serde_json::json!({
            "name": "SpO2 low", "topic": "w/spo2", "below": 90, "level": "alarm" }))
        .unwrap()]
    }

    fn event(fired: bool, time_ms: f64, value: f64) -> AlertEvent {
        AlertEvent {
            rule: 0,
            fired,
            time_ms,
            value: Some(value),
        }
    }

    #[test]
    fn a_firing_is_logged_cleared_and_acknowledged() {
        let rules = rules();
        let mut log = AlertLog::default();
        let id = log.record(&event(true, 1000.0, 87.0), &rules).unwrap();
        let entry = log.active().next().unwrap();
        assert_eq!(
            (entry.name.as_str(), entry.condition.as_str()),
            ("SpO2 low", "below 90")
        );
        assert!(entry.needs_attention());
        log.acknowledge(id, 2000.0, Some("nurse.kim".into()));
        log.acknowledge(id, 3000.0, None);
        let entry = log.active().next().unwrap();
        assert_eq!(
            (entry.acknowledged_ms, entry.acknowledged_by.as_deref()),
            (Some(2000.0), Some("nurse.kim")),
            "the first"
        );
        assert!(!log.active().next().unwrap().needs_attention());
        log.record(&event(false, 4000.0, 93.0), &rules);
        assert_eq!(log.active().count(), 0);
        let entry = log.newest_first().next().unwrap();
        assert_eq!(
            (entry.cleared_ms, entry.cleared_value),
            (Some(4000.0), Some(93.0))
        );
    }

    #[test]
    fn a_muted_rule_is_logged_but_asks_for_no_attention_until_the_mute_ends() {
        let rules = rules();
        let mut log = AlertLog::default();
        log.record(&event(true, 0.0, 80.0), &rules);
        log.mute(0, 60_000.0);
        assert!(!log.active().next().unwrap().needs_attention());
        log.record(&event(false, 1000.0, 95.0), &rules);
        log.record(&event(true, 2000.0, 85.0), &rules);
        assert!(log.active().next().unwrap().muted);
        log.record(&event(false, 3000.0, 95.0), &rules);
        log.record(&event(true, 61_000.0, 85.0), &rules);
        assert!(
            log.active().next().unwrap().needs_attention(),
            "the mute is over"
        );
    }

    #[test]
    fn the_log_keeps_the_newest_entries() {
        let rules = rules();
        let mut log = AlertLog::default();
        for i in 0..(MAX_ENTRIES + 10) {
            log.record(&event(true, i as f64, 80.0), &rules);
            log.record(&event(false, i as f64 + 0.5, 95.0), &rules);
        }
        assert_eq!(log.newest_first().count(), MAX_ENTRIES);
        assert_eq!(
            log.newest_first().next().unwrap().fired_ms,
            (MAX_ENTRIES + 9) as f64
        );
    }

    #[test]
    fn after_the_rules_change_a_kept_rule_keeps_its_entry_and_mute_and_a_removed_ones_ends() {
        let mut two = rules();
        two.push(
            serde_json::from_value(serde_json::json!({
                "name": "Fast", "topic": "w/hr", "above": 120 }))
            .unwrap(),
        );
        let mut log = AlertLog::default();
        log.record(&event(true, 0.0, 80.0), &two);
        let fast = AlertEvent {
            rule: 1,
            ..event(true, 10.0, 130.0)
        };
        log.record(&fast, &two);
        log.mute(1, 60_000.0);
        // SpO2 low removed: Fast is rule 0 now.
        log.remap(&[None, Some(0)], 500.0);
        let spo2 = log.newest_first().find(|e| e.name == "SpO2 low").unwrap();
        assert_eq!(spo2.cleared_ms, Some(500.0));
        let active: Vec<_> = log.active().map(|e| (e.name.as_str(), e.rule)).collect();
        assert_eq!(active, vec![("Fast", 0)]);
        assert!(log.is_muted(0, 1000.0));
        assert!(!log.is_muted(1, 1000.0));
        // Its clearing, by its new index, closes its entry.
        let kept = vec![two[1].clone()];
        log.record(
            &AlertEvent {
                rule: 0,
                ..event(false, 2000.0, 100.0)
            },
            &kept,
        );
        assert_eq!(log.active().count(), 0);
    }
}
