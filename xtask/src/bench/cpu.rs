//! CPU time of whole processes, thread by thread, read from Linux's `/proc`.
//!
//! Chromium's metrics cover one page's main thread. On this 2-core machine the
//! browser's other processes (network service, compositing), Mosquitto and the
//! publisher share the cores with that thread, so a page that costs more CPU anywhere
//! slows everyone's delivery: the receive rate depends on all of it. These figures say
//! where a run's CPU went. Where `/proc` cannot be read the figures are simply empty.

use std::collections::BTreeMap;
use std::fs;
use std::process::Command;
use std::sync::OnceLock;

/// Clock ticks spent (user + system) by each thread, by thread id, with its label
/// "process role: thread name". Kept per thread, not per label: a process that ends
/// between two readings (a page's renderer replaced on navigation) must not have its
/// earlier ticks taken from another process's under the same label.
#[derive(Default)]
pub struct CpuTimes(BTreeMap<u32, (String, u64)>);

/// CPU time per thread group, µs per message, between two readings.
pub struct CpuUse {
    /// (role: thread, µs per message), heaviest first.
    threads: Vec<(String, f64)>,
}

impl CpuUse {
    /// The sum over every thread whose label starts with `role` ("chromium", ...).
    pub fn of(&self, role: &str) -> f64 {
        self.threads
            .iter()
            .filter(|(label, _)| label.starts_with(role))
            .map(|(_, us)| us)
            .sum()
    }

    /// The `n` heaviest threads as "label µs" text.
    pub fn heaviest(&self, n: usize) -> String {
        self.threads
            .iter()
            .take(n)
            .map(|(label, us)| format!("{label} {us:.2}"))
            .collect::<Vec<_>>()
            .join("; ")
    }
}

/// Reads every thread of each root process and of its descendants; `roots` are
/// (role, pid) pairs, and a Chromium child's role is its `--type` ("renderer", ...).
/// A process is counted once, under the first root it descends from: the bench's own
/// process, Chromium's and Mosquitto's parent, comes last.
pub fn take(roots: &[(&str, u32)]) -> CpuTimes {
    let mut times = CpuTimes::default();
    let parents = parent_pids();
    let mut counted = std::collections::BTreeSet::new();
    for &(role, root) in roots {
        for pid in with_descendants(root, &parents) {
            if !counted.insert(pid) {
                continue;
            }
            let process = format!("{role}/{}", process_type(pid));
            let Ok(tasks) = fs::read_dir(format!("/proc/{pid}/task")) else {
                continue;
            };
            for task in tasks.flatten() {
                let Some(tid) = task.file_name().to_str().and_then(|t| t.parse().ok()) else {
                    continue;
                };
                let Some((mut name, ticks)) = thread_ticks(&task.path().join("stat")) else {
                    continue;
                };
                if tid == pid {
                    name = "main thread".into();
                }
                times.0.insert(tid, (format!("{process}: {name}"), ticks));
            }
        }
    }
    times
}

impl CpuTimes {
    /// What was spent since `before`, per message, summed per label. A thread that
    /// began after `before` counts all its ticks; one that ended before this reading
    /// counts none (its last ticks cannot be read any more).
    pub fn since(&self, before: &CpuTimes, messages: usize) -> CpuUse {
        let per_tick_us = 1e6 / clock_ticks_per_second();
        let mut spent: BTreeMap<&str, u64> = BTreeMap::new();
        for (tid, (label, after)) in &self.0 {
            let earlier = match before.0.get(tid) {
                // The same thread id with another label is a new thread.
                Some((was, ticks)) if was == label => *ticks,
                _ => 0,
            };
            *spent.entry(label).or_default() += after.saturating_sub(earlier);
        }
        let mut threads: Vec<(String, f64)> = spent
            .into_iter()
            .map(|(label, ticks)| {
                let us = ticks as f64 * per_tick_us / messages.max(1) as f64;
                (label.to_owned(), us)
            })
            .filter(|(_, us)| *us > 0.0)
            .collect();
        threads.sort_by(|a, b| b.1.total_cmp(&a.1));
        CpuUse { threads }
    }
}

fn parent_pids() -> BTreeMap<u32, u32> {
    let mut parents = BTreeMap::new();
    let Ok(entries) = fs::read_dir("/proc") else {
        return parents;
    };
    for entry in entries.flatten() {
        let Some(pid) = entry.file_name().to_str().and_then(|s| s.parse().ok()) else {
            continue;
        };
        let Ok(stat) = fs::read_to_string(entry.path().join("stat")) else {
            continue;
        };
        if let Some(ppid) = fields_after_name(&stat).and_then(|f| f.get(1)?.parse().ok()) {
            parents.insert(pid, ppid);
        }
    }
    parents
}

