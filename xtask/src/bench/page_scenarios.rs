//! The app-only scenarios of issue 6: S8, the first load (what the browser downloads,
//! and how long from navigation until the dashboard shows live data), and S9, the
//! chart's redraw with a 50,000-point series. Both read the Feedboard page from outside
//! through CDP; the app's only part is the `data-draw-ms` it writes on a chart's canvas
//! after each redraw.

use std::fs;
use std::path::Path;
use std::process::{Command, Stdio};
use std::thread;
use std::time::{Duration, Instant};

use super::{in_new_tab, median, quote, Chrome, Publisher};
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

/// S8's figures.
pub struct FirstLoad {
    pub downloads: Vec<Download>,
    /// MQTT.js's browser bundle, for scale: a page with it has no dashboard yet.
    pub mqtt_js: Download,
    /// Navigation to the first frame painted with the retained value, per run.
    pub live_paint_ms: Vec<f64>,
}

/// S9's figures: the redraw time of every redraw seen once the whole series was in.
pub struct BigRedraw {
    pub draws_ms: Vec<f64>,
    /// Points the chart's feed keeps (its ring's capacity bounds the series).
    pub kept: usize,
}

/// Bytes of wasm, JavaScript and CSS in `dist`, raw and gzip-compressed (`gzip -9`,
/// as a static server would send them).
pub fn downloads(dist: &Path) -> Result<Vec<Download>> {
    let mut out = Vec::new();
    for kind in ["wasm", "js", "css"] {
        let mut total = Download {
            kind,
            raw: 0,
            gzip: 0,
        };
        for entry in fs::read_dir(dist)? {
            let path = entry?.path();
            if path.extension().and_then(|e| e.to_str()) != Some(kind) {
                continue;
            }
            total.raw += fs::metadata(&path)?.len();
            total.gzip += gzip_size(&path)?;
        }
        out.push(total);
    }
    Ok(out)
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

/// S8: `runs` fresh loads of the app page, each timed from navigation to the first
/// animation frame after the chart shows the broker's retained value.
pub fn first_load(
    chrome: &mut Chrome,
    page: &str,
    tcp_port: u16,
    dist: &Path,
    mqtt_js: &Path,
    runs: usize,
) -> Result<FirstLoad> {
    let mut publisher = Publisher::connect(tcp_port)?;
    publisher.publish_retained(RETAINED_SEQ)?;
    // Installed before the page's own scripts run (CDP bypasses the page's CSP): it
    // notes the first frame after the chart's name carries the retained value.
    let watcher = format!(
        r#"(() => {{
  const shown = () => document.querySelector('canvas[aria-label*="latest value {RETAINED_SEQ}"]');
  const observer = new MutationObserver(() => {{
    if (window.__liveSeen || !shown()) return;
    window.__liveSeen = true;
    observer.disconnect();
    requestAnimationFrame(() => {{ window.__firstLive = performance.now(); }});
  }});
  observer.observe(document, {{ subtree: true, childList: true, attributes: true }});
}})();"#
    );
    let mut live_paint_ms = Vec::new();
    for _ in 0..runs {
        let painted = in_new_tab(chrome, "about:blank", |chrome, s| {
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
        });
        live_paint_ms.push(painted.map_err(|e| error(format!("first load: {e}")))?);
    }
    Ok(FirstLoad {
        downloads: downloads(dist)?,
        mqtt_js: Download {
            kind: "MQTT.js bundle",
            raw: fs::metadata(mqtt_js)?.len(),
            gzip: gzip_size(mqtt_js)?,
        },
        live_paint_ms,
    })
}

/// S9: `runs` fresh app pages, each sent [`BIG_SERIES`] readings as fast as the broker
/// takes them; then every redraw's time is read while the whole series is on the chart.
pub fn big_series_redraw(
    chrome: &mut Chrome,
    page: &str,
    tcp_port: u16,
    runs: usize,
    kept: usize,
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
    Ok(BigRedraw { draws_ms, kept })
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
    load: &std::result::Result<FirstLoad, String>,
    redraw: &std::result::Result<BigRedraw, String>,
) -> String {
    let mut out = String::new();
    out.push_str("S8, first load of the app page (Feedboard only; MQTT.js's bundle for scale):\n");
    match load {
        Ok(load) => {
            out.push_str("| file type | bytes | gzip -9 |\n|---|---|---|\n");
            for d in &load.downloads {
                out.push_str(&format!("| {} | {} | {} |\n", d.kind, d.raw, d.gzip));
            }
            let raw: u64 = load.downloads.iter().map(|d| d.raw).sum();
            let gzip: u64 = load.downloads.iter().map(|d| d.gzip).sum();
            out.push_str(&format!(
                "| total | {raw} | {gzip} (target ≤ 200 KB: {}) |\n",
                if gzip <= 200 * 1024 { "met" } else { "missed" }
            ));
            let m = &load.mqtt_js;
            out.push_str(&format!(
                "(for scale: {}, mqtt.min.js 5.x alone, {} bytes, {} gzip)\n",
                m.kind, m.raw, m.gzip
            ));
            let mut times = load.live_paint_ms.clone();
            let (lo, hi) = min_max(&times);
            out.push_str(&format!(
                "navigation → first frame with live data (retained value): {:.0} ms [{lo:.0}–{hi:.0}] over {} loads (target ≤ 300 ms)\n",
                median(&mut times),
                load.live_paint_ms.len()
            ));
        }
        Err(e) => out.push_str(&format!("not measured: {e}\n")),
    }
    out.push_str(&format!(
        "\nS9, redraw of a {BIG_SERIES}-point series (published as fast as the broker takes them):\n"
    ));
    match redraw {
        Ok(r) if !r.draws_ms.is_empty() => {
            let mut times = r.draws_ms.clone();
            let (lo, hi) = min_max(&times);
            out.push_str(&format!(
                "redraw {:.2} ms [{lo:.2}–{hi:.2}] over {} redraws (target ≤ 8 ms); the chart's ring keeps the newest {} points\n",
                median(&mut times),
                r.draws_ms.len(),
                r.kept
            ));
        }
        Ok(_) => out.push_str("not measured: no redraw was seen after the last point\n"),
        Err(e) => out.push_str(&format!("not measured: {e}\n")),
    }
    out
}

fn min_max(values: &[f64]) -> (f64, f64) {
    values
        .iter()
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), v| {
            (lo.min(*v), hi.max(*v))
        })
}
