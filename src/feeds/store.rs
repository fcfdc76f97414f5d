//! Routing messages to feeds and keeping each feed's recent values.

use mqtt_session::topic::{filter_matches, validate_topic_filter};

use rustc_hash::{FxHashMap, FxHashSet};

use super::decimal_shape::scan;
use super::decode::{decode, Decoded, Decoding, Part, Read};
use super::image_payload::ImageSource;
use super::payload_log::{layout_of, number_layout, Layout, PayloadLog, RawPayload, Written};
use super::{Ring, SampleRing, Value};

/// Index of a feed in its store. Stable for the store's lifetime.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct FeedId(usize);

impl FeedId {
    /// Position of the feed in its store, from 0: feeds are never removed.
    pub fn index(self) -> usize {
        self.0
    }
}

/// One decoded value and when it arrived.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Sample {
    /// Arrival time, milliseconds since the Unix epoch (the page's clock).
    pub time_ms: f64,
    /// The decoded value.
    pub value: Value,
    /// Delivered as a retained message: a value from before we subscribed.
    pub retained: bool,
}

/// One message of a text feed, as it came (shortened to
/// [`super::decode::MAX_TEXT_BYTES`]).
#[derive(Debug, Clone, PartialEq)]
pub struct KeptText {
    /// Which message of the feed it was (its count of messages then): a key that
    /// stays with the text while newer ones push it down a list.
    pub seq: u64,
    /// Arrival time, milliseconds since the Unix epoch (the page's clock).
    pub time_ms: f64,
    /// Delivered as a retained message.
    pub retained: bool,
    /// The message's topic, kept for a feed with wildcards (where it says which
    /// device spoke); `None` for an exact feed, whose topic is its filter.
    pub topic: Option<Box<str>>,
    /// The text, to be rendered as text.
    pub text: Box<str>,
}

/// The latest image of an image feed.
#[derive(Debug, Clone, PartialEq)]
pub struct KeptImage {
    /// Arrival time, milliseconds since the Unix epoch.
    pub time_ms: f64,
    /// Delivered as a retained message.
    pub retained: bool,
    /// The checked image.
    pub image: ImageSource,
}

/// The most messages a text feed keeps: a stream block shows the newest few dozen,
/// a map's track a few hundred positions.
pub const MAX_KEPT_TEXTS: usize = 500;

/// A topic filter, how to read its payloads, and what arrived.
#[derive(Debug, Clone)]
pub struct Feed {
    filter: String,
    decoding: Decoding,
    /// Numbers and on/off states.
    samples: SampleRing,
    /// The payloads behind the live samples that were more than their value's text.
    payloads: PayloadLog,
    /// Texts, for a feed read as text.
    texts: Ring<KeptText>,
    /// Only the newest image: one can be half a megabyte.
    image: Option<KeptImage>,
    last_error: Option<String>,
    messages: u64,
    /// Has `+` or `#`: its errors name the topic, which the filter alone does not say.
    wildcard: bool,
    /// Why the broker refused the subscription to the filter, until it grants one.
    refused: Option<String>,
    /// How many blocks and alert rules read it. At 0 no message reaches it and its
    /// filter is no longer subscribed, but it keeps what it had: a block edited is
    /// removed and added again, and should find its history.
    readers: u32,
}

impl Feed {
    /// The topic filter this feed is bound to.
    pub fn filter(&self) -> &str {
        &self.filter
    }

    /// What the saved history calls this feed: its filter and how it is read, so two
    /// blocks reading one topic differently keep histories of their own.
    pub fn history_key(&self) -> String {
        format!("{}\u{1f}{:?}", self.filter, self.decoding)
    }

    /// Recent samples, oldest first, bounded by the feed's capacity.
    pub fn samples(&self) -> &SampleRing {
        &self.samples
    }

    /// The samples that arrived from `from_ms` to `to_ms` (inclusive), oldest first,
    /// each with its raw payload as far as it is still known: for a CSV export.
    pub fn samples_between(&self, from_ms: f64, to_ms: f64) -> Vec<(Sample, RawPayload)> {
        let len = self.samples.len();
        let start = self.samples.partition_point(|s| s.time_ms < from_ms);
        let end = self
            .samples
            .partition_point(|s| s.time_ms <= to_ms)
            .max(start);
        // The newest `noted` samples are live ones, numbered up to `noted`; any before
        // them were read back from the saved history.
        let noted = self.payloads.noted();
        let ordinal_of = |index: usize| noted.checked_sub((len - index) as u64);
        let first_live = (start..end).find_map(ordinal_of);
        let mut raws = first_live
            .map(|o| self.payloads.raws_from(o))
            .unwrap_or_default()
            .into_iter();
        (start..end)
            .filter_map(|index| {
                let sample = self.samples.get(index)?;
                let raw = match ordinal_of(index) {
                    Some(_) => raws.next().unwrap_or(RawPayload::Unknown),
                    None => RawPayload::Unknown,
                };
                Some((sample, raw))
            })
            .collect()
    }

