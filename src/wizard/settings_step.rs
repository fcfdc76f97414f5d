//! The wizard's last step: the title and the settings of the chosen block type, each
//! with its problem beside it, and a live preview of the block on its real feed.

use leptos::prelude::*;

use super::catalogue::{Field, FieldKind};
use super::draft::{Draft, Problems};
use super::{Step, WizardTask};
use crate::app::{Dashboards, FeedsContext};
use crate::blocks::Liveness;
use crate::connection::Connection;
use crate::dashboards::view::{bind_and_subscribe, block_with_feeds};
use crate::dashboards::{Block, EntryId};

/// The form, the preview, and Create (or Save).
#[component]
pub fn SettingsStep(
    draft: RwSignal<Option<Draft>>,
    step: RwSignal<Step>,
    task: WizardTask,
    id: EntryId,
    dashboards: Dashboards,
    feeds: FeedsContext,
    connection: Connection,
    liveness: Liveness,
    on_close: Callback<()>,
) -> impl IntoView {
    let Some(kind) = draft.with_untracked(|d| d.as_ref().map(|d| d.kind)) else {
        return ().into_any();
    };
    let checked = Memo::new(move |_| draft.with(|d| d.as_ref().map(Draft::to_block)));
    // Problems show once the user tried to save, or at a field they typed in.
    let attempted = RwSignal::new(false);
    let problems = Memo::new(move |_| match checked.get() {
        Some(Err(p)) => p,
        _ => Problems::default(),
    });
    let save_problem = RwSignal::new(None::<String>);
    let block = Memo::new(move |_| checked.get().and_then(Result::ok));

    let title_placeholder = move || draft.with(|d| d.as_ref().map(Draft::title_or_default));
    let fields = kind
        .fields()
        .map(|field| view! { <SettingField field draft problems attempted /> })
        .collect_view();
    let title_problem = move || {
        attempted
            .get()
            .then(|| problems.with(|p| p.at("title").map(str::to_owned)))
            .flatten()
    };

    let save = move || {
        attempted.set(true);
        let Some(block) = block.get_untracked() else {
            return;
        };
        let mut result = Ok(());
        dashboards.edit(|l| {
            result = match task {
                WizardTask::Add => l.add_block(id, block).map(|_| ()),
                WizardTask::Edit(index) => l.replace_block(id, index, block),
            }
        });
        match result {
            Ok(()) => on_close.run(()),
            Err(problem) => save_problem.set(Some(problem)),
        }
    };
    let adding = matches!(task, WizardTask::Add);
    let back_to = if kind.topic.is_some() {
        Step::Topic
    } else {
        Step::Type
    };

    view! {
        <form class="settings-step" on:submit=move |ev| {
            ev.prevent_default();
            save();
        }>
            <div class="field wide">
                <label for="wizard-title">"Title"</label>
                <input id="wizard-title" type="text" placeholder=title_placeholder
                    aria-describedby="wizard-title-problem"
                    prop:value=move || draft.with(|d| d.as_ref().map(|d| d.title.clone()))
                    on:input:target=move |ev| {
                        let text = ev.target().value();
                        draft.update(|d| if let Some(d) = d { d.title = text });
                    } />
                <p id="wizard-title-problem" class="error">{title_problem}</p>
            </div>
            <div class="settings">{fields}</div>
            {move || attempted.get().then(|| problems.with(|p| p.general.clone()))
                .filter(|g| !g.is_empty())
                .map(|general| view! {
                    <ul class="error" role="alert" aria-label="Problems with this block">
                        {general.into_iter().map(|g| view! { <li>{g}</li> }).collect_view()}
                    </ul>
                })}
            <Preview block feeds connection liveness />
            {move || (attempted.get() && block.with(Option::is_none)).then(|| view! {
                <p class="error" role="alert">"Fix the settings marked above first"</p>
            })}
            {move || save_problem.get().map(|p| view! { <p class="error" role="alert">{p}</p> })}
            <div class="wizard-buttons">
                <button type="button" on:click=move |_| on_close.run(())>"Cancel"</button>
                {adding.then(|| view! {
                    <button type="button" on:click=move |_| step.set(back_to)>"Back"</button>
                })}
                <button type="submit" class="primary">
                    {if adding { "Create block" } else { "Save changes" }}
                </button>
            </div>
        </form>
    }
    .into_any()
}

/// One setting: its input, labelled, with its problem under it.
#[component]
fn SettingField(
    field: &'static Field,
    draft: RwSignal<Option<Draft>>,
    problems: Memo<Problems>,
    attempted: RwSignal<bool>,
) -> impl IntoView {
    let input_id = format!("wizard-{}", field.key);
    let problem_id = format!("wizard-{}-problem", field.key);
    let touched = RwSignal::new(false);
    let value = move || {
        draft.with(|d| {
            d.as_ref()
                .map(|d| d.value(field.key).to_owned())
                .unwrap_or_default()
        })
    };
    let set = move |text: String| {
        touched.set(true);
        draft.update(|d| {
            if let Some(d) = d {
                d.set(field.key, text);
            }
        });
    };
    let problem = move || {
        (attempted.get() || touched.get())
            .then(|| problems.with(|p| p.at(field.key).map(str::to_owned)))
            .flatten()
    };
    let invalid = move || problem().is_some().to_string();
    let input = match field.kind {
        FieldKind::Checkbox => view! {
            <input type="checkbox" id=input_id.clone()
                prop:checked=move || value() == "true"
                on:change:target=move |ev| {
                    set(if ev.target().checked() { "true".into() } else { String::new() })
                } />
        }
        .into_any(),
        FieldKind::Qos => view! {
            <select id=input_id.clone() on:change:target=move |ev| set(ev.target().value())>
                {["0", "1", "2"].map(|q| view! {
                    <option value=q selected=move || value() == q>{format!("QoS {q}")}</option>
                }).collect_view()}
            </select>
        }
        .into_any(),
        FieldKind::Colour => view! {
            <input type="color" id=input_id.clone()
                prop:value=value on:input:target=move |ev| set(ev.target().value()) />
        }
        .into_any(),
        kind => {
            // Numbers in a text box: a number input hides what was typed when it is
            // not a number, and the user must see why it is refused.
            let inputmode = match kind {
                FieldKind::Number => "decimal",
                FieldKind::Count => "numeric",
                _ => "text",
            };
            view! {
                <input type="text" id=input_id.clone() inputmode=inputmode spellcheck="false"
                    aria-describedby=problem_id.clone() aria-invalid=invalid
                    prop:value=value on:input:target=move |ev| set(ev.target().value()) />
            }
            .into_any()
        }
    };
    let class = if field.kind == FieldKind::Checkbox {
        "field check"
    } else {
        "field"
    };
    let label = if field.required {
        format!("{} (required)", field.label)
    } else {
        field.label.to_owned()
    };
    view! {
        <div class=class>
            <label for=input_id>{label}</label>
            {input}
            <p id=problem_id class="error">{problem}</p>
        </div>
    }
}

/// The block as it will look, on its real feed. Inert: a preview toggle must not switch
/// the heater.
#[component]
fn Preview(
    block: Memo<Option<Block>>,
    feeds: FeedsContext,
    connection: Connection,
    liveness: Liveness,
) -> impl IntoView {
    let shown = move || {
        block.get().map(|block| {
            let bound = bind_and_subscribe(feeds, connection, &block);
            block_with_feeds(block, bound, feeds, connection, liveness)
        })
    };
    view! {
        <div class="preview">
            <p class="hint">"Preview"</p>
            <div class="preview-block" inert="">{shown}</div>
        </div>
    }
}
