//! Finding the tools the build and the tests need, and installing the missing ones.
//!
//! Build tools go into one user-local directory, `$FEEDBOARD_TOOLS` or
//! `~/.cache/feedboard-tools`, one sub-directory per tool *and version*
//! (`trunk-0.21.14/bin/trunk`), so a tool is found by its version and never reinstalled,
//! and fresh clones of the repository reuse it. System packages (Chromium, Mosquitto)
//! come from apt on Debian and Ubuntu.

use std::env;
use std::ffi::OsString;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::process::{self, error, Result};

/// Trunk 0.22 needs a newer rustc than this project's; 0.21.14 is the last that builds.
const TRUNK_VERSION: &str = "0.21.14";
/// npm's `binaryen` package; its `wasm-opt` reports `version 132`, which is what
/// Trunk.toml's `wasm_opt = "version_132"` asks for.
const BINARYEN_VERSION: &str = "132.0.0";
const WASM_OPT_REPORTS: &str = "version 132";
/// npm's `axe-core`, the accessibility checker the end-to-end tests inject into the page.
const AXE_CORE_VERSION: &str = "4.14.1";
const WASM_TARGET: &str = "wasm32-unknown-unknown";

/// The directories holding the build tools, to be put first on PATH.
pub struct BuildTools {
    trunk_dir: PathBuf,
    wasm_bindgen_dir: PathBuf,
    wasm_opt_dir: PathBuf,
}

impl BuildTools {
    /// PATH with the tool directories first: Trunk in offline mode looks up
    /// `wasm-bindgen` and `wasm-opt` on PATH and checks their versions against
    /// Trunk.toml, so ours must shadow any other (Debian's wasm-opt 108 breaks the app).
    pub fn path(&self) -> Result<OsString> {
        let dirs = [&self.trunk_dir, &self.wasm_bindgen_dir, &self.wasm_opt_dir];
        let rest = env::var_os("PATH").unwrap_or_default();
        let all = dirs
            .iter()
            .map(|d| d.to_path_buf())
            .chain(env::split_paths(&rest));
        env::join_paths(all).map_err(|e| error(format!("cannot build PATH: {e}")))
    }

    /// `wasm-bindgen-test-runner`, the cargo runner for the browser tests.
    pub fn test_runner(&self) -> PathBuf {
        self.wasm_bindgen_dir.join("wasm-bindgen-test-runner")
    }
}

/// Where the build tools live: `$FEEDBOARD_TOOLS`, else `~/.cache/feedboard-tools`.
fn tools_root() -> Result<PathBuf> {
    if let Some(dir) = env::var_os("FEEDBOARD_TOOLS").filter(|d| !d.is_empty()) {
        return Ok(PathBuf::from(dir));
    }
    let home = env::var_os("HOME")
        .filter(|h| !h.is_empty())
        .ok_or_else(|| {
            error("HOME is not set: set FEEDBOARD_TOOLS to a directory for the build tools")
        })?;
    Ok(PathBuf::from(home).join(".cache").join("feedboard-tools"))
}

/// A path as the user would write it: `~/…` for paths under HOME.
fn pretty(path: &Path) -> String {
    if let Some(home) = env::var_os("HOME").filter(|h| !h.is_empty()) {
        if let Ok(rest) = path.strip_prefix(&home) {
            return format!("~/{}", rest.display());
        }
    }
    path.display().to_string()
}

/// Whether `program --version` runs and prints `expected`.
fn reports(program: &Path, expected: &str) -> bool {
    process::output(program, &["--version"]).is_some_and(|out| out.contains(expected))
}

fn cargo() -> OsString {
    env::var_os("CARGO").unwrap_or_else(|| "cargo".into())
}

/// Make sure the wasm target, Trunk, wasm-bindgen-cli and wasm-opt are present.
pub fn ensure_build_tools(repo: &Path) -> Result<BuildTools> {
    let root = tools_root()?;
    ensure_wasm_target(repo)?;
    let trunk_dir = ensure_trunk(&root)?;
    let wasm_bindgen_dir = ensure_wasm_bindgen(&root, repo)?;
    check_trunk_toml(repo)?;
    let wasm_opt_dir = ensure_wasm_opt(&root)?;
    warn_about_system_wasm_opt();
    println!("xtask: build tools in {}", pretty(&root));
    Ok(BuildTools {
        trunk_dir,
        wasm_bindgen_dir,
        wasm_opt_dir,
    })
}

