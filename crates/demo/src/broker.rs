//! The embedded MQTT broker: rmqtt 0.24 serving MQTT 3.1.1 and 5.0 over plain TCP and
//! over WebSocket (subprotocol `mqtt`), with an in-memory retained-message store.
//!
//! Each broker runs on its own OS thread with its own tokio runtime. rmqtt keeps all
//! its state in a per-server `ServerContext` (no process-wide globals in the crates
//! used here), and every task it spawns — listeners, connections, sessions — lives in
//! that runtime, so stopping the broker is shutting the runtime down: all client
//! connections close and both ports are released. Several brokers can therefore run in
//! one process at the same time (the tests do).

use std::io;
use std::net::{Ipv4Addr, SocketAddr};
use std::thread;
use std::time::Duration;

use rmqtt::context::ServerContext;
use rmqtt::net::{Builder, Listener as RmqttListener};
use rmqtt::server::MqttServer;
use tokio::sync::oneshot;

use crate::error::{DemoError, Listener};
use crate::retain::MemoryRetainStorage;

/// How long a stopping broker waits for its tasks before abandoning them.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(2);

/// A running embedded broker. Dropping it, or awaiting [`BrokerHandle::stop`], stops
/// the broker, closes every client connection and frees both ports.
#[derive(Debug)]
pub struct BrokerHandle {
    /// The port of the MQTT-over-WebSocket listener (`ws://127.0.0.1:<ws_port>`).
    pub ws_port: u16,
    /// The port of the plain MQTT/TCP listener (`mqtt://127.0.0.1:<tcp_port>`).
    pub tcp_port: u16,
    stop_tx: Option<oneshot::Sender<()>>,
    stopped_rx: Option<oneshot::Receiver<()>>,
}

impl BrokerHandle {
    /// The URL a browser uses: `ws://127.0.0.1:<ws_port>`.
    pub fn ws_url(&self) -> String {
        format!("ws://127.0.0.1:{}", self.ws_port)
    }

    /// The URL a native client uses: `mqtt://127.0.0.1:<tcp_port>`.
    pub fn tcp_url(&self) -> String {
        format!("mqtt://127.0.0.1:{}", self.tcp_port)
    }

    /// Stops the broker and waits until its runtime is gone and its ports are free.
    pub async fn stop(mut self) {
        if let Some(tx) = self.stop_tx.take() {
            let _ = tx.send(());
        }
        if let Some(rx) = self.stopped_rx.take() {
            // An error only means the broker thread is already gone.
            let _ = rx.await;
        }
    }
}

impl Drop for BrokerHandle {
    fn drop(&mut self) {
        if let Some(tx) = self.stop_tx.take() {
            let _ = tx.send(());
        }
    }
}

/// Starts an rmqtt broker on 127.0.0.1: MQTT over WebSocket on `ws_port` and plain
/// MQTT over TCP on `tcp_port` (either may be 0 for "any free port"; the handle tells
/// which were chosen). Both speak MQTT 3.1.1 and 5.0, accept anonymous clients and keep
/// retained messages in memory. The WebSocket listener requires the subprotocol `mqtt`
/// (or `mqttv3.1`), as browsers' MQTT clients send.
///
/// Returns once both sockets are bound and listening, so connections are accepted.
/// A port already taken gives [`DemoError::PortInUse`]. Several brokers may run in the
/// same process (each has its own rmqtt context and runtime), so tests need no child
/// process.
pub async fn start_broker(ws_port: u16, tcp_port: u16) -> Result<BrokerHandle, DemoError> {
    let (ready_tx, ready_rx) = oneshot::channel::<Result<(u16, u16), DemoError>>();
    let (stop_tx, stop_rx) = oneshot::channel::<()>();
    let (stopped_tx, stopped_rx) = oneshot::channel::<()>();

    thread::Builder::new()
        .name(format!("mqtt-broker-{ws_port}-{tcp_port}"))
        .spawn(move || broker_thread(ws_port, tcp_port, ready_tx, stop_rx, stopped_tx))
        .map_err(|e| DemoError::Broker(format!("cannot start the broker thread: {e}")))?;

    let (ws_port, tcp_port) = ready_rx
        .await
        .map_err(|_| DemoError::Broker("the broker thread ended during start-up".into()))??;
    Ok(BrokerHandle {
        ws_port,
        tcp_port,
        stop_tx: Some(stop_tx),
        stopped_rx: Some(stopped_rx),
    })
}

