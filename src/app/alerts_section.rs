//! The alerts in the page: the banner of those firing (with Acknowledge and Mute), and
//! the Alerts section with the notification setting, the rules (add, edit, delete)
//! and the log.

use leptos::prelude::*;
use leptos::task::spawn_local;

use super::alert_editor::{known_feeds, AlertEditor};
use super::alert_sound::Outcome;
use super::alerts_panel::{Alerts, MUTE_MS};
use super::Dashboards;
use crate::alerts::{Level, LogEntry, State};
use crate::connection::wall_now_ms;
use crate::dashboards::EntryId;
use crate::pwa::{self, Permission};

/// Where notifications stand, and the button that asks for them: asked only when the
/// user presses it or saves the first rule, never on its own; a refusal is said, and
/// not asked again.
#[component]
fn NotificationSetting(permission: RwSignal<Permission>) -> impl IntoView {
    let ask = move |_| {
        spawn_local(async move {
            let answer = pwa::request_notification_permission().await;
            let _ = permission.try_set(answer);
        });
    };
    view! {
        <p class="notification-setting" role="status" aria-label="Notifications">
            {move || match permission.get() {
                Permission::Granted => "Notifications are on: a new alert is also shown as a \
                    notification, with this tab in the background too.",
                Permission::Denied => "Notifications are blocked for this site: alerts show on \
                    this page only (the site's settings in the browser can allow them).",
                Permission::Unsupported => "This browser shows no notifications: alerts show on \
                    this page only.",
                Permission::Ask => "Alerts show on this page. To be told with the tab in the \
                    background or the phone locked, let Feedboard show notifications.",
            }}
        </p>
        <Show when=move || permission.get() == Permission::Ask>
            <button type="button" on:click=ask>"Turn on notifications"</button>
        </Show>
    }
}

/// What became of the last alert sound, when a rule sounds.
fn sound_text(sound: Option<(Outcome, f64)>) -> Option<String> {
    let (outcome, at) = sound?;
    Some(match outcome {
        Outcome::Played => format!("Alert sound played at {} UTC.", clock_time(at)),
        Outcome::Blocked => "The browser blocked the alert sound: click or tap anywhere on \
            the page once, and it will sound."
            .to_owned(),
        Outcome::Unsupported => "This browser cannot play the alert sound.".to_owned(),
    })
}

/// "acknowledged at 12:03:04 UTC by alice" (by the broker login, when there is one).
fn acknowledgement(entry: &LogEntry) -> Option<String> {
    let at = clock_time(entry.acknowledged_ms?);
    Some(match &entry.acknowledged_by {
        Some(who) => format!("acknowledged at {at} UTC by {who}"),
        None => format!("acknowledged at {at} UTC"),
    })
}

/// "12:03:04" in UTC, as the explorer writes times.
fn clock_time(time_ms: f64) -> String {
    let iso = crate::export::csv::iso_utc(time_ms);
    iso.get(11..19).unwrap_or_default().to_owned()
}

pub(super) fn value_text(value: Option<f64>) -> String {
    value.map_or_else(String::new, |v| format!(" at {v}"))
}

/// "Alarm — SpO2 low: ward/bed1/spo2 87, below 90, since 12:03:04 UTC".
fn entry_text(entry: &LogEntry) -> String {
    format!(
        "{} — {}: {}{}, {}, since {} UTC",
        entry.level.label(),
        entry.name,
        entry.topic,
        value_text(entry.value),
        entry.condition,
        clock_time(entry.fired_ms)
    )
}

/// The banner: the alerts firing now, those needing attention first and loudest.
#[component]
pub fn AlertBanner(
    alerts: Alerts,
    /// The broker login the page uses: who acknowledges.
    login: Signal<Option<String>>,
) -> impl IntoView {
    let active = move || {
        alerts
            .log
            .with(|log| log.active().cloned().collect::<Vec<_>>())
    };
    view! {
        <div class="alert-banner" id="alerts-firing" role="alert" aria-label="Alerts firing">
            {move || active().into_iter().map(|entry| {
                let id = entry.id;
                let rule = entry.rule;
                let text = entry_text(&entry);
                let state = if entry.muted {
                    " (muted)".to_owned()
                } else {
                    acknowledgement(&entry)
                        .map(|text| format!(" ({text})"))
                        .unwrap_or_default()
                };
                let class = match (entry.needs_attention(), entry.level) {
                    (true, Level::Alarm) => "alert-entry alarm",
                    (true, Level::Warning) => "alert-entry warning",
                    (false, _) => "alert-entry quiet",
                };
                let name = entry.name.clone();
                view! {
                    <div class=class>
                        <p>{text}{state}</p>
                        <button type="button" aria-label=format!("Acknowledge {name}")
                            disabled=entry.acknowledged_ms.is_some()
                            on:click=move |_| {
                                let by = login.get_untracked();
                                alerts.log.update(|l| l.acknowledge(id, wall_now_ms(), by));
                            }>
                            "Acknowledge"
                        </button>
                        <button type="button" aria-label=format!("Mute 15 min: {name}")
                            disabled=entry.muted
                            on:click=move |_| alerts.log.update(|l| l.mute(rule, wall_now_ms() + MUTE_MS))>
                            "Mute 15 min"
                        </button>
                    </div>
                }
            }).collect_view()}
        </div>
    }
}

