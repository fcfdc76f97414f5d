//! The selected topic in full: its last message in the chosen view (text, JSON, hex,
//! base64), its size, QoS, retained flag and time, its counts, and for MQTT 5 every
//! property it carried.

use leptos::prelude::*;

use super::ExplorerState;
use crate::explorer::{payload_view, PayloadView};

/// Under the rows, when a topic is selected.
#[component]
pub fn TopicDetails(state: ExplorerState, on_add_block: Callback<String>) -> impl IntoView {
    let view_as = RwSignal::new(PayloadView::Text);
    let details = move || {
        state.version.track();
        let id = state.selected.get()?;
        let tree = state.tree.get_value();
        let tree = tree.borrow();
        let node = tree.node(id)?;
        let topic = tree.topic_of(id);
        let mut facts: Vec<(&'static str, String)> = vec![
            ("Messages", node.messages.to_string()),
            ("Rate", format!("{:.1} a second", tree.rate_of(id))),
        ];
        let (shown, properties) = match &node.last {
            Some(last) => {
                facts.push(("Size", format!("{} bytes", last.size)));
                facts.push(("QoS", qos_text(last.qos).to_owned()));
                facts.push((
                    "Retained",
                    if last.retained { "yes" } else { "no" }.to_owned(),
                ));
                facts.push(("Received", time_text(last.time_ms)));
                let mut shown = payload_view::show(&last.payload, view_as.get());
                if last.size > last.payload.len() {
                    let cut = format!(
                        "Showing the first {} of {} bytes.",
                        last.payload.len(),
                        last.size
                    );
                    shown.note = Some(match shown.note {
                        Some(note) => format!("{note} {cut}"),
                        None => cut,
                    });
                }
                (Some(shown), last.properties.as_deref().map(property_lines))
            }
            None => (None, None),
        };
        Some(view! {
            <div class="explorer-details" role="region" aria-label="Selected topic">
                <h3 class="explorer-selected">{topic.clone()}</h3>
                <button type="button" on:click=move |_| on_add_block.run(topic.clone())>
                    "Add to dashboard"
                </button>
                <dl class="explorer-facts-list">
                    {facts.into_iter().map(|(term, value)| view! { <dt>{term}</dt><dd>{value}</dd> }).collect_view()}
                </dl>
                {shown.map(|shown| view! {
                    <fieldset class="payload-format">
                        <legend>"Show the last payload as"</legend>
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
                    <pre class="explorer-payload" aria-label="Last payload">{shown.text}</pre>
                })}
                {properties.map(|lines| view! {
                    <h4>"MQTT 5 properties"</h4>
                    <dl class="explorer-properties" aria-label="MQTT 5 properties">
                        {lines.into_iter().map(|(term, value)| view! { <dt>{term}</dt><dd>{value}</dd> }).collect_view()}
                    </dl>
                })}
            </div>
        })
    };
    view! { {details} }
}

fn qos_text(qos: mqtt_session::QoS) -> &'static str {
    match qos {
        mqtt_session::QoS::AtMostOnce => "0",
        mqtt_session::QoS::AtLeastOnce => "1",
        mqtt_session::QoS::ExactlyOnce => "2",
    }
}

/// ISO 8601 in UTC, to the millisecond.
fn time_text(time_ms: f64) -> String {
    let date = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(time_ms));
    date.to_iso_string().as_string().unwrap_or_default()
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