    /// The payload `value` was in `layout`: what a sample's [`RawPayload::Written`]
    /// stands for. An on/off value is its switch's text.
    pub fn value_text(&self, value: Value, layout: Layout) -> String {
        match (&self.decoding.read, value) {
            (Read::Switch { on, .. } | Read::Equals { on }, Value::Switch(true)) => on.clone(),
            (Read::Switch { off, .. }, Value::Switch(false)) => off.clone(),
            (_, value) => layout.write(value.as_f64()),
        }
    }

    /// The usual sensor message — a plain decimal read whole as a number — decoded and
    /// noted from one pass over its bytes: what [`decode`] and [`Feed::written_as`]
    /// give for it, without their separate walks (UTF-8 check, trim, parse, layout).
    /// `None` for anything else, which goes the general way.
    fn plain_number<'p>(&self, payload: &'p [u8]) -> Option<(Value, Written<'p>)> {
        if self.decoding.part != Part::Whole || !matches!(self.decoding.read, Read::Number) {
            return None;
        }
        let shape = scan(payload)?;
        let value = Value::Number(shape.value()?);
        let written =
            layout_of(&shape, self.payloads.layout()).map_or(Written::Bytes(payload), Written::As);
        Some((value, written))
    }

    /// How `payload` is noted for `value`: as a layout when [`Feed::value_text`] writes
    /// it again exactly, else as its bytes. A byte scan, no allocation: this runs per
    /// message.
    fn written_as<'p>(&self, payload: &'p [u8], value: Value) -> Written<'p> {
        let layout = if self.decoding.part != Part::Whole {
            None
        } else {
            match (&self.decoding.read, value) {
                (Read::Number, _) => number_layout(payload, self.payloads.layout()),
                (Read::Switch { on, .. } | Read::Equals { on }, Value::Switch(true)) => {
                    (payload == on.as_bytes()).then_some(Layout::Shortest)
                }
                (Read::Switch { off, .. }, Value::Switch(false)) => {
                    (payload == off.as_bytes()).then_some(Layout::Shortest)
                }
                _ => None,
            }
        };
        layout.map_or(Written::Bytes(payload), Written::As)
    }

    /// The newest sample.
    pub fn latest(&self) -> Option<Sample> {
        self.samples.last()
    }

    /// Recent texts, oldest first, for a feed read as text.
    pub fn texts(&self) -> &Ring<KeptText> {
        &self.texts
    }

    /// The newest image, for a feed read as an image.
    pub fn image(&self) -> Option<&KeptImage> {
        self.image.as_ref()
    }

    /// When each kept message arrived and whether it was retained, oldest first,
    /// whatever the feed reads: what staleness is judged from.
    pub fn arrivals(&self) -> impl DoubleEndedIterator<Item = (f64, bool)> + '_ {
        let samples = self.samples.iter().map(|s| (s.time_ms, s.retained));
        let texts = self.texts.iter().map(|t| (t.time_ms, t.retained));
        let image = self.image.iter().map(|i| (i.time_ms, i.retained));
        samples.chain(texts).chain(image)
    }

    /// Why the most recent payload could not be read, until a good one arrives:
    /// `not a number: abc`, prefixed with the topic (`home/a/t: not a number: abc`) when
    /// the feed's filter has wildcards.
    pub fn last_error(&self) -> Option<&str> {
        self.last_error.as_deref()
    }

    /// Messages routed to this feed, readable or not.
    pub fn messages(&self) -> u64 {
        self.messages
    }

    /// Why the broker refused to let us read this feed's filter (its SUBACK), until a
    /// later subscription to it is granted.
    pub fn refusal(&self) -> Option<&str> {
        self.refused.as_deref()
    }

    /// What a block says under its value: the refusal, which explains why nothing
    /// comes, else why the latest payload could not be read.
    pub fn notice(&self) -> Option<&str> {
        self.refusal().or(self.last_error())
    }
}

/// How many distinct topics under wildcard feeds are remembered for suggestions.
pub const MAX_SEEN_TOPICS: usize = 500;

