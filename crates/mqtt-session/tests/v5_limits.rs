//! MQTT 5 limits negotiated in CONNECT/CONNACK: server keep-alive, maximum packet size,
//! receive maximum in both directions.
#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

mod common;

use bytes::{Bytes, BytesMut};
use core::time::Duration;
use mqttbytes::v5;

use common::{broker, Harness, Sent};
use mqtt_session::{ConnectOptions, ConnectionState, Error, Event, ProtocolVersion, QoS};

const V5: ProtocolVersion = ProtocolVersion::V5;

fn options() -> ConnectOptions {
    ConnectOptions {
        version: V5,
        client_id: "test".into(),
        keep_alive: Duration::from_secs(60),
        ..ConnectOptions::default()
    }
}

/// An accepting CONNACK with server keep-alive, receive maximum and maximum packet size.
fn connack(keep_alive: Option<u16>, receive_max: Option<u16>, max_packet: Option<u32>) -> Vec<u8> {
    let mut props = v5::ConnAckProperties::new();
    props.server_keep_alive = keep_alive;
    props.receive_max = receive_max;
    props.max_packet_size = max_packet;
    let mut b = BytesMut::new();
    v5::ConnAck {
        session_present: false,
        code: v5::ConnectReturnCode::Success,
        properties: Some(props),
    }
    .write(&mut b)
    .unwrap();
    b.to_vec()
}

fn connected_after(options: ConnectOptions, connack: &[u8]) -> Harness {
    let mut h = Harness::new(5, options);
    h.events();
    h.session.handle_transport_open(h.now);
    h.raw_sent();
    h.feed(connack);
    let events = h.events();
    assert!(
        matches!(events.first(), Some(Event::Connected { .. })),
        "{events:?}"
    );
    h
}

#[test]
fn the_server_keep_alive_from_connack_replaces_ours() {
    let mut h = connected_after(options(), &connack(Some(5), None, None));
    let start = h.now;
    h.fire_next_timer();
    assert_eq!(h.now, start + Duration::from_secs(5));
    assert_eq!(h.sent(), vec![Sent::PingReq]);
}

#[test]
fn a_publish_over_the_broker_maximum_packet_size_is_refused_with_both_sizes() {
    let mut h = connected_after(options(), &connack(None, None, Some(64)));
    let result = h.session.publish(
        h.now,
        "t",
        Bytes::from(vec![0u8; 100]),
        QoS::AtLeastOnce,
        false,
    );
    let Err(Error::ApiMisuse(text)) = result else {
        panic!("{result:?}")
    };
    assert!(
        text.contains("exceeds the broker's maximum packet size of 64"),
        "{text}"
    );
    // 1 + 1 (fixed header) + 2 + 1 (topic) + 2 (packet id) + 1 (no properties) + 100.
    assert!(text.contains("of 108 bytes"), "{text}");
    assert_eq!(h.sent(), vec![]);
    assert_eq!(h.session.queued_publishes(), 0);
    // A small one still goes out.
    h.session
        .publish(
            h.now,
            "t",
            Bytes::from_static(b"ok"),
            QoS::AtMostOnce,
            false,
        )
        .unwrap();
    assert_eq!(h.sent().len(), 1);
}

#[test]
fn connect_announces_our_receive_maximum_only_when_lowered() {
    for (ours, announced) in [(u16::MAX, None), (2, Some(2))] {
        let mut h = Harness::new(
            1,
            ConnectOptions {
                receive_maximum: ours,
                ..options()
            },
        );
        h.session.handle_transport_open(h.now);
        let mut raw = BytesMut::from(h.raw_sent().as_slice());
        let v5::Packet::Connect(c) = v5::read(&mut raw, usize::MAX).unwrap() else {
            panic!("not a CONNECT")
        };
        assert_eq!(c.properties.unwrap().receive_maximum, announced);
    }
}

