//! The simulated devices against the embedded broker, observed by a real client.

mod common;

use common::{next_publish, publish_acked, v4_client, wait_for, wait_suback};
use feedboard_demo::devices::home::{
    CONTROL_TOPIC, HEATER_TOPIC, HUMIDITY_TOPIC, TEMPERATURE_TOPIC,
};
use feedboard_demo::devices::ward::{heart_rate_topic, spo2_topic, PATIENTS};
use feedboard_demo::{start_broker, start_devices, DemoError};
use rumqttc::{Event, Packet, QoS};

#[tokio::test]
async fn heater_obeys_control_and_sensors_report() {
    let broker = start_broker(0, 0).await.expect("broker starts");
    let devices = start_devices("127.0.0.1", broker.tcp_port)
        .await
        .expect("devices start");

    // The heater's initial state is retained: a client arriving later sees it.
    let (client, mut eventloop) = v4_client(broker.tcp_port, "dashboard");
    client
        .subscribe(HEATER_TOPIC, QoS::AtLeastOnce)
        .await
        .expect("subscribe");
    let state = next_publish(&mut eventloop, HEATER_TOPIC).await;
    assert_eq!(&state.payload[..], b"OFF");
    assert!(state.retain);

    client
        .subscribe(TEMPERATURE_TOPIC, QoS::AtMostOnce)
        .await
        .expect("subscribe");
    client
        .subscribe(HUMIDITY_TOPIC, QoS::AtMostOnce)
        .await
        .expect("subscribe");
    wait_suback(&mut eventloop).await;

    // A command is confirmed on the state topic.
    client
        .publish(CONTROL_TOPIC, QoS::AtLeastOnce, false, "ON")
        .await
        .expect("publish");
    let state = next_publish(&mut eventloop, HEATER_TOPIC).await;
    assert_eq!(&state.payload[..], b"ON");

    // Readings arrive every 2 s as plain numbers.
    let t = next_publish(&mut eventloop, TEMPERATURE_TOPIC).await;
    let t: f64 = std::str::from_utf8(&t.payload)
        .expect("utf-8")
        .parse()
        .expect("a number");
    assert!((10.0..35.0).contains(&t), "temperature {t}");
    let h = next_publish(&mut eventloop, HUMIDITY_TOPIC).await;
    let h: f64 = std::str::from_utf8(&h.payload)
        .expect("utf-8")
        .parse()
        .expect("a number");
    assert!((20.0..80.0).contains(&h), "humidity {h}");

    // The confirmed ON is retained for the next dashboard.
    let (late, mut late_loop) = v4_client(broker.tcp_port, "late-dashboard");
    late.subscribe(HEATER_TOPIC, QoS::AtMostOnce)
        .await
        .expect("subscribe");
    let state = next_publish(&mut late_loop, HEATER_TOPIC).await;
    assert_eq!(&state.payload[..], b"ON");
    assert!(state.retain);

    // Garbage on the control topic is ignored; OFF is obeyed.
    publish_acked(broker.tcp_port, "tester", CONTROL_TOPIC, "toaster", false).await;
    publish_acked(broker.tcp_port, "tester2", CONTROL_TOPIC, "off", false).await;
    let state = next_publish(&mut eventloop, HEATER_TOPIC).await;
    assert_eq!(&state.payload[..], b"OFF");

    devices.stop().await;
    broker.stop().await;
}

#[tokio::test]
async fn ward_reports_every_patient() {
    let broker = start_broker(0, 0).await.expect("broker starts");
    let _devices = start_devices("127.0.0.1", broker.tcp_port)
        .await
        .expect("devices start");

    let (client, mut eventloop) = v4_client(broker.tcp_port, "ward-screen");
    client
        .subscribe("ward/+/f/+", QoS::AtMostOnce)
        .await
        .expect("subscribe");
    for bed in PATIENTS {
        let hr = next_publish(&mut eventloop, &heart_rate_topic(bed)).await;
        let hr: u32 = std::str::from_utf8(&hr.payload)
            .expect("utf-8")
            .parse()
            .expect("whole bpm");
        assert!((40..200).contains(&hr), "{bed}: {hr} bpm");
        let spo2 = next_publish(&mut eventloop, &spo2_topic(bed)).await;
        let spo2: u32 = std::str::from_utf8(&spo2.payload)
            .expect("utf-8")
            .parse()
            .expect("whole %");
        assert!((70..=100).contains(&spo2), "{bed}: {spo2} %");
    }
}

#[tokio::test]
async fn unreachable_broker_is_reported() {
    // A port nobody listens on (bound, then released).
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .and_then(|l| l.local_addr())
        .expect("free port")
        .port();
    let err = start_devices("127.0.0.1", port)
        .await
        .expect_err("no broker there");
    assert!(matches!(err, DemoError::Devices { .. }), "{err:?}");
    assert!(
        err.to_string().contains(&format!("127.0.0.1:{port}")),
        "{err}"
    );
}

#[tokio::test]
async fn devices_reconnect_and_restore_state_after_a_broker_restart() {
    let broker = start_broker(0, 0).await.expect("broker starts");
    let (ws_port, tcp_port) = (broker.ws_port, broker.tcp_port);
    let _devices = start_devices("127.0.0.1", tcp_port)
        .await
        .expect("devices start");
    // The heater has taken the command when it reports ON (the broker's PUBACK to the
    // tester says only that the broker has it): only then is there a state to keep.
    let (watcher, mut watching) = v4_client(tcp_port, "watcher");
    watcher
        .subscribe(HEATER_TOPIC, QoS::AtLeastOnce)
        .await
        .expect("subscribe");
    publish_acked(tcp_port, "tester", CONTROL_TOPIC, "ON", false).await;
    wait_for(
        &mut watching,
        "the heater to report ON",
        |event| match event {
            Event::Incoming(Packet::Publish(p))
                if p.topic == HEATER_TOPIC && &p.payload[..] == b"ON" =>
            {
                Some(())
            }
            _ => None,
        },
    )
    .await;
    broker.stop().await;

    // Same ports again at once (reuseaddr); the new broker has no retained state, so a
    // retained heater state can only come from the heater re-publishing on reconnect.
    let broker = start_broker(ws_port, tcp_port)
        .await
        .expect("broker restarts on the same ports");
    let (client, mut eventloop) = v4_client(tcp_port, "dashboard");
    client
        .subscribe(HEATER_TOPIC, QoS::AtLeastOnce)
        .await
        .expect("subscribe");
    let state = next_publish(&mut eventloop, HEATER_TOPIC).await;
    assert_eq!(&state.payload[..], b"ON", "the heater keeps its state");

    // And it is subscribed again: commands still work.
    client
        .publish(CONTROL_TOPIC, QoS::AtLeastOnce, false, "OFF")
        .await
        .expect("publish");
    // The reconnecting heater may repeat its ON (live, after our subscription), so
    // wait for the OFF rather than take the next message.
    loop {
        let state = next_publish(&mut eventloop, HEATER_TOPIC).await;
        if &state.payload[..] == b"OFF" {
            break;
        }
        assert_eq!(&state.payload[..], b"ON");
    }
    broker.stop().await;
}
