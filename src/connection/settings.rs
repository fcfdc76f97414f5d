//! The connection form's values and their validation, as plain data.

use std::time::Duration;

use mqtt_session::{ConnectOptions, ProtocolVersion};

use super::adafruit::AdafruitNames;

/// What the user typed into the connection form. Kept as typed (strings), so a
/// failed validation loses nothing.
#[derive(Debug, Clone, PartialEq)]
pub struct ConnectionSettings {
    /// e.g. `wss://broker.example:8884/mqtt`.
    pub broker_url: String,
    /// Empty: the session generates one.
    pub client_id: String,
    /// Empty: no username.
    pub username: String,
    /// Empty: no password. Held in memory only.
    pub password: String,
    /// 3.1.1 or 5.0.
    pub version: ProtocolVersion,
    /// Seconds, as typed.
    pub keep_alive: String,
    /// Start with a fresh session (3.1.1 "clean session"). Off: the broker keeps the
    /// session and queues QoS 1/2 messages while the page is away.
    pub clean_start: bool,
    /// Adafruit IO mode: feed keys stand for `<username>/f/<key>`, last values are
    /// fetched with `/get`, throttle and error messages are shown (see
    /// [`super::adafruit`]).
    pub adafruit: bool,
}

impl Default for ConnectionSettings {
    fn default() -> Self {
        Self {
            // wss is the default: brokers outside a LAN should only be reached over TLS.
            broker_url: "wss://".into(),
            client_id: String::new(),
            username: String::new(),
            password: String::new(),
            version: ProtocolVersion::V3_1_1,
            keep_alive: "30".into(),
            clean_start: true,
            adafruit: false,
        }
    }
}

/// How long an MQTT 5.0 broker keeps a persistent session (Clean start off) after the
/// connection ends. 3.1.1 has no expiry: the broker keeps it until a clean start.
pub const SESSION_EXPIRY: Duration = Duration::from_secs(3600);

/// A broker address the browser can open: `ws://` or `wss://`, a host, maybe a port
/// and a path.
#[derive(Debug, Clone, PartialEq)]
pub struct BrokerUrl {
    url: String,
    secure: bool,
    host: String,
}

impl BrokerUrl {
    /// Checks the scheme, host and port of `text`.
    pub fn parse(text: &str) -> Result<Self, SettingsError> {
        let url = text.trim();
        let (secure, rest) = if let Some(rest) = url.strip_prefix("wss://") {
            (true, rest)
        } else if let Some(rest) = url.strip_prefix("ws://") {
            (false, rest)
        } else if let Some((scheme, _)) = url.split_once("://") {
            return Err(SettingsError::UnsupportedScheme(scheme.to_owned()));
        } else {
            return Err(SettingsError::MissingScheme);
        };
        let authority = rest.split(['/', '?', '#']).next().unwrap_or_default();
        let authority = authority.rsplit('@').next().unwrap_or_default();
        let (host, port) = split_host_port(authority);
        if host.is_empty() {
            return Err(SettingsError::MissingHost);
        }
        if let Some(port) = port {
            match port.parse::<u16>() {
                Ok(p) if p > 0 => {}
                _ => return Err(SettingsError::BadPort(port.to_owned())),
            }
        }
        Ok(Self {
            url: url.to_owned(),
            secure,
            host: host.to_owned(),
        })
    }

    /// The URL as given (trimmed).
    pub fn as_str(&self) -> &str {
        &self.url
    }

    /// True for `wss://`.
    pub fn is_secure(&self) -> bool {
        self.secure
    }

    /// The host name or address, without brackets or port.
    pub fn host(&self) -> &str {
        &self.host
    }

    /// A warning for a `ws://` URL to a host other than this machine: nothing on that
    /// connection is encrypted. `None` for `wss://` and for loopback.
    pub fn plaintext_warning(&self) -> Option<String> {
        (!self.secure && !self.is_local()).then(|| {
            format!(
                "ws:// is not encrypted: your password and every message cross the network \
                 to {} as plain text. Use wss:// unless this is a network you trust.",
                self.host
            )
        })
    }

