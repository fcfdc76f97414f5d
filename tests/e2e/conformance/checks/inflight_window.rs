//! A known gap, pinned: QoS 2 bursts over MQTT 3.1.1.
//!
//! Both brokers keep at most a fixed number of inbound QoS 2 publishes unreleased per
//! client (Mosquitto 2.0.11: `max_inflight_messages`, 20; rmqtt 0.24: the listener's
//! `max_inflight`, 16). MQTT 5 announces that as the CONNACK's Receive Maximum and the
//! session keeps to it; MQTT 3.1.1 has no way to say it, and the session then sends
//! every QoS 2 publish at once. What each broker does with the rest is asserted here, so
//! that a change on either side — above all a session that limits its 3.1.1 QoS 2
//! window, which would make these checks fail — is noticed. Until then, an application
//! publishing QoS 2 bursts over 3.1.1 loses messages.

use bytes::Bytes;
use mqtt_session::{Event, MessageProperties, QoS};

use crate::conformance::target::{Broker, Target};
use crate::conformance::wire::PUBREC;

/// More than either broker's window.
const BURST: usize = 30;

pub async fn qos2_bursts_beyond_the_broker_window_are_cut_short_over_3_1_1(target: Target) {
    let topic = "conformance/burst";
    let mut subscriber = target.client("subscriber").await;
    subscriber.subscribe_granted(topic, QoS::ExactlyOnce).await;
    let mut publisher = target.client("publisher").await;
    let mut ids = Vec::new();
    for i in 1..=BURST {
        let payload = Bytes::from(format!("#{i}"));
        let id = publisher
            .publish(
                topic,
                payload,
                QoS::ExactlyOnce,
                false,
                MessageProperties::default(),
            )
            .await;
        ids.extend(id);
    }
    let numbered = |n: usize| (1..=n).map(|i| format!("#{i}")).collect::<Vec<_>>();
    let texts = |messages: Vec<mqtt_session::Message>| {
        messages
            .iter()
            .map(|m| String::from_utf8_lossy(&m.payload).into_owned())
            .collect::<Vec<_>>()
    };

    match target.broker {
        Broker::Mosquitto => {
            // Difference (Mosquitto 2.0.11, 3.1.1): beyond 20 unreleased QoS 2 publishes
            // it answers PUBREC with reason 0x97 "quota exceeded" — a code 3.1.1 cannot
            // carry, so the client sees an ordinary PUBREC — and drops the message. The
            // session reports every publish as done; only the first 20 are delivered.
            publisher.wait_published(&ids).await;
            publisher
                .publish_confirmed(topic, "after", QoS::ExactlyOnce, false)
                .await;
            let mut expected = numbered(20);
            expected.push("after".into());
            assert_eq!(
                texts(subscriber.messages_until(topic, "after").await),
                expected
            );
        }
        Broker::Demo => {
            // Difference (rmqtt 0.24, 3.1.1): after 16 unreleased QoS 2 publishes it
            // closes the connection ("inflight window full") without acknowledging more.
            let reason = publisher
                .wait_for("the broker to close the connection", |e| match e {
                    Event::ConnectionLost { reason } => Some(reason.to_string()),
                    _ => None,
                })
                .await;
            assert_eq!(
                publisher.received.of(PUBREC),
                16,
                "PUBRECs before the close ({reason})"
            );
            assert_eq!(
                texts(subscriber.messages_until(topic, "#16").await),
                numbered(16)
            );
        }
    }
}
