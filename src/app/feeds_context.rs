//! Joins the plain feed store to Leptos: one version signal per feed, bumped once per
//! animation frame for the feeds that changed, so only their blocks redraw.

use std::cell::RefCell;
use std::rc::Rc;

use leptos::prelude::*;

use crate::connection::driver::FrameListener;
use crate::connection::Connection;
use crate::dashboards::{Block, BlockKind};
use crate::feeds::store::MAX_KEPT_TEXTS;
use crate::feeds::{Decoding, Feed, FeedId, FeedStore};

/// What binding one block gave: its feeds, in the order of its bindings (`None` for a
/// binding that failed), and why the failed ones did.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct BoundBlock {
    /// One per binding.
    pub feeds: Vec<Option<FeedId>>,
    /// "Block "Kitchen": "a/#/b": ..." for each invalid topic (an imported dashboard is
    /// untrusted); the block's other bindings and the other blocks still work.
    pub errors: Vec<String>,
}

impl BoundBlock {
    /// Every feed, or `None` when a binding failed.
    pub fn all_feeds(&self) -> Option<Vec<FeedId>> {
        self.feeds.iter().copied().collect()
    }
}

/// Samples kept per feed: a 24 h chart at one sample every 2 s, in about 43 200 × 8
/// bytes (350 KiB; chunks are allocated as samples come): see
/// [`crate::feeds::SampleRing`] and docs/performance.md, S7.
pub const FEED_CAPACITY: usize = 43_200;

/// Samples kept per feed that no chart reads: the latest value, and enough recent
/// arrivals for the stale time (see [`crate::blocks::staleness`]).
pub const RECENT_CAPACITY: usize = 64;

/// What a block needs kept of each feed it reads: a chart its history, a stream or a
/// map their last messages, anything else its latest value and recent arrivals.
fn capacity_for(kind: &BlockKind) -> usize {
    match kind {
        BlockKind::LineChart { .. } => FEED_CAPACITY,
        BlockKind::Stream { .. } | BlockKind::Map { .. } => MAX_KEPT_TEXTS,
        _ => RECENT_CAPACITY,
    }
}

/// The store and its per-feed version signals.
#[derive(Clone, Copy)]
pub struct FeedsContext {
    store: StoredValue<Rc<RefCell<FeedStore>>, LocalStorage>,
    versions: StoredValue<Vec<RwSignal<u64>>>,
    /// Where version signals of feeds bound later are made: the open dashboard's owner,
    /// not whatever effect or handler binds a block, whose owner may be gone next frame.
    owner: StoredValue<Option<Owner>, LocalStorage>,
}

impl FeedsContext {
    /// Signals for the feeds `store` holds now, and for those bound through it later.
    pub fn new(store: Rc<RefCell<FeedStore>>) -> Self {
        let this = Self {
            store: StoredValue::new_local(store),
            versions: StoredValue::new(Vec::new()),
            owner: StoredValue::new_local(Owner::current()),
        };
        this.add_versions();
        this
    }

    /// Binds `block`'s feeds: the ones already in the store when the same filter is
    /// read the same way (so a block added later starts with their history), new ones
    /// otherwise.
    pub fn bind(self, block: &Block) -> BoundBlock {
        let mut bound = BoundBlock::default();
        {
            let store = self.store.get_value();
            let mut store = store.borrow_mut();
            match block.bindings() {
                Ok(bindings) => {
                    for (topic, decoding) in bindings {
                        let capacity = capacity_for(&block.kind);
                        match store.find_or_add_feed(&topic, decoding, capacity) {
                            Ok(id) => bound.feeds.push(Some(id)),
                            Err(e) => {
                                bound.errors.push(format!("Block {:?}: {e}", block.title));
                                bound.feeds.push(None);
                            }
                        }
                    }
                }
                Err(e) => {
                    bound.errors.push(format!("Block {:?}: {e}", block.title));
                    bound.feeds.push(None);
                }
            }
        }
        self.add_versions();
        bound
    }

    /// Binds one feed that no block shows (an alert rule's), keeping
    /// [`RECENT_CAPACITY`] samples unless a block keeps more.
    pub fn bind_feed(self, topic: &str, decoding: Decoding) -> Result<FeedId, String> {
        let id = {
            let store = self.store.get_value();
            let mut store = store.borrow_mut();
            store.find_or_add_feed(topic, decoding, RECENT_CAPACITY)?
        };
        self.add_versions();
        Ok(id)
    }

    /// Gives back one reading of each feed of `ids` (its block or alert rule is gone)
    /// and unsubscribes `connection` from the filters no feed reads any more: a deleted
    /// block's topic should not keep flowing in.
    pub fn release(self, connection: Connection, ids: &[FeedId]) {
        let unread = self
            .store
            .try_with_value(|store| {
                let Ok(mut store) = store.try_borrow_mut() else {
                    // The store is borrowed while a message is stored or a frame is
                    // drawn, neither of which releases feeds; should it happen, the
                    // feeds stay subscribed, which loses nothing.
                    leptos::logging::warn!("feed store busy: feeds not released");
                    return Vec::new();
                };
                let before = store.filters();
                for &id in ids {
                    store.release(id);
                }
                let after = store.filters();
                before.into_iter().filter(|f| !after.contains(f)).collect()
            })
            .unwrap_or_default();
        if !unread.is_empty() {
            connection.unsubscribe_unread(unread);
        }
    }

    /// Every filter the store's feeds are bound to.
    pub fn filters(self) -> Vec<String> {
        self.store.with_value(|s| s.borrow().filters())
    }

    /// Topics seen on the broker under wildcard feeds, for suggestions.
    pub fn seen_topics(self) -> Vec<String> {
        self.store.with_value(|s| s.borrow().seen_topics())
    }

    /// A version signal for every feed that has none yet.
    fn add_versions(self) {
        let count = self.store.with_value(|s| s.borrow().len());
        let owner = self.owner.get_value();
        self.versions.update_value(|versions| {
            while versions.len() < count {
                let signal = match &owner {
                    Some(owner) => owner.with(|| RwSignal::new(0)),
                    None => RwSignal::new(0),
                };
                versions.push(signal);
            }
        });
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

    /// Redraws the blocks of the feeds changed outside a message (history read back
    /// or cleared), as a frame would. Does nothing once the dashboard is gone.
    pub fn refresh(self) {
        let Some(changed) = self.store.try_with_value(|s| s.borrow_mut().take_changed()) else {
            return;
        };
        (self.frame_listener())(&changed);
    }

    /// The store itself, for what works on all its feeds at once (the saved history);
    /// `None` once the dashboard is gone (an answer from IndexedDB may come after).
    pub fn try_store(self) -> Option<Rc<RefCell<FeedStore>>> {
        self.store.try_get_value()
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