    /// True for localhost and loopback addresses, where `ws://` is fine.
    pub fn is_local(&self) -> bool {
        let h = self.host.as_str();
        h == "localhost" || h.ends_with(".localhost") || h.starts_with("127.") || h == "::1"
    }
}

/// Splits `host:port`, `[v6]:port`, `host` or `[v6]`.
fn split_host_port(authority: &str) -> (&str, Option<&str>) {
    if let Some(rest) = authority.strip_prefix('[') {
        let (host, after) = rest.split_once(']').unwrap_or((rest, ""));
        (host, after.strip_prefix(':'))
    } else if let Some((host, port)) = authority.rsplit_once(':') {
        (host, Some(port))
    } else {
        (authority, None)
    }
}

/// Why the form's values cannot be used; each says what to do instead.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum SettingsError {
    /// No `ws://` or `wss://` in front.
    #[error("The broker URL must start with wss:// (or ws:// on a local network), e.g. wss://broker.example:8884/mqtt")]
    MissingScheme,
    /// `mqtt://`, `tcp://`, `http://` and friends.
    #[error("A browser cannot open {0}:// connections: use the broker's WebSocket listener, wss:// (or ws:// on a local network), e.g. wss://broker.example:8884/mqtt")]
    UnsupportedScheme(String),
    /// `ws://` and nothing after it.
    #[error("The broker URL has no host name")]
    MissingHost,
    /// A port that is not 1–65535.
    #[error("The port {0:?} is not a number from 1 to 65535")]
    BadPort(String),
    /// Adafruit IO mode without a username to put in the topics.
    #[error("Adafruit IO mode needs your Adafruit IO username (one word, no / + #): feeds are <username>/f/<feed key>")]
    AdafruitWithoutUsername,
    /// Keep-alive not in 0–65535.
    #[error("Keep-alive must be a whole number of seconds from 0 (off) to 65535, not {0:?}")]
    BadKeepAlive(String),
}

impl ConnectionSettings {
    /// The Adafruit IO names of this account in Adafruit IO mode, `None` otherwise.
    pub fn adafruit_names(&self) -> Result<Option<AdafruitNames>, SettingsError> {
        if !self.adafruit {
            return Ok(None);
        }
        AdafruitNames::for_user(&self.username)
            .map(Some)
            .ok_or(SettingsError::AdafruitWithoutUsername)
    }

