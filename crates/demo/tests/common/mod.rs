//! Helpers shared by the integration tests: real MQTT clients, waits with deadlines.
#![allow(dead_code)] // Each test file uses a different subset.

use std::path::PathBuf;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use rumqttc::{AsyncClient, Event, EventLoop, MqttOptions, Packet, Publish, QoS};

/// Upper bound for anything a test waits for; a timeout fails the test.
pub const DEADLINE: Duration = Duration::from_secs(10);

/// An MQTT 3.1.1 client over TCP to 127.0.0.1:`port` (not yet connected: poll it).
pub fn v4_client(port: u16, id: &str) -> (AsyncClient, EventLoop) {
    let mut options = MqttOptions::new(id, "127.0.0.1", port);
    options.set_keep_alive(Duration::from_secs(30));
    AsyncClient::new(options, 64)
}

/// Polls `eventloop` until `pick` returns `Some`, failing the test after [`DEADLINE`]
/// or on a connection error.
pub async fn wait_for<R>(
    eventloop: &mut EventLoop,
    what: &str,
    mut pick: impl FnMut(&Event) -> Option<R>,
) -> R {
    let found = tokio::time::timeout(DEADLINE, async {
        loop {
            match eventloop.poll().await {
                Ok(event) => {
                    if let Some(r) = pick(&event) {
                        return r;
                    }
                }
                Err(e) => panic!("connection error while waiting for {what}: {e}"),
            }
        }
    })
    .await;
    match found {
        Ok(r) => r,
        Err(_) => panic!("timed out after {DEADLINE:?} waiting for {what}"),
    }
}

/// Waits for the next PUBLISH on `topic`.
pub async fn next_publish(eventloop: &mut EventLoop, topic: &str) -> Publish {
    wait_for(
        eventloop,
        &format!("a message on {topic}"),
        |event| match event {
            Event::Incoming(Packet::Publish(p)) if p.topic == topic => Some(p.clone()),
            _ => None,
        },
    )
    .await
}

/// Waits for the SUBACK of a subscription.
pub async fn wait_suback(eventloop: &mut EventLoop) {
    wait_for(eventloop, "SUBACK", |event| {
        matches!(event, Event::Incoming(Packet::SubAck(_))).then_some(())
    })
    .await
}

/// Connects, publishes one message at QoS 1 and waits for its PUBACK.
pub async fn publish_acked(port: u16, id: &str, topic: &str, payload: &str, retain: bool) {
    let (client, mut eventloop) = v4_client(port, id);
    client
        .publish(topic, QoS::AtLeastOnce, retain, payload)
        .await
        .expect("queue publish");
    wait_for(&mut eventloop, "PUBACK", |event| {
        matches!(event, Event::Incoming(Packet::PubAck(_))).then_some(())
    })
    .await;
    client.disconnect().await.expect("queue disconnect");
    // Wait until the DISCONNECT has been written, then drop the connection.
    wait_for(&mut eventloop, "DISCONNECT sent", |event| {
        matches!(event, Event::Outgoing(rumqttc::Outgoing::Disconnect)).then_some(())
    })
    .await;
}

/// A fresh directory `<tmp>/feedboard-demo-<unique>/` holding `dist/` and, next to it,
/// a secret file that must never be served.
pub fn fixture() -> PathBuf {
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_nanos())
        .unwrap_or(0);
    let base = std::env::temp_dir().join(format!("feedboard-demo-{}-{nanos}", std::process::id()));
    let dist = base.join("dist");
    std::fs::create_dir_all(dist.join("pkg")).expect("mkdir");
    std::fs::write(dist.join("index.html"), "<!doctype html><title>fb</title>").expect("write");
    std::fs::write(dist.join("pkg/app_bg.wasm"), b"\0asm\x01\0\0\0").expect("write");
    std::fs::write(dist.join("app.js"), "export {}").expect("write");
    std::fs::write(dist.join("style.css"), "body{}").expect("write");
    std::fs::write(dist.join("manifest.webmanifest"), "{}").expect("write");
    std::fs::write(base.join("secret.txt"), "secret").expect("write");
    dist
}