fn with_descendants(root: u32, parents: &BTreeMap<u32, u32>) -> Vec<u32> {
    let mut found = vec![root];
    let mut i = 0;
    while i < found.len() {
        let parent = found[i];
        found.extend(
            parents
                .iter()
                .filter(|&(_, &ppid)| ppid == parent)
                .map(|(&pid, _)| pid),
        );
        i += 1;
    }
    found
}

/// Chromium's `--type=` (with the utility's sub-type, e.g. the network service), or
/// "main" for the process that has none.
fn process_type(pid: u32) -> String {
    // Chromium rewrites its command line as one string, arguments separated by spaces.
    let cmdline = fs::read(format!("/proc/{pid}/cmdline")).unwrap_or_default();
    let args: Vec<String> = cmdline
        .split(|&b| b == 0 || b == b' ')
        .map(|a| String::from_utf8_lossy(a).into_owned())
        .collect();
    let value = |flag: &str| {
        args.iter()
            .find_map(|a| a.strip_prefix(flag).map(str::to_string))
    };
    match (value("--type="), value("--utility-sub-type=")) {
        (Some(kind), Some(sub)) => format!("{kind}({})", sub.rsplit('.').next().unwrap_or("")),
        (Some(kind), None) => kind,
        (None, _) => "main".into(),
    }
}

/// A thread's name and its user + system clock ticks.
fn thread_ticks(stat_path: &std::path::Path) -> Option<(String, u64)> {
    let stat = fs::read_to_string(stat_path).ok()?;
    let name = &stat[stat.find('(')? + 1..stat.rfind(')')?];
    let fields = fields_after_name(&stat)?;
    // After the name: state, ppid, ..., utime is the 12th field and stime the 13th.
    let utime: u64 = fields.get(11)?.parse().ok()?;
    let stime: u64 = fields.get(12)?.parse().ok()?;
    // Threads of one pool share a name prefix and a number: count them as one.
    let name = name.trim_end_matches(|c: char| c.is_ascii_digit());
    Some((name.to_string(), utime + stime))
}

/// The fields of a `/proc/.../stat` line after the `(name)`, which may hold spaces.
fn fields_after_name(stat: &str) -> Option<Vec<&str>> {
    Some(stat[stat.rfind(')')? + 1..].split_whitespace().collect())
}

/// Asked of `getconf` once per bench, not once per run.
fn clock_ticks_per_second() -> f64 {
    static TICKS: OnceLock<f64> = OnceLock::new();
    *TICKS.get_or_init(|| {
        Command::new("getconf")
            .arg("CLK_TCK")
            .output()
            .ok()
            .and_then(|out| String::from_utf8(out.stdout).ok())
            .and_then(|text| text.trim().parse().ok())
            .unwrap_or(100.0)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_thread_stat_line_gives_its_name_and_ticks() {
        let dir = std::env::temp_dir().join(format!("cpu-test-{}", std::process::id()));
        fs::create_dir_all(&dir).unwrap();
        let path = dir.join("stat");
        fs::write(
            &path,
            "42 (ThreadPool) Fore3) S 1 42 42 0 -1 4194560 100 0 0 0 250 31 0 0 20 0 9 0 5 0 0",
        )
        .unwrap();
        let (name, ticks) = thread_ticks(&path).unwrap();
        fs::remove_dir_all(&dir).unwrap();
        assert_eq!(name, "ThreadPool) Fore");
        assert_eq!(ticks, 281);
    }

    #[test]
    fn a_process_that_ended_takes_nothing_from_one_that_began() {
        let thread = |label: &str, ticks| (label.to_owned(), ticks);
        // A renderer (thread 10) that had spent 500 ticks is replaced by another (20),
        // which spends 30 between the readings; the network service (5) spends 7.
        let before = CpuTimes(BTreeMap::from([
            (10, thread("chromium/renderer: main thread", 500)),
            (5, thread("chromium/utility: io", 100)),
        ]));
        let after = CpuTimes(BTreeMap::from([
            (20, thread("chromium/renderer: main thread", 30)),
            (5, thread("chromium/utility: io", 107)),
        ]));
        let used = after.since(&before, 1);
        let ticks = |role| used.of(role) * clock_ticks_per_second() / 1e6;
        assert!(
            (ticks("chromium/renderer") - 30.0).abs() < 1e-6,
            "{}",
            used.heaviest(5)
        );
        assert!(
            (ticks("chromium/utility") - 7.0).abs() < 1e-6,
            "{}",
            used.heaviest(5)
        );
    }

    #[test]
    fn this_process_is_found_and_spends_time() {
        let before = take(&[("bench", std::process::id())]);
        let mut x = 0u64;
        for i in 0..50_000_000u64 {
            x = x.wrapping_mul(31).wrapping_add(i);
        }
        assert_ne!(x, 1);
        let after = take(&[("bench", std::process::id())]);
        let used = after.since(&before, 1);
        assert!(used.of("bench/main") > 0.0, "{}", used.heaviest(5));
    }
}
