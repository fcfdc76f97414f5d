//! A TCP proxy between the page and a broker, to cut the page's network without touching
//! the broker: [`Proxy::cut`] closes every connection through it and stops listening
//! (new connections are refused), [`Proxy::restore`] listens on the same port again.

use std::net::{Ipv4Addr, SocketAddr};

use tokio::net::{TcpListener, TcpStream};
use tokio::sync::oneshot;
use tokio::task::{JoinHandle, JoinSet};

pub struct Proxy {
    pub port: u16,
    upstream: SocketAddr,
    serving: Option<Serving>,
}

/// The accept loop while the proxy is up, and how to tell it to cut.
struct Serving {
    cut: oneshot::Sender<()>,
    task: JoinHandle<()>,
}

impl Proxy {
    /// A proxy on a free loopback port to 127.0.0.1:`upstream_port`.
    pub async fn start(upstream_port: u16) -> Proxy {
        let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
            .await
            .expect("cannot bind the proxy");
        let port = listener.local_addr().expect("no proxy address").port();
        let mut proxy = Proxy {
            port,
            upstream: SocketAddr::from((Ipv4Addr::LOCALHOST, upstream_port)),
            serving: None,
        };
        proxy.serve(listener);
        proxy
    }

    pub fn url(&self) -> String {
        format!("ws://127.0.0.1:{}", self.port)
    }

    /// Close every connection through the proxy and stop listening; returns once both
    /// are done.
    pub async fn cut(&mut self) {
        let serving = self.serving.take().expect("the proxy is already cut");
        let _ = serving.cut.send(());
        serving.task.await.expect("the proxy's accept loop failed");
    }

    /// Listen on the same port again.
    pub async fn restore(&mut self) {
        assert!(self.serving.is_none(), "the proxy is not cut");
        // Tokio sets SO_REUSEADDR: the port is free again despite the closed connections.
        let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, self.port))
            .await
            .unwrap_or_else(|e| panic!("cannot listen on port {} again: {e}", self.port));
        self.serve(listener);
    }

    fn serve(&mut self, listener: TcpListener) {
        let (cut, cut_rx) = oneshot::channel();
        let task = tokio::spawn(accept_until_cut(listener, self.upstream, cut_rx));
        self.serving = Some(Serving { cut, task });
    }
}

impl Drop for Proxy {
    fn drop(&mut self) {
        // Aborting the loop drops its JoinSet, which aborts every connection.
        if let Some(serving) = self.serving.take() {
            serving.task.abort();
        }
    }
}

async fn accept_until_cut(
    listener: TcpListener,
    upstream: SocketAddr,
    mut cut: oneshot::Receiver<()>,
) {
    let mut connections = JoinSet::new();
    loop {
        tokio::select! {
            _ = &mut cut => break,
            accepted = listener.accept() => {
                let Ok((mut inbound, _)) = accepted else { continue };
                connections.spawn(async move {
                    let Ok(mut outbound) = TcpStream::connect(upstream).await else {
                        return;
                    };
                    let _ = tokio::io::copy_bidirectional(&mut inbound, &mut outbound).await;
                });
            }
        }
    }
    // Aborted tasks drop their sockets: both sides see the connection close.
    connections.shutdown().await;
    drop(listener);
}
