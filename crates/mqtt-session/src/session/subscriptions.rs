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
    ///
    /// A filter the v5 broker declared unsupported in CONNACK — one with a wildcard, a
    /// `$share/` filter, or any filter with an identifier — is not sent and not
    /// remembered: [`Event::Subscribed`] reports it refused (0xA2, 0x9E or 0xA1, "refused
    /// locally") among the broker's answers for the other filters of the call, which are
    /// still sent. A QoS above the broker's Maximum QoS is fine: the broker grants less.
    /// Remembered subscriptions sent again after a later CONNACK are screened the same
    /// way and forgotten when refused.
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
        if self.state != ConnectionState::Connected {
            self.remember(&subscriptions);
            self.unsent_subscribes.extend(subscriptions);
            return Ok(());
        }
        let slots = self.screen(subscriptions);
        if !slots.iter().any(Slot::is_sent) {
            // Nothing the broker would take: answered at once, nothing remembered.
            self.events.push_back(Event::Subscribed {
                results: answer(slots, Vec::new()),
            });
            return Ok(());
        }
        let id = self
            .ids
            .allocate()
            .ok_or_else(|| misuse("all 65535 packet identifiers are in use"))?;
        // A filter refused locally is not remembered, and an earlier subscription to it,
        // which the broker still has, stays as it was.
        let sent = sent_filters(&slots);
        self.remember(&sent);
        self.send(
            now,
            Outgoing::Subscribe {
                packet_id: id,
                filters: &sent,
            },
        );
        self.pending_subscribes.insert(id, slots);
        Ok(())
    }

    /// Remembers `subscriptions` for resubscribing, replacing older ones to the same
    /// filters and cancelling unsubscribes of them that are not sent yet.
    fn remember(&mut self, subscriptions: &[Subscription]) {
        for s in subscriptions {
            match self.subscriptions.iter_mut().find(|e| e.filter == s.filter) {
                Some(entry) => *entry = s.clone(),
                None => self.subscriptions.push(s.clone()),
            }
            self.unsent_unsubscribes.retain(|f| *f != s.filter);
            self.unsubscribing.remove(&s.filter);
        }
    }

    /// Sorts a request into filters to send and filters the broker declared unsupported
    /// in its CONNACK, in request order. Sending the latter would make the broker close
    /// the connection, so they are answered locally with the code it would have used.
    fn screen(&self, subscriptions: Vec<Subscription>) -> Vec<Slot> {
        subscriptions
            .into_iter()
            .map(|s| self.screen_one(s))
            .collect()
    }

    fn screen_one(&self, s: Subscription) -> Slot {
        match self.capabilities.and_then(|c| c.subscription_refusal(&s)) {
            Some(refusal) => Slot::Refused(s.filter, refusal),
            None => Slot::Sent(s),
        }
    }

    /// [`screen_one`](Self::screen_one) for a subscription the session remembers: if the
    /// broker declared it unsupported it is forgotten, as if the broker had refused it.
    fn screen_remembered(&mut self, s: Subscription) -> Slot {
        let slot = self.screen_one(s);
        if let Slot::Refused(filter, _) = &slot {
            self.subscriptions.retain(|e| e.filter != *filter);
        }
        slot
    }

    /// Sends one SUBSCRIBE for the filters of `slots` the broker supports (under
    /// `packet_id`, or a new one); when there are none, reports the request as answered
    /// at once.
    fn send_screened(&mut self, now: Instant, packet_id: Option<u16>, slots: Vec<Slot>) {
        let sent = sent_filters(&slots);
        let id = match packet_id {
            Some(id) if !sent.is_empty() => id,
            Some(id) => {
                self.ids.free(id);
                return self.events.push_back(Event::Subscribed {
                    results: answer(slots, Vec::new()),
                });
            }
            None if sent.is_empty() => {
                return self.events.push_back(Event::Subscribed {
                    results: answer(slots, Vec::new()),
                });
            }
            None => match self.ids.allocate() {
                Some(id) => id,
                None => return,
            },
        };
        self.send(
            now,
            Outgoing::Subscribe {
                packet_id: id,
                filters: &sent,
            },
        );
        self.pending_subscribes.insert(id, slots);
    }

    /// A resumed session: SUBSCRIBEs still unanswered go out again with their packet ids,
    /// screened against the new CONNACK (capabilities are per connection).
    pub(super) fn resend_pending_subscribes(&mut self, now: Instant) {
        for (id, slots) in core::mem::take(&mut self.pending_subscribes) {
            let slots = slots
                .into_iter()
                .map(|slot| match slot {
                    Slot::Sent(s) => self.screen_remembered(s),
                    refused @ Slot::Refused(..) => refused,
                })
                .collect();
            self.send_screened(now, Some(id), slots);
        }
    }

    /// A new session: unanswered SUBSCRIBEs are void (their remembered filters go out
    /// again in a fresh SUBSCRIBE, whose SUBACK answers them). Their local refusals are
    /// reported now, since nothing else would report them.
    pub(super) fn drop_pending_subscribes(&mut self) {
        for (id, slots) in core::mem::take(&mut self.pending_subscribes) {
            self.ids.free(id);
            let results: Vec<_> = answer(slots, Vec::new());
            if !results.is_empty() {
                self.events.push_back(Event::Subscribed { results });
            }
        }
    }

    /// Sends remembered `subscriptions` in as few SUBSCRIBEs as their identifiers allow
    /// (one per distinct identifier; over 3.1.1, where none is sent, one in all), screened
    /// against the broker's capabilities.
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
            let slots = group
                .into_iter()
                .map(|s| self.screen_remembered(s))
                .collect();
            self.send_screened(now, None, slots);
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
        let Some(slots) = self.pending_subscribes.remove(&packet_id) else {
            return;
        };
        self.ids.free(packet_id);
        let sent = slots.iter().filter(|s| s.is_sent()).count();
        if codes.len() != sent {
            let text = format!(
                "SUBACK {packet_id} has {} return codes for {sent} filters",
                codes.len(),
            );
            return self.lose(now, Error::BrokerMisbehaved(text));
        }
        let version = self.options.version;
        let granted: Vec<Result<QoS, Refusal>> = codes
            .into_iter()
            .map(|code| match QoS::from_u8(code) {
                Some(qos) => Ok(qos),
                None if version == ProtocolVersion::V3_1_1 => {
                    Err(Refusal::v4_subscription_failure())
                }
                None => Err(Refusal::from_v5(code, reason_string.as_deref())),
            })
            .collect();
        // What the broker refused is forgotten; local refusals were dealt with when made.
        for (slot, result) in slots.iter().filter(|s| s.is_sent()).zip(&granted) {
            if let (Slot::Sent(s), Err(_)) = (slot, result) {
                self.subscriptions.retain(|e| e.filter != s.filter);
            }
        }
        self.events.push_back(Event::Subscribed {
            results: answer(slots, granted),
        });
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

