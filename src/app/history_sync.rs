//! The open dashboard's saved history, wired to its feed store: read back into the
//! feeds when the dashboard opens, new samples written every couple of seconds, old
//! ones trimmed now and then, and all of it cleared on request. A browser that keeps
//! no IndexedDB (or refuses a write) is said once, and the dashboard goes on in memory.

use std::cell::Cell;
use std::rc::Rc;

use gloo_timers::callback::{Interval, Timeout};
use leptos::prelude::*;
use leptos::task::spawn_local;

use super::FeedsContext;
use crate::connection::wall_now_ms;
use crate::dashboards::EntryId;
use crate::dashboards::HistorySettings;
use crate::feeds::{FeedId, Sample};
use crate::history::db::HistoryDb;
use crate::history::{TRIM_EVERY_WRITES, WRITE_EVERY_MS};
use rustc_hash::FxHashMap;

/// How long the database may take to open before history is said to be off.
const OPEN_TIME_LIMIT_MS: u32 = 10_000;

/// What the page needs of the history: the problem to show, and clearing.
#[derive(Clone, Copy)]
pub struct HistoryControl {
    /// Why history is not being saved, once that is known; `None` while all is well.
    pub problem: RwSignal<Option<String>>,
    /// Samples read back when the dashboard opened; `None` until then.
    pub restored: RwSignal<Option<usize>>,
    db: StoredValue<Option<Rc<HistoryDb>>, LocalStorage>,
    /// Writes and trims wait while one is running: IndexedDB keeps them in order, but a
    /// slow disk must not pile them up.
    busy: StoredValue<Rc<Cell<bool>>, LocalStorage>,
    dashboard: EntryId,
    /// The dashboard's bounds, read at each use: a change applies from the next trim.
    settings: Signal<HistorySettings>,
    feeds: FeedsContext,
}

impl HistoryControl {
    /// Starts saving `dashboard`'s feeds and reads back what was saved before.
    pub fn start(
        dashboard: EntryId,
        settings: Signal<HistorySettings>,
        feeds: FeedsContext,
    ) -> Self {
        let control = HistoryControl {
            problem: RwSignal::new(None),
            restored: RwSignal::new(None),
            db: StoredValue::new_local(None),
            busy: StoredValue::new_local(Rc::new(Cell::new(true))),
            dashboard,
            settings,
            feeds,
        };
        // Noted from now on: what arrives while the database opens is written later.
        if let Some(store) = feeds.try_store() {
            store.borrow_mut().log_history(true);
        }
        spawn_local(async move {
            let newer = move || control.fail("another tab is upgrading or deleting it");
            match HistoryDb::open(newer).await {
                // Too late: the time limit below has said history is off.
                Ok(db) if control.has_failed() => db.close(),
                Ok(db) => control.read_back(Rc::new(db)).await,
                Err(e) => control.fail(&e),
            }
        });
        // A database that never answers (an upgrade blocked by an old tab) must not
        // leave "Reading the saved history…" on screen for ever.
        Timeout::new(OPEN_TIME_LIMIT_MS, move || {
            if control.restored.try_get_untracked() == Some(None) {
                control.fail(&format!(
                    "the browser's database did not answer within {} s",
                    OPEN_TIME_LIMIT_MS / 1000
                ));
            }
        })
        .forget();
        let writes = Rc::new(Cell::new(0u32));
        let timer = Interval::new(WRITE_EVERY_MS, move || {
            let n = writes.get().wrapping_add(1);
            writes.set(n);
            control.write(n.is_multiple_of(TRIM_EVERY_WRITES));
        });
        // Dropped (and so stopped) with the dashboard's owner.
        StoredValue::new_local(timer);
        // Leaving the page: what came since the last write goes now (best effort: the
        // browser may end the page before IndexedDB commits).
        let pagehide =
            window_event_listener(leptos::ev::pagehide, move |_| control.write_now(false));
        on_cleanup(move || pagehide.remove());
        control
    }

    async fn read_back(self, db: Rc<HistoryDb>) {
        let bounds = self.bounds();
        let since = wall_now_ms() - bounds.max_age_ms();
        let Some(store) = self.feeds.try_store() else {
            return;
        };
        let feeds: Vec<_> = {
            let store = store.borrow();
            store
                .ids()
                .filter_map(|id| {
                    let feed = store.feed(id)?;
                    let keep = bounds.samples_for(feed.samples().capacity());
                    Some((id, feed.history_key(), keep))
                })
                .collect()
        };
        let mut restored = 0;
        for (id, key, capacity) in feeds {
            match db.load(self.dashboard, &key, since, capacity).await {
                Ok(samples) => {
                    restored += samples.len();
                    store.borrow_mut().prepend_history(id, samples);
                }
                Err(e) => return self.fail(&e),
            }
        }
        self.feeds.refresh();
        if self.has_failed() {
            db.close();
            return;
        }
        let _ = self.restored.try_set(Some(restored));
        if self.db.try_set_value(Some(db)).is_none() {
            self.set_busy(false);
        }
    }

