//! Is the value a block shows still current? Pure logic: the block passes in the time
//! (a clock that ticks once a second), the connection state, and the timing of its
//! feed (recomputed once per animation frame when the feed changed, never per message).
//!
//! A block's value is *stale* when no new value arrived for its stale time:
//! - `stale_after_secs` when the dashboard gives one;
//! - otherwise, for blocks that show a stream of readings (chart, value, gauge),
//!   [`AUTO_FACTOR`] times the median interval between the feed's recent messages, at
//!   least [`MIN_AUTO_STALE_MS`]. The median, not the mean, so one outage or one burst
//!   does not move it; and only once [`MIN_INTERVALS`] intervals were seen, because a
//!   single interval says little about a device's rhythm. Until then there is no
//!   default and only the connection state and retained values are marked;
//! - never by time for a toggle, unless given: a state topic reports changes, not a
//!   heartbeat, and a heater left on for an hour is not stale.
//!
//! Whatever the stale time, a block also says when the connection is not up (its value
//! is from before the connection was lost), and when its value was retained by the
//! broker and nothing newer came (its age is unknown: it may be days old).

use crate::connection::ConnectionStatus;

/// The default stale time is this many median intervals…
pub const AUTO_FACTOR: f64 = 3.0;
/// …but never shorter than this: a 1 Hz feed is not stale after 3 s of network jitter.
pub const MIN_AUTO_STALE_MS: f64 = 5_000.0;
/// Intervals seen before a default stale time exists.
pub const MIN_INTERVALS: usize = 3;
/// Intervals the median is taken over: the newest ones, so a device that changes its
/// rhythm is followed within a few messages.
pub const INTERVALS_CONSIDERED: usize = 15;

/// When a block's value goes stale by time.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum StalePolicy {
    /// After this many milliseconds without a new value (the block's `stale_after_secs`).
    After(f64),
    /// After the default derived from the feed's observed rhythm (see the module doc).
    Observed,
    /// Never by time; the connection state is still shown.
    Never,
}

impl StalePolicy {
    /// The policy of a block: its own `stale_after_secs` if given, else `Observed` for
    /// a block of readings and `Never` for a block showing a reported state.
    pub fn for_block(stale_after_secs: Option<f64>, shows_readings: bool) -> Self {
        match stale_after_secs {
            Some(secs) => StalePolicy::After(secs * 1000.0),
            None if shows_readings => StalePolicy::Observed,
            None => StalePolicy::Never,
        }
    }

    /// The stale time in milliseconds, if there is one yet.
    pub fn stale_after_ms(self, timing: &FeedTiming) -> Option<f64> {
        match self {
            StalePolicy::After(ms) => Some(ms),
            StalePolicy::Observed => timing
                .median_interval_ms
                .map(|median| (median * AUTO_FACTOR).max(MIN_AUTO_STALE_MS)),
            StalePolicy::Never => None,
        }
    }
}

/// What staleness needs to know of a feed: summarised once per frame in which the feed
/// changed, from at most [`INTERVALS_CONSIDERED`] + 1 of its newest samples.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct FeedTiming {
    /// When the newest value arrived (page wall-clock milliseconds).
    pub last_ms: Option<f64>,
    /// The newest value was delivered as retained: it is from before the subscription.
    pub last_retained: bool,
    /// Median time between live messages, once [`MIN_INTERVALS`] were seen.
    pub median_interval_ms: Option<f64>,
}

impl FeedTiming {
    /// The timing of a feed's messages, `(arrival ms, retained)` oldest first (as
    /// [`crate::feeds::Feed::arrivals`] yields them). Retained messages arrive when
    /// the page subscribes, not when they were measured, so they count for "newest"
    /// but not for intervals.
    ///
    /// Runs in every frame in which the feed changed, so it allocates nothing: the
    /// intervals go into an array on the stack.
    pub fn of(arrivals: impl DoubleEndedIterator<Item = (f64, bool)>) -> Self {
        let mut newest_first = arrivals.rev().peekable();
        let Some((newest_ms, newest_retained)) = newest_first.peek().copied() else {
            return Self::default();
        };
        let mut live = newest_first
            .filter(|(_, retained)| !retained)
            .take(INTERVALS_CONSIDERED + 1)
            .map(|(time_ms, _)| time_ms);
        let mut intervals = [0.0; INTERVALS_CONSIDERED];
        let mut count = 0;
        if let Some(mut later) = live.next() {
            for earlier in live {
                let gap = later - earlier;
                // `take` bounds the gaps to the array's length.
                if let Some(slot) = intervals
                    .get_mut(count)
                    .filter(|_| gap.is_finite() && gap >= 0.0)
                {
                    *slot = gap;
                    count += 1;
                }
                later = earlier;
            }
        }
        Self {
            last_ms: Some(newest_ms),
            last_retained: newest_retained,
            median_interval_ms: (count >= MIN_INTERVALS).then(|| median(&mut intervals[..count])),
        }
    }
}

