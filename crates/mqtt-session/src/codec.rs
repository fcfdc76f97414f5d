//! The only module that touches `mqttbytes` 0.6: framing, decoding broker packets into
//! this crate's own types, and encoding client packets.
//!
//! Known defects of `mqttbytes` 0.6 handled here (each has a test below):
//! - `Subscribe::new`/`new_many` leave packet id 0, which is illegal: we always set it.
//! - `Connect::write` patches its flags byte at an absolute index, so it must write into
//!   an empty buffer: every packet is written into a fresh `BytesMut` and then appended
//!   (except the 4-byte acks, written in place).
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
//!
//! The hot path bypasses `mqttbytes`, because every message takes it: a PUBLISH is
//! decoded straight from the input slice by [`fast_publish`], which accepts exactly what
//! `mqttbytes` accepts and decodes it the same way (property tests against `mqttbytes`
//! below); whatever it declines, `mqttbytes` decodes or refuses as before. PUBACK,
//! PUBREC, PUBREL and PUBCOMP are written as their four bytes.

use std::sync::Arc;

use bytes::{Bytes, BytesMut};
use mqttbytes::{v4, v5};

use crate::event::MessageProperties;
use crate::options::{ConnectOptions, ProtocolVersion, QoS, Will};
use crate::subscription::{RetainHandling, Subscription};
use crate::topic_cache::TopicCache;

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
    pub(crate) topic: Arc<str>,
    pub(crate) payload: Bytes,
    pub(crate) qos: QoS,
    pub(crate) retain: bool,
    pub(crate) dup: bool,
    /// 0 for QoS 0.
    pub(crate) packet_id: u16,
    pub(crate) topic_alias: Option<u16>,
    /// `None` when there are none (always over 3.1.1): kept out of line, so a publish
    /// without properties is small to move around.
    pub(crate) properties: Option<Box<MessageProperties>>,
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
///
/// Whole packets are decoded straight from the caller's chunk; only a packet cut by the
/// end of a chunk is copied, into `partial`, and completed from the next chunks with
/// exactly the bytes it lacks. So `partial` never holds more than one packet, and never
/// more than the fixed header of one larger than the size bound (refused as soon as its
/// length is known).
#[derive(Debug, Default)]
pub(crate) struct Decoder {
    /// The start of a packet the last chunk ended inside; empty between packets.
    partial: Vec<u8>,
    /// Where PUBLISH payloads are copied to, and topic names shared from.
    arena: InboundArena,
}

/// Where fast-path payloads are copied: into one block, handed out as `Bytes` slices of
/// it. When the block is full and none of its payloads is alive any more (the app drops
/// each message once routed), the block is reused in place; otherwise a new one is
/// started. So a steady stream costs no allocation per payload, and a payload the app
/// keeps pins at most one block (payloads over a quarter block get their own buffer).
/// Before the fast path, payloads were slices of the decoder's whole input buffer.
///
/// Topic names come from a [`TopicCache`]: a name that repeats is shared, not allocated.
#[derive(Debug, Default)]
pub(crate) struct InboundArena {
    /// The unused rest of the current block.
    block: BytesMut,
    /// Recent topic names.
    topics: TopicCache,
}

const PAYLOAD_BLOCK: usize = 4096;

impl InboundArena {
    fn copy(&mut self, bytes: &[u8]) -> Bytes {
        if bytes.is_empty() {
            return Bytes::new();
        }
        if bytes.len() > PAYLOAD_BLOCK / 4 {
            return Bytes::copy_from_slice(bytes);
        }
        if self.block.capacity() < bytes.len() {
            // `BytesMut` reuses the block if no slice of it is alive, else allocates.
            self.block.reserve(PAYLOAD_BLOCK);
        }
        self.block.extend_from_slice(bytes);
        self.block.split().freeze()
    }

    fn topic(&mut self, name: &str) -> Arc<str> {
        self.topics.get(name)
    }
}

