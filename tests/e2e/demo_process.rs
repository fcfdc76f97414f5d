//! The demo's embedded broker as a process of its own — the `feedboard-demo` binary with
//! `--no-devices` on fixed free ports — so a test can SIGKILL it and start it again on
//! the same ports, as a crash and a restart would.
//!
//! The process is this test executable itself, re-run to execute the ignored test
//! [`serve_the_demo_broker_for_a_parent_test`]: the demo's broker is a library linked
//! into the tests, so no other binary has to be built (Cargo gives a package's tests
//! only its own binaries, and building `feedboard-demo` here took two minutes and a
//! second copy of rmqtt's build).

use std::process::{Command, Stdio};

use crate::support::{free_port, wait_for_port, ChildGuard, TempDir};

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
    let test_executable = std::env::current_exe().expect("no path to the test executable");
    let mut process = ChildGuard::spawn(
        "the demo broker",
        Command::new(test_executable)
            .args(["--ignored", "--exact", "--nocapture"])
            .arg("demo_process::serve_the_demo_broker_for_a_parent_test")
            .env(WS_PORT_VAR, ws_port.to_string())
            .env(TCP_PORT_VAR, tcp_port.to_string())
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

const WS_PORT_VAR: &str = "FEEDBOARD_E2E_DEMO_WS_PORT";
const TCP_PORT_VAR: &str = "FEEDBOARD_E2E_DEMO_TCP_PORT";

/// Not a test: the entry point of the broker process [`DemoProcess`] starts (ignored, so
/// a plain test run skips it). Serves the demo's broker on the ports its parent chose
/// until the parent kills it.
#[test]
#[ignore = "the demo broker process of the restart tests, started by them"]
fn serve_the_demo_broker_for_a_parent_test() {
    let port = |var: &str| -> u16 {
        std::env::var(var)
            .unwrap_or_else(|_| panic!("{var} is not set: run by DemoProcess only"))
            .parse()
            .unwrap_or_else(|e| panic!("{var} is not a port: {e}"))
    };
    let (ws_port, tcp_port) = (port(WS_PORT_VAR), port(TCP_PORT_VAR));
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("cannot build a tokio runtime")
        .block_on(async {
            let _broker = feedboard_demo::start_broker(ws_port, tcp_port)
                .await
                .unwrap_or_else(|e| panic!("the demo broker did not start: {e}"));
            eprintln!("demo broker serving ws {ws_port}, tcp {tcp_port}");
            std::future::pending::<()>().await;
        });
}
