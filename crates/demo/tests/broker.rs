//! The embedded broker, exercised by real clients: retained messages, MQTT 3.1.1 and
//! 5.0 over TCP, MQTT 5.0 over WebSocket, several brokers per process, stop, ports.

mod common;

use std::time::Duration;

use bytes::BytesMut;
use common::{next_publish, publish_acked, v4_client, wait_for, wait_suback, DEADLINE};
use feedboard_demo::{start_broker, DemoError, Listener};
use futures_util::{SinkExt, StreamExt};
use rumqttc::v5::mqttbytes::v5::{
    Connect, ConnectReturnCode, Filter, Packet as V5Packet, Publish as V5Publish, Subscribe,
};
use rumqttc::v5::mqttbytes::QoS as V5QoS;
use rumqttc::{Event, Packet, QoS};
use tokio_tungstenite::tungstenite::client::IntoClientRequest;
use tokio_tungstenite::tungstenite::http::HeaderValue;
use tokio_tungstenite::tungstenite::Message;

#[tokio::test]
async fn retained_message_reaches_a_later_tcp_subscriber() {
    let broker = start_broker(0, 0).await.expect("broker starts");
    publish_acked(broker.tcp_port, "pub", "test/room/heater", "ON", true).await;

    let (client, mut eventloop) = v4_client(broker.tcp_port, "late-sub");
    client
        .subscribe("test/room/#", QoS::AtLeastOnce)
        .await
        .expect("queue subscribe");
    let msg = next_publish(&mut eventloop, "test/room/heater").await;
    assert_eq!(&msg.payload[..], b"ON");
    assert!(
        msg.retain,
        "a retained message must arrive with the retain flag"
    );

    // An empty retained payload clears it; a newer value replaces it.
    publish_acked(broker.tcp_port, "pub2", "test/room/heater", "OFF", true).await;
    let (client, mut eventloop) = v4_client(broker.tcp_port, "late-sub-2");
    client
        .subscribe("test/room/heater", QoS::AtMostOnce)
        .await
        .expect("queue subscribe");
    let msg = next_publish(&mut eventloop, "test/room/heater").await;
    assert_eq!(&msg.payload[..], b"OFF");
    assert!(msg.retain);
    broker.stop().await;
}

#[tokio::test]
async fn mqtt5_client_over_tcp_connects_and_gets_retained() {
    use rumqttc::v5::{AsyncClient, Event as V5Event, MqttOptions};

    let broker = start_broker(0, 0).await.expect("broker starts");
    publish_acked(broker.tcp_port, "pub", "test/v5/value", "42", true).await;

    let (client, mut eventloop) =
        AsyncClient::new(MqttOptions::new("v5-sub", "127.0.0.1", broker.tcp_port), 16);
    client
        .subscribe("test/v5/value", V5QoS::AtLeastOnce)
        .await
        .expect("queue subscribe");
    let result = tokio::time::timeout(DEADLINE, async {
        let mut connack = None;
        loop {
            match eventloop.poll().await.expect("v5 connection") {
                V5Event::Incoming(V5Packet::ConnAck(ack)) => connack = Some(ack.code),
                V5Event::Incoming(V5Packet::Publish(p)) => return (connack, p),
                _ => {}
            }
        }
    })
    .await;
    let (connack, publish) = result.expect("a retained message over MQTT 5 within the deadline");
    assert_eq!(connack, Some(ConnectReturnCode::Success));
    assert_eq!(&publish.payload[..], b"42");
    assert!(publish.retain);
    broker.stop().await;
}

/// One MQTT packet over a WebSocket: encoded by rumqttc's v5 codec, one binary frame.
async fn ws_send<S>(ws: &mut S, packet: V5Packet)
where
    S: SinkExt<Message> + Unpin,
    S::Error: std::fmt::Debug,
{
    let mut buf = BytesMut::new();
    packet.write(&mut buf).expect("encode packet");
    ws.send(Message::binary(buf.freeze()))
        .await
        .expect("ws send");
}