    /// Writes what the feeds logged since the last write; every so often also deletes
    /// what is older or more than the dashboard's [`HistorySettings`] keep.
    fn write(self, trim: bool) {
        if !self.is_busy() {
            self.write_now(trim);
        }
    }

    /// [`HistoryControl::write`] even while a write is running (the page is going).
    fn write_now(self, trim: bool) {
        let Some(Some(db)) = self.db.try_get_value() else {
            return;
        };
        let Some(store) = self.feeds.try_store() else {
            return;
        };
        let (log, dropped) = store.borrow_mut().take_history_log();
        let bounds = self.bounds();
        let (rows, feeds): (Vec<_>, Vec<_>) = {
            let store = store.borrow();
            // Grouped by feed, in arrival order within each.
            let mut rows: Vec<(String, Vec<Sample>)> = Vec::new();
            let mut group_of: FxHashMap<FeedId, usize> = FxHashMap::default();
            for (id, sample) in log {
                let Some(feed) = store.feed(id) else { continue };
                let group = *group_of.entry(id).or_insert_with(|| {
                    rows.push((feed.history_key(), Vec::new()));
                    rows.len() - 1
                });
                rows[group].1.push(sample);
            }
            // Each feed's key and bound, for a trim only: not worth listing every write.
            let feeds = if trim {
                store
                    .ids()
                    .filter_map(|id| {
                        let feed = store.feed(id)?;
                        let keep = bounds.samples_for(feed.samples().capacity());
                        Some((feed.history_key(), keep))
                    })
                    .collect()
            } else {
                Vec::new()
            };
            (rows, feeds)
        };
        if dropped > 0 {
            self.fail(&format!(
                "{dropped} samples came faster than they could be saved"
            ));
            return;
        }
        self.set_busy(true);
        spawn_local(async move {
            let mut result = db.append(self.dashboard, &rows).await;
            if trim && result.is_ok() {
                let before = wall_now_ms() - bounds.max_age_ms();
                for (key, keep) in feeds {
                    result = db.trim(self.dashboard, &key, before, keep).await;
                    if result.is_err() {
                        break;
                    }
                }
            }
            match result {
                Ok(()) => self.set_busy(false),
                Err(e) => self.fail(&e),
            }
        });
    }

    /// Deletes the dashboard's saved history and empties its feeds.
    pub fn clear(self) {
        if let Some(store) = self.feeds.try_store() {
            store.borrow_mut().clear_samples();
        }
        self.feeds.refresh();
        if let Some(Some(db)) = self.db.try_get_value() {
            let dashboard = self.dashboard;
            spawn_local(async move {
                if let Err(e) = db.clear(dashboard).await {
                    self.fail(&e);
                }
            });
        }
    }

    /// Stops saving, and says why once.
    fn fail(self, why: &str) {
        if let Some(store) = self.feeds.try_store() {
            store.borrow_mut().log_history(false);
        }
        if let Some(Some(db)) = self.db.try_get_value() {
            db.close();
        }
        let _ = self.db.try_set_value(None);
        let _ = self.problem.try_update(|p| {
            if p.is_none() {
                *p = Some(format!(
                    "History is not saved in this browser ({why}): charts keep what arrives \
                     while the page is open, as before."
                ));
            }
        });
    }

    /// The dashboard's bounds now.
    fn bounds(self) -> HistorySettings {
        self.settings.try_get_untracked().unwrap_or_default()
    }

    /// Applies changed bounds at once: trims what they no longer keep.
    pub fn trim_now(self) {
        self.write(true);
    }

    /// True once history was turned off for a reason shown to the user.
    fn has_failed(self) -> bool {
        self.problem
            .try_with_untracked(Option::is_some)
            .unwrap_or(true)
    }

    fn is_busy(self) -> bool {
        self.busy.try_with_value(|b| b.get()).unwrap_or(true)
    }

    fn set_busy(self, busy: bool) {
        let _ = self.busy.try_with_value(|b| b.set(busy));
    }
}

/// Deletes the saved history of a deleted dashboard: its id may be given to the next
/// new one, which must not start with the old one's values.
pub fn forget_dashboard(dashboard: EntryId) {
    spawn_local(async move {
        // Nothing saved where there is no database; a failure here has no one to tell.
        if let Ok(db) = HistoryDb::open(|| {}).await {
            let _ = db.clear(dashboard).await;
            db.close();
        }
    });
}
