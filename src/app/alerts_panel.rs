//! The open dashboard's alerts in the page: each rule bound to its feed, checked twice
//! a second on a timer (which keeps running in a background tab, where animation
//! frames stop), the banner of alerts that need attention, and the alert log.

use std::cell::RefCell;
use std::rc::Rc;

use gloo_timers::callback::Interval;
use leptos::prelude::*;
use leptos::task::spawn_local;

use super::FeedsContext;
use crate::alerts::{AlertEngine, AlertLog, AlertRule, Level, LogEntry, State};
use crate::connection::{wall_now_ms, Connection, ConnectionStatus};
use crate::feeds::FeedId;
use crate::pwa::{self, Permission};

/// How often rules are checked.
const CHECK_EVERY_MS: u32 = 500;

/// How long "Mute" silences a rule.
pub const MUTE_MS: f64 = 15.0 * 60_000.0;

/// The alerts of the open dashboard, as the page shows them.
#[derive(Clone, Copy)]
pub struct Alerts {
    pub log: RwSignal<AlertLog>,
    /// Each rule's state, refreshed when one changes.
    pub states: RwSignal<Vec<State>>,
    rules: StoredValue<Vec<AlertRule>>,
}

impl Alerts {
    /// Binds `rules` to their feeds (before the first Connect subscribes) and starts
    /// checking them; dropped with the dashboard's owner.
    pub fn start(rules: Vec<AlertRule>, feeds: FeedsContext, connection: Connection) -> Self {
        let bound: Vec<Option<FeedId>> = rules
            .iter()
            .map(|rule| {
                let decoding = rule.decoding().ok()?;
                feeds.bind_feed(&rule.topic, decoding).ok()
            })
            .collect();
        let alerts = Alerts {
            log: RwSignal::new(AlertLog::default()),
            states: RwSignal::new(vec![State::Normal; rules.len()]),
            rules: StoredValue::new(rules.clone()),
        };
        if rules.is_empty() {
            return alerts;
        }
        let engine = Rc::new(RefCell::new(AlertEngine::new(&rules)));
        // Samples older than this (read back from the saved history) are not news.
        let started = wall_now_ms();
        let seen = Rc::new(RefCell::new(vec![started; rules.len()]));
        let live_since = Rc::new(RefCell::new(None::<f64>));
        let timer = Interval::new(CHECK_EVERY_MS, move || {
            let now = wall_now_ms();
            let connected =
                connection.status.try_get_untracked() == Some(ConnectionStatus::Connected);
            {
                let mut live = live_since.borrow_mut();
                *live = match (*live, connected) {
                    (Some(since), true) => Some(since),
                    (None, true) => Some(now),
                    (_, false) => None,
                };
            }
            let Some(store) = feeds.try_store() else {
                return;
            };
            let store = store.borrow();
            let mut engine = engine.borrow_mut();
            let mut seen = seen.borrow_mut();
            let mut events = Vec::new();
            for (rule, feed) in bound.iter().enumerate() {
                let Some(feed) = feed.and_then(|id| store.feed(id)) else {
                    continue;
                };
                let samples = feed.samples();
                let from = samples.partition_point(|s| s.time_ms <= seen[rule]);
                for sample in samples.iter().skip(from) {
                    events.extend(engine.observe(rule, sample.time_ms, sample.value.as_f64()));
                    seen[rule] = sample.time_ms;
                }
            }
            let last_arrival = |rule: usize| {
                let feed = bound
                    .get(rule)
                    .copied()
                    .flatten()
                    .and_then(|id| store.feed(id))?;
                feed.arrivals().next_back().map(|(time, _)| time)
            };
            events.extend(engine.tick(now, *live_since.borrow(), last_arrival));
            if events.is_empty() {
                return;
            }
            let states: Vec<State> = (0..engine.len()).filter_map(|r| engine.state(r)).collect();
            let rules = alerts.rules.get_value();
            let announced: Vec<LogEntry> = alerts
                .log
                .try_update(|log| {
                    let mut announced = Vec::new();
                    for event in &events {
                        let Some(id) = log.record(event, &rules) else {
                            continue;
                        };
                        announced.extend(log.active().find(|e| e.id == id && !e.muted).cloned());
                    }
                    announced
                })
                .unwrap_or_default();
            for entry in announced {
                notify(&entry);
            }
            let _ = alerts.states.try_set(states);
        });
        StoredValue::new_local(timer);
        alerts
    }