fn ensure_wasm_target(repo: &Path) -> Result {
    if !process::on_path("rustup") {
        // Without rustup we cannot tell; cargo will say so if the target is missing.
        println!("xtask: rustup not found: make sure your Rust has the {WASM_TARGET} target");
        return Ok(());
    }
    // Run in the repository so rust-toolchain.toml picks the toolchain.
    let installed = Command::new("rustup")
        .args(["target", "list", "--installed"])
        .current_dir(repo)
        .output()?;
    let list = String::from_utf8_lossy(&installed.stdout);
    if list.lines().any(|l| l.trim() == WASM_TARGET) {
        return Ok(());
    }
    println!("xtask: installing the Rust target {WASM_TARGET} with rustup (the app is built for it; once)");
    process::run(
        Command::new("rustup")
            .args(["target", "add", WASM_TARGET])
            .current_dir(repo),
    )
}

fn ensure_trunk(root: &Path) -> Result<PathBuf> {
    let prefix = root.join(format!("trunk-{TRUNK_VERSION}"));
    let bin = prefix.join("bin");
    if reports(&bin.join("trunk"), &format!("trunk {TRUNK_VERSION}")) {
        return Ok(bin);
    }
    println!(
        "xtask: installing trunk {TRUNK_VERSION} into {} (builds the app; about 10 min, once)",
        pretty(root)
    );
    process::run(
        Command::new(cargo())
            .args([
                "install",
                "trunk",
                "--version",
                TRUNK_VERSION,
                "--locked",
                "--root",
            ])
            .arg(&prefix),
    )?;
    Ok(bin)
}

/// The version of the `wasm-bindgen` crate in Cargo.lock: the CLI must match it exactly.
pub fn wasm_bindgen_version(repo: &Path) -> Result<String> {
    let lock_path = repo.join("Cargo.lock");
    let lock = fs::read_to_string(&lock_path)
        .map_err(|e| error(format!("cannot read {}: {e}", lock_path.display())))?;
    wasm_bindgen_version_in(&lock)
}

fn wasm_bindgen_version_in(lock: &str) -> Result<String> {
    let mut versions: Vec<String> = lock
        .split("[[package]]")
        .filter(|block| field(block, "name") == Some("wasm-bindgen"))
        .filter_map(|block| field(block, "version").map(str::to_owned))
        .collect();
    versions.dedup();
    match versions.as_slice() {
        [one] => Ok(one.clone()),
        [] => Err(error("Cargo.lock has no wasm-bindgen package")),
        many => Err(error(format!(
            "Cargo.lock has several wasm-bindgen versions ({}); the app needs exactly one",
            many.join(", ")
        ))),
    }
}

/// The value of `key = "value"` in one `[[package]]` block of Cargo.lock.
fn field<'a>(block: &'a str, key: &str) -> Option<&'a str> {
    block.lines().find_map(|line| {
        let (k, v) = line.split_once('=')?;
        (k.trim() == key).then(|| v.trim().trim_matches('"'))
    })
}

/// Trunk.toml pins the wasm-bindgen CLI version as well; when it and Cargo.lock
/// disagree, say which lines to make equal now rather than after a long build.
fn check_trunk_toml(repo: &Path) -> Result {
    let locked = wasm_bindgen_version(repo)?;
    let path = repo.join("Trunk.toml");
    let Ok(trunk_toml) = fs::read_to_string(&path) else {
        return Ok(());
    };
    match field(&trunk_toml, "wasm_bindgen") {
        Some(pinned) if pinned != locked => Err(error(format!(
            "Trunk.toml has wasm_bindgen = \"{pinned}\" but Cargo.lock has wasm-bindgen \
             {locked}: make them equal"
        ))),
        _ => Ok(()),
    }
}

