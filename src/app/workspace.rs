//! The page once its start-up configuration is known: the saved dashboards read back
//! (and saved again whenever they change), the site's `feedboard.json` and a share link
//! applied, and the open dashboard with everything around it.

use leptos::prelude::*;

use crate::pwa::UpdateOffer;
use crate::theme::{Theme, ThemePicker};

use super::dashboard_picker::DashboardPicker;
use super::open_dashboard::OpenDashboard;
use super::shared_link::{self, SharedBanner};
use super::startup_load::StartupLoad;
use super::transfer::Transfer;
use super::Dashboards;
use crate::connection::startup::StartupConfig;
use crate::dashboards::storage::{self, SET_ASIDE_KEY};
use crate::dashboards::{stored, Library};

/// The top bar, the problems found at start, the dashboard list, the open dashboard and
/// the import/export/share section.
#[component]
pub fn Workspace(startup: StartupLoad) -> impl IntoView {
    let StartupLoad { config, notice } = startup;
    let mut notices: Vec<String> = notice.into_iter().collect();
    let (mut library, writable) = load_saved(&mut notices);

    // The site's file decides what opens first, as it did before anything was saved.
    let site_config = config != StartupConfig::default();
    if site_config {
        library.apply_startup(
            config.dashboard,
            config.broker.as_deref(),
            config.username.as_deref(),
        );
    }
    let from_link = match shared_link::open_from_location(&mut library) {
        None => false,
        Some(Ok(())) => true,
        Some(Err(problem)) => {
            notices.push(problem);
            false
        }
    };
    // A shared dashboard never connects by itself: the user first sees where to.
    let dashboards = Dashboards::new(library, site_config && config.connect && !from_link);

    let save_problem = RwSignal::new(None::<String>);
    if writable {
        let last_saved = StoredValue::new(None::<String>);
        // Another tab of this site saved: take its dashboards, so that this page's next
        // save does not write over them. Not an echo: what this page would save now is
        // marked saved already.
        let storage_listener = window_event_listener(leptos::ev::storage, move |ev| {
            if ev.key().as_deref() != Some(storage::KEY) {
                return;
            }
            // Cleared or damaged: keep this page's list; its next save restores it.
            // (Entries that do not read are kept by `load` and written back.)
            let Some(text) = ev.new_value() else { return };
            let loaded = stored::load(Some(&text));
            if !loaded.writable || loaded.set_aside.is_some() {
                return;
            }
            dashboards.edit(|library| {
                library.adopt_saved(loaded.library);
                last_saved.set_value(Some(stored::save(library)));
            });
        });
        on_cleanup(move || storage_listener.remove());
        Effect::new(move || {
            let text = dashboards.with(stored::save);
            if last_saved.with_value(|last| last.as_deref() == Some(text.as_str())) {
                return;
            }
            match storage::write(&text) {
                Ok(()) => {
                    last_saved.set_value(Some(text));
                    save_problem.set(None);
                }
                Err(problem) => save_problem.set(Some(problem)),
            }
        });
    }

    // A share link pasted into this tab's address bar changes only the fragment: no
    // reload, so it is read here.
    let link_problem = RwSignal::new(None::<String>);
    let hashchange = window_event_listener(leptos::ev::hashchange, move |_| {
        let mut problem = None;
        dashboards.edit(|library| {
            if let Some(Err(p)) = shared_link::open_from_location(library) {
                problem = Some(p);
            }
        });
        link_problem.set(problem);
    });
    on_cleanup(move || hashchange.remove());

    let open_id = Memo::new(move |_| dashboards.with(Library::open_id));
    let open_dashboard = move || {
        let id = open_id.get();
        let entry = dashboards.with_untracked(|l| l.entry(id).cloned());
        let autoconnect = dashboards.take_connect_next();
        entry.map(|entry| view! { <OpenDashboard entry autoconnect dashboards /> })
    };
    let status = dashboards.status;
    let update_ready = crate::pwa::start();

    view! {
        <header class="top-bar">
            <h1>"Feedboard"</h1>
            // On a phone the banner scrolls with the page: this keeps the alerts in view
            // (a link to the banner); on a wide screen the banner itself stays.
            {move || match dashboards.alerts_needing_attention.get() {
                0 => None,
                n => Some(view! {
                    <a class="alert-pill" href="#alerts-firing">
                        <span aria-hidden="true">"⚠"</span>
                        {crate::words::count(n as u64, "alert", "alerts")}
                    </a>
                }),
            }}
            <p class="status" role="status" aria-label="Connection status"
               data-status=move || format!("{:?}", status.get())>
                {move || status.get().to_string()}
            </p>
        </header>
        <main>
            <UpdateOffer ready=update_ready />
            {(!notices.is_empty()).then(|| view! {
                <ul class="notices" aria-label="Problems found at start">
                    {notices.into_iter().map(|n| view! { <li>{n}</li> }).collect_view()}
                </ul>
            })}
            {move || save_problem.get().map(|p| view! { <p class="error banner" role="alert">{p}</p> })}
            {move || link_problem.get().map(|p| view! { <p class="error banner" role="alert">{p}</p> })}
            <DashboardPicker dashboards />
            <SharedBanner dashboards />
            {open_dashboard}
            <Transfer dashboards />
            <footer class="page-footer">
                {use_context::<Theme>().map(|theme| view! { <ThemePicker theme /> })}
            </footer>
        </main>
    }
}

/// The saved dashboards, and whether saving is allowed (not when that would overwrite
/// something this version cannot read). Problems are added to `notices`.
fn load_saved(notices: &mut Vec<String>) -> (Library, bool) {
    let text = match storage::read() {
        Ok(text) => text,
        Err(problem) => {
            notices.push(problem);
            return (Library::default(), false);
        }
    };
    let loaded = stored::load(text.as_deref());
    notices.extend(loaded.problems);
    let mut writable = loaded.writable;
    if let Some(raw) = loaded.set_aside {
        match storage::set_aside(&raw) {
            Ok(()) => notices.push(format!(
                "The unreadable text is kept in this site's storage under the key {SET_ASIDE_KEY:?}."
            )),
            Err(problem) => {
                writable = false;
                notices.push(format!(
                    "It could not be kept aside ({problem}), so nothing is saved over it."
                ));
            }
        }
    }
    (loaded.library, writable)
}
