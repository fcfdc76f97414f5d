//! S8 and S9 of issue 6: the first load (what the browser downloads, and how long from
//! navigation until the page shows live data), and a chart's redraw with a 50,000-point
//! series. Both read the pages from outside through CDP; the pages' only part is the
//! `data-draw-ms` their chart writes on its canvas after each redraw (Feedboard's chart,
//! and bench/dashboard.js's on the MQTT.js page; the raw page draws nothing).

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::thread;
use std::time::{Duration, Instant};

use super::{in_new_tab, median, quote, Chrome, Client, Publisher};
use crate::process::{error, Result};

/// The retained value the first load must show: the dashboard's chart on [`super::TOPIC`]
/// then reads "latest value 7".
const RETAINED_SEQ: usize = 7;

/// Points published for S9.
pub const BIG_SERIES: usize = 50_000;

/// One file type's share of the download.
pub struct Download {
    pub kind: &'static str,
    pub raw: u64,
    pub gzip: u64,
}

/// S8's figures for one client.
pub struct FirstLoad {
    pub client: Client,
    /// By file type: what the page downloads before it can show anything.
    pub downloads: Vec<Download>,
    /// Navigation to the first frame painted with the retained value, per run.
    pub live_paint_ms: Vec<f64>,
}

/// S9's figures for one page: the redraw time of every redraw seen once the whole
/// series was in.
pub struct BigRedraw {
    pub draws_ms: Vec<f64>,
}

/// The file types a page is made of, in the order the tables show them.
const KINDS: [&str; 4] = ["wasm", "js", "css", "html"];

/// Bytes of each file type among `files`, raw and gzip-compressed (`gzip -9`, as a
/// static server would send them).
pub fn downloads(files: &[PathBuf]) -> Result<Vec<Download>> {
    let mut out = Vec::new();
    for kind in KINDS {
        let mut total = Download {
            kind,
            raw: 0,
            gzip: 0,
        };
        for path in files {
            if path.extension().and_then(|e| e.to_str()) != Some(kind) {
                continue;
            }
            total.raw += fs::metadata(path)?.len();
            total.gzip += gzip_size(path)?;
        }
        if total.raw > 0 {
            out.push(total);
        }
    }
    Ok(out)
}

/// The files of Feedboard's page: everything Trunk put in `dist` (snippets aside,
/// which the app does not load).
pub fn app_files(dist: &Path) -> Result<Vec<PathBuf>> {
    let mut files = Vec::new();
    for entry in fs::read_dir(dist)? {
        let path = entry?.path();
        if path.is_file() {
            files.push(path);
        }
    }
    Ok(files)
}

fn gzip_size(path: &Path) -> Result<u64> {
    let output = Command::new("gzip")
        .args(["-9", "-c"])
        .arg(path)
        .stderr(Stdio::inherit())
        .output()
        .map_err(|e| error(format!("`gzip` is needed to measure the download: {e}")))?;
    Ok(output.stdout.len() as u64)
}

/// When `client`'s page shows the live value: Feedboard and MQTT.js name their chart
/// by it; the raw page shows nothing, so its first counted message stands in.
fn shown_expression(client: Client) -> String {
    match client {
        Client::Raw => "window.bench && bench.count >= 1".to_string(),
        _ => format!(
            r#"document.querySelector('canvas[aria-label*="latest value {RETAINED_SEQ}"]')"#
        ),
    }
}

/// S8: `runs` fresh loads of each client's page (interleaved), each timed from
/// navigation to the animation frame after the page shows the broker's retained value.
pub fn first_load(
    chrome: &mut Chrome,
    pages: &[(Client, String, Vec<PathBuf>)],
    tcp_port: u16,
    runs: usize,
) -> Result<Vec<std::result::Result<FirstLoad, String>>> {
    let mut publisher = Publisher::connect(tcp_port)?;
    publisher.publish_retained(RETAINED_SEQ)?;
    let mut loads: Vec<std::result::Result<FirstLoad, String>> = Vec::new();
    for (client, _, files) in pages {
        loads.push(Ok(FirstLoad {
            client: *client,
            downloads: downloads(files)?,
            live_paint_ms: Vec::new(),
        }));
    }
    for run in 0..runs {
        for k in 0..pages.len() {
            let i = (run + k) % pages.len();
            let (client, page, _) = &pages[i];
            let painted = load_once(chrome, page, &shown_expression(*client));
            match (&mut loads[i], painted) {
                (Ok(load), Ok(ms)) => load.live_paint_ms.push(ms),
                (slot @ Ok(_), Err(e)) => *slot = Err(format!("first load: {e}")),
                (Err(_), _) => {}
            }
        }
    }
    Ok(loads)
}

