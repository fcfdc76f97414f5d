//! The slider: a number between `min` and `max`, published when the user lets go (a
//! mouse release, a touch lifted, each arrow key press) — not on every pixel of a drag.

use leptos::prelude::*;

use super::command::{CommandStatus, Commander};
use super::number_format::with_unit;
use super::reported::{ReportedLine, ReportedState};
use crate::feeds::number_text::parse_f64;

/// A range input bound to a command topic, and optionally to a state topic.
#[component]
pub fn Slider(
    title: String,
    min: f64,
    max: f64,
    step: f64,
    unit: String,
    commander: Commander,
    /// The state topic and its feed, when the block has one.
    reported: Option<(String, ReportedState)>,
) -> impl IntoView {
    let reported_state = reported.as_ref().map(|(_, state)| *state);
    let position = RwSignal::new(
        reported_state
            .and_then(|s| s.number())
            .unwrap_or(min)
            .clamp(min, max),
    );
    // A device's report moves the slider, unless the user's own command is on its way.
    if let Some(state) = reported_state {
        Effect::new(move |_| {
            state.feed.version.track();
            if let Some(n) = state.number().filter(|_| !commander.is_pending()) {
                position.set(n.clamp(min, max));
            }
        });
    }
    let value_text = {
        let unit = unit.clone();
        move || with_unit(position.get(), None, &unit)
    };
    let send = move |text: String| {
        if let Some(n) = parse_f64(&text) {
            position.set(n);
            commander.send(&text);
        }
    };
    let hint = format!("Publishes to {} when let go", commander.topic());
    let heading = title.clone();
    let section_name = title.clone();
    view! {
        <section class="block slider" aria-label=section_name>
            <h2>{heading}</h2>
            <p class="latest" aria-hidden="true">{value_text.clone()}</p>
            <input type="range" aria-label=title min=min max=max step=step
                prop:value=move || position.get().to_string()
                aria-valuetext=value_text
                on:input=move |e| {
                    if let Some(n) = parse_f64(&event_target_value(&e)) {
                        position.set(n);
                    }
                }
                on:change=move |e| send(event_target_value(&e)) />
            <p class="hint">{hint}</p>
            {reported.map(|(state_topic, state)| view! { <ReportedLine state unit state_topic /> })}
            <CommandStatus commander />
        </section>
    }
}
