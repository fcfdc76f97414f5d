//! The wizard's first step: which kind of block.

use leptos::prelude::*;

use super::catalogue::{block_type, BLOCK_TYPES};
use super::draft::Draft;
use super::Step;

/// Radio buttons, one per block type, each named by the type and described by what it
/// is for. Keeps a draft of the same type (going back and forth loses nothing).
#[component]
pub fn TypeStep(
    draft: RwSignal<Option<Draft>>,
    step: RwSignal<Step>,
    on_cancel: Callback<()>,
    /// The topic the feed step starts with, if the wizard was opened for one.
    preset_topic: Option<String>,
) -> impl IntoView {
    let chosen = RwSignal::new(draft.get_untracked().map(|d| d.kind.key));
    let problem = RwSignal::new(None::<&'static str>);
    let choices = BLOCK_TYPES
        .iter()
        .map(|kind| {
            let input_id = format!("block-type-{}", kind.key);
            let about_id = format!("block-type-{}-about", kind.key);
            view! {
                <div class="choice">
                    <input type="radio" name="block-type" id=input_id.clone()
                        aria-describedby=about_id.clone()
                        prop:checked=move || chosen.get() == Some(kind.key)
                        on:change=move |_| {
                            chosen.set(Some(kind.key));
                            problem.set(None);
                        } />
                    <label for=input_id>{kind.name}</label>
                    <span class="about" id=about_id>{kind.about}</span>
                </div>
            }
        })
        .collect_view();
    let next = move |_| {
        let Some(kind) = chosen.get_untracked().and_then(block_type) else {
            problem.set(Some("Choose a block type first"));
            return;
        };
        if draft.with_untracked(|d| d.as_ref().map(|d| d.kind.key)) != Some(kind.key) {
            let mut fresh = Draft::new(kind);
            if let (Some(field), Some(topic)) = (kind.topic, preset_topic.as_ref()) {
                fresh.set(field.key, topic.clone());
            }
            draft.set(Some(fresh));
        }
        step.set(if kind.topic.is_some() {
            Step::Topic
        } else {
            Step::Settings
        });
    };
    view! {
        <fieldset class="block-types">
            <legend>"Block type"</legend>
            {choices}
        </fieldset>
        {move || problem.get().map(|p| view! { <p class="error" role="alert">{p}</p> })}
        <div class="wizard-buttons">
            <button type="button" on:click=move |_| on_cancel.run(())>"Cancel"</button>
            <button type="button" class="primary" on:click=next>"Next"</button>
        </div>
    }
}
