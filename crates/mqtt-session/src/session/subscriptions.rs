//! Subscribing and unsubscribing: the commands, the SUBACK/UNSUBACK answers, and what the
//! session remembers for resubscribing.

use super::{misuse, ConnectionState, Session};
use crate::codec::Outgoing;
use crate::error::Error;
use crate::event::{Event, Refusal};
use crate::options::{ProtocolVersion, QoS};
use crate::subscription::Subscription;
use crate::time::Instant;
use crate::topic::validate_topic_filter;

impl Session {
    /// Subscribes to `filters`, each with its maximum QoS. Every filter is validated first
    /// ([`Error::ApiMisuse`] and nothing changes if one is invalid). Filters are
    /// remembered and sent again on every connect that does not resume the session; when
    /// connected, SUBSCRIBE goes out now. Answered by [`Event::Subscribed`].
    pub fn subscribe(&mut self, now: Instant, filters: Vec<(String, QoS)>) -> Result<(), Error> {
        let subscriptions = filters
            .into_iter()
            .map(|(filter, qos)| Subscription::new(filter, qos))
            .collect();
        self.subscribe_with_options(now, subscriptions)
    }

    /// [`subscribe`](Session::subscribe) with MQTT 5 subscription options (no local,
    /// retain as published, retain handling) and an optional subscription identifier,
    /// all remembered for resubscribing. One call is one SUBSCRIBE, so every subscription
    /// in it must carry the same `identifier` ([`Error::ApiMisuse`] otherwise). Over
    /// 3.1.1 only filter and QoS are sent.
    pub fn subscribe_with_options(
        &mut self,
        now: Instant,
        subscriptions: Vec<Subscription>,
    ) -> Result<(), Error> {
        let Some(first) = subscriptions.first() else {
            return Err(misuse("subscribe needs at least one filter"));
        };
        let identifier = first.identifier;
        for s in &subscriptions {
            s.validate()?;
            if s.identifier != identifier {
                return Err(misuse(format!(
                    "one SUBSCRIBE carries one subscription identifier, but {:?} has {:?} \
                     and {:?} has {:?}; subscribe to them in separate calls",
                    first.filter, identifier, s.filter, s.identifier
                )));
            }
        }
        let packet_id = if self.state == ConnectionState::Connected {
            Some(
                self.ids
                    .allocate()
                    .ok_or_else(|| misuse("all 65535 packet identifiers are in use"))?,
            )
        } else {
            None
        };
        for s in &subscriptions {
            match self.subscriptions.iter_mut().find(|e| e.filter == s.filter) {
                Some(entry) => *entry = s.clone(),
                None => self.subscriptions.push(s.clone()),
            }
            self.unsent_unsubscribes.retain(|f| *f != s.filter);
            self.unsubscribing.remove(&s.filter);
        }
        match packet_id {
            Some(id) => {
                self.send(
                    now,
                    Outgoing::Subscribe {
                        packet_id: id,
                        filters: &subscriptions,
                    },
                );
                self.pending_subscribes.insert(id, subscriptions);
            }
            None => self.unsent_subscribes.extend(subscriptions),
        }
        Ok(())
    }

    /// Sends `subscriptions` in as few SUBSCRIBEs as their identifiers allow (one per
    /// distinct identifier; over 3.1.1, where none is sent, one in all).
    pub(super) fn send_subscribes(&mut self, now: Instant, subscriptions: Vec<Subscription>) {
        let v5 = self.options.version == ProtocolVersion::V5;
        let key = |s: &Subscription| if v5 { s.identifier } else { None };
        let mut groups: Vec<(Option<u32>, Vec<Subscription>)> = Vec::new();
        for s in subscriptions {
            match groups.iter_mut().find(|(k, _)| *k == key(&s)) {
                Some((_, group)) => group.push(s),
                None => groups.push((key(&s), vec![s])),
            }
        }
        for (_, mut group) in groups {
            if !v5 {
                // Keep the invariant "one identifier per SUBSCRIBE" for the encoder.
                group.iter_mut().for_each(|s| s.identifier = None);
            }
            let Some(id) = self.ids.allocate() else { break };
            self.send(
                now,
                Outgoing::Subscribe {
                    packet_id: id,
                    filters: &group,
                },
            );
            self.pending_subscribes.insert(id, group);
        }
    }

