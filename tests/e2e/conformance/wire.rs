//! Just enough MQTT framing to watch the session from outside: which packet types went
//! each way (keep-alive pings are invisible in the session's events), and a CONNECT
//! rewritten to carry an empty client id.

use std::collections::BTreeMap;

/// MQTT control packet types (the high nibble of the first byte), as the checks name them.
pub const PINGREQ: u8 = 12;
pub const PINGRESP: u8 = 13;
pub const DISCONNECT: u8 = 14;
const CONNECT: u8 = 1;

/// Packet counts per type, in one direction.
#[derive(Debug, Default)]
pub struct Counts {
    by_type: BTreeMap<u8, usize>,
    /// Inbound bytes of a packet not complete yet (a TCP read may end mid-packet).
    partial: Vec<u8>,
}

impl Counts {
    /// How many packets of `packet_type` were seen.
    pub fn of(&self, packet_type: u8) -> usize {
        self.by_type.get(&packet_type).copied().unwrap_or(0)
    }

    /// Count the complete packets in `bytes`, keeping an unfinished tail for next time.
    pub fn record(&mut self, bytes: &[u8]) {
        self.partial.extend_from_slice(bytes);
        let mut at = 0;
        while let Some((header, len)) = packet_at(&self.partial[at..]) {
            *self.by_type.entry(self.partial[at] >> 4).or_default() += 1;
            at += header + len;
        }
        self.partial.drain(..at);
    }
}

/// `(fixed header length, remaining length)` of the packet at the start of `bytes`, if
/// all of it is there.
fn packet_at(bytes: &[u8]) -> Option<(usize, usize)> {
    let (len, varint) = varint(bytes.get(1..)?)?;
    let header = 1 + varint;
    (bytes.len() >= header + len).then_some((header, len))
}

/// An MQTT variable byte integer: `(value, bytes used)`; `None` if incomplete.
fn varint(bytes: &[u8]) -> Option<(usize, usize)> {
    let mut value = 0usize;
    for (i, byte) in bytes.iter().take(4).enumerate() {
        value |= usize::from(byte & 0x7F) << (7 * i);
        if byte & 0x80 == 0 {
            return Some((value, i + 1));
        }
    }
    None
}

fn put_varint(out: &mut Vec<u8>, mut value: usize) {
    loop {
        let byte = (value % 128) as u8;
        value /= 128;
        if value == 0 {
            out.push(byte);
            return;
        }
        out.push(byte | 0x80);
    }
}

/// `bytes` (a CONNECT, perhaps followed by more packets) with the CONNECT's client id
/// replaced by an empty one. The session never sends an empty id — it generates one so
/// a stored session can be found again — so this is the only way to ask a real broker
/// to assign one and see what the session makes of the answer.
pub fn with_empty_client_id(bytes: &[u8]) -> Vec<u8> {
    assert_eq!(
        bytes[0] >> 4,
        CONNECT,
        "the first packet on a connection is CONNECT"
    );
    let (header, len) = packet_at(bytes).expect("a whole CONNECT in one write");
    let body = &bytes[header..header + len];
    // Protocol name (2 + 4 bytes "MQTT"), level, flags, keep-alive.
    let mut at = 10;
    if body[6] == 5 {
        let (properties, used) = varint(&body[at..]).expect("CONNECT properties length");
        at += used + properties;
    }
    let id_len = usize::from(u16::from_be_bytes([body[at], body[at + 1]]));
    let mut new_body = body[..at].to_vec();
    new_body.extend_from_slice(&[0, 0]);
    new_body.extend_from_slice(&body[at + 2 + id_len..]);

    let mut out = vec![bytes[0]];
    put_varint(&mut out, new_body.len());
    out.extend_from_slice(&new_body);
    out.extend_from_slice(&bytes[header + len..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn packets_split_across_reads_are_counted_once_complete() {
        let mut counts = Counts::default();
        counts.record(&[0xD0]);
        assert_eq!(counts.of(PINGRESP), 0);
        counts.record(&[0x00, 0xD0, 0x00, 0x30]);
        assert_eq!(counts.of(PINGRESP), 2);
        counts.record(&[0x02, b'a', b'b']);
        assert_eq!(counts.of(3), 1);
    }

    #[test]
    fn a_v5_connect_loses_only_its_client_id() {
        // CONNECT v5, clean start, keep-alive 30, one property (0x21 receive max = 10),
        // client id "abc", then a PINGREQ behind it.
        let connect = [
            0x10, 19, 0, 4, b'M', b'Q', b'T', b'T', 5, 0x02, 0, 30, 3, 0x21, 0, 10, 0, 3, b'a',
            b'b', b'c', 0xC0, 0x00,
        ];
        let rewritten = with_empty_client_id(&connect);
        assert_eq!(
            rewritten,
            [
                0x10, 16, 0, 4, b'M', b'Q', b'T', b'T', 5, 0x02, 0, 30, 3, 0x21, 0, 10, 0, 0, 0xC0,
                0x00
            ]
        );
    }
}
