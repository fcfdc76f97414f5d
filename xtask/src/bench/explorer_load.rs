//! The topic explorer under load (issue 7): the app page's explorer subscribed to
//! `bench/x/#`, its tree opened two levels, while 200,000 messages arrive at 10,000 a
//! second over 100,000 distinct topics (each topic twice): frame times, what the
//! explorer counted, and wasm memory and JS heap before and after. Feedboard only: the
//! other pages have no explorer.

use std::thread;
use std::time::{Duration, Instant};

use super::dashboard_load::{
    frame_stats, memory, navigate_noting_memory, start_frames, take_frames,
};
use super::{in_new_tab, quote, Chrome, Publisher};

/// Distinct topics: `bench/x/d0/s0` … `bench/x/d999/s99`.
pub const TOPICS: usize = 100_000;
/// Messages a second, and how many in all.
pub const RATE: usize = 10_000;
pub const MESSAGES: usize = 2 * TOPICS;

/// What the scenario found.
pub struct ExplorerLoad {
    pub frames_ms: Vec<f64>,
    pub published: usize,
    /// The explorer's own summary at the end ("Exploring …: N topics, M messages").
    pub summary: String,
    /// (wasm memory, JS heap in use) in bytes before the load and after it.
    pub memory_before: (f64, f64),
    pub memory_after: (f64, f64),
}

fn topic(n: usize) -> String {
    let i = (n - 1) % TOPICS;
    format!("bench/x/d{}/s{}", i / 100, i % 100)
}

/// Clicks the button whose text is `text` (the app's own controls, as a user would).
pub(super) fn click_js(text: &str) -> String {
    format!(
        "(() => {{ const b = [...document.querySelectorAll('button')].find(b => b.textContent.trim() === {0} || b.getAttribute('aria-label') === {0}); if (!b) return false; b.click(); return true; }})()",
        quote(text)
    )
}

/// Polls `expression` until it is `true`.
pub(super) fn wait_true(
    chrome: &mut Chrome,
    s: Option<&str>,
    expression: &str,
    what: &str,
) -> std::result::Result<(), String> {
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        if chrome
            .evaluate(s, expression)
            .is_ok_and(|v| v == super::Json::Bool(true))
        {
            return Ok(());
        }
        if Instant::now() > deadline {
            return Err(format!("timed out waiting for {what}"));
        }
        thread::sleep(Duration::from_millis(100));
    }
}

/// Runs the scenario on a fresh tab of the app page `url` (a dashboard that connects at
/// start).
pub fn measure(
    chrome: &mut Chrome,
    url: &str,
    tcp_port: u16,
) -> std::result::Result<ExplorerLoad, String> {
    let e = |e: crate::process::Error| e.to_string();
    in_new_tab(chrome, "about:blank", |chrome, s| {
        navigate_noting_memory(chrome, s, url)?;
        wait_true(
            chrome,
            s,
            "(() => { const st = document.querySelector('[aria-label=\"Connection status\"]'); return !!st && st.textContent.trim() === 'Connected'; })()",
            "the app to connect",
        )?;
        wait_true(
            chrome,
            s,
            &click_js("Topic explorer"),
            "the explorer button",
        )?;
        wait_true(
            chrome,
            s,
            "(() => { const f = document.getElementById('explorer-filter'); if (!f) return false; \
             f.value = 'bench/x/#'; f.dispatchEvent(new Event('input', { bubbles: true })); return true; })()",
            "the explorer's filter",
        )?;
        wait_true(chrome, s, &click_js("Explore"), "the Explore button")?;
        wait_true(
            chrome,
            s,
            "(() => { const p = document.querySelector('[aria-label=\"Explorer summary\"]'); return !!p && p.textContent.startsWith('Exploring bench/x/#'); })()",
            "the explorer to subscribe",
        )?;
        // A first topic, so the two levels above the load's topics can be opened.
        let mut publisher = Publisher::connect(tcp_port).map_err(e)?;
        let deadline = Instant::now() + Duration::from_secs(30);
        loop {
            publisher
                .publish_spread_over(1, usize::MAX, topic)
                .map_err(e)?;
            thread::sleep(Duration::from_millis(100));
            if chrome
                .evaluate(s, &click_js("Open bench"))
                .is_ok_and(|v| v == super::Json::Bool(true))
            {
                break;
            }
            if Instant::now() > deadline {
                return Err("the explorer never showed bench/".into());
            }
        }
        wait_true(chrome, s, &click_js("Open bench/x"), "the bench/x branch")?;
        thread::sleep(Duration::from_millis(500));
        let memory_before = memory(chrome, s)?;
        start_frames(chrome, s)?;
        let published = publisher
            .publish_spread_over(MESSAGES, RATE, topic)
            .map_err(e)?;
        // Until the explorer has counted every message, or stopped counting for 3 s.
        let expected = format!("{TOPICS} topics, {} messages", MESSAGES + 1);
        let read_summary =
            "document.querySelector('[aria-label=\"Explorer summary\"]').textContent";
        let mut last = (String::new(), Instant::now());
        let summary = loop {
            let now = chrome
                .evaluate(s, read_summary)
                .map_err(e)?
                .as_str()
                .unwrap_or_default()
                .to_owned();
            if now.contains(&expected) {
                break now;
            }
            if now != last.0 {
                last = (now, Instant::now());
            } else if last.1.elapsed() > Duration::from_secs(3) {
                break now;
            }
            thread::sleep(Duration::from_millis(200));
        };
        let frames_ms = take_frames(chrome, s)?;
        let memory_after = memory(chrome, s)?;
        Ok(ExplorerLoad {
            frames_ms,
            published,
            summary,
            memory_before,
            memory_after,
        })
    })
}

/// The scenario's table.
pub fn table(result: &std::result::Result<ExplorerLoad, String>) -> String {
    let load = match result {
        Ok(load) => load,
        Err(e) => return format!("Explorer under load: not measured: {e}\n"),
    };
    let (p50, p95, p99, dropped) = frame_stats(&load.frames_ms);
    let mib = |b: f64| b / (1024.0 * 1024.0);
    format!(
        "Explorer under load: {} messages at {RATE} msg/s over {TOPICS} topics, the tree open two levels (Feedboard):\n\
         frames {}, frame p50 / p95 / p99 {p50:.1} / {p95:.1} / {p99:.1} ms, about {dropped:.0} dropped; \
         published {} (+1 first); the explorer says \"{}\"\n\
         memory before: wasm {:.1} MiB, JS heap {:.1} MiB; after: wasm {:.1} MiB, JS heap {:.1} MiB\n",
        MESSAGES,
        load.frames_ms.len(),
        load.published,
        load.summary,
        mib(load.memory_before.0),
        mib(load.memory_before.1),
        mib(load.memory_after.0),
        mib(load.memory_after.1),
    )
}
