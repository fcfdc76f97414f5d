//! The session state machine: [`Session`] and [`ConnectionState`].

mod aliases;
mod incoming;
mod inflight;
mod subscriptions;

use std::collections::{BTreeMap, BTreeSet, VecDeque};

use bytes::Bytes;
use core::time::Duration;

use crate::backoff::{Backoff, Rng};
use crate::capabilities::BrokerCapabilities;
use crate::codec::{self, DecodeError, Decoder, Outgoing};
use crate::error::Error;
use crate::event::{Event, MessageProperties, Refusal};
use crate::options::{ConnectOptions, ProtocolVersion, QoS};
use crate::queue::{OfflineQueue, QueuedPublish};
use crate::subscription::Subscription;
use crate::time::Instant;
use crate::topic::validate_topic_name;
use aliases::{InboundAliases, OutboundAliases};
use inflight::{InFlight, Outbound, PacketIds, Stage};
use subscriptions::Slot;

/// The largest remaining length MQTT can encode.
const MAX_REMAINING_LENGTH: usize = 268_435_455;

/// A transmit buffer that grew past this is freed once drained by `poll_transmit_into`.
const TRANSMIT_KEEP: usize = 64 * 1024;

/// Where the session is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ConnectionState {
    /// `connect` was never called.
    Idle,
    /// [`Event::TransportRequested`] was emitted; waiting for `handle_transport_open`.
    WaitingForTransport,
    /// CONNECT sent; waiting for CONNACK.
    Connecting,
    /// CONNACK accepted; traffic flows.
    Connected,
    /// The connection was lost; a reconnect is scheduled at `poll_timeout`.
    ReconnectWait,
    /// Stopped by `disconnect` or by a refusal that retrying cannot fix.
    Disconnected,
}

/// The small timer table; `poll_timeout` reports the earliest entry.
#[derive(Debug, Default, Clone, Copy)]
struct Timers {
    /// CONNACK deadline.
    connack: Option<Instant>,
    /// When to send PINGREQ (keep-alive after the last packet sent).
    ping: Option<Instant>,
    /// PINGRESP deadline.
    pingresp: Option<Instant>,
    /// When to request a new transport.
    reconnect: Option<Instant>,
}

impl Timers {
    fn earliest(&self) -> Option<Instant> {
        [self.connack, self.ping, self.pingresp, self.reconnect]
            .into_iter()
            .flatten()
            .min()
    }
}

