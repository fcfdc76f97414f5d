//! The colour picker: publishes the chosen colour as `#rrggbb` (Adafruit IO's colour
//! block payload) when the browser's picker closes on a choice.

use leptos::prelude::*;

use super::command::{CommandStatus, Commander};

/// A colour input bound to a command topic.
#[component]
pub fn ColorPicker(title: String, initial: String, commander: Commander) -> impl IntoView {
    let chosen = RwSignal::new(initial);
    let hint = format!("Publishes to {}", commander.topic());
    let heading = title.clone();
    let section_name = title.clone();
    view! {
        <section class="block color-picker" aria-label=section_name>
            <h2>{heading}</h2>
            <div class="color-row">
                <input type="color" aria-label=title prop:value=move || chosen.get()
                    on:change=move |e| {
                        let colour = event_target_value(&e);
                        chosen.set(colour.clone());
                        commander.send(&colour);
                    } />
                <span class="color-code">{move || chosen.get()}</span>
            </div>
            <p class="hint">{hint}</p>
            <CommandStatus commander />
        </section>
    }
}