/// One filter of a SUBSCRIBE request, in request order.
#[derive(Debug, Clone)]
pub(super) enum Slot {
    /// On the wire; the SUBACK answers it.
    Sent(Subscription),
    /// Not sent: the broker declared in CONNACK that it does not support it.
    Refused(String, Refusal),
}

impl Slot {
    fn is_sent(&self) -> bool {
        matches!(self, Slot::Sent(_))
    }
}

/// The subscriptions of `slots` that go on the wire.
fn sent_filters(slots: &[Slot]) -> Vec<Subscription> {
    slots
        .iter()
        .filter_map(|slot| match slot {
            Slot::Sent(s) => Some(s.clone()),
            Slot::Refused(..) => None,
        })
        .collect()
}

/// The results of a request in request order: the broker's answers (`granted`, one per
/// sent filter, in order) merged with the local refusals.
fn answer(
    slots: Vec<Slot>,
    granted: Vec<Result<QoS, Refusal>>,
) -> Vec<(String, Result<QoS, Refusal>)> {
    let mut granted = granted.into_iter();
    slots
        .into_iter()
        .filter_map(|slot| match slot {
            Slot::Sent(s) => granted.next().map(|result| (s.filter, result)),
            Slot::Refused(filter, refusal) => Some((filter, Err(refusal))),
        })
        .collect()
}
