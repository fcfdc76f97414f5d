//! Decode + route throughput of the session, natively: a program that prints figures.
//!
//! `cargo run --release -p mqtt-session --example decode_bench [-- MESSAGES]`
//!
//! Pre-encodes MESSAGES (default 1,000,000) PUBLISH packets with a 32-byte payload on
//! `bench/load`, cut into chunks the size of WebSocket frames (1 packet per frame, and
//! 16 per frame), and feeds them through `Session::handle_bytes` after a CONNACK,
//! draining `poll_event` (each message's topic is matched against a few filters, as the
//! app's router does) and `poll_transmit_into` into one reused outbox, as the app's
//! driver should (QoS 1: the PUBACKs, coalesced per chunk).
//! Prints messages/s and ns/message, the median of 5 runs, for MQTT 3.1.1 and 5; then
//! ns/message once more without the routing ("session only": each message is drained and
//! its payload length read, nothing else), which is the session's own cost.

use std::time::Instant as Clock;

use mqtt_session::topic::filter_matches;
use mqtt_session::{ConnectOptions, Event, Instant, ProtocolVersion, QoS, Session};

const TOPIC: &str = "bench/load";
const PAYLOAD_LEN: usize = 32;
const RUNS: usize = 5;
/// A small dashboard's bindings: the last one matches.
const FILTERS: [&str; 4] = ["home/+/temperature", "ward/#", "bench/other", "bench/+"];

fn main() {
    let messages: usize = match std::env::args().nth(1) {
        Some(n) => n.replace(['_', ','], "").parse().unwrap_or_else(|_| {
            eprintln!("usage: decode_bench [MESSAGES]");
            std::process::exit(2)
        }),
        None => 1_000_000,
    };
    println!(
        "decode_bench: {messages} PUBLISH packets, {PAYLOAD_LEN}-byte payload, \
         topic {TOPIC}, median of {RUNS} runs"
    );
    println!(
        "{:<8} {:<5} {:>14} {:>14} {:>12} {:>14}",
        "version", "qos", "packets/frame", "messages/s", "ns/message", "session only"
    );
    for version in [ProtocolVersion::V3_1_1, ProtocolVersion::V5] {
        for qos in [0u8, 1] {
            for per_frame in [1usize, 16] {
                let frames = encode(version, qos, messages, per_frame);
                let secs = median(|| run_once(version, qos, &frames, messages, Route::Filters));
                let alone = median(|| run_once(version, qos, &frames, messages, Route::None));
                println!(
                    "{:<8} {:<5} {:>14} {:>14.0} {:>12.1} {:>14.1}",
                    match version {
                        ProtocolVersion::V3_1_1 => "3.1.1",
                        ProtocolVersion::V5 => "5",
                    },
                    qos,
                    per_frame,
                    messages as f64 / secs,
                    secs * 1e9 / messages as f64,
                    alone * 1e9 / messages as f64
                );
            }
        }
    }
}

/// The median of `RUNS` timings.
fn median(mut run: impl FnMut() -> f64) -> f64 {
    let mut times: Vec<f64> = (0..RUNS).map(|_| run()).collect();
    times.sort_by(f64::total_cmp);
    times[RUNS / 2]
}

/// What the bench does with each message after `poll_event`.
#[derive(Clone, Copy, PartialEq)]
enum Route {
    /// Match the topic against `FILTERS` and parse the payload, as the app would.
    Filters,
    /// Only read the payload's length: what remains is the session's own cost.
    None,
}

/// One PUBLISH packet, encoded by hand (fixed header, topic, packet id, v5 properties).
fn publish(version: ProtocolVersion, qos: u8, packet_id: u16, payload: &[u8]) -> Vec<u8> {
    let mut body = Vec::with_capacity(64);
    body.extend_from_slice(&(TOPIC.len() as u16).to_be_bytes());
    body.extend_from_slice(TOPIC.as_bytes());
    if qos > 0 {
        body.extend_from_slice(&packet_id.to_be_bytes());
    }
    if version == ProtocolVersion::V5 {
        body.push(0); // no properties
    }
    body.extend_from_slice(payload);
    let mut packet = vec![0x30 | (qos << 1)];
    let mut len = body.len();
    loop {
        let mut byte = (len % 128) as u8;
        len /= 128;
        if len > 0 {
            byte |= 0x80;
        }
        packet.push(byte);
        if len == 0 {
            break;
        }
    }
    packet.extend_from_slice(&body);
    packet
}

