//! A checkbox of a form with its label and a hint saying what its state means.

use leptos::prelude::*;

/// A labelled checkbox bound to `checked`, described by `hint` (announced with it), and
/// whatever else belongs beside it.
#[component]
pub fn CheckField(
    /// The visible label, which is also the checkbox's accessible name.
    label: &'static str,
    checked: RwSignal<bool>,
    /// The hint's element id, for the checkbox's `aria-describedby`.
    hint_id: &'static str,
    /// What ticking or unticking means, for the state it is in.
    hint: Signal<String>,
    /// Spans the whole row of the form's grid.
    #[prop(optional)]
    wide: bool,
    #[prop(optional)] children: Option<Children>,
) -> impl IntoView {
    view! {
        <div class="field check" class:wide=wide>
            <label>
                <input type="checkbox" aria-describedby=hint_id
                    prop:checked=checked
                    on:change:target=move |ev| checked.set(ev.target().checked()) />
                {label}
            </label>
            <p id=hint_id class="hint">{hint}</p>
            {children.map(|children| children())}
        </div>
    }
}
