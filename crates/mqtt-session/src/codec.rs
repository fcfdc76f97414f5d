//! The only module that touches `mqttbytes` 0.6: framing, decoding broker packets into
//! this crate's own types, and encoding client packets.
//!
//! Known defects of `mqttbytes` 0.6 handled here (each has a test below):
//! - `Subscribe::new`/`new_many` leave packet id 0, which is illegal: we always set it.
//! - `Connect::write` patches its flags byte at an absolute index, so it must write into
//!   an empty buffer: every packet is written into a fresh `BytesMut` and then appended.
//! - A v5 DISCONNECT from the server is not decoded (`E0 00` is refused as "payload
//!   required", `E0 01 <reason>` — which Mosquitto sends — fails on the missing property
//!   length): we decode DISCONNECT ourselves.
//! - A v5 CONNACK without a property-length byte (`20 02 00 00`) is not decoded: we decode
//!   that form ourselves.
//! - `read` reports `InsufficientBytes` both for "wait for more bytes" and, after it has
//!   already consumed the frame, for a packet whose body is short. So we do the framing
//!   ourselves (fixed header, size bound) and hand `mqttbytes` exactly one whole frame;
//!   any error it returns is then a malformed packet, never "wait".
//! - There is no AUTH packet (type 15) in `mqttbytes` 0.6: we read its reason code
//!   ourselves.
//! - Some `read` functions for client-to-server packets (UNSUBSCRIBE) subtract without
//!   checking; packet types a server must never send are refused before `mqttbytes` sees
//!   them.

use bytes::{Bytes, BytesMut};
use mqttbytes::{v4, v5};

use crate::event::MessageProperties;
use crate::options::{ConnectOptions, ProtocolVersion, QoS, Will};
use crate::subscription::{RetainHandling, Subscription};

/// What the broker's CONNACK said.
#[derive(Debug, Clone, PartialEq, Default)]
pub(crate) struct ConnAckInfo {
    pub(crate) session_present: bool,
    /// 3.1.1 return code or v5 reason code; 0 = accepted.
    pub(crate) code: u8,
    pub(crate) assigned_client_id: Option<String>,
    pub(crate) server_keep_alive: Option<u16>,
    pub(crate) receive_maximum: Option<u16>,
    pub(crate) maximum_packet_size: Option<u32>,
    /// v5: the highest topic alias the broker accepts from us (absent = none).
    pub(crate) topic_alias_maximum: Option<u16>,
    /// v5 capability properties, raw (absent = supported); read by `capabilities.rs`.
    pub(crate) maximum_qos: Option<u8>,
    pub(crate) retain_available: Option<u8>,
    pub(crate) wildcard_subscription_available: Option<u8>,
    pub(crate) subscription_identifiers_available: Option<u8>,
    pub(crate) shared_subscription_available: Option<u8>,
    pub(crate) reason_string: Option<String>,
}

/// A PUBLISH from the broker.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct InboundPublish {
    pub(crate) topic: String,
    pub(crate) payload: Bytes,
    pub(crate) qos: QoS,
    pub(crate) retain: bool,
    pub(crate) dup: bool,
    /// 0 for QoS 0.
    pub(crate) packet_id: u16,
    pub(crate) topic_alias: Option<u16>,
    pub(crate) properties: MessageProperties,
}

/// A packet from the broker, in this crate's vocabulary.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Incoming {
    ConnAck(ConnAckInfo),
    Publish(InboundPublish),
    PubAck {
        packet_id: u16,
        reason: u8,
        reason_string: Option<String>,
    },
    PubRec {
        packet_id: u16,
        reason: u8,
        reason_string: Option<String>,
    },
    /// v5 `reason`: 0x00 success or 0x92 packet identifier not found (mqttbytes refuses
    /// any other code as malformed, as the spec does).
    PubRel {
        packet_id: u16,
        reason: u8,
        reason_string: Option<String>,
    },
    /// v5 `reason`: 0x00 success or 0x92 packet identifier not found.
    PubComp {
        packet_id: u16,
        reason: u8,
        reason_string: Option<String>,
    },
    /// Per filter: 0-2 granted QoS, >= 0x80 failure.
    SubAck {
        packet_id: u16,
        codes: Vec<u8>,
        reason_string: Option<String>,
    },
    /// v5: one reason code per filter (>= 0x80 failure); 3.1.1: no codes.
    UnsubAck {
        packet_id: u16,
        codes: Vec<u8>,
        reason_string: Option<String>,
    },
    PingResp,
    /// v5 only. `reason` 0 = normal disconnection.
    Disconnect {
        reason: u8,
        reason_string: Option<String>,
    },
    /// v5 only: enhanced authentication, which this client never starts.
    Auth {
        reason: u8,
    },
}

/// Why bytes could not become a packet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum DecodeError {
    /// The bytes do not form a valid packet (or are over the size bound).
    Malformed(String),
    /// A well-formed packet that a server must never send (CONNECT, SUBSCRIBE, ...).
    NotFromServer(String),
}

