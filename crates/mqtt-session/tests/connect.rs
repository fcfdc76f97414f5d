//! CONNECT bytes, CONNACK acceptance and refusals, for both protocol versions.
#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

mod common;

use core::time::Duration;

use common::{broker, Harness, Sent};
use mqtt_session::{
    ConnectOptions, ConnectionState, Error, Event, Instant, ProtocolVersion, Refusal, Session, Will,
};

fn opts(version: ProtocolVersion) -> ConnectOptions {
    ConnectOptions {
        version,
        client_id: "c1".into(),
        ..ConnectOptions::default()
    }
}

#[test]
fn v311_connect_bytes_with_credentials_are_exact() {
    let mut h = Harness::new(
        1,
        ConnectOptions {
            username: Some("u".into()),
            password: Some("p".into()),
            ..opts(ProtocolVersion::V3_1_1)
        },
    );
    assert_eq!(h.events(), vec![Event::TransportRequested]);
    assert_eq!(h.session.state(), ConnectionState::WaitingForTransport);
    h.session.handle_transport_open(h.now);
    assert_eq!(h.session.state(), ConnectionState::Connecting);
    #[rustfmt::skip]
    let expected = [
        0x10, 0x14, 0x00, 0x04, b'M', b'Q', b'T', b'T', 0x04, 0xC2, 0x00, 0x1E,
        0x00, 0x02, b'c', b'1', 0x00, 0x01, b'u', 0x00, 0x01, b'p',
    ];
    assert_eq!(h.raw_sent(), expected);
}

#[test]
fn v5_connect_bytes_without_credentials_announce_maximum_packet_size_and_topic_aliases() {
    let mut h = Harness::new(1, opts(ProtocolVersion::V5));
    h.session.handle_transport_open(h.now);
    #[rustfmt::skip]
    let expected = [
        0x10, 0x17, 0x00, 0x04, b'M', b'Q', b'T', b'T', 0x05, 0x02, 0x00, 0x1E,
        0x08, 0x27, 0x00, 0x10, 0x00, 0x00, // properties: maximum packet size 1 MiB,
        0x22, 0x00, 0x10,                   // topic alias maximum 16
        0x00, 0x02, b'c', b'1',
    ];
    assert_eq!(h.raw_sent(), expected);
}

#[test]
fn v5_connect_carries_credentials_will_and_keep_alive() {
    let will = Will {
        topic: "dev/status".into(),
        payload: "offline".into(),
        qos: mqtt_session::QoS::AtLeastOnce,
        retain: true,
        properties: Default::default(),
        delay: Duration::ZERO,
    };
    let options = ConnectOptions {
        username: Some("user".into()),
        password: Some("pw".into()),
        keep_alive: Duration::from_secs(60),
        clean_start: false,
        will: Some(will),
        ..opts(ProtocolVersion::V5)
    };
    let mut h = Harness::new(1, options);
    h.session.handle_transport_open(h.now);
    assert_eq!(
        h.sent(),
        vec![Sent::Connect {
            level: 5,
            client_id: "c1".into(),
            keep_alive: 60,
            clean: false,
            username: Some("user".into()),
            password: Some("pw".into()),
            will_topic: Some("dev/status".into()),
        }]
    );
}

#[test]
fn an_empty_client_id_is_generated_from_the_seed_and_kept_across_connects() {
    for version in [ProtocolVersion::V3_1_1, ProtocolVersion::V5] {
        let options = ConnectOptions {
            version,
            ..ConnectOptions::default()
        };
        let mut h = Harness::new(99, options.clone());
        h.session.handle_transport_open(h.now);
        let Some(Sent::Connect { client_id, .. }) = h.sent().pop() else {
            panic!("no CONNECT")
        };
        assert!(
            client_id.starts_with("feedboard-") && client_id.len() == 22,
            "{client_id}"
        );
        assert_eq!(h.session.client_id(), Some(client_id.as_str()));
        h.session.disconnect(h.now);
        h.session.connect(options, h.now).unwrap();
        assert_eq!(h.session.client_id(), Some(client_id.as_str()));
        let other = Harness::new(
            100,
            ConnectOptions {
                version,
                ..ConnectOptions::default()
            },
        );
        assert_ne!(other.session.client_id(), Some(client_id.as_str()));
    }
}