/// All feeds of the open dashboards, with the routing from topics to feeds.
#[derive(Debug, Default)]
pub struct FeedStore {
    feeds: Vec<Feed>,
    /// Exact topics: one hash look-up per message.
    exact: FxHashMap<String, Vec<FeedId>>,
    /// Filters with `+` or `#`, matched one by one. Dashboards bind a handful of
    /// these; the topic explorer's many filters will want a trie here.
    wildcard: Vec<FeedId>,
    /// Topics that reached a wildcard feed, for the block wizard's suggestions: at
    /// most [`MAX_SEEN_TOPICS`], the first ones seen. (An exact feed's topic is its
    /// filter, known already.)
    seen_topics: FxHashSet<Box<str>>,
    changed: Vec<FeedId>,
    changed_flag: Vec<bool>,
    /// New samples not yet written to the saved history, oldest first; `None` while
    /// nothing is saved. Bounded by [`MAX_HISTORY_LOG`].
    history_log: Option<Vec<(FeedId, Sample)>>,
    /// Samples left out of the log because it was full (a store that cannot keep up).
    history_dropped: u64,
    /// Per feed, the second of its newest logged sample and where it is in the log: a
    /// newer sample of the same second replaces it.
    history_slots: Vec<Option<(i64, usize)>>,
}

/// The most samples waiting to be written to the saved history.
pub const MAX_HISTORY_LOG: usize = 200_000;

/// The saved history keeps at most one sample per feed and this many milliseconds (the
/// newest): a chart's 43,200 samples span 24 h at one every 2 s, and 5,000 messages a
/// second must not become 5,000 writes a second.
pub const HISTORY_RESOLUTION_MS: f64 = 1000.0;

impl FeedStore {
    /// An empty store.
    pub fn new() -> Self {
        Self::default()
    }

    /// Binds a feed to `filter`, keeping at most `capacity` samples.
    /// Refuses an invalid filter with the rule it breaks.
    pub fn add_feed(
        &mut self,
        filter: &str,
        decoding: Decoding,
        capacity: usize,
    ) -> Result<FeedId, String> {
        validate_topic_filter(filter).map_err(|e| format!("{filter:?}: {e}"))?;
        let id = FeedId(self.feeds.len());
        let wildcard = filter.contains(['+', '#']);
        self.feeds.push(Feed {
            filter: filter.to_owned(),
            decoding,
            samples: SampleRing::new(capacity),
            payloads: PayloadLog::default(),
            texts: Ring::new(capacity.min(MAX_KEPT_TEXTS)),
            image: None,
            last_error: None,
            messages: 0,
            wildcard,
            refused: None,
            readers: 1,
        });
        self.changed_flag.push(false);
        self.history_slots.push(None);
        self.route(id);
        Ok(id)
    }

    /// Messages matching the feed's filter reach it from now on.
    fn route(&mut self, id: FeedId) {
        let feed = &self.feeds[id.0];
        if feed.wildcard {
            self.wildcard.push(id);
        } else {
            self.exact.entry(feed.filter.clone()).or_default().push(id);
        }
    }

    /// No message reaches the feed any more.
    fn unroute(&mut self, id: FeedId) {
        let feed = &self.feeds[id.0];
        if feed.wildcard {
            self.wildcard.retain(|&w| w != id);
        } else if let Some(ids) = self.exact.get_mut(&feed.filter) {
            ids.retain(|&e| e != id);
            if ids.is_empty() {
                self.exact.remove(&feed.filter);
            }
        }
    }

    /// One reader of feed `id` (a block or an alert rule, from [`FeedStore::add_feed`]
    /// or [`FeedStore::find_or_add_feed`]) is gone. Returns true when that was its
    /// last: it gets no more messages, and its filter leaves [`FeedStore::filters`]
    /// unless another feed reads it.
    pub fn release(&mut self, id: FeedId) -> bool {
        let Some(feed) = self.feeds.get_mut(id.0) else {
            return false;
        };
        if feed.readers == 0 {
            return false;
        }
        feed.readers -= 1;
        if feed.readers > 0 {
            return false;
        }
        self.unroute(id);
        true
    }

    /// True while some block or alert rule reads feed `id`.
    pub fn is_read(&self, id: FeedId) -> bool {
        self.feeds.get(id.0).is_some_and(|f| f.readers > 0)
    }

    /// The feed bound to `filter` with `decoding`, added unless there is one already:
    /// a block added or edited while the dashboard is open shares the history of the
    /// feed it reads instead of starting an empty copy of it. An existing feed keeps at
    /// least `capacity` samples from then on. Either way the feed has one more reader,
    /// to be given back with [`FeedStore::release`].
    pub fn find_or_add_feed(
        &mut self,
        filter: &str,
        decoding: Decoding,
        capacity: usize,
    ) -> Result<FeedId, String> {
        match self.find_feed(filter, &decoding) {
            Some(id) => {
                let feed = &mut self.feeds[id.0];
                feed.samples.grow_to(capacity);
                feed.texts.grow_to(capacity.min(MAX_KEPT_TEXTS));
                feed.readers = feed.readers.saturating_add(1);
                if feed.readers == 1 {
                    self.route(id);
                }
                Ok(id)
            }
            None => self.add_feed(filter, decoding, capacity),
        }
    }

