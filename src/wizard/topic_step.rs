//! The wizard's second step: the feed's topic (or the topic a control publishes to),
//! with suggestions from what this page has seen.

use leptos::prelude::*;
use mqtt_session::topic::{validate_topic_filter, validate_topic_name};

use super::catalogue::FieldKind;
use super::draft::Draft;
use super::suggestions::suggest;
use super::Step;
use crate::app::{Dashboards, FeedsContext};

/// A text box and, under it, buttons for the suggested topics matching what is typed.
#[component]
pub fn TopicStep(
    draft: RwSignal<Option<Draft>>,
    step: RwSignal<Step>,
    feeds: FeedsContext,
    dashboards: Dashboards,
    on_cancel: Callback<()>,
) -> impl IntoView {
    let Some(field) = draft.with_untracked(|d| d.as_ref().and_then(|d| d.kind.topic)) else {
        return ().into_any();
    };
    let typed = RwSignal::new(
        draft.with_untracked(|d| d.as_ref().map(|d| d.topic().to_owned()).unwrap_or_default()),
    );
    let problem = RwSignal::new(None::<String>);
    // Known once, when the step opens: a busy broker must not re-render the list.
    let known = {
        let mut topics = feeds.seen_topics();
        topics.extend(feeds.filters());
        topics.extend(dashboards.with_untracked(known_topics));
        topics.retain(|t| field.kind == FieldKind::ReadTopic || !t.contains(['+', '#']));
        topics
    };
    let shown = Memo::new(move |_| typed.with(|t| suggest(&known, t)));
    let next = move || {
        let topic = typed.get_untracked().trim().to_owned();
        let checked = match field.kind {
            FieldKind::WriteTopic => validate_topic_name(&topic).map_err(|e| e.to_string()),
            _ => validate_topic_filter(&topic).map_err(|e| e.to_string()),
        };
        if let Err(rule) = checked {
            let shown = if topic.is_empty() {
                "give one".to_owned()
            } else {
                rule
            };
            problem.set(Some(format!("{}: {shown}", field.label)));
            return;
        }
        draft.update(|d| {
            if let Some(d) = d {
                d.set(field.key, topic.clone());
                preset_state_topic(d, &topic);
            }
        });
        step.set(Step::Settings);
    };
    let hint = match field.kind {
        FieldKind::WriteTopic => "The topic the block publishes to: no + or # wildcards.",
        _ => "A topic, or a filter with + (one level) or # (all levels below).",
    };
    view! {
        <form class="topic-step" on:submit=move |ev| {
            ev.prevent_default();
            next();
        }>
            <div class="field wide">
                <label for="wizard-topic">{field.label}</label>
                <input id="wizard-topic" type="text" spellcheck="false" autocomplete="off"
                    aria-describedby="wizard-topic-hint wizard-topic-problem"
                    aria-invalid=move || problem.with(Option::is_some).to_string()
                    prop:value=typed
                    on:input:target=move |ev| {
                        typed.set(ev.target().value());
                        problem.set(None);
                    } />
                <p id="wizard-topic-hint" class="hint">{hint}</p>
                <p id="wizard-topic-problem" class="error" role="alert">{move || problem.get()}</p>
            </div>
            <div class="suggestions">
                {move || (!shown.with(Vec::is_empty)).then(|| view! {
                    <p class="hint">"Topics seen here:"</p>
                })}
                <ul aria-label="Topic suggestions">
                    <For each=move || shown.get() key=|t| t.clone() let(topic)>
                        <li>
                            <button type="button" class="suggestion"
                                on:click={
                                    let topic = topic.clone();
                                    move |_| {
                                        typed.set(topic.clone());
                                        problem.set(None);
                                    }
                                }>
                                {topic.clone()}
                            </button>
                        </li>
                    </For>
                </ul>
            </div>
            <div class="wizard-buttons">
                <button type="button" on:click=move |_| on_cancel.run(())>"Cancel"</button>
                <button type="button" on:click=move |_| step.set(Step::Type)>"Back"</button>
                <button type="submit" class="primary">"Next"</button>
            </div>
        </form>
    }
    .into_any()
}

/// Every topic the library's dashboards use.
fn known_topics(library: &crate::dashboards::Library) -> Vec<String> {
    library
        .entries()
        .iter()
        .flat_map(|e| e.dashboard.blocks.iter())
        .flat_map(|b| b.kind.bindings().into_iter().map(|(topic, _)| topic))
        .collect()
}

/// A control publishing to `x/set` usually reports its state on `x` (Adafruit IO's and
/// Home Assistant's habit): offered as the state topic unless one is set.
fn preset_state_topic(draft: &mut Draft, command: &str) {
    let has_state = draft.kind.settings.iter().any(|f| f.key == "state_topic");
    if has_state && draft.value("state_topic").is_empty() {
        if let Some(state) = command.strip_suffix("/set").filter(|s| !s.is_empty()) {
            draft.set("state_topic", state.to_owned());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wizard::catalogue::block_type;

    #[test]
    fn a_set_topic_suggests_its_state_topic_once() {
        let mut d = Draft::new(block_type("toggle").unwrap());
        preset_state_topic(&mut d, "home/f/heater/set");
        assert_eq!(d.value("state_topic"), "home/f/heater");
        preset_state_topic(&mut d, "other/set");
        assert_eq!(
            d.value("state_topic"),
            "home/f/heater",
            "a state topic stays"
        );
        let mut plain = Draft::new(block_type("button").unwrap());
        preset_state_topic(&mut plain, "x/set");
        assert_eq!(plain.value("state_topic"), "");
    }
}
