//! `cargo xtask demo`: build the app and run the demo companion (broker, devices and the
//! static server) in front of it.

use std::path::Path;
use std::process::Command;

use crate::process::{self, error, Result};
use crate::{build, tools};

/// Where the demo's app is built, relative to the repository root.
const DIST: &str = "dist";

/// Options are `feedboard-demo`'s own (`--http-port N`, `--ws-port N`, `--tcp-port N`,
/// `--broker URL`, ...): passed through unchanged, so its parser stays the only one.
pub fn run(repo: &Path, args: &[String]) -> Result {
    let help = args.iter().any(|a| a == "-h" || a == "--help");
    if args
        .iter()
        .any(|a| a == "--dist" || a.starts_with("--dist="))
    {
        return Err(error(format!(
            "`cargo xtask demo` builds the app into {DIST}/ and serves that; \
             for another directory run `cargo run -p feedboard-demo -- --dist DIR`"
        )));
    }
    if !help {
        let tools = tools::ensure_build_tools(repo)?;
        build::trunk_build(repo, &tools, Path::new(DIST))?;
    }
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut cmd = Command::new(cargo);
    cmd.args([
        "run",
        "--release",
        "-p",
        "feedboard-demo",
        "--",
        "--dist",
        DIST,
    ])
    .args(args)
    .current_dir(repo);
    // Returns only when cargo could not be started; otherwise the demo replaces xtask,
    // and its exit code and Ctrl-C handling are the demo's.
    Err(process::exec(&mut cmd))
}