/// A partial-packet buffer that grew past this is freed once its packet is decoded, so
/// one large packet does not pin its size for the connection's lifetime.
const PARTIAL_KEEP: usize = 64 * 1024;

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
    /// Forgets a partial packet (the transport it came from is gone).
    pub(crate) fn clear(&mut self) {
        self.partial.clear();
    }

    /// The next complete packet, taking bytes from the front of `input` (a chunk as it
    /// came off the wire). `Ok(None)` when `input` is used up without completing one: a
    /// partial packet is then kept for the next chunk. After an error the stream is
    /// unusable: the caller drops the connection.
    pub(crate) fn next(
        &mut self,
        input: &mut &[u8],
        version: ProtocolVersion,
        max_packet_size: usize,
    ) -> Result<Option<Incoming>, DecodeError> {
        if self.partial.is_empty() {
            if let Some((byte1, header_len, remaining)) = fixed_header(input, max_packet_size)? {
                if let Some((frame, rest)) = input.split_at_checked(header_len + remaining) {
                    *input = rest;
                    return decode_frame(
                        version,
                        max_packet_size,
                        byte1,
                        header_len,
                        frame,
                        &mut self.arena,
                    )
                    .map(Some);
                }
            }
            // Cut by the end of the chunk (a refused length was reported above).
            self.partial.extend_from_slice(input);
            *input = &[];
            return Ok(None);
        }
        loop {
            let missing = match fixed_header(&self.partial, max_packet_size)? {
                Some((byte1, header_len, remaining)) => {
                    let total = header_len + remaining;
                    match total.checked_sub(self.partial.len()) {
                        Some(0) | None => {
                            let frame = self.partial.get(..total).unwrap_or_default();
                            let packet = decode_frame(
                                version,
                                max_packet_size,
                                byte1,
                                header_len,
                                frame,
                                &mut self.arena,
                            );
                            self.partial.clear();
                            if self.partial.capacity() > PARTIAL_KEEP {
                                self.partial = Vec::new();
                            }
                            return packet.map(Some);
                        }
                        Some(missing) => missing,
                    }
                }
                // The length is not complete yet: one byte at a time, so that a length
                // over the bound is refused before any of its body is buffered.
                None => 1,
            };
            if input.is_empty() {
                return Ok(None);
            }
            let (head, rest) = input.split_at(missing.min(input.len()));
            self.partial.extend_from_slice(head);
            *input = rest;
        }
    }
}

/// Decodes one whole packet: `frame` is its fixed header (`header_len` bytes, starting
/// with `byte1`) and its body.
fn decode_frame(
    version: ProtocolVersion,
    max_packet_size: usize,
    byte1: u8,
    header_len: usize,
    frame: &[u8],
    arena: &mut InboundArena,
) -> Result<Incoming, DecodeError> {
    let kind = byte1 >> 4;
    let body = frame.get(header_len..).unwrap_or_default();
    if kind == 3 {
        if let Some(publish) = fast_publish(version, byte1, body, arena)? {
            return Ok(Incoming::Publish(publish));
        }
    }
    decode_frame_with_mqttbytes(version, max_packet_size, byte1, header_len, frame)
}

/// [`decode_frame`] without the PUBLISH fast path: every packet type, and every error.
fn decode_frame_with_mqttbytes(
    version: ProtocolVersion,
    max_packet_size: usize,
    byte1: u8,
    header_len: usize,
    frame: &[u8],
) -> Result<Incoming, DecodeError> {
    let kind = byte1 >> 4;
    let name = packet_name(kind);
    let remaining = frame.len().saturating_sub(header_len);
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
                return Ok(Incoming::PingResp);
            }
            v4::read(&mut BytesMut::from(frame), max_packet_size)
                .map(from_v4)
                .map_err(malformed)
        }
        ProtocolVersion::V5 => {
            if kind == 14 {
                return decode_v5_disconnect(byte1, body, BytesMut::from(frame));
            }
            if kind == 15 {
                return decode_v5_auth(byte1, body);
            }
            if kind == 2 && remaining == 2 {
                // CONNACK without a property length: accepted by many brokers' peers.
                let (flags, code) = (
                    body.first().copied().unwrap_or(0),
                    body.get(1).copied().unwrap_or(0),
                );
                return Ok(Incoming::ConnAck(ConnAckInfo {
                    session_present: flags & 1 == 1,
                    code,
                    ..ConnAckInfo::default()
                }));
            }
            if kind == 13 && remaining == 0 {
                return Ok(Incoming::PingResp);
            }
            v5::read(&mut BytesMut::from(frame), max_packet_size)
                .map(from_v5)
                .map_err(malformed)
        }
    }
}

/// The PUBLISH body (after the fixed header `byte1`) decoded straight from the bytes,
/// without `mqttbytes`: what the session receives thousands of times a second.
///
/// It decodes what `mqttbytes` 0.6 followed by [`from_v4`]/[`from_v5`] would, except
/// where `mqttbytes` breaks the spec on v5 properties: it counts a subscription
/// identifier one byte longer than it is, so after two or more of them it stops reading
/// properties early and hands the last property's bytes to the application as the start
/// of the payload; and it reads a property that runs past the declared property length.
/// Here the properties are exactly the declared bytes: a property that does not fit, or
/// an identifier that is not a PUBLISH property, is a malformed packet (`Err`).
///
/// `Ok(None)` for anything else `mqttbytes` would refuse (bad topic, packet id 0, QoS 3,
/// truncation before the properties): the caller then asks `mqttbytes`, so those errors
/// and their texts are still `mqttbytes`'s. The tests below check all this on arbitrary
/// publishes and arbitrary bytes.
fn fast_publish(
    version: ProtocolVersion,
    byte1: u8,
    body: &[u8],
    arena: &mut InboundArena,
) -> Result<Option<InboundPublish>, DecodeError> {
    let qos = match (byte1 >> 1) & 0b11 {
        0 => QoS::AtMostOnce,
        1 => QoS::AtLeastOnce,
        2 => QoS::ExactlyOnce,
        _ => return Ok(None),
    };
    let mut rest = body;
    let Some(topic) = take_prefixed(&mut rest).and_then(|t| std::str::from_utf8(t).ok()) else {
        return Ok(None);
    };
    let packet_id = match qos {
        QoS::AtMostOnce => 0,
        _ => match take_u16(&mut rest) {
            None | Some(0) => return Ok(None),
            Some(id) => id,
        },
    };
    let (topic_alias, properties) = match version {
        ProtocolVersion::V3_1_1 => (None, None),
        ProtocolVersion::V5 => match take_publish_properties(&mut rest)? {
            Some(properties) => properties,
            None => return Ok(None),
        },
    };
    Ok(Some(InboundPublish {
        topic: arena.topic(topic),
        payload: arena.copy(rest),
        qos,
        retain: byte1 & 0b0001 != 0,
        dup: byte1 & 0b1000 != 0,
        packet_id,
        topic_alias,
        properties,
    }))
}