/// What the Alerts section's rule form is doing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Editing {
    None,
    New,
    Rule(usize),
    /// Asking whether to delete rule N.
    Deleting(usize),
}

/// The rules (with Add, Edit and Delete) and the log, under the dashboard.
#[component]
pub fn AlertLogView(alerts: Alerts, id: EntryId, dashboards: Dashboards) -> impl IntoView {
    let editing = RwSignal::new(Editing::None);
    let close = Callback::new(move |()| editing.set(Editing::None));
    let rules = move || {
        let states = alerts.states.get();
        alerts.rules.with(|rules| {
            rules
                .iter()
                .enumerate()
                .map(|(index, rule)| {
                    let state = match states.get(index) {
                        Some(State::Firing { .. }) => "firing",
                        Some(State::Pending { .. }) => "about to fire",
                        _ => "normal",
                    };
                    let mut text = format!("{} — {} {}", rule.name, rule.topic, rule.describe());
                    if rule.hysteresis() > 0.0 {
                        text.push_str(&format!(", clears {} back", rule.hysteresis()));
                    }
                    if rule.hold_ms() > 0.0 {
                        text.push_str(&format!(", after {} s", rule.hold_ms() / 1000.0));
                    }
                    if rule.sound {
                        text.push_str(", with sound");
                    }
                    let name = rule.name.clone();
                    view! {
                        <li>
                            <span>{text}": "<strong>{state}</strong></span>
                            <span class="rule-buttons">
                                <button type="button" aria-label=format!("Edit alert {name}")
                                    on:click=move |_| editing.set(Editing::Rule(index))>"Edit"</button>
                                <button type="button" aria-label=format!("Delete alert {name}")
                                    on:click=move |_| editing.set(Editing::Deleting(index))>"Delete"</button>
                            </span>
                        </li>
                    }
                })
                .collect_view()
        })
    };
    let delete = move |index: usize| {
        dashboards.edit(|l| {
            let _ = l.remove_alert(id, index);
        });
        editing.set(Editing::None);
    };
    let form = move || match editing.get() {
        Editing::None => None,
        Editing::New => Some(
            view! { <AlertEditor id dashboards alerts index=None on_close=close /> }.into_any(),
        ),
        Editing::Rule(i) => Some(
            view! { <AlertEditor id dashboards alerts index=Some(i) on_close=close /> }.into_any(),
        ),
        Editing::Deleting(i) => {
            let name = alerts
                .rules
                .with_untracked(|r| r.get(i).map(|r| r.name.clone()))?;
            Some(view! {
                <div class="confirm" role="group" aria-labelledby="delete-alert-question">
                    <p id="delete-alert-question">{format!("Delete the alert “{name}”? Its log entries stay.")}</p>
                    <button type="button" on:click=move |_| delete(i)>"Delete alert"</button>
                    <button type="button" on:click=move |_| editing.set(Editing::None)>"Cancel"</button>
                </div>
            }.into_any())
        }
    };
    let no_rules = move || alerts.rules.with(Vec::is_empty);
    let no_feeds = move || {
        // Tracks the dashboard: a block added makes its feed available.
        dashboards.with(|_| ());
        known_feeds(dashboards, id).is_empty()
    };
    let entries = move || {
        alerts.log.with(|log| {
            log.newest_first()
                .take(50)
                .map(|entry| {
                    let mut text = format!(
                        "{} UTC {} {}{} ({})",
                        clock_time(entry.fired_ms),
                        entry.level.label(),
                        entry.name,
                        value_text(entry.value),
                        entry.condition
                    );
                    if let Some(t) = entry.cleared_ms {
                        text.push_str(&format!(
                            "; cleared at {} UTC{}",
                            clock_time(t),
                            value_text(entry.cleared_value)
                        ));
                    }
                    if let Some(ack) = acknowledgement(entry) {
                        text.push_str("; ");
                        text.push_str(&ack);
                    }
                    if entry.muted {
                        text.push_str("; muted");
                    }
                    view! { <li>{text}</li> }
                })
                .collect_view()
        })
    };
    let empty = move || alerts.log.with(|log| log.newest_first().next().is_none());
    view! {
        <section class="alert-log" role="region" aria-label="Alerts">
            <h2>"Alerts"</h2>
            <NotificationSetting permission=alerts.permission />
            {move || sound_text(alerts.sound.get()).map(|text| view! {
                <p class="hint" role="status" aria-label="Alert sound">{text}</p>
            })}
            <h3 id="alert-rules-title">"Rules"</h3>
            {move || no_rules().then(|| view! {
                <p class="hint">"No alert rules yet: an alert watches one of this dashboard's \
                    feeds and tells you when its value passes a bound or stops coming."</p>
            })}
            <ul class="alert-rules" aria-labelledby="alert-rules-title">{rules}</ul>
            {move || if no_feeds() {
                view! { <p class="hint">"Add a block first: alerts watch the feeds blocks read."</p> }.into_any()
            } else {
                view! {
                    <button type="button" disabled=move || editing.get() != Editing::None
                        on:click=move |_| editing.set(Editing::New)>"Add alert"</button>
                }.into_any()
            }}
            {form}
            <h3 id="alert-log-title">"Log (newest first)"</h3>
            {move || empty().then(|| view! { <p class="hint">"No alert has fired yet."</p> })}
            <ol class="alert-entries" aria-labelledby="alert-log-title">{entries}</ol>
        </section>
    }
}