    /// Validates the form and builds the session's options.
    pub fn to_options(&self) -> Result<(BrokerUrl, ConnectOptions), SettingsError> {
        let url = BrokerUrl::parse(&self.broker_url)?;
        self.adafruit_names()?;
        let keep_alive = self
            .keep_alive
            .trim()
            .parse::<u16>()
            .map_err(|_| SettingsError::BadKeepAlive(self.keep_alive.clone()))?;
        let non_empty = |s: &str| (!s.is_empty()).then(|| s.to_owned());
        let options = ConnectOptions {
            version: self.version,
            client_id: self.client_id.trim().to_owned(),
            keep_alive: Duration::from_secs(u64::from(keep_alive)),
            username: non_empty(&self.username),
            password: non_empty(&self.password),
            clean_start: self.clean_start,
            session_expiry: if self.clean_start {
                Duration::ZERO
            } else {
                SESSION_EXPIRY
            },
            ..ConnectOptions::default()
        };
        Ok((url, options))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings(url: &str) -> ConnectionSettings {
        ConnectionSettings {
            broker_url: url.into(),
            ..ConnectionSettings::default()
        }
    }

    #[test]
    fn websocket_urls_with_ports_paths_and_ipv6_are_accepted() {
        for (text, host, secure) in [
            ("ws://127.0.0.1:9001", "127.0.0.1", false),
            ("wss://broker.example:8884/mqtt", "broker.example", true),
            (" wss://io.adafruit.com/mqtt ", "io.adafruit.com", true),
            ("ws://[::1]:8080/mqtt", "::1", false),
        ] {
            let url = BrokerUrl::parse(text).unwrap();
            assert_eq!((url.host(), url.is_secure()), (host, secure), "{text}");
        }
    }

    #[test]
    fn non_websocket_schemes_are_refused_with_what_to_use_instead() {
        let err = BrokerUrl::parse("mqtt://broker.example:1883").unwrap_err();
        assert_eq!(err, SettingsError::UnsupportedScheme("mqtt".into()));
        assert!(err.to_string().contains("wss://"));
        assert_eq!(
            BrokerUrl::parse("broker.example").unwrap_err(),
            SettingsError::MissingScheme
        );
    }

    #[test]
    fn a_missing_host_or_bad_port_is_refused() {
        assert_eq!(
            BrokerUrl::parse("wss://").unwrap_err(),
            SettingsError::MissingHost
        );
        assert_eq!(
            BrokerUrl::parse("ws://h:99999").unwrap_err(),
            SettingsError::BadPort("99999".into())
        );
        assert_eq!(
            BrokerUrl::parse("ws://h:0/mqtt").unwrap_err(),
            SettingsError::BadPort("0".into())
        );
    }

    #[test]
    fn loopback_hosts_are_local_and_others_are_not() {
        assert!(BrokerUrl::parse("ws://localhost:9001").unwrap().is_local());
        assert!(BrokerUrl::parse("ws://127.0.0.1:9001").unwrap().is_local());
        assert!(!BrokerUrl::parse("ws://192.168.1.5").unwrap().is_local());
    }

    #[test]
    fn plain_ws_to_another_host_is_warned_about_but_not_to_this_machine_or_over_tls() {
        let warning = BrokerUrl::parse("ws://192.168.1.5:9001")
            .unwrap()
            .plaintext_warning()
            .expect("a warning");
        assert!(warning.contains("192.168.1.5 as plain text"), "{warning}");
        assert_eq!(
            BrokerUrl::parse("ws://127.0.0.1:9001")
                .unwrap()
                .plaintext_warning(),
            None
        );
        assert_eq!(
            BrokerUrl::parse("wss://broker.example:8884/mqtt")
                .unwrap()
                .plaintext_warning(),
            None
        );
    }

    #[test]
    fn the_form_becomes_session_options_with_empty_fields_as_none() {
        let mut form = settings("ws://127.0.0.1:9001");
        form.username = "alice".into();
        form.keep_alive = " 15 ".into();
        form.version = ProtocolVersion::V5;
        let (url, options) = form.to_options().unwrap();
        assert_eq!(url.as_str(), "ws://127.0.0.1:9001");
        assert_eq!(options.username.as_deref(), Some("alice"));
        assert_eq!(options.password, None);
        assert_eq!(options.keep_alive, Duration::from_secs(15));
        assert_eq!(options.version, ProtocolVersion::V5);
    }

    #[test]
    fn clean_start_is_on_by_default_and_off_asks_a_v5_broker_to_keep_the_session() {
        let (_, options) = settings("ws://h").to_options().unwrap();
        assert!(options.clean_start);
        assert_eq!(options.session_expiry, Duration::ZERO);

        let mut form = settings("ws://h");
        form.clean_start = false;
        form.version = ProtocolVersion::V5;
        let (_, options) = form.to_options().unwrap();
        assert!(!options.clean_start);
        assert_eq!(options.session_expiry, SESSION_EXPIRY);
    }

    #[test]
    fn a_bad_keep_alive_is_refused_and_quoted() {
        let mut form = settings("ws://h");
        form.keep_alive = "-1".into();
        assert_eq!(
            form.to_options().unwrap_err(),
            SettingsError::BadKeepAlive("-1".into())
        );
    }

    #[test]
    fn adafruit_io_mode_needs_a_username_of_one_level() {
        let mut form = settings("wss://io.adafruit.com/mqtt");
        form.adafruit = true;
        assert_eq!(
            form.to_options().unwrap_err(),
            SettingsError::AdafruitWithoutUsername
        );
        form.username = "alice/x".into();
        assert!(form.to_options().is_err());
        form.username = "alice".into();
        assert!(form.to_options().is_ok());
        let names = form.adafruit_names().unwrap().unwrap();
        assert_eq!(names.wire("t"), "alice/f/t");
        form.adafruit = false;
        assert_eq!(form.adafruit_names(), Ok(None));
    }
}
