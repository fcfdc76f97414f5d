//! The demo's configuration and its hand-written command-line parser.

use std::path::PathBuf;

use crate::error::DemoError;

/// Usage text for `--help`.
pub const HELP: &str = "\
feedboard-demo: Feedboard's demo companion

Starts an MQTT broker (MQTT 3.1.1 and 5.0 over WebSocket and TCP), simulated devices
(a home with a heater, a hospital ward), and a web server for the built app, whose
form is pre-filled with the broker and connects at once. Stop with Ctrl-C.

USAGE:
    feedboard-demo [OPTIONS]

OPTIONS:
    --dist DIR          the built app to serve [default: dist]
    --http-port PORT    web server port on 127.0.0.1 [default: 8080]
    --ws-port PORT      broker's MQTT-over-WebSocket port on 127.0.0.1 [default: 9001]
    --tcp-port PORT     broker's plain MQTT port on 127.0.0.1 [default: 1883]
                        (any port may be 0: a free port is picked and printed)
    --broker URL        do not start a broker: use this one, mqtt://HOST[:PORT] or
                        tcp://HOST[:PORT] (port 1883 if omitted); the devices connect
                        to it over TCP
    --broker-ws URL     with --broker: the ws:// or wss:// URL the page connects to
                        [default: ws://HOST:<--ws-port> with HOST from --broker]
    --no-devices        do not start the simulated devices
    -h, --help          print this help
    -V, --version       print the version

DEVICES:
    demo/f/temperature, demo/f/humidity      every 2 s
    demo/f/control  (ON|OFF) -> demo/f/heater  (retained confirmation)
    ward/bed-{1,2,3}/f/heart-rate, ward/bed-{1,2,3}/f/spo2  every 1 s
";

/// An external broker to use instead of the embedded one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExternalBroker {
    /// Host the devices connect to over TCP.
    pub host: String,
    /// Plain MQTT port the devices connect to.
    pub tcp_port: u16,
    /// The `ws://` / `wss://` URL the page is told to connect to.
    pub ws_url: String,
}

/// What [`crate::run_demo`] starts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoConfig {
    /// Directory of the built app.
    pub dist: PathBuf,
    /// Static server port (0 = any).
    pub http_port: u16,
    /// Embedded broker's WebSocket port (0 = any).
    pub ws_port: u16,
    /// Embedded broker's TCP port (0 = any).
    pub tcp_port: u16,
    /// Use this broker instead of starting one.
    pub broker: Option<ExternalBroker>,
    /// Start the simulated devices.
    pub devices: bool,
}

impl Default for DemoConfig {
    fn default() -> Self {
        DemoConfig {
            dist: PathBuf::from("dist"),
            http_port: 8080,
            ws_port: 9001,
            tcp_port: 1883,
            broker: None,
            devices: true,
        }
    }
}

/// What the command line asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Command {
    /// Run the demo.
    Run(DemoConfig),
    /// Print [`HELP`].
    Help,
    /// Print the version.
    Version,
}

/// Parses the arguments after the program name. Flags take their value as the next
/// argument or after `=` (`--http-port 8081`, `--http-port=8081`).
pub fn parse_args<I, S>(args: I) -> Result<Command, DemoError>
where
    I: IntoIterator<Item = S>,
    S: Into<String>,
{
    let mut config = DemoConfig::default();
    let mut broker: Option<String> = None;
    let mut broker_ws: Option<String> = None;
    let mut args = args.into_iter().map(Into::into);

    while let Some(arg) = args.next() {
        let (flag, inline) = match arg.split_once('=') {
            Some((flag, value)) if flag.starts_with("--") => {
                (flag.to_string(), Some(value.to_string()))
            }
            _ => (arg.clone(), None),
        };
        let mut value = |name: &str| -> Result<String, DemoError> {
            match inline.clone().or_else(|| args.next()) {
                Some(v) if !v.is_empty() => Ok(v),
                _ => Err(DemoError::Usage(format!("{name} needs a value"))),
            }
        };
        match flag.as_str() {
            "-h" | "--help" => return Ok(Command::Help),
            "-V" | "--version" => return Ok(Command::Version),
            "--dist" => config.dist = PathBuf::from(value("--dist")?),
            "--http-port" => config.http_port = port("--http-port", &value("--http-port")?)?,
            "--ws-port" => config.ws_port = port("--ws-port", &value("--ws-port")?)?,
            "--tcp-port" => config.tcp_port = port("--tcp-port", &value("--tcp-port")?)?,
            "--broker" => broker = Some(value("--broker")?),
            "--broker-ws" => broker_ws = Some(value("--broker-ws")?),
            "--no-devices" if inline.is_none() => config.devices = false,
            "--no-devices" => {
                return Err(DemoError::Usage("--no-devices takes no value".into()));
            }
            other if other.starts_with('-') => {
                return Err(DemoError::Usage(format!("unknown option {other}")));
            }
            other => {
                return Err(DemoError::Usage(format!(
                    "unexpected argument {other:?} (options start with --)"
                )));
            }
        }
    }

    config.broker = match (broker, broker_ws) {
        (None, None) => None,
        (None, Some(_)) => {
            return Err(DemoError::Usage(
                "--broker-ws only applies with --broker (the embedded broker's URL is known)"
                    .into(),
            ));
        }
        (Some(url), ws) => Some(external_broker(&url, ws, config.ws_port)?),
    };
    Ok(Command::Run(config))
}

