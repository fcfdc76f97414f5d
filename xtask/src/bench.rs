//! `cargo xtask bench`: Feedboard, MQTT.js and a raw WebSocket page side by side in one
//! headless Chromium, against one Mosquitto of our own, fed by a native publisher.
//!
//! Everything is std only: Chromium is driven over `--remote-debugging-pipe` (CDP as
//! NUL-separated JSON on fds 3 and 4, with only the `Target`, `Runtime` and
//! `Performance` domains: the Network domain would slow every client 2–3×), the pages
//! are served by a small static server in a thread, and the publisher writes MQTT 3.1.1
//! packets to a plain TCP socket. A benchmark prints figures; it is not a test.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::fs;
use std::io::{BufWriter, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{mpsc, Arc};
use std::thread;
use std::time::{Duration, Instant};

use crate::process::{self, error, Error, Result};

mod cpu;
mod dashboard_load;
mod explorer_load;
mod export_load;
mod latency;
mod native_subscriber;
mod page_scenarios;
use crate::{build, tools};

const TOPIC: &str = "bench/load";
const PAYLOAD_LEN: usize = 32;
/// QoS 1 messages the publisher may have in flight (packet ids must stay unique).
const PUBLISH_WINDOW: usize = 1000;
const CHROMIUM: &str = "/usr/bin/chromium";
/// Samples the app keeps per feed (src/app/feeds_context.rs `FEED_CAPACITY`).
const FEED_CAPACITY: usize = 43_200;

#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Debug)]
enum Client {
    Feedboard,
    MqttJs,
    Raw,
    /// `--against DIR`: another build of the app, measured in S1–S3 between the others
    /// so that two builds are compared within one run's conditions.
    FeedboardB,
    /// `--worker`: the raw page's work in a dedicated Worker, in S1–S3: what a client
    /// that kept its socket and session off the main thread would leave on it.
    RawWorker,
    /// `--shown`: the raw page that also shows its count once per animation frame, in
    /// S1–S3: what drawing costs a page that does nothing else.
    RawShown,
}

impl Client {
    const ALL: [Client; 3] = [Client::Feedboard, Client::MqttJs, Client::Raw];

    fn name(self) -> &'static str {
        match self {
            Client::Feedboard => "Feedboard",
            Client::MqttJs => "MQTT.js",
            Client::Raw => "raw WebSocket",
            Client::FeedboardB => "Feedboard B",
            Client::RawWorker => "raw in a Worker",
            Client::RawShown => "raw, count shown",
        }
    }

    /// The app's page (read through the probe), not a JavaScript bench page.
    fn is_feedboard(self) -> bool {
        matches!(self, Client::Feedboard | Client::FeedboardB)
    }
}

/// What a JavaScript page shows besides counting. Feedboard's page shows what its
/// origin's `feedboard.json` says instead, so the port chooses its dashboard.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Layout {
    /// S1–S5: MQTT.js decodes each payload to a number; nothing is drawn. (The app
    /// shows one value block in S1–S3, one chart in S4 and S5.)
    CountOnly,
    /// S8, S9: one line chart, "Load", on [`TOPIC`].
    Chart,
    /// S6, S7: [`dashboard_load`]'s 20 charts and 20 values over its 100 topics.
    Load,
}

/// The page of `client` on the static server at `http`, connecting to `broker`.
fn page_url(client: Client, http: u16, broker: &str, layout: Layout) -> String {
    // `#` of a filter must be escaped in a query string.
    let topic = if layout == Layout::Load {
        "bench/many/%23"
    } else {
        TOPIC
    };
    let dashboard = match layout {
        Layout::CountOnly => "",
        Layout::Chart => "&dashboard=chart",
        Layout::Load => "&dashboard=load",
    };
    match client {
        Client::Feedboard | Client::FeedboardB => format!("http://127.0.0.1:{http}/index.html"),
        Client::MqttJs => {
            format!("http://127.0.0.1:{http}/mqttjs.html?url={broker}&topic={topic}{dashboard}")
        }
        Client::Raw => format!("http://127.0.0.1:{http}/raw.html?url={broker}&topic={topic}"),
        Client::RawShown => {
            format!("http://127.0.0.1:{http}/raw.html?url={broker}&topic={topic}&show=1")
        }
        Client::RawWorker => {
            format!("http://127.0.0.1:{http}/raw-worker.html?url={broker}&topic={topic}")
        }
    }
}

/// What is measured: issue 6's S1–S3, each for every client.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Scenario {
    /// QoS 0 over ws.
    S1,
    /// QoS 1 over ws (both sides).
    S2,
    /// QoS 0 over wss: S1 with TLS.
    S3,
}

impl Scenario {
    const ALL: [Scenario; 3] = [Scenario::S1, Scenario::S2, Scenario::S3];

    fn qos(self) -> u8 {
        u8::from(self == Scenario::S2)
    }

    fn tls(self) -> bool {
        self == Scenario::S3
    }

    fn label(self) -> &'static str {
        match self {
            Scenario::S1 => "S1 QoS 0 ws",
            Scenario::S2 => "S2 QoS 1 ws",
            Scenario::S3 => "S3 QoS 0 wss",
        }
    }
}

struct Options {
    messages: usize,
    runs: usize,
    /// An app already built (`trunk build --release --dist DIR`): skips the build.
    dist: Option<PathBuf>,
    /// Sample a CPU profile of every run (perturbs the figures a little).
    profile: bool,
    /// The app's dashboard in S1–S3 (a JSON array of blocks) instead of one value block:
    /// to see what showing it costs, e.g. `[{"title": "Load", "type": "line_chart",
    /// "topic": "bench/load"}]` for the chart measured there until session 9.
    blocks: Option<String>,
    /// Only these parts (`--only s1,s4,explorer`); empty for all.
    only: Vec<String>,
    /// Another build of the app to measure beside this one in S1–S3 (`--against DIR`).
    against: Option<PathBuf>,
    /// Also measure the raw page's work in a Worker in S1–S3 (`--worker`).
    worker: bool,
    /// Also measure the raw page showing its count in S1–S3 (`--shown`).
    shown: bool,
}

/// The parts `--only` can name: S1–S3 run together, as do S6 and S7.
const PARTS: [&str; 9] = [
    "s1", "ceiling", "s4", "s5", "s6", "s8", "s9", "explorer", "export",
];

impl Options {
    fn runs_part(&self, part: &str) -> bool {
        self.only.is_empty() || self.only.iter().any(|p| p == part)
    }
}

fn parse_args(args: &[String]) -> Result<Options> {
    let mut options = Options {
        messages: 100_000,
        runs: 3,
        dist: None,
        profile: false,
        blocks: None,
        only: Vec::new(),
        against: None,
        worker: false,
        shown: false,
    };
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        let mut number = |what: &str| -> Result<usize> {
            it.next()
                .and_then(|v| v.replace('_', "").parse().ok())
                .filter(|&n: &usize| n > 0)
                .ok_or_else(|| error(format!("{what} needs a positive number")))
        };
        match arg.as_str() {
            "--messages" => options.messages = number("--messages")?,
            "--runs" => options.runs = number("--runs")?,
            "--profile" => options.profile = true,
            "--worker" => options.worker = true,
            "--shown" => options.shown = true,
            "--blocks" => {
                let json = it.next().ok_or_else(|| error("--blocks needs a JSON array"))?;
                options.blocks = Some(json.clone());
            }
            "--only" => {
                let list = it.next().ok_or_else(|| error("--only needs a list"))?;
                for part in list.split(',').map(|p| p.trim().to_lowercase()) {
                    if !PARTS.contains(&part.as_str()) {
                        return Err(error(format!(
                            "--only {part:?}: the parts are {}",
                            PARTS.join(", ")
                        )));
                    }
                    options.only.push(part);
                }
            }
            "--dist" => {
                let dir = it
                    .next()
                    .ok_or_else(|| error("--dist needs a directory"))?;
                options.dist = Some(PathBuf::from(dir));
            }
            "--against" => {
                let dir = it
                    .next()
                    .ok_or_else(|| error("--against needs a directory"))?;
                let dir = PathBuf::from(dir);
                if !dir.join("index.html").exists() {
                    return Err(error(format!(
                        "--against {}: no index.html there (build it with `trunk build --release --dist DIR`)",
                        dir.display()
                    )));
                }
                options.against = Some(dir);
            }
            other => {
                return Err(error(format!(
                    "unknown option {other:?}; usage: cargo xtask bench [--messages N] [--runs R] [--dist DIR] [--against DIR] [--profile] [--worker] [--shown] [--blocks JSON] [--only s1,ceiling,s4,s5,s6,s8,s9,explorer,export]"
                )))
            }
        }
    }
    Ok(options)
}

/// One client's run of one scenario.
struct RunResult {
    scenario: Scenario,
    client: Client,
    run: usize,
    outcome: std::result::Result<Measured, String>,
}

struct Measured {
    /// Messages counted by the page; for Feedboard without its `#messages-in` counter,
    /// the publisher's sequence number last shown by the chart (see `counted`).
    received: usize,
    /// `None` when the page cannot count (Feedboard's chart fallback).
    lost: Option<usize>,
    /// Whether `received` is a count of messages (false: a sequence number seen).
    counted: bool,
    rate: f64,
    script_us: f64,
    /// Layout and style recalculation per message (Chromium's `LayoutDuration` and
    /// `RecalcStyleDuration`): the page's rendering, which script time leaves out.
    layout_us: f64,
    /// Everything the page's main thread did per message (`TaskDuration`): script,
    /// rendering, and Chromium's own delivery of each frame to the page.
    task_us: f64,
    /// CPU time of every process of the run, per message (see [`cpu`]).
    cpu: cpu::CpuUse,
    publish_secs: f64,
}

