//! The page: start-up configuration, the user's dashboards (saved in the browser), the
//! connection form, and the open dashboard.

mod alert_editor;
mod alert_sound;
mod alerts_panel;
mod alerts_section;
mod check_field;
mod connection_form;
mod csv_export;
mod dashboard_picker;
mod dashboards_handle;
mod explorer;
mod feed_exports;
mod feeds_context;
mod history_bounds;
mod history_sync;
mod open_dashboard;
mod publish_console;
mod read_out;
mod refusals;
mod shared_link;
mod startup_load;
mod traffic;
mod transfer;
mod workspace;

use leptos::prelude::*;

pub use alerts_panel::Alerts;
pub use check_field::CheckField;
pub use connection_form::ConnectionForm;
pub use dashboards_handle::Dashboards;
pub use feeds_context::{BoundBlock, FeedHandle, FeedsContext, FEED_CAPACITY};
pub use refusals::Refusals;
pub use traffic::Traffic;

use startup_load::load_startup_config;
use workspace::Workspace;

/// The root component: waits for `feedboard.json` (or its absence), then shows the page.
#[component]
pub fn App() -> impl IntoView {
    provide_context(crate::theme::start());
    let startup = LocalResource::new(load_startup_config);
    move || match startup.get() {
        None => view! { <p class="loading">"Loading…"</p> }.into_any(),
        Some(load) => view! { <Workspace startup=load /> }.into_any(),
    }
}
