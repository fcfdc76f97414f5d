//! Loss, reconnect backoff, session resumption, the offline queue and disconnect.
#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::wasm_bindgen_test as test;

mod common;

use bytes::Bytes;
use core::time::Duration;

use common::{broker, Harness, Sent};
use mqtt_session::{
    ConnectOptions, ConnectionState, Error, Event, ProtocolVersion, QoS, QueueLimits,
    ReconnectPolicy,
};

fn no_jitter(version: ProtocolVersion) -> ConnectOptions {
    ConnectOptions {
        version,
        client_id: "r".into(),
        clean_start: false,
        reconnect: ReconnectPolicy {
            initial: Duration::from_secs(1),
            max: Duration::from_secs(5),
            jitter: false,
        },
        ..ConnectOptions::default()
    }
}

fn lose(h: &mut Harness) -> Duration {
    h.session.connection_lost(h.now, "socket closed".into());
    let events = h.events();
    assert_eq!(
        events[0],
        Event::ConnectionLost {
            reason: Error::Transport("socket closed".into())
        }
    );
    let Event::ReconnectScheduled { after } = events[1] else {
        panic!("{events:?}")
    };
    assert_eq!(h.session.state(), ConnectionState::ReconnectWait);
    after
}

#[test]
fn reconnect_delays_grow_exponentially_up_to_the_cap_then_reset_after_connack() {
    let mut h = Harness::connected_with(no_jitter(ProtocolVersion::V3_1_1));
    let mut delays = Vec::new();
    for _ in 0..5 {
        let after = lose(&mut h);
        delays.push(after.as_secs());
        let lost_at = h.now;
        h.fire_next_timer();
        assert_eq!(h.now, lost_at + after);
        assert_eq!(h.events(), vec![Event::TransportRequested]);
        assert_eq!(h.session.state(), ConnectionState::WaitingForTransport);
    }
    assert_eq!(delays, [1, 2, 4, 5, 5]);
    h.open_and_accept(true);
    assert_eq!(
        lose(&mut h),
        Duration::from_secs(1),
        "backoff resets after a CONNACK"
    );
}

#[test]
fn a_transport_that_fails_to_open_counts_as_a_loss() {
    let mut h = Harness::connected_with(no_jitter(ProtocolVersion::V3_1_1));
    lose(&mut h);
    h.fire_next_timer();
    h.events();
    h.session.connection_lost(h.now, "refused".into());
    let events = h.events();
    assert_eq!(
        events[1],
        Event::ReconnectScheduled {
            after: Duration::from_secs(2)
        }
    );
}

#[test]
fn jittered_reconnect_delays_stay_within_half_and_full_delay() {
    let options = ConnectOptions {
        client_id: "j".into(),
        ..ConnectOptions::default()
    };
    let mut h = Harness::connected_with(options);
    for n in 0..8u32 {
        let after = lose(&mut h);
        let full = Duration::from_secs(1u64 << n.min(10)).min(Duration::from_secs(30));
        assert!(after >= full / 2 && after <= full, "attempt {n}: {after:?}");
        h.fire_next_timer();
        h.events();
    }
}

#[test]
fn subscriptions_are_sent_again_when_the_session_was_not_resumed() {
    for version in [ProtocolVersion::V3_1_1, ProtocolVersion::V5] {
        let mut h = Harness::connected_with(no_jitter(version));
        h.session
            .subscribe(h.now, vec![("a/#".into(), QoS::AtLeastOnce)])
            .unwrap();
        h.session
            .subscribe(h.now, vec![("b".into(), QoS::AtMostOnce)])
            .unwrap();
        h.sent();
        lose(&mut h);
        h.fire_next_timer();
        h.events();
        let sent = h.open_and_accept(false);
        let [Sent::Subscribe { pkid, filters }] = sent.as_slice() else {
            panic!("{sent:?}")
        };
        assert_ne!(*pkid, 0);
        assert_eq!(filters, &vec![("a/#".to_owned(), 1), ("b".to_owned(), 0)]);
    }
}

