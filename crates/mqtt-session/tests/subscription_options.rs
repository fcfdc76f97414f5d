//! Subscriptions with MQTT 5 options and identifiers: the bytes on the wire, what is
//! remembered for resubscribing, and identifiers on delivered messages.
#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

mod common;

use bytes::{Bytes, BytesMut};
use mqttbytes::v5;

use common::{broker, Harness, Sent};
use mqtt_session::{
    ConnectOptions, Error, Event, ProtocolVersion, QoS, RetainHandling, Subscription,
};

const V5: ProtocolVersion = ProtocolVersion::V5;

fn options(version: ProtocolVersion) -> ConnectOptions {
    ConnectOptions {
        version,
        client_id: "test".into(),
        reconnect: mqtt_session::ReconnectPolicy {
            jitter: false,
            ..Default::default()
        },
        ..ConnectOptions::default()
    }
}

fn every_option(filter: &str, identifier: Option<u32>) -> Subscription {
    Subscription {
        no_local: true,
        retain_as_published: true,
        retain_handling: RetainHandling::DoNotSend,
        identifier,
        ..Subscription::new(filter, QoS::AtLeastOnce)
    }
}

/// The v5 SUBSCRIBE packets in `raw`, as mqttbytes reads them.
fn subscribes(raw: &[u8]) -> Vec<v5::Subscribe> {
    let mut buf = BytesMut::from(raw);
    let mut out = Vec::new();
    while !buf.is_empty() {
        match v5::read(&mut buf, usize::MAX).unwrap() {
            v5::Packet::Subscribe(s) => out.push(s),
            other => panic!("expected SUBSCRIBE, got {other:?}"),
        }
    }
    out
}

#[test]
fn subscription_options_and_identifier_are_encoded_per_the_spec() {
    let mut h = Harness::connected_with(options(V5));
    h.session
        .subscribe_with_options(h.now, vec![every_option("a", Some(300))])
        .unwrap();
    let raw = h.raw_sent();
    #[rustfmt::skip]
    let expected = [
        0x82, 0x0A, 0x00, 0x01,   // SUBSCRIBE, remaining length 10, packet id 1
        0x03, 0x0B, 0xAC, 0x02,   // properties: subscription identifier 300 (varint)
        0x00, 0x01, b'a',
        0x2D,                     // retain handling 2, RAP, NL, QoS 1 = 0b10_1_1_01
    ];
    assert_eq!(raw, expected);
}

#[test]
fn each_retain_handling_has_its_wire_value() {
    for (handling, bits) in [
        (RetainHandling::SendOnSubscribe, 0x00),
        (RetainHandling::SendIfNewSubscription, 0x10),
        (RetainHandling::DoNotSend, 0x20),
    ] {
        let mut h = Harness::connected_with(options(V5));
        let s = Subscription {
            retain_handling: handling,
            ..Subscription::new("t", QoS::AtMostOnce)
        };
        h.session.subscribe_with_options(h.now, vec![s]).unwrap();
        let raw = h.raw_sent();
        assert_eq!(raw.last(), Some(&bits), "{handling:?}");
    }
}

#[test]
fn options_are_not_sent_over_mqtt_3_1_1() {
    let mut h = Harness::connected_with(options(ProtocolVersion::V3_1_1));
    h.session
        .subscribe_with_options(h.now, vec![every_option("a/#", Some(9))])
        .unwrap();
    let sent = h.sent();
    assert_eq!(
        sent,
        vec![Sent::Subscribe {
            pkid: 1,
            filters: vec![("a/#".into(), 1)]
        }]
    );
}

/// Identifier and (filter, no local, retain as published) of one SUBSCRIBE.
type Resent = (Option<usize>, Vec<(String, bool, bool)>);

