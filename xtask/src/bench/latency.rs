//! S4 of issue 6: latency at a steady 1,000 messages a second for 10 s. The publisher
//! notes the wall-clock time it wrote each sequence number; each page notes when it had
//! it — MQTT.js and the raw page when the message arrived, Feedboard when the chart's
//! accessible name showed it (the value in the page, drawn in that frame: one sample
//! per frame, not per message). Latency is the difference, on the same machine's clock.
//!
//! S5 is the push-service paper's run with the same bookkeeping: 100,000 QoS 1 messages
//! over wss, as fast as the broker takes them, timed from the first write to the last
//! arrival.

use std::thread;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use super::{in_new_tab, median, wait_until_subscribed, Chrome, Client, Json, Publisher};
use crate::process::Result;

/// Messages a second, and for how long.
pub const RATE: usize = 1000;
pub const SECONDS: usize = 10;

/// One client's latencies, in milliseconds, sorted.
pub struct Latencies {
    pub client: Client,
    pub sorted_ms: Vec<f64>,
    /// Messages whose arrival the page noted (Feedboard: values it showed).
    pub noted: usize,
}

impl Latencies {
    /// The `p`-th percentile (0–100), nearest rank.
    pub fn percentile(&self, p: f64) -> f64 {
        if self.sorted_ms.is_empty() {
            return f64::NAN;
        }
        let rank = ((p / 100.0) * self.sorted_ms.len() as f64).ceil() as usize;
        self.sorted_ms[rank.clamp(1, self.sorted_ms.len()) - 1]
    }
}

/// Wall-clock milliseconds since the Unix epoch, as the page's
/// `performance.timeOrigin + performance.now()` counts them.
pub fn wall_ms() -> f64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0.0, |d| d.as_secs_f64() * 1000.0)
}

/// One run for `client` on the page at `url`.
pub fn measure(
    chrome: &mut Chrome,
    url: &str,
    client: Client,
    probe: &str,
    tcp_port: u16,
) -> std::result::Result<Latencies, String> {
    in_new_tab(chrome, url, |chrome, s| {
        measure_in(chrome, s, client, probe, tcp_port)
    })
}

fn measure_in(
    chrome: &mut Chrome,
    s: Option<&str>,
    client: Client,
    probe: &str,
    tcp_port: u16,
) -> std::result::Result<Latencies, String> {
    let e = |e: crate::process::Error| e.to_string();
    let mut publisher = wait_until_subscribed(chrome, s, client, probe, tcp_port)?;
    thread::sleep(Duration::from_millis(500));
    if chrome.evaluate(s, "bench.startLatency()").map_err(e)? != Json::Bool(true) {
        return Err("the page cannot note latencies (no Load chart?)".into());
    }
    let sent = publisher.publish_paced(RATE * SECONDS, RATE).map_err(e)?;
    thread::sleep(Duration::from_millis(1000));
    let pairs = chrome.evaluate(s, "bench.takeLatency()").map_err(e)?;
    latencies(client, pairs.as_arr().unwrap_or(&[]), &sent)
}

/// Messages in S5, as in the paper.
pub const PAPER_MESSAGES: usize = 100_000;

/// One client's S5 run.
pub struct PaperRun {
    pub client: Client,
    pub received: usize,
    /// First write to last arrival (Feedboard: last value shown).
    pub total_s: f64,
    pub latency: Latencies,
}

/// S5 for `client` on the page at `url` (its broker: wss).
pub fn measure_paper(
    chrome: &mut Chrome,
    url: &str,
    client: Client,
    probe: &str,
    tcp_port: u16,
) -> std::result::Result<PaperRun, String> {
    in_new_tab(chrome, url, |chrome, s| {
        paper_in(chrome, s, client, probe, tcp_port)
    })
}

fn paper_in(
    chrome: &mut Chrome,
    s: Option<&str>,
    client: Client,
    probe: &str,
    tcp_port: u16,
) -> std::result::Result<PaperRun, String> {
    let e = |e: crate::process::Error| e.to_string();
    let publisher = wait_until_subscribed(chrome, s, client, probe, tcp_port)?;
    thread::sleep(Duration::from_millis(500));
    if chrome.evaluate(s, "bench.startLatency()").map_err(e)? != Json::Bool(true) {
        return Err("the page cannot note latencies (no Load chart?)".into());
    }
    chrome.evaluate(s, "bench.mark()").map_err(e)?;
    let sender = thread::spawn(move || publisher.publish_many_noting(PAPER_MESSAGES, 1, true));
    let mut last = (-1.0, Instant::now());
    loop {
        thread::sleep(Duration::from_millis(250));
        let snap = chrome.evaluate(s, "bench.snapshot()").map_err(e)?;
        let got = snap.get("count").and_then(Json::as_f64).unwrap_or(0.0)
            - snap.get("base").and_then(Json::as_f64).unwrap_or(0.0);
        if got >= PAPER_MESSAGES as f64 {
            break;
        }
        if got != last.0 {
            last = (got, Instant::now());
        }
        if sender.is_finished() && last.1.elapsed() > Duration::from_secs(3) {
            break;
        }
        if last.1.elapsed() > Duration::from_secs(60) {
            return Err("no progress for 60 s".into());
        }
    }
    let sent = sender
        .join()
        .map_err(|_| "the publisher panicked".to_string())?
        .map_err(e)?;
    let snap = chrome
        .evaluate(
            s,
            "({ count: bench.count - bench.base, last: performance.timeOrigin + bench.tLast })",
        )
        .map_err(e)?;
    let received = snap.get("count").and_then(Json::as_f64).unwrap_or(0.0) as usize;
    let last_ms = snap.get("last").and_then(Json::as_f64).unwrap_or(f64::NAN);
    let pairs = chrome.evaluate(s, "bench.takeLatency()").map_err(e)?;
    let latency = latencies(client, pairs.as_arr().unwrap_or(&[]), &sent)?;
    Ok(PaperRun {
        client,
        received,
        total_s: (last_ms - sent.first().copied().unwrap_or(f64::NAN)) / 1000.0,
        latency,
    })
}