/// The topic alias and properties of a v5 PUBLISH.
type PublishProperties = (Option<u16>, Option<Box<MessageProperties>>);

/// v5 PUBLISH properties (§3.3.2.3): a variable byte integer length, then exactly that
/// many bytes of properties. `Ok(None)` when the length itself is missing or cut short
/// (left to `mqttbytes`); `Err` when the properties do not fit in the packet or do not
/// fill their length exactly.
fn take_publish_properties(rest: &mut &[u8]) -> Result<Option<PublishProperties>, DecodeError> {
    let Some(length) = take_varint(rest) else {
        return Ok(None);
    };
    let Some((mut props, after)) = rest.split_at_checked(length) else {
        return Err(DecodeError::Malformed(format!(
            "PUBLISH: property length {length} runs past the end of the packet"
        )));
    };
    *rest = after;
    let mut alias = None;
    let mut p = MessageProperties::default();
    while let Some(id) = take_u8(&mut props) {
        let read = match id {
            0x01 => take_u8(&mut props).map(|b| p.payload_is_utf8 = Some(b == 1)),
            0x02 => take_u32(&mut props).map(|secs| {
                p.message_expiry = Some(core::time::Duration::from_secs(u64::from(secs)));
            }),
            0x03 => take_string(&mut props).map(|t| p.content_type = Some(t)),
            0x08 => take_string(&mut props).map(|t| p.response_topic = Some(t)),
            0x09 => take_prefixed(&mut props)
                .map(|d| p.correlation_data = Some(Bytes::copy_from_slice(d))),
            // Up to 2^28 - 1, so always a u32.
            0x0B => take_varint(&mut props)
                .map(|id| p.subscription_identifiers.extend(u32::try_from(id).ok())),
            0x23 => take_u16(&mut props).map(|a| alias = Some(a)),
            0x26 => take_string(&mut props).and_then(|key| {
                let value = take_string(&mut props)?;
                p.user_properties.push((key, value));
                Some(())
            }),
            other => {
                return Err(DecodeError::Malformed(format!(
                    "PUBLISH: property 0x{other:02X} is not a PUBLISH property"
                )))
            }
        };
        if read.is_none() {
            return Err(DecodeError::Malformed(format!(
                "PUBLISH: property 0x{id:02X} does not fit in the declared property \
                 length ({length} bytes), or is not valid"
            )));
        }
    }
    Ok(Some((alias, boxed(p))))
}

/// Properties out of line, or `None` when there are none.
fn boxed(p: MessageProperties) -> Option<Box<MessageProperties>> {
    (!p.is_empty()).then(|| Box::new(p))
}

fn take_u8(rest: &mut &[u8]) -> Option<u8> {
    let (&b, tail) = rest.split_first()?;
    *rest = tail;
    Some(b)
}

fn take_u16(rest: &mut &[u8]) -> Option<u16> {
    let (b, tail) = rest.split_first_chunk::<2>()?;
    *rest = tail;
    Some(u16::from_be_bytes(*b))
}

fn take_u32(rest: &mut &[u8]) -> Option<u32> {
    let (b, tail) = rest.split_first_chunk::<4>()?;
    *rest = tail;
    Some(u32::from_be_bytes(*b))
}

/// A two-byte length, then that many bytes.
fn take_prefixed<'a>(rest: &mut &'a [u8]) -> Option<&'a [u8]> {
    let len = usize::from(take_u16(rest)?);
    let (bytes, tail) = rest.split_at_checked(len)?;
    *rest = tail;
    Some(bytes)
}

fn take_string(rest: &mut &[u8]) -> Option<String> {
    std::str::from_utf8(take_prefixed(rest)?)
        .ok()
        .map(str::to_owned)
}

