//! Making and editing an alert rule in the page: a form over [`AlertDraft`], whose
//! problems show at their fields once the user has typed there or pressed Save. Saved
//! rules go into the dashboard (and its JSON) like the wizard's blocks. Saving the
//! dashboard's first rule asks for notification permission, having said why.

use leptos::prelude::*;
use leptos::task::spawn_local;

use super::alerts_panel::Alerts;
use super::Dashboards;
use crate::alerts::draft::field;
use crate::alerts::{AlertDraft, ConditionKind, DraftProblems, Level};
use crate::dashboards::EntryId;
use crate::pwa::{self, Permission};

/// The topics the dashboard's blocks read: the feeds a rule may watch.
pub fn known_feeds(dashboards: Dashboards, id: EntryId) -> Vec<String> {
    let mut topics: Vec<String> = dashboards.with_untracked(|l| {
        l.entry(id)
            .map(|e| {
                e.dashboard
                    .blocks
                    .iter()
                    .filter_map(|b| b.bindings().ok())
                    .flatten()
                    .map(|(topic, _)| topic)
                    .collect()
            })
            .unwrap_or_default()
    });
    topics.sort();
    topics.dedup();
    topics
}

/// The form for rule `index` (a new rule when `None`).
#[component]
pub fn AlertEditor(
    id: EntryId,
    dashboards: Dashboards,
    alerts: Alerts,
    index: Option<usize>,
    on_close: Callback<()>,
) -> impl IntoView {
    let initial = index
        .and_then(|i| {
            alerts
                .rules
                .with_untracked(|r| r.get(i).map(AlertDraft::from_rule))
        })
        .unwrap_or_default();
    let draft = RwSignal::new(initial);
    let feeds = known_feeds(dashboards, id);
    let checked_against = feeds.clone();
    let result = Memo::new(move |_| draft.with(|d| d.to_rule(&checked_against)));
    let problems =
        Memo::new(move |_| result.with(|r| r.as_ref().err().cloned().unwrap_or_default()));
    let attempted = RwSignal::new(false);
    let save_problem = RwSignal::new(None::<String>);
    let first_rule = alerts.rules.with_untracked(Vec::is_empty);
    let will_ask = move || first_rule && alerts.permission.get() == Permission::Ask;

    let save = move || {
        attempted.set(true);
        let Ok(rule) = result.get_untracked() else {
            return;
        };
        let mut outcome = Ok(());
        dashboards.edit(|l| {
            outcome = match index {
                None => l.add_alert(id, rule).map(|_| ()),
                Some(i) => l.replace_alert(id, i, rule),
            }
        });
        if let Err(problem) = outcome {
            save_problem.set(Some(problem));
            return;
        }
        // Within the click that saved, as browsers require for the question.
        if first_rule && alerts.permission.get_untracked() == Permission::Ask {
            spawn_local(async move {
                let answer = pwa::request_notification_permission().await;
                let _ = alerts.permission.try_set(answer);
            });
        }
        on_close.run(());
    };

    let kind = move || draft.with(|d| d.kind);
    let heading = if index.is_some() {
        "Edit alert"
    } else {
        "New alert"
    };
    view! {
        <form class="alert-editor" aria-labelledby="alert-editor-title"
            on:submit=move |ev| {
                ev.prevent_default();
                save();
            }>
            <h3 id="alert-editor-title">{heading}</h3>
            <div class="settings">
                <TextField key=field::NAME label="Name" draft problems attempted
                    get=|d| d.name.clone() set=|d, t| d.name = t />
                <TextField key=field::TOPIC label="Feed" draft problems attempted
                    get=|d| d.topic.clone() set=|d, t| d.topic = t list="alert-feeds" />
                <datalist id="alert-feeds">
                    {feeds.into_iter().map(|t| view! { <option value=t></option> }).collect_view()}
                </datalist>
                <div class="field">
                    <label for="alert-condition">"Condition"</label>
                    <select id="alert-condition" on:change:target=move |ev| {
                        if let Some(k) = ConditionKind::from_key(&ev.target().value()) {
                            draft.update(|d| d.kind = k);
                        }
                    }>
                        {ConditionKind::ALL.map(|k| view! {
                            <option value=k.key() selected=move || kind() == k>{k.label()}</option>
                        }).collect_view()}
                    </select>
                </div>
                {move || match kind() {
                    ConditionKind::Above | ConditionKind::Below => view! {
                        <TextField key=field::THRESHOLD label="Threshold" numeric=true draft problems
                            attempted get=|d| d.threshold.clone() set=|d, t| d.threshold = t />
                    }.into_any(),
                    ConditionKind::Outside => view! {
                        <TextField key=field::THRESHOLD label="Low end" numeric=true draft problems
                            attempted get=|d| d.threshold.clone() set=|d, t| d.threshold = t />
                        <TextField key=field::HIGH label="High end" numeric=true draft problems
                            attempted get=|d| d.high.clone() set=|d, t| d.high = t />
                    }.into_any(),
                    ConditionKind::Equals => view! {
                        <TextField key=field::TEXT label="Text" draft problems attempted
                            get=|d| d.text.clone() set=|d, t| d.text = t />
                    }.into_any(),
                    ConditionKind::Stale => view! {
                        <TextField key=field::SECONDS label="Seconds without a message" numeric=true
                            draft problems attempted get=|d| d.seconds.clone() set=|d, t| d.seconds = t />
                    }.into_any(),
                }}
                <Show when=move || kind().is_numeric()>
                    <TextField key=field::HYSTERESIS label="Hysteresis (clears this far back)"
                        numeric=true draft problems attempted
                        get=|d| d.hysteresis.clone() set=|d, t| d.hysteresis = t />
                </Show>
                <Show when=move || kind() != ConditionKind::Stale>
                    <TextField key=field::HOLD label="Hold for (seconds before it fires)"
                        numeric=true draft problems attempted
                        get=|d| d.hold_secs.clone() set=|d, t| d.hold_secs = t />
                </Show>
                <div class="field">
                    <label for="alert-level">"Level"</label>
                    <select id="alert-level" on:change:target=move |ev| {
                        let level = if ev.target().value() == "warning" { Level::Warning } else { Level::Alarm };
                        draft.update(|d| d.level = level);
                    }>
                        <option value="alarm" selected=move || draft.with(|d| d.level == Level::Alarm)>"Alarm"</option>
                        <option value="warning" selected=move || draft.with(|d| d.level == Level::Warning)>"Warning"</option>
                    </select>
                </div>
                <div class="field check">
                    <label>
                        <input type="checkbox" prop:checked=move || draft.with(|d| d.sound)
                            on:change:target=move |ev| {
                                let on = ev.target().checked();
                                draft.update(|d| d.sound = on);
                            } />
                        "Play a sound"
                    </label>
                </div>
            </div>
            <Show when=will_ask>
                <p class="hint">
                    "Saving this first alert asks your browser to let Feedboard show \
                     notifications, so an alert reaches you with this tab in the background \
                     or the phone locked. If you say no, alerts still show on this page."
                </p>
            </Show>
            {move || save_problem.get().map(|p| view! { <p class="error" role="alert">{p}</p> })}
            <div class="wizard-buttons">
                <button type="button" on:click=move |_| on_close.run(())>"Cancel"</button>
                <button type="submit" class="primary">"Save alert"</button>
            </div>
        </form>
    }
}

