//! Alerts: rules on feeds (above, below, outside a range, equals, no message for a
//! while) kept in the dashboard JSON ([`rule`]), decided by plain state machines
//! ([`engine`]) and remembered in a bounded log that the user acknowledges ([`log`]).
//! Rules made in the page go through [`draft`]; when a dashboard's rules change, the
//! rules that stayed keep their state and log entries ([`rule_mapping`]). The page glue
//! is `app::alerts_panel` and `app::alert_editor`.

pub mod draft;
pub mod engine;
pub mod log;
pub mod rule;

pub use draft::{AlertDraft, ConditionKind, DraftProblems};
pub use engine::{AlertEngine, AlertEvent, State};
pub use log::{AlertLog, LogEntry};
pub use rule::{AlertRule, Condition, Level};

/// True when a rule on `rule_topic` watches what a block reading `block_topic` shows:
/// the same topic or filter, or a filter that matches the block's topic.
pub fn reads_topic(rule_topic: &str, block_topic: &str) -> bool {
    rule_topic == block_topic
        || (!block_topic.contains(['+', '#'])
            && mqtt_session::topic::filter_matches(rule_topic, block_topic))
}

/// Where each of `old`'s rules is in `new`: the same rule (every field equal), each
/// matched at most once. A rule edited or removed has none.
pub fn rule_mapping(old: &[AlertRule], new: &[AlertRule]) -> Vec<Option<usize>> {
    let mut taken = vec![false; new.len()];
    old.iter()
        .map(|rule| {
            let found = new
                .iter()
                .enumerate()
                .position(|(i, candidate)| !taken[i] && candidate == rule)?;
            taken[found] = true;
            Some(found)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rule(name: &str, below: f64) -> AlertRule {
        serde_json::from_value(serde_json::json!({ "name": name, "topic": "t", "below": below }))
            .unwrap()
    }

    #[test]
    fn rules_that_stayed_are_found_in_their_new_places_and_edited_ones_are_not() {
        let old = [
            rule("a", 1.0),
            rule("b", 2.0),
            rule("c", 3.0),
            rule("c", 3.0),
        ];
        let new = [rule("c", 3.0), rule("b", 2.5), rule("a", 1.0)];
        assert_eq!(rule_mapping(&old, &new), vec![Some(2), None, Some(0), None]);
    }

    #[test]
    fn a_kept_rule_goes_on_firing_in_the_new_engine_and_a_new_rule_starts_normal() {
        let old_rules = [rule("a", 90.0)];
        let mut old = AlertEngine::new(&old_rules);
        assert!(old.observe(0, 0.0, 80.0).is_some_and(|e| e.fired));
        let new_rules = [rule("new", 50.0), rule("a", 90.0)];
        let mut new =
            AlertEngine::carry_over(&old, &new_rules, &rule_mapping(&old_rules, &new_rules));
        assert_eq!(new.state(0), Some(State::Normal));
        assert!(matches!(new.state(1), Some(State::Firing { .. })));
        assert_eq!(new.observe(1, 10.0, 85.0), None, "no second firing");
    }
}