pub fn run(repo: &Path, args: &[String]) -> Result {
    let options = parse_args(args)?;
    for (program, package) in [
        ("mosquitto", "mosquitto"),
        ("npm", "npm (Node.js 18 or later)"),
        ("openssl", "openssl"),
        ("gzip", "gzip"),
    ] {
        if !process::on_path(program) && !Path::new("/usr/sbin").join(program).exists() {
            return Err(error(format!(
                "`{program}` is needed by the benchmark: install {package} (e.g. `apt-get install -y {package}`)"
            )));
        }
    }
    if !Path::new(CHROMIUM).exists() {
        return Err(error(format!(
            "{CHROMIUM} is needed by the benchmark: `apt-get install -y chromium`"
        )));
    }
    let bench_dir = repo.join("bench");
    let mqtt_js = bench_dir.join("node_modules/mqtt/dist/mqtt.min.js");
    if !mqtt_js.exists() {
        println!("xtask bench: installing npm `mqtt` 5.x into bench/node_modules (the MQTT.js page compares Feedboard with its browser bundle)");
        process::run(
            Command::new("npm")
                .args(["install", "--no-audit", "--no-fund"])
                .current_dir(&bench_dir),
        )?;
    }
    let dist = match &options.dist {
        Some(dir) if dir.join("index.html").exists() => {
            println!("xtask bench: the app already built in {}", dir.display());
            dir.clone()
        }
        Some(dir) => {
            return Err(error(format!(
                "--dist {}: no index.html there (build it with `trunk build --release --dist DIR`)",
                dir.display()
            )))
        }
        None => {
            let tools = tools::ensure_build_tools(repo)?;
            let dist = repo.join("target").join("bench-dist");
            build::trunk_build(repo, &tools, &dist)?;
            dist
        }
    };

    let temp = TempDir::new()?;
    let tcp_port = free_port()?;
    let ws_port = free_port()?;
    let wss_port = free_port()?;
    let broker = Broker::start(temp.path(), tcp_port, ws_port, wss_port)?;

    let www = temp.path().join("www");
    copy_dir(&dist, &www)?;
    for page in [
        "counter.js",
        "raw.html",
        "raw.js",
        "raw-mqtt.js",
        "raw-worker.html",
        "raw-worker-page.js",
        "raw-worker.js",
        "mqttjs.html",
        "mqttjs.js",
        "dashboard.js",
    ] {
        fs::copy(bench_dir.join(page), www.join(page))?;
    }
    fs::copy(&mqtt_js, www.join("mqtt.min.js"))?;
    // S1–S3 compare receiving: the MQTT.js page decodes each payload to a number and
    // keeps the latest, so the app shows the latest value as a number (a value block),
    // unless `--blocks` says otherwise. What drawing costs is S6–S9's part, where both
    // pages draw the same charts; the other app pages (S4, S5, S8, S9) show one chart.
    let receive_blocks = options.blocks.clone().unwrap_or_else(|| {
        format!(r#"[{{"title": "Load", "type": "value", "topic": "{TOPIC}", "unit": ""}}]"#)
    });
    let chart_blocks =
        format!(r#"[{{"title": "Load", "type": "line_chart", "topic": "{TOPIC}", "unit": ""}}]"#);
    let config = |broker: &str, blocks: &str| {
        format!(
            r#"{{"broker": "{broker}", "connect": true, "dashboard": {{"version": 1, "title": "Bench", "blocks": {blocks}}}}}"#
        )
    };
    let ws_url = format!("ws://127.0.0.1:{ws_port}");
    let wss_url = format!("wss://localhost:{wss_port}");
    // Each copy of the app on an origin of its own: its saved dashboards (local
    // storage) are not another's.
    let copy_with = |name: &str, app: &Path, broker: &str, blocks: &str| -> Result<PathBuf> {
        let copy = temp.path().join(name);
        copy_dir(app, &copy)?;
        fs::write(copy.join("feedboard.json"), config(broker, blocks))?;
        Ok(copy)
    };
    let www_tls = copy_with("www-tls", &www, &wss_url, &chart_blocks)?;
    let www_receive = copy_with("www-receive", &www, &ws_url, &receive_blocks)?;
    let www_receive_tls = copy_with("www-receive-tls", &www, &wss_url, &receive_blocks)?;
    fs::write(www.join("feedboard.json"), config(&ws_url, &chart_blocks))?;
    // The dashboard under load (S6, S7), on an origin of its own too.
    let www_load = temp.path().join("www-load");
    copy_dir(&www, &www_load)?;
    dashboard_load::write_config(&www_load, &ws_url)?;
    // `--against`: the other build, on origins of its own, with S1–S3's dashboard.
    let against_ports = match &options.against {
        Some(dir) => Some((
            serve(copy_with("www-b", dir, &ws_url, &receive_blocks)?)?,
            serve(copy_with("www-b-tls", dir, &wss_url, &receive_blocks)?)?,
        )),
        None => None,
    };
    let mut s1_clients = Client::ALL.to_vec();
    if against_ports.is_some() {
        s1_clients.insert(1, Client::FeedboardB);
    }
    if options.worker {
        s1_clients.push(Client::RawWorker);
    }
    if options.shown {
        s1_clients.push(Client::RawShown);
    }
    let probe = fs::read_to_string(bench_dir.join("feedboard-probe.js"))?;
    let http_port = serve(www.clone())?;
    let http_tls_port = serve(www_tls)?;
    let http_receive_port = serve(www_receive)?;
    let http_receive_tls_port = serve(www_receive_tls)?;
    let http_load_port = serve(www_load)?;
    let mut chrome = Chrome::start(temp.path())?;
    // The bench's own process last: Chromium and Mosquitto are its children.
    let cpu_roots = [
        ("chromium", chrome.child.id()),
        ("mosquitto", broker.0.id()),
        ("bench", std::process::id()),
    ];

    let ws_broker = format!("ws://127.0.0.1:{ws_port}");
    let wss_broker = format!("wss://localhost:{wss_port}");
    // Where each client's S1–S3 page is served from, over ws and over wss: Feedboard B
    // from its own origins, every other page from the receive dashboard's.
    let receive_ports = |client: Client| match (client, against_ports) {
        (Client::FeedboardB, Some(ports)) => ports,
        _ => (http_receive_port, http_receive_tls_port),
    };
    let mut results = Vec::new();
    for scenario in Scenario::ALL
        .into_iter()
        .filter(|_| options.runs_part("s1"))
    {
        let qos = scenario.qos();
        let broker = if scenario.tls() {
            &wss_broker
        } else {
            &ws_broker
        };
        for run in 0..options.runs {
            // Interleaved: each run starts with the next client.
            for k in 0..s1_clients.len() {
                let mut client = s1_clients[(run + k) % s1_clients.len()];
                // Two builds of the app trade places every other run, so that neither
                // always runs right after the other. (It did not remove the bias an A/A
                // shows: docs/performance.md, "Session 10".)
                if run % 2 == 1 && against_ports.is_some() {
                    client = match client {
                        Client::Feedboard => Client::FeedboardB,
                        Client::FeedboardB => Client::Feedboard,
                        other => other,
                    };
                }
                let (plain, tls) = receive_ports(client);
                let http = if scenario.tls() { tls } else { plain };
                let page = page_url(client, http, broker, Layout::CountOnly);
                print!(
                    "{}, run {}/{}, {:<13} ",
                    scenario.label(),
                    run + 1,
                    options.runs,
                    client.name()
                );
                std::io::stdout().flush()?;
                let profile = options.profile.then(|| {
                    repo.join("target").join("bench").join(format!(
                        "profile-{}-run{}-{}.txt",
                        format!("{scenario:?}").to_lowercase(),
                        run + 1,
                        client.name().replace([' ', '.'], "-").to_lowercase()
                    ))
                });
                let job = Job {
                    client,
                    probe: &probe,
                    tcp_port,
                    qos,
                    messages: options.messages,
                    profile: profile.as_deref(),
                    cpu_roots: &cpu_roots,
                };
                let outcome = measure(&mut chrome, &page, &job);
                match &outcome {
                    Ok(m) => {
                        println!(
                            "{} {:>7}, lost {:>6}, {:>8.0} msgs/s, {:>6.2} µs script/msg; main thread {:>5.2} µs layout, {:>6.2} µs all (published in {:.2} s)",
                            if m.counted { "received" } else { "last seq shown" },
                            m.received,
                            lost_text(m.lost),
                            m.rate,
                            m.script_us,
                            m.layout_us,
                            m.task_us,
                            m.publish_secs
                        );
                        println!(
                            "    CPU µs/msg: Chromium {:.1} (the page's renderer {:.1}), Mosquitto {:.1}; heaviest threads: {}",
                            m.cpu.of("chromium/"),
                            m.cpu.of("chromium/renderer"),
                            m.cpu.of("mosquitto/"),
                            m.cpu.heaviest(8)
                        );
                    }
                    Err(e) => println!("not measured: {e}"),
                }
                results.push(RunResult {
                    scenario,
                    client,
                    run,
                    outcome,
                });
            }
        }
    }
    let mut ceilings = Vec::new();
    for qos in [0u8, 1]
        .into_iter()
        .filter(|_| options.runs_part("ceiling"))
    {
        print!("broker ceiling, QoS {qos}, native subscriber over TCP ");
        std::io::stdout().flush()?;
        match native_subscriber::measure(tcp_port, qos, options.messages) {
            Ok(c) => {
                println!("received {:>7}, {:>8.0} msgs/s", c.received, c.rate);
                ceilings.push(format!(
                    "QoS {qos}: {:.0} msgs/s ({} of {} received)",
                    c.rate, c.received, options.messages
                ));
            }
            Err(e) => {
                println!("not measured: {e}");
                ceilings.push(format!("QoS {qos}: not measured ({e})"));
            }
        }
    }
    let mut latencies = Vec::new();
    for run in (0..options.runs).filter(|_| options.runs_part("s4")) {
        for k in 0..Client::ALL.len() {
            let client = Client::ALL[(run + k) % Client::ALL.len()];
            let page = page_url(client, http_port, &ws_broker, Layout::CountOnly);
            print!(
                "S4 latency, run {}/{}, {:<13} ",
                run + 1,
                options.runs,
                client.name()
            );
            std::io::stdout().flush()?;
            let outcome = latency::measure(&mut chrome, &page, client, &probe, tcp_port);
            match &outcome {
                Ok(l) => println!(
                    "noted {:>6}, p50 {:.2} ms, p99 {:.2} ms",
                    l.noted,
                    l.percentile(50.0),
                    l.percentile(99.0)
                ),
                Err(e) => println!("not measured: {e}"),
            }
            latencies.push(outcome.map_err(|e| (client, e)));
        }
    }
    let mut paper = Vec::new();
    for k in (0..Client::ALL.len()).filter(|_| options.runs_part("s5")) {
        let client = Client::ALL[k];
        let page = page_url(client, http_tls_port, &wss_broker, Layout::CountOnly);
        print!("S5 the paper's run, {:<13} ", client.name());
        std::io::stdout().flush()?;
        let outcome = latency::measure_paper(&mut chrome, &page, client, &probe, tcp_port);
        match &outcome {
            Ok(r) => println!(
                "received {:>6} in {:.2} s, p99 {:.2} ms",
                r.received,
                r.total_s,
                r.latency.percentile(99.0)
            ),
            Err(e) => println!("not measured: {e}"),
        }
        paper.push(outcome.map_err(|e| (client, e)));
    }
    let mut under_load = Vec::new();
    for client in Client::ALL.into_iter().filter(|_| options.runs_part("s6")) {
        print!(
            "S6 and S7, 20 charts and 20 values under load, then {} messages, {:<13} ",
            dashboard_load::MEMORY_MESSAGES,
            client.name()
        );
        std::io::stdout().flush()?;
        let page = page_url(client, http_load_port, &ws_broker, Layout::Load);
        let outcome = dashboard_load::measure(&mut chrome, client, &page, &probe, tcp_port);
        match &outcome {
            Ok(l) => println!(
                "received {} of {}, then {}",
                l.received, l.published, l.memory_received
            ),
            Err(e) => println!("not measured: {e}"),
        }
        under_load.push((client, outcome));
    }
    println!("S8, first load: {} fresh loads of each page", options.runs);
    let www_files =
        |names: &[&str]| -> Vec<PathBuf> { names.iter().map(|name| www.join(name)).collect() };
    let first_pages = vec![
        (
            Client::Feedboard,
            page_url(Client::Feedboard, http_port, &ws_broker, Layout::Chart),
            page_scenarios::app_files(&dist)?,
        ),
        (
            Client::MqttJs,
            page_url(Client::MqttJs, http_port, &ws_broker, Layout::Chart),
            www_files(&[
                "mqttjs.html",
                "counter.js",
                "mqtt.min.js",
                "dashboard.js",
                "mqttjs.js",
            ]),
        ),
        (
            Client::Raw,
            page_url(Client::Raw, http_port, &ws_broker, Layout::Chart),
            www_files(&["raw.html", "counter.js", "raw-mqtt.js", "raw.js"]),
        ),
    ];
    let load = if options.runs_part("s8") {
        page_scenarios::first_load(&mut chrome, &first_pages, tcp_port, options.runs)
            .map_err(|e| e.to_string())
    } else {
        Ok(Vec::new())
    };
    let mut redraws = Vec::new();
    for client in [Client::Feedboard, Client::MqttJs]
        .into_iter()
        .filter(|_| options.runs_part("s9"))
    {
        println!(
            "S9, {}-point series: {} fresh pages, {}",
            page_scenarios::BIG_SERIES,
            options.runs,
            client.name()
        );
        let page = page_url(client, http_port, &ws_broker, Layout::Chart);
        let redraw = page_scenarios::big_series_redraw(&mut chrome, &page, tcp_port, options.runs)
            .map_err(|e| e.to_string());
        redraws.push((client, redraw));
    }
    let explorer = if options.runs_part("explorer") {
        println!(
            "Explorer under load: {} messages over {} topics at {} msg/s",
            explorer_load::MESSAGES,
            explorer_load::TOPICS,
            explorer_load::RATE
        );
        let page = page_url(Client::Feedboard, http_port, &ws_broker, Layout::Chart);
        Some(explorer_load::measure(&mut chrome, &page, tcp_port))
    } else {
        None
    };
    let export = if options.runs_part("export") {
        println!(
            "CSV export: {} messages to one chart, then its whole feed exported",
            export_load::MESSAGES
        );
        let page = page_url(Client::Feedboard, http_port, &ws_broker, Layout::Chart);
        let downloads = temp.path().join("downloads");
        Some(export_load::measure(
            &mut chrome,
            &page,
            tcp_port,
            &downloads,
        ))
    } else {
        None
    };
    chrome.close();

    let table = table(&results, options.messages);
    // The tables of the parts that ran.
    if options.runs_part("s1") {
        println!("\n{table}");
    }
    if options.runs_part("ceiling") {
        println!(
            "The broker's own ceiling, a native subscriber over TCP on the same machine: {}\n",
            ceilings.join("; ")
        );
    }
    if options.runs_part("s4") {
        println!("{}", latency::table(&latencies));
    }
    if options.runs_part("s5") {
        println!("{}", latency::paper_table(&paper));
    }
    if options.runs_part("s6") {
        println!("{}", dashboard_load::tables(&under_load));
    }
    if options.runs_part("s8") || options.runs_part("s9") {
        println!("{}", page_scenarios::tables(&load, &redraws));
    }
    if let Some(explorer) = &explorer {
        println!("{}", explorer_load::table(explorer));
    }
    if let Some(export) = &export {
        println!("{}", export_load::table(export));
    }
    let out = repo.join("target").join("bench");
    fs::create_dir_all(&out)?;
    let json_path = out.join("results.json");
    fs::write(&json_path, json(&results, &options))?;
    println!("results written to {}", json_path.display());
    Ok(())
}

/// What one measurement needs besides the browser and the page.
#[derive(Clone, Copy)]
struct Job<'a> {
    client: Client,
    /// `bench/feedboard-probe.js`, injected into the app page.
    probe: &'a str,
    tcp_port: u16,
    qos: u8,
    messages: usize,
    /// Where to write a CPU profile summary, if asked.
    profile: Option<&'a Path>,
    /// The processes whose CPU time is read (`cpu::take`): Chromium, Mosquitto, us.
    cpu_roots: &'a [(&'a str, u32)],
}

