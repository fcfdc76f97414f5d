//! MQTT 5 CONNACK capabilities (§3.2.2.3): Maximum QoS, Retain Available, Wildcard,
//! Shared and Subscription Identifier availability. The session never sends what the
//! broker declared unsupported: `publish` fails, queued and in-flight publishes are
//! reported refused, unsupported filters are answered locally; all per connection.
#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

mod common;

use bytes::{Bytes, BytesMut};
use mqttbytes::v5;

use common::{broker, Harness, Sent};
use mqtt_session::{
    BrokerCapabilities, ConnectOptions, ConnectionState, Error, Event, ProtocolVersion, QoS,
    Refusal, Subscription,
};

const V5: ProtocolVersion = ProtocolVersion::V5;

fn options() -> ConnectOptions {
    ConnectOptions {
        version: V5,
        client_id: "test".into(),
        ..ConnectOptions::default()
    }
}

/// An accepting CONNACK whose properties `declare` sets.
fn connack(session_present: bool, declare: impl FnOnce(&mut v5::ConnAckProperties)) -> Vec<u8> {
    let mut props = v5::ConnAckProperties::new();
    declare(&mut props);
    let mut b = BytesMut::new();
    v5::ConnAck {
        session_present,
        code: v5::ConnectReturnCode::Success,
        properties: Some(props),
    }
    .write(&mut b)
    .unwrap();
    b.to_vec()
}

fn max_qos(value: u8) -> impl FnOnce(&mut v5::ConnAckProperties) {
    move |p| p.max_qos = Some(value)
}

fn no_retain(p: &mut v5::ConnAckProperties) {
    p.retain_available = Some(0);
}

fn no_wildcards_shared_or_identifiers(p: &mut v5::ConnAckProperties) {
    p.wildcard_subscription_available = Some(0);
    p.shared_subscription_available = Some(0);
    p.subscription_identifiers_available = Some(0);
}

/// Opens the transport and feeds `connack`; returns the events and what was sent after
/// the CONNECT.
fn accept(h: &mut Harness, connack: &[u8]) -> (Vec<Event>, Vec<Sent>) {
    h.session.handle_transport_open(h.now);
    h.raw_sent();
    h.feed(connack);
    (h.events(), h.sent())
}

fn connected_declaring(declare: impl FnOnce(&mut v5::ConnAckProperties)) -> Harness {
    let mut h = Harness::new(5, options());
    h.events();
    let (events, _) = accept(&mut h, &connack(false, declare));
    assert!(
        matches!(events.first(), Some(Event::Connected { .. })),
        "{events:?}"
    );
    h
}

/// Loses the connection and waits for the reconnect to request a transport.
fn lose_and_wait(h: &mut Harness) {
    h.session.connection_lost(h.now, "socket closed".into());
    h.events();
    h.fire_next_timer();
    assert_eq!(h.events(), vec![Event::TransportRequested]);
}

fn publish(h: &mut Harness, topic: &str, qos: QoS, retain: bool) -> Result<Option<u16>, Error> {
    h.session
        .publish(h.now, topic, Bytes::from_static(b"1"), qos, retain)
}

fn refusal(code: u8, text: &str, declared: &str) -> Refusal {
    Refusal {
        code,
        reason: format!(
            "{text}: refused locally because the broker declared it unsupported \
             ({declared} in CONNACK)"
        ),
    }
}

#[test]
fn a_publish_above_the_broker_maximum_qos_is_refused_before_anything_is_sent() {
    let mut h = connected_declaring(max_qos(1));
    let result = publish(&mut h, "t", QoS::ExactlyOnce, false);
    assert_eq!(
        result,
        Err(Error::QosNotSupported {
            requested: QoS::ExactlyOnce,
            maximum: QoS::AtLeastOnce
        })
    );
    let text = result.unwrap_err().to_string();
    assert!(
        text.contains("up to QoS 1") && text.contains("not QoS 2"),
        "{text}"
    );
    assert_eq!(h.sent(), vec![]);
    assert_eq!(h.session.queued_publishes(), 0);
    // At the maximum it goes out as asked, not downgraded.
    let id = publish(&mut h, "t", QoS::AtLeastOnce, false).unwrap();
    let sent = h.sent();
    assert!(
        matches!(sent.as_slice(), [Sent::Publish { qos: 1, pkid, .. }] if Some(*pkid) == id),
        "{sent:?}"
    );

    let mut h = connected_declaring(max_qos(0));
    assert!(matches!(
        publish(&mut h, "t", QoS::AtLeastOnce, false),
        Err(Error::QosNotSupported {
            maximum: QoS::AtMostOnce,
            ..
        })
    ));
    assert_eq!(h.sent(), vec![]);
}

