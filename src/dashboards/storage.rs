//! The thin browser side of saving: strings in and out of `localStorage`, and the
//! browser's refusals turned into sentences. What the strings mean is
//! [`super::stored`]'s business.
//!
//! `web_sys::Storage` directly rather than gloo-storage: three calls, and the document
//! is serialized by `stored` anyway, so a wrapper's serde layer would add nothing.

use wasm_bindgen::JsCast;
use web_sys::{DomException, Storage};

/// Where the dashboards are saved.
pub const KEY: &str = "feedboard.dashboards";
/// Where a saved document that could not be read is set aside, once, before anything is
/// saved over it.
pub const SET_ASIDE_KEY: &str = "feedboard.dashboards.unreadable";

/// The saved text, `None` when nothing is saved; `Err` says why storage cannot be used
/// (disabled by the browser's settings, a private window's rules).
pub fn read() -> Result<Option<String>, String> {
    let storage = local_storage()?;
    storage.get_item(KEY).map_err(|e| {
        format!(
            "The browser refused to read saved dashboards: {}",
            describe(&e)
        )
    })
}

/// Saves `text`. On failure nothing is changed: the browser keeps the previous text.
pub fn write(text: &str) -> Result<(), String> {
    write_key(KEY, text)
}

/// Sets the unreadable saved text aside under [`SET_ASIDE_KEY`], unless something is
/// already there (the first unreadable text is the one worth keeping).
pub fn set_aside(text: &str) -> Result<(), String> {
    let storage = local_storage()?;
    if matches!(storage.get_item(SET_ASIDE_KEY), Ok(Some(_))) {
        return Ok(());
    }
    write_key(SET_ASIDE_KEY, text)
}

fn write_key(key: &str, text: &str) -> Result<(), String> {
    local_storage()?
        .set_item(key, text)
        .map_err(|e| format!("Not saved: {}", describe(&e)))
}

fn local_storage() -> Result<Storage, String> {
    let unavailable = "Dashboards cannot be saved: this browser does not allow this page to use its storage (site data may be blocked in its settings)";
    web_sys::window()
        .and_then(|w| w.local_storage().ok().flatten())
        .ok_or_else(|| unavailable.to_owned())
}

/// The browser's exception as a sentence for the user.
fn describe(error: &wasm_bindgen::JsValue) -> String {
    match error.dyn_ref::<DomException>() {
        Some(e) if e.name() == "QuotaExceededError" => {
            "the browser's storage for this site is full (QuotaExceededError). \
             Everything saved before is kept; delete a dashboard or clear other saved \
             data of this site, and the next change will be saved."
                .into()
        }
        Some(e) => format!("{} ({})", e.message(), e.name()),
        None => "the browser gave no reason".into(),
    }
}
