//! The text block: a feed's latest message as text (a status, a name, a note), the
//! way Adafruit IO's text block shows one. Always text, never markup: a payload of
//! `<b>` shows the angle brackets.
//!
//! ARIA: a `group` named by the title and the text, like the value block, and for the
//! same reason not a live region: a status that changes every second would drown out
//! everything else a screen reader says.

use leptos::prelude::*;

use super::feed_notes::{unique_id, FeedNotes};
use super::staleness::Freshness;
use crate::app::FeedHandle;

/// The latest text of one feed.
#[component]
pub fn TextBlock(title: String, feed: FeedHandle, freshness: Memo<Freshness>) -> impl IntoView {
    let latest = Memo::new(move |_| {
        feed.with(|f| f.texts().last().map(|t| t.text.to_string()))
            .flatten()
    });
    let name = {
        let title = title.clone();
        move || match latest.get() {
            Some(text) if text.is_empty() => format!("{title}: (empty message)"),
            Some(text) => format!("{title}: {text}"),
            None => format!("{title}: no data yet"),
        }
    };
    let notes_id = unique_id("text-notes");
    let described_by = notes_id.clone();
    view! {
        <section class="block text-block" role="group" aria-label=name
            aria-describedby=described_by
            data-freshness=move || freshness.get().as_str()>
            <h2>{title}</h2>
            <p class="text-reading" aria-hidden="true">
                {move || latest.get().unwrap_or_else(|| "–".to_owned())}
            </p>
            <FeedNotes id=notes_id freshness feed />
        </section>
    }
}
