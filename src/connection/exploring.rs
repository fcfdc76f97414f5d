//! The topic explorer's subscription, as the driver holds it: a filter of the user's
//! choosing (`#` by default) whose messages go into a [`TopicTree`] — every one, not
//! only those of bound feeds — beside the feed store.

use std::cell::RefCell;
use std::rc::Rc;

use mqtt_session::topic::filter_matches;
use mqtt_session::{Message, QoS};

use crate::explorer::{Subscription, TopicTree};

/// The explorer's filter and the tree its messages go into.
pub(super) struct Exploring {
    pub(super) filter: String,
    pub(super) tree: Rc<RefCell<TopicTree>>,
}

impl Exploring {
    /// Tells the explorer where its subscription stands.
    pub(super) fn set(&self, subscription: Subscription) {
        self.tree.borrow_mut().set_subscription(subscription);
    }

    /// Notes the broker's answer to a SUBSCRIBE, if it was for the explorer's filter.
    pub(super) fn answered<E: std::fmt::Display>(&self, results: &[(String, Result<QoS, E>)]) {
        if let Some((_, result)) = results.iter().find(|(f, _)| *f == self.filter) {
            self.set(match result {
                Ok(_) => Subscription::Granted,
                Err(e) => Subscription::Refused(e.to_string()),
            });
        }
    }

    /// Notes `message` in the tree if it matches the filter and this copy is for the
    /// explorer's subscription (`for_filter`: see subscription_ids.rs).
    pub(super) fn ingest(
        &self,
        message: &Message,
        time_ms: f64,
        for_filter: impl Fn(&str) -> bool,
    ) -> bool {
        if !filter_matches(&self.filter, &message.topic) || !for_filter(&self.filter) {
            return false;
        }
        self.tree.borrow_mut().ingest(
            &message.topic,
            &message.payload,
            message.retain,
            message.qos,
            time_ms,
            &message.properties,
        );
        true
    }
}
