//! The selected topic in full: its recent messages (kept from the moment it was
//! selected), and the chosen one — the newest unless another is picked — in the chosen
//! view (text, JSON, hex, base64), with its size, QoS, retained flag, time and, for
//! MQTT 5, every property it carried.

use leptos::prelude::*;

use super::ExplorerState;
use crate::app::csv_export::{CsvExport, ExportChoice};
use crate::explorer::earlier::{EARLIER_MESSAGES, EARLIER_PAYLOAD};
use crate::explorer::{payload_view, LastMessage, PayloadView, MAX_RECENT, SHOWN_RECENT};
use crate::export::csv::iso_utc;
use crate::export::file_name::csv_file_name;
use crate::export::{message_rows, TimeRange};

/// Under the rows, when a topic is selected.
#[component]
pub fn TopicDetails(state: ExplorerState, on_add_block: Callback<String>) -> impl IntoView {
    let view_as = RwSignal::new(PayloadView::Text);
    // The message picked from the recent list, by its number; `None` follows the newest.
    let picked = RwSignal::new(None::<u64>);
    // The CSV export of the selected topic, open until another topic is selected.
    let exporting = RwSignal::new(false);
    Effect::new(move || {
        state.selected.track();
        picked.set(None);
        exporting.set(false);
    });
    let details = move || {
        state.version.track();
        let id = state.selected.get()?;
        let tree = state.tree.get_value();
        let tree = tree.borrow();
        let node = tree.node(id)?;
        let topic = tree.topic_of(id);
        let recent = tree.recent();
        let newest = recent.back().or(node.last.as_ref());
        let shown_message = picked
            .get()
            .and_then(|seq| recent.iter().find(|m| m.seq == seq))
            .or(newest)
            .cloned();
        let mut facts: Vec<(&'static str, String)> = vec![
            ("Messages", node.messages.to_string()),
            ("Rate", format!("{:.1} a second", tree.rate_of(id))),
        ];
        let recent_items: Vec<(u64, String)> = recent
            .iter()
            .rev()
            .take(SHOWN_RECENT)
            .map(|m| (m.seq, recent_label(m)))
            .collect();
        let (shown, properties) = match &shown_message {
            Some(message) => {
                facts.push(("Shown", format!("message {}", message.seq)));
                facts.push(("Size", format!("{} bytes", message.size)));
                facts.push(("QoS", message.qos.as_u8().to_string()));
                facts.push((
                    "Retained",
                    if message.retained { "yes" } else { "no" }.to_owned(),
                ));
                facts.push(("Received", iso_utc(message.time_ms)));
                (
                    Some(shown_payload(message, view_as.get())),
                    message.properties.as_deref().map(property_lines),
                )
            }
            None => (None, None),
        };
        let newest_seq = newest.map(|m| m.seq);
        Some(view! {
            <div class="explorer-details" role="region" aria-label="Selected topic">
                <h3 class="explorer-selected">{topic.clone()}</h3>
                <button type="button" on:click=move |_| on_add_block.run(topic.clone())>
                    "Add to dashboard"
                </button>
                <button type="button" aria-expanded=move || exporting.get().to_string()
                    on:click=move |_| exporting.update(|e| *e = !*e)>
                    "Export CSV of this topic…"
                </button>
                <dl class="explorer-facts-list">
                    {facts.into_iter().map(|(term, value)| view! { <dt>{term}</dt><dd>{value}</dd> }).collect_view()}
                </dl>
                {shown.map(|shown| view! {
                    <fieldset class="payload-format">
                        <legend>"Show the payload as"</legend>
                        {PayloadView::ALL.into_iter().map(|v| view! {
                            <label>
                                <input type="radio" name="explorer-view"
                                    prop:checked=move || view_as.get() == v
                                    on:change=move |_| view_as.set(v) />
                                {v.label()}
                            </label>
                        }).collect_view()}
                    </fieldset>
                    {shown.note.map(|note| view! { <p class="hint">{note}</p> })}
                    <pre class="explorer-payload">{shown.text}</pre>
                })}
                {properties.map(|lines| view! {
                    <h4>"MQTT 5 properties"</h4>
                    <dl class="explorer-properties" aria-label="MQTT 5 properties">
                        {lines.into_iter().map(|(term, value)| view! { <dt>{term}</dt><dd>{value}</dd> }).collect_view()}
                    </dl>
                })}
                <h4 id="explorer-recent-title">"Recent messages (newest first)"</h4>
                <p class="hint">
                    {format!("From before the topic was selected: the last {EARLIER_MESSAGES}, their first {EARLIER_PAYLOAD} bytes, without properties. From then on: every message, whole.")}
                </p>
                <ol class="explorer-recent" aria-labelledby="explorer-recent-title">
                    {recent_items.into_iter().map(|(seq, label)| {
                        let is_shown = move || picked.get().or(newest_seq) == Some(seq);
                        view! {
                            <li>
                                <button type="button" aria-pressed=move || is_shown().to_string()
                                    on:click=move |_| picked.set(Some(seq))>
                                    {label}
                                </button>
                            </li>
                        }
                    }).collect_view()}
                </ol>
            </div>
        })
    };
    // Outside `details`, which is built again every frame with news: the panel keeps
    // what the user chose.
    let export = move || {
        if !exporting.get() {
            return None;
        }
        let id = state.selected.get_untracked()?;
        let topic = state.tree.with_value(|t| t.borrow().topic_of(id));
        let choices = vec![ExportChoice {
            label: format!("Recent messages of {topic} (at most {MAX_RECENT})"),
            file_name: csv_file_name(&topic),
        }];
        let rows = Callback::new(move |(_, range): (usize, TimeRange)| {
            let tree = state.tree.get_value();
            let tree = tree.borrow();
            let recent = tree.recent();
            if recent.is_empty() {
                let last = tree.node(id).and_then(|n| n.last.as_ref());
                message_rows(last, range)
            } else {
                message_rows(recent, range)
            }
        });
        Some(view! {
            <CsvExport title="Export CSV of the topic" choices rows
                on_close=Callback::new(move |()| exporting.set(false)) />
        })
    };
    view! { {details} {export} }
}