/// A labelled text box of the draft, with its problem under it once the user has
/// typed there or tried to save.
#[component]
fn TextField(
    key: &'static str,
    label: &'static str,
    draft: RwSignal<AlertDraft>,
    problems: Memo<DraftProblems>,
    attempted: RwSignal<bool>,
    get: fn(&AlertDraft) -> String,
    set: fn(&mut AlertDraft, String),
    /// Numbers in a text box: a number input hides what was typed when it is not a
    /// number, and the user must see why it is refused.
    #[prop(optional)]
    numeric: bool,
    #[prop(optional)] list: Option<&'static str>,
) -> impl IntoView {
    let input_id = format!("alert-{key}");
    let problem_id = format!("alert-{key}-problem");
    let touched = RwSignal::new(false);
    let problem = move || {
        (attempted.get() || touched.get())
            .then(|| problems.with(|p| p.at(key).map(str::to_owned)))
            .flatten()
    };
    view! {
        <div class="field">
            <label for=input_id.clone()>{label}</label>
            <input type="text" id=input_id spellcheck="false" list=list
                inputmode=if numeric { "decimal" } else { "text" }
                aria-describedby=problem_id.clone()
                aria-invalid=move || problem().is_some().to_string()
                prop:value=move || draft.with(get)
                on:input:target=move |ev| {
                    let text = ev.target().value();
                    touched.set(true);
                    draft.update(|d| set(d, text));
                } />
            <p id=problem_id class="error">{problem}</p>
        </div>
    }
}
