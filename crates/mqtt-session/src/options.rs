//! What the user chooses before connecting: [`ConnectOptions`] and its parts.

use core::time::Duration;

use bytes::Bytes;

use crate::error::Error;
use crate::event::MessageProperties;
use crate::topic::validate_topic_name;

/// The MQTT protocol version spoken on the wire.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum ProtocolVersion {
    /// MQTT 3.1.1 (protocol level 4).
    #[default]
    V3_1_1,
    /// MQTT 5.0 (protocol level 5).
    V5,
}

/// Quality of service of a publish or subscription.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub enum QoS {
    /// Fire and forget.
    #[default]
    AtMostOnce,
    /// Acknowledged (PUBACK); may arrive more than once.
    AtLeastOnce,
    /// Four-step handshake; arrives exactly once.
    ExactlyOnce,
}

impl QoS {
    /// The QoS from its wire value 0, 1 or 2.
    pub fn from_u8(value: u8) -> Option<QoS> {
        match value {
            0 => Some(QoS::AtMostOnce),
            1 => Some(QoS::AtLeastOnce),
            2 => Some(QoS::ExactlyOnce),
            _ => None,
        }
    }

    /// The wire value: 0, 1 or 2.
    pub fn as_u8(self) -> u8 {
        match self {
            QoS::AtMostOnce => 0,
            QoS::AtLeastOnce => 1,
            QoS::ExactlyOnce => 2,
        }
    }
}

/// The message the broker publishes for us if we vanish without DISCONNECT.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Will {
    /// Topic name (no wildcards).
    pub topic: String,
    /// Payload, at most 65535 bytes.
    pub payload: Bytes,
    /// QoS of the will message.
    pub qos: QoS,
    /// Whether the broker retains it.
    pub retain: bool,
    /// v5 only: properties of the will message (content type, response topic,
    /// correlation data, user properties, message expiry, payload format). Subscription
    /// identifiers are not sent. Ignored over 3.1.1.
    pub properties: MessageProperties,
    /// v5 only: how long the broker waits after the connection is lost before publishing
    /// the will (whole seconds, "Will Delay Interval"; zero = at once). Ignored over 3.1.1.
    pub delay: Duration,
}

/// When to reconnect after a loss: `initial * 2^n` capped at `max`, forever.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReconnectPolicy {
    /// Delay before the first retry (default 1 s).
    pub initial: Duration,
    /// Longest delay (default 30 s).
    pub max: Duration,
    /// "Equal jitter": wait a uniformly random time between half the delay and the full
    /// delay, so many tabs do not reconnect in lockstep (default true).
    pub jitter: bool,
}

impl Default for ReconnectPolicy {
    fn default() -> Self {
        ReconnectPolicy {
            initial: Duration::from_secs(1),
            max: Duration::from_secs(30),
            jitter: true,
        }
    }
}

/// Bounds of the offline queue (publishes made while not connected, or beyond the
/// broker's receive maximum). A publish that would pass either bound is refused with
/// [`Error::QueueFull`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct QueueLimits {
    /// At most this many messages (default 1000).
    pub max_messages: usize,
    /// At most this many topic plus payload bytes (default 1 MiB).
    pub max_bytes: usize,
}

impl Default for QueueLimits {
    fn default() -> Self {
        QueueLimits {
            max_messages: 1000,
            max_bytes: 1024 * 1024,
        }
    }
}

/// Everything [`Session::connect`](crate::Session::connect) needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConnectOptions {
    /// 3.1.1 or 5.0.
    pub version: ProtocolVersion,
    /// Empty: the session generates `feedboard-<12 hex digits>` from its seed once per
    /// `connect` and keeps it across reconnects. A v5 broker's assigned client id wins.
    pub client_id: String,
    /// Ask the broker to discard any stored session (3.1.1 "clean session").
    pub clean_start: bool,
    /// Keep-alive interval, in whole seconds, 0 = off, at most 65535 s. A v5 broker's
    /// "server keep alive" overrides it.
    pub keep_alive: Duration,
    /// User name, if any. An empty string counts as none.
    pub username: Option<String>,
    /// Password, if any. An empty string counts as none. 3.1.1 needs a user name with it.
    pub password: Option<String>,
    /// Last will.
    pub will: Option<Will>,
    /// Reconnect backoff.
    pub reconnect: ReconnectPolicy,
    /// Offline queue bounds.
    pub offline_queue: QueueLimits,
    /// Largest packet accepted from the broker, in bytes of remaining length (default
    /// 1 MiB). A larger length prefix is a codec error before anything is allocated; a v5
    /// CONNECT tells the broker this limit.
    pub max_packet_size: usize,
    /// How long to wait for CONNACK after the transport opened (default 10 s).
    pub connect_timeout: Duration,
    /// v5 only: how long the broker keeps the session after the connection ends (whole
    /// seconds; default 0, "ends with the connection"). Set it with `clean_start: false`
    /// to resume sessions over v5.
    pub session_expiry: Duration,
    /// v5 only: the highest inbound topic alias the broker may use (announced as `Topic
    /// Alias Maximum` in CONNECT; default 16, 0 = no aliases). Aliases are per connection
    /// and forgotten on reconnect; a PUBLISH with alias 0, an alias above this or an
    /// alias never given a topic is a protocol violation that closes the connection.
    pub topic_alias_maximum: u16,
    /// v5 only: how many inbound QoS 1/2 publishes the broker may have unacknowledged at
    /// once (announced as `Receive Maximum` in CONNECT when below the default 65535; at
    /// least 1). QoS 1 is acknowledged at once, so in practice this bounds QoS 2 messages
    /// awaiting PUBREL; a broker that exceeds it breaks the protocol and the connection
    /// is closed.
    pub receive_maximum: u16,
    /// 3.1.1 only: how many outbound QoS 1/2 publishes may be unacknowledged at once;
    /// more wait in order and go as acks arrive (default 10, at least 1). MQTT 5 brokers
    /// announce this as their Receive Maximum; 3.1.1 has no way to, and brokers act on
    /// their own limit silently: measured, Mosquitto 2.0.11 drops QoS 2 publishes beyond
    /// 20 unreleased ones while acknowledging them, and rmqtt 0.24 disconnects after 16.
    pub v311_send_maximum: u16,
}