/// Latencies from the page's (sequence number, time) pairs and the write times.
fn latencies(
    client: Client,
    pairs: &[Json],
    sent: &[f64],
) -> std::result::Result<Latencies, String> {
    let mut sorted_ms: Vec<f64> = pairs
        .chunks(2)
        .filter_map(|pair| {
            let seq = pair.first()?.as_f64()? as usize;
            let at = pair.get(1)?.as_f64()?;
            let sent_at = sent.get(seq.checked_sub(1)?)?;
            Some(at - sent_at)
        })
        .collect();
    if sorted_ms.is_empty() {
        return Err("the page noted no message of the run".into());
    }
    sorted_ms.sort_by(f64::total_cmp);
    Ok(Latencies {
        client,
        noted: sorted_ms.len(),
        sorted_ms,
    })
}

/// The S5 table, with the paper's row.
pub fn paper_table(results: &[std::result::Result<PaperRun, (Client, String)>]) -> String {
    let mut out = format!(
        "S5, the paper's run: {PAPER_MESSAGES} QoS 1 messages over wss, as fast as the broker takes them:\n\
         | client | received | lost | total s | mean latency ms | p50 ms | p99 ms |\n|---|---|---|---|---|---|---|\n"
    );
    for r in results {
        match r {
            Ok(run) => {
                let mean = run.latency.sorted_ms.iter().sum::<f64>() / run.latency.noted as f64;
                out.push_str(&format!(
                    "| {} | {} | {} | {:.2} | {:.2} | {:.2} | {:.2} |\n",
                    run.client.name(),
                    run.received,
                    PAPER_MESSAGES.saturating_sub(run.received),
                    run.total_s,
                    mean,
                    run.latency.percentile(50.0),
                    run.latency.percentile(99.0)
                ));
            }
            Err((client, why)) => out.push_str(&format!(
                "| {} | not measured: {why} | | | | | |\n",
                client.name()
            )),
        }
    }
    out.push_str(
        "| the paper (Mosquitto, TLS) | 99,996 | 0.004 % | about 2,000 (33 min) | 19–20 ms per message | – | – |\n\
         targets (Feedboard): 0 lost, p50 ≤ 2 ms, total ≤ 10 s. Feedboard's latencies are of the values it showed (one a frame)\n",
    );
    out
}

impl Publisher {
    /// Sequence numbers 1..=count at QoS 0, `rate` a second on a fixed schedule (not
    /// drifting with each write); returns when each was written, wall-clock ms.
    pub fn publish_paced(&mut self, count: usize, rate: usize) -> Result<Vec<f64>> {
        let mut sent = Vec::with_capacity(count);
        let start = Instant::now();
        let period = Duration::from_secs(1) / rate.max(1) as u32;
        for seq in 1..=count {
            let due = start + period * (seq as u32 - 1);
            if let Some(wait) = due.checked_duration_since(Instant::now()) {
                thread::sleep(wait);
            }
            self.publish_qos0(seq)?;
            sent.push(wall_ms());
        }
        Ok(sent)
    }
}

/// The S4 table.
pub fn table(results: &[std::result::Result<Latencies, (Client, String)>]) -> String {
    let mut out = format!(
        "S4, latency at {RATE} msg/s for {SECONDS} s (publisher's write → MQTT.js / raw: arrival; Feedboard: value shown), median over runs of each percentile:\n\
         | client | runs | noted per run | p50 ms | p95 ms | p99 ms |\n|---|---|---|---|---|---|\n"
    );
    for client in Client::ALL {
        let mine: Vec<&Latencies> = results
            .iter()
            .filter_map(|r| r.as_ref().ok())
            .filter(|l| l.client == client)
            .collect();
        let failures: Vec<&String> = results
            .iter()
            .filter_map(|r| r.as_ref().err())
            .filter(|(c, _)| *c == client)
            .map(|(_, why)| why)
            .collect();
        if mine.is_empty() {
            out.push_str(&format!(
                "| {} | 0 | – | – | – | – ({}) |\n",
                client.name(),
                failures.first().map_or("", |w| w.as_str())
            ));
            continue;
        }
        let med = |p: f64| {
            let mut v: Vec<f64> = mine.iter().map(|l| l.percentile(p)).collect();
            median(&mut v)
        };
        let mut noted: Vec<f64> = mine.iter().map(|l| l.noted as f64).collect();
        out.push_str(&format!(
            "| {} | {} | {:.0} | {:.2} | {:.2} | {:.2} |\n",
            client.name(),
            mine.len(),
            median(&mut noted),
            med(50.0),
            med(95.0),
            med(99.0)
        ));
    }
    out.push_str("target: Feedboard p99 ≤ 16.7 ms (one frame)\n");
    out
}