fn ensure_wasm_bindgen(root: &Path, repo: &Path) -> Result<PathBuf> {
    let version = wasm_bindgen_version(repo)?;
    let prefix = root.join(format!("wasm-bindgen-{version}"));
    let bin = prefix.join("bin");
    if reports(
        &bin.join("wasm-bindgen"),
        &format!("wasm-bindgen {version}"),
    ) && bin.join("wasm-bindgen-test-runner").is_file()
    {
        return Ok(bin);
    }
    println!(
        "xtask: installing wasm-bindgen-cli {version} into {} (must equal wasm-bindgen in Cargo.lock; about 3 min, once)",
        pretty(root)
    );
    // No --locked: the CLI's own lockfile pins a webpki-roots release that crates.io
    // mirrors may lack; cargo's fresh resolution builds fine.
    process::run(
        Command::new(cargo())
            .args([
                "install",
                "wasm-bindgen-cli",
                "--version",
                &version,
                "--root",
            ])
            .arg(&prefix),
    )?;
    Ok(bin)
}

fn ensure_wasm_opt(root: &Path) -> Result<PathBuf> {
    let prefix = root.join(format!("binaryen-{BINARYEN_VERSION}"));
    let bin = prefix.join("node_modules").join(".bin");
    if reports(&bin.join("wasm-opt"), WASM_OPT_REPORTS) {
        return Ok(bin);
    }
    println!(
        "xtask: installing wasm-opt (npm binaryen@{BINARYEN_VERSION}) into {} (shrinks the app's wasm; under a minute, once)",
        pretty(root)
    );
    npm_install(&prefix, &format!("binaryen@{BINARYEN_VERSION}"))?;
    if !reports(&bin.join("wasm-opt"), WASM_OPT_REPORTS) {
        return Err(error(format!(
            "{} does not report {WASM_OPT_REPORTS} after installing",
            bin.join("wasm-opt").display()
        )));
    }
    Ok(bin)
}

/// `axe.min.js` for the end-to-end tests, which inject it into the page (passed to them
/// as `FEEDBOARD_AXE`). Checked by its file: the package is one script, nothing to run.
pub fn ensure_axe_core() -> Result<PathBuf> {
    let root = tools_root()?;
    let root = root.as_path();
    let prefix = root.join(format!("axe-core-{AXE_CORE_VERSION}"));
    let script = prefix
        .join("node_modules")
        .join("axe-core")
        .join("axe.min.js");
    if script.is_file() {
        return Ok(script);
    }
    println!(
        "xtask: installing axe-core (npm axe-core@{AXE_CORE_VERSION}) into {} (the end-to-end tests check every screen's accessibility with it; seconds, once)",
        pretty(root)
    );
    npm_install(&prefix, &format!("axe-core@{AXE_CORE_VERSION}"))?;
    if !script.is_file() {
        return Err(error(format!(
            "{} is missing after installing axe-core",
            script.display()
        )));
    }
    Ok(script)
}

/// `npm install package@version` into a directory of its own.
fn npm_install(prefix: &Path, package: &str) -> Result {
    if !process::on_path("node") || !process::on_path("npm") {
        return Err(error(format!(
            "{package} comes from npm: install Node.js and npm \
             (Debian/Ubuntu: `apt-get install nodejs npm`) and run again"
        )));
    }
    fs::create_dir_all(prefix)?;
    // A package.json of its own keeps npm from installing into a parent project.
    let manifest = prefix.join("package.json");
    if !manifest.exists() {
        fs::write(&manifest, "{ \"private\": true }\n")?;
    }
    process::run(
        Command::new("npm")
            .args(["install", "--no-audit", "--no-fund"])
            .arg(package)
            .current_dir(prefix),
    )
}

/// Debian's binaryen 108 reports success and writes a broken module; ours is put first
/// on PATH, and we say so, so nobody "fixes" the build by using the system one.
fn warn_about_system_wasm_opt() {
    if let Some(system) = process::find_on_path("wasm-opt") {
        if reports(&system, "version 108") {
            println!(
                "xtask: ignoring {} (binaryen 108 produces broken wasm); using ours",
                system.display()
            );
        }
    }
}

/// A Debian package the tests need, and a file it provides (to check without dpkg).
struct Package {
    name: &'static str,
    provides: &'static str,
}