/// A sans-IO MQTT client session.
///
/// # How a driver calls it
///
/// 1. `Session::new(seed)`, then `connect(options, now)`.
/// 2. On any input — `handle_bytes`, `handle_timeout`, `handle_transport_open`,
///    `connection_lost`, or a command (`subscribe`, `publish`, ...) — then:
/// 3. drain [`poll_event`](Session::poll_event) until `None`, reacting to
///    [`Event::TransportRequested`] (open a WebSocket, then call `handle_transport_open`)
///    and [`Event::ConnectionLost`] / [`Event::Disconnected`] (close the socket after
///    sending what `poll_transmit` still holds, and do not report that close back);
/// 4. then [`poll_transmit_into`](Session::poll_transmit_into) once into the driver's
///    outbox, and one `ws.send` of it (everything pending is coalesced; the older
///    [`poll_transmit`](Session::poll_transmit) returns the same bytes in a new `Vec`);
/// 5. then re-arm the one timer at [`poll_timeout`](Session::poll_timeout), calling
///    `handle_timeout(now)` when it fires.
///
/// # Behaviour worth knowing
///
/// - **Keep-alive**: PINGREQ when nothing was sent for `keep_alive`; if no PINGRESP comes
///   within `keep_alive / 2` clamped to 5..=30 s, the connection is lost with
///   [`Error::KeepAliveTimeout`] and a reconnect is scheduled.
/// - **Reconnect**: after any loss the session waits `initial * 2^n` (capped at `max`,
///   with "equal jitter": uniform in `[d/2, d]`), then emits `TransportRequested`, forever.
///   The count resets on an accepted CONNACK. It does *not* reconnect after a CONNACK
///   refusal retrying cannot fix — bad user name or password, not authorized, banned, bad
///   authentication method, unsupported protocol version, client identifier not valid —
///   it emits `ConnectionLost { BrokerRefused }` then `Disconnected` and stops. Server
///   unavailable, busy and every other refusal or loss is retried.
/// - **Resumed session** (`session_present`): unacknowledged QoS 1/2 publishes are
///   retransmitted with DUP set, PUBRELs re-sent, unanswered (UN)SUBSCRIBEs re-sent.
/// - **Session not resumed**: the new session knows nothing, so unacknowledged publishes
///   are sent again as new messages (DUP clear, same packet id) — at-least-once is kept;
///   QoS 2 publishes the broker had already received (PUBREC seen) are dropped from the
///   in-flight table and reported as [`Event::Published`]; every remembered subscription
///   is sent again in one SUBSCRIBE, and unanswered UNSUBSCRIBEs are reported as done.
/// - **Offline queue**: publishes made while not connected, or beyond the broker's receive
///   maximum, wait in a bounded FIFO and go out after the next CONNACK, after
///   retransmissions. When full, `publish` returns [`Error::QueueFull`].
/// - **Subscriptions** are remembered; a filter the broker refuses is forgotten, and one
///   it refuses to unsubscribe (v5 UNSUBACK reason >= 0x80) stays remembered.
/// - **v5 server DISCONNECT**: reconnects like any loss, except reason 0x8E "session
///   taken over" (another client connected with our client id): then it emits
///   `ConnectionLost { SessionTakenOver }` and `Disconnected` and stops, because
///   reconnecting would take the session back and the two clients would fight forever.
/// - **v5 inbound topic aliases** up to [`ConnectOptions::topic_alias_maximum`] are
///   resolved per connection and forgotten on reconnect; alias 0, an alias above the
///   maximum or one never bound closes the connection as [`Error::BrokerMisbehaved`].
///   Outbound, when the CONNACK allows aliases, each topic longer than 3 bytes gets the
///   next free alias (no eviction once all are used) and later publishes to it leave the
///   topic out; retransmissions after a reconnect always name their topic.
/// - **v5 capabilities** declared in CONNACK (Maximum QoS, Retain Available, Wildcard,
///   Shared and Subscription Identifier availability; see [`BrokerCapabilities`]) hold
///   for that connection, and nothing they rule out is sent: `publish` fails with
///   [`Error::QosNotSupported`] / [`Error::RetainNotSupported`] (never a silent
///   downgrade); queued or in-flight publishes are reported as [`Event::PublishRefused`]
///   (0x9B, 0x9A); unsupported filters are answered in [`Event::Subscribed`] (0xA2,
///   0x9E, 0xA1) while the rest of the SUBSCRIBE goes out. The refusal texts say
///   "refused locally".
/// - **v5 limits**: the broker's server keep-alive replaces ours; a publish larger than
///   the broker's maximum packet size is refused by `publish`; more unreleased inbound
///   QoS 2 messages than [`ConnectOptions::receive_maximum`] is a broker violation.
/// - Unexpected acks (unknown packet id) are ignored, as rumqttc's "unsolicited" acks.
/// - Bytes that are not MQTT end the connection with [`Error::Codec`], never a panic.
#[derive(Debug)]
pub struct Session {
    rng: Rng,
    state: ConnectionState,
    options: ConnectOptions,
    /// The id used on the wire: the user's, a generated one, or the broker's assignment.
    client_id: Option<String>,
    decoder: Decoder,
    transmit: Vec<u8>,
    events: VecDeque<Event>,
    timers: Timers,
    backoff: Backoff,
    ids: PacketIds,
    outbound: Outbound,
    /// Inbound QoS 2 ids delivered and awaiting PUBREL (so a duplicate is not delivered).
    inbound_qos2: BTreeSet<u16>,
    queue: OfflineQueue,
    subscriptions: Vec<Subscription>,
    /// Made while offline: needed on a resumed session (otherwise all are re-sent).
    unsent_subscribes: Vec<Subscription>,
    unsent_unsubscribes: Vec<String>,
    /// Unanswered SUBSCRIBEs: every filter of the request, sent or refused locally.
    pending_subscribes: BTreeMap<u16, Vec<Slot>>,
    pending_unsubscribes: BTreeMap<u16, Vec<String>>,
    /// Subscriptions `unsubscribe` forgot whose UNSUBACK has not come: remembered again if
    /// the broker refuses to unsubscribe (it still has them).
    unsubscribing: BTreeMap<String, Subscription>,
    /// Effective keep-alive (the broker's "server keep alive" wins on v5).
    keep_alive: Duration,
    receive_maximum: usize,
    server_max_packet: Option<usize>,
    /// Inbound v5 topic aliases of the current connection.
    aliases: InboundAliases,
    /// Outbound v5 topic aliases of the current connection.
    outbound_aliases: OutboundAliases,
    /// What the broker declared it supports in this connection's CONNACK; `None` while
    /// not connected, when nothing is known.
    capabilities: Option<BrokerCapabilities>,
}