#[test]
fn subscriptions_are_not_sent_again_when_the_session_was_resumed() {
    let mut h = Harness::connected_with(no_jitter(ProtocolVersion::V3_1_1));
    h.session
        .subscribe(h.now, vec![("a/#".into(), QoS::AtLeastOnce)])
        .unwrap();
    let sent = h.sent();
    let [Sent::Subscribe { pkid, .. }] = sent.as_slice() else {
        panic!()
    };
    h.feed(&broker::suback(ProtocolVersion::V3_1_1, *pkid, &[1]));
    h.events();
    lose(&mut h);
    h.fire_next_timer();
    h.events();
    assert_eq!(h.open_and_accept(true), vec![]);
}

#[test]
fn subscriptions_made_before_the_first_connack_go_out_after_it() {
    let mut h = Harness::new(3, no_jitter(ProtocolVersion::V3_1_1));
    h.events();
    h.session
        .subscribe(h.now, vec![("early".into(), QoS::AtLeastOnce)])
        .unwrap();
    assert_eq!(h.sent(), vec![]);
    let sent = h.open_and_accept(false);
    assert!(
        matches!(sent.as_slice(), [Sent::Subscribe { filters, .. }] if filters == &vec![("early".to_owned(), 1)])
    );
}

#[test]
fn qos1_publish_is_retransmitted_with_dup_after_resumed_session() {
    let mut h = Harness::connected_with(no_jitter(ProtocolVersion::V3_1_1));
    let id = h
        .session
        .publish(
            h.now,
            "t",
            Bytes::from_static(b"1"),
            QoS::AtLeastOnce,
            false,
        )
        .unwrap()
        .unwrap();
    assert!(matches!(
        h.sent().as_slice(),
        [Sent::Publish { dup: false, .. }]
    ));
    lose(&mut h);
    h.fire_next_timer();
    h.events();
    let sent = h.open_and_accept(true);
    assert_eq!(
        sent,
        vec![Sent::Publish {
            topic: "t".into(),
            payload: Bytes::from_static(b"1"),
            qos: 1,
            retain: false,
            dup: true,
            pkid: id
        }]
    );
    h.feed(&broker::puback(id));
    assert_eq!(
        h.events(),
        vec![Event::Published {
            packet_id: id,
            topic: "t".into()
        }]
    );
}

#[test]
fn qos2_pubrel_is_sent_again_after_resumed_session() {
    let mut h = Harness::connected_with(no_jitter(ProtocolVersion::V5));
    let id = h
        .session
        .publish(
            h.now,
            "t",
            Bytes::from_static(b"2"),
            QoS::ExactlyOnce,
            false,
        )
        .unwrap()
        .unwrap();
    h.sent();
    h.feed(&broker::pubrec(id));
    assert_eq!(h.sent(), vec![Sent::PubRel(id)]);
    lose(&mut h);
    h.fire_next_timer();
    h.events();
    assert_eq!(h.open_and_accept(true), vec![Sent::PubRel(id)]);
    h.feed(&broker::pubcomp(id));
    assert_eq!(
        h.events(),
        vec![Event::Published {
            packet_id: id,
            topic: "t".into()
        }]
    );
}

#[test]
fn unacknowledged_publishes_are_sent_fresh_when_the_session_was_not_resumed() {
    let mut h = Harness::connected_with(no_jitter(ProtocolVersion::V3_1_1));
    let a = h
        .session
        .publish(
            h.now,
            "a",
            Bytes::from_static(b"1"),
            QoS::AtLeastOnce,
            false,
        )
        .unwrap()
        .unwrap();
    let b = h
        .session
        .publish(
            h.now,
            "b",
            Bytes::from_static(b"2"),
            QoS::ExactlyOnce,
            false,
        )
        .unwrap()
        .unwrap();
    h.sent();
    h.feed(&broker::pubrec(b));
    h.sent();
    lose(&mut h);
    h.fire_next_timer();
    h.events();
    h.session.handle_transport_open(h.now);
    h.sent();
    h.feed(&broker::connack(ProtocolVersion::V3_1_1, false, 0));
    assert_eq!(
        h.events(),
        vec![
            Event::Connected {
                session_present: false
            },
            Event::Published {
                packet_id: b,
                topic: "b".into()
            }
        ],
        "QoS 2 the broker already received is reported done"
    );
    assert_eq!(
        h.sent(),
        vec![Sent::Publish {
            topic: "a".into(),
            payload: Bytes::from_static(b"1"),
            qos: 1,
            retain: false,
            dup: false,
            pkid: a
        }]
    );
}

