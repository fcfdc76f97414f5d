//! Topic names and topic filters, exactly as MQTT 3.1.1 §4.7 and 5.0 §4.7 define them.
//!
//! A *topic name* is what a PUBLISH carries (`home/f/temperature`); a *topic filter* is
//! what a SUBSCRIBE carries and may hold the wildcards `+` (one level) and `#` (this level
//! and every level below). Empty levels are allowed (`a//b`, `/a`).

/// The longest topic name or filter MQTT can encode: a two-byte length prefix.
pub const MAX_TOPIC_LEN: usize = 65_535;

/// Why a string is not a valid topic name or topic filter. Each message names the rule.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TopicError {
    /// Topic names and filters must hold at least one character.
    #[error("a topic must be at least one character long")]
    Empty,
    /// The UTF-8 encoding is longer than a two-byte length prefix can say.
    #[error("a topic must be at most 65535 bytes long, this one is {0} bytes")]
    TooLong(usize),
    /// U+0000 is forbidden anywhere in a topic.
    #[error("a topic must not contain the null character U+0000")]
    NullCharacter,
    /// `+` and `#` are for filters (subscriptions), never for names (publishing).
    #[error("a topic name must not contain the wildcards '+' or '#'")]
    WildcardInName,
    /// `#` must stand alone in the final level: `a/#` is valid, `a/b#` and `a/#/b` are not.
    #[error("'#' must be the last level of a filter and stand alone in it")]
    MultiLevelWildcardNotLast,
    /// `+` must fill a whole level: `a/+/b` is valid, `a/b+` is not.
    #[error("'+' must fill a whole level of a filter")]
    SingleLevelWildcardNotAlone,
    /// A shared subscription is `$share/<group>/<filter>` with a non-empty group name
    /// free of wildcards and a non-empty filter.
    #[error(
        "a shared subscription must be '$share/<group>/<filter>' with a non-empty group \
         name without '+' or '#' and a non-empty filter"
    )]
    InvalidSharedSubscription,
}

fn validate_common(s: &str) -> Result<(), TopicError> {
    if s.is_empty() {
        return Err(TopicError::Empty);
    }
    if s.len() > MAX_TOPIC_LEN {
        return Err(TopicError::TooLong(s.len()));
    }
    if s.contains('\0') {
        return Err(TopicError::NullCharacter);
    }
    Ok(())
}

/// Checks a topic name (what PUBLISH carries): non-empty, at most 65535 bytes, no NUL,
/// no wildcards.
pub fn validate_topic_name(name: &str) -> Result<(), TopicError> {
    // Every PUBLISH from the broker passes here: one pass over the bytes for the usual
    // valid name; the rules below only run to say what is wrong. NUL, '+' and '#' are
    // ASCII, so their bytes occur in UTF-8 only as those characters.
    if (1..=MAX_TOPIC_LEN).contains(&name.len())
        && !name.bytes().any(|b| matches!(b, 0 | b'+' | b'#'))
    {
        return Ok(());
    }
    validate_common(name)?;
    if name.contains(['+', '#']) {
        return Err(TopicError::WildcardInName);
    }
    Ok(())
}

/// Checks a topic filter (what SUBSCRIBE carries): non-empty, at most 65535 bytes, no NUL,
/// `+` fills a whole level, `#` fills the last level. `$share/<group>/<filter>` is
/// accepted when the group is non-empty and wildcard-free.
pub fn validate_topic_filter(filter: &str) -> Result<(), TopicError> {
    validate_common(filter)?;
    let filter = match split_shared(filter) {
        Some(Ok(inner)) => inner,
        Some(Err(e)) => return Err(e),
        None => filter,
    };
    let mut levels = filter.split('/').peekable();
    while let Some(level) = levels.next() {
        if level.contains('#') && (level != "#" || levels.peek().is_some()) {
            return Err(TopicError::MultiLevelWildcardNotLast);
        }
        if level.contains('+') && level != "+" {
            return Err(TopicError::SingleLevelWildcardNotAlone);
        }
    }
    Ok(())
}

/// `Some(Ok(inner filter))` for a well-formed `$share/group/filter`, `Some(Err)` for a
/// malformed one, `None` when the filter is not a shared subscription.
fn split_shared(filter: &str) -> Option<Result<&str, TopicError>> {
    let rest = filter.strip_prefix("$share/")?;
    let Some((group, inner)) = rest.split_once('/') else {
        return Some(Err(TopicError::InvalidSharedSubscription));
    };
    if group.is_empty() || group.contains(['+', '#']) || inner.is_empty() {
        return Some(Err(TopicError::InvalidSharedSubscription));
    }
    Some(Ok(inner))
}

