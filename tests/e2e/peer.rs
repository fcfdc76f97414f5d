//! Another MQTT client on the broker, as a device or a second user would be: rumqttc over
//! Mosquitto's plain TCP listener.

use std::collections::VecDeque;
use std::time::Duration;

use rumqttc::{AsyncClient, Event, MqttOptions, Packet, Publish, QoS};
use tokio::sync::mpsc;
use tokio::task::JoinHandle;
use tokio::time::timeout;

use crate::support::DEADLINE;

pub struct Peer {
    client: AsyncClient,
    incoming: mpsc::UnboundedReceiver<Result<Packet, String>>,
    /// Messages that arrived while waiting for something else.
    messages: VecDeque<Publish>,
    event_loop: JoinHandle<()>,
}

impl Peer {
    /// Connect as `user` and wait for the broker's CONNACK.
    pub async fn connect(name: &str, port: u16, (user, password): (&str, &str)) -> Peer {
        let mut options = MqttOptions::new(name, "127.0.0.1", port);
        options
            .set_credentials(user, password)
            .set_keep_alive(Duration::from_secs(5))
            // rumqttc's default (10 KiB) is smaller than what some tests publish.
            .set_max_packet_size(1 << 20, 1 << 20);
        let (client, mut event_loop) = AsyncClient::new(options, 32);
        let (tx, incoming) = mpsc::unbounded_channel();
        let event_loop = tokio::spawn(async move {
            loop {
                let event = event_loop.poll().await;
                let failed = event.is_err();
                let forward = match event {
                    Ok(Event::Incoming(packet)) => Some(Ok(packet)),
                    Ok(Event::Outgoing(_)) => None,
                    Err(e) => Some(Err(e.to_string())),
                };
                if let Some(item) = forward {
                    if tx.send(item).is_err() {
                        return;
                    }
                }
                if failed {
                    // rumqttc reconnects on the next poll; don't spin.
                    tokio::time::sleep(Duration::from_millis(200)).await;
                }
            }
        });
        let mut peer = Peer {
            client,
            incoming,
            messages: VecDeque::new(),
            event_loop,
        };
        peer.wait_for("CONNACK", |p| matches!(p, Packet::ConnAck(_)))
            .await;
        peer
    }

    /// Publish at QoS 1 and wait for the broker's PUBACK.
    pub async fn publish(&mut self, topic: &str, payload: &str, retain: bool) {
        self.publish_bytes(topic, payload.as_bytes(), retain).await;
    }

    /// Publish any bytes (not necessarily UTF-8) at QoS 1 and wait for the PUBACK.
    pub async fn publish_bytes(&mut self, topic: &str, payload: &[u8], retain: bool) {
        self.client
            .publish(topic, QoS::AtLeastOnce, retain, payload.to_vec())
            .await
            .expect("peer: cannot queue a publish");
        let shown = String::from_utf8_lossy(&payload[..payload.len().min(40)]).into_owned();
        self.wait_for(&format!("PUBACK for {shown:?} on {topic}"), |p| {
            matches!(p, Packet::PubAck(_))
        })
        .await;
    }

    /// Subscribe at QoS 1 and wait for the SUBACK.
    pub async fn subscribe(&mut self, filter: &str) {
        self.client
            .subscribe(filter, QoS::AtLeastOnce)
            .await
            .expect("peer: cannot queue a subscribe");
        self.wait_for(&format!("SUBACK for {filter}"), |p| {
            matches!(p, Packet::SubAck(_))
        })
        .await;
    }

    /// The next message received on `topic`.
    pub async fn next_message(&mut self, topic: &str) -> Publish {
        if let Some(i) = self.messages.iter().position(|m| m.topic == topic) {
            return self.messages.remove(i).expect("index is in range");
        }
        let packet = self
            .wait_for(
                &format!("a message on {topic}"),
                |p| matches!(p, Packet::Publish(m) if m.topic == topic),
            )
            .await;
        match packet {
            Packet::Publish(message) => message,
            _ => unreachable!("wait_for returned a packet that does not match"),
        }
    }

    /// The topics of every message received before the next one on `topic` (which is
    /// consumed): what the broker delivered to this client before it.
    pub async fn messages_until(&mut self, topic: &str) -> Vec<String> {
        self.next_message(topic).await;
        self.messages.drain(..).map(|m| m.topic).collect()
    }

    async fn wait_for(&mut self, what: &str, wanted: impl Fn(&Packet) -> bool) -> Packet {
        let mut errors = Vec::new();
        let found = timeout(DEADLINE, async {
            loop {
                match self.incoming.recv().await {
                    Some(Ok(packet)) if wanted(&packet) => return packet,
                    Some(Ok(Packet::Publish(message))) => self.messages.push_back(message),
                    Some(Ok(_)) => {}
                    Some(Err(e)) => errors.push(e),
                    None => panic!("peer: event loop ended while waiting for {what}"),
                }
            }
        })
        .await;
        found.unwrap_or_else(|_| {
            panic!("peer: no {what} after {DEADLINE:?}; connection errors: {errors:?}")
        })
    }
}

impl Drop for Peer {
    fn drop(&mut self) {
        self.event_loop.abort();
    }
}
