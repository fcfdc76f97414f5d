//! Choosing, creating, renaming and deleting dashboards: a labelled list to switch with,
//! and one small inline form at a time (no pop-up windows, so keyboards and screen
//! readers stay on the page).

use leptos::ev::SubmitEvent;
use leptos::html;
use leptos::prelude::*;

use super::Dashboards;
use crate::dashboards::{EntryId, MAX_NAME_CHARS};

/// What the picker is asking, if anything.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Asking {
    Nothing,
    NewName,
    Rename,
    ConfirmDelete,
}

/// The "Dashboards" navigation.
#[component]
pub fn DashboardPicker(dashboards: Dashboards) -> impl IntoView {
    let asking = RwSignal::new(Asking::Nothing);
    let problem = RwSignal::new(None::<String>);
    let ask = move |what: Asking| {
        problem.set(None);
        asking.set(what);
    };
    let open_title = move || dashboards.with(|l| l.open_entry().dashboard.title.clone());

    let options = move || {
        dashboards.with(|library| {
            let open = library.open_id();
            library
                .entries()
                .iter()
                .map(|e| {
                    let label = if e.saved {
                        e.dashboard.title.clone()
                    } else {
                        format!("{} (not saved)", e.dashboard.title)
                    };
                    view! { <option value=e.id.to_string() selected=e.id == open>{label}</option> }
                })
                .collect_view()
        })
    };
    let on_select = move |value: String| {
        if let Ok(id) = value.parse::<EntryId>() {
            ask(Asking::Nothing);
            dashboards.edit(|l| {
                l.open(id);
            });
        }
    };
    // Opening a dashboard connects to its broker, so the list must not open each one an
    // arrow key passes (a closed <select> reports every arrow press as a change). Keys
    // only choose; Enter, or leaving the list, opens the choice. A pick with the mouse
    // opens at once.
    let by_keyboard = StoredValue::new(false);
    let chosen = StoredValue::new(None::<String>);
    let open_chosen = move || {
        by_keyboard.set_value(false);
        if let Some(value) = chosen.try_update_value(Option::take).flatten() {
            on_select(value);
        }
    };
    let on_key = move |ev: leptos::ev::KeyboardEvent| match ev.key().as_str() {
        "Enter" => {
            ev.prevent_default();
            open_chosen();
        }
        "Tab" | "Shift" | "Escape" => {}
        _ => by_keyboard.set_value(true),
    };
    let on_change = move |value: String| {
        if by_keyboard.get_value() {
            chosen.set_value(Some(value));
        } else {
            on_select(value);
        }
    };

    view! {
        <nav class="dashboards" aria-label="Dashboards">
            <div class="field pick">
                <label for="dashboard-select">"Dashboard"</label>
                <select id="dashboard-select" aria-describedby="dashboard-select-hint"
                    on:keydown=on_key
                    on:mousedown=move |_| by_keyboard.set_value(false)
                    on:blur=move |_| open_chosen()
                    on:change:target=move |ev| on_change(ev.target().value())>
                    {options}
                </select>
                <p id="dashboard-select-hint" class="visually-hidden">
                    "Arrow keys choose a dashboard; Enter opens it."
                </p>
            </div>
            <div class="picker-actions">
                <button type="button" on:click=move |_| ask(Asking::NewName)
                    aria-expanded=move || (asking.get() == Asking::NewName).to_string()>
                    "New dashboard"
                </button>
                <button type="button" on:click=move |_| ask(Asking::Rename)
                    aria-expanded=move || (asking.get() == Asking::Rename).to_string()>
                    "Rename dashboard"
                </button>
                <button type="button" on:click=move |_| ask(Asking::ConfirmDelete)
                    aria-expanded=move || (asking.get() == Asking::ConfirmDelete).to_string()>
                    "Delete dashboard"
                </button>
            </div>
            {move || match asking.get() {
                Asking::Nothing => ().into_any(),
                Asking::NewName => view! {
                    <NameForm label="Name of the new dashboard" submit="Create" initial=String::new()
                        problem asking
                        on_name=Callback::new(move |name: String| {
                            let mut result = Ok(0);
                            dashboards.edit(|l| result = l.create(&name));
                            result.map(|_| ())
                        }) />
                }.into_any(),
                Asking::Rename => view! {
                    <NameForm label="New name" submit="Save name" initial=untrack(open_title)
                        problem asking
                        on_name=Callback::new(move |name: String| {
                            let mut result = Ok(());
                            dashboards.edit(|l| result = l.rename(l.open_id(), &name));
                            result
                        }) />
                }.into_any(),
                Asking::ConfirmDelete => view! {
                    <ConfirmDelete title=untrack(open_title) problem asking dashboards />
                }.into_any(),
            }}
            {move || problem.get().map(|p| view! { <p class="error" role="alert">{p}</p> })}
        </nav>
    }
}

/// A one-field form for a dashboard's name; focused when it appears.
#[component]
fn NameForm(
    label: &'static str,
    submit: &'static str,
    initial: String,
    problem: RwSignal<Option<String>>,
    asking: RwSignal<Asking>,
    /// Does what the form is for; `Err` is shown and the form stays.
    on_name: Callback<String, Result<(), String>>,
) -> impl IntoView {
    let name = RwSignal::new(initial);
    let input = NodeRef::<html::Input>::new();
    Effect::new(move || {
        if let Some(input) = input.get() {
            let _ = input.focus();
        }
    });
    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        match on_name.run(name.get_untracked()) {
            Ok(()) => {
                problem.set(None);
                asking.set(Asking::Nothing);
            }
            Err(message) => problem.set(Some(message)),
        }
    };
    view! {
        <form class="name-form" aria-label=label on:submit=on_submit>
            <div class="field">
                <label for="dashboard-name">{label}</label>
                <input id="dashboard-name" type="text" node_ref=input required
                    maxlength=MAX_NAME_CHARS.to_string()
                    prop:value=name on:input:target=move |ev| name.set(ev.target().value()) />
            </div>
            <div class="actions">
                <button type="submit">{submit}</button>
                <button type="button" on:click=move |_| {
                    problem.set(None);
                    asking.set(Asking::Nothing);
                }>"Cancel"</button>
            </div>
        </form>
    }
}

/// "Delete … ?" with the dashboard named, and a Cancel that is focused first: deleting
/// takes a deliberate second choice.
#[component]
fn ConfirmDelete(
    title: String,
    problem: RwSignal<Option<String>>,
    asking: RwSignal<Asking>,
    dashboards: Dashboards,
) -> impl IntoView {
    let cancel = NodeRef::<html::Button>::new();
    Effect::new(move || {
        if let Some(button) = cancel.get() {
            let _ = button.focus();
        }
    });
    let delete = move |_| {
        let mut result = Ok(());
        let mut deleted = None;
        dashboards.edit(|l| {
            let id = l.open_id();
            result = l.delete(id);
            deleted = Some(id);
        });
        match result {
            Ok(()) => {
                if let Some(id) = deleted {
                    super::history_sync::forget_dashboard(id);
                }
                asking.set(Asking::Nothing)
            }
            Err(message) => problem.set(Some(message)),
        }
    };
    view! {
        <div class="confirm" role="group" aria-label="Confirm delete">
            <p>{format!("Delete the dashboard {title:?} and its connection settings? This cannot be undone.")}</p>
            <div class="actions">
                <button type="button" class="danger" on:click=delete>"Yes, delete it"</button>
                <button type="button" node_ref=cancel on:click=move |_| {
                    problem.set(None);
                    asking.set(Asking::Nothing);
                }>"Cancel"</button>
            </div>
        </div>
    }
}
