//! Simulated devices: real MQTT clients (rumqttc over TCP) publishing plausible values.
//!
//! - [`home`]: a living room on `demo/f/...`: temperature, humidity, and a heater that
//!   obeys `demo/f/control` and confirms its state, retained, on `demo/f/heater`.
//! - [`ward`]: heart rate and SpO2 of three patients on `ward/<bed>/f/...`; `bed-3`
//!   has a short deterioration about once a minute.
//! - [`van`]: a delivery van's position (Adafruit IO JSON) and a log line per stop.
//!
//! Each device is a pure model (unit-tested without sockets) driven by the private `runner` module,
//! which owns the MQTT connection, reconnects, and resubscribes after every CONNACK.

pub mod home;
pub mod lock;
mod runner;
pub mod van;
pub mod ward;

use std::time::Duration;

use tokio::task::JoinHandle;

use crate::error::DemoError;

/// How long [`start_devices`] waits for the devices to be connected and ready.
const READY_TIMEOUT: Duration = Duration::from_secs(10);

/// The running simulated devices. Dropping it, or awaiting [`DevicesHandle::stop`],
/// ends the device tasks (their MQTT connections close).
#[derive(Debug)]
pub struct DevicesHandle {
    tasks: Vec<JoinHandle<()>>,
}

impl DevicesHandle {
    /// Ends the device tasks and waits until they are gone.
    pub async fn stop(mut self) {
        for task in self.tasks.drain(..) {
            task.abort();
            // Cancelled is the expected outcome; a panic would already have been reported.
            let _ = task.await;
        }
    }
}

impl Drop for DevicesHandle {
    fn drop(&mut self) {
        for task in &self.tasks {
            task.abort();
        }
    }
}

/// Starts the home and ward devices as MQTT 3.1.1 clients of the broker at
/// `host:tcp_port` (plain TCP). Returns once both are connected, the heater has
/// subscribed to `demo/f/control` and its retained initial state `OFF` on
/// `demo/f/heater` has been acknowledged by the broker (QoS 1).
///
/// Fails if the broker cannot be reached (the first connection error is reported),
/// or if the devices are not ready within 10 s. Must be called inside a tokio runtime:
/// the device tasks are spawned on it.
pub async fn start_devices(host: &str, tcp_port: u16) -> Result<DevicesHandle, DemoError> {
    let addr = format!("{host}:{tcp_port}");
    let home = runner::spawn(home::Home::new(), host, tcp_port);
    let ward = runner::spawn(ward::Ward::new(), host, tcp_port);
    let lock = runner::spawn(lock::Lock::new(), host, tcp_port);
    let van = runner::spawn(van::Van::default(), host, tcp_port);
    let handle = DevicesHandle {
        tasks: home
            .tasks
            .into_iter()
            .chain(ward.tasks)
            .chain(lock.tasks)
            .chain(van.tasks)
            .collect(),
    };

    let wait = async {
        for ready in [home.ready, ward.ready, lock.ready, van.ready] {
            match ready.await {
                Ok(Ok(())) => {}
                Ok(Err(reason)) => return Err(reason),
                Err(_) => return Err("a device task ended before it was ready".to_string()),
            }
        }
        Ok(())
    };
    match tokio::time::timeout(READY_TIMEOUT, wait).await {
        Ok(Ok(())) => Ok(handle),
        Ok(Err(reason)) => Err(DemoError::Devices { addr, reason }),
        Err(_) => Err(DemoError::Devices {
            addr,
            reason: format!("not ready after {} s", READY_TIMEOUT.as_secs()),
        }),
    }
}

/// What a device wants sent.
#[derive(Debug, Clone, PartialEq)]
pub struct Outgoing {
    pub topic: String,
    pub payload: String,
    pub qos: rumqttc::QoS,
    pub retain: bool,
}

impl Outgoing {
    /// A QoS 0, non-retained reading.
    pub fn reading(topic: impl Into<String>, payload: impl Into<String>) -> Self {
        Outgoing {
            topic: topic.into(),
            payload: payload.into(),
            qos: rumqttc::QoS::AtMostOnce,
            retain: false,
        }
    }

    /// The same, retained: a page that opens later sees the last reading at once, as
    /// many home sensors publish (Adafruit IO shows a feed's last value the same way).
    pub fn retained_reading(topic: impl Into<String>, payload: impl Into<String>) -> Self {
        Outgoing {
            retain: true,
            ..Outgoing::reading(topic, payload)
        }
    }
}

/// A device model: pure logic, no I/O. The runner calls it.
pub trait Device: Send + 'static {
    /// The MQTT client id (unique per device).
    fn client_id(&self) -> String;
    /// How often [`Device::tick`] is called.
    fn period(&self) -> Duration;
    /// Topic filters to subscribe to (QoS 1) after every CONNACK.
    fn subscriptions(&self) -> Vec<String>;
    /// Messages to (re)publish after every CONNACK, e.g. retained state.
    fn on_connect(&mut self) -> Vec<Outgoing>;
    /// Periodic readings.
    fn tick(&mut self) -> Vec<Outgoing>;
    /// A message arrived on a subscribed topic.
    fn on_message(&mut self, topic: &str, payload: &[u8]) -> Vec<Outgoing>;
}
