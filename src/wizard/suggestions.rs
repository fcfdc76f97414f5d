//! Topic suggestions for the wizard's feed step: the topics this page has seen on the
//! broker and the ones its dashboards already use, narrowed by what the user types.

/// The most suggestions shown at once.
pub const MAX_SUGGESTIONS: usize = 12;

/// Up to [`MAX_SUGGESTIONS`] distinct topics of `known` containing `typed` (ignoring
/// case), those starting with it first, then in order; all of them for empty text.
/// The exact text typed is not suggested back.
pub fn suggest(known: &[String], typed: &str) -> Vec<String> {
    let typed = typed.trim().to_lowercase();
    let mut starting = Vec::new();
    let mut containing = Vec::new();
    for topic in known {
        let lower = topic.to_lowercase();
        if lower == typed || starting.contains(topic) || containing.contains(topic) {
            continue;
        }
        if lower.starts_with(&typed) {
            starting.push(topic.clone());
        } else if lower.contains(&typed) {
            containing.push(topic.clone());
        }
    }
    starting.extend(containing);
    starting.truncate(MAX_SUGGESTIONS);
    starting
}

#[cfg(test)]
mod tests {
    use super::*;

    fn known() -> Vec<String> {
        [
            "home/f/temp",
            "ward/bed1/hr",
            "home/f/heater",
            "home/f/temp",
            "garage/home/door",
        ]
        .map(String::from)
        .to_vec()
    }

    #[test]
    fn topics_starting_with_the_text_come_first_without_repeats() {
        assert_eq!(
            suggest(&known(), "HOME"),
            ["home/f/temp", "home/f/heater", "garage/home/door"]
        );
        assert_eq!(suggest(&known(), "").len(), 4);
        assert!(suggest(&known(), "nothing").is_empty());
    }

    #[test]
    fn the_exact_text_is_not_suggested_back_and_the_list_is_bounded() {
        assert_eq!(suggest(&known(), "ward/bed1/hr"), Vec::<String>::new());
        let many: Vec<String> = (0..100).map(|i| format!("t/{i}")).collect();
        assert_eq!(suggest(&many, "t/").len(), MAX_SUGGESTIONS);
    }
}
