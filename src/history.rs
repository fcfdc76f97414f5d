//! Each dashboard's feed samples saved in the browser (IndexedDB), so charts show the
//! hours before a reload, not an empty axis. Written in batches, bounded per feed by
//! age ([`MAX_AGE_MS`]) and count (the feed's own capacity), read back when the
//! dashboard opens, cleared with one action. The page glue is `app::history_sync`.

pub mod db;

/// How far back the saved history goes.
pub const MAX_AGE_MS: f64 = 24.0 * 3600.0 * 1000.0;

/// How often new samples are written: often enough that a reload loses little, seldom
/// enough that a busy feed costs one transaction, not thousands.
pub const WRITE_EVERY_MS: u32 = 2000;

/// How often old samples are deleted.
pub const TRIM_EVERY_WRITES: u32 = 30;
