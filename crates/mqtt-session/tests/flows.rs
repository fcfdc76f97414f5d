//! Traffic on an established connection: subscriptions, inbound and outbound QoS 0/1/2,
//! keep-alive.
#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

mod common;

use bytes::Bytes;
use core::time::Duration;

use common::{broker, Harness, Sent};
use mqtt_session::{
    ConnectOptions, Error, Event, Message, MessageProperties, ProtocolVersion, QoS, Refusal,
};

const BOTH: [ProtocolVersion; 2] = [ProtocolVersion::V3_1_1, ProtocolVersion::V5];

fn message(topic: &str, payload: &'static [u8], qos: QoS, dup: bool) -> Event {
    Event::Message(Message {
        topic: topic.into(),
        payload: Bytes::from_static(payload),
        qos,
        retain: false,
        dup,
        properties: MessageProperties::default(),
    })
}

#[test]
fn subscribe_uses_a_nonzero_packet_id_and_reports_suback_failures_per_filter() {
    for version in BOTH {
        let mut h = Harness::connected(version);
        h.session
            .subscribe(
                h.now,
                vec![
                    ("a/+".into(), QoS::AtLeastOnce),
                    ("secret/#".into(), QoS::ExactlyOnce),
                ],
            )
            .unwrap();
        let sent = h.sent();
        let [Sent::Subscribe { pkid, filters }] = sent.as_slice() else {
            panic!("{sent:?}")
        };
        assert_ne!(*pkid, 0);
        assert_eq!(
            filters,
            &vec![("a/+".to_owned(), 1), ("secret/#".to_owned(), 2)]
        );
        let refused_code = if version == ProtocolVersion::V5 {
            0x87
        } else {
            0x80
        };
        h.feed(&broker::suback(version, *pkid, &[1, refused_code]));
        let refusal = match version {
            ProtocolVersion::V3_1_1 => Refusal {
                code: 0x80,
                reason: "subscription refused".into(),
            },
            ProtocolVersion::V5 => Refusal {
                code: 0x87,
                reason: "not authorized".into(),
            },
        };
        assert_eq!(
            h.events(),
            vec![Event::Subscribed {
                results: vec![
                    ("a/+".into(), Ok(QoS::AtLeastOnce)),
                    ("secret/#".into(), Err(refusal))
                ]
            }]
        );
    }
}

#[test]
fn invalid_filters_and_topics_are_api_misuse_and_nothing_is_sent() {
    let mut h = Harness::connected(ProtocolVersion::V3_1_1);
    let err = h
        .session
        .subscribe(
            h.now,
            vec![
                ("ok".into(), QoS::AtMostOnce),
                ("a/#/b".into(), QoS::AtMostOnce),
            ],
        )
        .unwrap_err();
    assert!(
        matches!(&err, Error::ApiMisuse(t) if t.contains("'#' must be the last level")),
        "{err}"
    );
    assert!(matches!(
        h.session
            .publish(h.now, "a/+", Bytes::new(), QoS::AtMostOnce, false),
        Err(Error::ApiMisuse(_))
    ));
    assert!(matches!(
        h.session.unsubscribe(h.now, vec!["a+".into()]),
        Err(Error::ApiMisuse(_))
    ));
    assert_eq!(h.sent(), vec![]);
}

#[test]
fn unsubscribe_is_acknowledged_with_the_filters() {
    let mut h = Harness::connected(ProtocolVersion::V3_1_1);
    h.session.unsubscribe(h.now, vec!["a/b".into()]).unwrap();
    let sent = h.sent();
    let [Sent::Unsubscribe { pkid, filters }] = sent.as_slice() else {
        panic!("{sent:?}")
    };
    assert_eq!(filters, &vec!["a/b".to_owned()]);
    h.feed(&broker::unsuback_v4(*pkid));
    assert_eq!(
        h.events(),
        vec![Event::Unsubscribed {
            filters: vec!["a/b".into()],
            refused: vec![]
        }]
    );
}

#[test]
fn inbound_qos0_and_qos1_are_delivered_and_qos1_is_acknowledged() {
    for version in BOTH {
        let mut h = Harness::connected(version);
        h.feed(&broker::publish(version, "t/0", b"zero", 0, 0, false));
        h.feed(&broker::publish(version, "t/1", b"one", 1, 10, false));
        assert_eq!(
            h.events(),
            vec![
                message("t/0", b"zero", QoS::AtMostOnce, false),
                message("t/1", b"one", QoS::AtLeastOnce, false)
            ]
        );
        assert_eq!(h.sent(), vec![Sent::PubAck(10)]);
    }
}

