//! The raw payloads behind a feed's recent samples, for a CSV export's payload column.
//!
//! Most sensors send the number itself, written one way throughout: `21.5`, or always
//! two decimals (`21.50`), or zero-padded (`0042`). Such a payload is its value written
//! in a [`Layout`], so only the layout is noted — once, when it changes — and the export
//! writes the value again. Payloads that say more than their value (JSON, a CSV line,
//! `{"value": 3}`, ` 7`) are kept as bytes. Both share one ring bounded by
//! [`PAYLOAD_LOG_BYTES`]: a hundred chart feeds of numbers cost almost nothing, a JSON
//! feed at most that budget. Samples are known by their ordinal: the n-th live sample
//! the feed took.

use std::collections::VecDeque;

use super::decimal_shape::{scan, DecimalShape};

/// Bytes of payloads a feed keeps (each entry also counts [`ENTRY_COST`]).
pub const PAYLOAD_LOG_BYTES: usize = 64 * 1024;

/// The longest payload kept whole; a longer one keeps this many bytes and its size.
pub const MAX_LOGGED_PAYLOAD: usize = 4096;

/// What an entry costs beyond its bytes, counted against the budget so that a flood of
/// empty payloads (or of changing layouts) is bounded too.
const ENTRY_COST: usize = 16;

/// Most significant digits a written number may have to be written again exactly from
/// its `f64` (15 decimal digits always survive the round trip).
const MAX_DIGITS: usize = 15;

/// How a number's payload was written, so that the value writes it again byte for byte.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Layout {
    /// As Rust writes the `f64` (`{}`): the shortest text that reads back the same.
    Shortest,
    /// With exactly `decimals` digits after the point (`{:.2}` → `21.50`), zero-padded
    /// to `width` characters when `width` is not 0 (`{:04.0}` → `0042`).
    Fixed { decimals: u8, width: u8 },
}

impl Layout {
    /// `value` written in this layout.
    pub fn write(self, value: f64) -> String {
        match self {
            Layout::Shortest => value.to_string(),
            Layout::Fixed { decimals, width: 0 } => {
                format!("{value:.prec$}", prec = usize::from(decimals))
            }
            Layout::Fixed { decimals, width } => format!(
                "{value:0width$.prec$}",
                width = usize::from(width),
                prec = usize::from(decimals)
            ),
        }
    }
}

/// One entry of the ring, in ordinal order.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Entry {
    /// From sample `from` on, payloads not kept were their value in `layout`.
    Layout { from: u64, layout: Layout },
    /// Sample `ordinal`'s payload: `kept` bytes in the byte ring, of `size` in all.
    Kept { ordinal: u64, kept: u32, size: u32 },
}

impl Entry {
    fn ordinal(self) -> u64 {
        match self {
            Entry::Layout { from, .. } => from,
            Entry::Kept { ordinal, .. } => ordinal,
        }
    }

    fn kept_bytes(self) -> usize {
        match self {
            Entry::Kept { kept, .. } => kept as usize,
            Entry::Layout { .. } => 0,
        }
    }
}

/// What a sample's payload was, as it is noted.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Written<'a> {
    /// The value in a layout: nothing to keep.
    As(Layout),
    /// Anything else: these bytes.
    Bytes(&'a [u8]),
}

/// A sample's raw payload, as far as it is known.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RawPayload {
    /// The payload was the value written in this layout.
    Written(Layout),
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
    /// Samples before this one may have had their payload kept and dropped since.
    bytes_known_from: u64,
    /// Samples before this one, unless kept, have lost the layout they were written in.
    layout_known_from: u64,
    /// The layout of the newest [`Entry::Layout`] still in the ring.
    layout: Option<Layout>,
}

impl PayloadLog {
    /// Notes the payload of the next sample.
    pub fn push(&mut self, written: Written<'_>) {
        let ordinal = self.next;
        self.next += 1;
        match written {
            Written::As(layout) if self.layout == Some(layout) => {}
            Written::As(layout) => {
                self.make_room(ENTRY_COST);
                self.entries.push_back(Entry::Layout {
                    from: ordinal,
                    layout,
                });
                self.used += ENTRY_COST;
                self.layout = Some(layout);
            }
            Written::Bytes(payload) => {
                let kept = &payload[..payload.len().min(MAX_LOGGED_PAYLOAD)];
                self.make_room(kept.len() + ENTRY_COST);
                self.bytes.extend(kept);
                self.used += kept.len() + ENTRY_COST;
                self.entries.push_back(Entry::Kept {
                    ordinal,
                    kept: kept.len() as u32,
                    size: u32::try_from(payload.len()).unwrap_or(u32::MAX),
                });
            }
        }
    }

