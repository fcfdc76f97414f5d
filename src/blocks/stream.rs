//! The stream block: a feed's last messages, newest first, each with the time it came
//! (and, under a wildcard, its topic) — Adafruit IO's stream, for any broker. Text
//! only: a payload is never markup, and a long one wraps inside the block.
//!
//! ARIA: a list named by the title, not a `log` live region: a busy feed would be read
//! out without end. The newest message is first, so it is the first one a screen reader
//! reaches.

use leptos::prelude::*;

use super::clock_time::{clock_time, local_offset_minutes};
use super::feed_notes::{unique_id, FeedNotes};
use super::staleness::Freshness;
use crate::app::FeedHandle;

/// One listed message.
#[derive(Debug, Clone, PartialEq)]
struct Line {
    seq: u64,
    time: String,
    topic: Option<String>,
    text: String,
    retained: bool,
}

/// The last `lines` messages of one feed.
#[component]
pub fn Stream(
    title: String,
    lines: u16,
    feed: FeedHandle,
    freshness: Memo<Freshness>,
) -> impl IntoView {
    let offset = local_offset_minutes();
    // Rebuilt at most once per frame (when the feed's version moves); the list keeps
    // the elements of messages still shown, keyed by their place in the feed.
    let shown = Memo::new(move |_| {
        feed.with(|f| {
            f.texts()
                .iter()
                .rev()
                .take(usize::from(lines))
                .map(|t| Line {
                    seq: t.seq,
                    time: clock_time(t.time_ms, offset),
                    topic: t.topic.as_deref().map(str::to_owned),
                    text: t.text.to_string(),
                    retained: t.retained,
                })
                .collect::<Vec<_>>()
        })
        .unwrap_or_default()
    });
    let group_name = title.clone();
    let notes_id = unique_id("stream-notes");
    let described_by = notes_id.clone();
    let list_name = format!("{title}, newest first");
    view! {
        <section class="block stream" role="group" aria-label=group_name
            aria-describedby=described_by
            data-freshness=move || freshness.get().as_str()>
            <h2>{title}</h2>
            <Show when=move || shown.with(Vec::is_empty)>
                <p class="stream-empty">"No messages yet"</p>
            </Show>
            <ol class="stream-lines" aria-label=list_name tabindex="0">
                <For each=move || shown.get() key=|line| line.seq let(line)>
                    <li>
                        <time>{line.time}</time>
                        " "
                        {line.retained.then(|| view! { <span class="stream-retained">"(retained) "</span> })}
                        {line.topic.map(|t| view! { <span class="stream-topic">{format!("{t}: ")}</span> })}
                        <span class="stream-text">{line.text}</span>
                    </li>
                </For>
            </ol>
            <FeedNotes id=notes_id freshness feed />
        </section>
    }
}