/// One client, one scenario, one run, in a fresh tab.
fn measure(chrome: &mut Chrome, url: &str, job: &Job) -> std::result::Result<Measured, String> {
    in_new_tab(chrome, url, |chrome, s| measure_in(chrome, s, job))
}

/// Opens `url` in a new tab, attaches a flat CDP session to it, runs `f` with that
/// session, and closes the tab whatever `f` returned.
fn in_new_tab<T>(
    chrome: &mut Chrome,
    url: &str,
    f: impl FnOnce(&mut Chrome, Option<&str>) -> std::result::Result<T, String>,
) -> std::result::Result<T, String> {
    let target = chrome
        .call(
            "Target.createTarget",
            &format!(r#"{{"url":{}}}"#, quote(url)),
            None,
        )
        .map_err(|e| e.to_string())?;
    let target_id = target
        .get("targetId")
        .and_then(Json::as_str)
        .ok_or("no targetId")?
        .to_string();
    let result = chrome
        .call(
            "Target.attachToTarget",
            &format!(r#"{{"targetId":{},"flatten":true}}"#, quote(&target_id)),
            None,
        )
        .map_err(|e| e.to_string())
        .and_then(|attached| {
            let session = attached
                .get("sessionId")
                .and_then(Json::as_str)
                .ok_or("no sessionId")?
                .to_string();
            f(chrome, Some(session.as_str()))
        });
    let _ = chrome.call(
        "Target.closeTarget",
        &format!(r#"{{"targetId":{}}}"#, quote(&target_id)),
        None,
    );
    result
}

fn measure_in(
    chrome: &mut Chrome,
    s: Option<&str>,
    job: &Job,
) -> std::result::Result<Measured, String> {
    let Job {
        client,
        probe,
        tcp_port,
        qos,
        messages,
        profile,
        cpu_roots,
    } = *job;
    let e = |e: Error| e.to_string();
    chrome.call("Performance.enable", "{}", s).map_err(e)?;

    let publisher = wait_until_subscribed(chrome, s, client, probe, tcp_port)?;
    thread::sleep(Duration::from_millis(500));
    chrome.evaluate(s, "bench.mark()").map_err(e)?;
    if profile.is_some() {
        chrome.call("Profiler.enable", "{}", s).map_err(e)?;
        chrome
            .call("Profiler.setSamplingInterval", r#"{"interval":200}"#, s)
            .map_err(e)?;
        chrome.call("Profiler.start", "{}", s).map_err(e)?;
    }
    let before = main_thread_seconds(chrome, s).map_err(e)?;
    let cpu_before = cpu::take(cpu_roots);

    let started = Instant::now();
    let sender = thread::spawn(move || publisher.publish_many(messages, qos));
    let mut last_count = -1.0;
    let mut last_progress = Instant::now();
    let mut publish_secs = None;
    let snap = loop {
        thread::sleep(Duration::from_millis(250));
        if publish_secs.is_none() && sender.is_finished() {
            publish_secs = Some(started.elapsed().as_secs_f64());
        }
        let snap = chrome.evaluate(s, "bench.snapshot()").map_err(e)?;
        let count = snap.get("count").and_then(Json::as_f64).unwrap_or(0.0);
        let base = snap.get("base").and_then(Json::as_f64).unwrap_or(0.0);
        if count - base >= messages as f64 {
            break snap;
        }
        if count != last_count {
            last_count = count;
            last_progress = Instant::now();
        }
        // Nothing new for 3 s after the publisher finished: the rest is lost.
        if publish_secs.is_some() && last_progress.elapsed() > Duration::from_secs(3) {
            break snap;
        }
        if started.elapsed() > Duration::from_secs(300) {
            return Err("timed out after 300 s".into());
        }
    };
    let after = main_thread_seconds(chrome, s).map_err(e)?;
    let cpu_after = cpu::take(cpu_roots);
    if let Some(path) = profile {
        let stopped = chrome.call("Profiler.stop", "{}", s).map_err(e)?;
        if let Some(profile) = stopped.get("profile") {
            // The file keeps the long tail; the terminal gets the head of it.
            let summary = profile_summary(profile, 200);
            let _ = fs::create_dir_all(path.parent().unwrap_or(Path::new(".")));
            fs::write(path, &summary).map_err(|err| err.to_string())?;
            // The whole profile too, for DevTools' Performance panel or a script.
            let mut raw = String::new();
            profile.write_to(&mut raw);
            fs::write(path.with_extension("cpuprofile"), raw).map_err(|err| err.to_string())?;
            let head: Vec<&str> = summary.lines().take(26).collect();
            print!("\n{}\n", head.join("\n"));
        }
    }
    match sender.join() {
        Ok(Ok(())) => {}
        Ok(Err(err)) => return Err(format!("publisher failed: {err}")),
        Err(_) => return Err("publisher panicked".into()),
    }
    let publish_secs = publish_secs.unwrap_or_else(|| started.elapsed().as_secs_f64());
    let num = |k: &str| snap.get(k).and_then(Json::as_f64);
    let received = (num("count").unwrap_or(0.0) - num("base").unwrap_or(0.0)).max(0.0) as usize;
    if received == 0 {
        return Err(format!("no message of {messages} arrived"));
    }
    let span_ms = match (num("tFirst"), num("tLast")) {
        (Some(first), Some(last)) if last > first => last - first,
        _ => return Err("the page recorded no time span".into()),
    };
    let counted = snap.get("source").and_then(Json::as_str) != Some("chart");
    Ok(Measured {
        received,
        lost: counted.then(|| messages.saturating_sub(received)),
        counted,
        rate: received as f64 / (span_ms / 1000.0),
        script_us: (after.script - before.script) * 1e6 / received as f64,
        layout_us: (after.layout - before.layout) * 1e6 / received as f64,
        task_us: (after.task - before.task) * 1e6 / received as f64,
        cpu: cpu_after.since(&cpu_before, received),
        publish_secs,
    })
}

/// Waits until the page's client is up and subscribed for real — a probe message
/// published now reaches it — and returns the publisher that proved it.
fn wait_until_subscribed(
    chrome: &mut Chrome,
    s: Option<&str>,
    client: Client,
    probe: &str,
    tcp_port: u16,
) -> std::result::Result<Publisher, String> {
    let e = |e: Error| e.to_string();
    wait_until_ready(chrome, s, client, probe)?;

    // Subscribed for real: a probe message published now reaches the page.
    let mut publisher = Publisher::connect(tcp_port).map_err(e)?;
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        publisher.publish_qos0(0).map_err(e)?;
        thread::sleep(Duration::from_millis(100));
        let changes = chrome.evaluate(s, "bench.changes").map_err(e)?;
        if changes.as_f64().unwrap_or(0.0) > 0.0 {
            break;
        }
        if Instant::now() > deadline {
            return Err("timed out: probe messages never reached the page".into());
        }
    }
    Ok(publisher)
}

/// Waits until the page is up and its client has a socket (Feedboard: the counter is
/// on screen and `probe` installed `window.bench` over it).
fn wait_until_ready(
    chrome: &mut Chrome,
    s: Option<&str>,
    client: Client,
    probe: &str,
) -> std::result::Result<(), String> {
    let e = |e: Error| e.to_string();
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        if client.is_feedboard() {
            match chrome.evaluate(s, probe).map_err(e)?.as_str() {
                Some("installed") => break,
                Some("missing") if Instant::now() > deadline => {
                    return Err(
                        "skipped: the app page shows neither its #messages-in traffic \
                        counter nor the Load chart, so nothing can be read"
                            .into(),
                    )
                }
                _ => {}
            }
        } else if let Some(snap) = chrome
            .evaluate(s, "window.bench ? bench.snapshot() : null")
            .map_err(e)?
            .as_obj()
        {
            if let Some(err) = snap.get("error").and_then(Json::as_str) {
                return Err(format!("the page failed: {err}"));
            }
            if snap.get("ready") == Some(&Json::Bool(true)) {
                break;
            }
        }
        if Instant::now() > deadline {
            return Err("timed out waiting for the page to subscribe".into());
        }
        thread::sleep(Duration::from_millis(100));
    }
    Ok(())
}

/// Self time per function of a CDP CPU profile, the `top` heaviest, as text.
fn profile_summary(profile: &Json, top: usize) -> String {
    let nodes = profile.get("nodes").and_then(Json::as_arr).unwrap_or(&[]);
    let mut names = BTreeMap::new();
    for node in nodes {
        let (Some(id), Some(frame)) =
            (node.get("id").and_then(Json::as_f64), node.get("callFrame"))
        else {
            continue;
        };
        let name = frame
            .get("functionName")
            .and_then(Json::as_str)
            .filter(|n| !n.is_empty())
            .unwrap_or("(anonymous)");
        let url = frame.get("url").and_then(Json::as_str).unwrap_or("");
        let file = url.rsplit('/').next().unwrap_or("");
        let label = if file.is_empty() {
            name.to_string()
        } else {
            format!("{name}  [{file}]")
        };
        names.insert(id as u64, label);
    }
    let samples = profile.get("samples").and_then(Json::as_arr).unwrap_or(&[]);
    let deltas = profile
        .get("timeDeltas")
        .and_then(Json::as_arr)
        .unwrap_or(&[]);
    let mut self_us: BTreeMap<&str, f64> = BTreeMap::new();
    let mut total = 0.0;
    for (sample, delta) in samples.iter().zip(deltas) {
        let (Some(id), Some(delta)) = (sample.as_f64(), delta.as_f64()) else {
            continue;
        };
        let name = names.get(&(id as u64)).map_or("?", String::as_str);
        *self_us.entry(name).or_default() += delta;
        total += delta;
    }
    let mut out = format!(
        "CPU profile of the measured span, self time ({:.0} ms sampled):\n",
        total / 1000.0
    );
    write_heaviest(&mut out, self_us, top, total);
    // Self time says which function is hot; time per entry point (a child of the
    // profile's root: an event handler, a timer, an animation frame) says which task.
    let entries = entry_times(nodes, samples, deltas)
        .into_iter()
        .map(|(id, us)| (names.get(&id).map_or("?", String::as_str), us));
    out.push_str("\nTime per entry point (everything it called):\n");
    write_heaviest(&mut out, entries, 20, total);
    // And per function with everything it called: which part of a task is heavy.
    out.push_str("\nTime per function with everything it called:\n");
    write_heaviest(
        &mut out,
        total_times(nodes, samples, deltas, &names),
        top,
        total,
    );
    out
}

/// The `top` heaviest of `rows` (name, µs), one line each with its share of `total_us`.
fn write_heaviest<'a>(
    out: &mut String,
    rows: impl IntoIterator<Item = (&'a str, f64)>,
    top: usize,
    total_us: f64,
) {
    let mut rows: Vec<(&str, f64)> = rows.into_iter().collect();
    rows.sort_by(|a, b| b.1.total_cmp(&a.1));
    for (name, us) in rows.into_iter().take(top) {
        let _ = writeln!(
            out,
            "  {:>8.1} ms {:>5.1} %  {name}",
            us / 1000.0,
            100.0 * us / total_us.max(1.0)
        );
    }
}

/// Each child node's parent, from the nodes' `children` lists.
fn parents(nodes: &[Json]) -> BTreeMap<u64, u64> {
    let mut parent = BTreeMap::new();
    for node in nodes {
        let Some(id) = node.get("id").and_then(Json::as_f64) else {
            continue;
        };
        for child in node.get("children").and_then(Json::as_arr).unwrap_or(&[]) {
            if let Some(child) = child.as_f64() {
                parent.insert(child as u64, id as u64);
            }
        }
    }
    parent
}

/// Sampled time per function name, counting a sample once for every distinct name on
/// its stack.
fn total_times<'a>(
    nodes: &[Json],
    samples: &[Json],
    deltas: &[Json],
    names: &'a BTreeMap<u64, String>,
) -> BTreeMap<&'a str, f64> {
    let parent = parents(nodes);
    let mut times = BTreeMap::new();
    let mut stack = Vec::new();
    for (sample, delta) in samples.iter().zip(deltas) {
        let (Some(mut id), Some(delta)) = (sample.as_f64().map(|s| s as u64), delta.as_f64())
        else {
            continue;
        };
        stack.clear();
        loop {
            if let Some(name) = names.get(&id) {
                if !stack.contains(&name.as_str()) {
                    stack.push(name.as_str());
                }
            }
            match parent.get(&id) {
                Some(&up) => id = up,
                None => break,
            }
        }
        for name in &stack {
            *times.entry(*name).or_insert(0.0) += delta;
        }
    }
    times
}

