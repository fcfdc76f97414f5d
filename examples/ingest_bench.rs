//! The feed store's cost per message, natively: a program that prints figures.
//!
//! `cargo run --release --example ingest_bench [-- MESSAGES]`
//!
//! Feeds MESSAGES (default 1,000,000) payloads on `bench/load` into a store with one
//! chart's feed bound to it (the benchmark's dashboard: 43,200 samples kept, history
//! logging on), as the driver does after the session decoded each PUBLISH: routing,
//! decoding the number, the sample ring, the payload log and the history log. Payloads
//! as `cargo xtask bench` sends them (the sequence number in 32 ASCII digits) and as a
//! sensor does (`21.5`). Prints ns/message, the median of 5 runs. The browser's figure
//! is larger (wasm, `opt-level = "z"`); the ratio between two builds is what to read.

use std::time::Instant;

use feedboard::app::FEED_CAPACITY;
use feedboard::feeds::{Decoding, FeedStore};

const TOPIC: &str = "bench/load";
const RUNS: usize = 5;

fn main() {
    let messages: usize = match std::env::args().nth(1) {
        Some(n) => n.replace(['_', ','], "").parse().unwrap_or_else(|_| {
            eprintln!("usage: ingest_bench [MESSAGES]");
            std::process::exit(2)
        }),
        None => 1_000_000,
    };
    println!("ingest_bench: {messages} messages on {TOPIC}, median of {RUNS} runs");
    println!("{:<36} {:>12}", "payload", "ns/message");
    let padded: Vec<Vec<u8>> = (1..=messages)
        .map(|n| format!("{n:032}").into_bytes())
        .collect();
    let sensor: Vec<Vec<u8>> = (0..messages)
        .map(|n| format!("{}.{}", 15 + n % 10, n % 10).into_bytes())
        .collect();
    for (name, payloads) in [
        ("32 digits (cargo xtask bench)", &padded),
        ("a sensor's decimal (21.5)", &sensor),
    ] {
        let secs = median(|| run_once(payloads));
        println!("{name:<36} {:>12.1}", secs * 1e9 / messages as f64);
    }
}

/// One pass of every payload through a fresh store; seconds taken.
fn run_once(payloads: &[Vec<u8>]) -> f64 {
    let mut store = FeedStore::new();
    let id = store
        .find_or_add_feed(TOPIC, Decoding::number(), FEED_CAPACITY)
        .expect("a valid topic");
    store.log_history(true);
    let started = Instant::now();
    for (i, payload) in payloads.iter().enumerate() {
        // 30,000 messages a second, as in the browser benchmark.
        let time_ms = 1.7e12 + i as f64 / 30.0;
        store.ingest(TOPIC, payload, false, time_ms);
        if i % 500 == 499 {
            // Once per animation frame, as the driver asks.
            store.take_changed();
        }
        if i % 30_000 == 29_999 {
            // Every second or so, as the history's writer does.
            store.take_history_log();
        }
    }
    let secs = started.elapsed().as_secs_f64();
    let feed = store.feed(id).expect("the bound feed");
    assert_eq!(feed.samples().len(), payloads.len().min(FEED_CAPACITY));
    secs
}

fn median(mut run: impl FnMut() -> f64) -> f64 {
    let mut times: Vec<f64> = (0..RUNS).map(|_| run()).collect();
    times.sort_by(f64::total_cmp);
    times[RUNS / 2]
}
