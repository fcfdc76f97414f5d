//! A sans-IO MQTT 3.1.1 and 5.0 client session for Feedboard.
//!
//! This crate *is* the protocol state machine of an MQTT client: CONNECT/CONNACK,
//! packet-id allocation, QoS 1/2 in-flight state both ways, keep-alive, subscriptions to
//! restore after a reconnect, a bounded offline queue and the reconnect backoff schedule.
//!
//! It *is not* a network client. Like `quinn-proto`, it contains no networking code and
//! does not get any timestamps from the operating system: inputs are method calls with
//! the current [`Instant`] passed in, outputs are polled ([`Session::poll_transmit_into`]
//! or [`Session::poll_transmit`], [`Session::poll_timeout`], [`Session::poll_event`]). It opens no sockets, reads no
//! clock (`std::time::Instant::now()` panics on `wasm32-unknown-unknown`), owns no
//! randomness source (a seed is passed in) and uses no `web-sys`. The browser driver in
//! the app owns the WebSocket and the one timer.
//!
//! It never panics on bytes from the broker: malformed input ends the connection with
//! [`Error::Codec`] and a reconnect. The wire codec (`mqttbytes` 0.6) is confined to one
//! private module; the public API uses this crate's own types.

mod backoff;
mod capabilities;
mod codec;
mod error;
mod event;
mod options;
mod queue;
mod session;
mod subscription;
mod time;
pub mod topic;
mod topic_cache;

pub use capabilities::BrokerCapabilities;
pub use error::Error;
pub use event::{v5_reason_text, Event, Message, MessageProperties, Refusal};
pub use options::{ConnectOptions, ProtocolVersion, QoS, QueueLimits, ReconnectPolicy, Will};
pub use session::{ConnectionState, Session};
pub use subscription::{RetainHandling, Subscription, MAX_SUBSCRIPTION_IDENTIFIER};
pub use time::Instant;

/// Durations are `core::time::Duration`, re-exported for convenience.
pub use core::time::Duration;
