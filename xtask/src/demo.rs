//! `cargo xtask demo`: build the app and run the demo companion (broker, devices and the
//! static server) in front of it.

use std::path::Path;
use std::process::Command;

use crate::process::{self, error, Result};
use crate::{build, tools};

/// Flags passed through to `feedboard-demo`, each taking one value.
const FLAGS: &[&str] = &["--http-port", "--ws-port", "--tcp-port", "--broker"];

pub const USAGE: &str =
    "cargo xtask demo [--http-port N] [--ws-port N] [--tcp-port N] [--broker URL]";

pub fn run(repo: &Path, args: &[String]) -> Result {
    check_flags(args)?;
    let tools = tools::ensure_build_tools(repo)?;
    build::trunk_build(repo, &tools, Path::new("dist"))?;
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut cmd = Command::new(cargo);
    cmd.args([
        "run",
        "--release",
        "-p",
        "feedboard-demo",
        "--",
        "--dist",
        "dist",
    ])
    .args(args)
    .current_dir(repo);
    // Only returns when the command could not start; otherwise the demo replaces us.
    Err(process::exec(&mut cmd))
}

fn check_flags(args: &[String]) -> Result {
    let mut rest = args.iter();
    while let Some(arg) = rest.next() {
        let name = arg.split_once('=').map_or(arg.as_str(), |(name, _)| name);
        if !FLAGS.contains(&name) {
            return Err(error(format!("unknown option `{arg}`; usage: {USAGE}")));
        }
        if !arg.contains('=') && rest.next().is_none() {
            return Err(error(format!("`{arg}` needs a value; usage: {USAGE}")));
        }
    }
    Ok(())
}