const TEST_PACKAGES: &[Package] = &[
    Package {
        name: "chromium",
        provides: "/usr/bin/chromium",
    },
    Package {
        name: "chromium-driver",
        provides: "/usr/bin/chromedriver",
    },
    Package {
        name: "mosquitto",
        provides: "/usr/sbin/mosquitto",
    },
    Package {
        name: "mosquitto-clients",
        provides: "/usr/bin/mosquitto_pub",
    },
    Package {
        name: "libnss3-tools",
        provides: "/usr/bin/certutil",
    },
    Package {
        name: "openssl",
        provides: "/usr/bin/openssl",
    },
];

/// Make sure Chromium, chromedriver, Mosquitto, certutil and openssl are installed:
/// with apt where it exists, otherwise by telling the user what to install.
pub fn ensure_test_packages() -> Result {
    if !process::on_path("apt-get") || !process::on_path("dpkg") {
        let missing: Vec<&Package> = TEST_PACKAGES
            .iter()
            .filter(|p| !Path::new(p.provides).exists())
            .collect();
        if missing.is_empty() {
            return Ok(());
        }
        let list: Vec<String> = missing
            .iter()
            .map(|p| format!("{} (for {})", p.name, p.provides))
            .collect();
        return Err(error(format!(
            "the tests need these packages, and there is no apt-get here to install them: {}",
            list.join(", ")
        )));
    }
    let missing: Vec<&str> = TEST_PACKAGES
        .iter()
        .filter(|p| !dpkg_installed(p.name))
        .map(|p| p.name)
        .collect();
    if missing.is_empty() {
        return Ok(());
    }
    let sudo = if is_root() {
        None
    } else if process::on_path("sudo") {
        Some("sudo")
    } else {
        return Err(error(format!(
            "the tests need these packages; as root, run: apt-get install -y {}",
            missing.join(" ")
        )));
    };
    println!(
        "xtask: installing {} with apt-get (the end-to-end tests drive a real browser and broker; once)",
        missing.join(" ")
    );
    let apt = |args: &[&str]| {
        let mut cmd = match sudo {
            // -n: never prompt; fail instead, and the error says what to run.
            Some(sudo) => {
                let mut c = Command::new(sudo);
                c.args(["-n", "apt-get"]);
                c
            }
            None => Command::new("apt-get"),
        };
        cmd.args(args).env("DEBIAN_FRONTEND", "noninteractive");
        cmd
    };
    let by_hand = |e: process::Error| {
        error(format!(
            "{e}; install the packages by hand: sudo apt-get install -y {}",
            missing.join(" ")
        ))
    };
    process::run(&mut apt(&["update"])).map_err(by_hand)?;
    let mut install = apt(&["install", "-y"]);
    install.args(&missing);
    process::run(&mut install).map_err(by_hand)
}

fn dpkg_installed(package: &str) -> bool {
    process::output("dpkg", &["-s", package]).is_some_and(|out| {
        out.lines()
            .any(|l| l.trim() == "Status: install ok installed")
    })
}

fn is_root() -> bool {
    process::output("id", &["-u"]).is_some_and(|out| out.trim() == "0")
}

#[cfg(test)]
mod tests {
    use super::*;

    const LOCK: &str = r#"
version = 4

[[package]]
name = "wasm-bindgen"
version = "0.2.130"
source = "registry+https://github.com/rust-lang/crates.io-index"
dependencies = [
 "wasm-bindgen-macro",
]

[[package]]
name = "wasm-bindgen-macro"
version = "0.2.131"
"#;

    #[test]
    fn the_cli_version_is_the_wasm_bindgen_crate_version_in_cargo_lock() {
        assert_eq!(wasm_bindgen_version_in(LOCK).unwrap(), "0.2.130");
    }

    #[test]
    fn a_lock_without_wasm_bindgen_is_an_error() {
        assert!(wasm_bindgen_version_in("[[package]]\nname = \"leptos\"\n").is_err());
    }

    #[test]
    fn two_wasm_bindgen_versions_are_an_error() {
        let two = format!("{LOCK}\n[[package]]\nname = \"wasm-bindgen\"\nversion = \"0.2.99\"\n");
        let e = wasm_bindgen_version_in(&two).unwrap_err();
        assert!(e.0.contains("0.2.130, 0.2.99"), "{e}");
    }
}