fn misuse(text: impl Into<String>) -> Error {
    Error::ApiMisuse(text.into())
}

fn refusal_is_final(version: ProtocolVersion, code: u8) -> bool {
    match version {
        ProtocolVersion::V3_1_1 => matches!(code, 1 | 2 | 4 | 5),
        ProtocolVersion::V5 => matches!(code, 0x84 | 0x85 | 0x86 | 0x87 | 0x8A | 0x8C),
    }
}

impl Session {
    /// A new idle session. `seed` feeds the internal PRNG (reconnect jitter, generated
    /// client ids); pass something random, e.g. from `Math.random()`.
    pub fn new(seed: u64) -> Self {
        Session {
            rng: Rng::new(seed),
            state: ConnectionState::Idle,
            options: ConnectOptions::default(),
            client_id: None,
            decoder: Decoder::default(),
            transmit: Vec::new(),
            events: VecDeque::new(),
            timers: Timers::default(),
            backoff: Backoff::default(),
            ids: PacketIds::default(),
            outbound: Outbound::default(),
            inbound_qos2: BTreeSet::new(),
            queue: OfflineQueue::default(),
            subscriptions: Vec::new(),
            unsent_subscribes: Vec::new(),
            unsent_unsubscribes: Vec::new(),
            pending_subscribes: BTreeMap::new(),
            pending_unsubscribes: BTreeMap::new(),
            unsubscribing: BTreeMap::new(),
            keep_alive: Duration::ZERO,
            receive_maximum: 65_535,
            server_max_packet: None,
            aliases: InboundAliases::default(),
            outbound_aliases: OutboundAliases::default(),
            capabilities: None,
        }
    }

    /// The user asked to connect: remembers the options and emits
    /// [`Event::TransportRequested`]. Fails with [`Error::ApiMisuse`] on invalid options
    /// or when already connected or connecting (call `disconnect` first).
    ///
    /// With an empty `client_id` the session generates `feedboard-<12 hex>` once and
    /// reuses it for every later connect, so a stored session can be resumed.
    pub fn connect(&mut self, options: ConnectOptions, _now: Instant) -> Result<(), Error> {
        if !matches!(
            self.state,
            ConnectionState::Idle | ConnectionState::Disconnected
        ) {
            return Err(misuse(
                "connect called while already connected or connecting; call disconnect first",
            ));
        }
        options.validate()?;
        self.client_id = if options.client_id.is_empty() {
            match self.client_id.take() {
                Some(id) if id.starts_with("feedboard-") => Some(id),
                _ => Some(self.rng.client_id()),
            }
        } else {
            Some(options.client_id.clone())
        };
        self.options = options;
        self.backoff.reset();
        self.request_transport();
        Ok(())
    }

    /// The client id in use (generated, given, or assigned by a v5 broker); `None` before
    /// the first `connect`.
    pub fn client_id(&self) -> Option<&str> {
        self.client_id.as_deref()
    }

    /// The driver's socket opened: queues CONNECT and arms the CONNACK timeout. Ignored
    /// unless the session is waiting for a transport.
    pub fn handle_transport_open(&mut self, now: Instant) {
        if self.state != ConnectionState::WaitingForTransport {
            return;
        }
        self.decoder.clear();
        self.transmit.clear();
        self.aliases.clear();
        self.state = ConnectionState::Connecting;
        let client_id = self.client_id.clone().unwrap_or_default();
        let options = self.options.clone();
        self.send(
            now,
            Outgoing::Connect {
                options: &options,
                client_id: &client_id,
            },
        );
        self.timers.connack = Some(now + self.options.connect_timeout);
    }

    /// Bytes from the broker, in any chunking: a frame may hold part of a packet or
    /// several. Ignored when no transport is open.
    pub fn handle_bytes(&mut self, now: Instant, bytes: &[u8]) {
        if !self.transport_open() {
            return;
        }
        let mut input = bytes;
        while self.transport_open() {
            match self.decoder.next(
                &mut input,
                self.options.version,
                self.options.max_packet_size,
            ) {
                Ok(Some(packet)) => self.handle_packet(now, packet),
                Ok(None) => break,
                Err(DecodeError::Malformed(text)) => self.lose(now, Error::Codec(text)),
                Err(DecodeError::NotFromServer(text)) => {
                    self.lose(now, Error::BrokerMisbehaved(text))
                }
            }
        }
    }