/// The next MQTT 5 packet from a WebSocket (frames may split or join packets).
async fn ws_next<S>(ws: &mut S, buf: &mut BytesMut) -> V5Packet
where
    S: StreamExt<Item = Result<Message, tokio_tungstenite::tungstenite::Error>> + Unpin,
{
    let next = tokio::time::timeout(DEADLINE, async {
        loop {
            match V5Packet::read(buf, None) {
                Ok(packet) => return packet,
                Err(rumqttc::v5::mqttbytes::Error::InsufficientBytes(_)) => {}
                Err(e) => panic!("bad packet from broker: {e:?}"),
            }
            match ws.next().await {
                Some(Ok(Message::Binary(data))) => buf.extend_from_slice(&data),
                Some(Ok(_)) => {}
                other => panic!("websocket ended: {other:?}"),
            }
        }
    })
    .await;
    next.expect("an MQTT packet over the WebSocket within the deadline")
}

#[tokio::test]
async fn mqtt5_over_websocket_with_mqtt_subprotocol() {
    let broker = start_broker(0, 0).await.expect("broker starts");
    publish_acked(broker.tcp_port, "pub", "test/ws/retained", "hello", true).await;

    let mut request = broker.ws_url().into_client_request().expect("request");
    request
        .headers_mut()
        .insert("Sec-WebSocket-Protocol", HeaderValue::from_static("mqtt"));
    let (mut ws, response) = tokio_tungstenite::connect_async(request)
        .await
        .expect("websocket upgrade");
    assert_eq!(
        response.headers().get("Sec-WebSocket-Protocol"),
        Some(&HeaderValue::from_static("mqtt")),
        "the broker must accept the `mqtt` subprotocol"
    );

    let mut buf = BytesMut::new();
    let connect = Connect {
        keep_alive: 30,
        client_id: "ws-v5".into(),
        clean_start: true,
        properties: None,
    };
    ws_send(&mut ws, V5Packet::Connect(connect, None, None)).await;
    match ws_next(&mut ws, &mut buf).await {
        V5Packet::ConnAck(ack) => assert_eq!(ack.code, ConnectReturnCode::Success),
        other => panic!("expected CONNACK, got {other:?}"),
    }

    let mut subscribe = Subscribe::new(Filter::new("test/ws/#", V5QoS::AtMostOnce), None);
    subscribe.pkid = 1;
    ws_send(&mut ws, V5Packet::Subscribe(subscribe)).await;
    // The SUBACK and the retained message may come in either order.
    let mut got_suback = false;
    let mut retained = None;
    while !(got_suback && retained.is_some()) {
        match ws_next(&mut ws, &mut buf).await {
            V5Packet::SubAck(_) => got_suback = true,
            V5Packet::Publish(p) => retained = Some(p),
            _ => {}
        }
    }
    let retained = retained.expect("retained message");
    assert_eq!(&retained.topic[..], b"test/ws/retained");
    assert_eq!(&retained.payload[..], b"hello");
    assert!(retained.retain);

    // A message published over the WebSocket reaches a TCP subscriber.
    let (tcp, mut eventloop) = v4_client(broker.tcp_port, "tcp-sub");
    tcp.subscribe("test/from-ws", QoS::AtMostOnce)
        .await
        .expect("queue subscribe");
    wait_suback(&mut eventloop).await;
    let publish = V5Publish::new("test/from-ws", V5QoS::AtMostOnce, "21.5", None);
    ws_send(&mut ws, V5Packet::Publish(publish)).await;
    let msg = next_publish(&mut eventloop, "test/from-ws").await;
    assert_eq!(&msg.payload[..], b"21.5");
    broker.stop().await;
}