/// Sampled time per child of the profile's root node, children's time included.
fn entry_times(nodes: &[Json], samples: &[Json], deltas: &[Json]) -> BTreeMap<u64, f64> {
    let parent = parents(nodes);
    let mut times = BTreeMap::new();
    for (sample, delta) in samples.iter().zip(deltas) {
        let (Some(mut id), Some(delta)) = (sample.as_f64().map(|s| s as u64), delta.as_f64())
        else {
            continue;
        };
        // Up to the node whose parent is the root (the one with no parent).
        while let Some(&up) = parent.get(&id) {
            if !parent.contains_key(&up) {
                break;
            }
            id = up;
        }
        *times.entry(id).or_insert(0.0) += delta;
    }
    times
}

fn lost_text(lost: Option<usize>) -> String {
    lost.map_or("?".to_string(), |l| l.to_string())
}

/// The page's main-thread time so far, in seconds, from `Performance.getMetrics`.
struct MainThread {
    script: f64,
    /// Layout and style recalculation.
    layout: f64,
    /// All tasks.
    task: f64,
}

fn main_thread_seconds(chrome: &mut Chrome, session: Option<&str>) -> Result<MainThread> {
    let metrics = chrome.call("Performance.getMetrics", "{}", session)?;
    let all = metrics.get("metrics").and_then(Json::as_arr);
    let metric = |name: &str| {
        all.and_then(|all| {
            all.iter()
                .find(|m| m.get("name").and_then(Json::as_str) == Some(name))
        })
        .and_then(|m| m.get("value"))
        .and_then(Json::as_f64)
        .ok_or_else(|| error(format!("Performance.getMetrics gave no {name}")))
    };
    Ok(MainThread {
        script: metric("ScriptDuration")?,
        layout: metric("LayoutDuration")? + metric("RecalcStyleDuration")?,
        task: metric("TaskDuration")?,
    })
}

