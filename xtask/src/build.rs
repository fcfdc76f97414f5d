//! Building the app with Trunk.

use std::path::Path;
use std::process::Command;

use crate::process::{self, Result};
use crate::tools::BuildTools;

/// `trunk build --release --dist <dist>` at the repository root, with our tools first on
/// PATH (Trunk.toml says `offline = true`: Trunk uses what it finds there, at the
/// versions Trunk.toml pins, and never downloads).
pub fn trunk_build(repo: &Path, tools: &BuildTools, dist: &Path) -> Result {
    process::run(
        Command::new("trunk")
            .args(["build", "--release", "--dist"])
            .arg(dist)
            .current_dir(repo)
            .env("PATH", tools.path()?),
    )
}
