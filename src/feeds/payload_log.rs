//! The raw payloads behind a feed's recent samples, for a CSV export's payload column.
//!
//! Most sensors send the number itself (`21.5`), and then the payload is the value's own
//! text: nothing needs keeping, the export writes the value again. Only payloads that
//! say more than their value — JSON, a CSV line, `21.50`, `{"value": 3}` — are kept, as
//! bytes in one ring bounded by [`PAYLOAD_LOG_BYTES`], so that a hundred chart feeds of
//! plain numbers cost nothing and a JSON feed at most that budget. Samples are known by
//! their ordinal: the n-th live sample the feed took.

use std::collections::VecDeque;

/// Bytes of payloads a feed keeps (each entry also counts [`ENTRY_COST`]).
pub const PAYLOAD_LOG_BYTES: usize = 64 * 1024;

/// The longest payload kept whole; a longer one keeps this many bytes and its size.
pub const MAX_LOGGED_PAYLOAD: usize = 4096;

/// What an entry costs beyond its bytes, counted against the budget so that a flood of
/// empty payloads is bounded too.
const ENTRY_COST: usize = 16;

#[derive(Debug, Clone, Copy)]
struct Entry {
    ordinal: u64,
    /// Bytes kept in the ring for it.
    kept: u32,
    /// The payload's whole size.
    size: u32,
}

/// A sample's raw payload, as far as it is known.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RawPayload {
    /// The payload was exactly the value's own text.
    SameAsValue,
    /// The payload's first bytes (all of it unless `size` says more).
    Kept {
        /// At most [`MAX_LOGGED_PAYLOAD`] bytes.
        bytes: Vec<u8>,
        /// The whole payload's size.
        size: usize,
    },
    /// Too old to be kept, or read back from saved history (which keeps values only).
    Unknown,
}

/// Raw payloads of a feed's newest samples, by ordinal.
#[derive(Debug, Clone, Default)]
pub struct PayloadLog {
    bytes: VecDeque<u8>,
    entries: VecDeque<Entry>,
    /// Bytes plus [`ENTRY_COST`] per entry.
    used: usize,
    /// Ordinal the next sample gets.
    next: u64,
    /// The oldest ordinal whose payload is known: everything before it was dropped.
    known_from: u64,
}

impl PayloadLog {
    /// Notes the payload of the next sample: `None` when it was the value's own text.
    pub fn push(&mut self, payload: Option<&[u8]>) {
        let ordinal = self.next;
        self.next += 1;
        let Some(payload) = payload else { return };
        let kept = &payload[..payload.len().min(MAX_LOGGED_PAYLOAD)];
        let cost = kept.len() + ENTRY_COST;
        while self.used + cost > PAYLOAD_LOG_BYTES {
            let Some(oldest) = self.entries.pop_front() else {
                break;
            };
            self.bytes.drain(..oldest.kept as usize);
            self.used -= oldest.kept as usize + ENTRY_COST;
            self.known_from = oldest.ordinal + 1;
        }
        self.bytes.extend(kept);
        self.used += cost;
        self.entries.push_back(Entry {
            ordinal,
            kept: kept.len() as u32,
            size: u32::try_from(payload.len()).unwrap_or(u32::MAX),
        });
    }

    /// How many samples were noted since the start (or the last clear).
    pub fn noted(&self) -> u64 {
        self.next
    }

    /// The raw payload of sample `ordinal`.
    pub fn raw(&self, ordinal: u64) -> RawPayload {
        if ordinal < self.known_from || ordinal >= self.next {
            return RawPayload::Unknown;
        }
        let at = self.entries.partition_point(|e| e.ordinal < ordinal);
        match self.entries.get(at) {
            Some(entry) if entry.ordinal == ordinal => {
                let start: usize = self.entries.range(..at).map(|e| e.kept as usize).sum();
                let bytes = self
                    .bytes
                    .range(start..start + entry.kept as usize)
                    .copied()
                    .collect();
                RawPayload::Kept {
                    bytes,
                    size: entry.size as usize,
                }
            }
            _ => RawPayload::SameAsValue,
        }
    }

