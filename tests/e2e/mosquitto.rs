//! A Mosquitto broker of the test's own: free ports, generated config, password file
//! and ACL file; stopped by its pid when dropped.
//!
//! Listeners: plain TCP on 127.0.0.1 (for the tests' peer clients), MQTT over ws, and
//! MQTT over wss with a certificate from the test CA. Anonymous clients are refused.

use std::path::Path;
use std::process::{Command, Stdio};

use crate::certs::TestCa;
use crate::support::{free_port, run_tool, wait_for_port, ChildGuard, TempDir};

/// May publish and subscribe to `demo/#`.
pub const ALICE: (&str, &str) = ("alice", "wonderland-42");
/// May only subscribe to `demo/#`.
pub const BOB: (&str, &str) = ("bob", "builder-42");

const ACL: &str = "\
user alice
topic readwrite demo/#

user bob
topic read demo/#
";

pub struct Mosquitto {
    pub tcp_port: u16,
    pub ws_port: u16,
    pub wss_port: u16,
    // Dropped first: the process stops before its files go.
    process: ChildGuard,
    dir: TempDir,
}

impl Mosquitto {
    pub fn start(ca: &TestCa) -> Mosquitto {
        let dir = TempDir::new("mosquitto");
        let passwd = dir.join("passwd");
        std::fs::write(&passwd, "").expect("cannot create the password file");
        for (user, password) in [ALICE, BOB] {
            run_tool(
                Command::new("mosquitto_passwd")
                    .arg("-b")
                    .arg(&passwd)
                    .args([user, password]),
            );
        }
        let acl = dir.join("acl");
        std::fs::write(&acl, ACL).expect("cannot write the ACL file");

        let (tcp_port, ws_port, wss_port) = (free_port(), free_port(), free_port());
        // `user root`: started as root, Mosquitto would otherwise switch to the
        // `mosquitto` user, which cannot read this test's files (it has no effect when
        // the tests run as a normal user).
        let config = format!(
            "user root
per_listener_settings false
allow_anonymous false
password_file {passwd}
acl_file {acl}
persistence false
log_dest file {log}
log_type all
connection_messages true

listener {tcp_port} 127.0.0.1

listener {ws_port}
protocol websockets

listener {wss_port}
protocol websockets
certfile {cert}
keyfile {key}
",
            passwd = passwd.display(),
            acl = acl.display(),
            log = dir.join("mosquitto.log").display(),
            cert = ca.server_cert().display(),
            key = ca.server_key().display(),
        );
        let config_path = dir.join("mosquitto.conf");
        std::fs::write(&config_path, config).expect("cannot write mosquitto.conf");

        let mut process = ChildGuard::spawn(
            "mosquitto",
            Command::new("/usr/sbin/mosquitto")
                .arg("-c")
                .arg(&config_path)
                .stdout(Stdio::null())
                .stderr(Stdio::null()),
            false,
        );
        let log_path = dir.join("mosquitto.log");
        let context = || format!("\n--- mosquitto.log ---\n{}", read_log(&log_path));
        for port in [tcp_port, ws_port, wss_port] {
            wait_for_port(port, &mut process, &context);
        }
        Mosquitto {
            tcp_port,
            ws_port,
            wss_port,
            process,
            dir,
        }
    }

    /// The broker's log so far (connections, refusals, subscriptions).
    pub fn log(&self) -> String {
        read_log(&self.dir.join("mosquitto.log"))
    }
}

impl Drop for Mosquitto {
    fn drop(&mut self) {
        if std::thread::panicking() {
            eprintln!(
                "--- mosquitto (pid {}) log ---\n{}",
                self.process.pid(),
                self.log()
            );
        }
    }
}

fn read_log(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| format!("(no log: {e})"))
}