#[test]
fn a_retained_publish_is_refused_when_the_broker_declared_no_retain() {
    let mut h = connected_declaring(no_retain);
    assert_eq!(
        publish(&mut h, "t", QoS::AtMostOnce, true),
        Err(Error::RetainNotSupported)
    );
    assert_eq!(h.sent(), vec![]);
    publish(&mut h, "t", QoS::AtMostOnce, false).unwrap();
    let sent = h.sent();
    assert!(
        matches!(sent.as_slice(), [Sent::Publish { retain: false, .. }]),
        "{sent:?}"
    );
}

#[test]
fn publishes_queued_offline_that_the_broker_cannot_take_are_reported_refused_not_dropped() {
    let mut h = Harness::new(5, options());
    h.events();
    let a = publish(&mut h, "a", QoS::ExactlyOnce, false).unwrap();
    let b = publish(&mut h, "b", QoS::AtMostOnce, true).unwrap();
    let c = publish(&mut h, "c", QoS::AtLeastOnce, false).unwrap();
    let d = publish(&mut h, "d", QoS::AtLeastOnce, true).unwrap();
    assert_eq!(h.session.queued_publishes(), 4);
    let (events, sent) = accept(
        &mut h,
        &connack(false, |p| {
            p.max_qos = Some(1);
            p.retain_available = Some(0);
        }),
    );
    let qos = refusal(0x9B, "QoS not supported", "Maximum QoS 1");
    let retain = refusal(0x9A, "retain not supported", "Retain Available 0");
    assert_eq!(
        events,
        vec![
            Event::Connected {
                session_present: false
            },
            Event::PublishRefused {
                packet_id: a,
                topic: "a".into(),
                reason: qos
            },
            Event::PublishRefused {
                packet_id: b,
                topic: "b".into(),
                reason: retain.clone()
            },
            Event::PublishRefused {
                packet_id: d,
                topic: "d".into(),
                reason: retain
            },
        ]
    );
    assert_eq!(b, None, "a QoS 0 publish has no packet id");
    assert!(
        matches!(sent.as_slice(), [Sent::Publish { topic, pkid, .. }] if topic == "c" && Some(*pkid) == c),
        "{sent:?}"
    );
    assert_eq!(h.session.queued_publishes(), 0);
}

#[test]
fn an_in_flight_publish_is_not_sent_again_to_a_broker_that_now_declares_it_unsupported() {
    let mut h = Harness::connected_with(options());
    let released = publish(&mut h, "r", QoS::ExactlyOnce, false)
        .unwrap()
        .unwrap();
    let unacked = publish(&mut h, "u", QoS::ExactlyOnce, false)
        .unwrap()
        .unwrap();
    h.sent();
    h.feed(&broker::pubrec(released));
    assert_eq!(h.sent(), vec![Sent::PubRel(released)]);
    lose_and_wait(&mut h);
    let (events, sent) = accept(&mut h, &connack(true, max_qos(1)));
    assert_eq!(
        events,
        vec![
            Event::Connected {
                session_present: true
            },
            Event::PublishRefused {
                packet_id: Some(unacked),
                topic: "u".into(),
                reason: refusal(0x9B, "QoS not supported", "Maximum QoS 1")
            },
        ]
    );
    // The broker already holds the released one: only PUBREL, no PUBLISH, goes again.
    assert_eq!(sent, vec![Sent::PubRel(released)]);
    h.feed(&broker::pubcomp(released));
    assert_eq!(
        h.events(),
        vec![Event::Published {
            packet_id: released,
            topic: "r".into()
        }]
    );
}

#[test]
fn unsupported_filters_are_refused_locally_and_the_others_of_the_request_still_sent() {
    let mut h = connected_declaring(no_wildcards_shared_or_identifiers);
    h.session
        .subscribe(
            h.now,
            vec![
                ("a/+".into(), QoS::AtLeastOnce),
                ("$share/g/t".into(), QoS::AtLeastOnce),
                ("plain".into(), QoS::AtLeastOnce),
                ("b/#".into(), QoS::AtMostOnce),
            ],
        )
        .unwrap();
    let sent = h.sent();
    let [Sent::Subscribe { pkid, filters }] = sent.as_slice() else {
        panic!("{sent:?}")
    };
    assert_eq!(filters, &vec![("plain".to_owned(), 1)]);
    assert_eq!(h.events(), vec![], "answered together with the SUBACK");
    h.feed(&broker::suback(V5, *pkid, &[1]));
    let wildcard = refusal(
        0xA2,
        "wildcard subscriptions not supported",
        "Wildcard Subscription Available 0",
    );
    assert_eq!(
        h.events(),
        vec![Event::Subscribed {
            results: vec![
                ("a/+".into(), Err(wildcard.clone())),
                (
                    "$share/g/t".into(),
                    Err(refusal(
                        0x9E,
                        "shared subscriptions not supported",
                        "Shared Subscription Available 0"
                    ))
                ),
                ("plain".into(), Ok(QoS::AtLeastOnce)),
                ("b/#".into(), Err(wildcard)),
            ]
        }]
    );
}