    /// Time passed: fires every timer due at `now` (reconnect, CONNACK timeout, PINGRESP
    /// timeout, keep-alive ping). Call it when the timer armed at `poll_timeout` fires;
    /// calling it early is harmless.
    pub fn handle_timeout(&mut self, now: Instant) {
        let due = |t: Option<Instant>| t.is_some_and(|t| t <= now);
        if due(self.timers.reconnect) {
            self.timers.reconnect = None;
            if self.state == ConnectionState::ReconnectWait {
                self.request_transport();
            }
        }
        if due(self.timers.connack) {
            self.timers.connack = None;
            if self.state == ConnectionState::Connecting {
                self.lose(now, Error::ConnackTimeout);
            }
        }
        if due(self.timers.pingresp) {
            self.timers.pingresp = None;
            if self.state == ConnectionState::Connected {
                self.lose(now, Error::KeepAliveTimeout);
            }
        }
        if due(self.timers.ping) && self.state == ConnectionState::Connected {
            self.send(now, Outgoing::PingReq);
            // A keep-alive shorter than the PINGRESP bound sends more pings meanwhile;
            // they must not push the first one's deadline back.
            if self.timers.pingresp.is_none() {
                let bound =
                    (self.keep_alive / 2).clamp(Duration::from_secs(5), Duration::from_secs(30));
                self.timers.pingresp = Some(now + bound);
            }
        }
    }

    /// The socket closed or failed (`reason` from the driver). Emits
    /// [`Event::ConnectionLost`] and schedules a reconnect ([`Event::ReconnectScheduled`]).
    /// Ignored when no transport was open or requested (e.g. after `disconnect`, or after
    /// the session itself declared the loss).
    pub fn connection_lost(&mut self, now: Instant, reason: String) {
        if self.transport_open() || self.state == ConnectionState::WaitingForTransport {
            self.lose(now, Error::Transport(reason));
        }
    }

    /// Publishes at QoS 0, 1 or 2; returns the packet id for QoS 1/2 (reported back in
    /// [`Event::Published`] or [`Event::PublishRefused`]). The topic is validated
    /// ([`Error::ApiMisuse`]). While connected to a v5 broker that declared a lower
    /// Maximum QoS or no retained messages, it fails with [`Error::QosNotSupported`] or
    /// [`Error::RetainNotSupported`] and nothing is sent. When not connected — or when the
    /// broker's receive maximum is reached — the publish waits in the bounded offline
    /// queue; if that is full it is refused with [`Error::QueueFull`], never dropped
    /// silently. A queued publish the next broker declares unsupported is reported as
    /// [`Event::PublishRefused`] instead of being sent.
    pub fn publish(
        &mut self,
        now: Instant,
        topic: &str,
        payload: Bytes,
        qos: QoS,
        retain: bool,
    ) -> Result<Option<u16>, Error> {
        self.publish_with_properties(
            now,
            topic,
            payload,
            qos,
            retain,
            MessageProperties::default(),
        )
    }

    /// [`publish`](Session::publish) with MQTT 5 properties (content type, response topic,
    /// correlation data, user properties, message expiry). Over 3.1.1 the properties are
    /// not sent.
    pub fn publish_with_properties(
        &mut self,
        now: Instant,
        topic: &str,
        payload: Bytes,
        qos: QoS,
        retain: bool,
        properties: MessageProperties,
    ) -> Result<Option<u16>, Error> {
        validate_topic_name(topic)
            .map_err(|e| misuse(format!("invalid topic name {topic:?}: {e}")))?;
        if let Some(capabilities) = &self.capabilities {
            capabilities.check_publish(qos, retain)?;
        }
        let size =
            codec::publish_size(self.options.version, topic, payload.len(), qos, &properties);
        if size > MAX_REMAINING_LENGTH {
            return Err(misuse(format!(
                "a publish of {size} bytes is larger than MQTT allows"
            )));
        }
        if let Some(max) = self.server_max_packet.filter(|m| size > *m) {
            return Err(misuse(format!(
                "a publish of {size} bytes exceeds the broker's maximum packet size of {max}"
            )));
        }
        let send_now =
            self.state == ConnectionState::Connected && self.queue.is_empty() && self.has_slot(qos);
        if !send_now {
            self.queue.check_room(
                &self.options.offline_queue,
                topic.len().saturating_add(payload.len()),
            )?;
        }
        let packet_id = match qos {
            QoS::AtMostOnce => None,
            _ => Some(self.ids.allocate().ok_or(Error::QueueFull {
                max_messages: self.options.offline_queue.max_messages,
                max_bytes: self.options.offline_queue.max_bytes,
            })?),
        };
        let item = QueuedPublish {
            packet_id,
            topic: topic.to_owned(),
            payload,
            qos,
            retain,
            properties,
        };
        if send_now {
            self.send_publish(now, item);
        } else if let Err(e) = self.queue.push(&self.options.offline_queue, item) {
            if let Some(id) = packet_id {
                self.ids.free(id);
            }
            return Err(e);
        }
        Ok(packet_id)
    }

