//! A small tokio driver for `mqtt_session::Session` over a real TCP socket: the browser
//! driver's loop (feed bytes, write `poll_transmit`, honour `poll_timeout`, collect
//! events) with the wall clock mapped to `mqtt_session::Instant`.
//!
//! The session only moves while a check waits on its client, so clients are driven
//! one at a time; a broker buffers for whoever is not being driven. Every wait has a
//! deadline, and a connection lost while waiting for something else fails the check at
//! once, with the reason.

use std::collections::VecDeque;
use std::net::SocketAddr;
use std::time::Duration;

use bytes::Bytes;
use mqtt_session::{
    ConnectOptions, ConnectionState, Event, Instant, Message, MessageProperties, QoS, Refusal,
    Session, Subscription,
};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use tokio::time::{sleep_until, timeout, Instant as Clock};

use super::wire::{self, Counts};
use crate::support::DEADLINE;

pub struct Client {
    name: String,
    session: Session,
    addr: SocketAddr,
    socket: Option<TcpStream>,
    /// The session's time zero.
    origin: Clock,
    /// Events the check has not taken yet, oldest first.
    events: VecDeque<Event>,
    /// Packets written, by type.
    pub sent: Counts,
    /// Packets read, by type.
    pub received: Counts,
    /// Send every CONNECT with an empty client id (see [`wire::with_empty_client_id`]).
    empty_client_id: bool,
    connect_pending: bool,
    read_buf: Vec<u8>,
}

impl Client {
    /// Connect to `addr` and wait for the CONNACK; returns the client and the CONNACK's
    /// session present flag.
    pub async fn connect(name: &str, addr: SocketAddr, options: ConnectOptions) -> (Client, bool) {
        Self::connect_as(name, addr, options, false).await
    }

    /// [`Client::connect`], but the CONNECT on the wire carries an empty client id.
    pub async fn connect_with_empty_client_id(
        name: &str,
        addr: SocketAddr,
        options: ConnectOptions,
    ) -> (Client, bool) {
        Self::connect_as(name, addr, options, true).await
    }

