//! The page's start-up configuration, `feedboard.json` beside `index.html`: where to
//! connect and which dashboard to open. The demo serves one; a self-hoster may too.
//! It is untrusted input: a bad file is reported and ignored, never a panic.

use serde::Deserialize;

use crate::dashboards::Dashboard;

/// Address of the start-up configuration, relative to the page.
pub const STARTUP_CONFIG_PATH: &str = "feedboard.json";

/// What `feedboard.json` may say. Unknown fields are refused so a typo is noticed.
/// There is deliberately no password field: credentials are never put in files.
#[derive(Debug, Clone, PartialEq, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StartupConfig {
    /// Pre-fills the Broker URL box.
    #[serde(default)]
    pub broker: Option<String>,
    /// Pre-fills the Username box.
    #[serde(default)]
    pub username: Option<String>,
    /// Connect as soon as the page opens.
    #[serde(default)]
    pub connect: bool,
    /// The dashboard to open instead of the built-in one.
    #[serde(default)]
    pub dashboard: Option<Dashboard>,
}

/// Parses the file's text; the error says what is wrong and where.
pub fn parse_startup_config(text: &str) -> Result<StartupConfig, String> {
    serde_json::from_str(text).map_err(|e| format!("{STARTUP_CONFIG_PATH} is not valid: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_demo_config_pre_fills_the_broker_and_connects() {
        let config =
            parse_startup_config(r#"{"broker":"ws://127.0.0.1:9001","connect":true}"#).unwrap();
        assert_eq!(config.broker.as_deref(), Some("ws://127.0.0.1:9001"));
        assert!(config.connect);
        assert_eq!(config.dashboard, None);
    }

    #[test]
    fn a_password_in_the_file_is_refused() {
        let err = parse_startup_config(r#"{"broker":"ws://h","password":"secret"}"#).unwrap_err();
        assert!(err.contains("unknown field `password`"), "{err}");
    }

    #[test]
    fn garbage_is_an_error_with_the_file_name() {
        let err = parse_startup_config("<html>not found</html>").unwrap_err();
        assert!(err.starts_with("feedboard.json is not valid"), "{err}");
    }
}
