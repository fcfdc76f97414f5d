//! Small pieces every part of the harness uses: temporary directories, free ports,
//! child processes that are always stopped, and waiting with a deadline.

use std::collections::BTreeSet;
use std::future::Future;
use std::net::{Ipv4Addr, SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, PoisonError};
use std::time::{Duration, Instant};

/// How long anything the tests wait for may take: a cold wasm start in headless Chromium
/// on a busy 2-core machine takes a few seconds; 20 s means "broken", not "slow".
pub const DEADLINE: Duration = Duration::from_secs(20);
/// How often a condition is re-checked while waiting.
pub const POLL: Duration = Duration::from_millis(100);

/// A directory under the system temp dir, removed (with its contents) on drop.
pub struct TempDir(PathBuf);

impl TempDir {
    pub fn new(what: &str) -> TempDir {
        static COUNT: AtomicUsize = AtomicUsize::new(0);
        let n = COUNT.fetch_add(1, Ordering::Relaxed);
        let path =
            std::env::temp_dir().join(format!("feedboard-e2e-{}-{n}-{what}", std::process::id()));
        let _ = std::fs::remove_dir_all(&path);
        std::fs::create_dir_all(&path)
            .unwrap_or_else(|e| panic!("cannot create {}: {e}", path.display()));
        TempDir(path)
    }

    pub fn path(&self) -> &Path {
        &self.0
    }

    pub fn join(&self, name: &str) -> PathBuf {
        self.0.join(name)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// A loopback port nobody listens on right now: bind port 0, read the port, let go.
/// Never the same port twice in this test run: the kernel may hand a port just let go
/// straight out again, and a broker given one port for two listeners fails to start
/// (seen: Mosquitto's TCP and WebSocket listeners both on 46723).
pub fn free_port() -> u16 {
    static HANDED_OUT: Mutex<BTreeSet<u16>> = Mutex::new(BTreeSet::new());
    let mut handed_out = HANDED_OUT.lock().unwrap_or_else(PoisonError::into_inner);
    loop {
        let port = TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
            .and_then(|l| l.local_addr())
            .map(|a| a.port())
            .expect("cannot bind a loopback port");
        if handed_out.insert(port) {
            return port;
        }
    }
}

/// A child process that is killed and reaped when this guard is dropped, also when the
/// test panics. With `group`, the child leads its own process group and the whole group
/// is killed (chromedriver's Chromium processes die with it).
pub struct ChildGuard {
    name: &'static str,
    child: Child,
    group: bool,
}

impl ChildGuard {
    /// Start `cmd` (stdin closed) and guard it.
    pub fn spawn(name: &'static str, cmd: &mut Command, group: bool) -> ChildGuard {
        if group {
            use std::os::unix::process::CommandExt;
            cmd.process_group(0);
        }
        let child = cmd
            .stdin(Stdio::null())
            .spawn()
            .unwrap_or_else(|e| panic!("cannot start {name} ({:?}): {e}", cmd.get_program()));
        ChildGuard { name, child, group }
    }

    pub fn pid(&self) -> u32 {
        self.child.id()
    }

    /// Send `signal` (`"TERM"`, `"KILL"`) to the process and wait until it has exited.
    pub fn stop(&mut self, signal: &str) {
        run_tool(Command::new("kill").args([
            &format!("-{signal}"),
            "--",
            &self.child.id().to_string(),
        ]));
        let start = Instant::now();
        while self.child.try_wait().ok().flatten().is_none() {
            if start.elapsed() > DEADLINE {
                panic!(
                    "{} did not exit within {DEADLINE:?} of SIG{signal}",
                    self.name
                );
            }
            std::thread::sleep(POLL);
        }
    }

    /// Send `signal` (`"STOP"`, `"CONT"`) and return: the process lives on.
    pub fn signal(&self, signal: &str) {
        run_tool(Command::new("kill").args([
            &format!("-{signal}"),
            "--",
            &self.child.id().to_string(),
        ]));
    }

    /// Panic if the process has already exited (it should be serving).
    pub fn assert_running(&mut self, context: &dyn Fn() -> String) {
        if let Ok(Some(status)) = self.child.try_wait() {
            panic!("{} exited early ({status}){}", self.name, context());
        }
    }
}

impl Drop for ChildGuard {
    fn drop(&mut self) {
        if self.group {
            // Negative pid: the process group this child leads (SIGKILL, as kill() does).
            let _ = Command::new("kill")
                .args(["-KILL", "--", &format!("-{}", self.child.id())])
                .stderr(Stdio::null())
                .status();
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Wait until something accepts TCP connections on 127.0.0.1:`port`, while `child`
/// keeps running; panic at the deadline.
pub fn wait_for_port(port: u16, child: &mut ChildGuard, context: &dyn Fn() -> String) {
    let addr = SocketAddr::from((Ipv4Addr::LOCALHOST, port));
    let start = Instant::now();
    loop {
        child.assert_running(context);
        if TcpStream::connect_timeout(&addr, POLL).is_ok() {
            return;
        }
        if start.elapsed() > DEADLINE {
            panic!(
                "{} does not accept connections on port {port} after {DEADLINE:?}{}",
                child.name,
                context()
            );
        }
        std::thread::sleep(POLL);
    }
}

/// Re-run `check` every [`POLL`] until it returns `Ok`, or panic after [`DEADLINE`]
/// naming `what` and the last `Err` (what was seen instead).
pub async fn eventually<T, F, Fut>(what: &str, check: F) -> T
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, String>>,
{
    eventually_within(DEADLINE, what, check).await
}

/// [`eventually`] with another deadline, for waits whose length the app decides (a
/// reconnect backoff that has grown over several failed attempts).
pub async fn eventually_within<T, F, Fut>(deadline: Duration, what: &str, mut check: F) -> T
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<T, String>>,
{
    let start = Instant::now();
    loop {
        let last = match check().await {
            Ok(value) => return value,
            Err(last) => last,
        };
        if start.elapsed() > deadline {
            panic!("timed out after {deadline:?} waiting for {what}; last seen: {last}");
        }
        tokio::time::sleep(POLL).await;
    }
}

/// Run a command to completion, panicking with its output when it fails.
pub fn run_tool(cmd: &mut Command) {
    let out = cmd
        .stdin(Stdio::null())
        .output()
        .unwrap_or_else(|e| panic!("cannot run {:?}: {e}", cmd.get_program()));
    if !out.status.success() {
        panic!(
            "{cmd:?} failed ({}):\n{}{}",
            out.status,
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

/// The strings of a JSON array a page script returned (others, and a non-array, give
/// nothing).
pub fn strings(value: &serde_json::Value) -> Vec<String> {
    value
        .as_array()
        .map(|all| {
            all.iter()
                .filter_map(|v| v.as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}
