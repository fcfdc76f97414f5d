//! The heading block: a title across the dashboard's width that groups the blocks after
//! it ("Ward", "Living room"), with an optional line of text. No feed.

use leptos::prelude::*;

/// A heading and its line of text.
#[component]
pub fn HeadingBlock(title: String, text: String) -> impl IntoView {
    let heading = title.clone();
    view! {
        <section class="block heading" aria-label=title>
            <h2>{heading}</h2>
            {(!text.is_empty()).then(|| view! { <p class="hint">{text}</p> })}
        </section>
    }
}