// ---------------------------------------------------------------------------------------
// Figures

fn median(values: &mut [f64]) -> f64 {
    values.sort_by(f64::total_cmp);
    let n = values.len();
    if n % 2 == 1 {
        values[n / 2]
    } else {
        (values[n / 2 - 1] + values[n / 2]) / 2.0
    }
}

struct Summary {
    runs: usize,
    failures: Vec<String>,
    received: f64,
    lost_max: Option<usize>,
    counted: bool,
    rate: (f64, f64, f64),
    script: (f64, f64, f64),
    /// Medians of layout and of all main-thread time, µs per message.
    layout: f64,
    task: f64,
    /// Median CPU time of all of Chromium's processes, µs per message.
    browser_cpu: f64,
}

/// Feedboard B's script time over Feedboard's in the same run, for each run both
/// completed: "median [min–max]". Pairs share a run's conditions, so they show a
/// difference between two builds that the spread across runs would hide.
fn paired_script_ratio(results: &[RunResult], scenario: Scenario) -> String {
    let script = |client: Client, run: usize| {
        results
            .iter()
            .find(|r| r.scenario == scenario && r.client == client && r.run == run)
            .and_then(|r| r.outcome.as_ref().ok())
            .map(|m| m.script_us)
    };
    let mut ratios: Vec<f64> = (0..=results.iter().map(|r| r.run).max().unwrap_or(0))
        .filter_map(|run| Some(script(Client::FeedboardB, run)? / script(Client::Feedboard, run)?))
        .filter(|r| r.is_finite())
        .collect();
    if ratios.is_empty() {
        return "n/a".into();
    }
    // `median` sorts, so the ends are the extremes.
    let middle = median(&mut ratios);
    format!(
        "{middle:.2} [{:.2}–{:.2}]",
        ratios[0],
        ratios[ratios.len() - 1]
    )
}

fn summarize(results: &[RunResult], scenario: Scenario, client: Client) -> Option<Summary> {
    let mine: Vec<&RunResult> = results
        .iter()
        .filter(|r| r.scenario == scenario && r.client == client)
        .collect();
    let ok: Vec<&Measured> = mine
        .iter()
        .filter_map(|r| r.outcome.as_ref().ok())
        .collect();
    let failures = mine
        .iter()
        .filter_map(|r| r.outcome.as_ref().err().cloned())
        .collect();
    if mine.is_empty() {
        return None; // not measured at all (Feedboard B without --against)
    }
    if ok.is_empty() {
        return Some(Summary {
            runs: 0,
            failures,
            received: 0.0,
            lost_max: None,
            counted: true,
            rate: (0.0, 0.0, 0.0),
            script: (0.0, 0.0, 0.0),
            layout: 0.0,
            task: 0.0,
            browser_cpu: 0.0,
        });
    }
    let stats = |f: &dyn Fn(&Measured) -> f64| {
        let mut v: Vec<f64> = ok.iter().map(|m| f(m)).collect();
        let med = median(&mut v);
        (med, v[0], v[v.len() - 1])
    };
    Some(Summary {
        runs: ok.len(),
        failures,
        received: stats(&|m| m.received as f64).0,
        lost_max: ok.iter().filter_map(|m| m.lost).max(),
        counted: ok.iter().all(|m| m.counted),
        rate: stats(&|m| m.rate),
        script: stats(&|m| m.script_us),
        layout: stats(&|m| m.layout_us).0,
        task: stats(&|m| m.task_us).0,
        browser_cpu: stats(&|m| m.cpu.of("chromium/")).0,
    })
}

