//! `cargo xtask test`: every check CI runs, in order, stopping at the first failure.

use std::ffi::OsString;
use std::path::Path;
use std::process::Command;

use crate::process::{self, Result};
use crate::{build, tools};

const STEPS: usize = 8;

pub fn run(repo: &Path) -> Result {
    let mut step = 0;
    let mut header = |what: &str| {
        step += 1;
        println!("\nxtask test [{step}/{STEPS}]: {what}");
    };

    header("tools");
    let tools = tools::ensure_build_tools(repo)?;
    tools::ensure_test_packages()?;
    let axe_script = tools::ensure_axe_core()?;

    header("formatting");
    process::run(cargo(repo).args(["fmt", "--all", "--", "--check"]))?;

    header("lints, native");
    process::run(cargo(repo).args([
        "clippy",
        "--workspace",
        "--all-targets",
        "--",
        "-D",
        "warnings",
    ]))?;

    header("lints, wasm32");
    process::run(cargo(repo).args([
        "clippy",
        "-p",
        "feedboard",
        "-p",
        "mqtt-session",
        "--target",
        "wasm32-unknown-unknown",
        "--all-targets",
        "--",
        "-D",
        "warnings",
    ]))?;

    header("the app, built with trunk for the end-to-end tests");
    let dist = repo.join("target").join("e2e-dist");
    build::trunk_build(repo, &tools, &dist)?;

    header("browser tests (wasm-bindgen-test in headless Chromium)");
    process::run(
        cargo(repo)
            .args([
                "test",
                "--target",
                "wasm32-unknown-unknown",
                "-p",
                "mqtt-session",
                "-p",
                "feedboard",
                "--tests",
            ])
            .env(
                "CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER",
                tools.test_runner(),
            )
            .env("CHROMEDRIVER", chromedriver()),
    )?;

    header("doc tests");
    process::run(cargo(repo).args(["test", "--workspace", "--doc"]))?;

    header("native and end-to-end tests");
    // Last, and exec'd: the final lines on screen are cargo test's own summary.
    let mut last = cargo(repo);
    last.args(["test", "--workspace", "--tests"])
        .env("FEEDBOARD_DIST", &dist)
        .env("FEEDBOARD_AXE", &axe_script)
        .stdin(std::process::Stdio::null());
    Err(process::exec(&mut last))
}

fn cargo(repo: &Path) -> Command {
    let program: OsString = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut cmd = Command::new(program);
    cmd.current_dir(repo);
    cmd
}

/// The user's `CHROMEDRIVER`, else the one on PATH, else Debian's.
fn chromedriver() -> OsString {
    std::env::var_os("CHROMEDRIVER")
        .or_else(|| process::find_on_path("chromedriver").map(Into::into))
        .unwrap_or_else(|| "/usr/bin/chromedriver".into())
}
