//! Adafruit IO's conventions, for a connection in Adafruit IO mode: a block names a
//! feed by its key (`temperature`) and the connection speaks to the broker in
//! Adafruit's topics (`<username>/f/temperature`), fetches each feed's last value with
//! `/get` (Adafruit IO keeps no retained messages), and listens to the account's
//! `throttle` and `errors` topics, whose messages are shown as notices.
//!
//! Done where topics meet the wire, so dashboards stay portable (the same JSON works
//! for any Adafruit IO user) and the feed store never knows about accounts.

use std::borrow::Cow;

/// The names of one Adafruit IO account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AdafruitNames {
    /// `<username>/f/`.
    feeds: String,
    throttle: String,
    errors: String,
}

impl AdafruitNames {
    /// The names for `username`, or `None` when it is empty or not one topic level.
    pub fn for_user(username: &str) -> Option<Self> {
        let user = username.trim();
        let valid = !user.is_empty() && !user.contains(['/', '+', '#', '\0']);
        valid.then(|| AdafruitNames {
            feeds: format!("{user}/f/"),
            throttle: format!("{user}/throttle"),
            errors: format!("{user}/errors"),
        })
    }

    /// Every feed of the account: `<username>/f/#`.
    pub fn all_feeds(&self) -> String {
        format!("{}#", self.feeds)
    }

    /// True for a feed key: one topic level, no wildcard — what a block in Adafruit IO
    /// mode may name instead of a whole topic.
    pub fn is_feed_key(topic: &str) -> bool {
        !topic.is_empty() && !topic.contains(['/', '+', '#'])
    }

    /// The topic or filter on the wire: a feed key becomes `<username>/f/<key>`;
    /// anything else (a whole topic, a filter) stays as it is.
    pub fn wire<'a>(&self, topic: &'a str) -> Cow<'a, str> {
        if Self::is_feed_key(topic) {
            Cow::Owned(format!("{}{topic}", self.feeds))
        } else {
            Cow::Borrowed(topic)
        }
    }

    /// The feed key a message's topic names, when it is `<username>/f/<key>`: the
    /// message also goes to the feeds bound by key.
    pub fn feed_key<'a>(&self, topic: &'a str) -> Option<&'a str> {
        topic
            .strip_prefix(self.feeds.as_str())
            .filter(|key| Self::is_feed_key(key))
    }

    /// Where to ask for the last value of the feed `filter` names, if it names one by
    /// key or as `<username>/f/<key>`.
    pub fn get_topic(&self, filter: &str) -> Option<String> {
        let key = if Self::is_feed_key(filter) {
            filter
        } else {
            self.feed_key(filter)?
        };
        Some(format!("{}{key}/get", self.feeds))
    }

    /// The account's notice topics: subscribed on connect.
    pub fn notice_filters(&self) -> [String; 2] {
        [self.throttle.clone(), self.errors.clone()]
    }

    /// A notice to show for a message on the account's throttle or errors topic;
    /// `None` for any other topic. The payload is shortened and shown as text.
    pub fn notice(&self, topic: &str, payload: &[u8]) -> Option<String> {
        let kind = if topic == self.throttle {
            "throttled"
        } else if topic == self.errors {
            "error"
        } else {
            return None;
        };
        let text = String::from_utf8_lossy(payload);
        let mut shown: String = text.trim().chars().take(NOTICE_CHARS).collect();
        if text.trim().chars().nth(NOTICE_CHARS).is_some() {
            shown.push('…');
        }
        Some(format!("Adafruit IO {kind}: {shown}"))
    }
}

/// The longest notice text shown.
const NOTICE_CHARS: usize = 200;

#[cfg(test)]
mod tests {
    use super::*;

    fn alice() -> AdafruitNames {
        AdafruitNames::for_user(" alice ").unwrap()
    }

    #[test]
    fn feed_keys_go_on_the_wire_under_the_account_and_whole_topics_as_they_are() {
        let names = alice();
        assert_eq!(names.wire("temperature"), "alice/f/temperature");
        assert_eq!(
            names.wire("alice/feeds/temperature"),
            "alice/feeds/temperature"
        );
        assert_eq!(names.wire("home/+/t"), "home/+/t");
        assert_eq!(names.wire("+"), "+");
        assert_eq!(names.feed_key("alice/f/temperature"), Some("temperature"));
        assert_eq!(names.feed_key("alice/f/a/b"), None);
        assert_eq!(names.feed_key("bob/f/temperature"), None);
    }

    #[test]
    fn the_last_value_is_asked_for_by_key_or_whole_feed_topic() {
        let names = alice();
        assert_eq!(
            names.get_topic("temperature").as_deref(),
            Some("alice/f/temperature/get")
        );
        assert_eq!(
            names.get_topic("alice/f/heater").as_deref(),
            Some("alice/f/heater/get")
        );
        assert_eq!(names.get_topic("home/t"), None);
        assert_eq!(names.get_topic("alice/f/+"), None);
    }

    #[test]
    fn throttle_and_error_messages_become_short_text_notices() {
        let names = alice();
        assert_eq!(
            names.notice(
                "alice/throttle",
                b"data rate limit reached, 12 seconds until released"
            ),
            Some(
                "Adafruit IO throttled: data rate limit reached, 12 seconds until released".into()
            )
        );
        let long = "x".repeat(500);
        let notice = names.notice("alice/errors", long.as_bytes()).unwrap();
        assert!(
            notice.ends_with('…') && notice.chars().count() < 240,
            "{notice}"
        );
        assert_eq!(names.notice("alice/f/t", b"1"), None);
        assert!(names.notice("alice/errors", &[0xff, b'<']).is_some());
    }

    #[test]
    fn a_username_must_be_one_topic_level() {
        assert!(AdafruitNames::for_user("").is_none());
        assert!(AdafruitNames::for_user("a/b").is_none());
        assert!(AdafruitNames::for_user("a+").is_none());
    }
}