/// A packet the client sends.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Outgoing<'a> {
    Connect {
        options: &'a ConnectOptions,
        client_id: &'a str,
    },
    Publish {
        topic: &'a str,
        payload: &'a Bytes,
        qos: QoS,
        retain: bool,
        dup: bool,
        /// Ignored for QoS 0.
        packet_id: u16,
        properties: &'a MessageProperties,
        /// v5 outbound topic alias; with it, `topic` may be empty (alias already bound).
        topic_alias: Option<u16>,
    },
    PubAck(u16),
    PubRec(u16),
    PubRel(u16),
    PubComp(u16),
    /// All `filters` share one subscription identifier (the first one's is sent).
    Subscribe {
        packet_id: u16,
        filters: &'a [Subscription],
    },
    Unsubscribe {
        packet_id: u16,
        filters: &'a [String],
    },
    PingReq,
    Disconnect,
}

/// Reassembles packets from arbitrary chunks of the byte stream.
#[derive(Debug, Default)]
pub(crate) struct Decoder {
    buf: BytesMut,
}

/// Fixed header: packet byte 1, header length, remaining length. `Ok(None)` = need more.
fn fixed_header(buf: &[u8], max: usize) -> Result<Option<(u8, usize, usize)>, DecodeError> {
    let Some(&byte1) = buf.first() else {
        return Ok(None);
    };
    let mut remaining: usize = 0;
    for i in 0..4 {
        let Some(&b) = buf.get(1 + i) else {
            return Ok(None);
        };
        remaining |= usize::from(b & 0x7F) << (7 * i);
        if b & 0x80 == 0 {
            if remaining > max {
                return Err(DecodeError::Malformed(format!(
                    "a packet of {remaining} bytes exceeds the limit of {max} bytes"
                )));
            }
            return Ok(Some((byte1, 2 + i, remaining)));
        }
    }
    Err(DecodeError::Malformed(
        "remaining length longer than 4 bytes".to_owned(),
    ))
}

fn packet_name(kind: u8) -> &'static str {
    match kind {
        1 => "CONNECT",
        2 => "CONNACK",
        3 => "PUBLISH",
        4 => "PUBACK",
        5 => "PUBREC",
        6 => "PUBREL",
        7 => "PUBCOMP",
        8 => "SUBSCRIBE",
        9 => "SUBACK",
        10 => "UNSUBSCRIBE",
        11 => "UNSUBACK",
        12 => "PINGREQ",
        13 => "PINGRESP",
        14 => "DISCONNECT",
        15 => "AUTH",
        _ => "reserved packet type 0",
    }
}

impl Decoder {
    /// Appends bytes as they came off the wire.
    pub(crate) fn push(&mut self, bytes: &[u8]) {
        self.buf.extend_from_slice(bytes);
    }

    /// Forgets a partial packet (the transport it came from is gone).
    pub(crate) fn clear(&mut self) {
        self.buf.clear();
    }

    /// The next complete packet, `Ok(None)` when more bytes are needed. After an error the
    /// stream is unusable: the caller drops the connection.
    pub(crate) fn next(
        &mut self,
        version: ProtocolVersion,
        max_packet_size: usize,
    ) -> Result<Option<Incoming>, DecodeError> {
        let Some((byte1, header_len, remaining)) = fixed_header(&self.buf, max_packet_size)? else {
            return Ok(None);
        };
        let total = header_len + remaining;
        if self.buf.len() < total {
            return Ok(None);
        }
        let frame = self.buf.split_to(total);
        let kind = byte1 >> 4;
        let name = packet_name(kind);
        match kind {
            0 => {
                return Err(DecodeError::Malformed(
                    "packet type 0 is reserved".to_owned(),
                ));
            }
            // AUTH exists only in MQTT 5; in 3.1.1 the type is reserved, so the bytes are
            // not a packet at all rather than a packet the broker should not have sent.
            15 if version == ProtocolVersion::V3_1_1 => {
                return Err(DecodeError::Malformed(
                    "packet type 15 is reserved in MQTT 3.1.1".to_owned(),
                ));
            }
            1 | 8 | 10 | 12 => {
                return Err(DecodeError::NotFromServer(format!(
                    "{name} is not a packet a server sends"
                )));
            }
            14 if version == ProtocolVersion::V3_1_1 => {
                return Err(DecodeError::NotFromServer(
                    "DISCONNECT from the server does not exist in MQTT 3.1.1".to_owned(),
                ));
            }
            _ => {}
        }
        let malformed = |e: mqttbytes::Error| DecodeError::Malformed(format!("{name}: {e:?}"));
        let body = frame.get(header_len..).unwrap_or_default();
        match version {
            ProtocolVersion::V3_1_1 => {
                if kind == 13 && remaining == 0 {
                    return Ok(Some(Incoming::PingResp));
                }
                let mut frame = frame;
                v4::read(&mut frame, max_packet_size)
                    .map(from_v4)
                    .map(Some)
                    .map_err(malformed)
            }
            ProtocolVersion::V5 => {
                if kind == 14 {
                    return decode_v5_disconnect(byte1, body, frame.clone()).map(Some);
                }
                if kind == 15 {
                    return decode_v5_auth(byte1, body).map(Some);
                }
                if kind == 2 && remaining == 2 {
                    // CONNACK without a property length: accepted by many brokers' peers.
                    let (flags, code) = (
                        body.first().copied().unwrap_or(0),
                        body.get(1).copied().unwrap_or(0),
                    );
                    return Ok(Some(Incoming::ConnAck(ConnAckInfo {
                        session_present: flags & 1 == 1,
                        code,
                        ..ConnAckInfo::default()
                    })));
                }
                if kind == 13 && remaining == 0 {
                    return Ok(Some(Incoming::PingResp));
                }
                let mut frame = frame;
                v5::read(&mut frame, max_packet_size)
                    .map(from_v5)
                    .map(Some)
                    .map_err(malformed)
            }
        }
    }
}