    /// The feed bound to `filter` with `decoding`, if there is one.
    pub fn find_feed(&self, filter: &str, decoding: &Decoding) -> Option<FeedId> {
        self.feeds
            .iter()
            .position(|f| f.filter == filter && f.decoding == *decoding)
            .map(FeedId)
    }

    /// Topics that reached a wildcard feed (at most [`MAX_SEEN_TOPICS`]), sorted.
    pub fn seen_topics(&self) -> Vec<String> {
        let mut topics: Vec<String> = self.seen_topics.iter().map(|t| t.to_string()).collect();
        topics.sort_unstable();
        topics
    }

    /// How many feeds the store holds: ids run from 0 to this, never removed.
    pub fn len(&self) -> usize {
        self.feeds.len()
    }

    /// True when no feed is bound.
    pub fn is_empty(&self) -> bool {
        self.feeds.is_empty()
    }

    /// Every feed's id, in the order they were bound.
    pub fn ids(&self) -> impl Iterator<Item = FeedId> {
        (0..self.feeds.len()).map(FeedId)
    }

    /// The feed with this id.
    pub fn feed(&self, id: FeedId) -> Option<&Feed> {
        self.feeds.get(id.0)
    }

    /// Every distinct filter of a feed that something reads, in the order first
    /// bound: what to subscribe to.
    pub fn filters(&self) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for feed in self.feeds.iter().filter(|f| f.readers > 0) {
            if !out.contains(&feed.filter) {
                out.push(feed.filter.clone());
            }
        }
        out
    }

    /// Routes one message to every feed whose filter matches `topic`, decoding the
    /// payload per feed. Returns how many feeds it reached.
    pub fn ingest(&mut self, topic: &str, payload: &[u8], retained: bool, time_ms: f64) -> usize {
        self.ingest_for(topic, payload, retained, time_ms, |_| true)
    }

    /// [`FeedStore::ingest`] to the matching feeds whose filter `wanted` accepts: a
    /// copy of a message the broker sent for some of our subscriptions only.
    pub fn ingest_for(
        &mut self,
        topic: &str,
        payload: &[u8],
        retained: bool,
        time_ms: f64,
        wanted: impl Fn(&str) -> bool,
    ) -> usize {
        // Split borrows: routing tables are read while feeds are written. No allocation
        // per message: this runs thousands of times a second.
        let Self {
            feeds,
            exact,
            wildcard,
            seen_topics,
            changed,
            changed_flag,
            history_log,
            history_dropped,
            history_slots,
        } = self;
        let mut deliver = |id: FeedId, feeds: &mut Vec<Feed>| {
            let feed = &mut feeds[id.0];
            feed.messages += 1;
            let (decoded, written) = match feed.plain_number(payload) {
                Some((value, written)) => (Ok(Decoded::Value(value)), Some(written)),
                None => (decode(&feed.decoding, payload), None),
            };
            match decoded {
                Ok(decoded) => {
                    match decoded {
                        Decoded::Value(value) => {
                            let sample = Sample {
                                time_ms,
                                value,
                                retained,
                            };
                            feed.samples.push(sample);
                            let written =
                                written.unwrap_or_else(|| feed.written_as(payload, value));
                            feed.payloads.push(written);
                            if let Some(log) = history_log {
                                let bucket = (time_ms / HISTORY_RESOLUTION_MS).floor() as i64;
                                let slot = &mut history_slots[id.0];
                                match *slot {
                                    Some((b, at)) if b == bucket => log[at] = (id, sample),
                                    _ if log.len() < MAX_HISTORY_LOG => {
                                        *slot = Some((bucket, log.len()));
                                        log.push((id, sample));
                                    }
                                    _ => *history_dropped += 1,
                                }
                            }
                        }
                        // Text feeds allocate per message anyway: the text is kept.
                        Decoded::Text(text) => feed.texts.push(KeptText {
                            seq: feed.messages,
                            time_ms,
                            retained,
                            topic: feed.wildcard.then(|| topic.into()),
                            text: text.into_boxed_str(),
                        }),
                        Decoded::Image(image) => {
                            feed.image = Some(KeptImage {
                                time_ms,
                                retained,
                                image,
                            });
                        }
                    }
                    feed.last_error = None;
                }
                // Only unreadable messages allocate here.
                Err(e) if feed.wildcard => feed.last_error = Some(format!("{topic}: {e}")),
                Err(e) => feed.last_error = Some(e.to_string()),
            }
            if !changed_flag[id.0] {
                changed_flag[id.0] = true;
                changed.push(id);
            }
        };
        let mut reached = 0;
        if wanted(topic) {
            for &id in exact.get(topic).map(Vec::as_slice).unwrap_or(&[]) {
                deliver(id, feeds);
                reached += 1;
            }
        }
        let mut wildcard_reached = false;
        for &id in wildcard.iter() {
            let filter = &feeds[id.0].filter;
            if filter_matches(filter, topic) && wanted(filter) {
                deliver(id, feeds);
                reached += 1;
                wildcard_reached = true;
            }
        }
        // One look-up per message of a wildcard feed; an allocation only for a topic
        // not seen before, and never past the bound.
        if wildcard_reached && seen_topics.len() < MAX_SEEN_TOPICS && !seen_topics.contains(topic) {
            seen_topics.insert(topic.into());
        }
        reached
    }

    /// Records the broker's answer to a subscription to `filter` on every feed bound to
    /// it: `Some(why)` when refused, `None` when granted. Those feeds count as changed.
    pub fn subscription_answered(&mut self, filter: &str, refused: Option<String>) {
        for (index, feed) in self.feeds.iter_mut().enumerate() {
            if feed.filter == filter && feed.refused != refused {
                feed.refused.clone_from(&refused);
                if !self.changed_flag[index] {
                    self.changed_flag[index] = true;
                    self.changed.push(FeedId(index));
                }
            }
        }
    }

    /// Starts (or stops) noting new samples for the saved history.
    pub fn log_history(&mut self, on: bool) {
        self.history_log = on.then(Vec::new);
    }

    /// The samples noted for the saved history since the last call, oldest first, and
    /// how many were left out because the log was full.
    pub fn take_history_log(&mut self) -> (Vec<(FeedId, Sample)>, u64) {
        self.history_slots.iter_mut().for_each(|slot| *slot = None);
        let log = match &mut self.history_log {
            Some(log) => std::mem::take(log),
            None => Vec::new(),
        };
        (log, std::mem::take(&mut self.history_dropped))
    }

    /// Puts samples read back from the saved history before feed `id`'s live ones.
    pub fn prepend_history(&mut self, id: FeedId, older: Vec<Sample>) {
        if let Some(feed) = self.feeds.get_mut(id.0) {
            feed.samples.prepend_older(older);
            self.mark_changed(id);
        }
    }

    /// Forgets every sample of every feed (the dashboard's history was cleared).
    pub fn clear_samples(&mut self) {
        for index in 0..self.feeds.len() {
            self.feeds[index].samples.clear();
            self.feeds[index].payloads.clear();
            self.mark_changed(FeedId(index));
        }
        if let Some(log) = &mut self.history_log {
            log.clear();
        }
        self.history_slots.iter_mut().for_each(|slot| *slot = None);
    }

    fn mark_changed(&mut self, id: FeedId) {
        if !self.changed_flag[id.0] {
            self.changed_flag[id.0] = true;
            self.changed.push(id);
        }
    }

    /// The feeds that changed since the last call (each once): called once per frame.
    pub fn take_changed(&mut self) -> Vec<FeedId> {
        for id in &self.changed {
            self.changed_flag[id.0] = false;
        }
        std::mem::take(&mut self.changed)
    }

    /// True when some feed changed since the last [`FeedStore::take_changed`].
    pub fn has_changes(&self) -> bool {
        !self.changed.is_empty()
    }
}

