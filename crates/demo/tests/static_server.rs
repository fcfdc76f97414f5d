//! The static server over real HTTP: content types, index, 404, traversal, config.

mod common;

use std::collections::HashMap;
use std::path::PathBuf;
use std::time::Duration;

use common::fixture;
use feedboard_demo::{serve_static, DemoError, Listener};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;

struct HttpResponse {
    status: u16,
    headers: HashMap<String, String>,
    body: Vec<u8>,
}

/// One raw HTTP/1.1 request (the path is sent exactly as given, no normalization).
async fn get(port: u16, path: &str) -> HttpResponse {
    let fetch = async {
        let mut stream = TcpStream::connect(("127.0.0.1", port))
            .await
            .expect("connect");
        let request =
            format!("GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
        stream.write_all(request.as_bytes()).await.expect("send");
        let mut raw = Vec::new();
        stream.read_to_end(&mut raw).await.expect("read");
        raw
    };
    let raw = tokio::time::timeout(Duration::from_secs(10), fetch)
        .await
        .expect("response within 10 s");
    let split = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .expect("end of headers");
    let head = String::from_utf8(raw[..split].to_vec()).expect("ascii head");
    let mut lines = head.split("\r\n");
    let status = lines
        .next()
        .and_then(|l| l.split(' ').nth(1))
        .and_then(|s| s.parse().ok())
        .expect("status line");
    let headers = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_string()))
        .collect();
    HttpResponse {
        status,
        headers,
        body: raw[split + 4..].to_vec(),
    }
}

#[tokio::test]
async fn serves_files_with_types_config_and_refuses_escapes() {
    let dist = fixture();
    let config = serde_json::json!({ "broker": "ws://127.0.0.1:9001", "connect": true });
    let server = serve_static(dist.clone(), 0, Some(config.clone()))
        .await
        .expect("server starts");
    let port = server.port;

    let index = get(port, "/").await;
    assert_eq!(index.status, 200);
    assert_eq!(index.headers["content-type"], "text/html; charset=utf-8");
    assert_eq!(index.headers["cache-control"], "no-cache");
    assert!(String::from_utf8_lossy(&index.body).contains("<title>fb</title>"));
    assert_eq!(get(port, "/index.html").await.body, index.body);

    for (path, content_type) in [
        ("/pkg/app_bg.wasm", "application/wasm"),
        ("/app.js", "text/javascript"),
        ("/style.css", "text/css"),
        ("/manifest.webmanifest", "application/manifest+json"),
    ] {
        let res = get(port, path).await;
        assert_eq!(res.status, 200, "{path}");
        assert_eq!(res.headers["content-type"], content_type, "{path}");
        assert_eq!(res.headers["cache-control"], "no-cache", "{path}");
    }
    assert_eq!(get(port, "/pkg/app_bg.wasm").await.body, b"\0asm\x01\0\0\0");

    let json = get(port, "/feedboard.json").await;
    assert_eq!(json.status, 200);
    assert_eq!(json.headers["content-type"], "application/json");
    let served: serde_json::Value = serde_json::from_slice(&json.body).expect("json");
    assert_eq!(served, config);

    assert_eq!(get(port, "/missing.js").await.status, 404);
    assert_eq!(get(port, "/pkg/").await.status, 404);
    for escape in [
        "/../Cargo.toml",
        "/../secret.txt",
        "/pkg/../../secret.txt",
        "/%2e%2e/secret.txt",
        "/..%2fsecret.txt",
    ] {
        let res = get(port, escape).await;
        assert_eq!(res.status, 400, "{escape}");
        assert!(
            !String::from_utf8_lossy(&res.body).contains("secret"),
            "{escape}"
        );
    }

    server.stop().await;
    let _ = std::fs::remove_dir_all(dist.parent().expect("base"));
}

#[tokio::test]
async fn no_config_is_404_and_missing_dist_and_taken_port_are_errors() {
    let dist = fixture();
    let server = serve_static(dist.clone(), 0, None)
        .await
        .expect("server starts");
    assert_eq!(get(server.port, "/feedboard.json").await.status, 404);

    let err = serve_static(dist.clone(), server.port, None)
        .await
        .expect_err("port taken");
    assert!(
        matches!(
            err,
            DemoError::PortInUse {
                listener: Listener::Http,
                ..
            }
        ),
        "{err:?}"
    );
    assert!(err.to_string().contains("--http-port"), "{err}");

    let err = serve_static(PathBuf::from("no/such/dist"), 0, None)
        .await
        .expect_err("no dist");
    assert_eq!(
        err.to_string(),
        "no/such/dist/ not found: build the app first with `cargo xtask demo`"
    );
    drop(server);
    let _ = std::fs::remove_dir_all(dist.parent().expect("base"));
}
