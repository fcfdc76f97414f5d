//! The static file server for the built app (Trunk's `dist/`), plus one dynamic file,
//! `/feedboard.json`: the page's start-up configuration (which broker to pre-fill and
//! whether to connect at once).
//!
//! Every response carries `Cache-Control: no-cache` (the demo is rebuilt often) and
//! `X-Content-Type-Options: nosniff`. Paths with `..`, `.` or backslash segments are
//! refused with 400; whatever resolves (through symlinks) outside the directory is 404.

use std::net::{Ipv4Addr, SocketAddr};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use axum::body::Body;
use axum::extract::State;
use axum::http::{header, HeaderValue, Method, Request, Response, StatusCode};
use axum::Router;
use tokio::net::TcpListener;
use tokio::sync::oneshot;
use tokio::task::JoinHandle;

use crate::error::{DemoError, Listener};

/// The dynamic start-up configuration's path.
pub const PAGE_CONFIG_PATH: &str = "/feedboard.json";

/// How long [`StaticServer::stop`] lets open connections finish.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(2);

/// A running static server on 127.0.0.1. Dropping it or awaiting
/// [`StaticServer::stop`] stops it and frees the port.
#[derive(Debug)]
pub struct StaticServer {
    /// The port it listens on (the chosen one when 0 was asked for).
    pub port: u16,
    shutdown: Option<oneshot::Sender<()>>,
    task: Option<JoinHandle<()>>,
}

impl StaticServer {
    /// `http://127.0.0.1:<port>`.
    pub fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// Stops accepting, lets open requests finish (up to 2 s), then returns.
    pub async fn stop(mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(mut task) = self.task.take() {
            if tokio::time::timeout(SHUTDOWN_GRACE, &mut task)
                .await
                .is_err()
            {
                task.abort();
            }
        }
    }
}

impl Drop for StaticServer {
    fn drop(&mut self) {
        if let Some(task) = self.task.take() {
            task.abort();
        }
    }
}

struct Site {
    /// Canonical path of the served directory.
    root: PathBuf,
    /// Serialized `/feedboard.json`, if any.
    page_config: Option<String>,
}

/// Serves the files of `dist` on 127.0.0.1:`port` (0 = any free port), and
/// `page_config` as `/feedboard.json` (404 when `None`). Returns once listening.
///
/// Errors: [`DemoError::DistMissing`] if `dist` is not a directory,
/// [`DemoError::PortInUse`] if the port is taken.
pub async fn serve_static(
    dist: PathBuf,
    port: u16,
    page_config: Option<serde_json::Value>,
) -> Result<StaticServer, DemoError> {
    let root = match tokio::fs::canonicalize(&dist).await {
        Ok(root) if root.is_dir() => root,
        _ => return Err(DemoError::DistMissing(dist)),
    };
    let site = Arc::new(Site {
        root,
        page_config: page_config.map(|v| v.to_string()),
    });

    let listener = TcpListener::bind(SocketAddr::from((Ipv4Addr::LOCALHOST, port)))
        .await
        .map_err(|e| DemoError::from_bind(port, Listener::Http, e))?;
    let port = listener.local_addr()?.port();

    let app = Router::new().fallback(handle).with_state(site);
    let (shutdown_tx, shutdown_rx) = oneshot::channel::<()>();
    let task = tokio::spawn(async move {
        let served = axum::serve(listener, app)
            .with_graceful_shutdown(async {
                let _ = shutdown_rx.await;
            })
            .await;
        if let Err(e) = served {
            eprintln!("feedboard-demo: HTTP server stopped: {e}");
        }
    });

    Ok(StaticServer {
        port,
        shutdown: Some(shutdown_tx),
        task: Some(task),
    })
}

async fn handle(State(site): State<Arc<Site>>, req: Request<Body>) -> Response<Body> {
    if req.method() != Method::GET && req.method() != Method::HEAD {
        let mut res = plain(StatusCode::METHOD_NOT_ALLOWED, "method not allowed\n");
        res.headers_mut()
            .insert(header::ALLOW, HeaderValue::from_static("GET, HEAD"));
        return res;
    }
    let path = req.uri().path();
    if path == PAGE_CONFIG_PATH {
        return match &site.page_config {
            Some(json) => file_response(json.clone().into_bytes(), "application/json"),
            None => plain(StatusCode::NOT_FOUND, "no page configuration\n"),
        };
    }
    let Some(relative) = safe_relative_path(path) else {
        return plain(StatusCode::BAD_REQUEST, "bad path\n");
    };
    match read_file(&site.root, &relative).await {
        Some((bytes, file)) => file_response(bytes, content_type(&file)),
        None => plain(StatusCode::NOT_FOUND, "not found\n"),
    }
}

