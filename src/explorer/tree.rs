//! The broker's topics as a tree, for the topic explorer: per topic its message count,
//! rate, retained flag and last message; per branch the topics and messages under it.
//!
//! Fed by the driver per message, read by the view once per frame. Bounded: at most
//! [`MAX_TOPICS`] topics (messages for more are counted, not kept), and per topic only
//! its last payload, cut to [`MAX_KEPT_PAYLOAD`] bytes — a busy `#` must not eat the
//! page (MQTT Explorer's users report gigabytes).

use mqtt_session::{MessageProperties, QoS};
use rustc_hash::FxHashMap;

use super::earlier::EarlierMessages;
use super::natural_order::natural_cmp;

/// The most topics kept.
pub const MAX_TOPICS: usize = 100_000;

/// The most bytes of a topic's last payload kept (its full size is noted).
pub const MAX_KEPT_PAYLOAD: usize = 4096;

/// The most recent messages kept of the one topic the user selected: what its CSV
/// export holds (the page lists the newest [`SHOWN_RECENT`]). At most 4 MiB of payloads.
pub const MAX_RECENT: usize = 1000;

/// How many of the recent messages the page lists.
pub const SHOWN_RECENT: usize = 50;

/// How long a topic's message rate is averaged over.
const RATE_WINDOW_MS: f64 = 5000.0;

/// Where the explorer's subscription stands, as the driver learns it.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Subscription {
    /// Nothing asked yet.
    #[default]
    Idle,
    /// SUBSCRIBE sent (or to be sent once connected); no SUBACK yet.
    Waiting,
    /// The broker granted it: messages flow in.
    Granted,
    /// The broker refused it, with why.
    Refused(String),
    /// UNSUBSCRIBE sent; no UNSUBACK yet.
    Stopping,
    /// No longer noting messages.
    Stopped,
}

/// Index of a node in its tree. The root is 0; nodes are never removed.
pub type NodeId = usize;

/// The last message of a topic.
#[derive(Debug, Clone, PartialEq)]
pub struct LastMessage {
    /// Which message of its topic it was (the topic's count then, from 1).
    pub seq: u64,
    /// The first [`MAX_KEPT_PAYLOAD`] bytes.
    pub payload: Vec<u8>,
    /// The payload's full size in bytes.
    pub size: usize,
    pub retained: bool,
    pub qos: QoS,
    /// Arrival, wall-clock milliseconds since the Unix epoch.
    pub time_ms: f64,
    /// MQTT 5 properties; `None` when it had none (always over 3.1.1).
    pub properties: Option<Box<MessageProperties>>,
}

/// One level of a topic: a branch, a topic that received messages, or both.
#[derive(Debug, Clone, Default)]
pub struct Node {
    /// This level's name (may be empty: `a//b` has an empty middle level).
    pub name: Box<str>,
    pub parent: Option<NodeId>,
    /// Sorted by name.
    pub children: Vec<NodeId>,
    /// Levels above it, from 0 for a first level.
    pub depth: u16,
    /// Messages to exactly this topic.
    pub messages: u64,
    /// Messages to this topic and every topic under it.
    pub messages_below: u64,
    /// Topics that received messages: this one and those under it.
    pub topics_below: u32,
    pub last: Option<LastMessage>,
    /// A few messages before the last one, shortened.
    pub earlier: EarlierMessages,
    /// Shown open in the explorer.
    pub expanded: bool,
    rate: Rate,
}

/// Messages a second over the last completed window.
#[derive(Debug, Clone, Copy, Default)]
struct Rate {
    window_start_ms: f64,
    in_window: u32,
    per_second: f64,
}

impl Rate {
    fn note(&mut self, time_ms: f64) {
        let elapsed = time_ms - self.window_start_ms;
        if elapsed >= RATE_WINDOW_MS {
            // A window with nothing in it reads as silence, not as the old rate.
            self.per_second = if elapsed < 2.0 * RATE_WINDOW_MS {
                f64::from(self.in_window) * 1000.0 / elapsed
            } else {
                0.0
            };
            self.window_start_ms = time_ms;
            self.in_window = 0;
        }
        self.in_window += 1;
    }
}

