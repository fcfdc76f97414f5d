//! The broker's refusals seen this session, listed under the connection form: a denied
//! subscription or publish is also shown at its block, but here they are all in one
//! place, with the reason the broker gave.

use leptos::prelude::*;

/// The list, shown once there is something in it.
#[component]
pub fn Refusals(refusals: ReadSignal<Vec<String>>) -> impl IntoView {
    move || {
        refusals.with(|list| {
            (!list.is_empty()).then(|| {
                let items = list
                    .iter()
                    .map(|r| view! { <li>{r.clone()}</li> })
                    .collect_view();
                view! {
                    <section class="refusals" aria-labelledby="refusals-title">
                        <h2 id="refusals-title">"Refusals this session"</h2>
                        <ul>{items}</ul>
                    </section>
                }
            })
        })
    }
}