impl Default for ConnectOptions {
    fn default() -> Self {
        ConnectOptions {
            version: ProtocolVersion::V3_1_1,
            client_id: String::new(),
            clean_start: true,
            keep_alive: Duration::from_secs(30),
            username: None,
            password: None,
            will: None,
            reconnect: ReconnectPolicy::default(),
            offline_queue: QueueLimits::default(),
            max_packet_size: 1024 * 1024,
            connect_timeout: Duration::from_secs(10),
            session_expiry: Duration::ZERO,
            topic_alias_maximum: 16,
            receive_maximum: u16::MAX,
            v311_send_maximum: 10,
        }
    }
}

fn misuse(text: impl Into<String>) -> Error {
    Error::ApiMisuse(text.into())
}

fn check_string(what: &str, s: &str) -> Result<(), Error> {
    if s.len() > 65_535 {
        return Err(misuse(format!("{what} must be at most 65535 bytes long")));
    }
    if s.contains('\0') {
        return Err(misuse(format!(
            "{what} must not contain the null character"
        )));
    }
    Ok(())
}

impl ConnectOptions {
    /// Checks everything the wire format or the spec constrains.
    pub(crate) fn validate(&self) -> Result<(), Error> {
        check_string("the client id", &self.client_id)?;
        let ka = self.keep_alive;
        if ka.subsec_nanos() != 0 || ka.as_secs() > 65_535 {
            return Err(misuse(
                "keep_alive must be whole seconds between 0 and 65535",
            ));
        }
        let se = self.session_expiry;
        if se.subsec_nanos() != 0 || se.as_secs() > u64::from(u32::MAX) {
            return Err(misuse(
                "session_expiry must be whole seconds that fit in 32 bits",
            ));
        }
        let username = self.username.as_deref().filter(|u| !u.is_empty());
        let password = self.password.as_deref().filter(|p| !p.is_empty());
        if let Some(u) = username {
            check_string("the user name", u)?;
        }
        if let Some(p) = password {
            if p.len() > 65_535 {
                return Err(misuse("the password must be at most 65535 bytes long"));
            }
            if username.is_none() && self.version == ProtocolVersion::V3_1_1 {
                return Err(misuse(
                    "MQTT 3.1.1 does not allow a password without a user name",
                ));
            }
        }
        if let Some(will) = &self.will {
            validate_topic_name(&will.topic)
                .map_err(|e| misuse(format!("invalid will topic: {e}")))?;
            if will.payload.len() > 65_535 {
                return Err(misuse("the will payload must be at most 65535 bytes long"));
            }
            let delay = will.delay;
            if delay.subsec_nanos() != 0 || delay.as_secs() > u64::from(u32::MAX) {
                return Err(misuse(
                    "the will delay must be whole seconds that fit in 32 bits",
                ));
            }
            if let Some(topic) = &will.properties.response_topic {
                validate_topic_name(topic)
                    .map_err(|e| misuse(format!("invalid will response topic: {e}")))?;
            }
        }
        if self.reconnect.initial.is_zero() || self.reconnect.max < self.reconnect.initial {
            return Err(misuse("reconnect delays must satisfy 0 < initial <= max"));
        }
        if self.max_packet_size < 16 || self.max_packet_size > 268_435_455 {
            return Err(misuse(
                "max_packet_size must be between 16 and 268435455 bytes",
            ));
        }
        if self.v311_send_maximum == 0 {
            return Err(misuse("v311_send_maximum must be at least 1"));
        }
        if self.receive_maximum == 0 {
            return Err(misuse("receive_maximum must be at least 1"));
        }
        if self.connect_timeout.is_zero() {
            return Err(misuse("connect_timeout must be longer than zero"));
        }
        Ok(())
    }

    /// The user name to send, treating an empty string as none.
    pub(crate) fn effective_username(&self) -> Option<&str> {
        self.username.as_deref().filter(|u| !u.is_empty())
    }

    /// The password to send, treating an empty string as none.
    pub(crate) fn effective_password(&self) -> Option<&str> {
        self.password.as_deref().filter(|p| !p.is_empty())
    }
}
