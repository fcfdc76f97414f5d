//! The indicator block: a lamp that is on or off by a condition on a feed — the payload
//! equals a text (`OPEN`), or the number is above or below a bound — with the state in
//! words beside it, so colour is never the only sign.

use leptos::prelude::*;

use super::feed_notes::{unique_id, FeedNotes};
use super::staleness::Freshness;
use crate::app::FeedHandle;
use crate::feeds::Value;

/// When the lamp is on.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Condition {
    /// The payload equals the block's on-payload (decoded as on/off already).
    Payload,
    /// The number is greater than this.
    Above(f64),
    /// The number is less than this.
    Below(f64),
}

impl Condition {
    /// Whether `value` turns the lamp on; `None` when the value does not apply.
    pub fn is_on(self, value: Value) -> Option<bool> {
        match (self, value) {
            (Condition::Payload, Value::Switch(on)) => Some(on),
            (Condition::Above(bound), Value::Number(n)) => Some(n > bound),
            (Condition::Below(bound), Value::Number(n)) => Some(n < bound),
            _ => None,
        }
    }
}

/// How the lamp looks in each state.
#[derive(Debug, Clone, PartialEq)]
pub struct Lamp {
    /// Words for on.
    pub on_text: String,
    /// Words for off.
    pub off_text: String,
    /// `#rrggbb` when on (validated with the dashboard).
    pub on_colour: String,
    /// `#rrggbb` when off.
    pub off_colour: String,
}

/// A lamp bound to one feed.
#[component]
pub fn Indicator(
    title: String,
    condition: Condition,
    lamp: Lamp,
    feed: FeedHandle,
    freshness: Memo<Freshness>,
) -> impl IntoView {
    let state = Memo::new(move |_| {
        feed.with(|f| f.latest().and_then(|s| condition.is_on(s.value)))
            .flatten()
    });
    let lamp = StoredValue::new(lamp);
    let words = move || {
        lamp.with_value(|l| match state.get() {
            Some(true) => l.on_text.clone(),
            Some(false) => l.off_text.clone(),
            None => "Unknown".into(),
        })
    };
    let colour = move || {
        lamp.with_value(|l| match state.get() {
            Some(true) => l.on_colour.clone(),
            Some(false) => l.off_colour.clone(),
            None => "transparent".into(),
        })
    };
    let lamp_name = {
        let title = title.clone();
        move || format!("{title}: {}", words())
    };
    let notes_id = unique_id("indicator-notes");
    let described_by = notes_id.clone();
    let heading = title.clone();
    view! {
        <section class="block indicator" aria-label=title
            data-freshness=move || freshness.get().as_str()>
            <h2>{heading}</h2>
            <p class="indicator-state">
                <span class="lamp" role="img" aria-label=lamp_name aria-describedby=described_by
                    data-on=move || state.get().map(|on| on.to_string())
                    style:background-color=colour></span>
                <span class="lamp-text" aria-hidden="true">{words}</span>
            </p>
            <FeedNotes id=notes_id freshness feed />
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_condition_reads_its_kind_of_value() {
        assert_eq!(Condition::Payload.is_on(Value::Switch(true)), Some(true));
        assert_eq!(
            Condition::Above(30.0).is_on(Value::Number(30.5)),
            Some(true)
        );
        assert_eq!(
            Condition::Above(30.0).is_on(Value::Number(30.0)),
            Some(false)
        );
        assert_eq!(
            Condition::Below(92.0).is_on(Value::Number(88.0)),
            Some(true)
        );
        assert_eq!(Condition::Below(92.0).is_on(Value::Switch(true)), None);
    }
}
