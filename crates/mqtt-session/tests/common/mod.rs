//! A scripted broker and a fake clock for driving a `Session` in memory.
#![allow(dead_code)]

use bytes::{Bytes, BytesMut};
use mqtt_session::{ConnectOptions, Event, Instant, ProtocolVersion, Session};
use mqttbytes::{v4, v5};

/// A packet the client sent, the same shape for both protocol versions.
#[derive(Debug, Clone, PartialEq)]
pub enum Sent {
    Connect {
        level: u8,
        client_id: String,
        keep_alive: u16,
        clean: bool,
        username: Option<String>,
        password: Option<String>,
        will_topic: Option<String>,
    },
    Publish {
        topic: String,
        payload: Bytes,
        qos: u8,
        retain: bool,
        dup: bool,
        pkid: u16,
    },
    PubAck(u16),
    PubRec(u16),
    PubRel(u16),
    PubComp(u16),
    Subscribe {
        pkid: u16,
        filters: Vec<(String, u8)>,
    },
    Unsubscribe {
        pkid: u16,
        filters: Vec<String>,
    },
    PingReq,
    Disconnect,
}

pub fn decode_client(version: ProtocolVersion, bytes: &[u8]) -> Vec<Sent> {
    let mut buf = BytesMut::from(bytes);
    let mut out = Vec::new();
    while !buf.is_empty() {
        if version == ProtocolVersion::V5 && buf.len() >= 2 && buf[0] == 0xE0 && buf[1] == 0x00 {
            // mqttbytes cannot read its own short v5 DISCONNECT.
            let _ = buf.split_to(2);
            out.push(Sent::Disconnect);
            continue;
        }
        let sent = match version {
            ProtocolVersion::V3_1_1 => {
                match v4::read(&mut buf, usize::MAX).expect("client sent valid 3.1.1") {
                    v4::Packet::Connect(c) => Sent::Connect {
                        level: 4,
                        client_id: c.client_id,
                        keep_alive: c.keep_alive,
                        clean: c.clean_session,
                        username: c
                            .login
                            .as_ref()
                            .map(|l| l.username.clone())
                            .filter(|u| !u.is_empty()),
                        password: c
                            .login
                            .as_ref()
                            .map(|l| l.password.clone())
                            .filter(|p| !p.is_empty()),
                        will_topic: c.last_will.map(|w| w.topic),
                    },
                    v4::Packet::Publish(p) => Sent::Publish {
                        topic: p.topic,
                        payload: p.payload,
                        qos: p.qos as u8,
                        retain: p.retain,
                        dup: p.dup,
                        pkid: p.pkid,
                    },
                    v4::Packet::PubAck(a) => Sent::PubAck(a.pkid),
                    v4::Packet::PubRec(a) => Sent::PubRec(a.pkid),
                    v4::Packet::PubRel(a) => Sent::PubRel(a.pkid),
                    v4::Packet::PubComp(a) => Sent::PubComp(a.pkid),
                    v4::Packet::Subscribe(s) => Sent::Subscribe {
                        pkid: s.pkid,
                        filters: s
                            .filters
                            .into_iter()
                            .map(|f| (f.path, f.qos as u8))
                            .collect(),
                    },
                    v4::Packet::Unsubscribe(u) => Sent::Unsubscribe {
                        pkid: u.pkid,
                        filters: u.topics,
                    },
                    v4::Packet::PingReq => Sent::PingReq,
                    v4::Packet::Disconnect => Sent::Disconnect,
                    other => panic!("client sent a server packet: {other:?}"),
                }
            }
            ProtocolVersion::V5 => {
                match v5::read(&mut buf, usize::MAX).expect("client sent valid 5.0") {
                    v5::Packet::Connect(c) => Sent::Connect {
                        level: 5,
                        client_id: c.client_id,
                        keep_alive: c.keep_alive,
                        clean: c.clean_session,
                        username: c
                            .login
                            .as_ref()
                            .map(|l| l.username.clone())
                            .filter(|u| !u.is_empty()),
                        password: c
                            .login
                            .as_ref()
                            .map(|l| l.password.clone())
                            .filter(|p| !p.is_empty()),
                        will_topic: c.last_will.map(|w| w.topic),
                    },
                    v5::Packet::Publish(p) => Sent::Publish {
                        topic: p.topic,
                        payload: p.payload,
                        qos: p.qos as u8,
                        retain: p.retain,
                        dup: p.dup,
                        pkid: p.pkid,
                    },
                    v5::Packet::PubAck(a) => Sent::PubAck(a.pkid),
                    v5::Packet::PubRec(a) => Sent::PubRec(a.pkid),
                    v5::Packet::PubRel(a) => Sent::PubRel(a.pkid),
                    v5::Packet::PubComp(a) => Sent::PubComp(a.pkid),
                    v5::Packet::Subscribe(s) => Sent::Subscribe {
                        pkid: s.pkid,
                        filters: s
                            .filters
                            .into_iter()
                            .map(|f| (f.path, f.qos as u8))
                            .collect(),
                    },
                    v5::Packet::Unsubscribe(u) => Sent::Unsubscribe {
                        pkid: u.pkid,
                        filters: u.filters,
                    },
                    v5::Packet::PingReq => Sent::PingReq,
                    v5::Packet::Disconnect(_) => Sent::Disconnect,
                    other => panic!("client sent a server packet: {other:?}"),
                }
            }
        };
        out.push(sent);
    }
    out
}

/// Broker-side packet bytes.
pub mod broker {
    use super::*;