/// All messages, `per_frame` packets to a chunk, as a driver would receive them.
fn encode(version: ProtocolVersion, qos: u8, messages: usize, per_frame: usize) -> Vec<Vec<u8>> {
    let mut frames = Vec::with_capacity(messages.div_ceil(per_frame));
    let mut frame = Vec::new();
    for i in 0..messages {
        // A reading as a device would send it, padded to 32 bytes.
        let text = format!(
            "{:<width$}",
            20.0 + (i % 100) as f64 / 10.0,
            width = PAYLOAD_LEN
        );
        let packet_id = (i % 65_535) as u16 + 1;
        frame.extend_from_slice(&publish(version, qos, packet_id, text.as_bytes()));
        if (i + 1) % per_frame == 0 {
            frames.push(std::mem::take(&mut frame));
        }
    }
    if !frame.is_empty() {
        frames.push(frame);
    }
    frames
}

/// A connected session: CONNECT sent and CONNACK handled.
fn connected(version: ProtocolVersion) -> Session {
    let now = Instant::from_millis(0);
    let mut session = Session::new(7);
    let options = ConnectOptions {
        version,
        client_id: "bench".to_string(),
        ..ConnectOptions::default()
    };
    session.connect(options, now).expect("valid options");
    while session.poll_event().is_some() {}
    session.handle_transport_open(now);
    while session.poll_transmit().is_some() {}
    let connack: &[u8] = match version {
        ProtocolVersion::V3_1_1 => &[0x20, 0x02, 0x00, 0x00],
        ProtocolVersion::V5 => &[0x20, 0x03, 0x00, 0x00, 0x00],
    };
    session.handle_bytes(now, connack);
    match session.poll_event() {
        Some(Event::Connected { .. }) => {}
        other => panic!("expected Connected after CONNACK, got {other:?}"),
    }
    session
}

/// Seconds to feed every frame through a fresh connected session.
fn run_once(
    version: ProtocolVersion,
    qos: u8,
    frames: &[Vec<u8>],
    messages: usize,
    route: Route,
) -> f64 {
    let mut session = connected(version);
    let now = Instant::from_millis(1);
    let expected_qos = if qos == 0 {
        QoS::AtMostOnce
    } else {
        QoS::AtLeastOnce
    };
    let mut routed = [0usize; FILTERS.len()];
    let mut received = 0usize;
    let mut sum = 0.0f64;
    let mut ack_bytes = 0usize;
    let mut payload_bytes = 0usize;
    let mut outbox = Vec::new();
    let start = Clock::now();
    for frame in frames {
        session.handle_bytes(now, frame);
        while let Some(event) = session.poll_event() {
            if let Event::Message(message) = event {
                received += 1;
                debug_assert_eq!(message.qos, expected_qos);
                if route == Route::None {
                    payload_bytes += message.payload.len();
                    continue;
                }
                for (count, filter) in routed.iter_mut().zip(FILTERS) {
                    if filter_matches(filter, &message.topic) {
                        *count += 1;
                        // Decode as a dashboard would: the payload to a number.
                        if let Some(value) = std::str::from_utf8(&message.payload)
                            .ok()
                            .and_then(|text| text.trim().parse::<f64>().ok())
                        {
                            sum += value;
                        }
                    }
                }
            }
        }
        ack_bytes += session.poll_transmit_into(&mut outbox);
        outbox.clear(); // where the driver's ws.send(&outbox) goes
    }
    let elapsed = start.elapsed().as_secs_f64();
    assert_eq!(
        received, messages,
        "every message must reach the application"
    );
    match route {
        Route::Filters => assert_eq!(routed[FILTERS.len() - 1], messages),
        Route::None => assert_eq!(payload_bytes, messages * PAYLOAD_LEN),
    }
    if qos == 1 {
        assert!(
            ack_bytes >= messages * 4,
            "every message must be acknowledged"
        );
    }
    std::hint::black_box(sum);
    elapsed
}