#[test]
fn inbound_qos2_is_delivered_once_even_when_the_broker_repeats_it() {
    for version in BOTH {
        let mut h = Harness::connected(version);
        h.feed(&broker::publish(version, "t/2", b"two", 2, 5, false));
        assert_eq!(
            h.events(),
            vec![message("t/2", b"two", QoS::ExactlyOnce, false)]
        );
        assert_eq!(h.sent(), vec![Sent::PubRec(5)]);
        h.feed(&broker::publish(version, "t/2", b"two", 2, 5, true));
        assert_eq!(h.events(), vec![], "duplicate must not be delivered again");
        assert_eq!(h.sent(), vec![Sent::PubRec(5)]);
        h.feed(&broker::pubrel(5));
        assert_eq!(h.sent(), vec![Sent::PubComp(5)]);
        // After PUBREL the id is free: a new message with id 5 is a new message.
        h.feed(&broker::publish(version, "t/2", b"again", 2, 5, false));
        assert_eq!(
            h.events(),
            vec![message("t/2", b"again", QoS::ExactlyOnce, false)]
        );
    }
}

#[test]
fn outbound_qos1_completes_with_puback() {
    for version in BOTH {
        let mut h = Harness::connected(version);
        let id = h
            .session
            .publish(
                h.now,
                "cmd/heater",
                Bytes::from_static(b"ON"),
                QoS::AtLeastOnce,
                false,
            )
            .unwrap()
            .unwrap();
        assert_ne!(id, 0);
        assert_eq!(
            h.sent(),
            vec![Sent::Publish {
                topic: "cmd/heater".into(),
                payload: Bytes::from_static(b"ON"),
                qos: 1,
                retain: false,
                dup: false,
                pkid: id
            }]
        );
        h.feed(&broker::puback(id));
        assert_eq!(
            h.events(),
            vec![Event::Published {
                packet_id: id,
                topic: "cmd/heater".into()
            }]
        );
        // A second PUBACK for the same id is unsolicited: ignored.
        h.feed(&broker::puback(id));
        assert_eq!(h.events(), vec![]);
        assert_eq!(h.session.state(), mqtt_session::ConnectionState::Connected);
    }
}

#[test]
fn outbound_qos2_completes_with_pubrec_pubrel_pubcomp() {
    for version in BOTH {
        let mut h = Harness::connected(version);
        let id = h
            .session
            .publish(h.now, "t", Bytes::from_static(b"x"), QoS::ExactlyOnce, true)
            .unwrap()
            .unwrap();
        assert!(matches!(
            h.sent().as_slice(),
            [Sent::Publish {
                qos: 2,
                retain: true,
                ..
            }]
        ));
        h.feed(&broker::pubrec(id));
        assert_eq!(h.sent(), vec![Sent::PubRel(id)]);
        assert_eq!(h.events(), vec![]);
        h.feed(&broker::pubcomp(id));
        assert_eq!(
            h.events(),
            vec![Event::Published {
                packet_id: id,
                topic: "t".into()
            }]
        );
    }
}

#[test]
fn qos0_publish_has_no_packet_id_and_needs_no_ack() {
    let mut h = Harness::connected(ProtocolVersion::V3_1_1);
    assert_eq!(
        h.session
            .publish(h.now, "t", Bytes::from_static(b"x"), QoS::AtMostOnce, false),
        Ok(None)
    );
    assert!(matches!(
        h.sent().as_slice(),
        [Sent::Publish {
            qos: 0,
            pkid: 0,
            ..
        }]
    ));
}

#[test]
fn v5_puback_and_pubrec_refusals_are_reported() {
    let mut h = Harness::connected(ProtocolVersion::V5);
    let a = h
        .session
        .publish(h.now, "a", Bytes::new(), QoS::AtLeastOnce, false)
        .unwrap()
        .unwrap();
    let b = h
        .session
        .publish(h.now, "b", Bytes::new(), QoS::ExactlyOnce, false)
        .unwrap()
        .unwrap();
    h.sent();
    h.feed(&broker::ack_v5_reason(4, a, 0x87));
    h.feed(&broker::ack_v5_reason(5, b, 0x97));
    assert_eq!(
        h.events(),
        vec![
            Event::PublishRefused {
                packet_id: Some(a),
                topic: "a".into(),
                reason: Refusal {
                    code: 0x87,
                    reason: "not authorized".into()
                }
            },
            Event::PublishRefused {
                packet_id: Some(b),
                topic: "b".into(),
                reason: Refusal {
                    code: 0x97,
                    reason: "quota exceeded".into()
                }
            },
        ]
    );
    assert_eq!(h.sent(), vec![], "no PUBREL after a refused PUBREC");
}

#[test]
fn unexpected_acks_are_ignored_and_the_connection_stays_up() {
    let mut h = Harness::connected(ProtocolVersion::V3_1_1);
    h.feed(&broker::puback(77));
    h.feed(&broker::pubrec(78));
    h.feed(&broker::pubcomp(79));
    h.feed(&broker::suback(ProtocolVersion::V3_1_1, 80, &[0]));
    h.feed(&broker::unsuback_v4(81));
    assert_eq!(h.events(), vec![]);
    assert_eq!(h.session.state(), mqtt_session::ConnectionState::Connected);
    // A PUBREL for an unknown id still gets its PUBCOMP, so the broker can finish.
    h.feed(&broker::pubrel(82));
    assert_eq!(h.sent(), vec![Sent::PubComp(82)]);
}

