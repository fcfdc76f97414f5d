//! What a block needs to say whether its value is current: a clock that ticks once a
//! second and the connection's status, joined with the feed's timing into one
//! [`Freshness`] signal per block.
//!
//! Nothing here runs per message: the feed's timing is summarised when its version
//! moves (at most once per animation frame), and the decision is re-made when that
//! summary, the clock (1 Hz) or the connection status changes.

use std::time::Duration;

use gloo_timers::callback::Interval;
use leptos::prelude::*;

use super::staleness::{freshness, FeedTiming, Freshness, StalePolicy};
use crate::app::FeedHandle;
use crate::connection::{wall_now_ms, ConnectionStatus};

/// How often ages are recomputed: a marker saying "12 s ago" moves once a second.
const TICK: Duration = Duration::from_secs(1);

/// The page's clock and the connection status, shared by every block.
#[derive(Clone, Copy)]
pub struct Liveness {
    /// Wall-clock milliseconds on the samples' clock, updated every second.
    pub now_ms: Signal<f64>,
    /// The connection's status.
    pub connection: Signal<ConnectionStatus>,
}

impl Liveness {
    /// Starts the once-a-second clock. Call inside a component: the timer stops when
    /// its owner is cleaned up.
    pub fn new(connection: impl Into<Signal<ConnectionStatus>>) -> Self {
        let (now_ms, set_now_ms) = signal(wall_now_ms());
        let millis = u32::try_from(TICK.as_millis()).unwrap_or(1000);
        let timer = StoredValue::new_local(Some(Interval::new(millis, move || {
            set_now_ms.set(wall_now_ms());
        })));
        on_cleanup(move || {
            // Dropping the interval clears it.
            timer.try_update_value(Option::take);
        });
        Self {
            now_ms: now_ms.into(),
            connection: connection.into(),
        }
    }

    /// A block's freshness: `feed`'s timing under `policy`, at the clock's time and
    /// the connection's status.
    pub fn freshness_of(self, feed: FeedHandle, policy: StalePolicy) -> Memo<Freshness> {
        // Tracks the feed's version: recomputed at most once per frame, from the ring's
        // newest few samples.
        let timing = Memo::new(move |_| {
            feed.with(|f| FeedTiming::of(f.arrivals()))
                .unwrap_or_default()
        });
        Memo::new(move |_| {
            freshness(
                self.now_ms.get(),
                self.connection.get(),
                &timing.get(),
                policy,
            )
        })
    }
}