fn decode_v5_disconnect(byte1: u8, body: &[u8], frame: BytesMut) -> Result<Incoming, DecodeError> {
    if byte1 & 0x0F != 0 {
        return Err(DecodeError::Malformed(
            "DISCONNECT: reserved flags set".to_owned(),
        ));
    }
    let Some(&reason) = body.first() else {
        return Ok(Incoming::Disconnect {
            reason: 0,
            reason_string: None,
        });
    };
    let mut reason_string = None;
    if body.len() > 1 {
        // Properties present: let mqttbytes parse them; it refuses reason codes it does
        // not know, in which case we keep the code and go without the reason string.
        let mut frame = frame;
        match v5::read(&mut frame, usize::MAX) {
            Ok(v5::Packet::Disconnect(d)) => {
                reason_string = d.properties.and_then(|p| p.reason_string);
            }
            Err(mqttbytes::Error::InvalidReason(_)) | Ok(_) => {}
            Err(e) => return Err(DecodeError::Malformed(format!("DISCONNECT: {e:?}"))),
        }
    }
    Ok(Incoming::Disconnect {
        reason,
        reason_string,
    })
}

/// mqttbytes 0.6 has no AUTH packet at all, so we read the reason code ourselves. The
/// properties (authentication method and data, reason string) are not read: the session
/// never starts enhanced authentication and closes the connection on any AUTH.
fn decode_v5_auth(byte1: u8, body: &[u8]) -> Result<Incoming, DecodeError> {
    if byte1 & 0x0F != 0 {
        return Err(DecodeError::Malformed(
            "AUTH: reserved flags set".to_owned(),
        ));
    }
    // §3.15.2.1: no variable header at all means reason 0x00 (success).
    let reason = body.first().copied().unwrap_or(0);
    Ok(Incoming::Auth { reason })
}

fn from_mqtt_qos(q: mqttbytes::QoS) -> QoS {
    match q {
        mqttbytes::QoS::AtMostOnce => QoS::AtMostOnce,
        mqttbytes::QoS::AtLeastOnce => QoS::AtLeastOnce,
        mqttbytes::QoS::ExactlyOnce => QoS::ExactlyOnce,
    }
}

fn to_mqtt_qos(q: QoS) -> mqttbytes::QoS {
    match q {
        QoS::AtMostOnce => mqttbytes::QoS::AtMostOnce,
        QoS::AtLeastOnce => mqttbytes::QoS::AtLeastOnce,
        QoS::ExactlyOnce => mqttbytes::QoS::ExactlyOnce,
    }
}

fn from_v4(packet: v4::Packet) -> Incoming {
    match packet {
        v4::Packet::ConnAck(c) => Incoming::ConnAck(ConnAckInfo {
            session_present: c.session_present,
            code: c.code as u8,
            ..ConnAckInfo::default()
        }),
        v4::Packet::Publish(p) => Incoming::Publish(InboundPublish {
            topic: p.topic,
            payload: p.payload,
            qos: from_mqtt_qos(p.qos),
            retain: p.retain,
            dup: p.dup,
            packet_id: p.pkid,
            topic_alias: None,
            properties: MessageProperties::default(),
        }),
        v4::Packet::PubAck(a) => Incoming::PubAck {
            packet_id: a.pkid,
            reason: 0,
            reason_string: None,
        },
        v4::Packet::PubRec(a) => Incoming::PubRec {
            packet_id: a.pkid,
            reason: 0,
            reason_string: None,
        },
        v4::Packet::PubRel(a) => Incoming::PubRel {
            packet_id: a.pkid,
            reason: 0,
            reason_string: None,
        },
        v4::Packet::PubComp(a) => Incoming::PubComp {
            packet_id: a.pkid,
            reason: 0,
            reason_string: None,
        },
        v4::Packet::SubAck(s) => Incoming::SubAck {
            packet_id: s.pkid,
            codes: s
                .return_codes
                .iter()
                .map(|c| match c {
                    v4::SubscribeReasonCode::Success(q) => *q as u8,
                    v4::SubscribeReasonCode::Failure => 0x80,
                })
                .collect(),
            reason_string: None,
        },
        v4::Packet::UnsubAck(u) => Incoming::UnsubAck {
            packet_id: u.pkid,
            codes: Vec::new(),
            reason_string: None,
        },
        // Client-to-server types and DISCONNECT are refused before decoding.
        v4::Packet::PingResp
        | v4::Packet::PingReq
        | v4::Packet::Disconnect
        | v4::Packet::Connect(_)
        | v4::Packet::Subscribe(_)
        | v4::Packet::Unsubscribe(_) => Incoming::PingResp,
    }
}

