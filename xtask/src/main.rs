//! Feedboard's project automation (matklad's xtask pattern): `cargo xtask <task>`.
//!
//! It installs what the build needs into a user-local tools directory, builds the app
//! with Trunk, runs the demo, and runs every test. Standard library only but for the
//! two small crates `csp-hash` needs, so it builds in seconds on a fresh clone.

mod bench;
mod build;
mod csp;
mod demo;
mod process;
mod service_worker;
mod test;
mod tools;

use std::path::{Path, PathBuf};
use std::process::ExitCode;

const USAGE: &str = "\
usage: cargo xtask <task>

tasks:
  demo [--http-port N] [--ws-port N] [--tcp-port N] [--broker URL]
        build the app and serve it with the demo broker and simulated devices
        (options are feedboard-demo's: `cargo xtask demo --help` lists them all)
  bench [--messages N] [--runs R] [--dist DIR] [--profile] [--blocks JSON]
        Feedboard, MQTT.js and a raw WebSocket page in headless Chromium against
        one Mosquitto (issue 6's scenarios): S1/S2 msgs/s and script time per
        message at QoS 0 and 1 over ws, S3 QoS 0 over wss (default 100000
        messages, 3 runs each, interleaved) and a native subscriber for the
        broker's own ceiling; S4 latency at 1000 msg/s; S5 the
        push-service paper's 100000 QoS 1 over wss; then Feedboard alone: S6 a
        dashboard of 20 charts and 20 values at 5000 msg/s (frame times), S7
        memory after 1000000 more, S8 first load, S9 a 50000-point redraw
        (--dist: an app already built, else trunk builds target/bench-dist;
        --profile: CPU profile summaries in target/bench/; --blocks: the app's
        dashboard blocks for S1-S3 instead of one line chart);
        prints tables, writes target/bench/results.json (S1-S3)
  test  formatting, lints (native and wasm32), the app build, browser tests,
        doc tests, native and end-to-end tests; stops at the first failure
  post-build
        Trunk's post_build hook (Trunk.toml): replaces 'unsafe-inline' in the built
        page's Content-Security-Policy with the hash of its inline loader script, then
        stamps the service worker with the build's files and their hash
  csp-hash
        the first half of post-build alone

demo, bench and test install missing tools first (into $FEEDBOARD_TOOLS, default
~/.cache/feedboard-tools; system packages with apt-get).";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let repo = repo_root();
    let result = match args.first().map(String::as_str) {
        Some("demo") => demo::run(&repo, &args[1..]),
        Some("bench") => bench::run(&repo, &args[1..]),
        Some("test") if args.len() == 1 => test::run(&repo),
        Some("csp-hash") if args.len() == 1 => csp::run(),
        Some("post-build") if args.len() == 1 => csp::run().and_then(|()| {
            let staging = std::env::var_os("TRUNK_STAGING_DIR")
                .ok_or_else(|| process::error("post-build runs as Trunk's post_build hook"))?;
            service_worker::stamp(Path::new(&staging))
        }),
        Some("help" | "-h" | "--help") => {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        _ => {
            eprintln!("{USAGE}");
            return ExitCode::from(2);
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("xtask: error: {e}");
            ExitCode::FAILURE
        }
    }
}

/// The workspace root: xtask lives in `<root>/xtask`.
fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("xtask sits inside the workspace")
        .to_path_buf()
}