#[test]
fn options_and_identifiers_are_remembered_and_sent_again_after_a_new_session() {
    let mut h = Harness::connected_with(options(V5));
    h.session
        .subscribe_with_options(h.now, vec![every_option("a", Some(1))])
        .unwrap();
    h.session
        .subscribe_with_options(h.now, vec![every_option("b", Some(2))])
        .unwrap();
    h.session
        .subscribe(h.now, vec![("c".into(), QoS::ExactlyOnce)])
        .unwrap();
    h.raw_sent();
    h.session.connection_lost(h.now, "gone".into());
    h.events();
    h.fire_next_timer();
    h.events();
    h.session.handle_transport_open(h.now);
    h.raw_sent(); // CONNECT
    h.feed(&broker::connack(V5, false, 0));
    let again = subscribes(&h.raw_sent());
    // One SUBSCRIBE per identifier: a SUBSCRIBE carries at most one.
    let summary: Vec<Resent> = again
        .iter()
        .map(|s| {
            (
                s.properties.as_ref().and_then(|p| p.id),
                s.filters
                    .iter()
                    .map(|f| (f.path.clone(), f.nolocal, f.preserve_retain))
                    .collect(),
            )
        })
        .collect();
    assert_eq!(
        summary,
        vec![
            (Some(1), vec![("a".into(), true, true)]),
            (Some(2), vec![("b".into(), true, true)]),
            (None, vec![("c".into(), false, false)]),
        ]
    );
    assert!(again
        .iter()
        .take(2)
        .all(|s| s.filters[0].retain_forward_rule == v5::RetainForwardRule::Never));
    // Each SUBSCRIBE is answered on its own.
    for s in &again {
        h.feed(&broker::suback(V5, s.pkid, &[1]));
    }
    let answered = h
        .events()
        .into_iter()
        .filter(|e| matches!(e, Event::Subscribed { .. }))
        .count();
    assert_eq!(answered, 3);
}

#[test]
fn subscriptions_made_offline_keep_their_options_on_a_resumed_session() {
    let mut h = Harness::new(3, options(V5));
    h.session
        .subscribe_with_options(h.now, vec![every_option("x/+", Some(5))])
        .unwrap();
    h.events();
    h.session.handle_transport_open(h.now);
    h.raw_sent();
    h.feed(&broker::connack(V5, true, 0));
    let sent = subscribes(&h.raw_sent());
    assert_eq!(sent.len(), 1);
    assert_eq!(sent[0].properties.as_ref().and_then(|p| p.id), Some(5));
    assert!(sent[0].filters[0].nolocal);
}

#[test]
fn invalid_options_are_api_misuse_and_nothing_is_sent() {
    let mut h = Harness::connected_with(options(V5));
    let cases = [
        vec![every_option("a", Some(1)), every_option("b", Some(2))],
        vec![every_option("a", Some(0))],
        vec![every_option("a", Some(268_435_456))],
        vec![every_option("$share/g/a", None)],
        vec![every_option("a/#/b", None)],
        vec![],
    ];
    for case in cases {
        let result = h.session.subscribe_with_options(h.now, case.clone());
        assert!(matches!(result, Err(Error::ApiMisuse(_))), "{case:?}");
    }
    assert_eq!(h.raw_sent(), Vec::<u8>::new());
}

#[test]
fn subscription_identifiers_arrive_on_the_message() {
    let mut h = Harness::connected_with(options(V5));
    let mut b = BytesMut::new();
    v5::Publish {
        dup: false,
        qos: mqttbytes::QoS::AtMostOnce,
        retain: false,
        topic: "a".into(),
        pkid: 0,
        properties: Some(v5::PublishProperties {
            payload_format_indicator: None,
            message_expiry_interval: None,
            topic_alias: None,
            response_topic: None,
            correlation_data: None,
            user_properties: Vec::new(),
            subscription_identifiers: vec![1, 300],
            content_type: None,
        }),
        payload: Bytes::from_static(b"1"),
    }
    .write(&mut b)
    .unwrap();
    h.feed(&b);
    let events = h.events();
    let [Event::Message(m)] = events.as_slice() else {
        panic!("{events:?}")
    };
    assert_eq!(m.properties.subscription_identifiers, vec![1, 300]);
}
