//! The messages sent from the console, newest first, to send again with one press.

use std::collections::VecDeque;

use super::Outgoing;

/// How many sent messages are remembered: enough to repeat a test sequence, few enough
/// to scan by eye.
pub const MAX_SENT: usize = 20;

/// Sent messages, newest first; sending one again moves it to the top instead of
/// listing it twice.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SentHistory {
    sent: VecDeque<Outgoing>,
}

impl SentHistory {
    /// Notes `message` as the newest sent.
    pub fn record(&mut self, message: Outgoing) {
        self.sent.retain(|m| *m != message);
        self.sent.push_front(message);
        self.sent.truncate(MAX_SENT);
    }

    /// Newest first.
    pub fn iter(&self) -> impl Iterator<Item = &Outgoing> {
        self.sent.iter()
    }

    /// The message `index` places from the newest.
    pub fn get(&self, index: usize) -> Option<&Outgoing> {
        self.sent.get(index)
    }

    pub fn len(&self) -> usize {
        self.sent.len()
    }

    pub fn is_empty(&self) -> bool {
        self.sent.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::publish::Draft;

    fn message(topic: &str, payload: &str) -> Outgoing {
        Draft {
            topic: topic.into(),
            payload: payload.into(),
            ..Draft::default()
        }
        .check()
        .unwrap()
    }

    #[test]
    fn newest_first_and_a_repeat_moves_to_the_top() {
        let mut history = SentHistory::default();
        history.record(message("a", "1"));
        history.record(message("b", "2"));
        history.record(message("a", "1"));
        let topics: Vec<&str> = history.iter().map(|m| m.topic.as_str()).collect();
        assert_eq!(topics, vec!["a", "b"]);
    }

    #[test]
    fn only_the_newest_are_kept() {
        let mut history = SentHistory::default();
        for i in 0..MAX_SENT + 5 {
            history.record(message("t", &i.to_string()));
        }
        assert_eq!(history.len(), MAX_SENT);
        assert_eq!(
            history.get(0).map(|m| m.payload.clone()),
            Some((MAX_SENT + 4).to_string())
        );
    }
}
