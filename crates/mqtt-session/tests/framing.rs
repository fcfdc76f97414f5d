//! Framing across WebSocket frames, and hostile or broken input: never a panic.
#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

mod common;

use common::{broker, decode_client, Harness, Sent};
use mqtt_session::{ConnectionState, Error, Event, ProtocolVersion, QoS};

const BOTH: [ProtocolVersion; 2] = [ProtocolVersion::V3_1_1, ProtocolVersion::V5];

fn topics(events: &[Event]) -> Vec<String> {
    events
        .iter()
        .map(|e| match e {
            Event::Message(m) => m.topic.to_string(),
            other => panic!("{other:?}"),
        })
        .collect()
}

#[test]
fn several_packets_in_one_frame_are_all_handled() {
    for version in BOTH {
        let mut h = Harness::connected(version);
        let mut frame = broker::publish(version, "a", b"1", 0, 0, false);
        frame.extend(broker::publish(version, "b", b"2", 1, 3, false));
        frame.extend(broker::PINGRESP);
        frame.extend(broker::publish(version, "c", b"3", 2, 4, false));
        h.feed(&frame);
        assert_eq!(topics(&h.events()), ["a", "b", "c"]);
        assert_eq!(h.sent(), vec![Sent::PubAck(3), Sent::PubRec(4)]);
    }
}

#[test]
fn messages_on_a_repeated_topic_share_one_topic_string() {
    for version in BOTH {
        let mut h = Harness::connected(version);
        let mut frame = broker::publish(version, "ward/bed1/spo2", b"97", 0, 0, false);
        frame.extend(broker::publish(
            version,
            "ward/bed2/spo2",
            b"95",
            0,
            0,
            false,
        ));
        h.feed(&frame);
        h.feed(&broker::publish(
            version,
            "ward/bed1/spo2",
            b"96",
            1,
            5,
            false,
        ));
        let events = h.events();
        let [Event::Message(first), Event::Message(other), Event::Message(again)] =
            events.as_slice()
        else {
            panic!("{events:?}")
        };
        assert_eq!(
            (&*first.topic, &*other.topic),
            ("ward/bed1/spo2", "ward/bed2/spo2")
        );
        // The same allocation, not an equal copy: no allocation per message.
        assert!(std::sync::Arc::ptr_eq(&first.topic, &again.topic));
        assert_eq!(&*again.payload, b"96");
    }
}

#[test]
fn one_packet_split_byte_by_byte_is_reassembled() {
    for version in BOTH {
        let mut h = Harness::connected(version);
        let payload = vec![0xAB; 300]; // two-byte remaining length
        let packet = broker::publish(version, "split/topic", &payload, 1, 9, false);
        for (i, byte) in packet.iter().enumerate() {
            h.feed(&[*byte]);
            if i + 1 < packet.len() {
                assert_eq!(h.events(), vec![], "delivered early at byte {i}");
            }
        }
        let events = h.events();
        let [Event::Message(m)] = events.as_slice() else {
            panic!("{events:?}")
        };
        assert_eq!(m.payload.len(), 300);
        assert_eq!(h.sent(), vec![Sent::PubAck(9)]);
    }
}

#[test]
fn the_connack_itself_may_arrive_split_and_together_with_a_publish() {
    let mut h = Harness::new(
        1,
        mqtt_session::ConnectOptions {
            client_id: "s".into(),
            ..Default::default()
        },
    );
    h.events();
    h.session.handle_transport_open(h.now);
    h.sent();
    let mut bytes = broker::connack(ProtocolVersion::V3_1_1, false, 0);
    bytes.extend(broker::publish(
        ProtocolVersion::V3_1_1,
        "x",
        b"",
        0,
        0,
        false,
    ));
    h.feed(&bytes[..3]);
    assert_eq!(h.events(), vec![]);
    h.feed(&bytes[3..]);
    let events = h.events();
    assert_eq!(
        events[0],
        Event::Connected {
            session_present: false
        }
    );
    assert_eq!(topics(&events[1..]), ["x"]);
}

fn assert_codec_loss(version: ProtocolVersion, bytes: &[u8]) {
    let mut h = Harness::connected(version);
    h.feed(bytes);
    let events = h.events();
    assert!(
        matches!(
            &events[..],
            [
                Event::ConnectionLost {
                    reason: Error::Codec(_) | Error::BrokerMisbehaved(_)
                },
                Event::ReconnectScheduled { .. }
            ]
        ),
        "{version:?} {bytes:02x?}: {events:?}"
    );
    assert_eq!(h.session.state(), ConnectionState::ReconnectWait);
    assert_eq!(h.sent(), vec![], "nothing is sent on a dead connection");
}

