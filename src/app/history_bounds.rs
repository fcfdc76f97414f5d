//! Choosing how much of a dashboard's history the browser keeps: how far back and how
//! many samples per feed. Saved with the dashboard; a smaller bound trims at once.

use leptos::prelude::*;

use super::history_sync::HistoryControl;
use super::Dashboards;
use crate::dashboards::history_settings::{DEFAULT_HOURS, HOUR_CHOICES, SAMPLE_CHOICES};
use crate::dashboards::{EntryId, HistorySettings};

/// The two selects, under the history's status line.
#[component]
pub fn HistoryBounds(
    id: EntryId,
    dashboards: Dashboards,
    settings: Signal<HistorySettings>,
    history: HistoryControl,
) -> impl IntoView {
    let problem = RwSignal::new(None::<String>);
    let apply = move |change: &dyn Fn(&mut HistorySettings)| {
        let mut next = settings.get_untracked();
        change(&mut next);
        let mut result = Ok(());
        dashboards.edit(|l| result = l.set_history(id, next));
        match result {
            Ok(()) => {
                problem.set(None);
                history.trim_now();
            }
            Err(e) => problem.set(Some(e)),
        }
    };
    let hour_options = move || {
        let current = settings
            .get()
            .hours
            .unwrap_or(crate::dashboards::history_settings::DEFAULT_HOURS);
        let mut choices = HOUR_CHOICES.to_vec();
        if !choices.contains(&current) {
            choices.push(current);
            choices.sort_unstable();
        }
        choices
            .into_iter()
            .map(|h| {
                view! {
                    <option value=h.to_string() selected=h == current>
                        {HistorySettings::hours_label(h)}
                    </option>
                }
            })
            .collect_view()
    };
    let sample_options = move || {
        let current = settings.get().samples_per_feed;
        let mut choices = SAMPLE_CHOICES.to_vec();
        if !choices.contains(&current) {
            choices.push(current);
        }
        choices
            .into_iter()
            .map(|n| {
                let (value, label) = match n {
                    Some(n) => (n.to_string(), format!("{n} samples")),
                    None => (String::new(), "As many as the feed keeps".to_owned()),
                };
                view! { <option value=value selected=n == current>{label}</option> }
            })
            .collect_view()
    };
    view! {
        <div class="history-bounds" role="group" aria-label="Saved history">
            <label class="field">
                "Keep history for"
                <select on:change=move |ev| {
                    if let Ok(hours) = event_target_value(&ev).parse::<u32>() {
                        apply(&|s| s.hours = (hours != DEFAULT_HOURS).then_some(hours));
                    }
                }>
                    {hour_options}
                </select>
            </label>
            <label class="field">
                "Samples per feed"
                <select on:change=move |ev| {
                    let samples = event_target_value(&ev).parse::<u32>().ok();
                    apply(&|s| s.samples_per_feed = samples);
                }>
                    {sample_options}
                </select>
            </label>
            <p class="error" role="alert" aria-label="History settings problem">{move || problem.get()}</p>
        </div>
    }
}
