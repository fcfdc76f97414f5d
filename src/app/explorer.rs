//! The topic explorer: subscribe to a filter of the user's choosing (`#` by default)
//! and see the broker's topics as a live tree — per topic its last value, message
//! count, rate and retained flag — searchable, with a topic's last message shown in
//! full. The tree is fed by the driver per message; this panel looks once per frame.

mod details;
mod rows;

use std::cell::{Cell, RefCell};
use std::rc::Rc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use leptos::prelude::*;

use crate::words::count;

use crate::connection::Connection;
use crate::explorer::{NodeId, Subscription, TopicTree, MAX_TOPICS};
use details::TopicDetails;
use rows::TopicRows;

/// How many topics a search lists at most.
const MAX_SEARCH_HITS: usize = 1000;

/// A search is run again while topics keep coming at most this often.
const SEARCH_REFRESH_MS: f64 = 1000.0;

/// What the panel shares with its parts.
#[derive(Clone, Copy)]
struct ExplorerState {
    tree: StoredValue<Rc<RefCell<TopicTree>>, LocalStorage>,
    /// The rows listed: the open branches of the tree, or a search's hits.
    listed: StoredValue<Vec<NodeId>>,
    /// Bumped once per frame in which anything changed.
    version: RwSignal<u64>,
    selected: RwSignal<Option<NodeId>>,
    /// Text searched for; empty for the tree.
    search: RwSignal<String>,
}

impl ExplorerState {
    /// Lists the rows again: the tree's open branches, or the search's hits.
    fn relist(&self, reshaped_only: bool) {
        let tree = self.tree.get_value();
        let mut tree = tree.borrow_mut();
        let text = self.search.get_untracked();
        if text.is_empty() {
            self.listed.update_value(|rows| {
                if !reshaped_only {
                    rows.clear();
                }
                tree.visible_rows(rows);
            });
        } else {
            let hits = tree.search(&text, MAX_SEARCH_HITS);
            self.listed.set_value(hits);
        }
    }
}

/// The explorer panel, shown while "Topic explorer" is pressed; closing it stops the
/// subscription.
#[component]
pub fn TopicExplorer(
    connection: Connection,
    /// Opens the block wizard with this topic as the new block's feed.
    on_add_block: Callback<String>,
) -> impl IntoView {
    let state = ExplorerState {
        tree: StoredValue::new_local(Rc::new(RefCell::new(TopicTree::new()))),
        listed: StoredValue::new(Vec::new()),
        version: RwSignal::new(0),
        selected: RwSignal::new(None),
        search: RwSignal::new(String::new()),
    };
    let filter = RwSignal::new(connection.explorer_default_filter());
    let exploring = RwSignal::new(None::<String>);
    let problem = RwSignal::new(None::<String>);

    // Cleared when the panel goes: on_cleanup wants Send, hence the atomic.
    let alive = Arc::new(AtomicBool::new(true));
    watch_frames(state, alive.clone());
    on_cleanup(move || {
        alive.store(false, Ordering::Relaxed);
        connection.stop_exploring();
    });

    let start = move || {
        let wanted = filter.get_untracked().trim().to_owned();
        let tree = Rc::new(RefCell::new(TopicTree::new()));
        match connection.explore(&wanted, tree.clone()) {
            Ok(subscribed) => {
                state.tree.set_value(tree);
                state.selected.set(None);
                state.relist(false);
                state.version.update(|v| *v += 1);
                problem.set(None);
                exploring.set(Some(subscribed));
            }
            Err(rule) => problem.set(Some(format!("Filter {rule}"))),
        }
    };
    let stop = move || connection.stop_exploring();
    let subscription = move || {
        state.version.track();
        state.tree.with_value(|t| t.borrow().subscription().clone())
    };
    let summary = move || {
        let tree = state.tree.get_value();
        let tree = tree.borrow();
        let mut counts = format!(
            "{}, {}",
            count(tree.topics() as u64, "topic", "topics"),
            count(tree.messages(), "message", "messages")
        );
        if tree.not_kept() > 0 {
            counts.push_str(&format!(
                "; {} messages to topics beyond the first {MAX_TOPICS} not shown",
                tree.not_kept()
            ));
        }
        counts
    };
    let status = move || {
        let filter = exploring.get().unwrap_or_default();
        match subscription() {
            Subscription::Idle => "Not exploring.".to_owned(),
            Subscription::Waiting => format!("Subscribing to {filter}…"),
            Subscription::Granted => format!("Exploring {filter}: {}", summary()),
            Subscription::Refused(why) => format!("The broker refused {filter}: {why}"),
            Subscription::Stopping => format!("Stopping {filter}…: {}", summary()),
            Subscription::Stopped => format!("Stopped: {}", summary()),
        }
    };

    view! {
        <section class="explorer" aria-labelledby="explorer-title">
            <h2 id="explorer-title">"Topic explorer"</h2>
            <form class="explorer-filter" on:submit=move |ev| {
                ev.prevent_default();
                start();
            }>
                <div class="field">
                    <label for="explorer-filter">"Filter"</label>
                    <input id="explorer-filter" type="text" spellcheck="false" autocomplete="off"
                        aria-describedby="explorer-filter-hint explorer-filter-problem"
                        aria-invalid=move || problem.with(Option::is_some).to_string()
                        prop:value=filter
                        on:input=move |ev| filter.set(event_target_value(&ev)) />
                    <p id="explorer-filter-hint" class="hint">
                        "# for every topic; $SYS/# for the broker's own statistics."
                    </p>
                    <p id="explorer-filter-problem" class="error" role="alert">
                        {move || problem.get()}
                    </p>
                </div>
                <div class="console-actions">
                    <button type="submit">"Explore"</button>
                    <button type="button"
                        disabled=move || !matches!(subscription(), Subscription::Waiting | Subscription::Granted)
                        on:click=move |_| stop()>
                        "Stop"
                    </button>
                </div>
            </form>
            <p class="explorer-summary" role="status" aria-label="Explorer summary">
                {status}
            </p>
            <div class="field">
                <label for="explorer-search">"Search topics"</label>
                <input id="explorer-search" type="search" spellcheck="false" autocomplete="off"
                    prop:value=state.search
                    on:input=move |ev| {
                        state.search.set(event_target_value(&ev));
                        state.relist(false);
                        state.version.update(|v| *v += 1);
                    } />
            </div>
            <TopicRows state />
            <TopicDetails state on_add_block />
        </section>
    }
}

/// Once per animation frame while the panel lives: when the tree changed, lists its
/// rows again if its shape changed and bumps the version the view reads.
fn watch_frames(state: ExplorerState, alive: Arc<AtomicBool>) {
    let last_search = Rc::new(Cell::new(0.0));
    fn tick(state: ExplorerState, alive: Arc<AtomicBool>, last_search: Rc<Cell<f64>>) {
        if !alive.load(Ordering::Relaxed) {
            return;
        }
        let changed = state.tree.with_value(|t| t.borrow_mut().take_changed());
        if changed {
            if state.search.with_untracked(String::is_empty) {
                state.relist(true);
            } else {
                let now = js_sys::Date::now();
                if now - last_search.get() >= SEARCH_REFRESH_MS {
                    last_search.set(now);
                    state.relist(false);
                }
            }
            state.version.update(|v| *v += 1);
        }
        request_animation_frame(move || tick(state, alive, last_search));
    }
    request_animation_frame(move || tick(state, alive, last_search));
}
