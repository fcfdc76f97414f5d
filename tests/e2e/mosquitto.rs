//! A Mosquitto broker of the test's own: free ports, generated config, password file
//! and ACL file; stopped by its pid when dropped.
//!
//! Listeners: plain TCP on 127.0.0.1 (for the tests' peer clients), MQTT over ws, and
//! MQTT over wss with a certificate from the test CA. Anonymous clients are refused.
//!
//! [`Mosquitto::start_anonymous`] starts another kind: one plain TCP listener, anonymous
//! clients welcome, no ACL — for the protocol conformance checks, which are about MQTT
//! itself, not access control.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use crate::certs::TestCa;
use crate::support::{free_port, run_tool, wait_for_port, ChildGuard, TempDir};

/// May publish and subscribe to `demo/#` and `ward/#` (the built-in dashboard's topics).
pub const ALICE: (&str, &str) = ("alice", "wonderland-42");
/// May only subscribe to `demo/#`.
pub const BOB: (&str, &str) = ("bob", "builder-42");
/// A device: reads only `+/req/lock-1/+`, writes only `+/res/lock-1/+`.
pub const LOCK_1: (&str, &str) = ("lock-1", "lock-1-secret");
/// Another device, with its own topics only.
pub const LOCK_2: (&str, &str) = ("lock-2", "lock-2-secret");
/// A cloud service (Adafruit IO's part in the tests): writes its users' notice topics.
pub const SERVICE: (&str, &str) = ("service", "service-42");

/// The ACL of docs/brokers.md, as it is there: users have their feeds and their own
/// device API (`<user>/req/…` to write, `<user>/res/…` to read); a device, logged in
/// under its id, reads only requests to itself and writes only its responses.
pub const ACL: &str = "\
user alice
topic readwrite demo/#
topic readwrite ward/#
topic readwrite alice/f/#
topic read alice/throttle
topic read alice/errors
topic write alice/req/#
topic read alice/res/#

user bob
topic read demo/#

user service
topic write +/throttle
topic write +/errors

pattern read +/req/%u/+
pattern write +/res/%u/+
";

pub struct Mosquitto {
    pub tcp_port: u16,
    /// 0 for an anonymous broker (it has no WebSocket listener).
    pub ws_port: u16,
    /// 0 for an anonymous broker (it has no WebSocket listener).
    pub wss_port: u16,
    config: Config,
    // Dropped first: the process stops before its files go.
    process: ChildGuard,
    dir: TempDir,
}

/// Which listeners a (re)started broker opens.
#[derive(Clone, Copy, PartialEq)]
pub enum Listeners {
    /// TCP, ws and wss.
    All,
    /// Only the peers' TCP listener: the page's socket cannot reach the broker.
    TcpOnly,
}

impl Mosquitto {
    /// A broker that forgets everything when it stops.
    pub fn start(ca: &TestCa) -> Mosquitto {
        Self::start_with(ca, false)
    }

    /// A broker that saves sessions (subscriptions, queued QoS 1/2 messages) to disk
    /// when stopped with SIGTERM and loads them when restarted.
    pub fn start_persistent(ca: &TestCa) -> Mosquitto {
        Self::start_with(ca, true)
    }

    /// A broker with one plain TCP listener on 127.0.0.1 that accepts anonymous clients
    /// and has no ACL, forgetting everything when it stops.
    pub fn start_anonymous() -> Mosquitto {
        let dir = TempDir::new("mosquitto-anonymous");
        let config = Config {
            tcp_port: free_port(),
            ws_port: 0,
            wss_port: 0,
            persistent: false,
            access: Access::Anonymous,
            dir: dir.path().to_path_buf(),
        };
        Mosquitto {
            tcp_port: config.tcp_port,
            ws_port: 0,
            wss_port: 0,
            process: config.spawn(Listeners::TcpOnly),
            config,
            dir,
        }
    }

