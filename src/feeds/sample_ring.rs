//! A feed's samples, bounded like [`super::Ring`] but stored in about eight bytes each.
//!
//! A chart's feed keeps up to 43,200 samples, and a dashboard may chart a hundred
//! feeds. As `Sample` structs in a `VecDeque` that was 32 bytes a sample plus up to
//! double for the deque's growth: a million messages over 100 feeds grew the page by
//! 45 MiB (docs/performance.md, S7). Here samples live in chunks allocated at their
//! final size, each holding times as ticks from the chunk's first sample and values as
//! [`packed_number`]s, falling back to `f64` for a chunk where one does not pack. The
//! oldest chunk is freed once the ring has dropped all its samples.

use std::collections::VecDeque;

use super::packed_number;
use super::{Sample, Value};

/// Samples per chunk of a large ring: small enough that the last, partly filled chunk
/// wastes little, large enough that per-chunk bookkeeping is noise.
const CHUNK: usize = 512;

/// Time resolution: a sixteenth of a millisecond (the browser's clock gives 0.1 ms or
/// coarser), so a chunk spans up to 2^32 / 16 ms, about 74 hours.
const TICKS_PER_MS: f64 = 16.0;

/// Bits for the per-sample flags of one chunk.
const FLAG_WORDS: usize = CHUNK / 64;

/// Up to `capacity` samples, oldest first; pushing onto a full ring drops the oldest.
#[derive(Debug, Clone)]
pub struct SampleRing {
    chunks: VecDeque<Chunk>,
    /// Samples of the front chunk already dropped.
    dropped: usize,
    len: usize,
    capacity: usize,
}

#[derive(Debug, Clone)]
struct Chunk {
    /// The time of the chunk's first sample, exact.
    base_ms: f64,
    /// Each sample's time after `base_ms`, in ticks.
    ticks: Vec<u32>,
    values: Values,
    /// How many samples the chunk takes: its vectors were allocated for that many.
    size: usize,
    retained: [u64; FLAG_WORDS],
    switches: [u64; FLAG_WORDS],
}

#[derive(Debug, Clone)]
enum Values {
    Packed(Vec<u32>),
    Whole(Vec<f64>),
}

impl Chunk {
    fn new(base_ms: f64, size: usize) -> Self {
        Self {
            base_ms,
            ticks: Vec::with_capacity(size),
            values: Values::Packed(Vec::with_capacity(size)),
            size,
            retained: [0; FLAG_WORDS],
            switches: [0; FLAG_WORDS],
        }
    }

    fn len(&self) -> usize {
        self.ticks.len()
    }

    /// The ticks `time_ms` is after the chunk's start, if it fits this chunk.
    fn ticks_for(&self, time_ms: f64) -> Option<u32> {
        let ticks = ((time_ms - self.base_ms) * TICKS_PER_MS).round();
        // Negative (a clock that went back), too far, or not a number: a new chunk.
        (ticks >= 0.0 && ticks <= f64::from(u32::MAX)).then_some(ticks as u32)
    }

    /// Appends a sample whose ticks fit; the chunk must have room.
    fn push(&mut self, ticks: u32, sample: Sample) {
        let i = self.len();
        let number = sample.value.as_f64();
        match &mut self.values {
            Values::Packed(packed) => match packed_number::pack(number) {
                Some(p) => packed.push(p),
                None => {
                    let mut whole = Vec::with_capacity(self.size);
                    whole.extend(packed.iter().map(|&p| packed_number::unpack(p)));
                    whole.push(number);
                    self.values = Values::Whole(whole);
                }
            },
            Values::Whole(whole) => whole.push(number),
        }
        self.ticks.push(ticks);
        set_bit(&mut self.retained, i, sample.retained);
        set_bit(
            &mut self.switches,
            i,
            matches!(sample.value, Value::Switch(_)),
        );
    }