#[test]
fn a_broker_exceeding_our_receive_maximum_breaks_the_protocol() {
    let mut h = connected_after(
        ConnectOptions {
            receive_maximum: 2,
            ..options()
        },
        &connack(None, None, None),
    );
    h.feed(&broker::publish(V5, "t", b"1", 2, 1, false));
    h.feed(&broker::publish(V5, "t", b"2", 2, 2, false));
    // A duplicate of an unreleased message is not a new one.
    h.feed(&broker::publish(V5, "t", b"2", 2, 2, true));
    assert_eq!(h.session.state(), ConnectionState::Connected);
    // Releasing one makes room for the next.
    h.feed(&broker::pubrel(1));
    h.feed(&broker::publish(V5, "t", b"3", 2, 3, false));
    assert_eq!(h.session.state(), ConnectionState::Connected);
    h.feed(&broker::publish(V5, "t", b"4", 2, 4, false));
    let events = h.events();
    let messages = events
        .iter()
        .filter(|e| matches!(e, Event::Message(_)))
        .count();
    assert_eq!(messages, 3, "{events:?}");
    let lost = events.iter().find_map(|e| match e {
        Event::ConnectionLost {
            reason: Error::BrokerMisbehaved(text),
        } => Some(text.clone()),
        _ => None,
    });
    assert!(
        lost.as_deref()
            .is_some_and(|t| t.contains("receive maximum of 2")),
        "{events:?}"
    );
}

#[test]
fn a_receive_maximum_of_zero_is_api_misuse() {
    let mut s = mqtt_session::Session::new(1);
    let result = s.connect(
        ConnectOptions {
            receive_maximum: 0,
            ..options()
        },
        mqtt_session::Instant::from_millis(0),
    );
    assert!(matches!(result, Err(Error::ApiMisuse(_))), "{result:?}");
}

/// (topic on the wire, topic alias) of each PUBLISH in `raw`.
fn published(raw: &[u8]) -> Vec<(String, Option<u16>)> {
    let mut buf = BytesMut::from(raw);
    let mut out = Vec::new();
    while !buf.is_empty() {
        if let v5::Packet::Publish(p) = v5::read(&mut buf, usize::MAX).unwrap() {
            out.push((p.topic, p.properties.and_then(|p| p.topic_alias)));
        }
    }
    out
}

fn connack_with_aliases(maximum: u16) -> Vec<u8> {
    let mut props = v5::ConnAckProperties::new();
    props.topic_alias_max = Some(maximum);
    let mut b = BytesMut::new();
    v5::ConnAck {
        session_present: true,
        code: v5::ConnectReturnCode::Success,
        properties: Some(props),
    }
    .write(&mut b)
    .unwrap();
    b.to_vec()
}

#[test]
fn outbound_topic_aliases_are_used_up_to_the_broker_maximum() {
    let mut h = connected_after(options(), &connack_with_aliases(2));
    for topic in ["home/a", "home/a", "home/b", "home/c", "home/b", "x"] {
        h.session
            .publish(
                h.now,
                topic,
                Bytes::from_static(b"1"),
                QoS::AtMostOnce,
                false,
            )
            .unwrap();
    }
    assert_eq!(
        published(&h.raw_sent()),
        vec![
            ("home/a".into(), Some(1)),
            ("".into(), Some(1)),
            ("home/b".into(), Some(2)),
            ("home/c".into(), None), // the broker allows two
            ("".into(), Some(2)),
            ("x".into(), None), // too short to gain from an alias
        ]
    );
}

#[test]
fn outbound_aliases_are_not_used_without_the_broker_allowing_them_and_reset_on_reconnect() {
    let mut h = connected_after(options(), &connack(None, None, None));
    h.session
        .publish(
            h.now,
            "home/a",
            Bytes::from_static(b"1"),
            QoS::AtMostOnce,
            false,
        )
        .unwrap();
    assert_eq!(published(&h.raw_sent()), vec![("home/a".into(), None)]);

    let mut h = connected_after(options(), &connack_with_aliases(4));
    let id = h
        .session
        .publish(
            h.now,
            "home/a",
            Bytes::from_static(b"1"),
            QoS::AtLeastOnce,
            false,
        )
        .unwrap();
    assert_eq!(published(&h.raw_sent()), vec![("home/a".into(), Some(1))]);
    h.session.connection_lost(h.now, "gone".into());
    h.events();
    h.fire_next_timer();
    h.events();
    h.session.handle_transport_open(h.now);
    h.raw_sent();
    h.feed(&connack_with_aliases(4));
    // The retransmission names its topic: aliases died with the old connection.
    assert_eq!(published(&h.raw_sent()), vec![("home/a".into(), None)]);
    h.feed(&broker::puback(id.unwrap()));
    h.session
        .publish(
            h.now,
            "home/a",
            Bytes::from_static(b"2"),
            QoS::AtMostOnce,
            false,
        )
        .unwrap();
    assert_eq!(published(&h.raw_sent()), vec![("home/a".into(), Some(1))]);
}