#[test]
fn malformed_input_ends_the_connection_with_a_codec_error_not_a_panic() {
    let cases: &[&[u8]] = &[
        &[0x30, 0x01, 0x00],                         // PUBLISH whose topic length is cut
        &[0x32, 0x03, 0x00, 0x01, b'a'],             // QoS 1 PUBLISH without packet id
        &[0x36, 0x05, 0x00, 0x01, b'a', 0, 1],       // QoS 3
        &[0x32, 0x05, 0x00, 0x01, b'a', 0, 0],       // packet id 0
        &[0x30, 0x04, 0x00, 0x05, b'a', b'b'],       // topic longer than the packet
        &[0x30, 0x05, 0x00, 0x02, 0xFF, 0xFE, 0x00], // topic not UTF-8
        &[0x40, 0x01, 0x00],                         // PUBACK too short
        &[0x90, 0x02, 0x00, 0x01],                   // SUBACK without codes
        &[0x90, 0x03, 0x00, 0x01, 0x07],             // SUBACK with an invalid code
        &[0x30, 0xFF, 0xFF, 0xFF, 0xFF, 0x01],       // remaining length of five bytes
        &[0x30, 0xFF, 0xFF, 0xFF, 0x7F],             // 256 MiB length prefix, over the bound
        &[0x00, 0x00],                               // reserved type 0
        &[0xF0, 0x00],                               // AUTH
        &[0x10, 0x00],                               // CONNECT from the server
        &[0xA2, 0x01, 0x00],                         // UNSUBSCRIBE from the server
        &[0x40, 0x00],                               // PUBACK without payload
    ];
    for version in BOTH {
        for bytes in cases {
            assert_codec_loss(version, bytes);
        }
    }
    assert_codec_loss(ProtocolVersion::V3_1_1, &[0xE0, 0x00]);
    assert_codec_loss(ProtocolVersion::V5, &[0x30, 0x04, 0x00, 0x01, b'a', 0x05]);
    // property length past the end
}

#[test]
fn a_publish_with_wildcards_in_its_topic_is_a_broker_violation() {
    let mut h = Harness::connected(ProtocolVersion::V3_1_1);
    h.feed(&broker::publish(
        ProtocolVersion::V3_1_1,
        "a/+",
        b"",
        0,
        0,
        false,
    ));
    assert!(matches!(
        &h.events()[0],
        Event::ConnectionLost {
            reason: Error::BrokerMisbehaved(_)
        }
    ));
}

#[test]
fn truncated_input_waits_for_the_rest_without_error() {
    for version in BOTH {
        let mut h = Harness::connected(version);
        let packet = broker::publish(version, "t", b"payload", 1, 2, false);
        h.feed(&packet[..packet.len() - 1]);
        assert_eq!(h.events(), vec![]);
        assert_eq!(h.session.state(), ConnectionState::Connected);
    }
}

#[test]
fn bytes_after_the_connection_was_lost_are_ignored() {
    let mut h = Harness::connected(ProtocolVersion::V3_1_1);
    h.feed(&[0x00, 0x00]);
    h.events();
    h.feed(&broker::publish(
        ProtocolVersion::V3_1_1,
        "late",
        b"",
        1,
        1,
        false,
    ));
    assert_eq!(h.events(), vec![]);
    assert_eq!(h.sent(), vec![]);
}

#[test]
fn a_second_connack_is_a_broker_violation() {
    let mut h = Harness::connected(ProtocolVersion::V5);
    h.feed(&broker::connack(ProtocolVersion::V5, false, 0));
    assert!(
        matches!(&h.events()[0], Event::ConnectionLost { reason: Error::BrokerMisbehaved(t) } if t.contains("second CONNACK"))
    );
}

