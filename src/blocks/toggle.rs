//! The toggle block: publishes ON/OFF to a command topic and shows the state the
//! device confirmed on its state topic — never just the optimistic click.

use leptos::prelude::*;

use gloo_timers::callback::Timeout;

use super::command::{CommandStatus, Commander, ANSWER_EXPECTED_MS};
use super::feed_notes::{unique_id, FeedNotes};
use super::staleness::Freshness;
use crate::app::FeedHandle;
use crate::feeds::Value;

/// A switch bound to a command topic and a state topic.
#[component]
pub fn Toggle(
    title: String,
    commander: Commander,
    state_topic: String,
    on_payload: String,
    off_payload: String,
    feed: FeedHandle,
    freshness: Memo<Freshness>,
) -> impl IntoView {
    let confirmed = move || {
        feed.with(|f| match f.latest().map(|s| s.value) {
            Some(Value::Switch(on)) => Some(on),
            _ => None,
        })
        .flatten()
    };
    // The state asked for, and the feed version when asked: waiting while the feed has
    // not moved since. Derived, so no effect has to clear it.
    let requested = RwSignal::new(None::<(bool, u64)>);
    let waiting = move || {
        requested
            .get()
            .filter(|(_, asked_at)| feed.version.get() == *asked_at)
            .map(|(want, _)| want)
    };

    let state_overdue = RwSignal::new(false);
    let overdue_timer = StoredValue::new_local(None::<Timeout>);
    let on_click = move |_| {
        let want = !confirmed().unwrap_or(false);
        let payload = if want { &on_payload } else { &off_payload };
        if commander.send(payload) {
            let asked_at = feed.version.get_untracked();
            requested.set(Some((want, asked_at)));
            state_overdue.set(false);
            // MQTT 3.1.1 brokers acknowledge a publish their ACL refuses and drop it:
            // only the missing state can tell. Replacing the timer cancels the last one.
            overdue_timer.set_value(Some(Timeout::new(ANSWER_EXPECTED_MS, move || {
                if requested.get_untracked() == Some((want, asked_at)) {
                    state_overdue.try_set(true);
                }
            })));
        }
    };

    let state_text = move || match (waiting(), confirmed()) {
        (Some(true), _) => "Turning on…",
        (Some(false), _) => "Turning off…",
        (None, Some(true)) => "On",
        (None, Some(false)) => "Off",
        (None, None) => "Unknown",
    };
    let hint = {
        let state_topic = state_topic.clone();
        let command_topic = commander.topic();
        move || match (waiting(), confirmed()) {
            (Some(_), _) if state_overdue.get() => format!(
                "No state reported on {state_topic} for {} s after the command: the device \
                 may be off, or the broker refused the command (MQTT 3.1.1 brokers drop a \
                 refused publish without saying so)",
                ANSWER_EXPECTED_MS / 1000
            ),
            (Some(_), _) => format!("Sent to {command_topic}; waiting for {state_topic}"),
            (None, Some(_)) => format!("As reported on {state_topic}"),
            (None, None) => format!("No state reported on {state_topic} yet"),
        }
    };

    let heading = title.clone();
    let section_name = title.clone();
    let notes_id = unique_id("toggle-notes");
    let described_by = notes_id.clone();
    view! {
        <section class="block toggle" aria-label=section_name
            data-freshness=move || freshness.get().as_str()>
            <h2>{heading}</h2>
            <button type="button" class="switch" role="switch" aria-label=title
                aria-describedby=described_by
                aria-checked=move || if confirmed() == Some(true) { "true" } else { "false" }
                aria-busy=move || if waiting().is_some() { "true" } else { "false" }
                on:click=on_click>
                <span class="knob" aria-hidden="true"></span>
                <span class="state">{state_text}</span>
            </button>
            <p class="hint">{hint}</p>
            <FeedNotes id=notes_id freshness feed />
            <CommandStatus commander />
        </section>
    }
}
