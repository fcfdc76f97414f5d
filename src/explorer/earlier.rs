//! A topic's few messages before its last one, kept compactly so that selecting a
//! topic shows some history at once, as MQTT Explorer does, yet 100,000 topics stay
//! within tens of megabytes: at most [`EARLIER_MESSAGES`] of them, each at most
//! [`EARLIER_PAYLOAD`] bytes of payload, packed in one byte buffer per topic (reused,
//! so a message costs a copy, not an allocation). Their MQTT 5 properties are not kept.

use mqtt_session::QoS;

use super::tree::LastMessage;

/// How many messages before the last one a topic keeps.
pub const EARLIER_MESSAGES: usize = 4;

/// The most payload bytes kept of each (its full size is noted).
pub const EARLIER_PAYLOAD: usize = 64;

/// seq (8), time (8), size (4), flags (1), payload length (1).
const HEADER: usize = 22;

/// Up to [`EARLIER_MESSAGES`] messages, oldest first, as
/// `seq time size flags len payload` records.
#[derive(Debug, Clone, Default)]
pub struct EarlierMessages {
    bytes: Vec<u8>,
    count: u8,
}

impl EarlierMessages {
    /// Keeps `message` as the newest, dropping the oldest beyond the bound.
    pub fn push(&mut self, message: &LastMessage) {
        if usize::from(self.count) == EARLIER_MESSAGES {
            let first = HEADER + usize::from(self.bytes[HEADER - 1]);
            self.bytes.drain(..first);
            self.count -= 1;
        }
        let kept = &message.payload[..message.payload.len().min(EARLIER_PAYLOAD)];
        let flags = message.qos.as_u8() | (u8::from(message.retained) << 2);
        self.bytes.extend_from_slice(&message.seq.to_le_bytes());
        self.bytes.extend_from_slice(&message.time_ms.to_le_bytes());
        let size = u32::try_from(message.size).unwrap_or(u32::MAX);
        self.bytes.extend_from_slice(&size.to_le_bytes());
        self.bytes.push(flags);
        self.bytes.push(kept.len() as u8);
        self.bytes.extend_from_slice(kept);
        self.count += 1;
    }

    /// The messages, oldest first.
    pub fn iter(&self) -> impl Iterator<Item = LastMessage> + '_ {
        let mut at = 0;
        std::iter::from_fn(move || {
            let record = self.bytes.get(at..at + HEADER)?;
            let len = usize::from(record[HEADER - 1]);
            let payload = self.bytes.get(at + HEADER..at + HEADER + len)?.to_vec();
            at += HEADER + len;
            let number = |range: std::ops::Range<usize>| -> [u8; 8] {
                let mut out = [0; 8];
                out[..range.len()].copy_from_slice(&record[range]);
                out
            };
            let flags = record[20];
            Some(LastMessage {
                seq: u64::from_le_bytes(number(0..8)),
                time_ms: f64::from_le_bytes(number(8..16)),
                size: u64::from_le_bytes(number(16..20)) as usize,
                qos: QoS::from_u8(flags & 3).unwrap_or(QoS::AtMostOnce),
                retained: flags & 4 != 0,
                payload,
                properties: None,
            })
        })
    }

    /// How many are kept.
    pub fn len(&self) -> usize {
        usize::from(self.count)
    }

    /// True when none is.
    pub fn is_empty(&self) -> bool {
        self.count == 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn message(seq: u64, payload: &[u8]) -> LastMessage {
        LastMessage {
            seq,
            payload: payload.to_vec(),
            size: payload.len(),
            retained: seq.is_multiple_of(2),
            qos: QoS::AtLeastOnce,
            time_ms: seq as f64 * 1000.5,
            properties: None,
        }
    }

    #[test]
    fn the_newest_few_are_kept_whole_or_cut_with_their_size() {
        let mut earlier = EarlierMessages::default();
        assert!(earlier.is_empty());
        let long = vec![b'x'; 1000];
        for seq in 1..=10 {
            let payload = if seq == 9 {
                long.clone()
            } else {
                seq.to_string().into_bytes()
            };
            earlier.push(&message(seq, &payload));
        }
        let kept: Vec<LastMessage> = earlier.iter().collect();
        assert_eq!(kept.len(), EARLIER_MESSAGES);
        assert_eq!(
            kept.iter().map(|m| m.seq).collect::<Vec<_>>(),
            [7, 8, 9, 10]
        );
        assert_eq!(kept[0], message(7, b"7"));
        assert_eq!(kept[3], message(10, b"10"));
        assert_eq!(
            (kept[2].payload.len(), kept[2].size),
            (EARLIER_PAYLOAD, 1000)
        );
        assert!(earlier.bytes.len() <= EARLIER_MESSAGES * (HEADER + EARLIER_PAYLOAD));
    }
}