    /// A broker whose access control is Mosquitto's dynamic security plugin, which —
    /// unlike an `acl_file` — refuses a denied subscription in its SUBACK (0x80 over
    /// 3.1.1, 0x87 over 5). alice may read and write `alice/#`, bob `bob/#`; nothing
    /// else. Same listeners as [`Mosquitto::start`].
    pub fn start_dynamic_security(ca: &TestCa) -> Mosquitto {
        let dir = TempDir::new("mosquitto-dynsec");
        let admin = ("admin", "admin-secret-42");
        run_tool(
            Command::new("mosquitto_ctrl")
                .args(["dynsec", "init"])
                .arg(dir.join("dynsec.json"))
                .args([admin.0, admin.1]),
        );
        let config = Config {
            tcp_port: free_port(),
            ws_port: free_port(),
            wss_port: free_port(),
            persistent: false,
            access: Access::DynamicSecurity {
                cert: ca.server_cert(),
                key: ca.server_key(),
            },
            dir: dir.path().to_path_buf(),
        };
        let process = config.spawn(Listeners::All);
        let port = config.tcp_port.to_string();
        let ctrl = |args: &[&str]| {
            run_tool(
                Command::new("mosquitto_ctrl")
                    .args([
                        "-h",
                        "127.0.0.1",
                        "-p",
                        &port,
                        "-u",
                        admin.0,
                        "-P",
                        admin.1,
                        "dynsec",
                    ])
                    .args(args),
            )
        };
        for (user, password) in [ALICE, BOB] {
            let role = format!("{user}-feeds");
            let topics = format!("{user}/#");
            ctrl(&["createClient", user, "-p", password]);
            ctrl(&["createRole", &role]);
            for acl in [
                "subscribePattern",
                "publishClientSend",
                "publishClientReceive",
            ] {
                ctrl(&["addRoleACL", &role, acl, &topics, "allow"]);
            }
            ctrl(&["addClientRole", user, &role]);
        }
        Mosquitto {
            tcp_port: config.tcp_port,
            ws_port: config.ws_port,
            wss_port: config.wss_port,
            process,
            config,
            dir,
        }
    }

    fn start_with(ca: &TestCa, persistent: bool) -> Mosquitto {
        let dir = TempDir::new("mosquitto");
        let passwd = dir.join("passwd");
        std::fs::write(&passwd, "").expect("cannot create the password file");
        for (user, password) in [ALICE, BOB, LOCK_1, LOCK_2, SERVICE] {
            run_tool(
                Command::new("mosquitto_passwd")
                    .arg("-b")
                    .arg(&passwd)
                    .args([user, password]),
            );
        }
        std::fs::write(dir.join("acl"), ACL).expect("cannot write the ACL file");
        let config = Config {
            tcp_port: free_port(),
            ws_port: free_port(),
            wss_port: free_port(),
            persistent,
            access: Access::Secured {
                cert: ca.server_cert(),
                key: ca.server_key(),
            },
            dir: dir.path().to_path_buf(),
        };
        Mosquitto {
            tcp_port: config.tcp_port,
            ws_port: config.ws_port,
            wss_port: config.wss_port,
            process: config.spawn(Listeners::All),
            config,
            dir,
        }
    }

    /// Stop the process: `"KILL"` as a crash would, `"TERM"` as a clean shutdown (a
    /// persistent broker saves its sessions then).
    pub fn stop(&mut self, signal: &str) {
        self.process.stop(signal);
    }

    /// Freeze the broker (SIGSTOP): connections stay open, nothing is answered.
    pub fn freeze(&self) {
        self.process.signal("STOP");
    }

    /// Let a frozen broker run again (SIGCONT); it handles what arrived meanwhile.
    pub fn thaw(&self) {
        self.process.signal("CONT");
    }

    /// Start again on the same ports with the same files (after [`Mosquitto::stop`]).
    pub fn restart(&mut self, listeners: Listeners) {
        self.process = self.config.spawn(listeners);
    }
}

/// What the broker's config file is made from, kept to start it again the same way.
struct Config {
    tcp_port: u16,
    ws_port: u16,
    wss_port: u16,
    persistent: bool,
    access: Access,
    dir: PathBuf,
}

/// Who may connect, and so which listeners the broker can open.
enum Access {
    /// Users from the password file, topics from the ACL file; ws and wss listeners
    /// (wss with this certificate) next to the plain TCP one.
    Secured { cert: PathBuf, key: PathBuf },
    /// Anyone, anything; the plain TCP listener only.
    Anonymous,
    /// Users and their rights in the dynamic security plugin's `dynsec.json` (made by
    /// `mosquitto_ctrl dynsec init`, filled in over the TCP listener once running).
    DynamicSecurity { cert: PathBuf, key: PathBuf },
}