fn table(results: &[RunResult], messages: usize) -> String {
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{messages} messages of {PAYLOAD_LEN} bytes on {TOPIC}; median [min–max] over the runs that completed"
    );
    let _ = writeln!(
        out,
        "| scenario | client | runs | received (median) | lost (max) | msgs/s | script µs/msg | main thread µs/msg: layout; all | browser CPU µs/msg |"
    );
    let _ = writeln!(out, "|---|---|---|---|---|---|---|---|---|");
    let mut ratios = String::new();
    for scenario in Scenario::ALL {
        let name = scenario.label();
        let mut by_client = BTreeMap::new();
        for client in [
            Client::Feedboard,
            Client::FeedboardB,
            Client::MqttJs,
            Client::Raw,
            Client::RawWorker,
            Client::RawShown,
        ] {
            let Some(s) = summarize(results, scenario, client) else {
                continue;
            };
            if s.runs == 0 {
                let why = s.failures.first().cloned().unwrap_or_default();
                let _ = writeln!(
                    out,
                    "| {name} | {} | 0 | – | – | – | – ({why}) | – | – |",
                    client.name()
                );
            } else {
                let _ = writeln!(
                    out,
                    "| {name} | {}{} | {} | {:.0} | {} | {:.0} [{:.0}–{:.0}] | {:.2} [{:.2}–{:.2}] | {:.2}; {:.2} | {:.1} |",
                    client.name(),
                    if s.counted { "" } else { " ¹" },
                    s.runs,
                    s.received,
                    lost_text(s.lost_max),
                    s.rate.0,
                    s.rate.1,
                    s.rate.2,
                    s.script.0,
                    s.script.1,
                    s.script.2,
                    s.layout,
                    s.task,
                    s.browser_cpu
                );
            }
            if s.runs > 0 {
                by_client.insert(client, s);
            }
        }
        let fb = by_client.get(&Client::Feedboard);
        let ratio = |other: Client, f: &dyn Fn(&Summary) -> f64| match (fb, by_client.get(&other)) {
            (Some(a), Some(b)) if f(b) > 0.0 => format!("{:.2}", f(a) / f(b)),
            _ => "n/a".to_string(),
        };
        let _ = writeln!(
            ratios,
            "{name}: rate Feedboard/raw {} (target ≥ 0.95), Feedboard/MQTT.js {}{}; \
             script per message Feedboard/MQTT.js {} (target ≤ 0.33), Feedboard/raw {}; \
             browser CPU per message Feedboard/raw {}, Feedboard/MQTT.js {}",
            ratio(Client::Raw, &|s| s.rate.0),
            ratio(Client::MqttJs, &|s| s.rate.0),
            if scenario.qos() == 1 {
                " (target ≥ 1.2)"
            } else {
                ""
            },
            ratio(Client::MqttJs, &|s| s.script.0),
            ratio(Client::Raw, &|s| s.script.0),
            ratio(Client::Raw, &|s| s.browser_cpu),
            ratio(Client::MqttJs, &|s| s.browser_cpu),
        );
        for variant in [Client::RawWorker, Client::RawShown] {
            if let (Some(v), Some(raw)) = (by_client.get(&variant), by_client.get(&Client::Raw)) {
                let _ = writeln!(
                    ratios,
                    "{name}: {} ÷ raw: rate {:.2}, main-thread script {:.2}, main thread all {:.2}, browser CPU {:.2}; Feedboard ÷ {}: rate {}",
                    variant.name(),
                    v.rate.0 / raw.rate.0,
                    v.script.0 / raw.script.0,
                    v.task / raw.task,
                    v.browser_cpu / raw.browser_cpu,
                    variant.name(),
                    ratio(variant, &|s| s.rate.0),
                );
            }
        }
        if let Some(b) = by_client.get(&Client::FeedboardB) {
            let of_b = |other: Client, f: &dyn Fn(&Summary) -> f64| match by_client.get(&other) {
                Some(o) if f(o) > 0.0 => format!("{:.2}", f(b) / f(o)),
                _ => "n/a".to_string(),
            };
            let _ = writeln!(
                ratios,
                "{name}: Feedboard B: rate B/raw {}, script per message B/MQTT.js {}; \
                 B/Feedboard script {}, paired by run {}",
                of_b(Client::Raw, &|s| s.rate.0),
                of_b(Client::MqttJs, &|s| s.script.0),
                of_b(Client::Feedboard, &|s| s.script.0),
                paired_script_ratio(results, scenario),
            );
        }
    }
    if results
        .iter()
        .any(|r| r.outcome.as_ref().is_ok_and(|m| !m.counted))
    {
        out.push_str(
            "¹ read from the chart's accessible name (the app has no #messages-in counter yet): \
             \"received\" is the last sequence number shown, loss is not measured\n",
        );
    }
    out.push('\n');
    out.push_str(&ratios);
    out
}

fn json(results: &[RunResult], options: &Options) -> String {
    let mut runs = Vec::new();
    for r in results {
        let body = match &r.outcome {
            Ok(m) => format!(
                r#""received":{},"counted":{},"lost":{},"msgs_per_s":{:.1},"script_us_per_msg":{:.3},"layout_us_per_msg":{:.3},"main_thread_us_per_msg":{:.3},"browser_cpu_us_per_msg":{:.3},"broker_cpu_us_per_msg":{:.3},"publish_s":{:.3}"#,
                m.received,
                m.counted,
                m.lost.map_or("null".to_string(), |l| l.to_string()),
                m.rate,
                m.script_us,
                m.layout_us,
                m.task_us,
                m.cpu.of("chromium/"),
                m.cpu.of("mosquitto/"),
                m.publish_secs
            ),
            Err(e) => format!(r#""error":{}"#, quote(e)),
        };
        runs.push(format!(
            r#"    {{"scenario":{},"qos":{},"tls":{},"client":{},"run":{},{body}}}"#,
            quote(&format!("{:?}", r.scenario)),
            r.scenario.qos(),
            r.scenario.tls(),
            quote(r.client.name()),
            r.run + 1
        ));
    }
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    format!(
        "{{\n  \"unix_time\": {secs},\n  \"messages\": {},\n  \"payload_bytes\": {PAYLOAD_LEN},\n  \"runs_per_client\": {},\n  \"topic\": {},\n  \"results\": [\n{}\n  ]\n}}\n",
        options.messages,
        options.runs,
        quote(TOPIC),
        runs.join(",\n")
    )
}

// ---------------------------------------------------------------------------------------
// Broker, publisher, static server, temp dir

struct TempDir(PathBuf);

impl TempDir {
    fn new() -> Result<TempDir> {
        let path = std::env::temp_dir().join(format!("feedboard-bench-{}", std::process::id()));
        let _ = fs::remove_dir_all(&path);
        fs::create_dir_all(&path)?;
        Ok(TempDir(path))
    }

    fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = fs::remove_dir_all(&self.0);
    }
}

fn free_port() -> Result<u16> {
    Ok(TcpListener::bind("127.0.0.1:0")?.local_addr()?.port())
}

fn copy_dir(from: &Path, to: &Path) -> Result {
    fs::create_dir_all(to)?;
    for entry in fs::read_dir(from)? {
        let entry = entry?;
        let target = to.join(entry.file_name());
        if entry.file_type()?.is_dir() {
            copy_dir(&entry.path(), &target)?;
        } else {
            fs::copy(entry.path(), target)?;
        }
    }
    Ok(())
}

/// Our own Mosquitto, stopped (by its pid) when dropped, also on error.
struct Broker(Child);

impl Broker {
    fn start(dir: &Path, tcp_port: u16, ws_port: u16, wss_port: u16) -> Result<Broker> {
        // A certificate for wss made now: the benchmark measures what TLS costs, not
        // whether the browser trusts the CA (Chromium is told to accept it; the e2e
        // tests check trust with a CA of their own).
        let (cert, key) = (dir.join("cert.pem"), dir.join("key.pem"));
        process::run(
            Command::new("openssl")
                .args([
                    "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
                ])
                .args(["-subj", "/CN=localhost"])
                .args(["-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1"])
                .arg("-keyout")
                .arg(&key)
                .arg("-out")
                .arg(&cert)
                .stdout(Stdio::null())
                .stderr(Stdio::null()),
        )?;
        // `user root`: started as root, Mosquitto would otherwise switch to the
        // `mosquitto` user, which cannot read our temp dir. Queues large enough for a
        // whole run: the default 1000 drops even QoS 0 for a slow subscriber.
        let config = format!(
            "user root\n\
             per_listener_settings false\n\
             allow_anonymous true\n\
             max_queued_messages 1000000\n\
             max_inflight_messages 1000\n\
             listener {tcp_port} 127.0.0.1\n\
             listener {ws_port} 127.0.0.1\n\
             protocol websockets\n\
             listener {wss_port} 127.0.0.1\n\
             protocol websockets\n\
             certfile {}\n\
             keyfile {}\n",
            cert.display(),
            key.display()
        );
        let config_path = dir.join("mosquitto.conf");
        fs::write(&config_path, config)?;
        let log = fs::File::create(dir.join("mosquitto.log"))?;
        let program = process::find_on_path("mosquitto")
            .unwrap_or_else(|| PathBuf::from("/usr/sbin/mosquitto"));
        let mut cmd = Command::new(program);
        cmd.arg("-c")
            .arg(&config_path)
            .stdin(Stdio::null())
            .stdout(log.try_clone()?)
            .stderr(log);
        println!("$ {}", process::display(&cmd));
        let child = cmd.spawn()?;
        let mut broker = Broker(child);
        let deadline = Instant::now() + Duration::from_secs(10);
        while TcpStream::connect(("127.0.0.1", tcp_port)).is_err()
            || TcpStream::connect(("127.0.0.1", ws_port)).is_err()
            || TcpStream::connect(("127.0.0.1", wss_port)).is_err()
        {
            if let Ok(Some(status)) = broker.0.try_wait() {
                let log = fs::read_to_string(dir.join("mosquitto.log")).unwrap_or_default();
                return Err(error(format!("mosquitto exited ({status}):\n{log}")));
            }
            if Instant::now() > deadline {
                return Err(error("mosquitto did not open its ports within 10 s"));
            }
            thread::sleep(Duration::from_millis(50));
        }
        Ok(broker)
    }
}

impl Drop for Broker {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// MQTT 3.1.1 over TCP, packets written by hand.
struct Publisher {
    stream: TcpStream,
}

fn remaining_length(mut len: usize, out: &mut Vec<u8>) {
    loop {
        let mut byte = (len % 128) as u8;
        len /= 128;
        if len > 0 {
            byte |= 0x80;
        }
        out.push(byte);
        if len == 0 {
            break;
        }
    }
}

/// An MQTT 3.1.1 CONNECT: clean session, no keep-alive.
fn connect_packet(client_id: &str) -> Vec<u8> {
    let mut body = vec![0, 4];
    body.extend_from_slice(b"MQTT");
    body.extend_from_slice(&[4, 0x02, 0, 0]);
    body.extend_from_slice(&(client_id.len() as u16).to_be_bytes());
    body.extend_from_slice(client_id.as_bytes());
    let mut packet = vec![0x10];
    remaining_length(body.len(), &mut packet);
    packet.extend_from_slice(&body);
    packet
}

/// A PUBLISH of sequence number `seq` (zero-padded to [`PAYLOAD_LEN`]) on `topic`.
fn publish_packet(out: &mut Vec<u8>, topic: &str, qos: u8, packet_id: u16, seq: usize) {
    let payload = format!("{seq:0width$}", width = PAYLOAD_LEN);
    let len = 2 + topic.len() + if qos > 0 { 2 } else { 0 } + payload.len();
    out.push(0x30 | (qos << 1));
    remaining_length(len, out);
    out.extend_from_slice(&(topic.len() as u16).to_be_bytes());
    out.extend_from_slice(topic.as_bytes());
    if qos > 0 {
        out.extend_from_slice(&packet_id.to_be_bytes());
    }
    out.extend_from_slice(payload.as_bytes());
}

impl Publisher {
    fn connect(port: u16) -> Result<Publisher> {
        let mut stream = TcpStream::connect(("127.0.0.1", port))?;
        stream.set_nodelay(true)?;
        let client_id = format!("bench-pub-{}", std::process::id());
        stream.write_all(&connect_packet(&client_id))?;
        let mut connack = [0u8; 4];
        stream.set_read_timeout(Some(Duration::from_secs(10)))?;
        stream.read_exact(&mut connack)?;
        if connack[0] != 0x20 || connack[3] != 0 {
            return Err(error(format!(
                "the broker refused the publisher: {connack:?}"
            )));
        }
        stream.set_read_timeout(None)?;
        Ok(Publisher { stream })
    }

