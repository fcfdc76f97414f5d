//! The open dashboard with its own connection: feed store, connection form, traffic and
//! blocks. Opening another dashboard replaces all of it, and the connection it held says
//! goodbye to its broker.

use std::cell::RefCell;
use std::rc::Rc;

use leptos::prelude::*;

use super::feeds_context::{self, FeedsContext};
use super::{ConnectionForm, Dashboards, Refusals, Traffic};
use crate::blocks::Liveness;
use crate::connection::{Connection, ConnectionSettings};
use crate::dashboards::{view::DashboardView, Entry};
use crate::feeds::FeedStore;

/// One dashboard of the library, live. Mount it afresh for another dashboard.
#[component]
pub fn OpenDashboard(
    entry: Entry,
    /// Connect as soon as it opens.
    autoconnect: bool,
    dashboards: Dashboards,
) -> impl IntoView {
    let Entry {
        id,
        dashboard,
        profile,
        ..
    } = entry;
    let mut store = FeedStore::new();
    let (bound, binding_errors) = feeds_context::bind_dashboard(&dashboard, &mut store);
    let filters = store.filters();
    let store = Rc::new(RefCell::new(store));
    let feeds = FeedsContext::new(store.clone(), bound.feed_count);
    let connection = Connection::new(store, feeds.frame_listener());
    let liveness = Liveness::new(connection.status);
    Effect::new(move || dashboards.status.set(connection.status.get()));

    // Leaving the page, or this dashboard, says goodbye to the broker (DISCONNECT, so
    // no last will fires) instead of letting the socket drop.
    let pagehide = window_event_listener(leptos::ev::pagehide, move |_| connection.disconnect());
    on_cleanup(move || {
        pagehide.remove();
        connection.disconnect();
    });

    let on_change = Callback::new(move |(settings, remember): (ConnectionSettings, bool)| {
        dashboards.set_form(id, &settings, remember);
    });
    let initial = dashboards.form_for(id, &profile);
    let empty = dashboard.blocks.is_empty();
    let title = Signal::derive(move || {
        dashboards.with(|l| {
            l.entry(id)
                .map(|e| e.dashboard.title.clone())
                .unwrap_or_default()
        })
    });

    view! {
        {(!binding_errors.is_empty()).then(|| view! {
            <ul class="notices" aria-label="Problems with this dashboard">
                {binding_errors.into_iter().map(|n| view! { <li>{n}</li> }).collect_view()}
            </ul>
        })}
        <ConnectionForm connection initial
            remember_password=profile.remember_password filters autoconnect on_change />
        <Traffic counters=connection.counters />
        <Refusals refusals=connection.refusals />
        <DashboardView dashboard title bound feeds connection liveness />
        {empty.then(|| view! {
            <p class="hint empty">
                "This dashboard has no blocks yet. Blocks are written in JSON (see the \
                 dashboard schema): export a dashboard below, add blocks to it, and \
                 import it."
            </p>
        })}
    }
}