fn from_v5(packet: v5::Packet) -> Incoming {
    match packet {
        v5::Packet::ConnAck(c) => {
            let p = c.properties;
            Incoming::ConnAck(ConnAckInfo {
                session_present: c.session_present,
                code: c.code as u8,
                assigned_client_id: p
                    .as_ref()
                    .and_then(|p| p.assigned_client_identifier.clone()),
                server_keep_alive: p.as_ref().and_then(|p| p.server_keep_alive),
                receive_maximum: p.as_ref().and_then(|p| p.receive_max),
                maximum_packet_size: p.as_ref().and_then(|p| p.max_packet_size),
                topic_alias_maximum: p.as_ref().and_then(|p| p.topic_alias_max),
                maximum_qos: p.as_ref().and_then(|p| p.max_qos),
                retain_available: p.as_ref().and_then(|p| p.retain_available),
                wildcard_subscription_available: p
                    .as_ref()
                    .and_then(|p| p.wildcard_subscription_available),
                subscription_identifiers_available: p
                    .as_ref()
                    .and_then(|p| p.subscription_identifiers_available),
                shared_subscription_available: p
                    .as_ref()
                    .and_then(|p| p.shared_subscription_available),
                reason_string: p.and_then(|p| p.reason_string),
            })
        }
        v5::Packet::Publish(p) => {
            let (alias, properties) = match p.properties {
                None => (None, MessageProperties::default()),
                Some(props) => (
                    props.topic_alias,
                    MessageProperties {
                        content_type: props.content_type,
                        response_topic: props.response_topic,
                        correlation_data: props.correlation_data,
                        user_properties: props.user_properties,
                        message_expiry: props
                            .message_expiry_interval
                            .map(|s| core::time::Duration::from_secs(u64::from(s))),
                        payload_is_utf8: props.payload_format_indicator.map(|f| f == 1),
                        subscription_identifiers: props
                            .subscription_identifiers
                            .iter()
                            .filter_map(|id| u32::try_from(*id).ok())
                            .collect(),
                    },
                ),
            };
            Incoming::Publish(InboundPublish {
                topic: p.topic,
                payload: p.payload,
                qos: from_mqtt_qos(p.qos),
                retain: p.retain,
                dup: p.dup,
                packet_id: p.pkid,
                topic_alias: alias,
                properties,
            })
        }
        v5::Packet::PubAck(a) => Incoming::PubAck {
            packet_id: a.pkid,
            reason: a.reason as u8,
            reason_string: a.properties.and_then(|p| p.reason_string),
        },
        v5::Packet::PubRec(a) => Incoming::PubRec {
            packet_id: a.pkid,
            reason: a.reason as u8,
            reason_string: a.properties.and_then(|p| p.reason_string),
        },
        v5::Packet::PubRel(a) => Incoming::PubRel {
            packet_id: a.pkid,
            reason: a.reason as u8,
            reason_string: a.properties.and_then(|p| p.reason_string),
        },
        v5::Packet::PubComp(a) => Incoming::PubComp {
            packet_id: a.pkid,
            reason: a.reason as u8,
            reason_string: a.properties.and_then(|p| p.reason_string),
        },
        v5::Packet::SubAck(s) => Incoming::SubAck {
            packet_id: s.pkid,
            codes: s.return_codes.iter().map(|c| *c as u8).collect(),
            reason_string: s.properties.and_then(|p| p.reason_string),
        },
        v5::Packet::UnsubAck(u) => Incoming::UnsubAck {
            packet_id: u.pkid,
            codes: u.reasons.iter().map(|c| *c as u8).collect(),
            reason_string: u.properties.and_then(|p| p.reason_string),
        },
        v5::Packet::Disconnect(d) => Incoming::Disconnect {
            reason: d.reason_code as u8,
            reason_string: d.properties.and_then(|p| p.reason_string),
        },
        // Client-to-server types are refused before decoding.
        v5::Packet::PingResp
        | v5::Packet::PingReq
        | v5::Packet::Connect(_)
        | v5::Packet::Subscribe(_)
        | v5::Packet::Unsubscribe(_) => Incoming::PingResp,
    }
}

/// Encoded size of a PUBLISH, to check against packet-size limits before queueing.
pub(crate) fn publish_size(
    version: ProtocolVersion,
    topic: &str,
    payload_len: usize,
    qos: QoS,
    props: &MessageProperties,
) -> usize {
    let mut remaining = 2 + topic.len() + payload_len + if qos == QoS::AtMostOnce { 0 } else { 2 };
    if version == ProtocolVersion::V5 {
        let p = props_len(props);
        remaining += p + varint_len(p);
    }
    1 + varint_len(remaining) + remaining
}

