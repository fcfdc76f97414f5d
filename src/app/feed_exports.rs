//! What the dashboard's CSV export offers: each feed a block reads, named by the block
//! and the topic, once (blocks reading one topic the same way share a feed). Images are
//! left out: a CSV row cannot hold one usefully.

use super::csv_export::ExportChoice;
use super::FeedsContext;
use crate::dashboards::Dashboard;
use crate::export::file_name::csv_file_name;
use crate::feeds::{FeedId, Read};

/// The choices, and the feed behind each.
pub fn dashboard_exports(
    dashboard: &Dashboard,
    feeds: FeedsContext,
) -> Vec<(ExportChoice, FeedId)> {
    let Some(store) = feeds.try_store() else {
        return Vec::new();
    };
    let store = store.borrow();
    let mut out: Vec<(ExportChoice, FeedId)> = Vec::new();
    for block in &dashboard.blocks {
        let Ok(bindings) = block.bindings() else {
            continue;
        };
        for (topic, decoding) in bindings {
            if decoding.read == Read::Image {
                continue;
            }
            let Some(id) = store.find_feed(&topic, &decoding) else {
                continue;
            };
            if out.iter().any(|(_, known)| *known == id) {
                continue;
            }
            let choice = ExportChoice {
                label: format!("{} — {topic}", block.title),
                file_name: csv_file_name(&topic),
            };
            out.push((choice, id));
        }
    }
    out
}
