//! Property test: arbitrary bytes, split arbitrarily, after a valid CONNACK. The session
//! must never panic and what it wants to transmit stays bounded.
#![cfg(not(target_arch = "wasm32"))]

mod common;

use common::Harness;
use mqtt_session::{ConnectOptions, Event, ProtocolVersion};
use proptest::prelude::*;

fn run(version: ProtocolVersion, chunks: Vec<Vec<u8>>) {
    let options = ConnectOptions {
        version,
        client_id: "fuzz".into(),
        max_packet_size: 4096,
        ..ConnectOptions::default()
    };
    let mut h = Harness::connected_with(options);
    let mut fed = 0usize;
    let mut transmitted = 0usize;
    let mut reconnects = 0usize;
    for chunk in chunks {
        fed += chunk.len();
        h.feed(&chunk);
        while let Some(event) = h.session.poll_event() {
            if let Event::ReconnectScheduled { .. } = event {
                // Reconnect and keep fuzzing the new connection.
                reconnects += 1;
                h.fire_next_timer();
                h.session.handle_transport_open(h.now);
                h.session
                    .handle_bytes(h.now, &common::broker::connack(version, false, 0));
            }
        }
        while let Some(bytes) = h.session.poll_transmit() {
            transmitted += bytes.len();
        }
        h.advance_ms(250);
        h.session.handle_timeout(h.now);
    }
    // An ack (4 bytes) answers an inbound packet of at least 4 bytes; a CONNECT (under
    // 40 bytes) follows each reconnect; pings are rare at a 30 s keep-alive.
    let bound = 2 * fed + 40 * (reconnects + 1) + 64;
    assert!(
        transmitted <= bound,
        "sent {transmitted} bytes for {fed} fed, {reconnects} reconnects"
    );
}

fn chunks() -> impl Strategy<Value = Vec<Vec<u8>>> {
    prop::collection::vec(prop::collection::vec(any::<u8>(), 0..64), 0..32)
}

/// Bytes that start like real packets, so the decoder gets past the fixed header often.
fn packet_like() -> impl Strategy<Value = Vec<Vec<u8>>> {
    let packet = (0u8..16, 0u8..16, prop::collection::vec(any::<u8>(), 0..40)).prop_map(
        |(kind, flags, body)| {
            let mut p = vec![(kind << 4) | flags, body.len() as u8];
            p.extend(body);
            p
        },
    );
    (
        prop::collection::vec(packet, 1..12),
        prop::collection::vec(1usize..20, 1..12),
    )
        .prop_map(|(packets, cuts)| {
            let all: Vec<u8> = packets.concat();
            let mut out = Vec::new();
            let mut rest = &all[..];
            for cut in cuts.iter().cycle() {
                if rest.is_empty() {
                    break;
                }
                let (a, b) = rest.split_at((*cut).min(rest.len()));
                out.push(a.to_vec());
                rest = b;
            }
            out
        })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_bytes_never_panic_v311(chunks in chunks()) {
        run(ProtocolVersion::V3_1_1, chunks);
    }

    #[test]
    fn arbitrary_bytes_never_panic_v5(chunks in chunks()) {
        run(ProtocolVersion::V5, chunks);
    }

    #[test]
    fn packet_shaped_bytes_never_panic_v311(chunks in packet_like()) {
        run(ProtocolVersion::V3_1_1, chunks);
    }

    #[test]
    fn packet_shaped_bytes_never_panic_v5(chunks in packet_like()) {
        run(ProtocolVersion::V5, chunks);
    }
}

/// Valid broker packets (publishes of every QoS with and without v5 properties,
/// PUBRELs, PINGRESPs) and cut points for them.
fn valid_stream(version: ProtocolVersion) -> impl Strategy<Value = (Vec<u8>, Vec<usize>)> {
    let packet = (
        0u8..4,
        "[a-z/]{1,8}",
        prop::collection::vec(any::<u8>(), 0..300),
        0u8..3,
        1u16..20,
        any::<bool>(),
    )
        .prop_map(move |(kind, topic, payload, qos, id, props)| match kind {
            0 => common::broker::PINGRESP.to_vec(),
            1 => common::broker::pubrel(id),
            _ if props && version == ProtocolVersion::V5 => {
                // Content type "t" and one user property, written by hand.
                let mut body = (topic.len() as u16).to_be_bytes().to_vec();
                body.extend(topic.as_bytes());
                if qos > 0 {
                    body.extend(id.to_be_bytes());
                }
                body.extend([11, 0x03, 0, 1, b't', 0x26, 0, 1, b'k', 0, 1, b'v']);
                body.extend(&payload);
                let mut p = vec![0x30 | (qos << 1)];
                let mut len = body.len();
                loop {
                    let byte = (len % 128) as u8 | if len >= 128 { 0x80 } else { 0 };
                    p.push(byte);
                    len /= 128;
                    if len == 0 {
                        break;
                    }
                }
                p.extend(body);
                p
            }
            _ => common::broker::publish(version, &topic, &payload, qos, id, false),
        });
    (
        prop::collection::vec(packet, 1..12),
        prop::collection::vec(1usize..400, 0..10),
    )
        .prop_map(|(packets, cuts)| (packets.concat(), cuts))
}

/// Feeds `stream` in the chunks `cuts` makes; everything the session emitted and sent.
fn feed_in_chunks(
    version: ProtocolVersion,
    stream: &[u8],
    cuts: &[usize],
) -> (Vec<Event>, Vec<u8>) {
    let mut h = Harness::connected(version);
    let mut rest = stream;
    for cut in cuts {
        let (chunk, tail) = rest.split_at((*cut).min(rest.len()));
        h.feed(chunk);
        rest = tail;
    }
    h.feed(rest);
    let events = h.events();
    let mut sent = Vec::new();
    h.session.poll_transmit_into(&mut sent);
    (events, sent)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

    #[test]
    fn any_chunking_of_a_valid_stream_gives_the_same_events_and_acks_v311(
        (stream, cuts) in valid_stream(ProtocolVersion::V3_1_1),
    ) {
        let whole = feed_in_chunks(ProtocolVersion::V3_1_1, &stream, &[]);
        prop_assert!(whole.0.iter().all(|e| matches!(e, Event::Message(_))), "{:?}", whole.0);
        prop_assert_eq!(feed_in_chunks(ProtocolVersion::V3_1_1, &stream, &cuts), whole);
    }

    #[test]
    fn any_chunking_of_a_valid_stream_gives_the_same_events_and_acks_v5(
        (stream, cuts) in valid_stream(ProtocolVersion::V5),
    ) {
        let whole = feed_in_chunks(ProtocolVersion::V5, &stream, &[]);
        prop_assert!(whole.0.iter().all(|e| matches!(e, Event::Message(_))), "{:?}", whole.0);
        prop_assert_eq!(feed_in_chunks(ProtocolVersion::V5, &stream, &cuts), whole);
    }
}
