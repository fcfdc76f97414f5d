//! Drives one [`Device`] over one rumqttc connection. Two tasks share the model:
//! one polls the MQTT event loop (connect, subscribe, incoming messages, reconnect),
//! the other calls [`Device::tick`] on a timer while connected. Keeping the event
//! loop in a task of its own means `EventLoop::poll` is never cancelled half-way.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use rumqttc::{AsyncClient, Event, EventLoop, MqttOptions, Packet, QoS};
use tokio::sync::oneshot;
use tokio::task::JoinHandle;
use tokio::time::MissedTickBehavior;

use super::{Device, Outgoing};

/// Pause between reconnection attempts after the connection was lost.
const RECONNECT_DELAY: Duration = Duration::from_secs(1);

pub(crate) struct Spawned {
    pub tasks: [JoinHandle<()>; 2],
    /// `Ok` once subscribed and the on-connect publishes are acknowledged;
    /// `Err(reason)` if the first connection attempt failed (the tasks then end).
    pub ready: oneshot::Receiver<Result<(), String>>,
}

pub(crate) fn spawn<D: Device>(device: D, host: &str, port: u16) -> Spawned {
    let mut options = MqttOptions::new(device.client_id(), host, port);
    options.set_keep_alive(Duration::from_secs(30));
    let (client, eventloop) = AsyncClient::new(options, 256);
    let (ready_tx, ready) = oneshot::channel();
    let period = device.period();
    let device = Arc::new(Mutex::new(device));
    let connected = Arc::new(AtomicBool::new(false));

    let events = tokio::spawn(drive_events(
        device.clone(),
        client.clone(),
        eventloop,
        connected.clone(),
        ready_tx,
    ));
    let ticks = tokio::spawn(drive_ticks(device, client, period, connected));
    Spawned {
        tasks: [events, ticks],
        ready,
    }
}

/// The model's lock; a panic elsewhere cannot leave a device model half-updated in a
/// way that matters, so a poisoned lock is simply taken over.
fn lock<D>(device: &Mutex<D>) -> MutexGuard<'_, D> {
    device
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// Counts what must be acknowledged after a CONNACK before the device is "ready".
#[derive(Default)]
struct Pending {
    subacks: usize,
    pubacks: usize,
}

async fn drive_events<D: Device>(
    device: Arc<Mutex<D>>,
    client: AsyncClient,
    mut eventloop: EventLoop,
    connected: Arc<AtomicBool>,
    ready_tx: oneshot::Sender<Result<(), String>>,
) {
    let mut ready_tx = Some(ready_tx);
    let mut pending: Option<Pending> = None;

    loop {
        match eventloop.poll().await {
            Ok(Event::Incoming(Packet::ConnAck(_))) => {
                connected.store(true, Ordering::Relaxed);
                let (filters, outgoing) = {
                    let mut device = lock(&device);
                    (device.subscriptions(), device.on_connect())
                };
                let mut wait = Pending::default();
                for filter in filters {
                    if client.try_subscribe(filter, QoS::AtLeastOnce).is_ok() {
                        wait.subacks += 1;
                    }
                }
                for out in outgoing {
                    if try_send(&client, out) == Some(QoS::AtLeastOnce) {
                        wait.pubacks += 1;
                    }
                }
                pending = Some(wait);
            }
            Ok(Event::Incoming(Packet::SubAck(_))) => {
                if let Some(wait) = pending.as_mut() {
                    wait.subacks = wait.subacks.saturating_sub(1);
                }
            }
            Ok(Event::Incoming(Packet::PubAck(_))) => {
                if let Some(wait) = pending.as_mut() {
                    wait.pubacks = wait.pubacks.saturating_sub(1);
                }
            }
            Ok(Event::Incoming(Packet::Publish(msg))) => {
                let outgoing = lock(&device).on_message(&msg.topic, &msg.payload);
                for out in outgoing {
                    try_send(&client, out);
                }
            }
            Ok(_) => {}
            Err(e) => {
                connected.store(false, Ordering::Relaxed);
                pending = None;
                if let Some(tx) = ready_tx.take() {
                    let _ = tx.send(Err(e.to_string()));
                    return;
                }
                tokio::time::sleep(RECONNECT_DELAY).await;
            }
        }

        if matches!(&pending, Some(w) if w.subacks == 0 && w.pubacks == 0) {
            pending = None;
            if let Some(tx) = ready_tx.take() {
                let _ = tx.send(Ok(()));
            }
        }
    }
}

async fn drive_ticks<D: Device>(
    device: Arc<Mutex<D>>,
    client: AsyncClient,
    period: Duration,
    connected: Arc<AtomicBool>,
) {
    let mut ticker = tokio::time::interval(period);
    ticker.set_missed_tick_behavior(MissedTickBehavior::Delay);
    loop {
        ticker.tick().await;
        if !connected.load(Ordering::Relaxed) {
            continue;
        }
        let outgoing = lock(&device).tick();
        for out in outgoing {
            // Only fails once the event loop is gone, i.e. the device is stopping.
            if client
                .publish(out.topic, out.qos, out.retain, out.payload)
                .await
                .is_err()
            {
                return;
            }
        }
    }
}

/// Queues a publish without waiting: the event-loop task must never block on the
/// queue it drains. Returns the QoS if queued; a full queue drops the message.
fn try_send(client: &AsyncClient, out: Outgoing) -> Option<QoS> {
    client
        .try_publish(out.topic, out.qos, out.retain, out.payload)
        .ok()
        .map(|()| out.qos)
}
