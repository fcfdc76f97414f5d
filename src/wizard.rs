//! The block wizard, as Adafruit IO has it: choose a block type, then its feed (with
//! the topics already seen as suggestions), then its settings with a live preview.
//! Also where a block is edited later (straight to the settings).

pub mod catalogue;
pub mod draft;
pub mod settings_step;
pub mod suggestions;
pub mod topic_step;
pub mod type_step;

use leptos::prelude::*;

use crate::app::{Dashboards, FeedsContext};
use crate::blocks::Liveness;
use crate::connection::Connection;
use crate::dashboards::EntryId;
use draft::Draft;
use settings_step::SettingsStep;
use topic_step::TopicStep;
use type_step::TypeStep;

/// What the wizard was opened for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WizardTask {
    /// Make a new block, added after the others.
    Add,
    /// Change the block at this position.
    Edit(usize),
}

/// Where the wizard is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    /// Choosing a block type.
    Type,
    /// Choosing the feed topic (or the topic a control publishes to).
    Topic,
    /// Title, settings and preview.
    Settings,
}

/// The wizard: a region above the dashboard (not a modal: the dashboard stays live
/// and readable beside it). Closed by its own buttons.
#[component]
pub fn BlockWizard(
    task: WizardTask,
    id: EntryId,
    dashboards: Dashboards,
    feeds: FeedsContext,
    connection: Connection,
    liveness: Liveness,
    on_close: Callback<()>,
    /// A topic to start the feed step with (a block added from the topic explorer).
    preset_topic: Option<String>,
) -> impl IntoView {
    let (draft, step) = match task {
        WizardTask::Add => (None, Step::Type),
        WizardTask::Edit(index) => {
            let block = dashboards.with_untracked(|l| {
                l.entry(id)
                    .and_then(|e| e.dashboard.blocks.get(index).cloned())
            });
            (block.as_ref().and_then(Draft::of_block), Step::Settings)
        }
    };
    let editing_unknown = matches!(task, WizardTask::Edit(_)) && draft.is_none();
    let draft = RwSignal::new(draft);
    let step = RwSignal::new(step);
    let heading = match task {
        WizardTask::Add => "Add a block".to_owned(),
        WizardTask::Edit(_) => match draft.get_untracked() {
            Some(d) => format!("Edit “{}”", d.title_or_default()),
            None => "Edit block".to_owned(),
        },
    };
    let heading_ref = NodeRef::<leptos::html::H2>::new();
    // Each step starts at the heading, so a screen reader hears where the user is.
    Effect::new(move || {
        step.track();
        if let Some(h) = heading_ref.get() {
            let _ = h.focus();
        }
    });
    let step_name = move || match step.get() {
        Step::Type => "Step 1 of 3: block type",
        Step::Topic => "Step 2 of 3: feed",
        Step::Settings if matches!(task, WizardTask::Add) => "Step 3 of 3: settings",
        Step::Settings => "Settings",
    };

    let body = move || {
        if editing_unknown {
            return view! {
                <p class="error" role="alert">
                    "This block's type is not in the wizard: change it in the dashboard's \
                     JSON (export, edit, import)."
                </p>
            }
            .into_any();
        }
        match step.get() {
            Step::Type => {
                let preset_topic = preset_topic.clone();
                view! { <TypeStep draft step on_cancel=on_close preset_topic /> }.into_any()
            }
            Step::Topic => {
                view! { <TopicStep draft step feeds dashboards on_cancel=on_close /> }.into_any()
            }
            Step::Settings => view! {
                <SettingsStep draft step task id dashboards feeds connection liveness on_close />
            }
            .into_any(),
        }
    };

    view! {
        <section class="wizard" aria-labelledby="wizard-heading">
            <h2 id="wizard-heading" tabindex="-1" node_ref=heading_ref>{heading}</h2>
            <p class="wizard-step">{step_name}</p>
            {body}
            {editing_unknown.then(|| view! {
                <button type="button" on:click=move |_| on_close.run(())>"Close"</button>
            })}
        </section>
    }
}
