//! The `feedboard-demo` binary as a user runs it: start-up output, the page config it
//! serves, clean exit on SIGTERM / SIGINT, and one-line errors with exit codes.

mod common;

use std::process::Stdio;
use std::time::Duration;

use common::{fixture, DEADLINE};
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;
use tokio::process::{Child, Command};

const BIN: &str = env!("CARGO_BIN_EXE_feedboard-demo");

fn demo(args: &[&str]) -> Command {
    let mut cmd = Command::new(BIN);
    cmd.args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true);
    cmd
}

/// Reads stdout until the "open" line; returns all lines read and the HTTP port.
async fn wait_until_open(child: &mut Child) -> (Vec<String>, u16) {
    let stdout = child.stdout.take().expect("stdout piped");
    let mut lines = BufReader::new(stdout).lines();
    let read = async {
        let mut seen = Vec::new();
        while let Some(line) = lines.next_line().await.expect("read stdout") {
            if let Some(url) = line.strip_prefix("Feedboard demo: open http://127.0.0.1:") {
                let port = url.trim().parse().expect("port in the URL");
                seen.push(line);
                return (seen, port);
            }
            seen.push(line);
        }
        panic!("stdout ended before the URL was printed: {seen:?}");
    };
    tokio::time::timeout(DEADLINE, read)
        .await
        .expect("the demo prints its URL within the deadline")
}

async fn http_body(port: u16, path: &str) -> String {
    let mut stream = TcpStream::connect(("127.0.0.1", port))
        .await
        .expect("connect");
    let request = format!("GET {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    stream.write_all(request.as_bytes()).await.expect("send");
    let mut raw = String::new();
    stream.read_to_string(&mut raw).await.expect("read");
    assert!(raw.starts_with("HTTP/1.1 200"), "{raw}");
    raw.split_once("\r\n\r\n")
        .map(|(_, b)| b.to_string())
        .unwrap_or_default()
}

async fn signal_and_wait(child: &mut Child, signal: &str) -> std::process::ExitStatus {
    let pid = child.id().expect("running").to_string();
    let status = std::process::Command::new("kill")
        .args([signal, &pid])
        .status()
        .expect("run kill");
    assert!(status.success());
    tokio::time::timeout(DEADLINE, child.wait())
        .await
        .expect("exits within the deadline")
        .expect("wait")
}

#[tokio::test]
async fn runs_serves_the_page_config_and_stops_on_sigterm() {
    let dist = fixture();
    let dist_arg = dist.to_str().expect("utf-8 path");
    let mut child = demo(&[
        "--dist",
        dist_arg,
        "--http-port",
        "0",
        "--ws-port",
        "0",
        "--tcp-port",
        "0",
    ])
    .spawn()
    .expect("spawn");
    let (lines, port) = wait_until_open(&mut child).await;
    let ws_url = lines
        .iter()
        .find_map(|l| l.trim().strip_suffix("(WebSocket, subprotocol mqtt)"))
        .map(|s| s.trim().to_string())
        .unwrap_or_else(|| panic!("no WebSocket line in {lines:?}"));
    assert!(ws_url.starts_with("ws://127.0.0.1:"), "{ws_url}");
    assert!(
        lines.iter().any(|l| l.contains("Simulated devices")),
        "{lines:?}"
    );

    let config: serde_json::Value =
        serde_json::from_str(&http_body(port, "/feedboard.json").await).expect("json");
    assert_eq!(
        config,
        serde_json::json!({ "broker": ws_url, "connect": true })
    );

    let status = signal_and_wait(&mut child, "-TERM").await;
    assert!(status.success(), "{status:?}");
    let _ = std::fs::remove_dir_all(dist.parent().expect("base"));
}

#[tokio::test]
async fn stops_on_sigint_with_an_external_broker_and_no_devices() {
    let dist = fixture();
    let dist_arg = dist.to_str().expect("utf-8 path");
    let mut child = demo(&[
        "--dist",
        dist_arg,
        "--http-port=0",
        "--broker",
        "mqtt://broker.invalid:1884",
        "--broker-ws",
        "wss://broker.invalid/mqtt",
        "--no-devices",
    ])
    .spawn()
    .expect("spawn");
    let (_, port) = wait_until_open(&mut child).await;
    let config: serde_json::Value =
        serde_json::from_str(&http_body(port, "/feedboard.json").await).expect("json");
    assert_eq!(config["broker"], "wss://broker.invalid/mqtt");

    let status = signal_and_wait(&mut child, "-INT").await;
    assert!(status.success(), "{status:?}");
    let _ = std::fs::remove_dir_all(dist.parent().expect("base"));
}

/// Runs to completion; returns (exit code, stderr).
async fn run_to_end(args: &[&str]) -> (Option<i32>, String) {
    let output = tokio::time::timeout(DEADLINE, demo(args).output())
        .await
        .expect("exits within the deadline")
        .expect("run");
    (
        output.status.code(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

#[tokio::test]
async fn a_taken_port_is_one_clear_line_and_exit_code_1() {
    let dist = fixture();
    let dist_arg = dist.to_str().expect("utf-8 path");
    let taken = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
    let port = taken.local_addr().expect("addr").port().to_string();

    for (flag, expected) in [
        ("--http-port", "--http-port"),
        ("--ws-port", "--ws-port"),
        ("--tcp-port", "--tcp-port"),
    ] {
        let mut args = vec![
            "--dist",
            dist_arg,
            "--no-devices",
            "--http-port",
            "0",
            "--ws-port",
            "0",
            "--tcp-port",
            "0",
        ];
        args.extend([flag, port.as_str()]);
        let (code, stderr) = run_to_end(&args).await;
        assert_eq!(code, Some(1), "{flag}: {stderr}");
        assert_eq!(stderr.lines().count(), 1, "{flag}: {stderr}");
        assert!(stderr.contains(&format!("port {port}")), "{stderr}");
        assert!(stderr.contains(expected), "{stderr}");
        assert!(!stderr.contains("panicked"), "{stderr}");
    }
    let _ = std::fs::remove_dir_all(dist.parent().expect("base"));
}

#[tokio::test]
async fn missing_dist_and_bad_flags_are_reported() {
    let (code, stderr) = run_to_end(&["--dist", "no-such-dir", "--http-port", "0"]).await;
    assert_eq!(code, Some(1));
    assert_eq!(
        stderr.trim(),
        "feedboard-demo: no-such-dir/ not found: build the app first with `cargo xtask demo`"
    );

    let (code, stderr) = run_to_end(&["--http-prot", "8080"]).await;
    assert_eq!(code, Some(2));
    assert!(stderr.contains("unknown option --http-prot"), "{stderr}");

    let output = tokio::time::timeout(Duration::from_secs(10), demo(&["--help"]).output())
        .await
        .expect("exits")
        .expect("run");
    assert!(output.status.success());
    let help = String::from_utf8_lossy(&output.stdout);
    for flag in [
        "--dist",
        "--http-port",
        "--ws-port",
        "--tcp-port",
        "--broker",
        "--broker-ws",
        "--no-devices",
    ] {
        assert!(help.contains(flag), "--help lacks {flag}");
    }
}