fn varint_len(n: usize) -> usize {
    match n {
        0..=127 => 1,
        128..=16_383 => 2,
        16_384..=2_097_151 => 3,
        _ => 4,
    }
}

fn props_len(p: &MessageProperties) -> usize {
    let s = |o: &Option<String>| o.as_ref().map_or(0, |s| 3 + s.len());
    s(&p.content_type)
        + s(&p.response_topic)
        + p.correlation_data.as_ref().map_or(0, |d| 3 + d.len())
        + p.user_properties
            .iter()
            .map(|(k, v)| 5 + k.len() + v.len())
            .sum::<usize>()
        + p.message_expiry.map_or(0, |_| 5)
        + p.payload_is_utf8.map_or(0, |_| 2)
}

fn v5_publish_properties(
    p: &MessageProperties,
    topic_alias: Option<u16>,
) -> Option<v5::PublishProperties> {
    if topic_alias.is_none() && p.is_empty() {
        return None;
    }
    Some(v5::PublishProperties {
        payload_format_indicator: p.payload_is_utf8.map(u8::from),
        message_expiry_interval: p
            .message_expiry
            .map(|d| u32::try_from(d.as_secs()).unwrap_or(u32::MAX)),
        topic_alias,
        response_topic: p.response_topic.clone(),
        correlation_data: p.correlation_data.clone(),
        user_properties: p.user_properties.clone(),
        subscription_identifiers: Vec::new(),
        content_type: p.content_type.clone(),
    })
}

fn v5_subscribe_filter(s: &Subscription) -> v5::SubscribeFilter {
    let mut f = v5::SubscribeFilter::new(s.filter.clone(), to_mqtt_qos(s.qos));
    f.nolocal = s.no_local;
    f.preserve_retain = s.retain_as_published;
    f.retain_forward_rule = match s.retain_handling {
        RetainHandling::SendOnSubscribe => v5::RetainForwardRule::OnEverySubscribe,
        RetainHandling::SendIfNewSubscription => v5::RetainForwardRule::OnNewSubscribe,
        RetainHandling::DoNotSend => v5::RetainForwardRule::Never,
    };
    f
}

fn v5_will_properties(w: &Will) -> Option<v5::WillProperties> {
    let delay = u32::try_from(w.delay.as_secs()).unwrap_or(u32::MAX);
    let p = v5_publish_properties(&w.properties, None);
    if delay == 0 && p.is_none() {
        return None;
    }
    let p = p.unwrap_or(v5::PublishProperties {
        payload_format_indicator: None,
        message_expiry_interval: None,
        topic_alias: None,
        response_topic: None,
        correlation_data: None,
        user_properties: Vec::new(),
        subscription_identifiers: Vec::new(),
        content_type: None,
    });
    Some(v5::WillProperties {
        delay_interval: (delay > 0).then_some(delay),
        payload_format_indicator: p.payload_format_indicator,
        message_expiry_interval: p.message_expiry_interval,
        content_type: p.content_type,
        response_topic: p.response_topic,
        correlation_data: p.correlation_data,
        user_properties: p.user_properties,
    })
}

fn keep_alive_secs(o: &ConnectOptions) -> u16 {
    u16::try_from(o.keep_alive.as_secs()).unwrap_or(u16::MAX)
}

/// Appends the encoding of `packet` to `out`. Fails only on values the caller should have
/// validated (e.g. a packet past 256 MiB).
pub(crate) fn encode(
    version: ProtocolVersion,
    packet: Outgoing<'_>,
    out: &mut Vec<u8>,
) -> Result<(), String> {
    // Always a fresh buffer: `Connect::write` patches an absolute index.
    let mut buf = BytesMut::new();
    let result = match version {
        ProtocolVersion::V3_1_1 => encode_v4(packet, &mut buf),
        ProtocolVersion::V5 => encode_v5(packet, &mut buf),
    };
    result.map_err(|e| format!("cannot encode: {e:?}"))?;
    out.extend_from_slice(&buf);
    Ok(())
}

