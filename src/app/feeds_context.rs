//! Joins the plain feed store to Leptos: one version signal per feed, bumped once per
//! animation frame for the feeds that changed, so only their blocks redraw.

use std::cell::RefCell;
use std::rc::Rc;

use leptos::prelude::*;

use crate::connection::driver::FrameListener;
use crate::dashboards::Dashboard;
use crate::feeds::{Feed, FeedId, FeedStore};

/// The feeds bound for each block of a dashboard, in block order.
#[derive(Debug, Clone, Default)]
pub struct BoundDashboard {
    /// `feeds[i]` are block `i`'s feeds, in the order of its bindings; a binding that
    /// failed (invalid topic) is `None`.
    pub feeds: Vec<Vec<Option<FeedId>>>,
    /// How many feeds the store holds.
    pub feed_count: usize,
}

/// Adds every block's bindings to `store`. Invalid topics (an imported dashboard is
/// untrusted) are reported, and the other blocks still work.
pub fn bind_dashboard(
    dashboard: &Dashboard,
    store: &mut FeedStore,
) -> (BoundDashboard, Vec<String>) {
    let mut bound = BoundDashboard::default();
    let mut errors = Vec::new();
    for block in &dashboard.blocks {
        let mut ids = Vec::new();
        for (topic, decoding) in block.kind.bindings() {
            match store.add_feed(&topic, decoding, FEED_CAPACITY) {
                Ok(id) => {
                    bound.feed_count = bound.feed_count.max(id.index() + 1);
                    ids.push(Some(id));
                }
                Err(e) => {
                    errors.push(format!("Block {:?}: {e}", block.title));
                    ids.push(None);
                }
            }
        }
        bound.feeds.push(ids);
    }
    (bound, errors)
}

/// Samples kept per feed: a 24 h chart at one sample every 2 s, in 43 200 × 24 bytes.
pub const FEED_CAPACITY: usize = 43_200;

/// The store and its per-feed version signals.
#[derive(Clone, Copy)]
pub struct FeedsContext {
    store: StoredValue<Rc<RefCell<FeedStore>>, LocalStorage>,
    versions: StoredValue<Vec<RwSignal<u64>>>,
}

impl FeedsContext {
    /// Signals for `feed_count` feeds of `store`.
    pub fn new(store: Rc<RefCell<FeedStore>>, feed_count: usize) -> Self {
        Self {
            store: StoredValue::new_local(store),
            versions: StoredValue::new((0..feed_count).map(|_| RwSignal::new(0)).collect()),
        }
    }

    /// What the driver calls once per frame: bump the changed feeds' versions.
    pub fn frame_listener(self) -> FrameListener {
        Rc::new(move |changed: &[FeedId]| {
            for id in changed {
                if let Some(version) = self.versions.with_value(|v| v.get(id.index()).copied()) {
                    version.update(|n| *n += 1);
                }
            }
        })
    }

    /// The narrow view one block gets of one feed.
    pub fn handle(self, id: FeedId) -> FeedHandle {
        let version = self
            .versions
            .with_value(|v| v.get(id.index()).copied())
            .unwrap_or_else(|| RwSignal::new(0));
        FeedHandle {
            id,
            version: version.read_only(),
            store: self.store,
        }
    }
}

/// One feed, as a block sees it: a version to track and read access to the samples.
#[derive(Clone, Copy)]
pub struct FeedHandle {
    id: FeedId,
    /// Changes (at most once per frame) when new samples arrived.
    pub version: ReadSignal<u64>,
    store: StoredValue<Rc<RefCell<FeedStore>>, LocalStorage>,
}

impl FeedHandle {
    /// Reads the feed. Tracks `version` when called in a reactive context.
    pub fn with<R>(&self, f: impl FnOnce(&Feed) -> R) -> Option<R> {
        self.version.track();
        let store = self.store.get_value();
        let store = store.borrow();
        store.feed(self.id).map(f)
    }
}
