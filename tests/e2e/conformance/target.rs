//! The brokers the checks run against, each started fresh for one check: Mosquitto
//! (an anonymous plain TCP listener) and the demo's embedded rmqtt broker (in-process,
//! without devices), spoken to over MQTT 3.1.1 or 5.0.

use std::net::{Ipv4Addr, SocketAddr};
use std::time::Duration;

use feedboard_demo::BrokerHandle;
use mqtt_session::{ConnectOptions, ProtocolVersion};

use super::driver::Client;
use crate::mosquitto::Mosquitto;

/// Which broker implementation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Broker {
    /// Debian's Mosquitto 2.0.
    Mosquitto,
    /// The demo's embedded rmqtt 0.24.
    Demo,
}

/// A running broker and the protocol version a check speaks to it.
#[derive(Debug, Clone, Copy)]
pub struct Target {
    pub broker: Broker,
    pub version: ProtocolVersion,
    pub addr: SocketAddr,
}

impl Target {
    /// Options for a client with this id: this target's version, a clean start, and a
    /// keep-alive long enough that clients a check is not driving stay connected.
    pub fn options(&self, client_id: &str) -> ConnectOptions {
        ConnectOptions {
            version: self.version,
            client_id: client_id.to_string(),
            keep_alive: Duration::from_secs(60),
            ..ConnectOptions::default()
        }
    }

    /// A connected client with [`Target::options`]; a fresh broker has no session for it.
    pub async fn client(&self, client_id: &str) -> Client {
        let (client, session_present) =
            Client::connect(client_id, self.addr, self.options(client_id)).await;
        assert!(
            !session_present,
            "{client_id}: a clean start must not resume a session"
        );
        client
    }
}

/// A broker process or in-process broker, stopped when dropped (or by [`Running::stop`]).
pub enum Running {
    Mosquitto(Mosquitto),
    Demo(BrokerHandle),
}

impl Running {
    pub async fn start(broker: Broker) -> Running {
        match broker {
            Broker::Mosquitto => Running::Mosquitto(Mosquitto::start_anonymous()),
            Broker::Demo => Running::Demo(
                feedboard_demo::start_broker(0, 0)
                    .await
                    .expect("cannot start the demo broker"),
            ),
        }
    }

    pub fn addr(&self) -> SocketAddr {
        let port = match self {
            Running::Mosquitto(m) => m.tcp_port,
            Running::Demo(d) => d.tcp_port,
        };
        SocketAddr::from((Ipv4Addr::LOCALHOST, port))
    }

    /// Stop and wait until the ports are free (dropping only asks the demo broker to).
    pub async fn stop(self) {
        match self {
            Running::Mosquitto(m) => drop(m),
            Running::Demo(d) => d.stop().await,
        }
    }
}
