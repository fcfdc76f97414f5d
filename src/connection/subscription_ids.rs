//! One MQTT 5 subscription identifier per topic filter, so that overlapping filters
//! never deliver a message twice to the same feed.
//!
//! A v5 broker may send a message once per matching subscription (Mosquitto 2 does:
//! subscribed to `home/#` and `home/f/t`, a client gets two copies of every `home/f/t`
//! message), each copy carrying the identifiers of the subscriptions it is for. Routed
//! blindly, every feed whose filter matches would take both copies — a duplicated
//! point on a chart, a doubled count. With an identifier per filter, a copy goes only
//! to the feeds (and taps) of the filters it names. Over 3.1.1, or from a broker
//! without identifiers, a message carries none and goes to every matching feed, as
//! those brokers send one copy.

use mqtt_session::{QoS, Subscription};

/// The filters subscribed with identifiers: identifier `n` is `filters[n - 1]`. Only
/// grows, for the life of a session (an identifier is not reused for another filter).
#[derive(Debug, Default)]
pub struct SubscriptionIds {
    filters: Vec<String>,
}

impl SubscriptionIds {
    /// Forgets every identifier: a new session starts over.
    pub fn clear(&mut self) {
        self.filters.clear();
    }

    /// The SUBSCRIBE packets for `filters`: one per filter, each with its own
    /// identifier, when `with_ids`; else one packet of them all, without identifiers.
    pub fn subscriptions(
        &mut self,
        filters: Vec<String>,
        with_ids: bool,
    ) -> Vec<Vec<Subscription>> {
        if !with_ids {
            let all = filters
                .into_iter()
                .map(|f| Subscription::new(f, QoS::AtLeastOnce))
                .collect::<Vec<_>>();
            return if all.is_empty() {
                Vec::new()
            } else {
                vec![all]
            };
        }
        filters
            .into_iter()
            .map(|filter| {
                let id = self.id_of(&filter);
                let mut subscription = Subscription::new(filter, QoS::AtLeastOnce);
                subscription.identifier = Some(id);
                vec![subscription]
            })
            .collect()
    }

    /// Whether a message carrying `ids` is meant for `filter`: always when it carries
    /// none, else when one of them is the filter's.
    pub fn is_for(&self, ids: &[u32], filter: &str) -> bool {
        ids.is_empty()
            || ids.iter().any(|&id| {
                id.checked_sub(1)
                    .and_then(|i| self.filters.get(i as usize))
                    .is_some_and(|f| f == filter)
            })
    }

    fn id_of(&mut self, filter: &str) -> u32 {
        let index = match self.filters.iter().position(|f| f == filter) {
            Some(index) => index,
            None => {
                self.filters.push(filter.to_owned());
                self.filters.len() - 1
            }
        };
        // Identifiers go up to 268,435,455; a page subscribes to a few hundred filters.
        u32::try_from(index + 1).unwrap_or(u32::MAX)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_filter_gets_its_own_packet_and_keeps_its_identifier() {
        let mut ids = SubscriptionIds::default();
        let packets = ids.subscriptions(vec!["a/#".into(), "a/b".into()], true);
        let got: Vec<(String, Option<u32>)> = packets
            .iter()
            .map(|p| (p[0].filter.clone(), p[0].identifier))
            .collect();
        assert_eq!(got, [("a/#".into(), Some(1)), ("a/b".into(), Some(2))]);
        let again = ids.subscriptions(vec!["a/b".into()], true);
        assert_eq!(again[0][0].identifier, Some(2));
    }

    #[test]
    fn a_copy_goes_only_to_the_filters_it_names() {
        let mut ids = SubscriptionIds::default();
        ids.subscriptions(vec!["a/#".into(), "a/b".into()], true);
        assert!(ids.is_for(&[1], "a/#"));
        assert!(!ids.is_for(&[1], "a/b"));
        assert!(ids.is_for(&[1, 2], "a/b"));
        assert!(
            ids.is_for(&[], "a/b"),
            "no identifiers: every matching filter"
        );
        assert!(
            !ids.is_for(&[0, 99], "a/b"),
            "unknown identifiers name nothing"
        );
    }

    #[test]
    fn without_identifiers_all_filters_go_in_one_packet() {
        let mut ids = SubscriptionIds::default();
        let packets = ids.subscriptions(vec!["a".into(), "b".into()], false);
        assert_eq!(packets.len(), 1);
        assert!(packets[0].iter().all(|s| s.identifier.is_none()));
        assert!(ids.subscriptions(Vec::new(), false).is_empty());
    }
}