/// What the explorer has seen under its filter.
#[derive(Debug, Clone)]
pub struct TopicTree {
    nodes: Vec<Node>,
    by_topic: FxHashMap<Box<str>, NodeId>,
    topics: usize,
    /// Messages to topics beyond [`MAX_TOPICS`]: counted so the view can say so.
    not_kept: u64,
    /// Something changed since the view last looked.
    changed: bool,
    /// A node was added or opened or closed: the visible rows must be listed again.
    shape_changed: bool,
    /// The selected topic, whose recent messages are kept from selection on (the others
    /// keep their last and a few before it, shortened).
    watched: Option<NodeId>,
    recent: std::collections::VecDeque<LastMessage>,
    subscription: Subscription,
}

impl Default for TopicTree {
    fn default() -> Self {
        Self::new()
    }
}

impl TopicTree {
    pub fn new() -> Self {
        Self {
            nodes: vec![Node {
                expanded: true,
                ..Node::default()
            }],
            by_topic: FxHashMap::default(),
            topics: 0,
            not_kept: 0,
            changed: false,
            shape_changed: false,
            watched: None,
            recent: std::collections::VecDeque::new(),
            subscription: Subscription::Idle,
        }
    }

    /// Where the subscription stands.
    pub fn subscription(&self) -> &Subscription {
        &self.subscription
    }

    /// Notes what the driver learnt of the subscription.
    pub fn set_subscription(&mut self, subscription: Subscription) {
        if self.subscription != subscription {
            self.subscription = subscription;
            self.changed = true;
        }
    }

    /// Notes a message. Cheap for a topic seen before: one hash look-up, a copy of at
    /// most [`MAX_KEPT_PAYLOAD`] bytes into the topic's buffer, and a walk up its levels.
    pub fn ingest(
        &mut self,
        topic: &str,
        payload: &[u8],
        retained: bool,
        qos: QoS,
        time_ms: f64,
        properties: &MessageProperties,
    ) {
        let id = match self.by_topic.get(topic) {
            Some(&id) => id,
            None if self.topics >= MAX_TOPICS => {
                self.not_kept += 1;
                self.changed = true;
                return;
            }
            None => self.add_topic(topic),
        };
        let node = &mut self.nodes[id];
        node.messages += 1;
        let seq = node.messages;
        node.rate.note(time_ms);
        let kept = &payload[..payload.len().min(MAX_KEPT_PAYLOAD)];
        let properties = (!properties.is_empty()).then(|| Box::new(properties.clone()));
        match &mut node.last {
            Some(last) => {
                node.earlier.push(last);
                // The buffer is reused: no allocation per message once it is big enough.
                last.payload.clear();
                last.payload.extend_from_slice(kept);
                last.seq = seq;
                last.size = payload.len();
                last.retained = retained;
                last.qos = qos;
                last.time_ms = time_ms;
                last.properties = properties;
            }
            None => {
                node.last = Some(LastMessage {
                    seq,
                    payload: kept.to_vec(),
                    size: payload.len(),
                    retained,
                    qos,
                    time_ms,
                    properties,
                });
            }
        }
        if self.watched == Some(id) {
            if let Some(last) = &self.nodes[id].last {
                if self.recent.len() == MAX_RECENT {
                    self.recent.pop_front();
                }
                self.recent.push_back(last.clone());
            }
        }
        let mut at = Some(id);
        while let Some(i) = at {
            self.nodes[i].messages_below += 1;
            at = self.nodes[i].parent;
        }
        self.changed = true;
    }

    /// Keeps the recent messages of `id` from now on (and of no other topic), starting
    /// with its last one; `None` keeps none.
    pub fn watch(&mut self, id: Option<NodeId>) {
        if self.watched == id {
            return;
        }
        self.watched = id;
        self.recent.clear();
        if let Some(node) = id.and_then(|i| self.nodes.get(i)) {
            self.recent.extend(node.earlier.iter());
            self.recent.extend(node.last.clone());
        }
    }