    /// The raw payloads of samples `from..self.noted()`, oldest first: one pass, for an
    /// export (where [`PayloadLog::raw`] per sample would walk the ring each time).
    pub fn raws_from(&self, from: u64) -> Vec<RawPayload> {
        let mut out = Vec::with_capacity(self.next.saturating_sub(from) as usize);
        let mut offset = 0usize;
        let mut entries = self.entries.iter().peekable();
        for ordinal in from..self.next {
            while let Some(e) = entries.peek() {
                if e.ordinal >= ordinal {
                    break;
                }
                offset += e.kept as usize;
                entries.next();
            }
            if ordinal < self.known_from {
                out.push(RawPayload::Unknown);
                continue;
            }
            match entries.peek() {
                Some(e) if e.ordinal == ordinal => {
                    let end = offset + e.kept as usize;
                    out.push(RawPayload::Kept {
                        bytes: self.bytes.range(offset..end).copied().collect(),
                        size: e.size as usize,
                    });
                }
                _ => out.push(RawPayload::SameAsValue),
            }
        }
        out
    }

    /// Forgets everything, and numbers samples from 0 again.
    pub fn clear(&mut self) {
        *self = Self::default();
    }
}

/// True when `payload` is a decimal written the one way a number's text is written
/// (`{}` of the `f64`): `-?(0|[1-9][0-9]*)(\.[0-9]*[1-9])?` with at most 15 significant
/// digits, where that text reads back to the same digits. `21.5`, `-3`, `0.25` are;
/// `21.50`, `+3`, `007`, `1e3`, ` 5` are not (and are kept as they came).
pub fn is_plain_number_text(payload: &[u8]) -> bool {
    let digits = match payload.split_first() {
        Some((b'-', rest)) => rest,
        Some(_) => payload,
        None => return false,
    };
    let (whole, fraction) = match digits.iter().position(|&b| b == b'.') {
        Some(point) => (&digits[..point], Some(&digits[point + 1..])),
        None => (digits, None),
    };
    let all_digits = |part: &[u8]| part.iter().all(u8::is_ascii_digit);
    if whole.is_empty() || !all_digits(whole) || (whole.len() > 1 && whole[0] == b'0') {
        return false;
    }
    if let Some(fraction) = fraction {
        if fraction.is_empty() || !all_digits(fraction) || fraction.last() == Some(&b'0') {
            return false;
        }
    }
    if digits == b"0" && payload.len() > 1 {
        return false; // `-0`
    }
    // Significant digits: from the first non-zero digit to the last digit written.
    let written = whole.iter().chain(fraction.unwrap_or(&[]));
    let significant = written.skip_while(|&&b| b == b'0').count();
    let trailing_zeros = if fraction.is_none() {
        whole.iter().rev().take_while(|&&b| b == b'0').count()
    } else {
        0
    };
    significant.saturating_sub(trailing_zeros) <= 15 && whole.len() <= 21
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_numbers_are_the_text_their_value_is_written_as() {
        for text in [
            "0",
            "21.5",
            "-3",
            "0.25",
            "-0.001",
            "100",
            "123456789012345",
            "1.5e0x",
            "1e3",
        ] {
            let plain = is_plain_number_text(text.as_bytes());
            let round_trip = text
                .parse::<f64>()
                .map(|n| n.to_string() == text)
                .unwrap_or(false);
            if plain {
                assert!(
                    round_trip,
                    "{text} is called plain but writes back otherwise"
                );
            }
        }
        for text in ["21.5", "-3", "0.25", "0", "100", "123456789012345", "0.1"] {
            assert!(is_plain_number_text(text.as_bytes()), "{text}");
        }
        for text in [
            "21.50",
            "+3",
            "007",
            "1e3",
            " 5",
            "5 ",
            "-0",
            "",
            "-",
            ".5",
            "5.",
            "1.2.3",
            "0x10",
            "NaN",
            "inf",
            "1234567890123456",
        ] {
            assert!(!is_plain_number_text(text.as_bytes()), "{text:?}");
        }
    }

    #[test]
    fn every_plain_number_text_writes_back_the_same() {
        // A deterministic spread of decimals: integers, fractions, tiny and huge.
        let mut state = 0x2545_f491_4f6c_dd1du64;
        let mut next = || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        let mut checked = 0;
        for _ in 0..200_000 {
            let digits = (next() % 10u64.pow(1 + (next() % 15) as u32)).to_string();
            let point = (next() % 20) as usize;
            let text = if point == 0 || point >= digits.len() + 8 {
                digits
            } else if point <= digits.len() {
                format!(
                    "{}.{}",
                    &digits[..digits.len() - point],
                    &digits[digits.len() - point..]
                )
            } else {
                format!("0.{}{}", "0".repeat(point - digits.len()), digits)
            };
            let text = if next() % 2 == 0 {
                format!("-{text}")
            } else {
                text
            };
            let text = text
                .strip_prefix('.')
                .map(|t| format!("0.{t}"))
                .unwrap_or(text);
            if is_plain_number_text(text.as_bytes()) {
                let value: f64 = text.parse().unwrap();
                assert_eq!(value.to_string(), text);
                checked += 1;
            }
        }
        assert!(checked > 50_000, "only {checked} plain texts were made");
    }

    #[test]
    fn kept_payloads_are_found_by_ordinal_and_plain_ones_are_the_value() {
        let mut log = PayloadLog::default();
        log.push(None);
        log.push(Some(b"{\"t\":1}"));
        log.push(None);
        log.push(Some(b""));
        assert_eq!(log.raw(0), RawPayload::SameAsValue);
        assert_eq!(
            log.raw(1),
            RawPayload::Kept {
                bytes: b"{\"t\":1}".to_vec(),
                size: 7
            }
        );
        assert_eq!(log.raw(2), RawPayload::SameAsValue);
        assert_eq!(
            log.raw(3),
            RawPayload::Kept {
                bytes: vec![],
                size: 0
            }
        );
        assert_eq!(log.raw(4), RawPayload::Unknown, "not yet noted");
        assert_eq!(
            log.raws_from(0),
            (0..4).map(|o| log.raw(o)).collect::<Vec<_>>()
        );
        assert_eq!(
            log.raws_from(2),
            (2..4).map(|o| log.raw(o)).collect::<Vec<_>>()
        );
    }

    #[test]
    fn the_log_keeps_its_byte_budget_and_forgets_the_oldest() {
        let mut log = PayloadLog::default();
        let payload = vec![b'x'; 1000];
        for _ in 0..1000 {
            log.push(Some(&payload));
            log.push(None);
        }
        let kept = PAYLOAD_LOG_BYTES / (1000 + ENTRY_COST);
        assert!(log.used <= PAYLOAD_LOG_BYTES);
        assert_eq!(log.entries.len(), kept);
        assert_eq!(log.bytes.len(), kept * 1000);
        let raws = log.raws_from(0);
        assert_eq!(raws.len(), 2000);
        let known = raws.iter().filter(|r| **r != RawPayload::Unknown).count();
        // The newest `kept` payloads, the plain samples after each, and the plain one
        // just after the newest payload dropped.
        assert_eq!(known, kept * 2 + 1);
        assert_eq!(raws[1999], RawPayload::SameAsValue);
        assert!(matches!(raws[1998], RawPayload::Kept { size: 1000, .. }));
        assert_eq!(raws, (0..2000).map(|o| log.raw(o)).collect::<Vec<_>>());
    }

    #[test]
    fn a_flood_of_empty_payloads_is_bounded_and_a_huge_one_is_cut() {
        let mut log = PayloadLog::default();
        for _ in 0..100_000 {
            log.push(Some(b""));
        }
        assert!(log.entries.len() <= PAYLOAD_LOG_BYTES / ENTRY_COST);
        log.push(Some(&vec![7u8; 100_000]));
        match log.raw(100_000) {
            RawPayload::Kept { bytes, size } => {
                assert_eq!((bytes.len(), size), (MAX_LOGGED_PAYLOAD, 100_000));
            }
            other => panic!("{other:?}"),
        }
        log.clear();
        assert_eq!((log.noted(), log.raw(0)), (0, RawPayload::Unknown));
    }
}
