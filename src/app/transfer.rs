//! Import, export and share: the open dashboard as JSON (to copy or download) and as a
//! link, and a dashboard read from a file or pasted text added to the list.
//! The checks are [`crate::dashboards::import`]'s; this is the wiring.

use leptos::prelude::*;
use wasm_bindgen_futures::JsFuture;
use web_sys::File;

use super::Dashboards;
use crate::dashboards::import::{
    export_file_name, export_json, parse_dashboard, MAX_DASHBOARD_BYTES,
};
use crate::dashboards::library::Origin;
use crate::dashboards::share::share_fragment;
use crate::dashboards::Profile;

/// The outcome of the last import, shown under the import form.
#[derive(Debug, Clone, PartialEq)]
enum Outcome {
    Imported(String),
    Refused(String),
}

/// The "Import, export and share" section.
#[component]
pub fn Transfer(dashboards: Dashboards) -> impl IntoView {
    // Only what the exports show: not the whole entry, whose profile changes with every
    // keystroke in the connection form.
    let dashboard = Memo::new(move |_| dashboards.with(|l| l.open_entry().dashboard.clone()));
    let broker = Memo::new(move |_| dashboards.with(|l| l.open_entry().profile.broker_url.clone()));
    let exported = move || dashboard.with(export_json);
    let file_name = move || dashboard.with(export_file_name);
    let download_href = move || {
        let json: String = js_sys::encode_uri_component(&exported()).into();
        format!("data:application/json;charset=utf-8,{json}")
    };
    let share_link = move || {
        let broker = broker.get();
        let broker = Some(broker.as_str()).filter(|b| b.contains("://"));
        let fragment = dashboard.with(|d| share_fragment(d, broker));
        format!("{}#{fragment}", page_address())
    };

    let pasted = RwSignal::new(String::new());
    let outcome = RwSignal::new(None::<Outcome>);
    let import_text = move |text: &str, source: &str| match parse_dashboard(text) {
        Ok(dashboard) => {
            let title = dashboard.title.clone();
            // A new dashboard, on the broker of the one open now; never its credentials.
            let broker = dashboards.with_untracked(|l| l.open_entry().profile.broker_url.clone());
            dashboards.edit(|l| {
                l.add(dashboard, Profile::for_broker(&broker), Origin::User, true);
            });
            outcome.set(Some(Outcome::Imported(format!(
                "Imported {title:?} from {source}; it is open now."
            ))));
        }
        Err(problem) => outcome.set(Some(Outcome::Refused(format!(
            "Not imported from {source}: {problem}. Nothing was changed."
        )))),
    };
    let on_file = move |file: File| {
        let name = file.name();
        if file.size() > MAX_DASHBOARD_BYTES as f64 {
            outcome.set(Some(Outcome::Refused(format!(
                "Not imported from {name}: it is larger than the {} KiB a dashboard may be. Nothing was changed.",
                MAX_DASHBOARD_BYTES / 1024
            ))));
            return;
        }
        leptos::task::spawn_local(async move {
            let text = JsFuture::from(file.text())
                .await
                .ok()
                .and_then(|t| t.as_string());
            match text {
                Some(text) => import_text(&text, &name),
                None => outcome.set(Some(Outcome::Refused(format!(
                    "Not imported: the browser could not read {name}. Nothing was changed."
                )))),
            }
        });
    };

    view! {
        <section class="transfer" aria-labelledby="transfer-title">
            <h2 id="transfer-title">"Import, export and share"</h2>
            <div class="transfer-grid">
                <div class="field">
                    <label for="export-json">"This dashboard as JSON"</label>
                    <textarea id="export-json" readonly rows="8" spellcheck="false"
                        prop:value=exported></textarea>
                    <a class="button-link" download=file_name href=download_href>
                        "Download JSON"
                    </a>
                </div>
                <div class="field">
                    <label for="share-link">"Share link"</label>
                    <input id="share-link" type="text" readonly aria-describedby="share-hint"
                        prop:value=share_link />
                    <p id="share-hint" class="hint">
                        "Opens this dashboard and its broker's address. Never holds a username or password."
                    </p>
                </div>
                <form class="field import" aria-label="Import a dashboard"
                    on:submit=move |ev| {
                        ev.prevent_default();
                        import_text(&pasted.get_untracked(), "the pasted text");
                    }>
                    <label for="import-file">"Import from a file"</label>
                    <input id="import-file" type="file" accept=".json,application/json"
                        on:change:target=move |ev| {
                            let input = ev.target();
                            if let Some(file) = input.files().and_then(|f| f.get(0)) {
                                on_file(file);
                            }
                            // Choosing the same file again must import it again.
                            input.set_value("");
                        } />
                    <label for="import-text">"Or paste a dashboard's JSON"</label>
                    <textarea id="import-text" rows="6" spellcheck="false"
                        prop:value=pasted
                        on:input:target=move |ev| pasted.set(ev.target().value())></textarea>
                    <div class="actions">
                        <button type="submit">"Import pasted JSON"</button>
                    </div>
                    // One live region, there from the start, so that screen readers
                    // announce each outcome as it replaces the last.
                    <p role="status" aria-label="Import result"
                        class=move || match outcome.get() {
                            Some(Outcome::Refused(_)) => "error",
                            _ => "ok",
                        }>
                        {move || outcome.get().map(|o| match o {
                            Outcome::Imported(message) | Outcome::Refused(message) => message,
                        })}
                    </p>
                </form>
            </div>
        </section>
    }
}

/// The page's address without its fragment: where a share link points.
fn page_address() -> String {
    web_sys::window()
        .and_then(|w| w.location().href().ok())
        .map(|href| href.split('#').next().unwrap_or_default().to_owned())
        .unwrap_or_default()
}
