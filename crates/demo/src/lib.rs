//! Feedboard's demo companion: everything needed to try the app on one machine.
//!
//! - [`start_broker`]: an embedded MQTT broker (rmqtt 0.24) speaking MQTT 3.1.1 and 5.0
//!   over WebSocket (subprotocol `mqtt`, for the browser) and plain TCP, with retained
//!   messages kept in memory.
//! - [`start_devices`]: simulated devices, real MQTT clients of a broker — a home
//!   (temperature, humidity, a heater obeying `demo/f/control`) and a hospital ward
//!   (heart rate and SpO2 of three beds, one of which deteriorates now and then).
//! - [`serve_static`]: a static file server for the built app, plus the page's
//!   start-up configuration at `/feedboard.json`.
//! - [`run_demo`]: all three until Ctrl-C or SIGTERM; what the `feedboard-demo`
//!   binary runs.
//!
//! Everything listens on 127.0.0.1 only.

/// `println!` that ignores a closed stdout (e.g. piped into `head`) instead of panicking.
macro_rules! say {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        let _ = writeln!(std::io::stdout().lock(), $($arg)*);
    }};
}

mod broker;
pub mod config;
pub mod devices;
mod error;
mod retain;
pub mod rng;
mod static_server;

pub use broker::{start_broker, BrokerHandle};
pub use config::{parse_args, Command, DemoConfig, ExternalBroker, HELP};
pub use devices::{start_devices, DevicesHandle};
pub use error::{DemoError, Listener};
pub use static_server::{serve_static, StaticServer, PAGE_CONFIG_PATH};

/// Runs the demo until SIGINT (Ctrl-C) or SIGTERM, then stops everything and returns
/// `Ok(())`. Starts, in order: the embedded broker (unless `config.broker` names an
/// external one), the static server (whose `/feedboard.json` points the page at the
/// broker's WebSocket URL and asks it to connect), and the devices (unless disabled).
/// Prints what it started and the URL to open.
pub async fn run_demo(config: DemoConfig) -> Result<(), DemoError> {
    if !config.dist.is_dir() {
        return Err(DemoError::DistMissing(config.dist));
    }
    // Listen for signals before starting anything, so none is missed during start-up.
    let mut shutdown = Shutdown::new()?;

    let (broker, device_host, device_port, page_ws) = match &config.broker {
        None => {
            let broker = start_broker(config.ws_port, config.tcp_port).await?;
            say!(
                "MQTT broker (MQTT 3.1.1 and 5.0, retained messages kept in memory):\n  \
                 {}  (WebSocket, subprotocol mqtt)\n  {}  (TCP)",
                broker.ws_url(),
                broker.tcp_url()
            );
            let (port, url) = (broker.tcp_port, broker.ws_url());
            (Some(broker), "127.0.0.1".to_string(), port, url)
        }
        Some(external) => {
            say!(
                "MQTT broker: using mqtt://{}:{} (devices), {} (page)",
                external.host,
                external.tcp_port,
                external.ws_url
            );
            (
                None,
                external.host.clone(),
                external.tcp_port,
                external.ws_url.clone(),
            )
        }
    };

    let page_config = serde_json::json!({ "broker": page_ws, "connect": true });
    let server = serve_static(config.dist.clone(), config.http_port, Some(page_config)).await?;

    let devices = if config.devices {
        let devices = start_devices(&device_host, device_port).await?;
        say!(
            "Simulated devices: demo/f/temperature, demo/f/humidity, demo/f/heater \
             (control: demo/f/control ON|OFF), demo/f/setpoint (set: demo/f/setpoint/set), \
             ward/bed-{{1,2,3}}/f/{{heart-rate,spo2}}, and lock-1 serving the device API on \
             demo/req/lock-1/+ (answers on demo/res/lock-1/+)"
        );
        Some(devices)
    } else {
        None
    };

    say!("Feedboard demo: open {}", server.url());
    say!("Press Ctrl-C to stop.");

    let signal = shutdown.wait().await;
    say!("Feedboard demo: {signal} received, stopping");
    if let Some(devices) = devices {
        devices.stop().await;
    }
    server.stop().await;
    if let Some(broker) = broker {
        broker.stop().await;
    }
    Ok(())
}

/// SIGINT and SIGTERM, registered up front.
struct Shutdown {
    #[cfg(unix)]
    interrupt: tokio::signal::unix::Signal,
    #[cfg(unix)]
    terminate: tokio::signal::unix::Signal,
}

impl Shutdown {
    fn new() -> Result<Self, DemoError> {
        #[cfg(unix)]
        {
            use tokio::signal::unix::{signal, SignalKind};
            Ok(Shutdown {
                interrupt: signal(SignalKind::interrupt())?,
                terminate: signal(SignalKind::terminate())?,
            })
        }
        #[cfg(not(unix))]
        Ok(Shutdown {})
    }

    /// Waits for the first signal; returns its name.
    async fn wait(&mut self) -> &'static str {
        #[cfg(unix)]
        {
            tokio::select! {
                _ = self.interrupt.recv() => "SIGINT",
                _ = self.terminate.recv() => "SIGTERM",
            }
        }
        #[cfg(not(unix))]
        {
            let _ = tokio::signal::ctrl_c().await;
            "Ctrl-C"
        }
    }
}
