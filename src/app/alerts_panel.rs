//! The open dashboard's alerts in the page: each rule bound to its feed, checked twice
//! a second on a timer (which keeps running in a background tab, where animation
//! frames stop), the banner of alerts that need attention, and the alert log.

use std::cell::RefCell;
use std::rc::Rc;

use gloo_timers::callback::Interval;
use leptos::prelude::*;
use leptos::task::spawn_local;

use super::alert_sound::{self, Outcome};
use super::alerts_section::value_text;
use super::FeedsContext;
use crate::alerts::{
    reads_topic, rule_mapping, AlertEngine, AlertLog, AlertRule, Level, LogEntry, State,
};
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
    /// The dashboard's rules; the engine follows them when they are edited.
    pub rules: Memo<Vec<AlertRule>>,
    /// Whether the page may show notifications (asked when the first rule is made).
    pub permission: RwSignal<Permission>,
    /// What became of the last alert sound, and when.
    pub sound: RwSignal<Option<(Outcome, f64)>>,
}

/// The rules as the timer checks them: each bound to its feed, where it stands, and
/// up to when its feed's samples were looked at.
struct Running {
    rules: Vec<AlertRule>,
    bound: Vec<Option<FeedId>>,
    engine: AlertEngine,
    seen: Vec<f64>,
}

