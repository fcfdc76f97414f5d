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
        matches!(events.as_slice(), [Event::Message(m)] if m.topic == "a/x"),
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