    /// Sends DISCONNECT (when connected) and stops reconnecting; emits
    /// [`Event::Disconnected`]. The driver sends what `poll_transmit` holds, then closes
    /// the socket. In-flight and queued publishes are kept for a later `connect`.
    pub fn disconnect(&mut self, now: Instant) {
        match self.state {
            ConnectionState::Idle | ConnectionState::Disconnected => return,
            ConnectionState::Connected => self.send(now, Outgoing::Disconnect),
            _ => self.transmit.clear(),
        }
        self.stop();
    }

    /// All bytes waiting to be sent, coalesced into one buffer; `None` when there are none.
    ///
    /// Each call hands over a new `Vec`; a driver that sends often (an ack per message
    /// received) should use [`poll_transmit_into`](Session::poll_transmit_into) instead.
    pub fn poll_transmit(&mut self) -> Option<Vec<u8>> {
        if self.transmit.is_empty() {
            None
        } else {
            Some(core::mem::take(&mut self.transmit))
        }
    }

    /// Appends all bytes waiting to be sent to `out` and returns how many (0: nothing to
    /// send). The same bytes, in the same order, as [`poll_transmit`](Session::poll_transmit)
    /// would return, but nothing is allocated per call: the driver keeps one outbox,
    /// sends it and clears it, and the session keeps its own buffer for the next packets.
    ///
    /// ```
    /// # use mqtt_session::{ConnectOptions, Instant, Session};
    /// # let now = Instant::from_millis(0);
    /// # let mut session = Session::new(1);
    /// # session.connect(ConnectOptions { client_id: "doc".into(), ..Default::default() }, now).unwrap();
    /// # session.handle_transport_open(now);
    /// let mut outbox: Vec<u8> = Vec::new();
    /// while let Some(_event) = session.poll_event() { /* ... */ }
    /// if session.poll_transmit_into(&mut outbox) > 0 {
    ///     // ws.send_with_u8_array(&outbox); outbox.clear();
    /// }
    /// assert_eq!(outbox[0], 0x10); // CONNECT
    /// ```
    pub fn poll_transmit_into(&mut self, out: &mut Vec<u8>) -> usize {
        let sent = self.transmit.len();
        out.extend_from_slice(&self.transmit);
        self.transmit.clear();
        if self.transmit.capacity() > TRANSMIT_KEEP {
            // One large publish should not pin its size for the session's lifetime.
            self.transmit = Vec::new();
        }
        sent
    }

    /// When `handle_timeout` should next be called: the earliest of keep-alive ping,
    /// PINGRESP deadline, CONNACK deadline and reconnect time. `None`: no timer needed.
    pub fn poll_timeout(&self) -> Option<Instant> {
        self.timers.earliest()
    }

    /// The next event, oldest first.
    pub fn poll_event(&mut self) -> Option<Event> {
        self.events.pop_front()
    }

    /// Where the session is now.
    pub fn state(&self) -> ConnectionState {
        self.state
    }

    /// How many publishes wait in the offline queue.
    pub fn queued_publishes(&self) -> usize {
        self.queue.len()
    }

    /// What the broker declared it supports in the CONNACK of the current connection
    /// (everything, over 3.1.1); `None` while not connected. `publish` and `subscribe`
    /// hold to it, so the app can show why something was refused before it was sent.
    pub fn broker_capabilities(&self) -> Option<&BrokerCapabilities> {
        self.capabilities.as_ref()
    }

    fn transport_open(&self) -> bool {
        matches!(
            self.state,
            ConnectionState::Connecting | ConnectionState::Connected
        )
    }