    fn sample(&self, i: usize) -> Sample {
        let number = match &self.values {
            Values::Packed(packed) => packed_number::unpack(packed[i]),
            Values::Whole(whole) => whole[i],
        };
        let value = if bit(&self.switches, i) {
            Value::Switch(number != 0.0)
        } else {
            Value::Number(number)
        };
        Sample {
            time_ms: self.base_ms + f64::from(self.ticks[i]) / TICKS_PER_MS,
            value,
            retained: bit(&self.retained, i),
        }
    }
}

fn set_bit(words: &mut [u64; FLAG_WORDS], i: usize, on: bool) {
    let mask = 1u64 << (i % 64);
    if on {
        words[i / 64] |= mask;
    } else {
        words[i / 64] &= !mask;
    }
}

fn bit(words: &[u64; FLAG_WORDS], i: usize) -> bool {
    words[i / 64] & (1u64 << (i % 64)) != 0
}

impl SampleRing {
    /// A ring of at least one sample (a zero capacity would silently keep nothing).
    /// Nothing is allocated until samples come: a feed bound but silent costs nothing.
    pub fn new(capacity: usize) -> Self {
        Self {
            chunks: VecDeque::new(),
            dropped: 0,
            len: 0,
            capacity: capacity.max(1),
        }
    }

    /// Keeps at least `capacity` samples from now on (never fewer than before).
    pub fn grow_to(&mut self, capacity: usize) {
        self.capacity = self.capacity.max(capacity);
    }

    /// The most samples the ring holds.
    pub fn capacity(&self) -> usize {
        self.capacity
    }

    /// Number of samples held.
    pub fn len(&self) -> usize {
        self.len
    }

    /// True when nothing has been pushed.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Appends `sample`, dropping the oldest one when the ring is full. Its time is kept
    /// to a sixteenth of a millisecond.
    pub fn push(&mut self, sample: Sample) {
        if self.len == self.capacity {
            self.drop_oldest();
        }
        let fits = self.chunks.back().and_then(|chunk| {
            (chunk.len() < chunk.size)
                .then(|| chunk.ticks_for(sample.time_ms))
                .flatten()
        });
        let ticks = match fits {
            Some(ticks) => ticks,
            None => {
                // A small ring (a value block's 64) gets a chunk its own size.
                let size = self.capacity.clamp(1, CHUNK);
                self.chunks.push_back(Chunk::new(sample.time_ms, size));
                0
            }
        };
        if let Some(chunk) = self.chunks.back_mut() {
            chunk.push(ticks, sample);
            self.len += 1;
        }
    }

    /// Puts `older` (oldest first) before what the ring holds — history read back after
    /// live samples may already have come — keeping only those older than the ring's
    /// oldest, and the newest `capacity` of all.
    pub fn prepend_older(&mut self, older: impl IntoIterator<Item = Sample>) {
        let first = self.iter().next().map(|s| s.time_ms);
        let mut merged = SampleRing::new(self.capacity);
        for sample in older {
            if first.is_none_or(|t| sample.time_ms < t) {
                merged.push(sample);
            }
        }
        for sample in self.iter() {
            merged.push(sample);
        }
        *self = merged;
    }

    /// Forgets every sample.
    pub fn clear(&mut self) {
        *self = SampleRing::new(self.capacity);
    }

    fn drop_oldest(&mut self) {
        let Some(front) = self.chunks.front() else {
            return;
        };
        self.dropped += 1;
        self.len -= 1;
        if self.dropped == front.len() {
            self.chunks.pop_front();
            self.dropped = 0;
        }
    }

