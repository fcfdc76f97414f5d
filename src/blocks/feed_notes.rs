//! The lines under every block's value: whether the value is current (stale, from
//! before the connection was lost, retained), and why the last payload was unreadable
//! or why nothing can come (the broker refused the subscription).
//! Text, so neither rests on colour; the block's main element points at them with
//! `aria-describedby`, so a screen reader reads them with the value.

use std::cell::Cell;

use leptos::prelude::*;

use super::staleness::Freshness;
use crate::app::FeedHandle;

thread_local! {
    static NEXT_ID: Cell<u64> = const { Cell::new(0) };
}

/// A fresh element id, `prefix-N`, unique on the page: `aria-describedby` needs ids,
/// and two blocks may share a title.
pub fn unique_id(prefix: &str) -> String {
    let n = NEXT_ID.with(|c| {
        let n = c.get();
        c.set(n + 1);
        n
    });
    format!("{prefix}-{n}")
}

/// The notes of one block, in an element with `id`.
#[component]
pub fn FeedNotes(id: String, freshness: Memo<Freshness>, feed: FeedHandle) -> impl IntoView {
    let problem = move || feed.with(|f| f.notice().map(str::to_owned)).flatten();
    view! {
        <div class="feed-notes" id=id>
            {move || {
                let state = freshness.get();
                state.note().map(|note| view! {
                    <p class="freshness" data-freshness=state.as_str()>{note}</p>
                })
            }}
            {move || problem().map(|p| view! { <p class="feed-problem">{p}</p> })}
        </div>
    }
}
