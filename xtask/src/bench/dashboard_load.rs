//! S6 and S7 of issue 6: a dashboard of 20 charts (5 series each: 100 feeds) and 20
//! value blocks, fed 5,000 messages a second spread over the 100 topics for 30 s —
//! frame times and loss (S6) — and then 1,000,000 more as fast as the broker takes
//! them: wasm memory and JS heap after the first part (warm) and at the end (S7).
//! Feedboard's page shows the dashboard of its origin's `feedboard.json`; the MQTT.js
//! page the same blocks drawn by bench/dashboard.js; the raw page only counts (the
//! floor: what receiving alone costs the page).

use std::fs;
use std::io::Write;
use std::path::Path;
use std::thread;
use std::time::{Duration, Instant};

use super::{in_new_tab, publish_packet, quote, wait_until_ready, Chrome, Client, Json, Publisher};
use crate::process::{Error, Result};

/// Topics the load is spread over: `bench/many/0` … `bench/many/99`.
pub const TOPICS: usize = 100;
const RATE: usize = 5000;
const SECONDS: usize = 30;
/// S7's messages after the warm-up.
pub const MEMORY_MESSAGES: usize = 1_000_000;

/// What S6 and S7 found for one client.
pub struct DashboardLoad {
    pub frames_ms: Vec<f64>,
    pub published: usize,
    pub received: usize,
    /// (wasm memory bytes, JS heap used bytes) after S6, and after S7's million.
    pub memory_warm: (f64, f64),
    pub memory_end: (f64, f64),
    pub memory_received: usize,
}

fn topic(i: usize) -> String {
    format!("bench/many/{}", i % TOPICS)
}