#[test]
fn offline_publishes_are_queued_and_sent_in_order_after_the_next_connack() {
    let mut h = Harness::connected_with(no_jitter(ProtocolVersion::V3_1_1));
    lose(&mut h);
    let a = h
        .session
        .publish(
            h.now,
            "q/1",
            Bytes::from_static(b"a"),
            QoS::AtLeastOnce,
            false,
        )
        .unwrap();
    let b = h
        .session
        .publish(
            h.now,
            "q/2",
            Bytes::from_static(b"b"),
            QoS::AtMostOnce,
            false,
        )
        .unwrap();
    let c = h
        .session
        .publish(
            h.now,
            "q/3",
            Bytes::from_static(b"c"),
            QoS::ExactlyOnce,
            false,
        )
        .unwrap();
    assert!(a.is_some() && b.is_none() && c.is_some() && a != c);
    assert_eq!(h.session.queued_publishes(), 3);
    assert_eq!(h.sent(), vec![]);
    h.fire_next_timer();
    h.events();
    let sent = h.open_and_accept(false);
    let topics: Vec<&str> = sent
        .iter()
        .map(|s| match s {
            Sent::Publish { topic, .. } => topic.as_str(),
            other => panic!("{other:?}"),
        })
        .collect();
    assert_eq!(topics, ["q/1", "q/2", "q/3"]);
    assert_eq!(h.session.queued_publishes(), 0);
}

#[test]
fn the_offline_queue_refuses_past_its_message_bound() {
    let options = ConnectOptions {
        offline_queue: QueueLimits {
            max_messages: 2,
            max_bytes: 1_000,
        },
        ..no_jitter(ProtocolVersion::V3_1_1)
    };
    let mut h = Harness::new(1, options);
    for _ in 0..2 {
        h.session
            .publish(
                h.now,
                "t",
                Bytes::from_static(b"x"),
                QoS::AtLeastOnce,
                false,
            )
            .unwrap();
    }
    assert_eq!(
        h.session
            .publish(h.now, "t", Bytes::from_static(b"x"), QoS::AtMostOnce, false),
        Err(Error::QueueFull {
            max_messages: 2,
            max_bytes: 1_000
        })
    );
}

#[test]
fn the_offline_queue_refuses_past_its_byte_bound() {
    let options = ConnectOptions {
        offline_queue: QueueLimits {
            max_messages: 100,
            max_bytes: 10,
        },
        ..no_jitter(ProtocolVersion::V3_1_1)
    };
    let mut h = Harness::new(1, options);
    h.session
        .publish(
            h.now,
            "t",
            Bytes::from_static(b"123456789"),
            QoS::AtMostOnce,
            false,
        )
        .unwrap();
    assert_eq!(
        h.session.publish(
            h.now,
            "t",
            Bytes::from_static(b"1"),
            QoS::AtLeastOnce,
            false
        ),
        Err(Error::QueueFull {
            max_messages: 100,
            max_bytes: 10
        })
    );
    assert_eq!(h.session.queued_publishes(), 1);
}

#[test]
fn the_broker_receive_maximum_holds_publishes_back_until_acks_arrive() {
    let mut h = Harness::new(
        1,
        ConnectOptions {
            client_id: "rm".into(),
            ..no_jitter(ProtocolVersion::V5)
        },
    );
    h.events();
    h.session.handle_transport_open(h.now);
    h.sent();
    // CONNACK with property 0x21 receive maximum = 1.
    h.feed(&[0x20, 0x06, 0x00, 0x00, 0x03, 0x21, 0x00, 0x01]);
    h.events();
    let a = h
        .session
        .publish(h.now, "a", Bytes::new(), QoS::AtLeastOnce, false)
        .unwrap()
        .unwrap();
    let b = h
        .session
        .publish(h.now, "b", Bytes::new(), QoS::AtLeastOnce, false)
        .unwrap()
        .unwrap();
    assert!(matches!(h.sent().as_slice(), [Sent::Publish { pkid, .. }] if *pkid == a));
    h.feed(&broker::puback(a));
    assert!(matches!(h.sent().as_slice(), [Sent::Publish { pkid, .. }] if *pkid == b));
}