/// Body of the broker's thread: build a runtime, bind, report, serve until told to stop.
fn broker_thread(
    ws_port: u16,
    tcp_port: u16,
    ready_tx: oneshot::Sender<Result<(u16, u16), DemoError>>,
    stop_rx: oneshot::Receiver<()>,
    stopped_tx: oneshot::Sender<()>,
) {
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .thread_name("mqtt-broker-worker")
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            let _ = ready_tx.send(Err(DemoError::Broker(format!(
                "cannot create its runtime: {e}"
            ))));
            return;
        }
    };

    runtime.block_on(async move {
        let (server, ports) = match build_server(ws_port, tcp_port).await {
            Ok(built) => built,
            Err(e) => {
                let _ = ready_tx.send(Err(e));
                return;
            }
        };
        tokio::spawn(async move {
            if let Err(e) = server.run().await {
                eprintln!("feedboard-demo: MQTT broker stopped: {e}");
            }
        });
        if ready_tx.send(Ok(ports)).is_err() {
            return; // The caller gave up waiting: nothing to serve.
        }
        // Sender dropped (handle dropped) counts as "stop" too.
        let _ = stop_rx.await;
    });
    // Cancels listeners and every connection task; sockets close as tasks drop.
    runtime.shutdown_timeout(SHUTDOWN_GRACE);
    let _ = stopped_tx.send(());
}

/// Creates the rmqtt context (with the working retain store) and binds both listeners.
async fn build_server(ws_port: u16, tcp_port: u16) -> Result<(MqttServer, (u16, u16)), DemoError> {
    let scx = ServerContext::new().build().await;
    *scx.extends.retain_mut().await = Box::new(MemoryRetainStorage::new());

    let tcp = bind(tcp_port, Listener::BrokerTcp, "feedboard/tcp")?;
    let tcp_port = local_port(&tcp, tcp_port, Listener::BrokerTcp)?;
    let tcp = tcp.tcp().map_err(|e| DemoError::Broker(e.to_string()))?;

    let ws = bind(ws_port, Listener::BrokerWs, "feedboard/ws")?;
    let ws_port = local_port(&ws, ws_port, Listener::BrokerWs)?;
    let ws = ws.ws().map_err(|e| DemoError::Broker(e.to_string()))?;

    // Listener ids are keys in the context's config map: fixed ids keep port 0 legal.
    let server = MqttServer::new(scx)
        .listener_by_id(tcp, 1)
        .listener_by_id(ws, 2)
        .build();
    Ok((server, (ws_port, tcp_port)))
}

fn bind(port: u16, which: Listener, name: &str) -> Result<RmqttListener, DemoError> {
    Builder::new()
        .name(name)
        .laddr(SocketAddr::from((Ipv4Addr::LOCALHOST, port)))
        // Restarting the demo right after stopping it must not fail on TIME_WAIT.
        .reuseaddr(Some(true))
        .nodelay(true)
        .bind()
        .map_err(|e| match e.downcast::<io::Error>() {
            Ok(io_err) => DemoError::from_bind(port, which, io_err),
            Err(other) => DemoError::Broker(format!("binding port {port}: {other}")),
        })
}

fn local_port(listener: &RmqttListener, asked: u16, which: Listener) -> Result<u16, DemoError> {
    listener
        .local_addr()
        .map(|addr| addr.port())
        .map_err(|e| DemoError::Broker(format!("{which} listener on port {asked}: {e}")))
}
