//! The publish console: any topic, any payload (text, or JSON checked before it goes),
//! QoS, retain and the MQTT 5 properties; the broker's answer; the messages sent, to
//! send again; and clearing a retained message, after a confirmation.

use leptos::prelude::*;
use mqtt_session::QoS;

use crate::connection::{Connection, ConnectionStatus, Delivery};
use crate::publish::{Draft, Field, Outgoing, PayloadFormat, SentHistory};

/// What became of the latest message sent, and which send it was (an older send's
/// answer must not overwrite a newer one's line).
#[derive(Debug, Clone, PartialEq)]
struct Outcome {
    serial: u64,
    text: String,
}

/// The console, under the dashboard tools when "Publish" is pressed.
#[component]
pub fn PublishConsole(connection: Connection) -> impl IntoView {
    let draft = RwSignal::new(Draft::default());
    let problems = RwSignal::new(Vec::<(Field, String)>::new());
    let outcome = RwSignal::new(None::<Outcome>);
    let history = RwSignal::new(SentHistory::default());
    // The topic whose retained message the user asked to clear, until they confirm.
    let clearing = RwSignal::new(None::<String>);
    let serial = StoredValue::new(0u64);

    let send = move |message: Outgoing| {
        let this = serial.get_value() + 1;
        serial.set_value(this);
        let topic = message.topic.clone();
        let on_answer = {
            let topic = topic.clone();
            move |delivery: Delivery| {
                outcome.try_update(|o| {
                    if o.as_ref().is_some_and(|o| o.serial == this) {
                        *o = Some(Outcome {
                            serial: this,
                            text: delivery_text(&topic, &delivery, true),
                        });
                    }
                });
            }
        };
        let result = connection.publish_with_properties(
            &message.topic,
            &message.payload,
            message.qos,
            message.retain,
            message.properties.clone(),
            on_answer,
        );
        let text = match result {
            Ok(delivery) => {
                history.update(|h| h.record(message));
                let online = connection.status.get_untracked() == ConnectionStatus::Connected;
                delivery_text(&topic, &delivery, online)
            }
            Err(problem) => format!("Not sent: {problem}"),
        };
        outcome.set(Some(Outcome { serial: this, text }));
    };

    let publish = move || match draft.with_untracked(Draft::check) {
        Ok(message) => {
            problems.set(Vec::new());
            send(message);
        }
        Err(found) => {
            outcome.set(None);
            problems.set(found);
        }
    };
    let ask_to_clear = move || match draft.with_untracked(Draft::checked_topic) {
        Ok(topic) => {
            problems.update(|p| p.retain(|(f, _)| *f != Field::Topic));
            clearing.set(Some(topic));
        }
        Err(problem) => problems.set(vec![(Field::Topic, problem)]),
    };
    let clear = move || {
        if let Some(topic) = clearing.get_untracked() {
            clearing.set(None);
            let qos = draft.with_untracked(|d| d.qos);
            send(Outgoing::clear_retained(&topic, qos));
        }
    };

    let problem = move |field: Field| {
        problems.with(|p| p.iter().find(|(f, _)| *f == field).map(|(_, t)| t.clone()))
    };
    let invalid = move |field: Field| move || problem(field).is_some().to_string();
    let problem_line = move |field: Field, id: &'static str| {
        view! { <p id=id class="error" role="alert">{move || problem(field)}</p> }
    };
    // A text field of the draft: shown from it, written back on every keystroke.
    let text_of = move |get: fn(&Draft) -> &String| move || draft.with(|d| get(d).clone());
    let edit = move |set: fn(&mut Draft, String)| {
        move |ev: leptos::ev::Event| {
            let value = event_target_value(&ev);
            draft.update(|d| set(d, value));
        }
    };

    let sent_list = move || {
        history.with(|h| {
            h.iter()
                .enumerate()
                .map(|(index, message)| {
                    let topic = message.topic.clone();
                    let summary = sent_summary(message);
                    view! {
                        <li>
                            <span class="sent-topic">{topic.clone()}</span>
                            " "
                            <span class="sent-summary">{summary}</span>
                            <button type="button" aria-label=format!("Send again to {topic}")
                                on:click=move |_| {
                                    if let Some(m) = history.with_untracked(|h| h.get(index).cloned()) {
                                        send(m);
                                    }
                                }>
                                "Send again"
                            </button>
                            <button type="button" aria-label=format!("Edit the message to {topic}")
                                on:click=move |_| {
                                    if let Some(m) = history.with_untracked(|h| h.get(index).cloned()) {
                                        draft.set(Draft::from_outgoing(&m));
                                        problems.set(Vec::new());
                                    }
                                }>
                                "Edit"
                            </button>
                        </li>
                    }
                })
                .collect_view()
        })
    };

    view! {
        <section class="publish-console" aria-labelledby="publish-title">
            <h2 id="publish-title">"Publish a message"</h2>
            <form novalidate on:submit=move |ev| {
                ev.prevent_default();
                publish();
            }>
                <div class="field wide">
                    <label for="publish-topic">"Topic"</label>
                    <input id="publish-topic" type="text" spellcheck="false" autocomplete="off"
                        aria-describedby="publish-topic-problem"
                        aria-invalid=invalid(Field::Topic)
                        prop:value=text_of(|d| &d.topic)
                        on:input=edit(|d, v| d.topic = v) />
                    {problem_line(Field::Topic, "publish-topic-problem")}
                </div>
                <fieldset class="payload-format">
                    <legend>"Payload format"</legend>
                    <label>
                        <input type="radio" name="publish-format"
                            prop:checked=move || draft.with(|d| d.format == PayloadFormat::Text)
                            on:change=move |_| draft.update(|d| d.format = PayloadFormat::Text) />
                        "Text"
                    </label>
                    <label>
                        <input type="radio" name="publish-format"
                            prop:checked=move || draft.with(|d| d.format == PayloadFormat::Json)
                            on:change=move |_| draft.update(|d| d.format = PayloadFormat::Json) />
                        "JSON (checked before sending)"
                    </label>
                </fieldset>
                <div class="field wide">
                    <label for="publish-payload">"Payload"</label>
                    <textarea id="publish-payload" rows="4" spellcheck="false"
                        aria-describedby="publish-payload-problem"
                        aria-invalid=invalid(Field::Payload)
                        prop:value=text_of(|d| &d.payload)
                        on:input=edit(|d, v| d.payload = v)></textarea>
                    {problem_line(Field::Payload, "publish-payload-problem")}
                </div>
                <div class="field">
                    <label for="publish-qos">"QoS"</label>
                    <select id="publish-qos"
                        prop:value=move || draft.with(|d| d.qos.as_u8()).to_string()
                        on:change=move |ev| {
                            let qos = event_target_value(&ev)
                                .parse()
                                .ok()
                                .and_then(QoS::from_u8)
                                .unwrap_or_default();
                            draft.update(|d| d.qos = qos);
                        }>
                        <option value="0">"0: at most once"</option>
                        <option value="1">"1: at least once"</option>
                        <option value="2">"2: exactly once"</option>
                    </select>
                </div>
                <div class="field check">
                    <label>
                        <input type="checkbox" prop:checked=move || draft.with(|d| d.retain)
                            on:change=move |ev| {
                                let on = event_target_checked(&ev);
                                draft.update(|d| d.retain = on);
                            } />
                        "Retain (the broker keeps it for later subscribers)"
                    </label>
                </div>
                <fieldset class="v5-properties">
                    <legend>"MQTT 5 properties"</legend>
                    <p class="hint wide">
                        "Sent when connected with MQTT 5; MQTT 3.1.1 has no properties, so \
                         they are left out."
                    </p>
                    <div class="field wide">
                        <label for="publish-content-type">"Content type"</label>
                        <input id="publish-content-type" type="text" spellcheck="false"
                            placeholder="application/json"
                            prop:value=text_of(|d| &d.content_type)
                            on:input=edit(|d, v| d.content_type = v) />
                    </div>
                    <div class="field wide">
                        <label for="publish-response-topic">"Response topic"</label>
                        <input id="publish-response-topic" type="text" spellcheck="false"
                            aria-describedby="publish-response-topic-problem"
                            aria-invalid=invalid(Field::ResponseTopic)
                            prop:value=text_of(|d| &d.response_topic)
                            on:input=edit(|d, v| d.response_topic = v) />
                        {problem_line(Field::ResponseTopic, "publish-response-topic-problem")}
                    </div>
                    <div class="field wide">
                        <label for="publish-correlation">"Correlation data (text)"</label>
                        <input id="publish-correlation" type="text" spellcheck="false"
                            prop:value=text_of(|d| &d.correlation_data)
                            on:input=edit(|d, v| d.correlation_data = v) />
                    </div>
                    <div class="field">
                        <label for="publish-expiry">"Message expiry (seconds)"</label>
                        <input id="publish-expiry" type="text" inputmode="numeric"
                            aria-describedby="publish-expiry-problem"
                            aria-invalid=invalid(Field::Expiry)
                            prop:value=text_of(|d| &d.expiry_secs)
                            on:input=edit(|d, v| d.expiry_secs = v) />
                        {problem_line(Field::Expiry, "publish-expiry-problem")}
                    </div>
                    <div class="field wide">
                        <label for="publish-user-properties">"User properties (name=value, one per line)"</label>
                        <textarea id="publish-user-properties" rows="3" spellcheck="false"
                            aria-describedby="publish-user-properties-problem"
                            aria-invalid=invalid(Field::UserProperties)
                            prop:value=text_of(|d| &d.user_properties)
                            on:input=edit(|d, v| d.user_properties = v)></textarea>
                        {problem_line(Field::UserProperties, "publish-user-properties-problem")}
                    </div>
                </fieldset>
                <div class="console-actions">
                    <button type="submit">"Publish"</button>
                    <button type="button" on:click=move |_| ask_to_clear()>
                        "Clear retained message…"
                    </button>
                </div>
            </form>
            {move || clearing.get().map(|topic| view! {
                <div class="confirm" role="group" aria-labelledby="clear-question">
                    <p id="clear-question">
                        {format!(
                            "Clear the retained message on “{topic}”? The broker forgets it: \
                             new subscribers no longer receive it."
                        )}
                    </p>
                    <button type="button" on:click=move |_| clear()>"Clear it"</button>
                    <button type="button" on:click=move |_| clearing.set(None)>"Cancel"</button>
                </div>
            })}
            <p class="publish-outcome" role="status" aria-label="Publish result">
                {move || outcome.get().map(|o| o.text)}
            </p>
            <h3 id="sent-title">"Sent"</h3>
            {move || history.with(SentHistory::is_empty).then(|| view! {
                <p class="hint">"Messages you publish here are listed here, to send again."</p>
            })}
            <ol class="sent" aria-labelledby="sent-title">{sent_list}</ol>
        </section>
    }
}

