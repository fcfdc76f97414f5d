//! How a control publishes: to its command topic at its QoS, retained or not — and a
//! line under the control saying what became of the latest command: sent, confirmed by
//! the broker, refused, or still without an answer after [`ANSWER_EXPECTED_MS`].
//!
//! A control whose device reports back on a state topic shows that state as well; this
//! line is about the broker's side (PUBACK / PUBCOMP), which every QoS 1 or 2 command
//! gets, state topic or not.

use gloo_timers::callback::Timeout;
use leptos::prelude::*;
use mqtt_session::QoS;

use crate::connection::{Connection, Delivery};

/// How long a QoS 1 or 2 command may wait for the broker's answer before the control
/// says so. Still pending after that: the session resends it after a reconnect.
pub const ANSWER_EXPECTED_MS: u32 = 10_000;

/// Where and how a control publishes.
#[derive(Debug, Clone, PartialEq)]
pub struct CommandTarget {
    /// The command topic.
    pub topic: String,
    /// The QoS of its publishes.
    pub qos: QoS,
    /// Whether the broker should keep the latest command for new subscribers.
    pub retain: bool,
}

/// The latest command a control sent, and what became of it.
#[derive(Debug, Clone, PartialEq)]
struct LatestCommand {
    payload: String,
    delivery: Delivery,
    /// Pending for longer than [`ANSWER_EXPECTED_MS`].
    overdue: bool,
    /// Which send this is, so a late answer to an earlier one changes nothing.
    serial: u64,
}

/// A control's sender. Cheap to copy into event handlers.
#[derive(Clone, Copy)]
pub struct Commander {
    target: StoredValue<CommandTarget>,
    connection: Connection,
    latest: RwSignal<Option<LatestCommand>>,
    /// Why the latest command was not sent at all (invalid topic, full offline queue).
    refused_locally: RwSignal<Option<String>>,
    serial: StoredValue<u64>,
    answer_timer: StoredValue<Option<Timeout>, LocalStorage>,
}

impl Commander {
    /// A sender of commands to `target` over `connection`.
    pub fn new(connection: Connection, target: CommandTarget) -> Self {
        Self {
            target: StoredValue::new(target),
            connection,
            latest: RwSignal::new(None),
            refused_locally: RwSignal::new(None),
            serial: StoredValue::new(0),
            answer_timer: StoredValue::new_local(None),
        }
    }

    /// The command topic, for hints ("Sent to home/f/heater").
    pub fn topic(&self) -> String {
        self.target.with_value(|t| t.topic.clone())
    }

    /// Publishes `payload`; true when it was sent or queued.
    pub fn send(&self, payload: &str) -> bool {
        let serial = self.serial.get_value() + 1;
        self.serial.set_value(serial);
        let latest = self.latest;
        let on_answer = move |delivery: Delivery| {
            latest.try_update(|l| {
                if let Some(l) = l.as_mut().filter(|l| l.serial == serial) {
                    l.delivery = delivery;
                    l.overdue = false;
                }
            });
        };
        let target = self.target.get_value();
        match self
            .connection
            .publish(&target.topic, payload, target.qos, target.retain, on_answer)
        {
            Ok(delivery) => {
                let pending = delivery.is_pending();
                self.refused_locally.set(None);
                self.latest.set(Some(LatestCommand {
                    payload: payload.to_owned(),
                    delivery,
                    overdue: false,
                    serial,
                }));
                let timer = pending.then(|| {
                    Timeout::new(ANSWER_EXPECTED_MS, move || {
                        latest.try_update(|l| {
                            if let Some(l) = l.as_mut().filter(|l| l.serial == serial) {
                                l.overdue = l.delivery.is_pending();
                            }
                        });
                    })
                });
                // Replacing the timer cancels the one of the previous command.
                self.answer_timer.set_value(timer);
                true
            }
            Err(problem) => {
                self.refused_locally.set(Some(problem));
                false
            }
        }
    }

    /// The latest command is still waiting for the broker's answer.
    pub fn is_pending(&self) -> bool {
        self.latest
            .with(|l| l.as_ref().is_some_and(|l| l.delivery.is_pending()))
    }
}

/// The line under a control: the latest command and its fate, and an alert when it
/// failed or was never sent.
#[component]
pub fn CommandStatus(commander: Commander) -> impl IntoView {
    let line = move || {
        commander.latest.with(|l| {
            l.as_ref().map(|l| {
                let text = if l.overdue {
                    format!(
                        "No answer from the broker after {} s; it is sent again after a reconnect",
                        ANSWER_EXPECTED_MS / 1000
                    )
                } else {
                    l.delivery.describe()
                };
                (
                    format!("“{}”: {text}", l.payload),
                    l.delivery.is_failure() || l.overdue,
                )
            })
        })
    };
    view! {
        {move || line().map(|(text, failed)| if failed {
            view! { <p class="command-status failed" role="alert">{text}</p> }.into_any()
        } else {
            view! { <p class="command-status" role="status">{text}</p> }.into_any()
        })}
        {move || commander.refused_locally.get().map(|p| view! {
            <p class="error" role="alert">{p}</p>
        })}
    }
}

/// `0`, `1` or `2` as a QoS; anything else is a validation error before this is called.
pub fn qos_from_level(level: u8) -> QoS {
    match level {
        0 => QoS::AtMostOnce,
        2 => QoS::ExactlyOnce,
        _ => QoS::AtLeastOnce,
    }
}