/// Does `topic` (a topic name) match `filter` (a topic filter)?
///
/// Follows the spec exactly: `+` matches one level (possibly empty), `#` matches its
/// parent level and everything below (`a/#` matches `a`), and topics that start with `$`
/// are not matched by a filter that starts with `+` or `#`. For `$share/<group>/<filter>`
/// the inner filter is matched. Invalid filters or names never match; this never panics.
///
/// A router calls this for every message and every wildcard binding, so it checks both
/// strings in one pass over their bytes each instead of with [`validate_topic_filter`]
/// and [`validate_topic_name`] (which say *why* a string is invalid).
pub fn filter_matches(filter: &str, topic: &str) -> bool {
    if !is_valid_filter(filter) || validate_topic_name(topic).is_err() {
        return false;
    }
    let filter = match split_shared(filter) {
        Some(Ok(inner)) => inner,
        Some(Err(_)) => return false,
        None => filter,
    };
    if topic.starts_with('$') && (filter.starts_with('+') || filter.starts_with('#')) {
        return false;
    }
    let mut filter_levels = filter.as_bytes().split(|&b| b == b'/');
    let mut topic_levels = topic.as_bytes().split(|&b| b == b'/');
    loop {
        match (filter_levels.next(), topic_levels.next()) {
            (Some(b"#"), _) => return true,
            (Some(b"+"), Some(_)) => {}
            (Some(f), Some(t)) if f == t => {}
            (None, None) => return true,
            _ => return false,
        }
    }
}

/// `validate_topic_filter(filter).is_ok()`, in one pass for filters that are not shared
/// subscriptions: `#` only alone in the last level, `+` only alone in a level.
fn is_valid_filter(filter: &str) -> bool {
    if filter.starts_with("$share/") {
        return validate_topic_filter(filter).is_ok();
    }
    let bytes = filter.as_bytes();
    if !(1..=MAX_TOPIC_LEN).contains(&bytes.len()) {
        return false;
    }
    let mut previous = b'/';
    let mut rest = bytes.iter().copied().peekable();
    while let Some(b) = rest.next() {
        let alone = previous == b'/' && rest.peek().is_none_or(|&next| next == b'/');
        match b {
            0 => return false,
            b'#' if !(alone && rest.peek().is_none()) => return false,
            b'+' if !alone => return false,
            _ => {}
        }
        previous = b;
    }
    true
}

#[cfg(test)]
mod tests {
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    use super::*;

    #[test]
    fn valid_topic_names_are_accepted_including_empty_levels() {
        for name in [
            "a",
            "home/f/temperature",
            "/",
            "a//b",
            "/a",
            "a/",
            "$SYS/x",
            " ",
        ] {
            assert_eq!(validate_topic_name(name), Ok(()), "{name}");
        }
    }

    #[test]
    fn topic_names_with_wildcards_nul_or_no_characters_are_refused() {
        assert_eq!(validate_topic_name(""), Err(TopicError::Empty));
        assert_eq!(validate_topic_name("a/+"), Err(TopicError::WildcardInName));
        assert_eq!(validate_topic_name("a/#"), Err(TopicError::WildcardInName));
        assert_eq!(validate_topic_name("a#b"), Err(TopicError::WildcardInName));
        assert_eq!(validate_topic_name("a\0b"), Err(TopicError::NullCharacter));
        let long = "x".repeat(MAX_TOPIC_LEN + 1);
        assert_eq!(validate_topic_name(&long), Err(TopicError::TooLong(65_536)));
        assert_eq!(validate_topic_name(&long[1..]), Ok(()));
    }

    #[test]
    fn filters_follow_the_wildcard_placement_rules() {
        for ok in [
            "#",
            "+",
            "a/#",
            "a/+/b",
            "+/+",
            "/+",
            "a//#",
            "+/#",
            "$share/g/a/+",
        ] {
            assert_eq!(validate_topic_filter(ok), Ok(()), "{ok}");
        }
        assert_eq!(
            validate_topic_filter("a/#/b"),
            Err(TopicError::MultiLevelWildcardNotLast)
        );
        assert_eq!(
            validate_topic_filter("a/b#"),
            Err(TopicError::MultiLevelWildcardNotLast)
        );
        assert_eq!(
            validate_topic_filter("a+/b"),
            Err(TopicError::SingleLevelWildcardNotAlone)
        );
        assert_eq!(
            validate_topic_filter("a/+b"),
            Err(TopicError::SingleLevelWildcardNotAlone)
        );
        assert_eq!(validate_topic_filter(""), Err(TopicError::Empty));
        assert_eq!(validate_topic_filter("a\0"), Err(TopicError::NullCharacter));
        assert_eq!(
            validate_topic_filter("$share//a"),
            Err(TopicError::InvalidSharedSubscription)
        );
        assert_eq!(
            validate_topic_filter("$share/g"),
            Err(TopicError::InvalidSharedSubscription)
        );
        assert_eq!(
            validate_topic_filter("$share/+/a"),
            Err(TopicError::InvalidSharedSubscription)
        );
    }

    #[test]
    fn error_messages_state_the_rule_broken() {
        assert_eq!(
            TopicError::MultiLevelWildcardNotLast.to_string(),
            "'#' must be the last level of a filter and stand alone in it"
        );
    }

