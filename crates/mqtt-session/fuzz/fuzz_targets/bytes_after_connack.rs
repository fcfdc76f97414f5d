//! Arbitrary broker bytes after a valid CONNACK: the first byte picks the protocol
//! version and the chunk sizes, the rest is fed to `handle_bytes` in chunks. The session
//! must never panic, and reconnects to keep fuzzing the next connection.
#![no_main]

use libfuzzer_sys::fuzz_target;
use mqtt_session::{ConnectOptions, Event, Instant, ProtocolVersion, Session};

fn connack(version: ProtocolVersion) -> &'static [u8] {
    match version {
        ProtocolVersion::V3_1_1 => &[0x20, 0x02, 0x00, 0x00],
        ProtocolVersion::V5 => &[0x20, 0x03, 0x00, 0x00, 0x00],
    }
}

fuzz_target!(|data: &[u8]| {
    let Some((&first, rest)) = data.split_first() else {
        return;
    };
    let version = if first & 1 == 0 {
        ProtocolVersion::V3_1_1
    } else {
        ProtocolVersion::V5
    };
    let chunk = usize::from(first >> 1) + 1;
    let mut now = Instant::from_millis(0);
    let mut session = Session::new(u64::from(first));
    let options = ConnectOptions {
        version,
        client_id: "fuzz".into(),
        max_packet_size: 4096,
        topic_alias_maximum: 4,
        receive_maximum: 8,
        ..ConnectOptions::default()
    };
    session.connect(options, now).expect("valid options");
    session.handle_transport_open(now);
    session.handle_bytes(now, connack(version));
    for piece in rest.chunks(chunk) {
        session.handle_bytes(now, piece);
        while let Some(event) = session.poll_event() {
            if let Event::ReconnectScheduled { .. } = event {
                if let Some(at) = session.poll_timeout() {
                    now = at;
                    session.handle_timeout(now);
                }
                session.handle_transport_open(now);
                session.handle_bytes(now, connack(version));
            }
        }
        while session.poll_transmit().is_some() {}
        now = Instant::from_millis(now.as_millis() + 250);
        session.handle_timeout(now);
    }
});
