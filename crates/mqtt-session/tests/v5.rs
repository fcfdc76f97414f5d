//! MQTT 5 only: inbound topic aliases, server DISCONNECT "session taken over", user
//! properties on messages.
#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

mod common;

use bytes::{Bytes, BytesMut};
use mqttbytes::v5;

use common::Harness;
use mqtt_session::{ConnectOptions, ConnectionState, Error, Event, ProtocolVersion};

const V5: ProtocolVersion = ProtocolVersion::V5;

fn options() -> ConnectOptions {
    ConnectOptions {
        version: V5,
        client_id: "test".into(),
        ..ConnectOptions::default()
    }
}

fn no_properties() -> v5::PublishProperties {
    v5::PublishProperties {
        payload_format_indicator: None,
        message_expiry_interval: None,
        topic_alias: None,
        response_topic: None,
        correlation_data: None,
        user_properties: Vec::new(),
        subscription_identifiers: Vec::new(),
        content_type: None,
    }
}

/// A QoS 0 PUBLISH from the broker with the given properties.
fn publish_with(topic: &str, payload: &[u8], properties: v5::PublishProperties) -> Vec<u8> {
    let mut b = BytesMut::new();
    v5::Publish {
        dup: false,
        qos: mqttbytes::QoS::AtMostOnce,
        retain: false,
        topic: topic.into(),
        pkid: 0,
        properties: Some(properties),
        payload: Bytes::copy_from_slice(payload),
    }
    .write(&mut b)
    .unwrap();
    b.to_vec()
}

fn aliased(topic: &str, payload: &[u8], alias: u16) -> Vec<u8> {
    publish_with(
        topic,
        payload,
        v5::PublishProperties {
            topic_alias: Some(alias),
            ..no_properties()
        },
    )
}

/// The topics of the messages among `events`.
fn topics(events: &[Event]) -> Vec<String> {
    events
        .iter()
        .filter_map(|e| match e {
            Event::Message(m) => Some(m.topic.to_string()),
            _ => None,
        })
        .collect()
}

fn misbehaved(events: &[Event]) -> Option<String> {
    events.iter().find_map(|e| match e {
        Event::ConnectionLost {
            reason: Error::BrokerMisbehaved(text),
        } => Some(text.clone()),
        _ => None,
    })
}

#[test]
fn connect_announces_the_topic_alias_maximum_from_the_options() {
    for (maximum, announced) in [(16, Some(16)), (3, Some(3)), (0, None)] {
        let mut h = Harness::new(
            1,
            ConnectOptions {
                topic_alias_maximum: maximum,
                ..options()
            },
        );
        h.session.handle_transport_open(h.now);
        let mut raw = BytesMut::from(h.raw_sent().as_slice());
        let v5::Packet::Connect(c) = v5::read(&mut raw, usize::MAX).unwrap() else {
            panic!("not a CONNECT");
        };
        assert_eq!(c.properties.unwrap().topic_alias_max, announced);
    }
}

#[test]
fn a_publish_with_an_empty_topic_and_a_known_alias_is_delivered_on_the_aliased_topic() {
    let mut h = Harness::connected_with(options());
    h.feed(&aliased("sensors/kitchen", b"20", 3));
    h.feed(&aliased("", b"21", 3));
    h.feed(&aliased("sensors/hall", b"19", 3)); // rebinding an alias is allowed
    h.feed(&aliased("", b"18", 3));
    let events = h.events();
    assert_eq!(
        topics(&events),
        vec![
            "sensors/kitchen",
            "sensors/kitchen",
            "sensors/hall",
            "sensors/hall"
        ]
    );
    assert_eq!(h.session.state(), ConnectionState::Connected);
}

#[test]
fn an_alias_never_bound_on_this_connection_closes_it_and_schedules_a_reconnect() {
    let mut h = Harness::connected_with(options());
    h.feed(&aliased("", b"x", 2));
    let events = h.events();
    let text = misbehaved(&events).expect("a protocol violation");
    assert!(text.contains("alias 2"), "{text}");
    assert!(matches!(
        events.last(),
        Some(Event::ReconnectScheduled { .. })
    ));
    assert_eq!(h.session.state(), ConnectionState::ReconnectWait);
}

#[test]
fn an_alias_above_the_announced_maximum_or_zero_is_a_protocol_violation() {
    for (maximum, alias) in [(4, 5), (16, 0), (0, 1)] {
        let mut h = Harness::connected_with(ConnectOptions {
            topic_alias_maximum: maximum,
            ..options()
        });
        h.feed(&aliased("a/b", b"x", alias));
        let events = h.events();
        assert!(topics(&events).is_empty(), "{events:?}");
        let text = misbehaved(&events).expect("a protocol violation");
        assert!(text.contains(&format!("alias {alias}")), "{text}");
    }
}