    /// Unsubscribes from `filters` (validated first) and forgets them. When connected,
    /// UNSUBSCRIBE goes out now; answered by [`Event::Unsubscribed`]. If a v5 broker
    /// refuses to unsubscribe a filter (UNSUBACK reason >= 0x80), it still has the
    /// subscription, so the session remembers it again, options included.
    pub fn unsubscribe(&mut self, now: Instant, filters: Vec<String>) -> Result<(), Error> {
        if filters.is_empty() {
            return Err(misuse("unsubscribe needs at least one filter"));
        }
        for filter in &filters {
            validate_topic_filter(filter)
                .map_err(|e| misuse(format!("invalid topic filter {filter:?}: {e}")))?;
        }
        let packet_id = if self.state == ConnectionState::Connected {
            Some(
                self.ids
                    .allocate()
                    .ok_or_else(|| misuse("all 65535 packet identifiers are in use"))?,
            )
        } else {
            None
        };
        for filter in &filters {
            if let Some(i) = self.subscriptions.iter().position(|s| s.filter == *filter) {
                let forgotten = self.subscriptions.remove(i);
                self.unsubscribing.insert(filter.clone(), forgotten);
            }
            self.unsent_subscribes.retain(|s| s.filter != *filter);
        }
        match packet_id {
            Some(id) => {
                self.send(
                    now,
                    Outgoing::Unsubscribe {
                        packet_id: id,
                        filters: &filters,
                    },
                );
                self.pending_unsubscribes.insert(id, filters);
            }
            None => self.unsent_unsubscribes.extend(filters),
        }
        Ok(())
    }

    pub(super) fn handle_suback(
        &mut self,
        now: Instant,
        packet_id: u16,
        codes: Vec<u8>,
        reason_string: Option<String>,
    ) {
        let Some(filters) = self.pending_subscribes.remove(&packet_id) else {
            return;
        };
        self.ids.free(packet_id);
        if codes.len() != filters.len() {
            let text = format!(
                "SUBACK {packet_id} has {} return codes for {} filters",
                codes.len(),
                filters.len()
            );
            return self.lose(now, Error::BrokerMisbehaved(text));
        }
        let version = self.options.version;
        let results: Vec<(String, Result<QoS, Refusal>)> = filters
            .into_iter()
            .zip(codes)
            .map(|(subscription, code)| {
                let result = match QoS::from_u8(code) {
                    Some(qos) => Ok(qos),
                    None if version == ProtocolVersion::V3_1_1 => {
                        Err(Refusal::v4_subscription_failure())
                    }
                    None => Err(Refusal::from_v5(code, reason_string.as_deref())),
                };
                (subscription.filter, result)
            })
            .collect();
        for (filter, result) in &results {
            if result.is_err() {
                self.subscriptions.retain(|s| s.filter != *filter);
            }
        }
        self.events.push_back(Event::Subscribed { results });
    }

    pub(super) fn handle_unsuback(
        &mut self,
        now: Instant,
        packet_id: u16,
        codes: Vec<u8>,
        reason_string: Option<String>,
    ) {
        let Some(filters) = self.pending_unsubscribes.remove(&packet_id) else {
            return;
        };
        self.ids.free(packet_id);
        if self.options.version == ProtocolVersion::V5 && codes.len() != filters.len() {
            let text = format!(
                "UNSUBACK {packet_id} has {} reason codes for {} filters",
                codes.len(),
                filters.len()
            );
            return self.lose(now, Error::BrokerMisbehaved(text));
        }
        let mut refused = Vec::new();
        // 3.1.1 UNSUBACKs carry no codes: every filter succeeded.
        for (i, filter) in filters.iter().enumerate() {
            let forgotten = self.unsubscribing.remove(filter);
            let code = codes.get(i).copied().unwrap_or(0);
            if code < 0x80 {
                continue;
            }
            // The broker still has the subscription: keep it, so it is sent again after a
            // reconnect that does not resume the session. A subscribe made meanwhile wins.
            if let Some(s) = forgotten {
                if !self.subscriptions.iter().any(|e| e.filter == s.filter) {
                    self.subscriptions.push(s);
                }
            }
            let refusal = Refusal::from_v5(code, reason_string.as_deref());
            refused.push((filter.clone(), refusal));
        }
        self.events
            .push_back(Event::Unsubscribed { filters, refused });
    }
}