#[test]
fn keep_alive_sends_pingreq_when_idle_and_pingresp_clears_the_deadline() {
    let options = ConnectOptions {
        client_id: "k".into(),
        keep_alive: Duration::from_secs(10),
        ..ConnectOptions::default()
    };
    let mut h = Harness::connected_with(options);
    let start = h.now;
    assert_eq!(
        h.session.poll_timeout(),
        Some(start + Duration::from_secs(10))
    );
    // Sending something pushes the ping back.
    h.advance_ms(4_000);
    h.session
        .publish(h.now, "t", Bytes::new(), QoS::AtMostOnce, false)
        .unwrap();
    h.sent();
    assert_eq!(
        h.session.poll_timeout(),
        Some(start + Duration::from_secs(14))
    );
    h.fire_next_timer();
    assert_eq!(h.sent(), vec![Sent::PingReq]);
    // PINGRESP deadline: keep_alive / 2 clamped to 5..=30 s.
    assert_eq!(
        h.session.poll_timeout(),
        Some(h.now + Duration::from_secs(5))
    );
    h.advance_ms(100);
    h.feed(&broker::PINGRESP);
    assert_eq!(
        h.session.poll_timeout(),
        Some(start + Duration::from_secs(24))
    );
    assert_eq!(h.events(), vec![]);
}

#[test]
fn a_missing_pingresp_loses_the_connection_and_schedules_a_reconnect() {
    let options = ConnectOptions {
        client_id: "k".into(),
        keep_alive: Duration::from_secs(60),
        ..ConnectOptions::default()
    };
    let mut h = Harness::connected_with(options);
    h.fire_next_timer();
    assert_eq!(h.sent(), vec![Sent::PingReq]);
    let ping_at = h.now;
    h.fire_next_timer();
    assert_eq!(h.now, ping_at + Duration::from_secs(30));
    let events = h.events();
    assert_eq!(
        events[0],
        Event::ConnectionLost {
            reason: Error::KeepAliveTimeout
        }
    );
    assert!(matches!(events[1], Event::ReconnectScheduled { .. }));
}

#[test]
fn keep_alive_zero_arms_no_ping_timer() {
    let options = ConnectOptions {
        client_id: "k".into(),
        keep_alive: Duration::ZERO,
        ..ConnectOptions::default()
    };
    let h = Harness::connected_with(options);
    assert_eq!(h.session.poll_timeout(), None);
}

#[test]
fn v5_server_disconnect_is_reported_with_its_reason_and_reconnects() {
    let mut h = Harness::connected(ProtocolVersion::V5);
    // 0x8E "session taken over" does not reconnect: see tests/v5.rs.
    h.feed(&[0xE0, 0x01, 0x8B]);
    let events = h.events();
    assert_eq!(
        events[0],
        Event::ConnectionLost {
            reason: Error::BrokerDisconnected(Refusal {
                code: 0x8B,
                reason: "server shutting down".into()
            })
        }
    );
    assert!(matches!(events[1], Event::ReconnectScheduled { .. }));
}

#[test]
fn a_v5_publish_delivers_its_properties() {
    let mut h = Harness::connected(ProtocolVersion::V5);
    // PUBLISH qos0 topic "t", properties: content type "text/plain", then payload "hi".
    let mut p = vec![0x30, 0x00, 0x00, 0x01, b't', 0x0D, 0x03, 0x00, 0x0A];
    p.extend_from_slice(b"text/plain");
    p.extend_from_slice(b"hi");
    p[1] = (p.len() - 2) as u8;
    h.feed(&p);
    let events = h.events();
    let [Event::Message(m)] = events.as_slice() else {
        panic!("{events:?}")
    };
    assert_eq!(m.properties.content_type.as_deref(), Some("text/plain"));
    assert_eq!(m.payload, Bytes::from_static(b"hi"));
}

#[test]
fn a_keep_alive_shorter_than_the_pingresp_bound_still_times_out() {
    let options = ConnectOptions {
        client_id: "k".into(),
        keep_alive: Duration::from_secs(2),
        ..ConnectOptions::default()
    };
    let mut h = Harness::connected_with(options);
    let first_ping = h.now + Duration::from_secs(2);
    let mut lost = false;
    for _ in 0..10 {
        h.fire_next_timer();
        if h.events().iter().any(|e| {
            matches!(
                e,
                Event::ConnectionLost {
                    reason: Error::KeepAliveTimeout
                }
            )
        }) {
            lost = true;
            break;
        }
    }
    assert!(lost);
    assert_eq!(h.now, first_ping + Duration::from_secs(5));
}