    #[test]
    fn filters_match_topics_as_the_spec_examples_say() {
        let yes = [
            ("sport/tennis/player1/#", "sport/tennis/player1"),
            ("sport/tennis/player1/#", "sport/tennis/player1/ranking"),
            (
                "sport/tennis/player1/#",
                "sport/tennis/player1/score/wimbledon",
            ),
            ("sport/#", "sport"),
            ("#", "anything/at/all"),
            ("sport/tennis/+", "sport/tennis/player1"),
            ("sport/+", "sport/"),
            ("+/+", "/finance"),
            ("/+", "/finance"),
            ("+", "a"),
            ("a//b", "a//b"),
            ("$SYS/#", "$SYS/broker/load"),
            ("$SYS/+/load", "$SYS/broker/load"),
            ("$share/group/a/+", "a/b"),
        ];
        for (filter, topic) in yes {
            assert!(
                filter_matches(filter, topic),
                "{filter} should match {topic}"
            );
        }
        let no = [
            ("sport/tennis/+", "sport/tennis/player1/ranking"),
            ("sport/+", "sport"),
            ("+", "/finance"),
            ("a/b", "a/b/c"),
            ("a/b/c", "a/b"),
            ("#", "$SYS/broker"),
            ("+/broker", "$SYS/broker"),
            ("a/#/b", "a/x/b"),
            ("a/+", "a/#"),
        ];
        for (filter, topic) in no {
            assert!(
                !filter_matches(filter, topic),
                "{filter} should not match {topic}"
            );
        }
    }

    /// The single-pass checks against the rule-by-rule ones they replace.
    #[cfg(not(target_arch = "wasm32"))]
    mod one_pass_against_rule_by_rule {
        use super::*;
        use proptest::prelude::*;

        /// `filter_matches` as it was before the one-pass checks, to test against.
        fn reference_filter_matches(filter: &str, topic: &str) -> bool {
            if validate_topic_filter(filter).is_err() || validate_topic_name(topic).is_err() {
                return false;
            }
            let filter = match split_shared(filter) {
                Some(Ok(inner)) => inner,
                Some(Err(_)) => return false,
                None => filter,
            };
            if topic.starts_with('$') && (filter.starts_with('+') || filter.starts_with('#')) {
                return false;
            }
            let mut filter_levels = filter.split('/');
            let mut topic_levels = topic.split('/');
            loop {
                match (filter_levels.next(), topic_levels.next()) {
                    (Some("#"), _) => return true,
                    (Some("+"), Some(_)) => {}
                    (Some(f), Some(t)) if f == t => {}
                    (None, None) => return true,
                    _ => return false,
                }
            }
        }

        /// Strings made of the characters the rules are about.
        fn filter() -> impl Strategy<Value = String> {
            "(\\$share/)?[ab/+#$\\x00]{0,10}"
        }

        fn name() -> impl Strategy<Value = String> {
            "[ab/+#$\\x00]{0,8}"
        }

        proptest! {
            #![proptest_config(ProptestConfig { cases: 4096, ..ProptestConfig::default() })]

            #[test]
            fn the_one_pass_filter_check_agrees_with_validate_topic_filter(f in filter()) {
                prop_assert_eq!(is_valid_filter(&f), validate_topic_filter(&f).is_ok(), "{:?}", f);
            }

            #[test]
            fn filter_matches_agrees_with_the_rule_by_rule_version(f in filter(), t in name()) {
                prop_assert_eq!(
                    filter_matches(&f, &t),
                    reference_filter_matches(&f, &t),
                    "{:?} {:?}", f, t
                );
            }

            #[test]
            fn filter_matches_agrees_on_filters_derived_from_the_topic(
                t in "[ab$]{0,2}(/[ab]{0,2}){0,4}",
                picks in prop::collection::vec(0u8..4, 0..6),
            ) {
                // Replace some levels of the topic by wildcards, so matches are common.
                let mut levels: Vec<&str> = t.split('/').collect();
                for (level, pick) in levels.iter_mut().zip(&picks) {
                    match pick {
                        0 => *level = "+",
                        1 => *level = "#",
                        _ => {}
                    }
                }
                let f = levels.join("/");
                prop_assert_eq!(
                    filter_matches(&f, &t),
                    reference_filter_matches(&f, &t),
                    "{:?} {:?}", f, t
                );
            }

            #[test]
            fn the_one_pass_name_check_agrees_with_the_rules(t in name()) {
                let by_rules = validate_common(&t).is_ok() && !t.contains(['+', '#']);
                prop_assert_eq!(validate_topic_name(&t).is_ok(), by_rules);
            }
        }

        #[test]
        fn long_names_and_filters_are_judged_alike() {
            let long = "x".repeat(MAX_TOPIC_LEN + 1);
            for s in [&long[..], &long[1..]] {
                assert_eq!(is_valid_filter(s), validate_topic_filter(s).is_ok());
                assert_eq!(filter_matches(s, s), reference_filter_matches(s, s));
                assert_eq!(filter_matches("#", s), reference_filter_matches("#", s));
            }
        }
    }
}
