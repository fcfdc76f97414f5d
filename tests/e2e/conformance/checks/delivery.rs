//! Messages one way and the other: QoS 0/1/2 streams, per-filter QoS, UNSUBSCRIBE,
//! retained messages.

use bytes::Bytes;
use mqtt_session::{MessageProperties, QoS, Subscription};

use crate::conformance::target::Target;

/// Messages per QoS stream: more than either broker's in-flight window (Mosquitto 20,
/// rmqtt 16), so flow control is part of the check.
const STREAM: usize = 50;

pub async fn qos0_messages_arrive_exactly_once_and_in_order(target: Target) {
    stream(target, QoS::AtMostOnce).await;
}

pub async fn qos1_messages_arrive_exactly_once_and_in_order(target: Target) {
    stream(target, QoS::AtLeastOnce).await;
}

pub async fn qos2_messages_arrive_exactly_once_and_in_order(target: Target) {
    stream(target, QoS::ExactlyOnce).await;
}

/// One session publishes `STREAM` messages at `qos` to another, which subscribed at
/// QoS 2: every message arrives once, in order, at `qos`; every QoS 1/2 publish is
/// confirmed once. All are handed to the session at once: the session paces them (v5:
/// the broker's receive maximum; 3.1.1, which cannot announce one: its own send
/// maximum, below both brokers' silent limits).
async fn stream(target: Target, qos: QoS) {
    let topic = "conformance/stream";
    let mut subscriber = target.client("subscriber").await;
    subscriber.subscribe_granted(topic, QoS::ExactlyOnce).await;
    let mut publisher = target.client("publisher").await;

    let payloads: Vec<String> = (1..=STREAM).map(|i| format!("{qos:?} #{i}")).collect();
    let mut all = payloads.clone();
    all.push("end".into());
    let mut ids = Vec::new();
    for payload in &all {
        let payload = Bytes::copy_from_slice(payload.as_bytes());
        let id = publisher
            .publish(topic, payload, qos, false, MessageProperties::default())
            .await;
        ids.extend(id);
    }
    publisher.wait_published(&ids).await;
    let confirmed = ids.len();
    let expected_acks = if qos == QoS::AtMostOnce { 0 } else { all.len() };
    assert_eq!(confirmed, expected_acks, "publishes confirmed");

    let received = subscriber.messages_until(topic, "end").await;
    let texts: Vec<String> = received
        .iter()
        .map(|m| String::from_utf8_lossy(&m.payload).into_owned())
        .collect();
    assert_eq!(texts, all, "payloads, in order, each once");
    for m in &received {
        assert_eq!(m.qos, qos, "delivered at the publish QoS: {m:?}");
        assert!(!m.retain, "a live message is not retained: {m:?}");
    }

    // A redelivered duplicate would follow in the same round trips: one more marker
    // must be the only thing after "end", and no confirmation may come twice.
    publisher
        .publish_confirmed(topic, "end 2", qos, false)
        .await;
    let after = subscriber.messages_until(topic, "end 2").await;
    assert_eq!(
        after.len(),
        1,
        "only the second marker after the first: {after:?}"
    );
}

pub async fn one_subscribe_grants_each_filter_its_own_qos(target: Target) {
    let filters = [
        ("conformance/filters/zero", QoS::AtMostOnce),
        ("conformance/filters/one/+", QoS::AtLeastOnce),
        ("conformance/filters/two/#", QoS::ExactlyOnce),
    ];
    let mut subscriber = target.client("subscriber").await;
    let results = subscriber
        .subscribe(
            filters
                .iter()
                .map(|(f, q)| Subscription::new(*f, *q))
                .collect(),
        )
        .await;
    let granted: Vec<_> = filters
        .iter()
        .map(|(f, q)| (f.to_string(), Ok(*q)))
        .collect();
    assert_eq!(results, granted, "one result per filter, in request order");

    // Each filter then delivers at its own granted QoS a message published at QoS 2.
    let mut publisher = target.client("publisher").await;
    let topics = [
        ("conformance/filters/zero", QoS::AtMostOnce),
        ("conformance/filters/one/a", QoS::AtLeastOnce),
        ("conformance/filters/two/a/b", QoS::ExactlyOnce),
    ];
    for (topic, _) in topics {
        publisher
            .publish_confirmed(topic, "hello", QoS::ExactlyOnce, false)
            .await;
    }
    for (topic, qos) in topics {
        let message = subscriber.next_message(topic).await;
        assert_eq!(message.qos, qos, "QoS of the message on {topic}");
    }
}

