//! A large CSV export (issue 7): the app page's "Load" chart filled to its 43,200
//! samples, then "Export CSV…" → "Download CSV" while frames are timed: how long until
//! the file is saved, how many rows, how big, and whether the page kept drawing while
//! the text was written (it is written a chunk at a time, the page getting a turn
//! between chunks). Feedboard only: the other pages export nothing.

use std::path::Path;
use std::thread;
use std::time::{Duration, Instant};

use super::dashboard_load::{frame_stats, start_frames, take_frames};
use super::explorer_load::{click_js, wait_true};
use super::{in_new_tab, quote, Chrome, Publisher, FEED_CAPACITY, TOPIC};

/// Messages published first: more than the chart keeps.
pub const MESSAGES: usize = FEED_CAPACITY + 5_000;

/// What the scenario found.
pub struct ExportLoad {
    pub frames_ms: Vec<f64>,
    /// From the click on Download CSV until the page said the file was saved.
    pub export_ms: f64,
    /// What the page said ("Saved N rows to bench-load.csv.").
    pub said: String,
    /// The downloaded file's size and line count (header included).
    pub file_bytes: u64,
    pub file_lines: usize,
}

/// Runs the scenario on a fresh tab of the app page `url`, its downloads saved in
/// `downloads`.
pub fn measure(
    chrome: &mut Chrome,
    url: &str,
    tcp_port: u16,
    downloads: &Path,
) -> std::result::Result<ExportLoad, String> {
    let e = |e: crate::process::Error| e.to_string();
    std::fs::create_dir_all(downloads).map_err(|e| e.to_string())?;
    chrome
        .call(
            "Browser.setDownloadBehavior",
            &format!(
                r#"{{"behavior":"allow","downloadPath":{}}}"#,
                quote(&downloads.display().to_string())
            ),
            None,
        )
        .map_err(e)?;
    in_new_tab(chrome, url, |chrome, s| {
        wait_true(
            chrome,
            s,
            "(() => { const st = document.querySelector('[aria-label=\"Connection status\"]'); return !!st && st.textContent.trim() === 'Connected'; })()",
            "the app to connect",
        )?;
        // Subscribed once a first message reaches the chart.
        let mut publisher = Publisher::connect(tcp_port).map_err(e)?;
        let chart_shows = |n: usize| {
            format!(
                "(() => {{ const c = document.querySelector('canvas[aria-label^=\"Load chart\"]'); return !!c && c.getAttribute('aria-label').includes('latest value {n}'); }})()"
            )
        };
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            publisher
                .publish_spread_over(1, usize::MAX, |_| TOPIC.to_owned())
                .map_err(e)?;
            thread::sleep(Duration::from_millis(200));
            if chrome
                .evaluate(s, &chart_shows(1))
                .is_ok_and(|v| v == super::Json::Bool(true))
            {
                break;
            }
            if Instant::now() > deadline {
                return Err("the chart never showed a message".into());
            }
        }
        let mut publisher = Publisher::connect(tcp_port).map_err(e)?;
        publisher
            .publish_spread_over(MESSAGES, usize::MAX, |_| TOPIC.to_owned())
            .map_err(e)?;
        wait_true(
            chrome,
            s,
            &chart_shows(MESSAGES),
            "the chart to take every message",
        )?;
        wait_true(
            chrome,
            s,
            &click_js("Export CSV…"),
            "the Export CSV… button",
        )?;
        // The click and the moment the page says it saved the file, timed in the page.
        chrome
            .evaluate(
                s,
                "(() => { window.__exportDone = null; const st = () => document.querySelector('[aria-label=\"Export\"]'); \
                 new MutationObserver(() => { const t = st() && st().textContent; \
                 if (t && t.startsWith('Saved') && window.__exportDone === null) window.__exportDone = performance.now(); }) \
                 .observe(document.body, { subtree: true, childList: true, characterData: true }); return true; })()",
            )
            .map_err(e)?;
        start_frames(chrome, s)?;
        let started = chrome
            .evaluate(
                s,
                &format!(
                    "(() => {{ const t = performance.now(); {}; return t; }})()",
                    click_js("Download CSV")
                ),
            )
            .map_err(e)?
            .as_f64()
            .ok_or("no start time")?;
        wait_true(
            chrome,
            s,
            "window.__exportDone !== null",
            "the export to be saved",
        )?;
        let frames_ms = take_frames(chrome, s)?;
        let done = chrome
            .evaluate(s, "window.__exportDone")
            .map_err(e)?
            .as_f64()
            .ok_or("no end time")?;
        let said = chrome
            .evaluate(
                s,
                "document.querySelector('[aria-label=\"Export\"]').textContent",
            )
            .map_err(e)?
            .as_str()
            .unwrap_or_default()
            .to_owned();
        let file = downloads.join("bench-load.csv");
        let deadline = Instant::now() + Duration::from_secs(30);
        let text = loop {
            if let Ok(text) = std::fs::read_to_string(&file) {
                break text;
            }
            if Instant::now() > deadline {
                return Err(format!("{} never appeared", file.display()));
            }
            thread::sleep(Duration::from_millis(100));
        };
        Ok(ExportLoad {
            frames_ms,
            export_ms: done - started,
            said,
            file_bytes: text.len() as u64,
            file_lines: text.lines().count(),
        })
    })
}

/// The scenario's table.
pub fn table(result: &std::result::Result<ExportLoad, String>) -> String {
    let load = match result {
        Ok(load) => load,
        Err(e) => return format!("CSV export: not measured: {e}\n"),
    };
    let (p50, p95, _, dropped) = frame_stats(&load.frames_ms);
    let longest = load.frames_ms.iter().copied().fold(0.0, f64::max);
    format!(
        "CSV export of a full chart feed ({MESSAGES} messages published, {FEED_CAPACITY} kept), Feedboard:\n\
         saved in {:.0} ms (\"{}\"); file {} lines, {:.1} MiB; frames while writing: {}, \
         p50 / p95 / longest {p50:.1} / {p95:.1} / {longest:.1} ms, about {dropped:.0} dropped\n",
        load.export_ms,
        load.said,
        load.file_lines,
        load.file_bytes as f64 / (1024.0 * 1024.0),
        load.frames_ms.len(),
    )
}