#[test]
fn a_subscription_identifier_the_broker_does_not_support_is_answered_at_once() {
    let mut h = connected_declaring(no_wildcards_shared_or_identifiers);
    let with_id = Subscription {
        identifier: Some(4),
        ..Subscription::new("plain", QoS::AtMostOnce)
    };
    h.session
        .subscribe_with_options(h.now, vec![with_id])
        .unwrap();
    assert_eq!(h.sent(), vec![]);
    assert_eq!(
        h.events(),
        vec![Event::Subscribed {
            results: vec![(
                "plain".into(),
                Err(refusal(
                    0xA1,
                    "subscription identifiers not supported",
                    "Subscription Identifiers Available 0"
                ))
            )]
        }]
    );
    // Not remembered: a later new session does not send it.
    lose_and_wait(&mut h);
    let (_, sent) = accept(&mut h, &connack(false, |_| {}));
    assert_eq!(sent, vec![]);
}

#[test]
fn a_subscription_above_the_maximum_qos_is_sent_as_asked() {
    let mut h = connected_declaring(max_qos(0));
    h.session
        .subscribe(h.now, vec![("t".into(), QoS::ExactlyOnce)])
        .unwrap();
    let sent = h.sent();
    assert!(
        matches!(sent.as_slice(), [Sent::Subscribe { filters, .. }] if filters == &vec![("t".to_owned(), 2)]),
        "{sent:?}"
    );
}

#[test]
fn remembered_subscriptions_are_screened_against_each_new_connack_and_refused_ones_forgotten() {
    let mut h = Harness::connected_with(options());
    h.session
        .subscribe(
            h.now,
            vec![
                ("a/#".into(), QoS::AtMostOnce),
                ("b".into(), QoS::AtMostOnce),
            ],
        )
        .unwrap();
    let sent = h.sent();
    let [Sent::Subscribe { pkid, .. }] = sent.as_slice() else {
        panic!("{sent:?}")
    };
    h.feed(&broker::suback(V5, *pkid, &[0, 0]));
    h.events();

    lose_and_wait(&mut h);
    let (_, sent) = accept(&mut h, &connack(false, no_wildcards_shared_or_identifiers));
    let [Sent::Subscribe { pkid, filters }] = sent.as_slice() else {
        panic!("{sent:?}")
    };
    assert_eq!(filters, &vec![("b".to_owned(), 0)]);
    h.feed(&broker::suback(V5, *pkid, &[0]));
    let events = h.events();
    let [Event::Subscribed { results }] = events.as_slice() else {
        panic!("{events:?}")
    };
    assert!(
        matches!(results.as_slice(), [(a, Err(r)), (b, Ok(QoS::AtMostOnce))] if a == "a/#" && r.code == 0xA2 && b == "b"),
        "{results:?}"
    );

    // Forgotten like a broker refusal: the next broker, which allows wildcards, gets "b".
    lose_and_wait(&mut h);
    let (_, sent) = accept(&mut h, &connack(false, |_| {}));
    assert!(
        matches!(sent.as_slice(), [Sent::Subscribe { filters, .. }] if filters == &vec![("b".to_owned(), 0)]),
        "{sent:?}"
    );
}

#[test]
fn an_unanswered_subscribe_resent_on_a_resumed_session_is_screened_against_the_new_connack() {
    let mut h = Harness::connected_with(options());
    h.session
        .subscribe(
            h.now,
            vec![
                ("a/+".into(), QoS::AtMostOnce),
                ("b".into(), QoS::AtLeastOnce),
            ],
        )
        .unwrap();
    let sent = h.sent();
    let [Sent::Subscribe { pkid: first, .. }] = sent.as_slice() else {
        panic!("{sent:?}")
    };
    let first = *first;
    lose_and_wait(&mut h);
    let (_, sent) = accept(&mut h, &connack(true, no_wildcards_shared_or_identifiers));
    assert_eq!(
        sent,
        vec![Sent::Subscribe {
            pkid: first,
            filters: vec![("b".to_owned(), 1)]
        }]
    );
    h.feed(&broker::suback(V5, first, &[1]));
    let events = h.events();
    let [Event::Subscribed { results }] = events.as_slice() else {
        panic!("{events:?}")
    };
    assert!(
        matches!(results.as_slice(), [(a, Err(r)), (b, Ok(QoS::AtLeastOnce))] if a == "a/+" && r.code == 0xA2 && b == "b"),
        "{results:?}"
    );
}