fn median(values: &mut [f64]) -> f64 {
    values.sort_by(f64::total_cmp);
    let mid = values.len() / 2;
    if values.len().is_multiple_of(2) {
        (values[mid - 1] + values[mid]) / 2.0
    } else {
        values[mid]
    }
}

/// How current a block's value is, in the order a user must learn it: the connection
/// first (nothing can be current without it), then age.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Freshness {
    /// Connected, and no value yet: the block says "no data" itself.
    NoData,
    /// Connected, and the value is current.
    Live,
    /// Connected, and the value was retained by the broker: its age is unknown.
    Retained,
    /// Connected, but nothing new for longer than the stale time.
    Stale {
        /// Seconds since the value arrived.
        age_secs: u64,
    },
    /// Not connected: whatever is shown is from before.
    Offline {
        /// The user disconnected (or never connected), rather than losing the connection.
        by_user: bool,
        /// Seconds since the value arrived, when there is one.
        age_secs: Option<u64>,
    },
}

/// Decides a block's freshness at `now_ms`.
pub fn freshness(
    now_ms: f64,
    connection: ConnectionStatus,
    timing: &FeedTiming,
    policy: StalePolicy,
) -> Freshness {
    let age_ms = timing.last_ms.map(|last| (now_ms - last).max(0.0));
    let age_secs = age_ms.map(|ms| (ms / 1000.0).floor() as u64);
    match connection {
        ConnectionStatus::Connected => {}
        ConnectionStatus::Disconnected => {
            return Freshness::Offline {
                by_user: true,
                age_secs,
            }
        }
        ConnectionStatus::Connecting | ConnectionStatus::Reconnecting { .. } => {
            return Freshness::Offline {
                by_user: false,
                age_secs,
            }
        }
    }
    let (Some(age_ms), Some(age_secs)) = (age_ms, age_secs) else {
        return Freshness::NoData;
    };
    match policy.stale_after_ms(timing) {
        Some(limit) if age_ms > limit => Freshness::Stale { age_secs },
        _ if timing.last_retained && policy != StalePolicy::Never => Freshness::Retained,
        _ => Freshness::Live,
    }
}

impl Freshness {
    /// The marker a block shows, as text (not colour only); `None` when all is well.
    pub fn note(self) -> Option<String> {
        match self {
            Freshness::NoData | Freshness::Live => None,
            Freshness::Retained => Some("Retained value — age unknown".into()),
            Freshness::Stale { age_secs } => {
                Some(format!("Stale — last value {} ago", age_text(age_secs)))
            }
            Freshness::Offline { age_secs: None, .. } => Some("Not connected".into()),
            Freshness::Offline {
                by_user,
                age_secs: Some(age),
            } => Some(format!(
                "{} — last value {} ago",
                if by_user {
                    "Disconnected"
                } else {
                    "Connection lost"
                },
                age_text(age)
            )),
        }
    }

    /// A short machine-readable name, for `data-freshness` (styles and scripts).
    pub fn as_str(self) -> &'static str {
        match self {
            Freshness::NoData => "no-data",
            Freshness::Live => "live",
            Freshness::Retained => "retained",
            Freshness::Stale { .. } => "stale",
            Freshness::Offline { .. } => "offline",
        }
    }
}