    /// Oldest first.
    pub fn iter(&self) -> impl DoubleEndedIterator<Item = Sample> + '_ {
        self.chunks.iter().enumerate().flat_map(move |(c, chunk)| {
            let first = if c == 0 { self.dropped } else { 0 };
            (first..chunk.len()).map(move |i| chunk.sample(i))
        })
    }

    /// The newest sample.
    pub fn last(&self) -> Option<Sample> {
        let chunk = self.chunks.back()?;
        chunk.len().checked_sub(1).map(|i| chunk.sample(i))
    }

    /// The sample `index` places from the oldest.
    pub fn get(&self, index: usize) -> Option<Sample> {
        let mut index = index + self.dropped;
        for chunk in &self.chunks {
            if index < chunk.len() {
                return Some(chunk.sample(index));
            }
            index -= chunk.len();
        }
        None
    }

    /// The index of the first sample for which `is_before` is false, given that it is
    /// true for a prefix of the ring and false for the rest (a binary search).
    pub fn partition_point(&self, mut is_before: impl FnMut(&Sample) -> bool) -> usize {
        let (mut lo, mut hi) = (0, self.len);
        while lo < hi {
            let mid = lo + (hi - lo) / 2;
            match self.get(mid) {
                Some(sample) if is_before(&sample) => lo = mid + 1,
                _ => hi = mid,
            }
        }
        lo
    }
}

#[cfg(test)]
mod tests {
    use super::{SampleRing, CHUNK};
    use crate::feeds::{Sample, Value};

    fn number(time_ms: f64, n: f64) -> Sample {
        Sample {
            time_ms,
            value: Value::Number(n),
            retained: false,
        }
    }

    fn values(ring: &SampleRing) -> Vec<f64> {
        ring.iter().map(|s| s.value.as_f64()).collect()
    }

    #[test]
    fn a_full_ring_drops_the_oldest_samples_across_chunks() {
        let mut ring = SampleRing::new(1000);
        for i in 0..2500 {
            ring.push(number(f64::from(i), f64::from(i)));
        }
        assert_eq!(ring.len(), 1000);
        let expected: Vec<f64> = (1500..2500).map(f64::from).collect();
        assert_eq!(values(&ring), expected);
        assert_eq!(ring.get(0).map(|s| s.time_ms), Some(1500.0));
        assert_eq!(ring.last().map(|s| s.time_ms), Some(2499.0));
        assert_eq!(ring.get(1000), None);
        // Newest first as well: the chart walks it backwards.
        assert_eq!(ring.iter().next_back().map(|s| s.time_ms), Some(2499.0));
        // Only the chunks holding kept samples remain.
        assert!(
            ring.chunks.len() <= 1000 / CHUNK + 2,
            "{}",
            ring.chunks.len()
        );
    }

    #[test]
    fn every_sample_comes_back_as_pushed() {
        let mut ring = SampleRing::new(100);
        let pushed = [
            Sample {
                time_ms: 1_700_000_000_000.25,
                value: Value::Number(21.3),
                retained: true,
            },
            Sample {
                time_ms: 1_700_000_000_010.5,
                value: Value::Switch(true),
                retained: false,
            },
            // Does not pack: its chunk turns to whole numbers, the others still read back.
            Sample {
                time_ms: 1_700_000_000_020.0,
                value: Value::Number(0.1 + 0.2),
                retained: false,
            },
            Sample {
                time_ms: 1_700_000_000_030.0,
                value: Value::Switch(false),
                retained: true,
            },
        ];
        for sample in pushed {
            ring.push(sample);
        }
        assert_eq!(ring.iter().collect::<Vec<_>>(), pushed.to_vec());
    }

    #[test]
    fn times_far_apart_or_going_back_start_a_new_chunk_and_stay_exact() {
        let mut ring = SampleRing::new(10);
        let times = [0.0, 1.0, 400_000_000.0, 399_999_999.0, 1e13];
        for (i, t) in times.iter().enumerate() {
            ring.push(number(*t, i as f64));
        }
        let back: Vec<f64> = ring.iter().map(|s| s.time_ms).collect();
        assert_eq!(back, times.to_vec());
    }

    #[test]
    fn a_binary_search_finds_the_first_sample_at_or_after_a_time() {
        let mut ring = SampleRing::new(2000);
        for i in 0..3000 {
            ring.push(number(f64::from(i) * 10.0, 0.0));
        }
        // Kept: times 10,000 .. 29,990.
        assert_eq!(ring.partition_point(|s| s.time_ms < 10_000.0), 0);
        assert_eq!(ring.partition_point(|s| s.time_ms < 10_005.0), 1);
        assert_eq!(ring.partition_point(|s| s.time_ms < 25_000.0), 1500);
        assert_eq!(ring.partition_point(|s| s.time_ms < 1e9), 2000);
    }

