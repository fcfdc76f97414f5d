//! Packets from the broker: CONNACK, PUBLISH, acks, SUBACK/UNSUBACK, PINGRESP and v5
//! DISCONNECT, and what the session does after an accepted CONNACK.

use core::time::Duration;

use super::inflight::Stage;
use super::{refusal_is_final, ConnectionState, Session};
use crate::capabilities::BrokerCapabilities;
use crate::codec::{ConnAckInfo, InboundPublish, Incoming, Outgoing};
use crate::error::Error;
use crate::event::{v5_reason_text, Event, Message, MessageProperties, Refusal};
use crate::options::{ProtocolVersion, QoS};
use crate::time::Instant;
use crate::topic::validate_topic_name;

/// v5 DISCONNECT reason: another connection with our client id took the session.
const SESSION_TAKEN_OVER: u8 = 0x8E;

impl Session {
    pub(super) fn handle_packet(&mut self, now: Instant, packet: Incoming) {
        if self.state == ConnectionState::Connecting {
            return match packet {
                Incoming::ConnAck(info) => self.handle_connack(now, info),
                Incoming::Disconnect {
                    reason,
                    reason_string,
                } => self.handle_disconnect(now, reason, reason_string),
                Incoming::Auth { reason } => {
                    self.lose(now, unexpected_auth(reason, "before CONNACK"))
                }
                other => self.lose(
                    now,
                    Error::BrokerMisbehaved(format!("{} before CONNACK", incoming_name(&other))),
                ),
            };
        }
        match packet {
            Incoming::ConnAck(_) => self.lose(
                now,
                Error::BrokerMisbehaved("a second CONNACK on one connection".to_owned()),
            ),
            Incoming::Publish(p) => self.handle_publish(now, p),
            Incoming::PubAck {
                packet_id,
                reason,
                reason_string,
            } => {
                if self
                    .outbound
                    .get(packet_id)
                    .is_some_and(|e| e.qos == QoS::AtLeastOnce)
                {
                    self.finish_outbound(packet_id, reason, reason_string.as_deref());
                    self.drain_queue(now);
                }
            }
            Incoming::PubRec {
                packet_id,
                reason,
                reason_string,
            } => {
                let Some(entry) = self
                    .outbound
                    .get_mut(packet_id)
                    .filter(|e| e.qos == QoS::ExactlyOnce)
                else {
                    return;
                };
                if reason >= 0x80 {
                    self.finish_outbound(packet_id, reason, reason_string.as_deref());
                    self.drain_queue(now);
                } else {
                    entry.stage = Stage::Released;
                    self.send(now, Outgoing::PubRel(packet_id));
                }
            }
            Incoming::PubComp {
                packet_id,
                reason,
                reason_string,
            } => self.handle_pubcomp(now, packet_id, reason, reason_string),
            // Even a failure (0x92 packet identifier not found: the broker lost its state
            // for this id) ends the flow: the message was delivered when it arrived, so
            // only the id is released, and PUBCOMP is owed whatever the reason (§4.3.3).
            Incoming::PubRel { packet_id, .. } => {
                self.inbound_qos2.remove(&packet_id);
                self.send(now, Outgoing::PubComp(packet_id));
            }
            Incoming::SubAck {
                packet_id,
                codes,
                reason_string,
            } => self.handle_suback(now, packet_id, codes, reason_string),
            Incoming::UnsubAck {
                packet_id,
                codes,
                reason_string,
            } => self.handle_unsuback(now, packet_id, codes, reason_string),
            Incoming::PingResp => self.timers.pingresp = None,
            Incoming::Disconnect {
                reason,
                reason_string,
            } => self.handle_disconnect(now, reason, reason_string),
            Incoming::Auth { reason } => self.lose(now, unexpected_auth(reason, "after CONNACK")),
        }
    }

    /// A v5 DISCONNECT from the broker: reconnect, except after 0x8E "session taken over"
    /// (see [`Error::SessionTakenOver`]).
    fn handle_disconnect(&mut self, now: Instant, reason: u8, reason_string: Option<String>) {
        if reason == SESSION_TAKEN_OVER {
            self.decoder.clear();
            self.transmit.clear();
            self.events.push_back(Event::ConnectionLost {
                reason: Error::SessionTakenOver { reason_string },
            });
            return self.stop();
        }
        let refusal = Refusal::from_v5(reason, reason_string.as_deref());
        self.lose(now, Error::BrokerDisconnected(refusal));
    }

