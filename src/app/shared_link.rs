//! Opening a share link (`#d=…` in the page's address): the dashboard it carries is
//! shown at once, not saved, with an offer to save it. A damaged link is explained and
//! the page starts as usual.

use leptos::prelude::*;

use super::Dashboards;
use crate::dashboards::library::Origin;
use crate::dashboards::share::read_fragment;
use crate::dashboards::{Library, Profile};

/// Opens the dashboard of the page's current fragment in `library`, unsaved. `None`
/// when the fragment is not a share link; `Some(Err)` says why a link cannot be opened.
pub fn open_from_location(library: &mut Library) -> Option<Result<(), String>> {
    let hash = web_sys::window()?.location().hash().ok()?;
    let shared = read_fragment(&hash)?;
    Some(shared.map(|shared| {
        let profile = shared
            .broker_url
            .as_deref()
            .map(Profile::for_broker)
            .unwrap_or_default();
        library.add(shared.dashboard, profile, Origin::User, false);
    }))
}

/// Takes the share link out of the address bar, so that a reload after saving does not
/// offer the same dashboard again.
pub fn forget_location_fragment() {
    let Some(window) = web_sys::window() else {
        return;
    };
    let Ok(history) = window.history() else {
        return;
    };
    let path = window.location().pathname().unwrap_or_default();
    let search = window.location().search().unwrap_or_default();
    let _ = history.replace_state_with_url(
        &wasm_bindgen::JsValue::NULL,
        "",
        Some(&format!("{path}{search}")),
    );
}

/// Shown while the open dashboard came from a link and is not saved.
#[component]
pub fn SharedBanner(dashboards: Dashboards) -> impl IntoView {
    let unsaved = move || {
        dashboards.with(|l| {
            let e = l.open_entry();
            (!e.saved).then(|| (e.id, e.dashboard.title.clone()))
        })
    };
    move || {
        unsaved().map(|(id, title)| {
            view! {
                <section class="shared" aria-label="Shared dashboard">
                    <p>{format!("{title:?} was opened from a link and is not saved in this browser.")}</p>
                    <button type="button" on:click=move |_| {
                        dashboards.edit(|l| l.keep(id));
                        forget_location_fragment();
                    }>"Save to my dashboards"</button>
                </section>
            }
        })
    }
}