fn port(flag: &str, value: &str) -> Result<u16, DemoError> {
    value
        .parse::<u16>()
        .map_err(|_| DemoError::Usage(format!("{flag} {value:?} is not a port number (0-65535)")))
}

fn external_broker(
    url: &str,
    ws_url: Option<String>,
    ws_port: u16,
) -> Result<ExternalBroker, DemoError> {
    let bad = |why: &str| {
        DemoError::Usage(format!(
            "--broker {url:?}: {why} (expected mqtt://HOST[:PORT] or tcp://HOST[:PORT])"
        ))
    };
    let rest = url
        .strip_prefix("mqtt://")
        .or_else(|| url.strip_prefix("tcp://"))
        .ok_or_else(|| bad("unsupported scheme"))?;
    let rest = rest.trim_end_matches('/');
    let (host, tcp_port) = match rest.rsplit_once(':') {
        // An IPv6 literal without a port, e.g. [::1].
        Some((_, tail)) if tail.ends_with(']') => (rest, 1883),
        Some((host, p)) => (host, p.parse::<u16>().map_err(|_| bad("bad port"))?),
        None => (rest, 1883),
    };
    if host.is_empty() || host.contains('/') || host.contains('@') {
        return Err(bad("bad host"));
    }
    let host = host.to_string();
    let ws_url = match ws_url {
        Some(ws) if ws.starts_with("ws://") || ws.starts_with("wss://") => ws,
        Some(ws) => {
            return Err(DemoError::Usage(format!(
                "--broker-ws {ws:?}: expected a ws:// or wss:// URL"
            )));
        }
        None => format!("ws://{host}:{ws_port}"),
    };
    let device_host = host
        .trim_start_matches('[')
        .trim_end_matches(']')
        .to_string();
    Ok(ExternalBroker {
        host: device_host,
        tcp_port,
        ws_url,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(args: &[&str]) -> DemoConfig {
        match parse_args(args.iter().copied()) {
            Ok(Command::Run(config)) => config,
            other => panic!("{args:?}: {other:?}"),
        }
    }

    fn usage_error(args: &[&str]) -> String {
        match parse_args(args.iter().copied()) {
            Err(e @ DemoError::Usage(_)) => e.to_string(),
            other => panic!("{args:?}: {other:?}"),
        }
    }

    #[test]
    fn defaults() {
        assert_eq!(run(&[]), DemoConfig::default());
        assert_eq!(parse_args(["--help"]).ok(), Some(Command::Help));
        assert_eq!(parse_args(["-V"]).ok(), Some(Command::Version));
    }

    #[test]
    fn ports_dist_and_devices() {
        let c = run(&[
            "--dist",
            "out",
            "--http-port=0",
            "--ws-port",
            "9101",
            "--tcp-port",
            "1993",
            "--no-devices",
        ]);
        assert_eq!(c.dist, PathBuf::from("out"));
        assert_eq!((c.http_port, c.ws_port, c.tcp_port), (0, 9101, 1993));
        assert!(!c.devices);
    }

    #[test]
    fn external_broker_urls() {
        let c = run(&["--broker", "mqtt://example.org:1884"]);
        assert_eq!(
            c.broker,
            Some(ExternalBroker {
                host: "example.org".into(),
                tcp_port: 1884,
                ws_url: "ws://example.org:9001".into(),
            })
        );
        let c = run(&[
            "--broker",
            "tcp://10.0.0.2",
            "--broker-ws",
            "wss://mqtt.example.org/mqtt",
        ]);
        let b = c.broker.expect("external broker");
        assert_eq!((b.host.as_str(), b.tcp_port), ("10.0.0.2", 1883));
        assert_eq!(b.ws_url, "wss://mqtt.example.org/mqtt");
        let b = run(&["--broker", "mqtt://[::1]:1885"]).broker.expect("v6");
        assert_eq!((b.host.as_str(), b.tcp_port), ("::1", 1885));
        assert_eq!(b.ws_url, "ws://[::1]:9001");
    }

    #[test]
    fn errors_name_the_problem() {
        assert!(
            usage_error(&["--http-port", "80800"]).contains("--http-port \"80800\" is not a port")
        );
        assert!(usage_error(&["--ws-port"]).contains("--ws-port needs a value"));
        assert!(usage_error(&["--frobnicate"]).contains("unknown option --frobnicate"));
        assert!(usage_error(&["dist"]).contains("unexpected argument"));
        assert!(usage_error(&["--broker", "http://x"]).contains("unsupported scheme"));
        assert!(usage_error(&["--broker", "mqtt://x:y"]).contains("bad port"));
        assert!(usage_error(&["--broker-ws", "ws://x"]).contains("only applies with --broker"));
        assert!(usage_error(&["--broker", "mqtt://x", "--broker-ws", "x"]).contains("ws://"));
        assert!(usage_error(&["--no-devices=1"]).contains("takes no value"));
        assert!(usage_error(&["--tcp-port"]).contains("feedboard-demo --help"));
    }
}
