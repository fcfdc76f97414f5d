//! "Reported: 21 °C": the value a device says it applied, under a control that has a
//! state topic, with that feed's freshness notes.

use leptos::prelude::*;

use super::feed_notes::{unique_id, FeedNotes};
use super::number_format::with_unit;
use super::staleness::Freshness;
use crate::app::FeedHandle;
use crate::feeds::Value;

/// A control's state feed and how fresh it is.
#[derive(Clone, Copy)]
pub struct ReportedState {
    /// The state topic's feed.
    pub feed: FeedHandle,
    /// Whether its latest value is current.
    pub freshness: Memo<Freshness>,
}

impl ReportedState {
    /// The latest reported number.
    pub fn number(&self) -> Option<f64> {
        self.feed
            .with(|f| match f.latest().map(|s| s.value) {
                Some(Value::Number(n)) => Some(n),
                _ => None,
            })
            .flatten()
    }
}

/// The reported value as a line of text, then the feed's notes.
#[component]
pub fn ReportedLine(state: ReportedState, unit: String, state_topic: String) -> impl IntoView {
    let notes_id = unique_id("reported-notes");
    let text = move || match state.number() {
        Some(n) => format!("Reported: {}", with_unit(n, None, &unit)),
        None => format!("Nothing reported on {state_topic} yet"),
    };
    view! {
        <p class="reported" data-freshness=move || state.freshness.get().as_str()>{text}</p>
        <FeedNotes id=notes_id freshness=state.freshness feed=state.feed />
    }
}
