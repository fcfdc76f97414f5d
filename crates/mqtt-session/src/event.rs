//! What the session reports to the driver: past-tense [`Event`]s.

use core::time::Duration;
use std::sync::Arc;

use bytes::Bytes;

use crate::error::Error;
use crate::options::QoS;

/// Something that happened, drained with [`Session::poll_event`](crate::Session::poll_event).
#[derive(Debug, Clone, PartialEq)]
pub enum Event {
    /// The session wants a transport: open a WebSocket now, then call
    /// [`Session::handle_transport_open`](crate::Session::handle_transport_open) (or
    /// [`Session::connection_lost`](crate::Session::connection_lost) if it fails).
    TransportRequested,
    /// The broker accepted CONNECT.
    Connected {
        /// Whether the broker resumed a stored session (subscriptions and in-flight
        /// messages kept).
        session_present: bool,
    },
    /// A PUBLISH arrived from the broker (delivered once, also for QoS 2 duplicates).
    Message(Message),
    /// The broker answered a SUBSCRIBE: one result per filter, in request order.
    Subscribed {
        /// Each filter with the QoS granted, or why it was refused.
        results: Vec<(String, Result<QoS, Refusal>)>,
    },
    /// The broker acknowledged an UNSUBSCRIBE of these filters.
    Unsubscribed {
        /// The filters, in request order.
        filters: Vec<String>,
        /// v5: the filters the broker refused to unsubscribe, with why (an UNSUBACK
        /// reason code of 0x80 or more, e.g. not authorized). The broker still has these
        /// subscriptions, so the session keeps remembering them: their messages keep
        /// arriving and they are sent again after a reconnect that does not resume the
        /// session. Always empty over 3.1.1, whose UNSUBACK carries no codes.
        refused: Vec<(String, Refusal)>,
    },
    /// A QoS 1 publish got its PUBACK, or a QoS 2 publish its PUBCOMP, without a failure
    /// code (or its PUBREC when the session was not resumed after a loss; see
    /// [`Session`](crate::Session)).
    Published {
        /// The id `publish` returned.
        packet_id: u16,
        /// The topic it was published to.
        topic: String,
    },
    /// The broker refused a publish (v5 PUBACK or PUBREC reason code >= 0x80), or the
    /// session did in its name: a publish made before the current CONNACK (queued offline,
    /// or in flight from an earlier connection) that the broker declared unsupported
    /// (0x9B QoS not supported, 0x9A retain not supported) is not sent, and the reason
    /// text says it was refused locally.
    PublishRefused {
        /// The id `publish` returned; `None` for a QoS 0 publish.
        packet_id: Option<u16>,
        /// The topic it was published to.
        topic: String,
        /// The code and its meaning.
        reason: Refusal,
    },
    /// A QoS 2 publish ended with a v5 PUBCOMP failure code (0x92 "packet identifier
    /// not found"): the broker had accepted the message (PUBREC without failure), but no
    /// longer knew its packet id when our PUBREL came, typically because it lost its
    /// session state. The message was probably delivered, but the broker could not
    /// confirm it, so this is neither [`Event::Published`] nor [`Event::PublishRefused`].
    /// The packet id is free again.
    PublishUnconfirmed {
        /// The id `publish` returned.
        packet_id: u16,
        /// The topic it was published to.
        topic: String,
        /// The code and its meaning, with the broker's reason string if it sent one.
        reason: Refusal,
    },
    /// The connection ended. The driver closes its socket (if still open) and does not
    /// report that socket's close to the session again.
    ConnectionLost {
        /// Why it ended.
        reason: Error,
    },
    /// A reconnect is scheduled: `poll_timeout` reports when, and `handle_timeout` then
    /// emits [`Event::TransportRequested`].
    ReconnectScheduled {
        /// Delay from now.
        after: Duration,
    },
    /// The session stopped for good (user `disconnect`, or a refusal that retrying cannot
    /// fix). Nothing more happens until the next `connect`.
    Disconnected,
}

/// An application message received from the broker.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    /// The topic name it was published to; shared with earlier messages on the same
    /// topic (no allocation per message). Reads as a `&str`.
    pub topic: Arc<str>,
    /// The payload, untouched.
    pub payload: Bytes,
    /// The QoS it was delivered at.
    pub qos: QoS,
    /// Whether it is a retained message (sent because we subscribed).
    pub retain: bool,
    /// Whether the broker flagged it as a possible re-delivery.
    pub dup: bool,
    /// MQTT 5 properties (all empty for 3.1.1).
    pub properties: MessageProperties,
}