/// `42 s`, `3 min`, `5 h`, `2 days`: the unit that keeps the number short. Seconds up to
/// two minutes, so a stale marker visibly counts for its first minutes.
pub fn age_text(secs: u64) -> String {
    match secs {
        0..120 => format!("{secs} s"),
        120..7_200 => format!("{} min", secs / 60),
        7_200..172_800 => format!("{} h", secs / 3_600),
        _ => format!("{} days", secs / 86_400),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::feeds::{Sample, SampleRing, Value};

    fn timing_of(samples: impl DoubleEndedIterator<Item = Sample>) -> FeedTiming {
        FeedTiming::of(samples.map(|s| (s.time_ms, s.retained)))
    }

    fn ring(times: &[(f64, bool)]) -> SampleRing {
        let mut ring = SampleRing::new(100);
        for &(time_ms, retained) in times {
            ring.push(Sample {
                time_ms,
                value: Value::Number(1.0),
                retained,
            });
        }
        ring
    }

    fn live(times: &[f64]) -> SampleRing {
        ring(&times.iter().map(|&t| (t, false)).collect::<Vec<_>>())
    }

    const CONNECTED: ConnectionStatus = ConnectionStatus::Connected;

    #[test]
    fn no_interval_estimate_until_three_intervals_were_seen() {
        assert_eq!(timing_of(live(&[]).iter()), FeedTiming::default());
        let three_samples = timing_of(live(&[0.0, 1000.0, 2000.0]).iter());
        assert_eq!(three_samples.last_ms, Some(2000.0));
        assert_eq!(three_samples.median_interval_ms, None);
        let four = timing_of(live(&[0.0, 1000.0, 2000.0, 3000.0]).iter());
        assert_eq!(four.median_interval_ms, Some(1000.0));
    }

    #[test]
    fn the_interval_is_the_median_so_one_outage_does_not_move_it() {
        let timing = timing_of(live(&[0.0, 2000.0, 4000.0, 64_000.0, 66_000.0]).iter());
        assert_eq!(timing.median_interval_ms, Some(2000.0));
        // An even count averages the middle two.
        let timing = timing_of(live(&[0.0, 1000.0, 3000.0, 6000.0, 10_000.0]).iter());
        assert_eq!(timing.median_interval_ms, Some(2500.0));
    }

    #[test]
    fn only_the_newest_intervals_count_so_a_new_rhythm_is_followed() {
        let mut times: Vec<f64> = (0..100).map(|i| f64::from(i) * 60_000.0).collect();
        let start = times[99];
        times.extend((1..=INTERVALS_CONSIDERED).map(|i| start + i as f64 * 1000.0));
        let timing = timing_of(live(&times).iter());
        assert_eq!(timing.median_interval_ms, Some(1000.0));
    }

    #[test]
    fn retained_samples_are_newest_but_not_intervals() {
        // Re-subscribing after a reconnect delivers the retained value again.
        let timing = timing_of(
            ring(&[
                (0.0, true),
                (10.0, false),
                (1010.0, false),
                (2010.0, false),
                (2500.0, true),
                (3010.0, false),
            ])
            .iter(),
        );
        assert_eq!(timing.median_interval_ms, Some(1000.0));
        assert_eq!(timing.last_ms, Some(3010.0));
        assert!(!timing.last_retained);
        let only_retained = timing_of(ring(&[(5.0, true)]).iter());
        assert!(only_retained.last_retained);
    }

    #[test]
    fn the_default_stale_time_is_three_median_intervals_but_at_least_five_seconds() {
        let every = |ms: f64| FeedTiming {
            median_interval_ms: Some(ms),
            ..FeedTiming::default()
        };
        assert_eq!(
            StalePolicy::Observed.stale_after_ms(&every(2000.0)),
            Some(6000.0)
        );
        assert_eq!(
            StalePolicy::Observed.stale_after_ms(&every(1000.0)),
            Some(MIN_AUTO_STALE_MS)
        );
        assert_eq!(
            StalePolicy::Observed.stale_after_ms(&FeedTiming::default()),
            None
        );
        assert_eq!(
            StalePolicy::After(2000.0).stale_after_ms(&every(1e6)),
            Some(2000.0)
        );
        assert_eq!(StalePolicy::Never.stale_after_ms(&every(10.0)), None);
    }

    #[test]
    fn a_block_policy_is_its_own_stale_time_else_observed_for_readings_only() {
        assert_eq!(
            StalePolicy::for_block(Some(2.0), false),
            StalePolicy::After(2000.0)
        );
        assert_eq!(StalePolicy::for_block(None, true), StalePolicy::Observed);
        assert_eq!(StalePolicy::for_block(None, false), StalePolicy::Never);
    }

    #[test]
    fn a_value_goes_stale_after_its_stale_time_and_says_how_old_it_is() {
        let timing = timing_of(live(&[0.0, 1000.0, 2000.0, 3000.0]).iter());
        let at = |now: f64| freshness(now, CONNECTED, &timing, StalePolicy::Observed);
        assert_eq!(at(3500.0), Freshness::Live);
        assert_eq!(at(8000.0), Freshness::Live, "exactly 5 s is not yet stale");
        assert_eq!(at(8001.0), Freshness::Stale { age_secs: 5 });
        assert_eq!(
            at(15_000.0).note().as_deref(),
            Some("Stale — last value 12 s ago")
        );
        // A clock reading from before the newest sample counts as age 0.
        assert_eq!(at(2000.0), Freshness::Live);
    }

    #[test]
    fn a_given_stale_time_applies_from_the_first_value() {
        let timing = timing_of(live(&[1000.0]).iter());
        let policy = StalePolicy::After(2000.0);
        assert_eq!(
            freshness(2500.0, CONNECTED, &timing, policy),
            Freshness::Live
        );
        assert_eq!(
            freshness(3500.0, CONNECTED, &timing, policy),
            Freshness::Stale { age_secs: 2 }
        );
        // Without one, one value gives no estimate: never stale by time.
        assert_eq!(
            freshness(1e9, CONNECTED, &timing, StalePolicy::Observed),
            Freshness::Live
        );
    }

    #[test]
    fn without_the_connection_every_value_is_from_before_it_was_lost() {
        let timing = timing_of(live(&[0.0]).iter());
        let lost = freshness(
            7000.0,
            ConnectionStatus::Reconnecting { in_secs: 2 },
            &timing,
            StalePolicy::Never,
        );
        assert_eq!(
            lost.note().as_deref(),
            Some("Connection lost — last value 7 s ago")
        );
        let connecting = freshness(
            1000.0,
            ConnectionStatus::Connecting,
            &timing,
            StalePolicy::Never,
        );
        assert_eq!(
            connecting,
            Freshness::Offline {
                by_user: false,
                age_secs: Some(1)
            }
        );
        let closed = freshness(
            0.0,
            ConnectionStatus::Disconnected,
            &timing,
            StalePolicy::Never,
        );
        assert_eq!(
            closed.note().as_deref(),
            Some("Disconnected — last value 0 s ago")
        );
        let empty = freshness(
            0.0,
            ConnectionStatus::Disconnected,
            &FeedTiming::default(),
            StalePolicy::Observed,
        );
        assert_eq!(empty.note().as_deref(), Some("Not connected"));
    }

    #[test]
    fn a_retained_value_is_marked_until_a_live_one_comes_unless_the_block_shows_a_state() {
        let timing = timing_of(ring(&[(0.0, true)]).iter());
        let retained = freshness(10.0, CONNECTED, &timing, StalePolicy::Observed);
        assert_eq!(retained, Freshness::Retained);
        assert_eq!(
            retained.note().as_deref(),
            Some("Retained value — age unknown")
        );
        assert_eq!(
            freshness(10.0, CONNECTED, &timing, StalePolicy::Never),
            Freshness::Live
        );
        // A given stale time still applies to it, counted from its arrival.
        assert_eq!(
            freshness(5000.0, CONNECTED, &timing, StalePolicy::After(2000.0)),
            Freshness::Stale { age_secs: 5 }
        );
    }

    #[test]
    fn connected_with_nothing_yet_needs_no_marker() {
        let none = freshness(
            0.0,
            CONNECTED,
            &FeedTiming::default(),
            StalePolicy::Observed,
        );
        assert_eq!(none, Freshness::NoData);
        assert_eq!(none.note(), None);
        assert_eq!(Freshness::Live.note(), None);
    }

    #[test]
    fn ages_read_in_the_unit_that_keeps_them_short() {
        assert_eq!(age_text(0), "0 s");
        assert_eq!(age_text(119), "119 s");
        assert_eq!(age_text(120), "2 min");
        assert_eq!(age_text(7199), "119 min");
        assert_eq!(age_text(7200), "2 h");
        assert_eq!(age_text(200_000), "2 days");
    }
}