#[test]
fn capabilities_are_exposed_per_connection_and_a_new_connack_replaces_them() {
    let mut h = Harness::new(5, options());
    assert_eq!(h.session.broker_capabilities(), None);
    h.events();
    accept(
        &mut h,
        &connack(false, |p| {
            p.max_qos = Some(1);
            no_retain(p);
            no_wildcards_shared_or_identifiers(p);
        }),
    );
    let caps = *h.session.broker_capabilities().expect("connected");
    assert_eq!(caps.maximum_qos, QoS::AtLeastOnce);
    assert!(!caps.retain_available);
    assert!(!caps.wildcard_subscription_available);
    assert!(!caps.shared_subscription_available);
    assert!(!caps.subscription_identifiers_available);

    h.session.connection_lost(h.now, "socket closed".into());
    assert_eq!(
        h.session.broker_capabilities(),
        None,
        "unknown while offline"
    );
    h.events();
    h.fire_next_timer();
    h.events();
    accept(&mut h, &connack(false, |_| {}));
    assert_eq!(
        h.session.broker_capabilities(),
        Some(&BrokerCapabilities::default())
    );
    publish(&mut h, "t", QoS::ExactlyOnce, true).unwrap();
    assert_eq!(h.sent().len(), 1);
}

#[test]
fn over_3_1_1_the_broker_declares_nothing_so_everything_is_allowed() {
    let mut h = Harness::connected(ProtocolVersion::V3_1_1);
    assert_eq!(
        h.session.broker_capabilities(),
        Some(&BrokerCapabilities::default())
    );
    publish(&mut h, "t", QoS::ExactlyOnce, true).unwrap();
    h.session
        .subscribe(
            h.now,
            vec![
                ("a/+".into(), QoS::AtMostOnce),
                ("$share/g/t".into(), QoS::AtMostOnce),
            ],
        )
        .unwrap();
    let sent = h.sent();
    assert!(
        matches!(sent.as_slice(), [Sent::Publish { qos: 2, retain: true, .. }, Sent::Subscribe { filters, .. }] if filters.len() == 2),
        "{sent:?}"
    );
}

#[test]
fn a_connack_declaring_a_value_mqtt_5_forbids_is_a_broker_violation() {
    for declare in [
        (|p: &mut v5::ConnAckProperties| p.retain_available = Some(2)) as fn(&mut _),
        |p| p.max_qos = Some(3),
    ] {
        let mut h = Harness::new(5, options());
        h.events();
        let (events, sent) = accept(&mut h, &connack(false, declare));
        assert!(
            matches!(events.as_slice(), [Event::ConnectionLost { reason: Error::BrokerMisbehaved(t) }, Event::ReconnectScheduled { .. }] if t.contains("MQTT 5 allows only 0 or 1")),
            "{events:?}"
        );
        assert_eq!(sent, vec![]);
        assert_eq!(h.session.state(), ConnectionState::ReconnectWait);
    }
}

#[test]
fn local_refusals_of_an_unanswered_subscribe_are_reported_when_the_session_is_not_resumed() {
    let mut h = connected_declaring(no_wildcards_shared_or_identifiers);
    h.session
        .subscribe(
            h.now,
            vec![
                ("a/+".into(), QoS::AtMostOnce),
                ("b".into(), QoS::AtMostOnce),
            ],
        )
        .unwrap();
    h.sent();
    h.session.connection_lost(h.now, "socket closed".into());
    h.events();
    h.fire_next_timer();
    h.events();
    let (events, sent) = accept(&mut h, &connack(false, no_wildcards_shared_or_identifiers));
    let [Event::Connected { .. }, Event::Subscribed { results }] = events.as_slice() else {
        panic!("{events:?}")
    };
    assert!(
        matches!(results.as_slice(), [(a, Err(r))] if a == "a/+" && r.code == 0xA2),
        "{results:?}"
    );
    // "b" is answered by the SUBACK of the new session's SUBSCRIBE.
    assert!(
        matches!(sent.as_slice(), [Sent::Subscribe { filters, .. }] if filters == &vec![("b".to_owned(), 0)]),
        "{sent:?}"
    );
}
