//! Stamping the service worker (`public/sw.js`, copied into the build by Trunk) with the
//! build's own files and a hash of them, as part of Trunk's post-build hook.
//!
//! The worker caches exactly the files this build wrote (their names carry Trunk's
//! content hashes), and because the stamp changes with any of them, every new build is
//! a new worker to the browser: it installs beside the running one and waits until the
//! page offers the update and the user takes it.

use std::fs;
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use crate::process::{error, Result};

const WORKER: &str = "sw.js";
const VERSION: &str = "__FEEDBOARD_VERSION__";
const SHELL: &str = "__FEEDBOARD_SHELL__";

/// Stamps `<dir>/sw.js` with the files under `dir`.
pub fn stamp(dir: &Path) -> Result {
    let worker = dir.join(WORKER);
    let source = fs::read_to_string(&worker)
        .map_err(|e| error(format!("cannot read {}: {e}", worker.display())))?;
    let mut files = Vec::new();
    list_files(dir, dir, &mut files)?;
    files.retain(|f| f != WORKER);
    files.sort();
    let mut hasher = Sha256::new();
    for file in &files {
        hasher.update(file.as_bytes());
        hasher.update(fs::read(dir.join(file))?);
    }
    let version: String = hasher
        .finalize()
        .iter()
        .take(8)
        .map(|b| format!("{b:02x}"))
        .collect();
    let stamped = stamp_source(&source, &version, &files)?;
    fs::write(&worker, stamped)?;
    println!(
        "post-build: {} stamped with {} files, version {version}",
        worker.display(),
        files.len()
    );
    Ok(())
}

/// `source` with its placeholders replaced: the version, and the shell as a JSON
/// array of `./`-relative URLs (the page itself as `./` too).
pub fn stamp_source(source: &str, version: &str, files: &[String]) -> Result<String> {
    for placeholder in [VERSION, SHELL] {
        if source.matches(placeholder).count() != 1 {
            return Err(error(format!(
                "post-build: sw.js must hold {placeholder} exactly once"
            )));
        }
    }
    let mut urls = vec!["\"./\"".to_owned()];
    for file in files {
        // Trunk's names are letters, digits, `-`, `_`, `.` and `/`: nothing to escape,
        // which is checked rather than assumed.
        if !file
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_./".contains(c))
        {
            return Err(error(format!("post-build: unexpected file name {file:?}")));
        }
        urls.push(format!("\"./{file}\""));
    }
    Ok(source
        .replacen(VERSION, version, 1)
        .replacen(SHELL, &format!("[{}]", urls.join(", ")), 1))
}

fn list_files(root: &Path, dir: &Path, out: &mut Vec<String>) -> Result {
    for entry in fs::read_dir(dir)? {
        let path: PathBuf = entry?.path();
        if path.is_dir() {
            list_files(root, &path, out)?;
        } else if let Ok(relative) = path.strip_prefix(root) {
            out.push(relative.to_string_lossy().replace('\\', "/"));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_worker_gets_the_files_and_the_version() {
        let source = "const VERSION = '__FEEDBOARD_VERSION__';\nconst SHELL = __FEEDBOARD_SHELL__;";
        let files = vec!["index.html".to_owned(), "icons/icon-192.png".to_owned()];
        let stamped = stamp_source(source, "abc123", &files).unwrap();
        assert_eq!(
            stamped,
            "const VERSION = 'abc123';\nconst SHELL = [\"./\", \"./index.html\", \"./icons/icon-192.png\"];"
        );
        assert!(stamp_source("no placeholders", "v", &files).is_err());
        assert!(stamp_source(source, "v", &["a\"b.js".to_owned()]).is_err());
    }

    #[test]
    fn the_real_worker_has_both_placeholders() {
        let source = include_str!("../../public/sw.js");
        assert!(stamp_source(source, "v", &[]).is_ok());
    }
}
