//! Inbound MQTT 5 topic aliases: the per-connection alias → topic table.

use std::collections::BTreeMap;

/// The aliases the broker set on the current connection. Cleared on every new transport
/// (MQTT 5 §3.3.2.3.4: aliases do not outlive a network connection).
#[derive(Debug, Default)]
pub(super) struct InboundAliases {
    topics: BTreeMap<u16, String>,
}

impl InboundAliases {
    /// Forgets every alias (new connection).
    pub(super) fn clear(&mut self) {
        self.topics.clear();
    }

    /// The topic a PUBLISH is for. With an alias and a topic, the alias is (re)bound to the
    /// topic; with an alias and an empty topic, the bound topic is used. `Err` says how
    /// the broker broke the protocol. `maximum` is what we announced in CONNECT.
    pub(super) fn resolve(
        &mut self,
        topic: String,
        alias: Option<u16>,
        maximum: u16,
    ) -> Result<String, String> {
        let Some(alias) = alias else {
            return Ok(topic);
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
            return self.topics.get(&alias).cloned().ok_or_else(|| {
                format!("PUBLISH used topic alias {alias} with an empty topic before binding it")
            });
        }
        self.topics.insert(alias, topic.clone());
        Ok(topic)
    }
}