#[tokio::test]
async fn mqtt311_over_websocket_gets_retained() {
    use rumqttc::mqttbytes::v4;

    let broker = start_broker(0, 0).await.expect("broker starts");
    publish_acked(broker.tcp_port, "pub", "test/ws311/state", "OFF", true).await;

    let mut request = broker.ws_url().into_client_request().expect("request");
    request
        .headers_mut()
        .insert("Sec-WebSocket-Protocol", HeaderValue::from_static("mqtt"));
    let (mut ws, _) = tokio_tungstenite::connect_async(request)
        .await
        .expect("websocket upgrade");

    let send = |packet: &dyn Fn(&mut BytesMut) -> Result<usize, rumqttc::mqttbytes::Error>| {
        let mut buf = BytesMut::new();
        packet(&mut buf).expect("encode");
        Message::binary(buf.freeze())
    };
    let connect = v4::Connect::new("ws-311");
    ws.send(send(&|b| connect.write(b)))
        .await
        .expect("send CONNECT");
    let mut subscribe = v4::Subscribe::new("test/ws311/#", QoS::AtMostOnce);
    subscribe.pkid = 1; // Subscribe::new leaves 0, which 3.1.1 forbids.
    ws.send(send(&|b| subscribe.write(b)))
        .await
        .expect("send SUBSCRIBE");

    let mut buf = BytesMut::new();
    let retained = tokio::time::timeout(DEADLINE, async {
        let mut connack = None;
        loop {
            match v4::read(&mut buf, 1 << 20) {
                Ok(v4::Packet::ConnAck(ack)) => connack = Some(ack.code),
                Ok(v4::Packet::Publish(p)) => return (connack, p),
                Ok(_) => {}
                Err(rumqttc::mqttbytes::Error::InsufficientBytes(_)) => match ws.next().await {
                    Some(Ok(Message::Binary(data))) => buf.extend_from_slice(&data),
                    Some(Ok(_)) => {}
                    other => panic!("websocket ended: {other:?}"),
                },
                Err(e) => panic!("bad packet from broker: {e:?}"),
            }
        }
    })
    .await;
    let (connack, publish) = retained.expect("a retained message within the deadline");
    assert_eq!(connack, Some(rumqttc::ConnectReturnCode::Success));
    assert_eq!(publish.topic, "test/ws311/state");
    assert_eq!(&publish.payload[..], b"OFF");
    assert!(publish.retain);
    broker.stop().await;
}

#[tokio::test]
async fn two_brokers_in_one_process_and_stop_frees_ports_and_closes_clients() {
    let first = start_broker(0, 0).await.expect("first broker");
    let second = start_broker(0, 0).await.expect("second broker");
    assert_ne!(first.tcp_port, second.tcp_port);

    // Retained state is per broker.
    publish_acked(first.tcp_port, "pub", "test/which", "first", true).await;
    publish_acked(second.tcp_port, "pub", "test/which", "second", true).await;
    let (client, mut eventloop) = v4_client(first.tcp_port, "sub");
    client
        .subscribe("test/which", QoS::AtMostOnce)
        .await
        .expect("subscribe");
    assert_eq!(
        &next_publish(&mut eventloop, "test/which").await.payload[..],
        b"first"
    );

    // Stopping the first closes its client connections and frees both ports.
    let (ws_port, tcp_port) = (first.ws_port, first.tcp_port);
    first.stop().await;
    let closed = tokio::time::timeout(DEADLINE, async {
        loop {
            if eventloop.poll().await.is_err() {
                return;
            }
        }
    })
    .await;
    assert!(
        closed.is_ok(),
        "a client of a stopped broker must be disconnected"
    );
    std::net::TcpListener::bind(("127.0.0.1", tcp_port)).expect("TCP port freed");
    std::net::TcpListener::bind(("127.0.0.1", ws_port)).expect("WebSocket port freed");

    // The second broker is unaffected.
    let (client, mut eventloop) = v4_client(second.tcp_port, "sub2");
    client
        .subscribe("test/which", QoS::AtMostOnce)
        .await
        .expect("subscribe");
    assert_eq!(
        &next_publish(&mut eventloop, "test/which").await.payload[..],
        b"second"
    );

    // Dropping the handle stops the broker too.
    let port = second.tcp_port;
    drop(second);
    let freed = tokio::time::timeout(DEADLINE, async {
        loop {
            if std::net::TcpListener::bind(("127.0.0.1", port)).is_ok() {
                return;
            }
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    })
    .await;
    assert!(freed.is_ok(), "dropping the handle must free the port");
}

#[tokio::test]
async fn a_taken_port_is_a_clear_error() {
    let taken = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = taken.local_addr().expect("addr").port();

    let err = start_broker(0, port).await.expect_err("TCP port is taken");
    assert!(
        matches!(err, DemoError::PortInUse { port: p, listener: Listener::BrokerTcp } if p == port),
        "{err:?}"
    );
    assert!(err.to_string().contains("--tcp-port"), "{err}");

    let err = start_broker(port, 0)
        .await
        .expect_err("WebSocket port is taken");
    assert!(err.to_string().contains(&port.to_string()), "{err}");
    assert!(err.to_string().contains("--ws-port"), "{err}");

    // And the broker still starts on free ports afterwards.
    let broker = start_broker(0, 0).await.expect("broker starts");
    let (_client, mut eventloop) = v4_client(broker.tcp_port, "after");
    wait_for(&mut eventloop, "CONNACK", |e| {
        matches!(e, Event::Incoming(Packet::ConnAck(_))).then_some(())
    })
    .await;
}