fn encode_v4(packet: Outgoing<'_>, buf: &mut BytesMut) -> Result<usize, mqttbytes::Error> {
    match packet {
        Outgoing::Connect { options, client_id } => {
            let mut c = v4::Connect::new(client_id);
            c.keep_alive = keep_alive_secs(options);
            c.clean_session = options.clean_start;
            if let Some(u) = options.effective_username() {
                c.set_login(u, options.effective_password().unwrap_or(""));
            }
            c.last_will = options.will.as_ref().map(|w| v4::LastWill {
                topic: w.topic.clone(),
                message: w.payload.clone(),
                qos: to_mqtt_qos(w.qos),
                retain: w.retain,
            });
            c.write(buf)
        }
        Outgoing::Publish {
            topic,
            payload,
            qos,
            retain,
            dup,
            packet_id,
            ..
        } => v4::Publish {
            dup: dup && qos != QoS::AtMostOnce,
            qos: to_mqtt_qos(qos),
            retain,
            topic: topic.to_owned(),
            pkid: if qos == QoS::AtMostOnce { 0 } else { packet_id },
            payload: payload.clone(),
        }
        .write(buf),
        Outgoing::PubAck(id) => v4::PubAck::new(id).write(buf),
        Outgoing::PubRec(id) => v4::PubRec::new(id).write(buf),
        Outgoing::PubRel(id) => v4::PubRel::new(id).write(buf),
        Outgoing::PubComp(id) => v4::PubComp::new(id).write(buf),
        Outgoing::Subscribe { packet_id, filters } => {
            let mut s = v4::Subscribe::new_many(
                filters
                    .iter()
                    .map(|s| v4::SubscribeFilter::new(s.filter.clone(), to_mqtt_qos(s.qos))),
            );
            s.pkid = packet_id; // new_many leaves 0, which is illegal
            s.write(buf)
        }
        Outgoing::Unsubscribe { packet_id, filters } => v4::Unsubscribe {
            pkid: packet_id,
            topics: filters.to_vec(),
        }
        .write(buf),
        Outgoing::PingReq => v4::PingReq.write(buf),
        Outgoing::Disconnect => v4::Disconnect.write(buf),
    }
}

fn encode_v5(packet: Outgoing<'_>, buf: &mut BytesMut) -> Result<usize, mqttbytes::Error> {
    match packet {
        Outgoing::Connect { options, client_id } => {
            let mut c = v5::Connect::new(client_id);
            c.keep_alive = keep_alive_secs(options);
            c.clean_session = options.clean_start;
            if options.effective_username().is_some() || options.effective_password().is_some() {
                c.set_login(
                    options.effective_username().unwrap_or(""),
                    options.effective_password().unwrap_or(""),
                );
            }
            c.last_will = options.will.as_ref().map(|w| v5::LastWill {
                topic: w.topic.clone(),
                message: w.payload.clone(),
                qos: to_mqtt_qos(w.qos),
                retain: w.retain,
                properties: v5_will_properties(w),
            });
            let expiry = u32::try_from(options.session_expiry.as_secs()).unwrap_or(u32::MAX);
            c.properties = Some(v5::ConnectProperties {
                session_expiry_interval: (expiry > 0).then_some(expiry),
                receive_maximum: (options.receive_maximum < u16::MAX)
                    .then_some(options.receive_maximum),
                max_packet_size: u32::try_from(options.max_packet_size).ok(),
                topic_alias_max: (options.topic_alias_maximum > 0)
                    .then_some(options.topic_alias_maximum),
                request_response_info: None,
                request_problem_info: None,
                user_properties: Vec::new(),
                authentication_method: None,
                authentication_data: None,
            });
            c.write(buf)
        }
        Outgoing::Publish {
            topic,
            payload,
            qos,
            retain,
            dup,
            packet_id,
            properties,
            topic_alias,
        } => v5::Publish {
            dup: dup && qos != QoS::AtMostOnce,
            qos: to_mqtt_qos(qos),
            retain,
            topic: topic.to_owned(),
            pkid: if qos == QoS::AtMostOnce { 0 } else { packet_id },
            properties: v5_publish_properties(properties, topic_alias),
            payload: payload.clone(),
        }
        .write(buf),
        Outgoing::PubAck(id) => v5::PubAck::new(id).write(buf),
        Outgoing::PubRec(id) => v5::PubRec::new(id).write(buf),
        Outgoing::PubRel(id) => v5::PubRel::new(id).write(buf),
        Outgoing::PubComp(id) => v5::PubComp::new(id).write(buf),
        Outgoing::Subscribe { packet_id, filters } => {
            let mut s = v5::Subscribe::new_many(filters.iter().map(v5_subscribe_filter));
            s.pkid = packet_id; // new_many leaves 0, which is illegal
            s.properties =
                filters
                    .first()
                    .and_then(|f| f.identifier)
                    .map(|id| v5::SubscribeProperties {
                        id: usize::try_from(id).ok(),
                        user_properties: Vec::new(),
                    });
            s.write(buf)
        }
        Outgoing::Unsubscribe { packet_id, filters } => v5::Unsubscribe {
            pkid: packet_id,
            filters: filters.to_vec(),
            properties: None,
        }
        .write(buf),
        Outgoing::PingReq => v5::PingReq.write(buf),
        Outgoing::Disconnect => v5::Disconnect::new().write(buf),
    }
}

#[cfg(test)]
mod tests {
    #[cfg(target_arch = "wasm32")]
    use wasm_bindgen_test::wasm_bindgen_test as test;

    use super::*;

    const MAX: usize = 1024 * 1024;

    fn decode_all(version: ProtocolVersion, bytes: &[u8]) -> Result<Vec<Incoming>, DecodeError> {
        let mut d = Decoder::default();
        d.push(bytes);
        let mut out = Vec::new();
        while let Some(p) = d.next(version, MAX)? {
            out.push(p);
        }
        Ok(out)
    }