/// The message's payload in `view`, with a note when only part of it was kept.
fn shown_payload(message: &LastMessage, view: PayloadView) -> payload_view::Shown {
    let mut shown = payload_view::show(&message.payload, view);
    if message.size > message.payload.len() {
        let cut = format!(
            "Showing the first {} of {} bytes.",
            message.payload.len(),
            message.size
        );
        shown.note = Some(match shown.note {
            Some(note) => format!("{note} {cut}"),
            None => cut,
        });
    }
    shown
}

/// "Message 12, 14:03:07.123, 6 bytes: 1234.1".
fn recent_label(message: &LastMessage) -> String {
    let time = iso_utc(message.time_ms);
    let clock = time.get(11..23).unwrap_or(&time);
    format!(
        "Message {}, {clock}, {} bytes: {}",
        message.seq,
        message.size,
        payload_view::preview(&message.payload, message.size, 40)
    )
}

/// Each property as a term and its value, user properties in order.
fn property_lines(p: &mqtt_session::MessageProperties) -> Vec<(String, String)> {
    let mut lines = Vec::new();
    if let Some(v) = &p.content_type {
        lines.push(("Content type".into(), v.clone()));
    }
    if let Some(v) = p.payload_is_utf8 {
        let text = if v { "UTF-8 text" } else { "bytes" };
        lines.push(("Payload format".into(), text.into()));
    }
    if let Some(v) = &p.response_topic {
        lines.push(("Response topic".into(), v.clone()));
    }
    if let Some(v) = &p.correlation_data {
        lines.push((
            "Correlation data".into(),
            payload_view::preview(v, v.len(), 80),
        ));
    }
    if let Some(v) = p.message_expiry {
        lines.push(("Message expiry".into(), format!("{} s", v.as_secs())));
    }
    for (name, value) in &p.user_properties {
        lines.push((format!("User property {name}"), value.clone()));
    }
    if !p.subscription_identifiers.is_empty() {
        let ids: Vec<String> = p
            .subscription_identifiers
            .iter()
            .map(u32::to_string)
            .collect();
        lines.push(("Subscription identifiers".into(), ids.join(", ")));
    }
    lines
}