/// MQTT 5 publish properties. Empty for 3.1.1. Also used to publish with properties
/// (see [`Session::publish_with_properties`](crate::Session::publish_with_properties)).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct MessageProperties {
    /// MIME type of the payload.
    pub content_type: Option<String>,
    /// Topic a response should be published to (request/response).
    pub response_topic: Option<String>,
    /// Opaque data tying a response to its request.
    pub correlation_data: Option<Bytes>,
    /// Name/value pairs, in order, repeats allowed.
    pub user_properties: Vec<(String, String)>,
    /// Lifetime of the message (whole seconds on the wire).
    pub message_expiry: Option<Duration>,
    /// `Some(true)` when the sender declared the payload UTF-8 text.
    pub payload_is_utf8: Option<bool>,
    /// Inbound only: the identifiers of our subscriptions this message matched (see
    /// [`Subscription::identifier`](crate::Subscription::identifier)). A client may not
    /// send them, so they are ignored on publish.
    pub subscription_identifiers: Vec<u32>,
}

impl MessageProperties {
    /// Whether no property is set.
    pub fn is_empty(&self) -> bool {
        *self == MessageProperties::default()
    }
}

/// A refusal by the broker: the numeric code and what it means in words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refusal {
    /// The 3.1.1 return code or v5 reason code, as on the wire.
    pub code: u8,
    /// Human text for the code, e.g. "not authorized" (or the broker's reason string).
    pub reason: String,
}

impl core::fmt::Display for Refusal {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "{} (code {:#04x})", self.reason, self.code)
    }
}

impl Refusal {
    /// A refusal from a 3.1.1 CONNACK return code.
    pub fn from_v4_connack(code: u8) -> Refusal {
        let reason = match code {
            1 => "unacceptable protocol version",
            2 => "client identifier not valid",
            3 => "server unavailable",
            4 => "bad user name or password",
            5 => "not authorized",
            _ => "unknown return code",
        };
        Refusal {
            code,
            reason: reason.to_owned(),
        }
    }

    /// A refusal from a 3.1.1 SUBACK failure (0x80).
    pub fn v4_subscription_failure() -> Refusal {
        Refusal {
            code: 0x80,
            reason: "subscription refused".to_owned(),
        }
    }

    /// A refusal from an MQTT 5 reason code, with the broker's reason string appended when
    /// it sent one.
    pub fn from_v5(code: u8, reason_string: Option<&str>) -> Refusal {
        let text = v5_reason_text(code);
        let reason = match reason_string {
            Some(s) if !s.is_empty() => format!("{text}: {s}"),
            _ => text.to_owned(),
        };
        Refusal { code, reason }
    }
}

/// The MQTT 5 reason-code table (§2.4), in plain words.
pub fn v5_reason_text(code: u8) -> &'static str {
    match code {
        0x00 => "success",
        0x01 => "granted QoS 1",
        0x02 => "granted QoS 2",
        0x04 => "disconnect with will message",
        0x10 => "no matching subscribers",
        0x11 => "no subscription existed",
        0x18 => "continue authentication",
        0x19 => "re-authenticate",
        0x80 => "unspecified error",
        0x81 => "malformed packet",
        0x82 => "protocol error",
        0x83 => "implementation specific error",
        0x84 => "unsupported protocol version",
        0x85 => "client identifier not valid",
        0x86 => "bad user name or password",
        0x87 => "not authorized",
        0x88 => "server unavailable",
        0x89 => "server busy",
        0x8A => "banned",
        0x8B => "server shutting down",
        0x8C => "bad authentication method",
        0x8D => "keep alive timeout",
        0x8E => "session taken over",
        0x8F => "topic filter invalid",
        0x90 => "topic name invalid",
        0x91 => "packet identifier in use",
        0x92 => "packet identifier not found",
        0x93 => "receive maximum exceeded",
        0x94 => "topic alias invalid",
        0x95 => "packet too large",
        0x96 => "message rate too high",
        0x97 => "quota exceeded",
        0x98 => "administrative action",
        0x99 => "payload format invalid",
        0x9A => "retain not supported",
        0x9B => "QoS not supported",
        0x9C => "use another server",
        0x9D => "server moved",
        0x9E => "shared subscriptions not supported",
        0x9F => "connection rate exceeded",
        0xA0 => "maximum connect time",
        0xA1 => "subscription identifiers not supported",
        0xA2 => "wildcard subscriptions not supported",
        _ => "unknown reason code",
    }
}