    fn has_slot(&self, qos: QoS) -> bool {
        qos == QoS::AtMostOnce || self.outbound.len() < self.receive_maximum
    }

    fn request_transport(&mut self) {
        self.state = ConnectionState::WaitingForTransport;
        self.timers = Timers::default();
        self.events.push_back(Event::TransportRequested);
    }

    fn stop(&mut self) {
        self.state = ConnectionState::Disconnected;
        self.capabilities = None;
        self.timers = Timers::default();
        self.decoder.clear();
        self.events.push_back(Event::Disconnected);
    }

    /// Encodes `packet` into the transmit buffer and restarts the keep-alive clock.
    fn send(&mut self, now: Instant, packet: Outgoing<'_>) {
        if let Err(text) = codec::encode(self.options.version, packet, &mut self.transmit) {
            // Only reachable through values validated before; say so rather than panic.
            self.events.push_back(Event::ConnectionLost {
                reason: misuse(text),
            });
            return;
        }
        if self.state == ConnectionState::Connected && !self.keep_alive.is_zero() {
            self.timers.ping = Some(now + self.keep_alive);
        }
    }

    fn send_publish(&mut self, now: Instant, item: QueuedPublish) {
        let QueuedPublish {
            packet_id,
            topic,
            payload,
            qos,
            retain,
            properties,
        } = item;
        let id = packet_id.unwrap_or(0);
        let alias = match self.options.version {
            ProtocolVersion::V3_1_1 => None,
            ProtocolVersion::V5 => {
                let size = codec::publish_size(
                    ProtocolVersion::V5,
                    &topic,
                    payload.len(),
                    qos,
                    &properties,
                );
                // Binding an alias adds 3 bytes; never let that pass the broker's maximum.
                let may_bind = self.server_max_packet.is_none_or(|max| size + 3 <= max);
                self.outbound_aliases.for_topic(&topic, may_bind)
            }
        };
        let wire_topic = match alias {
            Some((_, true)) => "",
            _ => topic.as_str(),
        };
        let packet = Outgoing::Publish {
            topic: wire_topic,
            topic_alias: alias.map(|(a, _)| a),
            payload: &payload,
            qos,
            retain,
            dup: false,
            packet_id: id,
            properties: &properties,
        };
        self.send(now, packet);
        if qos != QoS::AtMostOnce {
            let entry = InFlight {
                seq: 0,
                topic,
                payload,
                qos,
                retain,
                properties,
                stage: Stage::Sent,
            };
            self.outbound.insert(id, entry);
        }
    }

    /// Sends queued publishes while the broker's receive maximum allows, in order. One the
    /// broker declared unsupported is refused instead (it needs no slot).
    fn drain_queue(&mut self, now: Instant) {
        while self.state == ConnectionState::Connected {
            let Some(front) = self.queue.front() else {
                break;
            };
            let refusal = self.publish_refusal(front.qos, front.retain);
            if refusal.is_none() && !self.has_slot(front.qos) {
                break;
            }
            let Some(item) = self.queue.pop_front() else {
                break;
            };
            match refusal {
                Some(reason) => self.refuse_locally(item.packet_id, item.topic, reason),
                None => self.send_publish(now, item),
            }
        }
    }

    /// The refusal the current broker would answer a publish made before its CONNACK with.
    fn publish_refusal(&self, qos: QoS, retain: bool) -> Option<Refusal> {
        self.capabilities
            .and_then(|c| c.publish_refusal(qos, retain))
    }

    /// Reports a publish that is not sent because the broker declared it unsupported, and
    /// frees its packet id: dropping it silently would leave the app waiting for an ack.
    fn refuse_locally(&mut self, packet_id: Option<u16>, topic: String, reason: Refusal) {
        if let Some(id) = packet_id {
            self.ids.free(id);
        }
        self.events.push_back(Event::PublishRefused {
            packet_id,
            topic,
            reason,
        });
    }

    /// The connection is gone: report it, then schedule a reconnect.
    fn lose(&mut self, now: Instant, reason: Error) {
        self.capabilities = None;
        self.decoder.clear();
        self.transmit.clear();
        self.timers = Timers::default();
        self.events.push_back(Event::ConnectionLost { reason });
        let after = self
            .backoff
            .next_delay(&self.options.reconnect, &mut self.rng);
        self.timers.reconnect = Some(now + after);
        self.state = ConnectionState::ReconnectWait;
        self.events.push_back(Event::ReconnectScheduled { after });
    }
}