/// One load of `page` in a fresh tab: milliseconds from navigation to the frame after
/// `shown` first holds.
fn load_once(chrome: &mut Chrome, page: &str, shown: &str) -> std::result::Result<f64, String> {
    // Installed before the page's own scripts run (CDP bypasses the page's CSP). A
    // mutation observer sees a DOM page change as it happens; the frame poll sees the
    // raw page's count, which changes no DOM.
    let watcher = format!(
        r#"(() => {{
  const shown = () => {shown};
  const seen = () => {{
    if (window.__liveSeen || !shown()) return false;
    window.__liveSeen = true;
    requestAnimationFrame(() => {{ window.__firstLive = performance.now(); }});
    return true;
  }};
  const observer = new MutationObserver(() => {{ if (seen()) observer.disconnect(); }});
  observer.observe(document, {{ subtree: true, childList: true, attributes: true }});
  const poll = () => {{ if (!seen() && !window.__liveSeen) requestAnimationFrame(poll); }};
  requestAnimationFrame(poll);
}})();"#
    );
    in_new_tab(chrome, "about:blank", |chrome, s| {
        let e = |e: crate::process::Error| e.to_string();
        chrome.call("Page.enable", "{}", s).map_err(e)?;
        chrome
            .call(
                "Page.addScriptToEvaluateOnNewDocument",
                &format!(r#"{{"source":{}}}"#, quote(&watcher)),
                s,
            )
            .map_err(e)?;
        chrome
            .call("Page.navigate", &format!(r#"{{"url":{}}}"#, quote(page)), s)
            .map_err(e)?;
        wait_for_number(chrome, s, "window.__firstLive", Duration::from_secs(30))
    })
}

/// S9: `runs` fresh loads of `page`, each sent [`BIG_SERIES`] readings as fast as the
/// broker takes them; then every redraw's time is read while the whole series is on the
/// chart (both pages keep the newest [`super::FEED_CAPACITY`] points).
pub fn big_series_redraw(
    chrome: &mut Chrome,
    page: &str,
    tcp_port: u16,
    runs: usize,
) -> Result<BigRedraw> {
    let mut draws_ms = Vec::new();
    for _ in 0..runs {
        let measured = in_new_tab(chrome, "about:blank", |chrome, s| {
            (|| -> Result<Vec<f64>> {
            chrome.call("Page.navigate", &format!(r#"{{"url":{}}}"#, quote(page)), s)?;
            // Connected and drawn: the retained value of S8 (or any value) is on the chart.
            wait_for_number(
                chrome,
                s,
                "(() => { const c = document.querySelector('canvas[aria-label^=\"Load chart\"]'); \
                 return c && c.dataset.drawMs ? 1 : null; })()",
                Duration::from_secs(30),
            )
            .map_err(|e| error(format!("the chart never drew: {e}")))?;
            Publisher::connect(tcp_port)?.publish_many(BIG_SERIES, 0)?;
            let last = format!(
                "(() => {{ const c = document.querySelector('canvas[aria-label*=\"latest value {BIG_SERIES}\"]'); \
                 return c ? 1 : null; }})()"
            );
            wait_for_number(chrome, s, &last, Duration::from_secs(60))
                .map_err(|e| error(format!("the last point never showed: {e}")))?;
            // The redraws after the last point: each one draws the whole series.
            let mut seen = Vec::new();
            let mut previous = None;
            let until = Instant::now() + Duration::from_secs(3);
            while Instant::now() < until {
                let ms = chrome
                    .evaluate(
                        s,
                        "Number(document.querySelector('canvas[aria-label^=\"Load chart\"]').dataset.drawMs)",
                    )?
                    .as_f64();
                if ms.is_some() && ms != previous {
                    seen.extend(ms);
                    previous = ms;
                }
                thread::sleep(Duration::from_millis(50));
            }
            Ok(seen)
            })()
            .map_err(|e| e.to_string())
        });
        draws_ms.extend(measured.map_err(error)?);
    }
    Ok(BigRedraw { draws_ms })
}

/// Polls `expression` until it is a number; says what it last was on timeout.
fn wait_for_number(
    chrome: &mut Chrome,
    session: Option<&str>,
    expression: &str,
    within: Duration,
) -> std::result::Result<f64, String> {
    let deadline = Instant::now() + within;
    loop {
        match chrome.evaluate(session, expression) {
            Ok(value) => {
                if let Some(n) = value.as_f64() {
                    return Ok(n);
                }
            }
            // Navigating: the old document's context is gone; try again.
            Err(_) if Instant::now() < deadline => {}
            Err(e) => return Err(e.to_string()),
        }
        if Instant::now() > deadline {
            return Err(format!("timed out after {} s", within.as_secs()));
        }
        thread::sleep(Duration::from_millis(20));
    }
}

/// The S8 and S9 tables, in the style of the others.
pub fn tables(
    loads: &std::result::Result<Vec<std::result::Result<FirstLoad, String>>, String>,
    redraws: &[(Client, std::result::Result<BigRedraw, String>)],
) -> String {
    let mut out = String::new();
    out.push_str(
        "S8, first load: what each page downloads (gzip -9, as a server would send it) and \
         navigation → first frame with live data (the retained value); targets ≤ 200 KB \
         gzip and ≤ 300 ms:\n",
    );
    match loads {
        Ok(loads) => {
            out.push_str(
                "| client | files: bytes (gzip) | total bytes | total gzip | live paint ms, median [min–max] |\n\
                 |---|---|---|---|---|\n",
            );
            for load in loads {
                match load {
                    Ok(load) => {
                        let files: Vec<String> = load
                            .downloads
                            .iter()
                            .map(|d| format!("{} {} ({})", d.kind, d.raw, d.gzip))
                            .collect();
                        let raw: u64 = load.downloads.iter().map(|d| d.raw).sum();
                        let gzip: u64 = load.downloads.iter().map(|d| d.gzip).sum();
                        let mut times = load.live_paint_ms.clone();
                        let (lo, hi) = min_max(&times);
                        out.push_str(&format!(
                            "| {} | {} | {raw} | {gzip} | {:.0} [{lo:.0}–{hi:.0}] over {} loads |\n",
                            load.client.name(),
                            files.join(", "),
                            median(&mut times),
                            load.live_paint_ms.len()
                        ));
                    }
                    Err(e) => out.push_str(&format!("| ? | not measured: {e} | | | |\n")),
                }
            }
            out.push_str(
                "(the raw page shows nothing: its time is to the first message counted)\n",
            );
        }
        Err(e) => out.push_str(&format!("not measured: {e}\n")),
    }
    out.push_str(&format!(
        "\nS9, redraw of a {BIG_SERIES}-point series (published as fast as the broker takes \
         them; both charts keep the newest {} points; target ≤ 8 ms):\n",
        super::FEED_CAPACITY
    ));
    for (client, redraw) in redraws {
        match redraw {
            Ok(r) if !r.draws_ms.is_empty() => {
                let mut times = r.draws_ms.clone();
                let (lo, hi) = min_max(&times);
                out.push_str(&format!(
                    "{}: redraw {:.2} ms [{lo:.2}–{hi:.2}] over {} redraws\n",
                    client.name(),
                    median(&mut times),
                    r.draws_ms.len(),
                ));
            }
            Ok(_) => out.push_str(&format!(
                "{}: not measured: no redraw was seen after the last point\n",
                client.name()
            )),
            Err(e) => out.push_str(&format!("{}: not measured: {e}\n", client.name())),
        }
    }
    out.push_str(&format!(
        "{}: draws nothing (the transport ceiling has no chart)\n",
        Client::Raw.name()
    ));
    out
}

fn min_max(values: &[f64]) -> (f64, f64) {
    values
        .iter()
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), v| {
            (lo.min(*v), hi.max(*v))
        })
}