    async fn connect_as(
        name: &str,
        addr: SocketAddr,
        options: ConnectOptions,
        empty_client_id: bool,
    ) -> (Client, bool) {
        // The seed only varies jitter and generated ids: derive it from the name, so a
        // failing run can be repeated exactly.
        let seed = name.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
            (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3)
        });
        let mut client = Client {
            name: name.to_string(),
            session: Session::new(seed),
            addr,
            socket: None,
            origin: Clock::now(),
            events: VecDeque::new(),
            sent: Counts::default(),
            received: Counts::default(),
            empty_client_id,
            connect_pending: false,
            read_buf: vec![0; 64 * 1024],
        };
        let now = client.now();
        client
            .session
            .connect(options, now)
            .unwrap_or_else(|e| panic!("{name}: connect refused by the session: {e}"));
        let present = client.wait_connected().await;
        (client, present)
    }

    /// The client id the session uses now (given, generated, or assigned by the broker).
    pub fn client_id(&self) -> String {
        self.session.client_id().unwrap_or_default().to_string()
    }

    pub fn is_connected(&self) -> bool {
        self.session.state() == ConnectionState::Connected
    }

    /// Wait for the next `Connected` event; returns its session present flag.
    pub async fn wait_connected(&mut self) -> bool {
        self.wait_for("CONNACK", |e| match e {
            Event::Connected { session_present } => Some(*session_present),
            _ => None,
        })
        .await
    }

    /// Subscribe in one SUBSCRIBE; returns the SUBACK's result per filter.
    pub async fn subscribe(
        &mut self,
        subscriptions: Vec<Subscription>,
    ) -> Vec<(String, Result<QoS, Refusal>)> {
        let now = self.now();
        let filters: Vec<String> = subscriptions.iter().map(|s| s.filter.clone()).collect();
        self.session
            .subscribe_with_options(now, subscriptions)
            .unwrap_or_else(|e| panic!("{}: cannot subscribe: {e}", self.name));
        self.wait_for(&format!("SUBACK for {filters:?}"), |e| match e {
            Event::Subscribed { results } if results.iter().map(|(f, _)| f).eq(filters.iter()) => {
                Some(results.clone())
            }
            _ => None,
        })
        .await
    }

    /// Subscribe to `filter` at `qos` and insist the broker grants exactly that.
    pub async fn subscribe_granted(&mut self, filter: &str, qos: QoS) {
        let results = self.subscribe(vec![Subscription::new(filter, qos)]).await;
        assert_eq!(
            results,
            [(filter.to_string(), Ok(qos))],
            "{}: SUBACK",
            self.name
        );
    }

    /// Unsubscribe in one UNSUBSCRIBE; returns the filters the broker refused to drop.
    pub async fn unsubscribe(&mut self, filters: &[&str]) -> Vec<(String, Refusal)> {
        let now = self.now();
        let filters: Vec<String> = filters.iter().map(|f| f.to_string()).collect();
        self.session
            .unsubscribe(now, filters.clone())
            .unwrap_or_else(|e| panic!("{}: cannot unsubscribe: {e}", self.name));
        self.wait_for(&format!("UNSUBACK for {filters:?}"), |e| match e {
            Event::Unsubscribed {
                filters: f,
                refused,
            } if *f == filters => Some(refused.clone()),
            _ => None,
        })
        .await
    }

    /// Hand a publish to the session and write what it sends; does not wait for acks.
    /// Returns the packet id of a QoS 1/2 publish.
    pub async fn publish(
        &mut self,
        topic: &str,
        payload: impl Into<Bytes>,
        qos: QoS,
        retain: bool,
        properties: MessageProperties,
    ) -> Option<u16> {
        let now = self.now();
        let id = self
            .session
            .publish_with_properties(now, topic, payload.into(), qos, retain, properties)
            .unwrap_or_else(|e| panic!("{}: cannot publish to {topic}: {e}", self.name));
        self.flush().await;
        id
    }

    /// Publish without properties and wait until the broker has it: PUBACK (QoS 1) or
    /// PUBCOMP (QoS 2). QoS 0 is only written.
    pub async fn publish_confirmed(&mut self, topic: &str, payload: &str, qos: QoS, retain: bool) {
        let payload = Bytes::copy_from_slice(payload.as_bytes());
        let id = self
            .publish(topic, payload, qos, retain, MessageProperties::default())
            .await;
        self.wait_published(id.as_slice()).await;
    }

    /// Wait for one `Published` event per id, in any order.
    pub async fn wait_published(&mut self, ids: &[u16]) {
        for &id in ids {
            self.wait_for(&format!("PUBACK/PUBCOMP for packet {id}"), |e| match e {
                Event::Published { packet_id, .. } if *packet_id == id => Some(()),
                Event::PublishRefused {
                    packet_id, reason, ..
                } if *packet_id == Some(id) => {
                    panic!("publish {id} refused by the broker: {reason}")
                }
                _ => None,
            })
            .await;
        }
    }

    /// The next message on `topic`.
    pub async fn next_message(&mut self, topic: &str) -> Message {
        self.wait_for(&format!("a message on {topic}"), |e| match e {
            Event::Message(m) if &*m.topic == topic => Some(m.clone()),
            _ => None,
        })
        .await
    }

    /// Every message on `topic`, in arrival order, up to and including the first whose
    /// payload is `last`; waits for that one.
    pub async fn messages_until(&mut self, topic: &str, last: &str) -> Vec<Message> {
        self.messages_until_all(topic, &[last]).await
    }

    /// Every message on `topic`, in arrival order, up to the point where a message with
    /// each payload in `lasts` has arrived (in any order); waits for them all.
    pub async fn messages_until_all(&mut self, topic: &str, lasts: &[&str]) -> Vec<Message> {
        let on_topic = |e: &Event| match e {
            Event::Message(m) if &*m.topic == topic => Some(m.payload.clone()),
            _ => None,
        };
        self.wait_until(&format!("{lasts:?} on {topic}"), |events| {
            let arrived: Vec<Bytes> = events.iter().filter_map(on_topic).collect();
            lasts
                .iter()
                .all(|last| arrived.iter().any(|p| p == last.as_bytes()))
        })
        .await;
        let mut messages = Vec::new();
        let mut missing: Vec<&str> = lasts.to_vec();
        let mut rest = VecDeque::new();
        for event in self.events.drain(..) {
            match event {
                Event::Message(m) if !missing.is_empty() && &*m.topic == topic => {
                    missing.retain(|last| m.payload != last.as_bytes());
                    messages.push(m);
                }
                other => rest.push_back(other),
            }
        }
        self.events = rest;
        messages
    }

    /// Messages on `topic` that have arrived and were not taken, without waiting.
    pub fn messages_received(&mut self, topic: &str) -> Vec<Message> {
        let mut messages = Vec::new();
        self.events.retain(|e| match e {
            Event::Message(m) if &*m.topic == topic => {
                messages.push(m.clone());
                false
            }
            _ => true,
        });
        messages
    }

    /// Keep driving the session for `period` (a window to measure, e.g. keep-alive over
    /// idle time); fails if the connection is lost meanwhile.
    pub async fn stay_connected_for(&mut self, period: Duration) {
        let until = Clock::now() + period;
        while self.turn(until).await {
            self.fail_on_loss("staying connected");
        }
        self.fail_on_loss("staying connected");
    }

    /// Send DISCONNECT, close our side, and wait until the broker has closed its side too
    /// (so it has dealt with the DISCONNECT before the check goes on).
    pub async fn disconnect(mut self) {
        let now = self.now();
        self.session.disconnect(now);
        self.flush().await;
        let mut socket = self
            .socket
            .take()
            .unwrap_or_else(|| panic!("{}: disconnect without a connection", self.name));
        let _ = socket.shutdown().await;
        let mut buf = [0u8; 1024];
        let closed = timeout(DEADLINE, async {
            while let Ok(n) = socket.read(&mut buf).await {
                if n == 0 {
                    return;
                }
            }
        })
        .await;
        assert!(
            closed.is_ok(),
            "{}: the broker kept the connection open {DEADLINE:?} after DISCONNECT",
            self.name
        );
    }

    /// Close the TCP connection without DISCONNECT, as a crash or a lost network would.
    pub fn drop_connection(self) {
        // Dropping the socket closes it; the session goes with it.
    }

    /// Wait until an event `pick` accepts has arrived; take it out and return what
    /// `pick` made of it.
    pub async fn wait_for<T>(
        &mut self,
        what: &str,
        mut pick: impl FnMut(&Event) -> Option<T>,
    ) -> T {
        let until = Clock::now() + DEADLINE;
        loop {
            let found = self
                .events
                .iter()
                .enumerate()
                .find_map(|(i, e)| pick(e).map(|value| (i, value)));
            if let Some((i, value)) = found {
                self.events.remove(i);
                return value;
            }
            self.fail_on_loss(what);
            if !self.turn(until).await {
                panic!(
                    "{}: no {what} within {DEADLINE:?}; not taken: {}",
                    self.name,
                    self.describe_events()
                );
            }
        }
    }

    /// Wait until the events not taken yet satisfy `done`.
    async fn wait_until(&mut self, what: &str, done: impl Fn(&VecDeque<Event>) -> bool) {
        let until = Clock::now() + DEADLINE;
        while !done(&self.events) {
            self.fail_on_loss(what);
            if !self.turn(until).await {
                panic!(
                    "{}: no {what} within {DEADLINE:?}; not taken: {}",
                    self.name,
                    self.describe_events()
                );
            }
        }
    }

    fn fail_on_loss(&self, what: &str) {
        if let Some(Event::ConnectionLost { reason }) = self
            .events
            .iter()
            .find(|e| matches!(e, Event::ConnectionLost { .. }))
        {
            panic!("{}: connection lost while {what}: {reason}", self.name);
        }
    }

    /// The events not taken, shortened for a failure message: messages as
    /// `topic=payload`, at most the first 40 events.
    fn describe_events(&self) -> String {
        let shown: Vec<String> = self
            .events
            .iter()
            .take(40)
            .map(|e| match e {
                Event::Message(m) => format!(
                    "{}={:?}{}",
                    m.topic,
                    String::from_utf8_lossy(&m.payload),
                    if m.dup { " (dup)" } else { "" }
                ),
                other => format!("{other:?}"),
            })
            .collect();
        let more = self.events.len().saturating_sub(shown.len());
        let more = if more > 0 {
            format!(" and {more} more")
        } else {
            String::new()
        };
        format!("[{}]{more}", shown.join(", "))
    }

    fn now(&self) -> Instant {
        Instant::from_millis(u64::try_from(self.origin.elapsed().as_millis()).unwrap_or(u64::MAX))
    }

    /// One turn of the loop: react to what the session has to say, then wait for bytes,
    /// the session's timer, or `until` (then returns false).
    async fn turn(&mut self, until: Clock) -> bool {
        self.flush().await;
        let timer = self
            .session
            .poll_timeout()
            .map(|t| self.origin + Duration::from_millis(t.as_millis()));
        enum Woke {
            Read(std::io::Result<usize>),
            Timer,
            Deadline,
        }
        let woke = {
            let read = async {
                match self.socket.as_mut() {
                    Some(socket) => socket.read(&mut self.read_buf).await,
                    None => std::future::pending().await,
                }
            };
            let timer = async {
                match timer {
                    Some(at) => sleep_until(at).await,
                    None => std::future::pending().await,
                }
            };
            tokio::select! {
                read = read => Woke::Read(read),
                () = timer => Woke::Timer,
                () = sleep_until(until) => Woke::Deadline,
            }
        };
        let now = self.now();
        match woke {
            Woke::Read(Ok(0)) => self.lost(now, "the broker closed the connection".into()),
            Woke::Read(Ok(n)) => {
                self.received.record(&self.read_buf[..n]);
                self.session.handle_bytes(now, &self.read_buf[..n]);
            }
            Woke::Read(Err(e)) => self.lost(now, format!("read failed: {e}")),
            Woke::Timer => self.session.handle_timeout(now),
            Woke::Deadline => return false,
        }
        self.flush().await;
        true
    }

    /// Drain events (opening a socket when asked), then write what is to be sent; again
    /// until the session has nothing more to say.
    async fn flush(&mut self) {
        loop {
            let mut busy = false;
            while let Some(event) = self.session.poll_event() {
                busy = true;
                match &event {
                    Event::TransportRequested => self.open().await,
                    // The session has given up on this connection: close it.
                    Event::ConnectionLost { .. } => self.socket = None,
                    _ => {}
                }
                self.events.push_back(event);
            }
            if let Some(bytes) = self.session.poll_transmit() {
                busy = true;
                self.write(bytes).await;
            }
            if !busy {
                return;
            }
        }
    }

    async fn open(&mut self) {
        let connected = timeout(DEADLINE, TcpStream::connect(self.addr)).await;
        let now = self.now();
        match connected {
            Ok(Ok(socket)) => {
                let _ = socket.set_nodelay(true);
                self.socket = Some(socket);
                self.connect_pending = self.empty_client_id;
                self.session.handle_transport_open(now);
            }
            Ok(Err(e)) => self.lost(now, format!("cannot connect to {}: {e}", self.addr)),
            Err(_) => self.lost(now, format!("no TCP connection to {} in time", self.addr)),
        }
    }

    async fn write(&mut self, mut bytes: Vec<u8>) {
        if std::mem::take(&mut self.connect_pending) {
            bytes = wire::with_empty_client_id(&bytes);
        }
        let Some(socket) = self.socket.as_mut() else {
            return;
        };
        self.sent.record(&bytes);
        if let Err(e) = socket.write_all(&bytes).await {
            let now = self.now();
            self.lost(now, format!("write failed: {e}"));
        }
    }

    fn lost(&mut self, now: Instant, reason: String) {
        self.socket = None;
        self.session.connection_lost(now, reason);
    }
}
