//! The open dashboard with its own connection: feed store, connection form, traffic and
//! blocks. Opening another dashboard replaces all of it, and the connection it held says
//! goodbye to its broker.

use std::cell::RefCell;
use std::rc::Rc;

use leptos::prelude::*;

use super::alerts_panel::Alerts;
use super::alerts_section::{AlertBanner, AlertLogView};
use super::csv_export::CsvExport;
use super::explorer::TopicExplorer;
use super::feed_exports::dashboard_exports;
use super::feeds_context::FeedsContext;
use super::history_bounds::HistoryBounds;
use super::history_sync::HistoryControl;
use super::publish_console::PublishConsole;
use super::read_out::ReadOut;
use super::{ConnectionForm, Dashboards, Refusals, Traffic};
use crate::blocks::Liveness;
use crate::connection::{Connection, ConnectionSettings};
use crate::dashboards::view::DashboardView;
use crate::dashboards::{Entry, HistorySettings};
use crate::export::{feed_rows, TimeRange};
use crate::feeds::{FeedId, FeedStore};
use crate::wizard::{BlockWizard, WizardTask};

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
        saved,
        ..
    } = entry;
    let store = Rc::new(RefCell::new(FeedStore::new()));
    let feeds = FeedsContext::new(store.clone());
    // Bound before the form: its first Connect (autoconnect) subscribes to them. Blocks
    // bind themselves again when they mount, to the same feeds; then these bindings
    // are given back, so that deleting a block can leave its feed unread.
    let prebound: Vec<FeedId> = dashboard
        .blocks
        .iter()
        .flat_map(|block| feeds.bind(block).feeds)
        .flatten()
        .collect();
    let connection = Connection::new(store, feeds.frame_listener());
    queue_microtask(move || feeds.release(connection, &prebound));
    let rules = Memo::new(move |_| {
        dashboards.with(|l| {
            l.entry(id)
                .map(|e| e.dashboard.alerts.clone())
                .unwrap_or_default()
        })
    });
    let alerts = Alerts::start(rules, feeds, connection);
    // Blocks reading an alert's feed mark themselves while it fires.
    provide_context(alerts);
    let filters = feeds.filters();
    // A dashboard only looked at (a share link not saved) leaves no history behind.
    let history_settings = Signal::derive(move || {
        dashboards.with(|l| l.entry(id).map(|e| e.dashboard.history).unwrap_or_default())
    });
    let history = saved.then(|| HistoryControl::start(id, history_settings, feeds));
    let clearing_history = RwSignal::new(false);
    let liveness = Liveness::new(connection.status);
    Effect::new(move || dashboards.status.set(connection.status.get()));
    Effect::new(move || {
        let count = alerts
            .log
            .with(|l| l.active().filter(|e| e.needs_attention()).count());
        dashboards.alerts_needing_attention.set(count);
    });
    on_cleanup(move || {
        let _ = dashboards.alerts_needing_attention.try_set(0);
    });

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
    let empty = Memo::new(move |_| {
        dashboards.with(|l| l.entry(id).is_none_or(|e| e.dashboard.blocks.is_empty()))
    });
    let editing = RwSignal::new(false);
    let publishing = RwSignal::new(false);
    let exploring = RwSignal::new(false);
    let exporting = RwSignal::new(false);
    let wizard = RwSignal::new(None::<WizardTask>);
    // The topic a block is being added for, from the topic explorer.
    let wizard_topic = RwSignal::new(None::<String>);
    let add_for_topic = Callback::new(move |topic: String| {
        wizard_topic.set(Some(topic));
        wizard.set(Some(WizardTask::Add));
    });
    let on_edit = Callback::new(move |index: usize| wizard.set(Some(WizardTask::Edit(index))));

    view! {
        <ConnectionForm connection initial
            remember_password=profile.remember_password filters autoconnect on_change />
        <Traffic counters=connection.counters />
        <AlertBanner alerts login=Signal::derive(move || {
            dashboards.with(|l| l.entry(id).map(|e| e.profile.username.clone()))
                .filter(|u| !u.trim().is_empty())
        }) />
        <Refusals refusals=connection.refusals />
        <div class="dashboard-tools" role="toolbar" aria-label="Dashboard tools">
            <button type="button" aria-pressed=move || editing.get().to_string()
                on:click=move |_| editing.update(|e| *e = !*e)>
                "Edit layout"
            </button>
            <button type="button" on:click=move |_| {
                wizard_topic.set(None);
                wizard.set(Some(WizardTask::Add));
            }>
                "Add block"
            </button>
            <button type="button" aria-expanded=move || publishing.get().to_string()
                aria-controls="publish-console"
                on:click=move |_| publishing.update(|p| *p = !*p)>
                "Publish console"
            </button>
            <button type="button" aria-expanded=move || exploring.get().to_string()
                on:click=move |_| exploring.update(|e| *e = !*e)>
                "Topic explorer"
            </button>
            <button type="button" aria-expanded=move || exporting.get().to_string()
                on:click=move |_| exporting.update(|e| *e = !*e)>
                "Export CSV…"
            </button>
            {history.map(|_| view! {
                <button type="button" on:click=move |_| clearing_history.set(true)>
                    "Clear history…"
                </button>
            })}
        </div>
        {history.map(|history| view! {
            {move || clearing_history.get().then(|| view! {
                <div class="confirm" role="group" aria-labelledby="clear-history-question">
                    <p id="clear-history-question">
                        "Clear this dashboard's saved history? Its charts start again from now."
                    </p>
                    <button type="button" on:click=move |_| {
                        history.clear();
                        clearing_history.set(false);
                    }>"Clear history"</button>
                    <button type="button" on:click=move |_| clearing_history.set(false)>"Cancel"</button>
                </div>
            })}
        })}
        <div id="publish-console" hidden=move || !publishing.get()>
            <PublishConsole connection />
        </div>
        // The feeds as they are when it opens: a block added later is offered next time.
        {move || exporting.get().then(|| {
            let exports = dashboards
                .with_untracked(|l| l.entry(id).map(|e| dashboard_exports(&e.dashboard, feeds)))
                .unwrap_or_default();
            let (choices, ids): (Vec<_>, Vec<_>) = exports.into_iter().unzip();
            let rows = Callback::new(move |(index, range): (usize, TimeRange)| {
                let Some(store) = feeds.try_store() else { return Vec::new() };
                let store = store.borrow();
                ids.get(index)
                    .and_then(|id| store.feed(*id))
                    .map(|feed| feed_rows(feed, range))
                    .unwrap_or_default()
            });
            view! {
                <CsvExport title="Export CSV" choices rows
                    on_close=Callback::new(move |()| exporting.set(false)) />
            }
        })}
        // Mounted only while open: closing it ends its subscription.
        {move || exploring.get().then(|| view! { <TopicExplorer connection on_add_block=add_for_topic /> })}
        {move || wizard.get().map(|task| view! {
            <BlockWizard task id dashboards feeds connection liveness
                preset_topic=wizard_topic.get_untracked()
                on_close=Callback::new(move |()| wizard.set(None)) />
        })}
        <DashboardView id dashboards feeds connection liveness editing on_edit />
        <AlertLogView alerts id dashboards />
        {move || empty.get().then(|| view! {
            <p class="hint empty">
                "This dashboard has no blocks yet: press “Add block” to make one, or \
                 import a dashboard below."
            </p>
        })}
        // Settings, after the blocks: on a phone the dashboard comes first.
        <section class="page-settings" aria-labelledby="page-settings-title">
            <h2 id="page-settings-title">"History and read-out"</h2>
            <ReadOut id dashboards feeds />
            {history.map(|history| view! {
                <p class="hint history-status" role="status" aria-label="History">
                    {move || match (history.problem.get(), history.restored.get()) {
                        (Some(problem), _) => problem,
                        (None, Some(n)) => format!(
                            "History is saved in this browser for {}; {n} saved samples read back.",
                            HistorySettings::hours_label(history_settings.get().kept_hours())
                        ),
                        (None, None) => "Reading the saved history…".to_owned(),
                    }}
                </p>
                <HistoryBounds id dashboards settings=history_settings history />
            })}
        </section>
    }
}