    /// The watched topic's recent messages, oldest first (at most [`MAX_RECENT`]).
    pub fn recent(&self) -> &std::collections::VecDeque<LastMessage> {
        &self.recent
    }

    fn add_topic(&mut self, topic: &str) -> NodeId {
        let mut at = 0;
        for (depth, level) in topic.split('/').enumerate() {
            at = match self.child_named(at, level) {
                Ok(child) => child,
                Err(position) => {
                    let id = self.nodes.len();
                    self.nodes.push(Node {
                        name: level.into(),
                        parent: Some(at),
                        depth: u16::try_from(depth).unwrap_or(u16::MAX),
                        ..Node::default()
                    });
                    self.nodes[at].children.insert(position, id);
                    id
                }
            };
        }
        self.by_topic.insert(topic.into(), at);
        self.topics += 1;
        let mut up = Some(at);
        while let Some(i) = up {
            self.nodes[i].topics_below += 1;
            up = self.nodes[i].parent;
        }
        self.shape_changed = true;
        at
    }

    /// The child of `parent` named `name`, or where it would go.
    fn child_named(&self, parent: NodeId, name: &str) -> Result<NodeId, usize> {
        let children = &self.nodes[parent].children;
        children
            .binary_search_by(|&c| natural_cmp(&self.nodes[c].name, name))
            .map(|i| children[i])
    }

    /// The node `id`, if it exists.
    pub fn node(&self, id: NodeId) -> Option<&Node> {
        self.nodes.get(id)
    }

    /// The node of a topic that received messages.
    pub fn find(&self, topic: &str) -> Option<NodeId> {
        self.by_topic.get(topic).copied()
    }

    /// The full topic of a node: its levels joined by `/`.
    pub fn topic_of(&self, id: NodeId) -> String {
        let mut levels = Vec::new();
        let mut at = Some(id);
        while let Some(i) = at.filter(|&i| i != 0) {
            levels.push(&*self.nodes[i].name);
            at = self.nodes[i].parent;
        }
        levels.reverse();
        levels.join("/")
    }

    /// Messages a second to the topic over the last few seconds.
    pub fn rate_of(&self, id: NodeId) -> f64 {
        self.nodes.get(id).map_or(0.0, |n| n.rate.per_second)
    }

    /// Topics that received messages (at most [`MAX_TOPICS`]).
    pub fn topics(&self) -> usize {
        self.topics
    }

    /// Messages to topics beyond [`MAX_TOPICS`], which are not kept.
    pub fn not_kept(&self) -> u64 {
        self.not_kept
    }

    /// Every message seen.
    pub fn messages(&self) -> u64 {
        self.nodes[0].messages_below + self.not_kept
    }

    /// Whether anything changed since the last call (and forgets it).
    pub fn take_changed(&mut self) -> bool {
        std::mem::take(&mut self.changed)
    }

    /// Opens or closes a branch.
    pub fn set_expanded(&mut self, id: NodeId, expanded: bool) {
        if let Some(node) = self.nodes.get_mut(id).filter(|n| !n.children.is_empty()) {
            if node.expanded != expanded {
                node.expanded = expanded;
                self.shape_changed = true;
                self.changed = true;
            }
        }
    }

    /// The rows to show, in order: each open branch's children under it. Listed again
    /// only when the shape changed; `rows` is reused.
    pub fn visible_rows(&mut self, rows: &mut Vec<NodeId>) -> bool {
        if !std::mem::take(&mut self.shape_changed) && !rows.is_empty() {
            return false;
        }
        rows.clear();
        let mut stack: Vec<NodeId> = self.nodes[0].children.iter().rev().copied().collect();
        while let Some(id) = stack.pop() {
            rows.push(id);
            let node = &self.nodes[id];
            if node.expanded {
                stack.extend(node.children.iter().rev().copied());
            }
        }
        true
    }