pub async fn unsubscribe_stops_delivery(target: Target) {
    let (gone, kept) = (
        "conformance/unsubscribe/gone",
        "conformance/unsubscribe/kept",
    );
    let mut subscriber = target.client("subscriber").await;
    let results = subscriber
        .subscribe(vec![
            Subscription::new(gone, QoS::AtLeastOnce),
            Subscription::new(kept, QoS::AtLeastOnce),
        ])
        .await;
    assert!(results.iter().all(|(_, r)| r.is_ok()), "SUBACK {results:?}");
    let mut publisher = target.client("publisher").await;
    publisher
        .publish_confirmed(gone, "before", QoS::AtLeastOnce, false)
        .await;
    let before = subscriber.next_message(gone).await;
    assert_eq!(&before.payload[..], b"before");

    let refused = subscriber.unsubscribe(&[gone]).await;
    assert!(refused.is_empty(), "UNSUBACK refused {refused:?}");
    publisher
        .publish_confirmed(gone, "after", QoS::AtLeastOnce, false)
        .await;
    publisher
        .publish_confirmed(kept, "marker", QoS::AtLeastOnce, false)
        .await;
    let marker = subscriber.next_message(kept).await;
    assert_eq!(&marker.payload[..], b"marker");
    assert_eq!(
        subscriber.messages_received(gone),
        [],
        "nothing on {gone} after UNSUBACK"
    );
}

pub async fn a_retained_message_is_sent_on_subscribe_until_an_empty_one_clears_it(target: Target) {
    let reading = "conformance/retained/reading";
    let marker = "conformance/retained/marker";
    let mut publisher = target.client("publisher").await;
    publisher
        .publish_confirmed(reading, "21.5", QoS::AtLeastOnce, true)
        .await;

    let mut first = target.client("first-subscriber").await;
    first.subscribe_granted(reading, QoS::AtLeastOnce).await;
    let retained = first.next_message(reading).await;
    assert_eq!(&retained.payload[..], b"21.5");
    assert!(retained.retain, "sent because of the SUBSCRIBE: retain set");

    publisher
        .publish_confirmed(reading, "", QoS::AtLeastOnce, true)
        .await;
    // MQTT 3.3.1.3 / 3.3.1.12: the empty retained publish itself goes to existing
    // subscribers, as a live message (retain clear).
    let clearing = first.next_message(reading).await;
    assert!(
        clearing.payload.is_empty(),
        "the clearing message: {clearing:?}"
    );
    assert!(
        !clearing.retain,
        "a live message is not retained: {clearing:?}"
    );

    // A new subscription to both topics gets the marker's retained message and not the
    // cleared one; a live message behind them closes the window.
    publisher
        .publish_confirmed(marker, "still retained", QoS::AtLeastOnce, true)
        .await;
    let mut second = target.client("second-subscriber").await;
    second
        .subscribe_granted("conformance/retained/#", QoS::AtLeastOnce)
        .await;
    let kept = second.next_message(marker).await;
    assert!(
        kept.retain && &kept.payload[..] == b"still retained",
        "{kept:?}"
    );
    publisher
        .publish_confirmed(reading, "live", QoS::AtLeastOnce, false)
        .await;
    let on_reading = second.messages_until(reading, "live").await;
    assert_eq!(
        on_reading.len(),
        1,
        "only the live message on {reading}, no cleared retained one: {on_reading:?}"
    );
}