/// "Delivered to home/x", "Refused: …": the line under the form. `online` says whether
/// a message that went nowhere yet is queued for the next connection.
fn delivery_text(topic: &str, delivery: &Delivery, online: bool) -> String {
    match delivery {
        Delivery::Sent if online => {
            format!("Sent to {topic} (QoS 0: the broker does not answer).")
        }
        Delivery::Sent => format!("Queued for {topic}: sent once connected."),
        Delivery::Pending if online => {
            format!("Sent to {topic}: waiting for the broker's answer…")
        }
        Delivery::Pending => format!("Queued for {topic}: sent once connected."),
        Delivery::Confirmed => {
            format!("Delivered: the broker acknowledged the message to {topic}.")
        }
        Delivery::Refused(why) => format!("Refused by the broker: {why}"),
        Delivery::Unconfirmed(why) => format!("Not confirmed: {why}"),
    }
}

/// `"21.5" · QoS 1 · retained · 3 properties`: one line per sent message.
fn sent_summary(message: &Outgoing) -> String {
    const SHOWN_CHARS: usize = 60;
    let mut payload: String = message.payload.chars().take(SHOWN_CHARS).collect();
    if message.payload.chars().count() > SHOWN_CHARS {
        payload.push('…');
    }
    let mut parts = vec![
        if message.payload.is_empty() {
            "(empty)".to_owned()
        } else {
            format!("{payload:?}")
        },
        format!("QoS {}", message.qos.as_u8()),
    ];
    if message.retain {
        parts.push("retained".into());
    }
    let p = &message.properties;
    let properties = usize::from(p.content_type.is_some())
        + usize::from(p.response_topic.is_some())
        + usize::from(p.correlation_data.is_some())
        + usize::from(p.message_expiry.is_some())
        + p.user_properties.len();
    if properties > 0 {
        parts.push(format!(
            "{properties} propert{}",
            if properties == 1 { "y" } else { "ies" }
        ));
    }
    parts.join(" · ")
}
