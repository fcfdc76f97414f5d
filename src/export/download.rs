//! Writing an export to a file download without freezing the page: the rows become text
//! a chunk at a time, the page gets a turn between chunks (messages and frames go on),
//! and the chunks become one `Blob` that an `<a download>` saves.

use gloo_timers::future::TimeoutFuture;
use js_sys::Array;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::{Blob, BlobPropertyBag, HtmlAnchorElement, Url};

use super::csv::{write_rows, ExportRow, HEADER};

/// Rows written between two turns of the page: a few milliseconds of work.
pub const ROWS_PER_CHUNK: usize = 2000;

/// Writes `rows` as CSV and saves them as `file_name`, calling `progress` with the rows
/// written so far after each chunk. Fails with what the browser said.
pub async fn save_csv(
    file_name: &str,
    rows: &[ExportRow],
    progress: impl Fn(usize),
) -> Result<(), String> {
    let parts = Array::new();
    parts.push(&JsValue::from_str(HEADER));
    let mut text = String::new();
    for (index, chunk) in rows.chunks(ROWS_PER_CHUNK).enumerate() {
        text.clear();
        write_rows(chunk, &mut text);
        parts.push(&JsValue::from_str(&text));
        progress((index * ROWS_PER_CHUNK + chunk.len()).min(rows.len()));
        TimeoutFuture::new(0).await;
    }
    let options = BlobPropertyBag::new();
    options.set_type("text/csv;charset=utf-8");
    let blob = Blob::new_with_str_sequence_and_options(&parts, &options).map_err(describe)?;
    let url = Url::create_object_url_with_blob(&blob).map_err(describe)?;
    let saved = click_download(&url, file_name);
    // The download has the blob by the time the click returns; the URL can go after a
    // moment (revoking at once makes some browsers save nothing).
    gloo_timers::callback::Timeout::new(10_000, move || {
        let _ = Url::revoke_object_url(&url);
    })
    .forget();
    saved
}

fn click_download(url: &str, file_name: &str) -> Result<(), String> {
    let document = web_sys::window()
        .and_then(|w| w.document())
        .ok_or("no document")?;
    let anchor: HtmlAnchorElement = document
        .create_element("a")
        .map_err(describe)?
        .dyn_into()
        .map_err(|_| "not an anchor".to_owned())?;
    anchor.set_href(url);
    anchor.set_download(file_name);
    anchor.click();
    Ok(())
}

fn describe(error: JsValue) -> String {
    error
        .as_string()
        .or_else(|| {
            error
                .dyn_ref::<js_sys::Error>()
                .map(|e| String::from(e.message()))
        })
        .unwrap_or_else(|| format!("{error:?}"))
}
