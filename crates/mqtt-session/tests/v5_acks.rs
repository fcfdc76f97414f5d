//! MQTT 5 reason codes on the acks that end a flow: PUBCOMP and PUBREL (QoS 2) and
//! UNSUBACK. A failure code is reported, never swallowed, and the session's state follows
//! what the broker really holds.
#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

mod common;

use bytes::BytesMut;
use mqttbytes::v5;

use common::{broker, Harness, Sent};
use mqtt_session::{ConnectOptions, Event, ProtocolVersion, QoS, Refusal, Subscription};

const V5: ProtocolVersion = ProtocolVersion::V5;

fn options() -> ConnectOptions {
    ConnectOptions {
        version: V5,
        client_id: "test".into(),
        ..ConnectOptions::default()
    }
}

/// The one packet id among `sent`, which must be exactly one SUBSCRIBE or UNSUBSCRIBE.
fn only_pkid(sent: &[Sent]) -> u16 {
    match sent {
        [Sent::Subscribe { pkid, .. } | Sent::Unsubscribe { pkid, .. }] => *pkid,
        other => panic!("{other:?}"),
    }
}

/// Loses the connection, fires the reconnect timer and opens a transport; returns after
/// the CONNECT was sent.
fn reconnect_transport(h: &mut Harness) {
    h.session.connection_lost(h.now, "socket closed".into());
    h.events();
    h.fire_next_timer();
    assert_eq!(h.events(), vec![Event::TransportRequested]);
    h.session.handle_transport_open(h.now);
    h.raw_sent();
}

#[test]
fn a_refused_unsubscribe_keeps_the_subscription_delivered_and_resent_after_reconnect() {
    let mut h = Harness::connected_with(options());
    let a = Subscription {
        no_local: true,
        ..Subscription::new("a/+", QoS::AtLeastOnce)
    };
    h.session
        .subscribe_with_options(h.now, vec![a, Subscription::new("b", QoS::AtMostOnce)])
        .unwrap();
    let pkid = only_pkid(&h.sent());
    h.feed(&broker::suback(V5, pkid, &[1, 0]));
    h.events();

    h.session
        .unsubscribe(h.now, vec!["a/+".into(), "b".into()])
        .unwrap();
    let [hi, lo] = only_pkid(&h.sent()).to_be_bytes();
    // UNSUBACK: not authorized for "a/+", success for "b".
    h.feed(&[0xB0, 0x05, hi, lo, 0x00, 0x87, 0x00]);
    assert_eq!(
        h.events(),
        vec![Event::Unsubscribed {
            filters: vec!["a/+".into(), "b".into()],
            refused: vec![(
                "a/+".into(),
                Refusal {
                    code: 0x87,
                    reason: "not authorized".into()
                }
            )]
        }]
    );

    // The broker still has the subscription: its messages arrive and are delivered.
    h.feed(&broker::publish(V5, "a/x", b"1", 1, 5, false));
    let events = h.events();
    assert!(
        matches!(events.as_slice(), [Event::Message(m)] if &*m.topic == "a/x"),
        "{events:?}"
    );

    // A new session gets the refused one again, with its options; "b" stays gone.
    reconnect_transport(&mut h);
    h.feed(&broker::connack(V5, false, 0));
    h.events();
    let mut raw = BytesMut::from(h.raw_sent().as_slice());
    let Ok(v5::Packet::Subscribe(s)) = v5::read(&mut raw, usize::MAX) else {
        panic!("not a SUBSCRIBE")
    };
    assert!(raw.is_empty(), "one SUBSCRIBE only");
    let filters: Vec<(String, bool)> = s.filters.into_iter().map(|f| (f.path, f.nolocal)).collect();
    assert_eq!(filters, vec![("a/+".to_owned(), true)]);
}

#[test]
fn an_accepted_unsubscribe_is_forgotten_also_when_the_broker_had_no_such_subscription() {
    let mut h = Harness::connected_with(options());
    h.session
        .subscribe(h.now, vec![("a".into(), QoS::AtMostOnce)])
        .unwrap();
    let pkid = only_pkid(&h.sent());
    h.feed(&broker::suback(V5, pkid, &[0]));
    h.session.unsubscribe(h.now, vec!["a".into()]).unwrap();
    let [hi, lo] = only_pkid(&h.sent()).to_be_bytes();
    // 0x11 "no subscription existed" is a success code.
    h.feed(&[0xB0, 0x04, hi, lo, 0x00, 0x11]);
    h.events();
    reconnect_transport(&mut h);
    h.feed(&broker::connack(V5, false, 0));
    h.events();
    assert_eq!(h.sent(), vec![]);
}