impl Config {
    fn spawn(&self, listeners: Listeners) -> ChildGuard {
        let dir = &self.dir;
        let (tcp_port, ws_port, wss_port) = (self.tcp_port, self.ws_port, self.wss_port);
        // `user root`: started as root, Mosquitto would otherwise switch to the
        // `mosquitto` user, which cannot read this test's files (it has no effect when
        // the tests run as a normal user).
        let mut config = format!(
            "user root
per_listener_settings false
log_dest file {log}
log_type all
connection_messages true
",
            log = dir.join("mosquitto.log").display(),
        );
        let tls = match &self.access {
            Access::Secured { cert, key } => {
                config += &format!(
                    "allow_anonymous false\npassword_file {passwd}\nacl_file {acl}\n",
                    passwd = dir.join("passwd").display(),
                    acl = dir.join("acl").display(),
                );
                Some((cert, key))
            }
            Access::DynamicSecurity { cert, key } => {
                config += &format!(
                    "allow_anonymous false\nplugin {}\nplugin_opt_config_file {}\n",
                    dynamic_security_plugin().display(),
                    dir.join("dynsec.json").display(),
                );
                Some((cert, key))
            }
            Access::Anonymous => {
                config += "allow_anonymous true\n";
                None
            }
        };
        if self.persistent {
            // Saved on SIGTERM; room for every message a test queues for an offline
            // session (the default of 1000 would be enough, the point is to be sure).
            config += &format!(
                "persistence true\npersistence_location {}/\nmax_queued_messages 10000\n",
                dir.display()
            );
        } else {
            config += "persistence false\n";
        }
        config += &format!("\nlistener {tcp_port} 127.0.0.1\n");
        if let (Listeners::All, Some((cert, key))) = (listeners, tls) {
            config += &format!(
                "
listener {ws_port}
protocol websockets

listener {wss_port}
protocol websockets
certfile {cert}
keyfile {key}
",
                cert = cert.display(),
                key = key.display(),
            );
        }
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
        let ports = match listeners {
            Listeners::All => vec![tcp_port, ws_port, wss_port],
            Listeners::TcpOnly => vec![tcp_port],
        };
        for port in ports {
            wait_for_port(port, &mut process, &context);
        }
        process
    }
}

impl Mosquitto {
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

/// The filters `client_id` is subscribed to according to the broker's log (`log_type
/// all`): what its SUBSCRIBEs added and its UNSUBSCRIBEs took away since it last
/// connected with a clean session. Mosquitto logs "Received SUBSCRIBE from <id>" and
/// then each filter on a line of its own, indented by a tab, up to its answer.
pub fn subscriptions_in_log(log: &str, client_id: &str) -> Vec<String> {
    let subscribe = format!("Received SUBSCRIBE from {client_id}");
    let unsubscribe = format!("Received UNSUBSCRIBE from {client_id}");
    // "New client connected from 127.0.0.1:5000 as <id> (p2, c1, k30, u'alice')": with
    // a clean session (c1) the broker starts the client's subscriptions afresh.
    let clean_start = format!(" as {client_id} (");
    let mut subscribed: Vec<String> = Vec::new();
    // While reading a packet's filters: whether it subscribes.
    let mut reading: Option<bool> = None;
    for line in log.lines() {
        // Each line starts with the time: "1733500000: ".
        let text = line.split_once(": ").map_or(line, |(_, rest)| rest);
        if let (Some(subscribing), Some(filter)) = (reading, text.strip_prefix('\t')) {
            // "\t<filter> (QoS 1)" for a subscription, "\t<filter>" for its removal.
            let filter = filter.rsplit_once(" (QoS ").map_or(filter, |(f, _)| f);
            subscribed.retain(|f| f != filter);
            if subscribing {
                subscribed.push(filter.to_owned());
            }
            continue;
        }
        if text.starts_with("New client connected from ")
            && text
                .split_once(&clean_start)
                .is_some_and(|(_, flags)| flags.contains(" c1,"))
        {
            subscribed.clear();
        }
        // Between a packet's filters it also logs "<id> <qos> <filter>"; the packet's
        // part ends with the broker's answer ("Sending SUBACK to …").
        if text == subscribe {
            reading = Some(true);
        } else if text == unsubscribe {
            reading = Some(false);
        } else if text.starts_with("Received ") || text.starts_with("Sending ") {
            reading = None;
        }
    }
    subscribed
}

fn read_log(path: &Path) -> String {
    std::fs::read_to_string(path).unwrap_or_else(|e| format!("(no log: {e})"))
}

/// Where Debian's mosquitto package put its dynamic security plugin (the directory is
/// the machine's multiarch triplet).
fn dynamic_security_plugin() -> PathBuf {
    let name = "mosquitto_dynamic_security.so";
    std::fs::read_dir("/usr/lib")
        .into_iter()
        .flatten()
        .flatten()
        .map(|entry| entry.path().join(name))
        .find(|path| path.exists())
        .unwrap_or_else(|| panic!("no /usr/lib/*/{name}: is Debian's mosquitto package installed?"))
}
