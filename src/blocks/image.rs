//! The image block: a feed's latest picture. Only what the feed store accepted as an
//! image reaches here — a PNG, JPEG, GIF or WebP recognised by its bytes, within
//! 512 KiB, rebuilt as a `data:` URI (see [`crate::feeds::image_payload`]) — so a
//! payload can never point the page at a URL or show a scriptable SVG.

use leptos::prelude::*;

use super::feed_notes::{unique_id, FeedNotes};
use super::staleness::Freshness;
use crate::app::FeedHandle;

/// The latest image of one feed.
#[component]
pub fn ImageBlock(title: String, feed: FeedHandle, freshness: Memo<Freshness>) -> impl IntoView {
    let latest = Memo::new(move |_| {
        feed.with(|f| {
            f.image().map(|kept| {
                let kind = kept.image.mime.trim_start_matches("image/").to_uppercase();
                let size = kept.image.bytes.div_ceil(1024);
                (kept.image.data_uri.clone(), format!("{kind}, {size} KiB"))
            })
        })
        .flatten()
    });
    let group_name = title.clone();
    let notes_id = unique_id("image-notes");
    let described_by = notes_id.clone();
    let alt_title = title.clone();
    view! {
        <section class="block image-block" role="group" aria-label=group_name
            aria-describedby=described_by
            data-freshness=move || freshness.get().as_str()>
            <h2>{title}</h2>
            {move || match latest.get() {
                Some((src, about)) => view! {
                    <img class="feed-image" src=src alt=format!("{alt_title}: latest image, {about}") />
                }.into_any(),
                None => view! { <p class="image-empty">"No image yet"</p> }.into_any(),
            }}
            <FeedNotes id=notes_id freshness feed />
        </section>
    }
}
