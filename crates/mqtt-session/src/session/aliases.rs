//! MQTT 5 topic aliases, per connection: inbound alias → topic, outbound topic → alias.

use std::collections::BTreeMap;
use std::sync::Arc;

/// The aliases the broker set on the current connection. Cleared on every new transport
/// (MQTT 5 §3.3.2.3.4: aliases do not outlive a network connection).
#[derive(Debug, Default)]
pub(super) struct InboundAliases {
    topics: BTreeMap<u16, Arc<str>>,
}

impl InboundAliases {
    /// Forgets every alias (new connection).
    pub(super) fn clear(&mut self) {
        self.topics.clear();
    }

    /// Sets `topic` to the topic a PUBLISH is for. With an alias and a topic, the alias
    /// is (re)bound to the topic; with an alias and an empty topic, the bound topic is
    /// used. `Err` says how the broker broke the protocol. `maximum` is what we announced
    /// in CONNECT.
    pub(super) fn resolve(
        &mut self,
        topic: &mut Arc<str>,
        alias: Option<u16>,
        maximum: u16,
    ) -> Result<(), String> {
        let Some(alias) = alias else {
            return Ok(());
        };
        if maximum == 0 {
            return Err(format!(
                "PUBLISH used topic alias {alias}, but the client allows none"
            ));
        }
        if alias == 0 || alias > maximum {
            return Err(format!(
                "PUBLISH used topic alias {alias}, but the client allows 1 to {maximum}"
            ));
        }
        if topic.is_empty() {
            let bound = self.topics.get(&alias).ok_or_else(|| {
                format!("PUBLISH used topic alias {alias} with an empty topic before binding it")
            })?;
            *topic = Arc::clone(bound);
            return Ok(());
        }
        self.topics.insert(alias, Arc::clone(topic));
        Ok(())
    }
}

/// Aliases we bound for topics we publish to, up to the broker's `Topic Alias Maximum`
/// from CONNACK. Reset on every CONNACK; never evicted (once full, further topics go
/// without an alias).
#[derive(Debug, Default)]
pub(super) struct OutboundAliases {
    maximum: u16,
    aliases: BTreeMap<String, u16>,
}

impl OutboundAliases {
    /// A new connection: the broker allows aliases 1..=`maximum` (0 = none).
    pub(super) fn reset(&mut self, maximum: u16) {
        self.maximum = maximum;
        self.aliases.clear();
    }

    /// The alias to send `topic` with, and whether the broker already knows it (then the
    /// topic itself can be left out). `may_bind`: whether a new alias may be bound (a
    /// first use adds 3 bytes to the packet). `None`: send the topic without an alias.
    pub(super) fn for_topic(&mut self, topic: &str, may_bind: bool) -> Option<(u16, bool)> {
        if topic.len() <= 3 {
            // The alias property takes 3 bytes: nothing to save, and a packet could grow.
            return None;
        }
        if let Some(alias) = self.aliases.get(topic) {
            return Some((*alias, true));
        }
        let next = u16::try_from(self.aliases.len() + 1).ok()?;
        if !may_bind || next > self.maximum {
            return None;
        }
        self.aliases.insert(topic.to_owned(), next);
        Some((next, false))
    }
}