#[test]
fn a_v5_assigned_client_id_is_honoured() {
    let mut h = Harness::new(
        1,
        ConnectOptions {
            version: ProtocolVersion::V5,
            ..ConnectOptions::default()
        },
    );
    h.events();
    h.session.handle_transport_open(h.now);
    h.sent();
    // CONNACK with property 0x12 assigned client identifier "srv-1".
    h.feed(&[
        0x20, 0x0B, 0x00, 0x00, 0x08, 0x12, 0x00, 0x05, b's', b'r', b'v', b'-', b'1',
    ]);
    assert_eq!(
        h.events(),
        vec![Event::Connected {
            session_present: false
        }]
    );
    assert_eq!(h.session.client_id(), Some("srv-1"));
}

#[test]
fn connack_accepted_connects_in_both_versions_including_v5_without_properties() {
    for (version, connack) in [
        (ProtocolVersion::V3_1_1, vec![0x20, 0x02, 0x00, 0x00]),
        (ProtocolVersion::V5, vec![0x20, 0x03, 0x00, 0x00, 0x00]),
        (ProtocolVersion::V5, vec![0x20, 0x02, 0x00, 0x00]),
    ] {
        let mut h = Harness::new(1, opts(version));
        h.session.handle_transport_open(h.now);
        h.events();
        h.feed(&connack);
        assert_eq!(
            h.events(),
            vec![Event::Connected {
                session_present: false
            }],
            "{connack:?}"
        );
        assert_eq!(h.session.state(), ConnectionState::Connected);
    }
}

fn refused(version: ProtocolVersion, code: u8) -> (Harness, Vec<Event>) {
    let mut h = Harness::new(1, opts(version));
    h.session.handle_transport_open(h.now);
    h.events();
    h.sent();
    h.feed(&broker::connack(version, false, code));
    let events = h.events();
    (h, events)
}

#[test]
fn bad_credentials_not_authorized_and_banned_stop_without_reconnecting() {
    let cases = [
        (ProtocolVersion::V3_1_1, 4, "bad user name or password"),
        (ProtocolVersion::V3_1_1, 5, "not authorized"),
        (ProtocolVersion::V3_1_1, 2, "client identifier not valid"),
        (ProtocolVersion::V5, 0x86, "bad user name or password"),
        (ProtocolVersion::V5, 0x87, "not authorized"),
        (ProtocolVersion::V5, 0x8A, "banned"),
    ];
    for (version, code, text) in cases {
        let (h, events) = refused(version, code);
        assert_eq!(
            events,
            vec![
                Event::ConnectionLost {
                    reason: Error::BrokerRefused(Refusal {
                        code,
                        reason: text.into()
                    })
                },
                Event::Disconnected,
            ],
            "{version:?} {code}"
        );
        assert_eq!(h.session.state(), ConnectionState::Disconnected);
        assert_eq!(h.session.poll_timeout(), None);
    }
}

#[test]
fn server_unavailable_is_retried_after_a_backoff() {
    for (version, code) in [
        (ProtocolVersion::V3_1_1, 3),
        (ProtocolVersion::V5, 0x88),
        (ProtocolVersion::V5, 0x89),
    ] {
        let (mut h, events) = refused(version, code);
        assert!(
            matches!(&events[0], Event::ConnectionLost { reason: Error::BrokerRefused(r) } if r.code == code)
        );
        assert!(matches!(events[1], Event::ReconnectScheduled { .. }));
        assert_eq!(h.session.state(), ConnectionState::ReconnectWait);
        h.fire_next_timer();
        assert_eq!(h.events(), vec![Event::TransportRequested]);
    }
}