    /// `seq` at QoS 0, retained: what a page subscribing later is sent first.
    fn publish_retained(&mut self, seq: usize) -> Result {
        let mut packet = Vec::new();
        publish_packet(&mut packet, TOPIC, 0, 0, seq);
        packet[0] |= 0x01;
        self.stream.write_all(&packet)?;
        self.stream.flush()?;
        Ok(())
    }

    fn publish_qos0(&mut self, seq: usize) -> Result {
        let mut packet = Vec::new();
        publish_packet(&mut packet, TOPIC, 0, 0, seq);
        self.stream.write_all(&packet)?;
        Ok(())
    }

    /// Messages 1..=count as fast as the broker takes them; at QoS 1 with at most
    /// `PUBLISH_WINDOW` unacknowledged, returning once every PUBACK is in.
    fn publish_many(self, count: usize, qos: u8) -> Result {
        self.publish_many_noting(count, qos, false).map(drop)
    }

    /// [`Publisher::publish_many`]; with `timed`, each packet is written on its own
    /// (no batching, which would delay the first of a batch) and the wall-clock time of
    /// each write is returned, in sequence order.
    fn publish_many_noting(self, count: usize, qos: u8, timed: bool) -> Result<Vec<f64>> {
        let mut times = Vec::with_capacity(if timed { count } else { 0 });
        let acked = Arc::new(AtomicUsize::new(0));
        let reader = if qos > 0 {
            let mut input = self.stream.try_clone()?;
            let acked = Arc::clone(&acked);
            Some(thread::spawn(move || -> Result {
                let mut ack = [0u8; 4];
                for _ in 0..count {
                    input.read_exact(&mut ack)?;
                    if ack[0] != 0x40 {
                        return Err(error(format!("expected PUBACK, got {ack:?}")));
                    }
                    acked.fetch_add(1, Ordering::Release);
                }
                Ok(())
            }))
        } else {
            None
        };
        let capacity = if timed { 0 } else { 64 * 1024 };
        let mut out = BufWriter::with_capacity(capacity, &self.stream);
        let mut packet = Vec::with_capacity(64);
        for i in 0..count {
            if qos > 0 && i - acked.load(Ordering::Acquire) >= PUBLISH_WINDOW {
                out.flush()?;
                while i - acked.load(Ordering::Acquire) >= PUBLISH_WINDOW {
                    if reader.as_ref().is_some_and(|r| r.is_finished()) {
                        return Err(error("the PUBACK reader stopped early"));
                    }
                    thread::sleep(Duration::from_micros(50));
                }
            }
            packet.clear();
            publish_packet(&mut packet, TOPIC, qos, (i % 65_535) as u16 + 1, i + 1);
            out.write_all(&packet)?;
            if timed {
                times.push(latency::wall_ms());
            }
        }
        out.flush()?;
        drop(out);
        if let Some(reader) = reader {
            reader
                .join()
                .map_err(|_| error("the PUBACK reader panicked"))??;
        }
        // DISCONNECT, so the broker does not publish anything on our behalf.
        let _ = (&self.stream).write_all(&[0xE0, 0]);
        Ok(times)
    }
}

/// Serves `root` on a free loopback port from a background thread; returns the port.
fn serve(root: PathBuf) -> Result<u16> {
    let listener = TcpListener::bind("127.0.0.1:0")?;
    let port = listener.local_addr()?.port();
    let root = Arc::new(root);
    thread::spawn(move || {
        for stream in listener.incoming().flatten() {
            let root = Arc::clone(&root);
            thread::spawn(move || {
                let _ = serve_one(&root, stream);
            });
        }
    });
    Ok(port)
}

fn serve_one(root: &Path, mut stream: TcpStream) -> std::io::Result<()> {
    let mut request = Vec::new();
    let mut buf = [0u8; 4096];
    while !request.windows(4).any(|w| w == b"\r\n\r\n") {
        let n = stream.read(&mut buf)?;
        if n == 0 || request.len() > 64 * 1024 {
            return Ok(());
        }
        request.extend_from_slice(&buf[..n]);
    }
    let text = String::from_utf8_lossy(&request);
    let path = text.split_whitespace().nth(1).unwrap_or("/");
    let path = path.split(['?', '#']).next().unwrap_or("/");
    let path = if path.ends_with('/') {
        format!("{path}index.html")
    } else {
        path.to_string()
    };
    let file = root.join(path.trim_start_matches('/'));
    let body = if path.split('/').any(|part| part == "..") {
        None
    } else {
        fs::read(&file).ok()
    };
    let header = match &body {
        Some(body) => {
            let kind = match file.extension().and_then(|e| e.to_str()) {
                Some("html") => "text/html; charset=utf-8",
                Some("js") => "text/javascript",
                Some("wasm") => "application/wasm",
                Some("css") => "text/css",
                Some("json") => "application/json",
                Some("svg") => "image/svg+xml",
                Some("png") => "image/png",
                Some("webmanifest") => "application/manifest+json",
                _ => "application/octet-stream",
            };
            format!(
                "HTTP/1.1 200 OK\r\nContent-Type: {kind}\r\nContent-Length: {}\r\nCache-Control: no-store\r\nConnection: close\r\n\r\n",
                body.len()
            )
        }
        None => {
            "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n".to_string()
        }
    };
    stream.write_all(header.as_bytes())?;
    if let Some(body) = body {
        stream.write_all(&body)?;
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------
// Chromium over --remote-debugging-pipe

struct Chrome {
    child: Child,
    input: ChildStdin,
    output: mpsc::Receiver<String>,
    next_id: u64,
}

impl Chrome {
    fn start(dir: &Path) -> Result<Chrome> {
        let profile = dir.join("chromium-profile");
        fs::create_dir_all(&profile)?;
        let log = fs::File::create(dir.join("chromium.log"))?;
        // Chromium reads CDP from fd 3 and writes to fd 4: the shell moves our pipes
        // (its stdin and stdout) there, then becomes Chromium.
        let mut cmd = Command::new("sh");
        cmd.arg("-c")
            .arg(r#"exec "$0" "$@" 3<&0 4>&1 0</dev/null 1>/dev/null"#)
            .arg(CHROMIUM)
            .args([
                "--headless=new",
                "--no-sandbox",
                "--disable-gpu",
                "--remote-debugging-pipe",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
                "--no-default-browser-check",
                "--disable-background-timer-throttling",
                "--disable-renderer-backgrounding",
                "--disable-backgrounding-occluded-windows",
                "--disable-extensions",
                // S3's broker certificate is made by the benchmark (see Broker::start).
                "--ignore-certificate-errors",
            ])
            .arg(format!("--user-data-dir={}", profile.display()))
            .arg("about:blank")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(log);
        println!("$ {}", process::display(&cmd));
        let mut child = cmd.spawn()?;
        let input = child.stdin.take().expect("piped stdin");
        let mut reader = child.stdout.take().expect("piped stdout");
        let (tx, output) = mpsc::channel();
        thread::spawn(move || {
            let mut pending = Vec::new();
            let mut buf = vec![0u8; 64 * 1024];
            while let Ok(n) = reader.read(&mut buf) {
                if n == 0 {
                    break;
                }
                pending.extend_from_slice(&buf[..n]);
                while let Some(end) = pending.iter().position(|&b| b == 0) {
                    let message = String::from_utf8_lossy(&pending[..end]).into_owned();
                    pending.drain(..=end);
                    if tx.send(message).is_err() {
                        return;
                    }
                }
            }
        });
        let mut chrome = Chrome {
            child,
            input,
            output,
            next_id: 0,
        };
        let version = chrome.call("Browser.getVersion", "{}", None)?;
        println!(
            "xtask bench: {}",
            version.get("product").and_then(Json::as_str).unwrap_or("?")
        );
        Ok(chrome)
    }

    /// One CDP command; waits for its answer (events in between are ignored).
    fn call(&mut self, method: &str, params: &str, session: Option<&str>) -> Result<Json> {
        self.next_id += 1;
        let id = self.next_id;
        let session = session
            .map(|s| format!(r#","sessionId":{}"#, quote(s)))
            .unwrap_or_default();
        let message = format!(r#"{{"id":{id},"method":"{method}","params":{params}{session}}}"#);
        self.input.write_all(message.as_bytes())?;
        self.input.write_all(&[0])?;
        self.input.flush()?;
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            let text = self
                .output
                .recv_timeout(left)
                .map_err(|_| error(format!("Chromium did not answer {method}")))?;
            let reply = Json::parse(&text).map_err(|e| error(format!("bad CDP JSON: {e}")))?;
            if reply.get("id").and_then(Json::as_f64) != Some(id as f64) {
                continue;
            }
            if let Some(err) = reply.get("error") {
                let text = err.get("message").and_then(Json::as_str).unwrap_or("?");
                return Err(error(format!("{method}: {text}")));
            }
            return Ok(reply.get("result").cloned().unwrap_or(Json::Null));
        }
    }

    /// `Runtime.evaluate` in a page; the value (by value), or the exception as an error.
    fn evaluate(&mut self, session: Option<&str>, expression: &str) -> Result<Json> {
        let result = self.call(
            "Runtime.evaluate",
            &format!(
                r#"{{"expression":{},"returnByValue":true}}"#,
                quote(expression)
            ),
            session,
        )?;
        if let Some(details) = result.get("exceptionDetails") {
            let text = details
                .get("exception")
                .and_then(|e| e.get("description"))
                .and_then(Json::as_str)
                .or_else(|| details.get("text").and_then(Json::as_str))
                .unwrap_or("exception");
            return Err(error(format!("in the page: {text}")));
        }
        Ok(result
            .get("result")
            .and_then(|r| r.get("value"))
            .cloned()
            .unwrap_or(Json::Null))
    }

    fn close(&mut self) {
        let _ = self.call("Browser.close", "{}", None);
        let deadline = Instant::now() + Duration::from_secs(5);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            thread::sleep(Duration::from_millis(50));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Chrome {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

// ---------------------------------------------------------------------------------------
// Just enough JSON for CDP

fn quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[derive(Clone, Debug, PartialEq)]
enum Json {
    Null,
    Bool(bool),
    Num(f64),
    Str(String),
    Arr(Vec<Json>),
    Obj(Vec<(String, Json)>),
}

impl Json {
    fn get(&self, key: &str) -> Option<&Json> {
        match self {
            Json::Obj(fields) => fields.iter().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    fn as_str(&self) -> Option<&str> {
        match self {
            Json::Str(s) => Some(s),
            _ => None,
        }
    }

    fn as_f64(&self) -> Option<f64> {
        match self {
            Json::Num(n) => Some(*n),
            _ => None,
        }
    }

    fn as_arr(&self) -> Option<&[Json]> {
        match self {
            Json::Arr(a) => Some(a),
            _ => None,
        }
    }

    fn as_obj(&self) -> Option<&Json> {
        matches!(self, Json::Obj(_)).then_some(self)
    }

    /// The value as JSON text (numbers as Rust prints them; enough for CDP's).
    fn write_to(&self, out: &mut String) {
        match self {
            Json::Null => out.push_str("null"),
            Json::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
            Json::Num(n) => {
                let _ = write!(out, "{n}");
            }
            Json::Str(s) => out.push_str(&quote(s)),
            Json::Arr(items) => {
                out.push('[');
                for (i, item) in items.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    item.write_to(out);
                }
                out.push(']');
            }
            Json::Obj(fields) => {
                out.push('{');
                for (i, (key, value)) in fields.iter().enumerate() {
                    if i > 0 {
                        out.push(',');
                    }
                    out.push_str(&quote(key));
                    out.push(':');
                    value.write_to(out);
                }
                out.push('}');
            }
        }
    }

    fn parse(text: &str) -> std::result::Result<Json, String> {
        let mut parser = JsonParser {
            bytes: text.as_bytes(),
            pos: 0,
        };
        let value = parser.value()?;
        parser.space();
        if parser.pos != parser.bytes.len() {
            return Err(format!("trailing characters at {}", parser.pos));
        }
        Ok(value)
    }
}

struct JsonParser<'a> {
    bytes: &'a [u8],
    pos: usize,
}

impl JsonParser<'_> {
    fn space(&mut self) {
        while self
            .bytes
            .get(self.pos)
            .is_some_and(|b| b.is_ascii_whitespace())
        {
            self.pos += 1;
        }
    }

    fn eat(&mut self, literal: &str) -> bool {
        if self.bytes[self.pos..].starts_with(literal.as_bytes()) {
            self.pos += literal.len();
            true
        } else {
            false
        }
    }

    fn value(&mut self) -> std::result::Result<Json, String> {
        self.space();
        let Some(&b) = self.bytes.get(self.pos) else {
            return Err("unexpected end".into());
        };
        match b {
            b'n' if self.eat("null") => Ok(Json::Null),
            b't' if self.eat("true") => Ok(Json::Bool(true)),
            b'f' if self.eat("false") => Ok(Json::Bool(false)),
            b'"' => self.string().map(Json::Str),
            b'[' => {
                self.pos += 1;
                let mut items = Vec::new();
                self.space();
                if self.eat("]") {
                    return Ok(Json::Arr(items));
                }
                loop {
                    items.push(self.value()?);
                    self.space();
                    if self.eat("]") {
                        return Ok(Json::Arr(items));
                    }
                    if !self.eat(",") {
                        return Err(format!("expected , or ] at {}", self.pos));
                    }
                }
            }
            b'{' => {
                self.pos += 1;
                let mut fields = Vec::new();
                self.space();
                if self.eat("}") {
                    return Ok(Json::Obj(fields));
                }
                loop {
                    self.space();
                    let key = self.string()?;
                    self.space();
                    if !self.eat(":") {
                        return Err(format!("expected : at {}", self.pos));
                    }
                    fields.push((key, self.value()?));
                    self.space();
                    if self.eat("}") {
                        return Ok(Json::Obj(fields));
                    }
                    if !self.eat(",") {
                        return Err(format!("expected , or }} at {}", self.pos));
                    }
                }
            }
            b'-' | b'0'..=b'9' => {
                let start = self.pos;
                while self
                    .bytes
                    .get(self.pos)
                    .is_some_and(|b| b"+-.eE0123456789".contains(b))
                {
                    self.pos += 1;
                }
                let text = std::str::from_utf8(&self.bytes[start..self.pos]).unwrap_or("");
                text.parse()
                    .map(Json::Num)
                    .map_err(|_| format!("bad number {text:?}"))
            }
            _ => Err(format!("unexpected {:?} at {}", b as char, self.pos)),
        }
    }

    fn string(&mut self) -> std::result::Result<String, String> {
        if !self.eat("\"") {
            return Err(format!("expected a string at {}", self.pos));
        }
        let mut out = Vec::new();
        loop {
            let Some(&b) = self.bytes.get(self.pos) else {
                return Err("unterminated string".into());
            };
            self.pos += 1;
            match b {
                b'"' => return String::from_utf8(out).map_err(|e| e.to_string()),
                b'\\' => {
                    let Some(&e) = self.bytes.get(self.pos) else {
                        return Err("unterminated escape".into());
                    };
                    self.pos += 1;
                    let c = match e {
                        b'n' => '\n',
                        b't' => '\t',
                        b'r' => '\r',
                        b'b' => '\u{8}',
                        b'f' => '\u{c}',
                        b'u' => {
                            let hex = self
                                .bytes
                                .get(self.pos..self.pos + 4)
                                .and_then(|h| std::str::from_utf8(h).ok())
                                .and_then(|h| u32::from_str_radix(h, 16).ok())
                                .ok_or("bad \\u escape")?;
                            self.pos += 4;
                            // Surrogate halves are replaced: CDP rarely sends them and we
                            // only read numbers and ASCII names.
                            char::from_u32(hex).unwrap_or('\u{fffd}')
                        }
                        other => other as char,
                    };
                    let mut utf8 = [0u8; 4];
                    out.extend_from_slice(c.encode_utf8(&mut utf8).as_bytes());
                }
                _ => out.push(b),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cdp_replies_parse() {
        let reply = Json::parse(
            r#"{"id":3,"result":{"result":{"type":"object","value":{"count":12,"tFirst":1.5e2,"error":null,"s":"a\"\u00e9"}}}}"#,
        )
        .unwrap();
        let value = reply
            .get("result")
            .and_then(|r| r.get("result"))
            .and_then(|r| r.get("value"))
            .unwrap();
        assert_eq!(value.get("count"), Some(&Json::Num(12.0)));
        assert_eq!(value.get("tFirst"), Some(&Json::Num(150.0)));
        assert_eq!(value.get("error"), Some(&Json::Null));
        assert_eq!(value.get("s").and_then(Json::as_str), Some("a\"é"));
    }

    #[test]
    fn strings_round_trip_through_quote() {
        let text = "line\n\"quoted\" \\ tab\t";
        assert_eq!(Json::parse(&quote(text)).unwrap(), Json::Str(text.into()));
    }

    #[test]
    fn a_publish_packet_is_well_formed() {
        let mut packet = Vec::new();
        publish_packet(&mut packet, TOPIC, 1, 7, 42);
        assert_eq!(packet[0], 0x32);
        assert_eq!(packet[1] as usize, packet.len() - 2);
        assert_eq!(&packet[4..14], TOPIC.as_bytes());
        assert_eq!(&packet[14..16], &[0, 7]);
        assert_eq!(packet.len(), 16 + PAYLOAD_LEN);
    }
}
