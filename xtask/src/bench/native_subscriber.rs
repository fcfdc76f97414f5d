//! The broker's own ceiling (issue 6, item 1): a native MQTT 3.1.1 subscriber over TCP,
//! packets read and acknowledged by hand, counting what Mosquitto delivers when the
//! publisher runs as in S1 and S2. What no browser page can beat on this machine.

use std::io::{BufReader, Read, Write};
use std::net::TcpStream;
use std::thread;
use std::time::{Duration, Instant};

use super::{connect_packet, remaining_length, Publisher, TOPIC};
use crate::process::{error, Result};

/// Messages received and their rate, first to last.
pub struct Ceiling {
    pub received: usize,
    pub rate: f64,
}

/// Subscribes at `qos`, has the publisher send `messages`, and counts them.
pub fn measure(tcp_port: u16, qos: u8, messages: usize) -> Result<Ceiling> {
    let mut stream = TcpStream::connect(("127.0.0.1", tcp_port))?;
    stream.set_nodelay(true)?;
    let connect = connect_packet(&format!("bench-native-{}", std::process::id()));
    let mut subscribe_body = vec![0, 1];
    subscribe_body.extend_from_slice(&(TOPIC.len() as u16).to_be_bytes());
    subscribe_body.extend_from_slice(TOPIC.as_bytes());
    subscribe_body.push(qos);
    let mut subscribe = vec![0x82];
    remaining_length(subscribe_body.len(), &mut subscribe);
    subscribe.extend_from_slice(&subscribe_body);
    stream.write_all(&connect)?;
    stream.write_all(&subscribe)?;
    stream.set_read_timeout(Some(Duration::from_secs(3)))?;
    let mut input = BufReader::with_capacity(256 * 1024, stream.try_clone()?);
    // CONNACK, then SUBACK.
    for expected in [0x20u8, 0x90] {
        let (kind, _) = read_packet(&mut input)?;
        if kind & 0xF0 != expected {
            return Err(error(format!(
                "expected packet {expected:#x}, got {kind:#x}"
            )));
        }
    }
    let publisher = Publisher::connect(tcp_port)?;
    let sender = thread::spawn(move || publisher.publish_many(messages, qos));
    let mut received = 0;
    let mut first = None;
    let mut last = Instant::now();
    let mut acks = Vec::with_capacity(4096);
    while received < messages {
        let (kind, body) = match read_packet(&mut input) {
            Ok(packet) => packet,
            // Nothing for 3 s: the rest is not coming.
            Err(_) => break,
        };
        if kind >> 4 != 3 {
            continue;
        }
        received += 1;
        last = Instant::now();
        first.get_or_insert(last);
        if (kind >> 1) & 3 > 0 {
            let topic_len = usize::from(u16::from_be_bytes([body[0], body[1]]));
            acks.extend_from_slice(&[0x40, 2, body[2 + topic_len], body[3 + topic_len]]);
        }
        // Acknowledge in batches, as the pages do per event-loop turn.
        if !acks.is_empty() && (acks.len() >= 4000 || input.buffer().is_empty()) {
            stream.write_all(&acks)?;
            acks.clear();
        }
    }
    let _ = sender.join();
    let _ = stream.write_all(&[0xE0, 0]);
    let span = first.map_or(0.0, |f| (last - f).as_secs_f64());
    Ok(Ceiling {
        received,
        rate: if span > 0.0 {
            received as f64 / span
        } else {
            0.0
        },
    })
}

/// One packet: its first byte and its body.
fn read_packet(input: &mut impl Read) -> Result<(u8, Vec<u8>)> {
    let mut byte = [0u8; 1];
    input.read_exact(&mut byte)?;
    let kind = byte[0];
    let (mut len, mut shift) = (0usize, 0);
    loop {
        input.read_exact(&mut byte)?;
        len |= usize::from(byte[0] & 0x7F) << shift;
        if byte[0] & 0x80 == 0 {
            break;
        }
        shift += 7;
        if shift > 21 {
            return Err(error("malformed remaining length"));
        }
    }
    let mut body = vec![0; len];
    input.read_exact(&mut body)?;
    Ok((kind, body))
}
