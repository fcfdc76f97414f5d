//! The momentary button: publishes a payload when pressed — and, given a release
//! payload, another when let go (a door opener, a horn) — by mouse, touch or keyboard.

use leptos::ev::{KeyboardEvent, PointerEvent};
use leptos::prelude::*;

use super::command::{CommandStatus, Commander};

/// A push button bound to a command topic.
#[component]
pub fn PushButton(
    title: String,
    label: String,
    press_payload: String,
    release_payload: Option<String>,
    commander: Commander,
) -> impl IntoView {
    let held = RwSignal::new(false);
    let press_payload = StoredValue::new(press_payload);
    let momentary = release_payload.is_some();
    let release_payload = StoredValue::new(release_payload);

    let press = move || {
        if !held.get_untracked() {
            held.set(true);
            press_payload.with_value(|p| commander.send(p));
        }
    };
    let release = move || {
        if held.get_untracked() {
            held.set(false);
            release_payload.with_value(|p| p.as_deref().map(|p| commander.send(p)));
        }
    };
    let is_press_key = |e: &KeyboardEvent| matches!(e.key().as_str(), " " | "Enter");

    let hint = format!("Publishes to {}", commander.topic());
    let button = if momentary {
        view! {
            <button type="button" class="push" data-held=move || held.get().to_string()
                on:pointerdown=move |e: PointerEvent| {
                    // Only the primary button (or a touch, or a pen tip) presses.
                    if e.button() == 0 { press() }
                }
                on:pointerup=move |_| release()
                on:pointercancel=move |_| release()
                on:pointerleave=move |_| release()
                on:blur=move |_| release()
                on:keydown=move |e: KeyboardEvent| {
                    if is_press_key(&e) {
                        // No click after the key: the press is the command.
                        e.prevent_default();
                        if !e.repeat() { press() }
                    }
                }
                on:keyup=move |e: KeyboardEvent| if is_press_key(&e) { release() }>
                {label}
            </button>
        }
        .into_any()
    } else {
        view! {
            <button type="button" class="push"
                on:click=move |_| press_payload.with_value(|p| { commander.send(p); })>
                {label}
            </button>
        }
        .into_any()
    };
    let heading = title.clone();
    view! {
        <section class="block button" aria-label=title>
            <h2>{heading}</h2>
            {button}
            <p class="hint">{hint}</p>
            <CommandStatus commander />
        </section>
    }
}