/// The page's `feedboard.json` for this scenario, written into `www`.
pub fn write_config(www: &Path, ws_url: &str) -> Result {
    let mut blocks = Vec::new();
    for chart in 0..20 {
        let series: Vec<String> = (0..5)
            .map(|k| format!(r#"{{"topic": "{}"}}"#, topic(chart * 5 + k)))
            .collect();
        blocks.push(format!(
            r#"{{"title": "Chart {chart}", "type": "line_chart", "series": [{}]}}"#,
            series.join(", ")
        ));
    }
    for value in 0..20 {
        blocks.push(format!(
            r#"{{"title": "Value {value}", "type": "value", "topic": "{}"}}"#,
            topic(value)
        ));
    }
    fs::write(
        www.join("feedboard.json"),
        format!(
            r#"{{"broker": "{ws_url}", "connect": true, "dashboard": {{"version": 1, "title": "Load", "blocks": [{}]}}}}"#,
            blocks.join(", ")
        ),
    )?;
    Ok(())
}

/// Runs S6 then S7 on a fresh tab of `url`, `client`'s page.
pub fn measure(
    chrome: &mut Chrome,
    client: Client,
    url: &str,
    probe: &str,
    tcp_port: u16,
) -> std::result::Result<DashboardLoad, String> {
    in_new_tab(chrome, "about:blank", |chrome, s| {
        navigate_noting_memory(chrome, s, url)?;
        thread::sleep(Duration::from_millis(500));
        run_in(chrome, s, client, probe, tcp_port)
    })
}

/// Opens `url` in the tab, first making the page keep its wasm instance's memory where
/// [`memory`] can read its size.
pub fn navigate_noting_memory(
    chrome: &mut Chrome,
    s: Option<&str>,
    url: &str,
) -> std::result::Result<(), String> {
    let e = |e: Error| e.to_string();
    chrome.call("Page.enable", "{}", s).map_err(e)?;
    chrome
        .call(
            "Page.addScriptToEvaluateOnNewDocument",
            &format!(
                r#"{{"source":{}}}"#,
                quote("addEventListener('TrunkApplicationStarted', (e) => { window.__wasmMemory = e.detail.wasm.memory; });")
            ),
            s,
        )
        .map_err(e)?;
    chrome
        .call("Page.navigate", &format!(r#"{{"url":{}}}"#, quote(url)), s)
        .map_err(e)?;
    Ok(())
}

fn run_in(
    chrome: &mut Chrome,
    s: Option<&str>,
    client: Client,
    probe: &str,
    tcp_port: u16,
) -> std::result::Result<DashboardLoad, String> {
    let e = |e: Error| e.to_string();
    // Feedboard's probe counts with the page's own #messages-in counter; every page is
    // subscribed for real when a message on one of the topics moves its count.
    wait_until_ready(chrome, s, client, probe)?;
    let deadline = Instant::now() + Duration::from_secs(30);
    let mut publisher = Publisher::connect(tcp_port).map_err(e)?;
    loop {
        publisher.publish_spread(1, usize::MAX).map_err(e)?;
        thread::sleep(Duration::from_millis(100));
        if chrome.evaluate(s, "bench.changes").map_err(e)?.as_f64() > Some(0.0) {
            break;
        }
        if Instant::now() > deadline {
            return Err("timed out: messages never reached the page".into());
        }
    }
    thread::sleep(Duration::from_millis(500));
    chrome.evaluate(s, "bench.mark()").map_err(e)?;
    start_frames(chrome, s)?;
    let published = publisher.publish_spread(RATE * SECONDS, RATE).map_err(e)?;
    let received = wait_for_count(chrome, s, published)?;
    let frames_ms = take_frames(chrome, s)?;

    let memory_warm = memory(chrome, s)?;
    chrome.evaluate(s, "bench.mark()").map_err(e)?;
    publisher
        .publish_spread(MEMORY_MESSAGES, usize::MAX)
        .map_err(e)?;
    let memory_received = wait_for_count(chrome, s, MEMORY_MESSAGES)?;
    let memory_end = memory(chrome, s)?;
    Ok(DashboardLoad {
        frames_ms,
        published,
        received,
        memory_warm,
        memory_end,
        memory_received,
    })
}

/// Waits until the page counted `expected` since its mark, or nothing new came for
/// 3 s; returns the count.
fn wait_for_count(
    chrome: &mut Chrome,
    s: Option<&str>,
    expected: usize,
) -> std::result::Result<usize, String> {
    let mut last = (-1.0, Instant::now());
    loop {
        let snap = chrome
            .evaluate(s, "bench.count - bench.base")
            .map_err(|e| e.to_string())?;
        let got = snap.as_f64().unwrap_or(0.0);
        if got >= expected as f64 {
            return Ok(got as usize);
        }
        if got != last.0 {
            last = (got, Instant::now());
        } else if last.1.elapsed() > Duration::from_secs(3) {
            return Ok(got as usize);
        }
        thread::sleep(Duration::from_millis(200));
    }
}

/// Starts noting the time between animation frames in the page.
pub fn start_frames(chrome: &mut Chrome, s: Option<&str>) -> std::result::Result<(), String> {
    chrome
        .evaluate(
            s,
            "(() => { window.__frames = []; let last = null; \
             const tick = (t) => { if (last !== null) __frames.push(t - last); last = t; \
             if (window.__framesOn) requestAnimationFrame(tick); }; \
             window.__framesOn = true; requestAnimationFrame(tick); return true; })()",
        )
        .map(|_| ())
        .map_err(|e| e.to_string())
}

/// Stops noting frames; the times between them, in milliseconds.
pub fn take_frames(chrome: &mut Chrome, s: Option<&str>) -> std::result::Result<Vec<f64>, String> {
    let frames = chrome
        .evaluate(
            s,
            "(() => { window.__framesOn = false; return __frames; })()",
        )
        .map_err(|e| e.to_string())?;
    Ok(frames
        .as_arr()
        .unwrap_or(&[])
        .iter()
        .filter_map(Json::as_f64)
        .collect())
}

/// Frame-time percentiles (nearest rank) p50, p95, p99 and the frames dropped (each
/// frame time counted in 60 Hz frames beyond the first, rounded).
pub fn frame_stats(frames_ms: &[f64]) -> (f64, f64, f64, f64) {
    let mut frames = frames_ms.to_vec();
    frames.sort_by(f64::total_cmp);
    let pct = |p: f64| {
        if frames.is_empty() {
            return f64::NAN;
        }
        let rank = ((p / 100.0) * frames.len() as f64).ceil() as usize;
        frames[rank.clamp(1, frames.len()) - 1]
    };
    let frame = 1000.0 / 60.0;
    let dropped: f64 = frames
        .iter()
        .map(|d| (d / frame - 0.5).floor().max(0.0))
        .sum();
    (pct(50.0), pct(95.0), pct(99.0), dropped)
}

/// (wasm memory, JS heap in use) in bytes, after a garbage collection.
pub fn memory(chrome: &mut Chrome, s: Option<&str>) -> std::result::Result<(f64, f64), String> {
    let e = |e: Error| e.to_string();
    chrome
        .call("HeapProfiler.collectGarbage", "{}", s)
        .map_err(e)?;
    let heap = chrome.call("Runtime.getHeapUsage", "{}", s).map_err(e)?;
    let used = heap
        .get("usedSize")
        .and_then(Json::as_f64)
        .unwrap_or(f64::NAN);
    let wasm = chrome
        .evaluate(
            s,
            "window.__wasmMemory ? window.__wasmMemory.buffer.byteLength : null",
        )
        .map_err(e)?
        .as_f64()
        .unwrap_or(f64::NAN);
    Ok((wasm, used))
}

impl Publisher {
    /// `count` messages at QoS 0 over [`TOPICS`] topics in turn, `rate` a second
    /// (`usize::MAX`: as fast as the socket takes them), on a fixed schedule. Returns
    /// how many were written.
    fn publish_spread(&mut self, count: usize, rate: usize) -> Result<usize> {
        self.publish_spread_over(count, rate, topic)
    }

    /// As [`Publisher::publish_spread`], message `n` (from 1) going to `topic_of(n)`.
    pub(super) fn publish_spread_over(
        &mut self,
        count: usize,
        rate: usize,
        topic_of: impl Fn(usize) -> String,
    ) -> Result<usize> {
        let start = Instant::now();
        let mut packet = Vec::with_capacity(64);
        let mut batch = Vec::with_capacity(64 * 1024);
        let mut sent = 0;
        while sent < count {
            let due = if rate == usize::MAX {
                count
            } else {
                ((start.elapsed().as_secs_f64() * rate as f64) as usize + 1).min(count)
            };
            batch.clear();
            while sent < due && batch.len() < 60 * 1024 {
                packet.clear();
                sent += 1;
                publish_packet(&mut packet, &topic_of(sent), 0, 0, sent);
                batch.extend_from_slice(&packet);
            }
            self.stream.write_all(&batch)?;
            if rate != usize::MAX && sent < count {
                thread::sleep(Duration::from_millis(1));
            }
        }
        self.stream.flush()?;
        Ok(sent)
    }
}

/// The S6 and S7 tables, a row per client.
pub fn tables(results: &[(Client, std::result::Result<DashboardLoad, String>)]) -> String {
    let mut s6 = format!(
        "S6, UI under load: {RATE} msg/s over {TOPICS} topics for {SECONDS} s to 20 charts \
         (5 series each) and 20 values (targets: frame p95 ≤ 16.7 ms, 0 lost):\n\
         | client | frames | frame p50 / p95 / p99 ms | frames dropped | published | received | lost |\n\
         |---|---|---|---|---|---|---|\n"
    );
    let mut s7 = format!(
        "S7, memory after S6 (warm) and after {MEMORY_MESSAGES} more messages (target: \
         growth ≤ 10 MB):\n\
         | client | warm: wasm / JS heap MiB | end: wasm / JS heap MiB | received | growth MiB |\n\
         |---|---|---|---|---|\n"
    );
    for (client, result) in results {
        let name = client.name();
        let load = match result {
            Ok(load) => load,
            Err(e) => {
                s6.push_str(&format!("| {name} | not measured: {e} | | | | | |\n"));
                s7.push_str(&format!("| {name} | not measured | | | |\n"));
                continue;
            }
        };
        let (p50, p95, p99, dropped) = frame_stats(&load.frames_ms);
        s6.push_str(&format!(
            "| {name} | {} | {p50:.1} / {p95:.1} / {p99:.1} | {dropped:.0} | {} | {} | {} |\n",
            load.frames_ms.len(),
            load.published,
            load.received,
            load.published.saturating_sub(load.received),
        ));
        let mib = |b: f64| b / (1024.0 * 1024.0);
        // The JavaScript pages have no wasm memory: NaN, shown as "–", counted as 0.
        let shown = |b: f64| {
            if b.is_nan() {
                "–".to_string()
            } else {
                format!("{:.1}", mib(b))
            }
        };
        let total = |(wasm, heap): (f64, f64)| {
            let wasm = if wasm.is_nan() { 0.0 } else { wasm };
            wasm + heap
        };
        s7.push_str(&format!(
            "| {name} | {} / {} | {} / {} | {} | {:+.1} |\n",
            shown(load.memory_warm.0),
            shown(load.memory_warm.1),
            shown(load.memory_end.0),
            shown(load.memory_end.1),
            load.memory_received,
            mib(total(load.memory_end) - total(load.memory_warm)),
        ));
    }
    format!("{s6}\n{s7}")
}
