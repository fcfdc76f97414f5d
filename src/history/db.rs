//! The saved history in the browser's IndexedDB (through the `idb` crate): one object
//! store of samples keyed by dashboard, feed and time, so each feed's samples are one
//! key range — read back, trimmed by age and count, and a dashboard's cleared — in
//! one request each.

use idb::{Database, Factory, KeyPath, KeyRange, ObjectStoreParams, Query, TransactionMode};
use js_sys::{Array, Reflect};
use wasm_bindgen::prelude::*;

use crate::feeds::{Sample, Value};

const DB_NAME: &str = "feedboard-history";
const STORE: &str = "samples";

/// An open history database.
pub struct HistoryDb {
    db: Database,
}

#[wasm_bindgen(module = "/src/history/put_samples.js")]
extern "C" {
    /// See put_samples.js: each sample stored as `{d, f, t, v, k}` — dashboard, feed
    /// key, time, value, and flags (1: retained, 2: on/off).
    #[wasm_bindgen(js_name = putSamples, catch)]
    fn put_samples(
        store: &JsValue,
        dashboard: u32,
        feed: &str,
        times: &[f64],
        values: &[f64],
        flags: &[u8],
    ) -> Result<(), JsValue>;
}

/// A stored row read back; `None` for anything that is not one (the database is the
/// browser's: another version of the app, or devtools, may have written to it).
fn sample_of(row: &JsValue) -> Option<Sample> {
    let number = |name: &str| Reflect::get(row, &JsValue::from_str(name)).ok()?.as_f64();
    let time_ms = number("t").filter(|t| t.is_finite())?;
    let v = number("v").filter(|v| v.is_finite())?;
    let flags = number("k").unwrap_or(0.0) as u8;
    let value = if flags & 2 != 0 {
        Value::Switch(v != 0.0)
    } else {
        Value::Number(v)
    };
    Some(Sample {
        time_ms,
        value,
        retained: flags & 1 != 0,
    })
}

fn key(dashboard: u32, feed: &str, time_ms: f64) -> JsValue {
    Array::of3(
        &JsValue::from(dashboard),
        &JsValue::from_str(feed),
        &JsValue::from_f64(time_ms),
    )
    .into()
}

/// The keys of `feed` of `dashboard` from `from_ms` to `to_ms` (inclusive).
fn feed_range(dashboard: u32, feed: &str, from_ms: f64, to_ms: f64) -> Result<KeyRange, String> {
    KeyRange::bound(
        &key(dashboard, feed, from_ms),
        &key(dashboard, feed, to_ms),
        None,
        None,
    )
    .map_err(|e| e.to_string())
}

fn text(e: idb::Error) -> String {
    e.to_string()
}

/// Waits for `tx` to commit; an abort (storage full, say) is an error.
async fn finish(tx: idb::Transaction) -> Result<(), String> {
    match tx.await {
        Ok(result) if result.is_committed() => Ok(()),
        Ok(_) => Err("the browser did not save it (is its storage full?)".to_owned()),
        Err(e) => Err(text(e)),
    }
}

impl HistoryDb {
    /// Opens (or makes) the database. Fails where the browser keeps none: a private
    /// window of some browsers, storage turned off, a newer version of the database
    /// (another tab ran a newer Feedboard). `on_newer_version` runs when another tab
    /// asks to upgrade it while open: the connection is closed first, so that tab is
    /// not blocked.
    pub async fn open(on_newer_version: impl FnOnce() + 'static) -> Result<HistoryDb, String> {
        let factory = Factory::new().map_err(text)?;
        let mut request = factory.open(DB_NAME, Some(1)).map_err(text)?;
        request.on_upgrade_needed(|event| {
            use idb::DatabaseEvent as _;
            let Ok(db) = event.database() else { return };
            let mut params = ObjectStoreParams::new();
            params.key_path(Some(KeyPath::new_array(["d", "f", "t"])));
            let _ = db.create_object_store(STORE, params);
        });
        let mut db = request.await.map_err(text)?;
        db.on_version_change(move |event| {
            if let Some(db) = event
                .target()
                .and_then(|t| t.dyn_into::<web_sys::IdbDatabase>().ok())
            {
                db.close();
            }
            on_newer_version();
        });
        Ok(HistoryDb { db })
    }