#[test]
fn over_3_1_1_qos2_publishes_beyond_the_send_maximum_wait_for_completed_ones() {
    // 3.1.1 brokers cannot announce a limit, and act on their own silently (Mosquitto
    // 2.0.11 drops beyond 20 unreleased QoS 2 publishes, rmqtt 0.24 disconnects after 16).
    let mut h = Harness::connected_with(ConnectOptions {
        v311_send_maximum: 2,
        ..no_jitter(ProtocolVersion::V3_1_1)
    });
    let ids: Vec<u16> = ["a", "b", "c"]
        .into_iter()
        .map(|topic| {
            h.session
                .publish(h.now, topic, Bytes::new(), QoS::ExactlyOnce, false)
                .unwrap()
                .unwrap()
        })
        .collect();
    let sent = h.sent();
    assert_eq!(sent.len(), 2, "{sent:?}");
    assert!(
        matches!(sent[..], [Sent::Publish { pkid: a, .. }, Sent::Publish { pkid: b, .. }]
        if a == ids[0] && b == ids[1])
    );
    assert_eq!(h.session.queued_publishes(), 1);
    // A PUBREC does not free the slot: the message is not released yet.
    h.feed(&broker::pubrec(ids[0]));
    assert_eq!(h.sent(), vec![Sent::PubRel(ids[0])]);
    h.feed(&broker::pubcomp(ids[0]));
    assert!(matches!(h.sent().as_slice(), [Sent::Publish { pkid, .. }] if *pkid == ids[2]));
    assert_eq!(h.session.queued_publishes(), 0);
}

#[test]
fn a_send_maximum_of_zero_is_api_misuse() {
    let mut session = mqtt_session::Session::new(1);
    let result = session.connect(
        ConnectOptions {
            v311_send_maximum: 0,
            ..no_jitter(ProtocolVersion::V3_1_1)
        },
        mqtt_session::Instant::from_millis(0),
    );
    assert!(matches!(result, Err(Error::ApiMisuse(_))), "{result:?}");
}

#[test]
fn disconnect_sends_disconnect_and_stops_reconnecting() {
    for version in [ProtocolVersion::V3_1_1, ProtocolVersion::V5] {
        let mut h = Harness::connected_with(no_jitter(version));
        h.session.disconnect(h.now);
        assert_eq!(h.sent(), vec![Sent::Disconnect]);
        assert_eq!(h.events(), vec![Event::Disconnected]);
        assert_eq!(h.session.state(), ConnectionState::Disconnected);
        assert_eq!(h.session.poll_timeout(), None);
        // The socket's close after our DISCONNECT is not a loss.
        h.session.connection_lost(h.now, "closed".into());
        assert_eq!(h.events(), vec![]);
        assert_eq!(h.session.poll_timeout(), None);
    }
}

#[test]
fn disconnect_while_waiting_to_reconnect_cancels_the_reconnect() {
    let mut h = Harness::connected_with(no_jitter(ProtocolVersion::V3_1_1));
    lose(&mut h);
    h.session.disconnect(h.now);
    assert_eq!(h.events(), vec![Event::Disconnected]);
    assert_eq!(h.session.poll_timeout(), None);
    h.session.handle_timeout(h.now + Duration::from_secs(3600));
    assert_eq!(h.events(), vec![]);
    // And connect works again afterwards.
    h.session
        .connect(no_jitter(ProtocolVersion::V3_1_1), h.now)
        .unwrap();
    assert_eq!(h.events(), vec![Event::TransportRequested]);
}
