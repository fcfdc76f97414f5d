//! The layout editor's tools on one block: move it earlier or later, choose its width,
//! edit it in the wizard, delete it. Buttons and a select, so that mouse, touch and
//! keyboard all work the same way, and a screen reader hears which block each acts on.

use leptos::prelude::*;

use super::model::MAX_COLUMNS;
use super::EntryId;
use crate::app::Dashboards;

/// The toolbar shown on a block while the layout editor is on.
#[component]
pub fn BlockTools(
    /// The block's title, in every tool's accessible name.
    title: String,
    /// The block's position now (blocks move under it); `None` once it is gone.
    position: Signal<Option<usize>>,
    /// How many blocks the dashboard has.
    count: Signal<usize>,
    /// Its width setting.
    columns: Option<u8>,
    dashboards: Dashboards,
    id: EntryId,
    on_edit: Callback<usize>,
) -> impl IntoView {
    let problem = RwSignal::new(None::<String>);
    let confirming = RwSignal::new(false);
    let change = move |f: &dyn Fn(&mut crate::dashboards::Library, usize) -> Result<(), String>| {
        let Some(index) = position.get_untracked() else {
            return;
        };
        let mut result = Ok(());
        dashboards.edit(|l| result = f(l, index));
        problem.set(result.err());
    };
    // Moving a block moves its DOM nodes, which drops the focus: give it back to the
    // button pressed, so a keyboard user can press it again.
    let earlier_ref = NodeRef::<leptos::html::Button>::new();
    let later_ref = NodeRef::<leptos::html::Button>::new();
    let move_by = move |step: isize, button: NodeRef<leptos::html::Button>| {
        change(&|l, index| {
            let to = index.saturating_add_signed(step);
            l.move_block(id, index, to).map(|_| ())
        });
        request_animation_frame(move || {
            if let Some(button) = button.get_untracked() {
                let _ = button.focus();
            }
        });
    };
    let first = move || position.get() == Some(0);
    let last = move || position.get().map(|p| p + 1) >= Some(count.get());

    let names = ToolNames::new(&title);
    let width_options = (1..=MAX_COLUMNS).map(|c| {
        let label = if c == 1 {
            "1 column".to_owned()
        } else {
            format!("{c} columns")
        };
        view! { <option value=c.to_string() selected=columns == Some(c)>{label}</option> }
    });
    let on_width = move |ev: leptos::ev::Event| {
        let value = event_target_value(&ev);
        let columns = value.parse::<u8>().ok();
        change(&|l, index| l.set_block_columns(id, index, columns));
    };

    view! {
        <div class="block-tools" role="toolbar" aria-label=names.toolbar.clone()>
            <button type="button" node_ref=earlier_ref aria-label=names.earlier.clone()
                disabled=first on:click=move |_| move_by(-1, earlier_ref)>
                "↑ Earlier"
            </button>
            <button type="button" node_ref=later_ref aria-label=names.later.clone()
                disabled=last on:click=move |_| move_by(1, later_ref)>
                "↓ Later"
            </button>
            <label class="width">
                "Width "
                <select aria-label=names.width.clone() on:change=on_width>
                    <option value="" selected=columns.is_none()>"Auto"</option>
                    {width_options.collect_view()}
                </select>
            </label>
            <button type="button" aria-label=names.edit.clone()
                on:click=move |_| {
                    if let Some(index) = position.get_untracked() {
                        on_edit.run(index);
                    }
                }>
                "Edit"
            </button>
            <Show when=move || confirming.get()
                fallback={
                    let delete = names.delete.clone();
                    move || view! {
                        <button type="button" class="danger" aria-label=delete.clone()
                            on:click=move |_| confirming.set(true)>
                            "Delete"
                        </button>
                    }
                }>
                <span class="delete-confirm" role="group" aria-label=names.confirm.clone()>
                    <button type="button" class="danger"
                        on:click=move |_| change(&|l, index| l.remove_block(id, index).map(|_| ()))>
                        "Yes, delete"
                    </button>
                    <button type="button" on:click=move |_| confirming.set(false)>"Keep it"</button>
                </span>
            </Show>
            {move || problem.get().map(|p| view! { <p class="error" role="alert">{p}</p> })}
        </div>
    }
}

/// The accessible names of one block's tools.
#[derive(Debug, Clone, PartialEq)]
pub struct ToolNames {
    /// The toolbar.
    pub toolbar: String,
    /// Move earlier.
    pub earlier: String,
    /// Move later.
    pub later: String,
    /// The width select.
    pub width: String,
    /// Edit in the wizard.
    pub edit: String,
    /// Delete (asks first).
    pub delete: String,
    /// The confirmation asked before deleting.
    pub confirm: String,
}

impl ToolNames {
    /// The names for the block titled `title`.
    pub fn new(title: &str) -> Self {
        Self {
            toolbar: format!("Layout of “{title}”"),
            earlier: format!("Move “{title}” earlier"),
            later: format!("Move “{title}” later"),
            width: format!("Width of “{title}”"),
            edit: format!("Edit “{title}”"),
            delete: format!("Delete “{title}”"),
            confirm: format!("Delete “{title}”?"),
        }
    }
}
