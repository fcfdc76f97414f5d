//! The device API block: calls an endpoint of a device through the broker — a request
//! with a fresh key and id on `<user>/req/<device>/<endpoint>`, the answer on
//! `<user>/res/<device>/<endpoint>` matched by id and decrypted with that key (the
//! envelope is the `device-api` crate's; docs/device-api.md). Answers to other requests
//! are ignored and counted; a tampered or undecryptable answer is rejected, saying so.
//!
//! Over MQTT 5 the request also carries the protocol's own request/response
//! properties: the response topic, and the id as correlation data. An answer that
//! echoes correlation data is matched by it; its envelope's id must then agree.

use device_api::{
    decode_key, level_problem, new_request, open, parse_response, request_topic, response_topic,
    ID_BYTES, KEY_BYTES,
};
use gloo_timers::callback::Timeout;
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use mqtt_session::{MessageProperties, QoS};

use crate::connection::{Connection, Delivery, MessageTap};

/// Longest decrypted answer shown, in characters: a block is not a file viewer.
const SHOWN_CHARS: usize = 4000;

/// What became of the latest call.
#[derive(Debug, Clone, PartialEq)]
pub enum CallOutcome {
    /// Sent; no answer yet.
    Waiting,
    /// The device answered and the answer decrypted.
    Answered {
        /// 0: done; 1: not done.
        status: u8,
        /// HTTP-style code.
        code: u16,
        /// The decrypted JSON, pretty-printed (shortened when long).
        data: String,
    },
    /// An answer with this call's id that could not be read.
    Rejected(String),
    /// No answer in time.
    TimedOut,
}

/// The latest call: what to match answers against, and its outcome.
#[derive(Debug, Clone)]
struct Call {
    id: String,
    key: String,
    response_topic: String,
    device: String,
    endpoint: String,
    outcome: CallOutcome,
    /// Answers on the response topic for other requests, ignored.
    ignored: u32,
    /// The broker's answer to the request's publish.
    delivery: Option<Delivery>,
}

impl Call {
    /// Reads a message on one of the block's response topics, with its MQTT 5
    /// correlation data if it has any.
    fn take_answer(&mut self, topic: &str, payload: &[u8], correlation: Option<&[u8]>) {
        if topic != self.response_topic || self.outcome != CallOutcome::Waiting {
            return;
        }
        if correlation.is_some_and(|c| c != self.id.as_bytes()) {
            self.ignored += 1;
            return;
        }
        let response = match parse_response(payload) {
            Ok(r) => r,
            Err(e) => {
                self.outcome = CallOutcome::Rejected(e.to_string());
                return;
            }
        };
        if response.id != self.id {
            if correlation.is_some() {
                self.outcome = CallOutcome::Rejected(format!(
                    "its correlation data is this request's but its id is {:?}",
                    shortened_id(&response.id)
                ));
            } else {
                self.ignored += 1;
            }
            return;
        }
        let outcome = decode_key(&self.key)
            .and_then(|key| open(&key, &response.data))
            .map(|json| CallOutcome::Answered {
                status: response.status,
                code: response.code,
                data: shortened(&serde_json::to_string_pretty(&json).unwrap_or_default()),
            });
        self.outcome = outcome.unwrap_or_else(|e| CallOutcome::Rejected(e.to_string()));
    }
}

/// An id quoted back in a message, cut to a sensible length (it is untrusted input).
fn shortened_id(id: &str) -> String {
    id.chars().take(40).collect()
}

fn shortened(text: &str) -> String {
    match text.char_indices().nth(SHOWN_CHARS) {
        Some((cut, _)) => format!("{}…", &text[..cut]),
        None => text.to_owned(),
    }
}

/// Fresh random bytes from the browser's CSPRNG.
fn random_bytes<const N: usize>() -> Result<[u8; N], String> {
    let mut bytes = [0; N];
    getrandom::getrandom(&mut bytes)
        .map_err(|e| format!("The browser gave no random numbers for a key: {e}"))?;
    Ok(bytes)
}

