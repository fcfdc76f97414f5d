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