    #[test]
    fn a_small_ring_allocates_a_small_chunk_and_a_zero_capacity_keeps_one() {
        let mut ring = SampleRing::new(64);
        ring.push(number(0.0, 1.0));
        assert_eq!(ring.chunks[0].ticks.capacity(), 64);
        let mut ring = SampleRing::new(0);
        ring.push(number(0.0, 1.0));
        ring.push(number(1.0, 2.0));
        assert_eq!(values(&ring), vec![2.0]);
    }

    /// Against the obvious model — the last `capacity` samples pushed — over many
    /// capacities and a mix of values that pack and values that do not.
    #[test]
    fn it_holds_exactly_what_a_plain_bounded_queue_would() {
        let mut seed: u64 = 0x9E37_79B9_7F4A_7C15;
        let mut next = move || {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            seed
        };
        for capacity in [1, 2, 63, 64, 65, 511, 512, 513, 1500] {
            let mut ring = SampleRing::new(capacity);
            let mut model = std::collections::VecDeque::new();
            let mut time_ms = 1_700_000_000_000.0;
            for _ in 0..capacity * 3 + 7 {
                let r = next();
                time_ms += (r % 5000) as f64 / 16.0;
                let value = match r % 4 {
                    0 => Value::Switch(r & 16 != 0),
                    1 => Value::Number((r % 100_000) as f64 / 100.0),
                    2 => Value::Number(f64::from_bits(r >> 2) % 1e6),
                    _ => Value::Number(-((r % 1000) as f64)),
                };
                let value = match value {
                    Value::Number(n) if !n.is_finite() => Value::Number(0.0),
                    v => v,
                };
                let sample = Sample {
                    time_ms,
                    value,
                    retained: r & 32 != 0,
                };
                ring.push(sample);
                model.push_back(sample);
                if model.len() > capacity {
                    model.pop_front();
                }
                assert_eq!(ring.len(), model.len());
            }
            assert_eq!(ring.iter().collect::<Vec<_>>(), Vec::from(model.clone()));
            assert_eq!(
                ring.iter().rev().collect::<Vec<_>>(),
                model.iter().rev().copied().collect::<Vec<_>>()
            );
            assert_eq!(ring.last(), model.back().copied());
            for i in [0, capacity / 2, capacity - 1, capacity] {
                assert_eq!(
                    ring.get(i),
                    model.get(i).copied(),
                    "capacity {capacity}, {i}"
                );
            }
        }
    }

    #[test]
    fn history_goes_before_live_samples_and_never_overlaps_them() {
        let mut ring = SampleRing::new(4);
        ring.push(number(100.0, 1.0));
        ring.push(number(200.0, 2.0));
        // Read back: older ones, and one as new as a live sample (already there).
        ring.prepend_older([
            number(10.0, 7.0),
            number(50.0, 8.0),
            number(90.0, 9.0),
            number(100.0, 1.0),
        ]);
        assert_eq!(values(&ring), vec![8.0, 9.0, 1.0, 2.0], "the newest 4");
        let mut empty = SampleRing::new(4);
        empty.prepend_older([number(1.0, 1.0)]);
        assert_eq!(values(&empty), vec![1.0]);
        empty.clear();
        assert!(empty.is_empty());
    }

    #[test]
    fn growing_keeps_what_was_there_and_takes_more() {
        let mut ring = SampleRing::new(4);
        for i in 0..10 {
            ring.push(number(f64::from(i), f64::from(i)));
        }
        ring.grow_to(8);
        for i in 10..20 {
            ring.push(number(f64::from(i), f64::from(i)));
        }
        assert_eq!(values(&ring), (12..20).map(f64::from).collect::<Vec<_>>());
    }
}