/// Reads `root/relative` (or its `index.html` for a directory), refusing anything that
/// resolves outside `root`. Returns the bytes and the path actually read.
async fn read_file(root: &Path, relative: &Path) -> Option<(Vec<u8>, PathBuf)> {
    let mut file = tokio::fs::canonicalize(root.join(relative)).await.ok()?;
    if !file.starts_with(root) {
        return None;
    }
    if tokio::fs::metadata(&file).await.ok()?.is_dir() {
        file = tokio::fs::canonicalize(file.join("index.html"))
            .await
            .ok()?;
        if !file.starts_with(root) {
            return None;
        }
    }
    let bytes = tokio::fs::read(&file).await.ok()?;
    Some((bytes, file))
}

/// Turns a URL path into a relative file path: percent-decoded, split on `/`, empty
/// segments dropped. `None` for `..`, `.`, backslashes, NUL, or invalid encoding.
pub(crate) fn safe_relative_path(url_path: &str) -> Option<PathBuf> {
    let mut relative = PathBuf::new();
    for raw in url_path.split('/').filter(|s| !s.is_empty()) {
        let segment = percent_decode(raw)?;
        if segment == ".."
            || segment == "."
            || segment.contains(['/', '\\', '\0'])
            || segment.contains(':')
        {
            return None;
        }
        relative.push(segment);
    }
    Some(relative)
}

fn percent_decode(s: &str) -> Option<String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = s.get(i + 1..i + 3)?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// The Content-Type for a file, by extension.
pub(crate) fn content_type(path: &Path) -> &'static str {
    let ext = path
        .extension()
        .and_then(|e| e.to_str())
        .map(str::to_ascii_lowercase);
    match ext.as_deref() {
        Some("html" | "htm") => "text/html; charset=utf-8",
        Some("js" | "mjs") => "text/javascript",
        Some("wasm") => "application/wasm",
        Some("css") => "text/css",
        Some("json" | "map") => "application/json",
        Some("webmanifest") => "application/manifest+json",
        Some("png") => "image/png",
        Some("svg") => "image/svg+xml",
        Some("ico") => "image/x-icon",
        Some("jpg" | "jpeg") => "image/jpeg",
        Some("webp") => "image/webp",
        Some("woff2") => "font/woff2",
        Some("txt") => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    }
}

fn file_response(bytes: Vec<u8>, content_type: &'static str) -> Response<Body> {
    let mut res = Response::new(Body::from(bytes));
    let headers = res.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    common_headers(headers);
    res
}

fn plain(status: StatusCode, text: &'static str) -> Response<Body> {
    let mut res = Response::new(Body::from(text));
    *res.status_mut() = status;
    let headers = res.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/plain; charset=utf-8"),
    );
    common_headers(headers);
    res
}

fn common_headers(headers: &mut axum::http::HeaderMap) {
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    headers.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_are_confined() {
        assert_eq!(safe_relative_path("/"), Some(PathBuf::new()));
        assert_eq!(
            safe_relative_path("/pkg/app_bg.wasm"),
            Some(PathBuf::from("pkg/app_bg.wasm"))
        );
        assert_eq!(
            safe_relative_path("/a%20b.txt"),
            Some(PathBuf::from("a b.txt"))
        );
        for bad in [
            "/../Cargo.toml",
            "/a/../../x",
            "/%2e%2e/x",
            "/a%2f..%2fx",
            "/a\\..\\x",
            "/./x",
            "/%zz",
            "/x%00",
        ] {
            assert_eq!(safe_relative_path(bad), None, "{bad}");
        }
    }

    #[test]
    fn content_types() {
        for (file, ct) in [
            ("index.html", "text/html; charset=utf-8"),
            ("app.js", "text/javascript"),
            ("app_bg.wasm", "application/wasm"),
            ("style.css", "text/css"),
            ("a.json", "application/json"),
            ("icon.png", "image/png"),
            ("icon.svg", "image/svg+xml"),
            ("manifest.webmanifest", "application/manifest+json"),
            ("LICENSE", "application/octet-stream"),
        ] {
            assert_eq!(content_type(Path::new(file)), ct, "{file}");
        }
    }
}