/// An accepting CONNACK that lets one QoS 1/2 publish be in flight at a time.
fn connack_receive_maximum_one() -> Vec<u8> {
    let mut props = v5::ConnAckProperties::new();
    props.receive_max = Some(1);
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

fn pubcomp_not_found(pkid: u16, reason_string: &str) -> Vec<u8> {
    let mut b = BytesMut::new();
    v5::PubComp {
        pkid,
        reason: v5::PubCompReason::PacketIdentifierNotFound,
        properties: Some(v5::PubCompProperties {
            reason_string: Some(reason_string.into()),
            user_properties: Vec::new(),
        }),
    }
    .write(&mut b)
    .unwrap();
    b.to_vec()
}

#[test]
fn a_pubcomp_failure_ends_the_qos2_flow_as_unconfirmed_with_the_reason_string() {
    let mut h = Harness::new(3, options());
    h.events();
    h.session.handle_transport_open(h.now);
    h.raw_sent();
    h.feed(&connack_receive_maximum_one());
    h.events();
    let id = h
        .session
        .publish(h.now, "t/1", "a".into(), QoS::ExactlyOnce, false)
        .unwrap()
        .unwrap();
    // The broker's receive maximum holds the second one back.
    let second = h
        .session
        .publish(h.now, "t/2", "b".into(), QoS::ExactlyOnce, false)
        .unwrap()
        .unwrap();
    assert_eq!(h.sent().len(), 1);
    h.feed(&broker::pubrec(id));
    assert_eq!(h.sent(), vec![Sent::PubRel(id)]);
    h.feed(&pubcomp_not_found(id, "session state lost"));
    assert_eq!(
        h.events(),
        vec![Event::PublishUnconfirmed {
            packet_id: id,
            topic: "t/1".into(),
            reason: Refusal {
                code: 0x92,
                reason: "packet identifier not found: session state lost".into()
            }
        }]
    );
    // The flow is over: its slot goes to the queued publish.
    let sent = h.sent();
    assert!(
        matches!(sent.as_slice(), [Sent::Publish { pkid, topic, .. }] if *pkid == second && topic == "t/2"),
        "{sent:?}"
    );
    // A late PUBCOMP for the finished id is ignored.
    h.feed(&broker::pubcomp(id));
    assert_eq!(h.events(), vec![]);
}

#[test]
fn a_pubrel_failure_still_releases_the_inbound_id_without_delivering_twice() {
    let mut h = Harness::connected_with(options());
    let message_count = |events: &[Event]| {
        events
            .iter()
            .filter(|e| matches!(e, Event::Message(_)))
            .count()
    };
    h.feed(&broker::publish(V5, "t", b"1", 2, 7, false));
    assert_eq!(message_count(&h.events()), 1);
    h.feed(&broker::publish(V5, "t", b"1", 2, 7, true));
    assert_eq!(
        message_count(&h.events()),
        0,
        "a duplicate is not delivered"
    );
    assert_eq!(h.sent(), vec![Sent::PubRec(7), Sent::PubRec(7)]);
    // PUBREL with 0x92 "packet identifier not found".
    h.feed(&[0x62, 0x03, 0x00, 0x07, 0x92]);
    assert_eq!(h.events(), vec![], "nothing delivered again");
    assert_eq!(h.sent(), vec![Sent::PubComp(7)]);
    // The id was released: the next PUBLISH with it is a new message.
    h.feed(&broker::publish(V5, "t", b"2", 2, 7, false));
    assert_eq!(message_count(&h.events()), 1);
    assert_eq!(h.session.state(), mqtt_session::ConnectionState::Connected);
}

#[test]
fn a_pubrel_or_pubcomp_with_a_code_the_spec_does_not_allow_is_malformed() {
    for bytes in [
        [0x62, 0x03, 0x00, 0x07, 0x80],
        [0x70, 0x03, 0x00, 0x07, 0x87],
    ] {
        let mut h = Harness::connected_with(options());
        h.feed(&bytes);
        let events = h.events();
        assert!(
            matches!(
                events.first(),
                Some(Event::ConnectionLost {
                    reason: mqtt_session::Error::Codec(_)
                })
            ),
            "{bytes:02x?}: {events:?}"
        );
    }
}