/// A form to call `endpoints` of a device of `user`, and the latest answer.
#[component]
pub fn DeviceApi(
    title: String,
    user: String,
    device: String,
    endpoints: Vec<String>,
    timeout_secs: u32,
    connection: Connection,
) -> impl IntoView {
    let device_text = RwSignal::new(device);
    let endpoint = RwSignal::new(endpoints.first().cloned().unwrap_or_default());
    let data_text = RwSignal::new("{}".to_string());
    let problem = RwSignal::new(None::<String>);
    let call = RwSignal::new(None::<Call>);
    // The response topics listened to, each with its tap: given back when the block
    // goes, so that a deleted block's answers stop coming in.
    let listened = StoredValue::new_local(Vec::<(String, MessageTap)>::new());
    on_cleanup(move || {
        for (topic, tap) in listened
            .try_update_value(std::mem::take)
            .unwrap_or_default()
        {
            connection.stop_listening(&topic, &tap);
        }
    });
    let timer = StoredValue::new_local(None::<Timeout>);
    let user = StoredValue::new(user);

    let send = move || -> Result<(), String> {
        let device = device_text.get_untracked().trim().to_owned();
        if let Some(p) = level_problem("device id", &device) {
            return Err(format!("Device: {p}"));
        }
        let endpoint = endpoint.get_untracked();
        let data: serde_json::Value = serde_json::from_str(&data_text.get_untracked())
            .map_err(|e| format!("Data is not JSON: {e}"))?;
        let request = new_request(
            data,
            &random_bytes::<KEY_BYTES>()?,
            &random_bytes::<ID_BYTES>()?,
        );
        let (request_topic, response_topic) = user.with_value(|u| {
            (
                request_topic(u, &device, &endpoint),
                response_topic(u, &device, &endpoint),
            )
        });
        if !listened.with_value(|l| l.iter().any(|(t, _)| *t == response_topic)) {
            let tap: MessageTap = std::rc::Rc::new(
                move |topic: &str, payload: &[u8], correlation: Option<&[u8]>| {
                    call.try_update(|c| {
                        if let Some(c) = c.as_mut() {
                            c.take_answer(topic, payload, correlation);
                        }
                    });
                },
            );
            connection.listen(&response_topic, tap.clone())?;
            listened.update_value(|l| l.push((response_topic.clone(), tap)));
        }
        let payload = serde_json::to_string(&request).map_err(|e| e.to_string())?;
        let id = request.id.clone();
        // MQTT 5's request/response, beside the envelope's: where to answer, and the id
        // to echo. Over 3.1.1 the session leaves them out.
        let properties = MessageProperties {
            response_topic: Some(response_topic.clone()),
            correlation_data: Some(bytes::Bytes::from(id.clone().into_bytes())),
            ..MessageProperties::default()
        };
        call.set(Some(Call {
            id: request.id,
            key: request.key,
            response_topic,
            device: device.clone(),
            endpoint,
            outcome: CallOutcome::Waiting,
            ignored: 0,
            delivery: None,
        }));
        let on_answer = move |delivery: Delivery| {
            call.try_update(|c| {
                if let Some(c) = c.as_mut().filter(|c| c.id == id) {
                    c.delivery = Some(delivery);
                }
            });
        };
        let delivery = connection.publish_with_properties(
            &request_topic,
            &payload,
            QoS::AtLeastOnce,
            false,
            properties,
            on_answer,
        )?;
        call.update(|c| {
            if let Some(c) = c.as_mut() {
                c.delivery.get_or_insert(delivery);
            }
        });
        let waited_for = call.with_untracked(|c| c.as_ref().map(|c| c.id.clone()));
        timer.set_value(Some(Timeout::new(
            timeout_secs.saturating_mul(1000),
            move || {
                call.try_update(|c| {
                    if let Some(c) = c.as_mut().filter(|c| Some(&c.id) == waited_for.as_ref()) {
                        if c.outcome == CallOutcome::Waiting {
                            c.outcome = CallOutcome::TimedOut;
                        }
                    }
                });
            },
        )));
        Ok(())
    };
    let on_submit = move |e: SubmitEvent| {
        e.prevent_default();
        problem.set(send().err());
    };

    let device_name = format!("{title}: device id");
    let endpoint_name = format!("{title}: endpoint");
    let data_name = format!("{title}: request data (JSON)");
    let heading = title.clone();
    let options = endpoints
        .into_iter()
        .map(|e| view! { <option value=e.clone()>{e.clone()}</option> })
        .collect_view();
    let result = move || {
        call.get().map(|c| {
            let delivery_alert = c
                .delivery
                .as_ref()
                .filter(|d| d.is_failure())
                .map(|d| view! { <p class="error" role="alert">{format!("The request: {}", d.describe())}</p> });
            let ignored = (c.ignored > 0).then(|| {
                let plural = if c.ignored == 1 { "" } else { "s" };
                view! { <p class="hint">{format!("Ignored {} response{plural} to another request", c.ignored)}</p> }
            });
            let outcome = match c.outcome {
                CallOutcome::Waiting => view! {
                    <p role="status">{format!("Waiting for {} to answer {}…", c.device, c.endpoint)}</p>
                }
                .into_any(),
                CallOutcome::Answered { status, code, data } => {
                    let verdict = if status == 0 { "Done" } else { "Not done" };
                    view! {
                        <div class="api-answer" role="region" aria-label="Response">
                            <p class="api-verdict" data-status=status.to_string()>
                                {format!("{verdict} (status {status}), code {code}")}
                            </p>
                            <pre class="api-data">{data}</pre>
                        </div>
                    }
                    .into_any()
                }
                CallOutcome::Rejected(why) => view! {
                    <p class="error" role="alert">{format!("Response rejected: {why}")}</p>
                }
                .into_any(),
                CallOutcome::TimedOut => view! {
                    <p class="error" role="alert">
                        {format!("No answer from {} to {} within {timeout_secs} s", c.device, c.endpoint)}
                    </p>
                }
                .into_any(),
            };
            view! { {delivery_alert} {outcome} {ignored} }
        })
    };
    let hint = user.with_value(|u| {
        format!("Requests go to {u}/req/<device>/<endpoint>; answers come encrypted on {u}/res/…")
    });
    view! {
        <section class="block device-api" aria-label=title>
            <h2>{heading}</h2>
            <form class="device-api-form" on:submit=on_submit>
                <input type="text" aria-label=device_name spellcheck="false"
                    prop:value=move || device_text.get()
                    on:input=move |e| device_text.set(event_target_value(&e)) />
                <select aria-label=endpoint_name
                    on:change=move |e| endpoint.set(event_target_value(&e))>
                    {options}
                </select>
                <textarea aria-label=data_name rows="2" spellcheck="false"
                    prop:value=move || data_text.get()
                    on:input=move |e| data_text.set(event_target_value(&e))></textarea>
                <button type="submit">"Send request"</button>
            </form>
            {move || problem.get().map(|p| view! { <p class="error" role="alert">{p}</p> })}
            <p class="hint">{hint}</p>
            {result}
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use device_api::{seal, Response, NONCE_BYTES};
    use serde_json::json;

    const KEY: [u8; KEY_BYTES] = [5; KEY_BYTES];

    fn waiting_call() -> Call {
        let request = new_request(json!({}), &KEY, &[2; ID_BYTES]);
        Call {
            id: request.id,
            key: request.key,
            response_topic: "u/res/d/get_state".into(),
            device: "d".into(),
            endpoint: "get_state".into(),
            outcome: CallOutcome::Waiting,
            ignored: 0,
            delivery: None,
        }
    }

    fn answer(id: &str, data: String) -> Vec<u8> {
        serde_json::to_vec(&Response {
            status: 0,
            code: 200,
            id: id.into(),
            data,
        })
        .unwrap()
    }

    #[test]
    fn the_answer_with_the_calls_id_is_decrypted_and_shown() {
        let mut call = waiting_call();
        let sealed = seal(&KEY, &[1; NONCE_BYTES], &json!({"locked": true}));
        call.take_answer("u/res/d/get_state", &answer(&call.id.clone(), sealed), None);
        assert_eq!(
            call.outcome,
            CallOutcome::Answered {
                status: 0,
                code: 200,
                data: "{\n  \"locked\": true\n}".into()
            }
        );
    }

    #[test]
    fn answers_to_other_requests_and_other_topics_are_ignored() {
        let mut call = waiting_call();
        let sealed = seal(&KEY, &[1; NONCE_BYTES], &json!({}));
        call.take_answer(
            "u/res/d/get_state",
            &answer("0000000000000000", sealed.clone()),
            None,
        );
        call.take_answer(
            "u/res/other/get_state",
            &answer(&call.id.clone(), sealed),
            None,
        );
        assert_eq!(call.outcome, CallOutcome::Waiting);
        assert_eq!(call.ignored, 1);
    }

    #[test]
    fn a_tampered_or_unreadable_answer_is_rejected_saying_why() {
        let mut call = waiting_call();
        let other_key = seal(&[6; KEY_BYTES], &[1; NONCE_BYTES], &json!({}));
        call.take_answer(
            "u/res/d/get_state",
            &answer(&call.id.clone(), other_key),
            None,
        );
        assert!(
            matches!(&call.outcome, CallOutcome::Rejected(why) if why.contains("does not decrypt")),
            "{:?}",
            call.outcome
        );
        let mut call = waiting_call();
        call.take_answer("u/res/d/get_state", b"<script>alert(1)</script>", None);
        assert!(
            matches!(&call.outcome, CallOutcome::Rejected(why) if why.contains("not the expected JSON"))
        );
    }

    #[test]
    fn over_mqtt_5_correlation_data_decides_which_request_an_answer_is_for() {
        let mut call = waiting_call();
        let sealed = seal(&KEY, &[1; NONCE_BYTES], &json!({"locked": false}));
        let id = call.id.clone();
        // Another request's correlation data, even with this call's id: not ours.
        call.take_answer(
            "u/res/d/get_state",
            &answer(&id, sealed.clone()),
            Some(b"0000000000000000"),
        );
        assert_eq!((&call.outcome, call.ignored), (&CallOutcome::Waiting, 1));
        // Ours, with an envelope that disagrees: rejected, saying so.
        call.take_answer(
            "u/res/d/get_state",
            &answer("ffffffffffffffff", sealed.clone()),
            Some(id.as_bytes()),
        );
        assert!(
            matches!(&call.outcome, CallOutcome::Rejected(why) if why.contains("correlation data")),
            "{:?}",
            call.outcome
        );
        let mut call = waiting_call();
        call.take_answer(
            "u/res/d/get_state",
            &answer(&id, sealed),
            Some(id.as_bytes()),
        );
        assert!(matches!(call.outcome, CallOutcome::Answered { .. }));
    }

    #[test]
    fn long_answers_are_shortened_for_display() {
        let long = "x".repeat(SHOWN_CHARS + 10);
        let shown = shortened(&long);
        assert_eq!(shown.chars().count(), SHOWN_CHARS + 1);
        assert!(shown.ends_with('…'));
    }
}
