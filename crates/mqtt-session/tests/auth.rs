//! AUTH (packet type 15) from the server. The session never starts MQTT 5 enhanced
//! authentication (its CONNECT has no Authentication Method), so an AUTH is a broker
//! protocol violation (§4.12); over 3.1.1, type 15 is reserved and the bytes are
//! malformed. Either way: the connection closes with a named error and a reconnect is
//! scheduled, never a panic.
#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

mod common;

use common::Harness;
use mqtt_session::{ConnectOptions, ConnectionState, Error, Event, ProtocolVersion};

/// AUTH with reason 0x18 "continue authentication" and an empty property block.
const AUTH_CONTINUE: [u8; 4] = [0xF0, 0x02, 0x18, 0x00];

fn options(version: ProtocolVersion) -> ConnectOptions {
    ConnectOptions {
        version,
        client_id: "test".into(),
        ..ConnectOptions::default()
    }
}

/// The session closed the connection with `error` and scheduled a reconnect.
fn assert_lost_and_rescheduled(h: &mut Harness) -> Error {
    let events = h.events();
    let [Event::ConnectionLost { reason }, Event::ReconnectScheduled { .. }] = events.as_slice()
    else {
        panic!("{events:?}")
    };
    assert_eq!(h.session.state(), ConnectionState::ReconnectWait);
    assert!(h.session.poll_timeout().is_some(), "a reconnect is armed");
    assert_eq!(h.sent(), vec![], "nothing is sent on a dead connection");
    reason.clone()
}

#[test]
fn a_v5_auth_after_connack_closes_the_connection_naming_the_packet_and_why() {
    let mut h = Harness::connected(ProtocolVersion::V5);
    h.feed(&AUTH_CONTINUE);
    let reason = assert_lost_and_rescheduled(&mut h);
    let Error::BrokerMisbehaved(text) = &reason else {
        panic!("{reason:?}")
    };
    assert!(text.contains("AUTH"), "{text}");
    assert!(text.contains("0x18 continue authentication"), "{text}");
    assert!(
        text.contains("never asked for enhanced authentication"),
        "{text}"
    );
    // The reconnect then really happens.
    h.fire_next_timer();
    assert_eq!(h.events(), vec![Event::TransportRequested]);
    h.open_and_accept(false);
    assert_eq!(h.session.state(), ConnectionState::Connected);
}

#[test]
fn a_v5_auth_instead_of_connack_closes_the_connection_and_schedules_a_reconnect() {
    let mut h = Harness::new(1, options(ProtocolVersion::V5));
    h.events();
    h.session.handle_transport_open(h.now);
    h.raw_sent();
    h.feed(&AUTH_CONTINUE);
    let reason = assert_lost_and_rescheduled(&mut h);
    let Error::BrokerMisbehaved(text) = &reason else {
        panic!("{reason:?}")
    };
    assert!(
        text.contains("AUTH") && text.contains("before CONNACK"),
        "{text}"
    );
}

#[test]
fn a_v5_auth_in_its_shortest_form_means_success_and_is_still_refused() {
    let mut h = Harness::connected(ProtocolVersion::V5);
    h.feed(&[0xF0, 0x00]);
    let reason = assert_lost_and_rescheduled(&mut h);
    assert!(
        matches!(&reason, Error::BrokerMisbehaved(t) if t.contains("AUTH (reason code 0x00 success)")),
        "{reason:?}"
    );
}

#[test]
fn a_v5_auth_with_reserved_flags_is_malformed() {
    let mut h = Harness::connected(ProtocolVersion::V5);
    h.feed(&[0xF1, 0x00]);
    let reason = assert_lost_and_rescheduled(&mut h);
    assert!(
        matches!(&reason, Error::Codec(t) if t.contains("AUTH")),
        "{reason:?}"
    );
}

#[test]
fn packet_type_15_over_3_1_1_is_a_malformed_packet() {
    for bytes in [&[0xF0, 0x00][..], &AUTH_CONTINUE] {
        let mut h = Harness::connected(ProtocolVersion::V3_1_1);
        h.feed(bytes);
        let reason = assert_lost_and_rescheduled(&mut h);
        assert!(
            matches!(&reason, Error::Codec(t) if t.contains("packet type 15 is reserved")),
            "{reason:?}"
        );
    }
    let mut h = Harness::new(1, options(ProtocolVersion::V3_1_1));
    h.events();
    h.session.handle_transport_open(h.now);
    h.raw_sent();
    h.feed(&[0xF0, 0x00]);
    let reason = assert_lost_and_rescheduled(&mut h);
    assert!(matches!(reason, Error::Codec(_)), "{reason:?}");
}