impl Alerts {
    /// Binds `rules` to their feeds (before the first Connect subscribes) and starts
    /// checking them; follows them when they change; dropped with the dashboard's owner.
    pub fn start(rules: Memo<Vec<AlertRule>>, feeds: FeedsContext, connection: Connection) -> Self {
        let first = rules.get_untracked();
        // Samples older than this (read back from the saved history) are not news.
        let started = wall_now_ms();
        let running = Rc::new(RefCell::new(Running {
            bound: first.iter().map(|rule| bind(rule, feeds)).collect(),
            engine: AlertEngine::new(&first),
            seen: vec![started; first.len()],
            rules: first.clone(),
        }));
        let alerts = Alerts {
            log: RwSignal::new(AlertLog::default()),
            states: RwSignal::new(vec![State::Normal; first.len()]),
            rules,
            permission: RwSignal::new(pwa::notification_permission()),
            sound: RwSignal::new(None),
        };
        {
            let running = running.clone();
            Effect::new(move |previous: Option<()>| {
                let rules = rules.get();
                if previous.is_some() {
                    follow_edit(
                        &mut running.borrow_mut(),
                        rules,
                        started,
                        alerts,
                        feeds,
                        connection,
                    );
                }
            });
        }
        let live_since = Rc::new(RefCell::new(None::<f64>));
        // When the sound last played, and the newest firing it played for.
        let last_beep = Rc::new(RefCell::new((f64::NEG_INFINITY, 0u64)));
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
            let mut running = running.borrow_mut();
            let Running {
                rules,
                bound,
                engine,
                seen,
            } = &mut *running;
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
            if !events.is_empty() {
                let states: Vec<State> =
                    (0..engine.len()).filter_map(|r| engine.state(r)).collect();
                let announced: Vec<LogEntry> = alerts
                    .log
                    .try_update(|log| {
                        let mut announced = Vec::new();
                        for event in &events {
                            let Some(id) = log.record(event, rules) else {
                                continue;
                            };
                            announced
                                .extend(log.active().find(|e| e.id == id && !e.muted).cloned());
                        }
                        announced
                    })
                    .unwrap_or_default();
                for entry in announced {
                    notify(&entry);
                }
                let _ = alerts.states.try_set(states);
            }
            // A new firing sounds at once; one still unanswered again every REPEAT_MS.
            let mut last_beep = last_beep.borrow_mut();
            if let Some((level, newest)) = sounding(alerts, rules) {
                let (at, beeped_for) = *last_beep;
                if newest > beeped_for || now - at >= alert_sound::REPEAT_MS {
                    *last_beep = (now, newest);
                    spawn_local(async move {
                        let outcome = alert_sound::beep(level).await;
                        let _ = alerts.sound.try_set(Some((outcome, wall_now_ms())));
                    });
                }
            }
        });
        StoredValue::new_local(timer);
        alerts
    }

    /// The rules firing now whose topic is one of `topics` (a block's feeds): their
    /// names, loudest level first. Tracks the rules' states.
    pub fn firing_for(self, topics: &[String]) -> Option<(Level, Vec<String>)> {
        let states = self.states.get();
        self.rules.with(|rules| {
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
}

/// Binds `rule`'s feed, or `None` when it cannot be read (never, for a checked rule).
fn bind(rule: &AlertRule, feeds: FeedsContext) -> Option<FeedId> {
    let decoding = rule.decoding().ok()?;
    feeds.bind_feed(&rule.topic, decoding).ok()
}

/// Among the alerts that ask for attention and whose rule sounds: the loudest level,
/// and the newest entry's id.
fn sounding(alerts: Alerts, rules: &[AlertRule]) -> Option<(Level, u64)> {
    alerts
        .log
        .try_with_untracked(|log| {
            let sounding: Vec<&LogEntry> = log
                .active()
                .filter(|e| e.needs_attention())
                .filter(|e| rules.get(e.rule).is_some_and(|r| r.sound))
                .collect();
            let level = sounding
                .iter()
                .map(|e| e.level)
                .max_by_key(|level| *level == Level::Alarm)?;
            let newest = sounding.iter().map(|e| e.id).max()?;
            Some((level, newest))
        })
        .flatten()
}

/// The rules were edited: rules that stayed keep their state, entries and mutes; new
/// ones are bound (subscribing when connected) and look at their feed's latest live
/// value at once, so a rule made while the value is already past its bound fires; the
/// topics of removed ones are unsubscribed unless something else reads them.
fn follow_edit(
    running: &mut Running,
    rules: Vec<AlertRule>,
    started: f64,
    alerts: Alerts,
    feeds: FeedsContext,
    connection: Connection,
) {
    let mapping = rule_mapping(&running.rules, &rules);
    let filters_before = feeds.filters();
    let bound: Vec<Option<FeedId>> = rules.iter().map(|rule| bind(rule, feeds)).collect();
    let new_filters: Vec<String> = feeds
        .filters()
        .into_iter()
        .filter(|f| !filters_before.contains(f))
        .collect();
    if !new_filters.is_empty() && connection.status.get_untracked() == ConnectionStatus::Connected {
        if let Err(problem) = connection.subscribe(new_filters) {
            leptos::logging::warn!("subscribing for a new alert: {problem}");
        }
    }
    let mut seen: Vec<f64> = bound
        .iter()
        .map(|feed| {
            let latest = feed.and_then(|id| {
                feeds
                    .try_store()?
                    .borrow()
                    .feed(id)?
                    .latest()
                    .map(|s| s.time_ms)
            });
            match latest {
                Some(time) if time >= started => time - 0.5,
                _ => started,
            }
        })
        .collect();
    for (from, to) in mapping.iter().enumerate() {
        if let (Some(to), Some(&old)) = (to, running.seen.get(from)) {
            if let Some(slot) = seen.get_mut(*to) {
                *slot = old;
            }
        }
    }
    running.engine = AlertEngine::carry_over(&running.engine, &rules, &mapping);
    // The rules' feeds were bound again above, so a rule that stayed keeps its feed
    // read throughout; only the feeds of removed or changed rules may end unread.
    let before: Vec<FeedId> = std::mem::replace(&mut running.bound, bound)
        .into_iter()
        .flatten()
        .collect();
    feeds.release(connection, &before);
    running.seen = seen;
    running.rules = rules;
    alerts.log.update(|log| log.remap(&mapping, wall_now_ms()));
    let engine = &running.engine;
    alerts
        .states
        .set((0..engine.len()).filter_map(|r| engine.state(r)).collect());
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
