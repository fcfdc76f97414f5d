//! Each dashboard's feed samples saved in the browser (IndexedDB), so charts show the
//! hours before a reload, not an empty axis. Written in batches, bounded per feed by
//! age and count (the dashboard's [`crate::dashboards::HistorySettings`]: 24 hours and
//! the feed's own capacity unless it says otherwise), read back when the dashboard
//! opens, cleared with one action. The page glue is `app::history_sync`.

pub mod db;

/// How often new samples are written: often enough that a reload loses little, seldom
/// enough that a busy feed costs one transaction, not thousands.
pub const WRITE_EVERY_MS: u32 = 2000;

/// How often old samples are deleted.
pub const TRIM_EVERY_WRITES: u32 = 30;