#[test]
fn no_connack_in_time_loses_the_connection_with_connack_timeout() {
    let mut h = Harness::new(
        1,
        ConnectOptions {
            connect_timeout: Duration::from_secs(5),
            ..opts(ProtocolVersion::V3_1_1)
        },
    );
    h.events();
    h.session.handle_transport_open(h.now);
    assert_eq!(h.session.poll_timeout(), Some(Instant::from_millis(6_000)));
    h.session.handle_timeout(Instant::from_millis(5_999));
    assert_eq!(h.events(), vec![]);
    h.fire_next_timer();
    let events = h.events();
    assert_eq!(
        events[0],
        Event::ConnectionLost {
            reason: Error::ConnackTimeout
        }
    );
}

#[test]
fn invalid_options_are_refused_as_api_misuse() {
    let mut s = Session::new(1);
    let now = Instant::from_millis(0);
    let bad_will = Will {
        topic: "a/#".into(),
        payload: "x".into(),
        qos: mqtt_session::QoS::AtMostOnce,
        retain: false,
        properties: Default::default(),
        delay: Duration::ZERO,
    };
    let cases = [
        ConnectOptions {
            will: Some(bad_will),
            ..ConnectOptions::default()
        },
        ConnectOptions {
            keep_alive: Duration::from_millis(1500),
            ..ConnectOptions::default()
        },
        ConnectOptions {
            keep_alive: Duration::from_secs(65_536),
            ..ConnectOptions::default()
        },
        ConnectOptions {
            password: Some("p".into()),
            ..ConnectOptions::default()
        },
    ];
    for options in cases {
        assert!(matches!(s.connect(options, now), Err(Error::ApiMisuse(_))));
    }
    assert_eq!(s.state(), ConnectionState::Idle);
    assert_eq!(s.poll_event(), None);
    s.connect(ConnectOptions::default(), now).unwrap();
    assert!(matches!(
        s.connect(ConnectOptions::default(), now),
        Err(Error::ApiMisuse(_))
    ));
}

#[test]
fn a_packet_before_connack_is_a_broker_protocol_violation() {
    let mut h = Harness::new(1, opts(ProtocolVersion::V3_1_1));
    h.session.handle_transport_open(h.now);
    h.events();
    h.feed(&broker::PINGRESP);
    assert!(
        matches!(&h.events()[0], Event::ConnectionLost { reason: Error::BrokerMisbehaved(t) } if t.contains("before CONNACK"))
    );
}

#[test]
fn v5_will_properties_and_delay_are_sent_in_connect() {
    let will = Will {
        topic: "dev/status".into(),
        payload: "offline".into(),
        qos: mqtt_session::QoS::AtLeastOnce,
        retain: true,
        properties: mqtt_session::MessageProperties {
            content_type: Some("text/plain".into()),
            user_properties: vec![("device".into(), "d1".into())],
            message_expiry: Some(Duration::from_secs(600)),
            ..Default::default()
        },
        delay: Duration::from_secs(5),
    };
    let mut h = Harness::new(
        1,
        ConnectOptions {
            will: Some(will),
            ..opts(ProtocolVersion::V5)
        },
    );
    h.session.handle_transport_open(h.now);
    let mut raw = bytes::BytesMut::from(h.raw_sent().as_slice());
    let mqttbytes::v5::Packet::Connect(c) = mqttbytes::v5::read(&mut raw, usize::MAX).unwrap()
    else {
        panic!("not a CONNECT")
    };
    let p = c.last_will.unwrap().properties.unwrap();
    assert_eq!(p.delay_interval, Some(5));
    assert_eq!(p.content_type.as_deref(), Some("text/plain"));
    assert_eq!(p.message_expiry_interval, Some(600));
    assert_eq!(
        p.user_properties,
        vec![("device".to_owned(), "d1".to_owned())]
    );
}

#[test]
fn a_will_delay_in_fractions_of_a_second_is_api_misuse() {
    let will = Will {
        topic: "dev/status".into(),
        payload: "offline".into(),
        qos: mqtt_session::QoS::AtMostOnce,
        retain: false,
        properties: Default::default(),
        delay: Duration::from_millis(1500),
    };
    let mut s = Session::new(1);
    let result = s.connect(
        ConnectOptions {
            will: Some(will),
            ..opts(ProtocolVersion::V5)
        },
        Instant::from_millis(0),
    );
    assert!(matches!(result, Err(Error::ApiMisuse(_))), "{result:?}");
}