    #[test]
    fn subscribe_is_sent_with_the_packet_id_we_chose_not_mqttbytes_zero() {
        // The defect: both constructors leave the illegal packet id 0.
        assert_eq!(v4::Subscribe::new("a", mqttbytes::QoS::AtMostOnce).pkid, 0);
        assert_eq!(v5::Subscribe::new("a", mqttbytes::QoS::AtMostOnce).pkid, 0);
        for version in [ProtocolVersion::V3_1_1, ProtocolVersion::V5] {
            let filters = vec![Subscription::new("a/+", QoS::AtLeastOnce)];
            let mut out = Vec::new();
            encode(
                version,
                Outgoing::Subscribe {
                    packet_id: 0x1234,
                    filters: &filters,
                },
                &mut out,
            )
            .unwrap();
            assert_eq!(out[0], 0x82);
            assert_eq!(&out[2..4], &[0x12, 0x34], "{version:?}");
        }
    }

    #[test]
    fn connect_is_encoded_correctly_behind_bytes_already_pending() {
        let options = ConnectOptions {
            username: Some("u".into()),
            password: Some("p".into()),
            clean_start: false,
            ..ConnectOptions::default()
        };
        let mut out = Vec::new();
        encode(ProtocolVersion::V3_1_1, Outgoing::PingReq, &mut out).unwrap();
        encode(
            ProtocolVersion::V3_1_1,
            Outgoing::Connect {
                options: &options,
                client_id: "c1",
            },
            &mut out,
        )
        .unwrap();
        // Written into `out` directly, mqttbytes would patch the flags at index 9 of the
        // whole buffer (inside the protocol name) instead of index 9 of the CONNECT.
        assert_eq!(&out[..2], &[0xC0, 0x00]);
        let connect = &out[2..];
        assert_eq!(&connect[2..9], &[0x00, 0x04, b'M', b'Q', b'T', b'T', 0x04]);
        assert_eq!(
            connect[9], 0xC0,
            "user name + password flags, no clean session"
        );
        // The defect itself: written straight behind other bytes, the flags land wrong.
        let mut direct = BytesMut::from(&[0xC0u8, 0x00][..]);
        let mut c = v4::Connect::new("c1");
        c.set_login("u", "p");
        c.clean_session = false;
        c.write(&mut direct).unwrap();
        assert_ne!(direct[2 + 9], 0xC0);
        let mut buf = BytesMut::from(connect);
        match v4::read(&mut buf, MAX).unwrap() {
            v4::Packet::Connect(c) => {
                assert_eq!(c.client_id, "c1");
                assert!(!c.clean_session);
                assert_eq!(c.login.unwrap().password, "p");
            }
            other => panic!("not a CONNECT: {other:?}"),
        }
    }

    #[test]
    fn v5_disconnect_from_the_server_is_decoded_in_all_three_forms() {
        assert_eq!(
            decode_all(ProtocolVersion::V5, &[0xE0, 0x00]).unwrap(),
            vec![Incoming::Disconnect {
                reason: 0,
                reason_string: None
            }]
        );
        // What Mosquitto sends, e.g. 0x8E "session taken over": no property length.
        assert_eq!(
            decode_all(ProtocolVersion::V5, &[0xE0, 0x01, 0x8E]).unwrap(),
            vec![Incoming::Disconnect {
                reason: 0x8E,
                reason_string: None
            }]
        );
        let with_reason = [0xE0, 0x07, 0x8B, 0x05, 0x1F, 0x00, 0x02, b'b', b'y'];
        assert_eq!(
            decode_all(ProtocolVersion::V5, &with_reason).unwrap(),
            vec![Incoming::Disconnect {
                reason: 0x8B,
                reason_string: Some("by".into())
            }]
        );
        // mqttbytes itself fails on the first two.
        assert!(v5::read(&mut BytesMut::from(&[0xE0, 0x00][..]), MAX).is_err());
        assert!(v5::read(&mut BytesMut::from(&[0xE0, 0x01, 0x8E][..]), MAX).is_err());
    }

    #[test]
    fn v5_connack_without_a_property_length_is_decoded() {
        assert!(v5::read(&mut BytesMut::from(&[0x20, 0x02, 0x01, 0x00][..]), MAX).is_err());
        let got = decode_all(
            ProtocolVersion::V5,
            &[0x20, 0x02, 0x01, 0x00, 0x20, 0x02, 0x00, 0x87],
        )
        .unwrap();
        assert_eq!(
            got,
            vec![
                Incoming::ConnAck(ConnAckInfo {
                    session_present: true,
                    code: 0,
                    ..ConnAckInfo::default()
                }),
                Incoming::ConnAck(ConnAckInfo {
                    session_present: false,
                    code: 0x87,
                    ..ConnAckInfo::default()
                }),
            ]
        );
    }

    #[test]
    fn a_short_body_inside_a_complete_frame_is_malformed_not_a_wait() {
        // v5 SUBACK without property length: mqttbytes says InsufficientBytes after having
        // consumed the frame; waiting for more would hang the connection.
        let mut d = Decoder::default();
        d.push(&[0x90, 0x02, 0x00, 0x01]);
        assert!(matches!(
            d.next(ProtocolVersion::V5, MAX),
            Err(DecodeError::Malformed(_))
        ));
        let mut d = Decoder::default();
        d.push(&[0x40, 0x01, 0x00]);
        assert!(matches!(
            d.next(ProtocolVersion::V3_1_1, MAX),
            Err(DecodeError::Malformed(_))
        ));
    }