#[cfg(test)]
mod history_log_tests {
    use super::*;

    #[test]
    fn the_history_log_keeps_the_newest_sample_per_feed_and_second() {
        let mut store = FeedStore::new();
        let a = store.add_feed("a", Decoding::number(), 10).unwrap();
        let b = store.add_feed("b", Decoding::number(), 10).unwrap();
        store.ingest("a", b"1", false, 0.0);
        assert!(store.take_history_log().0.is_empty(), "off until asked");
        store.log_history(true);
        for (topic, payload, t) in [
            ("a", "1", 1000.0),
            ("b", "5", 1100.0),
            ("a", "2", 1500.0),
            ("a", "3", 2000.0),
            ("a", "4", 2999.0),
        ] {
            store.ingest(topic, payload.as_bytes(), false, t);
        }
        let (log, dropped) = store.take_history_log();
        let values: Vec<(FeedId, f64)> =
            log.iter().map(|(id, s)| (*id, s.value.as_f64())).collect();
        assert_eq!(values, vec![(a, 2.0), (b, 5.0), (a, 4.0)]);
        assert_eq!(dropped, 0);
        // A new batch starts new slots: the same second is logged again.
        store.ingest("a", b"6", false, 2999.5);
        assert_eq!(store.take_history_log().0.len(), 1);
        // Every sample stays in the feed itself.
        assert_eq!(store.feed(a).unwrap().samples().len(), 6);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn switch() -> Decoding {
        Decoding::switch("ON", "OFF")
    }

    #[test]
    fn the_one_pass_number_path_reads_and_notes_payloads_as_the_general_one() {
        let mut store = FeedStore::new();
        let id = store.find_or_add_feed("t", Decoding::number(), 64).unwrap();
        let mut next = crate::feeds::test_random::below(0x2545_f491_4f6c_dd1d);
        let mut taken = 0;
        for i in 0..50_000 {
            // Signs, points, zeros, lengths past the exact limits, and now and then a
            // byte the fast path refuses (space, exponent, letter).
            let mut text = String::new();
            match next(5) {
                0 => text.push('-'),
                1 => text.push('+'),
                _ => {}
            }
            let length = next(20);
            let point_at = next(length + 3);
            for at in 0..length {
                if at == point_at {
                    text.push('.');
                }
                text.push(char::from(b"0000123456789"[next(13) as usize]));
            }
            match next(12) {
                0 => text.push(' '),
                1 => text.push_str("e3"),
                2 => text.insert(0, 'x'),
                _ => {}
            }
            let payload = text.as_bytes();
            let feed = store.feed(id).unwrap();
            let general = decode(&feed.decoding, payload).ok().and_then(|d| match d {
                Decoded::Value(value) => Some((value, feed.written_as(payload, value))),
                _ => None,
            });
            if let Some(fast) = feed.plain_number(payload) {
                taken += 1;
                assert_eq!(Some(fast), general, "{text:?}");
            }
            // Through the store, so the feed's current layout varies as it would.
            store.ingest("t", payload, false, f64::from(i));
        }
        assert!(taken > 25_000, "the fast path took only {taken} payloads");
    }

    #[test]
    fn an_identical_binding_shares_the_feed_and_its_history() {
        let mut store = FeedStore::new();
        let first = store.find_or_add_feed("t", Decoding::number(), 10).unwrap();
        store.ingest("t", b"1", false, 0.0);
        let again = store.find_or_add_feed("t", Decoding::number(), 10).unwrap();
        assert_eq!(again, first);
        assert_eq!(store.feed(again).unwrap().samples().len(), 1);
        let other = store.find_or_add_feed("t", switch(), 10).unwrap();
        assert_ne!(other, first, "another decoding is another feed");
        assert!(store
            .find_or_add_feed("a/#/b", Decoding::number(), 10)
            .is_err());
    }

    #[test]
    fn a_feed_nobody_reads_gets_no_messages_and_leaves_the_filters() {
        let mut store = FeedStore::new();
        let chart = store.find_or_add_feed("t", Decoding::number(), 10).unwrap();
        let value = store.find_or_add_feed("t", Decoding::number(), 10).unwrap();
        let all = store
            .find_or_add_feed("home/#", Decoding::number(), 10)
            .unwrap();
        store.ingest("t", b"1", false, 0.0);
        assert!(!store.release(chart), "the value block still reads it");
        assert_eq!(store.filters(), ["t", "home/#"]);
        assert!(store.release(value), "its last reader");
        assert!(store.release(all));
        assert!(!store.release(all), "released once per reader, no further");
        assert!(store.filters().is_empty());
        assert_eq!(store.ingest("t", b"2", false, 1.0), 0);
        assert_eq!(store.ingest("home/a", b"3", false, 1.0), 0);
        assert!(!store.is_read(chart));

        // Read again (a block edited, or added back): its history is still there, and
        // messages reach it once, not twice.
        assert_eq!(
            store.find_or_add_feed("t", Decoding::number(), 10),
            Ok(chart)
        );
        assert!(store.is_read(chart));
        assert_eq!(store.filters(), ["t"]);
        assert_eq!(store.ingest("t", b"4", false, 2.0), 1);
        let values: Vec<f64> = store
            .feed(chart)
            .unwrap()
            .samples()
            .iter()
            .map(|s| s.value.as_f64())
            .collect();
        assert_eq!(values, [1.0, 4.0]);
    }

    #[test]
    fn a_feed_shared_with_a_block_that_needs_more_history_keeps_more() {
        let mut store = FeedStore::new();
        let id = store.find_or_add_feed("t", Decoding::number(), 4).unwrap();
        for i in 0..10 {
            store.ingest("t", i.to_string().as_bytes(), false, f64::from(i));
        }
        assert_eq!(store.feed(id).unwrap().samples().len(), 4);
        assert_eq!(store.find_or_add_feed("t", Decoding::number(), 8), Ok(id));
        assert_eq!(store.find_or_add_feed("t", Decoding::number(), 2), Ok(id));
        for i in 10..20 {
            store.ingest("t", i.to_string().as_bytes(), false, f64::from(i));
        }
        assert_eq!(store.feed(id).unwrap().samples().len(), 8, "never shrinks");
    }

    #[test]
    fn a_copy_for_some_subscriptions_reaches_only_their_feeds() {
        let mut store = FeedStore::new();
        let exact = store.add_feed("a/b", Decoding::number(), 10).unwrap();
        let all = store.add_feed("a/#", Decoding::number(), 10).unwrap();
        assert_eq!(store.ingest_for("a/b", b"1", false, 0.0, |f| f == "a/#"), 1);
        assert_eq!(store.ingest_for("a/b", b"1", false, 0.0, |f| f == "a/b"), 1);
        assert_eq!(store.feed(exact).unwrap().samples().len(), 1);
        assert_eq!(store.feed(all).unwrap().samples().len(), 1);
    }

    #[test]
    fn a_refused_subscription_is_noted_on_its_feeds_until_granted() {
        let mut store = FeedStore::new();
        let refused = store.add_feed("bob/#", Decoding::number(), 10).unwrap();
        let other = store.add_feed("alice/t", Decoding::number(), 10).unwrap();
        store.ingest("alice/t", b"x", false, 0.0);
        store.take_changed();
        store.subscription_answered("bob/#", Some("not authorized".into()));
        assert_eq!(store.take_changed(), vec![refused]);
        assert_eq!(
            store.feed(refused).unwrap().notice(),
            Some("not authorized")
        );
        assert_eq!(
            store.feed(other).unwrap().notice(),
            Some("not a number: x"),
            "another feed keeps its own notice"
        );
        store.subscription_answered("bob/#", None);
        assert_eq!(store.feed(refused).unwrap().notice(), None);
        assert_eq!(store.take_changed(), vec![refused]);
        store.subscription_answered("bob/#", None);
        assert!(store.take_changed().is_empty(), "no change, no redraw");
    }

    #[test]
    fn topics_seen_under_wildcards_are_remembered_up_to_a_bound() {
        let mut store = FeedStore::new();
        store.add_feed("home/+/t", Decoding::number(), 10).unwrap();
        store.add_feed("x", Decoding::number(), 10).unwrap();
        store.ingest("home/b/t", b"1", false, 0.0);
        store.ingest("home/a/t", b"1", false, 0.0);
        store.ingest("home/a/t", b"2", false, 0.0);
        store.ingest("x", b"2", false, 0.0);
        store.ingest("elsewhere", b"2", false, 0.0);
        assert_eq!(store.seen_topics(), vec!["home/a/t", "home/b/t"]);
        for i in 0..(MAX_SEEN_TOPICS + 50) {
            store.ingest(&format!("home/{i}/t"), b"1", false, 0.0);
        }
        assert_eq!(store.seen_topics().len(), MAX_SEEN_TOPICS);
    }

    #[test]
    fn a_message_reaches_exact_and_wildcard_feeds_and_nothing_else() {
        let mut store = FeedStore::new();
        let exact = store
            .add_feed("home/f/temp", Decoding::number(), 10)
            .unwrap();
        let plus = store
            .add_feed("home/+/temp", Decoding::number(), 10)
            .unwrap();
        let hash = store.add_feed("home/#", Decoding::number(), 10).unwrap();
        let other = store.add_feed("ward/#", Decoding::number(), 10).unwrap();

        assert_eq!(store.ingest("home/f/temp", b"21.5", false, 1.0), 3);

        for id in [exact, plus, hash] {
            let feed = store.feed(id).unwrap();
            assert_eq!(feed.latest().map(|s| s.value), Some(Value::Number(21.5)));
        }
        assert!(store.feed(other).unwrap().latest().is_none());
    }

    #[test]
    fn changed_feeds_are_reported_once_per_frame_however_many_messages_came() {
        let mut store = FeedStore::new();
        let temp = store.add_feed("t", Decoding::number(), 100).unwrap();
        let heater = store.add_feed("h", switch(), 100).unwrap();
        for i in 0..50 {
            store.ingest("t", i.to_string().as_bytes(), false, f64::from(i));
        }
        store.ingest("h", b"ON", true, 0.0);

        assert_eq!(store.take_changed(), vec![temp, heater]);
        assert!(!store.has_changes());
        assert!(store.take_changed().is_empty());
        assert_eq!(store.feed(temp).unwrap().messages(), 50);
    }

    #[test]
    fn a_feed_keeps_only_its_capacity_of_samples() {
        let mut store = FeedStore::new();
        let id = store.add_feed("t", Decoding::number(), 5).unwrap();
        for i in 0..1000 {
            store.ingest("t", i.to_string().as_bytes(), false, f64::from(i));
        }
        let feed = store.feed(id).unwrap();
        assert_eq!(feed.samples().len(), 5);
        assert_eq!(feed.latest().unwrap().value, Value::Number(999.0));
    }

    #[test]
    fn an_unreadable_payload_is_reported_on_the_feed_and_keeps_the_last_good_value() {
        let mut store = FeedStore::new();
        let id = store.add_feed("t", Decoding::number(), 5).unwrap();
        store.ingest("t", b"20", true, 0.0);
        store.ingest("t", b"hot", false, 1.0);
        let feed = store.feed(id).unwrap();
        assert_eq!(feed.latest().unwrap().value, Value::Number(20.0));
        assert!(feed.latest().unwrap().retained);
        assert_eq!(feed.last_error(), Some("not a number: hot"));

        store.ingest("t", b"21", false, 2.0);
        assert_eq!(store.feed(id).unwrap().last_error(), None);
    }

    #[test]
    fn an_unreadable_payload_on_a_wildcard_feed_names_its_topic() {
        let mut store = FeedStore::new();
        let id = store.add_feed("home/+/t", Decoding::number(), 5).unwrap();
        store.ingest("home/kitchen/t", b"warm", false, 0.0);
        assert_eq!(
            store.feed(id).unwrap().last_error(),
            Some("home/kitchen/t: not a number: warm")
        );
    }

    #[test]
    fn an_invalid_filter_is_refused_with_the_rule_it_breaks() {
        let mut store = FeedStore::new();
        let err = store.add_feed("a/#/b", Decoding::number(), 5).unwrap_err();
        assert!(err.starts_with("\"a/#/b\": "), "{err}");
        assert!(store.filters().is_empty());
    }

    #[test]
    fn filters_lists_each_bound_filter_once() {
        let mut store = FeedStore::new();
        store.add_feed("a", Decoding::number(), 5).unwrap();
        store.add_feed("b/+", Decoding::number(), 5).unwrap();
        store.add_feed("a", switch(), 5).unwrap();
        assert_eq!(store.filters(), vec!["a".to_string(), "b/+".to_string()]);
    }

    #[test]
    fn a_text_feed_keeps_bounded_texts_with_their_topic_under_a_wildcard() {
        let mut store = FeedStore::new();
        let log = store
            .add_feed("van/+/log", Decoding::text(), 100_000)
            .unwrap();
        let exact = store.add_feed("van/1/log", Decoding::text(), 10).unwrap();
        for i in 0..(MAX_KEPT_TEXTS + 10) {
            store.ingest("van/1/log", format!("stop {i}").as_bytes(), false, i as f64);
        }
        let feed = store.feed(log).unwrap();
        assert_eq!(feed.texts().len(), MAX_KEPT_TEXTS);
        let newest = feed.texts().last().unwrap();
        assert_eq!(&*newest.text, format!("stop {}", MAX_KEPT_TEXTS + 9));
        assert_eq!(newest.topic.as_deref(), Some("van/1/log"));
        assert!(feed.samples().is_empty());
        assert_eq!(feed.arrivals().count(), MAX_KEPT_TEXTS);
        let exact = store.feed(exact).unwrap();
        assert_eq!(exact.texts().len(), 10);
        assert_eq!(exact.texts().last().unwrap().topic, None);
    }

    #[test]
    fn an_image_feed_keeps_only_the_newest_image_and_a_bad_one_keeps_it() {
        let mut store = FeedStore::new();
        let cam = store.add_feed("cam", Decoding::image(), 10).unwrap();
        let png = b"iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJ";
        store.ingest("cam", png, true, 1.0);
        store.ingest("cam", b"<svg/onload=alert(1)>", false, 2.0);
        let feed = store.feed(cam).unwrap();
        let kept = feed.image().unwrap();
        assert_eq!((kept.time_ms, kept.retained), (1.0, true));
        assert!(feed.last_error().unwrap().starts_with("not an image"));
        assert_eq!(feed.arrivals().collect::<Vec<_>>(), vec![(1.0, true)]);
    }
}