    /// The end of our QoS 2 flow. A v5 failure code (0x92: the broker no longer knew the
    /// packet id when our PUBREL came, e.g. it lost its session state) still ends the flow,
    /// but the delivery is unconfirmed rather than refused: the broker took the message
    /// at PUBREC. See [`Event::PublishUnconfirmed`].
    fn handle_pubcomp(
        &mut self,
        now: Instant,
        packet_id: u16,
        reason: u8,
        reason_string: Option<String>,
    ) {
        let released = self
            .outbound
            .get(packet_id)
            .is_some_and(|e| e.stage == Stage::Released);
        if !released {
            return;
        }
        if reason >= 0x80 {
            if let Some(topic) = self.take_outbound(packet_id) {
                self.events.push_back(Event::PublishUnconfirmed {
                    packet_id,
                    topic,
                    reason: Refusal::from_v5(reason, reason_string.as_deref()),
                });
            }
        } else {
            self.finish_outbound(packet_id, 0, None);
        }
        self.drain_queue(now);
    }

    /// Removes a finished outbound publish and frees its packet id; its topic.
    fn take_outbound(&mut self, packet_id: u16) -> Option<String> {
        let entry = self.outbound.remove(packet_id)?;
        self.ids.free(packet_id);
        Some(entry.topic)
    }

    fn finish_outbound(&mut self, packet_id: u16, reason: u8, reason_string: Option<&str>) {
        let Some(topic) = self.take_outbound(packet_id) else {
            return;
        };
        self.events.push_back(if reason >= 0x80 {
            Event::PublishRefused {
                packet_id: Some(packet_id),
                topic,
                reason: Refusal::from_v5(reason, reason_string),
            }
        } else {
            Event::Published { packet_id, topic }
        });
    }

    fn handle_publish(&mut self, now: Instant, mut p: InboundPublish) {
        let maximum = self.options.topic_alias_maximum;
        if let Err(text) = self.aliases.resolve(&mut p.topic, p.topic_alias, maximum) {
            return self.lose(now, Error::BrokerMisbehaved(text));
        }
        if let Err(e) = validate_topic_name(&p.topic) {
            return self.lose(
                now,
                Error::BrokerMisbehaved(format!("PUBLISH with an invalid topic name: {e}")),
            );
        }
        let deliver = match p.qos {
            QoS::AtMostOnce => true,
            QoS::AtLeastOnce => {
                self.send(now, Outgoing::PubAck(p.packet_id));
                true
            }
            QoS::ExactlyOnce => {
                let limit = usize::from(self.options.receive_maximum);
                if self.options.version == ProtocolVersion::V5
                    && !self.inbound_qos2.contains(&p.packet_id)
                    && self.inbound_qos2.len() >= limit
                {
                    let text = format!(
                        "PUBLISH {} exceeds the receive maximum of {limit} unreleased QoS 2 \
                         messages the client announced",
                        p.packet_id
                    );
                    return self.lose(now, Error::BrokerMisbehaved(text));
                }
                let first = self.inbound_qos2.insert(p.packet_id);
                self.send(now, Outgoing::PubRec(p.packet_id));
                first
            }
        };
        if deliver {
            let InboundPublish {
                topic,
                payload,
                qos,
                retain,
                dup,
                properties,
                ..
            } = p;
            self.events.push_back(Event::Message(Message {
                topic,
                payload,
                qos,
                retain,
                dup,
                properties: properties.map_or_else(MessageProperties::default, |p| *p),
            }));
        }
    }

    fn handle_connack(&mut self, now: Instant, info: ConnAckInfo) {
        let version = self.options.version;
        if info.code != 0 {
            let refusal = match version {
                ProtocolVersion::V3_1_1 => Refusal::from_v4_connack(info.code),
                ProtocolVersion::V5 => Refusal::from_v5(info.code, info.reason_string.as_deref()),
            };
            if refusal_is_final(version, info.code) {
                self.decoder.clear();
                self.transmit.clear();
                self.events.push_back(Event::ConnectionLost {
                    reason: Error::BrokerRefused(refusal),
                });
                self.stop();
            } else {
                self.lose(now, Error::BrokerRefused(refusal));
            }
            return;
        }
        let capabilities = match BrokerCapabilities::from_connack(&info) {
            Ok(c) => c,
            Err(text) => return self.lose(now, Error::BrokerMisbehaved(text)),
        };
        self.capabilities = Some(capabilities);
        self.state = ConnectionState::Connected;
        self.timers.connack = None;
        self.backoff.reset();
        if let Some(id) = info.assigned_client_id {
            self.client_id = Some(id);
        }
        let ka = info.server_keep_alive.map_or(self.options.keep_alive, |s| {
            Duration::from_secs(u64::from(s))
        });
        self.keep_alive = ka;
        // How many QoS 1/2 publishes may be unacknowledged: the v5 broker's Receive
        // Maximum, or over 3.1.1 (which cannot announce one) our own bound.
        self.receive_maximum = match self.options.version {
            ProtocolVersion::V5 => usize::from(info.receive_maximum.unwrap_or(u16::MAX).max(1)),
            ProtocolVersion::V3_1_1 => usize::from(self.options.v311_send_maximum.max(1)),
        };
        self.server_max_packet = info
            .maximum_packet_size
            .and_then(|m| usize::try_from(m).ok());
        self.outbound_aliases
            .reset(info.topic_alias_maximum.unwrap_or(0));
        if !ka.is_zero() {
            self.timers.ping = Some(now + ka);
        }
        let session_present = info.session_present;
        self.events.push_back(Event::Connected { session_present });
        if session_present {
            self.resume_session(now);
        } else {
            self.start_new_session(now);
        }
        self.drain_queue(now);
    }

