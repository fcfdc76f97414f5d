//! The page: start-up configuration, the connection form, and the open dashboard.

mod connection_form;
mod feeds_context;
mod refusals;
mod startup_load;
mod traffic;

use std::cell::RefCell;
use std::rc::Rc;

use leptos::prelude::*;

pub use connection_form::ConnectionForm;
pub use feeds_context::{BoundDashboard, FeedHandle, FeedsContext};
pub use refusals::Refusals;
pub use traffic::Traffic;

use crate::blocks::Liveness;
use crate::connection::{Connection, ConnectionSettings};
use crate::dashboards::{demo_dashboard, view::DashboardView};
use crate::feeds::FeedStore;
use startup_load::{load_startup_config, StartupLoad};

/// The root component: waits for `feedboard.json` (or its absence), then shows the page.
#[component]
pub fn App() -> impl IntoView {
    let startup = LocalResource::new(load_startup_config);
    move || match startup.get() {
        None => view! { <p class="loading">"Loading…"</p> }.into_any(),
        Some(load) => view! { <Feedboard startup=load /> }.into_any(),
    }
}

/// The page once its configuration is known.
#[component]
fn Feedboard(startup: StartupLoad) -> impl IntoView {
    let StartupLoad { config, notice } = startup;
    let dashboard = config.dashboard.clone().unwrap_or_else(demo_dashboard);

    let mut store = FeedStore::new();
    let (bound, binding_errors) = feeds_context::bind_dashboard(&dashboard, &mut store);
    let filters = store.filters();
    let store = Rc::new(RefCell::new(store));
    let feeds = FeedsContext::new(store.clone(), bound.feed_count);
    let connection = Connection::new(store, feeds.frame_listener());
    let liveness = Liveness::new(connection.status);

    let initial = ConnectionSettings {
        broker_url: config
            .broker
            .clone()
            .unwrap_or_else(|| ConnectionSettings::default().broker_url),
        username: config.username.clone().unwrap_or_default(),
        ..ConnectionSettings::default()
    };
    let notices: Vec<String> = notice.into_iter().chain(binding_errors).collect();
    // Leaving the page says goodbye to the broker (DISCONNECT, so no last will fires)
    // instead of letting the socket drop.
    let _ = window_event_listener(leptos::ev::pagehide, move |_| connection.disconnect());

    view! {
        <header class="top-bar">
            <h1>"Feedboard"</h1>
            <p class="status" role="status" aria-label="Connection status"
               data-status=move || format!("{:?}", connection.status.get())>
                {move || connection.status.get().to_string()}
            </p>
        </header>
        <main>
            {(!notices.is_empty()).then(|| view! {
                <ul class="notices" aria-label="Problems with the start-up configuration">
                    {notices.into_iter().map(|n| view! { <li>{n}</li> }).collect_view()}
                </ul>
            })}
            <ConnectionForm connection initial filters autoconnect=config.connect />
            <Traffic counters=connection.counters />
            <Refusals refusals=connection.refusals />
            <DashboardView dashboard bound feeds connection liveness />
        </main>
    }
}