    /// Drops the oldest entries until `cost` more fits the budget.
    fn make_room(&mut self, cost: usize) {
        while self.used + cost > PAYLOAD_LOG_BYTES {
            let Some(oldest) = self.entries.pop_front() else {
                break;
            };
            self.bytes.drain(..oldest.kept_bytes());
            self.used -= oldest.kept_bytes() + ENTRY_COST;
            match oldest {
                Entry::Kept { ordinal, .. } => self.bytes_known_from = ordinal + 1,
                // The samples its layout covered, up to the next layout, are unknown now.
                Entry::Layout { .. } => {
                    let next_layout = self.entries.iter().find_map(|e| match e {
                        Entry::Layout { from, .. } => Some(*from),
                        Entry::Kept { .. } => None,
                    });
                    if next_layout.is_none() {
                        self.layout = None;
                    }
                    self.layout_known_from = next_layout.unwrap_or(self.next);
                }
            }
        }
    }

    /// How many samples were noted since the start (or the last clear).
    pub fn noted(&self) -> u64 {
        self.next
    }

    /// The raw payloads of samples `from..self.noted()`, oldest first, in one pass.
    pub fn raws_from(&self, from: u64) -> Vec<RawPayload> {
        let mut out = Vec::with_capacity(self.next.saturating_sub(from) as usize);
        let mut offset = 0usize;
        let mut layout = None;
        let mut entries = self.entries.iter().copied().peekable();
        for ordinal in from..self.next {
            let mut kept = None;
            while let Some(entry) = entries.next_if(|e| e.ordinal() <= ordinal) {
                match entry {
                    Entry::Layout { layout: l, .. } => layout = Some(l),
                    Entry::Kept {
                        ordinal: o,
                        kept: k,
                        size,
                    } => {
                        if o == ordinal {
                            kept = Some((offset, k as usize, size as usize));
                        }
                        offset += k as usize;
                    }
                }
            }
            let layout_known =
                ordinal >= self.bytes_known_from && ordinal >= self.layout_known_from;
            out.push(match (kept, layout) {
                (Some((start, len, size)), _) => RawPayload::Kept {
                    bytes: self.bytes.range(start..start + len).copied().collect(),
                    size,
                },
                (None, Some(layout)) if layout_known => RawPayload::Written(layout),
                (None, _) => RawPayload::Unknown,
            });
        }
        out
    }

    /// The raw payload of sample `ordinal` (tests ask one at a time; an export takes
    /// them all with [`PayloadLog::raws_from`]).
    #[cfg(test)]
    pub fn raw(&self, ordinal: u64) -> RawPayload {
        if ordinal >= self.next {
            return RawPayload::Unknown;
        }
        let mut raws = self.raws_from(ordinal);
        raws.truncate(1);
        raws.pop().unwrap_or(RawPayload::Unknown)
    }

    /// The layout the feed's payloads were last written in, to prefer it for the next.
    pub fn layout(&self) -> Option<Layout> {
        self.layout
    }

    /// Forgets everything, and numbers samples from 0 again.
    pub fn clear(&mut self) {
        *self = Self::default();
    }
}

/// The layout `payload` is written in, as the text of the number it reads as; `None`
/// when no layout writes it again exactly (an exponent, `+`, spaces, `.5`, too many
/// digits, not a number at all). `current` is preferred where it fits: `21.5` after
/// `21.25` is [`Layout::Shortest`], after `21.50` it is `{:.1}`... unless `current`
/// also writes it, so that a feed's payloads keep one layout.
pub fn number_layout(payload: &[u8], current: Option<Layout>) -> Option<Layout> {
    layout_of(&scan(payload)?, current)
}

