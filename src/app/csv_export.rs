//! The CSV export panel: which feed (or the explorer's topic), which time range, and a
//! download written a chunk at a time while the page keeps going. Whoever opens it says
//! what can be exported and gives the rows of a choice when asked.

use leptos::prelude::*;
use leptos::task::spawn_local;
use wasm_bindgen::JsValue;

use crate::connection::wall_now_ms;
use crate::export::download::save_csv;
use crate::export::{ExportRow, RangeChoice, TimeRange};

/// One thing the panel can export.
#[derive(Debug, Clone, PartialEq)]
pub struct ExportChoice {
    /// What the user picks it by ("Living room — home/f/temperature").
    pub label: String,
    /// The file it is saved as.
    pub file_name: String,
}

/// Where an export stands.
#[derive(Debug, Clone, PartialEq)]
enum Progress {
    Idle,
    Writing { done: usize, of: usize },
    Saved(String),
    Failed(String),
}

/// The panel. `rows` gives choice `index`'s rows in a range, taken at once.
#[component]
pub fn CsvExport(
    /// The panel's heading and accessible name (two panels may be open at once).
    title: &'static str,
    choices: Vec<ExportChoice>,
    rows: Callback<(usize, TimeRange), Vec<ExportRow>>,
    on_close: Callback<()>,
) -> impl IntoView {
    let chosen = RwSignal::new(0usize);
    let range = RwSignal::new(RangeChoice::Everything);
    let from = RwSignal::new(String::new());
    let to = RwSignal::new(String::new());
    let problem = RwSignal::new(None::<String>);
    let progress = RwSignal::new(Progress::Idle);
    let choices = StoredValue::new(choices);
    let busy = move || matches!(progress.get(), Progress::Writing { .. });

    let on_range = move |ev: leptos::ev::Event| {
        let Some(choice) = RangeChoice::from_key(&event_target_value(&ev)) else {
            return;
        };
        if choice == RangeChoice::Between && from.get_untracked().is_empty() {
            // A start for the user to adjust: the last hour, in their local time.
            let now = wall_now_ms();
            from.set(local_input_value(now - 3_600_000.0));
            to.set(local_input_value(now));
        }
        range.set(choice);
    };

    let download = move |_| {
        let typed = |text: String| parse_local_input(&text);
        let asked = range.get_untracked().range(
            wall_now_ms(),
            typed(from.get_untracked()),
            typed(to.get_untracked()),
        );
        let span = match asked {
            Ok(span) => span,
            Err(why) => {
                problem.set(Some(why));
                progress.set(Progress::Idle);
                return;
            }
        };
        problem.set(None);
        let index = chosen.get_untracked();
        let Some(choice) = choices.with_value(|c| c.get(index).cloned()) else {
            return;
        };
        let rows = rows.run((index, span));
        if rows.is_empty() {
            progress.set(Progress::Failed(
                "Nothing arrived in that time range: no file was made.".to_owned(),
            ));
            return;
        }
        let total = rows.len();
        progress.set(Progress::Writing { done: 0, of: total });
        spawn_local(async move {
            let result = save_csv(&choice.file_name, &rows, |done| {
                let _ = progress.try_set(Progress::Writing { done, of: total });
            })
            .await;
            let _ = progress.try_set(match result {
                Ok(()) => Progress::Saved(format!(
                    "Saved {} to {}.",
                    rows_text(total),
                    choice.file_name
                )),
                Err(e) => Progress::Failed(format!("The file could not be made: {e}")),
            });
        });
    };

    let choice_field = move || {
        let list = choices.get_value();
        match list.len() {
            0 => view! {
                <p class="hint">"Nothing to export yet: no block of this dashboard reads a feed."</p>
            }
            .into_any(),
            1 => view! { <p class="export-what">{list[0].label.clone()}</p> }.into_any(),
            _ => view! {
                <label class="field">
                    "Feed"
                    <select on:change=move |ev| {
                        if let Ok(index) = event_target_value(&ev).parse() {
                            chosen.set(index);
                        }
                    }>
                        {list.into_iter().enumerate().map(|(index, choice)| view! {
                            <option value=index.to_string()>{choice.label}</option>
                        }).collect_view()}
                    </select>
                </label>
            }
            .into_any(),
        }
    };
    view! {
        <section class="csv-export" role="region" aria-label=title>
            <h3>{title}</h3>
            <p class="hint">
                "One row per value: time (ISO 8601, UTC), value, and the payload as it came."
            </p>
            {choice_field}
            <label class="field">
                "Time range"
                <select on:change=on_range>
                    {RangeChoice::ALL.into_iter().map(|c| view! {
                        <option value=c.key() selected=c == RangeChoice::Everything>{c.label()}</option>
                    }).collect_view()}
                </select>
            </label>
            <Show when=move || range.get() == RangeChoice::Between>
                <label class="field">
                    "From (your local time)"
                    <input type="datetime-local" step="1" prop:value=move || from.get()
                        on:input=move |ev| from.set(event_target_value(&ev)) />
                </label>
                <label class="field">
                    "To (your local time)"
                    <input type="datetime-local" step="1" prop:value=move || to.get()
                        on:input=move |ev| to.set(event_target_value(&ev)) />
                </label>
            </Show>
            <div class="console-actions">
                <button type="button" class="primary" disabled=move || busy() || choices.with_value(Vec::is_empty)
                    on:click=download>
                    "Download CSV"
                </button>
                <button type="button" on:click=move |_| on_close.run(())>"Close"</button>
            </div>
            <p class="error" role="alert" aria-label="Export problem">{move || problem.get()}</p>
            <p class="export-progress" role="status" aria-label="Export">
                {move || match progress.get() {
                    Progress::Idle => String::new(),
                    Progress::Writing { done, of } => format!("Writing {done} of {}…", rows_text(of)),
                    Progress::Saved(text) | Progress::Failed(text) => text,
                }}
            </p>
        </section>
    }
}

fn rows_text(n: usize) -> String {
    crate::words::count(n as u64, "row", "rows")
}

/// A `datetime-local` field's text as milliseconds since the epoch, read in the
/// browser's time zone (as the field shows it); `None` when empty or not a time.
fn parse_local_input(text: &str) -> Option<f64> {
    if text.is_empty() {
        return None;
    }
    let time = js_sys::Date::new(&JsValue::from_str(text)).get_time();
    time.is_finite().then_some(time)
}

/// `time_ms` as a `datetime-local` field writes it, in the browser's time zone.
fn local_input_value(time_ms: f64) -> String {
    let date = js_sys::Date::new(&JsValue::from_f64(time_ms));
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}",
        date.get_full_year(),
        date.get_month() + 1,
        date.get_date(),
        date.get_hours(),
        date.get_minutes(),
        date.get_seconds()
    )
}
