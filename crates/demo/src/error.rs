//! The one error type of the crate, with messages meant for a person at a terminal.

use std::fmt;
use std::io;
use std::path::PathBuf;

/// Which of the demo's listening sockets a port belongs to (names the flag that moves it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Listener {
    /// The static file server (`--http-port`).
    Http,
    /// The broker's MQTT-over-WebSocket listener (`--ws-port`).
    BrokerWs,
    /// The broker's plain MQTT/TCP listener (`--tcp-port`).
    BrokerTcp,
}

impl Listener {
    /// The command-line flag that changes this listener's port.
    pub fn flag(self) -> &'static str {
        match self {
            Listener::Http => "--http-port",
            Listener::BrokerWs => "--ws-port",
            Listener::BrokerTcp => "--tcp-port",
        }
    }
}

impl fmt::Display for Listener {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Listener::Http => "HTTP",
            Listener::BrokerWs => "MQTT WebSocket",
            Listener::BrokerTcp => "MQTT TCP",
        })
    }
}

/// Everything that can go wrong while starting or running the demo.
#[derive(Debug, thiserror::Error)]
pub enum DemoError {
    /// The port is taken by another process.
    #[error("port {port} ({listener}) is already in use: pick another with {flag} <PORT>", flag = .listener.flag())]
    PortInUse { port: u16, listener: Listener },
    /// Binding failed for another reason (permission, bad address, ...).
    #[error("cannot listen on port {port} ({listener}): {source}")]
    Bind {
        port: u16,
        listener: Listener,
        #[source]
        source: io::Error,
    },
    /// The directory of the built app does not exist.
    #[error("{}/ not found: build the app first with `cargo xtask demo`", .0.display().to_string().trim_end_matches('/'))]
    DistMissing(PathBuf),
    /// The embedded broker failed to start.
    #[error("the embedded MQTT broker failed to start: {0}")]
    Broker(String),
    /// A simulated device could not reach the broker.
    #[error("simulated devices cannot use the broker at {addr}: {reason}")]
    Devices { addr: String, reason: String },
    /// Bad command-line arguments.
    #[error("{0}\nRun `feedboard-demo --help` for usage.")]
    Usage(String),
    /// Any other I/O failure (signals, files).
    #[error("{0}")]
    Io(#[from] io::Error),
}

impl DemoError {
    /// Classifies a bind failure: "address in use" gets its own, actionable message.
    pub(crate) fn from_bind(port: u16, listener: Listener, source: io::Error) -> Self {
        if source.kind() == io::ErrorKind::AddrInUse {
            DemoError::PortInUse { port, listener }
        } else {
            DemoError::Bind {
                port,
                listener,
                source,
            }
        }
    }
}