    fn resume_session(&mut self, now: Instant) {
        self.retransmit_in_flight(now, true);
        self.resend_pending_subscribes(now);
        for (id, filters) in self.pending_unsubscribes.clone() {
            self.send(
                now,
                Outgoing::Unsubscribe {
                    packet_id: id,
                    filters: &filters,
                },
            );
        }
        let subscribes = core::mem::take(&mut self.unsent_subscribes);
        if !subscribes.is_empty() {
            self.send_subscribes(now, subscribes);
        }
        let unsubscribes = core::mem::take(&mut self.unsent_unsubscribes);
        if !unsubscribes.is_empty() {
            if let Some(id) = self.ids.allocate() {
                self.send(
                    now,
                    Outgoing::Unsubscribe {
                        packet_id: id,
                        filters: &unsubscribes,
                    },
                );
                self.pending_unsubscribes.insert(id, unsubscribes);
            }
        }
    }

    /// Publishes still in flight from the last connection, in their original order.
    /// Resumed: the broker may have them, so PUBLISH goes again with DUP set and PUBREL is
    /// repeated. Not resumed: the new session knows nothing, so PUBLISH goes as new (DUP
    /// clear, same id) and a QoS 2 publish the broker had received (PUBREC) counts as
    /// delivered. Either way, a PUBLISH this broker declared unsupported is refused
    /// locally instead of sent.
    fn retransmit_in_flight(&mut self, now: Instant, resumed: bool) {
        for id in self.outbound.ids_in_send_order() {
            let Some(e) = self.outbound.get(id).cloned() else {
                continue;
            };
            match e.stage {
                Stage::Released if resumed => self.send(now, Outgoing::PubRel(id)),
                Stage::Released => self.finish_outbound(id, 0, None),
                Stage::Sent => {
                    if let Some(reason) = self.publish_refusal(e.qos, e.retain) {
                        self.outbound.remove(id);
                        self.refuse_locally(Some(id), e.topic, reason);
                        continue;
                    }
                    let packet = Outgoing::Publish {
                        topic: &e.topic,
                        payload: &e.payload,
                        qos: e.qos,
                        retain: e.retain,
                        dup: resumed,
                        packet_id: id,
                        properties: &e.properties,
                        topic_alias: None,
                    };
                    self.send(now, packet);
                }
            }
        }
    }

    fn start_new_session(&mut self, now: Instant) {
        self.inbound_qos2.clear();
        self.retransmit_in_flight(now, false);
        self.drop_pending_subscribes();
        for (id, filters) in core::mem::take(&mut self.pending_unsubscribes) {
            self.ids.free(id);
            self.events.push_back(Event::Unsubscribed {
                filters,
                refused: Vec::new(),
            });
        }
        self.unsent_subscribes.clear();
        self.unsent_unsubscribes.clear();
        self.unsubscribing.clear();
        if !self.subscriptions.is_empty() {
            self.send_subscribes(now, self.subscriptions.clone());
        }
    }
}

/// MQTT 5 §4.12: a server may send AUTH only to a client whose CONNECT named an
/// Authentication Method. Ours never does, so there is nothing to answer and the
/// connection cannot go on; a reconnect may meet a better-behaved broker.
fn unexpected_auth(reason: u8, when: &str) -> Error {
    Error::BrokerMisbehaved(format!(
        "AUTH (reason code {reason:#04x} {}) {when}, but this client never asked for \
         enhanced authentication (its CONNECT has no Authentication Method)",
        v5_reason_text(reason)
    ))
}

fn incoming_name(p: &Incoming) -> &'static str {
    match p {
        Incoming::ConnAck(_) => "CONNACK",
        Incoming::Publish(_) => "PUBLISH",
        Incoming::PubAck { .. } => "PUBACK",
        Incoming::PubRec { .. } => "PUBREC",
        Incoming::PubRel { .. } => "PUBREL",
        Incoming::PubComp { .. } => "PUBCOMP",
        Incoming::SubAck { .. } => "SUBACK",
        Incoming::UnsubAck { .. } => "UNSUBACK",
        Incoming::PingResp => "PINGRESP",
        Incoming::Disconnect { .. } => "DISCONNECT",
        Incoming::Auth { .. } => "AUTH",
    }
}
