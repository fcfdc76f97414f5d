//! The demo's embedded broker as a process of its own — the `feedboard-demo` binary with
//! `--no-devices` on fixed free ports — so a test can SIGKILL it and start it again on
//! the same ports, as a crash and a restart would.
//!
//! The binary belongs to another package, so Cargo does not build it for this one's
//! tests (`CARGO_BIN_EXE_*` exists only for a package's own binaries). It is built here,
//! once per test run, by the cargo that built the tests, into a target directory of its
//! own (`<target>/e2e-demo`): built alone, the demo's dependencies resolve other
//! features than in this package's test build (no fantoccini next to them), and sharing
//! one directory would rebuild rmqtt and its tree on every switch. The first build takes
//! about two minutes; later ones find it fresh.

use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::sync::OnceLock;

use crate::support::{free_port, run_tool, wait_for_port, ChildGuard, TempDir};

pub struct DemoProcess {
    pub ws_port: u16,
    pub tcp_port: u16,
    // Dropped first: the process stops before its log goes.
    process: ChildGuard,
    dir: TempDir,
}

impl DemoProcess {
    /// Start `feedboard-demo --no-devices` with its broker on free ports.
    pub fn start() -> DemoProcess {
        let dir = TempDir::new("feedboard-demo");
        let (ws_port, tcp_port) = (free_port(), free_port());
        let process = spawn(&dir, ws_port, tcp_port);
        DemoProcess {
            ws_port,
            tcp_port,
            process,
            dir,
        }
    }

    pub fn ws_url(&self) -> String {
        format!("ws://127.0.0.1:{}", self.ws_port)
    }

    /// SIGKILL: no DISCONNECT to anyone, everything in memory gone.
    pub fn kill(&mut self) {
        self.process.stop("KILL");
    }

    /// Start again on the same ports (after [`DemoProcess::kill`]).
    pub fn restart(&mut self) {
        self.process = spawn(&self.dir, self.ws_port, self.tcp_port);
    }
}

impl Drop for DemoProcess {
    fn drop(&mut self) {
        if std::thread::panicking() {
            eprintln!(
                "--- feedboard-demo (pid {}) output ---\n{}",
                self.process.pid(),
                read_log(&self.dir)
            );
        }
    }
}

fn spawn(dir: &TempDir, ws_port: u16, tcp_port: u16) -> ChildGuard {
    let log = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(dir.join("output.log"))
        .expect("cannot create the demo's log");
    let mut process = ChildGuard::spawn(
        "feedboard-demo",
        Command::new(binary())
            // The demo insists on an app to serve; the tests' own server serves the page.
            .arg("--dist")
            .arg(crate::app::dist())
            .args(["--http-port", "0", "--no-devices"])
            .args(["--ws-port", &ws_port.to_string()])
            .args(["--tcp-port", &tcp_port.to_string()])
            .stdout(Stdio::from(log.try_clone().expect("cannot clone a file")))
            .stderr(Stdio::from(log)),
        false,
    );
    let context = || format!("\n--- feedboard-demo output ---\n{}", read_log(dir));
    for port in [ws_port, tcp_port] {
        wait_for_port(port, &mut process, &context);
    }
    process
}

fn read_log(dir: &TempDir) -> String {
    std::fs::read_to_string(dir.join("output.log")).unwrap_or_else(|e| format!("(no log: {e})"))
}

/// The `feedboard-demo` binary, built (or found up to date) on first use.
fn binary() -> PathBuf {
    static BINARY: OnceLock<PathBuf> = OnceLock::new();
    BINARY
        .get_or_init(|| {
            // <target>/<profile>/deps/e2e-<hash>
            let exe = std::env::current_exe().expect("no path to the test executable");
            let target = exe
                .ancestors()
                .nth(3)
                .expect("the test executable is in <target>/<profile>/deps");
            let target_dir = target.join("e2e-demo");
            let manifest = concat!(env!("CARGO_MANIFEST_DIR"), "/Cargo.toml");
            run_tool(
                Command::new(env!("CARGO"))
                    .args(["build", "--quiet", "--manifest-path", manifest])
                    .args(["-p", "feedboard-demo", "--bin", "feedboard-demo"])
                    .arg("--target-dir")
                    .arg(&target_dir),
            );
            let binary = target_dir.join("debug").join("feedboard-demo");
            assert!(
                binary.is_file(),
                "cargo built feedboard-demo, but not at {}",
                binary.display()
            );
            binary
        })
        .clone()
}
