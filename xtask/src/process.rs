//! Running commands: every command xtask runs is printed first, so a failing step can be
//! re-run by hand.

use std::ffi::OsStr;
use std::fmt;
use std::io;
use std::path::Path;
use std::process::{Command, ExitStatus, Stdio};

/// What went wrong, as one sentence for the user.
#[derive(Debug)]
pub struct Error(pub String);

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl From<io::Error> for Error {
    fn from(e: io::Error) -> Self {
        Error(e.to_string())
    }
}

pub type Result<T = ()> = std::result::Result<T, Error>;

/// Build an error from anything printable.
pub fn error(message: impl Into<String>) -> Error {
    Error(message.into())
}

/// The command line as a user would type it, with the environment variables it sets.
pub fn display(cmd: &Command) -> String {
    let mut parts = Vec::new();
    for (key, value) in cmd.get_envs() {
        // PATH is long and only ever prepended to; the tool directories are printed
        // when they are found, so leave it out.
        if key == "PATH" {
            continue;
        }
        if let Some(value) = value {
            parts.push(format!("{}={}", key.to_string_lossy(), quote(value)));
        }
    }
    // `cargo xtask` sets CARGO to the full path of cargo; show it as typed.
    let program = cmd.get_program();
    if std::env::var_os("CARGO").is_some_and(|cargo| cargo == program) {
        parts.push("cargo".to_string());
    } else {
        parts.push(quote(program));
    }
    parts.extend(cmd.get_args().map(quote));
    parts.join(" ")
}

fn quote(s: &OsStr) -> String {
    let s = s.to_string_lossy();
    if !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_./=:,@+%".contains(c))
    {
        s.into_owned()
    } else {
        format!("'{}'", s.replace('\'', r"'\''"))
    }
}

fn spawn_error(cmd: &Command, e: io::Error) -> Error {
    error(format!(
        "could not start `{}`: {e}",
        cmd.get_program().to_string_lossy()
    ))
}

/// Print the command, run it with no stdin, and fail unless it exits successfully.
pub fn run(cmd: &mut Command) -> Result {
    println!("$ {}", display(cmd));
    let status = cmd
        .stdin(Stdio::null())
        .status()
        .map_err(|e| spawn_error(cmd, e))?;
    check(cmd, status)
}

fn check(cmd: &Command, status: ExitStatus) -> Result {
    if status.success() {
        Ok(())
    } else {
        Err(error(format!("`{}` failed ({status})", display(cmd))))
    }
}

/// Run a command quietly and return its stdout, or `None` when it cannot run or fails.
/// For probing tools: a missing tool is an answer, not an error.
pub fn output(program: impl AsRef<OsStr>, args: &[&str]) -> Option<String> {
    let out = Command::new(program)
        .args(args)
        .stdin(Stdio::null())
        .stderr(Stdio::null())
        .output()
        .ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).into_owned())
}

/// Whether `program` can be found on PATH.
pub fn on_path(program: &str) -> bool {
    find_on_path(program).is_some()
}

/// The first executable file called `program` in PATH's directories.
pub fn find_on_path(program: &str) -> Option<std::path::PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join(program))
        .find(|candidate| is_executable(candidate))
}

fn is_executable(path: &Path) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        path.metadata()
            .map(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
            .unwrap_or(false)
    }
    #[cfg(not(unix))]
    {
        path.is_file()
    }
}

/// Print the command and become it: on Unix the xtask process is replaced (so Ctrl-C,
/// the exit code and the last line printed are all the child's); elsewhere xtask waits
/// and exits with the child's code. Returns only if the command could not be started.
pub fn exec(cmd: &mut Command) -> Error {
    println!("$ {}", display(cmd));
    #[cfg(unix)]
    {
        use std::os::unix::process::CommandExt;
        let e = cmd.exec();
        spawn_error(cmd, e)
    }
    #[cfg(not(unix))]
    {
        match cmd.status() {
            Ok(status) => std::process::exit(status.code().unwrap_or(1)),
            Err(e) => spawn_error(cmd, e),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn printed_commands_can_be_pasted_into_a_shell() {
        let mut cmd = Command::new("trunk");
        cmd.args(["build", "--dist", "my dist", "it's"])
            .env("FEEDBOARD_DIST", "/tmp/x");
        assert_eq!(
            display(&cmd),
            r"FEEDBOARD_DIST=/tmp/x trunk build --dist 'my dist' 'it'\''s'"
        );
    }
}
