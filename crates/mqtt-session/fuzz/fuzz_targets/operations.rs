//! Structured sequences of operations — commands, timeouts, transport events and broker
//! bytes (raw or packet-shaped) — for both protocol versions. The session must never
//! panic whatever the order.
#![no_main]

use arbitrary::Arbitrary;
use bytes::Bytes;
use libfuzzer_sys::fuzz_target;
use mqtt_session::{
    ConnectOptions, Instant, ProtocolVersion, QoS, RetainHandling, Session, Subscription,
};

#[derive(Debug, Arbitrary)]
enum Op {
    Connect,
    TransportOpen,
    ConnectionLost,
    Disconnect,
    /// Advance the clock by this many milliseconds and fire due timers.
    Wait(u16),
    /// Jump to the next timer and fire it.
    FireTimer,
    Publish {
        topic: u8,
        payload: Vec<u8>,
        qos: u8,
        retain: bool,
    },
    Subscribe {
        topic: u8,
        qos: u8,
        no_local: bool,
        identifier: Option<u32>,
    },
    Unsubscribe(u8),
    Bytes(Vec<u8>),
    /// A packet-shaped frame: type/flags byte, then a correct length, then the body.
    Packet {
        byte1: u8,
        body: Vec<u8>,
    },
    /// A CONNACK; over v5 with a topic alias maximum of `aliases % 8` (0 = none sent).
    Connack {
        session_present: bool,
        code: u8,
        aliases: u8,
    },
    /// An acknowledgement of kind 4..=7 or 11 for a small packet id.
    Ack {
        kind: u8,
        packet_id: u8,
    },
    Drain,
}

#[derive(Debug, Arbitrary)]
struct Input {
    v5: bool,
    ops: Vec<Op>,
}

const TOPICS: [&str; 6] = [
    "a",
    "a/b",
    "sensors/x",
    "$SYS/y",
    "home/kitchen",
    "home/hall",
];
const FILTERS: [&str; 5] = ["a", "a/+", "#", "sensors/#", "$share/g/a"];

fn qos(q: u8) -> QoS {
    QoS::from_u8(q % 3).unwrap_or_default()
}

fuzz_target!(|input: Input| {
    let version = if input.v5 {
        ProtocolVersion::V5
    } else {
        ProtocolVersion::V3_1_1
    };
    let options = ConnectOptions {
        version,
        client_id: "fuzz".into(),
        max_packet_size: 4096,
        topic_alias_maximum: 4,
        receive_maximum: 4,
        ..ConnectOptions::default()
    };
    let mut s = Session::new(1);
    let mut now = Instant::from_millis(0);
    for op in input.ops.into_iter().take(256) {
        match op {
            Op::Connect => {
                let _ = s.connect(options.clone(), now);
            }
            Op::TransportOpen => s.handle_transport_open(now),
            Op::ConnectionLost => s.connection_lost(now, "fuzz".into()),
            Op::Disconnect => s.disconnect(now),
            Op::Wait(ms) => {
                now = Instant::from_millis(now.as_millis() + u64::from(ms));
                s.handle_timeout(now);
            }
            Op::FireTimer => {
                if let Some(at) = s.poll_timeout() {
                    now = now.max(at);
                    s.handle_timeout(now);
                }
            }
            Op::Publish {
                topic,
                payload,
                qos: q,
                retain,
            } => {
                let topic = TOPICS[usize::from(topic) % TOPICS.len()];
                let _ = s.publish(now, topic, Bytes::from(payload), qos(q), retain);
            }
            Op::Subscribe {
                topic,
                qos: q,
                no_local,
                identifier,
            } => {
                let sub = Subscription {
                    no_local,
                    identifier,
                    retain_handling: RetainHandling::SendIfNewSubscription,
                    ..Subscription::new(FILTERS[usize::from(topic) % FILTERS.len()], qos(q))
                };
                let _ = s.subscribe_with_options(now, vec![sub]);
            }
            Op::Unsubscribe(topic) => {
                let filter = FILTERS[usize::from(topic) % FILTERS.len()];
                let _ = s.unsubscribe(now, vec![filter.to_owned()]);
            }
            Op::Bytes(bytes) => s.handle_bytes(now, &bytes),
            Op::Packet { byte1, mut body } => {
                body.truncate(127);
                let mut frame = vec![byte1, body.len() as u8];
                frame.extend(body);
                s.handle_bytes(now, &frame);
            }
            Op::Connack {
                session_present,
                code,
                aliases,
            } => {
                let flags = u8::from(session_present);
                let frame: Vec<u8> = match (version, aliases % 8) {
                    (ProtocolVersion::V3_1_1, _) => vec![0x20, 0x02, flags, code],
                    (ProtocolVersion::V5, 0) => vec![0x20, 0x03, flags, code, 0],
                    (ProtocolVersion::V5, n) => {
                        vec![0x20, 0x06, flags, code, 0x03, 0x22, 0x00, n]
                    }
                };
                s.handle_bytes(now, &frame);
            }
            Op::Ack { kind, packet_id } => {
                let kind = [4u8, 5, 6, 7, 11][usize::from(kind) % 5];
                let flags = if kind == 6 { 0x02 } else { 0 };
                s.handle_bytes(now, &[(kind << 4) | flags, 0x02, 0x00, packet_id]);
            }
            Op::Drain => {
                while s.poll_event().is_some() {}
                while s.poll_transmit().is_some() {}
            }
        }
    }
});