    #[test]
    fn a_partial_packet_waits_and_leaves_the_buffer_intact() {
        let mut d = Decoder::default();
        d.push(&[0x30]);
        assert_eq!(d.next(ProtocolVersion::V3_1_1, MAX), Ok(None));
        d.push(&[0x05, 0x00, 0x01, b't']);
        assert_eq!(d.next(ProtocolVersion::V3_1_1, MAX), Ok(None));
        d.push(&[b'h', b'i', 0xD0]);
        assert!(matches!(
            d.next(ProtocolVersion::V3_1_1, MAX),
            Ok(Some(Incoming::Publish(_)))
        ));
        assert_eq!(d.next(ProtocolVersion::V3_1_1, MAX), Ok(None));
        d.push(&[0x00]);
        assert_eq!(
            d.next(ProtocolVersion::V3_1_1, MAX),
            Ok(Some(Incoming::PingResp))
        );
    }

    #[test]
    fn a_hostile_length_prefix_is_refused_before_anything_is_buffered_for_it() {
        let mut d = Decoder::default();
        d.push(&[0x30, 0xFF, 0xFF, 0xFF, 0x7F]);
        assert!(
            matches!(d.next(ProtocolVersion::V3_1_1, MAX), Err(DecodeError::Malformed(t)) if t.contains("exceeds"))
        );
        let mut d = Decoder::default();
        d.push(&[0x30, 0xFF, 0xFF, 0xFF, 0xFF, 0x01]);
        assert!(matches!(
            d.next(ProtocolVersion::V3_1_1, usize::MAX),
            Err(DecodeError::Malformed(_))
        ));
    }

    #[test]
    fn packets_only_clients_send_are_refused_without_calling_mqttbytes() {
        // mqttbytes' v4 UNSUBSCRIBE reader subtracts 2 from a remaining length of 1.
        for bytes in [
            &[0xA2, 0x01, 0x00][..],
            &[0x10, 0x00],
            &[0x82, 0x00],
            &[0xC0, 0x00],
        ] {
            for version in [ProtocolVersion::V3_1_1, ProtocolVersion::V5] {
                assert!(
                    matches!(
                        decode_all(version, bytes),
                        Err(DecodeError::NotFromServer(_))
                    ),
                    "{bytes:?}"
                );
            }
        }
        assert!(matches!(
            decode_all(ProtocolVersion::V3_1_1, &[0xE0, 0x00]),
            Err(DecodeError::NotFromServer(_))
        ));
    }

    #[test]
    fn reserved_packet_types_are_malformed_and_v5_auth_is_decoded() {
        for version in [ProtocolVersion::V3_1_1, ProtocolVersion::V5] {
            assert!(
                matches!(
                    decode_all(version, &[0x00, 0x00]),
                    Err(DecodeError::Malformed(_))
                ),
                "{version:?}"
            );
        }
        assert!(matches!(
            decode_all(ProtocolVersion::V3_1_1, &[0xF0, 0x00]),
            Err(DecodeError::Malformed(t)) if t.contains("reserved")
        ));
        assert_eq!(
            decode_all(ProtocolVersion::V5, &[0xF0, 0x00, 0xF0, 0x02, 0x18, 0x00]),
            Ok(vec![
                Incoming::Auth { reason: 0x00 },
                Incoming::Auth { reason: 0x18 }
            ])
        );
        assert!(matches!(
            decode_all(ProtocolVersion::V5, &[0xF2, 0x00]),
            Err(DecodeError::Malformed(_))
        ));
    }

    #[test]
    fn v5_publish_properties_are_carried_both_ways() {
        let props = MessageProperties {
            content_type: Some("application/json".into()),
            response_topic: Some("res/1".into()),
            correlation_data: Some(Bytes::from_static(b"k")),
            user_properties: vec![("a".into(), "b".into())],
            message_expiry: Some(core::time::Duration::from_secs(60)),
            payload_is_utf8: Some(true),
            subscription_identifiers: Vec::new(),
        };
        let payload = Bytes::from_static(b"{}");
        let mut out = Vec::new();
        let packet = Outgoing::Publish {
            topic: "t",
            payload: &payload,
            qos: QoS::AtLeastOnce,
            retain: false,
            dup: false,
            packet_id: 3,
            properties: &props,
            topic_alias: None,
        };
        encode(ProtocolVersion::V5, packet, &mut out).unwrap();
        assert_eq!(
            out.len(),
            publish_size(ProtocolVersion::V5, "t", 2, QoS::AtLeastOnce, &props)
        );
        match decode_all(ProtocolVersion::V5, &out).unwrap().pop() {
            Some(Incoming::Publish(p)) => {
                assert_eq!(p.properties, props);
                assert_eq!(p.packet_id, 3);
            }
            other => panic!("{other:?}"),
        }
    }
}
