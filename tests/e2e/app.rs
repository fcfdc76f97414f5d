//! The built app (Trunk's `dist`), served over http://127.0.0.1 by the demo companion's
//! static server, so the page may open sockets to loopback brokers.

use std::path::PathBuf;

use feedboard_demo::StaticServer;
use serde_json::Value;

/// The directory `cargo xtask test` built the app into, from `FEEDBOARD_DIST`.
pub fn dist() -> PathBuf {
    let dist = std::env::var_os("FEEDBOARD_DIST")
        .filter(|d| !d.is_empty())
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            panic!(
                "FEEDBOARD_DIST is not set: the end-to-end tests need the built app. \
                 Run `cargo xtask test` (it builds the app with Trunk and sets FEEDBOARD_DIST), \
                 or build it with `trunk build --release --dist <dir>` and set \
                 FEEDBOARD_DIST=<dir>."
            )
        });
    assert!(
        dist.join("index.html").is_file(),
        "FEEDBOARD_DIST={} has no index.html: run `cargo xtask test` to build the app",
        dist.display()
    );
    dist
}

/// Serve the app on a free port; `page_config` becomes `/feedboard.json`.
pub async fn serve(page_config: Option<Value>) -> StaticServer {
    feedboard_demo::serve_static(dist(), 0, page_config)
        .await
        .unwrap_or_else(|e| panic!("cannot serve the app: {e}"))
}