#[test]
fn packets_cut_by_frame_ends_are_reassembled_among_whole_ones() {
    for version in BOTH {
        let mut h = Harness::connected(version);
        let mut stream = Vec::new();
        for (i, topic) in ["a", "b", "c", "d", "e"].iter().enumerate() {
            stream.extend(broker::publish(
                version,
                topic,
                b"12345",
                1,
                i as u16 + 1,
                false,
            ));
            stream.extend(broker::PINGRESP);
        }
        // Cut inside the second publish's fixed header, inside the third's body, inside
        // the third PINGRESP, and on a packet boundary.
        let pair = stream.len() / 5;
        let cuts = [pair + 1, 2 * pair + 6, 3 * pair - 1, 4 * pair, stream.len()];
        let mut from = 0;
        for to in cuts {
            h.feed(&stream[from..to]);
            from = to;
        }
        assert_eq!(topics(&h.events()), ["a", "b", "c", "d", "e"]);
        assert_eq!(
            h.sent(),
            (1..=5).map(Sent::PubAck).collect::<Vec<_>>(),
            "{version:?}"
        );
    }
}

#[test]
fn a_packet_over_the_size_limit_is_refused_when_its_length_arrives_in_pieces() {
    for version in BOTH {
        let mut h = Harness::connected_with(mqtt_session::ConnectOptions {
            version,
            client_id: "small".into(),
            max_packet_size: 100,
            ..Default::default()
        });
        h.feed(&broker::publish(version, "ok", &[0; 90], 0, 0, false));
        h.feed(&[0x30]);
        h.feed(&[0xE5]);
        assert_eq!(topics(&h.events()), ["ok"]);
        h.feed(&[0x00]); // remaining length 101
        let events = h.events();
        assert!(
            matches!(&events[0], Event::ConnectionLost { reason: Error::Codec(t) } if t.contains("exceeds")),
            "{events:?}"
        );
    }
}

#[test]
fn poll_transmit_into_appends_what_poll_transmit_would_return() {
    for version in BOTH {
        let mut by_vec = Harness::connected(version);
        let mut by_outbox = Harness::connected(version);
        let mut frame = broker::publish(version, "a", b"1", 1, 7, false);
        frame.extend(broker::publish(version, "b", b"2", 2, 8, false));
        frame.extend(broker::pubrel(8));
        for h in [&mut by_vec, &mut by_outbox] {
            h.feed(&frame);
            h.session
                .publish(
                    h.now,
                    "out",
                    bytes::Bytes::from_static(b"x"),
                    QoS::AtLeastOnce,
                    false,
                )
                .unwrap();
        }
        let expected = by_vec.session.poll_transmit().unwrap();
        assert_eq!(by_vec.session.poll_transmit(), None);

        let mut outbox = vec![0xEE];
        let appended = by_outbox.session.poll_transmit_into(&mut outbox);
        assert_eq!(appended, expected.len());
        assert_eq!(outbox[0], 0xEE, "what the outbox held stays in front");
        assert_eq!(&outbox[1..], &expected[..], "{version:?}");
        assert_eq!(
            decode_client(version, &outbox[1..])[..3],
            [Sent::PubAck(7), Sent::PubRec(8), Sent::PubComp(8)]
        );
    }
}

#[test]
fn poll_transmit_into_returns_zero_and_leaves_the_outbox_alone_when_nothing_is_pending() {
    let mut h = Harness::connected(ProtocolVersion::V5);
    let mut outbox = vec![1, 2, 3];
    assert_eq!(h.session.poll_transmit_into(&mut outbox), 0);
    assert_eq!(outbox, [1, 2, 3]);
    h.feed(&broker::publish(ProtocolVersion::V5, "t", b"", 1, 5, false));
    assert_eq!(h.session.poll_transmit_into(&mut outbox), 4);
    assert_eq!(
        h.session.poll_transmit_into(&mut outbox),
        0,
        "not sent twice"
    );
    assert_eq!(h.session.poll_transmit(), None);
    assert_eq!(outbox, [1, 2, 3, 0x40, 0x02, 0x00, 0x05]);
}

#[test]
fn a_driver_reusing_one_outbox_acknowledges_every_message() {
    for version in BOTH {
        let mut h = Harness::connected(version);
        let mut outbox = Vec::new();
        let mut acked = Vec::new();
        for id in 1..=50u16 {
            h.feed(&broker::publish(version, "t", b"v", 1, id, false));
            h.events();
            if h.session.poll_transmit_into(&mut outbox) > 0 {
                acked.extend(decode_client(version, &outbox));
                outbox.clear(); // as after ws.send
            }
        }
        assert_eq!(acked, (1..=50).map(Sent::PubAck).collect::<Vec<_>>());
    }
}
