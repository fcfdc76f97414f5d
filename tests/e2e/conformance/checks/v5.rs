//! MQTT 5.0 only: assigned client ids, subscription options, subscription identifiers,
//! message properties.

use std::time::Duration;

use bytes::Bytes;
use mqtt_session::{Error, Event, MessageProperties, QoS, RetainHandling, Subscription};

use crate::conformance::driver::Client;
use crate::conformance::target::Target;
use crate::conformance::wire::DISCONNECT;

pub async fn an_empty_client_id_is_replaced_by_one_the_broker_assigns(target: Target) {
    let options = target.options("");
    let (mut anonymous, _) =
        Client::connect_with_empty_client_id("anonymous", target.addr, options).await;
    let assigned = anonymous.client_id();
    assert!(
        !assigned.is_empty() && !assigned.starts_with("feedboard-"),
        "the session uses the broker's Assigned Client Identifier, not its own: {assigned:?}"
    );
    // The broker knows the session by that id: a second client connecting with it takes
    // the session over, and the broker closes the first one's connection.
    let _usurper = target.client(&assigned).await;
    let reason = anonymous
        .wait_for(
            "the broker to close the taken-over connection",
            |e| match e {
                Event::ConnectionLost { reason } => Some(reason.clone()),
                _ => None,
            },
        )
        .await;
    // Difference (Mosquitto 2.0.11 and rmqtt 0.24): MQTT 5.0 §3.1.4 has the broker send
    // the old connection DISCONNECT 0x8E "session taken over" first; both only close the
    // socket. The session cannot tell that from a network failure, so it schedules a
    // reconnect (and two clients sharing an id take the session from each other in
    // turns) instead of stopping with `Error::SessionTakenOver`.
    assert_eq!(
        anonymous.received.of(DISCONNECT),
        0,
        "no DISCONNECT packet from the broker"
    );
    assert!(
        matches!(reason, Error::Transport(_)),
        "a plain close, not a session-taken-over DISCONNECT: {reason}"
    );
}

pub async fn no_local_keeps_own_publishes_from_coming_back(target: Target) {
    let topic = "conformance/no-local";
    let mut client = target.client("talker").await;
    let results = client
        .subscribe(vec![Subscription {
            no_local: true,
            ..Subscription::new(topic, QoS::AtLeastOnce)
        }])
        .await;
    assert_eq!(results, [(topic.to_string(), Ok(QoS::AtLeastOnce))]);
    client
        .publish_confirmed(topic, "own", QoS::AtLeastOnce, false)
        .await;
    // The marker: someone else's message on the same topic does arrive, and the own one,
    // routed before it, would have come first.
    let mut peer = target.client("peer").await;
    peer.publish_confirmed(topic, "peer", QoS::AtLeastOnce, false)
        .await;
    let first = client.next_message(topic).await;
    assert_eq!(&first.payload[..], b"peer", "the first message on {topic}");
}

pub async fn retain_as_published_keeps_the_retain_flag_on_live_messages(target: Target) {
    let topic = "conformance/retain-as-published";
    let mut as_published = target.client("as-published").await;
    as_published
        .subscribe(vec![Subscription {
            retain_as_published: true,
            ..Subscription::new(topic, QoS::AtLeastOnce)
        }])
        .await;
    let mut plain = target.client("plain").await;
    plain.subscribe_granted(topic, QoS::AtLeastOnce).await;

    let mut publisher = target.client("publisher").await;
    publisher
        .publish_confirmed(topic, "retained, live", QoS::AtLeastOnce, true)
        .await;
    let kept = as_published.next_message(topic).await;
    assert!(kept.retain, "retain as published: flag kept: {kept:?}");
    let cleared = plain.next_message(topic).await;
    assert!(
        !cleared.retain,
        "default: flag cleared on a live message: {cleared:?}"
    );
}

pub async fn retain_handling_2_sends_no_retained_message_on_subscribe(target: Target) {
    let topic = "conformance/retain-handling";
    let mut publisher = target.client("publisher").await;
    publisher
        .publish_confirmed(topic, "old", QoS::AtLeastOnce, true)
        .await;
    let mut subscriber = target.client("subscriber").await;
    let results = subscriber
        .subscribe(vec![Subscription {
            retain_handling: RetainHandling::DoNotSend,
            ..Subscription::new(topic, QoS::AtLeastOnce)
        }])
        .await;
    assert_eq!(results, [(topic.to_string(), Ok(QoS::AtLeastOnce))]);
    // The marker: a live message, which comes after any retained one would have.
    publisher
        .publish_confirmed(topic, "new", QoS::AtLeastOnce, false)
        .await;
    let first = subscriber.next_message(topic).await;
    assert_eq!(&first.payload[..], b"new", "the first message: {first:?}");
}

pub async fn the_subscription_identifier_comes_with_each_message(target: Target) {
    let mut subscriber = target.client("subscriber").await;
    for (filter, id) in [("conformance/ids/a", 42), ("conformance/other/#", 7)] {
        let results = subscriber
            .subscribe(vec![Subscription {
                identifier: Some(id),
                ..Subscription::new(filter, QoS::AtLeastOnce)
            }])
            .await;
        assert_eq!(results, [(filter.to_string(), Ok(QoS::AtLeastOnce))]);
    }
    let mut publisher = target.client("publisher").await;
    for (topic, id) in [("conformance/ids/a", 42), ("conformance/other/x/y", 7)] {
        publisher
            .publish_confirmed(topic, "tagged", QoS::AtLeastOnce, false)
            .await;
        let message = subscriber.next_message(topic).await;
        assert_eq!(
            message.properties.subscription_identifiers,
            [id],
            "identifiers on the message on {topic}"
        );
    }
}

pub async fn message_properties_reach_the_subscriber_unchanged(target: Target) {
    let topic = "conformance/properties";
    let mut subscriber = target.client("subscriber").await;
    subscriber.subscribe_granted(topic, QoS::AtLeastOnce).await;
    let sent = MessageProperties {
        content_type: Some("application/json".into()),
        response_topic: Some("conformance/properties/reply".into()),
        correlation_data: Some(Bytes::from_static(b"\x00\x01request-42")),
        // Order and repeats are part of what must pass through.
        user_properties: vec![
            ("unit".into(), "celsius".into()),
            ("sensor".into(), "kitchen".into()),
            ("unit".into(), "kelvin".into()),
        ],
        message_expiry: Some(Duration::from_secs(60)),
        payload_is_utf8: Some(true),
        subscription_identifiers: Vec::new(),
    };
    let mut publisher = target.client("publisher").await;
    let id = publisher
        .publish(
            topic,
            Bytes::from_static(br#"{"value": 21.5}"#),
            QoS::AtLeastOnce,
            false,
            sent.clone(),
        )
        .await;
    publisher.wait_published(id.as_slice()).await;

    let received = subscriber.next_message(topic).await.properties;
    // The broker forwards the lifetime left, which a second boundary may have cut.
    let expiry = received.message_expiry.expect("a message expiry interval");
    assert!(
        (Duration::from_secs(58)..=Duration::from_secs(60)).contains(&expiry),
        "message expiry {expiry:?} for 60 s sent"
    );
    let expected = MessageProperties {
        message_expiry: received.message_expiry,
        ..sent
    };
    assert_eq!(received, expected);
}