/// [`number_layout`] of a payload already scanned, so a message is walked once.
pub fn layout_of(shape: &DecimalShape, current: Option<Layout>) -> Option<Layout> {
    let fraction = shape.fraction.unwrap_or(0);
    if shape.plus || shape.whole == 0 || shape.fraction == Some(0) {
        return None; // `+5`, `.5`, `-`, `5.`
    }
    let padded = shape.whole > 1 && shape.leading_zeros > 0;
    // Digits from the first non-zero one, trailing zeros included: what `{:.n}` must
    // write exactly. (Leading zeros of a fraction, `0.001`, do not count.)
    let significant = shape.significant;
    let fixed = (significant <= MAX_DIGITS && fraction <= 60 && shape.len <= 255).then_some(
        Layout::Fixed {
            decimals: fraction as u8,
            width: if padded { shape.len as u8 } else { 0 },
        },
    );
    // `{}` writes no leading zeros, no trailing zeros after the point, and `-0` only
    // for negative zero; big round numbers (`1e22` as digits) are written in full.
    let zero = shape.leading_zeros == shape.whole && shape.fraction_all_zero;
    let zeros_shortest_omits = padded || shape.fraction_ends_in_zero || (zero && shape.len > 1);
    let shortest = !zeros_shortest_omits
        && (significant <= MAX_DIGITS
            || (shape.fraction.is_none()
                && significant - shape.trailing_whole_zeros <= MAX_DIGITS
                && shape.whole <= 21));
    let shortest = shortest.then_some(Layout::Shortest);
    match current {
        Some(layout) if Some(layout) == shortest || Some(layout) == fixed => Some(layout),
        _ => shortest.or(fixed),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A deterministic spread of decimal texts: signs, leading and trailing zeros,
    /// integers, fractions, tiny and huge.
    fn decimal_texts(count: usize) -> Vec<String> {
        let mut state = 0x2545_f491_4f6c_dd1du64;
        let mut next = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        (0..count)
            .map(|_| {
                let digits = (next() % 10u64.pow(1 + (next() % 17) as u32)).to_string();
                let zeros = "0".repeat((next() % 4) as usize);
                let body = match next() % 4 {
                    0 => digits.clone(),
                    1 => format!("{zeros}{digits}"),
                    2 => format!("{digits}{zeros}"),
                    _ => {
                        let cut = (next() as usize) % (digits.len() + 1);
                        format!("{}.{}{zeros}", &digits[..cut], &digits[cut..])
                    }
                };
                let body = match next() % 6 {
                    0 => format!("{body}000000000"),
                    1 => format!("0.{}{body}", "0".repeat((next() % 12) as usize)),
                    _ => body,
                };
                if next() % 3 == 0 {
                    format!("-{body}")
                } else {
                    body
                }
            })
            .collect()
    }

    #[test]
    fn a_layout_found_for_a_payload_writes_it_again_exactly() {
        let mut found = [0usize; 2];
        for text in decimal_texts(300_000) {
            let Some(value) = text.parse::<f64>().ok() else {
                continue;
            };
            for current in [None, Some(Layout::Shortest)] {
                if let Some(layout) = number_layout(text.as_bytes(), current) {
                    assert_eq!(layout.write(value), text, "{layout:?}");
                    found[usize::from(layout != Layout::Shortest)] += 1;
                }
            }
        }
        assert!(found[0] > 50_000 && found[1] > 50_000, "{found:?}");
    }

    #[test]
    fn sensors_common_ways_of_writing_numbers_have_layouts() {
        let layout = |text: &str| number_layout(text.as_bytes(), None);
        for text in ["21.5", "-3", "0.25", "0", "100", "123456789012345", "0.001"] {
            assert_eq!(layout(text), Some(Layout::Shortest), "{text}");
        }
        let fixed = |decimals, width| Some(Layout::Fixed { decimals, width });
        assert_eq!(layout("21.50"), fixed(2, 0));
        assert_eq!(layout("0042"), fixed(0, 4));
        assert_eq!(layout("-007.10"), fixed(2, 7));
        assert_eq!(
            layout("-0"),
            fixed(0, 0),
            "negative zero is `-0` in {{:.0}}"
        );
        assert_eq!(
            layout(&format!("{:032}", 7)),
            fixed(0, 32),
            "the benchmark's payloads"
        );
        for text in [
            "+3", "1e3", " 5", "5 ", "", "-", ".5", "5.", "1.2.3", "0x10", "NaN", "inf",
        ] {
            assert_eq!(layout(text), None, "{text:?}");
        }
        assert_eq!(layout("1234567890123456"), None, "16 digits");
        // A feed's current layout is kept where it fits.
        let two = Layout::Fixed {
            decimals: 2,
            width: 0,
        };
        assert_eq!(number_layout(b"9.75", Some(two)), Some(two));
        assert_eq!(number_layout(b"9.5", Some(two)), Some(Layout::Shortest));
    }

    #[test]
    fn kept_payloads_and_layouts_are_found_by_ordinal() {
        let mut log = PayloadLog::default();
        let two = Layout::Fixed {
            decimals: 2,
            width: 0,
        };
        log.push(Written::As(Layout::Shortest));
        log.push(Written::Bytes(b"{\"t\":1}"));
        log.push(Written::As(Layout::Shortest));
        log.push(Written::As(two));
        log.push(Written::Bytes(b""));
        assert_eq!(
            log.raws_from(0),
            vec![
                RawPayload::Written(Layout::Shortest),
                RawPayload::Kept {
                    bytes: b"{\"t\":1}".to_vec(),
                    size: 7
                },
                RawPayload::Written(Layout::Shortest),
                RawPayload::Written(two),
                RawPayload::Kept {
                    bytes: vec![],
                    size: 0
                },
            ]
        );
        assert_eq!(log.raw(3), RawPayload::Written(two));
        assert_eq!(log.raw(5), RawPayload::Unknown, "not yet noted");
        assert_eq!(log.raws_from(2), log.raws_from(0)[2..].to_vec());
        assert_eq!(log.entries.len(), 4, "a layout is noted when it changes");
    }

    #[test]
    fn the_log_keeps_its_byte_budget_and_forgets_the_oldest() {
        let mut log = PayloadLog::default();
        let payload = vec![b'x'; 1000];
        log.push(Written::As(Layout::Shortest));
        for _ in 0..1000 {
            log.push(Written::Bytes(&payload));
            log.push(Written::As(Layout::Shortest));
        }
        assert!(log.used <= PAYLOAD_LOG_BYTES);
        let raws = log.raws_from(0);
        assert_eq!(raws.len(), 2001);
        // The newest payloads are all still kept; a number is known as written, or not
        // at all once the entry of its layout went (the next number notes it again).
        let first_kept = raws
            .iter()
            .position(|r| matches!(r, RawPayload::Kept { .. }))
            .unwrap();
        for (ordinal, raw) in raws.iter().enumerate() {
            if ordinal % 2 == 0 {
                assert!(matches!(
                    raw,
                    RawPayload::Written(Layout::Shortest) | RawPayload::Unknown
                ));
            } else if ordinal >= first_kept {
                assert!(matches!(raw, RawPayload::Kept { size: 1000, bytes } if bytes == &payload));
            } else {
                assert_eq!(*raw, RawPayload::Unknown);
            }
        }
        assert_eq!(raws[2000], RawPayload::Written(Layout::Shortest));
        let kept = raws
            .iter()
            .filter(|r| matches!(r, RawPayload::Kept { .. }))
            .count();
        assert!(
            kept >= PAYLOAD_LOG_BYTES / (1000 + 2 * ENTRY_COST) - 1,
            "{kept}"
        );
        log.push(Written::As(Layout::Shortest));
        assert_eq!(log.raw(2001), RawPayload::Written(Layout::Shortest));
    }

    #[test]
    fn numbers_written_one_way_cost_one_entry_however_many() {
        let mut log = PayloadLog::default();
        for i in 0..100_000 {
            let text = format!("{i:08}");
            let layout = number_layout(text.as_bytes(), log.layout()).unwrap();
            log.push(Written::As(layout));
        }
        assert_eq!((log.entries.len(), log.bytes.len()), (1, 0));
        assert_eq!(
            log.raw(99_999),
            RawPayload::Written(Layout::Fixed {
                decimals: 0,
                width: 8
            })
        );
    }

    #[test]
    fn a_flood_of_empty_payloads_is_bounded_and_a_huge_one_is_cut() {
        let mut log = PayloadLog::default();
        for _ in 0..100_000 {
            log.push(Written::Bytes(b""));
        }
        assert!(log.entries.len() <= PAYLOAD_LOG_BYTES / ENTRY_COST);
        log.push(Written::Bytes(&vec![7u8; 100_000]));
        match log.raw(100_000) {
            RawPayload::Kept { bytes, size } => {
                assert_eq!((bytes.len(), size), (MAX_LOGGED_PAYLOAD, 100_000));
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(log.raw(0), RawPayload::Unknown, "long gone");
        log.clear();
        assert_eq!((log.noted(), log.raw(0)), (0, RawPayload::Unknown));
    }
}