#[test]
fn aliases_are_forgotten_when_the_connection_is_replaced() {
    let mut h = Harness::connected_with(options());
    h.feed(&aliased("a/b", b"1", 1));
    assert_eq!(topics(&h.events()), vec!["a/b"]);
    h.session.connection_lost(h.now, "socket closed".into());
    h.events();
    h.fire_next_timer();
    assert_eq!(h.events(), vec![Event::TransportRequested]);
    h.open_and_accept(false);
    h.feed(&aliased("", b"2", 1));
    let events = h.events();
    assert!(topics(&events).is_empty(), "{events:?}");
    assert!(misbehaved(&events).is_some(), "{events:?}");
}

#[test]
fn session_taken_over_is_reported_and_the_session_does_not_reconnect() {
    let mut h = Harness::connected_with(options());
    // What Mosquitto sends when another client connects with our id.
    h.feed(&[0xE0, 0x01, 0x8E]);
    let events = h.events();
    assert_eq!(
        events,
        vec![
            Event::ConnectionLost {
                reason: Error::SessionTakenOver {
                    reason_string: None
                }
            },
            Event::Disconnected
        ]
    );
    let Event::ConnectionLost { reason } = &events[0] else {
        unreachable!()
    };
    let text = reason.to_string();
    assert!(
        text.contains("same client id") && text.contains("not reconnecting"),
        "{text}"
    );
    assert_eq!(h.session.state(), ConnectionState::Disconnected);
    assert_eq!(h.session.poll_timeout(), None);
    assert_eq!(h.sent(), vec![]);
}

#[test]
fn user_properties_arrive_on_the_message_in_order_with_repeats() {
    let mut h = Harness::connected_with(options());
    let pairs = vec![
        ("unit".to_owned(), "C".to_owned()),
        ("src".to_owned(), "a".to_owned()),
        ("src".to_owned(), "b".to_owned()),
    ];
    h.feed(&publish_with(
        "t",
        b"1",
        v5::PublishProperties {
            user_properties: pairs.clone(),
            ..no_properties()
        },
    ));
    let events = h.events();
    let [Event::Message(m)] = events.as_slice() else {
        panic!("{events:?}")
    };
    assert_eq!(m.properties.user_properties, pairs);
}

#[test]
fn user_properties_given_to_publish_are_on_the_wire() {
    let mut h = Harness::connected_with(options());
    let properties = mqtt_session::MessageProperties {
        user_properties: vec![("k".into(), "v".into())],
        ..Default::default()
    };
    h.session
        .publish_with_properties(
            h.now,
            "t",
            Bytes::from_static(b"x"),
            mqtt_session::QoS::AtMostOnce,
            false,
            properties,
        )
        .unwrap();
    let mut raw = BytesMut::from(h.raw_sent().as_slice());
    let v5::Packet::Publish(p) = v5::read(&mut raw, usize::MAX).unwrap() else {
        panic!("not a PUBLISH")
    };
    assert_eq!(
        p.properties.unwrap().user_properties,
        vec![("k".to_owned(), "v".to_owned())]
    );
}

#[test]
fn unsuback_reason_codes_are_reported_per_filter() {
    let mut h = Harness::connected_with(options());
    h.session
        .unsubscribe(h.now, vec!["a".into(), "b".into(), "c".into()])
        .unwrap();
    let sent = h.sent();
    let [common::Sent::Unsubscribe { pkid, .. }] = sent.as_slice() else {
        panic!("{sent:?}")
    };
    // UNSUBACK: success, no subscription existed (not a failure), not authorized.
    let [hi, lo] = pkid.to_be_bytes();
    h.feed(&[0xB0, 0x06, hi, lo, 0x00, 0x00, 0x11, 0x87]);
    assert_eq!(
        h.events(),
        vec![Event::Unsubscribed {
            filters: vec!["a".into(), "b".into(), "c".into()],
            refused: vec![(
                "c".into(),
                mqtt_session::Refusal {
                    code: 0x87,
                    reason: "not authorized".into()
                }
            )]
        }]
    );
}

#[test]
fn an_unsuback_with_the_wrong_number_of_reason_codes_is_a_protocol_violation() {
    let mut h = Harness::connected_with(options());
    h.session
        .unsubscribe(h.now, vec!["a".into(), "b".into()])
        .unwrap();
    let sent = h.sent();
    let [common::Sent::Unsubscribe { pkid, .. }] = sent.as_slice() else {
        panic!("{sent:?}")
    };
    let [hi, lo] = pkid.to_be_bytes();
    h.feed(&[0xB0, 0x04, hi, lo, 0x00, 0x00]);
    let events = h.events();
    let text = misbehaved(&events).expect("a protocol violation");
    assert!(text.contains("1 reason codes for 2 filters"), "{text}");
}