/// A variable byte integer as `mqttbytes` reads one: up to 4 bytes, non-minimal
/// encodings accepted.
fn take_varint(rest: &mut &[u8]) -> Option<usize> {
    let mut value = 0usize;
    for shift in [0, 7, 14, 21] {
        let b = take_u8(rest)?;
        value |= usize::from(b & 0x7F) << shift;
        if b & 0x80 == 0 {
            return Some(value);
        }
    }
    None
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
            topic: p.topic.into(),
            payload: p.payload,
            qos: from_mqtt_qos(p.qos),
            retain: p.retain,
            dup: p.dup,
            packet_id: p.pkid,
            topic_alias: None,
            properties: None,
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
                None => (None, None),
                Some(props) => (
                    props.topic_alias,
                    boxed(MessageProperties {
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
                    }),
                ),
            };
            Incoming::Publish(InboundPublish {
                topic: p.topic.into(),
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
    // The acks are 4 fixed bytes in both versions (a v5 ack with success and no
    // properties leaves the reason code out), and one goes out per QoS 1/2 message
    // received: written in place, the bytes `mqttbytes` would write (tested below).
    let ack = match packet {
        Outgoing::PubAck(id) => Some((0x40, id)),
        Outgoing::PubRec(id) => Some((0x50, id)),
        Outgoing::PubRel(id) => Some((0x62, id)),
        Outgoing::PubComp(id) => Some((0x70, id)),
        _ => None,
    };
    if let Some((byte1, id)) = ack {
        let [high, low] = id.to_be_bytes();
        out.extend_from_slice(&[byte1, 0x02, high, low]);
        return Ok(());
    }
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
        let mut input = bytes;
        let mut out = Vec::new();
        while let Some(p) = d.next(&mut input, version, MAX)? {
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
        assert!(matches!(
            d.next(&mut &[0x90, 0x02, 0x00, 0x01][..], ProtocolVersion::V5, MAX),
            Err(DecodeError::Malformed(_))
        ));
        let mut d = Decoder::default();
        assert!(matches!(
            d.next(&mut &[0x40, 0x01, 0x00][..], ProtocolVersion::V3_1_1, MAX),
            Err(DecodeError::Malformed(_))
        ));
    }

    #[test]
    fn a_partial_packet_waits_and_leaves_the_buffer_intact() {
        let v = ProtocolVersion::V3_1_1;
        let mut d = Decoder::default();
        assert_eq!(d.next(&mut &[0x30][..], v, MAX), Ok(None));
        assert_eq!(d.next(&mut &[0x05, 0x00, 0x01, b't'][..], v, MAX), Ok(None));
        let mut input = &[b'h', b'i', 0xD0][..];
        assert!(matches!(
            d.next(&mut input, v, MAX),
            Ok(Some(Incoming::Publish(_)))
        ));
        assert_eq!(
            input,
            [0xD0],
            "only the bytes the partial packet lacked are taken"
        );
        assert_eq!(d.next(&mut input, v, MAX), Ok(None));
        assert_eq!(input, [] as [u8; 0]);
        assert_eq!(
            d.next(&mut &[0x00][..], v, MAX),
            Ok(Some(Incoming::PingResp))
        );
    }

    #[test]
    fn a_hostile_length_prefix_is_refused_before_anything_is_buffered_for_it() {
        let mut d = Decoder::default();
        assert!(matches!(
            d.next(&mut &[0x30, 0xFF, 0xFF, 0xFF, 0x7F][..], ProtocolVersion::V3_1_1, MAX),
            Err(DecodeError::Malformed(t)) if t.contains("exceeds")
        ));
        let mut d = Decoder::default();
        assert!(matches!(
            d.next(
                &mut &[0x30, 0xFF, 0xFF, 0xFF, 0xFF, 0x01][..],
                ProtocolVersion::V3_1_1,
                usize::MAX
            ),
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
                assert_eq!(p.properties.as_deref(), Some(&props));
                assert_eq!(p.packet_id, 3);
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn acks_are_written_byte_for_byte_as_mqttbytes_writes_them_for_every_packet_id() {
        for version in [ProtocolVersion::V3_1_1, ProtocolVersion::V5] {
            for id in 0..=u16::MAX {
                for packet in [
                    Outgoing::PubAck(id),
                    Outgoing::PubRec(id),
                    Outgoing::PubRel(id),
                    Outgoing::PubComp(id),
                ] {
                    let mut fast = vec![0xAA];
                    encode(version, packet, &mut fast).unwrap();
                    let mut slow = BytesMut::new();
                    match version {
                        ProtocolVersion::V3_1_1 => encode_v4(packet, &mut slow),
                        ProtocolVersion::V5 => encode_v5(packet, &mut slow),
                    }
                    .unwrap();
                    assert_eq!(fast[0], 0xAA, "appended, not overwritten");
                    assert_eq!(&fast[1..], &slow[..], "{version:?} {packet:?}");
                }
            }
        }
    }

    #[test]
    fn whole_packets_are_decoded_from_the_chunk_without_being_buffered() {
        let mut d = Decoder::default();
        let mut input = &[0x30, 0x04, 0x00, 0x01, b't', b'x', 0xD0, 0x00][..];
        let first = d.next(&mut input, ProtocolVersion::V3_1_1, MAX);
        assert!(matches!(first, Ok(Some(Incoming::Publish(_)))), "{first:?}");
        assert_eq!(d.partial.capacity(), 0);
        assert_eq!(
            d.next(&mut input, ProtocolVersion::V3_1_1, MAX),
            Ok(Some(Incoming::PingResp))
        );
        assert_eq!(d.partial.capacity(), 0);
        assert!(input.is_empty());
    }

    #[test]
    fn a_length_over_the_limit_is_refused_before_its_body_is_buffered_even_when_split() {
        let max = 100;
        let mut d = Decoder::default();
        assert_eq!(
            d.next(&mut &[0x30, 0xE5][..], ProtocolVersion::V5, max),
            Ok(None)
        );
        let mut rest = vec![0x00]; // remaining length 101
        rest.extend([0x00; 200]);
        let mut input = &rest[..];
        assert!(matches!(
            d.next(&mut input, ProtocolVersion::V5, max),
            Err(DecodeError::Malformed(t)) if t.contains("exceeds")
        ));
        assert_eq!(d.partial.len(), 3, "only the fixed header was buffered");
    }

    #[test]
    fn the_partial_buffer_holds_one_packet_and_is_freed_after_a_large_one() {
        let payload = Bytes::from(vec![7u8; 200_000]);
        let props = MessageProperties::default();
        let packet = Outgoing::Publish {
            topic: "big",
            payload: &payload,
            qos: QoS::AtMostOnce,
            retain: false,
            dup: false,
            packet_id: 0,
            properties: &props,
            topic_alias: None,
        };
        let mut bytes = Vec::new();
        encode(ProtocolVersion::V3_1_1, packet, &mut bytes).unwrap();
        bytes.extend([0xD0, 0x00, 0xD0]); // a PINGRESP, then the start of another
        let (a, b) = bytes.split_at(1000);
        let mut d = Decoder::default();
        assert_eq!(d.next(&mut &a[..], ProtocolVersion::V3_1_1, MAX), Ok(None));
        assert_eq!(d.partial.len(), 1000);
        let mut input = b;
        match d.next(&mut input, ProtocolVersion::V3_1_1, MAX) {
            Ok(Some(Incoming::Publish(p))) => assert_eq!(p.payload, payload),
            other => panic!("{other:?}"),
        }
        assert_eq!(d.partial.capacity(), 0, "a 200 kB buffer is not kept");
        assert_eq!(input, [0xD0, 0x00, 0xD0]);
        assert_eq!(
            d.next(&mut input, ProtocolVersion::V3_1_1, MAX),
            Ok(Some(Incoming::PingResp))
        );
        assert_eq!(d.next(&mut input, ProtocolVersion::V3_1_1, MAX), Ok(None));
        assert_eq!(d.partial, [0xD0]);
    }

    #[test]
    fn a_property_length_past_the_end_of_the_packet_is_malformed_though_mqttbytes_accepts_it() {
        // Property length 3, but only 2 bytes follow (0x0B 0x00, a subscription
        // identifier): mqttbytes counts that identifier as 3 bytes and accepts.
        let frame = [0x38, 0x05, 0x00, 0x00, 0x03, 0x0B, 0x00];
        let slow = decode_frame_with_mqttbytes(ProtocolVersion::V5, MAX, 0x38, 2, &frame);
        assert!(slow.is_ok(), "{slow:?}");
        let ours = decode_frame(
            ProtocolVersion::V5,
            MAX,
            0x38,
            2,
            &frame,
            &mut InboundArena::default(),
        );
        assert!(matches!(ours, Err(DecodeError::Malformed(_))), "{ours:?}");
    }

    #[test]
    fn two_subscription_identifiers_leave_the_payload_intact_unlike_mqttbytes() {
        // QoS 0 publish to "t": properties = identifier 1, identifier 2, payload format
        // indicator 1 (6 bytes); payload "hi".
        let body = [
            0x00, 0x01, b't', 0x06, 0x0B, 0x01, 0x0B, 0x02, 0x01, 0x01, b'h', b'i',
        ];
        let mut frame = vec![0x30, body.len() as u8];
        frame.extend(body);
        let ours = decode_frame(
            ProtocolVersion::V5,
            MAX,
            0x30,
            2,
            &frame,
            &mut InboundArena::default(),
        );
        let Ok(Incoming::Publish(p)) = ours else {
            panic!("{ours:?}")
        };
        assert_eq!(&p.payload[..], b"hi");
        let properties = p.properties.expect("properties");
        assert_eq!(properties.subscription_identifiers, vec![1, 2]);
        assert_eq!(properties.payload_is_utf8, Some(true));
        // mqttbytes 0.6 stops reading properties early and hands "\x01\x01hi" on.
        let slow = decode_frame_with_mqttbytes(ProtocolVersion::V5, MAX, 0x30, 2, &frame);
        let Ok(Incoming::Publish(slow)) = slow else {
            panic!("{slow:?}")
        };
        assert_eq!(&slow.payload[..], b"\x01\x01hi");
    }

    #[test]
    fn payloads_share_a_block_that_is_reused_once_none_of_them_is_alive() {
        let per_block = PAYLOAD_BLOCK / 32;
        let mut arena = InboundArena::default();
        let first = arena.copy(&[1; 32]);
        let second = arena.copy(&[2; 32]);
        assert_eq!(
            second.as_ptr(),
            first.as_ptr().wrapping_add(32),
            "one block"
        );
        let start = first.as_ptr() as usize;
        drop((first, second));
        for _ in 2..per_block {
            drop(arena.copy(&[3; 32])); // as the app drops each message once routed
        }
        let again = arena.copy(&[4; 32]);
        assert_eq!(
            again.as_ptr() as usize,
            start,
            "the full block is reused in place"
        );
        for _ in 1..per_block {
            drop(arena.copy(&[5; 32]));
        }
        let fresh = arena.copy(&[6; 32]);
        let in_block = (start..start + PAYLOAD_BLOCK).contains(&(fresh.as_ptr() as usize));
        assert!(!in_block, "a block with a live payload is not reused");
        assert_eq!(again[..], [4; 32]);
        assert!(arena.copy(&[]).is_empty());
        assert_eq!(arena.copy(&[9; PAYLOAD_BLOCK])[..], [9; PAYLOAD_BLOCK]);
    }

    #[test]
    fn a_payload_kept_alive_is_never_overwritten_by_later_ones() {
        let mut arena = InboundArena::default();
        let kept = arena.copy(b"keep me");
        for i in 0..10 * PAYLOAD_BLOCK / 50 {
            let p = arena.copy(&[i as u8; 50]);
            assert_eq!(p[..], [i as u8; 50]);
        }
        assert_eq!(&kept[..], b"keep me");
    }

    /// The PUBLISH fast path against `mqttbytes` 0.6: same packets accepted, same result.
    #[cfg(not(target_arch = "wasm32"))]
    mod fast_publish_against_mqttbytes {
        use super::*;
        use proptest::prelude::*;

        /// Both decoders on one whole frame. What the fast path decodes, `mqttbytes`
        /// decodes the same — but for its subscription identifier miscount, which can leave
        /// property bytes at the front of its payload; what the fast path refuses as
        /// malformed is a v5 property problem (`mqttbytes` may accept it: it reads
        /// properties past their length); what it leaves to `mqttbytes`, `mqttbytes`
        /// refuses. And `decode_frame` answers as the fast path decided. Whether accepted.
        fn check(version: ProtocolVersion, frame: &[u8]) -> Result<bool, TestCaseError> {
            let Ok(Some((byte1, header_len, remaining))) = fixed_header(frame, MAX) else {
                return Err(TestCaseError::fail("not one whole frame"));
            };
            prop_assert_eq!(frame.len(), header_len + remaining, "not one whole frame");
            let body = &frame[header_len..];
            let slow = decode_frame_with_mqttbytes(version, MAX, byte1, header_len, frame);
            let fast = fast_publish(version, byte1, body, &mut InboundArena::default());
            let decoded = decode_frame(
                version,
                MAX,
                byte1,
                header_len,
                frame,
                &mut InboundArena::default(),
            );
            match fast {
                Ok(Some(fast)) => {
                    let Ok(Incoming::Publish(slow_publish)) = &slow else {
                        return Err(TestCaseError::fail(format!(
                            "fast path decoded, mqttbytes said {slow:?}"
                        )));
                    };
                    let identifiers = fast
                        .properties
                        .as_ref()
                        .map_or(0, |p| p.subscription_identifiers.len());
                    if identifiers >= 2 {
                        prop_assert!(slow_publish.payload.ends_with(&fast.payload));
                        prop_assert_eq!(&slow_publish.topic, &fast.topic);
                        prop_assert_eq!(slow_publish.packet_id, fast.packet_id);
                    } else {
                        prop_assert_eq!(slow_publish, &fast);
                    }
                    prop_assert_eq!(decoded, Ok(Incoming::Publish(fast)));
                    Ok(true)
                }
                Err(error) => {
                    prop_assert_eq!(version, ProtocolVersion::V5);
                    prop_assert_eq!(decoded, Err(error));
                    Ok(false)
                }
                Ok(None) => {
                    prop_assert!(slow.is_err(), "left to mqttbytes, which accepted it");
                    prop_assert_eq!(decoded, slow);
                    Ok(false)
                }
            }
        }

        fn text() -> impl Strategy<Value = String> {
            prop_oneof!["[a-z/+#$\\x00 ]{0,12}", ".{0,12}",]
        }

        fn properties() -> impl Strategy<Value = Option<v5::PublishProperties>> {
            let props = (
                proptest::option::of(any::<u8>()),
                proptest::option::of(any::<u32>()),
                proptest::option::of(any::<u16>()),
                proptest::option::of(text()),
                proptest::option::of(prop::collection::vec(any::<u8>(), 0..8)),
                prop::collection::vec((text(), text()), 0..3),
                prop::collection::vec(0usize..268_435_456, 0..3),
                proptest::option::of(text()),
            )
                .prop_map(
                    |(pfi, expiry, alias, response, correlation, user, ids, ct)| {
                        v5::PublishProperties {
                            payload_format_indicator: pfi,
                            message_expiry_interval: expiry,
                            topic_alias: alias,
                            response_topic: response,
                            correlation_data: correlation.map(Bytes::from),
                            user_properties: user,
                            subscription_identifiers: ids,
                            content_type: ct,
                        }
                    },
                );
            proptest::option::of(props)
        }

        /// A valid PUBLISH as `mqttbytes` writes it.
        fn publish(version: ProtocolVersion) -> impl Strategy<Value = Vec<u8>> {
            (
                text(),
                0u8..3,
                any::<bool>(),
                any::<bool>(),
                1u16..=u16::MAX,
                prop::collection::vec(any::<u8>(), 0..48),
                properties(),
            )
                .prop_map(
                    move |(topic, qos, dup, retain, pkid, payload, properties)| {
                        let qos = mqttbytes::qos(qos).unwrap();
                        let pkid = if qos == mqttbytes::QoS::AtMostOnce {
                            0
                        } else {
                            pkid
                        };
                        let mut buf = BytesMut::new();
                        match version {
                            ProtocolVersion::V3_1_1 => v4::Publish {
                                dup,
                                qos,
                                retain,
                                topic,
                                pkid,
                                payload: Bytes::from(payload),
                            }
                            .write(&mut buf),
                            ProtocolVersion::V5 => v5::Publish {
                                dup,
                                qos,
                                retain,
                                topic,
                                pkid,
                                properties,
                                payload: Bytes::from(payload),
                            }
                            .write(&mut buf),
                        }
                        .unwrap();
                        buf.to_vec()
                    },
                )
        }

        /// A fixed header and a remaining length, then a body made of pieces a PUBLISH is
        /// made of, in any order and in any state of repair: what a broken or hostile
        /// broker could send. Wrong lengths, truncations, unknown and repeated
        /// properties, non-minimal and overlong variable integers, invalid UTF-8.
        fn publish_like() -> impl Strategy<Value = Vec<u8>> {
            let piece = prop_oneof![
                // A length-prefixed string, its length sometimes wrong.
                (text(), -2i32..3).prop_map(|(t, skew)| {
                    let len = (t.len() as i32 + skew).clamp(0, 0xFFFF) as u16;
                    let mut v = len.to_be_bytes().to_vec();
                    v.extend(t.as_bytes());
                    v
                }),
                // A packet id, zero included.
                prop_oneof![Just(0u16), any::<u16>()].prop_map(|id| id.to_be_bytes().to_vec()),
                // A property identifier, PUBLISH ones most often.
                prop_oneof![
                    prop::sample::select(vec![0x01u8, 0x02, 0x03, 0x08, 0x09, 0x0B, 0x23, 0x26]),
                    any::<u8>(),
                ]
                .prop_map(|b| vec![b]),
                // A variable byte integer, maybe non-minimal or too long.
                prop::collection::vec(any::<u8>(), 1..6).prop_map(|mut v| {
                    let last = v.len() - 1;
                    for b in &mut v[..last] {
                        *b |= 0x80;
                    }
                    v
                }),
                Just(vec![0x00]),
                prop::collection::vec(any::<u8>(), 0..6),
                // Invalid UTF-8 in a string.
                Just(vec![0x00, 0x02, 0xC3, 0x28]),
            ];
            (0u8..16, prop::collection::vec(piece, 0..8)).prop_map(|(flags, pieces)| {
                let body = pieces.concat();
                let mut frame = vec![0x30 | flags];
                frame.extend(varint(body.len(), 1));
                frame.extend(body);
                frame
            })
        }

        /// A variable byte integer for `n`, padded to `width` bytes (non-minimal, which
        /// `mqttbytes` accepts; a width of 5 it refuses).
        fn varint(mut n: usize, width: usize) -> Vec<u8> {
            let mut v = Vec::new();
            loop {
                let mut byte = (n % 128) as u8;
                n /= 128;
                if n > 0 || v.len() + 1 < width {
                    byte |= 0x80;
                }
                v.push(byte);
                if byte & 0x80 == 0 {
                    return v;
                }
            }
        }

        /// One well-formed v5 PUBLISH property, the subscription identifier's variable
        /// integer sometimes non-minimal or too long.
        fn property() -> impl Strategy<Value = Vec<u8>> {
            let string = |id: u8| {
                text().prop_map(move |t| {
                    let mut v = vec![id];
                    v.extend((t.len() as u16).to_be_bytes());
                    v.extend(t.as_bytes());
                    v
                })
            };
            prop_oneof![
                any::<u8>().prop_map(|b| vec![0x01, b]),
                any::<u32>().prop_map(|n| {
                    let mut v = vec![0x02];
                    v.extend(n.to_be_bytes());
                    v
                }),
                string(0x03),
                string(0x08),
                string(0x09),
                (0usize..268_435_456, 1usize..6).prop_map(|(id, width)| {
                    let mut v = vec![0x0B];
                    v.extend(varint(id, width));
                    v
                }),
                any::<u16>().prop_map(|a| {
                    let mut v = vec![0x23];
                    v.extend(a.to_be_bytes());
                    v
                }),
                (text(), text()).prop_map(|(k, val)| {
                    let mut v = vec![0x26];
                    for t in [k, val] {
                        v.extend((t.len() as u16).to_be_bytes());
                        v.extend(t.as_bytes());
                    }
                    v
                }),
            ]
        }

        /// A v5 PUBLISH whose property length may disagree with its properties (shorter:
        /// `mqttbytes` reads the last property past it; longer: it reads the payload as
        /// properties) and may be encoded non-minimally or in 5 bytes.
        fn v5_publish_with_skewed_properties() -> impl Strategy<Value = Vec<u8>> {
            (
                text(),
                0u8..16,
                1u16..=u16::MAX,
                prop::collection::vec(property(), 0..4),
                -6i64..3,
                1usize..6,
                prop::collection::vec(any::<u8>(), 0..16),
            )
                .prop_map(|(topic, flags, pkid, props, skew, width, payload)| {
                    let props = props.concat();
                    let declared = (props.len() as i64 + skew).max(0) as usize;
                    let mut body = (topic.len() as u16).to_be_bytes().to_vec();
                    body.extend(topic.as_bytes());
                    if (flags >> 1) & 0b11 != 0 {
                        body.extend(pkid.to_be_bytes());
                    }
                    body.extend(varint(declared, width));
                    body.extend(props);
                    body.extend(payload);
                    let mut frame = vec![0x30 | flags];
                    frame.extend(varint(body.len(), 1));
                    frame.extend(body);
                    frame
                })
        }

        proptest! {
            #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

            #[test]
            fn payloads_kept_in_any_pattern_keep_their_bytes(
                payloads in prop::collection::vec(
                    (prop::collection::vec(any::<u8>(), 0..1200), any::<bool>()),
                    0..64,
                ),
            ) {
                let mut arena = InboundArena::default();
                let mut kept = Vec::new();
                for (bytes, keep) in &payloads {
                    let p = arena.copy(bytes);
                    prop_assert_eq!(&p[..], &bytes[..]);
                    if *keep {
                        kept.push((p, bytes));
                    }
                }
                for (p, bytes) in kept {
                    prop_assert_eq!(&p[..], &bytes[..]);
                }
            }
        }

        proptest! {
            #![proptest_config(ProptestConfig { cases: 2048, ..ProptestConfig::default() })]

            #[test]
            fn v5_publishes_with_odd_property_lengths_are_decoded_per_spec_or_refused(
                frame in v5_publish_with_skewed_properties(),
            ) {
                check(ProtocolVersion::V5, &frame)?;
            }

            #[test]
            fn valid_v311_publishes_decode_the_same_on_the_fast_path(
                frame in publish(ProtocolVersion::V3_1_1),
            ) {
                prop_assert!(check(ProtocolVersion::V3_1_1, &frame)?, "valid, yet refused");
            }

            #[test]
            fn valid_v5_publishes_decode_the_same_on_the_fast_path(
                frame in publish(ProtocolVersion::V5),
            ) {
                prop_assert!(check(ProtocolVersion::V5, &frame)?, "valid, yet refused");
            }

            #[test]
            fn broken_publishes_are_refused_by_both_paths_alike(frame in publish_like()) {
                check(ProtocolVersion::V3_1_1, &frame)?;
                check(ProtocolVersion::V5, &frame)?;
            }

            #[test]
            fn arbitrary_bytes_after_a_publish_header_are_judged_alike(
                flags in 0u8..16,
                body in prop::collection::vec(any::<u8>(), 0..64),
            ) {
                let mut frame = vec![0x30 | flags, body.len() as u8];
                frame.extend(body);
                check(ProtocolVersion::V3_1_1, &frame)?;
                check(ProtocolVersion::V5, &frame)?;
            }
        }
    }
}
