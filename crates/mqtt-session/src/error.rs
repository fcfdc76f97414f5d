//! Errors, each saying whose fault it is: the broker's, the caller's, the codec's or the
//! network's.

use crate::capabilities::qos_number;
use crate::event::Refusal;
use crate::options::QoS;

/// What went wrong. Returned by API calls (`ApiMisuse`, `QueueFull`) and carried by
/// [`Event::ConnectionLost`](crate::Event::ConnectionLost) for everything else.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Error {
    /// The broker broke the protocol: which packet, and what was wrong with it
    /// (e.g. a second CONNACK, a PUBLISH before CONNACK, a SUBACK with too few codes).
    #[error("the broker broke the MQTT protocol: {0}")]
    BrokerMisbehaved(String),
    /// The broker refused the connection in its CONNACK (3.1.1 return codes 1-5, v5 reason
    /// codes >= 0x80), with the code and its meaning.
    #[error("the broker refused the connection: {0}")]
    BrokerRefused(Refusal),
    /// The broker closed the session with a v5 DISCONNECT, with the reason it gave.
    #[error("the broker disconnected: {0}")]
    BrokerDisconnected(Refusal),
    /// A v5 broker closed the connection with reason 0x8E "session taken over": another
    /// client connected with our client id. The session does not reconnect, since
    /// reconnecting would take the session back and the two clients would keep throwing
    /// each other off; `connect` again (perhaps with another client id) to retry.
    #[error(
        "another client connected with the same client id and took over the session \
         (DISCONNECT 0x8e{}); not reconnecting, so the two clients do not keep \
         throwing each other off",
        .reason_string.as_deref().map(|s| format!(": {s}")).unwrap_or_default()
    )]
    SessionTakenOver {
        /// The broker's reason string, if it sent one.
        reason_string: Option<String>,
    },
    /// `publish` asked for a QoS above the v5 broker's "Maximum QoS" from CONNACK; nothing
    /// was sent. The session never downgrades silently: publish again at `maximum` or
    /// lower if that is good enough.
    #[error(
        "the broker accepts publishes up to QoS {} only (Maximum QoS in its CONNACK), \
         not QoS {}; nothing was sent",
        qos_number(*.maximum),
        qos_number(*.requested)
    )]
    QosNotSupported {
        /// The QoS asked for.
        requested: QoS,
        /// The highest the broker accepts.
        maximum: QoS,
    },
    /// `publish` asked to retain a message, but the v5 broker declared "Retain Available"
    /// 0 in CONNACK; nothing was sent (the retain flag is never dropped silently).
    #[error(
        "the broker does not support retained messages (Retain Available 0 in its \
         CONNACK); nothing was sent"
    )]
    RetainNotSupported,
    /// The caller used the API wrongly (invalid topic or filter, invalid options, calling
    /// `connect` twice); the message says what to fix.
    #[error("invalid use of the MQTT session: {0}")]
    ApiMisuse(String),
    /// The bounded offline queue is full; the publish was refused, not dropped silently.
    #[error("the offline queue is full (at most {max_messages} messages and {max_bytes} bytes)")]
    QueueFull {
        /// The configured message limit.
        max_messages: usize,
        /// The configured byte limit (topic plus payload bytes).
        max_bytes: usize,
    },
    /// Bytes from the broker could not be decoded (malformed, truncated or oversized
    /// packet).
    #[error("malformed bytes from the broker: {0}")]
    Codec(String),
    /// The broker did not answer a PINGREQ in time.
    #[error("the broker did not answer a ping in time")]
    KeepAliveTimeout,
    /// The broker did not answer CONNECT with a CONNACK in time.
    #[error("the broker did not answer CONNECT in time")]
    ConnackTimeout,
    /// The transport (WebSocket) closed or failed; the text comes from the driver.
    #[error("the connection failed: {0}")]
    Transport(String),
}