    /// Topics whose name contains `text` (ASCII case ignored), in name order, at most
    /// `limit` of them.
    pub fn search(&self, text: &str, limit: usize) -> Vec<NodeId> {
        let needle = text.to_ascii_lowercase();
        let mut found: Vec<(&str, NodeId)> = self
            .by_topic
            .iter()
            .filter(|(topic, _)| topic.to_ascii_lowercase().contains(&needle))
            .map(|(topic, &id)| (&**topic, id))
            .collect();
        found.sort_unstable_by(|a, b| natural_cmp(a.0, b.0));
        found.truncate(limit);
        found.into_iter().map(|(_, id)| id).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::explorer::earlier::EARLIER_MESSAGES;

    fn tree_with(messages: &[(&str, &str)]) -> TopicTree {
        let mut tree = TopicTree::new();
        for (i, (topic, payload)) in messages.iter().enumerate() {
            tree.ingest(
                topic,
                payload.as_bytes(),
                false,
                QoS::AtMostOnce,
                i as f64,
                &MessageProperties::default(),
            );
        }
        tree
    }

    fn names(tree: &mut TopicTree) -> Vec<String> {
        let mut rows = Vec::new();
        tree.visible_rows(&mut rows);
        rows.iter().map(|&id| tree.topic_of(id)).collect()
    }

    #[test]
    fn topics_become_levels_with_counts_up_the_branches() {
        let mut tree = tree_with(&[
            ("home/kitchen/temp", "21"),
            ("home/kitchen/temp", "22"),
            ("home/hall/temp", "19"),
            ("home", "root message"),
            ("office/temp", "20"),
        ]);
        assert_eq!(tree.topics(), 4);
        assert_eq!(tree.messages(), 5);
        let home = tree.find("home").unwrap();
        let node = tree.node(home).unwrap();
        assert_eq!(
            (node.messages, node.messages_below, node.topics_below),
            (1, 4, 3)
        );
        let kitchen_temp = tree.find("home/kitchen/temp").unwrap();
        let last = tree.node(kitchen_temp).unwrap().last.clone().unwrap();
        assert_eq!(last.payload, b"22");
        assert_eq!(tree.node(kitchen_temp).unwrap().messages, 2);
        // Closed branches show only the first levels, in name order.
        assert_eq!(names(&mut tree), vec!["home", "office"]);
        tree.set_expanded(home, true);
        assert_eq!(
            names(&mut tree),
            vec!["home", "home/hall", "home/kitchen", "office"]
        );
    }

    #[test]
    fn empty_levels_and_a_leading_slash_are_levels_too() {
        let mut tree = tree_with(&[("/a", "1"), ("a//b", "2")]);
        assert_eq!(tree.topics(), 2);
        assert_eq!(tree.topic_of(tree.find("/a").unwrap()), "/a");
        assert_eq!(tree.topic_of(tree.find("a//b").unwrap()), "a//b");
        assert_eq!(names(&mut tree), vec!["", "a"]);
    }

    #[test]
    fn a_long_payload_is_cut_but_its_size_kept() {
        let big = "x".repeat(MAX_KEPT_PAYLOAD * 3);
        let tree = tree_with(&[("t", big.as_str())]);
        let last = tree
            .node(tree.find("t").unwrap())
            .unwrap()
            .last
            .clone()
            .unwrap();
        assert_eq!(last.payload.len(), MAX_KEPT_PAYLOAD);
        assert_eq!(last.size, MAX_KEPT_PAYLOAD * 3);
    }

    #[test]
    fn beyond_the_topic_limit_messages_are_counted_not_kept() {
        let mut tree = TopicTree::new();
        let none = MessageProperties::default();
        for i in 0..MAX_TOPICS + 10 {
            tree.ingest(&format!("t/{i}"), b"1", false, QoS::AtMostOnce, 0.0, &none);
        }
        assert_eq!(tree.topics(), MAX_TOPICS);
        assert_eq!(tree.not_kept(), 10);
        assert_eq!(tree.messages(), (MAX_TOPICS + 10) as u64);
    }

    #[test]
    fn the_rate_is_messages_a_second_over_the_last_window_and_silence_reads_zero() {
        let mut tree = TopicTree::new();
        let none = MessageProperties::default();
        for i in 0..=50 {
            // Ten a second for five seconds.
            tree.ingest(
                "t",
                b"1",
                false,
                QoS::AtMostOnce,
                f64::from(i) * 100.0,
                &none,
            );
        }
        let t = tree.find("t").unwrap();
        assert!((tree.rate_of(t) - 10.0).abs() < 0.5, "{}", tree.rate_of(t));
        tree.ingest("t", b"1", false, QoS::AtMostOnce, 60_000.0, &none);
        assert_eq!(tree.rate_of(t), 0.0);
    }

    #[test]
    fn search_finds_topics_by_any_part_ignoring_case() {
        let tree = tree_with(&[
            ("home/Kitchen/temp", "1"),
            ("home/hall/temp", "2"),
            ("x", "3"),
        ]);
        let found: Vec<String> = tree
            .search("kitchen", 10)
            .into_iter()
            .map(|id| tree.topic_of(id))
            .collect();
        assert_eq!(found, vec!["home/Kitchen/temp"]);
        assert_eq!(tree.search("temp", 1).len(), 1);
    }

    #[test]
    fn levels_are_listed_with_their_numbers_in_order() {
        let mut tree = tree_with(&[("d/dev10", "1"), ("d/dev2", "1"), ("d/dev1", "1")]);
        let d = tree
            .find("d/dev1")
            .and_then(|id| tree.node(id)?.parent)
            .unwrap();
        tree.set_expanded(d, true);
        let mut rows = Vec::new();
        tree.visible_rows(&mut rows);
        let names: Vec<String> = rows.iter().map(|&id| tree.topic_of(id)).collect();
        assert_eq!(names, ["d", "d/dev1", "d/dev2", "d/dev10"]);
        let found: Vec<String> = tree
            .search("dev", 10)
            .into_iter()
            .map(|id| tree.topic_of(id))
            .collect();
        assert_eq!(found, ["d/dev1", "d/dev2", "d/dev10"]);
    }

    #[test]
    fn the_watched_topic_keeps_its_recent_messages_the_others_a_few() {
        let mut tree = tree_with(&[("a", "1"), ("b", "x")]);
        let a = tree.find("a").unwrap();
        tree.watch(Some(a));
        let none = MessageProperties::default();
        let last = MAX_RECENT + 10;
        for i in 2..=last {
            tree.ingest(
                "a",
                i.to_string().as_bytes(),
                false,
                QoS::AtMostOnce,
                0.0,
                &none,
            );
            tree.ingest("b", b"y", false, QoS::AtMostOnce, 0.0, &none);
        }
        let recent: Vec<Vec<u8>> = tree.recent().iter().map(|m| m.payload.clone()).collect();
        assert_eq!(recent.len(), MAX_RECENT);
        assert_eq!(recent.last().unwrap(), last.to_string().as_bytes());
        assert_eq!(
            recent.first().unwrap(),
            (last - MAX_RECENT + 1).to_string().as_bytes()
        );
        tree.watch(tree.find("b"));
        let b: Vec<u64> = tree.recent().iter().map(|m| m.seq).collect();
        let b_messages = last as u64;
        let from = b_messages - EARLIER_MESSAGES as u64;
        assert_eq!(
            b,
            (from..=b_messages).collect::<Vec<_>>(),
            "starts with b's last message and the few before it"
        );
        tree.watch(None);
        assert!(tree.recent().is_empty());
    }

    #[test]
    fn rows_are_listed_again_only_when_the_shape_changed() {
        let mut tree = tree_with(&[("a/b", "1")]);
        let mut rows = Vec::new();
        assert!(tree.visible_rows(&mut rows));
        tree.ingest(
            "a/b",
            b"2",
            false,
            QoS::AtMostOnce,
            1.0,
            &MessageProperties::default(),
        );
        assert!(!tree.visible_rows(&mut rows), "a new value changes no row");
        tree.ingest(
            "a/c",
            b"2",
            false,
            QoS::AtMostOnce,
            1.0,
            &MessageProperties::default(),
        );
        assert!(tree.visible_rows(&mut rows), "a new topic does");
    }
}