    /// The rules firing now whose topic is one of `topics` (a block's feeds): their
    /// names, loudest level first. Tracks the rules' states.
    pub fn firing_for(self, topics: &[String]) -> Option<(Level, Vec<String>)> {
        let states = self.states.get();
        self.rules.with_value(|rules| {
            let firing: Vec<&AlertRule> = rules
                .iter()
                .zip(&states)
                .filter(|(rule, state)| {
                    matches!(state, State::Firing { .. })
                        && topics.iter().any(|t| reads_topic(&rule.topic, t))
                })
                .map(|(rule, _)| rule)
                .collect();
            let level = firing
                .iter()
                .map(|r| r.level)
                .max_by_key(|l| *l == Level::Alarm)?;
            Some((level, firing.iter().map(|r| r.name.clone()).collect()))
        })
    }

    /// True when the dashboard has rules.
    pub fn any(self) -> bool {
        self.rules.with_value(|r| !r.is_empty())
    }
}

/// A notification for a new firing, when the user allowed them: seen with the tab in
/// the background or the screen locked. One per rule at a time (its tag).
fn notify(entry: &LogEntry) {
    if pwa::notification_permission() != Permission::Granted {
        return;
    }
    let title = format!("{} — {}", entry.level.label(), entry.name);
    let body = format!(
        "{}{}, {}",
        entry.topic,
        value_text(entry.value),
        entry.condition
    );
    let tag = format!("feedboard-alert-{}", entry.rule);
    spawn_local(async move {
        pwa::show_notification(&title, &body, &tag).await;
    });
}

/// Where notifications stand, and the button that asks for them: asked only when the
/// user presses it, never on its own; a refusal is said, and not asked again.
#[component]
fn NotificationSetting() -> impl IntoView {
    let permission = RwSignal::new(pwa::notification_permission());
    let ask = move |_| {
        spawn_local(async move {
            let answer = pwa::request_notification_permission().await;
            let _ = permission.try_set(answer);
        });
    };
    view! {
        <p class="notification-setting" role="status" aria-label="Notifications">
            {move || match permission.get() {
                Permission::Granted => "Notifications are on: a new alert is also shown as a                     notification, with this tab in the background too.".to_owned(),
                Permission::Denied => "Notifications are blocked for this site: alerts show on                     this page only (the site's settings in the browser can allow them).".to_owned(),
                Permission::Unsupported => "This browser shows no notifications: alerts show on                     this page only.".to_owned(),
                Permission::Ask => "Alerts show on this page. To be told with the tab in the                     background or the phone locked, let Feedboard show notifications.".to_owned(),
            }}
        </p>
        <Show when=move || permission.get() == Permission::Ask>
            <button type="button" on:click=ask>"Turn on notifications"</button>
        </Show>
    }
}

/// True when a rule on `rule_topic` watches what a block reading `block_topic` shows:
/// the same topic or filter, or a filter that matches the block's topic.
fn reads_topic(rule_topic: &str, block_topic: &str) -> bool {
    rule_topic == block_topic
        || (!block_topic.contains(['+', '#'])
            && mqtt_session::topic::filter_matches(rule_topic, block_topic))
}

/// "12:03:04" in UTC, as the explorer writes times.
fn clock_time(time_ms: f64) -> String {
    let iso = crate::export::csv::iso_utc(time_ms);
    iso.get(11..19).unwrap_or_default().to_owned()
}

fn value_text(value: Option<f64>) -> String {
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
pub fn AlertBanner(alerts: Alerts) -> impl IntoView {
    let active = move || {
        alerts
            .log
            .with(|log| log.active().cloned().collect::<Vec<_>>())
    };
    view! {
        <div class="alert-banner" role="alert" aria-label="Alerts firing">
            {move || active().into_iter().map(|entry| {
                let id = entry.id;
                let rule = entry.rule;
                let text = entry_text(&entry);
                let state = if entry.muted {
                    " (muted)".to_owned()
                } else {
                    entry.acknowledged_ms
                        .map(|t| format!(" (acknowledged at {} UTC)", clock_time(t)))
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
                            on:click=move |_| alerts.log.update(|l| l.acknowledge(id, wall_now_ms()))>
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

/// The rules and the log, under the dashboard.
#[component]
pub fn AlertLogView(alerts: Alerts) -> impl IntoView {
    let rules = move || {
        let states = alerts.states.get();
        alerts.rules.with_value(|rules| {
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
                    view! { <li>{text}": "<strong>{state}</strong></li> }
                })
                .collect_view()
        })
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
                    if let Some(t) = entry.acknowledged_ms {
                        text.push_str(&format!("; acknowledged at {} UTC", clock_time(t)));
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
            <NotificationSetting />
            <h3 id="alert-rules-title">"Rules"</h3>
            <ul aria-labelledby="alert-rules-title">{rules}</ul>
            <h3 id="alert-log-title">"Log (newest first)"</h3>
            {move || empty().then(|| view! { <p class="hint">"No alert has fired yet."</p> })}
            <ol class="alert-entries" aria-labelledby="alert-log-title">{entries}</ol>
        </section>
    }
}