    fn v4_bytes(f: impl FnOnce(&mut BytesMut)) -> Vec<u8> {
        let mut b = BytesMut::new();
        f(&mut b);
        b.to_vec()
    }

    pub fn connack(version: ProtocolVersion, session_present: bool, code: u8) -> Vec<u8> {
        match version {
            ProtocolVersion::V3_1_1 => vec![0x20, 0x02, u8::from(session_present), code],
            // With an empty property block, as most brokers send it.
            ProtocolVersion::V5 => vec![0x20, 0x03, u8::from(session_present), code, 0x00],
        }
    }

    pub fn publish(
        version: ProtocolVersion,
        topic: &str,
        payload: &[u8],
        qos: u8,
        pkid: u16,
        dup: bool,
    ) -> Vec<u8> {
        let q = mqttbytes::qos(qos).unwrap();
        v4_bytes(|b| match version {
            ProtocolVersion::V3_1_1 => {
                let mut p = v4::Publish::new(topic, q, payload.to_vec());
                p.pkid = pkid;
                p.dup = dup;
                p.write(b).unwrap();
            }
            ProtocolVersion::V5 => {
                let p = v5::Publish {
                    dup,
                    qos: q,
                    retain: false,
                    topic: topic.into(),
                    pkid,
                    properties: None,
                    payload: Bytes::copy_from_slice(payload),
                };
                p.write(b).unwrap();
            }
        })
    }

    pub fn ack(kind: u8, pkid: u16) -> Vec<u8> {
        let flags = if kind == 6 { 0x02 } else { 0x00 };
        vec![(kind << 4) | flags, 0x02, (pkid >> 8) as u8, pkid as u8]
    }

    pub fn puback(pkid: u16) -> Vec<u8> {
        ack(4, pkid)
    }
    pub fn pubrec(pkid: u16) -> Vec<u8> {
        ack(5, pkid)
    }
    pub fn pubrel(pkid: u16) -> Vec<u8> {
        ack(6, pkid)
    }
    pub fn pubcomp(pkid: u16) -> Vec<u8> {
        ack(7, pkid)
    }
    pub fn unsuback_v4(pkid: u16) -> Vec<u8> {
        ack(11, pkid)
    }

    /// v5 PUBACK/PUBREC with a reason code.
    pub fn ack_v5_reason(kind: u8, pkid: u16, reason: u8) -> Vec<u8> {
        vec![kind << 4, 0x03, (pkid >> 8) as u8, pkid as u8, reason]
    }

    pub fn suback(version: ProtocolVersion, pkid: u16, codes: &[u8]) -> Vec<u8> {
        let mut v = vec![0x90];
        let extra = usize::from(version == ProtocolVersion::V5);
        v.push((2 + extra + codes.len()) as u8);
        v.extend_from_slice(&[(pkid >> 8) as u8, pkid as u8]);
        if extra == 1 {
            v.push(0);
        }
        v.extend_from_slice(codes);
        v
    }

    pub const PINGRESP: [u8; 2] = [0xD0, 0x00];
}

/// A session with a fake clock, a record of everything it emitted and a scripted broker.
pub struct Harness {
    pub session: Session,
    pub now: Instant,
    pub version: ProtocolVersion,
}

impl Harness {
    pub fn new(seed: u64, options: ConnectOptions) -> Harness {
        let version = options.version;
        let mut session = Session::new(seed);
        let now = Instant::from_millis(1_000);
        session.connect(options, now).unwrap();
        Harness {
            session,
            now,
            version,
        }
    }

    /// Connects through CONNACK and drains everything.
    pub fn connected(version: ProtocolVersion) -> Harness {
        Self::connected_with(ConnectOptions {
            version,
            client_id: "test".into(),
            ..ConnectOptions::default()
        })
    }

    pub fn connected_with(options: ConnectOptions) -> Harness {
        let mut h = Harness::new(7, options);
        assert_eq!(h.events(), vec![Event::TransportRequested]);
        h.open_and_accept(false);
        h
    }

    /// Opens the transport, answers CONNECT with an accepting CONNACK, drains events and
    /// returns the packets sent after the CONNECT.
    pub fn open_and_accept(&mut self, session_present: bool) -> Vec<Sent> {
        self.session.handle_transport_open(self.now);
        let sent = self.sent();
        assert!(
            matches!(sent.first(), Some(Sent::Connect { .. })),
            "{sent:?}"
        );
        self.feed(&broker::connack(self.version, session_present, 0));
        let events = self.events();
        assert_eq!(
            events.first(),
            Some(&Event::Connected { session_present }),
            "{events:?}"
        );
        self.sent()
    }

    pub fn feed(&mut self, bytes: &[u8]) {
        self.session.handle_bytes(self.now, bytes);
    }

    pub fn events(&mut self) -> Vec<Event> {
        std::iter::from_fn(|| self.session.poll_event()).collect()
    }

    pub fn raw_sent(&mut self) -> Vec<u8> {
        let mut all = Vec::new();
        while let Some(bytes) = self.session.poll_transmit() {
            all.extend_from_slice(&bytes);
        }
        all
    }

    pub fn sent(&mut self) -> Vec<Sent> {
        let raw = self.raw_sent();
        decode_client(self.version, &raw)
    }

    /// Moves the clock to the next timer and fires it; returns the new time.
    pub fn fire_next_timer(&mut self) -> Instant {
        let at = self.session.poll_timeout().expect("a timer is armed");
        assert!(at >= self.now, "timer in the past");
        self.now = at;
        self.session.handle_timeout(at);
        at
    }

    pub fn advance_ms(&mut self, ms: u64) {
        self.now = Instant::from_millis(self.now.as_millis() + ms);
    }
}