    /// Closes the connection: nothing more is read or written through it.
    pub fn close(&self) {
        self.db.close();
    }

    /// Writes each feed's new samples (with its key) in one transaction.
    pub async fn append(
        &self,
        dashboard: u32,
        feeds: &[(String, Vec<Sample>)],
    ) -> Result<(), String> {
        if feeds.is_empty() {
            return Ok(());
        }
        let tx = self
            .db
            .transaction(&[STORE], TransactionMode::ReadWrite)
            .map_err(text)?;
        let store: JsValue = tx.object_store(STORE).map_err(text)?.into();
        for (feed, samples) in feeds {
            let times: Vec<f64> = samples.iter().map(|s| s.time_ms).collect();
            let values: Vec<f64> = samples.iter().map(|s| s.value.as_f64()).collect();
            let flags: Vec<u8> = samples
                .iter()
                .map(|s| {
                    u8::from(s.retained) | (u8::from(matches!(s.value, Value::Switch(_))) << 1)
                })
                .collect();
            put_samples(&store, dashboard, feed, &times, &values, &flags).map_err(|e| {
                format!(
                    "cannot save: {}",
                    e.as_string().unwrap_or_else(|| format!("{e:?}"))
                )
            })?;
        }
        finish(tx).await
    }

    /// `feed`'s samples from `since_ms` on, oldest first, at most the newest `limit`.
    pub async fn load(
        &self,
        dashboard: u32,
        feed: &str,
        since_ms: f64,
        limit: usize,
    ) -> Result<Vec<Sample>, String> {
        let tx = self
            .db
            .transaction(&[STORE], TransactionMode::ReadOnly)
            .map_err(text)?;
        let store = tx.object_store(STORE).map_err(text)?;
        let range = feed_range(dashboard, feed, since_ms, f64::INFINITY)?;
        let rows = store
            .get_all(Some(Query::KeyRange(range)), None)
            .map_err(text)?
            .await
            .map_err(text)?;
        let skip = rows.len().saturating_sub(limit);
        Ok(rows.iter().skip(skip).filter_map(sample_of).collect())
    }

    /// Deletes `feed`'s samples older than `before_ms`, and its oldest beyond `keep`.
    pub async fn trim(
        &self,
        dashboard: u32,
        feed: &str,
        before_ms: f64,
        keep: usize,
    ) -> Result<(), String> {
        let tx = self
            .db
            .transaction(&[STORE], TransactionMode::ReadWrite)
            .map_err(text)?;
        let store = tx.object_store(STORE).map_err(text)?;
        let old = feed_range(dashboard, feed, f64::NEG_INFINITY, before_ms)?;
        store.delete(Query::KeyRange(old)).map_err(text)?;
        let all = feed_range(dashboard, feed, before_ms, f64::INFINITY)?;
        let count = store
            .count(Some(Query::KeyRange(all.clone())))
            .map_err(text)?
            .await
            .map_err(text)? as usize;
        if count > keep {
            let excess = u32::try_from(count - keep).unwrap_or(u32::MAX);
            let keys = store
                .get_all_keys(Some(Query::KeyRange(all)), Some(excess))
                .map_err(text)?
                .await
                .map_err(text)?;
            if let Some(last) = keys.last() {
                let cut =
                    KeyRange::bound(&key(dashboard, feed, f64::NEG_INFINITY), last, None, None)
                        .map_err(text)?;
                store.delete(Query::KeyRange(cut)).map_err(text)?;
            }
        }
        finish(tx).await
    }

    /// Deletes every sample of `dashboard`.
    pub async fn clear(&self, dashboard: u32) -> Result<(), String> {
        let tx = self
            .db
            .transaction(&[STORE], TransactionMode::ReadWrite)
            .map_err(text)?;
        let store = tx.object_store(STORE).map_err(text)?;
        // [d] sorts before every [d, f, t], and [d, []] after: an array key is greater
        // than any string.
        let lower: JsValue = Array::of1(&JsValue::from(dashboard)).into();
        let upper: JsValue = Array::of2(&JsValue::from(dashboard), &Array::new()).into();
        let range = KeyRange::bound(&lower, &upper, None, None).map_err(text)?;
        store.delete(Query::KeyRange(range)).map_err(text)?;
        finish(tx).await
    }
}
